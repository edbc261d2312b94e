import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { shQuote } from '../../src/ssh/quote.js';
import { onServer } from './deploy.js';

// The standing attack on a step: in every folder the step touches that the app's user or the build
// user can write, plant what a hostile dependency or build would (a link to a root-only file, a
// hardlink to it, a FIFO, a file dated in the future), run the step, and prove that root neither
// changed, nor read, nor sent that file anywhere. Every step of the README's inventory ("What root
// touches that another user can write") runs under it, and so does every new step that touches one.

export const SECRET = '/etc/gd-planted-secret';
export const SECRET_TEXT = 'planted-root-only-4b1d\n';

export type PlantKind = 'symlink' | 'hardlink' | 'fifo' | 'future';
export const KINDS: PlantKind[] = ['symlink', 'hardlink', 'fifo', 'future'];

/** A folder the step touches, who can write it, and the names the step would pick up there. */
export interface Target {
  dir: string;
  owner: string;
  names: string[];
}

/** The root-only file, its access time set in the past so that any read moves it (relatime). */
async function armSecret(server: SandboxServer): Promise<void> {
  await onServer(
    server,
    `printf %s ${shQuote(SECRET_TEXT)} > ${SECRET}; chmod 0600 ${SECRET}; chown root:root ${SECRET}
touch -a -d '2001-01-01 00:00:00' ${SECRET}`
  );
}

/**
 * Plants `kind` at dir/name as owner. The hardlink is made by root (a kernel with
 * protected_hardlinks=0 lets the owner make it; here it stands for that case).
 */
function plantCommand(t: Target, name: string, kind: PlantKind): string {
  const q = shQuote;
  const f = q(`${t.dir}/${name}`);
  const as = (cmd: string): string => `runuser -u ${q(t.owner)} -- bash -c ${q(cmd)}`;
  const make = {
    symlink: as(`ln -sfn ${SECRET} ${f}; touch -h -d '2099-01-01' ${f}`),
    hardlink: `ln -f ${SECRET} ${f}`,
    fifo: as(`mkfifo ${f}; touch -d '2098-01-01' ${f}`),
    future: as(`printf 'not a backup' > ${f}; touch -d '2097-01-01' ${f}`)
  }[kind];
  return `${as(`mkdir -p ${q(t.dir)}`)}; rm -rf -- ${f}; ${make}`;
}

/** The root-only file as planted: same bytes, owner, mode, and never read (its atime unmoved). */
export async function assertSecretUntouched(server: SandboxServer): Promise<void> {
  const out = await onServer(server, `stat -c '%U:%G %a %X' ${SECRET}; cat -- ${SECRET}`);
  // cat above reads it: atime is taken first, by stat.
  const atime2001 = Math.floor(Date.UTC(2001, 0, 1) / 1000);
  const [owner, mode, atime] = out.split('\n')[0]!.split(' ');
  expect({ owner, mode, text: out.split('\n').slice(1).join('\n') }).toEqual({
    owner: 'root:root',
    mode: '600',
    text: SECRET_TEXT
  });
  // Within a day either way: the server's zone may not be UTC.
  expect(Math.abs(Number(atime) - atime2001)).toBeLessThan(86_400);
  await onServer(server, `touch -a -d '2001-01-01 00:00:00' ${SECRET}`);
}

/** No text the runner got (log lines, facts) and no file under `dirs` holds the root-only file's bytes. */
export async function assertNotOnRunner(texts: string[], dirs: string[]): Promise<void> {
  const needle = SECRET_TEXT.trim();
  for (const t of texts) expect(t.includes(needle)).toBe(false);
  for (const dir of dirs) {
    for (const f of await readdir(dir, { recursive: true }).catch(() => [] as string[])) {
      const bytes = await readFile(path.join(dir, f)).catch(() => Buffer.alloc(0));
      expect(bytes.includes(Buffer.from(needle))).toBe(false);
    }
  }
}

/**
 * Runs `step` once per kind of plant: in round r, name i of each target gets kind (i + r) mod 4, so
 * every name meets every kind. After each round the root-only file is checked, the runner's text
 * and folders searched, and the plants removed. `step` returns what reached the runner.
 */
export async function attackStep(
  server: SandboxServer,
  targets: Target[],
  step: (round: number) => Promise<{ texts: string[]; dirs?: string[] }>
): Promise<void> {
  await armSecret(server);
  for (let round = 0; round < KINDS.length; round++) {
    const plants = targets.flatMap((t) =>
      t.names.map((n, i) => plantCommand(t, n, KINDS[(i + round) % KINDS.length]!))
    );
    await onServer(server, plants.join('\n'));
    const seen = await step(round);
    await assertSecretUntouched(server);
    await assertNotOnRunner(seen.texts, seen.dirs ?? []);
    await onServer(
      server,
      targets.flatMap((t) => t.names.map((n) => `rm -rf -- ${shQuote(`${t.dir}/${n}`)}`)).join('\n')
    );
  }
}

/** Shell that replaces the file "$f" by `kind` (as dir's owner, but root for the hardlink). */
function swapCommand(owner: string, kind: PlantKind): string {
  const as = `setpriv --reuid=${shQuote(owner)} --regid=${shQuote(owner)} --clear-groups --`;
  return {
    symlink: `${as} ln -sfn ${SECRET} "$f"`,
    hardlink: `ln -f ${SECRET} "$f"`,
    fifo: `${as} bash -c 'rm -f "$1"; mkfifo "$1"' gd "$f"`,
    future: `${as} bash -c 'printf "not a backup" > "$1.gd"; touch -d 2097-01-01 "$1.gd"; mv -f "$1.gd" "$1"' gd "$f"`
  }[kind];
}

/**
 * The race on a file the step makes in a folder its owner can write and root then uses: for each
 * kind, a loop on the server replaces every new file matching `pattern` in `dir` (a regular file of
 * the owner) by that kind the moment it appears, for the whole step. `step` gets the kind and the
 * names the loop replaced (read after the step); the root-only file is checked after each round.
 */
export async function raceStep(
  server: SandboxServer,
  target: { dir: string; owner: string; pattern: string },
  step: (kind: PlantKind, swapped: () => Promise<string[]>) => Promise<{ texts: string[]; dirs?: string[] }>
): Promise<void> {
  await armSecret(server);
  for (const kind of KINDS) {
    // A 3 ms nap without a fork (read on a pipe nobody writes): the loop sees a file within
    // milliseconds of its making without spinning a shared CPU.
    const loop = `declare -A seen
exec 9<> <(:)
while [ ! -e /run/gd-race-stop ]; do
  read -t 0.003 -u 9 _ || true
  for f in ${shQuote(target.dir)}/${target.pattern}; do
    [ -n "\${seen[$f]:-}" ] && continue
    [ -f "$f" ] && [ ! -L "$f" ] && [ "$(stat -c %U:%h -- "$f" 2>/dev/null)" = ${shQuote(`${target.owner}:1`)} ] || continue
    seen[$f]=1
    ${swapCommand(target.owner, kind)} && echo "$f" >> /run/gd-race-hits
  done
done`;
    await onServer(
      server,
      `rm -f /run/gd-race-stop /run/gd-race-hits; touch /run/gd-race-hits
nohup setsid bash -c ${shQuote(loop)} >/dev/null 2>&1 &`
    );
    let seen;
    try {
      seen = await step(kind, async () =>
        (await onServer(server, 'cat /run/gd-race-hits')).split('\n').filter((l) => l)
      );
    } finally {
      await onServer(server, 'touch /run/gd-race-stop; sleep 0.3; rm -f /run/gd-race-stop');
    }
    await assertSecretUntouched(server);
    await assertNotOnRunner(seen.texts, seen.dirs ?? []);
  }
}
