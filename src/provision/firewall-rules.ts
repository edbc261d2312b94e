import { sourceProblem, type FirewallPort } from '../rules.js';
import { renderTemplate, type ServerFile, type TemplateVars } from '../render.js';
import { UNIT_HEADER } from '../steps/ownership.js';

/**
 * The server's one firewall, shared by every app the tool provisions there: one nftables table
 * (`inet gunicorn_deploy`) whose allowed ports are the union of what each app asked for (its SSH
 * port, 80, 443, its firewall-allow). Each app's request is a file of its own in REQUESTS_DIR; the
 * table is rebuilt from all of them, so one app's provision never closes another's port (two tables
 * with a drop policy would: a packet must pass every table's input hook). Never the whole ruleset
 * and never another table: the user's /etc/nftables.conf and other tools' tables stay as they are.
 */

export const FIREWALL = {
  table: 'gunicorn_deploy',
  rules: '/etc/gunicorn-deploy/firewall.nft',
  requestsDir: '/etc/gunicorn-deploy/firewall.d',
  unit: 'gunicorn-deploy-firewall.service',
  unitFile: '/etc/systemd/system/gunicorn-deploy-firewall.service',
  lock: '/run/gunicorn-deploy/firewall.lock',
  pending: '/run/gunicorn-deploy/firewall.pending.nft',
  revert: 'gunicorn-deploy-firewall-revert',
  revertScript: '/run/gunicorn-deploy/firewall-revert.sh',
  reverted: '/run/gunicorn-deploy/firewall.reverted',
  /** The app's request from before this run's apply, put back by the revert. */
  previous: '/run/gunicorn-deploy/firewall.previous-request'
} as const;

export function requestPath(app: string): string {
  return `${FIREWALL.requestsDir}/${app}.ports`;
}

/** The per-app table of earlier versions (migrated into the shared one). */
export function legacyTable(app: string): string {
  return `gunicorn_deploy_${app.replace(/-/g, '_')}`;
}

export function legacyPaths(app: string): { rules: string; unitFile: string; unit: string } {
  return {
    rules: `/etc/${app}/firewall.nft`,
    unit: `${app}-firewall.service`,
    unitFile: `/etc/systemd/system/${app}-firewall.service`
  };
}

/**
 * One port of a request; with `sources`, only from those addresses or CIDR blocks (ssh-allow-from).
 */
export type RequestPort = FirewallPort & { sources?: string[] };

/**
 * What one app asks for: the SSH port its run connected to (from `sshFrom` only, when given), HTTP,
 * HTTPS, its firewall-allow.
 */
export function appRequest(sshPort: number, allow: FirewallPort[], sshFrom: string[] = []): RequestPort[] {
  return [{ ...tcp(sshPort), ...(sshFrom.length ? { sources: sshFrom } : {}) }, tcp(80), tcp(443), ...allow];
}

const portText = (p: FirewallPort): string => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`);

/** The request file: one `tcp 8000-8010` line per port or range (`tcp 22 from 192.0.2.7 ...`). */
export function renderRequest(app: string, ports: RequestPort[]): string {
  const lines = ports.map(
    (p) => `${p.proto} ${portText(p)}${p.sources?.length ? ` from ${p.sources.join(' ')}` : ''}`
  );
  return `${UNIT_HEADER}: the ports ${app} asked for (its SSH port, 80, 443, firewall-allow).\n${lines.join('\n')}\n`;
}

export function parseRequest(text: string): RequestPort[] {
  const out: RequestPort[] = [];
  for (const line of text.split('\n')) {
    const m = /^(tcp|udp) (\d{1,5})(?:-(\d{1,5}))?(?: from ([0-9a-f:./ ]+))?$/.exec(line.trim());
    if (!m) continue;
    const from = Number(m[2]);
    const to = Number(m[3] ?? m[2]);
    // Sources reach the ruleset: each must be in its plain form, or the line counts for nothing.
    const sources = m[4]?.split(' ').filter(Boolean);
    if (sources && (!sources.length || sources.some((x) => sourceProblem(x)))) continue;
    if (from >= 1 && to <= 65535 && from <= to)
      out.push({ proto: m[1] as 'tcp' | 'udp', from, to, ...(sources ? { sources } : {}) });
  }
  return out;
}

/** An earlier per-app ruleset's `tcp dport { 22, 80, 8000-8010 } accept` lines, as a request. */
export function parseLegacyRules(text: string): FirewallPort[] {
  const out: FirewallPort[] = [];
  for (const m of text.matchAll(/^\s*(tcp|udp) dport \{([^}]*)\} accept/gm)) {
    for (const item of m[2]!.split(',')) out.push(...parseRequest(`${m[1]} ${item.trim()}`));
  }
  return out;
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

/**
 * The ruleset file (templates/nftables/firewall.nft.hbs): replaces the one table atomically (one
 * nft transaction) and nothing else.
 */
export function renderFirewall(requests: Map<string, RequestPort[]>): string {
  const apps = [...requests.keys()].sort();
  const all = apps.flatMap((a) => requests.get(a)!);
  const open = all.filter((p) => !p.sources);
  const who = apps.map(
    (a) =>
      `${a}: ${requests
        .get(a)!
        .map((p) => `${p.proto}/${portText(p)}${p.sources ? ` (from ${p.sources.join(' ')})` : ''}`)
        .join(' ')}`
  );
  const vars = {
    header: UNIT_HEADER,
    requestsDir: FIREWALL.requestsDir,
    table: FIREWALL.table,
    who,
    tcpPorts: mergePorts(open, 'tcp').join(', '),
    udpPorts: mergePorts(open, 'udp').join(', '),
    restricted: sourceRules(all, open)
  };
  return renderTemplate('nftables/firewall.nft', vars as unknown as TemplateVars);
}

/**
 * The ports some app lets in only from chosen sources (ssh-allow-from), one rule per source (no
 * overlapping set elements for nft to refuse). A port another app lets in from anywhere stays open:
 * the table is the union of the requests, so one app never closes what another asked for.
 */
function sourceRules(all: RequestPort[], open: RequestPort[]): string[] {
  const bySort = new Map<string, Set<string>>();
  for (const p of all) {
    if (!p.sources) continue;
    if (open.some((o) => o.proto === p.proto && o.from <= p.from && o.to >= p.to)) continue;
    const key = `${p.proto} dport ${portText(p)}`;
    const set = bySort.get(key) ?? new Set<string>();
    for (const src of p.sources) set.add(src);
    bySort.set(key, set);
  }
  const lines: string[] = [];
  for (const [port, sources] of [...bySort].sort()) {
    for (const src of [...sources].sort())
      lines.push(`${src.includes(':') ? 'ip6' : 'ip'} saddr ${src} ${port} accept`);
  }
  return lines;
}

function tcp(port: number): FirewallPort {
  return { proto: 'tcp', from: port, to: port };
}

export function renderFirewallUnit(): string {
  const vars = { header: UNIT_HEADER, table: FIREWALL.table, rules: FIREWALL.rules };
  return renderTemplate('systemd/firewall.service', vars as unknown as TemplateVars);
}

/** The files the confirm makes permanent: the ruleset and its unit. */
export function firewallFiles(requests: Map<string, RequestPort[]>): ServerFile[] {
  return [
    { path: FIREWALL.rules, content: renderFirewall(requests), mode: '0644', owner: 'root:root' },
    { path: FIREWALL.unitFile, content: renderFirewallUnit(), mode: '0644', owner: 'root:root' }
  ];
}
