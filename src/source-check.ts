import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Settings } from './settings.js';

/**
 * Inputs that only the runner's files can prove wrong: the folder to upload and the requirements
 * file in it. Checked before any connection, so a wrong path fails a deploy with nothing changed
 * on any server (otherwise the layout step would have made the app's user and folders first).
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
  const file = await stat(path.join(source, req)).catch(() => undefined);
  if (!file?.isFile()) {
    return [
      `input \`requirements\`: ${req} is not a file in ${source} (the venv is built from it: add one, even empty, or point requirements at it)`
    ];
  }
  return [];
}
