/**
 * Procfile syntax (Heroku, Dokku, Foreman): one `NAME: COMMAND` per line, `#` comments and blank
 * lines ignored. `web` is Gunicorn (the service this tool runs), `release` the release phase,
 * `rollback` the command a rollback runs; every other entry is a long-running process.
 */

/** One long-running process of the app: systemd template unit APP-NAME@.service, N instances. */
export interface ProcessSpec {
  name: string;
  command: string;
  instances: number;
}

export interface Procfile {
  processes: ProcessSpec[];
  /** The `web:` command as written ('' when none): Gunicorn runs the web, this is only compared. */
  web: string;
  release: string;
  rollback: string;
  /** One line per problem, naming the line (`Procfile line 3: ...`). */
  problems: string[];
}

const NAME = /^[a-z][a-z0-9-]{0,29}$/;
export const MAX_INSTANCES = 32;
const MAX_COMMAND = 4096;

/**
 * Names a process may not take: its unit APP-NAME@.service would sit beside (or be mistaken for)
 * this tool's own units (APP-health, APP-db-maintenance, APP-firewall, APP-alert@, the build user
 * APP-build), or the names Procfiles give special meanings.
 */
const RESERVED = new Set(['health', 'db-maintenance', 'firewall', 'alert', 'build', 'candidate', 'schedule']);
const SPECIAL = new Set(['web', 'release', 'rollback']);

/** Why a process name is refused, or undefined. */
export function processNameProblem(name: string): string | undefined {
  if (!NAME.test(name))
    return `process name '${name}' must be a lowercase letter, then up to 29 lowercase letters, digits or -`;
  if (RESERVED.has(name) || name.startsWith('schedule-'))
    return `process name '${name}' is reserved (a unit of this tool would share its name); choose another`;
  return undefined;
}

/** A command as a unit can carry it: one line, printable, bounded. */
export function processCommandProblem(command: string): string | undefined {
  if (command === '') return 'has no command after the colon';
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(command)) return 'must be one line without control characters';
  if (command.length > MAX_COMMAND) return `the command is longer than ${MAX_COMMAND} characters`;
  return undefined;
}

/** Gunicorn recognised in a `web:` line, to tell the user when theirs is something else. */
export function isGunicornCommand(command: string): boolean {
  return /(^|[\s/])gunicorn(\s|$)|-m\s+gunicorn\b/.test(command);
}

/** Parses Procfile text; `origin` names it in problems (`Procfile`, `input \`processes\``). */
export function parseProcfile(text: string, origin: string): Procfile {
  const out: Procfile = { processes: [], web: '', release: '', rollback: '', problems: [] };
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${origin} line ${i + 1}`;
    // NAME, optionally NAME=N (instances), then a colon.
    const m = /^([^\s:=]+)(?:=(\d+))?\s*:\s*(.*)$/.exec(line);
    if (!m) {
      out.problems.push(`${where}: '${line.slice(0, 80)}' is not NAME: COMMAND`);
      return;
    }
    const [, name, count, command] = m as unknown as [string, string, string | undefined, string];
    const special = SPECIAL.has(name);
    const nameBad = special ? undefined : processNameProblem(name);
    if (nameBad) {
      out.problems.push(`${where}: ${nameBad}`);
      return;
    }
    if (seen.has(name)) {
      out.problems.push(`${where}: '${name}' is defined twice`);
      return;
    }
    seen.add(name);
    const cmdBad = processCommandProblem(command.trim());
    if (cmdBad) {
      out.problems.push(`${where}: '${name}' ${cmdBad}`);
      return;
    }
    const instances = count === undefined ? 1 : Number(count);
    if (count !== undefined && (special || instances < 1 || instances > MAX_INSTANCES)) {
      out.problems.push(
        special
          ? `${where}: '${name}' runs once; =N is for processes`
          : `${where}: '${name}=${count}' must run 1 to ${MAX_INSTANCES} instances`
      );
      return;
    }
    if (name === 'web') out.web = command.trim();
    else if (name === 'release') out.release = command.trim();
    else if (name === 'rollback') out.rollback = command.trim();
    else out.processes.push({ name, command: command.trim(), instances });
  });
  return out;
}
