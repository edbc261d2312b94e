import type { DeployContext } from '../deploy/context.js';
import type { ServerFile } from '../render.js';
import { shQuote } from '../ssh/quote.js';
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
 * then asked PING through the socket as the app's user.
 */
export function servicesScript(ctx: DeployContext): string {
  if (!ctx.settings.provision.services.includes('redis')) return '';
  const q = shQuote;
  const u = q(ctx.paths.user);
  return `
${writeFilesScript([redisFile()])}
if ! grep -qxF ${q(`include ${REDIS_OURS}`)} ${q(REDIS_CONF)}; then
  mark redis.conf
  # As the redis user, who owns the file: a link planted there cannot make root write elsewhere.
  act setpriv --reuid=redis --regid=redis --clear-groups -- sh -c ${q(`printf '\\ninclude %s\\n' ${REDIS_OURS} >> ${REDIS_CONF}`)}
fi
if ! id -nG ${u} 2>/dev/null | tr ' ' '\\n' | grep -qx redis; then mark group-redis; act usermod -aG redis ${u}; fi
if ! systemctl is-enabled --quiet redis-server 2>/dev/null; then mark redis-enabled; act systemctl enable --quiet redis-server; fi
if was_changed ${q(REDIS_OURS)} || was_changed redis.conf || ! systemctl is-active --quiet redis-server; then
  mark redis-started
  act systemctl restart redis-server
fi
# A running Gunicorn keeps its groups across a HUP (workers fork from the master): only a restart
# (the socket unit holds the listening socket) lets the app reach the socket it was just given.
if was_changed group-redis; then
  running=$(systemctl list-units --plain --no-legend --state=active --type=service ${q(ctx.paths.units.service.name)} ${q(`${ctx.paths.app}-*@*.service`)} | awk '{print $1}')
  [ -z "$running" ] || act systemctl restart $running
fi
if [ "$dry" != 1 ]; then
  for i in $(seq 1 50); do [ -S ${q(REDIS_SOCKET)} ] && break; sleep 0.1; done
  pong=$(setpriv --reuid=${u} --regid=${u} --init-groups -- redis-cli -s ${q(REDIS_SOCKET)} ping 2>&1 || true)
  [ "$pong" = PONG ] || { echo "redis-server does not answer on ${REDIS_SOCKET} as ${ctx.paths.user}: $pong" >&2; journalctl -u redis-server -n 10 --no-pager -o cat >&2 || true; exit 4; }
fi
`;
}

export async function ensureServices(ctx: DeployContext): Promise<ProvisionResult> {
  if (ctx.settings.provision.services.length === 0)
    return { changes: [], facts: {}, changed: false, detail: 'none' };
  return runProvisionScript(ctx, 'starting the services the app needs', servicesScript(ctx), {
    stdin: filesInput([redisFile()]),
    hint: "services: redis uses Debian's redis-server; its journal is above (journalctl -u redis-server)."
  });
}
