import type { SectionKey } from '../troubleshooting.js';
import type { Mode as RunMode } from '../mode-names.js';

/** A run's mode (settings' MODES), or every mode. */
export type CatalogMode = 'all' | RunMode;

/** One step of the catalog (catalog.ts): who runs it, where its failures point, what it does. */
export interface StepInfo {
  /** The modes that run it (deploy's steps also run in provision's first deploy). */
  modes: readonly CatalogMode[];
  section: SectionKey;
  /** One line for the README's table. */
  what: string;
}
