// What the engine needs from the settings for one host: where to connect, and which values to mask.
import type { Logger } from './log.js';
import type { SshTarget } from './ssh/types.js';
import { databaseUrlSecrets, type HostSpec, type Settings } from './settings.js';

/** What the engine connects to for one host: the settings' SSH and jump parts, nothing else. */
export function targetFor(settings: Settings, host: HostSpec): SshTarget {
  return {
    host: host.host,
    port: host.port,
    user: settings.ssh.user,
    privateKey: settings.ssh.privateKey,
    passphrase: settings.ssh.passphrase,
    knownHosts: settings.ssh.knownHosts,
    fingerprints: settings.ssh.fingerprints,
    trustOnFirstUse: settings.ssh.trustOnFirstUse,
    connectTimeoutMs: settings.ssh.connectTimeoutMs,
    jump: settings.jump
      ? {
          host: settings.jump.host,
          port: settings.jump.port,
          user: settings.jump.user,
          privateKey: settings.jump.privateKey,
          knownHosts: settings.jump.knownHosts,
          fingerprints: settings.jump.fingerprints,
          connectTimeoutMs: settings.ssh.connectTimeoutMs
        }
      : undefined
  };
}

/** Registers every secret the settings hold, before anything prints. */
export function registerSecrets(settings: Settings, logger: Logger): void {
  for (const v of secretValues(settings)) logger.setSecret(v);
}

/**
 * Every value to mask. A multi-line key is also masked line by line: a log line can carry one of
 * its lines on its own (an error quoting a parse failure), which a whole-value mask would miss.
 */
export function secretValues(settings: Settings): string[] {
  const out = [
    settings.ssh.privateKey,
    ...settings.ssh.privateKey.split('\n').filter((l) => l.trim().length >= 8)
  ];
  if (settings.ssh.passphrase) out.push(settings.ssh.passphrase);
  if (settings.jump && settings.jump.privateKey !== settings.ssh.privateKey) {
    out.push(
      settings.jump.privateKey,
      ...settings.jump.privateKey.split('\n').filter((l) => l.trim().length >= 8)
    );
  }
  for (const e of settings.deploy.env) if (e.value.trim().length > 0) out.push(e.value);
  if (settings.tls.key)
    out.push(settings.tls.key, ...settings.tls.key.split('\n').filter((l) => l.trim().length >= 8));
  if (settings.provision.edge.alertWebhook) out.push(settings.provision.edge.alertWebhook);
  if (settings.notify.webhook) out.push(settings.notify.webhook);
  out.push(...databaseUrlSecrets(settings.database.url));
  return out;
}
