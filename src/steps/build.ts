import type { DeployContext } from '../deploy/context.js';
import { lastLines } from '../deploy/context.js';
import { MANIFEST_FILE, MANIFEST_HEADER } from '../manifest.js';
import { shQuote } from '../ssh/quote.js';
import { serverProgram, serverScript } from '../render/scripts.js';
import { systemdWord } from '../deploy/app-run.js';
import { diskProbe } from './ownership.js';
import { DeployError, type StepOutcome } from './step.js';

/** The build's exit status when what it wrote left less than min-free-space. */
const NO_SPACE = 75;

/** collectstatic, compilemessages, an asset build: bounded, and ended by the server if the runner is gone. */
const BUILD_TIMEOUT_MS = 30 * 60_000;

/**
 * The build commands run in the new release before it is checked, as the build user (who owns
 * the release, so they can write into it), in a transient unit: with the app's venv on PATH and
 * the app's environment read from /etc/APP/env by systemd (PID 1, as root: the build user never
 * gets read access to the file), nothing writable but the release and a private /tmp
 * (ProtectSystem=strict), no new privileges, and no process left when it ends. The release is
 * then frozen as every release: nothing in it writable by the app's user. A delta release is first
 * cut to what its manifest lists, and its hardlinked files get inodes of their own, so a build never
 * writes through a link into the release that serves.
 */
export function buildCommand(ctx: DeployContext, release: string, envFile: string): string {
  const q = shQuote;
  const p = ctx.paths;
  const rel = p.releaseDir(release);
  const script = buildScript(ctx, rel);
  return [
    'systemd-run --quiet --wait --pipe --collect --service-type=exec',
    `-p User=${q(p.buildUser)} -p Group=${q(p.buildUser)}`,
    '-p NoNewPrivileges=yes -p PrivateTmp=yes -p ProtectSystem=strict -p ProtectHome=yes',
    // Its own /dev/shm and IPC, gone with the unit: nothing it puts in RAM outlives the build.
    "-p 'TemporaryFileSystem=/dev/shm:mode=1777,nosuid,nodev' -p PrivateIPC=yes",
    `-p ReadWritePaths=${q(rel)}`,
    `-p EnvironmentFile=${q(envFile)}`,
    `-p WorkingDirectory=${q(rel)}`,
    `-p RuntimeMaxSec=${BUILD_TIMEOUT_MS / 1000}`,
    `--setenv=PATH=${q(`${rel}/.venv/bin:/usr/local/bin:/usr/bin:/bin`)}`,
    `--setenv=PWD=${q(rel)}`,
    '--setenv=HOME=/nonexistent',
    '--',
    '/bin/bash',
    '-c',
    // The build's commands reach bash as written: systemd would expand $HOME, ${X} and $$ itself.
    q(systemdWord(script))
  ].join(' ');
}

/**
 * What runs in the unit: templates/scripts/build.sh (with prune_unlisted.py, unshare_linked.py),
 * the disk probe, build_end.sh.
 */
export function buildScript(ctx: DeployContext, rel: string): string {
  const keep = ['REVISION', MANIFEST_FILE, '.venv', ...ctx.settings.deploy.sharedPaths];
  return `${serverScript('build', {
    release: rel,
    manifest_file: MANIFEST_FILE,
    manifest_header: MANIFEST_HEADER,
    keep: keep.join('\n'),
    prune_unlisted: serverProgram('prune_unlisted'),
    unshare_linked: serverProgram('unshare_linked'),
    build: ctx.settings.deploy.build
  })}${diskProbe(ctx.settings)}${serverScript('build_end', { app_dir: ctx.settings.app.dir, no_space: NO_SPACE })}`;
}

export async function buildRelease(
  ctx: DeployContext,
  release: string,
  envFile: string
): Promise<StepOutcome> {
  if (!ctx.settings.deploy.build) return { changed: false, detail: 'none' };
  const res = await ctx.remote.exec(buildCommand(ctx, release, envFile), {
    sudo: true,
    stream: true,
    timeoutMs: BUILD_TIMEOUT_MS + 60_000
  });
  if (res.code !== 0) {
    throw new DeployError(
      `build commands failed (exit ${res.code}${res.timedOut ? ', timed out' : ''}); nothing was switched:\n${lastLines(res.stderr + res.stdout, 15)}`,
      'The output is above. The build runs as the build user in the new release (writable), with the venv and the environment file; everything outside the release is read-only to it.'
    );
  }
  return { detail: 'ran' };
}
