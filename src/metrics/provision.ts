import type { DeployContext } from '../deploy/context.js';
import { renderTemplate, type ServerFile, type TemplateVars } from '../render.js';
import { shQuote } from '../ssh/quote.js';
import { UNIT_HEADER } from '../steps/ownership.js';
import { runProvisionScript, type ProvisionResult } from '../provision/run.js';
import { ensureEnabled, ensureStarted, filesInput, writeFilesScript } from '../provision/shell.js';
import { provisionVars } from '../provision/vars.js';
import { metricsProgram } from './program.js';
import {
  metricsPaths,
  NODE_EXPORTER,
  NODE_EXPORTER_DEFAULTS,
  removePromCommand,
  TEXTFILE_DIR
} from './paths.js';

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
      `# Written by gunicorn-deploy (metrics-listen); changes here are overwritten on the next provision.
ARGS="--web.listen-address=${ctx.settings.provision.metrics.listen} --collector.textfile.directory=${TEXTFILE_DIR}"
`
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
 * the server may use it).
 */
export function metricsScript(ctx: DeployContext): string {
  const q = shQuote;
  const u = ctx.paths.units;
  const m = metricsPaths(ctx.paths);
  const t = u.metricsTimer.name;
  if (!ctx.settings.provision.metrics.enabled) {
    return `
if [ -e ${q(u.metricsTimer.file)} ] || [ -e ${q(m.script)} ]; then
  if systemctl is-enabled --quiet ${q(t)} 2>/dev/null || systemctl is-active --quiet ${q(t)}; then mark ${q(t)}; act systemctl disable --now --quiet ${q(t)}; fi
  for f in ${[u.metricsTimer.file, u.metricsService.file].map(q).join(' ')}; do
    [ -f "$f" ] && [ ! -L "$f" ] && [ "$(head -c ${UNIT_HEADER.length} "$f")" = ${q(UNIT_HEADER)} ] && { mark "$f"; act rm -f -- "$f"; }
  done
  [ -f ${q(m.script)} ] && { mark ${q(m.script)}; act rm -f -- ${q(m.script)}; }
  [ "$dry" = 1 ] || { systemctl daemon-reload; [ -n "$(${removePromCommand(ctx.paths.app)})" ] && mark ${q(m.prom)}; }
fi`;
  }
  const url = `http://${askAt(ctx.settings.provision.metrics.listen)}/metrics`;
  return `
${writeFilesScript(metricsFiles(ctx))}
tdir=${q(TEXTFILE_DIR)}
# Root writes the app's file there: a link, or a folder another user owns or may write, is refused.
if [ -L "$tdir" ] || { [ -e "$tdir" ] && { [ "$(stat -c %u "$tdir")" != 0 ] || [ -n "$(find "$tdir" -maxdepth 0 -perm /022)" ]; }; }; then
  echo "$tdir is not a folder of root's alone (a link, another owner, or writable by others): the metrics job writes there as root. Make it root:root 0755 (or remove it and run provision again)." >&2
  exit ${TEXTFILE_DIR_REFUSED}
fi
if [ ! -d "$tdir" ]; then mark "$tdir"; act install -d -m 0755 -o root -g root "$tdir"; fi
if [ "$dry" != 1 ] && echo "$changed" | grep -q /etc/systemd/system/; then systemctl daemon-reload; fi
ne=${q(NODE_EXPORTER)}
if was_changed ${q(NODE_EXPORTER_DEFAULTS)} && systemctl is-active --quiet "$ne"; then act systemctl restart "$ne"; fi
if ! systemctl is-enabled --quiet "$ne" 2>/dev/null; then mark "$ne:enabled"; act systemctl enable --quiet "$ne"; fi
if ! systemctl is-active --quiet "$ne"; then mark "$ne:started"; act systemctl start "$ne"; fi
if was_changed ${q(u.metricsTimer.file)} || was_changed ${q(u.metricsService.file)}; then
  [ "$dry" = 1 ] || { systemctl is-active --quiet ${q(t)} && systemctl restart ${q(t)} || true; }
fi
${ensureEnabled(t)}
${ensureStarted(t)}
if [ "$dry" != 1 ]; then
  if ! systemctl start ${q(u.metricsService.name)}; then
    journalctl -u ${q(u.metricsService.name)} -n 10 --no-pager -o cat >&2; exit 4
  fi
  ok=
  for i in $(seq 1 50); do
    if curl -s --max-time 2 ${q(url)} | grep -qF ${q(`gunicorn_deploy_workers{app="${ctx.paths.app}"}`)}; then ok=1; break; fi
    sleep 0.2
  done
  if [ -z "$ok" ]; then
    echo "node-exporter does not serve the app's metrics at "${q(url)}":" >&2
    journalctl -u "$ne" -n 10 --no-pager -o cat >&2; exit 5
  fi
fi`;
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
