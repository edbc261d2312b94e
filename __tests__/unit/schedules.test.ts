import { parseSettings, SettingsError } from '../../src/settings.js';
import { parseWhen } from '../../src/schedules/calendar.js';
import { parseSchedules } from '../../src/schedules/schedule.js';
import { renderScheduleUnits } from '../../src/schedules/units.js';
import { layoutFor } from '../../src/deploy/paths.js';
import { writeSchedulesScript } from '../../src/schedules/script.js';
import type { DeployContext } from '../../src/deploy/context.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function inputs(over: Record<string, string>): Record<string, string> {
  return {
    host: '10.0.0.5\n10.0.0.6',
    'private-key': KEY,
    'app-name': 'shop',
    'host-fingerprint': 'SHA256:' + 'A'.repeat(43),
    ...over
  };
}

function problems(over: Record<string, string>): string[] {
  const all: Record<string, string> = {
    host: '10.0.0.5\n10.0.0.6',
    'private-key': KEY,
    'app-name': 'shop',
    'host-fingerprint': 'SHA256:' + 'A'.repeat(43),
    ...over
  };
  try {
    parseSettings((n) => all[n] ?? '');
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
}

describe('schedule calendar expressions', () => {
  test.each([
    ['daily', ['daily']],
    ['Mon..Fri *-*-* 03:00', ['Mon..Fri *-*-* 03:00']],
    ['*:0/15', ['*:0/15']],
    ['*:*:0/5', ['*:*:0/5']],
    ['Mon *-*-* 03:00 UTC', ['Mon *-*-* 03:00 UTC']]
  ])('systemd %s is kept as written', (when, calendars) => {
    expect(parseWhen(when)).toEqual({ calendars, kind: 'systemd' });
  });

  test.each([
    ['0 3 * * *', ['*-*-* 03:00:00']],
    ['@daily', ['*-*-* 00:00:00']],
    ['@weekly', ['Sun *-*-* 00:00:00']],
    ['*/5 * * * *', ['*-*-* *:00/5:00']],
    ['0 9 * * mon-fri', ['Mon,Tue,Wed,Thu,Fri *-*-* 09:00:00']],
    ['0 22 * * 7', ['Sun *-*-* 22:00:00']],
    // cron runs when EITHER restricted day field matches: two expressions.
    ['0 0 1,15 * 1-5', ['Mon,Tue,Wed,Thu,Fri *-*-* 00:00:00', '*-*-01,15 00:00:00']]
  ])('cron %s is translated', (when, calendars) => {
    expect(parseWhen(when)).toEqual({ calendars, kind: 'cron' });
  });

  test.each([
    ['60 3 * * *', /minute '60'/],
    ['*-*-* 25:00', /hour '25'/],
    ['foo bar', /not a systemd calendar expression/],
    ['@reboot', /not a schedule/],
    ['daily; rm -rf /', /character/]
  ])('%s is refused saying why', (when, why) => {
    expect(parseWhen(when)).toMatch(why);
  });
});

describe('input schedule', () => {
  test('WHEN ends at the first colon and space; ids are stable and distinct', () => {
    const a = parseSchedules('# reports\n*-*-* 03:00:00: flask cleanup\n\n0 3 * * *: flask report --all');
    expect(a.problems).toEqual([]);
    expect(a.schedules.map((s) => [s.when, s.command, s.line])).toEqual([
      ['*-*-* 03:00:00', 'flask cleanup', 2],
      ['0 3 * * *', 'flask report --all', 4]
    ]);
    const b = parseSchedules('*-*-* 03:00:00: flask cleanup');
    expect(b.schedules[0]!.id).toBe(a.schedules[0]!.id);
    expect(a.schedules[0]!.id).not.toBe(a.schedules[1]!.id);
  });

  test('bad lines are refused naming the line, before connecting', () => {
    const p = problems({ schedule: 'daily: ok\n61 * * * *: flask x\nno colon here\ndaily: ok' });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/input `schedule` line 2: .*minute '61'/),
        expect.stringMatching(/input `schedule` line 3: .*not WHEN: COMMAND/),
        expect.stringMatching(/input `schedule` line 4: the same as line 1/)
      ])
    );
  });

  test('schedule-host must be one of the hosts', () => {
    expect(problems({ schedule: 'daily: flask x', 'schedule-host': '10.0.0.6' })).toEqual([]);
    expect(problems({ schedule: 'daily: flask x', 'schedule-host': '10.0.0.9' })).toEqual([
      expect.stringMatching(/schedule-host.*not one of the servers/)
    ]);
  });

  test('units: the serving release, the app user, Persistent, the alert on failure; % and $ escaped', () => {
    const [spec] = parseSchedules('*:0/15: echo "$HOME 100%" >> log').schedules;
    const u = renderScheduleUnits(layoutFor('shop', '/srv/shop'), spec!, '20261207-101010');
    expect(u.timer).toMatch(/^OnCalendar=\*:0\/15$/m);
    expect(u.timer).toMatch(/^Persistent=true$/m);
    expect(u.service).toMatch(/^User=shop$/m);
    expect(u.service).toMatch(/^WorkingDirectory=.*\/releases\/20261207-101010$/m);
    expect(u.service).toMatch(/^OnFailure=shop-alert@%N\.service$/m);
    expect(u.service).toContain('$$HOME 100%%');
  });
});

test('only the schedule host gets timers in its set', () => {
  const all = inputs({ schedule: 'daily: flask x', 'schedule-host': '10.0.0.6' });
  const settings = parseSettings((n) => all[n] ?? '');
  const ctx = (label: string) =>
    ({ label, settings, paths: layoutFor('shop', '/srv/shop') }) as unknown as DeployContext;
  expect(writeSchedulesScript(ctx('10.0.0.5'), '20261207-101010', '/x')).toBe('');
  const here = writeSchedulesScript(ctx('10.0.0.6'), '20261207-101010', '/x');
  // The server's systemd parses the calendar first, then the units are written into the set.
  expect(here).toMatch(/# schedules_calendar_check\.sh\ncalendars='daily'\nlines='1'\n/);
  expect(here.indexOf('# schedules_calendar_check.sh')).toBeLessThan(here.indexOf('# schedules_write.sh'));
  expect(here).toMatch(
    /# schedules_write\.sh\nset_dir='\/x'\nids='[0-9a-f]{10}'\ntimer_0='[^']*OnCalendar=daily/
  );
});
