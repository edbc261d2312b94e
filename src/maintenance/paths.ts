/**
 * The app's nginx drop-in folder: the site includes `*.conf` from it inside its server blocks, so
 * features that change how the site answers (maintenance) add or remove a file there without
 * touching the site itself. Root-owned; nothing of the app's or the build user's is ever read there.
 */
export function nginxDropInDir(app: string): string {
  return `/etc/nginx/gunicorn-deploy/${app}`;
}

/** Present exactly while maintenance is on. */
export function maintenanceConf(app: string): string {
  return `${nginxDropInDir(app)}/maintenance.conf`;
}
