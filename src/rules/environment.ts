import type { Problem } from './problem.js';
import { safeAbsPathProblem } from './fs-paths.js';

/** One user-supplied variable for the app's environment file. */
export interface EnvVar {
  key: string;
  value: string;
}

export const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Variables the service's environment gets from elsewhere, so a user value would break it or be
 * ignored: the tool writes FLASK_ENV, PYTHONUNBUFFERED, INSTANCE_PATH, PWD (reloads follow
 * `current`) and keeps GUNICORN_CMD_ARGS out (it could add --bind or --preload); systemd sets the
 * account (PATH, HOME, USER, LOGNAME, SHELL), the socket handover (LISTEN_*, NOTIFY_SOCKET) and the
 * unit's own variables (INVOCATION_ID, JOURNAL_STREAM, MAINPID, ...); the loader's LD_PRELOAD and
 * LD_LIBRARY_PATH would reach every process that reads the environment file.
 */
export const RESERVED_ENV = new Set([
  'FLASK_ENV',
  'PYTHONUNBUFFERED',
  'INSTANCE_PATH',
  'PWD',
  'OLDPWD',
  'GUNICORN_CMD_ARGS',
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'NOTIFY_SOCKET',
  'INVOCATION_ID',
  'JOURNAL_STREAM',
  'MAINPID',
  'MANAGERPID',
  'SYSTEMD_EXEC_PID',
  'WATCHDOG_PID',
  'WATCHDOG_USEC',
  'RUNTIME_DIRECTORY',
  'STATE_DIRECTORY',
  'CACHE_DIRECTORY',
  'LOGS_DIRECTORY',
  'CONFIGURATION_DIRECTORY',
  'CREDENTIALS_DIRECTORY',
  'SERVICE_RESULT',
  'EXIT_CODE',
  'EXIT_STATUS',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH'
]);
const RESERVED_ENV_PREFIXES = ['LISTEN_'];

export function envKeyReserved(key: string): boolean {
  return RESERVED_ENV.has(key) || RESERVED_ENV_PREFIXES.some((p) => key.startsWith(p));
}

/**
 * What systemd's EnvironmentFile= cannot hold: a newline or CR (a value would end there or start a
 * new one), NUL, the byte order mark and what is not a Unicode scalar value.
 */
export function envValueProblem(key: string, value: string): Problem {
  if (/[\n\r]/.test(value)) return `${key}: a value cannot contain a newline (or a carriage return)`;
  if (/[\0\uFEFF]|\p{Noncharacter_Code_Point}|\p{Surrogate}/u.test(value))
    return `${key}: a value cannot contain NUL, U+FEFF or a non-character (systemd refuses them)`;
  return undefined;
}

/** Every problem of the app's variables: names, reserved names, repeats, values, debug mode. */
export function envProblems(env: readonly EnvVar[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const { key, value } of env) {
    if (!ENV_KEY.test(key)) {
      out.push(`${JSON.stringify(key)} is not a variable name ([A-Za-z_][A-Za-z0-9_]*)`);
      continue;
    }
    if (seen.has(key)) out.push(`${key} is set twice`);
    seen.add(key);
    if (key === 'FLASK_DEBUG') {
      // Production never runs the debugger (it executes code sent from the browser).
      if (!/^(0|false|no|off)?$/i.test(value.trim()))
        out.push(
          `FLASK_DEBUG must stay off in production: FLASK_DEBUG=${value}, debug mode is refused (the tool always writes FLASK_DEBUG=0)`
        );
    } else if (envKeyReserved(key)) {
      out.push(
        `${key} is set by gunicorn-deploy or systemd for the service and cannot be overridden (see "Input rules" in the README)`
      );
    }
    const bad = envValueProblem(key, value);
    if (bad) out.push(bad);
  }
  return out;
}

/** DATABASE in env moves the database the backup timer copies: a path its script can quote. */
export function databaseEnvProblem(env: readonly EnvVar[]): Problem {
  const db = env.find((e) => e.key === 'DATABASE');
  const bad = db && safeAbsPathProblem(db.value);
  return bad ? `DATABASE (the database the daily backup copies) ${bad}` : undefined;
}
