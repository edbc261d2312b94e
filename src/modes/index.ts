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
      return provisionMode;
    case 'verify':
      return verifyMode;
    case 'run':
      return runMode;
    case 'restore':
      return restoreMode;
    case 'backups':
      return backupsMode;
    case 'loadtest':
      return loadtestMode;
    case 'remove':
      return removeMode;
    case 'alert-test':
      return alertTestMode;
    default:
      throw new Error(`mode ${mode} has no strategy`);
  }
}
