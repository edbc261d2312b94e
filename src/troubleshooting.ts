import { STEPS, type StepName } from './steps/catalog.js';

/**
 * Every error names the README section that explains it: by the step that failed (or the mode),
 * since the steps are what the Troubleshooting sections are organised by.
 */
export const SECTIONS = {
  inputs: 'Inputs: `N inputs are not valid (nothing was changed on any server)`',
  connect: 'Connecting (step `connect`)',
  server: 'Checking the server (preflight, layout, lock)',
  build: 'Building the release (upload, venv, check, pre-activate): nothing switched',
  candidate: 'Proving the release before the switch (candidate): nothing switched',
  live: 'Going live (switch, verify): rolled back',
  rollback: 'Mode rollback',
  provision: 'Mode provision and verify',
  run: 'Mode run',
  data: 'Mode restore and backups',
  load: 'Load check (mode loadtest, verify with load)',
  operate: 'Mode status, logs and maintenance'
} as const;

export type SectionKey = keyof typeof SECTIONS;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

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

export function troubleshootingRef(section: SectionKey): string {
  return `Troubleshooting: README.md#${anchor(SECTIONS[section])}`;
}
