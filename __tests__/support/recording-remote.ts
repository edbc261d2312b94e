import type { Connector } from '../../src/engine.js';
import type {
  ExecOptions,
  ExecResult,
  QueuedRequest,
  Remote,
  SshTarget,
  UploadOptions,
  UploadResult
} from '../../src/ssh/types.js';

/**
 * A Remote that runs nothing: it records every command and upload it is handed and answers from a
 * script of replies, so the engine, the modes and the steps can be driven without a server.
 *
 * Everything reaching the "server" goes through `respond`, the one place that answers: a method
 * added to Remote (a batch, a session) records its calls with `this.respond(...)` and is answered
 * by the same rules.
 */

/** What a Remote was asked to do. `text` is the command, the script, or `LOCAL -> REMOTE` for an upload. */
export interface RemoteCall {
  host: string;
  kind: 'exec' | 'script' | 'upload' | (string & {});
  text: string;
  opts?: ExecOptions | UploadOptions;
  /** Position in the whole run's order, across every host of a fake connector. */
  seq: number;
  /** The plan step that queued this text (QueueingRemote): a call taking a queued answer gets its name. */
  step?: string;
  /** Queued as part of a group (sendNextTogether). */
  group?: number;
}

export type Reply = Partial<ExecResult> & {
  /** Rejects instead of answering (a dropped connection, a cancellation). */
  throws?: Error;
  /** For uploads. */
  upload?: Partial<UploadResult>;
};

export interface Rule {
  /** A regex tested against the call's text, or a predicate on the call. */
  when: RegExp | ((call: RemoteCall) => boolean);
  /** Only calls of this kind (default: any). */
  kind?: RemoteCall['kind'];
  reply: Reply | ((call: RemoteCall) => Reply | Promise<Reply>);
  /** Answers this many matching calls, then stops matching (default: every one). */
  times?: number;
  /** Hit count, for asserting a rule was used. */
  hits?: number;
}

/** Default answer: success with no output, as a script that printed nothing. */
const OK: ExecResult = { code: 0, stdout: '', stderr: '', timedOut: false };

let nextSeq = 0;

export class RecordingRemote implements Remote {
  readonly calls: RemoteCall[] = [];
  closed = false;

  constructor(
    readonly label: string,
    /** First matching rule answers; tests push more rules at any time (`on`). */
    readonly rules: Rule[] = [],
    /** Shared with the other remotes of a fake connector: the whole run's order. */
    readonly journal: RemoteCall[] = []
  ) {}

  /** Adds a rule in front of the others (the newest, most specific rule wins). */
  on(
    when: Rule['when'],
    reply: Rule['reply'],
    opts: { times?: number; kind?: RemoteCall['kind'] } = {}
  ): Rule {
    const rule: Rule = { when, reply, ...opts, hits: 0 };
    this.rules.unshift(rule);
    return rule;
  }

  exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    return this.respond('exec', command, opts);
  }

  script(script: string, opts?: ExecOptions): Promise<ExecResult> {
    return this.respond('script', script, opts);
  }

  async upload(localDir: string, remoteDir: string, opts: UploadOptions): Promise<UploadResult> {
    const r = await this.reply('upload', `${localDir} -> ${remoteDir}`, opts);
    return { files: 0, bytes: 0, ms: 0, ...r.upload };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The one place a call is recorded and answered. */
  async respond(
    kind: RemoteCall['kind'],
    text: string,
    opts?: ExecOptions | UploadOptions
  ): Promise<ExecResult> {
    const r = await this.reply(kind, text, opts);
    return {
      ...OK,
      code: r.code ?? 0,
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      timedOut: r.timedOut ?? false
    };
  }

  private async reply(
    kind: RemoteCall['kind'],
    text: string,
    opts?: ExecOptions | UploadOptions
  ): Promise<Reply> {
    if (this.closed) throw new Error(`${this.label}: ${kind} after close`);
    const call: RemoteCall = { host: this.label, kind, text, opts, seq: nextSeq++ };
    const queued = this.queuedFor(text);
    if (queued) call.step = queued.step;
    this.calls.push(call);
    this.journal.push(call);
    // As a real Remote does: a cancelled signal ends the command (abortable() passes one in).
    if (opts?.signal?.aborted) throw new Error(`${this.label}: ${kind} cancelled`);
    const rule = this.rules.find(
      (r) =>
        (r.times === undefined || (r.hits ?? 0) < r.times) &&
        (!r.kind || r.kind === kind) &&
        (typeof r.when === 'function' ? r.when(call) : r.when.test(text))
    );
    if (!rule) return {};
    rule.hits = (rule.hits ?? 0) + 1;
    const r = typeof rule.reply === 'function' ? await rule.reply(call) : rule.reply;
    if (r.throws) throw r.throws;
    return r;
  }

  /** The request queued ahead with this text (QueueingRemote only). */
  protected queuedFor(_text: string): RemoteCall | undefined {
    return undefined;
  }

  /** Calls whose text matches, e.g. `remote.matching(STEP.switch)`. */
  matching(re: RegExp): RemoteCall[] {
    return this.calls.filter((c) => re.test(c.text));
  }
}

/**
 * A RecordingRemote that also takes requests sent ahead, as SshRemote does (sendNext,
 * sendNextTogether): each is recorded in `sent`, in the order the server would run them, under the
 * name of the plan step that queued it (`opts.step`). The step's own call later is answered by the
 * rules as any call, and carries that name (`call.step`), so a test tells steps apart by name.
 */
export class QueueingRemote extends RecordingRemote {
  readonly sent: RemoteCall[] = [];
  private groups = 0;

  sendNext(text: string, opts: ExecOptions = {}, kind: 'script' | 'exec' = 'script'): void {
    this.sent.push({ host: this.label, kind, text, opts, seq: nextSeq++, step: opts.step });
  }

  sendNextTogether(parts: QueuedRequest[]): void {
    const group = ++this.groups;
    for (const p of parts)
      this.sent.push({
        host: this.label,
        kind: p.kind ?? 'script',
        text: p.text,
        opts: p.opts,
        seq: nextSeq++,
        step: p.opts.step,
        group
      });
  }

  /** The names of what was queued, in order: `backup+check` for a group. */
  sentSteps(): string[] {
    const out: string[] = [];
    let lastGroup: number | undefined;
    for (const c of this.sent) {
      const name = c.step ?? '?';
      if (c.group !== undefined && c.group === lastGroup) out[out.length - 1] += `+${name}`;
      else out.push(name);
      lastGroup = c.group;
    }
    return out;
  }

  protected override queuedFor(text: string): RemoteCall | undefined {
    return this.sent.find((c) => c.text === text);
  }
}

/**
 * A Connector handing the engine one RecordingRemote per host. `rules(host)` gives each new remote
 * its replies; `refuse` lists hosts whose connection fails (as an unreachable server).
 */
export function fakeConnector(
  opts: {
    rules?: (host: string) => Rule[];
    refuse?: string[];
    /** Called with each new remote, e.g. to give it a deployDouble. */
    onConnect?: (remote: RecordingRemote) => void;
  } = {}
): {
  connect: Connector;
  remotes: Map<string, RecordingRemote>;
  journal: RemoteCall[];
  connected: string[];
} {
  const remotes = new Map<string, RecordingRemote>();
  const journal: RemoteCall[] = [];
  const connected: string[] = [];
  const connect: Connector = async (target: SshTarget) => {
    connected.push(target.host);
    if (opts.refuse?.includes(target.host))
      throw new Error(`connect to ${target.host}:${target.port}: ECONNREFUSED`);
    const remote = new RecordingRemote(target.host, opts.rules?.(target.host) ?? [], journal);
    remotes.set(target.host, remote);
    opts.onConnect?.(remote);
    return remote;
  };
  return { connect, remotes, journal, connected };
}
