import type { Remote } from '../ssh/types.js';
import type { Settings } from '../settings.js';
import { serverScript } from '../render/scripts.js';
import { diskProbe, nameProbe } from '../steps/ownership.js';
import { appLayout } from '../deploy/paths.js';
import { calendarProbe, calendarProblems } from '../schedules/script.js';

export const PREFLIGHT_KEYS = [
  'os',
  'sudo',
  'systemd',
  'python',
  'venv',
  'packages',
  'disk-free',
  'app-name',
  'provisioned',
  'usable'
];

/** The oldest systemd the units are written for (Debian 11 / Ubuntu 22.04 ship 247 / 249). */
export const MIN_SYSTEMD = 247;

/**
 * One round trip that reads everything deploy and provision need, as the login user (no writes).
 * Each probe prints key=value and never fails the script, so one missing tool is reported as such
 * rather than hiding the others. Scripts: templates/scripts/preflight.sh, disk_probe.sh,
 * name_probe.sh, preflight_end.sh.
 */
export function preflightScript(settings: Settings): string {
  const layout = appLayout(settings);
  const tools: [string, string][] = [
    ['curl', 'curl'],
    ['flock', 'util-linux'],
    ['tar', 'tar'],
    ['sudo', 'sudo'],
    ...(settings.deploy.sqliteDb ? ([['sqlite3', 'sqlite3']] as [string, string][]) : [])
  ];
  // The disk and name facts are printed after both probes ran (the probes print nothing).
  return `${serverScript('preflight', {
    py: settings.deploy.python,
    tools: tools.map(([cmd, pkg]) => `${cmd}:${pkg}`).join(' ')
  })}${diskProbe(settings)}${nameProbe(settings)}${serverScript('preflight_end', {
    service_file: layout.units.service.file,
    current: layout.current
  })}${calendarProbe(settings)}
`;
}

export interface PreflightFacts {
  facts: Record<string, string>;
  /** Everything that makes the server unusable for a deploy today. */
  problems: string[];
  /** The part of problems that provision itself cannot fix (it installs the missing packages). */
  hostProblems: string[];
}

/** The Debian package that provides each missing piece, in the order apt should get them. */
function missingPackages(kv: Record<string, string>, python: string): string[] {
  const pkgs: string[] = [];
  const hasPython = !!kv.python && /^\d+\.\d+/.test(kv.python);
  if (!hasPython) pkgs.push(python === 'python3' ? 'python3' : python.split('/').pop()!);
  if (kv.venv !== 'yes') {
    // Debian/Ubuntu name the venv package after the interpreter: python3.11 -> python3.11-venv.
    const m = /^(\d+)\.(\d+)/.exec(kv.python ?? '');
    pkgs.push(python === 'python3' || !m ? 'python3-venv' : `python${m[1]}.${m[2]}-venv`);
  }
  for (const p of (kv.missing ?? '').split(/\s+/)) if (p && !pkgs.includes(p)) pkgs.push(p);
  return pkgs;
}

export function parsePreflight(stdout: string, settings?: Settings): PreflightFacts {
  const kv: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  const python = settings?.deploy.python ?? 'python3';
  const host: string[] = [];
  if (kv.sudo === 'no')
    host.push('the SSH user has no passwordless sudo: add a sudoers rule (USER ALL=(ALL) NOPASSWD:ALL)');
  if (kv.pid1 !== 'systemd')
    host.push(`systemd is not PID 1 (PID 1 is '${kv.pid1 ?? '?'}'): the app runs as a systemd service`);
  const systemdVersion = Number(kv.systemd_version);
  if (kv.pid1 === 'systemd' && !(systemdVersion >= MIN_SYSTEMD))
    host.push(
      `systemd ${kv.systemd_version || '?'} is older than ${MIN_SYSTEMD}: use Debian 11+ or Ubuntu 22.04+`
    );
  const free = Number(kv.free_mb ?? '0');
  const need = Number(kv.need_mb ?? '0');
  if (free < need)
    host.push(
      `only ${free} MB free on the filesystem of ${settings?.app.dir ?? 'app-dir'} (${kv.disk_dir ?? '?'}): min-free-space needs ${need} MB; free space or lower min-free-space`
    );
  if (kv.taken)
    host.push(
      `app-name \`${settings?.app.name ?? '?'}\` is taken on this server by something gunicorn-deploy did not create: ${kv.taken}; choose another app-name`
    );
  const pkgs = missingPackages(kv, python);
  const apt = `apt-get install -y ${pkgs.join(' ')}`;
  const packageProblems: string[] = [];
  if (!kv.python || !/^\d+\.\d+/.test(kv.python))
    packageProblems.push(`python3 is missing (the interpreter \`${python}\` was not found)`);
  if (pkgs.length > 0)
    packageProblems.push(
      `missing packages: ${pkgs.join(' ')}: run \`sudo ${apt}\` on the server, or mode provision (it installs them)`
    );
  const problems = [...host, ...packageProblems, ...calendarProblems(kv, settings)];
  const facts: Record<string, string> = {
    os: kv.os ?? 'unknown',
    sudo: kv.sudo ?? '?',
    systemd:
      kv.pid1 !== 'systemd'
        ? 'no'
        : systemdVersion >= MIN_SYSTEMD
          ? 'yes'
          : `too old (${kv.systemd_version || '?'})`,
    python: kv.python || 'missing',
    venv:
      kv.venv === 'yes'
        ? 'yes'
        : `no (apt-get install ${pkgs.find((p) => p.endsWith('-venv')) ?? 'python3-venv'})`,
    packages: pkgs.length === 0 ? 'ok' : `missing: ${apt}`,
    'disk-free': `${free} MB (floor ${need} MB)`,
    'app-name': kv.taken ? `taken: ${kv.taken}` : 'free or ours',
    provisioned: kv.provisioned ?? 'no',
    usable: problems.length === 0 ? 'yes' : 'no'
  };
  return { facts, problems, hostProblems: host };
}

export async function preflight(remote: Remote, settings: Settings): Promise<PreflightFacts> {
  const res = await remote.script(preflightScript(settings), { timeoutMs: 60_000 });
  return parsePreflight(res.stdout, settings);
}
