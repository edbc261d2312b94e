import { DEPLOY_STEPS } from './catalog-deploy.js';
import { OPERATE_STEPS } from './catalog-operate.js';
import { PROVISION_STEPS } from './catalog-provision.js';
import type { CatalogMode as Mode } from './step-info.js';

export type { StepInfo } from './step-info.js';

/**
 * Every step of every mode, by the name it has in the log, the summary and the report: the README
 * Troubleshooting section its failures point to (when it fails in a deploy; provision, rollback,
 * run, restore and backups point to their own mode's section) and what it does. A step is named
 * through this catalog (step() takes a StepName), so a typo fails tsc; troubleshooting.ts, the
 * README's step tables and the lifecycle test's order derive from it (tests keep them in step).
 */
export const STEPS = { ...DEPLOY_STEPS, ...PROVISION_STEPS, ...OPERATE_STEPS };

export type StepName = keyof typeof STEPS;

export const STEP_NAMES = Object.keys(STEPS) as StepName[];

export function isStepName(name: string): name is StepName {
  return Object.hasOwn(STEPS, name);
}

/** The steps of a mode (those of every mode included), in the catalog's order. */
export function stepsOf(mode: Exclude<Mode, 'all'>): StepName[] {
  return STEP_NAMES.filter((n) => {
    const modes: readonly Mode[] = STEPS[n].modes;
    return modes.includes(mode) || modes.includes('all');
  });
}
