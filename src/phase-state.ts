import type { PhaseNote } from './engine.js';

/**
 * A host's deploy phase as one line of the action's saved state, e.g.
 * `host=10.0.0.5 phase=switched release=R previous=P restart=0 changed=/etc/shop/env`.
 * Every value is a host label, a release id or a server path: none holds a space.
 */
export function formatPhase(host: string, note: PhaseNote): string {
  const parts = [`host=${host}`, `phase=${note.phase}`];
  if (note.release !== undefined) parts.push(`release=${note.release}`);
  if (note.previous !== undefined) parts.push(`previous=${note.previous}`);
  if (note.restart !== undefined) parts.push(`restart=${note.restart ? 1 : 0}`);
  if (note.changed !== undefined) parts.push(`changed=${note.changed.join(',')}`);
  return parts.join(' ');
}

export interface SavedPhase extends PhaseNote {
  host: string;
}

export function parsePhase(line: string): SavedPhase | undefined {
  const f: Record<string, string> = {};
  for (const part of line.trim().split(/\s+/)) {
    const i = part.indexOf('=');
    if (i > 0) f[part.slice(0, i)] = part.slice(i + 1);
  }
  if (!f.host || !f.phase) return undefined;
  return {
    host: f.host,
    phase: f.phase as PhaseNote['phase'],
    release: f.release,
    previous: f.previous,
    restart: f.restart === undefined ? undefined : f.restart === '1',
    changed: f.changed === undefined ? undefined : f.changed.split(',').filter((c) => c)
  };
}

/** The live service may be on a release nobody proved: it must go back. */
export function needsRollback(p: SavedPhase): boolean {
  return (p.phase === 'switching' || p.phase === 'switched') && !!p.previous;
}
