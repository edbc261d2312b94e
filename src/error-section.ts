import { STEPS, type StepName } from './steps/catalog.js';
import type { SectionKey } from './troubleshooting.js';

/**
 * The section for a run of `mode` that failed in `failedStep` (undefined: the error came from no
 * step, e.g. the engine's own bookkeeping around them).
 */
export function sectionFor(mode: string, failedStep: StepName | undefined): SectionKey {
  if (failedStep === 'connect') return 'connect';
  if (failedStep === 'load check') return 'load';
  // Provision's first deploy fails in the deploy's own steps (pip, the import check, the candidate):
  // their sections explain them, not provision's.
  const deployStep = failedStep === undefined ? undefined : STEPS[failedStep].section;
  if (mode === 'provision' && (deployStep === 'build' || deployStep === 'candidate' || deployStep === 'live'))
    return deployStep;
  if (mode === 'provision' || mode === 'verify' || mode === 'remove' || mode === 'alert-test')
    return 'provision';
  if (mode === 'rollback') return 'rollback';
  if (mode === 'run') return 'run';
  if (mode === 'status' || mode === 'logs' || mode === 'maintenance') return 'operate';
  if (mode === 'restore' || mode === 'backups') return 'data';
  // A deploy that failed outside any step: the server's state (the lock, the layout) is where to look.
  if (deployStep === undefined) return 'server';
  return deployStep;
}
