import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { shQuote } from '../../src/ssh/quote.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, getJson, onServer } from '../support/deploy.js';
import { debianWheels } from '../support/wheels.js';

// Repository content is never handled by root, secrets never reach a command line, and a full
// disk leaves nothing half-built behind: each test here failed on the version before the build user.
let server: SandboxServer;
let app: string;
let good: string;

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  const first = await deploy(server, app, { commit: '1'.repeat(40) });
  expect(first.report.error).toBeUndefined();
  good = first.report.hosts[0]!.facts.release!;
}, 240_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

async function serving(appName = 'shop'): Promise<string> {
  const h = await getJson(server, '/health', appName);
  expect(h.status).toBe(200);
  return h.body.release as string;
}

/** Runs a command as root on the server with `input` on its stdin: a secret never in a command line. */
function onServerWithInput(command: string, input: string): Promise<string> {
  const known = path.join(os.tmpdir(), `known-${server.name}`);
  return new Promise((resolve, reject) => {
    const ssh = spawn('ssh', [
      '-i',
      server.privateKeyPath,
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      `UserKnownHostsFile=${known}`,
      '-o',
      'LogLevel=ERROR',
      `${server.user}@${server.host}`,
      `sudo -n sh -c ${shQuote(command)}`
    ]);
    let out = '';
    let err = '';
    ssh.stdout.on('data', (c: Buffer) => (out += c.toString()));
    ssh.stderr.on('data', (c: Buffer) => (err += c.toString()));
    ssh.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`ssh exit ${code}: ${err}`))));
    ssh.stdin.end(input);
  });
}

/** The secret as it reads in any base64 text, whatever its offset there (3 alignments). */
function base64Forms(secret: string): string[] {
  return [0, 1, 2].map((pad) => {
    const b = Buffer.from('x'.repeat(pad) + secret).toString('base64');
    // Drop the characters shared with the padding before it and the partial group after it.
    const start = Math.ceil((pad * 4) / 3);
    const end = Math.floor(((pad + secret.length) * 4) / 3);
    return b.slice(start, end);
  });
}

test('a REVISION and a manifest committed as links to /etc/issue are replaced, never written through', async () => {
  const issueBefore = await onServer(server, 'sha256sum /etc/issue');
  const dir = await appCopy();
  await symlink('/etc/issue', path.join(dir, 'REVISION'));
  await symlink('/etc/issue', path.join(dir, '.gunicorn-deploy-manifest'));
  // A shared path shipped as a link is replaced by the link to shared/ too.
  await symlink('/etc', path.join(dir, 'instance'));
  // A delta (from the release serving) and a full upload take different paths into the release.
  for (const over of [{}, { 'full-upload': 'true' }] as Record<string, string>[]) {
    const { report } = await deploy(server, dir, { commit: '3'.repeat(40), ...over });
    expect(report.error).toBeUndefined();
    const release = report.hosts[0]!.facts.release!;
    expect(await onServer(server, 'sha256sum /etc/issue')).toBe(issueBefore);
    const rel = `/srv/shop/releases/${release}`;
    // The tool's own files took the links' place: regular files, the build user's.
    expect(await onServer(server, `stat -c '%F %U' ${rel}/REVISION ${rel}/.gunicorn-deploy-manifest`)).toBe(
      'regular file shop-build\nregular file shop-build\n'
    );
    expect(await onServer(server, `cat ${rel}/REVISION`)).toContain(`release=${release}`);
    expect(await onServer(server, `readlink ${rel}/instance; stat -c %U ${rel}/instance`)).toBe(
      '/srv/shop/shared/instance\nshop-build\n'
    );
    expect(await serving()).toBe(release);
    good = release;
  }
});

test("the candidate's list of libraries is read as the app's user: a link the app plants there leads root nowhere", async () => {
  // A root-only file whose lines look like module names: only the read as the app's user keeps
  // them out of the list (the name filter would let them through).
  await onServer(server, 'printf "topsecretmodule\\n" > /root/gd-secret; chmod 600 /root/gd-secret');
  const dir = await appCopy();
  // In the candidate only (its runtime folder), the app swaps the list its worker wrote for a link.
  await editFile(
    dir,
    'app.py',
    (t) =>
      `${t}\n\nimport os as _os\n\n\n@app.before_request\ndef _plant():\n    d = _os.environ.get("RUNTIME_DIRECTORY", "")\n    if "gunicorn-deploy-candidate-" in d:\n        p = _os.path.join(d, "loaded")\n        if _os.path.exists(p) and not _os.path.islink(p):\n            _os.remove(p)\n            _os.symlink("/root/gd-secret", p)\n`
  );
  const { report } = await deploy(server, dir, { commit: '7'.repeat(40) });
  expect(report.error).toBeUndefined();
  const release = report.hosts[0]!.facts.release!;
  const list = `/etc/shop/preload/${release}`;
  // Root's own file, not a link; empty here, as the worker's list was taken away.
  expect(await onServer(server, `[ -f ${list} ] && [ ! -L ${list} ] && stat -c '%U %a' ${list}`)).toBe(
    'root 640\n'
  );
  expect(await onServer(server, `cat ${list}`)).not.toContain('topsecretmodule');
  expect(await serving()).toBe(release);
  good = release;
});

test('a requirements file reading /etc/shadow fails without a line of it in the log', async () => {
  const shadow = (await onServer(server, 'cat /etc/shadow')).split('\n').filter((l) => l.includes(':'));
  expect(shadow.some((l) => l.startsWith('root:'))).toBe(true);
  const dir = await appCopy();
  await editFile(dir, 'requirements.txt', (t) => `${t}-r /etc/shadow\n`);
  const { report, lines } = await deploy(server, dir);
  expect(report.ok).toBe(false);
  expect(report.hosts[0]!.steps.at(-1)?.name).toBe('venv');
  expect(report.error).toMatch(/Permission denied: '\/etc\/shadow'/);
  const everything = [report.error ?? '', ...lines].join('\n');
  expect(everything).not.toMatch(/root:/);
  for (const line of shadow) expect(everything).not.toContain(line);
  expect(await serving()).toBe(good);
});

test('the release and its venv are the build user’s, and the app cannot change them', async () => {
  const dir = await appCopy();
  // A new venv (a new hash), so pip runs in this deploy.
  await editFile(dir, 'requirements.txt', (t) => `${t}# owners\n`);
  const { report } = await deploy(server, dir);
  expect(report.error).toBeUndefined();
  const release = report.hosts[0]!.facts.release!;
  const rel = `/srv/shop/releases/${release}`;
  const notBuild = await onServer(
    server,
    `venv=$(readlink -f ${rel}/.venv); echo "venv=$venv"
find ${rel} "$venv" ! -user shop-build -printf '%u %p\\n' | head
stat -c '%U %a %n' /srv/shop/releases /srv/shop/venvs /srv/shop/.deploy/incoming "$venv/pip-install.log" "$venv/.complete"
runuser -u shop -- touch ${rel}/app.py "$venv/.complete" 2>&1 || true
id shop-build; getent passwd shop-build | cut -d: -f6,7`
  );
  const [venvLine, ...rest] = notBuild.trim().split('\n');
  expect(venvLine).toMatch(/^venv=\/srv\/shop\/venvs\/[0-9a-f]{16}$/);
  const venv = venvLine!.slice('venv='.length);
  expect(rest).toEqual([
    'shop-build 755 /srv/shop/releases',
    'shop-build 755 /srv/shop/venvs',
    'shop-build 755 /srv/shop/.deploy/incoming',
    `shop-build 644 ${venv}/pip-install.log`,
    `shop-build 644 ${venv}/.complete`,
    `touch: cannot touch '${rel}/app.py': Permission denied`,
    `touch: cannot touch '${venv}/.complete': Permission denied`,
    expect.stringMatching(/^uid=\d+\(shop-build\) gid=\d+\(shop-build\) groups=\d+\(shop-build\)$/),
    '/nonexistent:/usr/sbin/nologin'
  ]);
  expect(await serving()).toBe(release);
  good = release;
});

test('SECRET_KEY never appears in a command line (polled as nobody), the journal or the sudo log', async () => {
  const secret = randomBytes(24).toString('hex');
  const needles = [secret, ...base64Forms(secret)];
  // The needles reach the server on stdin: a command line holding them would be the leak itself.
  await onServerWithInput('cat > /tmp/gd-needles; chmod 0644 /tmp/gd-needles', needles.join('\n') + '\n');
  await onServer(
    server,
    `rm -f /tmp/gd-poll.*; touch /tmp/gd-poll.hits; chown nobody /tmp/gd-poll.hits
nohup runuser -u nobody -- sh -c 'end=$(( $(date +%s) + 240 )); n=0
while [ ! -e /tmp/gd-poll.stop ] && [ "$(date +%s)" -lt "$end" ]; do
  cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" "\\n" | grep -F -f /tmp/gd-needles >> /tmp/gd-poll.hits || true
  n=$((n + 1))
done
echo "$n" > /tmp/gd-poll.rounds' > /dev/null 2>&1 < /dev/null &
sleep 0.3`
  );
  const dir = await appCopy();
  // A new venv and a changed environment: every step that could carry the secret runs.
  await editFile(dir, 'requirements.txt', (t) => `${t}# secret\n`);
  const { report, lines } = await deploy(server, dir, { env: `SECRET_KEY=${secret}` });
  await onServer(
    server,
    'touch /tmp/gd-poll.stop; for i in $(seq 100); do [ -e /tmp/gd-poll.rounds ] && break; sleep 0.1; done'
  );
  expect(report.error).toBeUndefined();
  good = report.hosts[0]!.facts.release!;
  // The secret did reach the server, in the one file meant for it.
  expect(await onServer(server, 'grep -c -F -f /tmp/gd-needles /etc/shop/env || true')).toBe('1\n');
  const rounds = Number(await onServer(server, 'cat /tmp/gd-poll.rounds'));
  expect(rounds).toBeGreaterThan(20);
  expect(await onServer(server, 'cat /tmp/gd-poll.hits')).toBe('');
  const logged = await onServer(
    server,
    `{ journalctl --no-pager -o cat; grep -rsh -F -a -f /tmp/gd-needles /var/log || true; } | grep -c -F -f /tmp/gd-needles || true`
  );
  expect(logged.trim()).toBe('0');
  expect([report.error ?? '', ...lines].join('\n')).not.toContain(secret);
});

test("a server an older version deployed (releases, venvs and uploads root's, no build user) deploys after the upgrade", async () => {
  await onServer(
    server,
    'mkdir -p /srv/shop/venvs/.pip-cache/http && chown -R root:root /srv/shop/releases /srv/shop/venvs /srv/shop/.deploy && userdel shop-build && (groupdel shop-build 2>/dev/null || true)'
  );
  const { report, lines } = await deploy(server, app, { commit: '5'.repeat(40) });
  expect(report.error).toBeUndefined();
  expect(lines.some((l) => l.includes('was built as root by an older version'))).toBe(true);
  const release = report.hosts[0]!.facts.release!;
  expect(await serving()).toBe(release);
  expect(
    await onServer(
      server,
      `stat -c '%U' /srv/shop/releases /srv/shop/venvs /srv/shop/.deploy/incoming /srv/shop/releases/${release} /srv/shop/venvs/.pip-cache /srv/shop/venvs/.pip-cache/http; stat -c '%G' /srv/shop/.deploy`
    )
  ).toBe('shop-build\n'.repeat(7));
  // The next deploy sends a delta again.
  const dir = await appCopy();
  await editFile(dir, 'app.py', (t) => `${t}\n# after the upgrade\n`);
  const next = await deploy(server, dir, { commit: '6'.repeat(40) });
  expect(next.report.error).toBeUndefined();
  expect(next.report.hosts[0]!.steps.find((st) => st.name === 'upload')?.detail).toMatch(/^delta: 1 changed/);
  good = next.report.hosts[0]!.facts.release!;
  expect(await serving()).toBe(good);
});

test('a full disk during the venv build or the upload leaves nothing half-built, and the app keeps serving', async () => {
  // A fresh app whose folder is a small filesystem of its own.
  await onServer(server, 'mkdir -p /srv/tiny && mount -t tmpfs -o size=96m,mode=0755 tmpfs /srv/tiny');
  const tiny = { 'app-name': 'tiny', commit: '4'.repeat(40) };
  const first = await deploy(server, app, tiny);
  expect(first.report.error).toBeUndefined();
  const live = first.report.hosts[0]!.facts.release!;
  expect(await serving('tiny')).toBe(live);
  // Leave ~3 MB: a delta release fits, a venv installing Django (~30 MB, from wheels made of
  // Debian's packages, without the system's site-packages) does not.
  await debianWheels(server, '/srv/wheels-tiny', ['django', 'asgiref', 'sqlparse']);
  const usedKb = Number((await onServer(server, 'df --output=used -k /srv/tiny | tail -n 1')).trim());
  await onServer(server, `mount -o remount,size=${usedKb + 3 * 1024}k /srv/tiny`);
  const state = (): Promise<string> =>
    onServer(server, 'ls -A /srv/tiny/venvs /srv/tiny/.deploy/incoming; ls /srv/tiny/releases | wc -l');
  const freeKb = async (): Promise<number> =>
    Number((await onServer(server, 'df --output=avail -k /srv/tiny | tail -n 1')).trim());
  const before = await state();
  const freeBefore = await freeKb();

  const newVenv = await appCopy();
  await writeFile(path.join(newVenv, 'requirements.txt'), 'django\n');
  const full = await deploy(server, newVenv, {
    ...tiny,
    'venv-system-site-packages': 'false',
    'pip-args': '--no-index --find-links /srv/wheels-tiny'
  });
  expect(full.report.ok).toBe(false);
  expect(full.report.hosts[0]!.steps.at(-1)?.name).toBe('venv');
  // No venv folder or log left; the release made for it is the only thing added.
  const after = (await state()).split('\n');
  const was = before.split('\n');
  expect(after.slice(0, -2)).toEqual(was.slice(0, -2));
  expect(await freeKb()).toBeGreaterThan(freeBefore - 1024);
  // pip's own lines say why, and the free space is given beside them.
  expect(full.report.error).toMatch(
    /pip install -r requirements\.txt failed; nothing was switched and the partial venv was removed/
  );
  expect(full.report.error).toMatch(/No space left on device/);
  expect(full.report.error).toMatch(/\n[0-3] MB free in \/srv\/tiny\/venvs/);
  expect(await serving('tiny')).toBe(live);

  // An upload that cannot fit: nothing of it stays in incoming/ or releases/.
  const big = await appCopy();
  await mkdir(path.join(big, 'static'), { recursive: true });
  await writeFile(path.join(big, 'static', 'big.bin'), randomBytes(8 * 1024 * 1024));
  const releasesBefore = await onServer(server, 'ls /srv/tiny/releases');
  const freeBeforeUpload = await freeKb();
  for (const over of [{}, { 'full-upload': 'true' }] as Record<string, string>[]) {
    const up = await deploy(server, big, { ...tiny, ...over });
    expect(up.report.ok).toBe(false);
    expect(up.report.hosts[0]!.steps.at(-1)?.name).toBe('upload');
    expect(up.report.error).toMatch(
      /remote tar exited 2: .*(Wrote only \d+ of \d+ bytes|No space left on device)/
    );
    expect(await onServer(server, 'ls -A /srv/tiny/.deploy/incoming')).toBe('');
    expect(await onServer(server, 'ls /srv/tiny/releases')).toBe(releasesBefore);
    expect(await freeKb()).toBeGreaterThan(freeBeforeUpload - 512);
    expect(await serving('tiny')).toBe(live);
  }
  await rm(big, { recursive: true, force: true });
  expect(await serving()).toBe(good);
}, 300_000);
