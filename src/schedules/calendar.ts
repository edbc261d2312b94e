/**
 * When a schedule runs: a systemd calendar expression (`daily`, `Mon..Fri *-*-* 03:00`,
 * `*:0/15`), checked here against systemd's grammar before any connection (the server's
 * `systemd-analyze calendar` checks again what passes), or a 5-field cron line (`0 3 * * 1-5`,
 * `@daily`) translated to systemd's form. The result is one or more OnCalendar= values: cron runs a
 * line whose day-of-month and day-of-week are both restricted when EITHER matches, systemd only
 * when both do, so such a line becomes two expressions.
 */

const SHORTHANDS = new Set([
  'minutely',
  'hourly',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'semiannually',
  'yearly',
  'annually'
]);

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const FULL_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const CRON_SPECIALS: Record<string, string> = {
  '@yearly': '*-01-01 00:00:00',
  '@annually': '*-01-01 00:00:00',
  '@monthly': '*-*-01 00:00:00',
  // cron's week starts on Sunday; systemd's `weekly` is Monday.
  '@weekly': 'Sun *-*-* 00:00:00',
  '@daily': '*-*-* 00:00:00',
  '@midnight': '*-*-* 00:00:00',
  '@hourly': '*-*-* *:00:00'
};

export interface When {
  /** OnCalendar= values (one, or two for a cron line restricted by both kinds of day). */
  calendars: string[];
  /** 'cron' when translated from a cron line. */
  kind: 'systemd' | 'cron';
}

/** `WHEN` as written -> its OnCalendar= values, or why it is refused. */
export function parseWhen(raw: string): When | string {
  const when = raw.trim().replace(/\s+/g, ' ');
  if (when === '') return 'has no time before the colon';
  if (when.length > 200) return 'the time is longer than 200 characters';
  if (!/^[A-Za-z0-9*:/,.~+@ _-]+$/.test(when))
    return `'${when.slice(0, 60)}' has a character a calendar expression never holds`;
  if (when.startsWith('@')) {
    if (when === '@reboot') return "'@reboot' is not a schedule: run it as a process or in a hook";
    const sd = CRON_SPECIALS[when.toLowerCase()];
    return sd
      ? { calendars: [sd], kind: 'cron' }
      : `'${when}' is not a cron shorthand (@hourly, @daily, ...)`;
  }
  const fields = when.split(' ');
  if (fields.length === 5 && fields.every((f) => /^[A-Za-z0-9*/,-]+$/.test(f))) {
    const cron = cronToCalendars(fields);
    return typeof cron === 'string' ? `cron line '${when}': ${cron}` : { calendars: cron, kind: 'cron' };
  }
  const bad = systemdProblem(fields);
  return bad
    ? `'${when}' is not a systemd calendar expression (${bad}) nor a 5-field cron line`
    : { calendars: [when], kind: 'systemd' };
}

// ---- systemd's grammar: [WEEKDAYS] [[YEAR-]MONTH-DAY] [HH:MM[:SS]] [TIMEZONE] ----

/** One component (`*`, `5`, `1..5`, `0/15`, `1,15`, lists of those) with values in lo..hi. */
function componentProblem(
  text: string,
  what: string,
  lo: number,
  hi: number,
  fraction = false
): string | undefined {
  for (const item of text.split(',')) {
    const num = fraction ? '\\d+(?:\\.\\d{1,6})?' : '\\d+';
    const m = new RegExp(`^(\\*|${num}(?:\\.\\.${num})?)(?:/(${num}))?$`).exec(item);
    if (!m) return `${what} '${item}'`;
    if (m[2] !== undefined && Number(m[2]) <= 0) return `${what} '${item}': a repetition of 0`;
    if (m[1] === '*') continue;
    const [a, b] = m[1]!.split('..').map(Number);
    if (a! < lo || a! > hi || (b !== undefined && (b < a! || b > hi)))
      return `${what} '${item}' is not in ${lo}..${hi}`;
  }
  return undefined;
}

function dayIndex(name: string): number {
  const n = name.toLowerCase();
  const i = DAYS.indexOf(n);
  return i >= 0 ? i : FULL_DAYS.indexOf(n);
}

function weekdaysProblem(text: string): string | undefined {
  for (const item of text.split(',')) {
    const parts = item.includes('..') ? item.split('..') : item.split('-');
    if (parts.length > 2 || parts.some((p) => dayIndex(p) < 0)) return `weekday '${item}'`;
  }
  return undefined;
}

function dateProblem(text: string): string | undefined {
  // MONTH-DAY, YEAR-MONTH-DAY; ~ counts the day from the month's end.
  const m = /^(?:([^-~]+)-)?([^-~]+)([-~])([^-~]+)$/.exec(text);
  if (!m) return `date '${text}'`;
  return (
    (m[1] === undefined ? undefined : componentProblem(m[1], 'year', 1970, 2199)) ??
    componentProblem(m[2]!, 'month', 1, 12) ??
    componentProblem(m[4]!, 'day', 1, 31)
  );
}

function timeProblem(text: string): string | undefined {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) return `time '${text}'`;
  return (
    componentProblem(parts[0]!, 'hour', 0, 23) ??
    componentProblem(parts[1]!, 'minute', 0, 59) ??
    (parts[2] === undefined ? undefined : componentProblem(parts[2], 'second', 0, 59, true))
  );
}

const TIMEZONE = /^(UTC|[A-Z][A-Za-z_+-]*(\/[A-Za-z0-9_+-]+){0,2})$/;

function systemdProblem(tokens: string[]): string | undefined {
  let rest = [...tokens];
  if (SHORTHANDS.has(rest[0]!.toLowerCase())) {
    rest = rest.slice(1);
    if (rest.length === 0) return undefined;
    return rest.length === 1 && TIMEZONE.test(rest[0]!) && dayIndex(rest[0]!) < 0
      ? undefined
      : `'${rest.join(' ')}' after '${tokens[0]}'`;
  }
  // A trailing word after a date or a time is a timezone (systemd checks the name itself).
  if (rest.length > 1 && TIMEZONE.test(rest.at(-1)!) && /[-:~]/.test(rest.at(-2)!)) rest = rest.slice(0, -1);
  let i = 0;
  if (rest[i] && /^[A-Za-z]/.test(rest[i]!)) {
    const bad = weekdaysProblem(rest[i]!);
    if (bad) return bad;
    i++;
  }
  if (rest[i] && !rest[i]!.includes(':')) {
    const bad = dateProblem(rest[i]!);
    if (bad) return bad;
    i++;
  }
  if (rest[i]) {
    const bad = timeProblem(rest[i]!);
    if (bad) return bad;
    i++;
  }
  if (i === 0) return 'no weekday, date or time';
  return i < rest.length ? `'${rest.slice(i).join(' ')}' is left over` : undefined;
}

// ---- cron: minute hour day-of-month month day-of-week ----

interface CronField {
  name: string;
  lo: number;
  hi: number;
  names?: string[];
}

const CRON_FIELDS: CronField[] = [
  { name: 'minute', lo: 0, hi: 59 },
  { name: 'hour', lo: 0, hi: 23 },
  { name: 'day of month', lo: 1, hi: 31 },
  { name: 'month', lo: 1, hi: 12, names: MONTHS },
  { name: 'day of week', lo: 0, hi: 7, names: DAYS }
];

function cronValue(text: string, f: CronField): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= f.lo && n <= f.hi ? n : undefined;
  }
  const i = f.names?.indexOf(text.toLowerCase()) ?? -1;
  return i < 0 ? undefined : f.names === MONTHS ? i + 1 : i;
}

/** The values a cron field selects ('*' for all), or why it is refused. */
interface Selection {
  all: boolean;
  step?: number;
  values: number[];
}

function cronField(text: string, f: CronField): Selection | string {
  if (text === '*') return { all: true, values: [] };
  const star = /^\*\/(\d+)$/.exec(text);
  if (star) {
    const step = Number(star[1]);
    if (step < 1 || step > f.hi) return `${f.name} '${text}': the step must be 1 to ${f.hi}`;
    return { all: false, step, values: [] };
  }
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^([A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(item);
    const a = m ? cronValue(m[1]!, f) : undefined;
    const b = m?.[2] !== undefined ? cronValue(m[2], f) : m?.[3] !== undefined ? f.hi : a;
    const step = m?.[3] !== undefined ? Number(m[3]) : 1;
    if (a === undefined || b === undefined || b < a || step < 1)
      return `${f.name} '${item}' is not a value, range or step of ${f.lo}..${f.hi}`;
    for (let v = a; v <= b; v += step) values.add(v);
  }
  return { all: false, values: [...values].sort((x, y) => x - y) };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** One systemd component for a cron field: `*`, `START/STEP`, or a list. */
function component(sel: Selection, f: CronField): string {
  if (sel.all) return '*';
  if (sel.step) return `${pad(f.lo)}/${sel.step}`;
  return sel.values.map(pad).join(',');
}

function cronToCalendars(fields: string[]): string[] | string {
  const sel: Selection[] = [];
  for (const [i, f] of CRON_FIELDS.entries()) {
    const s = cronField(fields[i]!, f);
    if (typeof s === 'string') return s;
    sel.push(s);
  }
  const [min, hour, dom, mon, dow] = sel as [Selection, Selection, Selection, Selection, Selection];
  const time = `${component(hour, CRON_FIELDS[1]!)}:${component(min, CRON_FIELDS[0]!)}:00`;
  const month = component(mon, CRON_FIELDS[3]!);
  // 0 and 7 are both Sunday; a step over the week is spelled out.
  const days = dow.all
    ? ''
    : [
        ...new Set(
          (dow.step ? [0, 1, 2, 3, 4, 5, 6].filter((d) => d % dow.step! === 0) : dow.values).map((d) => d % 7)
        )
      ]
        .sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7))
        .map((d) => DAY_NAMES[d]!)
        .join(',');
  const byDate = `*-${month}-${component(dom, CRON_FIELDS[2]!)} ${time}`;
  // Like cron: when either day field is written starting with *, both must match; when both are
  // restricted, either one does.
  if (fields[2]!.startsWith('*') || fields[4]!.startsWith('*')) return [days ? `${days} ${byDate}` : byDate];
  return [`${days} *-${month}-* ${time}`, byDate];
}
