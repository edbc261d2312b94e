import { createHash, createHmac, type Hmac } from 'node:crypto';
import type { DeployContext } from './context.js';
import type { Settings } from '../settings.js';
import { serializeManifest, type Manifest } from '../manifest.js';
import { shQuote } from '../ssh/quote.js';
import { releaseSettingsCommand, releaseSettingsDir } from './remembered.js';
import { serverScript } from '../render/scripts.js';

/** Run-specific settings (commit, ref, lock handling, full-upload) do not change what is deployed. */
export function shapingSettings(settings: Settings): string {
  const shaping: Record<string, unknown> = { ...settings.deploy };
  for (const k of ['commit', 'ref', 'rollbackTo', 'lockTimeoutMs', 'forceUnlock', 'fullUpload'])
    delete shaping[k];
  return JSON.stringify(shaping);
}

/**
 * A hash keyed by the SSH key: the record is written through a command line (in sudo's journal)
 * and the settings it covers include the env values, so a plain sha256 of a weak secret could be
 * brute-forced from the journal. Keyed, it says nothing to anyone without the deploy key; a run
 * with another key only redeploys once.
 */
export function recordHmac(settings: Settings): Hmac {
  return createHmac('sha256', createHash('sha256').update(settings.ssh.privateKey).digest());
}

/**
 * What a release is made of: the manifest of the tree the upload sends (paths, modes, content
 * ids; no times or owners, so a fresh checkout of the same commit hashes the same), plus every
 * deploy setting that shapes the release or its units. A deploy has the manifest already.
 */
export function releaseHash(manifest: Manifest, settings: Settings): string {
  return recordHmac(settings)
    .update(serializeManifest(manifest))
    .update(shapingSettings(settings))
    .digest('hex');
}

/**
 * Which source and settings the current release was built from: written by every deploy that went
 * live (so a provision after a plain deploy of the same source deploys nothing), read by provision.
 */
export function recordPath(ctx: DeployContext): string {
  return `${ctx.paths.state}/provisioned-source`;
}

/** The shell that records what the release just made live was built from. */
export function recordCommand(ctx: DeployContext, hash: string, release: string): string {
  return `printf 'hash=%s\\nrelease=%s\\n' ${shQuote(hash)} ${shQuote(release)} > ${shQuote(recordPath(ctx))}`;
}

/**
 * What each release became: built (uploaded, not yet proven), refused (failed a check or its
 * candidate boot; never served), live (proven after a switch), rolled-back (switched away from
 * after a failure or by mode rollback). One small root-owned file per release, outside the release,
 * so nothing the repository ships can forge it. Only `live` releases are rollback targets.
 */
export type ReleaseState = 'built' | 'refused' | 'live' | 'rolled-back';

export function statesDir(ctx: DeployContext): string {
  return `${ctx.paths.state}/release-states`;
}

/**
 * The shell that records a release's state (and forgets releases no longer on the server). A
 * release just built also keeps the settings it is proven and run with (remembered.ts). Scripts:
 * templates/scripts/release_state.sh, release_states_tidy.sh.
 */
export function stateCommand(ctx: DeployContext, release: string, state: ReleaseState): string {
  const dir = statesDir(ctx);
  const write = serverScript('release_state', { states_dir: dir, state, state_file: `${dir}/${release}` });
  const settings = state === 'built' ? `${releaseSettingsCommand(ctx, release)}\n` : '';
  return `${write}${settings}${serverScript('release_states_tidy', {
    states_dir: dir,
    settings_dir: releaseSettingsDir(ctx),
    releases: ctx.paths.releases
  })}`;
}

/**
 * The shell that prints `state_ID=STATE` for every release on the server (`none` when a release has
 * no record: one from before states were kept, or one still being built).
 */
export function listStatesCommand(ctx: DeployContext): string {
  return serverScript('release_states_list', { releases: ctx.paths.releases, states_dir: statesDir(ctx) });
}

/** state_ID=STATE lines -> { ID: STATE }, in the order printed (oldest first). */
export function parseStates(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^state_([0-9A-Za-z._-]+)=([a-z-]+)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}
