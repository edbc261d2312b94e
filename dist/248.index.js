export const id = 248;
export const ids = [248];
export const modules = {

/***/ 3297:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   V: () => (/* binding */ runUrl),
/* harmony export */   s: () => (/* binding */ runOrigin)
/* harmony export */ });
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_0__);

/** History lines are for people: a value that long is someone's mistake, not an audit fact. */
const MAX = 200;
function clip(v) {
    // JSON.stringify escapes control characters; clipping only keeps a line readable.
    return v.length <= MAX ? v : v.slice(0, MAX - 1) + '…';
}
/** The URL of this workflow run's log (its attempt when re-run), or '' outside GitHub Actions. */
function runUrl(env) {
    const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
    const repository = env.GITHUB_REPOSITORY ?? '';
    const attempt = env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
    return repository && env.GITHUB_RUN_ID
        ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`
        : '';
}
function localUser() {
    try {
        return node_os__WEBPACK_IMPORTED_MODULE_0__.userInfo().username;
    }
    catch {
        return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
    }
}
function runOrigin(env = process.env) {
    const github = !!env.GITHUB_ACTIONS || !!env.GITHUB_RUN_ID;
    return {
        actor: clip(env.GITHUB_ACTOR || (github ? 'github' : localUser())),
        from: clip(github && env.GITHUB_REPOSITORY ? env.GITHUB_REPOSITORY : `cli@${node_os__WEBPACK_IMPORTED_MODULE_0__.hostname()}`),
        run: clip(runUrl(env))
    };
}


/***/ }),

/***/ 9248:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GithubDeployment: () => (/* binding */ GithubDeployment),
/* harmony export */   clip: () => (/* binding */ clip),
/* harmony export */   deploymentOptions: () => (/* binding */ deploymentOptions),
/* harmony export */   failureDescription: () => (/* binding */ failureDescription)
/* harmony export */ });
/* harmony import */ var _audit_origin_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3297);

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
function timeout() {
    return { signal: AbortSignal.timeout(Number(process.env.GUNICORN_DEPLOY_GITHUB_TIMEOUT_MS) || 15_000) };
}
/** How many earlier deployments of the environment are looked at to find the one replaced. */
const LOOKBACK = 10;
/** The github settings and the runner's variables; the token itself is never logged. */
function deploymentOptions(github, env, extra) {
    return {
        ...github,
        repository: env.GITHUB_REPOSITORY ?? '',
        apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
        logUrl: (0,_audit_origin_js__WEBPACK_IMPORTED_MODULE_0__/* .runUrl */ .V)(env),
        ...extra
    };
}
function clip(text, max = MAX_DESCRIPTION) {
    const one = text.replace(/\s+/g, ' ').trim();
    return one.length <= max ? one : one.slice(0, max - 1) + '…';
}
/** A deployment created on GitHub for this run; finish() sets its final state. */
class GithubDeployment {
    octokit;
    opts;
    owner;
    repo;
    id;
    log;
    constructor(octokit, opts, owner, repo, id, log) {
        this.octokit = octokit;
        this.opts = opts;
        this.owner = owner;
        this.repo = repo;
        this.id = id;
        this.log = log;
    }
    /** Creates the deployment and sets it in_progress; undefined when there is nothing to record. */
    static async start(opts, log) {
        if (!opts.token)
            return undefined;
        if (!RECORDED_MODES.includes(opts.mode) || opts.dryRun) {
            log.debug(`GitHub deployment: not recorded for mode ${opts.mode}${opts.dryRun ? ' (dry run)' : ''}`);
            return undefined;
        }
        const [owner, repo] = opts.repository.split('/');
        if (!owner || !repo || !/^[0-9a-f]{7,40}$/i.test(opts.commit)) {
            log.warning('GitHub deployment: skipped, it needs GITHUB_REPOSITORY (owner/name) and a commit SHA (the commit input or GITHUB_SHA). The deploy itself goes on.');
            return undefined;
        }
        // Loaded only here, with a token: the API client is most of the bundle's start-up time, and a
        // run without github-token never needs it. baseUrl passed explicitly: @actions/github reads
        // GITHUB_API_URL once, when it is first loaded.
        const { getOctokit: makeOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
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
            const id = created.data.id;
            if (typeof id !== 'number') {
                log.warning(`GitHub deployment: not created (${created.data.message ?? `HTTP ${created.status}`}). The deploy itself goes on.`);
                return undefined;
            }
            const d = new GithubDeployment(octokit, opts, owner, repo, id, log);
            try {
                await d.status('in_progress', `Deploying ${short} to ${opts.hosts.length} server(s)`);
                log.info(`GitHub deployment ${id} of ${opts.environment} at ${short}: in progress`);
            }
            catch (err) {
                // Still returned: its final state may well get through.
                log.warning(apiWarning(`setting deployment ${id} to in_progress`, err));
            }
            return d;
        }
        catch (err) {
            log.warning(apiWarning('creating the deployment', err));
            return undefined;
        }
    }
    /** Sets success or failure from the run's report; on success the replaced deployment goes inactive. */
    async finish(report) {
        try {
            if (report.ok) {
                const release = report.hosts[0]?.facts.release;
                await this.status('success', release
                    ? `Release ${release} is live on ${report.hosts.length} server(s)`
                    : `${report.mode}: ${report.status}`, this.opts.environmentUrl);
                await this.markReplacedInactive();
            }
            else {
                await this.status('failure', failureDescription(report));
            }
            this.log.info(`GitHub deployment ${this.id}: ${report.ok ? 'success' : 'failure'}`);
        }
        catch (err) {
            this.log.warning(apiWarning(`setting deployment ${this.id} to ${report.ok ? 'success' : 'failure'}`, err));
        }
    }
    async status(state, description, environmentUrl, deploymentId = this.id) {
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
    async markReplacedInactive() {
        const { data: earlier } = await this.octokit.rest.repos.listDeployments({
            owner: this.owner,
            repo: this.repo,
            environment: this.opts.environment,
            per_page: LOOKBACK,
            request: timeout()
        });
        for (const d of earlier) {
            if (d.id === this.id || d.id > this.id)
                continue;
            const { data: statuses } = await this.octokit.rest.repos.listDeploymentStatuses({
                owner: this.owner,
                repo: this.repo,
                deployment_id: d.id,
                per_page: 1,
                request: timeout()
            });
            const state = statuses[0]?.state;
            if (state === 'inactive')
                return;
            if (state === 'success') {
                await this.status('inactive', `Replaced by deployment ${this.id}`, undefined, d.id);
                this.log.info(`GitHub deployment ${d.id}: inactive (replaced)`);
                return;
            }
        }
    }
}
/** What the failed deployment says on GitHub: rolled back (to which release) or why it failed. */
function failureDescription(report) {
    const back = report.hosts.filter((h) => h.facts['rolled-back'] === 'true');
    if (back.length > 0) {
        const h = back[0];
        const why = h.facts['rollback-reason'] ?? (h.error ?? '').split('\n')[0] ?? '';
        const failedRelease = h.facts['failed-release'];
        return clip(`Rolled back to release ${h.facts.release ?? '?'}${failedRelease ? ` (${failedRelease} failed)` : ''}: ${why}`);
    }
    return clip(`Failed: ${(report.error ?? `${report.mode} ${report.status}`).split('\n')[0]}`);
}
function apiWarning(what, err) {
    const e = err;
    const detail = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'no answer in time' : e.message;
    return `GitHub deployment: ${what} failed${e.status ? ` (HTTP ${e.status})` : ''}: ${detail}. The deploy itself is not affected; check that github-token may write deployments (permissions: deployments: write).`;
}


/***/ })

};
