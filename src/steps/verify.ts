import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { healthUrl } from '../deploy/health.js';
import { stateCommand } from '../deploy/release-record.js';
import { CHILDREN_FN } from './switch.js';
import { MS_FN, NAP_FN } from '../ssh/shell-fns.js';
import { DeployError, type StepOutcome } from './step.js';

/** How long old workers still running may keep the health path from being asked (see the script). */
export const OLD_WORKERS_GRACE_MS = 1000;

/**
 * A reload returns before new workers serve (ExecReload is asynchronous, READY comes before the
 * app is imported), so the proof is polled in one server-side loop: as many new worker processes as
 * the config asks for, each working in the release, and the health path answering 200 (with
 * health-expect in the body) through the app's socket. Old workers may still be finishing their
 * requests (they accept no new ones once told to stop).
 */
export function verifyScript(
  ctx: DeployContext,
  release: string,
  /** 'saved': as the switch before it wrote them (a verify sent together with its switch). */
  oldWorkers: string[] | 'saved'
): string {
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  const q = shQuote;
  const timeoutS = Math.max(1, Math.ceil(d.healthTimeoutMs / 1000));
  // A short health-timeout keeps most of its time for the proof itself.
  const graceMs = Math.min(OLD_WORKERS_GRACE_MS, Math.floor(d.healthTimeoutMs / 4));
  return `
${CHILDREN_FN}
want=$(readlink -f ${q(p.releaseDir(release))})
old=" ${oldWorkers === 'saved' ? `$(sed -n 's/^old_workers=//p' ${q(p.lastSwitch)} 2>/dev/null)` : oldWorkers.join(' ')} "
# Old workers may finish their requests for up to graceful_timeout; the new ones must all be there.
expected=$(awk '$1 == "workers" && $2 == "=" {print $3}' ${q(p.gunicornConf)} 2>/dev/null)
expected=\${expected:-1}
body=$(mktemp)
${MS_FN}
${NAP_FN}
# Proven: the release is recorded live (a rollback target from now on).
proven() {
${stateCommand(ctx, release, 'live')}
echo "workers=$fresh"; echo "health=200"; exit 0
}
# Whatever ends this script early, it says why.
trap 'rc=$?; rm -f "$body"; [ $rc = 0 ] || [ -n "\${reported:-}" ] || echo "why=the check stopped (exit $rc) while: $why"' EXIT
deadline=$((SECONDS + ${timeoutS}))
why="not checked yet"
while :; do
  main=$(systemctl show -p MainPID --value ${q(p.units.service.name)} 2>/dev/null || echo 0)
  workers=$(children "$main")
  ok=yes; fresh=0; olds=0
  for w in $workers; do
    # An old worker counts while it runs (not once it is a zombie the master has yet to reap).
    case "$old" in *" $w "*)
      st=""; while read -r k v _; do [ "$k" = State: ] && { st=$v; break; }; done 2>/dev/null < /proc/$w/status || true
      [ -n "$st" ] && [ "$st" != Z ] && olds=$((olds + 1))
      continue;;
    esac
    # Compared by bash itself (same folder: device and inode), no readlink per worker and poll.
    [ -e /proc/$w/cwd ] || continue
    if ! [ /proc/$w/cwd -ef "$want" ]; then ok=no; why="worker $w serves $(readlink /proc/$w/cwd 2>/dev/null), not the new release"; fi
    fresh=$((fresh + 1))
  done
  if [ "$fresh" -lt "$expected" ]; then ok=no; why="$fresh of $expected new workers running (master pid $main)"; fi
  # Gunicorn forks the new workers first and tells the old ones to stop just after: until then an
  # old worker still takes new requests, and its 200 would prove nothing. So the health path is
  # asked only once no old worker is left, or ${graceMs} ms after all new ones were
  # there (by then they were told to stop; those left are finishing requests and take no more).
  if [ "$ok" = yes ]; then
    all_new=\${all_new:-$(ms)}
    if [ "$olds" -gt 0 ] && [ $(( $(ms) - all_new )) -lt ${graceMs} ]; then ok=no; why="$olds old workers not stopped yet"; fi
  fi
  if [ "$ok" = yes ]; then
    code=$(curl -sS -o "$body" -w '%{http_code}' -m 5 --unix-socket ${q(p.socket)} ${q(healthUrl(ctx.settings, d.healthPath))} 2>/dev/null || true)
    if [ "$code" = 200 ]; then
      ${d.healthExpect ? `if grep -qF -- ${q(d.healthExpect)} "$body"; then proven; fi; why="health-path answered 200 without ${d.healthExpect.replace(/[^A-Za-z0-9 _.:-]/g, '')} in: $(head -c 300 "$body" | tr '\\n' ' ')"` : 'proven'}
    else
      why="health-path answered \${code:-nothing}: $(head -c 300 "$body" 2>/dev/null | tr '\\n' ' ')"
    fi
  fi
  state=$(systemctl is-active ${q(p.units.service.name)} 2>/dev/null || true)
  if [ "$state" = failed ] || [ "$state" = inactive ]; then why="the service is $state"; break; fi
  [ $SECONDS -lt $deadline ] || break
  # New workers that import only the app (preload-libraries) serve within a few tenths of a second:
  # look often at first, then less often, as every look costs the server a little CPU.
  polls=$((\${polls:-0} + 1))
  # A line now and then: once the runner is gone (its channel closed), the write fails and ends
  # this loop, instead of polling as root until the deadline.
  [ $((polls % 5)) != 0 ] || echo "poll=$polls"
  if [ "$polls" -le 10 ]; then nap 0.05; else nap 0.2; fi
done
reported=yes
echo "why=$why"
exit 1
`;
}

function verifyOpts(ctx: DeployContext) {
  return { sudo: true, ownChannel: true, timeoutMs: ctx.settings.deploy.healthTimeoutMs + 30_000 };
}

/** Queues the verify of a switch sent ahead too; verifyRelease(..., 'saved') then takes its answer. */
export function sendVerifyAhead(ctx: DeployContext, release: string): void {
  ctx.remote.sendNext?.(verifyScript(ctx, release, 'saved'), verifyOpts(ctx));
}

export async function verifyRelease(
  ctx: DeployContext,
  release: string,
  oldWorkers: string[] | 'saved'
): Promise<StepOutcome> {
  const res = await ctx.remote.script(verifyScript(ctx, release, oldWorkers), {
    ...verifyOpts(ctx),
    signal: ctx.signal
  });
  const f = parseFacts(res.stdout);
  if (res.code !== 0) {
    throw new DeployError(
      `release ${release} is not live after ${ctx.settings.deploy.healthTimeoutMs / 1000} s: ${f.why ?? res.stderr.trim()}`
    );
  }
  const workers = Number(f.workers ?? 0);
  return { detail: `${workers} workers on ${release}, ${ctx.settings.deploy.healthPath} 200` };
}
