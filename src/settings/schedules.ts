import { parseSchedules, type ScheduleSpec } from '../schedules/schedule.js';
import type { Inputs, Problems } from './inputs.js';
import type { HostSpec } from './ssh.js';
import { hostLabel } from './hosts.js';

export interface ScheduleSettings {
  /** The `schedule` input's lines, each a systemd timer on one server. */
  schedules: ScheduleSpec[];
  /** The host label (hostLabel) of the one server that runs them: schedule-host, or the first host. */
  host: string;
}

/**
 * `schedule` and `schedule-host`. A fleet runs each schedule once, on one server: the one named, or
 * the first of `host` (a canary does not change it: timers stay where they are across deploys).
 */
export function parseScheduleSettings(read: Inputs, problems: Problems, hosts: HostSpec[]): ScheduleSettings {
  const parsed = parseSchedules(read('schedule'));
  problems.push(...parsed.problems);
  const given = read.text('schedule-host');
  let host = hosts[0] ? hostLabel(hosts[0]) : '';
  if (given !== '') {
    const found = hosts.find((h) => hostLabel(h) === given || h.host === given);
    if (found) host = hostLabel(found);
    else read.check('schedule-host', `'${given.slice(0, 80)}' is not one of the servers of input \`host\``);
  }
  return { schedules: parsed.schedules, host };
}
