import { execFile } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { SandboxServer } from '../src/sandbox/index.js';
import { formatTable } from '../src/report.js';
import { onServer } from '../__tests__/support/deploy.js';

export const run = promisify(execFile);
export const RESULTS_DIR = path.resolve('bench/results');

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const secs = (ms: number): string => (ms / 1000).toFixed(2);
export const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');

/** Prints a plain-text table straight to stdout (console.log in jest adds a stack trace to each call). */
export function printTable(title: string, header: string[], rows: string[][]): void {
  process.stdout.write(`\n${title}\n${formatTable(header, rows)}\n`);
}

export function printLine(text: string): void {
  process.stdout.write(text + '\n');
}

export async function writeResults(name: string, data: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  await writeFile(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}

/** Where and how this run happened, stored beside every result. */
export function machine(): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kernel: os.release()
  };
}

/**
 * CPU time the whole machine spent busy so far (every core, every process: the runner, and the
 * sandbox servers, which share its cores), in ms. The difference over a run, against the run's
 * wall time x the core count, says whether the run waited on the network or on the CPUs.
 */
export function machineBusyMs(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const [user, nice, system, , , irq, softirq, steal] = f;
  const ticks = user! + nice! + system! + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** OpenSSH options that check the sandbox's host key the same way our own client does. */
export async function sshOptions(server: SandboxServer): Promise<string[]> {
  const known = path.join(os.tmpdir(), `bench-known-${server.name}`);
  await writeFile(known, server.knownHosts + '\n');
  return [
    '-i',
    server.privateKeyPath,
    '-o',
    'BatchMode=yes',
    '-o',
    `UserKnownHostsFile=${known}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'LogLevel=ERROR'
  ];
}

/** rsync is not in the ready image: installs it from Debian's mirror (through the sandbox's NAT). */
export async function ensureRsync(server: SandboxServer): Promise<void> {
  await onServer(
    server,
    'command -v rsync >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync >/dev/null; }; command -v rsync',
    600_000
  );
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** The steps from the first SSH byte to the new release proven live, as issue 3 defines the figure. */
export const TO_HEALTH = [
  'connect',
  'lock',
  'layout',
  'upload',
  'venv',
  'config',
  'check',
  'backup',
  'pre-activate',
  'units',
  'switch',
  'verify'
];

/** Milliseconds from connect to health proven, out of a host's step records. */
export function toHealthMs(steps: readonly { name: string; ms: number }[]): number {
  return steps.filter((s) => TO_HEALTH.includes(s.name)).reduce((a, s) => a + s.ms, 0);
}

/** mulberry32: a small seeded PRNG, so the tree is the same on every machine and every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic bytes for one file: AES-CTR keyed by a label; text files mapped to printable lines. */
export function content(label: string, size: number, text: boolean): Buffer {
  const key = createHash('sha256').update(label).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  const raw = Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
  if (!text) return raw;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz_ ()=:.,0123456789    ';
  for (let i = 0; i < raw.length; i++) {
    raw[i] = i % 72 === 71 ? 10 : alphabet.charCodeAt(raw[i]! % alphabet.length);
  }
  return raw;
}
