import { metricsListenProblem } from '../rules.js';
import type { Inputs, Problems } from './inputs.js';

/** Provision's metrics: node-exporter and the app's text file (src/metrics/). */
export interface MetricsSettings {
  enabled: boolean;
  /** node-exporter's --web.listen-address (server-wide). */
  listen: string;
}

/** `metrics`, `metrics-listen`. */
export function parseMetricsSettings(read: Inputs, _problems: Problems): MetricsSettings {
  const listen = read.get('metrics-listen');
  read.check('metrics-listen', metricsListenProblem(listen));
  return { enabled: read.bool('metrics'), listen };
}
