import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { HostContext } from '../modes/types.js';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { activateRelease, prepareRelease, tidyRelease } from '../modes/deploy-mode.js';
import { activateThenTidy } from '../modes/go-live.js';
import type { HeldLock } from '../steps/lock.js';
import type { Settings } from '../settings.js';
import { serverScript } from '../render/scripts.js';
import { tarExcludeArgs } from '../ssh/upload.js';
import { localTar, tarFlavour } from '../ssh/local-tar.js';
import { buildManifest } from '../manifest.js';
import { recordHmac, recordPath, releaseHash, shapingSettings } from '../deploy/release-record.js';

/** releaseHash of the source as it is now; a canonical tar when a name keeps it from a manifest. */
export async function sourceHash(settings: Settings): Promise<string> {
  const manifest = await buildManifest(path.resolve(settings.app.source), settings.app.exclude);
  if (manifest) return releaseHash(manifest, settings);
  // bsdtar cannot write a canonical archive (no --sort, no --mtime): a hash that matches no
  // record, so provision deploys again rather than skip on a guess.
  if ((await tarFlavour()) !== 'gnu') return randomBytes(32).toString('hex');
  const dir = path.resolve(settings.app.source);
  const args = [
    '-C',
    dir,
    '-c',
    '-f',
    '-',
    '--sort=name',
    '--format=gnu',
    '--mtime=@0',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    ...tarExcludeArgs(settings.app.exclude),
    '.'
  ];
  const hash = recordHmac(settings);
  await new Promise<void>((resolve, reject) => {
    const tar = localTar(args);
    let err = '';
    tar.stdout.on('data', (c: Buffer) => hash.update(c));
    tar.stderr.on('data', (c: Buffer) => (err += c.toString()));
    tar.on('error', reject);
    tar.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`cannot read the source ${dir} (tar exit ${code}): ${err.trim()}`))
    );
  });
  hash.update(shapingSettings(settings));
  return hash.digest('hex');
}

export interface DeployDecision {
  deploy: boolean;
  why: string;
  hash: string;
  /** The release serving now ('' when none). */
  current: string;
}

/**
 * Provision's deploy creates a new release every time it runs, so a second provision with the
 * same source would not be a no-op. It is skipped when the release `current` points at was built
 * (by a deploy or a provision) from the same source and settings, and the service is running.
 */
export async function decideDeploy(ctx: DeployContext): Promise<DeployDecision> {
  const hash = await sourceHash(ctx.settings);
  const res = await runScript(
    ctx,
    'reading the current release',
    serverScript('current_release', {
      record: recordPath(ctx),
      current: ctx.paths.current,
      service: ctx.paths.units.service.name
    }),
    { timeoutMs: 30_000 }
  );
  const f = parseFacts(res.stdout);
  const short = hash.slice(0, 12);
  const current = f.current ?? '';
  if (!current) return { deploy: true, why: 'no release yet', hash, current };
  if (f.hash !== hash || f.release !== current)
    return {
      deploy: true,
      why: `source or settings changed since the last provision (now ${short})`,
      hash,
      current
    };
  if (f.active !== 'active') return { deploy: true, why: `the service is ${f.active}`, hash, current };
  return { deploy: false, why: `release ${current} already serves this source (${short})`, hash, current };
}

/** The deploy mode's own steps (same proof of health, same rollback, same record) under provision's lock. */
export async function runFirstDeploy(host: HostContext, lock: HeldLock): Promise<void> {
  const p = await prepareRelease(host, lock);
  // A failing post-activate leaves the release live: it still gets its history line and record.
  await activateThenTidy(
    () => activateRelease(host, p),
    () => tidyRelease(host, p)
  );
}
