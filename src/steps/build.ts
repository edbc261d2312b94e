import type { DeployContext } from '../deploy/context.js';
import { lastLines } from '../deploy/context.js';
import { MANIFEST_FILE, MANIFEST_HEADER } from '../manifest.js';
import { shQuote } from '../ssh/quote.js';
import { systemdWord } from '../deploy/app-run.js';
import { diskProbe } from './ownership.js';
import { DeployError, type StepOutcome } from './step.js';

/** The build's exit status when what it wrote left less than min-free-space. */
const NO_SPACE = 75;

/** collectstatic, compilemessages, an asset build: bounded, and ended by the server if the runner is gone. */
const BUILD_TIMEOUT_MS = 30 * 60_000;

/**
 * A delta release starts as a hardlinked copy of the previous one, build outputs included: files
 * the manifest does not list are removed first, so a build never writes through a link into the
 * release that serves, and outputs the code no longer makes do not linger. argv: release, then
 * the paths the deploy itself put there (REVISION, .venv, shared links).
 */
const PRUNE_UNLISTED = `import os, sys
root, keep = sys.argv[1], set(sys.argv[2:])
listed = set()
with open(os.path.join(root, ${JSON.stringify(MANIFEST_FILE)}), encoding="utf-8") as f:
    if f.readline().rstrip("\\n") != ${JSON.stringify(MANIFEST_HEADER)}:
        sys.exit(0)
    for line in f:
        parts = line.rstrip("\\n").split(" ", 4)
        if len(parts) == 5:
            listed.add(parts[4])
for top, dirs, files in os.walk(root, topdown=True):
    rel_top = os.path.relpath(top, root)
    for name in list(dirs):
        rel = os.path.normpath(os.path.join(rel_top, name))
        if rel in keep:
            dirs.remove(name)
        elif os.path.islink(os.path.join(top, name)) and rel not in listed:
            os.unlink(os.path.join(top, name))
            dirs.remove(name)
    for name in files:
        rel = os.path.normpath(os.path.join(rel_top, name))
        if rel not in listed and rel not in keep:
            os.unlink(os.path.join(top, name))
`;

/**
 * A delta release shares its unchanged files with the release before (hardlinks, one inode each):
 * the build user owns both, so a build writing or chmod-ing one would change the release that
 * serves. Before the build runs, every regular file with more than one link gets an inode of its
 * own (a copy renamed over it, mode and times kept); links and the deploy's own paths are left.
 * argv: release, then the paths the deploy put there.
 */
const UNSHARE_LINKED = `import os, shutil, sys, tempfile
root, keep = sys.argv[1], set(sys.argv[2:])
for top, dirs, files in os.walk(root, topdown=True):
    rel_top = os.path.relpath(top, root)
    dirs[:] = [d for d in dirs if os.path.normpath(os.path.join(rel_top, d)) not in keep]
    for name in files:
        p = os.path.join(top, name)
        st = os.lstat(p)
        if not os.path.isfile(p) or os.path.islink(p) or st.st_nlink < 2:
            continue
        fd, tmp = tempfile.mkstemp(dir=top, prefix=".gd-")
        os.close(fd)
        shutil.copy2(p, tmp)
        os.replace(tmp, p)
`;

/**
 * The build commands run in the new release before it is checked, as the build user (who owns
 * the release, so they can write into it), in a transient unit: with the app's venv on PATH and
 * the app's environment read from /etc/APP/env by systemd (PID 1, as root: the build user never
 * gets read access to the file), nothing writable but the release and a private /tmp
 * (ProtectSystem=strict), no new privileges, and no process left when it ends. The release is
 * then frozen as every release: nothing in it writable by the app's user.
 */
export function buildCommand(ctx: DeployContext, release: string, envFile: string): string {
  const q = shQuote;
  const p = ctx.paths;
  const rel = p.releaseDir(release);
  const keep = ['REVISION', MANIFEST_FILE, '.venv', ...ctx.settings.deploy.sharedPaths];
  const script = `set -euo pipefail
if [ -f ${q(`${rel}/${MANIFEST_FILE}`)} ]; then python3 -c ${q(PRUNE_UNLISTED)} ${q(rel)} ${keep.map(q).join(' ')}; fi
python3 -c ${q(UNSHARE_LINKED)} ${q(rel)} ${keep.map(q).join(' ')}
rc=0
( set -euo pipefail
${ctx.settings.deploy.build}
) </dev/null || rc=$?
chmod -R go-w -- ${q(rel)} || true
# What the build wrote counts against min-free-space: a build that fills the disk is refused (and
# its release removed at once) rather than leaving the live app without space.
${diskProbe(ctx.settings)}
if [ "$rc" = 0 ] && [ "$free_mb" -lt "$need_mb" ]; then
  echo "the build left only $free_mb MB free on the filesystem of ${ctx.settings.app.dir}: min-free-space needs $need_mb MB" >&2
  rc=${NO_SPACE}
fi
exit "$rc"`;
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
