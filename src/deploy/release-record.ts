import { createHash } from 'node:crypto';
import type { DeployContext } from './context.js';
import type { Settings } from '../settings.js';
import { serializeManifest, type Manifest } from '../manifest.js';
import { shQuote } from '../ssh/quote.js';

/** Run-specific settings (commit, ref, lock handling, full-upload) do not change what is deployed. */
export function shapingSettings(settings: Settings): string {
  const shaping: Record<string, unknown> = { ...settings.deploy };
  for (const k of ['commit', 'ref', 'rollbackTo', 'lockTimeoutMs', 'forceUnlock', 'fullUpload'])
    delete shaping[k];
  return JSON.stringify(shaping);
}

/**
 * What a release is made of: the manifest of the tree the upload sends (paths, modes, content
 * ids; no times or owners, so a fresh checkout of the same commit hashes the same), plus every
 * deploy setting that shapes the release or its units. A deploy has the manifest already.
 */
export function releaseHash(manifest: Manifest, settings: Settings): string {
  return createHash('sha256')
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
