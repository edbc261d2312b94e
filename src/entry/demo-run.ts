import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { consoleLogger } from '../log.js';
import { parseSettings } from '../settings.js';
import { runEngine } from '../engine.js';
import { formatTable, stepRows, type RunReport } from '../report.js';
import { actionRoot } from '../action-root.js';
import { sandboxDown, sandboxList, sandboxUp } from '../sandbox/index.js';

const say = (line = ''): void => void process.stdout.write(line + '\n');

function show(title: string, report: RunReport): void {
  const h = report.hosts[0]!;
  say(`\n### ${title}: ${report.status} in ${(report.ms / 1000).toFixed(1)} s`);
  say(formatTable(['step', 'time', 'result', 'detail'], stepRows(h)));
  say(
    `release ${h.facts.release ?? '-'} (previous ${h.facts['previous-release'] || '-'}), reload ${h.facts.reload ?? '-'}`
  );
  if (report.error) say(`why: ${report.error.split('\n')[0]}`);
}

/**
 * The main job on the built-in sandbox: a real Debian server, a first deploy of the example app, a
 * code change (graceful HUP), then a broken change refused before the switch (its candidate boot).
 */
export async function runDemo(argv: string[] = []): Promise<number> {
  const keep = argv.includes('--keep');
  const name = 'demo';
  if ((await sandboxList()).some((s) => s.name === name)) await sandboxDown({ name });
  say('Booting a sandbox server (Debian with systemd, sshd, Gunicorn, nginx) ...');
  const server = await sandboxUp({ name, log: (l) => process.stderr.write(`  ${l}\n`) });
  say(
    `Server ${server.name} at ${server.host}; its host key, read from its own disk, is pinned as known-hosts.`
  );
  const app = await mkdtemp(path.join(os.tmpdir(), 'gd-demo-'));
  await cp(path.join(actionRoot(), 'examples', 'flask-app'), app, { recursive: true });
  const key = await readFile(server.privateKeyPath, 'utf8');
  const inputs: Record<string, string> = {
    host: server.host,
    user: server.user,
    'private-key': key,
    'known-hosts': server.knownHosts,
    'app-name': 'demo',
    source: app,
    'venv-system-site-packages': 'true',
    'pip-args': '--no-index',
    'sqlite-db': 'instance/app.db',
    'health-timeout': '8s'
  };
  const logger = consoleLogger({ stream: process.stderr });
  const run = async (over: Record<string, string>): Promise<RunReport> => {
    const all = { ...inputs, ...over };
    return (
      await runEngine(
        parseSettings((n) => all[n] ?? ''),
        { logger }
      )
    ).report;
  };
  let failed = false;
  try {
    const first = await run({ commit: '1111111' });
    show('1. First deploy of examples/flask-app', first);
    await writeFile(
      path.join(app, 'app.py'),
      (await readFile(path.join(app, 'app.py'), 'utf8')) + '\n# a code change\n'
    );
    const second = await run({ commit: '2222222' });
    show('2. A code change (same venv: graceful HUP)', second);
    await writeFile(
      path.join(app, 'app.py'),
      (await readFile(path.join(app, 'app.py'), 'utf8')) +
        '\n@app.before_request\ndef _broken():\n    if request.path == "/health":\n        return "broken on purpose", 500\n'
    );
    const third = await run({ commit: '3333333' });
    show('3. A broken change (/health answers 500): refused before the switch, never served', third);
    const refused = third.hosts[0]?.steps.find((st) => st.name === 'candidate')?.ok === false;
    failed = !first.ok || !second.ok || third.ok || !refused;
    say(`\nThe app is serving release ${third.hosts[0]?.facts.release}; nothing was lost.`);
  } finally {
    if (keep) {
      say(`\nThe server keeps running: ssh -i ${server.privateKeyPath} ${server.user}@${server.host}`);
      say('Stop it with: npx gunicorn-deploy sandbox down --name demo');
    } else {
      await sandboxDown({ name });
      say('\nSandbox stopped (run with --keep to look around first).');
    }
  }
  return failed ? 1 : 0;
}
