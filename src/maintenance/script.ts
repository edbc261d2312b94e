import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { dropInText, geoText, maintenanceConf, maintenanceGeoConf, maintenancePageDir } from './nginx.js';
import { nginxDropInDir } from './paths.js';

/** Exit code when `nginx -t` refused the result (everything was put back). */
export const NGINX_REFUSED = 6;
/** Exit code when the app's nginx site does not include its drop-in folder (no provision yet). */
export const NO_INCLUDE = 7;

/**
 * Maintenance on or off on one server, idempotent: the drop-in, the allow-list and the page (on
 * stdin) are compared with what is there; only a change is installed, tested with `nginx -t` (put
 * back on refusal) and loaded with a reload, which keeps every connection. Prints changed=yes|no.
 */
export function maintenanceScript(
  ctx: DeployContext,
  on: boolean,
  healthPath: string,
  allow: string[]
): string {
  const q = shQuote;
  const app = ctx.paths.app;
  const drop = maintenanceConf(app);
  const geo = maintenanceGeoConf(app);
  const page = `${maintenancePageDir(app)}/maintenance.html`;
  const files = [drop, geo, page];
  const want = on
    ? `printf '%s' ${q(dropInText(app, healthPath))} > "$tmp/drop"
printf '%s' ${q(geoText(app, allow))} > "$tmp/geo"
cat > "$tmp/page"`
    : '';
  const include = `include ${nginxDropInDir(app)}/`;
  return `tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
${on ? `grep -qsF ${q(include)} ${q(ctx.paths.nginxSite)} || exit ${NO_INCLUDE}` : ''}
${want}
changed=no
${
  on
    ? `for pair in ${q(`drop:${drop}`)} ${q(`geo:${geo}`)} ${q(`page:${page}`)}; do
  f=\${pair#*:}; cmp -s "$tmp/\${pair%%:*}" "$f" || changed=yes
done`
    : `for f in ${files.map(q).join(' ')}; do [ -e "$f" ] && changed=yes; done`
}
if [ "$changed" = yes ]; then
  mkdir -p "$tmp/keep"
  i=0; for f in ${files.map(q).join(' ')}; do i=$((i + 1)); [ -e "$f" ] && cp -a "$f" "$tmp/keep/$i"; done
  ${
    on
      ? `install -d -m 0755 -o root -g root ${q(nginxDropInDir(app))} ${q(maintenancePageDir(app))}
  install -m 0644 -o root -g root "$tmp/page" ${q(page)}
  install -m 0644 -o root -g root "$tmp/geo" ${q(geo)}
  install -m 0644 -o root -g root "$tmp/drop" ${q(drop)}`
      : `rm -f ${files.map(q).join(' ')}`
  }
  if ! out=$(nginx -t 2>&1); then
    i=0; for f in ${files.map(q).join(' ')}; do i=$((i + 1)); if [ -e "$tmp/keep/$i" ]; then cp -a "$tmp/keep/$i" "$f"; else rm -f "$f"; fi; done
    echo "$out" | tail -n 5 >&2
    exit ${NGINX_REFUSED}
  fi
  if systemctl is-active --quiet nginx; then systemctl reload nginx; fi
fi
echo "changed=$changed"`;
}
