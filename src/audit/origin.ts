import * as os from 'node:os';

/**
 * Who started a run and from where, for the audit fields of every history line: on GitHub the
 * run's actor, repository and run URL; from the CLI the local user and the machine's name. Read
 * once per process (the environment does not change during a run).
 */
export interface RunOrigin {
  /** GITHUB_ACTOR, or the local user name. */
  actor: string;
  /** owner/name on GitHub, else the runner's host name. */
  from: string;
  /** The workflow run's URL (empty from the CLI). */
  run: string;
}

/** History lines are for people: a value that long is someone's mistake, not an audit fact. */
const MAX = 200;

function clip(v: string): string {
  // JSON.stringify escapes control characters; clipping only keeps a line readable.
  return v.length <= MAX ? v : v.slice(0, MAX - 1) + '…';
}

/** The URL of this workflow run's log (its attempt when re-run), or '' outside GitHub Actions. */
export function runUrl(env: NodeJS.ProcessEnv): string {
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const repository = env.GITHUB_REPOSITORY ?? '';
  const attempt =
    env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return repository && env.GITHUB_RUN_ID
    ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`
    : '';
}

function localUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

export function runOrigin(env: NodeJS.ProcessEnv = process.env): RunOrigin {
  const github = !!env.GITHUB_ACTIONS || !!env.GITHUB_RUN_ID;
  return {
    actor: clip(env.GITHUB_ACTOR || (github ? 'github' : localUser())),
    from: clip(github && env.GITHUB_REPOSITORY ? env.GITHUB_REPOSITORY : `cli@${os.hostname()}`),
    run: clip(runUrl(env))
  };
}
