import { parseSandboxArgs } from '../../src/sandbox/cli.js';

describe('sandbox argument parsing', () => {
  test('up with defaults and with every option', () => {
    expect(parseSandboxArgs(['up'])).toEqual({ cmd: 'up', name: undefined, bare: false, suite: 'trixie' });
    expect(parseSandboxArgs(['up', '--name', 'web1', '--bare', '--suite', 'bookworm'])).toEqual({
      cmd: 'up',
      name: 'web1',
      bare: true,
      suite: 'bookworm'
    });
    expect(parseSandboxArgs(['up', '--name=web1'])).toMatchObject({ name: 'web1' });
  });

  test('down needs exactly one of --name and --all', () => {
    expect(parseSandboxArgs(['down', '--all'])).toEqual({ cmd: 'down', name: undefined, all: true });
    expect(parseSandboxArgs(['down', '--name', 'x'])).toEqual({ cmd: 'down', name: 'x', all: false });
    expect(() => parseSandboxArgs(['down'])).toThrow(/exactly one/);
    expect(() => parseSandboxArgs(['down', '--all', '--name', 'x'])).toThrow(/exactly one/);
  });

  test('list and help', () => {
    expect(parseSandboxArgs(['list'])).toEqual({ cmd: 'list' });
    expect(parseSandboxArgs([])).toEqual({ cmd: 'help' });
    expect(parseSandboxArgs(['--help'])).toEqual({ cmd: 'help' });
  });

  test.each([
    [['up', '--name'], /needs a value/],
    [['up', '--name', '--bare'], /needs a value/],
    [['up', '--name', 'Bad'], /invalid sandbox name/],
    [['up', '--suite', 'sid'], /unknown suite/],
    [['up', '--bare=yes'], /takes no value/],
    [['up', '--all'], /unknown option --all/],
    [['up', 'extra'], /unexpected argument/],
    [['list', '--all'], /unknown option/],
    [['start'], /unknown sandbox command/]
  ])('rejects %j', (argv, message) => {
    expect(() => parseSandboxArgs(argv)).toThrow(message);
  });
});
