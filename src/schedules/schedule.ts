import { createHash } from 'node:crypto';
import { processCommandProblem } from '../processes/procfile.js';
import { parseWhen } from './calendar.js';

/**
 * The `schedule` input: one `WHEN: COMMAND` a line, `#` comments and blank lines ignored. WHEN
 * ends at the first colon followed by a space (a calendar expression's colons never are), so
 * `*-*-* 03:00:00: flask cleanup` and `0 3 * * *: flask cleanup` both read as meant.
 */
export interface ScheduleSpec {
  /**
   * Names its units APP-schedule-ID.timer/.service: a hash of the line, so an unchanged line keeps
   * its units (and the timer's Persistent= stamp) across deploys, and a changed one is a new timer.
   */
  id: string;
  /** As written, for the log and the unit's description. */
  when: string;
  /** OnCalendar= values. */
  calendars: string[];
  command: string;
  /** The line of the input it came from (1-based), for messages. */
  line: number;
}

export const MAX_SCHEDULES = 50;

export function parseSchedules(text: string): { schedules: ScheduleSpec[]; problems: string[] } {
  const schedules: ScheduleSpec[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `input \`schedule\` line ${i + 1}`;
    const m = /^(.*?):\s+(.*)$/.exec(line);
    if (!m) {
      problems.push(
        `${where}: '${line.slice(0, 80)}' is not WHEN: COMMAND (a colon and a space after the time)`
      );
      return;
    }
    const when = parseWhen(m[1]!);
    if (typeof when === 'string') {
      problems.push(`${where}: ${when}`);
      return;
    }
    const command = m[2]!.trim();
    const bad = processCommandProblem(command);
    if (bad) {
      problems.push(`${where}: the command ${bad}`);
      return;
    }
    const written = m[1]!.trim().replace(/\s+/g, ' ');
    const id = createHash('sha256').update(`${written}\n${command}`).digest('hex').slice(0, 10);
    const twin = schedules.find((s) => s.id === id);
    if (twin) {
      problems.push(`${where}: the same as line ${twin.line}`);
      return;
    }
    schedules.push({ id, when: written, calendars: when.calendars, command, line: i + 1 });
  });
  if (schedules.length > MAX_SCHEDULES)
    problems.push(`input \`schedule\`: ${schedules.length} lines; at most ${MAX_SCHEDULES}`);
  return { schedules, problems };
}
