import type { Logger } from './log.js';
import type { RunReport } from './report.js';
import { SettingsError, hostLabel, type Settings } from './settings.js';
import { registerSecrets, targetFor } from './targets.js';
import { sourceProblems } from './source-check.js';
import { startManifest } from './early-manifest.js';
import type { Remote, SshTarget } from './ssh/types.js';
import { connect as sshConnect } from './ssh/connection.js';
import { errorMessage, step } from './steps/step.js';
import { modeStrategy } from './modes/index.js';
import { runRolling, type HostSlot } from './rolling.js';
import { troubleshootingRef } from './troubleshooting.js';
import { sectionFor } from './error-section.js';
import { CancelledError, reasonOf } from './cancel.js';
import type { HostContext, ModeStrategy } from './modes/types.js';
import type { PhaseNote } from './phase-state.js';
import { deployNotifier } from './notify/webhook.js';

// The contracts between the engine and the modes live in modes/types.ts (no import cycle).
export type { HostContext, ModeStrategy, RollingStrategy } from './modes/types.js';
export type { PhaseNote } from './phase-state.js';
// Where the front doors have always found them; they belong to the settings (src/settings/hosts.ts).
export { hostLabel } from './settings.js';
export { registerSecrets, secretValues, targetFor } from './targets.js';

export type Connector = (target: SshTarget, logger: Logger) => Promise<Remote>;

export interface EngineDeps {
  logger: Logger;
  connect?: Connector;
  /** The run's cancellation (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Called whenever a host's deploy phase changes (the action saves it in its state). */
  onPhase?: (index: number, host: string, note: PhaseNote) => void;
  /** The mode's strategy; by default the one settings.mode names (tests pass their own). */
  strategy?: ModeStrategy;
}

export async function runEngine(
  settings: Settings,
  deps: EngineDeps
): Promise<{ report: RunReport; factKeys: string[] }> {
  const { logger, signal } = deps;
  const connect = deps.connect ?? sshConnect;
  registerSecrets(settings, logger);
  const strategy = deps.strategy ?? modeStrategy(settings.mode);
  const start = performance.now();
  const slots: HostSlot[] = settings.hosts.map((spec) => ({
    spec,
    started: 0,
    report: { host: hostLabel(spec), ok: false, status: 'not started', steps: [], ms: 0, facts: {} }
  }));
  const local = await sourceProblems(settings);
  if (local.length > 0) {
    // Printed once, by the front end (the action's annotation, the CLI's last line).
    const error = new SettingsError(local).message;
    const hosts = slots.map((s) => s.report);
    return {
      report: {
        mode: settings.mode,
        ok: false,
        status: 'failed',
        hosts,
        ms: performance.now() - start,
        error
      },
      factKeys: strategy.factKeys
    };
  }

  // What the upload will send, listed and hashed while SSH connects (src/early-manifest.ts).
  if (settings.mode === 'deploy') startManifest(settings.app.source, settings.app.exclude);
  // Started once the inputs are known good; its end waits a bounded moment (src/notify/webhook.ts).
  const notifier = deployNotifier(settings, logger);
  const open = async (slot: HostSlot, log: Logger): Promise<HostContext> => {
    if (signal?.aborted)
      throw new CancelledError(
        `the run was cancelled (${reasonOf(signal)}) before it reached ${slot.report.host}`
      );
    slot.started = performance.now();
    const { report } = slot;
    const label = report.host;
    const remote = await step(log, report.steps, label, 'connect', async () => {
      const r = await connect(targetFor(settings, slot.spec), log);
      return Object.assign(r, { detail: `${settings.ssh.user}@${label}` });
    });
    slot.remote = remote;
    report.status = strategy.okStatus;
    slot.ctx = {
      remote,
      settings,
      logger: log,
      label,
      records: report.steps,
      facts: report.facts,
      setStatus: (s) => (report.status = s),
      signal,
      notePhase: (note) => deps.onPhase?.(slots.indexOf(slot), label, note),
      reconnect: () => connect({ ...targetFor(settings, slot.spec), retries: 0 }, log)
    };
    return slot.ctx;
  };
  const fail = (slot: HostSlot, err: unknown): void => {
    const r = slot.report;
    r.ok = false;
    if (r.status === strategy.okStatus || r.status === 'not started')
      r.status = signal?.aborted ? 'cancelled' : 'failed';
    const failedStep = r.steps.filter((st) => !st.ok).at(-1)?.name;
    r.error = `${errorMessage(err)}\n${troubleshootingRef(sectionFor(settings.mode, failedStep))}`;
  };

  try {
    if (strategy.rolling)
      await runRolling(settings, strategy.rolling, slots, open, fail, logger, strategy.okStatus, signal);
    else if (strategy.parallel) {
      await Promise.all(
        slots.map(async (slot) => {
          try {
            await strategy.runHost(await open(slot, logger));
            slot.report.ok = true;
          } catch (err) {
            fail(slot, err);
          } finally {
            slot.report.ms = performance.now() - slot.started;
          }
        })
      );
    } else {
      for (const slot of slots) {
        if (signal?.aborted) break;
        try {
          await strategy.runHost(await open(slot, logger));
          slot.report.ok = true;
        } catch (err) {
          fail(slot, err);
          // A failed host stops the run: servers not yet touched are left alone. The checks that
          // change nothing go on: each server's answer is its own.
          if (!['preflight', 'verify', 'loadtest', 'status', 'logs'].includes(settings.mode)) break;
        } finally {
          slot.report.ms = performance.now() - slot.started;
        }
      }
    }
  } finally {
    for (const s of slots) if (s.remote?.roundTrips !== undefined) s.report.roundTrips = s.remote.roundTrips;
    for (const s of slots) if (s.remote?.waits !== undefined) s.report.waits = s.remote.waits;
    await Promise.all(slots.map((s) => s.remote?.close().catch(() => undefined)));
  }

  const hosts = slots.map((s) => s.report);
  const ok = hosts.every((h) => h.ok);
  const failed = hosts.find((h) => h.error);
  const others = hosts.filter((h) => h !== failed && h.facts['rolled-back'] === 'true').map((h) => h.host);
  const report: RunReport = {
    mode: settings.mode,
    ok,
    status: ok ? strategy.okStatus : (failed?.status ?? 'failed'),
    hosts,
    ms: performance.now() - start,
    error: failed
      ? `${failed.host}: ${failed.error}${others.length ? `\nRolled back on the servers already switched in this run: ${others.join(', ')}.` : ''}`
      : undefined
  };
  await notifier.end(report);
  return { report, factKeys: strategy.factKeys };
}
