import type { EnvVar } from '../rules.js';
import type { Inputs, Problems } from './inputs.js';

/**
 * Which database the app uses and therefore what provision sets up, what is backed up before a
 * switch and what verify checks. `sqlite` is the `sqlite-db` file as before; `postgres` is
 * Debian's PostgreSQL on the server (peer authentication over the unix socket: no password
 * anywhere), or, with `database-url`, an external server the tool never installs.
 */
export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseSettings {
  kind: DatabaseKind;
  /** postgres: the database (and, locally, it is owned by the role named after the app's user). */
  name: string;
  /** postgres: an external server's URL (a secret; '' = the local server through its socket). */
  url: string;
  /** postgres: the parts of `url` ('' when local). */
  external?: PgUrl;
  /** `database-backup: always`: back up before every switch, not only those that run migrations. */
  backupAlways: boolean;
}

export interface PgUrl {
  host: string;
  port: number;
  user: string;
  password: string;
  dbname: string;
}

/** PostgreSQL identifiers this tool creates and quotes: what an app name may be, up to 63 bytes. */
export const PG_IDENT = /^[a-z_][a-z0-9_-]{0,62}$/;

/** The input names whose whole value is secret. */
export const DATABASE_SECRET_INPUTS = ['database-url'];

/**
 * The URL and its password on their own (as written and decoded): a password file or an error can
 * carry the password without the rest of the URL.
 */
export function databaseUrlSecrets(raw: string): string[] {
  const v = raw.trim();
  if (!v) return [];
  const out = [v];
  try {
    const pw = new URL(v).password;
    if (pw) out.push(pw, decodeURIComponent(pw));
  } catch {
    // not a URL: the whole value is masked, which is all there is
  }
  return [...new Set(out)];
}

/**
 * A postgres:// or postgresql:// URL with a host and a database; a problem (never quoting the
 * value: it may hold a password) when it does not parse.
 */
export function parsePgUrl(raw: string): PgUrl | string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (!scheme) return 'does not parse as a URL (postgresql://USER:PASSWORD@HOST:PORT/DBNAME)';
  if (scheme !== 'postgres' && scheme !== 'postgresql')
    return `scheme '${scheme}' is not supported: use postgresql://USER:PASSWORD@HOST:PORT/DBNAME`;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'does not parse as a URL (postgresql://USER:PASSWORD@HOST:PORT/DBNAME)';
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const dbname = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!host) return 'needs a host (the local server needs no database-url: leave it empty)';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) return 'has a host that is not a host name or an IP address';
  if (!dbname || /[\s/'"\\]/.test(dbname)) return 'needs a database name after the host (…/DBNAME)';
  const user = decodeURIComponent(u.username);
  if (!user || /[\s'"\\:]/.test(user)) return 'needs a user name (postgresql://USER:PASSWORD@HOST/DBNAME)';
  const password = decodeURIComponent(u.password);
  if (/[\r\n\0]/.test(password)) return 'has a password with a line break or NUL';
  const port = u.port ? Number(u.port) : 5432;
  return { host, port, user, password, dbname };
}

/** `database`, `database-name`, `database-url`, `database-backup`; every problem names its input. */
export function parseDatabaseSettings(
  read: Inputs,
  problems: Problems,
  appName: string,
  sqliteDb: string
): DatabaseSettings {
  const kindRaw = read.get('database');
  const kind: DatabaseKind = kindRaw === 'postgres' || kindRaw === 'postgresql' ? 'postgres' : 'sqlite';
  if (kind === 'sqlite' && kindRaw !== 'sqlite')
    read.check(
      'database',
      `must be sqlite (the sqlite-db file) or postgres (PostgreSQL), got '${kindRaw}'` +
        (/^(mysql|mariadb)$/i.test(kindRaw) ? ': MariaDB/MySQL is not supported' : '')
    );
  const backupRaw = read.get('database-backup');
  if (backupRaw !== 'migrations' && backupRaw !== 'always')
    read.check('database-backup', `must be migrations or always, got '${backupRaw}'`);
  const nameRaw = read.text('database-name');
  const name = nameRaw || appName;
  if (nameRaw && !PG_IDENT.test(nameRaw))
    read.check(
      'database-name',
      `must be an identifier (lower-case letters, digits, _ and -, starting with a letter or _, at most 63), got '${nameRaw}'`
    );
  const url = read('database-url').trim();
  let external: PgUrl | undefined;
  if (url) {
    const parsed = parsePgUrl(url);
    if (typeof parsed === 'string') read.check('database-url', parsed);
    else external = parsed;
    if (kind !== 'postgres') read.check('database-url', 'needs database: postgres');
    if (nameRaw)
      read.check('database-name', 'is the database of database-url when that is set: leave it empty');
  }
  if (kind === 'postgres' && sqliteDb)
    problems.push('input `sqlite-db`: not with database: postgres (leave it empty)');
  return {
    kind,
    name: external ? external.dbname : name,
    url,
    external,
    backupAlways: backupRaw === 'always'
  };
}

/**
 * The app's environment as written to its env file: `env`, plus DATABASE_URL for PostgreSQL unless
 * `env` sets one (the socket form for the local server, where peer authentication needs no password).
 */
export function appEnv(env: readonly EnvVar[], db: DatabaseSettings): EnvVar[] {
  if (db.kind !== 'postgres' || env.some((e) => e.key === 'DATABASE_URL')) return [...env];
  return [...env, { key: 'DATABASE_URL', value: db.url || `postgresql:///${db.name}` }];
}
