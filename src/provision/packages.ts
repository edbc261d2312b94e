import type { DeployContext } from '../deploy/context.js';
import type { Settings } from '../settings.js';
import { serverScript } from '../render/scripts.js';
import { DeployError } from '../steps/step.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { servicePackages } from './services.js';

/** What every provisioned server needs (wrk: the load check's generator); apt-packages come on top. */
export const BASE_PACKAGES = ['python3-venv', 'python3-pip', 'nginx', 'logrotate', 'sqlite3', 'curl', 'wrk'];

/** Exit code of the script when a package name is not known to apt. */
const UNKNOWN = 5;

export function packageList(extra: string[]): string[] {
  return [...new Set([...BASE_PACKAGES, ...extra])];
}

/**
 * Installs what is missing. When everything is installed (dpkg-query), apt is not touched at all:
 * no `apt-get update`, which is most of a second run's time otherwise. Unknown names are found
 * with `apt-cache policy` after the update and refused before anything is installed, so a typo
 * leaves the server as it was. templates/scripts/packages.sh.
 */
export function packagesScript(packages: string[]): string {
  return serverScript('packages', { packages: packages.join('\n'), unknown_exit: UNKNOWN });
}

/**
 * What provision installs for these settings: the base, apt-packages, certbot for tls: acme (openssl
 * reads the certificates, for tls: files too), nftables for the firewall, fail2ban.
 */
export function provisionPackages(settings: Pick<Settings, 'provision' | 'tls' | 'database'>): string[] {
  const pr = settings.provision;
  const db = settings.database;
  const tls = settings.tls.mode;
  return packageList([
    ...pr.aptPackages,
    ...(tls === 'acme' ? ['certbot', 'openssl'] : tls === 'files' ? ['openssl'] : []),
    ...(pr.edge.firewall ? ['nftables'] : []),
    // python3-systemd is only a Recommends of fail2ban: its sshd jail reads the journal through it.
    ...(pr.edge.fail2ban ? ['fail2ban', 'python3-systemd', 'nftables'] : []),
    ...(pr.metrics.enabled ? ['prometheus-node-exporter'] : []),
    ...servicePackages(pr.services),
    // database: postgres: the server itself, or only pg_dump/pg_restore for an external one.
    ...(db.kind === 'postgres' ? [db.external ? 'postgresql-client' : 'postgresql'] : [])
  ]);
}

export async function ensurePackages(ctx: DeployContext): Promise<ProvisionResult> {
  const packages = provisionPackages(ctx.settings);
  try {
    return await runProvisionScript(ctx, 'installing packages', packagesScript(packages), {
      timeoutMs: 30 * 60_000,
      hint: 'Check the server can reach its apt mirrors (apt-get update) and that no other apt run holds the lock.'
    });
  } catch (err) {
    const m = /^unknown=(.*)$/m.exec(err instanceof Error ? err.message : '');
    if (m) {
      throw new DeployError(
        `apt does not know the package(s) ${m[1]} on this server; nothing was installed or changed`,
        'Fix apt-packages (apt-cache search NAME on the server finds the right name) and run provision again.'
      );
    }
    throw err;
  }
}
