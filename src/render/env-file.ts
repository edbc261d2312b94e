import { envProblems, envValueProblem, type EnvVar } from '../rules.js';
import { fail } from './field-checks.js';

/**
 * Quotes a value for a systemd EnvironmentFile= (systemd.exec(5)). Inside double quotes systemd
 * turns a backslash followed by one of \ " ` $ into that character and keeps every other character
 * verbatim, exactly as a POSIX shell does, so the file can also be sourced by sh. The value is
 * always quoted (spaces, # and ; stay literal); newlines are refused (a quoted value could span
 * lines, but a multi-line secret in an env file is a mistake more often than not), and so are NUL,
 * the byte order mark and what is not a Unicode scalar value, which systemd rejects.
 */
export function envQuote(value: string, key = 'value'): string {
  const bad = envValueProblem(key, value);
  if (bad) throw new Error(`environment variable ${bad}`);
  return `"${value.replace(/[\\"`$]/g, '\\$&')}"`;
}

/** Asserts the user's environment variables (see envProblems); drops FLASK_DEBUG=0, written anyway. */
export function checkEnv(env: readonly EnvVar[]): EnvVar[] {
  const problems = envProblems(env);
  if (problems.length > 0) fail('env', problems.join('; '));
  return env.filter((e) => e.key !== 'FLASK_DEBUG').map(({ key, value }) => ({ key, value }));
}
