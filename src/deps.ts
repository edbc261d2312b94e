import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Where the venv's packages come from, decided on the runner before any connection: a
 * requirements file as pip reads it, or the PEP 621 `[project] dependencies` of a pyproject.toml
 * (plus the optional dependencies of the extras asked for). With pyproject.toml only the project's
 * dependencies are installed, never the project itself: Gunicorn imports the app from the release
 * (its working folder is on sys.path), so no build backend has to run offline.
 */
export interface DependencySource {
  kind: 'requirements' | 'pyproject';
  /** Relative to the source, as in the release. */
  file: string;
  extras: string[];
}

/** Lock files whose pins pip cannot install as they are; refused rather than silently ignored. */
const LOCK_FILES = ['uv.lock', 'poetry.lock', 'pylock.toml'];
export const isLockFile = (name: string): boolean =>
  LOCK_FILES.includes(name) || /^pylock\.[^/]+\.toml$/.test(name);

const SUPPORTED =
  'supported: requirements.txt (or any requirements file) and pyproject.toml [project] dependencies';

function lockAdvice(lock: string): string {
  if (lock === 'uv.lock') return 'uv export --no-hashes --format requirements-txt -o requirements.txt';
  if (lock === 'poetry.lock') return 'poetry export -f requirements.txt -o requirements.txt';
  return 'pip-compile, uv export or your locker, into requirements.txt';
}

function lockProblem(lock: string): string {
  return (
    `input \`requirements\`: ${lock} is a lock file this tool cannot install exactly as pinned (${SUPPORTED}). ` +
    `Export its pins to a requirements file (${lockAdvice(lock)}), commit it, and deploy again: it is then used first`
  );
}

/** What a pyproject.toml shows without a TOML library: the tables and the keys given in them. */
function pyprojectProblem(file: string, text: string, extras: string[]): string | undefined {
  const tables = new Map<string, Set<string>>();
  let table = '';
  let dynamicDeps = false;
  let inDynamic = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^[\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) {
      table = header[1]!
        .trim()
        .replace(/\s*\.\s*/g, '.')
        .replace(/"/g, '');
      if (!tables.has(table)) tables.set(table, new Set());
      inDynamic = false;
      continue;
    }
    if (/^\s*\[\[/.test(line)) {
      table = '';
      continue;
    }
    const key = /^\s*("?)([A-Za-z0-9_.-]+)\1\s*=/.exec(line);
    if (key && table) tables.get(table)!.add(key[2]!);
    if (table === 'project' && key?.[2] === 'dynamic') inDynamic = true;
    if (table === 'project' && inDynamic && /["']dependencies["']/.test(line)) dynamicDeps = true;
    if (inDynamic && /\]/.test(line)) inDynamic = false;
  }
  const project = tables.get('project');
  if (!project) {
    return `input \`requirements\`: ${file} has no [project] table (PEP 621), so it names no dependencies (${SUPPORTED}; for Poetry's own [tool.poetry] tables, export a requirements.txt)`;
  }
  if (dynamicDeps) {
    return `input \`requirements\`: ${file} declares its dependencies dynamic (computed by its build backend), which cannot be read without building it; list them in [project] dependencies or in a requirements.txt`;
  }
  if (extras.length > 0 && !project.has('optional-dependencies')) {
    const declared = tables.get('project.optional-dependencies') ?? new Set<string>();
    const missing = extras.filter((e) => !declared.has(e));
    if (missing.length > 0) {
      return `input \`extras\`: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in ${file}'s [project.optional-dependencies] (it has: ${[...declared].join(', ') || 'none'})`;
    }
  }
  return undefined;
}

/** The dependency source of the release about to be uploaded, or why there is none. */
export async function resolveDependencies(
  source: string,
  requirements: string,
  extras: string[]
): Promise<{ deps?: DependencySource; problem?: string }> {
  const isFile = async (rel: string) =>
    (await stat(path.join(source, rel)).catch(() => undefined))?.isFile() === true;
  let file = requirements;
  if (requirements === 'auto') {
    if (await isFile('requirements.txt')) file = 'requirements.txt';
    else {
      for (const lock of LOCK_FILES) if (await isFile(lock)) return { problem: lockProblem(lock) };
      if (await isFile('pyproject.toml')) file = 'pyproject.toml';
      else {
        return {
          problem: `input \`requirements\`: ${source} has neither requirements.txt nor pyproject.toml (the venv's packages come from one of them: add one, even an empty requirements.txt, or point requirements at yours)`
        };
      }
    }
  } else {
    if (isLockFile(path.posix.basename(file))) return { problem: lockProblem(file) };
    if (!(await isFile(file))) {
      return {
        problem: `input \`requirements\`: ${file} is not a file in ${source} (the venv is built from it: add one, even empty, or point requirements at it)`
      };
    }
  }
  let text: string;
  try {
    text = await readFile(path.join(source, file), 'utf8');
  } catch (e) {
    return {
      problem: `input \`requirements\`: ${file} in ${source} cannot be read (${(e as Error).message})`
    };
  }
  if (text.includes('\0')) return { problem: `input \`requirements\`: ${file} is not a text file` };
  const kind = file.endsWith('.toml') ? 'pyproject' : 'requirements';
  if (kind === 'requirements') {
    if (extras.length > 0) {
      return {
        problem: `input \`extras\`: applies to pyproject.toml's optional dependencies, but the venv is built from ${file}`
      };
    }
    if (/^\s*\[[A-Za-z_.-]+\]\s*$/m.test(text)) {
      return {
        problem: `input \`requirements\`: ${file} looks like TOML, not a requirements file (${SUPPORTED}; a pyproject's name must end in .toml)`
      };
    }
    return { deps: { kind, file, extras } };
  }
  const problem = pyprojectProblem(file, text, extras);
  return problem ? { problem } : { deps: { kind, file, extras } };
}
