import { assertRule, safeAbsPathProblem } from '../rules.js';

/**
 * The asserts templateVars() applies to each field: a value failing here passed parseSettings'
 * rule wrongly, an internal error naming the field.
 */

export function fail(field: string, message: string): never {
  assertRule(field, message);
  throw new Error('unreachable');
}

export function check(field: string, value: string, re: RegExp, what: string): string {
  if (!re.test(value)) fail(field, `${JSON.stringify(value)} is not ${what}`);
  return value;
}

export function checkPath(field: string, value: string): string {
  assertRule(field, safeAbsPathProblem(value));
  return value.length > 1 ? value.replace(/\/+$/, '') : value;
}

export function checkRule(field: string, value: string, rule: (v: string) => string | undefined): string {
  assertRule(field, rule(value));
  return value;
}

export function checkInt(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(field, `${value} is not a whole number from ${min} to ${max}`);
  }
  return value;
}
