import { DeployError } from './step.js';

// Shared by SQLite's restore (restore.ts) and PostgreSQL's (pg-restore.ts), which restore.ts calls.
/** Exit codes the restore scripts use to say why they refused. */
export const NOT_FOUND = 7;
export const CORRUPT = 9;
export const PUT_BACK = 10;
export const CHANGED = 11;

/** The database was written since pre-activate: restoring the backup would lose that write. */
export class ChangedSinceError extends DeployError {}
