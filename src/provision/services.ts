import type { DeployContext } from '../deploy/context.js';
import type { ServerFile } from '../render.js';
import { serverScript } from '../render/scripts.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';

import { REDIS_SOCKET, type Service } from '../settings.js';
export { REDIS_SOCKET, REDIS_URL, SERVICES, type Service } from '../settings.js';
const REDIS_CONF = '/etc/redis/redis.conf';
// Outside /etc/redis, which the redis user may write: root writes only in a folder of its own.
const REDIS_OURS = '/etc/gunicorn-deploy/redis.conf';

/** The Debian packages `services` needs. */
export function servicePackages(services: readonly Service[]): string[] {
  return services.includes('redis') ? ['redis-server'] : [];
}

function redisFile(): ServerFile {
  return {
    path: REDIS_OURS,
    // Included last by redis.conf, so these win over Debian's own lines (the last value counts).
    content: [
      '# Written by gunicorn-deploy (services: redis); changes here are overwritten by provision.',
      '# No TCP port at all: the apps reach Redis through the unix socket, as members of group redis.',
      'port 0',
      `unixsocket ${REDIS_SOCKET}`,
      'unixsocketperm 770',
      ''
    ].join('\n'),
    mode: '0640',
    owner: 'root:redis'
  };
}

/**
 * Redis: Debian's redis-server with no TCP port and its unix socket open to group redis, the
 * app's user in that group, the service enabled and (re)started when its configuration changed,
 * then asked PING through the socket as the app's user. templates/scripts/redis.sh.
 */
export function servicesScript(ctx: DeployContext): string {
  if (!ctx.settings.provision.services.includes('redis')) return '';
  return (
    writeFilesScript([redisFile()]) +
    serverScript('redis', {
      user: ctx.paths.user,
      ours: REDIS_OURS,
      conf: REDIS_CONF,
      socket: REDIS_SOCKET,
      svc: ctx.paths.units.service.name,
      app: ctx.paths.app
    })
  );
}

export async function ensureServices(ctx: DeployContext): Promise<ProvisionResult> {
  if (ctx.settings.provision.services.length === 0)
    return { changes: [], facts: {}, changed: false, detail: 'none' };
  return runProvisionScript(ctx, 'starting the services the app needs', servicesScript(ctx), {
    stdin: filesInput([redisFile()]),
    hint: "services: redis uses Debian's redis-server; its journal is above (journalctl -u redis-server)."
  });
}
