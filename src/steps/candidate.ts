import type { DeployContext } from '../deploy/context.js';
import { healthHost } from '../deploy/health.js';
import { serverProgram, serverScript, type ScriptValues } from '../render/scripts.js';
import { DeployError, keepsServing, type StepOutcome } from './step.js';
import type { ExecResult, QueuedRequest } from '../ssh/types.js';
import { stateCommand } from '../deploy/release-record.js';
import { librariesPython, preloadListScript } from './preload-list.js';
import { KV_FN, MS_FN, NAP_FN, RUNNING_FN } from '../ssh/shell-fns.js';
import { appKindPython, appKindScript, mismatchAdvice, parseMismatch } from './app-kind.js';
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
 * Gunicorn, with one hook of ours after the user's config (templates/scripts/candidate_hook.py,
 * after the two definitions it calls): once a worker has imported the app, it marks an app its
 * worker class cannot call (app-kind.ts), then writes the libraries it loaded to the unit's runtime
 * folder (`loaded`). That file is the import check's answer, and its list is the one the master
 * preloads. It crosses systemd-run's command line as it is: it has no `$` (a unit test holds that).
 */
export function importHook(): string {
  return `${librariesPython()}${appKindPython()}${serverProgram('candidate_hook')}`;
}

/**
 * Root's own notes in /run (only root writes there): a master booted early for this release, a
 * warm start under way, and a warm master's go.
 */
function rootNotes(unit: string): { marker: string; warm_note: string; go: string } {
  return { marker: `/run/${unit}.early`, warm_note: `/run/${unit}.warm`, go: `/run/${unit}.go` };
}

/**
 * A warm master older than this is not used (boot cold instead): the unit's RuntimeMaxSec leaves a
 * younger one the health timeout and 20 s more.
 */
const WARM_YOUNG_S = 100;

/** The candidate unit's values and functions (templates/scripts/candidate_unit.sh). */
function unitScript(ctx: DeployContext, release: string, conf: CandidateConfig, more: ScriptValues): string {
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  // No release yet for a warm start: its values come in the go file (candidate_warm.py).
  const rel = release ? p.releaseDir(release) : '';
  const unit = candidateUnit(ctx);
  return serverScript('candidate_unit', {
    unit,
    rundir: `/run/${unit}`,
    sock: `/run/${unit}/gunicorn.sock`,
    user: p.user,
    env_file: conf.envFile,
    rel,
    runtime_max_s: Math.ceil(d.healthTimeoutMs / 1000) + WARM_YOUNG_S + 20,
    warm_young_s: WARM_YOUNG_S,
    path_env: `${rel}/.venv/bin:/usr/local/bin:/usr/bin:/bin`,
    python: `${rel}/.venv/bin/python`,
    import_hook: importHook(),
    gunicorn_conf: conf.gunicornConf,
    wsgi_app: d.wsgiApp,
    release,
    ...rootNotes(unit),
    live_env: p.envFile,
    live_conf: p.gunicornConf,
    current: p.current,
    ...more
  });
}

/**
 * The candidate's master started warm (templates/scripts/candidate_warm.sh and .py), in the
 * layout's request once the lock is held, beside a serving release: Python, Gunicorn and the
 * serving config's libraries load while the release uploads; the early boot (candidateBootScript,
 * the same `id`) gives it the go with the release's values, or stops it and boots cold.
 */
export function candidateWarmScript(ctx: DeployContext, id: string, conf: CandidateConfig): string {
  const warm_program = `${serverProgram('candidate_warm')}${importHook()}`;
  return `${unitScript(ctx, '', conf, { id, warm_program })}\n${serverScript('candidate_warm', {})}`;
}

/**
 * The candidate's master booted early (templates/scripts/candidate_boot.sh), sent before the
 * backup with the check after it: Python, Gunicorn, the config and the preloaded libraries load
 * beside the backup; its one worker (the release's code) is forked only by the candidate check.
 * A master this run started warm (`id`, candidateWarmScript) gets the go instead.
 */
export function candidateBootScript(
  ctx: DeployContext,
  release: string,
  conf: CandidateConfig,
  id = ''
): string {
  return `${NAP_FN}\n${KV_FN}\n${unitScript(ctx, release, conf, { id })}\n${serverScript('candidate_boot', {})}`;
}

/** Takes the early boot's answer (it answers at once; the boot goes on beside what follows). */
export async function bootEarly(
  ctx: DeployContext,
  release: string,
  conf: CandidateConfig,
  id = ''
): Promise<void> {
  const r = candidateBootRequest(ctx, release, conf, id);
  // Best effort: without it, the candidate check boots the release itself.
  await ctx.remote.script(r.text, r.opts).catch(() => undefined);
}

/** A backup that failed: the master booted for the check that will not come is stopped. */
export async function stopEarly(ctx: DeployContext): Promise<void> {
  const unit = candidateUnit(ctx);
  const script = serverScript('candidate_stop', { unit, ...rootNotes(unit) });
  await ctx.remote.script(script, { sudo: true, timeoutMs: 30_000 }).catch(() => undefined);
}

export function candidateBootRequest(
  ctx: DeployContext,
  release: string,
  conf: CandidateConfig,
  id = ''
): QueuedRequest {
  return { text: candidateBootScript(ctx, release, conf, id), opts: { sudo: true, timeoutMs: 60_000 } };
}

/**
 * Boots `release` the way the service runs it (its venv, the given environment file and Gunicorn
 * config, as the app user, with the unit's sandboxing) but on a private unix socket with one
 * worker and no socket activation, then asks it for health-path (200, with health-expect) and every
 * smoke path (2xx/3xx). A definite wrong answer fails after a short grace; only refused connections
 * and timeouts wait up to health-timeout. The unit is always stopped and its socket removed (a
 * proven one in the background). A master booted early for this release (candidateBootScript)
 * forks its worker instead. The script is templates/scripts/candidate.sh.
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
  const d = ctx.settings.deploy;
  const preload = importCheck && d.preloadLibraries;
  return [
    importCheck ? stateCommand(ctx, release, 'built') : '',
    MS_FN,
    NAP_FN,
    RUNNING_FN,
    KV_FN,
    appKindScript(),
    preload ? preloadListScript(ctx, release) : '',
    unitScript(ctx, release, conf, {
      health_timeout_ms: d.healthTimeoutMs,
      timeout_text: Math.round(d.healthTimeoutMs / 100) / 10,
      health_path: d.healthPath,
      smoke_paths: d.smokePaths.join(' '),
      host: healthHost(ctx.settings),
      health_expect: d.healthExpect,
      grace_ms: GRACE_MS,
      grace_answers: GRACE_ANSWERS,
      import_check: importCheck ? 'yes' : 'no',
      preload: preload ? 'yes' : 'no'
    }),
    serverScript('candidate', {})
  ].join('\n');
}

const EARLY_SAYS = {
  no: '',
  yes: ' (its master booted beside the backup)',
  warm: ' (its master started warm while the release uploaded)'
} as const;

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
  /**
   * Its master was booted early, beside the backup (yes), or started warm while the release
   * uploaded (warm), and forked its worker for the check.
   */
  early?: 'yes' | 'warm';
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
    ...(facts.early === 'yes' || facts.early === 'warm' ? { early: facts.early } : {}),
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
    detail: `${d.healthPath} 200${paths} on a private socket in ${(c.ms / 1000).toFixed(2)} s${EARLY_SAYS[c.early ?? 'no']}${c.workerModule ? ` (${c.workerModule}.UvicornWorker)` : ''}`,
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
