import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { onServer } from './deploy.js';

/**
 * Wheels made on the server from Debian's installed Python packages (debian-wheels.py), in DIR,
 * readable by every user: pip offline (--no-index --find-links DIR) without the system's
 * site-packages, as an app with its own index would install.
 */
export async function debianWheels(server: SandboxServer, dir: string, names: string[]): Promise<void> {
  const maker = await readFile(path.resolve('__tests__/support/debian-wheels.py'), 'utf8');
  await onServer(
    server,
    `set -e; mkdir -p ${dir}; python3 - ${dir} ${names.join(' ')} <<'PY' >/dev/null\n${maker}PY\nchmod -R a+rX ${dir}`
  );
}
