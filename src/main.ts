import * as core from '@actions/core';
import { actionLogger } from './log.js';
import { parseSettings } from './settings.js';
import { runEngine } from './engine.js';
import { formatTable, factRows, writeActionReport } from './report.js';
import { runId } from './steps/lock.js';

/** Inputs whose values must be masked before anything at all can print them. */
const SECRET_INPUTS = ['private-key', 'passphrase'];

/** An input as the runner passes it; commit and ref default to the workflow's own. */
export function readInput(name: string): string {
  const v = core.getInput(name);
  if (v) return v;
  if (name === 'commit') return process.env.GITHUB_SHA ?? '';
  if (name === 'ref') return process.env.GITHUB_REF ?? '';
  return '';
}

/** The action's main step: inputs -> settings -> engine -> outputs and summary. */
export async function main(): Promise<void> {
  core.saveState('isPost', 'true');
  for (const name of SECRET_INPUTS) {
    const v = core.getInput(name);
    if (!v) continue;
    core.setSecret(v);
    for (const line of v.split(/\r?\n/)) if (line.trim().length >= 8 && line !== v) core.setSecret(line);
  }
  for (const line of core.getInput('env').split(/\r?\n/)) {
    const value = line.slice(line.indexOf('=') + 1);
    if (line.includes('=') && value.trim()) core.setSecret(value);
  }
  let settings;
  try {
    settings = parseSettings(readInput);
  } catch (err) {
    core.setOutput('status', 'failed');
    core.setFailed(err instanceof Error ? err.message : String(err));
    return;
  }
  // Saved before any lock can be taken: if this run is cancelled, the post step knows its id.
  core.saveState('run', runId());
  const { report, factKeys } = await runEngine(settings, { logger: actionLogger });
  core.saveState('finished', 'true');
  if (factKeys.length > 0) {
    const t = factRows(report, factKeys);
    core.info(formatTable(t.header, t.rows));
  }
  await writeActionReport(report, factKeys);
  if (!report.ok) core.setFailed(report.error ?? `${report.mode} failed`);
}
