import type { Remote } from './ssh/types.js';

/**
 * A cancelled run (a GitHub cancel sends SIGINT, then SIGTERM ~7.5 s later, then SIGKILL ~2.5 s
 * after that; Ctrl-C in a terminal) is a fault like any other: no new host, batch or step starts,
 * a host switched but not yet proven is rolled back, a host still preparing lets go of its lock.
 * The signal reaches the long waits (health polling, lock waits, the upload) as an AbortSignal.
 */
export class CancelledError extends Error {
  constructor(message = 'the run was cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Throws when the run was cancelled: called before any new unit of work starts. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new CancelledError(`the run was cancelled (${reasonOf(signal)}) before ${what}`);
}

/** Why the signal fired, as a short phrase ("SIGINT"). */
export function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r.message;
  return typeof r === 'string' ? r : 'cancelled';
}

export interface SignalWatch {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * Turns SIGINT and SIGTERM into an aborted signal, once; later signals only call onRepeat (the
 * rollback in progress must not be cut short by the runner's SIGTERM). Installing a handler also
 * keeps Node from exiting at the first signal, which is the point.
 */
export function watchSignals(
  opts: { onFirst?: (sig: string) => void; onRepeat?: (sig: string) => void } = {}
): SignalWatch {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      opts.onRepeat?.(sig);
      return;
    }
    controller.abort(sig);
    opts.onFirst?.(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
    }
  };
}

/**
 * The same server, but every command started through it is ended when the run is cancelled (the
 * lock holder opts out by passing its own `signal: undefined`: it lives until release()).
 */
export function abortable(remote: Remote, signal: AbortSignal): Remote {
  const proxy = makeAbortable(remote, signal);
  unwrapped.set(proxy, remote);
  return proxy;
}

const unwrapped = new WeakMap<Remote, Remote>();

/** The server without the cancellation: for the few lines a cancelled run still writes (history). */
export function uncancellable(remote: Remote): Remote {
  return unwrapped.get(remote) ?? remote;
}

function makeAbortable(remote: Remote, signal: AbortSignal): Remote {
  const withSignal = <O extends object>(opts: O | undefined): O =>
    opts && 'signal' in opts ? opts : ({ ...(opts ?? {}), signal } as O);
  return new Proxy(remote, {
    get(target, prop, receiver) {
      if (prop === 'exec' || prop === 'script') {
        return (text: string, opts?: Parameters<Remote['exec']>[1]) => target[prop](text, withSignal(opts));
      }
      if (prop === 'upload') {
        return (local: string, dir: string, opts: Parameters<Remote['upload']>[2]) =>
          target.upload(local, dir, withSignal(opts));
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    }
  });
}
