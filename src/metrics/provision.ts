import type { DeployContext } from '../deploy/context.js';
import { renderTemplate, type ServerFile, type TemplateVars } from '../render.js';
import { serverScript } from '../render/scripts.js';
import { UNIT_HEADER } from '../steps/ownership.js';
import { runProvisionScript, type ProvisionResult } from '../provision/run.js';
import { filesInput, writeFilesScript } from '../provision/shell.js';
import { provisionVars } from '../provision/vars.js';
import { metricsProgram } from './program.js';
import { metricsPaths, NODE_EXPORTER, NODE_EXPORTER_DEFAULTS, removeProm, TEXTFILE_DIR } from './paths.js';

/** Exit code of the script when the textfile folder is not root's alone. */
export const TEXTFILE_DIR_REFUSED = 3;

/** The job's program, its oneshot service and 15 s timer, and node-exporter's arguments. */
export function metricsFiles(ctx: DeployContext): ServerFile[] {
  const m = metricsPaths(ctx.paths);
  const vars = { ...provisionVars(ctx), metrics: m } as TemplateVars;
  const u = ctx.paths.units;
  const file = (path: string, content: string, mode = '0644'): ServerFile => ({
    path,
    content,
    mode,
    owner: 'root:root'
  });
  return [
    file(m.script, metricsProgram(), '0755'),
    file(u.metricsService.file, renderTemplate('systemd/metrics.service', vars)),
    file(u.metricsTimer.file, renderTemplate('systemd/metrics.timer', vars)),
    file(
      NODE_EXPORTER_DEFAULTS,
      renderTemplate('node-exporter.defaults', {
        listen: ctx.settings.provision.metrics.listen,
        textfileDir: TEXTFILE_DIR
      } as unknown as TemplateVars)
    )
  ];
}

/** The address curl asks node-exporter at (0.0.0.0 and :: are reached over loopback). */
function askAt(listen: string): string {
  return listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
}

/**
 * metrics: true: node-exporter at metrics-listen (restarted when its arguments changed), the app's
 * job on its timer, run once so the file is there, and node-exporter asked for it. metrics: false:
 * the app's timer, files and text file removed when present (node-exporter stays: other apps of
 * the server may use it). templates/scripts/metrics_on.sh and metrics_off.sh.
 */
export function metricsScript(ctx: DeployContext): string {
  const u = ctx.paths.units;
  const m = metricsPaths(ctx.paths);
  const units = {
    timer: u.metricsTimer.name,
    timer_file: u.metricsTimer.file,
    service_file: u.metricsService.file
  };
  if (!ctx.settings.provision.metrics.enabled) {
    return serverScript('metrics_off', {
      ...units,
      script: m.script,
      unit_header: UNIT_HEADER,
      prom: m.prom,
      ...removeProm(ctx.paths.app)
    });
  }
  return (
    writeFilesScript(metricsFiles(ctx)) +
    serverScript('metrics_on', {
      tdir: TEXTFILE_DIR,
      refused: TEXTFILE_DIR_REFUSED,
      node_exporter: NODE_EXPORTER,
      defaults: NODE_EXPORTER_DEFAULTS,
      ...units,
      service: u.metricsService.name,
      url: `http://${askAt(ctx.settings.provision.metrics.listen)}/metrics`,
      want: `gunicorn_deploy_workers{app="${ctx.paths.app}"}`
    })
  );
}

export async function ensureMetrics(ctx: DeployContext): Promise<ProvisionResult> {
  const on = ctx.settings.provision.metrics.enabled;
  return runProvisionScript(ctx, on ? 'installing the metrics' : 'removing the metrics', metricsScript(ctx), {
    stdin: on ? filesInput(metricsFiles(ctx)) : '',
    hint: on
      ? `Is metrics-listen (${ctx.settings.provision.metrics.listen}) free on the server? journalctl -u ${NODE_EXPORTER} and -u ${ctx.paths.units.metricsService.name} say more.`
      : undefined
  });
}
