import { spawnSync } from 'node:child_process';
import { shJoin, shQuote } from '../../src/ssh/quote.js';
import { wrapCommand } from '../../src/ssh/remote.js';

// Values a deploy might interpolate, and values an attacker would like it to.
const HOSTILE: string[] = [
  '',
  ' ',
  'plain',
  "it's",
  "''",
  "'",
  '"double" "quotes"',
  '$(touch /tmp/pwned-by-subshell)',
  '`touch /tmp/pwned-by-backtick`',
  '${HOME}',
  '$HOME $0 $1 $@ $*',
  'a; rm -rf /tmp/nothing-here',
  'a && b || c | d & e',
  'line1\nline2\n',
  '\n',
  'tab\there',
  'cr\r\n',
  '*',
  '/etc/*',
  '?[a-z]{1,2}',
  '~',
  '~root',
  '-n',
  '--help',
  '-e \\n',
  '\\',
  "\\\\'",
  '!!',
  '#not a comment',
  '> /tmp/redirect',
  '< /etc/passwd',
  'héllo wörld ✓ 日本語 🚀',
  '\x01\x02\x1b[31mred\x1b[0m\x7f',
  "'\"'\"'",
  'x'.repeat(10_000)
];

function runLocal(shell: string, script: string): Buffer {
  const res = spawnSync(shell, ['-c', script], { encoding: 'buffer' });
  if (res.status !== 0) throw new Error(`${shell} -c failed (${res.status}): ${res.stderr.toString()}`);
  return res.stdout;
}

describe('shQuote', () => {
  it("wraps in single quotes and escapes quotes as '\"'\"'", () => {
    expect(shQuote('abc')).toBe("'abc'");
    expect(shQuote('')).toBe("''");
    expect(shQuote("it's")).toBe(`'it'"'"'s'`);
  });

  it('refuses NUL bytes instead of truncating', () => {
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
  });

  it.each(HOSTILE.map((v) => [JSON.stringify(v).slice(0, 60), v]))(
    'round-trips %s through bash and sh byte for byte',
    (_name, value) => {
      for (const shell of ['bash', 'sh']) {
        const out = runLocal(shell, `printf %s ${shQuote(value)}`);
        expect(out.equals(Buffer.from(value, 'utf8'))).toBe(true);
      }
    }
  );

  it('keeps each value one argument (no splitting, no globbing)', () => {
    const out = runLocal('bash', `printf '<%s>' ${shJoin(['a b', '*', '', '-x'])}`);
    expect(out.toString()).toBe('<a b><*><><-x>');
  });

  it('survives two levels of quoting, as a sudo -- sh -c command does', () => {
    for (const value of HOSTILE) {
      const inner = `printf %s ${shQuote(value)}`;
      const out = runLocal('bash', `sh -c ${shQuote(inner)}`);
      expect(out.equals(Buffer.from(value, 'utf8'))).toBe(true);
    }
  });

  it('survives the exec wrapper (timeout + sh -c / bash -c) run locally', () => {
    for (const value of HOSTILE.slice(0, 20)) {
      for (const shell of ['sh', 'bash'] as const) {
        const cmd = wrapCommand(shell, `printf %s ${shQuote(value)}`, { timeoutMs: 10_000, sudo: false });
        const out = runLocal('bash', cmd);
        expect(out.equals(Buffer.from(value, 'utf8'))).toBe(true);
      }
    }
  });

  it('never runs substitutions', () => {
    const out = runLocal('bash', `printf %s ${shQuote('$(echo EXECUTED)`echo EXECUTED`')}`).toString();
    expect(out).not.toContain('EXECUTED\n');
    expect(out).toBe('$(echo EXECUTED)`echo EXECUTED`');
  });
});

describe('wrapCommand', () => {
  it('puts sudo outside timeout so the timeout may kill root processes', () => {
    const cmd = wrapCommand('sh', 'id -u', { timeoutMs: 1500, sudo: true });
    expect(cmd).toBe("sudo -n -- timeout -k 5 1.5 sh -c 'id -u'");
  });

  it('runs without sudo when not asked', () => {
    expect(wrapCommand('bash', 'true', { timeoutMs: 600_000, sudo: false })).toBe(
      "timeout -k 5 600 bash -c 'true'"
    );
  });
});
