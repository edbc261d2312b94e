import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { type CgroupPlan, killCgroups, launchPrefix, nspawnEnv } from './cgroup.js';
import { sleep } from './run.js';

/**
 * The supervisor that outlives the `up` call: joins its cgroup, runs nspawn, boots the guest
 * again when it reboots (nspawn exits 133), and turns TERM into a clean guest poweroff (nspawn
 * does that on TERM). A few lines of shell, because it has to keep running after node exits and
 * a node process per server would cost tens of MB for a loop.
 */
const SUPERVISOR = `
for f in $GD_CGROUP_PROCS; do echo $$ > "$f" || exit 1; done
stop=; child=
trap 'stop=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT
while [ -z "$stop" ]; do
  "$@" & child=$!
  wait "$child"; rc=$?
  while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
  child=
  [ "$rc" = 133 ] || exit "$rc"
  echo "gunicorn-deploy sandbox: the guest rebooted; booting it again"
done
`;

export interface LaunchSpec {
  name: string;
  root: string;
  netns: string;
  consoleLog: string;
  cgroups: CgroupPlan;
}

function marker(name: string): string {
  return `gunicorn-deploy-sandbox-${name}`;
}

export function nspawnArgs(spec: Pick<LaunchSpec, 'name' | 'root' | 'netns'>): string[] {
  return [
    'systemd-nspawn',
    '--boot',
    `--directory=${spec.root}`,
    `--machine=${spec.name}`,
    // No machined/dbus on hosts without systemd; without --keep-unit nspawn asks the system bus
    // for a scope and fails ("Failed to open system bus").
    '--register=no',
    '--keep-unit',
    `--network-namespace-path=/run/netns/${spec.netns}`,
    // Only --private-network grants it by itself: the guest's own nftables rules (firewall: true)
    // need it, and it reaches no further than the guest's network namespace.
    '--capability=CAP_NET_ADMIN',
    '--resolv-conf=copy-host'
  ];
}

/** Starts the guest; returns the supervisor's PID, the handle `down` uses. */
export function launch(spec: LaunchSpec): number {
  const out = openSync(spec.consoleLog, 'a');
  try {
    const argv = [
      ...launchPrefix(spec.cgroups),
      'bash',
      '-c',
      SUPERVISOR,
      marker(spec.name),
      ...nspawnArgs(spec)
    ];
    const env = {
      ...nspawnEnv(),
      GD_CGROUP_PROCS: spec.cgroups.dirs.map((d) => `${d}/cgroup.procs`).join(' ')
    };
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', out, out], env });
    child.on('error', () => undefined); // surfaces as a dead PID and the console log
    child.unref();
    if (!child.pid) throw new Error(`could not start ${argv[0]}`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** True only for a live supervisor of this server: a recycled PID is never signalled. */
export function isOurLauncher(pid: number, name: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes(marker(name));
  } catch {
    return false;
  }
}

async function waitGone(pid: number, name: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isOurLauncher(pid, name)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Clean poweroff first; a guest that hangs on shutdown is killed through its own cgroup. */
export async function stopLauncher(
  pid: number,
  name: string,
  cgroups: CgroupPlan,
  timeoutMs = 30_000
): Promise<void> {
  if (!isOurLauncher(pid, name)) return;
  process.kill(pid, 'SIGTERM');
  if (await waitGone(pid, name, timeoutMs)) return;
  await killCgroups(cgroups);
  try {
    process.kill(-pid, 'SIGKILL'); // its own session and process group (detached)
  } catch {
    // already gone
  }
  if (!(await waitGone(pid, name, 5_000))) throw new Error(`sandbox ${name}: launcher ${pid} would not stop`);
}
