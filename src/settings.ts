import { troubleshootingRef } from './troubleshooting.js';
import { inputReader, type InputReader, type Problems } from './settings/inputs.js';
import { parseMode, parseRunSettings, type Mode, type RunSettings } from './settings/mode.js';
import { parseHosts, parseJumpSettings, parseSshSettings } from './settings/ssh.js';
import type { HostSpec, JumpSettings, SshSettings } from './settings/ssh.js';
import { parseAppSettings, type AppSettings } from './settings/app.js';
import { parseDeploySettings, type DeploySettings } from './settings/deploy.js';
import { parseProvisionSettings, type ProvisionSettings } from './settings/provision.js';
import { parseFleetSettings, type FleetSettings } from './settings/fleet.js';
import { parseGithubSettings, type GithubSettings } from './settings/github.js';
import { parseTlsSettings, type TlsSettings } from './settings/tls.js';
import { parseLoadSettings, type LoadSettings } from './settings/load.js';
import { parseOperateSettings, type OperateSettings } from './settings/operate.js';
import { parseRemoveSettings, type RemoveSettings } from './settings/remove.js';
import { REDIS_URL } from './settings/services.js';
import { parseProcessSettings, type ProcessSettings } from './settings/processes.js';
import { parseScheduleSettings, type ScheduleSettings } from './settings/schedules.js';
import { parseDatabaseSettings, type DatabaseSettings } from './settings/database.js';
import { parseNotifySettings, type NotifySettings } from './settings/notify.js';

/**
 * Every input is parsed here, once, into a typed Settings object. Nothing below this module reads
 * inputs; every bad value becomes one line naming the input and what is allowed, and all of them
 * are reported together before any connection is made. Each section of Settings has its own
 * function in src/settings/ (`parseXSettings(read, problems)`); what a value may be is decided in
 * rules.ts (shared with render.ts, which asserts the same rules), and defaults come from action.yml
 * (src/settings/defaults.ts, generated).
 */

export { MODES, type Mode, type RunSettings } from './settings/mode.js';
export { parseHost, type HostSpec, type JumpSettings, type SshSettings } from './settings/ssh.js';
export { DEFAULT_EXCLUDES, type AppSettings } from './settings/app.js';
export type { DeploySettings } from './settings/deploy.js';
export { GUNICORN_NUMBERS, type GunicornNumber, type GunicornSettings } from './settings/gunicorn.js';
export type { ProvisionSettings, StaticMap } from './settings/provision.js';
export type { FleetSettings } from './settings/fleet.js';
export { appEnv, databaseUrlSecrets, type DatabaseSettings, type PgUrl } from './settings/database.js';
export type { GithubSettings } from './settings/github.js';
export type { LoadSettings } from './settings/load.js';
export type { TlsSettings } from './settings/tls.js';
export { inputSecrets } from './settings/env.js';
export { REDIS_SOCKET, REDIS_URL, SERVICES, type Service } from './settings/services.js';
export { parseDuration, splitList, type InputReader, type Inputs, type Problems } from './settings/inputs.js';
export { INPUT_DEFAULTS } from './settings/defaults.js';
export { hostLabel } from './settings/hosts.js';

export interface Settings {
  mode: Mode;
  hosts: HostSpec[];
  fleet: FleetSettings;
  jump?: JumpSettings;
  ssh: SshSettings;
  app: AppSettings;
  deploy: DeploySettings;
  /** sqlite (sqlite-db) or postgres: what provision sets up, backups and verify check. */
  database: DatabaseSettings;
  provision: ProvisionSettings;
  tls: TlsSettings;
  run: RunSettings;
  /** The load check (mode loadtest, verify with load: true). */
  load: LoadSettings;
  /** Mode remove. */
  remove: RemoveSettings;
  /** The app's processes besides the web, the release phase, their stop and settle times. */
  processes: ProcessSettings;
  /** The `schedule` input's timers and the one server that runs them. */
  schedules: ScheduleSettings;
  github: GithubSettings;
  /** Modes status and logs. */
  operate: OperateSettings;
  /** Deploy notifications. */
  notify: NotifySettings;
  /** The inputs the user gave (non-empty), so remembered server-side settings never override them. */
  given: string[];
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `${problems.length} input${problems.length === 1 ? ' is' : 's are'} not valid (nothing was changed on any server):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\n${troubleshootingRef('inputs')}`
    );
    this.name = 'SettingsError';
  }
}

/** Inputs -> Settings, or a SettingsError listing every problem of every section. */
export function parseSettings(readInput: InputReader): Settings {
  const problems: Problems = [];
  const given = new Set<string>();
  const read = inputReader(readInput, problems, given);
  const mode = parseMode(read, problems);
  const ssh = parseSshSettings(read, problems);
  const deploy = parseDeploySettings(read, problems);
  const provision = parseProvisionSettings(read, problems, deploy.sqliteDb);
  const app = parseAppSettings(read, problems, ssh.user);
  const hosts = parseHosts(read, problems);
  const settings: Settings = {
    mode,
    hosts,
    fleet: parseFleetSettings(read, problems),
    jump: parseJumpSettings(read, problems, ssh),
    ssh,
    app,
    deploy,
    database: parseDatabaseSettings(read, problems, app.name, deploy.sqliteDb),
    provision,
    tls: parseTlsSettings(read, problems, provision.serverName.split(' ')),
    run: parseRunSettings(read, problems, mode),
    load: parseLoadSettings(read, problems),
    remove: parseRemoveSettings(read, problems, mode, app.name),
    processes: parseProcessSettings(read, problems, mode, read.get('source')),
    schedules: parseScheduleSettings(read, problems, hosts),
    github: parseGithubSettings(read, problems),
    operate: parseOperateSettings(read, problems, mode),
    notify: parseNotifySettings(read, problems),
    given: []
  };
  // services: redis gives the app its URL, unless env names one of its own.
  if (provision.services.includes('redis') && !deploy.env.some((e) => e.key === 'REDIS_URL'))
    deploy.env.push({ key: 'REDIS_URL', value: REDIS_URL });
  // A Procfile's rollback: is the rollback-command (the input wins): remembered with the release.
  deploy.rollbackCommand = settings.processes.rollbackCommand;
  if (problems.length > 0) throw new SettingsError(problems);
  settings.given = [...given].sort();
  return settings;
}

/**
 * Values read back from a server (the remembered settings of a release) through the same reader,
 * rules and defaults as the inputs: the deploy and provision sections, each bad value one problem.
 */
export function parseRememberedSections(
  readValue: InputReader,
  problems: Problems
): Pick<Settings, 'deploy' | 'provision'> {
  const read = inputReader(readValue, problems, new Set());
  const deploy = parseDeploySettings(read, problems);
  return { deploy, provision: parseProvisionSettings(read, problems, deploy.sqliteDb) };
}
