import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import type { StepOutcome } from './step.js';

export type ReloadKind = 'hup' | 'restart' | 'start';

/**
 * Shell function: PIDs whose parent is $1 (Gunicorn's workers), without needing procps. The
 * kernel's own list (/proc/PID/task/PID/children) is read by bash itself, with no process started:
 * the verify asks several times a second on a busy server. A kernel without it: every process's
 * status is read.
 */
// Never fails: under pipefail, grep's status (no match, or a process gone between the glob and
// the read, as old workers are right after a reload) would end the calling script.
export const CHILDREN_FN = `children() {
  [ -n "$1" ] && [ "$1" != 0 ] || return 0
  local kids=/proc/$1/task/$1/children line=""
  if [ -r "$kids" ]; then read -r line < "$kids" || true; echo "$line"; return 0; fi
  [ -d /proc/$1 ] || return 0
  { grep -l "^PPid:[[:space:]]*$1\\$" /proc/[0-9]*/status 2>/dev/null || true; } | cut -d/ -f3 | tr '\\n' ' '
}`;

/**
 * Flips `current` atomically (a new link renamed over the old one) and tells Gunicorn. HUP when
 * only code changed: the master re-reads its config and forks workers that import the new release
 * while the socket stays open. A new venv or changed units/environment need a new master, so a
 * restart; the socket unit keeps the listening socket, so no connection is refused. The socket
 * unit itself is never restarted, and workers are never signalled directly.
 */
export function switchScript(ctx: DeployContext, release: string, restart: boolean): string {
  const p = ctx.paths;
  const q = shQuote;
  const svc = q(p.units.service.name);
  return `
${CHILDREN_FN}
main=$(systemctl show -p MainPID --value ${svc} 2>/dev/null || echo 0)
old=$(children "$main")
echo "old_workers=$old"
printf 'old_workers=%s\n' "$old" > ${q(p.lastSwitch)}
ln -sfn ${q(p.releaseLink(release))} ${q(`${p.dir}/.current.tmp`)}
mv -T ${q(`${p.dir}/.current.tmp`)} ${q(p.current)}
if ! systemctl is-active --quiet ${svc}; then
  systemctl reset-failed ${svc} 2>/dev/null || true
  systemctl start ${svc}
  reload=start
elif ${restart ? 'true' : 'false'}; then
  systemctl restart ${svc}
  reload=restart
else
  systemctl reload ${svc}
  reload=hup
fi
echo "reload=$reload"
echo "reload=$reload" >> ${q(p.lastSwitch)}
`;
}

export interface Switched extends StepOutcome {
  reload: ReloadKind;
  oldWorkers: string[];
}

/** How the switch runs: also how it is sent ahead with the units (the same text and options). */
export const SWITCH_OPTS = { sudo: true, timeoutMs: 120_000 };

/**
 * Sends the switch with the next root command (the units): one round trip for both, the switch
 * running only if the units succeeded. switchRelease then takes its answer.
 */
export function sendSwitchAhead(ctx: DeployContext, release: string, restart: boolean): void {
  ctx.remote.sendNext?.(switchScript(ctx, release, restart), SWITCH_OPTS);
}

export async function switchRelease(
  ctx: DeployContext,
  release: string,
  restart: boolean
): Promise<Switched> {
  const res = await runScript(
    ctx,
    `switching to ${release}`,
    switchScript(ctx, release, restart),
    SWITCH_OPTS
  );
  const f = parseFacts(res.stdout);
  const reload = (f.reload ?? 'start') as ReloadKind;
  return {
    reload,
    oldWorkers: (f.old_workers ?? '').split(/\s+/).filter((s) => s),
    detail: `current -> ${release}, ${reload}`
  };
}
