import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import type { ServerFile } from '../render.js';
import type { Remote } from '../ssh/types.js';
import { shQuote } from '../ssh/quote.js';
import { UNIT_HEADER } from '../steps/ownership.js';
import { DeployError, errorMessage } from '../steps/step.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';
import { sshConnection, sshSourcesWithRun } from './firewall-ssh.js';
import {
  FIREWALL,
  appRequest,
  type RequestPort,
  firewallFiles,
  legacyPaths,
  legacyTable,
  parseLegacyRules,
  parseRequest,
  renderRequest,
  requestPath
} from './firewall-rules.js';

export { mergePorts, renderFirewall, renderFirewallUnit, firewallFiles } from './firewall-rules.js';

/**
 * Applying the server's one firewall (firewall-rules.ts) so that a mistake cannot lock the run out:
 * a transient timer reverts the change after REVERT_AFTER_S unless a NEW SSH connection confirms it
 * (a rule that cut new logins would still let the open connection through as established traffic,
 * so only a new one proves anything). Only the confirmed ruleset is made permanent. Every script
 * that reads or writes the requests holds one lock, and the apply refuses when another app's
 * request changed since this run read them (two provisions at once never drop each other's ports).
 */

/** Seconds the new rules have to be confirmed over a new connection before the server reverts them. */
export const REVERT_AFTER_S = 60;

/** Exit code of the confirm script when the revert already ran. */
const TOO_LATE = 7;
/** Exit code of the apply when another app's request changed since it was read. */
const RACED = 8;

const APP_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Shell: the lock, and a digest of every request but APP's (the apply compares it). */
function lockAndDigest(app: string): string {
  const q = shQuote;
  return `install -d -m 0700 /run/gunicorn-deploy
exec 9>${q(FIREWALL.lock)}
flock -w 120 9 || { echo "another provision held the firewall lock for 120 s" >&2; exit 9; }
others_digest() {
  for f in ${q(FIREWALL.requestsDir)}/*.ports; do
    [ -f "$f" ] && [ "$f" != ${q(requestPath(app))} ] || continue
    printf '%s\\n' "$f"; cat "$f"
  done | sha256sum | cut -c1-64
}`;
}

/** Reads every other app's request, the earlier per-app tables to migrate, and the digest. */
export function readScript(app: string): string {
  const q = shQuote;
  return `${lockAndDigest(app)}
for f in ${q(FIREWALL.requestsDir)}/*.ports; do
  [ -f "$f" ] && [ "$f" != ${q(requestPath(app))} ] || continue
  a=$(basename "$f" .ports); sed -n "s/^\\(tcp\\|udp\\) /req $a &/p" "$f"
done
for u in /etc/systemd/system/*-firewall.service; do
  # The shared table's own unit has the same shape (its rules in /etc/gunicorn-deploy/).
  [ "$u" != ${q(FIREWALL.unitFile)} ] && [ -f "$u" ] && [ ! -L "$u" ] && [ "$(head -c ${UNIT_HEADER.length} "$u")" = ${q(UNIT_HEADER)} ] || continue
  a=$(sed -n 's|^ExecStart=/usr/sbin/nft -f /etc/\\([a-z][a-z0-9-]*\\)/firewall\\.nft$|\\1|p' "$u")
  [ -n "$a" ] || continue
  echo "legacy $a"
  sed -n "s/^ *\\(tcp\\|udp\\) dport {/legacyrule $a &/p" "/etc/$a/firewall.nft" 2>/dev/null || true
done
echo "digest=$(others_digest)"`;
}

export interface FirewallState {
  others: Map<string, RequestPort[]>;
  legacy: string[];
  digest: string;
}

export function parseFirewallState(stdout: string, app: string): FirewallState {
  const others = new Map<string, RequestPort[]>();
  const legacy: string[] = [];
  const add = (a: string, ports: RequestPort[]): void => {
    if (a !== app && APP_NAME.test(a)) others.set(a, [...(others.get(a) ?? []), ...ports]);
  };
  for (const line of stdout.split('\n')) {
    const req = /^req (\S+) (.*)$/.exec(line);
    if (req) add(req[1]!, parseRequest(req[2]!));
    const leg = /^legacy (\S+)$/.exec(line);
    if (leg && APP_NAME.test(leg[1]!) && leg[1] !== 'gunicorn-deploy') legacy.push(leg[1]!);
    const rule = /^legacyrule (\S+) (.*)$/.exec(line);
    if (rule) add(rule[1]!, parseLegacyRules(rule[2]!));
  }
  return { others, legacy, digest: parseFacts(stdout).digest ?? '' };
}

/**
 * Stage one: nothing to do when the installed ruleset, unit and this app's request equal the new
 * ones, the table is live and nothing is left to migrate. Otherwise the new ruleset (on stdin) is
 * checked with `nft -c`, the revert armed, the requests written and the ruleset loaded;
 * `applied=1` tells the caller to confirm. stdin: ruleset, unit, request ('' for none), then each
 * migrated app's request.
 */
export function applyScript(app: string, digest: string, migrate: string[], write: string[] = []): string {
  const q = shQuote;
  const f = FIREWALL;
  const own = requestPath(app);
  return `
if ! command -v nft >/dev/null; then
  # A dry run on a server the packages step would install nftables on.
  if [ "$dry" = 1 ]; then echo "would=install the firewall table inet ${f.table} and ${f.unit}"; echo "changed=firewall"; exit 0; fi
  echo "nft is not installed (the packages step installs nftables)" >&2; exit 4
fi
${lockAndDigest(app)}
[ "$(others_digest)" = ${q(digest)} ] || { echo "another app's firewall request changed while this run read them" >&2; exit ${RACED}; }
pending=${q(f.pending)}; newreq=$(mktemp)
IFS= read -r rules_b64; IFS= read -r unit_b64; IFS= read -r req_b64
printf '%s' "$rules_b64" | base64 -d > "$pending"
printf '%s' "$req_b64" | base64 -d > "$newreq"
cmp -s "$pending" ${q(f.rules)} || mark ruleset
printf '%s' "$unit_b64" | base64 -d | cmp -s - ${q(f.unitFile)} || mark unit
if ! nft list table inet ${q(f.table)} >/dev/null 2>&1; then mark table; fi
if ! systemctl is-enabled --quiet ${q(f.unit)} 2>/dev/null; then mark enabled; fi
if [ -s "$newreq" ]; then cmp -s "$newreq" ${q(own)} || mark request; elif [ -e ${q(own)} ]; then mark request; fi
${migrate.length ? `mark migrate` : ''}
[ -n "$changed" ] || { rm -f "$pending" "$newreq"; echo "changed="; exit 0; }
if ! out=$(nft -c -f "$pending" 2>&1); then echo "$out" | tail -n 8 >&2; rm -f "$pending" "$newreq"; exit 5; fi
if [ "$dry" = 1 ]; then
  echo "would=load the firewall table inet ${f.table} (reverted after ${REVERT_AFTER_S} s unless a new SSH login confirms it), install ${f.rules} and ${f.unit}${migrate.length ? `, migrate the per-app tables of ${migrate.join(', ')}` : ''}"
  [ -f ${q(f.rules)} ] && { diff -u ${q(f.rules)} "$pending" | sed -n '3,40p' | sed 's/^/diff=/' || true; }
  rm -f "$pending" "$newreq"
else
  rm -f ${q(f.previous)}; [ -f ${q(own)} ] && cp -a ${q(own)} ${q(f.previous)}
  # The way back: the last confirmed ruleset (or no table at all), and this app's previous request.
  cat > ${q(f.revertScript)} <<'REVERT'
#!/bin/sh
nft delete table inet ${f.table} 2>/dev/null
if [ -f ${q(f.rules)} ] && systemctl is-enabled --quiet ${q(f.unit)}; then nft -f ${q(f.rules)}; fi
if [ -f ${q(f.previous)} ]; then cp -a ${q(f.previous)} ${q(own)}; else rm -f ${q(own)}; fi
touch ${q(f.reverted)}
echo "<3>the firewall was not confirmed by a new SSH login within ${REVERT_AFTER_S} s: reverted to the previous rules"
REVERT
  chmod 0700 ${q(f.revertScript)}
  rm -f ${q(f.reverted)}
  systemctl stop ${q(`${f.revert}.timer`)} ${q(`${f.revert}.service`)} 2>/dev/null || true
  systemctl reset-failed ${q(`${f.revert}.service`)} 2>/dev/null || true
  systemd-run --quiet --unit=${q(f.revert)} --on-active=${REVERT_AFTER_S}s --timer-property=AccuracySec=1s ${q(f.revertScript)}
  install -d -m 0755 -o root -g root /etc/gunicorn-deploy ${q(f.requestsDir)}
  if [ -s "$newreq" ]; then install -m 0644 -o root -g root "$newreq" ${q(own)}; else rm -f ${q(own)}; fi
  ${write.map((a) => `IFS= read -r b64; printf '%s' "$b64" | base64 -d > "$newreq"; install -m 0644 -o root -g root "$newreq" ${q(requestPath(a))}`).join('\n  ')}
  rm -f "$newreq"
  if ! out=$(nft -f "$pending" 2>&1); then
    systemctl stop ${q(`${f.revert}.timer`)} 2>/dev/null || true
    if [ -f ${q(f.previous)} ]; then cp -a ${q(f.previous)} ${q(own)}; else rm -f ${q(own)}; fi
    echo "$out" | tail -n 8 >&2; exit 5
  fi
  echo applied=1
fi
`;
}

/** Shell removing the per-app tables of earlier versions (their units, rulesets and tables). */
function removeLegacy(apps: string[]): string {
  const q = shQuote;
  return apps
    .map((a) => {
      const p = legacyPaths(a);
      return `systemctl disable --now --quiet ${q(p.unit)} 2>/dev/null || true
nft delete table inet ${q(legacyTable(a))} 2>/dev/null || true
rm -f ${q(p.unitFile)} ${q(p.rules)}; legacy_gone=1`;
    })
    .join('\n');
}

/**
 * Stage two, over the new connection: stops the revert (unless it already ran), then makes the
 * confirmed ruleset permanent (the file, the unit, enabled for the next boot) and removes the
 * per-app tables it replaced.
 */
export function confirmScript(app: string, files: ServerFile[], migrate: string[]): string {
  const q = shQuote;
  const f = FIREWALL;
  return `
${lockAndDigest(app)}
# A timer that fired stays active (elapsed): only one still waiting can be stopped in time, and the
# revert must not have started meanwhile.
if [ -e ${q(f.reverted)} ] || [ "$(systemctl show -p SubState --value ${q(`${f.revert}.timer`)})" != waiting ]; then exit ${TOO_LATE}; fi
systemctl stop ${q(`${f.revert}.timer`)}
if [ -e ${q(f.reverted)} ] || [ "$(systemctl show -p ExecMainStartTimestampMonotonic --value ${q(`${f.revert}.service`)})" != 0 ]; then exit ${TOO_LATE}; fi
rm -f ${q(f.pending)} ${q(f.revertScript)} ${q(f.previous)}
${writeFilesScript(files)}
legacy_gone=0
${removeLegacy(migrate)}
if echo "$changed" | grep -q /etc/systemd/system/ || [ "$legacy_gone" = 1 ]; then systemctl daemon-reload; fi
systemctl enable --quiet ${q(f.unit)}
systemctl is-active --quiet ${q(f.unit)} || systemctl start ${q(f.unit)}
`;
}

/** No app asks for a firewall any more: the table, its unit, file and requests go. */
export function removeScript(app: string, migrate: string[]): string {
  const q = shQuote;
  const f = FIREWALL;
  return `
if [ -e ${q(f.unitFile)} ] || [ -e ${q(f.rules)} ] || [ -e ${q(requestPath(app))} ] || ${migrate.length ? 'true' : 'false'} || { command -v nft >/dev/null && nft list table inet ${q(f.table)} >/dev/null 2>&1; }; then
  mark firewall-removed
  if [ "$dry" = 1 ]; then echo "would=remove the firewall table inet ${f.table}, ${f.unit} and ${f.rules}"; else
    ${lockAndDigest(app)}
    systemctl disable --now --quiet ${q(f.unit)} 2>/dev/null || true
    command -v nft >/dev/null && nft delete table inet ${q(f.table)} 2>/dev/null || true
    rm -f ${q(f.unitFile)} ${q(f.rules)} ${q(requestPath(app))}
    ${removeLegacy(migrate)}
    systemctl daemon-reload
  fi
fi
`;
}

/** Waits (over the old connection, still open as established traffic) for the revert to have run. */
async function waitForRevert(ctx: DeployContext): Promise<boolean> {
  const deadline = Date.now() + (REVERT_AFTER_S + 20) * 1000;
  while (Date.now() < deadline) {
    const res = await ctx.remote
      .script(`test -e ${shQuote(FIREWALL.reverted)}`, { sudo: true, timeoutMs: 10_000 })
      .catch(() => undefined);
    if (res?.code === 0) return true;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return false;
}

/** Step `firewall` of provision: this app's request as its inputs say (firewall: false: none). */
export async function ensureFirewall(
  ctx: DeployContext,
  reconnect: (() => Promise<Remote>) | undefined
): Promise<ProvisionResult> {
  const edge = ctx.settings.provision.edge;
  if (!edge.firewall) return rebuildFirewall(ctx, reconnect, undefined);
  const conn = await sshConnection(ctx.remote);
  const from = sshSourcesWithRun(ctx, edge.sshAllowFrom, conn.client);
  return rebuildFirewall(ctx, reconnect, appRequest(conn.port, edge.firewallAllow, from));
}

/**
 * The server's table rebuilt from every app's request with this app's as given (undefined: this
 * app asks for nothing, as after firewall: false or mode remove); removed when nobody asks.
 */
export async function rebuildFirewall(
  ctx: DeployContext,
  reconnect: (() => Promise<Remote>) | undefined,
  own: RequestPort[] | undefined
): Promise<ProvisionResult> {
  const app = ctx.paths.app;
  const read = await ctx.remote.script(readScript(app), { sudo: true, timeoutMs: 150_000 });
  if (read.code !== 0)
    throw new DeployError(`cannot read the server's firewall requests: ${read.stderr.trim()}`);
  const state = parseFirewallState(read.stdout, app);
  const requests = new Map(state.others);
  if (own) requests.set(app, own);
  if (requests.size === 0)
    return runProvisionScript(ctx, 'checking for a firewall to remove', removeScript(app, state.legacy));
  const files = firewallFiles(requests);
  // Every per-app table of an earlier version goes (it would drop the others' ports); its app's
  // ports are in the shared table from now on, as a request of its own.
  const migrating = state.legacy;
  const write = migrating.filter((a) => a !== app && state.others.has(a));
  const b64 = (t: string): string => Buffer.from(t).toString('base64');
  const input =
    filesInput(files) +
    `${own ? b64(renderRequest(app, own)) : ''}\n` +
    write.map((a) => `${b64(renderRequest(a, state.others.get(a)!))}\n`).join('');
  let applied: ProvisionResult;
  try {
    applied = await runProvisionScript(
      ctx,
      'applying the firewall',
      applyScript(app, state.digest, migrating, write),
      {
        stdin: input,
        hint: 'nft refused the ruleset; nothing was changed.',
        timeoutMs: 180_000
      }
    );
  } catch (err) {
    if (errorMessage(err).includes(`exit ${RACED}`))
      throw new DeployError(
        "another app's provision changed the server's firewall while this run read it; nothing was changed",
        'Run provision again (the firewall is rebuilt from every app on the server).'
      );
    throw err;
  }
  if (applied.facts.applied !== '1') return applied;
  const by = new Date(Date.now() + REVERT_AFTER_S * 1000).toISOString();
  let second: Remote | undefined;
  try {
    if (!reconnect) throw new Error('no way to open a new connection here');
    second = await reconnect();
    await runProvisionScript(
      { ...ctx, remote: second },
      'confirming the firewall',
      confirmScript(app, files, migrating),
      {
        stdin: filesInput(files),
        timeoutMs: 150_000
      }
    );
  } catch (err) {
    const why = errorMessage(err).split('\n')[0]!;
    const reverted = await waitForRevert(ctx);
    throw new DeployError(
      `the firewall was applied, but a new SSH connection could not confirm it (${why}); ${
        reverted
          ? `the server reverted it after ${REVERT_AFTER_S} s, as armed before the change: the previous rules are back`
          : `the server reverts it by ${by} (${REVERT_AFTER_S} s after the change)`
      }`,
      'Check that SSH reaches the server on the port this run used, and what firewall-allow opens; then run provision again.'
    );
  } finally {
    await second?.close().catch(() => undefined);
  }
  return { ...applied, detail: `${applied.detail} (confirmed over a new SSH connection)` };
}
