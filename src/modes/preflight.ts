import type { Remote } from '../ssh/types.js';
import type { Settings } from '../settings.js';
import { shQuote } from '../ssh/quote.js';

export const PREFLIGHT_KEYS = [
  'os',
  'sudo',
  'systemd',
  'python',
  'venv',
  'disk-free',
  'provisioned',
  'usable'
];

/** Below this, a release plus a venv may not fit. */
const MIN_FREE_MB = 500;

/**
 * One round trip that reads everything preflight needs. Each probe prints key=value and never
 * fails the script, so one missing tool is reported as such rather than hiding the others.
 */
export function preflightScript(settings: Settings): string {
  const app = shQuote(settings.app.name);
  const dir = shQuote(settings.app.dir);
  return `
set +e
. /etc/os-release 2>/dev/null; echo "os=\${PRETTY_NAME:-unknown}"
if [ "$(id -u)" = 0 ]; then echo sudo=root; elif sudo -n true 2>/dev/null; then echo sudo=yes; else echo sudo=no; fi
echo "pid1=$(cat /proc/1/comm 2>/dev/null)"
py=${shQuote(settings.deploy.python)}
if command -v "$py" >/dev/null; then echo "python=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>&1)"; else echo python=; fi
if "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then echo venv=yes; else echo venv=no; fi
d=${dir}; while [ ! -d "$d" ]; do d=$(dirname "$d"); done
echo "free_mb=$(df -Pm "$d" | awk 'NR==2 {print $4}')"
if [ -f /etc/systemd/system/${app}.service ] && [ -L ${dir}/current ]; then echo provisioned=yes; else echo provisioned=no; fi
`;
}

export interface PreflightFacts {
  facts: Record<string, string>;
  problems: string[];
}

export function parsePreflight(stdout: string): PreflightFacts {
  const kv: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  const problems: string[] = [];
  if (kv.sudo === 'no')
    problems.push('the SSH user has no passwordless sudo: add a sudoers rule (USER ALL=(ALL) NOPASSWD:ALL)');
  if (kv.pid1 !== 'systemd')
    problems.push(`systemd is not PID 1 (PID 1 is '${kv.pid1 ?? '?'}'): the app runs as a systemd service`);
  if (!kv.python || !/^\d+\.\d+/.test(kv.python))
    problems.push('python3 is missing: apt-get install python3');
  const free = Number(kv.free_mb ?? '0');
  if (free < MIN_FREE_MB)
    problems.push(`only ${free} MB free on the app's disk: at least ${MIN_FREE_MB} MB is needed`);
  const facts: Record<string, string> = {
    os: kv.os ?? 'unknown',
    sudo: kv.sudo ?? '?',
    systemd: kv.pid1 === 'systemd' ? 'yes' : 'no',
    python: kv.python || 'missing',
    venv: kv.venv === 'yes' ? 'yes' : 'no (apt-get install python3-venv)',
    'disk-free': `${free} MB`,
    provisioned: kv.provisioned ?? 'no',
    usable: problems.length === 0 ? 'yes' : 'no'
  };
  return { facts, problems };
}

export async function preflight(remote: Remote, settings: Settings): Promise<PreflightFacts> {
  const res = await remote.script(preflightScript(settings), { timeoutMs: 60_000 });
  return parsePreflight(res.stdout);
}
