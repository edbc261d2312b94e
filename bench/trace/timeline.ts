/**
 * The critical path of one code-only deploy on one clock: the runner's events (runner-trace.mjs:
 * process start, TCP connect, each chunk sent and received, the log's step lines, exit) merged with
 * the server's (server-trace.py: processes that started and ended), as ms from the process start.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { onServer } from '../../__tests__/support/deploy.js';

export const RUNNER_TRACE = path.resolve('bench/trace/runner-trace.mjs');

/** Starts the server's process sampler; stop() returns its events. */
export async function traceServer(server: SandboxServer): Promise<{ stop: () => Promise<ServerEvent[]> }> {
  const script = Buffer.from(await readFile(path.resolve('bench/trace/server-trace.py'))).toString('base64');
  await onServer(
    server,
    `echo ${script} | base64 -d > /tmp/server-trace.py; rm -f /tmp/trace.stop /tmp/trace.jsonl
nohup python3 /tmp/server-trace.py /tmp/trace.stop > /tmp/trace.jsonl 2>/tmp/trace.err < /dev/null &
sleep 0.3`
  );
  return {
    async stop() {
      const out = await onServer(
        server,
        `touch /tmp/trace.stop; for i in $(seq 100); do [ -s /tmp/trace.jsonl ] && break; sleep 0.05; done; sleep 0.2; cat /tmp/trace.jsonl`
      );
      return out
        .split('\n')
        .filter((l) => l.startsWith('['))
        .map((l) => JSON.parse(l) as ServerEvent);
    }
  };
}

/** [epoch ms, 'start' | 'end', pid, ppid, command line] */
export type ServerEvent = [number, string, number, number, string];
/** [epoch ms, kind, detail] */
export type RunnerEvent = [number, string, string];

/** What on the server is worth a line: the deploy's own processes, not the sampler's neighbours. */
const INTERESTING = /gunicorn|systemctl|systemd-run|curl|sqlite3|python|tar |sudo|sshd: .*@|flock|journalctl/;

/** One line per event, as ms from the process start; bursts of rx/tx within 2 ms folded. */
export function timeline(
  runner: { start: number; events: RunnerEvent[] },
  server: ServerEvent[]
): string[][] {
  const rows: [number, string, string][] = [];
  let last = '';
  let lastT = -1;
  let count = 0;
  for (const [t, kind, detail] of runner.events) {
    if (kind === 'rx' || kind === 'tx') {
      if (kind === last && t - lastT < 2) {
        count += Number(detail);
        rows[rows.length - 1]![2] = `${count} bytes`;
        lastT = t;
        continue;
      }
      count = Number(detail);
      rows.push([t, `runner ${kind === 'rx' ? '<-' : '->'}`, `${count} bytes`]);
    } else if (
      kind !== 'log' ||
      /::group::|::endgroup::|round trip|deployed|: (done|unchanged) in/.test(detail)
    ) {
      if (kind !== 'log' || !detail.startsWith('::endgroup'))
        rows.push([t, 'runner', `${kind} ${detail}`.trim()]);
    }
    last = kind;
    lastT = t;
  }
  const pids = new Set<number>();
  for (const [t, what, pid, ppid, cmd] of server) {
    if (!INTERESTING.test(cmd) || /server-trace|loadgen/.test(cmd)) continue;
    pids.add(pid);
    rows.push([
      t,
      'server',
      // One line per process: a script's text folded, its start is enough to tell which it is.
      `${what} ${pid} (parent ${ppid}${pids.has(ppid) ? '*' : ''}) ${cmd.replace(/\s+/g, ' ').slice(0, 110)}`
    ]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  return rows.map(([t, where, what]) => [(t - runner.start).toFixed(1), where, what]);
}
