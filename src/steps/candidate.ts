import type { DeployContext } from '../deploy/context.js';
import { healthHost } from '../deploy/health.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError, keepsServing, type StepOutcome } from './step.js';
import type { ExecResult, QueuedRequest } from '../ssh/types.js';
import { asUser } from '../deploy/app-run.js';
import { stateCommand } from '../deploy/release-record.js';
import { installPreloadList, LIBRARIES_FN } from './preload-list.js';
import { MS_FN, NAP_FN } from '../ssh/shell-fns.js';
import {
  APP_KIND_FN,
  FIND_MISMATCH,
  REPORT_WORKER_MODULE,
  mismatchAdvice,
  parseMismatch
} from './app-kind.js';
import type { Mismatch } from './app-kind.js';

/** A definite wrong answer (4xx/5xx, or 200 without health-expect) fails after this long... */
export const GRACE_MS = 1500;
/** ...and at least this many such answers in a row (an app may answer 503 while it warms up). */
export const GRACE_ANSWERS = 3;

/** The transient unit and runtime folder of an app's candidate: one at a time, under the lock. */
export function candidateUnit(ctx: DeployContext): string {
  return ctx.paths.candidateUnit;
}

export interface CandidateConfig {
  envFile: string;
  gunicornConf: string;
}

/**
 * Gunicorn, with one hook of ours after the user's config: once a worker has imported the app, it
 * marks an app its worker class cannot call (app-kind.ts), then writes the libraries it loaded to
 * the unit's runtime folder (`loaded`). That file is the import check's answer, and its list is the
 * one the master preloads.
 */
const IMPORT_HOOK = `import os, sys
${LIBRARIES_FN}
${APP_KIND_FN}
from gunicorn.app.wsgiapp import WSGIApplication
class Candidate(WSGIApplication):
    def load_config(self):
        super().load_config()
        theirs = self.cfg.post_worker_init
        def loaded(worker):
            try:
                mark_app_kind(worker, os.environ["RUNTIME_DIRECTORY"])
            except Exception as e:
                print("gunicorn-deploy: could not tell the app's kind:", e, file=sys.stderr)
            path = os.path.join(os.environ["RUNTIME_DIRECTORY"], "loaded")
            with open(path + ".tmp", "w") as f:
                f.write("".join(n + "\\n" for n in libraries()))
            os.replace(path + ".tmp", path)
            theirs(worker)
        self.cfg.set("post_worker_init", loaded)
sys.argv[0] = "gunicorn"
Candidate("%(prog)s [OPTIONS] [APP_MODULE]").run()
`;

/**
 * Boots `release` the way the service runs it (its venv, the given environment file and Gunicorn
 * config, as the app user, with the unit's sandboxing) but on a private unix socket with one
 * worker and no socket activation, then asks it for health-path (200, with health-expect) and every
 * smoke path (2xx/3xx). A definite wrong answer fails after a short grace; only refused connections
 * and timeouts wait up to health-timeout. The unit is always stopped and its socket removed (a
 * proven one in the background).
 *
 * With importCheck, the candidate is also the import check (one Python importing the app, not two
 * side by side): it says whether its worker imported the app (`import=ok|failed`), records the
 * release built, and writes the worker's libraries as the release's preload list.
 */
export function candidateScript(
  ctx: DeployContext,
  release: string,
  conf: CandidateConfig,
  importCheck = false
): string {
  const q = shQuote;
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  const rel = p.releaseDir(release);
  const unit = candidateUnit(ctx);
  const rundir = `/run/${unit}`;
  const sock = `${rundir}/gunicorn.sock`;
  const host = healthHost(ctx.settings);
  const checks = [
    `check ${q(d.healthPath)} health`,
    ...d.smokePaths.map((sp) => `check ${q(sp)} smoke`)
  ].join(' && ');
  const gunicorn = `-c ${q(IMPORT_HOOK)}`;
  // Read as the app's user: the runtime folder is the app's, so a link there must not lead root.
  const loadedList = asUser(p.user, 'head -c 1048576 -- "$1"', ['"$rundir/loaded"']);
  const imported = importCheck
    ? `if [ -n "$import_ms" ] || [ -e "$rundir/loaded" ]; then echo "import=ok"; echo "import_ms=\${import_ms:-$(( $(ms) - start ))}"; else echo "import=failed"; fi`
    : '';
  return `${importCheck ? stateCommand(ctx, release, 'built') : ''}
unit=${q(unit)}
rundir=${q(rundir)}
import_ms=
sock=${q(sock)}
body=$(mktemp)
${MS_FN}
${NAP_FN}
stop_candidate() { systemctl stop "$unit.service" >/dev/null 2>&1 || true; systemctl reset-failed "$unit.service" >/dev/null 2>&1 || true; }
# Stopped whatever ends this script; and systemd itself ends it after RuntimeMaxSec should the
# script be killed before its trap runs.
trap 'stop_candidate; rm -f "$body"' EXIT
stop_candidate
since=$(date +%s)
systemd-run --unit="$unit" --quiet --collect --service-type=exec \\
  -p User=${q(p.user)} -p Group=${q(p.user)} -p UMask=0027 \\
  -p EnvironmentFile=${q(conf.envFile)} -p WorkingDirectory=${q(rel)} \\
  -p RuntimeDirectory="$unit" -p PrivateTmp=yes -p NoNewPrivileges=yes -p ProtectSystem=full \\
  -p KillSignal=SIGINT -p TimeoutStopSec=5 -p RuntimeMaxSec=${Math.ceil(d.healthTimeoutMs / 1000) + 120} \\
  --setenv=PATH=${q(`${rel}/.venv/bin:/usr/local/bin:/usr/bin:/bin`)} --setenv=PWD=${q(rel)} \\
  -- ${q(`${rel}/.venv/bin/python`)} ${gunicorn} -c ${q(conf.gunicornConf)} --chdir ${q(rel)} \\
  --bind "unix:$sock" --workers 1 --error-logfile - --access-logfile /dev/null ${q(d.wsgiApp)}
start=$(ms); deadline=$((start + ${d.healthTimeoutMs}))
bad_since=""; bad_count=0; polls=0
# check PATH KIND: 0 when the answer is right; otherwise sets code and why and returns 1.
check() {
  local left=$(( (deadline - $(ms)) / 1000 )); [ "$left" -ge 1 ] || left=1; [ "$left" -le 5 ] || left=5
  # As the app's user (the socket's folder is the app's: a link planted there leads it only where
  # the app could connect anyway), no .curlrc; the answer's bytes to root's file, its code on stderr.
  code=$(setpriv --reuid=${q(p.user)} --regid=${q(p.user)} --init-groups --reset-env -- curl -q -s -o - -w '%{stderr}%{http_code}' -m "$left" --unix-socket "$sock" "http://"${q(host)}"$1" 2>&1 >"$body" || true)
  code=\${code:-000}
  if [ "$2" = health ]; then
    if [ "$code" = 200 ]; then
      ${d.healthExpect ? `grep -qF -- ${q(d.healthExpect)} "$body" && return 0; why="$1 answered 200 without the health-expect text"; return 1` : 'return 0'}
    fi
  else
    case "$code" in 2??|3??) return 0;; esac
  fi
  if [ "$code" = 000 ]; then why="$1 did not answer"; else why="$1 answered $code"; fi
  return 1
}
while :; do
  ${importCheck ? '[ -n "$import_ms" ] || [ ! -e "$rundir/loaded" ] || import_ms=$(( $(ms) - start ))' : ''}
  ${FIND_MISMATCH}
  if [ -n "$mismatch" ]; then code=000; why="serves an app its worker class cannot call"; break; fi
  if ! systemctl is-active --quiet "$unit.service"; then code=000; why="Gunicorn exited before it served"; gone=yes; break; fi
  if ${checks}; then
    echo "candidate=ok"; echo "ms=$(( $(ms) - start ))"
    ${REPORT_WORKER_MODULE}
    ${imported}
    ${importCheck && d.preloadLibraries ? installPreloadList(ctx, release, loadedList) : ''}
    # Proven: it stops in the background (its Gunicorn's shutdown is not on the deploy's path); the
    # next candidate's stop waits for it, and RuntimeMaxSec ends it should nothing else.
    trap - EXIT; rm -f "$body"
    systemctl stop --no-block "$unit.service" >/dev/null 2>&1 || true
    exit 0
  fi
  now=$(ms)
  if [ "$code" != 000 ]; then
    bad_count=$((bad_count + 1)); bad_since=\${bad_since:-$now}
    [ "$bad_count" -ge ${GRACE_ANSWERS} ] && [ $((now - bad_since)) -ge ${GRACE_MS} ] && break
  else
    bad_count=0; bad_since=""
  fi
  [ "$now" -lt "$deadline" ] || { why="$why within ${Math.round(d.healthTimeoutMs / 100) / 10} s"; break; }
  polls=$((polls + 1))
  if [ "$polls" -le 20 ]; then nap 0.05; else nap 0.2; fi
done
${imported}
echo "candidate=refused"
echo "mismatch=\${mismatch:-}"
echo "status=$code"
echo "why=$why"
echo "ms=$(( $(ms) - start ))"
if [ "$code" != 000 ]; then echo "--- body"; head -c 2000 "$body" | head -n 8; echo; fi
[ -n "\${gone:-}" ] || sleep 0.2
journalctl --sync >/dev/null 2>&1 || true
echo "--- log"
journalctl -u "$unit.service" --since "@$since" -o cat --no-pager 2>/dev/null | tail -n 20
exit 0
`;
}

export interface CandidateResult {
  ok: boolean;
  why: string;
  status: string;
  body: string;
  log: string;
  ms: number;
  /** An app its worker class cannot call (ASGI under sync, WSGI under uvicorn). */
  mismatch?: Mismatch;
  /** The uvicorn worker module that served it (uvicorn_worker or uvicorn.workers), if one did. */
  workerModule?: string;
  /** With importCheck only: whether its worker imported the app, and how long after the start. */
  imported?: boolean;
  importMs?: number;
}

export function parseCandidate(stdout: string): CandidateResult {
  const [head, rest = ''] = stdout.split('\n--- body\n');
  const facts: Record<string, string> = {};
  for (const line of (head ?? '').split('\n--- log\n')[0]!.split('\n')) {
    const m = /^([a-z_]+)=(.*)$/.exec(line);
    if (m) facts[m[1]!] = m[2]!;
  }
  const logAt = stdout.indexOf('\n--- log\n');
  const log = logAt >= 0 ? stdout.slice(logAt + '\n--- log\n'.length).trimEnd() : '';
  const body = stdout.includes('\n--- body\n') ? rest.split('\n--- log\n')[0]!.trim() : '';
  return {
    ok: facts.candidate === 'ok',
    why: facts.why ?? '',
    status: facts.status ?? '',
    body,
    log,
    ms: Number(facts.ms ?? 0),
    ...(parseMismatch(facts.mismatch) ? { mismatch: parseMismatch(facts.mismatch) } : {}),
    ...(/^uvicorn(_worker|\.workers)$/.test(facts.worker_module ?? '')
      ? { workerModule: facts.worker_module }
      : {}),
    ...(facts.import === undefined
      ? {}
      : { imported: facts.import === 'ok', importMs: Number(facts.import_ms ?? 0) })
  };
}

function candidateOpts(ctx: DeployContext) {
  return { sudo: true, ownChannel: true, timeoutMs: ctx.settings.deploy.healthTimeoutMs + 60_000 };
}

/** The candidate boot as a request to queue; runCandidate (the same arguments) then takes its answer. */
export function candidateRequest(
  ctx: DeployContext,
  release: string,
  conf: CandidateConfig,
  importCheck = false
): QueuedRequest {
  return { text: candidateScript(ctx, release, conf, importCheck), opts: candidateOpts(ctx) };
}

/** One boot's answer: the import check (with importCheck) and the candidate step both read it. */
export interface CandidateRun {
  release: string;
  res: ExecResult;
  candidate: CandidateResult;
  /** Request to answer, as the runner saw it. */
  elapsedMs: number;
}

export async function runCandidate(
  ctx: DeployContext,
  release: string,
  conf: CandidateConfig,
  importCheck = false
): Promise<CandidateRun> {
  const t0 = performance.now();
  const res = await ctx.remote.script(candidateScript(ctx, release, conf, importCheck), candidateOpts(ctx));
  return { release, res, candidate: parseCandidate(res.stdout), elapsedMs: performance.now() - t0 };
}

/**
 * A refused candidate: nothing users see changed whatever it found. The error says what answered,
 * with the first lines of the body and Gunicorn's last lines.
 */
export function refusal(ctx: DeployContext, run: CandidateRun): DeployError {
  const { res, candidate: c, release } = run;
  const d = ctx.settings.deploy;
  if (c.mismatch) {
    const advice = mismatchAdvice(c.mismatch, d);
    return new DeployError(
      `release ${release} was refused before the switch: ${advice}; nothing was switched${keepsServing(ctx)}`,
      `${advice[0]!.toUpperCase()}${advice.slice(1)}, and deploy again.`
    );
  }
  const why = c.why || `the candidate check stopped (exit ${res.code}): ${res.stderr.trim().slice(0, 500)}`;
  return new DeployError(
    `release ${release} was refused before the switch: its candidate ${why}; nothing was switched${keepsServing(ctx)}` +
      (c.body ? `\nThe answer began:\n${c.body}` : '') +
      (c.log ? `\nGunicorn's last lines:\n${c.log}` : ''),
    `Run the release locally (gunicorn ${d.wsgiApp}) and ask ${[d.healthPath, ...d.smokePaths].join(', ')} with Host: ${healthHost(ctx.settings)}; fix what answers wrong and deploy again.`
  );
}

/** The candidate step's outcome from its run. */
export function candidateOutcome(ctx: DeployContext, run: CandidateRun): StepOutcome {
  const { res, candidate: c } = run;
  if (res.code !== 0 || !c.ok) throw refusal(ctx, run);
  const d = ctx.settings.deploy;
  const paths = d.smokePaths.length
    ? ` and ${d.smokePaths.length} smoke path${d.smokePaths.length > 1 ? 's' : ''}`
    : '';
  return {
    detail: `${d.healthPath} 200${paths} on a private socket in ${(c.ms / 1000).toFixed(2)} s${c.workerModule ? ` (${c.workerModule}.UvicornWorker)` : ''}`,
    // Its own time, also when the check step already waited for it (the check in its worker).
    ms: res.serverMs ?? run.elapsedMs
  };
}

export async function bootCandidate(
  ctx: DeployContext,
  release: string,
  conf: CandidateConfig
): Promise<StepOutcome> {
  return candidateOutcome(ctx, await runCandidate(ctx, release, conf));
}
