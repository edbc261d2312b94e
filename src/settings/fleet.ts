import type { Inputs, Problems } from './inputs.js';

/** How a deploy covers several servers (see src/fleet.ts). */
export interface FleetSettings {
  maxParallel: number;
  canary: boolean;
  rollbackScope: 'all' | 'host';
}

/** `max-parallel`, `canary`, `rollback-scope`. */
export function parseFleetSettings(read: Inputs, problems: Problems): FleetSettings {
  const scope = read.get('rollback-scope');
  if (scope !== 'all' && scope !== 'host') {
    problems.push(
      `input \`rollback-scope\`: must be all (roll back every server switched in this run) or host (only the failed one), got '${scope}'`
    );
  }
  return {
    maxParallel: read.int('max-parallel', 1, 64),
    canary: read.bool('canary'),
    rollbackScope: scope === 'host' ? 'host' : 'all'
  };
}
