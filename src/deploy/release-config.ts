import * as path from 'node:path';
import type { DeployContext } from './context.js';
import { serverScript, type ScriptValues } from '../render/scripts.js';
import { statesDir } from './release-record.js';
import { releaseSettingsDir } from './remembered.js';

/**
 * Each live release's own service unit and Gunicorn config, as they were installed when it went
 * live: kept by root in /etc/APP/release-config/ID (root's folder, which neither the app nor the
 * build user can write), so a rollback runs the release it goes back to under the very files it
 * was proven with (its wsgi-app, workers, worker class, timeouts, preload), not under the ones of
 * the release it leaves. The environment file is not kept: it holds the server's secrets as they
 * are now (a rotated secret must not come back with an older release), and the socket unit is never
 * restarted by a deploy, so its settings are the server's too.
 */
export function releaseConfigDir(ctx: DeployContext): string {
  return `${ctx.paths.etc}/release-config`;
}

/** The kept files: each with its name in a release's folder, where it is live, and its key. */
export interface KeptFile {
  key: 'service' | 'gunicorn';
  name: string;
  live: string;
}

export function keptFiles(ctx: DeployContext): KeptFile[] {
  const service = ctx.paths.units.service.file;
  return [
    { key: 'service', name: path.posix.basename(service), live: service },
    { key: 'gunicorn', name: path.posix.basename(ctx.paths.gunicornConf), live: ctx.paths.gunicornConf }
  ];
}

export function keptPath(ctx: DeployContext, release: string, f: KeptFile): string {
  return `${releaseConfigDir(ctx)}/${release}/${f.name}`;
}

/** The Gunicorn config `release` went live with (its candidate boots under it). */
export function keptGunicornConf(ctx: DeployContext, release: string): string {
  return keptPath(
    ctx,
    release,
    keptFiles(ctx).find((f) => f.key === 'gunicorn')!
  );
}

/**
 * The shell that keeps the live files as `release`'s (written with the history line of a release
 * that went live, so they are the files it was proven with), replaced as a whole; folders of
 * releases no longer on the server go, with their state records and kept settings. The script is
 * templates/scripts/release_config_keep.sh.
 */
export function keepConfigCommand(ctx: DeployContext, release: string): string {
  return serverScript('release_config_keep', {
    release_config_dir: releaseConfigDir(ctx),
    keep_to: `${releaseConfigDir(ctx)}/${release}`,
    keep_release: release,
    ...keptValues(ctx),
    releases: ctx.paths.releases,
    // The records of the releases gone go with their folders (one rm for all).
    states_dir: statesDir(ctx),
    settings_dir: releaseSettingsDir(ctx)
  });
}

/**
 * The shell that prints `rconfig_ID=KEYS` for every release with a complete kept set: KEYS lists
 * the kept files that differ from the live ones (empty: the release runs under the live files).
 * The script is templates/scripts/release_config_read.sh.
 */
export function readKeptConfigCommand(ctx: DeployContext): string {
  return serverScript('release_config_read', {
    release_config_dir: releaseConfigDir(ctx),
    ...keptValues(ctx)
  });
}

/** The kept files as numbered values: kept_count, kept_name_N, kept_live_N, kept_key_N. */
function keptValues(ctx: DeployContext): ScriptValues {
  const values: ScriptValues = { kept_count: keptFiles(ctx).length };
  keptFiles(ctx).forEach((f, i) => {
    values[`kept_name_${i}`] = f.name;
    values[`kept_live_${i}`] = f.live;
    values[`kept_key_${i}`] = f.key;
  });
  return values;
}

/** rconfig_ID=KEYS lines -> { ID: the keys of the kept files that differ from the live ones }. */
export function parseKeptConfig(stdout: string): Map<string, KeptFile['key'][]> {
  return new Map(
    [...stdout.matchAll(/^rconfig_([0-9A-Za-z._-]+)=([a-z ]*)$/gm)].map((m) => [
      m[1]!,
      m[2]!.split(' ').filter((k): k is KeptFile['key'] => k === 'service' || k === 'gunicorn')
    ])
  );
}
