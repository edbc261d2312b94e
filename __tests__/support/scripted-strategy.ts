import type { HostContext, ModeStrategy, RollingStrategy } from '../../src/engine.js';

export type Phase = 'prepare' | 'activate' | 'tidy' | 'undo' | 'release';

/**
 * A rolling strategy whose phases only record themselves, for the engine's own logic (batches,
 * canary, rollback scope, cancellation): `events` gets `start PHASE HOST` and `end PHASE HOST`
 * (`fail PHASE HOST` when it throws), so a test sees what overlapped and in which order.
 * `during['PHASE HOST']` runs inside that phase: throw to fail it, abort a controller to cancel.
 */
export function scriptedStrategy(during: Record<string, (ctx: HostContext) => void | Promise<void>> = {}): {
  events: string[];
  /** `PHASE HOST` of each phase as it started, the simple order. */
  calls: () => string[];
  strategy: ModeStrategy;
} {
  const events: string[] = [];
  const phase =
    (name: Phase) =>
    async (ctx: HostContext): Promise<void> => {
      const key = `${name} ${ctx.label}`;
      events.push(`start ${key}`);
      // Yield once, so phases meant to run together really overlap (and ones meant not to, do not).
      await new Promise((r) => setImmediate(r));
      try {
        await during[key]?.(ctx);
      } catch (err) {
        events.push(`fail ${key}`);
        throw err;
      }
      events.push(`end ${key}`);
    };
  const rolling: RollingStrategy<unknown> = {
    prepare: phase('prepare'),
    activate: phase('activate'),
    tidy: phase('tidy'),
    undo: phase('undo'),
    release: phase('release')
  };
  return {
    events,
    calls: () => events.filter((e) => e.startsWith('start ')).map((e) => e.slice('start '.length)),
    strategy: { factKeys: [], okStatus: 'deployed', rolling, runHost: async () => undefined }
  };
}
