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

export function troubleshootingRef(section: SectionKey): string {
  return `Troubleshooting: README.md#${anchor(SECTIONS[section])}`;
}
