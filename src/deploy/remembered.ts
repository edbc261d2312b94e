import { parseRememberedSections, type Problems, type Settings } from '../settings.js';
import type { DeploySettings, ProvisionSettings } from '../settings.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError } from '../steps/step.js';
import type { DeployContext } from './context.js';
import { serverScript } from '../render/scripts.js';

/**
 * The settings that describe how a release is proven and run, remembered on the server, so
 * `rollback` and `verify` given only a host, a key and the app name treat a release the way its
 * deploy did. Each release keeps its own (release-settings/ID.json, written when it is built); the
 * app keeps the last live one's (settings.json). Keyed by input name: an input the user gives wins.
 * A value read back passes the same reader and rules as the input (src/settings/), or the run
 * stops naming it: never a silent default.
 */
export function rememberedPath(ctx: DeployContext): string {
  return `${ctx.paths.state}/settings.json`;
}

export function releaseSettingsDir(ctx: DeployContext): string {
  return `${ctx.paths.state}/release-settings`;
}

export function releaseSettingsPath(ctx: DeployContext, release: string): string {
  return `${releaseSettingsDir(ctx)}/${release}.json`;
}

type Field =
  | ['deploy', keyof DeploySettings]
  | ['provision', keyof ProvisionSettings]
  | ['gunicorn', keyof DeploySettings['gunicorn']];

/**
 * Input name -> where its parsed value lives. A new setting that describes a release (the worker
 * class, a Procfile's processes) is one line here.
 */
export const REMEMBERED: Record<string, Field> = {
  'wsgi-app': ['deploy', 'wsgiApp'],
  workers: ['deploy', 'workers'],
  'worker-class': ['gunicorn', 'workerClass'],
  'preload-libraries': ['deploy', 'preloadLibraries'],
  'health-path': ['deploy', 'healthPath'],
  'health-host': ['deploy', 'healthHost'],
  'health-expect': ['deploy', 'healthExpect'],
  'health-timeout': ['deploy', 'healthTimeoutMs'],
  'smoke-paths': ['deploy', 'smokePaths'],
  'sqlite-db': ['deploy', 'sqliteDb'],
  'server-name': ['provision', 'serverName'],
  'rollback-command': ['deploy', 'rollbackCommand'],
  // A rollback that fails after the downgrade runs the release's own migrations again.
  'pre-activate': ['deploy', 'preActivate']
};

/** A parsed value back as the input's text (what the reader parses again). */
function asInput(name: string, v: unknown): string {
  if (name === 'health-timeout') return `${String(v)}ms`;
  if (Array.isArray(v)) return v.join(' ');
  return String(v);
}

export function rememberedOf(s: Settings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, [section, key]] of Object.entries(REMEMBERED)) {
    const from =
      section === 'deploy'
        ? s.deploy[key as keyof DeploySettings]
        : section === 'gunicorn'
          ? s.deploy.gunicorn[key as keyof DeploySettings['gunicorn']]
          : s.provision[key as keyof ProvisionSettings];
    out[name] = asInput(name, from);
  }
  return out;
}

/**
 * Writes JSON root-owned 0600 through a temporary file (a reader never sees half of it), made 0600
 * by the umask of a subshell (a fork, no chmod process). A file that already holds exactly this is
 * left as it is: a code-only deploy writes the same settings every time, on its critical path
 * (JSON.stringify writes one line, so two reads say whether the file is exactly that line).
 * One compound command, so `A && writeJson(...)` runs all of it or none.
 */
function writeJson(to: string, json: string): string {
  const q = shQuote;
  const tmp = q(`${to}.tmp`);
  return [
    // Plain sh (the import check runs it under sh): the same file is this line and nothing after.
    `{ if ! { [ -f ${q(to)} ] && { IFS= read -r gd_was && [ "$gd_was" = ${q(json)} ] && ! IFS= read -r gd_was && [ -z "$gd_was" ]; } < ${q(to)}; }; then`,
    `if [ -e ${tmp} ] || [ -L ${tmp} ]; then rm -f -- ${tmp}; fi`,
    `(umask 077 && printf '%s\\n' ${q(json)} > ${tmp}) && mv -f -- ${tmp} ${q(to)}; fi; }`
  ].join('\n');
}

/** Noted once a live release had its database: after that, a missing one went missing. */
export function databaseSeenPath(ctx: DeployContext): string {
  return `${ctx.paths.state}/database-seen`;
}

/** The shell that writes the app's remembered settings (with the history line of a live release). */
export function rememberCommand(ctx: DeployContext): string {
  const db = ctx.settings.deploy.sqliteDb;
  return `${writeJson(rememberedPath(ctx), JSON.stringify(rememberedOf(ctx.settings)))}${serverScript(
    'database_seen',
    {
      db_file: db ? `${ctx.paths.shared}/${db}` : '',
      seen_file: databaseSeenPath(ctx)
    }
  )}`;
}

/** The shell that stores a release's own settings beside its state, outside the release. */
export function releaseSettingsCommand(ctx: DeployContext, release: string): string {
  const dir = shQuote(releaseSettingsDir(ctx));
  return `{ [ -d ${dir} ] || install -d -m 0700 ${dir}; } && ${writeJson(
    releaseSettingsPath(ctx, release),
    JSON.stringify(rememberedOf(ctx.settings))
  )}`;
}

/** The shell that prints them as one `remembered=JSON` line (nothing when never written). */
export function readRememberedCommand(ctx: DeployContext): string {
  const from = shQuote(rememberedPath(ctx));
  return `[ -f ${from} ] && printf 'remembered=%s\\n' "$(head -c 65536 ${from} | tr -d '\\n')" || true`;
}

/** The shell that prints `rsettings_ID=JSON` for every release that kept its own settings. */
export function readReleaseSettingsCommand(ctx: DeployContext): string {
  return serverScript('release_settings_read', { release_settings_dir: releaseSettingsDir(ctx) });
}

/** rsettings_ID=JSON lines -> { ID: JSON }. */
export function parseReleaseSettings(stdout: string): Map<string, string> {
  return new Map([...stdout.matchAll(/^rsettings_([0-9A-Za-z._-]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The context with the remembered settings applied: for modes that only read them (one round trip). */
export async function withRememberedSettings(base: DeployContext): Promise<DeployContext> {
  const res = await base.remote.script(readRememberedCommand(base), { sudo: true, timeoutMs: 30_000 });
  const remembered = /^remembered=(.*)$/m.exec(res.stdout)?.[1];
  return { ...base, settings: withRemembered(base.settings, remembered, rememberedPath(base)) };
}

/**
 * Settings with the remembered values for every input the user did not give, each read again
 * through the inputs' own reader and rules (the file is root-owned, but nothing read from a server
 * is trusted blindly). A value that does not pass, or a file that is not JSON, stops the run naming
 * it (`where`: the file) before anything changes.
 */
export function withRemembered(
  s: Settings,
  json: string | undefined,
  where = 'the remembered settings'
): Settings {
  if (!json) return s;
  let r: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    r = parsed as Record<string, unknown>;
  } catch (err) {
    throw unreadable(where, [`the file is not a JSON object (${(err as Error).message})`]);
  }
  const given = new Set(s.given);
  const values: Record<string, string> = {};
  const problems: Problems = [];
  for (const name of Object.keys(REMEMBERED)) {
    const v = r[name];
    if (v === undefined || given.has(name)) continue;
    if (typeof v !== 'string') problems.push(`\`${name}\`: is not text`);
    else values[name] = v;
  }
  // The one reader and the same section parsers as the inputs: the same rules, the same defaults.
  const { deploy, provision } = parseRememberedSections((n) => values[n] ?? '', problems);
  if (problems.length > 0)
    throw unreadable(
      where,
      problems.map((p) => p.replace(/^input `/, '`'))
    );
  const out: Settings = { ...s, deploy: { ...s.deploy }, provision: { ...s.provision } };
  for (const name of Object.keys(values)) {
    const [section, key] = REMEMBERED[name]!;
    if (section === 'deploy') Object.assign(out.deploy, { [key]: deploy[key as keyof DeploySettings] });
    else if (section === 'gunicorn')
      // One of Gunicorn's settings: the others keep this run's values.
      out.deploy.gunicorn = {
        ...out.deploy.gunicorn,
        [key]: deploy.gunicorn[key as keyof DeploySettings['gunicorn']]
      };
    else Object.assign(out.provision, { [key]: provision[key as keyof ProvisionSettings] });
  }
  return out;
}

function unreadable(where: string, problems: string[]): DeployError {
  return new DeployError(
    `a remembered setting in ${where} cannot be read back; nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    'Give the named inputs to this run (they win over remembered ones), or deploy again to write the settings anew.'
  );
}

/**
 * The settings a release is proven and run with: its own (kept when it was built), else, for a
 * release built before releases kept them, the app's last remembered ones. `stdout` holds both
 * (readReleaseSettingsCommand, readRememberedCommand).
 */
export function settingsOfRelease(base: DeployContext, stdout: string, release: string): Settings {
  const own = parseReleaseSettings(stdout).get(release);
  if (own) return withRemembered(base.settings, own, releaseSettingsPath(base, release));
  const app = /^remembered=(.*)$/m.exec(stdout)?.[1];
  return withRemembered(base.settings, app, rememberedPath(base));
}
