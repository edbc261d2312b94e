import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appLayout } from '../../src/deploy/paths.js';
import type { DeployContext } from '../../src/deploy/context.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings, SettingsError } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { metricsProgram } from '../../src/metrics/program.js';
import { metricsFiles, metricsScript } from '../../src/metrics/provision.js';
import { metricsFacts } from '../../src/metrics/status.js';
import { ago } from '../../src/status/facts.js';
import { removeAppScript } from '../../src/provision/remove.js';

const base = {
  host: '10.0.0.5',
  'private-key': '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n',
  'host-fingerprint': 'SHA256:' + 'A'.repeat(43),
  'app-name': 'shop',
  mode: 'provision'
};

function ctxWith(inputs: Record<string, string>): DeployContext {
  const all: Record<string, string> = { ...base, ...inputs };
  const settings = parseSettings((n) => all[n] ?? '');
  return {
    remote: {} as Remote,
    settings,
    logger: memoryLogger(),
    label: 'h1',
    records: [],
    paths: appLayout(settings),
    facts: {}
  };
}

test('metrics-listen: an address and port, refused before any connection naming the input', () => {
  const bad = (listen: string): string => {
    try {
      ctxWith({ metrics: 'true', 'metrics-listen': listen });
    } catch (err) {
      return (err as SettingsError).message;
    }
    return '';
  };
  for (const ok of ['127.0.0.1:9100', '0.0.0.0:9100', '[::1]:9100', '10.1.2.3:19100'])
    expect(bad(ok)).toBe('');
  for (const no of [
    'localhost:9100',
    '127.0.0.1',
    '1.2.3.4:99999',
    '::1:9100',
    '127.0.0.1:9100 --x',
    '$(id):1'
  ])
    expect(bad(no)).toMatch(/input `metrics-listen`/);
  expect(bad('0.0.0.0:80')).toMatch(/input `metrics-listen`: port 80 is sshd's or nginx's/);
});

test('the provision and remove scripts are valid bash; node-exporter gets only the checked address', () => {
  const shapes: Record<string, string>[] = [
    { metrics: 'true' },
    { metrics: 'false' },
    { metrics: 'true', 'metrics-listen': '[::]:9200' }
  ];
  for (const over of shapes) {
    const r = spawnSync('bash', ['-n'], { input: metricsScript(ctxWith(over)), encoding: 'utf8' });
    expect(r.stderr).toBe('');
  }
  const r = spawnSync('bash', ['-n'], {
    input: removeAppScript(ctxWith({ mode: 'remove', 'remove-confirm': 'shop' })),
    encoding: 'utf8'
  });
  expect(r.stderr).toBe('');
  const files = metricsFiles(ctxWith({ metrics: 'true', 'metrics-listen': '[::]:9200' }));
  expect(files.find((f) => f.path === '/etc/default/prometheus-node-exporter')!.content).toContain(
    'ARGS="--web.listen-address=[::]:9200 --collector.textfile.directory=/var/lib/prometheus/node-exporter"'
  );
  expect(metricsScript(ctxWith({ metrics: 'true', 'metrics-listen': '[::]:9200' }))).toContain(
    "\nurl='http://[::1]:9200/metrics'\n"
  );
});

/** nginx's access log line in the gunicorn_deploy format, at Unix time t. */
function logLine(t: number, status: number, rt: number): string {
  const d = new Date(t * 1000);
  const mon = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ')[d.getUTCMonth()];
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  return `10.0.0.1 - - [${stamp}] "GET /x HTTP/1.1" ${status} 5 "-" "curl" rt=${rt.toFixed(3)} urt=${(rt - 0.001).toFixed(3)}\n`;
}

describe('the metrics program (python3, as root runs it)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'metrics-'));
  const prog = path.join(dir, 'prog.py');
  const log = path.join(dir, 'access.log');
  const out = path.join(dir, 'out');
  writeFileSync(prog, metricsProgram());
  spawnSync('mkdir', ['-m', '0755', out]);
  writeFileSync(
    path.join(dir, 'history'),
    '{"event":"deploy","status":"deployed","release":"r1","commit":"c1"}\n{"event":"deploy","status":"failed","release":"r2"}\n{"event":"rollback","status":"rolled-back","release":"r1"}\n'
  );
  symlinkSync(path.join(dir, 'releases', 'r1'), path.join(dir, 'current'));

  function run(): { samples: Record<string, string>; stderr: string } {
    const r = spawnSync(
      'python3',
      [
        '-I',
        prog,
        'shop',
        'gd-no-such.service',
        '/run/gd-none.sock',
        log,
        path.join(dir, 'history'),
        path.join(dir, 'current'),
        path.join(dir, 'state'),
        out
      ],
      { encoding: 'utf8' }
    );
    expect(r.status).toBe(0);
    const samples: Record<string, string> = {};
    for (const [, name, labels, v] of readFileSync(path.join(out, 'shop.prom'), 'utf8').matchAll(
      /^gunicorn_deploy_(\w+)\{([^}]*)\} (\S+)$/gm
    )) {
      const q = /quantile="([\d.]+)"/.exec(labels!)?.[1];
      samples[q ? `${name}@${q}` : name === 'release_info' ? `release_info{${labels}}` : name!] = v!;
    }
    return { samples, stderr: r.stderr };
  }

  const now = Math.floor(Date.now() / 1000);
  test('quantiles within 4 % of the exact ones; old lines and 5xx counted right; history by outcome', () => {
    // 1..200 ms, one each, in the last seconds (the window is 60 s: room for a slow machine); 50 lines
    // from 5 minutes ago that must not count.
    let text = '';
    for (let i = 0; i < 50; i++) text += logLine(now - 300, 200, 5);
    for (let i = 1; i <= 200; i++) text += logLine(now - 5 + (i % 5), i % 40 === 0 ? 502 : 200, i / 1000);
    writeFileSync(log, text);
    const { samples } = run();
    expect(samples.requests_last_minute).toBe('200');
    expect(samples.responses_5xx_last_minute).toBe('5');
    for (const [q, exact] of [
      ['0.5', 0.1],
      ['0.95', 0.19],
      ['0.99', 0.198]
    ] as const) {
      const v = Number(samples[`request_seconds@${q}`]);
      expect(v).toBeGreaterThanOrEqual(exact * 0.999);
      expect(v).toBeLessThanOrEqual(exact * 1.04);
    }
    expect(samples['release_info{app="shop",release="r1",commit="c1"}']).toBe('1');
    expect(samples.deploys_total).toBeDefined();
    expect(readFileSync(path.join(out, 'shop.prom'), 'utf8')).toContain(
      'gunicorn_deploy_deploys_total{app="shop",outcome="failed"} 1'
    );
    expect(samples.workers).toBe('0');
  });

  test('a second run reads only the new lines; a rotated log from its start; a linked log is left unread', () => {
    appendFileSync(log, logLine(now, 200, 0.5));
    expect(run().samples.requests_last_minute).toBe('201');
    // Rotated: a new file with one line; the window keeps what the old file gave.
    renameSync(log, `${log}.1`);
    writeFileSync(log, logLine(now, 500, 0.01));
    const rotated = run().samples;
    expect([rotated.requests_last_minute, rotated.responses_5xx_last_minute]).toEqual(['202', '6']);
    renameSync(log, `${log}.2`);
    symlinkSync(`${log}.1`, log);
    const linked = run();
    expect(linked.stderr).toContain('a symbolic link');
    expect(linked.samples.requests_last_minute).toBe('202');
  });
});

test('status facts from the text file: milliseconds, means and the age; empty without metrics', () => {
  const raw = {
    'metric-request_seconds_p_fifty': '0.0123',
    'metric-request_seconds_p_ninety_five': '0.25',
    'metric-request_seconds_p_ninety_nine': 'NaN',
    'metric-workers_busy': '2.3',
    'metric-workers_busy_max': '4',
    'metric-requests_last_minute': '120',
    'metric-responses_fivexx_last_minute': '3',
    'metric-metrics_timestamp_seconds': '1000'
  };
  const f = metricsFacts(raw, 1010, ago);
  expect([
    f['p50-ms'],
    f['p95-ms'],
    f['p99-ms'],
    f['busy-mean'],
    f['busy-max'],
    f['requests-1m'],
    f['metrics-age']
  ]).toEqual(['12.3', '250.0', '', '2.3', '4', '120', '10 s']);
  expect(f['5xx-1m']).toBe('3');
  expect(Object.values(metricsFacts({}, 1010, ago)).every((v) => v === '')).toBe(true);
});
