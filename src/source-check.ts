import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Settings } from './settings.js';
import { isLockFile, resolveDependencies } from './deps.js';

/**
 * Inputs that only the runner's files can prove wrong: the folder to upload and where its
 * dependencies come from (a lock file, an unreadable or unsupported file is refused here).
 * Checked before any connection, so a wrong path fails a deploy with nothing changed on any
 * server (otherwise the layout step would have made the app's user and folders first).
 */
export async function sourceProblems(settings: Settings): Promise<string[]> {
  const uploads = settings.mode === 'deploy' || settings.mode === 'provision';
  if (!uploads) return [];
  const source = path.resolve(settings.app.source);
  const dir = await stat(source).catch(() => undefined);
  if (!dir?.isDirectory()) {
    return [
      `input \`source\`: ${source} is not a folder on the runner (check the code out first, e.g. with actions/checkout, or fix the path)`
    ];
  }
  const req = settings.deploy.requirements;
  // A lock file is refused for what it is, named or not (by resolveDependencies).
  if (
    req !== 'auto' &&
    !isLockFile(path.posix.basename(req)) &&
    !(await stat(path.join(source, req)).catch(() => undefined))?.isFile()
  ) {
    return [
      `input \`requirements\`: ${req} is not a file in ${source} (the venv is built from it: add one, even empty, or point requirements at it)`
    ];
  }
  const { problem } = await resolveDependencies(source, settings.deploy.requirements, settings.deploy.extras);
  return problem ? [problem] : [];
}
