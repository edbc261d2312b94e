import * as path from 'node:path';
import { buildManifest, serializeManifest } from '../../src/manifest.js';
import type { Settings } from '../../src/settings.js';
import type { RecordingRemote } from './recording-remote.js';

/**
 * Answers prepare's scripts (modes/prepare-plan.ts) as a server where `previous` serves: the upload's
 * prepare (with the previous release's manifest, the tree's own, for a delta with nothing to send),
 * a reused venv, a candidate whose worker imported the app, a backup. Added in front of the
 * remote's rules; the rest (layout, staging, finish) succeed by the remote's defaults.
 */
export async function prepareAnswers(
  remote: RecordingRemote,
  settings: Settings,
  ids: { previous: string; release: string },
  opts: { delta?: boolean } = {}
): Promise<void> {
  const manifest = await buildManifest(path.resolve(settings.app.source), settings.app.exclude);
  const old =
    opts.delta === false ? '' : `copied=yes\n--- previous manifest\n${serializeManifest(manifest!)}`;
  remote.on(/echo "cores=\$\(nproc\)"/, {
    stdout: `previous=${ids.previous}\nprevious_venv=v1\ncores=2\nrelease=${ids.release}\n${old}`
  });
  remote.on(/^# venv\.sh$/m, { stdout: 'hash=v1\nreused=yes\n' });
  remote.on(/^# candidate\.sh$/m, { stdout: 'import=ok\nimport_ms=40\ncandidate=ok\nms=120\n' });
  remote.on(/echo "backup=/, { stdout: 'backup=/srv/shop/backups/b.sqlite3\nsize=10\n' });
}
