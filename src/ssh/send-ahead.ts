import { Readable } from 'node:stream';
import { DEFAULT_EXEC_TIMEOUT_MS, MAX_COMMAND_BYTES, shellText, timeoutSeconds } from './command-text.js';
import type { RootShellResult, RootShellRun } from './root-shell.js';
import { splitTogether, togetherScript } from './together.js';
import type { ExecOptions, QueuedRequest } from './types.js';

/** A root-shell request sent with an earlier one, to run right after it only if it succeeded. */
export type AheadRequest = Omit<RootShellRun, 'afterOk'> & {
  /** A group (togetherScript): the requests whose answers its answer holds, in its order. */
  parts?: Omit<RootShellRun, 'afterOk'>[];
};

type Answer = Promise<RootShellResult | undefined>;

/**
 * The requests a caller queues to go with the next root-shell request (sendNext), and the answers
 * of those already sent: the later call with the very same request takes its answer instead of
 * sending it again.
 */
export class SendAhead {
  /** Commands to send with the next root-shell request, each to run only if the one before succeeds. */
  private next: AheadRequest[] = [];
  /**
   * Sent ahead with an earlier request, in the order sent; the call with the very same text, shell,
   * timeout and stdin takes its answer (and drops those before it, which the caller went past).
   */
  private ahead: (AheadRequest & { answer: Answer })[] = [];
  /** Requests sent ahead whose answers have not come yet: running, or waiting their turn, on the server. */
  private unanswered = 0;

  /** Whether requests sent ahead are still running or waiting on the server. */
  get pending(): boolean {
    return this.unanswered > 0;
  }

  queue(text: string, opts: ExecOptions, kind: 'script' | 'exec'): void {
    const req = queueable(text, opts, kind);
    if (req) this.next.push(req);
  }

  queueTogether(parts: QueuedRequest[]): void {
    const reqs = parts.map((p) => queueable(p.text, p.opts, p.kind ?? 'script'));
    if (reqs.some((r) => !r || r.stdin !== undefined)) return;
    const ok = reqs as AheadRequest[];
    const text = togetherScript(
      ok.map((r, i) => ({ shell: r.shell, text: r.text, background: parts[i]!.background }))
    );
    if (Buffer.byteLength(text) > MAX_COMMAND_BYTES) return;
    const seconds = ok.reduce((n, r) => n + Number(r.timeoutS), 0);
    this.next.push({ shell: 'bash', text, timeoutS: String(seconds), parts: ok });
  }

  /** Nothing queued goes any more (a cancelled run). */
  dropQueued(): void {
    this.next = [];
  }

  /** The queued requests, to go now with the request that carries them. */
  takeQueued(): AheadRequest[] {
    return this.next.splice(0);
  }

  /** The sent-ahead request this call is, if any: it and those before it leave the list. */
  take(shell: 'sh' | 'bash', text: string, timeoutS: string, stdin: unknown): Answer | undefined {
    const same = (a: Buffer | string | undefined, b: unknown): boolean =>
      (a === undefined && b === undefined) ||
      ((typeof b === 'string' || Buffer.isBuffer(b)) &&
        a !== undefined &&
        Buffer.from(a).equals(Buffer.from(b)));
    const at = this.ahead.findIndex(
      (a) => a.shell === shell && a.text === text && a.timeoutS === timeoutS && same(a.stdin, stdin)
    );
    if (at < 0) return undefined;
    const taken = this.ahead[at]!;
    this.ahead = this.ahead.slice(at + 1);
    return taken.answer;
  }

  /** Keeps the answers of requests just sent ahead (`answers[i]` is `sent[i]`'s) for the calls to come. */
  expect(sent: AheadRequest[], answers: Answer[]): void {
    sent.forEach((n, i) => {
      const later = answers[i]!;
      // Nobody may ever ask for it (one before it failed): its end must not be an unhandled rejection.
      later.catch(() => undefined);
      this.unanswered++;
      void later.finally(() => this.unanswered--).catch(() => undefined);
      if (!n.parts) {
        this.ahead.push({ ...n, answer: later });
        return;
      }
      // A group: each of its requests takes its own part of the group's answer.
      const count = n.parts.length;
      const split = later.then((r) =>
        r?.skipped ? n.parts!.map(() => r) : r ? splitTogether(r, count) : undefined
      );
      split.catch(() => undefined);
      n.parts.forEach((part, k) => {
        const answer = split.then((all) => all?.[k]);
        answer.catch(() => undefined);
        this.ahead.push({ ...part, answer });
      });
    });
  }
}

function queueable(text: string, opts: ExecOptions, kind: 'script' | 'exec'): AheadRequest | undefined {
  if (!opts.sudo || opts.stream || opts.onStdout || opts.stdin instanceof Readable) return undefined;
  const { shell, body } = shellText(kind, text);
  if (Buffer.byteLength(body) > MAX_COMMAND_BYTES) return undefined;
  return {
    shell,
    text: body,
    timeoutS: timeoutSeconds(opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS),
    stdin: opts.stdin as string | Buffer | undefined
  };
}
