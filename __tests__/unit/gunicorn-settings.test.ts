import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseSettings, SettingsError } from '../../src/settings.js';
import { renderTemplate, templateVars } from '../../src/render.js';
import { gunicornInput } from '../../src/render/gunicorn-vars.js';

const run = promisify(execFile);
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function reader(over: Record<string, string>): (n: string) => string {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'host-fingerprint': 'SHA256:' + 'A'.repeat(43),
    ...over
  };
  return (n) => all[n] ?? '';
}

function problems(over: Record<string, string>): string[] {
  try {
    parseSettings(reader(over));
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
}

function conf(over: Record<string, string>): string {
  const g = parseSettings(reader(over)).deploy.gunicorn;
  return renderTemplate('gunicorn.conf.py', templateVars({ app: 'shop', ...gunicornInput(g) }));
}

/** The settings a rendered config gives Gunicorn, as Python reads the file. */
async function pyRead(text: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gset-'));
  try {
    writeFileSync(path.join(dir, 'gunicorn.conf.py'), text);
    const code =
      'import json, runpy, sys; d = runpy.run_path(sys.argv[1]); ' +
      "print(json.dumps({k: v for k, v in d.items() if not k.startswith('_') and not callable(v)}))";
    const { stdout } = await run('python3', ['-c', code, path.join(dir, 'gunicorn.conf.py')]);
    return JSON.parse(stdout) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Gunicorn settings inputs', () => {
  test('defaults: sync, one thread, workers never recycled', () => {
    const g = parseSettings(reader({})).deploy.gunicorn;
    expect(g).toMatchObject({
      workerClass: 'sync',
      threads: 1,
      timeout: 60,
      gracefulTimeout: 30,
      maxRequests: 0
    });
    expect(g.maxRequestsJitter).toBe(0);
  });

  test('gthread with threads and max-requests; the jitter defaults to a tenth', async () => {
    const d = await pyRead(conf({ 'worker-class': 'gthread', threads: '4', 'max-requests': '1000' }));
    expect(d).toMatchObject({
      worker_class: 'gthread',
      threads: 4,
      max_requests: 1000,
      max_requests_jitter: 100
    });
    const g = parseSettings(reader({ 'worker-class': 'gthread' })).deploy.gunicorn;
    expect(g.threads).toBe(4);
  });

  test('uvicorn: the class is chosen on the server, uvicorn_worker first', async () => {
    const text = conf({ 'worker-class': 'uvicorn', timeout: '90', 'graceful-timeout': '10' });
    const d = await pyRead(text);
    expect(['uvicorn_worker.UvicornWorker', 'uvicorn.workers.UvicornWorker']).toContain(d.worker_class);
    expect(d).toMatchObject({ timeout: 90, graceful_timeout: 10 });
    expect(d.threads).toBeUndefined();
    // uvicorn's shutdown waits for requests already accepted (the post_fork patch).
    expect(text).toMatch(/^def post_fork\(server, worker\):$/m);
    // nginx keeps WebSockets and event streams open for an hour.
    const site = renderTemplate(
      'nginx/site.conf',
      templateVars({ app: 'shop', gunicorn: { workerClass: 'uvicorn' } })
    );
    expect(site).toMatch(/proxy_read_timeout 3600s;/);
  });

  test('gunicorn-settings lines become Python literals', async () => {
    const d = await pyRead(
      conf({
        'gunicorn-settings':
          'backlog = 2048\nloglevel = "debug"\n# a comment\nsendfile = false\nstatsd-host = localhost:8125'
      })
    );
    expect(d).toMatchObject({
      backlog: 2048,
      loglevel: 'debug',
      sendfile: false,
      statsd_host: 'localhost:8125'
    });
  });

  test.each([
    ['worker-class', 'gevent', /input `worker-class`: gevent is not supported yet/],
    ['worker-class', 'uvicorn.workers.UvicornWorker', /write uvicorn/],
    ['worker-class', 'tornado', /must be sync, gthread \(threads\) or uvicorn/],
    [
      'gunicorn-settings',
      'bind = 0.0.0.0:8000',
      /input `gunicorn-settings`: bind is refused: this tool owns it: the sockets come from APP.socket/
    ],
    ['gunicorn-settings', 'preload_app = true', /preload_app is refused/],
    ['gunicorn-settings', 'post_fork = x', /server hooks are Python functions/],
    ['gunicorn-settings', 'workers = 9', /use the input `workers`/],
    ['gunicorn-settings', 'max_request = 9', /max_request is not a Gunicorn setting/],
    ['gunicorn-settings', 'backlog', /must be lines of name = value/],
    ['gunicorn-settings', "loglevel = __import__('os')", /the value must be a number/],
    ['gunicorn-settings', 'backlog = 1\nbacklog = 2', /backlog is set twice/],
    ['max-requests', '-1', /input `max-requests`: must be a whole number/],
    ['timeout', '0', /input `timeout`: must be a whole number from 1 to 3600/]
  ])('%s: %s is refused before any connection', (name, value, re) => {
    expect(problems({ [name]: value }).join('\n')).toMatch(re);
  });

  test('threads need gthread; a jitter needs max-requests', () => {
    expect(problems({ threads: '4' }).join('\n')).toMatch(
      /input `threads`: applies to worker-class: gthread only \(worker-class is sync\)/
    );
    expect(problems({ 'worker-class': 'uvicorn', threads: '2' }).join('\n')).toMatch(/event loop/);
    expect(problems({ 'max-requests-jitter': '50' }).join('\n')).toMatch(/needs max-requests/);
    expect(problems({ threads: '1' })).toEqual([]);
  });
});

describe('the worker class is remembered with the deploy', () => {
  test('written, and read back only for a run that does not give it', async () => {
    const { rememberedOf, withRemembered } = await import('../../src/deploy/remembered.js');
    const deployed = parseSettings(reader({ 'worker-class': 'uvicorn' }));
    const json = JSON.stringify(rememberedOf(deployed));
    expect(JSON.parse(json)['worker-class']).toBe('uvicorn');
    expect(withRemembered(parseSettings(reader({})), json).deploy.gunicorn.workerClass).toBe('uvicorn');
    const given = parseSettings(reader({ 'worker-class': 'gthread' }));
    expect(withRemembered(given, json).deploy.gunicorn.workerClass).toBe('gthread');
    // A value that is not a worker class stops the run naming it: never a silent default.
    const bad = JSON.stringify({ 'worker-class': 'gevent' });
    expect(() => withRemembered(parseSettings(reader({})), bad)).toThrow(/`worker-class`: gevent/);
  });
});
