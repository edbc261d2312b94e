import type { DeployContext } from '../deploy/context.js';
import { lastLines, parseFacts } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError, type StepOutcome } from './step.js';

/** pip's exit code is kept apart from the script's other failures, to say what failed. */
const PIP_FAILED = 42;
const NO_REQUIREMENTS = 43;

/**
 * Venvs are immutable and keyed by what decides their content: the requirements file, the
 * interpreter's version, and how they are built. A venv cannot be moved (its scripts hold absolute
 * paths), so it is built at its final path and marked complete last; one without the mark is a
 * leftover of a failed build and is rebuilt.
 */
export function venvScript(ctx: DeployContext, release: string): string {
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  const q = shQuote;
  const rel = `${p.releases}/${release}`;
  const req = `${rel}/${d.requirements}`;
  const pipArgs = d.pipArgs
    .split(/\s+/)
    .filter((a) => a)
    .map(q)
    .join(' ');
  return `
py=${q(d.python)}
if [ ! -f ${q(req)} ]; then echo ${q(`no ${d.requirements} in the release`)} >&2; exit ${NO_REQUIREMENTS}; fi
hash=$( { cat ${q(req)}; "$py" -c 'import sys; print(sys.version)'; echo ${q(`ssp=${d.venvSystemSitePackages} pip-args=${d.pipArgs}`)}; } | sha256sum | cut -c1-16)
venv=${q(p.venvs)}/$hash
echo "hash=$hash"
if [ -f "$venv/.complete" ]; then
  echo reused=yes
else
  echo reused=no
  rm -rf "$venv"
  "$py" -m venv ${d.venvSystemSitePackages ? '--system-site-packages ' : ''}"$venv"
  export PIP_CACHE_DIR=${q(p.venvs)}/.pip-cache PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
  if ! "$venv/bin/python" -m pip install ${pipArgs} -r ${q(req)} > "$venv.pip.log" 2>&1; then
    tail -n 25 "$venv.pip.log" >&2
    rm -rf "$venv" "$venv.pip.log"
    exit ${PIP_FAILED}
  fi
  mv "$venv.pip.log" "$venv/pip-install.log"
  "$venv/bin/python" -m pip freeze > "$venv/requirements.lock" 2>/dev/null || true
  touch "$venv/.complete"
fi
ln -sfn "$venv" ${q(`${rel}/.venv`)}
`;
}

export interface VenvResult extends StepOutcome {
  hash: string;
  reused: boolean;
}

export async function buildVenv(ctx: DeployContext, release: string): Promise<VenvResult> {
  const res = await ctx.remote.script(venvScript(ctx, release), { sudo: true, timeoutMs: 30 * 60_000 });
  const facts = parseFacts(res.stdout);
  if (res.code === PIP_FAILED) {
    throw new DeployError(
      `pip install -r ${ctx.settings.deploy.requirements} failed; nothing was switched and the partial venv was removed. pip's last lines:\n${lastLines(res.stderr, 25)}`,
      'Fix the requirements (or pip-args, e.g. --no-index --find-links for offline servers) and deploy again.'
    );
  }
  if (res.code === NO_REQUIREMENTS) {
    throw new DeployError(
      `the release has no ${ctx.settings.deploy.requirements}; nothing was switched`,
      'Add a requirements file to the app, or point the requirements input at it.'
    );
  }
  if (res.code !== 0) {
    throw new DeployError(
      `building the virtualenv failed (exit ${res.code}):\n${lastLines(res.stderr + res.stdout)}`
    );
  }
  const reused = facts.reused === 'yes';
  return {
    hash: facts.hash!,
    reused,
    changed: !reused,
    detail: `${facts.hash} ${reused ? 'reused' : 'built'}`
  };
}
