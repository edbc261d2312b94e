import type { ModeStrategy } from './types.js';
import { formatTable } from '../report.js';
import { statusScript } from '../status/script.js';
import { statusFacts, unhealthyReason } from '../status/facts.js';
import { historyRows, HISTORY_HEADER } from '../status/history-table.js';
import { DeployError, step } from '../steps/step.js';
import { deployContext } from '../deploy/context.js';
import { aheadAdvice, parseMigrationState, readMigrationStateCommand } from '../deploy/migration-state.js';

/** The summary's columns; the full list of each server is its own table in the log. */
export const STATUS_KEYS = ['release', 'state', 'since', 'actor', 'commit', 'workers', 'busy', 'health'];

/** Rows of the per-server table: label and fact key. */
const ROWS: [string, string][] = [
  ['release', 'release'],
  ['state', 'state'],
  ['serving since', 'since'],
  ['commit', 'commit'],
  ['deployed by', 'actor'],
  ['from', 'origin'],
  ['run', 'run'],
  ['previous release', 'previous'],
  ['service', 'service'],
  ['master uptime', 'uptime'],
  ['workers', 'workers'],
  ['busy now', 'busy'],
  ['memory (MB RSS)', 'rss-mb'],
  ['restarts since deploy', 'restarts'],
  ['OOM kills since deploy', 'oom-kills'],
  ['other processes', 'processes'],
  ['certificate expires', 'cert-expires'],
  ['disk free (GB)', 'disk-free-gb'],
  ['newest backup', 'backup-age'],
  ['maintenance', 'maintenance'],
  ['deploy running', 'deploying'],
  ['health now', 'health'],
  // metrics: true: what the metrics job last wrote (README, Metrics).
  ['requests (last min)', 'requests-1m'],
  ['5xx (last min)', '5xx-1m'],
  ['latency p50 / p95 / p99 (ms)', 'latency'],
  ['busy workers (mean / most)', 'busy-sampled'],
  ['queued requests (most)', 'queued-max'],
  ['in flight (last min mean)', 'busy-1m'],
  ['metrics written', 'metrics-age']
];

/**
 * What serves on each server and how it is doing, in one read-only round trip per server: the
 * release and who deployed it (from the history), the service, workers and memory from /proc, the
 * certificate, disk and backups, and one health request. Fails, naming the server, when the service
 * is not running or its health path does not answer 200.
 */
export const statusMode: ModeStrategy = {
  factKeys: STATUS_KEYS,
  okStatus: 'healthy',
  async runHost(host) {
    const ctx = deployContext(host);
    const found = await step(ctx.logger, ctx.records, ctx.label, 'status', async () => {
      // Which release's migration the database holds, read first (before the history's lines).
      const res = await ctx.remote.script(`${readMigrationStateCommand(ctx)}\n${statusScript(ctx)}`, {
        sudo: true,
        timeoutMs: 30_000
      });
      if (res.code !== 0)
        throw new DeployError(`reading the status failed (exit ${res.code}): ${res.stderr.trim()}`);
      const out = statusFacts(res.stdout);
      const ahead = parseMigrationState(res.stdout.split('\n--- history')[0]!).ahead;
      return Object.assign(out, {
        ahead,
        detail: `${out.facts.release || 'nothing deployed'}, health ${out.facts.health}`
      });
    });
    Object.assign(ctx.facts, found.facts);
    // A rollback left a migration in the database that the serving code does not have.
    if (found.ahead) {
      ctx.facts['database-warning'] = aheadAdvice(ctx, found.ahead);
      ctx.logger.warning(`${ctx.label}: ${ctx.facts['database-warning']}`);
    }
    const f = found.facts;
    const shown: Record<string, string> = {
      ...f,
      latency: f['p95-ms'] ? `${f['p50-ms']} / ${f['p95-ms']} / ${f['p99-ms']}` : '',
      'busy-sampled': f['busy-mean'] ? `${f['busy-mean']} / ${f['busy-max']}` : ''
    };
    const rows = ROWS.filter(([, k]) => shown[k]).map(([label, k]) => [label, shown[k]!]);
    ctx.logger.info(`${ctx.label}:\n${formatTable(['', ctx.label], rows)}`);
    const n = ctx.settings.operate.historyLines;
    if (n > 0) {
      const last = found.history.slice(-n).reverse();
      ctx.facts.history = JSON.stringify(last);
      ctx.logger.info(
        `${ctx.label}: history, newest first:\n${formatTable(HISTORY_HEADER, historyRows(last))}`
      );
    }
    if (found.facts.healthy !== 'true') {
      host.setStatus('unhealthy');
      throw new DeployError(
        `${ctx.label} is unhealthy: ${unhealthyReason(found.facts)}`,
        'mode logs shows what the app said; mode verify runs the whole checklist.'
      );
    }
  }
};
