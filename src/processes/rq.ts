import type { AppLayout } from '../deploy/paths.js';

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
