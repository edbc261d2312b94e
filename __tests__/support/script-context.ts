import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

/**
 * A deploy context for server scripts run against stubs (fake-bin.ts): host web1, app shop, the
 * given inputs over those, and no remote. appDir, a scratch folder in /tmp that the rules refuse as
 * an app-dir, is put in behind their back.
 */
export function scriptContext(inputs: Record<string, string> = {}, appDir?: string): DeployContext {
  const all: Record<string, string> = {
    host: 'web1',
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    ...inputs
  };
  const settings = parseSettings((n) => all[n] ?? '');
  if (appDir) settings.app.dir = appDir;
  return {
    remote: {} as Remote,
    settings,
    logger: memoryLogger(),
    label: 'web1',
    records: [],
    paths: appLayout(settings),
    facts: {}
  };
}
