import { appEnv } from '../settings.js';
import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { renderAppUnits, templateVars, type ServerFile } from '../render.js';
import { shQuote } from '../ssh/quote.js';
import { serverScript, type ScriptValues } from '../render/scripts.js';
import type { ExecOptions, QueuedRequest } from '../ssh/types.js';
import { gunicornInput } from '../render/gunicorn-vars.js';
import type { StepOutcome } from './step.js';

/** The rendered app files, written next to the live ones but not yet in place. */
export interface StagedConfig {
  files: ServerFile[];
  /** Live paths whose rendered text differs from what is installed (or is not installed yet). */
  changedFiles: string[];
  envFile: string;
  gunicornConf: string;
  stagedDir: string;
  previousDir: string;
}

export function appFiles(ctx: DeployContext, cores: number): ServerFile[] {
  const d = ctx.settings.deploy;
  const vars = templateVars({
    layout: ctx.paths,
    wsgiApp: d.wsgiApp,
    workers: d.workers === 'auto' ? 2 * cores + 1 : d.workers,
    preloadLibraries: d.preloadLibraries,
    ...gunicornInput(d.gunicorn),
    env: appEnv(d.env, ctx.settings.database),
    healthPath: d.healthPath
  });
  const f = renderAppUnits(vars);
  // In this order on stageScript's stdin.
  return [f.socket, f.service, f.gunicornConf, f.env];
}

const stagedName = (f: ServerFile): string => path.posix.basename(f.path);

/**
 * Writes the rendered files into /etc/APP/staged (readable by the app's user, so the import check
 * can use the new config and environment before anything is switched) and says which differ from
 * the installed ones. The files' text travels on stdin (stageInput), one base64 line per file in
 * this order, read by shell builtins: the environment file holds secrets, and a command line is
 * readable by every local user (/proc/PID/cmdline) and kept by sudo in the journal.
 * The script is templates/scripts/config_stage.sh.
 */
export function stageScript(ctx: DeployContext, files: ServerFile[]): string {
  const values: ScriptValues = { staged: ctx.paths.staged, user: ctx.paths.user, count: files.length };
  files.forEach((f, i) => {
    values[`to_${i}`] = `${ctx.paths.staged}/${stagedName(f)}`;
    values[`path_${i}`] = f.path;
  });
  return serverScript('config_stage', values);
}

/** stageScript's stdin: the files' text, one base64 line each, in order. */
export function stageInput(files: ServerFile[]): string {
  return files.map((f) => `${Buffer.from(f.content).toString('base64')}\n`).join('');
}

const STAGE_TIMEOUT_MS = 60_000;

/** The staging as a request to queue; stageConfig then takes its answer (the same text and options). */
export function stageRequest(ctx: DeployContext, cores: number): QueuedRequest {
  const files = appFiles(ctx, cores);
  return { text: stageScript(ctx, files), opts: stageOpts(files) };
}

const stageOpts = (files: ServerFile[]): ExecOptions => ({
  sudo: true,
  timeoutMs: STAGE_TIMEOUT_MS,
  stdin: stageInput(files)
});

/** Where staged files are: known before the staging's answer, so later steps can be sent with it. */
export function stagedPaths(
  ctx: DeployContext
): Pick<StagedConfig, 'stagedDir' | 'previousDir' | 'envFile' | 'gunicornConf'> {
  const stagedDir = ctx.paths.staged;
  const at = (live: string): string => `${stagedDir}/${path.posix.basename(live)}`;
  return {
    stagedDir,
    previousDir: ctx.paths.configPrevious,
    envFile: at(ctx.paths.envFile),
    gunicornConf: at(ctx.paths.gunicornConf)
  };
}

export async function stageConfig(ctx: DeployContext, cores: number): Promise<StagedConfig & StepOutcome> {
  const files = appFiles(ctx, cores);
  const res = await runScript(
    ctx,
    'writing the app configuration',
    stageScript(ctx, files),
    stageOpts(files)
  );
  const changed = (parseFacts(res.stdout).changed ?? '').split(/\s+/).filter((s) => s);
  return {
    ...stagedPaths(ctx),
    files,
    changedFiles: changed,
    changed: changed.length > 0,
    detail: changed.length ? `changed: ${changed.map((c) => path.posix.basename(c)).join(', ')}` : 'unchanged'
  };
}

const changedOnes = (staged: StagedConfig): ServerFile[] =>
  staged.files.filter((f) => staged.changedFiles.includes(f.path));
const unitsChanged = (ctx: DeployContext, staged: StagedConfig): boolean =>
  Object.values(ctx.paths.units).some((u) => staged.changedFiles.includes(u.file));

/** A changed unit or environment needs a new Gunicorn master; gunicorn.conf.py is re-read on HUP. */
export function needsRestart(staged: StagedConfig): boolean {
  return staged.changedFiles.some((p) => !p.endsWith('gunicorn.conf.py'));
}

/**
 * Puts the changed files in place, keeping what they replace so a rollback can put it back. Units
 * are enabled (started at boot) and the socket started on the first deploy; the socket is never
 * restarted by a deploy, since that would refuse connections. The script is
 * templates/scripts/config_install.sh.
 */
export function installScript(ctx: DeployContext, staged: StagedConfig): string {
  const { socket, service } = ctx.paths.units;
  const files = changedOnes(staged);
  const values: ScriptValues = {
    socket: socket.name,
    service: service.name,
    // The links `systemctl enable` makes from the units' [Install] WantedBy= (templates/systemd).
    socket_wants: `${path.posix.dirname(socket.file)}/sockets.target.wants/${socket.name}`,
    service_wants: `${path.posix.dirname(service.file)}/multi-user.target.wants/${service.name}`,
    prev: staged.previousDir,
    count: files.length,
    daemon_reload: unitsChanged(ctx, staged) ? 1 : 0
  };
  files.forEach((f, i) => {
    const name = stagedName(f);
    const [owner, group] = f.owner.split(':');
    Object.assign(values, {
      [`staged_${i}`]: `${staged.stagedDir}/${name}`,
      [`name_${i}`]: name,
      [`path_${i}`]: f.path,
      [`mode_${i}`]: f.mode,
      [`owner_${i}`]: owner!,
      [`group_${i}`]: group!
    });
  });
  return serverScript('config_install', values);
}

export async function installConfig(ctx: DeployContext, staged: StagedConfig): Promise<StepOutcome> {
  const res = await runScript(ctx, 'installing the app configuration', installScript(ctx, staged), {
    timeoutMs: 120_000,
    carry: true
  });
  if (
    staged.changedFiles.includes(ctx.paths.units.socket.file) &&
    parseFacts(res.stdout).socket_was_active === 'yes'
  ) {
    ctx.logger.warning(
      `${ctx.paths.units.socket.name} changed: the running socket keeps its old settings until it is restarted (a deploy never restarts it, since that refuses connections)`
    );
  }
  return {
    changed: staged.changedFiles.length > 0,
    detail: staged.changedFiles.map((c) => path.posix.basename(c)).join(', ') || 'unchanged'
  };
}

/** Puts back what installConfig replaced (for a rollback). */
export function restoreScript(ctx: DeployContext, staged: StagedConfig): string {
  const q = shQuote;
  const prev = staged.previousDir;
  const lines = changedOnes(staged)
    .map((f) => {
      const name = stagedName(f);
      return `if [ -f ${q(`${prev}/${name}`)} ]; then cp -a ${q(`${prev}/${name}`)} ${q(f.path)}; fi`;
    })
    .join('\n');
  return `${lines}\n${unitsChanged(ctx, staged) ? 'systemctl daemon-reload' : ''}\n`;
}
