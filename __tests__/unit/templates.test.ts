import { execFile, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { renderTemplate, templateVars, type TemplateInput, type TemplateVars } from '../../src/render.js';
import { needs } from '../support/needs.js';

// Every template rendered with sample values; where the real tool is installed (bash, sh, curl,
// sqlite3, nginx, python3, systemd-analyze), the rendered file is also run or checked by it.
const TEMPLATES = path.join(process.cwd(), 'templates');
const run = promisify(execFile);
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
// A missing tool fails the test (.ci/run installs every one), unless opted out by name: see needs().
const withTool = (...cmds: string[]): jest.It => needs(cmds.join('+'), cmds.every(has));

const SAMPLE: TemplateInput = {
  app: 'shop',
  user: 'shopd',
  group: 'shopd',
  workers: 5,
  listen: ['127.0.0.1:8000'],
  serverName: 'shop.example.com www.shop.example.com',
  staticPath: 'static',
  env: [
    { key: 'SECRET_KEY', value: 's3cr3t "quoted" $HOME #x' },
    { key: 'EMPTY', value: '' }
  ]
};
const vars = templateVars(SAMPLE);
const render = (name: string, v: TemplateVars = vars): string => renderTemplate(name, v, TEMPLATES);
/** The lines of a unit or config file that set `key`, without comments. */
const settings = (text: string, key: string): string[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

describe('systemd/app.socket', () => {
  const text = render('systemd/app.socket');

  test('listens on the unix socket and the extra TCP addresses', () => {
    expect(settings(text, 'ListenStream')).toEqual(['/run/shop/gunicorn.sock', '127.0.0.1:8000']);
    const plain = render('systemd/app.socket', templateVars({ app: 'x' }));
    expect(settings(plain, 'ListenStream')).toEqual(['/run/x/gunicorn.sock']);
  });

  test('only the app user and the www-data group (nginx) may connect', () => {
    expect(settings(text, 'SocketUser')).toEqual(['shopd']);
    expect(settings(text, 'SocketGroup')).toEqual(['www-data']);
    expect(settings(text, 'SocketMode')).toEqual(['0660']);
    expect(settings(text, 'WantedBy')).toEqual(['sockets.target']);
  });
});

describe('systemd/app.service', () => {
  const text = render('systemd/app.service');

  test('ExecStart: the release venv python -m gunicorn, absolute -c outside the release, --chdir current', () => {
    expect(settings(text, 'ExecStart')).toEqual([
      '/srv/shop/current/.venv/bin/python -m gunicorn -c /etc/shop/gunicorn.conf.py --chdir /srv/shop/current app:app'
    ]);
  });

  test('socket-activated notify service with a graceful, main-only stop', () => {
    expect(settings(text, 'Requires')).toEqual(['shop.socket']);
    expect(settings(text, 'After')[0]).toContain('shop.socket');
    expect(settings(text, 'Type')).toEqual(['notify']);
    expect(settings(text, 'NotifyAccess')).toEqual(['main']);
    expect(settings(text, 'ExecReload')).toEqual(['/bin/kill -s HUP $MAINPID']);
    expect(settings(text, 'KillMode')).toEqual(['mixed']);
    expect(Number(settings(text, 'TimeoutStopSec')[0])).toBeGreaterThan(vars.gracefulTimeout);
    expect(settings(text, 'Restart')).toEqual(['on-failure']);
  });

  test('runs as the app user in current, with PWD and the env file, and never owns /run/APP', () => {
    expect(settings(text, 'User')).toEqual(['shopd']);
    expect(settings(text, 'Group')).toEqual(['shopd']);
    expect(settings(text, 'WorkingDirectory')).toEqual(['/srv/shop/current']);
    expect(settings(text, 'Environment')).toEqual(['PWD=/srv/shop/current']);
    expect(settings(text, 'EnvironmentFile')).toEqual(['/etc/shop/env']);
    expect(settings(text, 'RuntimeDirectory')).toEqual([]);
    expect(settings(text, 'ProtectSystem')).toEqual(['full']);
    expect(settings(text, 'ReadWritePaths')).toEqual(['-/srv/shop/shared -/var/log/shop']);
    expect(settings(text, 'WantedBy')).toEqual(['multi-user.target']);
  });
});

describe('gunicorn.conf.py', () => {
  const text = render('gunicorn.conf.py');

  test('explicit values, preload off, and no bind (sockets come from systemd)', () => {
    expect(text).toMatch(/^preload_app = False$/m);
    expect(text).toMatch(/^workers = 5$/m);
    expect(text).toMatch(/^timeout = 60$/m);
    expect(text).toMatch(/^graceful_timeout = 30$/m);
    expect(text).toMatch(/^accesslog = "\/var\/log\/shop\/access.log"$/m);
    expect(text).toMatch(/^errorlog = "\/var\/log\/shop\/error.log"$/m);
    expect(text).toMatch(/^capture_output = True$/m);
    expect(text).not.toMatch(/^\s*bind\s*=/m);
  });

  withTool('python3')('is valid Python with the expected settings', async () => {
    const dir = tempDir('gconf-');
    try {
      const file = path.join(dir, 'gunicorn.conf.py');
      writeFileSync(file, text);
      const code =
        'import json, runpy, sys; d = runpy.run_path(sys.argv[1]); ' +
        "print(json.dumps({k: v for k, v in d.items() if not k.startswith('__')}))";
      const { stdout } = await run('python3', ['-c', code, file]);
      expect(JSON.parse(stdout)).toEqual({
        workers: 5,
        worker_class: 'sync',
        threads: 1,
        timeout: 60,
        graceful_timeout: 30,
        keepalive: 2,
        max_requests: 0,
        max_requests_jitter: 0,
        worker_connections: 1000,
        limit_request_line: 4094,
        limit_request_fields: 100,
        limit_request_field_size: 8190,
        preload_app: false,
        proc_name: 'shop',
        worker_tmp_dir: '/dev/shm',
        accesslog: '/var/log/shop/access.log',
        errorlog: '/var/log/shop/error.log',
        loglevel: 'info',
        capture_output: true,
        forwarded_allow_ips: '127.0.0.1,::1'
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('gunicorn.conf.py: preload-libraries', () => {
  test('off: the master imports nothing', () => {
    expect(render('gunicorn.conf.py', templateVars({ ...SAMPLE, preloadLibraries: false }))).not.toContain(
      '_preload_libraries'
    );
  });

  withTool('python3')(
    'on: imports the listed libraries, never a module the serving release provides, and survives bad names',
    async () => {
      const dir = tempDir('gpre-');
      try {
        const release = path.join(dir, 'releases', 'R1');
        mkdirSync(release, { recursive: true });
        symlinkSync('releases/R1', path.join(dir, 'current'));
        // The release's own module, named like a library would be: must be left to the workers.
        writeFileSync(path.join(release, 'mylocal.py'), 'raise SystemExit("imported the app code")\n');
        // The list lives outside the release (root-owned), named after the release current points to.
        mkdirSync(path.join(dir, 'preload'));
        writeFileSync(
          path.join(dir, 'preload', 'R1'),
          'email.mime.text\nmylocal\nno_such_module_xyz\nbroken_lib\nxml.dom.minidom\n'
        );
        // A library that fails to import in the master is left to the workers too.
        mkdirSync(path.join(dir, 'lib'));
        writeFileSync(path.join(dir, 'lib', 'broken_lib.py'), 'raise ImportError("needs a display")\n');
        const file = path.join(dir, 'gunicorn.conf.py');
        writeFileSync(
          file,
          render(
            'gunicorn.conf.py',
            templateVars({ ...SAMPLE, appDir: dir, preloadDir: path.join(dir, 'preload') })
          )
        );
        // As in the master: the release's folder first on sys.path (gunicorn --chdir).
        const code =
          'import runpy, sys; sys.path[:0] = [sys.argv[2], sys.argv[3]]; runpy.run_path(sys.argv[1]); ' +
          "print(sorted(m for m in ('email.mime.text', 'xml.dom.minidom', 'mylocal') if m in sys.modules))";
        const { stdout, stderr } = await run('python3', [
          '-c',
          code,
          file,
          path.join(dir, 'current'),
          path.join(dir, 'lib')
        ]);
        expect(stdout.trim()).toBe("['email.mime.text', 'xml.dom.minidom']");
        expect(stderr).toContain('5 libraries listed, 2 newly imported in the master, 1 failed');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  );
});

describe('env', () => {
  const text = render('env');

  test('production settings first, then the user variables, quoted', () => {
    const assignments = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(assignments).toEqual([
      'FLASK_DEBUG=0',
      'FLASK_ENV=production',
      'PYTHONUNBUFFERED=1',
      'INSTANCE_PATH="/srv/shop/shared/instance"',
      'SECRET_KEY="s3cr3t \\"quoted\\" \\$HOME #x"',
      'EMPTY=""'
    ]);
  });

  test('sourced by sh, it gives back exactly the values', () => {
    const dir = tempDir('env-');
    try {
      const file = path.join(dir, 'env');
      writeFileSync(file, text);
      const out = spawnSync(
        'sh',
        ['-c', `set -a; . ${file}; printf '%s|' "$FLASK_DEBUG" "$SECRET_KEY" "$EMPTY"`],
        {
          encoding: 'utf8'
        }
      );
      expect(out.stdout).toBe('0|s3cr3t "quoted" $HOME #x||');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nginx/site.conf', () => {
  const text = render('nginx/site.conf');

  test('proxies to the unix socket with the forwarded headers, timeouts above Gunicorn', () => {
    expect(text).toContain('listen 80;');
    expect(text).toContain('server_name shop.example.com www.shop.example.com;');
    expect(text).toContain('client_max_body_size 10m;');
    expect(text).toContain('proxy_pass http://unix:/run/shop/gunicorn.sock;');
    expect(text).toContain('proxy_set_header Host $host;');
    expect(text).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(text).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
    expect(text).toContain('proxy_set_header X-Forwarded-Host $host;');
    const read = Number(/proxy_read_timeout (\d+)s;/.exec(text)?.[1]);
    expect(read).toBeGreaterThan(vars.timeout);
  });

  test('static files from the current release only when asked', () => {
    expect(text).toMatch(/location \/static\/ \{\s+alias \/srv\/shop\/current\/static\/;/);
    expect(render('nginx/site.conf', templateVars({ ...SAMPLE, staticPath: '' }))).not.toContain('alias');
  });

  // uvicorn: the WebSocket map, with an app name nginx variables cannot hold as it is.
  const asgi = render(
    'nginx/site.conf',
    templateVars({ ...SAMPLE, app: 'my-shop', gunicorn: { workerClass: 'uvicorn' } })
  );
  test('uvicorn: WebSocket upgrade headers and an hour for quiet connections', () => {
    expect(asgi).toMatch(/^map \$http_upgrade \$gd_upgrade_my_shop \{$/m);
    expect(asgi).toContain('proxy_http_version 1.1;');
    expect(asgi).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(asgi).toContain('proxy_set_header Connection $gd_upgrade_my_shop;');
    expect(asgi).toContain('proxy_read_timeout 3600s;');
    expect(text).not.toContain('Upgrade');
  });

  for (const [label, site] of [
    ['sync', text],
    ['uvicorn', asgi]
  ] as const)
    withTool('nginx')(`nginx -t accepts it (${label})`, async () => {
      const dir = tempDir('nginx-');
      try {
        writeFileSync(path.join(dir, 'site.conf'), site);
        const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
          .map((t) => `${t}_temp_path ${dir}/${t};`)
          .join(' ');
        writeFileSync(
          path.join(dir, 'nginx.conf'),
          `pid ${dir}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n access_log off;\n ${temp}\n include ${dir}/site.conf;\n}\n`
        );
        await expect(
          run('nginx', ['-t', '-q', '-p', dir, '-c', path.join(dir, 'nginx.conf')])
        ).resolves.toBeDefined();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
});

describe('logrotate', () => {
  const text = render('logrotate');

  test('daily, 14 kept, compressed a day late, USR1 to the master only when it runs', () => {
    expect(text).toContain('/var/log/shop/*.log {');
    const directives = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[a-z]/.test(l));
    for (const d of [
      'daily',
      'rotate 14',
      'compress',
      'delaycompress',
      'missingok',
      'notifempty',
      'su shopd adm',
      'create 0640 shopd adm',
      'sharedscripts',
      'postrotate',
      'endscript'
    ]) {
      expect(directives).toContain(d);
    }
    expect(text).not.toContain('copytruncate');
    expect(text).toContain(
      'if systemctl is-active --quiet shop.service; then systemctl kill --signal=USR1 --kill-who=main shop.service || true; fi'
    );
    // --kill-whom= only exists from systemd 252 on; bullseye (247) refuses it, and `|| true` would
    // hide that: the logs would never be reopened.
    expect(text).not.toContain('--kill-whom=');
  });
});

describe('timers', () => {
  test('health: every interval, first one interval after the timer starts', () => {
    const timer = render('systemd/health.timer');
    expect(settings(timer, 'OnActiveSec')).toEqual(['30s']);
    expect(settings(timer, 'OnUnitActiveSec')).toEqual(['30s']);
    expect(settings(timer, 'WantedBy')).toEqual(['timers.target']);
    const service = render('systemd/health.service');
    expect(settings(service, 'ExecStart')).toEqual(['/usr/local/lib/gunicorn-deploy/shop-health-check']);
    expect(settings(service, 'StateDirectory')).toEqual(['gunicorn-deploy/shop']);
  });

  test('database: daily, persistent, as root that only keeps the backups; the database as the app user', () => {
    const timer = render('systemd/db-maintenance.timer');
    expect(settings(timer, 'OnCalendar')).toEqual(['*-*-* 03:30']);
    expect(settings(timer, 'Persistent')).toEqual(['true']);
    const service = render('systemd/db-maintenance.service');
    expect(settings(service, 'User')).toEqual([]);
    expect(render('db-maintenance.sh')).toMatch(/^user='shopd'$/m);
    expect(render('db-maintenance.sh')).toContain('setpriv --reuid="$user"');
    expect(settings(service, 'ExecStart')).toEqual(['/usr/local/lib/gunicorn-deploy/shop-db-maintenance']);
  });

  withTool('systemd-analyze')('systemd-analyze verify finds nothing wrong with the units', async () => {
    const dir = tempDir('units-');
    try {
      const units: Record<string, string> = {
        'shop.socket': 'systemd/app.socket',
        'shop.service': 'systemd/app.service',
        'shop-health.service': 'systemd/health.service',
        'shop-health.timer': 'systemd/health.timer',
        'shop-db-maintenance.service': 'systemd/db-maintenance.service',
        'shop-db-maintenance.timer': 'systemd/db-maintenance.timer'
      };
      for (const [name, template] of Object.entries(units))
        writeFileSync(path.join(dir, name), render(template));
      const out = spawnSync(
        'systemd-analyze',
        ['verify', '--man=no', ...Object.keys(units).map((u) => path.join(dir, u))],
        {
          encoding: 'utf8'
        }
      );
      // The executables live on the server, not here; anything else is a real complaint.
      const complaints = `${out.stdout}${out.stderr}`
        .split('\n')
        .filter((l) => l.trim() && !/Command \S+ is not executable: No such file or directory/.test(l));
      expect(complaints).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('health-check.sh', () => {
  test('is valid bash', () => {
    expect(spawnSync('bash', ['-n'], { input: render('health-check.sh') }).status).toBe(0);
  });

  describe('run against a fake app on a unix socket and a fake systemctl', () => {
    let dir: string;
    let server: Server;
    let status = 200;
    let requests = 0;
    let script: string;
    let hv: TemplateVars;

    beforeAll(async () => {
      dir = tempDir('health-');
      mkdirSync(path.join(dir, 'bin'));
      mkdirSync(path.join(dir, 'state'));
      writeFileSync(
        path.join(dir, 'bin', 'systemctl'),
        `#!/bin/sh\necho "$*" >> ${dir}/systemctl.log\n` +
          `if [ "$1" = is-active ]; then s=$(cat ${dir}/unit-state); echo "$s"; [ "$s" = active ]; fi\n` +
          `if [ "$1" = show ]; then cat ${dir}/nrestarts 2>/dev/null; fi\n`
      );
      chmodSync(path.join(dir, 'bin', 'systemctl'), 0o755);
      server = createServer((_req, res) => {
        requests++;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 200 ? '{"status": "ok"}' : '{"status": "error", "db": "error: disk I/O error"}');
      });
      await new Promise<void>((resolve) => server.listen(path.join(dir, 'app.sock'), resolve));
      hv = templateVars({
        app: 'shop',
        appDir: dir,
        socketPath: path.join(dir, 'app.sock'),
        deployLockPath: path.join(dir, 'deploy.lock'),
        healthFailures: 3,
        diskWarnPercent: 100
      });
      script = path.join(dir, 'health-check');
      writeFileSync(script, render('health-check.sh', hv));
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(() => {
      status = 200;
      requests = 0;
      writeFileSync(path.join(dir, 'unit-state'), 'active\n');
      writeFileSync(path.join(dir, 'systemctl.log'), '');
      rmSync(path.join(dir, 'state', 'health-failures'), { force: true });
      rmSync(path.join(dir, 'deploy.lock'), { force: true });
      for (const f of ['nrestarts', 'state/restarts', 'state/crashes', 'state/recover-pending'])
        rmSync(path.join(dir, f), { force: true });
    });

    const check = async (file = script): Promise<string> => {
      const env = { ...process.env, PATH: `${dir}/bin:${process.env.PATH}`, STATE_DIRECTORY: `${dir}/state` };
      const { stdout } = await run('bash', [file], { env });
      return stdout;
    };
    const systemctlCalls = (): string[] =>
      readFileSync(path.join(dir, 'systemctl.log'), 'utf8').split('\n').filter(Boolean);

    withTool('curl')('healthy: nothing logged, nothing restarted', async () => {
      expect(await check()).toBe('');
      expect(requests).toBe(1);
      expect(systemctlCalls()).toEqual(['show -p NRestarts --value shop.service', 'is-active shop.service']);
    });

    withTool('curl')(
      "systemd's restarts since the last check are a crash, then recovered; many a crash-loop",
      async () => {
        const restarts = (n: number): void => writeFileSync(path.join(dir, 'nrestarts'), `${n}\n`);
        // The first check only takes the count: restarts before it are not news.
        restarts(2);
        expect(await check()).toBe('');
        restarts(3);
        expect(await check()).toMatch(
          /^<3>shop\.service crashed and was restarted by systemd 1 time\(s\) since the last check/
        );
        // Recovered in a later run, never in the crash's own.
        expect(await check()).toBe('<5>recovered after crash: shop.service passes its health check again\n');
        expect(await check()).toBe('');
        // A manual restart resets NRestarts: nothing new.
        restarts(0);
        expect(await check()).toBe('');
        restarts(4);
        const loop = await check();
        expect(loop).toContain('<3>shop.service is crash-looping: 4 restarts within 10 minutes');
        expect(await check()).toBe(
          '<5>recovered after crash,crash-loop: shop.service passes its health check again\n'
        );
      }
    );

    withTool('curl')('restarts the service after 3 failures in a row, and only then', async () => {
      status = 503;
      expect(await check()).toMatch(/^<4>health check failed \(1 of 3\): HTTP 503: .*disk I\/O error/);
      expect(await check()).toMatch(/^<4>health check failed \(2 of 3\)/);
      expect(systemctlCalls()).not.toContain('restart shop.service');
      const third = await check();
      expect(third).toContain('<3>restarting shop.service after 3 failed health checks in a row');
      expect(systemctlCalls()).toContain('restart shop.service');
      expect(existsSync(path.join(dir, 'state', 'health-failures'))).toBe(false);
    });

    withTool('curl')('a success resets the count', async () => {
      status = 500;
      await check();
      status = 200;
      expect(await check()).toBe('<5>shop.service is healthy again after 1 failed check(s)\n');
      status = 500;
      expect(await check()).toMatch(/\(1 of 3\)/);
    });

    withTool('curl')('an unreachable socket is a failure', async () => {
      const broken = path.join(dir, 'broken-check');
      writeFileSync(broken, render('health-check.sh', { ...hv, socketPath: path.join(dir, 'missing.sock') }));
      expect(await check(broken)).toMatch(/^<4>health check failed \(1 of 3\): HTTP 000: curl: \(7\)/);
    });

    test('skipped while a deploy holds the lock, or while the service is not running', async () => {
      writeFileSync(path.join(dir, 'deploy.lock'), '');
      expect(await check()).toContain('a deploy is in progress');
      rmSync(path.join(dir, 'deploy.lock'));
      writeFileSync(path.join(dir, 'state', 'health-failures'), '2\n');
      writeFileSync(path.join(dir, 'unit-state'), 'inactive\n');
      expect(await check()).toBe('<6>shop.service is inactive: health check skipped\n');
      expect(existsSync(path.join(dir, 'state', 'health-failures'))).toBe(false);
      expect(requests).toBe(0);
    });

    test('a failed service counts without a request (which would start it through the socket)', async () => {
      writeFileSync(path.join(dir, 'unit-state'), 'failed\n');
      expect(await check()).toBe('<4>health check failed (1 of 3): shop.service is in the failed state\n');
      expect(requests).toBe(0);
    });

    test('warns when the disk is fuller than the threshold', async () => {
      const used = Number(
        /(\d+)%/.exec(spawnSync('df', ['-P', dir], { encoding: 'utf8' }).stdout.split('\n')[1] ?? '')?.[1]
      );
      const low = path.join(dir, 'low-check');
      writeFileSync(low, render('health-check.sh', { ...hv, diskWarnPercent: 1, deployLockPath: dir }));
      const out = await check(low);
      if (used > 1)
        expect(out).toMatch(/^<4>disk: the filesystem holding .* is \d+% full \(warning above 1%\)/);
      else expect(out).not.toContain('disk:');
    });
  });
});

describe('db-maintenance.sh', () => {
  test('is valid bash', () => {
    expect(spawnSync('bash', ['-n'], { input: render('db-maintenance.sh') }).status).toBe(0);
  });

  withTool('sqlite3', 'gzip')(
    'backs up online, checks the copy, prunes old backups, VACUUMs on the 1st',
    async () => {
      const dir = tempDir('dbm-');
      try {
        const db = path.join(dir, 'instance', 'app.db');
        mkdirSync(path.dirname(db));
        const sql = 'PRAGMA journal_mode=WAL; CREATE TABLE rows (v); INSERT INTO rows VALUES (1), (2), (3);';
        expect(spawnSync('sqlite3', [db, sql]).status).toBe(0);
        const backups = path.join(dir, 'backups');
        // Run as whoever runs the tests: as root, the script's "app user" is root itself.
        const user = userInfo().username;
        const v = templateVars({ app: 'shop', user, dbPath: db, backupDir: backups, backupKeepDays: 14 });
        const script = path.join(dir, 'db-maintenance');
        writeFileSync(script, render('db-maintenance.sh', v));
        // `date +%d` decides the VACUUM day: a fake date answers it, the real one everything else.
        const realDate = spawnSync('sh', ['-c', 'command -v date'], { encoding: 'utf8' }).stdout.trim();
        mkdirSync(path.join(dir, 'bin'));
        writeFileSync(
          path.join(dir, 'bin', 'date'),
          `#!/bin/sh\nif [ "$1" = +%d ]; then echo "$DAY"; else exec ${realDate} "$@"; fi\n`
        );
        chmodSync(path.join(dir, 'bin', 'date'), 0o755);
        const day = async (d: string): Promise<string> =>
          (
            await run('bash', [script], {
              env: { ...process.env, DAY: d, PATH: `${dir}/bin:${process.env.PATH}` }
            })
          ).stdout;

        const first = await day('15');
        expect(first).toMatch(
          /^<6>backup: .*\/backups\/shop-\d{8}T\d{6}Z\.db\.gz \(\d+ bytes, integrity ok, \d+ s\)\n$/
        );
        const [gz] = readdirSync(backups);
        const copy = path.join(dir, 'copy.db');
        writeFileSync(copy, spawnSync('gzip', ['-dc', path.join(backups, gz)]).stdout);
        expect(
          spawnSync('sqlite3', [copy, 'SELECT count(*) FROM rows; PRAGMA journal_mode;'], {
            encoding: 'utf8'
          }).stdout
        ).toBe('3\ndelete\n');

        const old = path.join(backups, 'shop-20000101T000000Z.db.gz');
        writeFileSync(old, '');
        spawnSync('touch', ['-d', '20 days ago', old]);
        const second = await day('01');
        expect(second).toContain(`<6>deleted backup older than 14 days: ${old}`);
        expect(second).toMatch(/<6>VACUUM: .*app\.db from \d+ to \d+ bytes/);
        expect(existsSync(old)).toBe(false);

        rmSync(db);
        expect(await day('01')).toBe(`<6>no database at ${db} yet: nothing to do\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  );
});
