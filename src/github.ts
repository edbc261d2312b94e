import type { getOctokit } from '@actions/github';
import type { Logger } from './log.js';
import type { RunReport } from './report.js';
import type { GithubSettings } from './settings.js';
import { runUrl } from './audit/origin.js';

/**
 * GitHub Deployments for a run of the action: with a `github-token`, a deployment of `environment`
 * at the commit is created before the engine runs, set in_progress, then success (with
 * environment_url) or failure (saying when it was rolled back, and to which release). Without a
 * token nothing is called. Any API error is a warning: the deploy never fails or waits because of
 * GitHub.
 */

/** Modes that change what serves users; preflight, verify and rollback record no deployment. */
const RECORDED_MODES = ['deploy', 'provision'];
/** GitHub refuses longer descriptions (422). */
const MAX_DESCRIPTION = 140;
/** One API call may take this long before it is given up (a hung API must not hold a deploy). */
function timeout(): { signal: AbortSignal } {
  return { signal: AbortSignal.timeout(Number(process.env.GUNICORN_DEPLOY_GITHUB_TIMEOUT_MS) || 15_000) };
}
/** How many earlier deployments of the environment are looked at to find the one replaced. */
const LOOKBACK = 10;

export interface DeploymentOptions {
  token: string;
  environment: string;
  environmentUrl: string;
  mode: string;
  dryRun: boolean;
  /** The commit deployed (the `commit` input, default GITHUB_SHA). */
  commit: string;
  /** owner/name (GITHUB_REPOSITORY). */
  repository: string;
  /** GITHUB_API_URL (github.com or a GHES server); read when the client is made. */
  apiUrl: string;
  /** Link to this run's log, shown on the deployment. */
  logUrl: string;
  hosts: string[];
}

/** The github settings and the runner's variables; the token itself is never logged. */
export function deploymentOptions(
  github: GithubSettings,
  env: NodeJS.ProcessEnv,
  extra: { mode: string; dryRun: boolean; commit: string; hosts: string[] }
): DeploymentOptions {
  return {
    ...github,
    repository: env.GITHUB_REPOSITORY ?? '',
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    logUrl: runUrl(env),
    ...extra
  };
}

export function clip(text: string, max = MAX_DESCRIPTION): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : one.slice(0, max - 1) + '…';
}

type Octokit = ReturnType<typeof getOctokit>;

/** A deployment created on GitHub for this run; finish() sets its final state. */
export class GithubDeployment {
  private constructor(
    private readonly octokit: Octokit,
    private readonly opts: DeploymentOptions,
    private readonly owner: string,
    private readonly repo: string,
    readonly id: number,
    private readonly log: Logger
  ) {}

  /** Creates the deployment and sets it in_progress; undefined when there is nothing to record. */
  static async start(opts: DeploymentOptions, log: Logger): Promise<GithubDeployment | undefined> {
    if (!opts.token) return undefined;
    if (!RECORDED_MODES.includes(opts.mode) || opts.dryRun) {
      log.debug(`GitHub deployment: not recorded for mode ${opts.mode}${opts.dryRun ? ' (dry run)' : ''}`);
      return undefined;
    }
    const [owner, repo] = opts.repository.split('/');
    if (!owner || !repo || !/^[0-9a-f]{7,40}$/i.test(opts.commit)) {
      log.warning(
        'GitHub deployment: skipped, it needs GITHUB_REPOSITORY (owner/name) and a commit SHA (the commit input or GITHUB_SHA). The deploy itself goes on.'
      );
      return undefined;
    }
    // Loaded only here, with a token: the API client is most of the bundle's start-up time, and a
    // run without github-token never needs it. baseUrl passed explicitly: @actions/github reads
    // GITHUB_API_URL once, when it is first loaded.
    const { getOctokit: makeOctokit } = await import('@actions/github');
    const octokit = makeOctokit(opts.token, { baseUrl: opts.apiUrl });
    const short = opts.commit.slice(0, 7);
    try {
      const created = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: opts.commit,
        environment: opts.environment,
        auto_merge: false,
        required_contexts: [],
        transient_environment: false,
        description: clip(`gunicorn-deploy ${opts.mode} of ${short} to ${opts.hosts.join(', ')}`),
        request: timeout()
      });
      const id = (created.data as { id?: number }).id;
      if (typeof id !== 'number') {
        log.warning(
          `GitHub deployment: not created (${(created.data as { message?: string }).message ?? `HTTP ${created.status}`}). The deploy itself goes on.`
        );
        return undefined;
      }
      const d = new GithubDeployment(octokit, opts, owner, repo, id, log);
      try {
        await d.status('in_progress', `Deploying ${short} to ${opts.hosts.length} server(s)`);
        log.info(`GitHub deployment ${id} of ${opts.environment} at ${short}: in progress`);
      } catch (err) {
        // Still returned: its final state may well get through.
        log.warning(apiWarning(`setting deployment ${id} to in_progress`, err));
      }
      return d;
    } catch (err) {
      log.warning(apiWarning('creating the deployment', err));
      return undefined;
    }
  }

  /** Sets success or failure from the run's report; on success the replaced deployment goes inactive. */
  async finish(report: RunReport): Promise<void> {
    try {
      if (report.ok) {
        const release = report.hosts[0]?.facts.release;
        await this.status(
          'success',
          release
            ? `Release ${release} is live on ${report.hosts.length} server(s)`
            : `${report.mode}: ${report.status}`,
          this.opts.environmentUrl
        );
        await this.markReplacedInactive();
      } else {
        await this.status('failure', failureDescription(report));
      }
      this.log.info(`GitHub deployment ${this.id}: ${report.ok ? 'success' : 'failure'}`);
    } catch (err) {
      this.log.warning(
        apiWarning(`setting deployment ${this.id} to ${report.ok ? 'success' : 'failure'}`, err)
      );
    }
  }

  private async status(
    state: 'in_progress' | 'success' | 'failure' | 'inactive',
    description: string,
    environmentUrl?: string,
    deploymentId = this.id
  ): Promise<void> {
    await this.octokit.rest.repos.createDeploymentStatus({
      owner: this.owner,
      repo: this.repo,
      deployment_id: deploymentId,
      state,
      description: clip(description),
      ...(this.opts.logUrl ? { log_url: this.opts.logUrl } : {}),
      ...(environmentUrl ? { environment_url: environmentUrl } : {}),
      request: timeout()
    });
  }

  /**
   * GitHub's auto_inactive (on by default) covers only non-production environments, so the
   * deployment this one replaced is marked inactive here: the newest earlier deployment of the
   * environment that went live. Already inactive (GitHub did it): nothing to do.
   */
  private async markReplacedInactive(): Promise<void> {
    const { data: earlier } = await this.octokit.rest.repos.listDeployments({
      owner: this.owner,
      repo: this.repo,
      environment: this.opts.environment,
      per_page: LOOKBACK,
      request: timeout()
    });
    for (const d of earlier) {
      if (d.id === this.id || d.id > this.id) continue;
      const { data: statuses } = await this.octokit.rest.repos.listDeploymentStatuses({
        owner: this.owner,
        repo: this.repo,
        deployment_id: d.id,
        per_page: 1,
        request: timeout()
      });
      const state = statuses[0]?.state;
      if (state === 'inactive') return;
      if (state === 'success') {
        await this.status('inactive', `Replaced by deployment ${this.id}`, undefined, d.id);
        this.log.info(`GitHub deployment ${d.id}: inactive (replaced)`);
        return;
      }
    }
  }
}

/** What the failed deployment says on GitHub: rolled back (to which release) or why it failed. */
export function failureDescription(report: RunReport): string {
  const back = report.hosts.filter((h) => h.facts['rolled-back'] === 'true');
  if (back.length > 0) {
    const h = back[0]!;
    const why = h.facts['rollback-reason'] ?? (h.error ?? '').split('\n')[0] ?? '';
    const failedRelease = h.facts['failed-release'];
    return clip(
      `Rolled back to release ${h.facts.release ?? '?'}${failedRelease ? ` (${failedRelease} failed)` : ''}: ${why}`
    );
  }
  return clip(`Failed: ${(report.error ?? `${report.mode} ${report.status}`).split('\n')[0]}`);
}

function apiWarning(what: string, err: unknown): string {
  const e = err as { status?: number; message?: string; name?: string };
  const detail = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'no answer in time' : e.message;
  return `GitHub deployment: ${what} failed${e.status ? ` (HTTP ${e.status})` : ''}: ${detail}. The deploy itself is not affected; check that github-token may write deployments (permissions: deployments: write).`;
}
