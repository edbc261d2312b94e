import { rootRead } from '../deploy/root-read.js';
import { serverAwk } from '../render/scripts.js';
import { shQuote } from '../ssh/quote.js';
import { TEXTFILE_DIR } from './paths.js';

/**
 * Mode status shows what the metrics job last wrote (the same figures node-exporter serves): the
 * app's text file read as root through the checked reader (its folder's parent is the prometheus
 * user's), each sample a `metric-NAME=VALUE` fact line (templates/scripts/metrics_status.awk).
 */
export function metricsStatusLines(app: string): string {
  const awk = serverAwk('metrics_status');
  return `${rootRead('cat', shQuote(TEXTFILE_DIR), shQuote(`${app}.prom`), 'root')} 2>/dev/null | base64 -d 2>/dev/null | head -c 100000 | awk ${shQuote(awk)}`;
}

const n = (v: string | undefined): number => (v !== undefined && /^-?[\d.e+-]+$/.test(v) ? Number(v) : NaN);
const ms = (v: string | undefined): string => (Number.isFinite(n(v)) ? (n(v) * 1000).toFixed(1) : '');
const plain = (v: string | undefined, digits = 0): string =>
  Number.isFinite(n(v)) ? n(v).toFixed(digits) : '';

/** The facts status adds from the text file; all empty without metrics (or before the job ran). */
export function metricsFacts(
  raw: Record<string, string>,
  now: number,
  ago: (seconds: number) => string
): Record<string, string> {
  const m = (k: string): string | undefined => raw[`metric-${k}`];
  const at = n(m('metrics_timestamp_seconds'));
  return {
    'metrics-age': Number.isFinite(at) ? ago(Math.max(0, now - at)) : '',
    'requests-1m': plain(m('requests_last_minute')),
    '5xx-1m': plain(m('responses_fivexx_last_minute')),
    'p50-ms': ms(m('request_seconds_p_fifty')),
    'p95-ms': ms(m('request_seconds_p_ninety_five')),
    'p99-ms': ms(m('request_seconds_p_ninety_nine')),
    'upstream-p95-ms': ms(m('upstream_seconds_p_ninety_five')),
    'busy-mean': plain(m('workers_busy'), 1),
    'busy-max': plain(m('workers_busy_max')),
    'queued-max': plain(m('requests_queued_max')),
    'busy-1m': plain(m('upstream_busy_last_minute'), 2)
  };
}
