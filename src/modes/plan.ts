import type { QueuedRequest, Remote } from '../ssh/types.js';
import type { StepName } from '../steps/catalog.js';
import type { StepOutcome } from '../steps/step.js';

/**
 * One step of a declared plan. The plan's order is the order of everything: the steps run in it,
 * the requests sent ahead reach the server in it (the server runs each only if the one before
 * succeeded), and each step's own call then takes its answer (same text and options). So a step
 * added to the list can never run on the server after a step the list puts after it.
 */
export interface PlanStep<S> {
  name: StepName;
  /** Whether the step happens in this run (default: always); asked again when the step's turn comes. */
  when?: (s: S) => boolean;
  /**
   * What the step sends, with the very text and options its run sends: queued ahead when no step
   * before it needs the runner in between. None: the step runs on its own (a stream, a hook, the
   * runner's side).
   */
  request?: (s: S) => QueuedRequest[];
  /** The runner needs this step's answer before anything after it can be sent (a release id, a hook). */
  barrier?: (s: S) => boolean;
  /** Its own call carries what was queued: after a barrier, the steps after it are queued for it. */
  carries?: boolean;
  /** Consecutive steps with this set send their requests as one group (each part keeps its server time). */
  together?: (s: S) => boolean;
  /**
   * The step itself. `sendRest` queues what follows it now, for a barrier that learns what they
   * need before its own end (the upload's release id) and whose later requests carry them.
   */
  run: (s: S, sendRest: () => void) => Promise<StepOutcome | void>;
  /** After the step's record is closed (outside its time and its failure): a fact for later. */
  after?: (s: S) => Promise<void>;
}

export type Stepper = <T extends StepOutcome | void>(name: StepName, fn: () => Promise<T>) => Promise<T>;

/**
 * Runs a declared plan for one host: sends every request it may up to the first barrier, then runs
 * the steps in order, each taking its queued answer; after a barrier the next stretch is sent.
 */
export class Planner<S> {
  /** Steps before this index were queued (or passed over) already. */
  private sentTo = 0;
  /** The requests queued, by step name, in the order sent (for logs and tests). */
  readonly sent: StepName[] = [];

  constructor(
    private readonly steps: readonly PlanStep<S>[],
    private readonly remote: Remote,
    private readonly state: S
  ) {}

  /** Queues the requests of the steps after `name`, up to and including the first barrier. */
  sendAfter(name: StepName): void {
    this.sendFrom(this.index(name) + 1);
  }

  /** Every step in order (from `from` on), each as one unit of log and time. */
  async run(s: Stepper): Promise<void> {
    for (let i = 0; i < this.steps.length; i++) {
      const st = this.steps[i]!;
      if (!this.applies(st)) continue;
      await s(st.name, () => st.run(this.state, () => this.sendFrom(i + 1)));
      await st.after?.(this.state);
      if (st.barrier?.(this.state) && this.sentTo <= i + 1) this.sendPastCarrier(i + 1);
    }
  }

  /** After a barrier: the next step's own call carries those after it, if it is one that carries. */
  private sendPastCarrier(from: number): void {
    const next = this.steps.findIndex((st, i) => i >= from && this.applies(st));
    const carrier = this.steps[next];
    if (!carrier?.carries || (carrier.request?.(this.state) ?? []).length === 0) return;
    if (carrier.barrier?.(this.state)) return;
    this.sentTo = next + 1;
    this.sendFrom(next + 1);
  }

  private sendFrom(from: number): void {
    if (from < this.sentTo) return;
    let group: QueuedRequest[] = [];
    let groupNames: StepName[] = [];
    const flush = (): void => {
      if (group.length === 0) return;
      if (this.remote.sendNextTogether) this.remote.sendNextTogether(group);
      else for (const r of group) this.remote.sendNext?.(r.text, r.opts, r.kind);
      this.sent.push(...groupNames);
      group = [];
      groupNames = [];
    };
    let i = from;
    while (i < this.steps.length) {
      const st = this.steps[i++]!;
      if (!this.applies(st)) continue;
      const reqs = (st.request?.(this.state) ?? []).map((r) => ({
        ...r,
        opts: { ...r.opts, step: st.name }
      }));
      if (st.together?.(this.state)) {
        group.push(...reqs);
        groupNames.push(...reqs.map(() => st.name));
      } else {
        flush();
        for (const r of reqs) {
          this.remote.sendNext?.(r.text, r.opts, r.kind);
          this.sent.push(st.name);
        }
      }
      if (st.barrier?.(this.state)) break;
    }
    flush();
    this.sentTo = Math.max(this.sentTo, i);
  }

  private applies(st: PlanStep<S>): boolean {
    return !st.when || st.when(this.state);
  }

  private index(name: StepName): number {
    const i = this.steps.findIndex((st) => st.name === name);
    if (i < 0) throw new Error(`no step ${name} in the plan`);
    return i;
  }
}
