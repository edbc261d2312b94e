import type { DeployContext } from '../deploy/context.js';
import { lastLines, parseFacts } from '../deploy/context.js';
import { asUser, buildRunCommand } from '../deploy/app-run.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError, type StepOutcome } from './step.js';

/** pip's exit code is kept apart from the script's other failures, to say what failed. */
const PIP_FAILED = 42;
const NO_REQUIREMENTS = 43;
const VENV_FAILED = 44;

/** The build's own deadline on the server: the unit ends even if the runner is gone. */
const VENV_TIMEOUT_MS = 30 * 60_000;

/**
 * Venvs are immutable and keyed by what decides their content: the requirements file, the
 * interpreter's version, and how they are built. A venv cannot be moved (its scripts hold absolute
 * paths), so it is built at its final path and marked complete last; one without the mark is a
 * leftover of a failed build and is rebuilt.
 *
 * Everything here runs as the build user: root never reads the requirements file (it may be a
 * link, or name `-r /etc/shadow`), and pip, which runs the packages' build code, runs in a
 * transient unit that leaves no process behind. A build that fails for any reason, a full disk
 * included, removes its venv folder and log before it exits.
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
  const keyScript = `
py=${q(d.python)}
if [ ! -f ${q(req)} ]; then echo ${q(`no ${d.requirements} in the release`)} >&2; exit ${NO_REQUIREMENTS}; fi
{ cat ${q(req)}; "$py" -c 'import sys; print(sys.version)'; echo ${q(`ssp=${d.venvSystemSitePackages} pip-args=${d.pipArgs}`)}; } | sha256sum | cut -c1-16`;
  // Output is kept in memory as well as in the log: on a full disk the log gets nothing, and
  // the tail is what says why.
  const buildScript = `
py=${q(d.python)}; venv=$1; log="$1.pip.log"; done=0
# Runs on any exit but success, a full disk's included (set -e ends the script at the failing line).
trap '[ "$done" = 1 ] || rm -rf -- "$venv" "$log"' EXIT
trap 'exit 143' TERM INT
logged() {
  local out
  out=$( { "$@" 2>&1 && echo gd-status=0 || echo "gd-status=$?"; } | { tee -a "$log" 2>/dev/null || true; } | tail -n 26 ) || true
  case "$out" in *gd-status=0) return 0 ;; esac
  printf '%s\\n' "$out" | grep -v '^gd-status=' >&2 || true
  rm -rf -- "$venv" "$log"
  printf '%s MB free in %s (the partial venv removed)\\n' "$(df -Pk ${q(p.venvs)} | awk 'NR == 2 { print int($4 / 1024) }')" ${q(p.venvs)} >&2
  return 1
}
rm -rf -- "$venv" "$log"
logged "$py" -m venv ${d.venvSystemSitePackages ? '--system-site-packages ' : ''}"$venv" || exit ${VENV_FAILED}
logged "$venv/bin/python" -m pip install ${pipArgs} -r ${q(req)} || exit ${PIP_FAILED}
mv "$log" "$venv/pip-install.log"
"$venv/bin/python" -m pip freeze > "$venv/requirements.lock" 2>/dev/null || true
touch "$venv/.complete"
done=1`;
  const build = buildRunCommand(p, {
    env: {
      PIP_CACHE_DIR: p.pipCache,
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PIP_NO_INPUT: '1',
      HOME: '/nonexistent'
    },
    maxSeconds: VENV_TIMEOUT_MS / 1000,
    script: buildScript,
    args: ['"$venv"']
  });
  return `
hash=$(${asUser(p.buildUser, keyScript)})
venv=${q(p.venvs)}/$hash
echo "hash=$hash"
if [ -f "$venv/.complete" ]; then
  echo reused=yes
else
  echo reused=no
  ${build}
fi
${asUser(p.buildUser, `rm -rf -- "$2"; ln -s -- "$1" "$2"`, ['"$venv"', q(`${rel}/.venv`)])}
`;
}

export interface VenvResult extends StepOutcome {
  hash: string;
  reused: boolean;
}

export async function buildVenv(ctx: DeployContext, release: string): Promise<VenvResult> {
  const res = await ctx.remote.script(venvScript(ctx, release), { sudo: true, timeoutMs: VENV_TIMEOUT_MS });
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
  if (res.code === VENV_FAILED) {
    throw new DeployError(
      `${ctx.settings.deploy.python} -m venv failed; nothing was switched and the partial venv was removed:\n${lastLines(res.stderr, 25)}`,
      'Install python3-venv for that interpreter (or run mode provision), and check the free space in the app folder.'
    );
  }
  if (res.code !== 0) {
    throw new DeployError(
      `building the virtualenv failed (exit ${res.code}${res.timedOut ? ', timed out' : ''}):\n${lastLines(res.stderr + res.stdout)}`
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
