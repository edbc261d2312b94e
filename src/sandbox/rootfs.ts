import { createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DISABLED_SERVICES,
  SERVER_USER,
  debootstrapPackages,
  packagesFor,
  rootfsKey,
  sandboxPaths,
  type Suite
} from './config.js';
import { withLock } from './lock.js';
import { removeTree } from './mounts.js';
import { preflight, run } from './run.js';

export interface RootfsOptions {
  suite: Suite;
  bare: boolean;
  log?: (line: string) => void;
}

const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** A finished template: only ever seen after the atomic rename, so this is enough to trust it. */
function isComplete(dir: string): boolean {
  return existsSync(path.join(dir, 'usr/lib/systemd/systemd')) && existsSync(path.join(dir, 'etc/passwd'));
}

export function rootfsPath(suite: Suite, bare: boolean): string {
  return path.join(sandboxPaths().cache, rootfsKey(suite, bare));
}

/**
 * Returns the template for (suite, bare), building it the first time. Builders of the same
 * template queue on a lock; a crashed build leaves only a `.build-*` dir, which the next one removes.
 */
export async function ensureRootfs(opts: RootfsOptions): Promise<string> {
  const final = rootfsPath(opts.suite, opts.bare);
  if (isComplete(final)) return final;
  await preflight();
  const cache = path.dirname(final);
  const key = path.basename(final);
  const log = opts.log ?? (() => undefined);
  await mkdir(cache, { recursive: true });
  return withLock(
    path.join(cache, `.lock-${key}`),
    async () => {
      if (isComplete(final)) return final;
      for (const entry of await readdir(cache)) {
        if (entry.startsWith(`.build-${key}-`)) await removeTree(path.join(cache, entry));
      }
      const build = path.join(cache, `.build-${key}-${process.pid}`);
      const started = Date.now();
      log(`building ${key} with debootstrap (once; a few minutes)`);
      await debootstrap(opts.suite, opts.bare, build, path.join(cache, `${key}.debootstrap.log`));
      await aptInstall(
        build,
        packagesFor(opts.bare).filter((p) => !debootstrapPackages(opts.bare).includes(p))
      );
      await finishRootfs(build);
      await rename(build, final);
      log(`built ${final} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return final;
    },
    { onWait: () => log(`waiting for another process building ${key}`) }
  );
}

async function debootstrap(suite: Suite, bare: boolean, target: string, logFile: string): Promise<void> {
  const args = ['--variant=minbase', `--include=${debootstrapPackages(bare).join(',')}`];
  // Name the keyring: Ubuntu's debootstrap does not default to Debian's for Debian suites.
  if (!existsSync(DEBIAN_KEYRING)) {
    throw new Error(
      `debootstrap of Debian ${suite} needs ${DEBIAN_KEYRING}; install with:\n  apt-get install -y debian-archive-keyring`
    );
  }
  args.push(`--keyring=${DEBIAN_KEYRING}`);
  args.push(suite, target);
  const mirror = process.env.GUNICORN_DEPLOY_DEBIAN_MIRROR;
  if (mirror) args.push(mirror);
  const out = createWriteStream(logFile, { flags: 'w' });
  try {
    await run('debootstrap', args, { onLine: (l) => out.write(l + '\n') });
  } catch (err) {
    throw new Error(`debootstrap failed (full log: ${logFile}): ${(err as Error).message}`);
  } finally {
    out.end();
  }
}

/**
 * apt inside the new tree, for what debootstrap cannot resolve. policy-rc.d keeps the packages'
 * services from starting on the builder; /proc is what some maintainer scripts read.
 */
async function aptInstall(root: string, packages: readonly string[]): Promise<void> {
  if (packages.length === 0) return;
  const policy = path.join(root, 'usr/sbin/policy-rc.d');
  await writeFile(policy, '#!/bin/sh\nexit 101\n');
  await chmod(policy, 0o755);
  await run('mount', ['-t', 'proc', 'proc', path.join(root, 'proc')]);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('chroot', [root, 'apt-get', 'update', '-q'], { env, timeoutMs: 10 * 60_000 });
    await run('chroot', [root, 'apt-get', 'install', '-y', '-q', '--no-install-recommends', ...packages], {
      env,
      timeoutMs: 15 * 60_000
    });
    await run('chroot', [root, 'apt-get', 'clean'], { env });
  } finally {
    await run('umount', [path.join(root, 'proc')], { allowFail: true });
    await rm(policy, { force: true });
  }
}

/**
 * What every server shares, done once on the template: no identity (machine-id, host keys) so
 * that clones do not share one; a sudo user that logs in by key only. The key itself is added per
 * server, so the template does not depend on any key.
 */
export async function finishRootfs(root: string): Promise<void> {
  await writeFile(path.join(root, 'etc/machine-id'), '');
  const passwd = await run('chroot', [root, 'getent', 'passwd', SERVER_USER], { allowFail: true });
  if (passwd.code !== 0) {
    await run('chroot', [root, 'useradd', '-m', '-s', '/bin/bash', '-G', 'sudo', SERVER_USER]);
  }
  const sudoers = path.join(root, 'etc/sudoers.d', SERVER_USER);
  await writeFile(sudoers, `${SERVER_USER} ALL=(ALL) NOPASSWD:ALL\n`);
  await chmod(sudoers, 0o440);
  await mkdir(path.join(root, 'etc/ssh/sshd_config.d'), { recursive: true });
  await writeFile(
    path.join(root, 'etc/ssh/sshd_config.d/10-gunicorn-deploy-sandbox.conf'),
    'PasswordAuthentication no\nKbdInteractiveAuthentication no\n'
  );
  for (const f of await readdir(path.join(root, 'etc/ssh'))) {
    if (f.startsWith('ssh_host_')) await rm(path.join(root, 'etc/ssh', f));
  }
  // Enabled by their packages; provision starts them where an app asks for them.
  for (const unit of DISABLED_SERVICES) {
    if (existsSync(path.join(root, 'lib/systemd/system', `${unit}.service`))) {
      await run('chroot', [root, 'systemctl', 'disable', '--quiet', `${unit}.service`]);
    }
  }
  const archives = path.join(root, 'var/cache/apt/archives');
  for (const f of await readdir(archives).catch(() => [] as string[])) {
    if (f.endsWith('.deb')) await rm(path.join(archives, f));
  }
}
