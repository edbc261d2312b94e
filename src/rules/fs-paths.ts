import type { Problem } from './problem.js';
import { oneLineProblem } from './served.js';

// Plain characters only: no spaces, quotes, $, %, ;, backslash (systemd specifiers and escapes,
// shell and SQLite quoting, nginx syntax all stay trivially safe).
const SAFE_ABS_PATH = /^\/[A-Za-z0-9._/-]*$/;
const SAFE_REL_PATH = /^[A-Za-z0-9._/-]+$/;

/** '/srv/app//' -> '/srv/app' (repeated and trailing slashes only; . and .. are refused, not resolved). */
export function normalisePath(p: string): string {
  const collapsed = p.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}

function dotSegments(p: string): boolean {
  return p.split('/').some((s) => s === '.' || s === '..');
}

/** An absolute path of letters, digits and . _ / -, without . or .. segments. */
export function safeAbsPathProblem(p: string): Problem {
  if (!SAFE_ABS_PATH.test(p))
    return `must be an absolute path of letters, digits and . _ / - only, got '${p}'`;
  if (dotSegments(p)) return `must not have . or .. segments, got '${p}'`;
  return undefined;
}

/** A path inside the app (a release or shared/): relative, safe characters, no . or .. segments. */
export function safeRelPathProblem(p: string): Problem {
  if (!SAFE_REL_PATH.test(p) || p.startsWith('/'))
    return `must be a path relative to the app of letters, digits and . _ / - only, got '${p}'`;
  if (dotSegments(p)) return `must not have . or .. segments, got '${p}'`;
  return undefined;
}

/** A file the runner's tree holds (requirements): relative, inside the app, one line; quoted where used. */
export function relPathProblem(p: string): Problem {
  if (p.startsWith('/') || p.split('/').includes('..'))
    return `must be a path relative to the app without '..', got '${p}'`;
  return oneLineProblem(p);
}

/** A URL prefix nginx serves files under: /name/ or /a/b/, safe characters only. */
export function staticUrlProblem(v: string): Problem {
  return /^\/([A-Za-z0-9._-]+\/)+$/.test(v) && !/\/\.\.?\//.test(v)
    ? undefined
    : `must be a URL prefix such as /static/ or /media/ (letters, digits and . _ -), got '${v}'`;
}

/** The interpreter that builds virtualenvs: a command name or path, quoted where used. */
export function pythonProblem(v: string): Problem {
  return /^[A-Za-z0-9_./-]+$/.test(v) ? undefined : `must be an interpreter name or path, got '${v}'`;
}

/** Folders (and everything under them) the system owns: an app there could overwrite it. */
const SYSTEM_TREES = ['/etc', '/usr', '/var/lib', '/boot', '/proc', '/sys', '/dev', '/root', '/bin', '/sbin'];
const SYSTEM_TREES_MORE = ['/run', '/tmp', '/var/tmp', '/var/log', '/var/cache', '/var/spool', '/var/mail'];
const SYSTEM_TREES_ALL = [...SYSTEM_TREES, ...SYSTEM_TREES_MORE, '/var/run', '/var/lock', '/var/backups'];
/** Folders that hold many apps or users: fine as a parent, not as the app's own folder. */
const SHARED_PARENTS = ['/', '/srv', '/opt', '/var', '/var/www', '/home', '/mnt', '/media', '/usr/local'];

const under = (p: string, tree: string): boolean => p === tree || p.startsWith(`${tree}/`);

/** app-dir: a folder of the app's own (normalised first), never a system folder or the login user's home. */
export function appDirProblem(dir: string, loginUser?: string): Problem {
  const bad = safeAbsPathProblem(dir);
  if (bad) return bad;
  const p = normalisePath(dir);
  const system =
    SYSTEM_TREES_ALL.find((t) => under(p, t)) ??
    (/^\/lib[^/]*(\/|$)/.test(p) ? p.split('/').slice(0, 2).join('/') : undefined) ??
    (SHARED_PARENTS.includes(p) ? p : undefined) ??
    (loginUser && under(p, `/home/${loginUser}`) ? `/home/${loginUser}` : undefined);
  if (system) {
    return `'${p}' is a system folder or inside one (${system}); use a folder of the app's own such as /srv/APP, /opt/APP or /var/www/APP`;
  }
  return undefined;
}
