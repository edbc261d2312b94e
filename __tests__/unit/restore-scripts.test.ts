import { execFileSync } from 'node:child_process';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { parseSettings } from '../../src/settings.js';
import { listScript, parseBackups, putBackScript, stageScript, swapScript } from '../../src/steps/restore.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n';
function ctx(over: Record<string, string> = {}): DeployContext {
  const inputs: Record<string, string> = {
    host: 'example.org',
    'private-key': KEY,
    'known-hosts': 'example.org ssh-ed25519 AAAA',
    'app-name': 'shop',
    'sqlite-db': 'instance/app.db',
    ...over
  };
  const settings = parseSettings((n) => inputs[n] ?? '');
  return { settings, paths: appLayout(settings), facts: {} } as unknown as DeployContext;
}

const bashOk = (script: string): void => {
  execFileSync('bash', ['-n'], { input: script });
};

test('every restore script is valid bash, with and without a fingerprint to check', () => {
  const c = ctx();
  for (const s of [
    listScript(c),
    stageScript(c, 'latest'),
    stageScript(c, 'app.db-20261130T101010Z-abc1234.db'),
    swapScript(c),
    swapScript(c, 'abc123'),
    putBackScript(c)
  ])
    bashOk(s);
});

test('a backup id reaches the script quoted, and only a plain file name is accepted', () => {
  expect(stageScript(ctx(), 'app.db-x.db')).toContain("'app.db-x.db'");
  expect(() => parseSettings((n) => ({ ...baseInputs(), backup: '../etc/shadow' })[n] ?? '')).toThrow(
    /input `backup`: must be latest, undo or a backup id/
  );
  expect(() => parseSettings((n) => ({ ...baseInputs(), mode: 'restore' })[n] ?? '')).not.toThrow();
});

function baseInputs(): Record<string, string> {
  return {
    host: 'example.org',
    'private-key': KEY,
    'known-hosts': 'example.org ssh-ed25519 AAAA',
    'app-name': 'shop'
  };
}

test('the listing says who took each backup, newest first, and drops names that are not plain ids', () => {
  const out = [
    'backup\tapp.db-20261130T101010Z-abc1234.db\t1764497410\t8192\t' + 'a'.repeat(64) + '\tok',
    'backup\tshop-20261130T030000Z.db.gz\t1764471600\t900\t' + 'b'.repeat(64) + '\tok',
    'backup\tapp.db-safety-20261130T111111Z.db\t1764501071\t8192\t' + 'c'.repeat(64) + '\tok',
    'backup\t::error::x\t1\t1\t' + 'd'.repeat(64) + '\tok'
  ].join('\n');
  const list = parseBackups(ctx(), out);
  expect(list.map((b) => [b.id, b.takenBy])).toEqual([
    ['app.db-safety-20261130T111111Z.db', 'restore (safety copy)'],
    ['app.db-20261130T101010Z-abc1234.db', 'deploy of 20261130T101010Z-abc1234'],
    ['shop-20261130T030000Z.db.gz', 'daily timer']
  ]);
});
