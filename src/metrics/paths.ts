import type { AppLayout } from '../deploy/paths.js';
import { SCRIPT_DIR } from '../deploy/paths.js';
import { nginxAccessLog } from '../provision/nginx-dropins.js';
import { serverProgram } from '../render/scripts.js';

/** node-exporter's textfile collector folder, Debian's default (root's; its parent is prometheus'). */
export const TEXTFILE_DIR = '/var/lib/prometheus/node-exporter';
/** Debian's file of node-exporter's arguments (server-wide). */
export const NODE_EXPORTER_DEFAULTS = '/etc/default/prometheus-node-exporter';
export const NODE_EXPORTER = 'prometheus-node-exporter.service';

/** Where the metrics job of one app lives and what it reads. */
export function metricsPaths(p: AppLayout): {
  script: string;
  prom: string;
  socket: string;
  accessLog: string;
  history: string;
  current: string;
  textfileDir: string;
} {
  return {
    script: `${SCRIPT_DIR}/${p.app}-metrics.py`,
    prom: `${TEXTFILE_DIR}/${p.app}.prom`,
    socket: p.socket,
    accessLog: nginxAccessLog(p.app),
    history: p.history,
    current: p.current,
    textfileDir: TEXTFILE_DIR
  };
}

/**
 * Removes the app's text file, relative to the folder opened without following a link: its parent
 * is the prometheus user's, who could put a link in the folder's place. A script runs it as
 * `python3 -I -c "$prom_py" "$prom_dir" "$prom_name"` with these values.
 */
export function removeProm(app: string): { prom_py: string; prom_dir: string; prom_name: string } {
  // templates/scripts/remove_prom.py: root runs it as it is, the names as argv.
  return { prom_py: serverProgram('remove_prom'), prom_dir: TEXTFILE_DIR, prom_name: `${app}.prom` };
}
