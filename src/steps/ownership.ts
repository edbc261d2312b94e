import type { Settings } from '../settings.js';
import { appLayout, type AppLayout } from '../deploy/paths.js';
import { serverScript } from '../render/scripts.js';

/**
 * What the server itself must show before anything of the app's is written: that the app's name
 * belongs to no one else (a unit, user, group or folder this tool did not create) and that the
 * app's filesystem has room. Both are probes of read-only commands, so preflight runs them as the
 * login user and the layout step (as root) turns their findings into a refusal before its first
 * write. Runs in bash (the probes use arrays and arithmetic). The scripts: templates/scripts/
 * name_probe.sh, disk_probe.sh, name_refusal.sh, disk_refusal.sh, mark_owned.sh.
 */

/** Where the tool records what it created, so a name it took can be told from one it found. */
export const OWNED_DIR = '/var/lib/gunicorn-deploy';
/** First line of every unit the tool writes (templates/systemd/*.hbs). */
export const UNIT_HEADER = '# Written by gunicorn-deploy';
/** Exit codes of the refusals, for callers that tell them apart. */
export const NAME_TAKEN_EXIT = 5;
export const DISK_FULL_EXIT = 6;

export function ownedMarker(app: string): string {
  return `${OWNED_DIR}/${app}.owned`;
}

/** Every unit name a deploy or provision of the app writes. */
export function appUnitNames(layout: AppLayout): string[] {
  return Object.values(layout.units).map((u) => u.name);
}

/**
 * Sets $taken to one line per thing of the app's name this tool did not create; empty when the
 * name is free or already ours. Ours: the user (by uid) recorded in the marker, or (installs made
 * before the marker existed) a system user whose home is app-dir and whose shell is nologin; a unit
 * in /etc/systemd/system whose first line is the tool's header.
 */
export function nameProbe(settings: Settings): string {
  const layout = appLayout(settings);
  const app = settings.app.name;
  return serverScript('name_probe', {
    gd_app: app,
    gd_marker: ownedMarker(app),
    gd_app_dir: settings.app.dir,
    gd_etc: layout.etc,
    gd_log_dir: layout.logDir,
    gd_units: appUnitNames(layout).join(' '),
    gd_unit_header: UNIT_HEADER
  });
}

/**
 * Sets $free_mb, $need_mb and $disk_dir (app-dir, or its nearest existing parent) for the floor of
 * min-free-space: the smaller of an absolute size and a share of the filesystem when both are given.
 */
export function diskProbe(settings: Settings): string {
  const floor = settings.deploy.minFreeSpace;
  return serverScript('disk_probe', {
    gd_disk_of: settings.app.dir,
    gd_need_abs_mb: floor.mb !== undefined ? Math.floor(floor.mb) : '',
    gd_need_pct: floor.percent !== undefined ? Math.floor(floor.percent) : ''
  });
}

/**
 * The name refusal alone: also the first thing the lock step runs, since taking the lock creates
 * app-dir/.deploy (the first write of a deploy).
 */
export function nameRefusal(settings: Settings): string {
  return `${nameProbe(settings)}${serverScript('name_refusal', {
    gd_app_name: settings.app.name,
    gd_name_taken_exit: NAME_TAKEN_EXIT
  })}`;
}

/**
 * What the lock step runs before it creates app-dir/.deploy (the first write of any run): the name
 * refusal, and for a deploy the disk floor too. A rollback is never refused for disk space (it
 * writes almost nothing and may be what brings the app back).
 */
export function lockGuardScript(settings: Settings): string {
  return settings.mode === 'deploy' ? ownershipScript(settings) : nameRefusal(settings);
}

/**
 * The refusals, for the layout step (as root, before its first write): exits NAME_TAKEN_EXIT or
 * DISK_FULL_EXIT with what was found and what to do.
 */
export function ownershipScript(settings: Settings): string {
  return `${nameRefusal(settings)}${diskProbe(settings)}${serverScript('disk_refusal', {
    gd_app_dir: settings.app.dir,
    gd_disk_full_exit: DISK_FULL_EXIT
  })}`;
}

/** After the layout step created the user: record it as the tool's (idempotent). */
export function markOwnedScript(settings: Settings): string {
  return serverScript('mark_owned', {
    gd_marker: ownedMarker(settings.app.name),
    gd_owned_dir: OWNED_DIR,
    gd_app: settings.app.name,
    gd_app_dir: settings.app.dir
  });
}
