import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import type { StepOutcome } from './step.js';

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
  install -d -m 0755 ${q(path.posix.dirname(target))}
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
  const prep = parseFacts(
    (await runScript(ctx, 'preparing the upload', prepareScript(ctx, wantedId), { timeoutMs: 60_000 })).stdout
  );
  const release = prep.release!;
  const previous = prep.previous ?? '';
  const source = path.resolve(ctx.settings.app.source);
  const up = await ctx.remote.upload(source, `${ctx.paths.incoming}/${release}`, {
    exclude: ctx.settings.app.exclude,
    sudo: true
  });
  await runScript(ctx, 'finishing the release folder', finishScript(ctx, release), { timeoutMs: 120_000 });
  return {
    release,
    previous,
    previousVenv: prep.previous_venv ?? '',
    serviceActive: prep.service_active === 'yes',
    cores: Number(prep.cores) || 1,
    detail: `${up.files} files, ${(up.bytes / 1e6).toFixed(1)} MB in ${(up.ms / 1000).toFixed(2)} s`
  };
}
