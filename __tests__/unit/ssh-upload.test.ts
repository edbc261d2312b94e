import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { memoryLogger } from '../../src/log.js';
import type { ExecOptions, ExecResult, Remote } from '../../src/ssh/types.js';
import { remoteUnpackCommand, tarExcludeArgs, uploadDirectory } from '../../src/ssh/upload.js';
import { BSDTAR, bsdtarBin } from '../support/bsdtar.js';
import { needs } from '../support/needs.js';

/**
 * A Remote that runs commands on this machine: the upload pipeline (local tar | remote command)
 * is exercised for real, minus SSH, which the e2e tests cover.
 */
class LocalRemote implements Remote {
  readonly label = 'local';
  commands: string[] = [];
  constructor(private readonly path = process.env.PATH) {}
  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push(command);
    const child = spawn('/bin/bash', ['-c', command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PATH: this.path }
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.stdin.on('error', () => undefined); // the command may exit before reading everything
    if (opts.stdin instanceof Readable) {
      // As SshRemote does: a failing input stream ends the command instead of leaving it waiting.
      opts.stdin.on('error', () => child.kill());
      opts.stdin.pipe(child.stdin);
    } else child.stdin.end(opts.stdin);
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 255)));
    return { code, stdout, stderr, timedOut: false };
  }
  async script(): Promise<ExecResult> {
    throw new Error('not used');
  }
  async upload(): Promise<never> {
    throw new Error('not used');
  }
  async close(): Promise<void> {}
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ssh-upload-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tree(root: string, files: Record<string, string>): void {
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), body);
  }
}

function listing(root: string): string {
  return execFileSync(
    'bash',
    ['-c', 'cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum', '_', root],
    {
      encoding: 'utf8'
    }
  );
}

describe('tarExcludeArgs', () => {
  it('passes patterns through as tar --exclude, anchoring a leading slash at the root', () => {
    expect(tarExcludeArgs(['.git', '*.pyc', './docs', '/build', '//x', ' '])).toEqual([
      '--exclude=.git',
      '--exclude=*.pyc',
      '--exclude=./docs',
      '--exclude=./build',
      '--exclude=./x'
    ]);
  });

  it('anchors with a leading ^ for bsdtar, which matches ./docs at any depth otherwise', () => {
    expect(tarExcludeArgs(['.git', './docs', '/build'], 'bsd')).toEqual([
      '--exclude=.git',
      '--exclude=^./docs',
      '--exclude=^./build'
    ]);
  });
});

describe('remoteUnpackCommand', () => {
  it('quotes the directory', () => {
    expect(remoteUnpackCommand("/srv/a b/it's")).toContain(`mkdir -p -- '/srv/a b/it'"'"'s'`);
  });
});

describe('uploadDirectory (local pipeline)', () => {
  const realPath = process.env.PATH ?? '';
  afterEach(() => {
    process.env.PATH = realPath;
  });

  const sendsTree = async (): Promise<void> => {
    const src = join(dir, 'src');
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`pkg${i % 5}/mod${i}.py`] = `x = ${i}\n`.repeat(i);
    tree(src, {
      ...files,
      'app.py': 'print("hi")\n',
      "we ird 'name $(x).txt": 'odd\n',
      'unicodé/ファイル.txt': 'ü\n',
      '.git/HEAD': 'ref\n',
      'pkg1/__pycache__/a.pyc': 'bin',
      'node_modules/m/index.js': '1',
      'docs/top.md': 'excluded',
      'sub/docs/kept.md': 'kept',
      // Over tar's 100-byte name field: a pax or GNU long-name header the file count must skip.
      [`long/${'n'.repeat(150)}.py`]: 'long\n',
      'junk.log': 'excluded',
      'deep/er/junk.log': 'excluded'
    });
    const dest = join(dir, 'dest dir', 'release');
    const remote = new LocalRemote(realPath);
    const res = await uploadDirectory(
      remote,
      src,
      dest,
      { exclude: ['.git', '__pycache__', 'node_modules', '/docs', '*.log'] },
      memoryLogger()
    );
    expect(res.files).toBe(200 + 5);
    expect(res.bytes).toBeGreaterThan(0);
    expect(res.bytes % 512).toBe(0); // a whole tar stream went over
    for (const gone of ['.git', 'pkg1/__pycache__', 'node_modules', 'docs', 'junk.log', 'deep/er/junk.log']) {
      expect(existsSync(join(dest, gone))).toBe(false);
    }
    rmSync(join(src, '.git'), { recursive: true });
    rmSync(join(src, 'pkg1/__pycache__'), { recursive: true });
    rmSync(join(src, 'node_modules'), { recursive: true });
    rmSync(join(src, 'docs'), { recursive: true });
    rmSync(join(src, 'junk.log'));
    rmSync(join(src, 'deep/er/junk.log'));
    expect(listing(dest)).toBe(listing(src));
    expect(remote.commands).toHaveLength(1); // one stream, one command
  };

  it('sends the tree byte-identical, honours excludes, counts files (GNU tar)', sendsTree);

  needs('bsdtar', BSDTAR !== undefined)(
    'the same with bsdtar as the runner tar (macOS, Windows): /docs stays anchored at the root',
    async () => {
      process.env.PATH = `${bsdtarBin(dir)}:${realPath}`;
      await sendsTree();
    }
  );

  it('fails clearly when the local directory is missing', async () => {
    await expect(
      uploadDirectory(new LocalRemote(), join(dir, 'nope'), '/tmp/x', { exclude: [] }, memoryLogger())
    ).rejects.toThrow(/local directory .*nope does not exist/);
  });

  it('reports the remote stderr when unpacking fails', async () => {
    const src = join(dir, 'src');
    tree(src, { a: 'a' });
    writeFileSync(join(dir, 'file'), 'not a directory');
    await expect(
      uploadDirectory(new LocalRemote(), src, join(dir, 'file', 'sub'), { exclude: [] }, memoryLogger())
    ).rejects.toThrow(/upload to local:.* failed: remote tar exited 1: mkdir: .*Not a directory/);
  });

  describe('with a different local tar on PATH', () => {
    const realPath = process.env.PATH ?? '';
    let bin: string;
    beforeEach(() => {
      bin = join(dir, 'bin');
      mkdirSync(bin);
      process.env.PATH = `${bin}:${realPath}`;
    });
    afterEach(() => {
      process.env.PATH = realPath;
    });

    it('reports a local tar failure (unreadable file) as the cause', async () => {
      // As root every file is readable, so a stand-in local tar fails the way GNU tar does.
      writeFileSync(
        join(bin, 'tar'),
        '#!/bin/sh\ncase " $* " in *" -c "*) echo "tar: ./secret: Cannot open: Permission denied" >&2; exit 2;; esac\n' +
          'exec /usr/bin/tar "$@"\n',
        { mode: 0o755 }
      );
      const src = join(dir, 'src');
      tree(src, { a: 'a' });
      await expect(
        uploadDirectory(new LocalRemote(realPath), src, join(dir, 'dest'), { exclude: [] }, memoryLogger())
      ).rejects.toThrow(/local tar exited 2: tar: .\/secret: Cannot open: Permission denied/);
    });

    it('says so when there is no local tar at all', async () => {
      process.env.PATH = bin;
      const src = join(dir, 'src');
      tree(src, { a: 'a' });
      await expect(
        uploadDirectory(new LocalRemote(realPath), src, join(dir, 'dest'), { exclude: [] }, memoryLogger())
      ).rejects.toThrow(/could not run local tar: .*ENOENT.*needs tar on its PATH: GNU tar or bsdtar/);
    });
  });
});
