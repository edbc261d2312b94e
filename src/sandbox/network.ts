import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MAX_SLOT, NET_CIDR, netnsName, slotAddresses, vethName } from './config.js';
import { run } from './run.js';

/**
 * Takes the first free /24: mkdir is atomic, so parallel jest workers and CLI calls never get the
 * same one.
 */
export async function allocateSlot(stateDir: string): Promise<number> {
  const slots = path.join(stateDir, 'slots');
  await mkdir(slots, { recursive: true });
  for (let k = 1; k <= MAX_SLOT; k++) {
    try {
      await mkdir(path.join(slots, String(k)));
      return k;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`no free sandbox slot (all ${MAX_SLOT} in use under ${slots}); try \`sandbox down --all\``);
}

export async function claimSlot(stateDir: string, slot: number, name: string): Promise<void> {
  await writeFile(path.join(stateDir, 'slots', String(slot), 'name'), name);
}

export async function freeSlot(stateDir: string, slot: number): Promise<void> {
  await rm(path.join(stateDir, 'slots', String(slot)), { recursive: true, force: true });
}

/**
 * The guest's network is set up from the host before boot (nspawn joins the namespace as is),
 * so the guest needs no network manager of its own.
 */
export async function createNetwork(name: string, slot: number): Promise<void> {
  const ns = netnsName(name);
  const veth = vethName(slot);
  const addr = slotAddresses(slot);
  // The slot and name are ours exclusively now: anything by these names is a crash leftover.
  await deleteNetwork(name, slot);
  await run('ip', ['netns', 'add', ns]);
  await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'host0', 'netns', ns]);
  await run('ip', ['addr', 'add', `${addr.host}/24`, 'dev', veth]);
  await run('ip', ['link', 'set', veth, 'up']);
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', ns, 'addr', 'add', `${addr.guest}/24`, 'dev', 'host0']);
  await run('ip', ['-n', ns, 'link', 'set', 'host0', 'up']);
  await run('ip', ['-n', ns, 'route', 'add', 'default', 'via', addr.host]);
}

export async function deleteNetwork(name: string, slot: number): Promise<void> {
  const ns = netnsName(name);
  if (existsSync(`/run/netns/${ns}`)) await run('ip', ['netns', 'del', ns], { allowFail: true });
  // Deleting the namespace takes its end of the pair with it; this covers a half-made pair.
  if (existsSync(`/sys/class/net/${vethName(slot)}`)) {
    await run('ip', ['link', 'del', vethName(slot)], { allowFail: true });
  }
}

// FORWARD rules too: where Docker is installed (GitHub runners) the FORWARD policy is DROP.
const RULES: readonly (readonly string[])[] = [
  ['-t', 'nat', 'POSTROUTING', '-s', NET_CIDR, '!', '-d', NET_CIDR, '-j', 'MASQUERADE'],
  ['-t', 'filter', 'FORWARD', '-s', NET_CIDR, '-j', 'ACCEPT'],
  ['-t', 'filter', 'FORWARD', '-d', NET_CIDR, '-j', 'ACCEPT']
];

function ruleArgs(op: string, rule: readonly string[]): string[] {
  // rule = [-t, table, chain, ...match]
  return [rule[0], rule[1], op, ...rule.slice(2)];
}

/** Lets guests reach Debian's mirrors for apt, as a real server would. */
export async function ensureNat(): Promise<void> {
  await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
  for (const rule of RULES) {
    const present = await run('iptables', ['-w', ...ruleArgs('-C', rule)], { allowFail: true });
    if (present.code === 0) continue;
    // Insert, not append: an earlier DROP/REJECT in FORWARD must not win.
    await run('iptables', ['-w', ...ruleArgs(rule[2] === 'FORWARD' ? '-I' : '-A', rule)]);
  }
}

/** Removes every copy (two racing `up`s may each have added one). */
export async function removeNat(): Promise<void> {
  for (const rule of RULES) {
    for (let i = 0; i < 10; i++) {
      const r = await run('iptables', ['-w', ...ruleArgs('-D', rule)], { allowFail: true });
      if (r.code !== 0) break;
    }
  }
}
