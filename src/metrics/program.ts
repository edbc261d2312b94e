import { serverProgram } from '../render/scripts.js';

/**
 * The metrics job: a Python program root runs every 15 s (APP-metrics.timer) that writes the app's
 * Prometheus text file for node-exporter's textfile collector. Python: it opens what it reads with
 * O_NOFOLLOW and checks the descriptor (as deploy/root-read.ts does), and its work is a few
 * dictionaries; bash and awk would follow links and fork per figure.
 *
 * argv: APP SERVICE SOCKET ACCESS_LOG HISTORY CURRENT STATE_FILE TEXTFILE_DIR
 *
 * - nginx's access log is read only from where the last run stopped (inode + offset in the state
 *   file), at most MAX_READ bytes a run; its lines are kept as 5-second slots of counts and
 *   latency histograms (buckets 4 % wide), so the last minute's p50/p95/p99 cost nothing to merge.
 * - The history is read the same way (from the last offset): deploys and rollbacks by outcome.
 * - Busy workers: SAMPLES looks, SAMPLE_GAP_S apart, at which workers hold an accepted connection
 *   on the app's socket (/proc/net/unix against each worker's descriptors); the mean and the most.
 *   Requests waiting in the socket's backlog are the connections no worker accepted yet.
 * - Written as a temporary file in the textfile folder (opened relative to a descriptor of that
 *   folder, which must be root's and no link) and renamed over APP.prom: node-exporter never reads
 *   half a file, and a planted name is replaced, never followed.
 *
 * The program is templates/scripts/metrics.py.
 */
/** The program's text (installed as APP's metrics job; run as `python3 FILE ARGV...`). */
export function metricsProgram(): string {
  return serverProgram('metrics');
}
