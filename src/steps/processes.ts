import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import { renderProcessUnit } from '../processes/units.js';
import { rqProgramPath, rqWorkerArgs } from '../processes/rq.js';
import { serverProgram, serverScript } from '../render/scripts.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError, type StepOutcome } from './step.js';
import {
  CALENDAR_REFUSED,
  moveSchedulesScript,
  schedulesEnable,
  schedulesHere,
  writeSchedulesScript
} from '../schedules/script.js';

/**
 * The app's processes besides the web (Procfile entries), as systemd template units
 * APP-NAME@.service with instances @1..@N. Each release's set is kept by root in
 * /etc/APP/processes/by-release/ID (rendered on the runner from the settings, never read from the
 * release), so a rollback, the deploy's own or mode rollback, puts back exactly the set that ran
 * with that release; a release without a set ran no processes. `installed` lists what is in
 * /etc/systemd/system now.
 */
export function processPaths(ctx: DeployContext) {
  const dir = `${ctx.paths.etc}/processes`;
  return {
    dir,
    byRelease: `${dir}/by-release`,
    installed: `${dir}/installed`,
    installedSchedules: `${dir}/installed-schedules`
  };
}

/** Whether this server runs anything besides the web: processes, or (on the schedule host) timers. */
export function hasProcesses(ctx: DeployContext): boolean {
  return ctx.settings.processes.processes.length > 0 || schedulesHere(ctx).length > 0;
}

/**
 * Root writes the release's set: its units and its `set` (NAME N lines), replaced as a whole.
 * Scripts: templates/scripts/processes_set.sh, then the schedules' units.
 */
export function writeSetScript(ctx: DeployContext, release: string): string {
  const q = shQuote;
  const pr = ctx.settings.processes;
  const w = processPaths(ctx);
  const t = `${w.byRelease}/${release}`;
  const units: Record<string, string> = {};
  pr.processes.forEach((spec, i) => {
    units[`name_${i}`] = spec.name;
    units[`unit_${i}`] = renderProcessUnit(ctx.paths, spec, {
      release,
      origin: pr.origin,
      stopTimeoutMs: pr.stopTimeoutMs
    });
  });
  const set = pr.processes.map((s) => `${s.name} ${s.instances}`).join('\n');
  const rq = pr.processes.some((s) => rqWorkerArgs(s.command) !== undefined);
  return `${serverScript('processes_set', {
    processes_dir: w.dir,
    by_release: w.byRelease,
    set_dir: t,
    set,
    count: pr.processes.length,
    ...units,
    // Root's copy of the program an RQ worker's unit runs at stop ('' without one).
    rq_program: rq ? serverProgram('rq_requeue') : '',
    rq_path: rqProgramPath(ctx.paths)
  })}${writeSchedulesScript(ctx, release, `${t}.new`)}
rm -rf -- ${q(t)}; mv -T -- ${q(`${t}.new`)} ${q(t)}
`;
}

/**
 * Moves the server's processes to `release`'s set: instances no longer wanted are stopped
 * (SIGTERM, then SIGKILL after stop-timeout) and their units removed; the wanted units are put in
 * place and every instance restarted onto them; each must then stay up (same main PID, active)
 * for settleSec. Prints `proc=NAME N RELEASE STATE` lines; exits 3 naming the first one that did
 * not stay up, with its journal's last lines. Sets of releases no longer on the server go.
 * Scripts: templates/scripts/processes_move.sh, the schedules' move, processes_start.sh.
 */
export function moveScript(ctx: DeployContext, release: string, settleSec: number): string {
  const w = processPaths(ctx);
  const p = ctx.paths;
  const move = serverScript('processes_move', {
    app: p.app,
    want: `${w.byRelease}/${release}`,
    installed: w.installed
  });
  const start = serverScript('processes_start', {
    by_release: w.byRelease,
    releases: p.releases,
    settle: settleSec
  });
  return `${move}${moveSchedulesScript(w.installedSchedules)}systemctl daemon-reload\n${schedulesEnable()}${start}`;
}

export interface ProcessState {
  name: string;
  instances: number;
  release: string;
  state: string;
}

export function parseProcessLines(stdout: string): ProcessState[] {
  return [...stdout.matchAll(/^proc=([a-z][a-z0-9-]*) (\d+) (\S+) (\S+)$/gm)].map((m) => ({
    name: m[1]!,
    instances: Number(m[2]),
    release: m[3]!,
    state: m[4]!
  }));
}

/** The summary's and outputs' line: worker x2 @ RELEASE running, ... */
export function processesFact(list: ProcessState[]): string {
  return list.map((s) => `${s.name} x${s.instances} @ ${s.release} ${s.state}`).join(', ');
}

/**
 * The deploy's step, after the web is proven: the release's set written, then every process moved
 * onto it. A process that does not stay up fails the step (and the deploy goes back).
 */
export async function moveProcesses(
  ctx: DeployContext,
  release: string,
  opts: { write: boolean }
): Promise<StepOutcome> {
  const settle = Math.max(1, Math.ceil(ctx.settings.processes.settleMs / 1000));
  const script = `${opts.write ? writeSetScript(ctx, release) : ''}${moveScript(ctx, release, settle)}`;
  const stopSec = Math.ceil(ctx.settings.processes.stopTimeoutMs / 1000);
  const res = await ctx.remote.script(script, { sudo: true, timeoutMs: (stopSec + settle + 120) * 1000 });
  const list = parseProcessLines(res.stdout);
  ctx.facts.processes = processesFact(list);
  if (res.code === CALENDAR_REFUSED) {
    throw new DeployError(
      res.stderr.trim().split('\n').slice(-3).join('\n'),
      'Fix the line of input `schedule` (systemd-analyze calendar EXPR on the server shows what it reads); mode preflight checks every line without changing anything.'
    );
  }
  if (res.code !== 0) {
    const f = parseFacts(res.stdout);
    const tail = res.stdout.split('\n--- journalctl')[1] ?? res.stderr;
    throw new DeployError(
      f.failed
        ? `process ${f.failed} did not stay up ${settle} s on release ${release}:\n--- journalctl${tail.trimEnd()}`
        : `moving the processes to ${release} failed (exit ${res.code}${res.timedOut ? ', timed out' : ''}): ${res.stderr.trim().split('\n').slice(-10).join('\n')}`,
      'Its journal is above (journalctl -u UNIT on the server); fix the command in the Procfile or input `processes`.'
    );
  }
  const timers = [...res.stdout.matchAll(/^schedule=(\S+) (\S+) (\S+)$/gm)];
  if (timers.length) ctx.facts.schedules = timers.map((m) => `${m[1]} @ ${m[2]} ${m[3]}`).join(', ');
  const detail = [list.length ? ctx.facts.processes : '', ctx.facts.schedules ?? '']
    .filter((x) => x)
    .join('; ');
  if (detail) ctx.logger.info(`${ctx.label}: processes: ${detail}`);
  return { detail: detail || 'none' };
}

/** Without processes or schedules, a deploy's tidy removes any a previous release had (nothing to restart). */
export function removeProcessesCommand(ctx: DeployContext): string {
  const w = processPaths(ctx);
  // A subshell: its exits end only itself, never the tidy around it.
  return `if [ -f ${shQuote(w.installed)} ] || [ -f ${shQuote(w.installedSchedules)} ]; then (
${moveScript(ctx, '.none', 1)}
) || echo "warning: the processes of an older release were not all removed" >&2; fi`;
}
