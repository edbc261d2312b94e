/**
 * The rules every value must pass before it reaches a script, a unit, a config or a file on a server.
 * Each rule returns what is wrong (a phrase without the input's name) or undefined. parseSettings
 * applies them to the inputs before any connection, naming the input as the user wrote it; render.ts
 * applies the same rules again as assertions, so a value that slipped past the first check is an
 * internal error, never a broken file on a server.
 *
 * This is the one rules module: import rules from here. The rules live in src/rules/ by topic;
 * a new topic's rules may also go in a delimited block at the end of this file.
 */

import { assertRule, type Problem } from './rules/problem.js';

// Problem is in scope too, for blocks appended at the end of this file.
export { assertRule, type Problem };
// Names: the app (a user, group and units), login users, release and backup ids, packages, extras.
export * from './rules/names.js';
// Paths on the server and in the release.
export * from './rules/fs-paths.js';
// What Gunicorn, curl and nginx are given, and free text sent to a server.
export * from './rules/served.js';
// The app's environment file.
export * from './rules/environment.js';
// Durations and sizes.
export * from './rules/durations.js';
// Certificates and the ACME account (tls: acme | files).
export * from './rules/tls.js';
// Firewall ports and the alert webhook (firewall-allow, alert-webhook).
export * from './rules/edge.js';
// The load check's bounds (load-clients, load-duration, ...).
export * from './rules/load.js';
// Gunicorn's worker class and the gunicorn-settings lines.
export * from './rules/gunicorn.js';
// mode status and logs: since, process
export * from './rules/operate.js';
export * from './rules/metrics.js';
// The site's rate limits and SSH's allowed sources (rate-limit, ssh-allow-from).
export * from './rules/site-edge.js';
