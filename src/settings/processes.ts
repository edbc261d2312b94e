import { lstatSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  isGunicornCommand,
  MAX_INSTANCES,
  parseProcfile,
  processCommandProblem,
  type ProcessSpec
} from '../processes/procfile.js';
import type { Mode } from './mode.js';
import type { Inputs, Problems } from './inputs.js';

export interface ProcessSettings {
  /** Long-running processes, from the `processes` input or the source's Procfile. */
  processes: ProcessSpec[];
  /** Where they came from ('input `processes`', 'Procfile' or '' for none), for the log. */
  origin: string;
  /** The release phase: once per deploy, on one server, before any switch ('' for none). */
  releaseCommand: string;
  /**
   * The `rollback-command` input, else a Procfile's `rollback:` ('' for none): joined into
   * deploy.rollbackCommand, so it is remembered with the release like the input.
   */
  rollbackCommand: string;
  /** Said once in the log: a `web:` line that is not Gunicorn is not what runs. */
  webNotice: string;
  /** Said once in the log: an input that wins over a Procfile line (release:, rollback:). */
  procfileNotices: string[];
  /** SIGTERM to SIGKILL for a process (TimeoutStopSec), milliseconds. */
  stopTimeoutMs: number;
  /** How long each restarted process must stay up before the deploy counts it started. */
  settleMs: number;
}

/** A Procfile larger than this is not a Procfile. */
const MAX_PROCFILE = 64 * 1024;

/**
 * The source's Procfile, read on the runner before any connection: a regular file only (a link
 * could name any file of the runner), '' when there is none.
 */
function readProcfile(source: string, problems: Problems): string {
  const file = path.join(source, 'Procfile');
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return '';
  }
  if (!st.isFile() || st.size > MAX_PROCFILE) {
    problems.push(
      `Procfile: ${file} must be a regular file of at most 64 KiB (set input \`processes\` instead)`
    );
    return '';
  }
  return readFileSync(file, 'utf8');
}

/**
 * `processes` (or the source's Procfile), `process-instances`, `release-command`, `stop-timeout`,
 * `process-settle`. The Procfile is read only by the modes that deploy a release from the source.
 */
export function parseProcessSettings(
  read: Inputs,
  problems: Problems,
  mode: Mode,
  source: string
): ProcessSettings {
  const given = read.text('processes');
  const fromSource = given === '' && (mode === 'deploy' || mode === 'provision');
  const text = given !== '' ? read('processes') : fromSource ? readProcfile(source, problems) : '';
  const origin = given !== '' ? 'input `processes`' : text !== '' ? 'Procfile' : '';
  const parsed = parseProcfile(text, origin);
  problems.push(...parsed.problems);
  for (const item of read.list('process-instances', /[\s,]+/)) {
    const m = /^([a-z][a-z0-9-]*)=(\d+)$/.exec(item);
    const proc = m ? parsed.processes.find((p) => p.name === m[1]) : undefined;
    const n = m ? Number(m[2]) : 0;
    if (!m || n < 1 || n > MAX_INSTANCES)
      read.check('process-instances', `'${item}' must be NAME=N, N from 1 to ${MAX_INSTANCES}`);
    else if (!proc)
      read.check(
        'process-instances',
        `'${m[1]}' is not a process of ${origin || 'the app (no Procfile, no input `processes`)'}`
      );
    else proc.instances = n;
  }
  const releaseInput = read.text('release-command');
  if (releaseInput !== '') read.check('release-command', processCommandProblem(releaseInput));
  const web = parsed.web;
  const rollbackInput = read.text('rollback-command');
  // The input wins over the Procfile's line, the same rule for both; said when both are there.
  const wins = (input: string, line: string, name: string): string =>
    input && line && input !== line
      ? `input \`${name}-command\` wins over '${name}: ${line.slice(0, 60)}' in ${origin}`
      : '';
  return {
    processes: parsed.processes,
    origin,
    releaseCommand: releaseInput || parsed.release,
    rollbackCommand: rollbackInput || parsed.rollback,
    procfileNotices: [
      wins(releaseInput, parsed.release, 'release'),
      wins(rollbackInput, parsed.rollback, 'rollback')
    ].filter((n) => n),
    webNotice:
      web && !isGunicornCommand(web)
        ? `${origin}: 'web: ${web.slice(0, 80)}' is not a Gunicorn command; the web process is Gunicorn as this tool runs it (wsgi-app), the line is ignored`
        : '',
    stopTimeoutMs: read.duration('stop-timeout'),
    settleMs: read.duration('process-settle')
  };
}
