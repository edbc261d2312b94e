import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { consoleLogger } from '../log.js';
import { shQuote } from '../ssh/quote.js';
import { sandboxCli } from '../sandbox/index.js';
import { runDemo } from './demo-run.js';
import { parseSettings, SettingsError } from '../settings.js';
import { runEngine } from '../engine.js';
import { factRows, formatTable, hostLine, outputsOf, stepRows } from '../report.js';
import { readActionInputs } from '../action-inputs.js';
import { helpText, helpWidth, inputHelp } from './help.js';
import { watchSignals } from '../cancel.js';
import { jsonForRunner } from '../ssh/output.js';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const CANCELLED_EXIT = 130;

/** GUNICORN_DEPLOY_APP_NAME for app-name: the same values as flags, from the environment. */
export function envName(input: string): string {
  return `GUNICORN_DEPLOY_${input.toUpperCase().replace(/-/g, '_')}`;
}

export async function cli(argv: string[]): Promise<number> {
  if (argv[0] === 'sandbox') {
    return sandboxCli(argv.slice(1));
  }
  if (argv[0] === 'demo') {
    return runDemo(argv.slice(1));
  }
  const inputs = readActionInputs();
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    'private-key-file': { type: 'string' },
    'known-hosts-file': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' }
  };
  for (const i of inputs) options[i.name] = { type: 'string' };
  let parsed;
  try {
    // `logs --follow` as with tail -f: alone it means --follow true.
    const args = argv.map((a, i) =>
      a === '--follow' && !/^(true|false)$/.test(argv[i + 1] ?? '') ? '--follow=true' : a
    );
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(
      `${err instanceof Error ? err.message : String(err)}\nRun gunicorn-deploy --help for the flags.\n`
    );
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  // A secret on a command line is readable by every user of the machine (ps) and kept by shells.
  if (values['notify-webhook'] !== undefined) {
    process.stderr.write(
      '--notify-webhook: a secret is never a flag; set GUNICORN_DEPLOY_NOTIFY_WEBHOOK instead\n'
    );
    return 2;
  }
  if (values.help) {
    const width = helpWidth();
    const asked = parsed.positionals[0];
    if (!asked) {
      process.stdout.write(helpText(inputs, width) + '\n');
      return 0;
    }
    const one = inputHelp(inputs, asked, width, envName(asked.replace(/^--/, '')));
    if (one) process.stdout.write(one + '\n');
    else
      process.stderr.write(`no input or flag named ${asked}; run gunicorn-deploy --help for all of them\n`);
    return one ? 0 : 2;
  }
  // run -- COMMAND...: one word is shell text as written ('flask init-db && echo done'); several
  // are argv, each passed on as the word it is.
  const [modeWord, ...rest] = parsed.positionals;
  const runCommand =
    modeWord === 'run' && rest.length > 0 ? (rest.length === 1 ? rest[0]! : rest.map(shQuote).join(' ')) : '';
  // maintenance on|off: the one word is the maintenance input.
  const onOff =
    modeWord === 'maintenance' && rest.length === 1 && /^(on|off)$/.test(rest[0]!) ? rest[0]! : '';
  if (rest.length > 0 && !runCommand && !onOff) {
    process.stderr.write(`one mode at most, got: ${parsed.positionals.join(' ')}\n`);
    return 2;
  }
  // A secret in argv is readable by every local user (ps, /proc) and kept by shell history.
  if (typeof values['database-url'] === 'string') {
    process.stderr.write(
      `--database-url is refused: a command line is visible to every user of this machine. Set ${envName('database-url')} instead (nothing was changed on any server).\n`
    );
    return 2;
  }
  const fileInputs: Record<string, string> = {};
  for (const [flag, input] of [
    ['private-key-file', 'private-key'],
    ['known-hosts-file', 'known-hosts']
  ] as const) {
    const file = values[flag];
    if (typeof file === 'string') {
      try {
        fileInputs[input] = fs.readFileSync(file, 'utf8');
      } catch (err) {
        process.stderr.write(`--${flag}: cannot read ${file}: ${(err as Error).message}\n`);
        return 2;
      }
    }
  }
  const read = (name: string): string => {
    if (name === 'mode' && parsed.positionals[0]) return parsed.positionals[0];
    if (name === 'command' && runCommand) return runCommand;
    if (name === 'maintenance' && onOff) return onOff;
    const v = values[name];
    if (typeof v === 'string') return v;
    if (fileInputs[name] !== undefined) return fileInputs[name]!;
    return process.env[envName(name)] ?? '';
  };
  const logger = consoleLogger({ verbose: !!process.env.GUNICORN_DEPLOY_VERBOSE });
  let settings;
  try {
    settings = parseSettings(read);
  } catch (err) {
    process.stderr.write(`${err instanceof SettingsError ? err.message : String(err)}\n`);
    return 2;
  }
  // Ctrl-C: no new step starts and a server switched but not yet proven is rolled back before the
  // exit; a third Ctrl-C quits at once, for a user who would rather see to the server themselves.
  let repeats = 0;
  const watch = watchSignals({
    onFirst: (sig) =>
      logger.warning(
        `${sig}: cancelling: no new step starts, and a server switched but not yet proven is rolled back (Ctrl-C twice more quits at once)`
      ),
    onRepeat: (sig) => {
      if (++repeats >= 2) process.exit(CANCELLED_EXIT);
      logger.warning(`${sig}: still finishing; once more quits at once`);
    }
  });
  let result;
  try {
    result = await runEngine(settings, { logger, signal: watch.signal });
  } finally {
    watch.dispose();
  }
  const { report, factKeys } = result;
  if (factKeys.length > 0) {
    const t = factRows(report, factKeys);
    logger.info(formatTable(t.header, t.rows));
  }
  for (const h of report.hosts) {
    if (h.steps.length > 0)
      logger.info(`${hostLine(h)}\n${formatTable(['step', 'time', 'result', 'detail'], stepRows(h))}`);
  }
  if (values.json) process.stdout.write(jsonForRunner(outputsOf(report)) + '\n');
  if (!report.ok) logger.error(report.error ?? `${report.mode} failed`);
  if (watch.signal.aborted) return CANCELLED_EXIT;
  return report.ok ? 0 : 1;
}
