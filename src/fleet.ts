import type { Logger } from './log.js';

/**
 * The order servers are deployed in. The servers of one batch are prepared (upload, venv, checks)
 * and switched together; the next batch starts only when every server of this one is proven live.
 * With max-parallel 1 (the default) that is one server at a time. A canary is a batch of its own,
 * proven before anything else is touched.
 */
export function planBatches<T>(hosts: T[], maxParallel: number, canary: boolean): T[][] {
  const batches: T[][] = [];
  let rest = hosts;
  if (canary && hosts.length > 1) {
    batches.push([hosts[0]!]);
    rest = hosts.slice(1);
  }
  const size = Math.max(1, maxParallel);
  for (let i = 0; i < rest.length; i += size) batches.push(rest.slice(i, i + size));
  return batches;
}

/**
 * A logger that keeps one host's lines while several hosts work at once, so each host's phase is
 * printed as one readable group when it ends instead of interleaving line by line. Secrets are
 * registered at once; warnings and errors also go out at once (they become annotations).
 */
export function bufferedLogger(
  real: Logger,
  label: string
): Logger & { flush(title: string): Promise<void> } {
  let lines: string[] = [];
  return {
    info: (m) => void lines.push(m),
    debug: (m) => real.debug(`[${label}] ${m}`),
    warning: (m) => {
      lines.push(`warning: ${m}`);
      real.warning(`${label}: ${m}`);
    },
    error: (m) => {
      lines.push(`error: ${m}`);
    },
    group: async (name, fn) => {
      lines.push(`-- ${name}`);
      return fn();
    },
    setSecret: (v) => real.setSecret(v),
    async flush(title) {
      const out = lines;
      lines = [];
      if (out.length === 0) return;
      await real.group(title, async () => {
        for (const l of out) real.info(l);
      });
    }
  };
}
