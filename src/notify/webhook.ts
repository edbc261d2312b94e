import type { Logger } from '../log.js';
import type { RunReport } from '../report.js';
import type { Settings } from '../settings.js';
import { runOrigin } from '../audit/origin.js';
import { errorMessage } from '../steps/step.js';

/**
 * Deploy notifications: one JSON POST to notify-webhook when a deploy starts and one when it ends.
 * Sent from the runner in the background: the start never waits, the end waits at most
 * NOTIFY_WAIT_MS once the deploy is over, then every request still open is abandoned with a
 * warning. Nothing here can fail or hold a deploy; the URL is a secret (masked, never printed).
 */
export const NOTIFY_WAIT_MS = Number(process.env.GUNICORN_DEPLOY_NOTIFY_WAIT_MS) || 900;

export type Outcome = 'started' | 'deployed' | 'refused' | 'rolled back' | 'failed' | 'cancelled';

/** How a deploy ended, in the words of the notification. */
export function outcomeOf(report: RunReport): Outcome {
  if (report.ok) return 'deployed';
  if (report.status === 'cancelled') return 'cancelled';
  if (report.hosts.some((h) => h.facts['rolled-back'] === 'true')) return 'rolled back';
  // Failed before any server switched: the release was refused, nothing changed for users.
  if (report.hosts.some((h) => h.steps.some((s) => s.name === 'switch'))) return 'failed';
  return report.hosts.some((h) => h.steps.some((s) => s.name === 'upload')) ? 'refused' : 'failed';
}

export interface Notification {
  event: 'deploy-started' | 'deploy-ended';
  outcome: Outcome;
  app: string;
  servers: string[];
  release: string;
  previous: string;
  commit: string;
  actor: string;
  origin: string;
  run: string;
  duration_s: number;
  reason: string;
  /** Shown as is by Slack (text) and Discord (content). */
  text: string;
  content: string;
}

export function notification(
  settings: Settings,
  outcome: Outcome,
  report?: RunReport,
  startedAt = Date.now()
): Notification {
  const o = runOrigin();
  const app = settings.app.name;
  const servers = settings.hosts.map((h) => h.host);
  const first = report?.hosts.find((h) => h.facts.release) ?? report?.hosts[0];
  const failedRelease = report?.hosts.find((h) => h.facts['failed-release'])?.facts['failed-release'];
  const release = failedRelease ?? first?.facts.release ?? '';
  const commit = settings.deploy.commit;
  const reason = (report?.error ?? '').split('\n')[0]!.slice(0, 500);
  const duration = Math.round((Date.now() - startedAt) / 100) / 10;
  const what = `${app}${commit ? ` at ${commit.slice(0, 7)}` : ''}`;
  const where = servers.length === 1 ? servers[0]! : `${servers.length} servers`;
  const text =
    outcome === 'started'
      ? `Deploying ${what} to ${where} (by ${o.actor})`
      : `${app}: ${outcome === 'deployed' ? `deployed ${release}` : `deploy ${outcome}`}${commit ? ` (${commit.slice(0, 7)})` : ''} on ${where} in ${duration} s, by ${o.actor}${reason ? `: ${reason}` : ''}${o.run ? ` ${o.run}` : ''}`;
  return {
    event: outcome === 'started' ? 'deploy-started' : 'deploy-ended',
    outcome,
    app,
    servers,
    release: outcome === 'started' ? '' : release,
    previous: first?.facts['previous-release'] ?? '',
    commit,
    actor: o.actor,
    origin: o.from,
    run: o.run,
    duration_s: outcome === 'started' ? 0 : duration,
    reason,
    text,
    content: text
  };
}

/** The notifier of one run; a no-op without notify-webhook or outside mode deploy. */
export function deployNotifier(
  settings: Settings,
  logger: Logger
): { end(report: RunReport): Promise<void> } {
  const url = settings.notify.webhook;
  if (!url || settings.mode !== 'deploy') return { end: async () => undefined };
  const startedAt = Date.now();
  const abandon = new AbortController();
  const problems: string[] = [];
  const send = (n: Notification): Promise<void> =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'gunicorn-deploy' },
      body: JSON.stringify(n),
      signal: abandon.signal,
      redirect: 'error'
    })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) problems.push(`${n.event}: the webhook answered HTTP ${res.status}`);
      })
      .catch((err: unknown) => {
        problems.push(
          `${n.event}: ${abandon.signal.aborted ? `no answer within the deploy (+${NOTIFY_WAIT_MS} ms)` : errorMessage(err)}`
        );
      });
  const started = send(notification(settings, 'started'));
  return {
    async end(report) {
      const ended = send(notification(settings, outcomeOf(report), report, startedAt));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([started, ended]),
        new Promise<void>((r) => (timer = setTimeout(r, NOTIFY_WAIT_MS)))
      ]);
      clearTimeout(timer);
      abandon.abort();
      await Promise.all([started, ended]);
      for (const p of problems)
        logger.warning(`deploy notification not delivered (${p}); the deploy itself is not affected`);
    }
  };
}
