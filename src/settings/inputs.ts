import { DURATION_MAX_MS, durationProblem, type Problem } from '../rules.js';
import { INPUT_DEFAULTS } from './defaults.js';

/** Reads one raw input by its action.yml name; '' when not given. */
export type InputReader = (name: string) => string;

/** Where every section adds one line per bad value (`input \`NAME\`: what is wrong`). */
export type Problems = string[];

/**
 * What a settings section reads its inputs with. Called as a function it is the raw InputReader
 * (the value as given, '' when not); its methods trim, apply action.yml's default and check a value
 * against a rule, each adding one line to the run's problems when the value is bad and returning a
 * harmless stand-in, so that every problem of every section is reported together.
 */
export interface Inputs extends InputReader {
  /** Trimmed, or action.yml's default when not given. */
  get(name: string): string;
  /** Trimmed, no default. */
  text(name: string): string;
  /** get(), with `is required` when empty. */
  required(name: string): string;
  bool(name: string): boolean;
  int(name: string, min: number, max: number): number;
  /** Milliseconds, bounded by DURATION_MAX_MS (rules.ts). */
  duration(name: string): number;
  /** Items of get() separated by commas or newlines (or by `separators`). */
  list(name: string, separators?: RegExp): string[];
  /** Adds `input \`NAME\`: PROBLEM` when the rule found one. */
  check(name: string, problem: Problem): void;
}

/** Items separated by commas or newlines (and blank lines ignored). */
export function splitList(raw: string, separators: RegExp = /[,\n]/): string[] {
  return raw
    .split(separators)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** '500ms', '30', '30s', '5m', '1h' -> milliseconds; NaN when malformed. */
export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!);
}

/** The one input reader of a parse: records which inputs were given, adds problems to `problems`. */
export function inputReader(readInput: InputReader, problems: Problems, given: Set<string>): Inputs {
  const raw: InputReader = (name) => {
    const v = readInput(name);
    if (v.trim() !== '') given.add(name);
    return v;
  };
  const get = (name: string): string => {
    const v = raw(name).trim();
    return v !== '' ? v : (INPUT_DEFAULTS[name] ?? '');
  };
  const check = (name: string, problem: Problem): void => {
    if (problem) problems.push(`input \`${name}\`: ${problem}`);
  };
  return Object.assign(raw, {
    get,
    text: (name: string) => raw(name).trim(),
    required(name: string): string {
      const v = get(name);
      if (v === '') check(name, 'is required');
      return v;
    },
    bool(name: string): boolean {
      const v = get(name);
      if (/^(true|True|TRUE|yes|1)$/.test(v)) return true;
      if (!/^(false|False|FALSE|no|0)$/.test(v) && v !== '') check(name, `must be true or false, got '${v}'`);
      return false;
    },
    int(name: string, min: number, max: number): number {
      const v = get(name);
      const n = Number(v);
      if (/^\d+$/.test(v) && n >= min && n <= max) return n;
      check(name, `must be a whole number from ${min} to ${max}, got '${v}'`);
      return min;
    },
    duration(name: string): number {
      const v = get(name);
      const ms = parseDuration(v);
      const bad = durationProblem(ms, DURATION_MAX_MS[name]);
      if (!bad) return ms;
      check(name, `${bad}, got '${v}'`);
      // Within every other bound, so one bad duration is reported once.
      return DURATION_MAX_MS[name] ?? 1000;
    },
    list: (name: string, separators?: RegExp) => splitList(get(name), separators),
    check
  });
}
