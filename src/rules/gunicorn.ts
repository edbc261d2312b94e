import type { Problem } from './problem.js';

/**
 * What Gunicorn itself is given: the worker class and the `gunicorn-settings` lines. The settings
 * this tool owns are refused with the reason, since changing them would break what a deploy
 * proves (the inherited sockets, the release the workers run, the logs the tool reads).
 */

/** Worker classes a deploy can prove. gevent and eventlet need packages Debian's image lacks here. */
export const WORKER_CLASSES = ['sync', 'gthread', 'uvicorn'] as const;
export type WorkerClass = (typeof WORKER_CLASSES)[number];

export function workerClassProblem(v: string): Problem {
  if ((WORKER_CLASSES as readonly string[]).includes(v)) return undefined;
  if (v === 'gevent' || v === 'eventlet')
    return `${v} is not supported yet (its monkey-patching is not proven by this tool's tests); use gthread (threads: N) for many slow clients, or uvicorn for an async (ASGI) app`;
  if (/uvicorn/i.test(v))
    return `write uvicorn (the UvicornWorker class is chosen on the server), got '${v}'`;
  return `must be sync, gthread (threads) or uvicorn (ASGI apps: FastAPI, Starlette, Django's asgi.py), got '${v}'`;
}

const OWN = 'this tool owns it';
/** Settings the tool sets itself or that would defeat a deploy, with why. */
export const OWNED_SETTINGS: Record<string, string> = {
  bind: `${OWN}: the sockets come from APP.socket (systemd), and a bind makes Gunicorn close them on reload`,
  chdir: `${OWN}: the workers run in APP-DIR/current, the serving release`,
  preload_app: `${OWN}: with the app imported in the master a reload would not load new code; preload-libraries imports the libraries only`,
  daemon: `${OWN}: systemd supervises Gunicorn; a daemon would leave its unit`,
  pidfile: `${OWN}: systemd tracks the master`,
  user: `${OWN}: the app runs as the app's user (the unit's User=)`,
  group: `${OWN}: the app runs as the app's group (the unit's Group=)`,
  initgroups: `${OWN}: the unit sets the app's user and groups`,
  worker_tmp_dir: `${OWN}: worker heartbeats live in /dev/shm`,
  proc_name: `${OWN}: it is the app's name, which the deploy looks for`,
  accesslog: `${OWN}: /var/log/APP/access.log, rotated by the tool's logrotate`,
  errorlog: `${OWN}: /var/log/APP/error.log, which the deploy reads`,
  capture_output: `${OWN}: the app's output goes to the error log`,
  config: `${OWN}: the tool writes the one config file`,
  wsgi_app: 'use the input `wsgi-app`',
  workers: 'use the input `workers`',
  worker_class: 'use the input `worker-class`',
  threads: 'use the input `threads`',
  timeout: 'use the input `timeout`',
  graceful_timeout: "use the input `graceful-timeout` (the unit's stop timeout follows it)",
  keepalive: 'use the input `keepalive`',
  max_requests: 'use the input `max-requests`',
  max_requests_jitter: 'use the input `max-requests-jitter`',
  worker_connections: 'use the input `worker-connections`',
  limit_request_line: 'use the input `limit-request-line`',
  limit_request_fields: 'use the input `limit-request-fields`',
  limit_request_field_size: 'use the input `limit-request-field-size`',
  raw_env: 'use the input `env` (written to the environment file, values masked)',
  reload: 'releases never change in place: a deploy reloads Gunicorn (HUP) itself',
  reload_engine: 'releases never change in place: a deploy reloads Gunicorn (HUP) itself',
  reload_extra_files: 'releases never change in place: a deploy reloads Gunicorn (HUP) itself',
  check_config: `${OWN}: the deploy's check step runs it`,
  print_config: `${OWN}: it would print the config instead of serving`,
  paste: 'use the input `wsgi-app`',
  pythonpath: 'the release is on the path already; put packages in requirements',
  certfile: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
  keyfile: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
  ca_certs: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
  ssl_version: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
  cert_reqs: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
  ciphers: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
  do_handshake_on_connect: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
  suppress_ragged_eofs: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
  umask: 'the unit sets UMask=0027',
  tmp_upload_dir: 'the unit gives the app a private /tmp',
  logconfig: `${OWN}: the logs go to /var/log/APP, rotated by the tool`,
  logconfig_dict: `${OWN}: the logs go to /var/log/APP, rotated by the tool`,
  logconfig_json: `${OWN}: the logs go to /var/log/APP, rotated by the tool`,
  syslog: `${OWN}: the logs go to /var/log/APP, rotated by the tool`,
  enable_stdio_inheritance: `${OWN}: the app's output goes to the error log`
};

/** Server hooks are Python callables: the tool's candidate and preload hooks sit there. */
const HOOKS = new Set([
  'on_starting',
  'on_reload',
  'when_ready',
  'pre_fork',
  'post_fork',
  'post_worker_init',
  'worker_int',
  'worker_abort',
  'pre_exec',
  'pre_request',
  'post_request',
  'child_exit',
  'worker_exit',
  'nworkers_changed',
  'on_exit',
  'ssl_context'
]);

/** Other Gunicorn settings (23.0) a user may set with scalar values. */
const FREE_SETTINGS = new Set([
  'backlog',
  'loglevel',
  'access_log_format',
  'disable_redirect_access_to_syslog',
  'statsd_host',
  'statsd_prefix',
  'dogstatsd_tags',
  'sendfile',
  'reuse_port',
  'spew',
  'forwarded_allow_ips',
  'proxy_protocol',
  'proxy_allow_ips',
  'secure_scheme_headers',
  'strip_header_spaces',
  'permit_unconventional_http_method',
  'permit_unconventional_http_version',
  'casefold_http_method',
  'header_map',
  'forwarder_headers',
  'permit_obsolete_folding',
  'tolerate_dangerous_framing'
]);

/** A Python literal Gunicorn's config file can hold: a number, True/False/None, or a string. */
export function pythonLiteral(raw: string): string | undefined {
  const v = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(v)) return v;
  if (/^(true|false)$/i.test(v)) return v[0]!.toUpperCase() === 'T' ? 'True' : 'False';
  if (v === 'None') return 'None';
  const quoted = /^(["'])(.*)\1$/.exec(v);
  const text = quoted ? quoted[2]! : v;
  // One printable line, no quotes or backslashes inside (nothing to escape, nothing to misread).
  if (!/^[\x20-\x7e]*$/.test(text) || /["'\\]/.test(text)) return undefined;
  if (!quoted && /[[\]{}()]/.test(text)) return undefined;
  return JSON.stringify(text);
}

export interface GunicornSetting {
  name: string;
  /** A Python literal (pythonLiteral). */
  value: string;
}

/** One `name = value` line of `gunicorn-settings`, or what is wrong with it. */
export function parseGunicornSetting(line: string): GunicornSetting | string {
  const m = /^([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*)$/.exec(line.trim());
  if (!m) return `must be lines of name = value (for example backlog = 2048), got '${line.trim()}'`;
  const name = m[1]!.toLowerCase().replace(/-/g, '_');
  const owned = OWNED_SETTINGS[name];
  if (owned) return `${name} is refused: ${owned}`;
  if (HOOKS.has(name))
    return `${name} is refused: server hooks are Python functions, and this tool's own hooks run there`;
  if (!FREE_SETTINGS.has(name))
    return `${name} is not a Gunicorn setting this tool passes on (see Gunicorn's settings; the ones with inputs have their own)`;
  const value = pythonLiteral(m[2]!);
  if (value === undefined)
    return `${name}: the value must be a number, true, false, or one line of text without quotes inside, got '${m[2]!.trim()}'`;
  return { name, value };
}

/** Asserted again where the config is rendered. */
export function gunicornSettingProblem(s: GunicornSetting): Problem {
  const again = parseGunicornSetting(`${s.name} = ${s.value}`);
  return typeof again === 'string' ? again : undefined;
}
