import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import type { StepOutcome } from './step.js';
import {
  buildManifest,
  diffManifests,
  MANIFEST_FILE,
  MANIFEST_HEADER,
  parseManifest,
  serializeManifest,
  type Manifest
} from '../manifest.js';

/** Separates the prepare script's facts from the previous release's manifest in its output. */
const MANIFEST_MARK = '--- previous manifest';

/**
 * Before the upload: partial uploads left by a dropped connection are removed, and the release
 * serving now is recorded as the one to roll back to. For a delta, the hardlinked copy of that
 * release is made here too, and its manifest printed, while the runner is still hashing the tree.
 */
export function prepareScript(ctx: DeployContext, id: string, delta: boolean): string {
  const p = ctx.paths;
  const q = shQuote;
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
if ${delta ? 'true' : 'false'} && [ -n "$prev" ] && [ -f "$prev/${MANIFEST_FILE}" ]; then
  cp -al "$prev" ${q(p.incoming)}/"$id"
  echo copied=yes
  echo ${q(MANIFEST_MARK)}
  cat "$prev/${MANIFEST_FILE}"
fi
`;
}

/** The manifest (on stdin), REVISION, shared links, then the atomic move into releases/. */
export function finishScript(ctx: DeployContext, id: string, withManifest: boolean): string {
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
  const links = d.sharedPaths
    .map((sp) => {
      const target = `${p.shared}/${sp}`;
      const inRelease = `${incoming}/${sp}`;
      // A shared path that does not exist yet is seeded from the first release that ships it.
      return `
if [ ! -e ${q(target)} ]; then
  [ -d ${q(path.posix.dirname(target))} ] || install -d -m 0750 -o ${q(p.user)} -g ${q(p.user)} ${q(path.posix.dirname(target))}
  if [ -d ${q(inRelease)} ] && [ ! -L ${q(inRelease)} ]; then cp -a ${q(inRelease)} ${q(target)}; else install -d -m 0750 ${q(target)}; fi
  chown -R ${q(p.user)}:${q(p.user)} ${q(target)}
fi
rm -rf ${q(inRelease)}
install -d -m 0755 ${q(path.posix.dirname(inRelease))}
ln -sfn ${q(target)} ${q(inRelease)}`;
    })
    .join('\n');
  return `${withManifest ? `\ncat > ${q(`${incoming}/${MANIFEST_FILE}`)}` : ''}
printf '%s\\n' ${q(revision)} > ${q(incoming)}/REVISION
${links}
chmod -R go-w ${q(incoming)}
mv -T ${q(incoming)} ${q(`${p.releases}/${id}`)}
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
}

export async function uploadRelease(ctx: DeployContext, wantedId: string): Promise<Uploaded & StepOutcome> {
  const source = path.resolve(ctx.settings.app.source);
  const wantDelta = !ctx.settings.deploy.fullUpload;
  const [prepRes, manifest] = await Promise.all([
    runScript(ctx, 'preparing the upload', prepareScript(ctx, wantedId, wantDelta), {
      timeoutMs: 10 * 60_000
    }),
    buildManifest(source, ctx.settings.app.exclude)
  ]);
  const [factsText, oldText] = splitOnce(prepRes.stdout, `\n${MANIFEST_MARK}\n`);
  const prep = parseFacts(factsText);
  const release = prep.release!;
  const previous = prep.previous ?? '';
  const incoming = `${ctx.paths.incoming}/${release}`;
  const old = oldText !== undefined ? parseManifest(oldText) : undefined;
  let detail: string;
  if (manifest && old) {
    detail = await deltaUpload(ctx, source, incoming, old, manifest);
  } else {
    if (wantDelta && previous)
      ctx.logger.info(`${whyFull(previous, oldText, manifest)}: uploading the whole tree`);
    if (prep.copied === 'yes')
      await runScript(ctx, 'clearing the copy', `rm -rf ${shQuote(incoming)}`, { timeoutMs: 10 * 60_000 });
    const up = await ctx.remote.upload(source, incoming, { exclude: ctx.settings.app.exclude, sudo: true });
    detail = `full: ${up.files} files, ${(up.bytes / 1e6).toFixed(1)} MB in ${(up.ms / 1000).toFixed(2)} s`;
  }
  await runScript(ctx, 'finishing the release folder', finishScript(ctx, release, !!manifest), {
    timeoutMs: 120_000,
    stdin: manifest ? serializeManifest(manifest) : undefined
  });
  return {
    release,
    previous,
    previousVenv: prep.previous_venv ?? '',
    cores: Number(prep.cores) || 1,
    manifest,
    detail
  };
}

/** Why a deploy that could have sent a delta sends everything: said once, in the log. */
function whyFull(previous: string, oldText: string | undefined, manifest: Manifest | undefined): string {
  if (!manifest)
    return 'a path in the source has a name tar must escape (a control character, backslash or non-ASCII byte)';
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

/**
 * Turns the hardlinked copy of the previous release (made by the prepare script) into the new
 * release: only new and changed files cross the network. A changed file is deleted from the copy
 * and unpacked anew (a new inode), never written through, since its old inode belongs to the
 * release still serving.
 */
async function deltaUpload(
  ctx: DeployContext,
  source: string,
  incoming: string,
  old: Manifest,
  manifest: Manifest
): Promise<string> {
  const started = Date.now();
  const diff = diffManifests(old, manifest, ctx.settings.deploy.sharedPaths);
  // Everything the copy must lose: removed and changed paths, and the files every release writes anew.
  const remove = [...diff.remove, 'REVISION', MANIFEST_FILE, '.venv', ...ctx.settings.deploy.sharedPaths];
  await runScript(ctx, 'trimming the hardlinked copy', `cd ${shQuote(incoming)}\nxargs -0 -r rm -rf --`, {
    stdin: remove.map((r) => `${r}\0`).join(''),
    timeoutMs: 10 * 60_000
  });
  let bytes = 0;
  if (diff.send.length > 0) {
    const up = await ctx.remote.upload(source, incoming, {
      exclude: ctx.settings.app.exclude,
      sudo: true,
      files: diff.send
    });
    bytes = up.bytes;
  }
  const changed = diff.send.filter((p) => manifest.get(p)?.type !== 'd').length;
  const removed = diff.remove.filter((p) => !manifest.has(p)).length;
  const secs = ((Date.now() - started) / 1000).toFixed(2);
  return `delta: ${changed} changed, ${removed} removed of ${manifest.size} paths, ${(bytes / 1e3).toFixed(1)} kB in ${secs} s`;
}
