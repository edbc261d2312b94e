import { appDirProblem, appNameProblem, normalisePath } from '../rules.js';
import { splitList, type Inputs, type Problems } from './inputs.js';

export interface AppSettings {
  name: string;
  dir: string;
  source: string;
  exclude: string[];
}

export const DEFAULT_EXCLUDES = ['.git', '__pycache__', '.venv', 'node_modules'];

/** `app-name`, `app-dir` (default /srv/APP), `source` and `exclude`; the login user may not be the app's. */
export function parseAppSettings(read: Inputs, _problems: Problems, loginUser: string): AppSettings {
  const name = read.required('app-name');
  const nameBad = name !== '' ? appNameProblem(name, loginUser) : undefined;
  read.check('app-name', nameBad);
  const dirRaw = read.text('app-dir');
  const dir = normalisePath(dirRaw || `/srv/${name}`);
  // A default app-dir built from a bad app-name would only repeat the app-name problem.
  if (dirRaw !== '' || (name !== '' && !nameBad)) read.check('app-dir', appDirProblem(dir, loginUser));
  return {
    name,
    dir,
    source: read.get('source'),
    exclude: [...DEFAULT_EXCLUDES, ...splitList(read('exclude'))]
  };
}
