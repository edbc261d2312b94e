import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { appKindPython, mismatchAdvice } from '../../src/steps/app-kind.js';
import { parseCandidate } from '../../src/steps/candidate.js';
import { parseSettings } from '../../src/settings.js';

const run = promisify(execFile);
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

/** The marker files mark_app_kind leaves for an app (Python source defining `app`) and a worker module. */
async function marks(appSource: string, workerModule: string): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kind-'));
  try {
    const code = `${appKindPython()}
${appSource}
Worker = type("UvicornWorker", (), {"__module__": ${JSON.stringify(workerModule)}})
w = Worker()
w.wsgi = app
mark_app_kind(w, ${JSON.stringify(dir)})
`;
    await run('python3', ['-c', code]);
    return readdirSync(dir).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ASGI = `class App:
    async def __call__(self, scope, receive, send):
        pass
app = App()`;
const WSGI = `def app(environ, start_response):
    return []`;
const DJANGO_ASGI = `class ASGIHandler:
    __module__ = "django.core.handlers.asgi"
    async def __call__(self, scope, receive, send):
        pass
app = ASGIHandler()`;

describe('the candidate tells an app its worker class cannot call', () => {
  test.each([
    [ASGI, 'gunicorn.workers.sync', ['class-gunicorn.workers.sync', 'mismatch-asgi']],
    [ASGI, 'gunicorn.workers.gthread', ['class-gunicorn.workers.gthread', 'mismatch-asgi']],
    [ASGI, 'uvicorn.workers', ['class-uvicorn.workers']],
    [ASGI, 'uvicorn_worker', ['class-uvicorn_worker']],
    [WSGI, 'gunicorn.workers.sync', ['class-gunicorn.workers.sync']],
    [WSGI, 'uvicorn.workers', ['class-uvicorn.workers', 'mismatch-wsgi']],
    [DJANGO_ASGI, 'gunicorn.workers.sync', ['class-gunicorn.workers.sync', 'mismatch-asgi-django']],
    // Neither kind for sure (three plain parameters): never a false refusal.
    ['def app(a, b, c):\n    pass', 'uvicorn.workers', ['class-uvicorn.workers']]
  ])('%#', async (source, module, expected) => {
    expect(await marks(source, module)).toEqual(expected);
  });

  test('a real Flask app is WSGI', async () => {
    expect(await marks('import flask\napp = flask.Flask("x")', 'uvicorn.workers')).toContain('mismatch-wsgi');
  });

  test('one line saying what to set, Django with its other entry point', () => {
    const s = (over: Record<string, string>) =>
      parseSettings(
        (n) =>
          ({ host: 'h', 'app-name': 'shop', 'private-key': KEY, 'trust-on-first-use': 'true', ...over })[n] ??
          ''
      ).deploy;
    expect(mismatchAdvice('asgi', s({ 'wsgi-app': 'main:app' }))).toBe(
      "main:app is an ASGI app (async, like FastAPI or Starlette), which Gunicorn's sync worker cannot call: set `worker-class: uvicorn`"
    );
    expect(mismatchAdvice('asgi-django', s({ 'wsgi-app': 'mysite.asgi:application' }))).toMatch(
      /set `wsgi-app: mysite.wsgi:application`, or `worker-class: uvicorn`/
    );
    expect(
      mismatchAdvice('wsgi-django', s({ 'wsgi-app': 'mysite.wsgi:application', 'worker-class': 'uvicorn' }))
    ).toMatch(/set `wsgi-app: mysite.asgi:application` for uvicorn/);
  });

  test('the facts: only the known kinds and modules are believed', () => {
    expect(parseCandidate('candidate=refused\nmismatch=asgi\n').mismatch).toBe('asgi');
    expect(parseCandidate('candidate=refused\nmismatch=evil\n').mismatch).toBeUndefined();
    expect(parseCandidate('candidate=ok\nworker_module=uvicorn.workers\n').workerModule).toBe(
      'uvicorn.workers'
    );
    expect(parseCandidate('candidate=ok\nworker_module=x\n').workerModule).toBeUndefined();
  });
});
