import * as core from '@actions/core';
import type { StepName } from './steps/catalog.js';
import { loadSummaryMarkdown } from './loadtest/summary.js';

/** What happened on one host; the summary and outputs are built from these records, not from logs. */
export interface StepRecord {
  /** Every name is in the step catalog (src/steps/catalog.ts). */
  name: StepName;
  ms: number;
  ok: boolean;
  /** False when the step found everything already as it should be. */
  changed?: boolean;
  detail?: string;
}

export interface HostReport {
  host: string;
  ok: boolean;
  status: string;
  error?: string;
  steps: StepRecord[];
  ms: number;
  /** Mode-specific facts (preflight table rows, release ids, reload kind). */
  facts: Record<string, string>;
  /** Requests made to this server (each one request and its answer), when it was reached. */
  roundTrips?: number;
  /** Of those, the ones the runner waited for (requests sent ahead with another are not). */
  waits?: number;
}

export interface RunReport {
  mode: string;
  ok: boolean;
  status: string;
  hosts: HostReport[];
  ms: number;
  error?: string;
}

/** Plain-text table for the log and the CLI. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function markdownTable(header: string[], rows: string[][]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)
  ].join('\n');
}

/** Rows of facts per host, as key/value columns shared by the log table and the summary. */
export function factRows(report: RunReport, keys: string[]): { header: string[]; rows: string[][] } {
  return {
    header: ['host', ...keys],
    rows: report.hosts.map((h) => [h.host, ...keys.map((k) => h.facts[k] ?? '')])
  };
}

export function stepRows(host: HostReport): string[][] {
  return host.steps.map((s) => [
    s.name,
    `${(s.ms / 1000).toFixed(2)} s`,
    s.ok ? (s.changed === false ? 'unchanged' : 'ok') : 'FAILED',
    s.detail ?? ''
  ]);
}

/** The one line that sums up a server's run: status, wall time, and how many round trips it took. */
export function hostLine(h: HostReport): string {
  const n = h.roundTrips;
  const plural = (k: number): string => (k === 1 ? '' : 's');
  // Requests sent together cost one round trip: then both figures, the second the one that is felt.
  const trips =
    n === undefined
      ? ''
      : h.waits === undefined || h.waits === n
        ? `, ${n} SSH round trip${plural(n)}`
        : `, ${n} SSH requests, ${h.waits} round trip${plural(h.waits)}`;
  return `${h.host}: ${h.status} in ${(h.ms / 1000).toFixed(2)} s${trips}`;
}

export function summaryMarkdown(report: RunReport, factKeys: string[]): string {
  const icon = report.ok ? '✅' : '❌';
  const parts = [`## ${icon} gunicorn-deploy ${report.mode}: ${report.status}`];
  if (report.error) parts.push(`> **${report.error.split('\n')[0]}**`);
  const back = [...rolledBackLines(report), ...databaseLines(report)];
  if (back.length > 0) parts.push(back.map((l) => `> ${l}`).join('\n>\n'));
  if (factKeys.length > 0) {
    const t = factRows(report, factKeys);
    parts.push(markdownTable(t.header, t.rows));
  }
  for (const h of report.hosts) {
    if (h.steps.length === 0) continue;
    parts.push(`### ${hostLine(h)}`);
    if (h.error) parts.push(`> ${h.error.split('\n').join('\n> ')}`);
    parts.push(markdownTable(['step', 'time', 'result', 'detail'], stepRows(h)));
    const backups = backupTable(h);
    if (backups) parts.push(`Backups on ${h.host}, newest first:`, backups);
    const load = loadSummaryMarkdown(h.host, h.facts.load);
    if (load) parts.push(load);
  }
  parts.push(`Total: ${(report.ms / 1000).toFixed(1)} s`);
  return parts.join('\n\n') + '\n';
}

/** Mode backups keeps its list as a fact (JSON): a table of its own in the summary. */
function backupTable(h: HostReport): string | undefined {
  if (!h.facts.backups) return undefined;
  try {
    const list = JSON.parse(h.facts.backups) as {
      id: string;
      time: string;
      size: number;
      takenBy: string;
      integrity: string;
    }[];
    return markdownTable(
      ['id', 'time (UTC)', 'size', 'taken by', 'integrity'],
      list.map((b) => [b.id, b.time, `${b.size} bytes`, b.takenBy, b.integrity])
    );
  } catch {
    return undefined;
  }
}

/** Outputs shared by every mode; the first host's facts are the single-value outputs. */
export function outputsOf(report: RunReport): Record<string, string> {
  const first = report.hosts[0];
  return {
    status: report.status,
    release: first?.facts.release ?? '',
    'previous-release': first?.facts['previous-release'] ?? '',
    'rolled-back': String(report.hosts.some((h) => h.facts['rolled-back'] === 'true')),
    reload: first?.facts.reload ?? '',
    'exit-code': first?.facts['exit-code'] ?? '',
    'duration-ms': String(Math.round(report.ms)),
    'load-ok': first?.facts['load-ok'] ?? '',
    'load-p95-ms': first?.facts['load-p95-ms'] ?? '',
    processes: first?.facts.processes ?? '',
    'safety-backup': first?.facts['safety-backup'] ?? '',
    hosts: JSON.stringify(
      report.hosts.map((h) => ({
        host: h.host,
        ok: h.ok,
        status: h.status,
        ms: Math.round(h.ms),
        error: h.error,
        ...h.facts
      }))
    )
  };
}

export async function writeActionReport(report: RunReport, factKeys: string[]): Promise<void> {
  for (const [k, v] of Object.entries(outputsOf(report))) core.setOutput(k, v);
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(summaryMarkdown(report, factKeys)).write();
  }
}

/** One line per server put back on its previous release in this run. */
export function rolledBackLines(report: RunReport): string[] {
  return report.hosts
    .filter((h) => h.facts['rolled-back'] === 'true')
    .map(
      (h) =>
        `Rolled back: ${h.host} serves release ${h.facts.release ?? '?'} again` +
        (h.facts['failed-release'] ? ` (${h.facts['failed-release']} did not go live)` : '')
    );
}

/** After a rollback that followed a migration: what the database holds and how to restore it. */
export function databaseLines(report: RunReport): string[] {
  return report.hosts
    .filter((h) => h.facts['database-warning'] || h.facts['database-restored'] === 'true')
    .map((h) =>
      h.facts['database-restored'] === 'true'
        ? `Database: ${h.host} has the pre-deploy backup ${h.facts['pre-deploy-backup'] ?? ''} back (no write since the migration)`
        : `Database on ${h.host}: ${h.facts['database-warning']}`
    );
}

/** A failed run as a titled error annotation (shown on the run's page and in the PR checks). */
export function annotateFailure(report: RunReport): void {
  const message = [
    report.error ?? `${report.mode} failed`,
    ...rolledBackLines(report),
    ...databaseLines(report)
  ].join('\n');
  core.error(message, { title: `gunicorn-deploy ${report.mode}: ${report.status}` });
}
