/**
 * Where a deploy stands on one host. `switching`/`switched`: the live service may be on the new
 * release and it is not proven, so a run that dies here must be rolled back by someone else.
 */
export interface PhaseNote {
  phase: 'preparing' | 'switching' | 'switched' | 'proven' | 'rolled-back' | 'failed' | 'cancelled';
  release?: string;
  previous?: string;
  /** The way back needs a new Gunicorn master (a new venv or changed units). */
  restart?: boolean;
  /** Live configuration files this deploy replaced (their old text is in the state folder). */
  changed?: string[];
  /** The app's other processes were being moved to the release: the way back moves them too. */
  processes?: boolean;
}

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
  if (note.processes) parts.push('processes=1');
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
    changed: f.changed === undefined ? undefined : f.changed.split(',').filter((c) => c),
    ...(f.processes === '1' ? { processes: true } : {})
  };
}

/** The live service may be on a release nobody proved: it must go back. */
export function needsRollback(p: SavedPhase): boolean {
  return (p.phase === 'switching' || p.phase === 'switched') && !!p.previous;
}

/** The runner's saved state of this action (@actions/core's getState and saveState). */
export interface StateStore {
  getState(name: string): string;
  saveState(name: string, value: string): void;
}

/**
 * Everything the main step leaves for the post step, under one set of names: that the main step
 * started (the runner calls the same file for both), the run's id (the owner of its locks), that it
 * finished, and each host's deploy phase. core.saveState writes at once, so a note survives SIGKILL.
 */
export function actionState(store: StateStore) {
  return {
    isPost: (): boolean => store.getState('isPost') === 'true',
    markMainStarted: (): void => store.saveState('isPost', 'true'),
    run: (): string => store.getState('run'),
    saveRun: (id: string): void => store.saveState('run', id),
    finished: (): boolean => store.getState('finished') === 'true',
    markFinished: (): void => store.saveState('finished', 'true'),
    phase: (index: number): SavedPhase | undefined => parsePhase(store.getState(`phase-${index}`)),
    savePhase: (index: number, host: string, note: PhaseNote): void =>
      store.saveState(`phase-${index}`, formatPhase(host, note))
  };
}
