import * as path from 'node:path';
import { buildManifest, type Manifest } from './manifest.js';

/**
 * The runner's manifest of the tree a deploy uploads, started as the run starts: the runner is
 * idle while SSH connects, takes the lock and lays out (~0.3 s), and listing and hashing a
 * 5,000-file tree takes about as long. One per run (runEngine starts it; a later run replaces it),
 * shared by every host of a fleet; the upload takes it when it is for the same tree and excludes,
 * and builds its own otherwise.
 */
let current: { key: string; manifest: Promise<Manifest | undefined> } | undefined;

const keyOf = (source: string, exclude: string[]): string => JSON.stringify([path.resolve(source), exclude]);

export function startManifest(source: string, exclude: string[]): void {
  const manifest = buildManifest(path.resolve(source), exclude);
  // Its failure is the upload's to report, when it takes it.
  manifest.catch(() => undefined);
  current = { key: keyOf(source, exclude), manifest };
}

export function runManifest(source: string, exclude: string[]): Promise<Manifest | undefined> {
  if (current?.key === keyOf(source, exclude)) return current.manifest;
  return buildManifest(path.resolve(source), exclude);
}
