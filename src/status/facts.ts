import { parseFacts } from '../deploy/context.js';
import { metricsFacts } from '../metrics/status.js';

/** One line of the server's history (src/steps/history.ts), as written. */
export type HistoryEntry = Record<string, string>;

/** The history's lines, oldest first; a line that is not a JSON object is skipped. */
export function parseHistory(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const e: HistoryEntry = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>))
          if (typeof x === 'string') e[k] = x;
        out.push(e);
      }
    } catch {
      // a torn line (a full disk while it was written): not an audit fact
    }
  }
  return out;
}

/** The line that made `release` serve: its deploy, or the rollback that put it back. */
export function servingEntry(history: HistoryEntry[], release: string): HistoryEntry | undefined {
  return [...history]
    .reverse()
    .find(
      (e) =>
        e.release === release &&
        ((e.event === 'deploy' && e.status === 'deployed') ||
          (e.event === 'rollback' && e.status === 'rolled-back'))
    );
}

export function ago(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

const num = (v: string | undefined): number => (v && /^-?\d+$/.test(v) ? Number(v) : NaN);

/**
 * The status script's answer (src/status/script.ts) as the host's facts: what `--json` gives
 * scripts and the table shows people. `healthy` is the service active and its health path 200.
 */
export function statusFacts(stdout: string): { facts: Record<string, string>; history: HistoryEntry[] } {
  const cut = stdout.indexOf('\n--- history');
  const raw = parseFacts(cut >= 0 ? stdout.slice(0, cut) : stdout);
  const history = parseHistory(cut >= 0 ? stdout.slice(cut + 13) : '');
  const now = num(raw.now);
  const release = raw.release ?? '';
  const served = release ? servingEntry(history, release) : undefined;
  const since = num(raw.since);
  const certEnd = num(raw['cert-expires']);
  const backup = num(raw['backup-newest']);
  const rssKb = num(raw['rss-kb']);
  const freeKb = num(raw['disk-free-kb']);
  const healthy = raw.service === 'active/running' && raw.health === '200';
  const facts: Record<string, string> = {
    release,
    state: release ? raw.state || 'none' : 'nothing deployed',
    since: Number.isFinite(since) ? new Date(since * 1000).toISOString() : '',
    commit: served?.commit ?? '',
    actor: served?.actor ?? '',
    origin: served?.origin ?? '',
    run: served?.run ?? '',
    previous: served?.previous ?? (served?.event === 'rollback' ? (served.from ?? '') : ''),
    service: raw.service ?? '',
    uptime: Number.isFinite(num(raw.uptime)) ? ago(num(raw.uptime)) : '',
    workers: raw.workers ?? '',
    busy: raw.busy ?? '',
    'rss-mb': Number.isFinite(rssKb) ? (rssKb / 1024).toFixed(1) : '',
    restarts: raw.restarts ?? '',
    'oom-kills': raw['oom-kills'] ?? '',
    processes: raw.processes ?? '',
    'cert-expires': Number.isFinite(certEnd)
      ? `${new Date(certEnd * 1000).toISOString().slice(0, 10)} (${Math.floor((certEnd - now) / 86_400)} d)`
      : '',
    'disk-free-gb': Number.isFinite(freeKb) ? (freeKb / 1048576).toFixed(1) : '',
    'backup-age': Number.isFinite(backup) ? ago(now - backup) : '',
    health: raw.health ?? '',
    maintenance: raw.maintenance ?? '',
    deploying: raw.deploying ?? '',
    ...metricsFacts(raw, now, ago),
    healthy: String(healthy)
  };
  return { facts, history };
}

/** Why a server is not healthy, in words. */
export function unhealthyReason(f: Record<string, string>): string {
  if (!f.release) return 'nothing is deployed';
  if (f.service !== 'active/running')
    return `${f.service ? `the service is ${f.service}` : 'the service is unknown'}`;
  return f.health === '000' || !f.health
    ? 'the health path did not answer'
    : `the health path answered ${f.health}`;
}
