import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { parseSettings } from '../../src/settings.js';
import { runEngine } from '../../src/engine.js';
import { consoleLogger, memoryLogger } from '../../src/log.js';
import type { RunReport } from '../../src/report.js';
import { shQuote } from '../../src/ssh/quote.js';

const run = promisify(execFile);
export const EXAMPLE_APP = path.resolve('examples/flask-app');

/** Runs a shell command on the server over the system ssh client (host key checked), as root. */
export async function onServer(server: SandboxServer, command: string, timeoutMs = 120_000): Promise<string> {
  const known = path.join(os.tmpdir(), `known-${server.name}`);
  await writeFile(known, server.knownHosts + '\n');
  const { stdout } = await run(
    'ssh',
    [
      '-i',
      server.privateKeyPath,
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${known}`,
      '-o',
      'LogLevel=ERROR',
      `${server.user}@${server.host}`,
      `sudo -n bash -c ${shQuote(command)}`
    ],
    { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }
  );
  return stdout;
}

/** A private copy of the example app that a test may change. */
export async function appCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-app-'));
  await cp(EXAMPLE_APP, dir, { recursive: true });
  return dir;
}

export async function editFile(dir: string, file: string, edit: (text: string) => string): Promise<void> {
  const p = path.join(dir, file);
  await writeFile(p, edit(await readFile(p, 'utf8')));
}

/** Inputs for a deploy of the example app to a sandbox: offline pip over Debian's packages. */
export function inputsFor(
  server: SandboxServer,
  source: string,
  over: Record<string, string> = {}
): Record<string, string> {
  return {
    host: server.host,
    user: server.user,
    'known-hosts': server.knownHosts,
    'app-name': 'shop',
    source,
    'venv-system-site-packages': 'true',
    'pip-args': '--no-index',
    'sqlite-db': 'instance/app.db',
    'health-timeout': '20s',
    'lock-timeout': '30s',
    ...over
  };
}

export async function deploy(
  server: SandboxServer,
  source: string,
  over: Record<string, string> = {}
): Promise<{ report: RunReport; lines: string[] }> {
  const key = await readFile(server.privateKeyPath, 'utf8');
  const inputs: Record<string, string> = { 'private-key': key, ...inputsFor(server, source, over) };
  const settings = parseSettings((n) => inputs[n] ?? '');
  const logger = testLogger();
  const { report } = await runEngine(settings, { logger });
  return { report, lines: logger.lines };
}

/** Collects lines for assertions; with GD_TEST_LOG set, also prints them as they come. */
export function testLogger(): ReturnType<typeof memoryLogger> {
  const mem = memoryLogger();
  if (!process.env.GD_TEST_LOG) return mem;
  const con = consoleLogger({ verbose: true });
  return {
    ...mem,
    info: (m) => (mem.info(m), con.info(m)),
    warning: (m) => (mem.warning(m), con.warning(m)),
    error: (m) => (mem.error(m), con.error(m)),
    debug: (m) => con.debug(m),
    group: (name, fn) => (con.info(`== ${name}`), mem.group(name, fn))
  };
}

/** GET a path through the app's socket on the server; returns status and parsed JSON body. */
export async function getJson(
  server: SandboxServer,
  urlPath: string,
  app = 'shop'
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const out = await onServer(
    server,
    `curl -sS -o /tmp/body -w '%{http_code}' --unix-socket /run/${app}/gunicorn.sock 'http://localhost${urlPath}'; echo; cat /tmp/body`
  );
  const [code, ...rest] = out.split('\n');
  const text = rest.join('\n');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: Number(code), body };
}

/** Starts the load loop on the server; stop() ends it and returns its counts. */
export async function startLoad(
  server: SandboxServer,
  opts: {
    app?: string;
    /** Any unix socket on the server; default /run/APP/gunicorn.sock. */
    socket?: string;
    path?: string;
    clients?: number;
    seconds?: number;
    ok?: number;
  } = {}
): Promise<{ stop: () => Promise<LoadResult> }> {
  const socket = opts.socket ?? `/run/${opts.app ?? 'shop'}/gunicorn.sock`;
  const id = Math.random().toString(36).slice(2, 8);
  const script = await readFile(path.resolve('__tests__/support/loadgen.py'), 'utf8');
  const b64 = Buffer.from(script).toString('base64');
  await onServer(
    server,
    `echo ${b64} | base64 -d > /tmp/loadgen.py; rm -f /tmp/load-${id}.*; ` +
      `nohup python3 /tmp/loadgen.py --unix ${shQuote(socket)} --path ${shQuote(opts.path ?? '/health')} --ok ${opts.ok ?? 200} ` +
      `--clients ${opts.clients ?? 20} --seconds ${opts.seconds ?? 300} --stop-file /tmp/load-${id}.stop ` +
      `--ready-file /tmp/load-${id}.ready > /tmp/load-${id}.json 2>/tmp/load-${id}.err < /dev/null & ` +
      `for i in $(seq 100); do [ -f /tmp/load-${id}.ready ] && break; sleep 0.05; done`
  );
  return {
    async stop(): Promise<LoadResult> {
      const out = await onServer(
        server,
        `touch /tmp/load-${id}.stop; for i in $(seq 600); do [ -s /tmp/load-${id}.json ] && break; sleep 0.1; done; cat /tmp/load-${id}.json /tmp/load-${id}.err`
      );
      return JSON.parse(out.split('\n')[0]!) as LoadResult;
    }
  };
}

export interface LoadResult {
  total: number;
  ok: number;
  failed: number;
  by_status: Record<string, number>;
  errors: Record<string, number>;
  releases: Record<string, number>;
  p50_ms: number;
  max_ms: number;
}
