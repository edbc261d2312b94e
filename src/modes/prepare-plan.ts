import type { DeployContext } from '../deploy/context.js';
import type { DependencySource } from '../deps.js';
import { prepareRequest, uploadRelease, type Uploaded } from '../steps/upload.js';
import { buildVenv, venvLookupRequest, type VenvResult } from '../steps/venv.js';
import { stageConfig, stagedPaths, stageRequest, type StagedConfig } from '../steps/config.js';
import { buildRelease } from '../steps/build.js';
import { backupDatabase, backupRequest } from '../steps/backup.js';
import { downloadBackup } from '../steps/download.js';
import { checkedByCandidate, checkRelease, checkRequest } from '../steps/check.js';
import {
  bootEarly,
  stopEarly,
  candidateBootRequest,
  candidateOutcome,
  candidateRequest,
  runCandidate,
  type CandidateConfig,
  type CandidateRun
} from '../steps/candidate.js';
import { runHook } from '../steps/hooks.js';
import { runReleasePhase, runsReleasePhase } from '../steps/release-phase.js';
import { fingerprintDatabase } from '../steps/migration.js';
import type { StepOutcome } from '../steps/step.js';
import type { PlanStep } from './plan.js';
import type { Settings } from '../settings.js';
import { useServerSettings } from '../deploy/server-settings.js';
import { recordMigration, schemaVersion } from '../deploy/migration-state.js';

/** What prepare learns as it goes: each step reads what the steps before it left here. */
export interface Preparing {
  ctx: DeployContext;
  /** The release id asked for; the upload's answer gives the one used (`release`). */
  id: string;
  /** The layout, started with the lock (it waits for it on the server). */
  layingOut: Promise<StepOutcome & { server?: string; ahead?: string }>;
  /** What the venv is built from; undefined when the venv step will say why not. */
  deps: DependencySource | undefined;
  release: string;
  cores: number;
  up?: Uploaded;
  venv?: VenvResult;
  staged?: StagedConfig;
  /** The candidate boot that also checks the import (candidateBootChecks). */
  booting?: Promise<CandidateRun>;
  /** The database as pre-activate left it (sqlite3 .sha3sum); '' when no migration ran. */
  migrated: string;
  /** SQLite's schema_version before pre-activate ('' when unknown): did the migration change it? */
  schema: string;
  /** The host's own settings, which the server's (provision's) may complete after the layout. */
  host: { settings: Settings };
}

/**
 * Without a build command, a pre-activate hook or download-backup (each needs the runner between
 * the backup and the candidate), the candidate's worker is the import check: one Python importing
 * the app, not two (most of a code-only deploy's CPU).
 */
export function candidateBootChecks(ctx: DeployContext): boolean {
  const d = ctx.settings.deploy;
  return !d.build && !d.preActivate && !d.downloadBackup && !!ctx.remote.sendNextTogether;
}

/** Where the check and the candidate read the staged files: known before the staging answers. */
export function candidateConf(ctx: DeployContext): CandidateConfig {
  const { envFile, gunicornConf } = stagedPaths(ctx);
  return { envFile, gunicornConf };
}

const always = (): boolean => true;
const bootChecks = (p: Preparing): boolean => candidateBootChecks(p.ctx);

/**
 * Prepare, in order: everything before the switch, each step able to fail with nothing changed
 * for users. A step is one entry; the planner (plan.ts) sends each request as early as the barriers
 * allow, and the server runs them in this order. The lock is taken before (it waits on its own
 * channel), and the layout's request carries the upload's prepare.
 */
export const PREPARE_PLAN: readonly PlanStep<Preparing>[] = [
  {
    name: 'layout',
    carries: true,
    run: (p) => p.layingOut,
    // Provision's server-wide settings (server-name, health-host) before anything uses them.
    after: async (p) => useServerSettings(p.host, p.ctx, await p.layingOut)
  },
  {
    name: 'upload',
    request: (p) => [prepareRequest(p.ctx, p.id)],
    // The release id, the server's cores and the previous manifest come in its answer; a small
    // delta's own requests carry what follows, sent once those are known.
    barrier: always,
    run: async (p, sendRest) => {
      const up = await uploadRelease(p.ctx, p.id, (release, cores) => {
        p.release = release;
        p.cores = cores;
        sendRest();
      });
      p.up = up;
      p.release = up.release;
      p.cores = up.cores;
      // Outputs tell the truth at every moment: what serves, and what served before the run.
      p.ctx.facts.release = up.previous;
      p.ctx.facts['previous-release'] = up.previous;
      return up;
    }
  },
  {
    name: 'venv',
    carries: true,
    request: (p) => (p.deps ? [venvLookupRequest(p.ctx, p.release, p.deps)] : []),
    // No dependency source: the step fails on the runner, and nothing after it may go.
    barrier: (p) => !p.deps,
    run: async (p) => (p.venv = await buildVenv(p.ctx, p.release, p.deps))
  },
  {
    name: 'config',
    request: (p) => [stageRequest(p.ctx, p.cores)],
    run: async (p) => (p.staged = await stageConfig(p.ctx, p.cores))
  },
  {
    name: 'build',
    when: (p) => !!p.ctx.settings.deploy.build,
    // On its own channel, as the build user: what follows must see what it built.
    barrier: always,
    run: (p) => buildRelease(p.ctx, p.release, p.staged!.envFile)
  },
  {
    name: 'backup',
    together: bootChecks,
    // First in the group: the candidate's master boots (no worker yet) beside the backup.
    request: (p) => [
      ...(bootChecks(p) ? [candidateBootRequest(p.ctx, p.release, candidateConf(p.ctx), p.id)] : []),
      ...backupRequest(p.ctx, p.release)
    ],
    run: async (p) => {
      if (!bootChecks(p)) return backupDatabase(p.ctx, p.release);
      await bootEarly(p.ctx, p.release, candidateConf(p.ctx), p.id);
      return backupDatabase(p.ctx, p.release).catch(async (err: unknown) => {
        await stopEarly(p.ctx);
        throw err;
      });
    }
  },
  {
    // Asked when its turn comes (the backup's answer names the file); on the runner's side and an
    // exec channel of its own: nothing after it waits for it.
    name: 'download backup',
    when: (p) => !!p.ctx.settings.deploy.downloadBackup && !!p.ctx.facts.backup,
    run: (p) => fetchBackup(p.ctx)
  },
  {
    // With candidateBootChecks, the candidate's worker imports the app: its boot is this request.
    name: 'check',
    together: bootChecks,
    request: (p) => [
      bootChecks(p)
        ? candidateRequest(p.ctx, p.release, candidateConf(p.ctx), true)
        : checkRequest(p.ctx, p.release, candidateConf(p.ctx))
    ],
    run: async (p) => {
      if (!bootChecks(p)) return checkRelease(p.ctx, p.release, candidateConf(p.ctx));
      p.booting = runCandidate(p.ctx, p.release, candidateConf(p.ctx), true);
      p.booting.catch(() => undefined);
      return checkedByCandidate(p.ctx, await p.booting);
    }
  },
  {
    name: 'pre-activate',
    // The migrations run on the runner's own channel; the candidate must see what they did.
    barrier: (p) => !!p.ctx.settings.deploy.preActivate,
    run: async (p) => {
      const d = p.ctx.settings.deploy;
      if (d.preActivate) p.schema = await schemaVersion(p.ctx);
      return runHook(p.ctx, 'pre-activate', d.preActivate, p.release, p.staged!.envFile);
    },
    after: async (p) => {
      if (p.ctx.settings.deploy.preActivate) await recordMigration(p.ctx, p.release, p.schema);
      // What the migration left: a rollback may put the backup back only if nothing wrote since.
      const d = p.ctx.settings.deploy;
      if (d.preActivate && (d.sqliteDb || p.ctx.settings.database.kind === 'postgres') && p.ctx.facts.backup)
        p.migrated = await fingerprintDatabase(p.ctx);
    }
  },
  {
    // Last before the switch: after the migrations, which the new code may need to answer. Sent
    // on its own (or already booted by the check's request).
    name: 'candidate',
    run: async (p) =>
      candidateOutcome(p.ctx, await (p.booting ?? runCandidate(p.ctx, p.release, candidateConf(p.ctx))))
  },
  {
    // Once per deploy, on one host, with the proven release: before any server switches.
    name: 'release phase',
    when: (p) => runsReleasePhase(p.ctx),
    barrier: always,
    run: (p) => runReleasePhase(p.ctx, p.release, p.staged!.envFile)
  }
];

function fetchBackup(ctx: DeployContext): Promise<StepOutcome> {
  const d = ctx.settings.deploy;
  const file = ctx.facts.backup!;
  const dest =
    ctx.settings.hosts.length > 1
      ? `${d.downloadBackup.replace(/\/*$/, '')}/${ctx.label}/`
      : d.downloadBackup;
  return downloadBackup(
    ctx,
    { id: file.split('/').pop()!, time: '', size: 0, takenBy: '', integrity: 'ok' },
    file.slice(0, file.lastIndexOf('/')),
    dest
  );
}
