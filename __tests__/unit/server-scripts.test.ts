import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { filesInput, prelude, REPORT, writeFilesScript } from '../../src/provision/shell.js';
import { serverScript } from '../../src/render/scripts.js';
import {
  AS_USER_HEAD,
  appRunCommand,
  appRunWords,
  asUser,
  asUserWords,
  commandWordsValue
} from '../../src/deploy/app-run.js';
import type { AppLayout } from '../../src/deploy/paths.js';
import { shQuote } from '../../src/ssh/quote.js';
import { callsOf, fakeBin } from '../support/fake-bin.js';

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

  it("leaves out the file's head of comments (sent on every deploy for nothing), and nothing after it", () => {
    const file = readFileSync(path.join(TEMPLATES, 'scripts', 'prune.sh'), 'utf8');
    const text = serverScript('prune', {}, '', TEMPLATES);
    expect(file).toMatch(/^# shellcheck shell=bash/);
    expect(text).not.toContain('# shellcheck shell=bash');
    expect(text).not.toContain('Keeps the newest');
    const firstCode = file.split('\n').find((l) => !l.startsWith('#'))!;
    expect(text).toContain(`\n${file.slice(file.indexOf(firstCode))}`);
  });

  it('refuses a key that is not a shell variable name', () => {
    expect(() => serverScript('prune', { 'x;rm': '1' }, '', TEMPLATES)).toThrow(
      /server script prune: x;rm is not a shell variable name/
    );
  });

  it('refuses a name that is not plain (no - or /), as serverProgram does; every file has one', () => {
    expect(() => serverScript('venv-key', {}, '', TEMPLATES)).toThrow(
      /server script venv-key: not a plain name/
    );
    expect(() => serverScript('../scripts/prune', {}, '', TEMPLATES)).toThrow(/not a plain name/);
    const names = readdirSync(path.join(TEMPLATES, 'scripts')).map((f) => f.replace(/\.[a-z]+$/, ''));
    expect(names.filter((n) => !/^[a-z_][a-z0-9_]*$/.test(n))).toEqual([]);
  });
});

describe('write_files.sh (every provision script that installs files)', () => {
  const owner = `${execFileSync('id', ['-un'], { encoding: 'utf8' }).trim()}:${execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim()}`;
  function write(dir: string, dry: boolean, texts: [string, string]): { out: string; code: number | null } {
    const files = [
      { path: `${dir}/new folder/a.conf`, mode: '0640', owner, content: texts[0] },
      { path: `${dir}/b.conf`, mode: '0644', owner, content: texts[1] }
    ];
    const r = spawnSync(
      'bash',
      [
        '-c',
        `set -euo pipefail\n${prelude(dry)}\n${writeFilesScript(files)}\n${REPORT}\nwas_changed ${dir}/b.conf && echo b_changed=1`
      ],
      { input: filesInput(files), encoding: 'utf8' }
    );
    return { out: r.stdout + r.stderr, code: r.status };
  }

  it('writes what differs (its folder made), marks it, and a second run changes nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wf-'));
    expect(write(dir, true, ['one\n', 'two\n']).out).toContain(`would=create ${dir}/new folder/a.conf`);
    expect(existsSync(`${dir}/new folder`)).toBe(false);
    const first = write(dir, false, ['one\n', 'two\n']);
    expect(first.out).toContain(`changed= ${dir}/new folder/a.conf ${dir}/b.conf\n`);
    expect(readFileSync(`${dir}/new folder/a.conf`, 'utf8')).toBe('one\n');
    expect((statSync(`${dir}/new folder/a.conf`).mode & 0o777).toString(8)).toBe('640');
    expect(write(dir, false, ['one\n', 'two\n']).out).toMatch(/^changed=\n$/);
    const third = write(dir, false, ['one\n', 'three\n']);
    expect(third.out).toBe(`changed= ${dir}/b.conf\nb_changed=1\n`);
    expect(readFileSync(`${dir}/b.conf`, 'utf8')).toBe('three\n');
  });
});

describe("as_user.sh's as_user", () => {
  it('runs the very setpriv line asUser builds (the same words, the script and its arguments as given)', () => {
    const evil = `we'ird "q" $(pwned 1) \`pwned 2\` ;pwned 3 * $HOME`;
    const script = `echo "${evil}" "$1"`;
    const fb = fakeBin();
    try {
      const ts = fb.run(asUser(`shop ${evil}`, script, [shQuote(evil), '"$HOME"']));
      const sh = fb.run(
        `${serverScript('as_user', {})}as_user ${[`shop ${evil}`, script, evil].map(shQuote).join(' ')} "$HOME"`
      );
      expect(callsOf(sh, 'pwned')).toEqual([]);
      expect(callsOf(sh, 'setpriv')).toHaveLength(1);
      expect(callsOf(sh, 'setpriv')).toEqual(callsOf(ts, 'setpriv'));
    } finally {
      fb.cleanup();
    }
  });
});

describe("app_run.sh's as_app", () => {
  it('runs the very systemd-run line appRunCommand builds, from the words it is given (every $ doubled)', () => {
    const evil = `we'ird "q" $(pwned 1) \`pwned 2\` ;pwned 3 * $HOME`;
    const paths = { user: `shop ${evil}` } as AppLayout;
    const opts = { cwd: `/srv/a ${evil}/current`, envFile: `/etc/shop ${evil}/env`, venv: `/v ${evil}` };
    const argv = ['/usr/bin/python3', '-c', `print("${evil}")`, evil];
    const fb = fakeBin();
    try {
      const ts = fb.run(appRunCommand(paths, { ...opts, argv }));
      const words = commandWordsValue(appRunWords(paths, opts));
      const sh = fb.run(
        `${serverScript('app_run', { words })}as_app "$words" ${argv.map(shQuote).join(' ')}`
      );
      expect(callsOf(sh, 'pwned')).toEqual([]);
      expect(callsOf(sh, 'systemd-run')).toHaveLength(1);
      expect(callsOf(sh, 'systemd-run')).toEqual(callsOf(ts, 'systemd-run'));
      expect(callsOf(sh, 'systemd-run')[0]).toContain(`User=${paths.user}`);
      expect(callsOf(sh, 'systemd-run')[0]!.at(-1)).toBe(evil.replace(/\$/g, '$$$$'));
    } finally {
      fb.cleanup();
    }
  });

  it('refuses a word with a newline (it would split into two words in the script)', () => {
    expect(() =>
      commandWordsValue(
        appRunWords({ user: 'shop' } as AppLayout, { cwd: '/a\nb', envFile: '/e', venv: '/v' })
      )
    ).toThrow(/newline/);
  });
});

describe("import_database.sh's as_user", () => {
  it('runs the very setpriv line asUser builds, from the words it is given', () => {
    const evil = `we'ird "q" $(pwned 1) \`pwned 2\` ;pwned 3 * $HOME`;
    const user = `shop ${evil}`;
    const script = 'echo "$1"';
    const fb = fakeBin();
    try {
      const ts = fb.run(asUser(user, script, [shQuote(evil)]));
      const body = readFileSync(path.join(TEMPLATES, 'scripts', 'import_database.sh'), 'utf8');
      const fn = body.slice(body.indexOf('as_user() {'), body.indexOf('\n}\n') + 3);
      const sh = fb.run(
        `as_user_words=${shQuote(commandWordsValue(asUserWords(user)))}\nas_user_head=${shQuote(AS_USER_HEAD)}\n${fn}as_user ${shQuote(script)} ${shQuote(evil)}`
      );
      expect(callsOf(sh, 'pwned')).toEqual([]);
      expect(callsOf(sh, 'setpriv')).toHaveLength(1);
      expect(callsOf(sh, 'setpriv')).toEqual(callsOf(ts, 'setpriv'));
      expect(callsOf(sh, 'setpriv')[0]!.slice(0, 3)).toEqual([
        'setpriv',
        `--reuid=${user}`,
        `--regid=${user}`
      ]);
      expect(callsOf(sh, 'setpriv')[0]!.at(-1)).toBe(evil);
    } finally {
      fb.cleanup();
    }
  });
});
