import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { serverScript } from '../../src/render/scripts.js';

const TEMPLATES = path.join(process.cwd(), 'templates');

describe('serverScript', () => {
  it('names its file first, then sets each value as one quoted word, then runs the file and `then`', () => {
    const text = serverScript(
      'prune',
      { releases: "/srv/a b/it's $(id)", keep_releases: 5, keep_also: '' },
      'echo done',
      TEMPLATES
    );
    const lines = text.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '',
      '# prune.sh',
      `releases='/srv/a b/it'"'"'s $(id)'`,
      "keep_releases='5'",
      "keep_also=''"
    ]);
    expect(text.endsWith('\necho done\n')).toBe(true);
    // The value comes back unchanged through the shell: nothing in it runs.
    const echoed = spawnSync('bash', ['-c', `${lines.slice(0, 5).join('\n')}\nprintf %s "$releases"`], {
      encoding: 'utf8'
    });
    expect(echoed.stdout).toBe("/srv/a b/it's $(id)");
  });

  it('refuses a key that is not a shell variable name', () => {
    expect(() => serverScript('prune', { 'x;rm': '1' }, '', TEMPLATES)).toThrow(
      /server script prune: x;rm is not a shell variable name/
    );
  });
});
