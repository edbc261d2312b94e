import type { DeployContext } from '../deploy/context.js';
import type { Settings } from '../settings.js';
import { shQuote } from '../ssh/quote.js';
import type { ScheduleSpec } from './schedule.js';
import { renderScheduleUnits } from './units.js';

/**
 * Schedules ride with the processes: each release's set (under /etc/APP/processes/by-release/ID,
 * root's, rendered on the runner from the validated input, never read from the release) holds its
 * timers and services, and the processes step moves the server to a release's set, so a deploy,
 * its way back, mode rollback and the post step all put back the schedules of the release they put
 * live. Only the schedule host has any; on every other server a set holds none (and moving to it
 * removes any a previous schedule-host left).
 */

/** The schedules this server runs: all of them on the schedule host, none elsewhere. */
export function schedulesHere(ctx: DeployContext): ScheduleSpec[] {
  const s = ctx.settings.schedules;
  return ctx.label === s.host ? s.schedules : [];
}

/** Exit code of a write script whose calendar expression systemd refuses on this server. */
export const CALENDAR_REFUSED = 4;

/**
 * The server's own parser on every OnCalendar= value before anything is written: an expression
 * this systemd refuses, or one that never elapses (Feb 31), stops the step naming the line.
 */
function calendarCheck(specs: ScheduleSpec[]): string {
  const q = shQuote;
  return specs
    .flatMap((s) => s.calendars.map((c) => ({ c, line: s.line })))
    .map(({ c, line }) => {
      const where = `input \`schedule\` line ${line}: '${c}'`;
      return `out=$(systemd-analyze calendar ${q(c)} 2>&1) || { echo ${q(`${where} is refused by systemd on this server: `)}"$(echo "$out" | head -n 1)" >&2; exit ${CALENDAR_REFUSED}; }
if echo "$out" | grep -q 'Next elapse: never'; then echo ${q(`${where} never comes`)} >&2; exit ${CALENDAR_REFUSED}; fi`;
    })
    .join('\n');
}

/** Root writes the schedules' units into the release's set being built at `setDir` (its .new). */
export function writeSchedulesScript(ctx: DeployContext, release: string, setDir: string): string {
  const q = shQuote;
  const specs = schedulesHere(ctx);
  if (specs.length === 0) return '';
  const files = specs.flatMap((spec) => {
    const u = renderScheduleUnits(ctx.paths, spec, release);
    return [
      `printf '%s' ${q(u.timer)} > ${q(`${setDir}/schedule-${spec.id}.timer`)}`,
      `printf '%s' ${q(u.service)} > ${q(`${setDir}/schedule-${spec.id}.service`)}`
    ];
  });
  return `${calendarCheck(specs)}
${files.join('\n')}
printf '%s\\n' ${q(specs.map((s) => s.id).join('\n'))} > ${q(`${setDir}/schedules`)}
`;
}

/**
 * Part of the processes' move (variables app, want, udir set there): timers not in the wanted set
 * are stopped (a run in progress too) and their units removed; the wanted units are put in place.
 * `schedulesEnable` runs after the daemon-reload.
 */
export function moveSchedulesScript(installed: string): string {
  const q = shQuote;
  return `
sinst=${q(installed)}
swant() { if [ -f "$want/schedules" ]; then grep -E '^[0-9a-f]{10}$' "$want/schedules" || true; fi; }
shave() { if [ -f "$sinst" ]; then grep -E '^[0-9a-f]{10}$' "$sinst" || true; fi; }
declare -A SW=()
sids=()
while read -r id; do [ -n "$id" ] && SW[$id]=1 && sids+=("$id"); done < <(swant)
while read -r id; do
  [ -n "$id" ] && [ -z "\${SW[$id]:-}" ] || continue
  systemctl disable --now --quiet "$app-schedule-$id.timer" 2>/dev/null || true
  systemctl stop "$app-schedule-$id.service" 2>/dev/null || true
  rm -f -- "$udir/$app-schedule-$id.timer" "$udir/$app-schedule-$id.service"
  echo "schedule-removed=$id"
done < <(shave)
for id in "\${sids[@]}"; do
  install -m 0644 -o root -g root -- "$want/schedule-$id.timer" "$udir/$app-schedule-$id.timer"
  install -m 0644 -o root -g root -- "$want/schedule-$id.service" "$udir/$app-schedule-$id.service"
done
if [ \${#sids[@]} -gt 0 ]; then cp -- "$want/schedules" "$sinst.new"; mv -T -- "$sinst.new" "$sinst"; else rm -f -- "$sinst"; fi
`;
}

/** After the daemon-reload: every wanted timer enabled and running; one `schedule=` line each. */
export const schedulesEnable = `
if [ \${#sids[@]} -gt 0 ]; then
  timers=()
  for id in "\${sids[@]}"; do timers+=("$app-schedule-$id.timer"); done
  systemctl enable --now --quiet "\${timers[@]}"
  for t in "\${timers[@]}"; do echo "schedule=$t $(basename "$want") $(systemctl is-active "$t" || true)"; done
fi
`;

/** Preflight: the server's systemd parses every schedule's calendar expression (read-only). */
export function calendarProbe(settings: Settings): string {
  const all = settings.schedules.schedules.flatMap((s) => s.calendars.map((c) => ({ c, line: s.line })));
  if (all.length === 0) return '';
  return `bad_cal=""
${all
  .map(
    ({ c, line }) =>
      `out=$(systemd-analyze calendar ${shQuote(c)} 2>&1); if [ $? -ne 0 ] || echo "$out" | grep -q 'Next elapse: never'; then bad_cal="$bad_cal ${line}"; fi`
  )
  .join('\n')}
echo "calendar_bad=$bad_cal"`;
}

/** Preflight's problem for the lines the server refused. */
export function calendarProblems(kv: Record<string, string>, settings?: Settings): string[] {
  const lines = (kv.calendar_bad ?? '').split(/\s+/).filter((l) => l);
  return lines.map((n) => {
    const s = settings?.schedules.schedules.find((x) => String(x.line) === n);
    return `input \`schedule\` line ${n}: systemd on this server refuses '${s?.when ?? '?'}' (or it never comes); check it with systemd-analyze calendar`;
  });
}
