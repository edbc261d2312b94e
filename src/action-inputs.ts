import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { actionRoot } from './action-root.js';

export interface InputSpec {
  name: string;
  description: string;
  required: boolean;
  default?: string;
}

/** action.yml is the one list of inputs: the CLI's flags, its help and the README table come from it. */
export function readActionInputs(root = actionRoot()): InputSpec[] {
  const doc = parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { description: string; required?: boolean; default?: string | number | boolean }>;
  };
  return Object.entries(doc.inputs).map(([name, spec]) => ({
    name,
    description: spec.description,
    required: spec.required === true,
    default: spec.default === undefined ? undefined : String(spec.default)
  }));
}
