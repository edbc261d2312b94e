import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { memoryLogger } from '../../src/log.js';
import { RootShell, rootShellCommand } from '../../src/ssh/root-shell.js';

// The privileged shell's protocol against a local bash (the server side is plain bash + coreutils):
// framing, binary stdin, exit codes, a command that prints what looks like an answer, timeouts,
// TERM, and a shell that cannot start. The real server is covered by e2e/ssh-remote and the deploys.

/** A stand-in for ssh2's Client whose exec runs the command locally. */
function localClient(): Client {
  return {
    exec(command: string, cb: (err: Error | undefined, channel: unknown) => void) {
      // As a login shell running one command does: it execs it, so signals reach it.
      const child = spawn('sh', ['-c', `exec ${command}`], { stdio: ['pipe', 'pipe', 'pipe'] });
      const channel = Object.assign(new EventEmitter(), {
        stderr: child.stderr,
        write: (b: string | Buffer) => child.stdin.write(b),
        end: () => child.stdin.end(),
        close: () => child.kill('SIGKILL'),
        signal: (name: string) => child.kill(`SIG${name}` as NodeJS.Signals)
      });
      child.stdout.on('data', (c: Buffer) => channel.emit('data', c));
      child.on('close', () => channel.emit('close'));
      cb(undefined, channel);
    }
  } as unknown as Client;
}

const shells: RootShell[] = [];
function shell(command = rootShellCommand(false, 1)): RootShell {
  const s = new RootShell(localClient(), command, 'local', memoryLogger(), 1024);
  shells.push(s);
  return s;
}
afterAll(() => shells.forEach((s) => s.close()));

test('runs commands one after another, with their exit codes, outputs and stdin', async () => {
  const sh = shell();
  expect(await sh.run({ shell: 'bash', text: 'echo out; echo err >&2; exit 3', timeoutS: '10' })).toEqual({
    code: 3,
    stdout: 'out\n',
    stderr: 'err\n'
  });
  const bytes = Buffer.from([0, 1, 2, 255, 10]);
  const od = await sh.run({ shell: 'sh', text: 'od -An -tx1', timeoutS: '10', stdin: bytes });
  expect(od?.stdout.trim()).toBe('00 01 02 ff 0a');
  // No stdin given: EOF at once.
  expect((await sh.run({ shell: 'sh', text: 'cat; echo done', timeoutS: '10' }))?.stdout).toBe('done\n');
  // Arguments and quotes survive as they are.
  const text = `printf '%s|' "a b" 'c'"'"'d'`;
  expect((await sh.run({ shell: 'bash', text, timeoutS: '10' }))?.stdout).toBe("a b|c'd|");
});

test('a command cannot fake an answer, and long output keeps its tail', async () => {
  const sh = shell();
  const res = await sh.run({
    shell: 'bash',
    text: 'echo "x rc 0"; printf "\\nx out\\n"; echo "ready"; head -c 300000 /dev/zero | tr "\\0" a; echo END',
    timeoutS: '10'
  });
  expect(res?.code).toBe(0);
  expect(res?.stdout.length).toBe(1024);
  expect(res?.stdout.endsWith('aaaEND\n')).toBe(true);
  expect((await sh.run({ shell: 'sh', text: 'echo next', timeoutS: '10' }))?.stdout).toBe('next\n');
});

test('the server-side timeout ends a command and its children; TERM ends the running one', async () => {
  const sh = shell();
  const t0 = Date.now();
  const res = await sh.run({ shell: 'bash', text: 'sleep 30 & sleep 31; wait', timeoutS: '0.5' });
  expect(res?.code).toBe(124);
  expect(Date.now() - t0).toBeLessThan(5000);
  const running = sh.run({ shell: 'bash', text: 'sleep 30', timeoutS: '60' }, { onStarted: () => undefined });
  await new Promise((r) => setTimeout(r, 300));
  sh.interrupt();
  expect((await running)?.code).toBe(143);
  expect((await sh.run({ shell: 'sh', text: 'echo alive', timeoutS: '10' }))?.stdout).toBe('alive\n');
});

test('a shell that cannot start answers undefined, so the caller uses its own channel', async () => {
  const sh = shell('echo "sudo: a password is required" >&2; exit 1');
  expect(await sh.run({ shell: 'sh', text: 'true', timeoutS: '10' })).toBeUndefined();
  expect(sh.available).toBe(false);
});

test('commands sent together run in order, each answered on its own; after-ok ones are skipped after a failure', async () => {
  const sh = shell();
  const t = (text: string, afterOk = false, stdin?: string) => ({
    shell: 'bash' as const,
    text,
    timeoutS: '10',
    afterOk,
    stdin
  });
  let sent = 0;
  const answers = sh.runAll(
    [
      t('sleep 0.3; echo one > /dev/null; echo a'),
      t('cat', true, 'from stdin'),
      t('echo b >&2; exit 4', true),
      t('echo never', true),
      t('echo never either', true, 'unread'),
      t('echo c')
    ],
    { onStarted: () => sent++ }
  );
  // All were written before the first one ended (read when it ends, not after a fixed wait).
  let sentWhenFirstEnded = -1;
  void answers[0]!.then(() => (sentWhenFirstEnded = sent));
  const order: number[] = [];
  answers.forEach((a, i) => void a.then(() => order.push(i)));
  const res = await Promise.all(answers);
  expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  expect(sentWhenFirstEnded).toBe(6);
  expect(res).toEqual([
    { code: 0, stdout: 'a\n', stderr: '' },
    { code: 0, stdout: 'from stdin', stderr: '' },
    { code: 4, stdout: '', stderr: 'b\n' },
    { code: 255, stdout: '', stderr: '', skipped: true },
    { code: 255, stdout: '', stderr: '', skipped: true },
    { code: 0, stdout: 'c\n', stderr: '' }
  ]);
  // A timed-out or interrupted command stops the after-ok one behind it too.
  const [slow, next] = sh.runAll([t('sleep 30'), t('echo after', true)]);
  await new Promise((r) => setTimeout(r, 300));
  sh.interrupt();
  expect((await slow)?.code).toBe(143);
  expect((await next)?.skipped).toBe(true);
  // A request without after-ok starts afresh.
  expect((await sh.run(t('echo alive')))?.stdout).toBe('alive\n');
});

test('a shell that ends settles every command still waiting for its answer', async () => {
  const sh = shell();
  const answers = sh.runAll([
    { shell: 'bash', text: 'sleep 30', timeoutS: '60' },
    { shell: 'bash', text: 'echo x', timeoutS: '60', afterOk: true }
  ]);
  await new Promise((r) => setTimeout(r, 300));
  sh.abandon('test');
  for (const a of answers) await expect(a).rejects.toThrow('test');
  expect(sh.available).toBe(false);
});

test('when its channel ends (a cancel, or a runner that is gone), the running command ends at once', async () => {
  // Issue 13: waiting commands (check, candidate, verify) run in the shell and write to files,
  // not to the channel, so the shell itself must notice that nobody is listening any more.
  const sh = shell();
  const mark = `/tmp/root-shell-ended-${process.pid}-${Date.now()}`;
  const answers = sh.runAll([
    { shell: 'bash', text: `echo $$ > ${mark}.pid; sleep 30; touch ${mark}`, timeoutS: '60' },
    { shell: 'bash', text: `touch ${mark}.after`, timeoutS: '60', afterOk: true }
  ]);
  answers.forEach((a) => void a.catch(() => undefined));
  await new Promise((r) => setTimeout(r, 400));
  const pid = Number((await import('node:fs')).readFileSync(`${mark}.pid`, 'utf8'));
  sh.close();
  const gone = async (): Promise<boolean> => {
    for (let i = 0; i < 40; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return true;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };
  expect(await gone()).toBe(true);
  const fs = await import('node:fs');
  expect([fs.existsSync(mark), fs.existsSync(`${mark}.after`)]).toEqual([false, false]);
  fs.rmSync(`${mark}.pid`, { force: true });
});
