import type { DeployContext } from '../deploy/context.js';
import { assertRule, parseSource, sourceProblem, sourceText } from '../rules.js';
import { serverScript } from '../render/scripts.js';
import { renderTemplate } from '../render/templates.js';
import type { TemplateVars } from '../render/vars.js';
import { UNIT_HEADER } from '../steps/ownership.js';
import { DeployError, errorMessage } from '../steps/step.js';
import { sshConnection } from './firewall-ssh.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { siteEdgeVars } from './site-edge.js';

/**
 * fail2ban: true. Debian's fail2ban with one sshd jail for the server (the union of what every app
 * asked for: its SSH port and the addresses never banned, each app's request a file of its own,
 * as the firewall does) and one jail per app for its rate-limited paths, banning the clients nginx
 * keeps refusing (its limit_req lines in nginx's error log name the app's zones). Both ban through
 * fail2ban's own nftables table (inet f2b-table, input priority -1), beside the firewall's table:
 * neither ever touches the other's.
 */
export const FAIL2BAN = {
  requestsDir: '/etc/gunicorn-deploy/fail2ban.d',
  serverJail: '/etc/fail2ban/jail.d/gunicorn-deploy.local',
  /** Present while fail2ban runs because the tool started (or installed) it. */
  marker: '/etc/gunicorn-deploy/fail2ban.started',
  lock: '/run/gunicorn-deploy/fail2ban.lock',
  nginxLogDir: '/var/log/nginx',
  /** Debian's nginx.conf sends every site's errors here, limit_req's refusals among them. */
  nginxErrorLog: '/var/log/nginx/error.log'
} as const;

export function fail2banPaths(app: string): { request: string; jail: string; jailName: string } {
  return {
    request: `${FAIL2BAN.requestsDir}/${app}.conf`,
    jail: `/etc/fail2ban/jail.d/gunicorn-deploy-${app}.local`,
    jailName: `${app}-rate-limit`
  };
}

/** Refusals past the rate that ban a client, within findtime; each is one request nginx refused. */
export const RATE_LIMIT_MAXRETRY = 10;
/** Failed SSH logins that ban an address, within findtime (Debian's default). */
export const SSHD_MAXRETRY = 5;

/** The app's request: its SSH port and the addresses the server's jails never ban. */
export function renderRequest(app: string, sshPort: number, ignore: string[]): string {
  for (const a of ignore) assertRule('fail2ban ignoreip', sourceProblem(a));
  return [
    `${UNIT_HEADER}: what ${app} asked of fail2ban (the sshd jail's port, addresses never banned).`,
    `ssh-port ${sshPort}`,
    ...ignore.map((a) => `ignore ${a}`)
  ].join('\n');
}

/**
 * The app's rate-limit jail ('' without rate-limit): Debian's nginx-limit-req filter narrowed to the
 * app's own zones, so another app's limits never count here; its ignoreip is the sshd jail's, the
 * union of every app's (kept in one place, current whichever app's provision wrote it last).
 * The file is templates/fail2ban/app-jail.local.hbs.
 */
export function renderAppJail(ctx: DeployContext): string {
  const zones = siteEdgeVars(ctx).rateLimits.map((r) => r.zone);
  if (!zones.length) return '';
  for (const z of zones) assertRule('rate-limit zone', /^[A-Za-z0-9_]+$/.test(z) ? undefined : z);
  const { jailName } = fail2banPaths(ctx.paths.app);
  const vars = {
    header: UNIT_HEADER,
    app: ctx.paths.app,
    jailName,
    zones: zones.join('|'),
    logpath: FAIL2BAN.nginxErrorLog,
    maxretry: RATE_LIMIT_MAXRETRY
  };
  // Without the file's last newline: the jail on servers is compared byte for byte (written when it differs).
  return renderTemplate('fail2ban/app-jail.local', vars as unknown as TemplateVars).replace(/\n$/, '');
}

/** The run's own address and every ssh-allow-from source, each once. */
export function ignoreList(client: string, sshAllowFrom: string[]): string[] {
  const own = parseSource(client);
  if (typeof own === 'string')
    throw new DeployError(
      `cannot tell the address this run connects from (SSH_CONNECTION says '${client.slice(0, 60)}'); fail2ban was not changed`,
      "Check the server's OpenSSH, or set fail2ban: false."
    );
  return [...new Set([sourceText(own), ...sshAllowFrom])];
}

/**
 * Step `fail2ban` of provision (and of mode remove, with on: false): the app's request and jail
 * written or removed, the server's sshd jail rebuilt, fail2ban started or reloaded (or stopped,
 * when the last app leaves and the tool started it).
 */
export async function ensureFail2ban(
  ctx: DeployContext,
  opts: { on?: boolean; installedNow?: boolean } = {}
): Promise<ProvisionResult> {
  const on = opts.on ?? ctx.settings.provision.edge.fail2ban;
  const p = fail2banPaths(ctx.paths.app);
  let request = '';
  let jail = '';
  if (on) {
    const conn = await sshConnection(ctx.remote);
    request = renderRequest(
      ctx.paths.app,
      conn.port,
      ignoreList(conn.client, ctx.settings.provision.edge.sshAllowFrom)
    );
    jail = renderAppJail(ctx);
  }
  const b64 = (t: string): string => Buffer.from(t).toString('base64');
  const script = serverScript('fail2ban', {
    on: on ? 1 : 0,
    app: ctx.paths.app,
    req_dir: FAIL2BAN.requestsDir,
    own_req: p.request,
    app_jail: p.jail,
    server_jail: FAIL2BAN.serverJail,
    marker: FAIL2BAN.marker,
    lock: FAIL2BAN.lock,
    header: UNIT_HEADER,
    installed_now: opts.installedNow ? 1 : 0,
    nginx_log_dir: FAIL2BAN.nginxLogDir,
    nginx_error_log: FAIL2BAN.nginxErrorLog,
    wait_s: 30
  });
  try {
    const res = await runProvisionScript(
      ctx,
      on ? 'configuring fail2ban' : 'checking for fail2ban jails to remove',
      script,
      {
        stdin: `${b64(request)}\n${b64(jail)}\n`,
        timeoutMs: 180_000
      }
    );
    return res.facts.jails ? { ...res, detail: `${res.detail} (jails: ${res.facts.jails})` } : res;
  } catch (err) {
    if (errorMessage(err).includes('fail2ban refused the configuration'))
      throw new DeployError(
        `fail2ban refused the configuration; the previous files are back and nothing else was changed: ${errorMessage(err).split('\n').slice(1, 4).join(' ')}`,
        'fail2ban-client -t on the server says more (a file of your own in /etc/fail2ban may be at fault); then run provision again.'
      );
    throw err;
  }
}

/** The checklist's fail2ban line as a function (templates/scripts/fail2ban_verify.sh), called after tls. */
export function fail2banVerifyFunctions(ctx: DeployContext): string {
  const p = fail2banPaths(ctx.paths.app);
  return serverScript('fail2ban_verify', {
    f2b_request: p.request,
    f2b_jail: p.jail,
    f2b_jail_name: p.jailName
  });
}
