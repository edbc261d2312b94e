import { lstat } from 'node:fs/promises';
import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import type { QueuedRequest } from '../ssh/types.js';
import { asUser } from '../deploy/app-run.js';
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
 */
export function prepareScript(ctx: DeployContext, id: string, delta: boolean): string {
  const p = ctx.paths;
  const q = shQuote;
  const b = p.buildUser;
  // A release an older version built as root cannot be hardlinked by the build user (the kernel's
  // protected_hardlinks): its first deploy sends the whole tree. Only the preload list that older
  // versions wrote into each release (now in /etc/APP/preload) may be left out of a copy.
  const copy = asUser(
    b,
    `prev=$1; dst=$2
[ -f "$prev/${MANIFEST_FILE}" ] && [ ! -L "$prev/${MANIFEST_FILE}" ] || { echo copy=no-manifest; exit 0; }
err=$(mktemp)
if ! cp -al -- "$prev" "$dst" 2>"$err" && grep -v -F ${q(`/${LEGACY_PRELOAD_FILE}'`)} "$err" | grep -q .; then
  rm -rf -- "$dst" "$err"; echo copy=not-linkable; exit 0
fi
rm -f -- "$err"
echo copied=yes
echo ${q(MANIFEST_MARK)}
cat -- "$prev/${MANIFEST_FILE}"`,
    ['"$prev"', `${q(p.incoming)}/"$id"`]
  );
  return `
rm -rf ${q(p.incoming)}/* 2>/dev/null || true
if [ -L ${q(p.current)} ]; then
  echo "previous=$(basename "$(readlink ${q(p.current)})")"
  echo "previous_venv=$(basename "$(readlink -f ${q(p.current + '/.venv')})")"
fi
echo "cores=$(nproc)"
id=${q(id)}
n=1
while [ -e ${q(p.releases)}/"$id" ]; do n=$((n + 1)); id=${q(id)}-$n; done
echo "release=$id"
prev=$(readlink -f ${q(p.current)} 2>/dev/null || true)
if ${delta ? 'true' : 'false'} && [ -n "$prev" ] && [ -d "$prev" ]; then
  if [ "$(stat -c %U "$prev")" = ${q(b)} ]; then
    ${copy}
  else
    echo copy=built-as-root
  fi
fi
`;
}

/**
 * The manifest (on stdin), REVISION, shared links, then the atomic move into releases/, all
 * written by the build user: a REVISION or manifest the repository ships (even a link to
 * /etc/issue) is removed and replaced, never written through. A shared path missing in shared/ is
 * seeded from the release by a tar pipe from the build user to the app's user, who owns shared/.
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
  const q = shQuote;
  const incoming = `${p.incoming}/${id}`;
  const revision = [
    `commit=${d.commit || 'unknown'}`,
    `ref=${d.ref || 'unknown'}`,
    `time=${new Date().toISOString()}`,
    `release=${id}`
  ]
    .map((l) => l.replace(/\n/g, ' '))
    .join('\n');
  const seeds = d.sharedPaths
    .map((sp) => {
      const target = `${p.shared}/${sp}`;
      const inRelease = `${incoming}/${sp}`;
      const absent = `[ ! -e ${q(target)} ] && [ ! -L ${q(target)} ]`;
      // A shared path that does not exist yet is seeded from the first release that ships it.
      // Its parents are made if missing, never re-moded (shared/ may be o+x for nginx's uploads).
      if (files.has(sp)) {
        // A file (an SQLite database, a config): copied as a file, or made empty, by the app's
        // user; noclobber never writes through a link that appeared meanwhile.
        const read = asUser(p.buildUser, `if [ -f "$1" ] && [ ! -L "$1" ]; then cat -- "$1"; fi`, [
          q(inRelease)
        ]);
        const write = asUser(p.user, `umask 027; mkdir -p -- "$(dirname -- "$1")"; set -C; cat > "$1"`, [
          q(target)
        ]);
        return `if ${absent}; then ${read} </dev/null | ${write}; fi`;
      }
      const pack = asUser(
        p.buildUser,
        `if [ -d "$1" ] && [ ! -L "$1" ]; then tar -C "$1" -cf - .; else tar -cf - -T /dev/null; fi`,
        [q(inRelease)]
      );
      const unpack = asUser(
        p.user,
        `umask 027; mkdir -p -- "$(dirname -- "$1")"; install -d -m 0750 -- "$1"; tar -C "$1" --no-same-owner -xf -`,
        [q(target)]
      );
      return `if ${absent}; then ${pack} </dev/null | ${unpack}; fi`;
    })
    .join('\n');
  const links = d.sharedPaths
    .map((sp) => {
      const inRelease = `${incoming}/${sp}`;
      return `rm -rf -- ${q(inRelease)}
install -d -m 0755 -- ${q(path.posix.dirname(inRelease))}
ln -s -- ${q(`${p.shared}/${sp}`)} ${q(inRelease)}`;
    })
    .join('\n');
  const build = `rm -rf -- ${q(`${incoming}/REVISION`)} ${q(`${incoming}/${MANIFEST_FILE}`)}
${withManifest ? `cat > ${q(`${incoming}/${MANIFEST_FILE}`)}` : ''}
printf '%s\\n' ${q(revision)} > ${q(`${incoming}/REVISION`)}
${links}
chmod -R go-w -- ${q(incoming)}
mv -T -- ${q(incoming)} ${q(p.releaseDir(id))}`;
  return `
${seeds}
${asUser(p.buildUser, build)}
`;
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
