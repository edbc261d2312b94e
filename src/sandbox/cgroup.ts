import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { run, sleep } from './run.js';

/**
 * Where a guest's processes live on the host. Each launcher gets a cgroup of its own: two
 * `--keep-unit` guests sharing one cgroup see each other's units.
 * - 'systemd-run': the host's PID 1 is systemd (GitHub runners, desktops). Only it may create
 *   cgroups there, so the launcher runs in a transient scope with delegation.
 * - 'own': no systemd on the host (containers, this kind of VM): we create the cgroup dirs and
 *   the launcher moves itself in before starting nspawn.
 */
export interface CgroupPlan {
  mode: 'systemd-run' | 'own';
  /** 'own': the dirs, one per mounted hierarchy nspawn cares about. */
  dirs: string[];
  /** 'systemd-run': the scope's unit name. */
  unit?: string;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

export function hostRunsSystemd(): boolean {
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd';
  } catch {
    return false;
  }
}

/** cgroup v1 with the named systemd hierarchy plus cgroup2 at unified/ (hybrid), or cgroup2 only. */
function hierarchies(): string[] {
  if (existsSync(path.join(CGROUP_ROOT, 'cgroup.controllers'))) return [CGROUP_ROOT];
  return ['systemd', 'unified'].map((h) => path.join(CGROUP_ROOT, h)).filter((d) => existsSync(d));
}

export function planCgroups(name: string): CgroupPlan {
  const leaf = `gunicorn-deploy-sandbox-${name}`;
  if (hostRunsSystemd()) return { mode: 'systemd-run', dirs: [], unit: `${leaf}.scope` };
  const dirs = hierarchies().map((h) => path.join(h, leaf));
  if (!dirs.length) throw new Error(`no cgroup hierarchy for systemd found under ${CGROUP_ROOT}`);
  return { mode: 'own', dirs };
}

/**
 * A guest always sees pure cgroup2, as on current Debian and Ubuntu servers; on a hybrid host
 * nspawn would otherwise give it the host's legacy layout.
 */
export function nspawnEnv(): NodeJS.ProcessEnv {
  return { ...process.env, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1' };
}

export async function createCgroups(plan: CgroupPlan): Promise<void> {
  if (plan.mode === 'systemd-run') {
    // A scope of that name left by a crash would make systemd-run fail.
    await run('systemctl', ['stop', plan.unit!], { allowFail: true });
    await run('systemctl', ['reset-failed', plan.unit!], { allowFail: true });
    return;
  }
  await removeCgroups(plan);
  for (const d of plan.dirs) await mkdir(d, { recursive: true });
}

/** The command prefix that puts the launcher into its cgroup. */
export function launchPrefix(plan: CgroupPlan): string[] {
  if (plan.mode === 'own') return [];
  return [
    'systemd-run',
    '--scope',
    '--quiet',
    '--collect',
    `--unit=${plan.unit}`,
    '-p',
    'Delegate=yes',
    '--'
  ];
}

async function subtree(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await subtree(path.join(dir, e.name))));
  }
  out.push(dir);
  return out;
}

/** Last resort when a guest will not power off: everything in its cgroup is ours, and only that. */
export async function killCgroups(plan: CgroupPlan): Promise<void> {
  if (plan.mode === 'systemd-run') {
    await run('systemctl', ['kill', '--signal=KILL', plan.unit!], { allowFail: true });
    return;
  }
  for (const root of plan.dirs) {
    for (const d of await subtree(root)) {
      const procs = await readFile(path.join(d, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const pid of procs.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

export async function removeCgroups(plan: CgroupPlan): Promise<void> {
  if (plan.mode === 'systemd-run') {
    await run('systemctl', ['stop', plan.unit!], { allowFail: true });
    return;
  }
  for (const root of plan.dirs) {
    // Exiting processes leave their cgroup a moment after the parent sees them exit.
    for (let attempt = 0; attempt < 20; attempt++) {
      let busy = false;
      for (const d of await subtree(root)) {
        try {
          await rmdir(d);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') busy = true;
        }
      }
      if (!busy) break;
      await sleep(100);
    }
  }
}
