/**
 * The quick-update script teams write before they adopt a deploy tool, as the speed bench's
 * yardstick: rsync the tree over the live code, `pip install -r requirements.txt` into the venv,
 * `systemctl reload` (Gunicorn's HUP) or `restart`, then wait until the new version answers. No
 * release, no candidate, no proof of the workers, no rollback. Its Gunicorn runs the same number of
 * workers as ours, on a plain unix socket (no socket unit: a restart refuses connections).
 */
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SandboxServer } from '../src/sandbox/index.js';
import { shQuote } from '../src/ssh/quote.js';
import { onServer } from '../__tests__/support/deploy.js';
import { run, sshOptions } from './support.js';

export const QUICK_SOCKET = '/run/seed/seed.sock';
export type QuickKind = 'reload' | 'restart';

/**
 * The quick update's service: a venv (Debian's Flask and Gunicorn through its system site
 * packages: no PyPI here) and a unit whose reload is Gunicorn's HUP, `workers` as ours has.
 */
export async function installQuickUpdate(server: SandboxServer, workers: number): Promise<void> {
  const u = shQuote(server.user);
  await onServer(
    server,
    `set -euo pipefail
id -u seed >/dev/null 2>&1 || useradd --system --home-dir /srv/seed --shell /usr/sbin/nologin seed
install -d -o ${u} -g ${u} /srv/seed /srv/seed/app
install -d -o seed -g seed /srv/seed/instance
[ -x /srv/seed/venv/bin/python ] || runuser -u ${u} -- python3 -m venv --system-site-packages /srv/seed/venv
cat > /etc/systemd/system/seed.service <<EOF
[Unit]
Description=quick update baseline
StartLimitIntervalSec=0
[Service]
Type=simple
User=seed
Group=seed
RuntimeDirectory=seed
Environment=INSTANCE_PATH=/srv/seed/instance FLASK_DEBUG=0
WorkingDirectory=/srv/seed/app
ExecStart=/srv/seed/venv/bin/python -m gunicorn --workers ${workers} --bind unix:${QUICK_SOCKET} app:app
ExecReload=/bin/kill -HUP \\$MAINPID
EOF
systemctl daemon-reload`,
    600_000
  );
}

/** How many workers the deployed app's Gunicorn config asks for. */
export async function appWorkers(server: SandboxServer, app: string): Promise<number> {
  const out = await onServer(server, `awk '$1 == "workers" {print $3}' /etc/${app}/gunicorn.conf.py`);
  return Number(out.trim()) || 3;
}

/**
 * One quick update, timed from the runner as the script would run: the new version is marked in
 * REVISION (which the example app's /health reports), so the wait ends when that version answers.
 */
export async function quickRound(
  server: SandboxServer,
  source: string,
  kind: QuickKind,
  version: string
): Promise<number> {
  await writeFile(path.join(source, 'REVISION'), `release=${version}\n`);
  let served = true;
  const opts = await sshOptions(server);
  const ssh = ['ssh', ...opts].map(shQuote).join(' ');
  const t0 = performance.now();
  try {
    await run('rsync', [
      '-a',
      '--delete',
      '--exclude',
      '.git',
      '-e',
      ssh,
      `${source}/`,
      `${server.user}@${server.host}:/srv/seed/app/`
    ]);
    const url = 'http://localhost/health';
    await run('ssh', [
      ...opts,
      `${server.user}@${server.host}`,
      `set -e
/srv/seed/venv/bin/pip install -q --disable-pip-version-check -r /srv/seed/app/requirements.txt
sudo -n systemctl ${kind === 'reload' ? 'reload-or-restart' : 'restart'} seed.service
# A deadline, not a count of polls: on a loaded machine one poll can take seconds.
end=$((SECONDS + ${QUICK_DEADLINE_S}))
while [ "$SECONDS" -lt "$end" ]; do
  curl -s -m 5 --unix-socket ${QUICK_SOCKET} ${url} 2>/dev/null | grep -qF ${shQuote(version)} && exit 0
  sleep 0.05
done
echo "version ${version} never answered within ${QUICK_DEADLINE_S} s" >&2
# The one-liner's failure, counted by the caller: the seed restarted so the next round starts clean.
sudo -n systemctl restart seed.service
exit ${NEVER_SERVED}`
    ]).catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== NEVER_SERVED) throw err;
      served = false;
    });
  } finally {
    // Ours writes its own REVISION: the tree goes back to what it was.
    await rm(path.join(source, 'REVISION'), { force: true });
  }
  // A round whose new version never answered: NaN, which the caller counts and leaves out.
  return served ? performance.now() - t0 : NaN;
}

/** How long a quick update's round waits for its new version before it counts as never served. */
const QUICK_DEADLINE_S = 90;
const NEVER_SERVED = 7;
