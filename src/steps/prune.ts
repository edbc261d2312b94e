import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import type { StepOutcome } from './step.js';

/**
 * Keeps the newest keep-releases releases, and never current or the one before it (the rollback
 * target). Venvs no remaining release links to go too; the pip cache stays. What goes is moved
 * out at once (a rename) and deleted right after by a low-priority transient unit: deleting a
 * release of thousands of files took most of a fast deploy's time, with nothing waiting on it.
 */
export function pruneScript(ctx: DeployContext, keepAlso: string[], then = ''): string {
  const p = ctx.paths;
  const q = shQuote;
  const trashRoot = p.trash;
  return `
cd ${q(p.releases)}
keep=" ${keepAlso.map(q).join(' ')} $(basename "$(readlink ${q(p.current)})") $(ls -1 | sort | tail -n ${ctx.settings.deploy.keepReleases} | tr '\\n' ' ') "
trash=${q(trashRoot)}/$(date +%s%N)
removed=0
for r in $(ls -1 | sort); do
  case "$keep" in *" $r "*) continue;; esac
  mkdir -p "$trash"; mv -T -- "$r" "$trash/release-$r"; removed=$((removed + 1))
done
used=" $(for r in */; do readlink -f "$r.venv" 2>/dev/null; done | xargs -r -n1 basename | sort -u | tr '\\n' ' ') "
venvs=0
for v in $(ls -1 ${q(p.venvs)}); do
  case "$v" in .pip-cache|*.pip.log) continue;; esac
  case "$used" in *" $v "*) continue;; esac
  mkdir -p "$trash"; mv -T -- ${q(p.venvs)}/"$v" "$trash/venv-$v"; venvs=$((venvs + 1))
done
# Also whatever an earlier removal left (a reboot in the middle of one).
if [ -n "$(ls -A ${q(trashRoot)} 2>/dev/null)" ]; then
  systemd-run --quiet --no-block --collect -p Nice=19 -p IOSchedulingClass=idle \\
    -- sh -c ${q(`rm -rf -- ${q(trashRoot)}/*`)} 2>/dev/null || rm -rf -- ${q(trashRoot)}/*
fi
echo "releases_removed=$removed"
echo "venvs_removed=$venvs"
echo "releases_kept=$(ls -1 | wc -l)"
${then}
`;
}

const PRUNE_TIMEOUT_MS = 10 * 60_000;

/** Queues the prune with the next root command; prune() with the same arguments takes its answer. */
export function sendPruneAhead(ctx: DeployContext, keepAlso: string[], then = ''): void {
  ctx.remote.sendNext?.(pruneScript(ctx, keepAlso, then), { sudo: true, timeoutMs: PRUNE_TIMEOUT_MS });
}

/** then: a command to run in the same round trip once pruning is done (the history line). */
export async function prune(ctx: DeployContext, keepAlso: string[], then = ''): Promise<StepOutcome> {
  const f = parseFacts(
    (
      await runScript(ctx, 'pruning old releases', pruneScript(ctx, keepAlso, then), {
        timeoutMs: PRUNE_TIMEOUT_MS
      })
    ).stdout
  );
  const removed = Number(f.releases_removed ?? 0) + Number(f.venvs_removed ?? 0);
  return {
    changed: removed > 0,
    detail: `${f.releases_kept} releases kept, ${f.releases_removed} releases and ${f.venvs_removed} venvs removed`
  };
}
