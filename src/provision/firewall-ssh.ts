import { BlockList } from 'node:net';
import type { DeployContext } from '../deploy/context.js';
import { parseSource, sourceText } from '../rules.js';
import type { Remote } from '../ssh/types.js';
import { DeployError } from '../steps/step.js';

// Who may reach SSH through the firewall: the run's own connection and ssh-allow-from.

/** The run's own connection ($SSH_CONNECTION, as the login user): its client address and server port. */
export async function sshConnection(remote: Remote): Promise<{ client: string; port: number }> {
  const res = await remote.exec('printf "%s\\n" "${SSH_CONNECTION:-}"', { timeoutMs: 30_000 });
  const m = /^(\S+) \d+ \S+ (\d+)\s*$/.exec(res.stdout);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DeployError(
      'cannot tell which port this SSH connection uses on the server (SSH_CONNECTION is not set); the firewall was not changed',
      'Check that the server runs OpenSSH (it sets SSH_CONNECTION), or set firewall: false.'
    );
  }
  return { client: m[1]!, port };
}

/**
 * ssh-allow-from with the address this run connects from added when no listed source covers it
 * (with a notice): the run must never lock itself out. The new connection of the confirm then
 * proves SSH from it still works.
 */
export function sshSourcesWithRun(ctx: DeployContext, listed: string[], client: string): string[] {
  if (!listed.length) return [];
  const own = parseSource(client);
  if (typeof own === 'string')
    throw new DeployError(
      `cannot tell the address this run connects from (SSH_CONNECTION says '${client.slice(0, 60)}'); the firewall was not changed`,
      "Leave ssh-allow-from empty, or check the server's OpenSSH."
    );
  const blocks = new BlockList();
  for (const src of listed) {
    const p = parseSource(src);
    if (typeof p !== 'string') blocks.addSubnet(p.address, p.prefix, p.family === 4 ? 'ipv4' : 'ipv6');
  }
  if (blocks.check(own.address, own.family === 4 ? 'ipv4' : 'ipv6')) return listed;
  const text = sourceText(own);
  ctx.logger.warning(
    `ssh-allow-from does not list ${text}, the address this run connects from: SSH stays open to it too, so this run cannot lock itself out (add it to ssh-allow-from to say so)`
  );
  return [...listed, text];
}
