import { jest } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import * as core from '@actions/core';
import { actionLogger, consoleLogger, type Logger } from '../../src/log.js';
import { bufferedLogger } from '../../src/fleet.js';
import { fenceToken, jsonForRunner, LineSplitter } from '../../src/ssh/output.js';
import { annotateFailure, writeActionReport, type RunReport } from '../../src/report.js';
import { wouldLines } from '../../src/provision/shell.js';
import { releaseLeftLocks } from '../../src/steps/lock-cleanup.js';
import { parseSettings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { runnerCommands } from '../support/runner-commands.js';

// Server text must never act as a workflow command, whichever printer carries it to the runner
// (the runner's parsing is modelled in ../support/runner-commands.ts).

const COMMANDS = [
  '::add-mask::INJECTED',
  '::set-output name=status::INJECTED',
  '::stop-commands::INJECTED',
  '::error::INJECTED',
  '::group::INJECTED',
  '::save-state name=isPost::INJECTED',
  '::set-env name=X::INJECTED',
  '##[add-mask]INJECTED',
  '##[set-output name=status;]INJECTED'
];
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

/** Each command as a server could hide it in a line. */
const PAYLOADS = COMMANDS.flatMap((c) => [
  c,
  `   ${c}`,
  `\t${c}`,
  `\u0085${c}`,
  `progress 10%\r${c}`,
  `progress 10%\r  ${c}\rmore`,
  `before\n${c}`,
  `text ${c}`
]);

let written = '';
beforeEach(() => {
  written = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += chunk.toString();
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  // core.setFailed sets it; the test run itself has not failed.
  process.exitCode = 0;
});

/**
 * What the printer made the runner do beyond the printer's own commands (the same call with a
 * harmless text): nothing at all. A sentinel printed afterwards must still work, so no fence may
 * be left open by the server either.
 */
async function effect(print: (text: string) => Promise<void> | void, payload: string): Promise<string[]> {
  const names = (): string[] =>
    runnerCommands(written)
      .filter((c) => c.command !== 'stop-commands')
      .map((c) => `${c.command}:${c.data.includes('INJECTED') ? 'INJECTED' : ''}`);
  written = '';
  await print('harmless text');
  core.notice('SENTINEL');
  const baseline = names();
  written = '';
  await print(payload);
  core.notice('SENTINEL');
  const got = names();
  expect(runnerCommands(written).at(-1)).toEqual({ command: 'notice', data: 'SENTINEL' });
  return got
    .filter((n) => !baseline.includes(n))
    .concat(got.length === baseline.length ? [] : ['count differs']);
}

/** A command's data may quote the payload (an ::error:: does, escaped); its kind may not change. */
function injected(names: string[]): string[] {
  return names.filter(
    (n) => !/^(error|warning|debug|notice|group|endgroup):/.test(n) || n === 'count differs'
  );
}

const printers: [string, (text: string) => Promise<void> | void][] = [
  ['actionLogger.info', (t) => actionLogger.info(t)],
  ['actionLogger.warning', (t) => actionLogger.warning(t)],
  ['actionLogger.error', (t) => actionLogger.error(t)],
  ['actionLogger.debug', (t) => actionLogger.debug(t)],
  ['actionLogger.group', (t) => actionLogger.group('a step', async () => actionLogger.info(t))],
  [
    'bufferedLogger over actionLogger (a fleet)',
    async (t) => {
      const b = bufferedLogger(actionLogger, 'web1');
      b.info(t);
      b.warning(t);
      await b.flush('web1: prepare');
    }
  ],
  [
    'a streamed remote command (LineSplitter inside its fence)',
    (t) => {
      const token = fenceToken();
      actionLogger.info(`::stop-commands::${token}`);
      const lines = new LineSplitter((l) => actionLogger.info(`[web1] ${l}`));
      lines.push(Buffer.from(`${t}\n`));
      lines.flush();
      actionLogger.info(`::${token}::`);
    }
  ],
  [
    'overlapping streams of two servers',
    (t) => {
      const a = fenceToken();
      const b = fenceToken();
      actionLogger.info(`::stop-commands::${a}`);
      actionLogger.info(`[web1] ${t}`);
      actionLogger.info(`::stop-commands::${b}`);
      actionLogger.info(`::${a}::`);
      actionLogger.info(`[web2] ${t}`);
      actionLogger.info(`::${b}::`);
    }
  ],
  [
    'provision dry-run diff lines',
    (t) => {
      for (const l of wouldLines(`would=rewrite /etc/x\ndiff=${t}\ndiff=+${t}`)) actionLogger.info(l);
    }
  ],
  [
    'post step lock cleanup (remote stdout and stderr)',
    async (t) => {
      const settings = parseSettings(
        (n) =>
          ({
            host: 'web1',
            'private-key': KEY,
            'trust-on-first-use': 'true',
            'app-name': 'shop',
            source: '.'
          })[n] ?? ''
      );
      const remote = {
        label: 'web1',
        exec: async () => ({ code: 0, stdout: '', stderr: '', timedOut: false }),
        script: async () => ({ code: 0, stdout: `released=${t}`, stderr: t, timedOut: false }),
        upload: async () => ({ files: 0, bytes: 0, ms: 0 }),
        close: async () => undefined
      } as Remote;
      await releaseLeftLocks(settings, 'run-1', actionLogger, async () => remote);
      await releaseLeftLocks(settings, 'run-1', actionLogger, async () => {
        throw new Error(t);
      });
    }
  ],
  [
    'a failed run: annotation (core.error) and core.setFailed',
    (t) => {
      annotateFailure(report(t));
      core.setFailed(`web1: ${t}`);
    }
  ],
  [
    'the CLI --json line',
    (t) => void process.stdout.write(jsonForRunner({ status: 'failed', error: t }) + '\n')
  ],
  [
    'the CLI logger',
    (t) => {
      const logger: Logger = consoleLogger({
        stream: new Writable({
          write(chunk: Buffer, _enc, cb) {
            written += chunk.toString();
            cb();
          }
        })
      });
      logger.info(t);
      logger.error(t);
      logger.warning(t);
    }
  ]
];

function report(error: string): RunReport {
  return {
    mode: 'deploy',
    ok: false,
    status: 'failed',
    ms: 1,
    error: `web1: ${error}`,
    hosts: [{ host: 'web1', ok: false, status: 'failed', error, steps: [], ms: 1, facts: {} }]
  };
}

describe.each(printers)('%s', (_name, print) => {
  test.each(PAYLOADS.map((p) => [JSON.stringify(p), p]))(
    'server text %s does nothing',
    async (_l, payload) => {
      expect(injected(await effect(print, payload))).toEqual([]);
    }
  );
});

test('the model itself sees each payload as a command when printed bare', () => {
  for (const p of PAYLOADS.filter((p) => !p.startsWith('text ::'))) {
    const cmds = runnerCommands(p);
    expect(cmds.some((c) => c.data.includes('INJECTED'))).toBe(true);
  }
});

test('outputs and state go to their files with a delimiter: a value cannot add a key', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-wc-'));
  const output = path.join(dir, 'output');
  await writeFile(output, '');
  const saved = process.env.GITHUB_OUTPUT;
  process.env.GITHUB_OUTPUT = output;
  try {
    const evil = `x\nstatus<<EOF\nINJECTED\nEOF\n::set-output name=status::INJECTED`;
    await writeActionReport(report(evil), []);
    const text = await readFile(output, 'utf8');
    const keys = [...text.matchAll(/^([^\n<]+)<<(ghadelimiter_[0-9a-f-]+)\n[\s\S]*?\n\2$/gm)].map(
      (m) => m[1]
    );
    expect(keys).toEqual([
      'status',
      'release',
      'previous-release',
      'rolled-back',
      'reload',
      'exit-code',
      'duration-ms',
      'load-ok',
      'load-p95-ms',
      'processes',
      'safety-backup',
      'hosts'
    ]);
    expect(runnerCommands(written)).toEqual([]);
  } finally {
    if (saved === undefined) delete process.env.GITHUB_OUTPUT;
    else process.env.GITHUB_OUTPUT = saved;
  }
});
