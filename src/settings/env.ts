import { TLS_SECRET_INPUTS } from './tls.js';
import { databaseEnvProblem, envProblems, ENV_KEY, type EnvVar } from '../rules.js';
import type { Inputs, InputReader, Problems } from './inputs.js';
import { DATABASE_SECRET_INPUTS, databaseUrlSecrets } from './database.js';

/**
 * The `env` input's KEY=VALUE lines as given: comments and blank lines left out, values verbatim
 * (= and spaces included). CRLF ends a line like LF does; any other CR is part of a value (and
 * refused by the rules). A line without a key has key ''.
 */
export function envLines(text: string): EnvVar[] {
  const out: EnvVar[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const eq = line.indexOf('=');
    out.push({ key: eq > 0 ? line.slice(0, eq).trim() : '', value: eq >= 0 ? line.slice(eq + 1) : '' });
  }
  return out;
}

/** `env`: the app's variables, checked against the rules (names, reserved names, values, DATABASE). */
export function parseEnv(read: Inputs, problems: Problems): EnvVar[] {
  const env: EnvVar[] = [];
  for (const e of envLines(read('env'))) {
    if (!ENV_KEY.test(e.key)) {
      problems.push(
        `input \`env\`: each line must be KEY=VALUE with KEY like MY_SETTING; a line is not (key '${e.key}')`
      );
    } else env.push(e);
  }
  for (const p of envProblems(env)) problems.push(`input \`env\`: ${p}`);
  read.check('env', databaseEnvProblem(env));
  return env;
}

/** Inputs whose values are secret as a whole (env values are, one by one). */
const SECRET_INPUTS = [
  'private-key',
  'passphrase',
  'jump-private-key',
  'github-token',
  'notify-webhook',
  ...TLS_SECRET_INPUTS,
  ...DATABASE_SECRET_INPUTS
];

/**
 * Every value to mask, straight from the inputs: registered before the inputs are even parsed, so
 * no message (a problem quoting a value included) can print one. A multi-line key is also masked
 * line by line: a log line can carry one of its lines on its own.
 */
export function inputSecrets(read: InputReader): string[] {
  const out: string[] = [];
  for (const name of SECRET_INPUTS) {
    const v = read(name);
    if (!v) continue;
    out.push(v);
    for (const line of v.split(/\r?\n/)) if (line.trim().length >= 8 && line !== v) out.push(line);
  }
  out.push(...databaseUrlSecrets(read('database-url')));
  // Commented-out lines too: a secret there is still a secret.
  for (const line of read('env').split(/\r?\n/)) {
    const value = line.slice(line.indexOf('=') + 1);
    if (line.includes('=') && value.trim()) out.push(value);
  }
  return out;
}
