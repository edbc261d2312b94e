import type { Problem } from './problem.js';

const ID = '[A-Za-z_][A-Za-z0-9_]*';
// String arguments in single quotes only, of plain characters: the target is written unquoted by the
// shell but inside a systemd ExecStart= word, where $, %, \ and " would be expanded or unescaped.
const LITERAL = `(?:'[A-Za-z0-9_.:/@+-]*'|-?\\d+(?:\\.\\d+)?|True|False|None)`;
const ARG = `(?:${ID}\\s*=\\s*)?${LITERAL}`;
const CALL = `${ID}\\(\\s*(?:${ARG}(?:\\s*,\\s*${ARG})*\\s*,?\\s*)?\\)`;
const WSGI_APP = new RegExp(`^${ID}(?:\\.${ID})*(?::(?:${ID}(?:\\.${ID})*|${CALL}))?$`);

/** module, module:name, module:name.attr, or an app factory with literal arguments: pkg:create_app('prod'). */
export function wsgiAppProblem(v: string): Problem {
  if (WSGI_APP.test(v)) return undefined;
  return `must be module:name (app:app, pkg.wsgi:application, app:server.wsgi) or an app factory with simple literal arguments (pkg:create_app(), pkg:create_app('prod')); no other calls or expressions, got '${v}'`;
}

// RFC 3986 path and query characters, minus ' ( ) * ! $ ; , and + that shells, systemd or nginx read.
const HEALTH_PATH = /^\/[A-Za-z0-9._~/%:@=&?-]*$/;

export function healthPathProblem(v: string): Problem {
  if (!HEALTH_PATH.test(v) || /%(?![0-9A-Fa-f]{2})/.test(v))
    return `must be a URL path starting with / of letters, digits and . _ ~ / % : @ = & ? - (a query is allowed), got '${v}'`;
  return undefined;
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The Host header of health requests: one host name or IPv4 address. */
export function healthHostProblem(v: string): Problem {
  if (HOST_NAME.test(v) || IPV4.test(v)) return undefined;
  return `must be a host name such as example.com (sent as the Host of health requests), got '${v}'`;
}

/** A command for bash on the server (mode run): any text bash reads, but no NUL, which argv cannot hold. */
export function commandProblem(v: string): Problem {
  return v.includes('\0') ? 'must not contain a NUL character' : undefined;
}

/** Free text sent to a server (health-expect, commit, ref): printable, one line. */
export function oneLineProblem(v: string): Problem {
  if (/[\x00-\x1f\x7f]/.test(v)) return 'must be one line without control characters (newline, CR, tab, NUL)';
  return undefined;
}

// nginx server_name entries: host names, *.wildcards, or _ (any).
const SERVER_NAME = /^(_|(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?)$/;

/** One or more nginx server names separated by spaces. */
export function serverNameProblem(v: string): Problem {
  const names = v.split(' ');
  const bad = names.find((n) => !SERVER_NAME.test(n) || n.length > 253);
  if (bad !== undefined) return `'${bad}' is not a host name (example.com, *.example.com or _ for any)`;
  return undefined;
}

/** nginx client_max_body_size. */
export function bodySizeProblem(v: string): Problem {
  return /^\d+[kKmMgG]?$/.test(v) ? undefined : `must be an nginx size such as 10m, 512k or 1g, got '${v}'`;
}
