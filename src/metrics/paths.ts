import type { AppLayout } from '../deploy/paths.js';
import { SCRIPT_DIR } from '../deploy/paths.js';
import { nginxAccessLog } from '../provision/nginx-dropins.js';
import { shQuote } from '../ssh/quote.js';

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
 * is the prometheus user's, who could put a link in the folder's place.
 */
export function removePromCommand(app: string): string {
  const py = `import os, sys
try: d = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
except OSError: sys.exit(0)
try: os.unlink(sys.argv[2], dir_fd=d); print("removed")
except FileNotFoundError: pass`;
  return `python3 -I -c ${shQuote(py)} ${shQuote(TEXTFILE_DIR)} ${shQuote(`${app}.prom`)}`;
}
