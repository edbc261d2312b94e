import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** The files a runner gives an action, and what the action wrote into them. */
export interface RunnerFiles {
  dir: string;
  output: string;
  summary: string;
  state: string;
}

export async function runnerFiles(): Promise<RunnerFiles> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-runner-'));
  const f = {
    dir,
    output: path.join(dir, 'output'),
    summary: path.join(dir, 'summary'),
    state: path.join(dir, 'state')
  };
  for (const p of [f.output, f.summary, f.state]) await writeFile(p, '');
  return f;
}

/** Environment the way the runner builds it: INPUT_<NAME> (upper case, dashes kept) and the file commands. */
export function runnerEnv(
  inputs: Record<string, string>,
  files: RunnerFiles,
  extra: Record<string, string> = {}
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RUNNER_TEMP: files.dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: String(process.pid),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'example/shop',
    GITHUB_ACTION_PATH: process.cwd(),
    ...extra
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return env;
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function startAction(env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<ActionRun> } {
  const child = spawn(process.execPath, [path.resolve('dist/index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<ActionRun>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  );
  return { child, done };
}

export async function runAction(env: NodeJS.ProcessEnv): Promise<ActionRun> {
  return startAction(env).done;
}

/** Parses GITHUB_OUTPUT / GITHUB_STATE (name<<DELIMITER ... DELIMITER blocks). */
export async function readFileCommands(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8');
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

/** The post step's environment: the state the main step saved comes back as STATE_<name>. */
export async function postEnv(mainEnv: NodeJS.ProcessEnv, files: RunnerFiles): Promise<NodeJS.ProcessEnv> {
  const state = await readFileCommands(files.state);
  const env = { ...mainEnv };
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v;
  return env;
}
