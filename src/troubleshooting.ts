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
  load: 'Load check (mode loadtest, verify with load)'
} as const;

const BY_STEP: Record<string, keyof typeof SECTIONS> = {
  connect: 'connect',
  lock: 'server',
  layout: 'server',
  preflight: 'server',
  upload: 'build',
  venv: 'build',
  config: 'build',
  build: 'build',
  check: 'build',
  backup: 'build',
  'download backup': 'build',
  'pre-activate': 'build',
  candidate: 'candidate',
  units: 'live',
  switch: 'live',
  verify: 'live',
  rollback: 'live',
  'post-activate': 'live',
  prune: 'live'
};

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function sectionFor(mode: string, failedStep: string | undefined): keyof typeof SECTIONS {
  if (failedStep === 'connect') return 'connect';
  if (failedStep === 'load check') return 'load';
  // Provision's first deploy fails in the deploy's own steps (pip, the import check, the candidate):
  // their sections explain them, not provision's.
  const deployStep = BY_STEP[failedStep ?? ''];
  if (mode === 'provision' && (deployStep === 'build' || deployStep === 'candidate' || deployStep === 'live'))
    return deployStep;
  if (mode === 'provision' || mode === 'verify') return 'provision';
  if (mode === 'rollback') return 'rollback';
  if (mode === 'run') return 'run';
  if (mode === 'restore' || mode === 'backups') return 'data';
  return BY_STEP[failedStep ?? ''] ?? 'server';
}

export function troubleshootingRef(section: keyof typeof SECTIONS): string {
  return `Troubleshooting: README.md#${anchor(SECTIONS[section])}`;
}
