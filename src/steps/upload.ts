import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import type { StepOutcome } from './step.js';
import {
  buildManifest,
  diffManifests,
  MANIFEST_FILE,
  parseManifest,
  serializeManifest,
  type Manifest
} from '../manifest.js';

/**
 * Before the upload: partial uploads left by a dropped connection are removed, and the release
 * serving now is recorded as the one to roll back to.
 */
export function prepareScript(ctx: DeployContext, id: string): string {
  const p = ctx.paths;
  return `
rm -rf ${shQuote(p.incoming)}/* 2>/dev/null || true
if [ -L ${shQuote(p.current)} ]; then
  echo "previous=$(basename "$(readlink ${shQuote(p.current)})")"
  echo "previous_venv=$(basename "$(readlink -f ${shQuote(p.current + '/.venv')})")"
fi
systemctl is-active --quiet ${shQuote(p.app + '.service')} && echo service_active=yes || true
echo "cores=$(nproc)"
id=${shQuote(id)}
n=1
while [ -e ${shQuote(p.releases)}/"$id" ]; do n=$((n + 1)); id=${shQuote(id)}-$n; done
echo "release=$id"
`;
}

/** REVISION, shared links, then the atomic move from incoming/ into releases/. */
export function finishScript(ctx: DeployContext, id: string): string {
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
  return `
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
  serviceActive: boolean;
  cores: number;
}

export async function uploadRelease(ctx: DeployContext, wantedId: string): Promise<Uploaded & StepOutcome> {
  const source = path.resolve(ctx.settings.app.source);
  const [prepRes, manifest] = await Promise.all([
    runScript(ctx, 'preparing the upload', prepareScript(ctx, wantedId), { timeoutMs: 60_000 }),
    buildManifest(source, ctx.settings.app.exclude)
  ]);
  const prep = parseFacts(prepRes.stdout);
  const release = prep.release!;
  const previous = prep.previous ?? '';
  const incoming = `${ctx.paths.incoming}/${release}`;
  const delta =
    manifest && previous && !ctx.settings.deploy.fullUpload
      ? await deltaUpload(ctx, source, previous, incoming, manifest)
      : undefined;
  let detail: string;
  if (delta) {
    detail = delta;
  } else {
    const up = await ctx.remote.upload(source, incoming, { exclude: ctx.settings.app.exclude, sudo: true });
    detail = `full: ${up.files} files, ${(up.bytes / 1e6).toFixed(1)} MB in ${(up.ms / 1000).toFixed(2)} s`;
  }
  if (manifest) {
    await ctx.remote.exec(`cat > ${shQuote(`${incoming}/${MANIFEST_FILE}`)}`, {
      sudo: true,
      stdin: serializeManifest(manifest),
      timeoutMs: 60_000
    });
  }
  await runScript(ctx, 'finishing the release folder', finishScript(ctx, release), { timeoutMs: 120_000 });
  return {
    release,
    previous,
    previousVenv: prep.previous_venv ?? '',
    serviceActive: prep.service_active === 'yes',
    cores: Number(prep.cores) || 1,
    detail
  };
}

/**
 * Builds the new release as a hardlinked copy of the previous one plus what changed: only new and
 * changed files cross the network. A changed file is deleted from the copy and unpacked anew (a new
 * inode), never written through, since its old inode belongs to the release still serving.
 * Returns undefined (a full upload follows) when the previous release has no usable manifest.
 */
async function deltaUpload(
  ctx: DeployContext,
  source: string,
  previous: string,
  incoming: string,
  manifest: Manifest
): Promise<string | undefined> {
  const started = Date.now();
  const prevDir = `${ctx.paths.releases}/${previous}`;
  const res = await ctx.remote.exec(`cat ${shQuote(`${prevDir}/${MANIFEST_FILE}`)} 2>/dev/null || true`, {
    sudo: true,
    timeoutMs: 60_000
  });
  const old = res.code === 0 ? parseManifest(res.stdout) : undefined;
  if (!old) {
    ctx.logger.info(`release ${previous} has no usable manifest: uploading the whole tree`);
    return undefined;
  }
  const diff = diffManifests(old, manifest, ctx.settings.deploy.sharedPaths);
  const q = shQuote;
  // Everything the copy must lose: removed and changed paths, and the files every release writes anew.
  const remove = [...diff.remove, 'REVISION', MANIFEST_FILE, '.venv', ...ctx.settings.deploy.sharedPaths];
  await runScript(
    ctx,
    'making the hardlinked copy',
    `cp -al ${q(prevDir)} ${q(incoming)}
cd ${q(incoming)}
xargs -0 -r rm -rf --`,
    { stdin: remove.map((r) => `${r}\0`).join(''), timeoutMs: 10 * 60_000 }
  );
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
