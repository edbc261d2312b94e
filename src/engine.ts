import type { Logger } from './log.js';
import type { HostReport, RunReport, StepRecord } from './report.js';
import type { HostSpec, Settings } from './settings.js';
import type { Remote, SshTarget } from './ssh/types.js';
import { connect as sshConnect } from './ssh/connection.js';
import { errorMessage, step } from './steps/step.js';
import { modeStrategy } from './modes/index.js';

export type Connector = (target: SshTarget, logger: Logger) => Promise<Remote>;

/** What a mode does on one host once connected. */
export interface ModeStrategy {
  /** Keys of HostReport.facts shown as the summary's table. */
  factKeys: string[];
  /** Status word for a run where every host succeeded. */
  okStatus: string;
  runHost(ctx: HostContext): Promise<void>;
}

export interface HostContext {
  remote: Remote;
  settings: Settings;
  logger: Logger;
  label: string;
  records: StepRecord[];
  facts: Record<string, string>;
  /** Sets the host's status word (deployed, rolled-back...); failures are thrown. */
  setStatus(status: string): void;
}

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
    connectTimeoutMs: settings.ssh.connectTimeoutMs
  };
}

export function hostLabel(h: HostSpec): string {
  return h.port === 22 ? h.host : `${h.host}:${h.port}`;
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
  for (const e of settings.deploy.env) if (e.value.trim().length > 0) out.push(e.value);
  return out;
}

export async function runEngine(
  settings: Settings,
  deps: { logger: Logger; connect?: Connector }
): Promise<{ report: RunReport; factKeys: string[] }> {
  const { logger } = deps;
  const connect = deps.connect ?? sshConnect;
  registerSecrets(settings, logger);
  const strategy = modeStrategy(settings.mode);
  const start = performance.now();
  const hosts: HostReport[] = [];
  for (const spec of settings.hosts) {
    const label = hostLabel(spec);
    const hostStart = performance.now();
    const records: StepRecord[] = [];
    const report: HostReport = { host: label, ok: false, status: 'failed', steps: records, ms: 0, facts: {} };
    hosts.push(report);
    let remote: Remote | undefined;
    try {
      remote = await step(logger, records, label, 'connect', async () => {
        const r = await connect(targetFor(settings, spec), logger);
        return Object.assign(r, { detail: `${settings.ssh.user}@${label}` });
      });
      report.status = strategy.okStatus;
      await strategy.runHost({
        remote,
        settings,
        logger,
        label,
        records,
        facts: report.facts,
        setStatus: (s) => (report.status = s)
      });
      report.ok = true;
    } catch (err) {
      report.ok = false;
      if (report.status === strategy.okStatus) report.status = 'failed';
      report.error = errorMessage(err);
      logger.error(`${label}: ${report.error}`);
    } finally {
      report.ms = performance.now() - hostStart;
      await remote?.close().catch(() => undefined);
    }
    // A failed host stops the run: servers not yet touched are left alone.
    if (!report.ok && settings.mode !== 'preflight') break;
  }
  const ok = hosts.length === settings.hosts.length && hosts.every((h) => h.ok);
  const failed = hosts.find((h) => !h.ok);
  const report: RunReport = {
    mode: settings.mode,
    ok,
    status: ok ? strategy.okStatus : (failed?.status ?? 'failed'),
    hosts,
    ms: performance.now() - start,
    error: failed ? `${failed.host}: ${failed.error}` : undefined
  };
  return { report, factKeys: strategy.factKeys };
}
