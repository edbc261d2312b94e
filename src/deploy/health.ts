import type { Settings } from '../settings.js';

/**
 * The Host header of every health request (candidate, verify, rollback, health timer): an app that
 * checks it (Django's ALLOWED_HOSTS) answers 400 to `localhost`. health-host, else the first real
 * server-name, else localhost.
 */
export function healthHost(settings: Settings): string {
  if (settings.deploy.healthHost) return settings.deploy.healthHost;
  return settings.provision.serverName.split(' ').find((n) => n !== '_' && !n.startsWith('*')) ?? 'localhost';
}

/** The URL curl asks for through a unix socket: its host part becomes the Host header. */
export function healthUrl(settings: Settings, urlPath: string): string {
  return `http://${healthHost(settings)}${urlPath}`;
}
