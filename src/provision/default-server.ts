import { renderTemplate, type TemplateVars } from '../render.js';
import { serverScript } from '../render/scripts.js';

/**
 * The server-wide catch-all: a Host that no site on the server names gets no answer from any app
 * (444 closes the connection over HTTP; `ssl_reject_handshake` refuses the TLS handshake, nginx
 * 1.19.4+). One file for every app, decided from the enabled sites as they will be: it is there
 * unless some site answers any name (`server_name _`, the default server-name) or another site is
 * already the default server (the admin's own), and it has its HTTPS part once some site listens
 * on 443. ACME challenges carry the site's own Host, so they still reach its challenge path.
 */
export const DEFAULT_SERVER = '/etc/nginx/conf.d/gunicorn-deploy-default.conf';

/** templates/nginx/catch-all.conf, with or without its HTTPS part. */
export function catchAllText(tls: boolean): string {
  return renderTemplate('nginx/catch-all.conf', { tls } as unknown as TemplateVars);
}

/**
 * The catch-all's functions for the nginx and remove scripts (templates/scripts/default_server.sh):
 * `catch_all_decide` after `$new` (the app's new site) and `$enabled` (its link) are known, then
 * `catch_all_install` / `catch_all_restore` in the script's install branch and its nginx -t
 * failure branch.
 */
export function defaultServerFunctions(): string {
  return serverScript('default_server', {
    dconf: DEFAULT_SERVER,
    catch_all_http: catchAllText(false),
    catch_all_tls: catchAllText(true)
  });
}
