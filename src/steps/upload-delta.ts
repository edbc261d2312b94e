import type { DeployContext } from '../deploy/context.js';
import { lastLines, runScript } from '../deploy/context.js';
import { asUser } from '../deploy/app-run.js';
import { shQuote } from '../ssh/quote.js';
import { packFiles, remoteUnpackCommand } from '../ssh/upload.js';
import { diffManifests, MANIFEST_FILE, type Manifest } from '../manifest.js';

/** A delta up to this size travels in memory, with the requests after it; a larger one streams. */
const QUEUED_DELTA_MAX_BYTES = 8 * 1024 * 1024;
const UNPACK_TIMEOUT_MS = 10 * 60_000;

/**
 * Turns the hardlinked copy of the previous release (made by the prepare script) into the new
 * release: only new and changed files cross the network. A changed file is deleted from the copy
 * and unpacked anew (a new inode), never written through, since its old inode belongs to the
 * release still serving.
 */
export async function deltaUpload(
  ctx: DeployContext,
  source: string,
  incoming: string,
  old: Manifest,
  manifest: Manifest,
  /** Queues what follows the upload; called only when the delta goes queued itself. */
  queueRest: () => void
): Promise<string> {
  const started = Date.now();
  const diff = diffManifests(old, manifest, ctx.settings.deploy.sharedPaths);
  // Everything the copy must lose: removed and changed paths, and the files every release writes anew.
  const remove = [...diff.remove, 'REVISION', MANIFEST_FILE, '.venv', ...ctx.settings.deploy.sharedPaths];
  const trim = asUser(ctx.paths.buildUser, `cd -- "$1"\nxargs -0 -r rm -rf --`, [shQuote(incoming)]);
  const trimOpts = { stdin: remove.map((r) => `${r}\0`).join(''), timeoutMs: 10 * 60_000 };
  const payload = diff.send.reduce((n, p) => n + (manifest.get(p)?.size ?? 0), 0);
  // A small delta is one archive in memory, unpacked through the root shell right after the trim:
  // the trim, the unpack and everything queued after them are one round trip.
  const packed =
    ctx.remote.sendNext && diff.send.length > 0 && payload <= QUEUED_DELTA_MAX_BYTES
      ? await packFiles(source, diff.send, QUEUED_DELTA_MAX_BYTES)
      : undefined;
  let bytes = 0;
  if (ctx.remote.sendNext && (packed || diff.send.length === 0)) {
    const unpack = remoteUnpackCommand(incoming, { asUser: ctx.paths.buildUser, discard: true });
    const unpackOpts = { sudo: true, timeoutMs: UNPACK_TIMEOUT_MS, stdin: packed };
    if (packed) ctx.remote.sendNext(unpack, unpackOpts, 'exec');
    queueRest();
    await runScript(ctx, 'trimming the hardlinked copy', trim, { ...trimOpts, carry: true });
    if (packed) {
      const res = await ctx.remote.exec(unpack, unpackOpts);
      if (res.code !== 0)
        throw new Error(
          `upload to ${ctx.label}:${incoming} failed: remote tar exited ${res.code}: ${lastLines(res.stderr, 10) || '(no stderr)'}`
        );
      bytes = packed.length;
    }
  } else {
    await runScript(ctx, 'trimming the hardlinked copy', trim, trimOpts);
    bytes = await streamDelta(ctx, source, incoming, diff.send);
  }
  const changed = diff.send.filter((p) => manifest.get(p)?.type !== 'd').length;
  const removed = diff.remove.filter((p) => !manifest.has(p)).length;
  const secs = ((Date.now() - started) / 1000).toFixed(2);
  // What changed, in the files' own bytes; the tar stream adds headers and pads to 10 kB blocks.
  const size = (n: number): string => (n < 1000 ? `${n} B` : `${(n / 1e3).toFixed(1)} kB`);
  return `delta: ${changed} changed, ${removed} removed of ${manifest.size} paths, ${size(payload)} of files (${size(bytes)} sent) in ${secs} s`;
}

/** A delta too large for memory: its own tar stream, on a channel of its own. */
async function streamDelta(
  ctx: DeployContext,
  source: string,
  incoming: string,
  send: string[]
): Promise<number> {
  if (send.length === 0) return 0;
  const up = await ctx.remote.upload(source, incoming, {
    exclude: ctx.settings.app.exclude,
    sudo: true,
    asUser: ctx.paths.buildUser,
    discardOnFailure: true,
    files: send
  });
  return up.bytes;
}
