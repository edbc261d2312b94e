import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CgroupPlan, createCgroups, planCgroups, removeCgroups } from './cgroup.js';
import {
  SERVER_USER,
  SSH_PORT,
  isSuite,
  netnsName,
  sandboxPaths,
  serverDiskDir,
  serverStateDir,
  slotAddresses,
  validateName,
  vethName
} from './config.js';
import { isOurLauncher, launch, stopLauncher } from './launcher.js';
import { removeTree, unmountTree } from './mounts.js';
import {
  allocateSlot,
  claimSlot,
  createNetwork,
  deleteNetwork,
  ensureNat,
  freeSlot,
  removeNat
} from './network.js';
import { ensureRootfs } from './rootfs.js';
import { preflight, run } from './run.js';
import { ensureClientKey, knownHostsLine, waitForSsh } from './ssh-probe.js';
import type { DownOptions, SandboxServer, UpOptions } from './types.js';

/** What `down` needs to undo `up`, written before anything is created so a failed `up` can be undone too. */
interface ServerRecord {
  server: SandboxServer;
  slot: number;
  netns: string;
  veth: string;
  rootfs: string;
  disk: string;
  cgroups: CgroupPlan;
  startedAt: string;
}

const SSH_WAIT_MS = 60_000;
const noop = (): void => undefined;

function recordFile(name: string): string {
  return path.join(serverStateDir(sandboxPaths(), name), 'record.json');
}

function consoleLog(name: string): string {
  return path.join(serverStateDir(sandboxPaths(), name), 'console.log');
}

async function writeRecord(rec: ServerRecord): Promise<void> {
  const file = recordFile(rec.server.name);
  await writeFile(`${file}.tmp`, JSON.stringify(rec, null, 2) + '\n');
  await writeFile(path.join(path.dirname(file), 'pid'), `${rec.server.pid}\n`);
  // A reader never sees half a record.
  await rename(`${file}.tmp`, file);
}

async function readRecord(name: string): Promise<ServerRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordFile(name), 'utf8')) as ServerRecord;
  } catch {
    return undefined;
  }
}

async function recordNames(): Promise<string[]> {
  const dir = path.join(sandboxPaths().state, 'servers');
  return (await readdir(dir).catch(() => [] as string[])).filter((n) => existsSync(recordFile(n))).sort();
}

async function consoleTail(name: string, lines = 30): Promise<string> {
  const text = await readFile(consoleLog(name), 'utf8').catch(() => '');
  const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
  return tail ? `\n--- console (last ${lines} lines) ---\n${tail}` : '';
}

async function passwdIds(root: string, user: string): Promise<{ uid: number; gid: number }> {
  const line = (await readFile(path.join(root, 'etc/passwd'), 'utf8'))
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`user ${user} missing from ${root}/etc/passwd`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** What makes this clone one server among many: its own host keys, name, and the client's key. */
async function personalize(merged: string, name: string, clientPub: string): Promise<void> {
  // Debian makes host keys at package install only, so a clone without them would have no sshd.
  await run('ssh-keygen', ['-A', '-f', merged]);
  const { uid, gid } = await passwdIds(merged, SERVER_USER);
  const sshDir = path.join(merged, 'home', SERVER_USER, '.ssh');
  await mkdir(sshDir, { recursive: true });
  await chmod(sshDir, 0o700);
  await chown(sshDir, uid, gid);
  const keys = path.join(sshDir, 'authorized_keys');
  await writeFile(keys, clientPub, { mode: 0o600 });
  await chown(keys, uid, gid);
  await writeFile(path.join(merged, 'etc/hostname'), `${name}\n`);
  // sudo resolves the hostname on every call; without this line each sudo waits on DNS.
  await writeFile(path.join(merged, 'etc/hosts'), `127.0.0.1 localhost\n127.0.1.1 ${name}\n::1 localhost\n`);
}

/** Boots a new server and returns once `ssh deploy@IP true` works with strict host key checking. */
export async function sandboxUp(opts: UpOptions = {}): Promise<SandboxServer> {
  const log = opts.log ?? noop;
  const suite = opts.suite ?? 'trixie';
  if (!isSuite(suite)) throw new Error(`unknown suite ${JSON.stringify(suite)}: use trixie or bookworm`);
  const bare = opts.bare ?? false;
  if (opts.name !== undefined) validateName(opts.name);
  await preflight();
  const rootfs = await ensureRootfs({ suite, bare, log });
  const paths = sandboxPaths();
  const keyPath = await ensureClientKey(paths.state);
  const slot = await allocateSlot(paths.state);
  const name = opts.name ?? `sb-${slot}`;
  const stateDir = serverStateDir(paths, name);
  try {
    await mkdir(path.dirname(stateDir), { recursive: true });
    await mkdir(stateDir);
  } catch (err) {
    await freeSlot(paths.state, slot);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`sandbox ${name} already exists (stop it with: sandbox down --name ${name})`);
    }
    throw err;
  }
  await claimSlot(paths.state, slot, name);
  const addr = slotAddresses(slot);
  const rec: ServerRecord = {
    server: {
      name,
      host: addr.guest,
      port: SSH_PORT,
      user: SERVER_USER,
      privateKeyPath: keyPath,
      knownHosts: '',
      pid: 0,
      suite,
      bare
    },
    slot,
    netns: netnsName(name),
    veth: vethName(slot),
    rootfs,
    disk: serverDiskDir(paths, name),
    cgroups: planCgroups(name),
    startedAt: new Date().toISOString()
  };
  await writeRecord(rec);
  const started = Date.now();
  try {
    await boot(rec, keyPath, log);
  } catch (err) {
    const tail = await consoleTail(name);
    await teardown(rec).catch(noop);
    await removeNatIfIdle().catch(noop);
    throw new Error(`sandbox ${name} did not come up: ${(err as Error).message}${tail}`);
  }
  log(`sandbox ${name} up at ${rec.server.host} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return rec.server;
}

async function boot(rec: ServerRecord, keyPath: string, log: (line: string) => void): Promise<void> {
  const { name } = rec.server;
  const t0 = Date.now();
  const merged = path.join(rec.disk, 'merged');
  // The name is ours exclusively now: a disk dir by this name is a leftover from before a reboot.
  if (existsSync(rec.disk)) await removeTree(rec.disk);
  for (const d of ['upper', 'work', 'merged']) await mkdir(path.join(rec.disk, d), { recursive: true });
  // Copy-on-write clone of the template: milliseconds, and the guest's changes survive its reboots.
  await run('mount', [
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=${rec.rootfs},upperdir=${rec.disk}/upper,workdir=${rec.disk}/work`,
    merged
  ]);
  // Host key generation (RSA: up to a second or two) overlaps the network setup.
  await Promise.all([
    personalize(merged, name, await readFile(`${keyPath}.pub`, 'utf8')),
    (async () => {
      await createNetwork(name, rec.slot);
      await ensureNat();
      await createCgroups(rec.cgroups);
    })()
  ]);
  rec.server.knownHosts = await knownHostsLine(merged, rec.server.host);
  const knownHostsFile = path.join(serverStateDir(sandboxPaths(), name), 'known_hosts');
  await writeFile(knownHostsFile, rec.server.knownHosts + '\n');
  rec.server.pid = launch({
    name,
    root: merged,
    netns: rec.netns,
    consoleLog: consoleLog(name),
    cgroups: rec.cgroups
  });
  await writeRecord(rec);
  log(
    `sandbox ${name}: clone, keys and network ready in ${Date.now() - t0} ms; booting (launcher pid ${rec.server.pid})`
  );
  await waitForSsh({
    keyPath,
    knownHostsFile,
    user: rec.server.user,
    host: rec.server.host,
    timeoutMs: SSH_WAIT_MS,
    alive: () => isOurLauncher(rec.server.pid, name)
  });
}

/** Undoes `up` step by step; every step tolerates having been done already. */
async function teardown(rec: ServerRecord): Promise<void> {
  const { name } = rec.server;
  const paths = sandboxPaths();
  if (rec.server.pid > 0) await stopLauncher(rec.server.pid, name, rec.cgroups);
  await unmountTree(path.join(rec.disk, 'merged'));
  await removeTree(rec.disk);
  await deleteNetwork(name, rec.slot);
  await removeCgroups(rec.cgroups);
  await freeSlot(paths.state, rec.slot);
  await rm(serverStateDir(paths, name), { recursive: true, force: true });
}

/** The NAT rules are shared by all servers: the last one out removes them. */
async function removeNatIfIdle(): Promise<void> {
  if ((await recordNames()).length === 0) await removeNat();
}

/**
 * Powers servers off by their recorded PID and removes all they used. Never touches anything
 * unrecorded; a name without a record is simply not in the result.
 */
export async function sandboxDown(opts: DownOptions): Promise<string[]> {
  if (!opts.all && !opts.name) throw new Error('sandbox down: give a name or all');
  if (opts.name) validateName(opts.name);
  await preflight();
  const names = opts.all ? await recordNames() : [opts.name!];
  const records: ServerRecord[] = [];
  for (const n of names) {
    const rec = await readRecord(n);
    if (rec) records.push(rec);
  }
  const results = await Promise.allSettled(records.map((r) => teardown(r)));
  await removeNatIfIdle();
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${records[i].server.name}: ${r.reason}`] : []
  );
  if (failed.length) throw new Error(`sandbox down failed for ${failed.join('; ')}`);
  return records.map((r) => r.server.name);
}

/** Servers with a record and a launched guest (one still booting included). */
export async function sandboxList(): Promise<SandboxServer[]> {
  const out: SandboxServer[] = [];
  for (const n of await recordNames()) {
    const rec = await readRecord(n);
    if (rec && rec.server.pid > 0) out.push(rec.server);
  }
  return out;
}
