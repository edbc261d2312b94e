/** The modes a run can have: a leaf module, so the step catalog and the settings both read it. */
export const MODES = [
  'deploy',
  'preflight',
  'rollback',
  'provision',
  'verify',
  'restore',
  'backups',
  'run',
  'loadtest',
  'status',
  'logs',
  'maintenance',
  'remove',
  'alert-test'
] as const;
export type Mode = (typeof MODES)[number];
