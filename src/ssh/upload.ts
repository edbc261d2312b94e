import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import type { Logger } from '../log.js';
import { shQuote } from './quote.js';
import { asUser } from '../deploy/app-run.js';
import type { Remote, UploadOptions, UploadResult } from './types.js';
import { localTar, noLocalTar, TarMemberCount, tarFlavour, type TarFlavour } from './local-tar.js';

const STDERR_TAIL = 2000;

function tail(text: string): string {
  const t = text.trim();
  return t.length > STDERR_TAIL ? '...' + t.slice(-STDERR_TAIL) : t;
}

/**
 * tar --exclude semantics, with one convenience: a leading `/` anchors at the upload root
 * (`/docs` means only the top-level docs). tar itself names members `./docs`, so an unanchored
 * pattern (`docs`, `*.pyc`) matches at any depth, and `./docs` matches only the top level.
 * bsdtar matches `./docs` at any depth too: only a leading `^` anchors it there.
 */
export function tarExcludeArgs(patterns: readonly string[], flavour: TarFlavour = 'gnu'): string[] {
  return patterns
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => (p.startsWith('/') ? '.' + p.replace(/^\/+/, '/') : p))
    .map((p) => `--exclude=${flavour === 'bsd' && p.startsWith('./') ? '^' + p : p}`);
}

/**
 * The remote half: create the directory, then unpack the stream owned by whoever runs it: asUser
 * when given (tar then never runs as root, so a crafted archive can only write where that user
 * can). With discard, a failed unpack removes the folder: the server side sees a dropped
 * connection or a dead local tar as a truncated stream, so it cleans up even when the runner
 * cannot.
 */
export function remoteUnpackCommand(
  remoteDir: string,
  opts: { asUser?: string; discard?: boolean } = {}
): string {
  const dir = shQuote(remoteDir);
  // --no-same-owner: under sudo, tar would otherwise give files the runner's uid (1001 on GitHub).
  const unpack = `mkdir -p -- ${dir} && tar -C ${dir} --no-same-owner --warning=no-unknown-keyword -xf -`;
  const body = opts.discard ? `${unpack} || { rc=$?; rm -rf -- ${dir}; exit "$rc"; }` : unpack;
  return opts.asUser ? asUser(opts.asUser, body) : body;
}

/** The -T list of the named paths, NUL-separated (any byte but NUL may stand in a file name). */
async function writeFileList(scratch: string, files: string[]): Promise<string> {
  const list = join(scratch, 'files');
  await writeFile(list, files.map((f) => `./${f}\0`).join(''));
  return list;
}

const listedFiles = (list: string): string[] => ['--no-recursion', '--null', '-T', list];

/** tar creating an archive of `what` (relative to localDir) on its stdout. */
function tarArgs(localDir: string, what: string[], extra: string[] = []): string[] {
  return ['-C', localDir, '-c', ...extra, '-f', '-', '--numeric-owner', ...what];
}

/**
 * Sends localDir as ONE tar stream over ONE exec channel and unpacks it in remoteDir. One channel
 * instead of SFTP's round trip per file: thousands of small files cost about what their bytes
 * cost. Needs tar locally (GNU tar or bsdtar: every runner has one) and tar on the server.
 */
export async function uploadDirectory(
  remote: Remote,
  localDir: string,
  remoteDir: string,
  opts: UploadOptions,
  logger: Logger
): Promise<UploadResult> {
  const started = Date.now();
  if (remoteDir.trim() === '') throw new Error('upload: the remote directory is empty');
  const st = await stat(localDir).catch(() => undefined);
  if (!st?.isDirectory())
    throw new Error(`upload: local directory ${localDir} does not exist or is not a directory`);

  const scratch = await mkdtemp(join(tmpdir(), 'gunicorn-deploy-upload-'));
  try {
    const list = opts.files ? await writeFileList(scratch, opts.files) : undefined;
    return await send(remote, localDir, remoteDir, opts, logger, started, list);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function send(
  remote: Remote,
  localDir: string,
  remoteDir: string,
  opts: UploadOptions,
  logger: Logger,
  started: number,
  list?: string
): Promise<UploadResult> {
  const what = list ? listedFiles(list) : [...tarExcludeArgs(opts.exclude, await tarFlavour()), '.'];
  const args = tarArgs(localDir, what);
  logger.debug(`[${remote.label}] upload ${localDir} -> ${remoteDir} (tar ${args.join(' ')})`);
  const tar = localTar(args);

  let localStderr = '';
  tar.stderr.on('data', (c: Buffer) => {
    localStderr = (localStderr + c.toString('utf8')).slice(-64 * 1024);
  });

  // The file count comes from the archive's own headers as it passes (no tar's listing to parse:
  // GNU tar and bsdtar print theirs differently).
  let bytes = 0;
  const members = new TarMemberCount();
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      members.push(chunk);
      cb(null, chunk);
    }
  });
  tar.stdout.pipe(counter);

  let spawnError: Error | undefined;
  const localDone = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    tar.on('error', (err) => {
      spawnError = err;
      // Ends the remote side too, instead of leaving it waiting for a stream that never comes.
      counter.destroy(err);
      resolve({ code: null, signal: null });
    });
    tar.on('close', (code, signal) => resolve({ code, signal }));
  });

  let remoteResult: Awaited<ReturnType<Remote['exec']>> | undefined;
  let remoteError: Error | undefined;
  try {
    const command = remoteUnpackCommand(remoteDir, { asUser: opts.asUser, discard: opts.discardOnFailure });
    remoteResult = await remote.exec(command, {
      stdin: counter,
      sudo: opts.sudo,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal
    });
  } catch (err) {
    remoteError = err as Error;
  }
  // If the server side stopped early (mkdir refused, disk full), local tar is blocked on a full pipe.
  const killedByUs = tar.exitCode === null && tar.signalCode === null;
  if (killedByUs) {
    tar.kill('SIGTERM');
    // 'close' waits for tar's stdout to end, which never happens while the stream into a dead
    // channel holds it back: drop what is still buffered.
    counter.destroy();
    (tar.stdio[1] as Readable).destroy();
  }
  const local = await localDone;

  if (spawnError) throw noLocalTar(spawnError);
  const where = `${remote.label}:${remoteDir}`;
  // A local failure (unreadable file) is the cause when both sides fail: the server then only saw
  // a truncated stream.
  if (!killedByUs && local.code !== 0) {
    const how = local.signal ? `was killed by ${local.signal}` : `exited ${local.code}`;
    throw new Error(`upload to ${where} failed: local tar ${how}: ${tail(localStderr) || '(no stderr)'}`);
  }
  if (remoteError) throw new Error(`upload to ${where} failed: ${remoteError.message}`);
  if (!remoteResult || remoteResult.code !== 0) {
    const why = remoteResult?.timedOut ? 'timed out' : `remote tar exited ${remoteResult?.code}`;
    throw new Error(
      `upload to ${where} failed: ${why}: ${tail(remoteResult?.stderr ?? '') || '(no stderr)'}`
    );
  }
  return { files: members.files, bytes, ms: Date.now() - started };
}

/**
 * The named files (paths relative to localDir) as one tar archive in memory: for a delta small
 * enough to travel as a root-shell request's stdin, queued with the requests after it.
 * Undefined when it would exceed maxBytes.
 */
export async function packFiles(
  localDir: string,
  files: string[],
  maxBytes: number
): Promise<Buffer | undefined> {
  const scratch = await mkdtemp(join(tmpdir(), 'gunicorn-deploy-pack-'));
  try {
    const tar = localTar(tarArgs(localDir, listedFiles(await writeFileList(scratch, files))));
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    tar.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) tar.kill('SIGTERM');
      else chunks.push(c);
    });
    tar.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-64 * 1024)));
    const code = await new Promise<number | null>((resolve, reject) => {
      tar.on('error', (err) => reject(noLocalTar(err)));
      tar.on('close', (c) => resolve(c));
    });
    if (size > maxBytes) return undefined;
    if (code !== 0)
      throw new Error(`upload failed: local tar exited ${code}: ${tail(stderr) || '(no stderr)'}`);
    return Buffer.concat(chunks);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
