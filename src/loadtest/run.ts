import { lastLines, type DeployContext } from '../deploy/context.js';
import { healthHost } from '../deploy/health.js';
import { formatTable } from '../report.js';
import { DeployError, step } from '../steps/step.js';
import { generatorNote, sourceNote, type LoadFact } from './summary.js';
import { judge, loadRows, LOAD_HEADER, thresholdsOf, type LevelVerdict } from './verdict.js';
import { levelSeconds, loadScript, parseLoadOutput, sourceOf, targetOf } from './wrk.js';

/** Facts a load check leaves on its host (and the columns of mode loadtest's table). */
export const LOAD_KEYS = ['load-ok', 'load-p95-ms', 'load-max-clients'];

/**
 * The performance check: from the server itself, through nginx with the health Host header, each
 * level of clients in turn; the seed's table in the log and the job summary, and a failure naming
 * every threshold a level missed. It only reads (GET requests), but it is load: run it when the
 * server can take it.
 */
export async function runLoadCheck(ctx: DeployContext): Promise<LevelVerdict[]> {
  const s = ctx.settings.load;
  const paths = s.paths.length ? s.paths : [ctx.settings.deploy.healthPath];
  const host = healthHost(ctx.settings);
  const secs = levelSeconds(s);
  const out = await step(ctx.logger, ctx.records, ctx.label, 'load check', async () => {
    ctx.logger.info(
      `${ctx.label}: ${s.clients.join(', ')} concurrent clients, ${secs} s each (at most ${s.maxRequests} requests), ` +
        `GET ${paths.join(', ')} with Host ${host} through nginx on the server itself`
    );
    const res = await ctx.remote.script(loadScript(s, host, paths), {
      sudo: false,
      timeoutMs: s.clients.length * (secs + 45) * 1000 + 30_000,
      signal: ctx.signal
    });
    if (/^gd-missing=wrk$/m.test(res.stdout))
      throw new DeployError(
        `wrk (the load generator) is not installed on ${ctx.label}`,
        'Run mode provision (it installs wrk), or apt-get install wrk on the server.'
      );
    const levels = parseLoadOutput(res.stdout, s.maxRequests).map((l) => judge(l, thresholdsOf(s)));
    if (res.code !== 0 || levels.length !== s.clients.length) {
      const tail = lastLines([res.stdout, res.stderr].filter((t) => t.trim()).join('\n'), 10);
      throw new DeployError(
        `the load run on ${ctx.label} did not finish (exit ${res.code}${res.timedOut ? ', timed out' : ''}, ${levels.length} of ${s.clients.length} levels)${tail ? `:\n${tail}` : ''}`
      );
    }
    const worst = Math.max(...levels.map((l) => l.p95Ms));
    const target = targetOf(res.stdout);
    const source = sourceOf(res.stdout);
    const fact: LoadFact = {
      levels,
      thresholds: thresholdsOf(s),
      paths,
      thinkMs: s.thinkMs,
      levelS: secs,
      target,
      source
    };
    const failed = levels.filter((l) => l.missed.length > 0);
    ctx.facts['load-ok'] = String(failed.length === 0);
    ctx.facts['load-p95-ms'] = String(worst);
    ctx.facts['load-max-clients'] = String(Math.max(...s.clients));
    ctx.facts.load = JSON.stringify(fact);
    ctx.logger.info(
      `${ctx.label}: load check through nginx at ${target} (CPU and memory: ${sourceNote(source)}, the load generator included; ${generatorNote(levels)})\n` +
        formatTable(LOAD_HEADER, loadRows(levels))
    );
    if (failed.length > 0) {
      throw new DeployError(
        `the load check missed its thresholds on ${ctx.label}:\n` +
          failed.flatMap((l) => l.missed.map((m) => `  ${l.clients} clients: ${m}`)).join('\n'),
        'Find the slow path (the app, the database, too few workers) or set load-p95, load-success, load-cpu or load-memory to what this server must meet.'
      );
    }
    return { levels, detail: `${levels.length} levels passed, worst p95 ${worst} ms` };
  });
  return out.levels;
}
