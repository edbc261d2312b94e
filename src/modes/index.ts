import type { ModeStrategy } from './types.js';
import type { Mode } from '../settings.js';
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

export function modeStrategy(mode: Mode): ModeStrategy {
  switch (mode) {
    case 'preflight':
      return preflightMode;
    case 'deploy':
      return deployMode;
    case 'rollback':
      return rollbackMode;
    case 'provision':
      return withAudit(
        provisionMode,
        'provision',
        ['release', 'changes'],
        (c) => c.settings.provision.dryRun
      );
    case 'verify':
      return verifyMode;
    case 'run':
      return withAudit(runMode, 'run', ['release', 'exit-code']);
    case 'restore':
      return restoreMode;
    case 'backups':
      return backupsMode;
    case 'loadtest':
      return loadtestMode;
    case 'status':
      return statusMode;
    case 'logs':
      return logsMode;
    case 'maintenance':
      return withAudit(maintenanceMode, 'maintenance', ['maintenance', 'changed']);
    case 'remove':
      return removeMode;
    case 'alert-test':
      return alertTestMode;
    default:
      throw new Error(`mode ${mode} has no strategy`);
  }
}
