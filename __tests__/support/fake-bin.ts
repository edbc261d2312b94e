import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Runs a server script under the local bash with a PATH of stubs instead of the system's commands:
 * each stub records its argv (exactly, NUL-separated, so a value split or expanded by the shell
 * shows) and answers as the test says. Only read-only tools are real (cat, grep, sed, ...);
 * anything that writes or changes the system (rm, mv, install, chown, systemctl, sudo...) is a
 * stub, and a command that is neither is "not found", which ends the script: tests run as root
 * here, and a script meant for a server must never touch this machine.
 */

/** Real tools the scripts may use: they only read, or write to stdout. */
const SAFE = [
  'cat',
  'cut',
  'tr',
  'grep',
  'sed',
  'head',
  'tail',
  'awk',
  'sort',
  'date',
  'basename',
  'dirname',
  'base64',
  'sha256sum',
  'diff',
  'wc',
  'cmp',
  'readlink',
  'sleep',
  'ls',
  'uniq',
  'true',
  'false'
];

/**
 * Stubs and what they do after recording (bash). A test's `answers` replace or add to these. The
 * defaults walk the scripts down their longest paths: units inactive and disabled, users present
 * but with a login shell and in sudo, every file's owner and mode wrong.
 */
export const DEFAULT_STUBS: Record<string, string> = {
  systemctl: 'case "$1" in is-active|is-enabled) exit 3;; show) echo 0;; esac',
  sudo: 'exit 0',
  flock: 'exit 0',
  id: 'case "$1" in -nG) echo "users sudo";; -u) echo 999;; esac',
  // A system user whose home is GD_APP_DIR and shell nologin: one the tool made (ownership.ts).
  getent: '[ "$1" = passwd ] && echo "$2:x:999:999::${GD_APP_DIR:-/nonexistent}:/usr/sbin/nologin"',
  usermod: '',
  gpasswd: '',
  useradd: '',
  groupadd: '',
  install: '',
  stat: 'echo "nobody:nogroup 777"',
  chown: '',
  chgrp: '',
  chmod: '',
  rm: '',
  mv: '',
  cp: '',
  ln: '',
  mkdir: '',
  touch: '',
  tee: 'cat > /dev/null',
  df: 'echo "Filesystem 1024-blocks Used Available Capacity Mounted"; echo "/dev/x 10485760 0 10485760 0% /"',
  // mktemp makes its file or folder in the test's own temporary folder, whatever it was asked.
  mktemp: 'd=; for a in "$@"; do [ "$a" = -d ] && d=-d; done; exec /usr/bin/mktemp $d -p "$GD_TMP"',
  sqlite3: 'echo ok',
  curl: 'printf 200',
  nginx: 'exit 0',
  'systemd-run': '',
  setpriv: '',
  journalctl: '',
  python3: '',
  'dpkg-query': 'exit 1',
  'apt-get': '',
  'apt-cache': 'echo "  Candidate: 1.0"',
  // Called only by a value that escaped its quotes ($(pwned), `pwned`, ;pwned): never, if all is well.
  pwned: ''
};

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Every stub call in order: [command, ...args]. */
  calls: string[][];
}

export interface FakeBin {
  /** A scratch folder of the test's own (app-dir and files can live here). */
  sandbox: string;
  run(script: string, opts?: { stdin?: string; env?: Record<string, string> }): ScriptRun;
  cleanup(): void;
}

export function fakeBin(answers: Record<string, string> = {}): FakeBin {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gd-fake-bin-'));
  const stubs = path.join(root, 'stubs');
  const safe = path.join(root, 'safe');
  const calls = path.join(root, 'calls');
  const tmp = path.join(root, 'tmp');
  const sandbox = path.join(root, 'sandbox');
  for (const d of [stubs, safe, calls, tmp, sandbox]) mkdirSync(d);
  for (const t of SAFE) symlinkSync(`/usr/bin/${t}`, path.join(safe, t));
  for (const [name, body] of Object.entries({ ...DEFAULT_STUBS, ...answers })) {
    writeFileSync(
      path.join(stubs, name),
      `#!/bin/bash\nprintf '%s\\0' "\${0##*/}" "$@" > "$GD_CALLS/$(/usr/bin/date +%s%N).$$"\n${body}\n`,
      { mode: 0o755 }
    );
  }
  return {
    sandbox,
    run(script, opts = {}) {
      const r = spawnSync('/bin/bash', ['-c', script], {
        encoding: 'utf8',
        input: opts.stdin ?? '',
        env: { PATH: `${stubs}:${safe}`, GD_CALLS: calls, GD_TMP: tmp, HOME: sandbox, LANG: 'C', ...opts.env }
      });
      const made = readdirSync(calls).sort();
      const recorded = made.map((f) => readFileSync(path.join(calls, f), 'utf8').split('\0').slice(0, -1));
      for (const f of made) rmSync(path.join(calls, f));
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, calls: recorded };
    },
    cleanup: () => rmSync(root, { recursive: true, force: true })
  };
}

/** Calls of one command, e.g. `callsOf(run, 'systemctl')`. */
export function callsOf(run: ScriptRun, command: string): string[][] {
  return run.calls.filter((c) => c[0] === command);
}
