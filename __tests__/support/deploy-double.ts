import type { RecordingRemote, RemoteCall, Reply } from './recording-remote.js';

/**
 * Which deploy step sent a script: by name when a plan queued it (`call.step`), else told by a
 * line only that step's script has. A step whose script
 * changes shape may need its line here updated; `stepsOf` names anything unknown `?`.
 */
export const STEP = {
  units: /^# config_install\.sh$/m,
  switch: /^# switch\.sh$/m,
  verify: /^# verify\.sh$/m,
  'log-tail': /echo '--- journal'/,
  states: /^# release_states_list\.sh$/m,
  candidate: /^# candidate\.sh$/m,
  restore: /^if \[ -f '[^']*\/config-previous\//m,
  serving: /echo "current=\$\(basename/,
  hook: /^systemd-run --quiet --wait --pipe/,
  prune: /^# prune\.sh$/m,
  history: /^printf '%s\\n' '\{/m,
  // The server's alert sender (alert-webhook), after a rollback: a no-op where none is set up.
  alert: /gunicorn-deploy\/alert' '[^']*' 'rollback'/
} as const;
export type StepName = keyof typeof STEP;

/** The release a step's script is about (switch, verify and candidate name one). */
const RELEASE: Partial<Record<StepName, RegExp>> = {
  switch: /^release_link='releases\/([^']+)'$/m,
  verify: /^release_dir='[^']*\/releases\/([^']+)'$/m,
  candidate: /^rel='[^']*\/releases\/([^']+)'$/m
};

export function stepOf(call: RemoteCall): string {
  // A request a plan queued is known by its step's name (QueueingRemote); the lines below are for the rest.
  if (call.step) return call.step;
  for (const [name, re] of Object.entries(STEP) as [StepName, RegExp][]) {
    if (!re.test(call.text)) continue;
    const id = RELEASE[name]?.exec(call.text)?.[1];
    return id ? `${name} ${id}` : name;
  }
  return '?';
}

/** The steps a remote was asked to run, in order: `switch NEW`, `verify NEW`, `history`... */
export function stepsOf(calls: RemoteCall[]): string[] {
  return calls.map(stepOf);
}

/** Undoes shQuote: 'a'"'"'b' -> a'b. */
const unquote = (q: string): string => q.slice(1, -1).split(`'"'"'`).join("'");

/**
 * A deploy server in miniature, answering a RecordingRemote by step: which releases exist, what
 * each became (release-states), what `current` points to, and the history lines written. Scripts
 * succeed unless `fail(step, release)` says otherwise; a failing script changes nothing.
 */
export function deployDouble(
  remote: RecordingRemote,
  init: { releases: Record<string, string>; current: string }
) {
  const server = {
    states: new Map(Object.entries(init.releases)),
    current: init.current,
    history: [] as Record<string, string>[]
  };
  const failing = new Map<string, Reply>();
  const failure = (call: RemoteCall): Reply | undefined =>
    failing.get(stepOf(call)) ?? failing.get(stepOf(call).split(' ')[0]!);
  // What every successful script wrote: state records and history lines.
  const apply = (text: string): void => {
    for (const m of text.matchAll(
      /^# release_state\.sh\nstates_dir='[^']*'\nstate=('(?:[^']|'"'"')*')\nstate_file='[^']*\/release-states\/([^']+)'$/gm
    ))
      server.states.set(m[2]!, unquote(m[1]!));
    for (const m of text.matchAll(/printf '%s\\n' ('(?:[^']|'"'"')*') >> '[^']*history\.log'/g))
      server.history.push(JSON.parse(unquote(m[1]!)) as Record<string, string>);
  };
  const answer = (call: RemoteCall, ok: () => Reply): Reply => {
    const bad = failure(call);
    if (bad) return bad;
    apply(call.text);
    return ok();
  };
  remote.on(STEP.switch, (call) =>
    answer(call, () => {
      server.current = RELEASE.switch!.exec(call.text)![1]!;
      // A running service: restart when the script was told a new master is needed, else HUP.
      return {
        stdout: `old_workers=101 102\nreload=${/^restart='yes'$/m.test(call.text) ? 'restart' : 'hup'}\n`
      };
    })
  );
  remote.on(STEP.verify, (call) => answer(call, () => ({ stdout: 'workers=2\nhealth=200\n' })));
  remote.on(STEP.candidate, (call) => answer(call, () => ({ stdout: 'candidate=ok\nms=120\n' })));
  remote.on(STEP.states, (call) =>
    answer(call, () => ({
      stdout: [...server.states]
        .sort()
        .map(([id, st]) => `state_${id}=${st}\n`)
        .join('')
    }))
  );
  remote.on(STEP.serving, (call) => answer(call, () => ({ stdout: `current=${server.current}\n` })));
  remote.on(STEP['log-tail'], (call) =>
    answer(call, () => ({
      stdout: '[ERROR] Worker failed to boot.\n--- journal\nshop.service: Main process exited\n'
    }))
  );
  // Everything else (units, restore, history, hooks) just succeeds, unless told to fail.
  remote.rules.push({ when: () => true, reply: (call) => answer(call, () => ({})) });
  return {
    server,
    /** The next (or every, with times undefined) script of this step (`verify NEW` or `verify`) fails. */
    fail(step: string, reply: Reply = { code: 1, stdout: 'why=the service is failed\n' }): void {
      failing.set(step, reply);
    },
    steps: (): string[] => stepsOf(remote.calls)
  };
}
