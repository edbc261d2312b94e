// ssh2 is CommonJS and reads __dirname/require; in the ESM bundle neither exists. This module is
// imported first by each entry so the globals are there before ssh2 loads.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const g = globalThis as Record<string, unknown>;
g.__dirname ??= path.dirname(fileURLToPath(import.meta.url));
g.__filename ??= fileURLToPath(import.meta.url);
g.require ??= createRequire(import.meta.url);
