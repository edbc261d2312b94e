import type { AppLayout } from '../deploy/paths.js';
import { serverOneLine } from '../render/scripts.js';

/**
 * RQ workers get a second command at stop (ExecStopPost=): templates/scripts/rq_requeue.py puts back
 * on its queue a job the worker took but never started because the stop came in between (RQ 2.x,
 * rq/rq#2236; a deploy restarting workers while jobs arrive hits it now and then). The program gets
 * the worker's own arguments, so it reaches the same Redis and queues the worker did.
 */

/** `rq worker ARGS`, optionally after `exec` or as a path to rq: the ARGS as written, else undefined. */
export function rqWorkerArgs(command: string): string | undefined {
  const m = /^(?:exec\s+)?(?:[^\s;&|<>()`$'"]*\/)?rq\s+worker(?=\s|$)(.*)$/.exec(command.trim());
  return m ? m[1]!.trim() : undefined;
}

/**
 * The ExecStopPost= command (bash text) for a process, or '' when its command is not an RQ worker:
 * the program runs under the interpreter of the `rq` the worker ran (its first line), with the
 * worker's words.
 */
export function rqStopPost(command: string, program: string): string {
  const args = rqWorkerArgs(command);
  if (args === undefined) return '';
  const rq = /^(?:exec\s+)?(\S*rq)\s+worker/.exec(command.trim())![1]!;
  const text = `r=$(command -v ${rq}) || exit 0; exec $(sed -n '1s/^#! *//p' "$r") ${program} ${args}`;
  return text;
}

/** Where root keeps the program (beside the processes' sets; /etc/APP is the app group's to read). */
export function rqProgramPath(paths: AppLayout): string {
  return `${paths.etc}/processes/rq-requeue.py`;
}

/**
 * The ExecStop= command (bash text) of an RQ worker, or '' for any other process: SIGTERM to the
 * worker, then watch it. RQ may lose that signal: caught while it holds a job it has not started,
 * the StopRequested it raises can be swallowed where it lands (a log call catches every
 * exception), and the worker runs on until SIGKILL takes it with a job in hand. A worker that
 * starts a new job after the signal (a child the stop did not see) or stays alive without one for
 * 2 s missed it: it gets SIGTERM again, between jobs (RQ then stops at once; a job caught in between
 * is put back by the stop program above). At `stopSec` it is killed, as TimeoutStopSec would.
 * The script is templates/scripts/rq_stop.sh, as one line.
 */
export function rqStopCommand(command: string, stopSec: number): string {
  if (rqWorkerArgs(command) === undefined) return '';
  return serverOneLine('rq_stop', { limit: Math.max(1, stopSec - 1) });
}
