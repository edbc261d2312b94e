import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import type { ServerFile } from '../render.js';
import type { Remote } from '../ssh/types.js';
import { shQuote } from '../ssh/quote.js';
import { UNIT_HEADER } from '../steps/ownership.js';
import { DeployError, errorMessage } from '../steps/step.js';
import { serverScript } from '../render/scripts.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';
import { sshConnection, sshSourcesWithRun } from './firewall-ssh.js';
import {
  FIREWALL,
  appRequest,
  type RequestPort,
  firewallFiles,
  legacyPaths,
  legacyTable,
  parseLegacyRules,
  parseRequest,
  renderRequest,
  requestPath
} from './firewall-rules.js';

export { mergePorts, renderFirewall, renderFirewallUnit, firewallFiles } from './firewall-rules.js';

/**
 * Applying the server's one firewall (firewall-rules.ts) so that a mistake cannot lock the run out:
 * a transient timer reverts the change after REVERT_AFTER_S unless a NEW SSH connection confirms it
 * (a rule that cut new logins would still let the open connection through as established traffic,
 * so only a new one proves anything). Only the confirmed ruleset is made permanent. Every script
 * that reads or writes the requests holds one lock, and the apply refuses when another app's
 * request changed since this run read them (two provisions at once never drop each other's ports).
 */

/** Seconds the new rules have to be confirmed over a new connection before the server reverts them. */
export const REVERT_AFTER_S = 60;

/** Exit code of the confirm script when the revert already ran. */
const TOO_LATE = 7;
/** Exit code of the apply when another app's request changed since it was read. */
const RACED = 8;

const APP_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The values every firewall script shares (templates/scripts/firewall_lib.sh defines its functions). */
function lib(app: string, legacy: string[] = []): string {
  return serverScript('firewall_lib', {
    fw_lock: FIREWALL.lock,
    requests_dir: FIREWALL.requestsDir,
    own_request: requestPath(app),
    legacy: legacy
      .map((a) => {
        const p = legacyPaths(a);
        return `${p.unit} ${p.unitFile} ${p.rules} ${legacyTable(a)}`;
      })
      .join('\n')
  });
}

/** The shared table's names, as the scripts take them. */
const TABLE = {
  table: FIREWALL.table,
  unit: FIREWALL.unit,
  rules: FIREWALL.rules,
  unit_file: FIREWALL.unitFile
};

/** Reads every other app's request, the earlier per-app tables to migrate, and the digest. */
export function readScript(app: string): string {
  return lib(app) + serverScript('firewall_read', { unit_file: FIREWALL.unitFile, unit_header: UNIT_HEADER });
}

export interface FirewallState {
  others: Map<string, RequestPort[]>;
  legacy: string[];
  digest: string;
}

export function parseFirewallState(stdout: string, app: string): FirewallState {
  const others = new Map<string, RequestPort[]>();
  const legacy: string[] = [];
  const add = (a: string, ports: RequestPort[]): void => {
    if (a !== app && APP_NAME.test(a)) others.set(a, [...(others.get(a) ?? []), ...ports]);
  };
  for (const line of stdout.split('\n')) {
    const req = /^req (\S+) (.*)$/.exec(line);
    if (req) add(req[1]!, parseRequest(req[2]!));
    const leg = /^legacy (\S+)$/.exec(line);
    if (leg && APP_NAME.test(leg[1]!) && leg[1] !== 'gunicorn-deploy') legacy.push(leg[1]!);
    const rule = /^legacyrule (\S+) (.*)$/.exec(line);
    if (rule) add(rule[1]!, parseLegacyRules(rule[2]!));
  }
  return { others, legacy, digest: parseFacts(stdout).digest ?? '' };
}

/**
 * Stage one: nothing to do when the installed ruleset, unit and this app's request equal the new
 * ones, the table is live and nothing is left to migrate. Otherwise the new ruleset (on stdin) is
 * checked with `nft -c`, the revert armed, the requests written and the ruleset loaded;
 * `applied=1` tells the caller to confirm. stdin: ruleset, unit, request ('' for none), then each
 * migrated app's request.
 */
export function applyScript(app: string, digest: string, migrate: string[], write: string[] = []): string {
  const f = FIREWALL;
  const own = requestPath(app);
  const revert = serverScript('firewall_revert', {
    table: f.table,
    rules: f.rules,
    unit: f.unit,
    previous: f.previous,
    own_request: own,
    reverted: f.reverted,
    revert_after: REVERT_AFTER_S
  });
  return (
    lib(app) +
    serverScript('firewall_apply', {
      ...TABLE,
      pending: f.pending,
      previous: f.previous,
      revert_script: f.revertScript,
      revert_text: revert,
      reverted: f.reverted,
      revert_unit: f.revert,
      revert_after: REVERT_AFTER_S,
      digest,
      raced: RACED,
      migrate: migrate.join(', '),
      write_requests: write.map(requestPath).join('\n')
    })
  );
}

/**
 * Stage two, over the new connection: stops the revert (unless it already ran), then makes the
 * confirmed ruleset permanent (the file, the unit, enabled for the next boot) and removes the
 * per-app tables it replaced.
 */
export function confirmScript(app: string, files: ServerFile[], migrate: string[]): string {
  const f = FIREWALL;
  return (
    lib(app, migrate) +
    serverScript('firewall_confirm', {
      reverted: f.reverted,
      revert_unit: f.revert,
      too_late: TOO_LATE,
      pending: f.pending,
      revert_script: f.revertScript,
      previous: f.previous
    }) +
    writeFilesScript(files) +
    serverScript('firewall_confirmed', { unit: f.unit })
  );
}

/** No app asks for a firewall any more: the table, its unit, file and requests go. */
export function removeScript(app: string, migrate: string[]): string {
  return lib(app, migrate) + serverScript('firewall_remove', TABLE);
}

/** Waits (over the old connection, still open as established traffic) for the revert to have run. */
async function waitForRevert(ctx: DeployContext): Promise<boolean> {
  const deadline = Date.now() + (REVERT_AFTER_S + 20) * 1000;
  while (Date.now() < deadline) {
    const res = await ctx.remote
      .script(`test -e ${shQuote(FIREWALL.reverted)}`, { sudo: true, timeoutMs: 10_000 })
      .catch(() => undefined);
    if (res?.code === 0) return true;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return false;
}

/** Step `firewall` of provision: this app's request as its inputs say (firewall: false: none). */
export async function ensureFirewall(
  ctx: DeployContext,
  reconnect: (() => Promise<Remote>) | undefined
): Promise<ProvisionResult> {
  const edge = ctx.settings.provision.edge;
  if (!edge.firewall) return rebuildFirewall(ctx, reconnect, undefined);
  const conn = await sshConnection(ctx.remote);
  const from = sshSourcesWithRun(ctx, edge.sshAllowFrom, conn.client);
  return rebuildFirewall(ctx, reconnect, appRequest(conn.port, edge.firewallAllow, from));
}

/**
 * The server's table rebuilt from every app's request with this app's as given (undefined: this
 * app asks for nothing, as after firewall: false or mode remove); removed when nobody asks.
 */
export async function rebuildFirewall(
  ctx: DeployContext,
  reconnect: (() => Promise<Remote>) | undefined,
  own: RequestPort[] | undefined
): Promise<ProvisionResult> {
  const app = ctx.paths.app;
  const read = await ctx.remote.script(readScript(app), { sudo: true, timeoutMs: 150_000 });
  if (read.code !== 0)
    throw new DeployError(`cannot read the server's firewall requests: ${read.stderr.trim()}`);
  const state = parseFirewallState(read.stdout, app);
  const requests = new Map(state.others);
  if (own) requests.set(app, own);
  if (requests.size === 0)
    return runProvisionScript(ctx, 'checking for a firewall to remove', removeScript(app, state.legacy));
  const files = firewallFiles(requests);
  // Every per-app table of an earlier version goes (it would drop the others' ports); its app's
  // ports are in the shared table from now on, as a request of its own.
  const migrating = state.legacy;
  const write = migrating.filter((a) => a !== app && state.others.has(a));
  const b64 = (t: string): string => Buffer.from(t).toString('base64');
  const input =
    filesInput(files) +
    `${own ? b64(renderRequest(app, own)) : ''}\n` +
    write.map((a) => `${b64(renderRequest(a, state.others.get(a)!))}\n`).join('');
  let applied: ProvisionResult;
  try {
    applied = await runProvisionScript(
      ctx,
      'applying the firewall',
      applyScript(app, state.digest, migrating, write),
      {
        stdin: input,
        hint: 'nft refused the ruleset; nothing was changed.',
        timeoutMs: 180_000
      }
    );
  } catch (err) {
    if (errorMessage(err).includes(`exit ${RACED}`))
      throw new DeployError(
        "another app's provision changed the server's firewall while this run read it; nothing was changed",
        'Run provision again (the firewall is rebuilt from every app on the server).'
      );
    throw err;
  }
  if (applied.facts.applied !== '1') return applied;
  const by = new Date(Date.now() + REVERT_AFTER_S * 1000).toISOString();
  let second: Remote | undefined;
  try {
    if (!reconnect) throw new Error('no way to open a new connection here');
    second = await reconnect();
    await runProvisionScript(
      { ...ctx, remote: second },
      'confirming the firewall',
      confirmScript(app, files, migrating),
      {
        stdin: filesInput(files),
        timeoutMs: 150_000
      }
    );
  } catch (err) {
    const why = errorMessage(err).split('\n')[0]!;
    const reverted = await waitForRevert(ctx);
    throw new DeployError(
      `the firewall was applied, but a new SSH connection could not confirm it (${why}); ${
        reverted
          ? `the server reverted it after ${REVERT_AFTER_S} s, as armed before the change: the previous rules are back`
          : `the server reverts it by ${by} (${REVERT_AFTER_S} s after the change)`
      }`,
      'Check that SSH reaches the server on the port this run used, and what firewall-allow opens; then run provision again.'
    );
  } finally {
    await second?.close().catch(() => undefined);
  }
  return { ...applied, detail: `${applied.detail} (confirmed over a new SSH connection)` };
}
