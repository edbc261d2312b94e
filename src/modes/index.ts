import type { ModeStrategy } from './types.js';
import type { Mode } from '../settings.js';
import type { DeployContext } from '../deploy/context.js';
import { preflightMode } from './preflight-mode.js';
import { deployMode } from './deploy-mode.js';
import { rollbackMode } from './rollback-mode.js';
import { provisionMode } from './provision-mode.js';
import { verifyMode } from './verify-mode.js';
import { runMode } from './run-mode.js';
import { restoreMode } from './restore-mode.js';
import { backupsMode } from './backups-mode.js';
import { loadtestMode } from './loadtest-mode.js';
import { withAudit } from '../audit/record.js';
import { statusMode } from './status-mode.js';
import { logsMode } from './logs-mode.js';
import { maintenanceMode } from './maintenance-mode.js';
import { removeMode } from './remove-mode.js';
import { alertTestMode } from './alert-test-mode.js';

/** Every mode's strategy: a mode missing here does not compile. */
const STRATEGIES: Record<Mode, ModeStrategy> = {
  preflight: preflightMode,
  deploy: deployMode,
  rollback: rollbackMode,
  provision: provisionMode,
  verify: verifyMode,
  run: runMode,
  restore: restoreMode,
  backups: backupsMode,
  loadtest: loadtestMode,
  status: statusMode,
  logs: logsMode,
  maintenance: maintenanceMode,
  remove: removeMode,
  'alert-test': alertTestMode
};

/**
 * The modes that change a server but write no history line of their own: each gets an audit line
 * (src/audit/) under its mode's name, with these facts of the run; `skip` when it changed nothing.
 */
const AUDITED: Partial<Record<Mode, { facts: string[]; skip?: (ctx: DeployContext) => boolean }>> = {
  provision: { facts: ['release', 'changes'], skip: (c) => c.settings.provision.dryRun },
  run: { facts: ['release', 'exit-code'] },
  maintenance: { facts: ['maintenance', 'changed'] }
};

export function modeStrategy(mode: Mode): ModeStrategy {
  const strategy = (STRATEGIES as Partial<Record<string, ModeStrategy>>)[mode];
  if (!strategy) throw new Error(`mode ${mode} has no strategy`);
  const audit = AUDITED[mode];
  return audit ? withAudit(strategy, mode, audit.facts, audit.skip) : strategy;
}
