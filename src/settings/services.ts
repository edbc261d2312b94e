// What `services` may name, and what the app is told of them: read by the settings (the input's
// rule, REDIS_URL in the env) and by provision (provision/services.ts), so a leaf of its own.

/** Services the app needs, from Debian, that provision installs and starts (`services`). */
export const SERVICES = ['redis'] as const;
export type Service = (typeof SERVICES)[number];

/** Debian's redis-server socket (its RuntimeDirectory=redis), reached by members of group redis. */
export const REDIS_SOCKET = '/run/redis/redis-server.sock';
export const REDIS_URL = `unix://${REDIS_SOCKET}?db=0`;
