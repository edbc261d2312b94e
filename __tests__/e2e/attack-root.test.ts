import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, getJson, onServer } from '../support/deploy.js';
import { attackStep, raceStep, SECRET as PLANTED, type Target } from '../support/planted.js';
import { layoutFor } from '../../src/deploy/paths.js';
import { shQuote } from '../../src/ssh/quote.js';
import { renderDbMaintenanceUnits, renderLogrotate, templateVars } from '../../src/render.js';

// Root follows nothing the app's user or the build can write. Each test is an attack a hostile
// dependency (running as the app's user) or a hostile build made against an earlier version, and
// won there: restore wrote a backup into a root file through a planted link, download-backup
// copied a root-only file to the runner, a build wrote into the serving release.
const SECRET = '/etc/gd-root-secret';
const SECRET_TEXT = 'root-only-7f3a9c\n';
let server: SandboxServer;
let app: string;

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  const first = await deploy(server, app);
  expect(first.report.error).toBeUndefined();
  await onServer(
    server,
    `printf %s '${SECRET_TEXT}' > ${SECRET}; chmod 0600 ${SECRET}
for i in $(seq 5); do curl -sS -o /dev/null --unix-socket /run/shop/gunicorn.sock "http://localhost/write?value=kept"; done`
  );
  // The second deploy takes a backup of those rows.
  const second = await deploy(server, app);
  expect(second.report.error).toBeUndefined();
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

/** The root-only file: same bytes, owner and mode as planted. */
async function secretIntact(): Promise<void> {
  expect(await onServer(server, `stat -c '%U:%G %a' ${SECRET}; cat ${SECRET}`)).toBe(
    `root:root 600\n${SECRET_TEXT}`
  );
}

/** No file under dir holds the secret's bytes. */
async function secretNotIn(dir: string): Promise<void> {
  for (const f of await readdir(dir, { recursive: true })) {
    const bytes = await readFile(path.join(dir, f)).catch(() => Buffer.alloc(0));
    expect(bytes.includes(Buffer.from(SECRET_TEXT.trim()))).toBe(false);
  }
}

test('a restore while an app-user process swaps links into the restore folders in a loop writes no root file', async () => {
  // The app's user may write shared/ (and so anything a restore puts there): it plants links to
  // a root-only file where the restore works, in a tight loop for the whole restore.
  await onServer(
    server,
    `rm -f /tmp/stop-swap; nohup setsid runuser -u shop -- bash -c '
while [ ! -e /tmp/stop-swap ]; do
  mkdir -p /srv/shop/shared/.gd-restore 2>/dev/null
  for f in restore.db safety.db; do ln -sfn ${SECRET} /srv/shop/shared/.gd-restore/$f 2>/dev/null; done
done' >/dev/null 2>&1 &`
  );
  let result;
  try {
    result = await deploy(server, app, { mode: 'restore' });
  } finally {
    await onServer(server, 'touch /tmp/stop-swap; sleep 0.3; rm -rf /srv/shop/shared/.gd-restore');
  }
  await secretIntact();
  expect(result.report.error).toBeUndefined();
  expect(result.report.status).toBe('restored');
  expect((await getJson(server, '/health')).status).toBe(200);
}, 300_000);

test('download-backup and the listing never read a link, a FIFO or a broken gzip the app user leaves among the backups', async () => {
  // What the daily timer's folder held before it moved (the app could write it): a link to a
  // root-only file dated in the future, a FIFO, a truncated and a non-gzip ".gz".
  await onServer(
    server,
    `runuser -u shop -- bash -c '
d=/srv/shop/shared/backups; mkdir -p $d
ln -sfn ${SECRET} $d/shop-20990101T000000Z.db.gz; touch -h -d 2099-01-01 $d/shop-20990101T000000Z.db.gz
mkfifo $d/shop-20980101T000000Z.db.gz; touch -d 2098-01-01 $d/shop-20980101T000000Z.db.gz
sqlite3 /srv/shop/shared/instance/app.db ".backup /tmp/t.db"; gzip -c /tmp/t.db | head -c 300 > $d/shop-20970101T000000Z.db.gz
cp /tmp/t.db $d/shop-20960101T000000Z.db.gz; touch -d 2097-01-01 $d/shop-20970101T000000Z.db.gz; touch -d 2096-01-01 $d/shop-20960101T000000Z.db.gz'`
  );
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-attack-'));
  const started = Date.now();
  const { report, lines } = await deploy(server, app, { mode: 'backups', 'download-backup': `${dir}/` });
  expect(Date.now() - started).toBeLessThan(120_000);
  expect(report.error).toBeUndefined();
  const listed = JSON.parse(report.hosts[0]!.facts.backups!) as {
    id: string;
    integrity: string;
    sha256?: string;
  }[];
  const secretSha = (await onServer(server, `sha256sum < ${SECRET}`)).split(' ')[0]!;
  expect(JSON.stringify(listed) + lines.join('\n')).not.toContain(secretSha);
  // Nothing broken is listed as sound, so nothing broken is downloaded.
  for (const id of [
    'shop-20990101T000000Z.db.gz',
    'shop-20980101T000000Z.db.gz',
    'shop-20970101T000000Z.db.gz',
    'shop-20960101T000000Z.db.gz'
  ])
    expect(listed.find((b) => b.id === id)?.integrity ?? 'absent').not.toBe('ok');
  const downloaded = report.hosts[0]!.facts['downloaded-backup']!;
  expect(path.basename(downloaded)).toMatch(/^app\.db-(safety-)?\d{8}T\d{6}Z/);
  await secretNotIn(dir);
  await secretIntact();
}, 300_000);

test('a build, failing or not, never writes into the release that serves or the ones before', async () => {
  const serving = (await getJson(server, '/health')).body.release as string;
  const sums = (): Promise<string> =>
    onServer(server, `cd /srv/shop/releases && find . -type f -print0 | sort -z | xargs -0 sha256sum`);
  const before = await sums();
  const failed = await deploy(server, app, { build: 'echo planted >> README.md; chmod 0666 app.py; exit 3' });
  expect(failed.report.ok).toBe(false);
  expect(failed.report.error).toMatch(/build commands failed/);
  expect(await sums()).toBe(before);
  const built = await deploy(server, app, { build: 'echo planted >> README.md' });
  expect(built.report.error).toBeUndefined();
  const after = await sums();
  // Every file of the releases before is as it was; the new release has the build's line.
  for (const line of before.trim().split('\n')) expect(after).toContain(line);
  const release = built.report.hosts[0]!.facts.release!;
  expect(await onServer(server, `grep -c planted /srv/shop/releases/${release}/README.md`)).toBe('1\n');
  expect(await onServer(server, `grep -c planted /srv/shop/releases/${serving}/README.md || true`)).toBe(
    '0\n'
  );
  expect(await onServer(server, `stat -c %a /srv/shop/releases/${serving}/app.py`)).not.toBe('666\n');
}, 300_000);

test('a build has its own /dev/shm and /tmp, gone when it ends; one that leaves too little space is refused and its release deleted at once', async () => {
  const shm = await deploy(server, app, {
    build:
      'head -c 1048576 /dev/zero > /dev/shm/gd-build-shm; echo x > /tmp/gd-build-tmp; test -s /dev/shm/gd-build-shm'
  });
  expect(shm.report.error).toBeUndefined();
  const current = await onServer(server, 'readlink /srv/shop/current');
  expect(await onServer(server, 'ls /dev/shm /tmp /var/tmp | grep -c gd-build- || true')).toBe('0\n');
  // The floor just under what is free: a build writing 64 MB crosses it.
  const freeMb = Number(await onServer(server, "df -Pm /srv/shop | awk 'NR==2 {print $4}'"));
  const before = await onServer(server, 'ls /srv/shop/releases');
  const full = await deploy(server, app, {
    build: 'head -c 67108864 /dev/zero > big.bin',
    'min-free-space': `${freeMb - 32}MB`
  });
  expect(full.report.ok).toBe(false);
  expect(full.report.error).toMatch(/the build left only \d+ MB free .*min-free-space needs/);
  expect(await onServer(server, 'ls /srv/shop/releases')).toBe(before);
  expect(await onServer(server, 'find /srv/shop/.deploy/trash -name big.bin | wc -l')).toBe('0\n');
  expect(await onServer(server, 'readlink /srv/shop/current')).toBe(current);
  expect((await getJson(server, '/health')).status).toBe(200);
}, 300_000);

// The standing attack (support/planted.ts) over every step of the README's inventory that reads
// backups: links, hardlinks, FIFOs and future-dated files where the app's user can write.
const LEGACY: Target = {
  dir: '/srv/shop/shared/backups',
  owner: 'shop',
  names: [
    'shop-20990101T000000Z.db.gz',
    'shop-20980101T000000Z.db.gz',
    'shop-20970101T000000Z.db.gz',
    'shop-20960101T000000Z.db.gz'
  ]
};
const OLD_RESTORE: Target = {
  dir: '/srv/shop/shared/.gd-restore',
  owner: 'shop',
  names: ['restore.db', 'safety.db', 'x', 'y']
};

test('planted files: mode backups with download-backup', async () => {
  await attackStep(server, [LEGACY], async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-planted-'));
    const { report, lines } = await deploy(server, app, { mode: 'backups', 'download-backup': `${dir}/` });
    expect(report.error).toBeUndefined();
    return { texts: [...lines, JSON.stringify(report)], dirs: [dir] };
  });
}, 300_000);

test('planted files: mode restore', async () => {
  await attackStep(server, [LEGACY, OLD_RESTORE], async () => {
    const { report, lines } = await deploy(server, app, { mode: 'restore' });
    expect(report.error).toBeUndefined();
    return { texts: [...lines, JSON.stringify(report)] };
  });
}, 300_000);

test('planted files: the daily backup timer (as root, the database as the app user)', async () => {
  const files = renderDbMaintenanceUnits(templateVars({ layout: layoutFor('shop', '/srv/shop') }));
  for (const f of [files.script, files.service, files.timer])
    await onServer(
      server,
      `mkdir -p ${path.dirname(f.path)}; echo ${Buffer.from(f.content).toString('base64')} | base64 -d > ${f.path}; chmod ${f.mode} ${f.path}`
    );
  await onServer(server, 'systemctl daemon-reload');
  await attackStep(server, [LEGACY], async () => {
    const out = await onServer(
      server,
      'systemctl start shop-db-maintenance.service; journalctl -q -u shop-db-maintenance.service -o cat --no-pager | tail -n 20'
    );
    expect(out).toMatch(/backup: \/srv\/shop\/backups\/shop-\d{8}T\d{6}Z\.db\.gz \(\d+ bytes, integrity ok/);
    return { texts: [out] };
  });
  // The daily backups are root's, in the folder the app cannot write, and sound.
  const listed = await deploy(server, app, { mode: 'backups' });
  const daily = (
    JSON.parse(listed.report.hosts[0]!.facts.backups!) as { id: string; integrity: string; takenBy: string }[]
  ).filter((b) => b.takenBy === 'daily timer' && b.integrity === 'ok');
  expect(daily.length).toBeGreaterThan(0);
  expect(
    await onServer(server, `stat -c '%U:%G %a' /srv/shop/backups /srv/shop/backups/${daily[0]!.id}`)
  ).toBe('root:shop 750\nroot:shop 640\n');
}, 300_000);

/** Writes rendered files on the server as root (what provision would). */
async function install(files: { path: string; content: string; mode: string }[]): Promise<void> {
  for (const f of files)
    await onServer(
      server,
      `mkdir -p ${path.dirname(f.path)}; echo ${Buffer.from(f.content).toString('base64')} | base64 -d > ${f.path}; chmod ${f.mode} ${f.path}`
    );
}

test('planted files: the deploy backup, raced (the copy in shared/ swapped the moment it is made)', async () => {
  let serving = await onServer(server, 'readlink /srv/shop/current');
  let refused = 0;
  await raceStep(
    server,
    { dir: '/srv/shop/shared', owner: 'shop', pattern: '.backup-*.db' },
    async (kind, swapped) => {
      const { report, lines } = await deploy(server, app);
      const hits = await swapped();
      if (report.error) {
        // Only the planted file may stop it, and only at the backup: nothing switched.
        expect(hits.length).toBeGreaterThan(0);
        expect(report.error).toMatch(/backing up the database/);
        expect(await onServer(server, 'readlink /srv/shop/current')).toBe(serving);
        refused++;
      } else {
        // The planter lost this round (a busy machine): the new release serves from here.
        serving = await onServer(server, 'readlink /srv/shop/current');
      }
      // What a refused copy leaves: nothing of the plant in backups/.
      expect(await onServer(server, `find /srv/shop/backups -samefile ${PLANTED} | wc -l`)).toBe('0\n');
      return { texts: [...lines, JSON.stringify(report), `${kind}`] };
    }
  );
  // The race was won by the planter at least once: the check had something to refuse.
  expect(refused).toBeGreaterThan(0);
  expect((await getJson(server, '/health')).status).toBe(200);
}, 300_000);

// systemd expands ${X}, $VAR (a word of its own) and $$ in a unit's command line itself: each
// command proves bash got it as written ($1 set by bash, ${X} bash's own, $$ a pid, $HOME the user's).
const DOLLARS = (what: string): string =>
  `set -- one; X=mine; echo "gd-${what}[$1][\${X}][$HOME][$(( $$ > 1 ))]"`;

test('planted files: a deploy with build, shared paths, hooks and the release phase; each command reaches bash as written', async () => {
  const shared: Target = {
    dir: '/srv/shop/shared',
    owner: 'shop',
    names: ['media', 'notes.txt', 'conf', 'conf.txt']
  };
  await attackStep(server, [shared], async () => {
    const { report, lines } = await deploy(server, app, {
      'shared-paths': 'media, notes.txt:file, conf, conf.txt:file',
      build: DOLLARS('build'),
      'pre-activate': DOLLARS('pre'),
      'post-activate': DOLLARS('post'),
      'release-command': DOLLARS('release'),
      processes: 'tick: sleep 1000',
      'process-settle': '1s'
    });
    expect(report.error).toBeUndefined();
    const text = lines.join('\n');
    expect(text).toContain('gd-build[one][mine][/nonexistent][1]');
    for (const hook of ['pre', 'post', 'release'])
      expect(text).toContain(`gd-${hook}[one][mine][/srv/shop][1]`);
    return { texts: [...lines, JSON.stringify(report)] };
  });
  // The process sets root reads back at each switch are root's alone (rendered on the runner).
  expect(
    await onServer(
      server,
      "stat -c '%U:%G %a' /etc/shop/processes; find /etc/shop/processes \\( ! -user root -o -perm /022 \\) -printf '%p\\n'"
    )
  ).toBe('root:root 755\n');
}, 600_000);

test("the candidate's health requests never follow a link the app plants in its socket folder", async () => {
  // A root-only socket (in a folder only root may enter) that answers 200 to anything and notes
  // who came; the app's user replaces the candidate's socket by a link to it the moment it exists.
  const serving = await onServer(server, 'readlink /srv/shop/current');
  await onServer(
    server,
    `install -d -m 0700 /run/gd-root-only; rm -f /run/gd-root-only/s.sock /run/gd-root-only/hits
nohup setsid python3 -c ${shQuote(`import http.server, socketserver
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        open("/run/gd-root-only/hits", "a").write(self.path + "\\n")
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
class S(socketserver.UnixStreamServer):
    def get_request(self):
        r, _ = super().get_request(); return r, ("root-only", 0)
S("/run/gd-root-only/s.sock", H).serve_forever()`)} >/dev/null 2>&1 &
echo $! > /run/gd-root-only/pid
for i in $(seq 50); do [ -S /run/gd-root-only/s.sock ] && break; sleep 0.1; done
rm -f /tmp/stop-sock; nohup setsid runuser -u shop -- bash -c '
s=/run/gunicorn-deploy-candidate-shop/gunicorn.sock
while [ ! -e /tmp/stop-sock ]; do if [ -S "$s" ] && [ ! -L "$s" ]; then ln -sfn /run/gd-root-only/s.sock "$s"; fi; done' >/dev/null 2>&1 &
sleep 0.5`
  );
  // Control: the root-only socket answers root, and notes it.
  await onServer(server, 'curl -sS --unix-socket /run/gd-root-only/s.sock http://x/control');
  expect(await onServer(server, 'cat /run/gd-root-only/hits; rm /run/gd-root-only/hits')).toBe('/control\n');
  // A race: on a busy machine the candidate may be asked before the planter's loop has run. Until
  // the planter wins once (the deploy refused), deploy again; no request may ever reach root's socket.
  let refused;
  let current = serving;
  try {
    for (let i = 0; i < 5 && !refused; i++) {
      const result = await deploy(server, app, { 'health-timeout': '5s' });
      if (result.report.ok) {
        current = await onServer(server, 'readlink /srv/shop/current');
        continue;
      }
      refused = result;
      expect(result.report.error).toMatch(/refused before the switch: its candidate \/health did not answer/);
      expect(await onServer(server, 'readlink /srv/shop/current')).toBe(current);
    }
  } finally {
    await onServer(server, 'touch /tmp/stop-sock; sleep 0.3');
  }
  const hits = await onServer(server, 'cat /run/gd-root-only/hits 2>/dev/null || true');
  await onServer(server, 'kill "$(cat /run/gd-root-only/pid)"; rm -rf /run/gd-root-only');
  expect(hits).toBe('');
  expect(refused).toBeDefined();
  expect((await getJson(server, '/health')).status).toBe(200);
}, 300_000);

test('planted files: status, logs and logrotate over /var/log/APP', async () => {
  // The app's socket folder is systemd's (root's): status and verify may curl it as root.
  expect(await onServer(server, 'stat -c %U:%a /run/shop')).toBe('root:755\n');
  const health = async (): Promise<string> =>
    `${await onServer(server, 'systemctl is-active shop; journalctl -u shop -n 20 --no-pager -o cat || true')}`;
  // What status and logs read: the live logs themselves replaced (the service keeps its open files).
  const live: Target = {
    dir: '/var/log/shop',
    owner: 'shop',
    names: ['error.log', 'access.log', 'x.log', 'y.log']
  };
  await attackStep(server, [live], async () => {
    const [status, read] = await Promise.all([
      deploy(server, app, { mode: 'status' }),
      deploy(server, app, { mode: 'logs', lines: '20' })
    ]);
    if (status.report.error) throw new Error(`${status.report.error}\n${await health()}`);
    expect(read.report.error).toBeUndefined();
    return { texts: [...status.lines, ...read.lines, JSON.stringify([status.report, read.report])] };
  });
  // What logrotate renames, compresses and creates (the live logs are kept: the app's user
  // breaking its own logging is not the point), with every name the glob takes.
  await install([renderLogrotate(templateVars({ layout: layoutFor('shop', '/srv/shop') }))]);
  const rotated: Target = {
    dir: '/var/log/shop',
    owner: 'shop',
    names: ['x.log', 'error.log.1', 'access.log.1', 'error.log.2.gz']
  };
  await attackStep(server, [rotated], async () => {
    const out = await onServer(server, 'timeout 60 logrotate -f /etc/logrotate.d/shop 2>&1 || true', 90_000);
    return { texts: [out] };
  });
  // The app's own logs still rotate, as the app's user, and the app serves on.
  await getJson(server, '/health?before-rotate=1');
  await onServer(server, 'logrotate -f /etc/logrotate.d/shop');
  expect(await onServer(server, 'stat -c %U /var/log/shop/access.log.1')).toBe('shop\n');
  expect((await getJson(server, '/health')).status).toBe(200);
}, 300_000);

test("planted files: the prune among the build user's releases, as old releases and as a kept release's venv link", async () => {
  // The prune resolves links with `cd -P` (a chdir, no file opened) and renames what goes into
  // root's trash, which a low-priority unit then empties with rm -rf.
  const ids = async (): Promise<string[]> =>
    (await onServer(server, 'ls -1 /srv/shop/releases')).trim().split('\n');
  // Kept, with many kept: a release that is not the serving one gets its .venv link replaced.
  const [, kept] = (await ids()).slice(-2);
  const keptVenv: Target = { dir: `/srv/shop/releases/${kept}`, owner: 'shop-build', names: ['.venv'] };
  await attackStep(server, [keptVenv], async () => {
    const { report, lines } = await deploy(server, app, { 'keep-releases': '20' });
    expect(report.error).toBeUndefined();
    return { texts: [...lines, JSON.stringify(report)] };
  });
  // Gone, with two kept: names that sort before every release, so each deploy's prune takes them.
  const old: Target = {
    dir: '/srv/shop/releases',
    owner: 'shop-build',
    names: ['20000101T000000Z-gd0', '20000101T000001Z-gd1', '20000101T000002Z-gd2', '20000101T000003Z-gd3']
  };
  await attackStep(server, [old], async () => {
    const { report, lines } = await deploy(server, app, { 'keep-releases': '2' });
    expect(report.error).toBeUndefined();
    const prune = report.hosts[0]!.steps.find((st) => st.name === 'prune')?.detail ?? '';
    // All four planted names went, with the releases beyond the newest two.
    expect(Number(/(\d+) releases and/.exec(prune)?.[1])).toBeGreaterThanOrEqual(4);
    // Root's trash empties in the background: wait for it before the root-only file is checked.
    await onServer(
      server,
      'for i in $(seq 100); do [ -z "$(ls -A /srv/shop/.deploy/trash 2>/dev/null)" ] && break; sleep 0.1; done'
    );
    return { texts: [...lines, JSON.stringify(report)] };
  });
  expect((await getJson(server, '/health')).status).toBe(200);
}, 600_000);
