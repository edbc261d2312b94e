import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { lastLines, parseFacts } from '../deploy/context.js';
import { buildRunCommand } from '../deploy/app-run.js';
import type { QueuedRequest } from '../ssh/types.js';
import { DeployError, type StepOutcome } from './step.js';
import { serverProgram, serverScript } from '../render/scripts.js';
import { resolveDependencies, type DependencySource } from '../deps.js';

/** pip's exit code is kept apart from the script's other failures, to say what failed. */
const PIP_FAILED = 42;
const NO_REQUIREMENTS = 43;
const VENV_FAILED = 44;
const DEPS_UNREADABLE = 45;
const GUNICORN_FAILED = 46;
/** The lookup found no usable venv for this key: it is built on a channel of its own. */
const NEEDS_BUILD = 47;

/** The build's own deadline on the server: the unit ends even if the runner is gone. */
const VENV_TIMEOUT_MS = 30 * 60_000;

/** Without a resolved source (a unit test), the requirements input as it names the file. */
function fallbackDeps(ctx: DeployContext): DependencySource {
  const r = ctx.settings.deploy.requirements;
  return r.endsWith('.toml')
    ? { kind: 'pyproject', file: r, extras: ctx.settings.deploy.extras }
    : { kind: 'requirements', file: r === 'auto' ? 'requirements.txt' : r, extras: [] };
}

/**
 * Prints the venv's key, run as the build user (templates/scripts/venv_key.sh): the same key as
 * ever, without a Python on a code-only deploy (the interpreter's version is kept per file).
 */
export function venvKeyScript(
  ctx: DeployContext,
  release: string,
  deps: DependencySource = fallbackDeps(ctx)
): string {
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  return serverScript('venv_key', {
    py: d.python,
    req: `${p.releaseDir(release)}/${deps.file}`,
    req_name: deps.file,
    deps_kind: deps.kind,
    pyproject_deps: serverProgram('pyproject_deps'),
    extras: deps.extras.join(','),
    build_line: `ssp=${d.venvSystemSitePackages} pip-args=${d.pipArgs}`,
    versions: `${p.venvs}/.python-versions`,
    no_requirements: NO_REQUIREMENTS,
    deps_unreadable: DEPS_UNREADABLE
  });
}

/**
 * Venvs are immutable and keyed by what decides their content: the requirements file, the
 * interpreter's version, and how they are built. A venv cannot be moved (its scripts hold absolute
 * paths), so it is built at its final path and marked complete last; one without the mark is a
 * leftover of a failed build and is rebuilt.
 *
 * Everything here runs as the build user: root never reads the requirements file (it may be a
 * link, or name `-r /etc/shadow`), and pip, which runs the packages' build code, runs in a
 * transient unit that leaves no process behind. A build that fails for any reason, a full disk
 * included, removes its venv folder and log before it exits.
 * The script is templates/scripts/venv.sh.
 */
export function venvScript(
  ctx: DeployContext,
  release: string,
  deps: DependencySource = fallbackDeps(ctx),
  /** Only reuse: exit NEEDS_BUILD instead of building (the build needs a channel of its own). */
  lookupOnly = false
): string {
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  const rel = p.releaseDir(release);
  const req = `${rel}/${deps.file}`;
  const keyScript = venvKeyScript(ctx, release, deps);
  const buildScript = serverScript('venv_build', {
    py: d.python,
    venvs: p.venvs,
    ssp: d.venvSystemSitePackages ? 1 : 0,
    pip_args: d.pipArgs
      .split(/\s+/)
      .filter((a) => a)
      .join('\n'),
    deps_kind: deps.kind,
    req,
    extras: deps.extras.join(','),
    pyproject_deps: serverProgram('pyproject_deps'),
    system_pip: serverProgram('system_pip'),
    gunicorn_origin: serverProgram('gunicorn_origin'),
    pip_failed: PIP_FAILED,
    venv_failed: VENV_FAILED,
    gunicorn_failed: GUNICORN_FAILED
  });
  const build = buildRunCommand(p, {
    env: {
      PIP_CACHE_DIR: p.pipCache,
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PIP_NO_INPUT: '1',
      HOME: '/nonexistent'
    },
    maxSeconds: VENV_TIMEOUT_MS / 1000,
    script: buildScript,
    args: ['"$venv"']
  });
  // A venv built before Gunicorn was added by the tool may lack it: such a venv never served, so
  // it is built again rather than reused (templates/scripts/venv_usable.sh).
  return [
    lookupOnly ? '' : `venv_build() { ${build}; }`,
    serverScript('as_user', {}),
    serverScript('venv', {
      build_user: p.buildUser,
      venvs: p.venvs,
      venv_link: `${rel}/.venv`,
      key_script: keyScript,
      usable_script: serverScript('venv_usable', {}),
      lookup_only: lookupOnly ? 'yes' : 'no',
      needs_build: NEEDS_BUILD
    })
  ].join('\n');
}

export interface VenvResult extends StepOutcome {
  hash: string;
  reused: boolean;
}

/** How the lookup runs: also how it is sent ahead (the same text and options). */
const LOOKUP_OPTS = { sudo: true, timeoutMs: 120_000 };

/** What the venv is built from, resolved in the workspace; undefined when the venv step will say why not. */
export async function venvDependencies(ctx: DeployContext): Promise<DependencySource | undefined> {
  return dependencies(ctx).catch(() => undefined);
}

async function dependencies(ctx: DeployContext): Promise<DependencySource> {
  const d = ctx.settings.deploy;
  const resolved = await resolveDependencies(path.resolve(ctx.settings.app.source), d.requirements, d.extras);
  if (!resolved.deps) throw new DeployError(resolved.problem ?? 'no dependency source', undefined);
  return resolved.deps;
}

/**
 * The venv lookup as a request to queue: a code-only deploy reuses its venv, and the lookup then
 * costs no round trip of its own. A venv to build is built by buildVenv's own request.
 */
export function venvLookupRequest(
  ctx: DeployContext,
  release: string,
  deps: DependencySource
): QueuedRequest {
  return { text: venvScript(ctx, release, deps, true), opts: LOOKUP_OPTS };
}

/** resolved: the dependency source the caller already read (venvDependencies), else read here. */
export async function buildVenv(
  ctx: DeployContext,
  release: string,
  resolved?: DependencySource
): Promise<VenvResult> {
  const d = ctx.settings.deploy;
  const deps = resolved ?? (await dependencies(ctx));
  const what = deps.kind === 'pyproject' ? `the dependencies of ${deps.file}` : `-r ${deps.file}`;
  // Reuse is asked first, through the root shell; only a venv that must be built takes a channel
  // of its own (a cancel, or a runner that is gone, ends pip at once).
  let res = await ctx.remote.script(venvScript(ctx, release, deps, true), { ...LOOKUP_OPTS, carry: true });
  if (res.code === NEEDS_BUILD) {
    res = await ctx.remote.script(venvScript(ctx, release, deps), {
      sudo: true,
      ownChannel: true,
      timeoutMs: VENV_TIMEOUT_MS
    });
  }
  const facts = parseFacts(res.stdout);
  if (res.code === PIP_FAILED) {
    throw new DeployError(
      `pip install ${what} failed; nothing was switched and the partial venv was removed. pip's last lines:\n${lastLines(res.stderr, 25)}`,
      'Fix the requirements (or pip-args, e.g. --no-index --find-links for offline servers) and deploy again.'
    );
  }
  if (res.code === GUNICORN_FAILED) {
    throw new DeployError(
      `the app's dependencies do not include Gunicorn, and pip install gunicorn failed; nothing was switched. pip's last lines:\n${lastLines(res.stderr, 25)}`,
      "Make Gunicorn installable from the index pip uses (pip-args), or use the system's python3-gunicorn with venv-system-site-packages: true."
    );
  }
  if (res.code === NO_REQUIREMENTS) {
    throw new DeployError(
      `the release has no ${deps.file}; nothing was switched`,
      'Add a requirements file to the app, or point the requirements input at it.'
    );
  }
  if (res.code === DEPS_UNREADABLE) {
    throw new DeployError(
      `the dependencies of ${deps.file} could not be read on the server; nothing was switched:\n${lastLines(res.stderr, 5)}`,
      'Fix pyproject.toml (a [project] table with a dependencies list), or use a requirements.txt.'
    );
  }
  if (res.code === VENV_FAILED) {
    throw new DeployError(
      `${d.python} -m venv failed; nothing was switched and the partial venv was removed:\n${lastLines(res.stderr, 25)}`,
      'Install python3-venv for that interpreter (or run mode provision), and check the free space in the app folder.'
    );
  }
  if (res.code !== 0) {
    throw new DeployError(
      `building the virtualenv failed (exit ${res.code}${res.timedOut ? ', timed out' : ''}):\n${lastLines(res.stderr + res.stdout)}`
    );
  }
  const reused = facts.reused === 'yes';
  const from =
    deps.kind === 'pyproject'
      ? `${deps.file} [project] dependencies${deps.extras.length ? ` + extras ${deps.extras.join(',')}` : ''}`
      : deps.file;
  if (!reused) {
    const origin = facts.gunicorn;
    const note =
      origin === 'added'
        ? "Gunicorn is not among the app's dependencies: the tool installed it in the venv"
        : origin === 'system'
          ? // pip leaves a requirement the system's site-packages satisfy to them: the app may list it.
            "the venv uses the system's Gunicorn (python3-gunicorn, through venv-system-site-packages)"
          : undefined;
    if (note) ctx.logger.info(note);
  }
  return {
    hash: facts.hash!,
    reused,
    changed: !reused,
    detail: `${facts.hash} ${reused ? 'reused' : 'built'} from ${from}${facts.gunicorn ? `, gunicorn: ${facts.gunicorn}` : ''}`
  };
}
