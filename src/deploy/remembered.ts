import type { Settings } from '../settings.js';
import { parseDuration, splitList } from '../settings.js';
import { shQuote } from '../ssh/quote.js';
import { workerClassProblem, type WorkerClass } from '../rules.js';
import type { DeployContext } from './context.js';
import { healthHost } from './health.js';

/**
 * The deploy settings that shape health checks, backups and the service, remembered on the server
 * at every successful deploy, so `rollback` and `verify` given only a host, a key and the app name
 * check the app the way its deploy did. Keyed by input name: an input the user gives wins.
 */
export function rememberedPath(ctx: DeployContext): string {
  return `${ctx.paths.state}/settings.json`;
}

export function rememberedOf(s: Settings): Record<string, string> {
  const d = s.deploy;
  return {
    'health-path': d.healthPath,
    'health-host': healthHost(s),
    'health-expect': d.healthExpect,
    'health-timeout': `${d.healthTimeoutMs}ms`,
    'smoke-paths': d.smokePaths.join(' '),
    'sqlite-db': d.sqliteDb,
    'wsgi-app': d.wsgiApp,
    workers: String(d.workers),
    'worker-class': d.gunicorn.workerClass,
    'preload-libraries': String(d.preloadLibraries),
    'server-name': s.provision.serverName
  };
}

/** The shell that writes them (root-owned, 0600) in the same round trip as the history line. */
export function rememberCommand(ctx: DeployContext): string {
  const to = rememberedPath(ctx);
  return `printf '%s\\n' ${shQuote(JSON.stringify(rememberedOf(ctx.settings)))} > ${shQuote(`${to}.tmp`)} && chmod 0600 ${shQuote(`${to}.tmp`)} && mv -f ${shQuote(`${to}.tmp`)} ${shQuote(to)}`;
}

/** The shell that prints them as one `remembered=JSON` line (nothing when never written). */
export function readRememberedCommand(ctx: DeployContext): string {
  const from = shQuote(rememberedPath(ctx));
  return `[ -f ${from} ] && printf 'remembered=%s\\n' "$(head -c 65536 ${from} | tr -d '\\n')" || true`;
}

/** The context with the remembered settings applied: for modes that only read them (one round trip). */
export async function withRememberedSettings(base: DeployContext): Promise<DeployContext> {
  const res = await base.remote.script(readRememberedCommand(base), { sudo: true, timeoutMs: 30_000 });
  const remembered = /^remembered=(.*)$/m.exec(res.stdout)?.[1];
  return { ...base, settings: withRemembered(base.settings, remembered) };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const URL_PATH = /^\/[A-Za-z0-9._~/?&=%+-]*$/;
const HOST = /^[A-Za-z0-9.-]{1,253}$/;

/**
 * Settings with the remembered values for every input the user did not give. Each value is checked
 * again (the file is root-owned, but nothing read from a server is trusted blindly); a value that
 * does not pass is ignored.
 */
export function withRemembered(s: Settings, json: string | undefined): Settings {
  let r: Record<string, unknown> = {};
  try {
    const parsed: unknown = json ? JSON.parse(json) : {};
    if (parsed && typeof parsed === 'object') r = parsed as Record<string, unknown>;
  } catch {
    return s;
  }
  const out: Settings = { ...s, deploy: { ...s.deploy }, provision: { ...s.provision } };
  const given = new Set(s.given);
  const take = (name: string, ok: (v: string) => boolean, apply: (v: string) => void): void => {
    const v = text(r[name]);
    if (v !== undefined && !given.has(name) && ok(v)) apply(v);
  };
  take(
    'health-path',
    (v) => URL_PATH.test(v),
    (v) => (out.deploy.healthPath = v)
  );
  take(
    'health-host',
    (v) => HOST.test(v),
    (v) => (out.deploy.healthHost = v)
  );
  take(
    'health-expect',
    () => true,
    (v) => (out.deploy.healthExpect = v)
  );
  take(
    'health-timeout',
    (v) => parseDuration(v) > 0 && parseDuration(v) <= 30 * 60_000,
    (v) => (out.deploy.healthTimeoutMs = parseDuration(v))
  );
  take(
    'smoke-paths',
    (v) => splitList(v, /\s+/).every((p) => URL_PATH.test(p)),
    (v) => (out.deploy.smokePaths = splitList(v, /\s+/))
  );
  take(
    'sqlite-db',
    (v) => v === '' || /^[A-Za-z0-9._/-]+$/.test(v),
    (v) => (out.deploy.sqliteDb = v)
  );
  take(
    'wsgi-app',
    (v) => /^[A-Za-z_][A-Za-z0-9_.:]*$/.test(v),
    (v) => (out.deploy.wsgiApp = v)
  );
  take(
    'workers',
    (v) => v === 'auto' || /^\d{1,3}$/.test(v),
    (v) => (out.deploy.workers = v === 'auto' ? 'auto' : Number(v))
  );
  take(
    'worker-class',
    (v) => !workerClassProblem(v),
    (v) => (out.deploy.gunicorn = { ...out.deploy.gunicorn, workerClass: v as WorkerClass })
  );
  take(
    'preload-libraries',
    (v) => v === 'true' || v === 'false',
    (v) => (out.deploy.preloadLibraries = v === 'true')
  );
  take(
    'server-name',
    (v) => /^[A-Za-z0-9.*_ -]+$/.test(v),
    (v) => (out.provision.serverName = v)
  );
  return out;
}
