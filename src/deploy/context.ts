import type { Logger } from '../log.js';
import type { StepRecord } from '../report.js';
import type { Settings } from '../settings.js';
import type { ExecOptions, ExecResult, Remote } from '../ssh/types.js';
import { DeployError } from '../steps/step.js';
import { appLayout, type AppLayout } from './paths.js';

/** Everything a deploy step needs; steps take this, never inputs or an SSH object. */
export interface DeployContext {
  remote: Remote;
  settings: Settings;
  logger: Logger;
  label: string;
  records: StepRecord[];
  paths: AppLayout;
  facts: Record<string, string>;
  /** Aborted when the run is cancelled; the long waits (health polling, lock waits) observe it. */
  signal?: AbortSignal;
}

/** A host's context with its app's layout: what every step of a mode that touches the app takes. */
export function deployContext<H extends Omit<DeployContext, 'paths'>>(host: H): H & DeployContext {
  return { ...host, paths: appLayout(host.settings) };
}

/** The last lines of a command's output, where the reason for a failure usually is. */
export function lastLines(text: string, n = 20): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-n).join('\n');
}

/**
 * Runs a step's script as root (sudo for a non-root login) and throws a DeployError carrying the
 * output's tail when it fails, so every step reports failures the same way.
 */
export async function runScript(
  ctx: DeployContext,
  what: string,
  script: string,
  opts: ExecOptions & { hint?: string } = {}
): Promise<ExecResult> {
  const res = await ctx.remote.script(script, { sudo: true, ...opts });
  if (res.code !== 0) {
    const output = lastLines([res.stdout, res.stderr].filter((s) => s.trim()).join('\n'));
    throw new DeployError(
      `${what} failed (exit ${res.code}${res.timedOut ? ', timed out' : ''})${output ? `:\n${output}` : ''}`,
      opts.hint
    );
  }
  return res;
}

/** key=value lines a script printed, for steps that report facts back. */
export function parseFacts(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^([a-z_-]+)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}
