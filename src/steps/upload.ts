import { lstat } from 'node:fs/promises';
import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import type { QueuedRequest } from '../ssh/types.js';
import { serverScript } from '../render/scripts.js';
import { deltaUpload } from './upload-delta.js';
import type { StepOutcome } from './step.js';
import { runManifest } from '../early-manifest.js';
import {
  MANIFEST_FILE,
  MANIFEST_HEADER,
  parseManifest,
  serializeManifest,
  type Manifest
} from '../manifest.js';

/** Written into each release by versions before the preload list moved to /etc/APP/preload. */
const LEGACY_PRELOAD_FILE = '.gunicorn-deploy-preload';

/** Separates the prepare script's facts from the previous release's manifest in its output. */
const MANIFEST_MARK = '--- previous manifest';

/**
 * Before the upload: partial uploads left by a dropped connection are removed, and the release
 * serving now is recorded as the one to roll back to. For a delta, the hardlinked copy of that
 * release is made here too, and its manifest printed, while the runner is still hashing the tree.
 * The copy and the manifest are read and written by the build user: root only looks at names.
 * The scripts are templates/scripts/prepare.sh and release_copy.sh.
 */
export function prepareScript(ctx: DeployContext, id: string, delta: boolean): string {
  const p = ctx.paths;
  const copy = serverScript('release_copy', {
    manifest_file: MANIFEST_FILE,
    // cp's message about the one file a copy may leave out ends with its quoted name.
    legacy_preload_error: `/${LEGACY_PRELOAD_FILE}'`,
    manifest_mark: MANIFEST_MARK
  });
  return `${serverScript('as_user', {})}${serverScript('prepare', {
    incoming: p.incoming,
    current: p.current,
    releases: p.releases,
    wanted_id: id,
    delta: delta ? 'yes' : 'no',
    build_user: p.buildUser,
    copy_script: copy
  })}`;
}

/**
 * The manifest (on stdin), REVISION, shared links, then the atomic move into releases/, all
 * written by the build user: a REVISION or manifest the repository ships (even a link to
 * /etc/issue) is removed and replaced, never written through. A shared path missing in shared/ is
 * seeded from the release by a tar pipe from the build user to the app's user, who owns shared/.
 * The scripts are templates/scripts/finish.sh and release_finish.sh.
 */
export function finishScript(
  ctx: DeployContext,
  id: string,
  withManifest: boolean,
  /** Shared paths linked as files (declared `PATH:file`, or a file in the source), never folders. */
  files: ReadonlySet<string> = new Set(ctx.settings.deploy.sharedFiles)
): string {
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  const incoming = `${p.incoming}/${id}`;
  const revision = [
    `commit=${d.commit || 'unknown'}`,
    `ref=${d.ref || 'unknown'}`,
    `time=${new Date().toISOString()}`,
    `release=${id}`
  ]
    .map((l) => l.replace(/\n/g, ' '))
    .join('\n');
  const finish = serverScript('release_finish', {
    incoming,
    manifest_file: MANIFEST_FILE,
    with_manifest: withManifest ? 'yes' : 'no',
    revision,
    shared: p.shared,
    shared_paths: d.sharedPaths.join('\n'),
    release_dir: p.releaseDir(id)
  });
  return `${serverScript('as_user', {})}${serverScript('finish', {
    build_user: p.buildUser,
    app_user: p.user,
    shared: p.shared,
    incoming,
    // A file (an SQLite database, a config) is seeded as a file, never unpacked as a folder.
    seeds: d.sharedPaths.map((sp) => `${files.has(sp) ? 'file' : 'dir'} ${sp}`).join('\n'),
    finish_script: finish
  })}`;
}

export interface Uploaded {
  release: string;
  previous: string;
  /** Venv hash of the release serving before this deploy ('' on a first deploy). */
  previousVenv: string;
  cores: number;
  /** What was uploaded; undefined when a name in the tree kept it from being listed. */
  manifest: Manifest | undefined;
  /** The caller's queue (queueAfter) went to the server with the upload. */
  queued?: boolean;
}

/**
 * Queues the requests that follow the upload (the venv lookup and on), so a small delta sends them
 * with its own: called at most once, after the release id and the server's cores are known.
 */
export type QueueAfterUpload = (release: string, cores: number) => void;

const FINISH_TIMEOUT_MS = 120_000;

const PREPARE_OPTS = { sudo: true, timeoutMs: 10 * 60_000 };

/**
 * The upload's prepare script as a request to queue with the layout: one round trip for both, the
 * prepare running only if the layout succeeded. uploadRelease then takes its answer.
 */
export function prepareRequest(ctx: DeployContext, wantedId: string): QueuedRequest {
  return { text: prepareScript(ctx, wantedId, !ctx.settings.deploy.fullUpload), opts: PREPARE_OPTS };
}

export async function uploadRelease(
  ctx: DeployContext,
  wantedId: string,
  queueAfter?: QueueAfterUpload
): Promise<Uploaded & StepOutcome> {
  const source = path.resolve(ctx.settings.app.source);
  const wantDelta = !ctx.settings.deploy.fullUpload;
  const [prepRes, manifest] = await Promise.all([
    runScript(ctx, 'preparing the upload', prepareScript(ctx, wantedId, wantDelta), PREPARE_OPTS),
    runManifest(source, ctx.settings.app.exclude)
  ]);
  const [factsText, oldText] = splitOnce(prepRes.stdout, `\n${MANIFEST_MARK}\n`);
  const prep = parseFacts(factsText);
  const release = prep.release!;
  const previous = prep.previous ?? '';
  const incoming = `${ctx.paths.incoming}/${release}`;
  const old = oldText !== undefined ? parseManifest(oldText) : undefined;
  const cores = Number(prep.cores) || 1;
  let detail: string;
  let queued = false;
  try {
    const files = await sharedFiles(ctx, source);
    const finish = finishScript(ctx, release, !!manifest, files);
    const finishOpts = {
      sudo: true,
      timeoutMs: FINISH_TIMEOUT_MS,
      stdin: manifest ? serializeManifest(manifest) : undefined
    };
    if (manifest && old) {
      detail = await deltaUpload(ctx, source, incoming, old, manifest, () => {
        // The finish, then the caller's requests, ride with the delta's own.
        ctx.remote.sendNext?.(finish, finishOpts);
        queueAfter?.(release, cores);
        queued = true;
      });
    } else {
      if (wantDelta && previous)
        ctx.logger.info(`${whyFull(previous, oldText, manifest, prep.copy)}: uploading the whole tree`);
      if (prep.copied === 'yes') await discard(ctx, incoming);
      const up = await ctx.remote.upload(source, incoming, {
        exclude: ctx.settings.app.exclude,
        sudo: true,
        asUser: ctx.paths.buildUser,
        discardOnFailure: true
      });
      detail = `full: ${up.files} files, ${(up.bytes / 1e6).toFixed(1)} MB in ${(up.ms / 1000).toFixed(2)} s`;
    }
    await runScript(ctx, 'finishing the release folder', finish, finishOpts);
  } catch (err) {
    // No half-made release stays on the server to fill its disk (the server side of the upload
    // removes it too when the connection itself is gone).
    await discard(ctx, incoming).catch(() => undefined);
    throw err;
  }
  return {
    release,
    previous,
    previousVenv: prep.previous_venv ?? '',
    cores,
    manifest,
    queued,
    detail
  };
}

/** Shared paths that are files: declared so, or a regular file in the source. */
async function sharedFiles(ctx: DeployContext, source: string): Promise<Set<string>> {
  const files = new Set(ctx.settings.deploy.sharedFiles);
  for (const sp of ctx.settings.deploy.sharedPaths) {
    const st = await lstat(path.join(source, sp)).catch(() => undefined);
    if (st?.isFile()) files.add(sp);
  }
  return files;
}

/** Removes a release being made (root: what an older version left there may be root's). */
function discard(ctx: DeployContext, incoming: string): Promise<unknown> {
  return runScript(ctx, 'removing the unfinished release', `rm -rf -- ${shQuote(incoming)}`, {
    timeoutMs: 10 * 60_000
  });
}

/** Why a deploy that could have sent a delta sends everything: said once, in the log. */
function whyFull(
  previous: string,
  oldText: string | undefined,
  manifest: Manifest | undefined,
  copy?: string
): string {
  if (!manifest)
    return 'a path in the source has a name tar must escape (a control character, backslash or non-ASCII byte)';
  if (copy === 'built-as-root')
    return `release ${previous} was built as root by an older version (the build user cannot hardlink it)`;
  if (copy === 'not-linkable') return `release ${previous} could not be hardlinked by the build user`;
  if (oldText === undefined) return `release ${previous} has no usable manifest (none found)`;
  const head = oldText.split('\n', 1)[0]!;
  // After an upgrade that changed the format, one full upload is expected, not a fault.
  return head === MANIFEST_HEADER
    ? `release ${previous} has no usable manifest (unreadable)`
    : `release ${previous} has no usable manifest (format "${head}"; this version uses "${MANIFEST_HEADER}")`;
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + sep.length)];
}
