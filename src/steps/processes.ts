import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import { renderProcessUnit } from '../processes/units.js';
import { rqProgramPath, rqWorkerArgs } from '../processes/rq.js';
import { serverProgram } from '../render/scripts.js';
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

/** Root writes the release's set: its units and its `set` (NAME N lines), replaced as a whole. */
export function writeSetScript(ctx: DeployContext, release: string): string {
  const q = shQuote;
  const pr = ctx.settings.processes;
  const w = processPaths(ctx);
  const t = `${w.byRelease}/${release}`;
  const files = pr.processes.map((spec) => {
    const unit = renderProcessUnit(ctx.paths, spec, {
      release,
      origin: pr.origin,
      stopTimeoutMs: pr.stopTimeoutMs
    });
    return `printf '%s' ${q(unit)} > ${q(`${t}.new/${spec.name}@.service`)}`;
  });
  const set = pr.processes.map((s) => `${s.name} ${s.instances}`).join('\n');
  // Root's copy of the program an RQ worker's unit runs at stop (the app's user reads, never writes).
  const rq = rqProgramPath(ctx.paths);
  const program = pr.processes.some((s) => rqWorkerArgs(s.command) !== undefined)
    ? `printf '%s' ${q(serverProgram('rq_requeue'))} > ${q(`${rq}.new`)}; chmod 0644 ${q(`${rq}.new`)}; mv -T -- ${q(`${rq}.new`)} ${q(rq)}`
    : '';
  return `
install -d -m 0755 -o root -g root ${q(w.dir)} ${q(w.byRelease)}
${program}
rm -rf -- ${q(`${t}.new`)}
install -d -m 0755 -o root -g root ${q(`${t}.new`)}
${files.join('\n')}
printf '%s\\n' ${q(set)} > ${q(`${t}.new/set`)}
${writeSchedulesScript(ctx, release, `${t}.new`)}
rm -rf -- ${q(t)}
mv -T -- ${q(`${t}.new`)} ${q(t)}
`;
}

/**
 * Moves the server's processes to `release`'s set: instances no longer wanted are stopped
 * (SIGTERM, then SIGKILL after stop-timeout) and their units removed; the wanted units are put in
 * place and every instance restarted onto them; each must then stay up (same main PID, active)
 * for settleSec. Prints `proc=NAME N RELEASE STATE` lines; exits 3 naming the first one that did
 * not stay up, with its journal's last lines. Sets of releases no longer on the server go.
 */
export function moveScript(ctx: DeployContext, release: string, settleSec: number): string {
  const q = shQuote;
  const w = processPaths(ctx);
  const p = ctx.paths;
  return `
app=${q(p.app)}
want=${q(`${w.byRelease}/${release}`)}
installed=${q(w.installed)}
udir=/etc/systemd/system
wanted() { if [ -f "$want/set" ]; then grep -E '^[a-z][a-z0-9-]* [0-9]+$' "$want/set" || true; fi; }
have() { if [ -f "$installed" ]; then grep -E '^[a-z][a-z0-9-]* [0-9]+$' "$installed" || true; fi; }
declare -A W=()
names=()
while read -r n c; do [ -n "$n" ] && W[$n]=$c && names+=("$n"); done < <(wanted)
stop=() gone=()
while read -r n c; do
  [ -n "$n" ] || continue
  k=\${W[$n]:-0}
  for ((i = k + 1; i <= c; i++)); do stop+=("$app-$n@$i.service"); done
  [ "$k" -gt 0 ] || gone+=("$n")
done < <(have)
if [ \${#stop[@]} -gt 0 ]; then
  systemctl stop "\${stop[@]}" || true
  systemctl disable --quiet "\${stop[@]}" 2>/dev/null || true
  for u in "\${stop[@]}"; do echo "stopped=$u"; done
fi
for n in "\${gone[@]}"; do rm -f -- "$udir/$app-$n@.service"; done
start=()
for n in "\${names[@]}"; do
  install -m 0644 -o root -g root -- "$want/$n@.service" "$udir/$app-$n@.service"
  for ((i = 1; i <= W[$n]; i++)); do start+=("$app-$n@$i.service"); done
done
if [ \${#W[@]} -gt 0 ]; then cp -- "$want/set" "$installed.new"; mv -T -- "$installed.new" "$installed"; else rm -f -- "$installed"; fi
${moveSchedulesScript(w.installedSchedules)}
systemctl daemon-reload
${schedulesEnable}
# Sets of releases that are gone (pruned) are of no use to a rollback.
for d in ${q(w.byRelease)}/*; do
  [ -d "$d" ] || continue
  r=$(basename "$d")
  [ "$d" = "$want" ] || [ -d ${q(p.releases)}/"$r" ] || rm -rf -- "$d"
done
[ \${#start[@]} -gt 0 ] || exit 0
systemctl enable --quiet "\${start[@]}" 2>/dev/null
systemctl reset-failed "\${start[@]}" 2>/dev/null || true
# One job for all: stops run side by side, each given stop-timeout to finish the job in hand.
systemctl restart "\${start[@]}" || true
declare -A PID=()
for u in "\${start[@]}"; do PID[$u]=$(systemctl show -p MainPID --value "$u"); done
sleep ${settleSec}
bad=""
for u in "\${start[@]}"; do
  st=$(systemctl show -p ActiveState --value "$u")
  pid=$(systemctl show -p MainPID --value "$u")
  if [ "$st" = active ] && [ "$pid" = "\${PID[$u]}" ] && [ "$pid" != 0 ]; then state=running
  else state="not running ($st)"; [ -n "$bad" ] || bad=$u; fi
  echo "unit=$u $state"
done
for n in "\${names[@]}"; do
  s=running
  for ((i = 1; i <= W[$n]; i++)); do
    [ "$(systemctl show -p ActiveState --value "$app-$n@$i.service")" = active ] || s=failed
  done
  echo "proc=$n \${W[$n]} $(basename "$want") $s"
done
if [ -n "$bad" ]; then
  echo "failed=$bad"
  echo "--- journalctl -u $bad (last lines)"
  journalctl -u "$bad" -n 15 --no-pager -o cat 2>/dev/null || true
  exit 3
fi
`;
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
