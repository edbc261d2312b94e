import type { Inputs, Problems } from './inputs.js';
import type { Mode } from './mode.js';

/** Mode remove: what goes besides the app's units, site, firewall entries and user. */
export interface RemoveSettings {
  /** The app's folder (database, uploads, backups) and its logs; kept (root-only) unless true. */
  data: boolean;
  /** The app's certificate (certbot's lineage, or the tls: files pair); kept unless true. */
  certificate: boolean;
}

/** `remove-confirm` (the app's name, required with mode remove), `remove-data`, `remove-certificate`. */
export function parseRemoveSettings(
  read: Inputs,
  _problems: Problems,
  mode: Mode,
  app: string
): RemoveSettings {
  if (mode === 'remove') {
    const confirm = read.text('remove-confirm');
    read.check(
      'remove-confirm',
      confirm === app
        ? undefined
        : `must be the app's name (${app || 'app-name'}) to remove it from the servers, got '${confirm}'`
    );
  }
  return { data: read.bool('remove-data'), certificate: read.bool('remove-certificate') };
}
