import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import type { StepOutcome } from './step.js';

/**
 * Keeps the newest keep-releases releases, and never current or the one before it (the rollback
 * target). Venvs no remaining release links to go too; the pip cache stays.
 */
export function pruneScript(ctx: DeployContext, keepAlso: string[]): string {
  const p = ctx.paths;
  const q = shQuote;
  return `
cd ${q(p.releases)}
keep=" ${keepAlso.map(q).join(' ')} $(basename "$(readlink ${q(p.current)})") $(ls -1 | sort | tail -n ${ctx.settings.deploy.keepReleases} | tr '\\n' ' ') "
removed=0
for r in $(ls -1 | sort); do
  case "$keep" in *" $r "*) continue;; esac
  rm -rf -- "$r"; removed=$((removed + 1))
done
used=" $(for r in */; do readlink -f "$r.venv" 2>/dev/null; done | xargs -r -n1 basename | sort -u | tr '\\n' ' ') "
venvs=0
for v in $(ls -1 ${q(p.venvs)}); do
  case "$v" in .pip-cache|*.pip.log) continue;; esac
  case "$used" in *" $v "*) continue;; esac
  rm -rf -- ${q(p.venvs)}/"$v"; venvs=$((venvs + 1))
done
echo "releases_removed=$removed"
echo "venvs_removed=$venvs"
echo "releases_kept=$(ls -1 | wc -l)"
`;
}

export async function prune(ctx: DeployContext, keepAlso: string[]): Promise<StepOutcome> {
  const f = parseFacts(
    (await runScript(ctx, 'pruning old releases', pruneScript(ctx, keepAlso), { timeoutMs: 10 * 60_000 }))
      .stdout
  );
  const removed = Number(f.releases_removed ?? 0) + Number(f.venvs_removed ?? 0);
  return {
    changed: removed > 0,
    detail: `${f.releases_kept} releases kept, ${f.releases_removed} releases and ${f.venvs_removed} venvs removed`
  };
}
