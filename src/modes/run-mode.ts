import type { ModeStrategy } from './types.js';
import { appRunCommand } from '../deploy/app-run.js';
import { parseFacts } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { lockStep } from '../steps/lock.js';
import { DeployError, step } from '../steps/step.js';
import { deployContext } from '../deploy/context.js';

/** A one-off command may run long (a data migration, an import); the server ends it after this. */
const RUN_TIMEOUT_MS = 60 * 60_000;

/**
 * A one-off command (createsuperuser, flask init-db, a migration) in the serving release, exactly
 * as the service runs: the app's user, its venv first on PATH, its environment file, the release
 * as working folder. Its output is streamed through the fenced printer; its exit code is the
 * outcome. The deploy lock only with run-lock, so a command never waits behind a deploy unasked.
 */
export const runMode: ModeStrategy = {
  factKeys: ['release', 'exit-code'],
  okStatus: 'ok',
  async runHost(host) {
    const ctx = deployContext(host);
    const { command, lock: takeLock } = ctx.settings.run;
    const lock = takeLock ? await lockStep(ctx) : undefined;
    try {
      const found = await ctx.remote.exec(
        `echo "release=$(basename "$(readlink ${shQuote(ctx.paths.current)})")"`,
        { sudo: true, timeoutMs: 30_000 }
      );
      const release = parseFacts(found.stdout).release ?? '';
      if (!release) {
        throw new DeployError(
          `nothing is deployed on ${ctx.label} (no ${ctx.paths.current}): a command runs in the serving release`,
          'Deploy the app first (mode deploy or provision), then run the command.'
        );
      }
      ctx.facts.release = release;
      const rel = ctx.paths.releaseDir(release);
      await step(ctx.logger, ctx.records, ctx.label, 'run', async () => {
        const res = await ctx.remote.exec(
          appRunCommand(ctx.paths, {
            cwd: rel,
            envFile: ctx.paths.envFile,
            venv: `${rel}/.venv`,
            // systemd-run reports a main process killed by a signal as exit 1: a parent shell turns
            // its command's death by signal N into the shell's convention, exit 128+N. The shell
            // gets the command exactly as written (appRunCommand doubles every $ for systemd).
            argv: [
              '/bin/bash',
              '-c',
              'rc=0; /bin/bash -euo pipefail -c "$1" || rc=$?; exit "$rc"',
              'gd',
              command
            ]
          }),
          { sudo: true, stream: true, timeoutMs: RUN_TIMEOUT_MS }
        );
        ctx.facts['exit-code'] = String(res.code);
        if (res.code !== 0) {
          throw new DeployError(
            `the command exited ${res.code}${res.timedOut ? ' (timed out after 1 h)' : ''} in release ${release}; its output is above`
          );
        }
        return { detail: `exit 0 in ${release}` };
      });
    } finally {
      await lock?.release();
    }
  }
};
