import type { DeployContext } from '../deploy/context.js';
import type { FirewallPort } from '../rules.js';
import type { ServerFile } from '../render.js';
import type { Remote } from '../ssh/types.js';
import { shQuote } from '../ssh/quote.js';
import { UNIT_HEADER } from '../steps/ownership.js';
import { appUnits } from '../deploy/paths.js';
import { DeployError, errorMessage } from '../steps/step.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';

/**
 * The app's firewall: one nftables table of its own (`inet gunicorn_deploy_APP`), never the whole
 * ruleset and never another table, so the user's /etc/nftables.conf and other tools' tables stay as
 * they are (a packet must pass every table's input hook: ours drops what it does not allow, whatever
 * the others accept). Loaded at boot by APP-firewall.service, after nftables.service (whose
 * `flush ruleset` would remove it) and restarted with it.
 *
 * Applied so that a mistake cannot lock the run out: a transient timer reverts the change after
 * REVERT_AFTER_S unless a NEW SSH connection confirms it (a rule that cut new logins would still let
 * the open connection through as established traffic, so only a new one proves anything). Only the
 * confirmed ruleset is made permanent.
 */

/** Seconds the new rules have to be confirmed over a new connection before the server reverts them. */
export const REVERT_AFTER_S = 60;

/** Exit code of the confirm script when the revert already ran. */
const TOO_LATE = 7;

export function firewallTable(app: string): string {
  // App names are [a-z][a-z0-9-]*; nft identifiers have no '-'.
  return `gunicorn_deploy_${app.replace(/-/g, '_')}`;
}

export function firewallPaths(app: string) {
  return {
    rules: `/etc/${app}/firewall.nft`,
    unit: appUnits(app).firewallService.name,
    unitFile: appUnits(app).firewallService.file,
    pending: `/run/gunicorn-deploy/${app}-firewall.pending.nft`,
    revert: `${app}-firewall-revert`,
    revertScript: `/run/gunicorn-deploy/${app}-firewall-revert.sh`,
    reverted: `/run/gunicorn-deploy/${app}-firewall.reverted`
  };
}

/** Ports sorted, overlaps and neighbours merged (nft refuses overlapping elements in a set). */
export function mergePorts(ports: FirewallPort[], proto: 'tcp' | 'udp'): string[] {
  const sorted = ports.filter((p) => p.proto === proto).sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const p of sorted) {
    const last = merged.at(-1);
    if (last && p.from <= last.to + 1) last.to = Math.max(last.to, p.to);
    else merged.push({ from: p.from, to: p.to });
  }
  return merged.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`));
}

/** The ruleset file: replaces the table atomically (one nft transaction) and nothing else. */
export function renderFirewall(app: string, sshPort: number, allow: FirewallPort[]): string {
  const t = firewallTable(app);
  const ports = [{ proto: 'tcp' as const, from: sshPort, to: sshPort }, ...tcp(80), ...tcp(443), ...allow];
  const tcpPorts = mergePorts(ports, 'tcp');
  const udpPorts = mergePorts(ports, 'udp');
  const list = (xs: string[]): string => `{ ${xs.join(', ')} }`;
  return `#!/usr/sbin/nft -f
${UNIT_HEADER}; changes here are overwritten on the next provision.
# Firewall of ${app}: inbound SSH (${sshPort}, the port provision connected to), HTTP, HTTPS${
    allow.length ? ' and firewall-allow' : ''
  }; the rest is dropped. Only this table is replaced, nothing else of the ruleset.
table inet ${t}
delete table inet ${t}
table inet ${t} {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state invalid drop
    ct state { established, related } accept
    iif "lo" accept
    icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept
    # Without neighbour discovery and packet-too-big, IPv6 stops working. (No protocol names: nft
    # 1.0.6 resolves them through /etc/protocols, which a minimal image lacks.)
    icmpv6 type { echo-request, destination-unreachable, packet-too-big, time-exceeded, parameter-problem, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-query } accept
    ip6 saddr fe80::/10 udp sport 547 udp dport 546 accept
    tcp dport ${list(tcpPorts)} accept${udpPorts.length ? `\n    udp dport ${list(udpPorts)} accept` : ''}
  }
}
`;
}

function tcp(port: number): FirewallPort[] {
  return [{ proto: 'tcp', from: port, to: port }];
}

export function renderFirewallUnit(app: string): string {
  const p = firewallPaths(app);
  return `${UNIT_HEADER}; changes here are overwritten on the next provision.
[Unit]
Description=Firewall of ${app} (nftables table inet ${firewallTable(app)})
DefaultDependencies=no
Wants=network-pre.target
Before=network-pre.target shutdown.target
Conflicts=shutdown.target
# nftables.service starts with \`flush ruleset\`: load after it, and again whenever it restarts.
After=nftables.service
PartOf=nftables.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/nft -f ${p.rules}
ExecStop=-/usr/sbin/nft delete table inet ${firewallTable(app)}

[Install]
WantedBy=sysinit.target
`;
}

export function firewallFiles(app: string, sshPort: number, allow: FirewallPort[]): ServerFile[] {
  const p = firewallPaths(app);
  return [
    { path: p.rules, content: renderFirewall(app, sshPort, allow), mode: '0644', owner: 'root:root' },
    { path: p.unitFile, content: renderFirewallUnit(app), mode: '0644', owner: 'root:root' }
  ];
}

/**
 * Stage one: nothing to do when the installed ruleset and unit equal the new ones and the table is
 * live. Otherwise the new ruleset (on stdin) is checked with `nft -c`, the revert armed, and the
 * ruleset loaded; `applied=1` tells the caller to confirm.
 */
export function applyScript(app: string): string {
  const q = shQuote;
  const p = firewallPaths(app);
  const t = firewallTable(app);
  return `
if ! command -v nft >/dev/null; then
  # A dry run on a server the packages step would install nftables on.
  if [ "$dry" = 1 ]; then echo "would=install the firewall table inet ${t} and ${p.unit}"; echo "changed=firewall"; exit 0; fi
  echo "nft is not installed (the packages step installs nftables)" >&2; exit 4
fi
install -d -m 0700 /run/gunicorn-deploy
pending=${q(p.pending)}
IFS= read -r rules_b64; IFS= read -r unit_b64
printf '%s' "$rules_b64" | base64 -d > "$pending"
cmp -s "$pending" ${q(p.rules)} || mark ruleset
printf '%s' "$unit_b64" | base64 -d | cmp -s - ${q(p.unitFile)} || mark unit
if ! nft list table inet ${q(t)} >/dev/null 2>&1; then mark table; fi
if ! systemctl is-enabled --quiet ${q(p.unit)} 2>/dev/null; then mark enabled; fi
[ -n "$changed" ] || { rm -f "$pending"; echo "changed="; exit 0; }
if ! out=$(nft -c -f "$pending" 2>&1); then echo "$out" | tail -n 8 >&2; rm -f "$pending"; exit 5; fi
if [ "$dry" = 1 ]; then
  echo "would=load the firewall table inet ${t} (reverted after ${REVERT_AFTER_S} s unless a new SSH login confirms it), install ${p.rules} and ${p.unit}"
  [ -f ${q(p.rules)} ] && { diff -u ${q(p.rules)} "$pending" | sed -n '3,40p' | sed 's/^/diff=/' || true; }
  rm -f "$pending"
else
  # The way back: the last confirmed ruleset, or no table at all.
  cat > ${q(p.revertScript)} <<'REVERT'
#!/bin/sh
nft delete table inet ${t} 2>/dev/null
if [ -f ${q(p.rules)} ] && systemctl is-enabled --quiet ${q(p.unit)}; then nft -f ${q(p.rules)}; fi
touch ${q(p.reverted)}
echo "<3>the firewall of ${app} was not confirmed by a new SSH login within ${REVERT_AFTER_S} s: reverted to the previous rules"
REVERT
  chmod 0700 ${q(p.revertScript)}
  rm -f ${q(p.reverted)}
  systemctl stop ${q(`${p.revert}.timer`)} ${q(`${p.revert}.service`)} 2>/dev/null || true
  systemctl reset-failed ${q(`${p.revert}.service`)} 2>/dev/null || true
  systemd-run --quiet --unit=${q(p.revert)} --on-active=${REVERT_AFTER_S}s --timer-property=AccuracySec=1s ${q(p.revertScript)}
  if ! out=$(nft -f "$pending" 2>&1); then
    systemctl stop ${q(`${p.revert}.timer`)} 2>/dev/null || true
    echo "$out" | tail -n 8 >&2; exit 5
  fi
  echo applied=1
fi
`;
}

/**
 * Stage two, over the new connection: stops the revert (unless it already ran), then makes the
 * confirmed ruleset permanent: the file, the unit, enabled for the next boot.
 */
export function confirmScript(app: string, files: ServerFile[]): string {
  const q = shQuote;
  const p = firewallPaths(app);
  return `
# A timer that fired stays active (elapsed): only one still waiting can be stopped in time, and the
# revert must not have started meanwhile.
if [ -e ${q(p.reverted)} ] || [ "$(systemctl show -p SubState --value ${q(`${p.revert}.timer`)})" != waiting ]; then exit ${TOO_LATE}; fi
systemctl stop ${q(`${p.revert}.timer`)}
if [ -e ${q(p.reverted)} ] || [ "$(systemctl show -p ExecMainStartTimestampMonotonic --value ${q(`${p.revert}.service`)})" != 0 ]; then exit ${TOO_LATE}; fi
rm -f ${q(p.pending)} ${q(p.revertScript)}
${writeFilesScript(files)}
if echo "$changed" | grep -q /etc/systemd/system/; then systemctl daemon-reload; fi
systemctl enable --quiet ${q(p.unit)}
systemctl is-active --quiet ${q(p.unit)} || systemctl start ${q(p.unit)}
`;
}

/** firewall: false after true: the table, its unit and file go (nothing of anyone else's). */
export function removeScript(app: string): string {
  const q = shQuote;
  const p = firewallPaths(app);
  const t = firewallTable(app);
  return `
if [ -e ${q(p.unitFile)} ] || [ -e ${q(p.rules)} ] || { command -v nft >/dev/null && nft list table inet ${q(t)} >/dev/null 2>&1; }; then
  mark firewall-removed
  if [ "$dry" = 1 ]; then echo "would=remove the firewall table inet ${t}, ${p.unit} and ${p.rules}"; else
    systemctl disable --now --quiet ${q(p.unit)} 2>/dev/null || true
    command -v nft >/dev/null && nft delete table inet ${q(t)} 2>/dev/null || true
    rm -f ${q(p.unitFile)} ${q(p.rules)}
    systemctl daemon-reload
  fi
fi
`;
}

/** The server-side port of the connection this run uses ($SSH_CONNECTION, as the login user). */
async function sshServerPort(remote: Remote): Promise<number> {
  const res = await remote.exec('printf "%s\\n" "${SSH_CONNECTION:-}"', { timeoutMs: 30_000 });
  const port = Number(/^\S+ \d+ \S+ (\d+)\s*$/.exec(res.stdout)?.[1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DeployError(
      'cannot tell which port this SSH connection uses on the server (SSH_CONNECTION is not set); the firewall was not changed',
      'Check that the server runs OpenSSH (it sets SSH_CONNECTION), or set firewall: false.'
    );
  }
  return port;
}

/** Waits (over the old connection, still open as established traffic) for the revert to have run. */
async function waitForRevert(ctx: DeployContext, app: string): Promise<boolean> {
  const p = firewallPaths(app);
  const deadline = Date.now() + (REVERT_AFTER_S + 20) * 1000;
  while (Date.now() < deadline) {
    const res = await ctx.remote
      .script(`test -e ${shQuote(p.reverted)}`, { sudo: true, timeoutMs: 10_000 })
      .catch(() => undefined);
    if (res?.code === 0) return true;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return false;
}

export async function ensureFirewall(
  ctx: DeployContext,
  reconnect: (() => Promise<Remote>) | undefined
): Promise<ProvisionResult> {
  const app = ctx.paths.app;
  const edge = ctx.settings.provision.edge;
  if (!edge.firewall) return runProvisionScript(ctx, 'checking for a firewall to remove', removeScript(app));
  const files = firewallFiles(app, await sshServerPort(ctx.remote), edge.firewallAllow);
  const applied = await runProvisionScript(ctx, 'applying the firewall', applyScript(app), {
    stdin: filesInput(files),
    hint: 'nft refused the ruleset; nothing was changed.'
  });
  if (applied.facts.applied !== '1') return applied;
  const by = new Date(Date.now() + REVERT_AFTER_S * 1000).toISOString();
  let second: Remote | undefined;
  try {
    if (!reconnect) throw new Error('no way to open a new connection here');
    second = await reconnect();
    await runProvisionScript(
      { ...ctx, remote: second },
      'confirming the firewall',
      confirmScript(app, files),
      {
        stdin: filesInput(files),
        timeoutMs: 30_000
      }
    );
  } catch (err) {
    const why = errorMessage(err).split('\n')[0]!;
    const reverted = await waitForRevert(ctx, app);
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
