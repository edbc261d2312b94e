export const id = 810;
export const ids = [810];
export const modules = {

/***/ 8810:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  post: () => (/* binding */ post),
  rollBackUnproven: () => (/* binding */ rollBackUnproven)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 15 modules
var core = __webpack_require__(4116);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(5625);
// EXTERNAL MODULE: ./src/settings.ts + 27 modules
var src_settings = __webpack_require__(5036);
// EXTERNAL MODULE: ./src/engine.ts + 96 modules
var engine = __webpack_require__(1736);
// EXTERNAL MODULE: ./src/entry/main.ts
var main = __webpack_require__(6999);
// EXTERNAL MODULE: ./src/deploy/paths.ts
var paths = __webpack_require__(8535);
// EXTERNAL MODULE: ./src/render/scripts.ts
var scripts = __webpack_require__(4036);
// EXTERNAL MODULE: ./src/ssh/connection.ts + 8 modules
var connection = __webpack_require__(7362);
// EXTERNAL MODULE: ./src/steps/step.ts
var step = __webpack_require__(3342);
;// CONCATENATED MODULE: ./src/steps/lock-cleanup.ts





/**
 * Ends a lock holder that this run left behind. A dropped connection ends the holder by itself,
 * but a runner that was cancelled while its connection stayed up (or a half-open TCP link that the
 * server will not notice for hours) leaves it holding the lock, so the post step ends it, and only
 * when the owner file names this very run.
 */
function releaseScript(settings, run) {
    return (0,scripts/* serverScript */.fj)('lock_release', { owner: (0,paths/* appLayout */.q5)(settings).lockOwner, owner_line: `run=${run}` });
}
async function releaseLeftLocks(settings, run, logger, connect = connection/* connect */.Ng) {
    for (const spec of settings.hosts) {
        const label = (0,engine.hostLabel)(spec);
        try {
            const remote = await connect({ ...(0,engine.targetFor)(settings, spec), retries: 1 }, logger);
            try {
                const res = await remote.script(releaseScript(settings, run), { sudo: true, timeoutMs: 30_000 });
                const what = /released=(\S+)/.exec(res.stdout)?.[1];
                if (what === 'yes')
                    logger.warning(`${label}: released the deploy lock this run left behind (the run was cancelled or lost its connection)`);
                else
                    logger.info(`${label}: no deploy lock of this run left (${what ?? res.stderr.trim()})`);
            }
            finally {
                await remote.close();
            }
        }
        catch (err) {
            logger.warning(`${label}: could not check for a left deploy lock: ${(0,step/* errorMessage */.gJ)(err)}`);
        }
    }
}

// EXTERNAL MODULE: ./src/phase-state.ts
var phase_state = __webpack_require__(6280);
// EXTERNAL MODULE: ./src/steps/lock.ts
var steps_lock = __webpack_require__(948);
// EXTERNAL MODULE: ./src/steps/rollback.ts
var rollback = __webpack_require__(6691);
// EXTERNAL MODULE: ./src/steps/processes.ts
var processes = __webpack_require__(5358);
// EXTERNAL MODULE: ./src/steps/history.ts
var steps_history = __webpack_require__(9691);
;// CONCATENATED MODULE: ./src/entry/post.ts














/**
 * Runs after the job, even when it was cancelled. Nothing is written to the runner's disk (the key
 * stays in memory). When the main step did not finish (cancelled and killed, or crashed), it
 * finishes what the main step could not: every server whose saved phase says "switched, not
 * proven" is put back on its previous release, and deploy locks this run left are released.
 */
async function post() {
    const state = (0,phase_state/* actionState */.M3)(core);
    const run = state.run();
    if (!run || state.finished())
        return;
    let settings;
    try {
        settings = (0,src_settings/* parseSettings */.P$)(main.readInput);
    }
    catch {
        return;
    }
    (0,engine.registerSecrets)(settings, log/* actionLogger */.v0);
    const phases = settings.hosts.map((_, i) => state.phase(i));
    // The holder a frozen main step may still keep goes first: the rollback takes the lock itself.
    await releaseLeftLocks(settings, run, log/* actionLogger */.v0);
    await rollBackUnproven(settings, phases, log/* actionLogger */.v0, `${run}-post`);
}
/**
 * Puts back every server a dead run left switched but unproven, with the deploy's own rollback
 * (configuration restored, the previous release switched to and proven healthy) and a history
 * line. A failure is an error in the log; the other servers are still tried.
 */
async function rollBackUnproven(settings, phases, logger, owner, connect = connection/* connect */.Ng) {
    for (const [i, spec] of settings.hosts.entries()) {
        const saved = phases[i];
        if (!saved || !(0,phase_state/* needsRollback */.ed)(saved))
            continue;
        const label = (0,engine.hostLabel)(spec);
        const release = saved.release ?? '?';
        const previous = saved.previous;
        try {
            const remote = await connect({ ...(0,engine.targetFor)(settings, spec), retries: 1 }, logger);
            try {
                const ctx = {
                    remote,
                    settings,
                    logger,
                    label,
                    records: [],
                    facts: {},
                    paths: (0,paths/* appLayout */.q5)(settings)
                };
                const lock = await (0,steps_lock/* acquireLock */.IZ)(ctx, owner);
                try {
                    const back = await (0,rollback/* rollbackTo */.S8)(ctx, previous, release, !!saved.restart, savedConfig(ctx, saved));
                    // The run died while moving the other processes: they follow the web back (the release's
                    // own set, kept by root), as a failed deploy's way back does.
                    if (saved.processes)
                        await (0,processes/* moveProcesses */.N0)(ctx, back.target, { write: false });
                    await (0,steps_history/* recordHistory */.cJ)(ctx, {
                        event: 'deploy',
                        release,
                        status: 'rolled-back',
                        to: back.target,
                        why: 'the run was cancelled before the release was proven; rolled back by the post step'
                    });
                    logger.warning(`${label}: the run was cancelled while ${release} was switched but not proven: rolled back, ${back.target} is serving and healthy (${back.reload})`);
                }
                finally {
                    await lock.release();
                }
            }
            finally {
                await remote.close();
            }
        }
        catch (err) {
            logger.error(`${label}: the run was cancelled while ${release} was switched but not proven, and rolling back to ${previous} failed: ${(0,step/* errorMessage */.gJ)(err)}\n` +
                `The server needs attention now: ssh in and check systemctl status ${(0,paths/* appLayout */.q5)(settings).app}, or run this action with mode: rollback.`);
        }
    }
}
/** What restoreScript needs of the configuration the dead run installed: the live paths it replaced. */
function savedConfig(ctx, saved) {
    const changed = saved.changed ?? [];
    if (changed.length === 0)
        return undefined;
    return {
        files: changed.map((path) => ({ path, content: '', mode: '', owner: '' })),
        changedFiles: changed,
        envFile: '',
        gunicornConf: '',
        stagedDir: '',
        previousDir: ctx.paths.configPrevious
    };
}


/***/ })

};
