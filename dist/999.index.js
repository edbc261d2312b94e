export const id = 999;
export const ids = [999];
export const modules = {

/***/ 833:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A3: () => (/* binding */ reasonOf),
/* harmony export */   RQ: () => (/* binding */ watchSignals),
/* harmony export */   WQ: () => (/* binding */ uncancellable),
/* harmony export */   ZC: () => (/* binding */ abortable),
/* harmony export */   cc: () => (/* binding */ CancelledError),
/* harmony export */   dZ: () => (/* binding */ throwIfCancelled)
/* harmony export */ });
/**
 * A cancelled run (a GitHub cancel sends SIGINT, then SIGTERM ~7.5 s later, then SIGKILL ~2.5 s
 * after that; Ctrl-C in a terminal) is a fault like any other: no new host, batch or step starts,
 * a host switched but not yet proven is rolled back, a host still preparing lets go of its lock.
 * The signal reaches the long waits (health polling, lock waits, the upload) as an AbortSignal.
 */
class CancelledError extends Error {
    constructor(message = 'the run was cancelled') {
        super(message);
        this.name = 'CancelledError';
    }
}
/** Throws when the run was cancelled: called before any new unit of work starts. */
function throwIfCancelled(signal, what) {
    if (signal?.aborted)
        throw new CancelledError(`the run was cancelled (${reasonOf(signal)}) before ${what}`);
}
/** Why the signal fired, as a short phrase ("SIGINT"). */
function reasonOf(signal) {
    const r = signal.reason;
    if (r instanceof Error)
        return r.message;
    return typeof r === 'string' ? r : 'cancelled';
}
/**
 * Turns SIGINT and SIGTERM into an aborted signal, once; later signals only call onRepeat (the
 * rollback in progress must not be cut short by the runner's SIGTERM). Installing a handler also
 * keeps Node from exiting at the first signal, which is the point.
 */
function watchSignals(opts = {}) {
    const controller = new AbortController();
    const handler = (sig) => {
        if (controller.signal.aborted) {
            opts.onRepeat?.(sig);
            return;
        }
        controller.abort(sig);
        opts.onFirst?.(sig);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return {
        signal: controller.signal,
        dispose() {
            process.removeListener('SIGINT', handler);
            process.removeListener('SIGTERM', handler);
        }
    };
}
/**
 * The same server, but every command started through it is ended when the run is cancelled (the
 * lock holder opts out by passing its own `signal: undefined`: it lives until release()).
 */
function abortable(remote, signal) {
    const proxy = makeAbortable(remote, signal);
    unwrapped.set(proxy, remote);
    return proxy;
}
const unwrapped = new WeakMap();
/** The server without the cancellation: for the few lines a cancelled run still writes (history). */
function uncancellable(remote) {
    return unwrapped.get(remote) ?? remote;
}
function makeAbortable(remote, signal) {
    const withSignal = (opts) => opts && 'signal' in opts ? opts : { ...(opts ?? {}), signal };
    return new Proxy(remote, {
        get(target, prop, receiver) {
            if (prop === 'exec' || prop === 'script') {
                return (text, opts) => target[prop](text, withSignal(opts));
            }
            if (prop === 'upload') {
                return (local, dir, opts) => target.upload(local, dir, withSignal(opts));
            }
            const v = Reflect.get(target, prop, receiver);
            return typeof v === 'function' ? v.bind(target) : v;
        }
    });
}


/***/ }),

/***/ 9116:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H3: () => (/* binding */ deployContext),
/* harmony export */   hx: () => (/* binding */ parseFacts),
/* harmony export */   j3: () => (/* binding */ runScript),
/* harmony export */   w$: () => (/* binding */ lastLines)
/* harmony export */ });
/* harmony import */ var _steps_step_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3342);
/* harmony import */ var _paths_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8535);


/** A host's context with its app's layout: what every step of a mode that touches the app takes. */
function deployContext(host) {
    return { ...host, paths: (0,_paths_js__WEBPACK_IMPORTED_MODULE_1__/* .appLayout */ .q5)(host.settings) };
}
/** The last lines of a command's output, where the reason for a failure usually is. */
function lastLines(text, n = 20) {
    const lines = text.trimEnd().split('\n');
    return lines.slice(-n).join('\n');
}
/**
 * Runs a step's script as root (sudo for a non-root login) and throws a DeployError carrying the
 * output's tail when it fails, so every step reports failures the same way.
 */
async function runScript(ctx, what, script, opts = {}) {
    const res = await ctx.remote.script(script, { sudo: true, ...opts });
    if (res.code !== 0) {
        const output = lastLines([res.stdout, res.stderr].filter((s) => s.trim()).join('\n'));
        throw new _steps_step_js__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH(`${what} failed (exit ${res.code}${res.timedOut ? ', timed out' : ''})${output ? `:\n${output}` : ''}`, opts.hint);
    }
    return res;
}
/** key=value lines a script printed, for steps that report facts back. */
function parseFacts(stdout) {
    const out = {};
    for (const line of stdout.split('\n')) {
        const m = /^([a-z_-]+)=(.*)$/.exec(line);
        if (m)
            out[m[1]] = m[2];
    }
    return out;
}


/***/ }),

/***/ 8535:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bf: () => (/* binding */ releaseId),
/* harmony export */   Q2: () => (/* binding */ layoutFor),
/* harmony export */   S1: () => (/* binding */ SCRIPT_DIR),
/* harmony export */   q5: () => (/* binding */ appLayout)
/* harmony export */ });
/* unused harmony export appUnits */
/** Where the tool's own scripts (health check, database maintenance) live, for every app. */
const SCRIPT_DIR = '/usr/local/lib/gunicorn-deploy';
const UNIT_DIR = '/etc/systemd/system';
function unit(name) {
    return { name, file: `${UNIT_DIR}/${name}` };
}
/** Every unit file of the app, by role: the one list the name checks and the provision steps use. */
function appUnits(app) {
    return {
        service: unit(`${app}.service`),
        socket: unit(`${app}.socket`),
        healthService: unit(`${app}-health.service`),
        healthTimer: unit(`${app}-health.timer`),
        dbService: unit(`${app}-db-maintenance.service`),
        dbTimer: unit(`${app}-db-maintenance.timer`),
        firewallService: unit(`${app}-firewall.service`),
        alertService: unit(`${app}-alert@.service`),
        metricsService: unit(`${app}-metrics.service`),
        metricsTimer: unit(`${app}-metrics.timer`),
        tlsCheckService: unit(`${app}-tls-check.service`),
        tlsCheckTimer: unit(`${app}-tls-check.timer`)
    };
}
/** The layout of app `app` in folder `dir`; the values are trusted (settings and templateVars check them). */
function layoutFor(app, dir) {
    const state = `${dir}/.deploy`;
    const etc = `/etc/${app}`;
    const logDir = `/var/log/${app}`;
    return {
        app,
        user: app,
        buildUser: `${app}-build`,
        dir,
        releases: `${dir}/releases`,
        releaseDir: (id) => `${dir}/releases/${id}`,
        releaseLink: (id) => `releases/${id}`,
        current: `${dir}/current`,
        shared: `${dir}/shared`,
        instance: `${dir}/shared/instance`,
        venvs: `${dir}/venvs`,
        pipCache: `${dir}/venvs/.pip-cache`,
        backups: `${dir}/backups`,
        legacyBackups: `${dir}/shared/backups`,
        state,
        lock: `${state}/lock`,
        lockOwner: `${state}/lock.owner`,
        history: `${state}/history.log`,
        lastSwitch: `${state}/last-switch`,
        incoming: `${state}/incoming`,
        trash: `${state}/trash`,
        configPrevious: `${state}/config-previous`,
        etc,
        envFile: `${etc}/env`,
        gunicornConf: `${etc}/gunicorn.conf.py`,
        staged: `${etc}/staged`,
        preloadDir: `${etc}/preload`,
        socket: `/run/${app}/gunicorn.sock`,
        logDir,
        accessLog: `${logDir}/access.log`,
        errorLog: `${logDir}/error.log`,
        units: appUnits(app),
        candidateUnit: `gunicorn-deploy-candidate-${app}`,
        healthScript: `${SCRIPT_DIR}/${app}-health-check`,
        dbScript: `${SCRIPT_DIR}/${app}-db-maintenance`,
        tlsScript: `${SCRIPT_DIR}/${app}-tls-check`,
        nginxSite: `/etc/nginx/sites-available/${app}.conf`,
        nginxEnabled: `/etc/nginx/sites-enabled/${app}.conf`,
        logrotate: `/etc/logrotate.d/${app}`
    };
}
/** The app's layout on every server of this run. */
function appLayout(settings) {
    return layoutFor(settings.app.name, settings.app.dir);
}
/** Sortable: UTC time to the second, then the short commit ('local' outside a checkout). */
function releaseId(now, commit) {
    const stamp = now
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
    const short = /^[0-9a-f]{7,40}$/i.test(commit) ? commit.slice(0, 7).toLowerCase() : 'local';
    return `${stamp}-${short}`;
}


/***/ }),

/***/ 6999:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   main: () => (/* binding */ main),
/* harmony export */   readInput: () => (/* binding */ readInput)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4116);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5625);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5036);
/* harmony import */ var _steps_lock_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(948);
/* harmony import */ var _cancel_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(833);
/* harmony import */ var _phase_state_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6280);






/** An input as the runner passes it; commit and ref default to the workflow's own. */
function readInput(name) {
    const v = _actions_core__WEBPACK_IMPORTED_MODULE_0__.getInput(name);
    if (v)
        return v;
    if (name === 'commit')
        return process.env.GITHUB_SHA ?? '';
    if (name === 'ref')
        return process.env.GITHUB_REF ?? '';
    return '';
}
/** The action's main step: inputs -> settings -> engine -> outputs and summary. */
async function main() {
    const state = (0,_phase_state_js__WEBPACK_IMPORTED_MODULE_5__/* .actionState */ .M3)(_actions_core__WEBPACK_IMPORTED_MODULE_0__);
    state.markMainStarted();
    // Masked before anything at all can print them, a message about a bad input included.
    for (const secret of (0,_settings_js__WEBPACK_IMPORTED_MODULE_2__/* .inputSecrets */ .Sc)(readInput))
        _actions_core__WEBPACK_IMPORTED_MODULE_0__.setSecret(secret);
    let settings;
    try {
        settings = (0,_settings_js__WEBPACK_IMPORTED_MODULE_2__/* .parseSettings */ .P$)(readInput);
    }
    catch (err) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__.setOutput('status', 'failed');
        _actions_core__WEBPACK_IMPORTED_MODULE_0__.setFailed(err instanceof Error ? err.message : String(err));
        return;
    }
    // Saved before any lock can be taken: if this run is cancelled, the post step knows its id.
    state.saveRun((0,_steps_lock_js__WEBPACK_IMPORTED_MODULE_3__/* .runId */ .Vz)());
    // A cancel (SIGINT, then SIGTERM) stops new work and rolls back a switched, unproven server;
    // SIGKILL may still cut that short, which the post step finishes from the saved phases.
    const watch = (0,_cancel_js__WEBPACK_IMPORTED_MODULE_4__/* .watchSignals */ .RQ)({
        onFirst: (sig) => _log_js__WEBPACK_IMPORTED_MODULE_1__/* .actionLogger */ .v0.warning(`${sig}: the run was cancelled; no new step starts, and a server switched but not yet proven is rolled back`),
        onRepeat: (sig) => _log_js__WEBPACK_IMPORTED_MODULE_1__/* .actionLogger */ .v0.info(`${sig}: still finishing the rollback`)
    });
    // Loaded after the inputs are known to be valid: the SSH stack and, with a token only, the API
    // client are most of the start-up time.
    const [{ hostLabel, runEngine }, { annotateFailure, formatTable, factRows, hostLine, writeActionReport }, github] = await Promise.all([Promise.all(/* import() */[__webpack_require__.e(104), __webpack_require__.e(736)]).then(__webpack_require__.bind(__webpack_require__, 1736)), __webpack_require__.e(/* import() */ 665).then(__webpack_require__.bind(__webpack_require__, 665)), __webpack_require__.e(/* import() */ 248).then(__webpack_require__.bind(__webpack_require__, 9248))]);
    const { deploymentOptions, GithubDeployment } = github;
    // GitHub Deployments (with github-token only); API errors are warnings, never a failed deploy.
    const deployment = await GithubDeployment.start(deploymentOptions(settings.github, process.env, {
        mode: settings.mode,
        dryRun: settings.provision.dryRun,
        commit: settings.deploy.commit,
        hosts: settings.hosts.map(hostLabel)
    }), _log_js__WEBPACK_IMPORTED_MODULE_1__/* .actionLogger */ .v0);
    let result;
    try {
        result = await runEngine(settings, {
            logger: _log_js__WEBPACK_IMPORTED_MODULE_1__/* .actionLogger */ .v0,
            signal: watch.signal,
            onPhase: (i, host, note) => state.savePhase(i, host, note)
        });
    }
    catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        await deployment?.finish({ mode: settings.mode, ok: false, status: 'failed', hosts: [], ms: 0, error });
        throw err;
    }
    const { report, factKeys } = result;
    state.markFinished();
    if (factKeys.length > 0) {
        const t = factRows(report, factKeys);
        _log_js__WEBPACK_IMPORTED_MODULE_1__/* .actionLogger */ .v0.info(formatTable(t.header, t.rows));
    }
    for (const h of report.hosts)
        if (h.steps.length > 0)
            _log_js__WEBPACK_IMPORTED_MODULE_1__/* .actionLogger */ .v0.info(hostLine(h));
    await writeActionReport(report, factKeys);
    await deployment?.finish(report);
    if (!report.ok) {
        // A titled annotation (what setFailed would print untitled), then the failing exit code.
        annotateFailure(report);
        process.exitCode = 1;
    }
}


/***/ }),

/***/ 5625:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   v0: () => (/* binding */ actionLogger)
/* harmony export */ });
/* unused harmony exports consoleLogger, memoryLogger */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4116);
/* harmony import */ var _ssh_output_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3269);


/**
 * Lines (which may quote the server: pip, a dry run's diff, a lock owner) go through the one fenced
 * printer; warnings, errors and debug lines are workflow commands whose text @actions/core escapes
 * (%, \r and \n), so nothing in them can start a line of its own.
 */
const actionPrinter = new _ssh_output_js__WEBPACK_IMPORTED_MODULE_1__/* .RunnerPrinter */ .TV((text) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.info(text));
const actionLogger = {
    info: (m) => actionPrinter.print(m),
    warning: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.warning(m),
    error: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.error(m),
    debug: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.debug(m),
    group: (name, fn) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.group(name, fn),
    setSecret: (v) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.setSecret(v)
};
/** A terminal logger that masks secrets itself, since no runner does it for the CLI. */
function consoleLogger(opts = {}) {
    const out = opts.stream ?? process.stderr;
    const secrets = [];
    const mask = (m) => secrets.reduce((acc, s) => acc.split(s).join('***'), m);
    // A CLI run inside a workflow step is read by the runner too: the same printer as the action's.
    const printer = new RunnerPrinter((text) => out.write(text + '\n'));
    const write = (m) => printer.print(mask(m));
    return {
        info: write,
        warning: (m) => write(`warning: ${m}`),
        error: (m) => write(`error: ${m}`),
        debug: (m) => {
            if (opts.verbose)
                write(`debug: ${m}`);
        },
        group: async (name, fn) => {
            write(`== ${name}`);
            return fn();
        },
        setSecret: (v) => {
            // Multi-line secrets (keys) are masked line by line, as the runner does.
            for (const part of [v, ...v.split(/\r?\n/)]) {
                if (part.trim().length >= 4 && !secrets.includes(part))
                    secrets.push(part);
            }
            secrets.sort((a, b) => b.length - a.length);
        }
    };
}
/** Collects every line; for tests that assert what a user would read. */
function memoryLogger() {
    const lines = [];
    const secrets = [];
    return {
        lines,
        secrets,
        info: (m) => lines.push(m),
        warning: (m) => lines.push(`warning: ${m}`),
        error: (m) => lines.push(`error: ${m}`),
        debug: () => undefined,
        group: async (name, fn) => {
            lines.push(`== ${name}`);
            return fn();
        },
        setSecret: (v) => secrets.push(v)
    };
}


/***/ }),

/***/ 3439:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G1: () => (/* binding */ processCommandProblem),
/* harmony export */   KI: () => (/* binding */ processNameProblem),
/* harmony export */   cA: () => (/* binding */ MAX_INSTANCES),
/* harmony export */   gu: () => (/* binding */ parseProcfile),
/* harmony export */   jo: () => (/* binding */ isGunicornCommand)
/* harmony export */ });
/**
 * Procfile syntax (Heroku, Dokku, Foreman): one `NAME: COMMAND` per line, `#` comments and blank
 * lines ignored. `web` is Gunicorn (the service this tool runs), `release` the release phase,
 * `rollback` the command a rollback runs; every other entry is a long-running process.
 */
const NAME = /^[a-z][a-z0-9-]{0,29}$/;
const MAX_INSTANCES = 32;
const MAX_COMMAND = 4096;
/**
 * Names a process may not take: its unit APP-NAME@.service would sit beside (or be mistaken for)
 * this tool's own units (APP-health, APP-db-maintenance, APP-firewall, APP-alert@, the build user
 * APP-build), or the names Procfiles give special meanings.
 */
const RESERVED = new Set(['health', 'db-maintenance', 'firewall', 'alert', 'build', 'candidate', 'schedule']);
const SPECIAL = new Set(['web', 'release', 'rollback']);
/** Why a process name is refused, or undefined. */
function processNameProblem(name) {
    if (!NAME.test(name))
        return `process name '${name}' must be a lowercase letter, then up to 29 lowercase letters, digits or -`;
    if (RESERVED.has(name) || name.startsWith('schedule-'))
        return `process name '${name}' is reserved (a unit of this tool would share its name); choose another`;
    return undefined;
}
/** A command as a unit can carry it: one line, printable, bounded. */
function processCommandProblem(command) {
    if (command === '')
        return 'has no command after the colon';
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(command))
        return 'must be one line without control characters';
    if (command.length > MAX_COMMAND)
        return `the command is longer than ${MAX_COMMAND} characters`;
    return undefined;
}
/** Gunicorn recognised in a `web:` line, to tell the user when theirs is something else. */
function isGunicornCommand(command) {
    return /(^|[\s/])gunicorn(\s|$)|-m\s+gunicorn\b/.test(command);
}
/** Parses Procfile text; `origin` names it in problems (`Procfile`, `input \`processes\``). */
function parseProcfile(text, origin) {
    const out = { processes: [], web: '', release: '', rollback: '', problems: [] };
    const seen = new Set();
    text.split(/\r?\n/).forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            return;
        const where = `${origin} line ${i + 1}`;
        // NAME, optionally NAME=N (instances), then a colon.
        const m = /^([^\s:=]+)(?:=(\d+))?\s*:\s*(.*)$/.exec(line);
        if (!m) {
            out.problems.push(`${where}: '${line.slice(0, 80)}' is not NAME: COMMAND`);
            return;
        }
        const [, name, count, command] = m;
        const special = SPECIAL.has(name);
        const nameBad = special ? undefined : processNameProblem(name);
        if (nameBad) {
            out.problems.push(`${where}: ${nameBad}`);
            return;
        }
        if (seen.has(name)) {
            out.problems.push(`${where}: '${name}' is defined twice`);
            return;
        }
        seen.add(name);
        const cmdBad = processCommandProblem(command.trim());
        if (cmdBad) {
            out.problems.push(`${where}: '${name}' ${cmdBad}`);
            return;
        }
        const instances = count === undefined ? 1 : Number(count);
        if (count !== undefined && (special || instances < 1 || instances > MAX_INSTANCES)) {
            out.problems.push(special
                ? `${where}: '${name}' runs once; =N is for processes`
                : `${where}: '${name}=${count}' must run 1 to ${MAX_INSTANCES} instances`);
            return;
        }
        if (name === 'web')
            out.web = command.trim();
        else if (name === 'release')
            out.release = command.trim();
        else if (name === 'rollback')
            out.rollback = command.trim();
        else
            out.processes.push({ name, command: command.trim(), instances });
    });
    return out;
}


/***/ }),

/***/ 4036:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A1: () => (/* binding */ readScriptsAhead),
/* harmony export */   AL: () => (/* binding */ serverOneLine),
/* harmony export */   Mj: () => (/* binding */ serverLua),
/* harmony export */   bS: () => (/* binding */ serverAwk),
/* harmony export */   fj: () => (/* binding */ serverScript),
/* harmony export */   qX: () => (/* binding */ serverProgram)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9038);
/* harmony import */ var _templates_dir_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7129);




const files = new Map();
/** A file's text, read from disk the first time only (scripts are sent on every deploy). */
function readOnce(file) {
    let text = files.get(file);
    if (text === undefined) {
        text = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8');
        files.set(file, text);
    }
    return text;
}
const NAME = /^[a-z_][a-z0-9_]*$/;
/**
 * Reads every server script and program now (what readOnce would read on first use): a deploy
 * does it while it waits for the server, so the steps sent after an answer read nothing from disk.
 */
function readScriptsAhead(dir = (0,_templates_dir_js__WEBPACK_IMPORTED_MODULE_2__/* .templatesDir */ .x)()) {
    const scripts = node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, 'scripts');
    for (const f of (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync)(scripts))
        if (/\.(sh|py)$/.test(f))
            readOnce(node_path__WEBPACK_IMPORTED_MODULE_1__.join(scripts, f));
}
/**
 * A server script from templates/scripts/NAME.sh (plain shell that shellcheck reads in
 * `npm run lint`): a prologue of quoted assignments, one per value, then the file as it is. A value
 * reaches the body only as a shell variable, never pasted into its text, so no value can change
 * what the script does; `then`, the caller's own script text, runs after it in the same shell.
 */
function serverScript(name, values, then = '', dir = (0,_templates_dir_js__WEBPACK_IMPORTED_MODULE_2__/* .templatesDir */ .x)()) {
    const body = withoutHeader(asItIs(name, 'sh', dir));
    const prologue = Object.entries(values).map(([key, value]) => {
        if (!NAME.test(key))
            throw new Error(`server script ${name}: ${key} is not a shell variable name`);
        return `${key}=${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__/* .shQuote */ .U)(String(value))}`;
    });
    // The first line names the file: the debug log's `$` line, and how a test double tells the step.
    return `\n# ${name}.sh\n${prologue.join('\n')}\n${body}${then ? `${then}\n` : ''}`;
}
/**
 * The file without its leading comment lines (what it does and its prologue, written for readers
 * and shellcheck): a third of what a deploy sent, on every deploy. Only the head goes: a later `#`
 * line may be a heredoc's content.
 */
function withoutHeader(text) {
    let at = 0;
    while (text.startsWith('#', at)) {
        const nl = text.indexOf('\n', at);
        if (nl < 0)
            return '';
        at = nl + 1;
    }
    return text.slice(at);
}
/**
 * A server script as ONE line, for a unit's Exec line (systemd takes no multi-line command): the
 * prologue's assignments and the file's lines (comments left out), joined with `; `. The file is
 * written for that: each line a whole statement (none ends in `do`, `then`, `{`, `|`, `&&`, `||`),
 * no comment after code; a line that could not be joined so is refused here, not on the server.
 */
function serverOneLine(name, values, dir = (0,_templates_dir_js__WEBPACK_IMPORTED_MODULE_2__/* .templatesDir */ .x)()) {
    const body = asItIs(name, 'sh', dir);
    const lines = body.split('\n').filter((l) => l.trim() && !l.trimStart().startsWith('#'));
    for (const l of lines)
        if (/(\bdo|\bthen|\belse|[{|&;\\]|\s#.*)\s*$/.test(l))
            throw new Error(`server script ${name}: the line ${JSON.stringify(l)} cannot be joined into one line`);
    const prologue = Object.entries(values).map(([key, value]) => {
        if (!NAME.test(key))
            throw new Error(`server script ${name}: ${key} is not a shell variable name`);
        return `${key}=${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__/* .shQuote */ .U)(String(value))}`;
    });
    return [...prologue, ...lines].join('; ');
}
/** A file of templates/scripts/ read once, as it is: NAME is a plain name (no `-`, no `/`). */
function asItIs(name, ext, dir) {
    if (!NAME.test(name))
        throw new Error(`server ${ext === 'sh' ? 'script' : 'program'} ${name}: not a plain name`);
    return readOnce(node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, 'scripts', `${name}.${ext}`));
}
/**
 * A program the server runs as it is, from templates/scripts/NAME.py (Python where root must open
 * what it reads with O_NOFOLLOW and check the descriptor: bash and coreutils would follow links).
 * It takes its values as argv, never pasted into its text; `npm run lint` compiles every one.
 */
function serverProgram(name, dir = (0,_templates_dir_js__WEBPACK_IMPORTED_MODULE_2__/* .templatesDir */ .x)()) {
    return asItIs(name, 'py', dir);
}
/** wrk's Lua script from templates/scripts/NAME.lua: its values come as args or environment. */
function serverLua(name, dir = (0,_templates_dir_js__WEBPACK_IMPORTED_MODULE_2__/* .templatesDir */ .x)()) {
    return asItIs(name, 'lua', dir);
}
/** An awk program from templates/scripts/NAME.awk, given to awk as one quoted word. */
function serverAwk(name, dir = (0,_templates_dir_js__WEBPACK_IMPORTED_MODULE_2__/* .templatesDir */ .x)()) {
    return asItIs(name, 'awk', dir);
}


/***/ }),

/***/ 7129:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ templatesDir)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);


const MARKER = node_path__WEBPACK_IMPORTED_MODULE_1__.join('templates', 'systemd', 'app.service.hbs');
function isActionRoot(dir) {
    return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, MARKER)) && (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, 'action.yml'));
}
function walkUp(start) {
    for (let dir = node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(start);; dir = node_path__WEBPACK_IMPORTED_MODULE_1__.dirname(dir)) {
        if (isActionRoot(dir))
            return node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, 'templates');
        if (node_path__WEBPACK_IMPORTED_MODULE_1__.dirname(dir) === dir)
            return undefined;
    }
}
/**
 * The action's own templates folder. Not from import.meta.url (ncc rewrites it in the bundle):
 * $GUNICORN_DEPLOY_TEMPLATES, then $GITHUB_ACTION_PATH/templates, then the nearest folder above the
 * running script (symlinks resolved), then above the working directory, that holds action.yml and
 * templates/.
 */
function templatesDir(where = {}) {
    const env = where.env ?? process.env;
    const explicit = env.GUNICORN_DEPLOY_TEMPLATES;
    if (explicit) {
        if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(node_path__WEBPACK_IMPORTED_MODULE_1__.join(explicit, 'systemd', 'app.service.hbs'))) {
            throw new Error(`GUNICORN_DEPLOY_TEMPLATES=${explicit} does not hold the templates (systemd/app.service.hbs)`);
        }
        return node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(explicit);
    }
    if (env.GITHUB_ACTION_PATH && (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(node_path__WEBPACK_IMPORTED_MODULE_1__.join(env.GITHUB_ACTION_PATH, MARKER))) {
        return node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(env.GITHUB_ACTION_PATH, 'templates');
    }
    const argv1 = where.argv1 ?? process.argv[1];
    // Through symlinks: npm's node_modules/.bin/gunicorn-deploy links to the package's bin/.
    const script = argv1 && (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(argv1) ? (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(argv1) : argv1;
    const found = (script ? walkUp(node_path__WEBPACK_IMPORTED_MODULE_1__.dirname(node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(script))) : undefined) ?? walkUp(where.cwd ?? process.cwd());
    if (!found) {
        throw new Error('cannot find the templates folder (templates/ next to action.yml); set GUNICORN_DEPLOY_TEMPLATES');
    }
    return found;
}


/***/ }),

/***/ 2655:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  nb: () => (/* reexport */ DURATION_MAX_MS),
  yG: () => (/* reexport */ ENV_KEY),
  o0: () => (/* reexport */ LOAD_LEVEL_MAX_MS),
  Sq: () => (/* reexport */ LOGIN_NAME),
  kJ: () => (/* reexport */ acmeEmailProblem),
  TA: () => (/* reexport */ acmeServerProblem),
  di: () => (/* reexport */ alertWebhookProblem),
  M4: () => (/* reexport */ appDirProblem),
  A: () => (/* reexport */ appNameProblem),
  ZQ: () => (/* reexport */ assertRule),
  lC: () => (/* reexport */ backupIdProblem),
  DM: () => (/* reexport */ bodySizeProblem),
  rP: () => (/* reexport */ clientAddressProblem),
  RS: () => (/* reexport */ commandProblem),
  _j: () => (/* reexport */ databaseEnvProblem),
  jc: () => (/* reexport */ debPackageProblem),
  YV: () => (/* reexport */ durationProblem),
  Co: () => (/* reexport */ envProblems),
  kl: () => (/* reexport */ envValueProblem),
  $f: () => (/* reexport */ extraNameProblem),
  L5: () => (/* reexport */ gunicornSettingProblem),
  au: () => (/* reexport */ healthHostProblem),
  Nr: () => (/* reexport */ healthPathProblem),
  yT: () => (/* reexport */ loadClientsProblem),
  ii: () => (/* reexport */ loginNameProblem),
  kb: () => (/* reexport */ metricsListenProblem),
  qb: () => (/* reexport */ normalisePath),
  yw: () => (/* reexport */ oneLineProblem),
  lS: () => (/* reexport */ parseDiskFloor),
  bD: () => (/* reexport */ parseFirewallAllow),
  r7: () => (/* reexport */ parseGunicornSetting),
  H5: () => (/* reexport */ parseRateLimit),
  PJ: () => (/* reexport */ parseSource),
  wT: () => (/* reexport */ pemCertificatesProblem),
  Rh: () => (/* reexport */ pemKeyProblem),
  nD: () => (/* reexport */ percentProblem),
  KI: () => (/* reexport */ processNameProblem),
  Ec: () => (/* reexport */ pythonProblem),
  q5: () => (/* reexport */ relPathProblem),
  co: () => (/* reexport */ releaseIdProblem),
  C3: () => (/* reexport */ retryAfterSeconds),
  G7: () => (/* reexport */ safeAbsPathProblem),
  DS: () => (/* reexport */ safeRelPathProblem),
  Oi: () => (/* reexport */ serverNameProblem),
  uu: () => (/* reexport */ sinceProblem),
  Kt: () => (/* reexport */ sinceSeconds),
  Nj: () => (/* reexport */ sourceProblem),
  rI: () => (/* reexport */ sourceText),
  B5: () => (/* reexport */ staticUrlProblem),
  dY: () => (/* reexport */ tlsServerNameProblem),
  WS: () => (/* reexport */ workerClassProblem),
  Lt: () => (/* reexport */ wsgiAppProblem)
});

// UNUSED EXPORTS: APP_NAME_MAX, LOAD_CLIENTS_MAX, OWNED_SETTINGS, RESERVED_APP_NAMES, RESERVED_ENV, TIMER_MAX_MS, WORKER_CLASSES, envKeyReserved, formatDuration, pythonLiteral

;// CONCATENATED MODULE: ./src/rules/problem.ts
/** Thrown by render when a value reaches it unchecked: a bug in this tool, not the user's input. */
function assertRule(field, problem) {
    if (problem) {
        throw new Error(`internal error: invalid ${field}: ${problem} (this value should have been refused when the inputs were read)`);
    }
}

;// CONCATENATED MODULE: ./src/rules/names.ts
/**
 * The app name is also a system user and group, /etc/APP, /var/log/APP and the units APP.service,
 * APP.socket, APP-health.*, APP-db-maintenance.*. 26 characters leave room for `-build` (a build
 * user per app) under useradd's 32.
 */
const APP_NAME_MAX = 26;
const APP_NAME = new RegExp(`^[a-z][a-z0-9-]{0,${APP_NAME_MAX - 1}}$`);
/**
 * Names Debian and Ubuntu (or common packages) use for their own users, groups, units, /etc or
 * /var/log folders. Taking one would overwrite a system unit (ssh.service: no SSH after the next
 * boot) or run the app as an account that is not its own. The server is checked too (layout and
 * preflight refuse any unit or user of the name that this tool did not create); this list catches
 * the well-known ones before any connection.
 */
const RESERVED_APP_NAMES = new Set([
    // accounts and groups of a Debian/Ubuntu base system
    ...['root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy'],
    ...['www-data', 'backup', 'list', 'irc', 'gnats', 'nobody', 'nogroup', 'messagebus', 'polkitd'],
    ...['adm', 'tty', 'disk', 'kmem', 'dialout', 'fax', 'voice', 'cdrom', 'floppy', 'tape', 'sudo'],
    ...['audio', 'dip', 'operator', 'src', 'shadow', 'utmp', 'video', 'sasl', 'plugdev', 'staff'],
    ...['users', 'input', 'sgx', 'kvm', 'render', 'netdev', 'crontab', 'lpadmin', 'admin', 'wheel'],
    ...['ssl-cert', 'syslog', 'uuidd', 'tss', 'tcpdump', 'landscape', 'pollinate', 'lxd', 'ubuntu'],
    ...['debian', 'user', 'ftp'],
    // services (units, /etc and /var/log folders)
    ...['ssh', 'sshd', 'openssh', 'nginx', 'apache2', 'httpd', 'cron', 'anacron', 'atd', 'dbus'],
    ...['getty', 'polkit', 'rsyslog', 'ufw', 'nftables', 'iptables', 'firewalld', 'certbot'],
    ...['logrotate', 'postgres', 'postgresql', 'mysql', 'mariadb', 'redis', 'redis-server'],
    ...['memcached', 'rabbitmq', 'mongodb', 'docker', 'containerd', 'snapd', 'fail2ban', 'exim4'],
    ...['postfix', 'chrony', 'ntp', 'ntpsec', 'cloud-init', 'unattended-upgrades', 'apparmor'],
    ...['networking', 'network', 'udev', 'kmod', 'procps', 'apt', 'dpkg', 'ssl', 'security', 'default'],
    ...['alternatives', 'init', 'journal', 'private', 'installer', 'emergency', 'rescue', 'reboot'],
    ...['poweroff', 'halt', 'shutdown', 'kexec', 'multi-user', 'graphical', 'basic', 'sysinit'],
    ...['sockets', 'timers', 'paths', 'swap', 'local-fs', 'remote-fs', 'gunicorn-deploy']
]);
/** Prefixes and suffixes that would collide with systemd's units or this tool's own names. */
const RESERVED_PREFIXES = ['systemd-', 'dbus-', 'apt-', 'dpkg-', 'ssh-', 'nginx-'];
const RESERVED_SUFFIXES = ['-health', '-db-maintenance', '-build', '-firewall', '-alert'];
function appNameProblem(name, loginUser) {
    if (!APP_NAME.test(name)) {
        return `must be a lowercase letter, then up to ${APP_NAME_MAX - 1} lowercase letters, digits or - (at most ${APP_NAME_MAX} characters, so that APP-build stays a valid user name), got '${name}'`;
    }
    if (name === loginUser) {
        return `'${name}' is the SSH login user (input \`user\`); the app needs a system user of its own: choose another name`;
    }
    const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
    const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
    if (RESERVED_APP_NAMES.has(name) || prefix || suffix) {
        return `'${name}' is reserved: it is (or could be) a system user, group or unit (${name}.service) of the server or of this tool; choose a name of the app's own, such as shop or myapp-web`;
    }
    return undefined;
}
/** A system user or group name (the login user, a jump host's user). */
const LOGIN_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
function loginNameProblem(name) {
    return LOGIN_NAME.test(name) ? undefined : `must be a login name such as deploy, got '${name}'`;
}
/** An extra of pyproject.toml's [project.optional-dependencies] (PEP 685 names). */
function extraNameProblem(v) {
    return /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(v)
        ? undefined
        : `must be extra names of letters, digits and . _ - separated by commas, got '${v}'`;
}
/** A release id as the tool writes them (20261127T162000Z-abc1234). */
function releaseIdProblem(v) {
    return /^[0-9A-Za-z._-]+$/.test(v) && !/^\.\.?$/.test(v)
        ? undefined
        : `must be a release id such as 20261127T162000Z-abc1234, got '${v}'`;
}
/** A backup's id: its file name on the server, as mode backups lists it (app.db-20261127T162000Z-abc1234.db). */
function backupIdProblem(v) {
    return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) && v.length <= 200
        ? undefined
        : `must be latest, undo or a backup id (its file name, as mode backups lists it), got '${v}'`;
}
// Debian policy: lowercase letters, digits, + - . (at least two characters, starting alphanumeric).
const DEB_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
function debPackageProblem(v) {
    return DEB_PACKAGE.test(v)
        ? undefined
        : `'${v}' is not a Debian package name (lowercase letters, digits, + - .)`;
}

;// CONCATENATED MODULE: ./src/rules/served.ts
const ID = '[A-Za-z_][A-Za-z0-9_]*';
// String arguments in single quotes only, of plain characters: the target is written unquoted by the
// shell but inside a systemd ExecStart= word, where $, %, \ and " would be expanded or unescaped.
const LITERAL = `(?:'[A-Za-z0-9_.:/@+-]*'|-?\\d+(?:\\.\\d+)?|True|False|None)`;
const ARG = `(?:${ID}\\s*=\\s*)?${LITERAL}`;
const CALL = `${ID}\\(\\s*(?:${ARG}(?:\\s*,\\s*${ARG})*\\s*,?\\s*)?\\)`;
const WSGI_APP = new RegExp(`^${ID}(?:\\.${ID})*(?::(?:${ID}(?:\\.${ID})*|${CALL}))?$`);
/** module, module:name, module:name.attr, or an app factory with literal arguments: pkg:create_app('prod'). */
function wsgiAppProblem(v) {
    if (WSGI_APP.test(v))
        return undefined;
    return `must be module:name (app:app, pkg.wsgi:application, app:server.wsgi) or an app factory with simple literal arguments (pkg:create_app(), pkg:create_app('prod')); no other calls or expressions, got '${v}'`;
}
// RFC 3986 path and query characters, minus ' ( ) * ! $ ; , and + that shells, systemd or nginx read.
const HEALTH_PATH = /^\/[A-Za-z0-9._~/%:@=&?-]*$/;
function healthPathProblem(v) {
    if (!HEALTH_PATH.test(v) || /%(?![0-9A-Fa-f]{2})/.test(v))
        return `must be a URL path starting with / of letters, digits and . _ ~ / % : @ = & ? - (a query is allowed), got '${v}'`;
    return undefined;
}
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
/** The Host header of health requests: one host name or IPv4 address. */
function healthHostProblem(v) {
    if (HOST_NAME.test(v) || IPV4.test(v))
        return undefined;
    return `must be a host name such as example.com (sent as the Host of health requests), got '${v}'`;
}
/** A command for bash on the server (mode run): any text bash reads, but no NUL, which argv cannot hold. */
function commandProblem(v) {
    return v.includes('\0') ? 'must not contain a NUL character' : undefined;
}
/** Free text sent to a server (health-expect, commit, ref): printable, one line. */
function oneLineProblem(v) {
    if (/[\x00-\x1f\x7f]/.test(v))
        return 'must be one line without control characters (newline, CR, tab, NUL)';
    return undefined;
}
// nginx server_name entries: host names, *.wildcards, or _ (any).
const SERVER_NAME = /^(_|(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?)$/;
/** One or more nginx server names separated by spaces. */
function serverNameProblem(v) {
    const names = v.split(' ');
    const bad = names.find((n) => !SERVER_NAME.test(n) || n.length > 253);
    if (bad !== undefined)
        return `'${bad}' is not a host name (example.com, *.example.com or _ for any)`;
    return undefined;
}
/** nginx client_max_body_size. */
function bodySizeProblem(v) {
    return /^\d+[kKmMgG]?$/.test(v) ? undefined : `must be an nginx size such as 10m, 512k or 1g, got '${v}'`;
}

;// CONCATENATED MODULE: ./src/rules/fs-paths.ts

// Plain characters only: no spaces, quotes, $, %, ;, backslash (systemd specifiers and escapes,
// shell and SQLite quoting, nginx syntax all stay trivially safe).
const SAFE_ABS_PATH = /^\/[A-Za-z0-9._/-]*$/;
const SAFE_REL_PATH = /^[A-Za-z0-9._/-]+$/;
/** '/srv/app//' -> '/srv/app' (repeated and trailing slashes only; . and .. are refused, not resolved). */
function normalisePath(p) {
    const collapsed = p.replace(/\/{2,}/g, '/');
    return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}
function dotSegments(p) {
    return p.split('/').some((s) => s === '.' || s === '..');
}
/** An absolute path of letters, digits and . _ / -, without . or .. segments. */
function safeAbsPathProblem(p) {
    if (!SAFE_ABS_PATH.test(p))
        return `must be an absolute path of letters, digits and . _ / - only, got '${p}'`;
    if (dotSegments(p))
        return `must not have . or .. segments, got '${p}'`;
    return undefined;
}
/** A path inside the app (a release or shared/): relative, safe characters, no . or .. segments. */
function safeRelPathProblem(p) {
    if (!SAFE_REL_PATH.test(p) || p.startsWith('/'))
        return `must be a path relative to the app of letters, digits and . _ / - only, got '${p}'`;
    if (dotSegments(p))
        return `must not have . or .. segments, got '${p}'`;
    return undefined;
}
/** A file the runner's tree holds (requirements): relative, inside the app, one line; quoted where used. */
function relPathProblem(p) {
    if (p.startsWith('/') || p.split('/').includes('..'))
        return `must be a path relative to the app without '..', got '${p}'`;
    return oneLineProblem(p);
}
/** A URL prefix nginx serves files under: /name/ or /a/b/, safe characters only. */
function staticUrlProblem(v) {
    return /^\/([A-Za-z0-9._-]+\/)+$/.test(v) && !/\/\.\.?\//.test(v)
        ? undefined
        : `must be a URL prefix such as /static/ or /media/ (letters, digits and . _ -), got '${v}'`;
}
/** The interpreter that builds virtualenvs: a command name or path, quoted where used. */
function pythonProblem(v) {
    return /^[A-Za-z0-9_./-]+$/.test(v) ? undefined : `must be an interpreter name or path, got '${v}'`;
}
/** Folders (and everything under them) the system owns: an app there could overwrite it. */
const SYSTEM_TREES = ['/etc', '/usr', '/var/lib', '/boot', '/proc', '/sys', '/dev', '/root', '/bin', '/sbin'];
const SYSTEM_TREES_MORE = ['/run', '/tmp', '/var/tmp', '/var/log', '/var/cache', '/var/spool', '/var/mail'];
const SYSTEM_TREES_ALL = [...SYSTEM_TREES, ...SYSTEM_TREES_MORE, '/var/run', '/var/lock', '/var/backups'];
/** Folders that hold many apps or users: fine as a parent, not as the app's own folder. */
const SHARED_PARENTS = ['/', '/srv', '/opt', '/var', '/var/www', '/home', '/mnt', '/media', '/usr/local'];
const under = (p, tree) => p === tree || p.startsWith(`${tree}/`);
/** app-dir: a folder of the app's own (normalised first), never a system folder or the login user's home. */
function appDirProblem(dir, loginUser) {
    const bad = safeAbsPathProblem(dir);
    if (bad)
        return bad;
    const p = normalisePath(dir);
    const system = SYSTEM_TREES_ALL.find((t) => under(p, t)) ??
        (/^\/lib[^/]*(\/|$)/.test(p) ? p.split('/').slice(0, 2).join('/') : undefined) ??
        (SHARED_PARENTS.includes(p) ? p : undefined) ??
        (loginUser && under(p, `/home/${loginUser}`) ? `/home/${loginUser}` : undefined);
    if (system) {
        return `'${p}' is a system folder or inside one (${system}); use a folder of the app's own such as /srv/APP, /opt/APP or /var/www/APP`;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/rules/environment.ts

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * Variables the service's environment gets from elsewhere, so a user value would break it or be
 * ignored: the tool writes FLASK_ENV, PYTHONUNBUFFERED, INSTANCE_PATH, PWD (reloads follow
 * `current`) and keeps GUNICORN_CMD_ARGS out (it could add --bind or --preload); systemd sets the
 * account (PATH, HOME, USER, LOGNAME, SHELL), the socket handover (LISTEN_*, NOTIFY_SOCKET) and the
 * unit's own variables (INVOCATION_ID, JOURNAL_STREAM, MAINPID, ...); the loader's LD_PRELOAD and
 * LD_LIBRARY_PATH would reach every process that reads the environment file.
 */
const RESERVED_ENV = new Set([
    'FLASK_ENV',
    'PYTHONUNBUFFERED',
    'INSTANCE_PATH',
    'PWD',
    'OLDPWD',
    'GUNICORN_CMD_ARGS',
    'PATH',
    'HOME',
    'USER',
    'LOGNAME',
    'SHELL',
    'NOTIFY_SOCKET',
    'INVOCATION_ID',
    'JOURNAL_STREAM',
    'MAINPID',
    'MANAGERPID',
    'SYSTEMD_EXEC_PID',
    'WATCHDOG_PID',
    'WATCHDOG_USEC',
    'RUNTIME_DIRECTORY',
    'STATE_DIRECTORY',
    'CACHE_DIRECTORY',
    'LOGS_DIRECTORY',
    'CONFIGURATION_DIRECTORY',
    'CREDENTIALS_DIRECTORY',
    'SERVICE_RESULT',
    'EXIT_CODE',
    'EXIT_STATUS',
    'LD_PRELOAD',
    'LD_LIBRARY_PATH'
]);
const RESERVED_ENV_PREFIXES = ['LISTEN_'];
function envKeyReserved(key) {
    return RESERVED_ENV.has(key) || RESERVED_ENV_PREFIXES.some((p) => key.startsWith(p));
}
/**
 * What systemd's EnvironmentFile= cannot hold: a newline or CR (a value would end there or start a
 * new one), NUL, the byte order mark and what is not a Unicode scalar value.
 */
function envValueProblem(key, value) {
    if (/[\n\r]/.test(value))
        return `${key}: a value cannot contain a newline (or a carriage return)`;
    if (/[\0\uFEFF]|\p{Noncharacter_Code_Point}|\p{Surrogate}/u.test(value))
        return `${key}: a value cannot contain NUL, U+FEFF or a non-character (systemd refuses them)`;
    return undefined;
}
/** Every problem of the app's variables: names, reserved names, repeats, values, debug mode. */
function envProblems(env) {
    const out = [];
    const seen = new Set();
    for (const { key, value } of env) {
        if (!ENV_KEY.test(key)) {
            out.push(`${JSON.stringify(key)} is not a variable name ([A-Za-z_][A-Za-z0-9_]*)`);
            continue;
        }
        if (seen.has(key))
            out.push(`${key} is set twice`);
        seen.add(key);
        if (key === 'FLASK_DEBUG') {
            // Production never runs the debugger (it executes code sent from the browser).
            if (!/^(0|false|no|off)?$/i.test(value.trim()))
                out.push(`FLASK_DEBUG must stay off in production: FLASK_DEBUG=${value}, debug mode is refused (the tool always writes FLASK_DEBUG=0)`);
        }
        else if (envKeyReserved(key)) {
            out.push(`${key} is set by gunicorn-deploy or systemd for the service and cannot be overridden (see "Input rules" in the README)`);
        }
        const bad = envValueProblem(key, value);
        if (bad)
            out.push(bad);
    }
    return out;
}
/** DATABASE in env moves the database the backup timer copies: a path its script can quote. */
function databaseEnvProblem(env) {
    const db = env.find((e) => e.key === 'DATABASE');
    const bad = db && safeAbsPathProblem(db.value);
    return bad ? `DATABASE (the database the daily backup copies) ${bad}` : undefined;
}

;// CONCATENATED MODULE: ./src/rules/durations.ts
/** Node's timers hold at most 2^31-1 ms (~24.8 days); a larger value fires at once. */
const TIMER_MAX_MS = 2 ** 31 - 1;
/** Upper bounds of the duration inputs: a typo (720h) must not hang a run or a server loop. */
const DURATION_MAX_MS = {
    'health-timeout': 30 * 60_000,
    'lock-timeout': 60 * 60_000,
    'connect-timeout': 5 * 60_000,
    'health-interval': 24 * 3_600_000,
    'stop-timeout': 60 * 60_000,
    'process-settle': 5 * 60_000
};
function formatDuration(ms) {
    if (ms % 3_600_000 === 0)
        return `${ms / 3_600_000}h`;
    if (ms % 60_000 === 0)
        return `${ms / 60_000}m`;
    if (ms % 1000 === 0)
        return `${ms / 1000}s`;
    return `${ms}ms`;
}
function durationProblem(ms, maxMs = TIMER_MAX_MS) {
    if (!Number.isFinite(ms) || ms <= 0)
        return 'must be a positive duration such as 30s, 5m or 500ms';
    const max = Math.min(maxMs, TIMER_MAX_MS);
    if (ms > max)
        return `must be at most ${formatDuration(max)}`;
    return undefined;
}
/** 'auto' (500 MB or 5 %, whichever is smaller), '0', '750MB', '2GB', '10%'. */
function parseDiskFloor(raw) {
    const v = raw.trim();
    if (v === 'auto')
        return { mb: 500, percent: 5 };
    const pct = /^(\d{1,2})\s*%$/.exec(v);
    if (pct)
        return { percent: Number(pct[1]) };
    const size = /^(\d+)\s*(MB|M|GB|G)?$/i.exec(v);
    if (size) {
        const n = Number(size[1]);
        const mb = /^g/i.test(size[2] ?? '') ? n * 1024 : n;
        if (mb <= 1024 * 1024)
            return { mb };
    }
    return `must be auto (500 MB, or 5 % of the filesystem if that is less), a size such as 750MB or 2GB, a share such as 10%, or 0 (no floor), got '${raw}'`;
}

;// CONCATENATED MODULE: ./src/rules/tls.ts
// HTTPS (tls: acme | files): the inputs are read in src/settings/tls.ts.
const IPV4_NAME = /^\d{1,3}(\.\d{1,3}){3}$/;
/** A server-name entry that should get a certificate: a real DNS name, which HTTP-01 can prove. */
function tlsServerNameProblem(n) {
    if (n === '_')
        return "'_' (any name) cannot get a certificate: list the site's host names (example.com www.example.com)";
    if (n.startsWith('*.'))
        return `'${n}': a wildcard needs a DNS-01 challenge, which this tool does not do; list each name`;
    if (IPV4_NAME.test(n) || n.includes(':'))
        return `'${n}' is an IP address: a certificate is issued for host names; point a DNS name at the server`;
    if (n.endsWith('.'))
        return `'${n}': give the name without the trailing dot`;
    return undefined;
}
/** The ACME account's contact address (expiry notices), passed to certbot. */
function acmeEmailProblem(v) {
    // Starts with a letter or digit: never an option to certbot, whatever reaches its command line.
    return /^[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(v)
        ? undefined
        : `must be an email address such as ops@example.com, got '${v}'`;
}
/** An ACME directory: an https URL without credentials. */
function acmeServerProblem(v) {
    const bad = `must be the https URL of an ACME directory (Let's Encrypt: https://acme-v02.api.letsencrypt.org/directory), got '${v}'`;
    if (!/^https:\/\/[A-Za-z0-9.:[\]/_~%-]+$/.test(v))
        return bad;
    try {
        const u = new URL(v);
        if (u.protocol !== 'https:' || u.username || u.password || !u.hostname)
            return bad;
    }
    catch {
        return bad;
    }
    return undefined;
}
/** One or more PEM certificates, nothing else. */
function pemCertificatesProblem(v) {
    const rest = v
        .replace(/-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----/g, '')
        .trim();
    if (!v.includes('-----BEGIN CERTIFICATE-----') || rest !== '')
        return 'must be PEM certificates (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----) and nothing else';
    return undefined;
}
/**
 * One PEM private key and nothing else: text around it (a pasted note, a second block) would be
 * stored with it. The message never quotes the value (it is a secret).
 */
function pemKeyProblem(v) {
    const block = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----\n[A-Za-z0-9+/=\n]+-----END \1-----/g;
    const found = v.match(block) ?? [];
    if (found.length !== 1 || v.replace(block, '').trim() !== '')
        return 'must be one PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----) and nothing else';
    return undefined;
}

;// CONCATENATED MODULE: ./src/rules/edge.ts
/**
 * firewall-allow: items separated by commas, spaces or newlines, each PORT or FROM-TO, tcp unless
 * prefixed `udp/` (`tcp/` allowed too): `8080, 60000-61000, udp/53`.
 */
function parseFirewallAllow(raw) {
    const out = [];
    for (const item of raw.split(/[\s,]+/).filter((s) => s)) {
        const m = /^(?:(tcp|udp)\/)?(\d{1,5})(?:-(\d{1,5}))?$/.exec(item);
        const from = m ? Number(m[2]) : 0;
        const to = m?.[3] ? Number(m[3]) : from;
        if (!m || from < 1 || to > 65535 || to < from) {
            return `each item must be a port (8080), a range (60000-61000) or either with udp/ or tcp/ in front (udp/53), ports 1-65535, got '${item}'`;
        }
        out.push({ proto: m[1] ?? 'tcp', from, to });
    }
    return out;
}
/**
 * alert-webhook: an http(s) URL. It reaches a curl config file on the server inside double quotes,
 * so quotes, backslashes, whitespace and control characters are refused (a URL encodes them).
 */
function alertWebhookProblem(url) {
    if (!/^https?:\/\/[^/\s"\\]+/.test(url))
        return 'must be an http:// or https:// URL';
    if (/[\s"\\\x00-\x1f\x7f]/.test(url) || url.length > 2000)
        return 'must not contain spaces, quotes, backslashes or control characters (percent-encode them), at most 2000 characters';
    return undefined;
}

;// CONCATENATED MODULE: ./src/rules/load.ts
// ---------------------------------------------------------------------------------------------
// Load check (mode loadtest, verify with load: true): values of the load-* inputs
/** Concurrent clients of one level: enough for the seed's 100 users, not enough to exhaust sockets. */
const LOAD_CLIENTS_MAX = 1000;
/** A level runs at most this long (the run's own bound, whatever the inputs say). */
const LOAD_LEVEL_MAX_MS = 5 * 60_000;
function loadClientsProblem(v) {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > LOAD_CLIENTS_MAX)
        return `each level must be a whole number of clients from 1 to ${LOAD_CLIENTS_MAX}, got '${v}'`;
    return undefined;
}
/** A share such as 99, 99.5 or 80% (the % is optional). */
function percentProblem(v) {
    const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(v);
    if (!m || Number(m[1]) > 100)
        return `must be a percentage from 0 to 100 such as 99 or 99.5%, got '${v}'`;
    return undefined;
}

;// CONCATENATED MODULE: ./src/rules/gunicorn.ts
/**
 * What Gunicorn itself is given: the worker class and the `gunicorn-settings` lines. The settings
 * this tool owns are refused with the reason, since changing them would break what a deploy
 * proves (the inherited sockets, the release the workers run, the logs the tool reads).
 */
/** Worker classes a deploy can prove. gevent and eventlet need packages Debian's image lacks here. */
const WORKER_CLASSES = ['sync', 'gthread', 'uvicorn'];
function workerClassProblem(v) {
    if (WORKER_CLASSES.includes(v))
        return undefined;
    if (v === 'gevent' || v === 'eventlet')
        return `${v} is not supported yet (its monkey-patching is not proven by this tool's tests); use gthread (threads: N) for many slow clients, or uvicorn for an async (ASGI) app`;
    if (/uvicorn/i.test(v))
        return `write uvicorn (the UvicornWorker class is chosen on the server), got '${v}'`;
    return `must be sync, gthread (threads) or uvicorn (ASGI apps: FastAPI, Starlette, Django's asgi.py), got '${v}'`;
}
const OWN = 'this tool owns it';
/** Settings the tool sets itself or that would defeat a deploy, with why. */
const OWNED_SETTINGS = {
    bind: `${OWN}: the sockets come from APP.socket (systemd), and a bind makes Gunicorn close them on reload`,
    chdir: `${OWN}: the workers run in APP-DIR/current, the serving release`,
    preload_app: `${OWN}: with the app imported in the master a reload would not load new code; preload-libraries imports the libraries only`,
    daemon: `${OWN}: systemd supervises Gunicorn; a daemon would leave its unit`,
    pidfile: `${OWN}: systemd tracks the master`,
    user: `${OWN}: the app runs as the app's user (the unit's User=)`,
    group: `${OWN}: the app runs as the app's group (the unit's Group=)`,
    initgroups: `${OWN}: the unit sets the app's user and groups`,
    worker_tmp_dir: `${OWN}: worker heartbeats live in /dev/shm`,
    proc_name: `${OWN}: it is the app's name, which the deploy looks for`,
    accesslog: `${OWN}: /var/log/APP/access.log, rotated by the tool's logrotate`,
    errorlog: `${OWN}: /var/log/APP/error.log, which the deploy reads`,
    capture_output: `${OWN}: the app's output goes to the error log`,
    config: `${OWN}: the tool writes the one config file`,
    wsgi_app: 'use the input `wsgi-app`',
    workers: 'use the input `workers`',
    worker_class: 'use the input `worker-class`',
    threads: 'use the input `threads`',
    timeout: 'use the input `timeout`',
    graceful_timeout: "use the input `graceful-timeout` (the unit's stop timeout follows it)",
    keepalive: 'use the input `keepalive`',
    max_requests: 'use the input `max-requests`',
    max_requests_jitter: 'use the input `max-requests-jitter`',
    worker_connections: 'use the input `worker-connections`',
    limit_request_line: 'use the input `limit-request-line`',
    limit_request_fields: 'use the input `limit-request-fields`',
    limit_request_field_size: 'use the input `limit-request-field-size`',
    raw_env: 'use the input `env` (written to the environment file, values masked)',
    reload: 'releases never change in place: a deploy reloads Gunicorn (HUP) itself',
    reload_engine: 'releases never change in place: a deploy reloads Gunicorn (HUP) itself',
    reload_extra_files: 'releases never change in place: a deploy reloads Gunicorn (HUP) itself',
    check_config: `${OWN}: the deploy's check step runs it`,
    print_config: `${OWN}: it would print the config instead of serving`,
    paste: 'use the input `wsgi-app`',
    pythonpath: 'the release is on the path already; put packages in requirements',
    certfile: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
    keyfile: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
    ca_certs: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
    ssl_version: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
    cert_reqs: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
    ciphers: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
    do_handshake_on_connect: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
    suppress_ragged_eofs: 'nginx terminates HTTPS (the input `tls`); Gunicorn listens on a unix socket',
    umask: 'the unit sets UMask=0027',
    tmp_upload_dir: 'the unit gives the app a private /tmp',
    logconfig: `${OWN}: the logs go to /var/log/APP, rotated by the tool`,
    logconfig_dict: `${OWN}: the logs go to /var/log/APP, rotated by the tool`,
    logconfig_json: `${OWN}: the logs go to /var/log/APP, rotated by the tool`,
    syslog: `${OWN}: the logs go to /var/log/APP, rotated by the tool`,
    enable_stdio_inheritance: `${OWN}: the app's output goes to the error log`
};
/** Server hooks are Python callables: the tool's candidate and preload hooks sit there. */
const HOOKS = new Set([
    'on_starting',
    'on_reload',
    'when_ready',
    'pre_fork',
    'post_fork',
    'post_worker_init',
    'worker_int',
    'worker_abort',
    'pre_exec',
    'pre_request',
    'post_request',
    'child_exit',
    'worker_exit',
    'nworkers_changed',
    'on_exit',
    'ssl_context'
]);
/** Other Gunicorn settings (23.0) a user may set with scalar values. */
const FREE_SETTINGS = new Set([
    'backlog',
    'loglevel',
    'access_log_format',
    'disable_redirect_access_to_syslog',
    'statsd_host',
    'statsd_prefix',
    'dogstatsd_tags',
    'sendfile',
    'reuse_port',
    'spew',
    'forwarded_allow_ips',
    'proxy_protocol',
    'proxy_allow_ips',
    'secure_scheme_headers',
    'strip_header_spaces',
    'permit_unconventional_http_method',
    'permit_unconventional_http_version',
    'casefold_http_method',
    'header_map',
    'forwarder_headers',
    'permit_obsolete_folding',
    'tolerate_dangerous_framing'
]);
/** A Python literal Gunicorn's config file can hold: a number, True/False/None, or a string. */
function pythonLiteral(raw) {
    const v = raw.trim();
    if (/^-?\d+(\.\d+)?$/.test(v))
        return v;
    if (/^(true|false)$/i.test(v))
        return v[0].toUpperCase() === 'T' ? 'True' : 'False';
    if (v === 'None')
        return 'None';
    const quoted = /^(["'])(.*)\1$/.exec(v);
    const text = quoted ? quoted[2] : v;
    // One printable line, no quotes or backslashes inside (nothing to escape, nothing to misread).
    if (!/^[\x20-\x7e]*$/.test(text) || /["'\\]/.test(text))
        return undefined;
    if (!quoted && /[[\]{}()]/.test(text))
        return undefined;
    return JSON.stringify(text);
}
/** One `name = value` line of `gunicorn-settings`, or what is wrong with it. */
function parseGunicornSetting(line) {
    const m = /^([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*)$/.exec(line.trim());
    if (!m)
        return `must be lines of name = value (for example backlog = 2048), got '${line.trim()}'`;
    const name = m[1].toLowerCase().replace(/-/g, '_');
    const owned = OWNED_SETTINGS[name];
    if (owned)
        return `${name} is refused: ${owned}`;
    if (HOOKS.has(name))
        return `${name} is refused: server hooks are Python functions, and this tool's own hooks run there`;
    if (!FREE_SETTINGS.has(name))
        return `${name} is not a Gunicorn setting this tool passes on (see Gunicorn's settings; the ones with inputs have their own)`;
    const value = pythonLiteral(m[2]);
    if (value === undefined)
        return `${name}: the value must be a number, true, false, or one line of text without quotes inside, got '${m[2].trim()}'`;
    return { name, value };
}
/** Asserted again where the config is rendered. */
function gunicornSettingProblem(s) {
    const again = parseGunicornSetting(`${s.name} = ${s.value}`);
    return typeof again === 'string' ? again : undefined;
}

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./src/rules/operate.ts

/** `since` of mode logs: a whole number of s, m, h or d; journalctl and the log filters take seconds. */
const SINCE = /^(\d{1,6})(s|m|h|d)$/;
const UNIT_S = { s: 1, m: 60, h: 3600, d: 86_400 };
/** Seconds of a `since` value, or NaN. */
function sinceSeconds(v) {
    const m = SINCE.exec(v);
    return m ? Number(m[1]) * UNIT_S[m[2]] : NaN;
}
function sinceProblem(v) {
    if (v === '')
        return undefined;
    const s = sinceSeconds(v);
    if (!Number.isFinite(s))
        return `must be a whole number with s, m, h or d (e.g. 30m, 2h, 1d), got '${v}'`;
    if (s > 366 * 86_400)
        return `must be at most 366d, got '${v}'`;
    return undefined;
}
/** `process` of mode logs: `web` or the name of another process of the app (a unit APP-NAME). */
const PROCESS = /^[a-z][a-z0-9-]{0,30}$/;
function processNameProblem(v) {
    if (v === '' || PROCESS.test(v))
        return undefined;
    return `must be a process name (lower-case letters, digits and -, starting with a letter), got '${v}'`;
}
/** One entry of `maintenance-allow`: an IPv4 or IPv6 address, with an optional /prefix. */
function clientAddressProblem(v) {
    const m = /^([0-9a-fA-F:.]+)(?:\/(\d{1,3}))?$/.exec(v);
    const version = m ? (0,external_node_net_.isIP)(m[1]) : 0;
    if (!m || version === 0)
        return `must be an IP address or network (203.0.113.7, 2001:db8::/32), got '${v}'`;
    if (m[2] !== undefined && Number(m[2]) > (version === 4 ? 32 : 128))
        return `has a prefix longer than an IPv${version} address: '${v}'`;
    return undefined;
}

;// CONCATENATED MODULE: ./src/rules/metrics.ts

/**
 * `metrics-listen`: where node-exporter listens, IPv4:PORT or [IPv6]:PORT (an address, never a
 * name: node-exporter binds it at start), not a port nginx or sshd already holds.
 */
function metricsListenProblem(v) {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(v);
    const ok = m && (m[1] !== undefined ? (0,external_node_net_.isIP)(m[1]) === 6 : (0,external_node_net_.isIP)(m[2]) === 4);
    if (!m || !ok)
        return `must be ADDRESS:PORT (127.0.0.1:9100, [::1]:9100, 0.0.0.0:9100), got '${v}'`;
    const port = Number(m[3]);
    if (port < 1 || port > 65_535)
        return `has a port outside 1-65535: '${v}'`;
    if ([22, 80, 443].includes(port))
        return `port ${port} is sshd's or nginx's; node-exporter's is 9100`;
    return undefined;
}

;// CONCATENATED MODULE: ./src/rules/site-edge.ts

/** A URL path that reaches nginx's config unquoted: letters, digits, and . _ ~ / - only. */
const URL_PATH = /^\/[A-Za-z0-9._~/-]{0,200}$/;
/** `PATH RATE [burst=N]`, e.g. `/login 10r/m` or `/api/ 5r/s burst=20`. */
function parseRateLimit(line) {
    const m = /^(\S+)\s+(\d{1,6})r\/(s|m)(?:\s+burst=(\d{1,6}))?$/.exec(line.trim());
    if (!m)
        return `each line must be PATH RATE [burst=N], e.g. /login 10r/m or /api/ 5r/s burst=20, got '${line.trim()}'`;
    const path = m[1];
    if (!URL_PATH.test(path) || path.includes('//') || /(^|\/)\.\.?(\/|$)/.test(path))
        return `'${path}' is not a URL path (/login, /api/: letters, digits, . _ ~ - and /)`;
    const rate = Number(m[2]);
    if (rate < 1)
        return `the rate of ${path} must be at least 1r/${m[3]}`;
    return { path, rate, per: m[3], burst: Number(m[4] ?? 0) };
}
/** Seconds a client waits for its next allowed request: what a 429's Retry-After says. */
function retryAfterSeconds(r) {
    return Math.max(1, Math.ceil((r.per === 'm' ? 60 : 1) / r.rate));
}
/** An IPv4 or IPv6 address or CIDR block, normalised (`::ffff:` stripped), or why not. */
function parseSource(raw) {
    const m = /^([0-9A-Fa-f:.]+)(?:\/(\d{1,3}))?$/.exec(raw.trim());
    const addr = m?.[1]?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1') ?? '';
    const family = (0,external_node_net_.isIP)(addr);
    const max = family === 4 ? 32 : 128;
    const prefix = m?.[2] === undefined ? max : Number(m[2]);
    if (!m || family === 0 || prefix > max)
        return `'${raw.trim()}' is not an IPv4 or IPv6 address or CIDR block (203.0.113.7, 198.51.100.0/24, 2001:db8::/32)`;
    if (family === 4 && prefix < 32) {
        const n = addr.split('.').reduce((a, o) => a * 256 + Number(o), 0);
        if (n % 2 ** (32 - prefix) !== 0)
            return `'${raw.trim()}' has host bits set: the block is written with its first address (198.51.100.0/24)`;
    }
    return { address: addr.toLowerCase(), prefix, family: family };
}
/** The source as nft and fail2ban take it: `203.0.113.7` or `198.51.100.0/24`. */
function sourceText(s) {
    return s.prefix === (s.family === 4 ? 32 : 128) ? s.address : `${s.address}/${s.prefix}`;
}
/** One source address of ssh-allow-from (or the run's own), as it reaches a script. */
function sourceProblem(v) {
    const p = parseSource(v);
    return typeof p === 'string' ? p : sourceText(p) === v ? undefined : `'${v}' is not in its plain form`;
}

;// CONCATENATED MODULE: ./src/rules.ts
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

// Problem is in scope too, for blocks appended at the end of this file.

// Names: the app (a user, group and units), login users, release and backup ids, packages, extras.

// Paths on the server and in the release.

// What Gunicorn, curl and nginx are given, and free text sent to a server.

// The app's environment file.

// Durations and sizes.

// Certificates and the ACME account (tls: acme | files).

// Firewall ports and the alert webhook (firewall-allow, alert-webhook).

// The load check's bounds (load-clients, load-duration, ...).

// Gunicorn's worker class and the gunicorn-settings lines.

// mode status and logs: since, process


// The site's rate limits and SSH's allowed sources (rate-limit, ssh-allow-from).



/***/ }),

/***/ 490:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ parseWhen)
/* harmony export */ });
/**
 * When a schedule runs: a systemd calendar expression (`daily`, `Mon..Fri *-*-* 03:00`,
 * `*:0/15`), checked here against systemd's grammar before any connection (the server's
 * `systemd-analyze calendar` checks again what passes), or a 5-field cron line (`0 3 * * 1-5`,
 * `@daily`) translated to systemd's form. The result is one or more OnCalendar= values: cron runs a
 * line whose day-of-month and day-of-week are both restricted when EITHER matches, systemd only
 * when both do, so such a line becomes two expressions.
 */
const SHORTHANDS = new Set([
    'minutely',
    'hourly',
    'daily',
    'weekly',
    'monthly',
    'quarterly',
    'semiannually',
    'yearly',
    'annually'
]);
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const FULL_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const CRON_SPECIALS = {
    '@yearly': '*-01-01 00:00:00',
    '@annually': '*-01-01 00:00:00',
    '@monthly': '*-*-01 00:00:00',
    // cron's week starts on Sunday; systemd's `weekly` is Monday.
    '@weekly': 'Sun *-*-* 00:00:00',
    '@daily': '*-*-* 00:00:00',
    '@midnight': '*-*-* 00:00:00',
    '@hourly': '*-*-* *:00:00'
};
/** `WHEN` as written -> its OnCalendar= values, or why it is refused. */
function parseWhen(raw) {
    const when = raw.trim().replace(/\s+/g, ' ');
    if (when === '')
        return 'has no time before the colon';
    if (when.length > 200)
        return 'the time is longer than 200 characters';
    if (!/^[A-Za-z0-9*:/,.~+@ _-]+$/.test(when))
        return `'${when.slice(0, 60)}' has a character a calendar expression never holds`;
    if (when.startsWith('@')) {
        if (when === '@reboot')
            return "'@reboot' is not a schedule: run it as a process or in a hook";
        const sd = CRON_SPECIALS[when.toLowerCase()];
        return sd
            ? { calendars: [sd], kind: 'cron' }
            : `'${when}' is not a cron shorthand (@hourly, @daily, ...)`;
    }
    const fields = when.split(' ');
    if (fields.length === 5 && fields.every((f) => /^[A-Za-z0-9*/,-]+$/.test(f))) {
        const cron = cronToCalendars(fields);
        return typeof cron === 'string' ? `cron line '${when}': ${cron}` : { calendars: cron, kind: 'cron' };
    }
    const bad = systemdProblem(fields);
    return bad
        ? `'${when}' is not a systemd calendar expression (${bad}) nor a 5-field cron line`
        : { calendars: [when], kind: 'systemd' };
}
// ---- systemd's grammar: [WEEKDAYS] [[YEAR-]MONTH-DAY] [HH:MM[:SS]] [TIMEZONE] ----
/** One component (`*`, `5`, `1..5`, `0/15`, `1,15`, lists of those) with values in lo..hi. */
function componentProblem(text, what, lo, hi, fraction = false) {
    for (const item of text.split(',')) {
        const num = fraction ? '\\d+(?:\\.\\d{1,6})?' : '\\d+';
        const m = new RegExp(`^(\\*|${num}(?:\\.\\.${num})?)(?:/(${num}))?$`).exec(item);
        if (!m)
            return `${what} '${item}'`;
        if (m[2] !== undefined && Number(m[2]) <= 0)
            return `${what} '${item}': a repetition of 0`;
        if (m[1] === '*')
            continue;
        const [a, b] = m[1].split('..').map(Number);
        if (a < lo || a > hi || (b !== undefined && (b < a || b > hi)))
            return `${what} '${item}' is not in ${lo}..${hi}`;
    }
    return undefined;
}
function dayIndex(name) {
    const n = name.toLowerCase();
    const i = DAYS.indexOf(n);
    return i >= 0 ? i : FULL_DAYS.indexOf(n);
}
function weekdaysProblem(text) {
    for (const item of text.split(',')) {
        const parts = item.includes('..') ? item.split('..') : item.split('-');
        if (parts.length > 2 || parts.some((p) => dayIndex(p) < 0))
            return `weekday '${item}'`;
    }
    return undefined;
}
function dateProblem(text) {
    // MONTH-DAY, YEAR-MONTH-DAY; ~ counts the day from the month's end.
    const m = /^(?:([^-~]+)-)?([^-~]+)([-~])([^-~]+)$/.exec(text);
    if (!m)
        return `date '${text}'`;
    return ((m[1] === undefined ? undefined : componentProblem(m[1], 'year', 1970, 2199)) ??
        componentProblem(m[2], 'month', 1, 12) ??
        componentProblem(m[4], 'day', 1, 31));
}
function timeProblem(text) {
    const parts = text.split(':');
    if (parts.length < 2 || parts.length > 3)
        return `time '${text}'`;
    return (componentProblem(parts[0], 'hour', 0, 23) ??
        componentProblem(parts[1], 'minute', 0, 59) ??
        (parts[2] === undefined ? undefined : componentProblem(parts[2], 'second', 0, 59, true)));
}
const TIMEZONE = /^(UTC|[A-Z][A-Za-z_+-]*(\/[A-Za-z0-9_+-]+){0,2})$/;
function systemdProblem(tokens) {
    let rest = [...tokens];
    if (SHORTHANDS.has(rest[0].toLowerCase())) {
        rest = rest.slice(1);
        if (rest.length === 0)
            return undefined;
        return rest.length === 1 && TIMEZONE.test(rest[0]) && dayIndex(rest[0]) < 0
            ? undefined
            : `'${rest.join(' ')}' after '${tokens[0]}'`;
    }
    // A trailing word after a date or a time is a timezone (systemd checks the name itself).
    if (rest.length > 1 && TIMEZONE.test(rest.at(-1)) && /[-:~]/.test(rest.at(-2)))
        rest = rest.slice(0, -1);
    let i = 0;
    if (rest[i] && /^[A-Za-z]/.test(rest[i])) {
        const bad = weekdaysProblem(rest[i]);
        if (bad)
            return bad;
        i++;
    }
    if (rest[i] && !rest[i].includes(':')) {
        const bad = dateProblem(rest[i]);
        if (bad)
            return bad;
        i++;
    }
    if (rest[i]) {
        const bad = timeProblem(rest[i]);
        if (bad)
            return bad;
        i++;
    }
    if (i === 0)
        return 'no weekday, date or time';
    return i < rest.length ? `'${rest.slice(i).join(' ')}' is left over` : undefined;
}
const CRON_FIELDS = [
    { name: 'minute', lo: 0, hi: 59 },
    { name: 'hour', lo: 0, hi: 23 },
    { name: 'day of month', lo: 1, hi: 31 },
    { name: 'month', lo: 1, hi: 12, names: MONTHS },
    { name: 'day of week', lo: 0, hi: 7, names: DAYS }
];
function cronValue(text, f) {
    if (/^\d+$/.test(text)) {
        const n = Number(text);
        return n >= f.lo && n <= f.hi ? n : undefined;
    }
    const i = f.names?.indexOf(text.toLowerCase()) ?? -1;
    return i < 0 ? undefined : f.names === MONTHS ? i + 1 : i;
}
function cronField(text, f) {
    if (text === '*')
        return { all: true, values: [] };
    const star = /^\*\/(\d+)$/.exec(text);
    if (star) {
        const step = Number(star[1]);
        if (step < 1 || step > f.hi)
            return `${f.name} '${text}': the step must be 1 to ${f.hi}`;
        return { all: false, step, values: [] };
    }
    const values = new Set();
    for (const item of text.split(',')) {
        const m = /^([A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(item);
        const a = m ? cronValue(m[1], f) : undefined;
        const b = m?.[2] !== undefined ? cronValue(m[2], f) : m?.[3] !== undefined ? f.hi : a;
        const step = m?.[3] !== undefined ? Number(m[3]) : 1;
        if (a === undefined || b === undefined || b < a || step < 1)
            return `${f.name} '${item}' is not a value, range or step of ${f.lo}..${f.hi}`;
        for (let v = a; v <= b; v += step)
            values.add(v);
    }
    return { all: false, values: [...values].sort((x, y) => x - y) };
}
function pad(n) {
    return String(n).padStart(2, '0');
}
/** One systemd component for a cron field: `*`, `START/STEP`, or a list. */
function component(sel, f) {
    if (sel.all)
        return '*';
    if (sel.step)
        return `${pad(f.lo)}/${sel.step}`;
    return sel.values.map(pad).join(',');
}
function cronToCalendars(fields) {
    const sel = [];
    for (const [i, f] of CRON_FIELDS.entries()) {
        const s = cronField(fields[i], f);
        if (typeof s === 'string')
            return s;
        sel.push(s);
    }
    const [min, hour, dom, mon, dow] = sel;
    const time = `${component(hour, CRON_FIELDS[1])}:${component(min, CRON_FIELDS[0])}:00`;
    const month = component(mon, CRON_FIELDS[3]);
    // 0 and 7 are both Sunday; a step over the week is spelled out.
    const days = dow.all
        ? ''
        : [
            ...new Set((dow.step ? [0, 1, 2, 3, 4, 5, 6].filter((d) => d % dow.step === 0) : dow.values).map((d) => d % 7))
        ]
            .sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7))
            .map((d) => DAY_NAMES[d])
            .join(',');
    const byDate = `*-${month}-${component(dom, CRON_FIELDS[2])} ${time}`;
    // Like cron: when either day field is written starting with *, both must match; when both are
    // restricted, either one does.
    if (fields[2].startsWith('*') || fields[4].startsWith('*'))
        return [days ? `${days} ${byDate}` : byDate];
    return [`${days} *-${month}-* ${time}`, byDate];
}


/***/ }),

/***/ 5036:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  xd: () => (/* reexport */ GUNICORN_NUMBERS),
  So: () => (/* reexport */ REDIS_SOCKET),
  GN: () => (/* binding */ SettingsError),
  JD: () => (/* reexport */ appEnv),
  I6: () => (/* reexport */ databaseUrlSecrets),
  vy: () => (/* reexport */ hostLabel),
  Sc: () => (/* reexport */ inputSecrets),
  yD: () => (/* binding */ parseRememberedSections),
  P$: () => (/* binding */ parseSettings)
});

// UNUSED EXPORTS: DEFAULT_EXCLUDES, INPUT_DEFAULTS, MODES, REDIS_URL, SERVICES, parseDuration, parseHost, splitList

// EXTERNAL MODULE: ./src/troubleshooting.ts
var troubleshooting = __webpack_require__(933);
// EXTERNAL MODULE: ./src/rules.ts + 13 modules
var rules = __webpack_require__(2655);
;// CONCATENATED MODULE: ./src/settings/defaults.ts
// Generated from action.yml by scripts/input-defaults.mjs: edit action.yml, then run that script.
// __tests__/unit/settings.test.ts fails when this file is stale.
/** The default of every optional input that has one, as action.yml declares it. */
const INPUT_DEFAULTS = {
    mode: 'deploy',
    port: '22',
    user: 'deploy',
    'trust-on-first-use': 'false',
    'connect-timeout': '20s',
    source: '.',
    'wsgi-app': 'app:app',
    requirements: 'auto',
    python: 'python3',
    'venv-system-site-packages': 'false',
    workers: 'auto',
    'preload-libraries': 'true',
    'worker-class': 'sync',
    timeout: '60',
    'graceful-timeout': '30',
    keepalive: '2',
    'max-requests': '0',
    'worker-connections': '1000',
    'limit-request-line': '4094',
    'limit-request-fields': '100',
    'limit-request-field-size': '8190',
    'shared-paths': 'instance',
    'health-path': '/health',
    'health-timeout': '30s',
    'keep-releases': '5',
    'backups-keep': '10',
    database: 'sqlite',
    'database-backup': 'migrations',
    'stop-timeout': '30s',
    'process-settle': '3s',
    'lock-timeout': '5m',
    'force-unlock': 'false',
    'min-free-space': 'auto',
    'run-lock': 'false',
    history: '0',
    lines: '50',
    follow: 'false',
    load: 'false',
    'load-clients': '10,50,100',
    'load-duration': '10s',
    'load-max-requests': '100000',
    'load-think-time': '1s',
    'load-p95': '500ms',
    'load-success': '99',
    'load-cpu': '80',
    'load-memory': '80',
    backup: 'latest',
    'rollback-restore-database': 'false',
    'server-name': '_',
    'client-max-body-size': '10m',
    tls: 'off',
    'acme-server': 'https://acme-v02.api.letsencrypt.org/directory',
    hsts: 'false',
    'hsts-subdomains': 'false',
    'hsts-preload': 'false',
    'security-headers': 'true',
    'health-interval': '5m',
    'backups-days': '30',
    'import-database-force': 'false',
    firewall: 'false',
    fail2ban: 'false',
    'remove-data': 'false',
    'remove-certificate': 'false',
    metrics: 'false',
    'metrics-listen': '127.0.0.1:9100',
    'dry-run': 'false',
    'full-upload': 'false',
    'max-parallel': '1',
    canary: 'false',
    'rollback-scope': 'all',
    environment: 'production'
};

;// CONCATENATED MODULE: ./src/settings/inputs.ts


/** Items separated by commas or newlines (and blank lines ignored). */
function splitList(raw, separators = /[,\n]/) {
    return raw
        .split(separators)
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}
/** '500ms', '30', '30s', '5m', '1h' -> milliseconds; NaN when malformed. */
function parseDuration(raw) {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(raw.trim());
    if (!m)
        return NaN;
    const n = Number(m[1]);
    const unit = m[2] ?? 's';
    return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]);
}
/** The one input reader of a parse: records which inputs were given, adds problems to `problems`. */
function inputReader(readInput, problems, given) {
    const raw = (name) => {
        const v = readInput(name);
        if (v.trim() !== '')
            given.add(name);
        return v;
    };
    const get = (name) => {
        const v = raw(name).trim();
        return v !== '' ? v : (INPUT_DEFAULTS[name] ?? '');
    };
    const check = (name, problem) => {
        if (problem)
            problems.push(`input \`${name}\`: ${problem}`);
    };
    return Object.assign(raw, {
        get,
        text: (name) => raw(name).trim(),
        required(name) {
            const v = get(name);
            if (v === '')
                check(name, 'is required');
            return v;
        },
        bool(name) {
            const v = get(name);
            if (/^(true|True|TRUE|yes|1)$/.test(v))
                return true;
            if (!/^(false|False|FALSE|no|0)$/.test(v) && v !== '')
                check(name, `must be true or false, got '${v}'`);
            return false;
        },
        int(name, min, max) {
            const v = get(name);
            const n = Number(v);
            if (/^\d+$/.test(v) && n >= min && n <= max)
                return n;
            check(name, `must be a whole number from ${min} to ${max}, got '${v}'`);
            return min;
        },
        duration(name) {
            const v = get(name);
            const ms = parseDuration(v);
            const bad = (0,rules/* durationProblem */.YV)(ms, rules/* DURATION_MAX_MS */.nb[name]);
            if (!bad)
                return ms;
            check(name, `${bad}, got '${v}'`);
            // Within every other bound, so one bad duration is reported once.
            return rules/* DURATION_MAX_MS */.nb[name] ?? 1000;
        },
        list: (name, separators) => splitList(get(name), separators),
        check
    });
}

;// CONCATENATED MODULE: ./src/mode-names.ts
/** The modes a run can have: a leaf module, so the step catalog and the settings both read it. */
const MODES = [
    'deploy',
    'preflight',
    'rollback',
    'provision',
    'verify',
    'restore',
    'backups',
    'run',
    'loadtest',
    'status',
    'logs',
    'maintenance',
    'remove',
    'alert-test'
];

;// CONCATENATED MODULE: ./src/settings/mode.ts



/** `mode` (deploy when not valid, after saying so). */
function parseMode(read, problems) {
    const raw = read.get('mode');
    if (MODES.includes(raw))
        return raw;
    problems.push(`input \`mode\`: must be one of ${MODES.join(', ')}, got '${raw}'`);
    return 'deploy';
}
/** `command` (required with mode run) and `run-lock`. */
function parseRunSettings(read, _problems, mode) {
    const command = read.text('command');
    if (mode === 'run')
        read.check('command', command === '' ? 'is required with mode run' : (0,rules/* commandProblem */.RS)(command));
    return { command, lock: read.bool('run-lock') };
}

;// CONCATENATED MODULE: ./src/settings/ssh.ts

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
function isIp(host) {
    const m = IPV4.exec(host);
    return !!m && m.slice(1).every((o) => Number(o) <= 255);
}
function isIpv6(host) {
    return /^[0-9A-Fa-f:]+$/.test(host) && host.includes(':');
}
/** 'host', 'host:port', '[v6]:port' -> HostSpec, or a message saying what is wrong. */
function parseHost(item, defaultPort) {
    let host = item;
    let port = defaultPort;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
    if (bracket) {
        host = bracket[1];
        if (bracket[2])
            port = Number(bracket[2]);
    }
    else if ((item.match(/:/g) ?? []).length === 1) {
        const [h, p] = item.split(':');
        host = h;
        if (!/^\d+$/.test(p))
            return `'${item}': the port after ':' must be a number`;
        port = Number(p);
    }
    if (port < 1 || port > 65535)
        return `'${item}': port must be 1-65535`;
    if (!(isIp(host) || isIpv6(host) || (HOSTNAME.test(host) && !IPV4.test(host)))) {
        return `'${item}' is not a host name or IP address`;
    }
    return { host, port };
}
/** `host` (one or more servers) and `port` (theirs unless a host names its own). */
function parseHosts(read, problems) {
    const defaultPort = read.int('port', 1, 65535);
    const hosts = [];
    for (const item of read.list('host')) {
        const spec = parseHost(item, defaultPort);
        if (typeof spec === 'string')
            read.check('host', spec);
        else
            hosts.push(spec);
    }
    if (read.get('host') === '')
        read.check('host', 'is required');
    if (new Set(hosts.map((h) => `${h.host}:${h.port}`)).size !== hosts.length) {
        problems.push('input `host`: lists the same server twice');
    }
    return hosts;
}
/** Multi-line key text with LF line ends and a final newline ('' stays ''). */
function keyText(raw) {
    const key = raw.trim().replace(/\r\n/g, '\n');
    return key === '' || key.endsWith('\n') ? key : key + '\n';
}
function fingerprintList(read, name, problems, hint) {
    const fingerprints = read.list(name, /[\s,]+/);
    for (const f of fingerprints) {
        if (!FINGERPRINT.test(f))
            problems.push(`input \`${name}\`: '${f}' is not a SHA256 fingerprint${hint}`);
    }
    return fingerprints;
}
/** The login (`user`, `private-key`, `passphrase`) and how servers are verified (host keys). */
function parseSshSettings(read, problems) {
    const user = read.get('user');
    read.check('user', (0,rules/* loginNameProblem */.ii)(user));
    const privateKey = keyText(read.required('private-key'));
    if (privateKey !== '' && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) {
        problems.push('input `private-key`: must be the private key text itself (-----BEGIN ... PRIVATE KEY-----), not a path or a public key');
    }
    const fingerprints = fingerprintList(read, 'host-fingerprint', problems, '; expected SHA256: followed by 43 base64 characters (ssh-keygen -lf prints it)');
    const knownHosts = read.text('known-hosts');
    const trustOnFirstUse = read.bool('trust-on-first-use');
    if (!knownHosts && fingerprints.length === 0 && !trustOnFirstUse) {
        problems.push("input `known-hosts`: give the servers' host keys (known-hosts or host-fingerprint) so the server can be verified; " +
            'trust-on-first-use: true accepts an unknown key and prints its fingerprint to pin');
    }
    return {
        user,
        privateKey,
        passphrase: read('passphrase') || undefined,
        knownHosts: knownHosts || undefined,
        fingerprints,
        trustOnFirstUse,
        connectTimeoutMs: read.duration('connect-timeout')
    };
}
/** `jump-host` (user@host:port) with its own key and host keys; undefined without a bastion. */
function parseJumpSettings(read, problems, ssh) {
    const spec = read.text('jump-host');
    if (!spec)
        return undefined;
    const at = spec.lastIndexOf('@');
    const user = at > 0 ? spec.slice(0, at) : ssh.user;
    const hp = parseHost(at > 0 ? spec.slice(at + 1) : spec, 22);
    if (typeof hp === 'string' || !rules/* LOGIN_NAME */.Sq.test(user)) {
        problems.push(`input \`jump-host\`: must be user@host or user@host:port, got '${spec}'`);
        return undefined;
    }
    const privateKey = keyText(read.text('jump-private-key')) || ssh.privateKey;
    const fingerprints = fingerprintList(read, 'jump-host-fingerprint', problems, '');
    const knownHosts = read.text('jump-known-hosts') || undefined;
    if (!knownHosts && fingerprints.length === 0) {
        problems.push("input `jump-known-hosts`: give the bastion's host key (jump-known-hosts or jump-host-fingerprint); it is verified like any other host");
    }
    return { ...hp, user, privateKey, knownHosts, fingerprints };
}

;// CONCATENATED MODULE: ./src/settings/app.ts


const DEFAULT_EXCLUDES = ['.git', '__pycache__', '.venv', 'node_modules'];
/** `app-name`, `app-dir` (default /srv/APP), `source` and `exclude`; the login user may not be the app's. */
function parseAppSettings(read, _problems, loginUser) {
    const name = read.required('app-name');
    const nameBad = name !== '' ? (0,rules/* appNameProblem */.A)(name, loginUser) : undefined;
    read.check('app-name', nameBad);
    const dirRaw = read.text('app-dir');
    const dir = (0,rules/* normalisePath */.qb)(dirRaw || `/srv/${name}`);
    // A default app-dir built from a bad app-name would only repeat the app-name problem.
    if (dirRaw !== '' || (name !== '' && !nameBad))
        read.check('app-dir', (0,rules/* appDirProblem */.M4)(dir, loginUser));
    return {
        name,
        dir,
        source: read.get('source'),
        exclude: [...DEFAULT_EXCLUDES, ...splitList(read('exclude'))]
    };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/provision/tls-chain.ts

/** Every certificate of a PEM chain, in order; undefined when one does not parse. */
function parseChain(chain) {
    const blocks = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    try {
        return blocks.map((b) => new external_node_crypto_.X509Certificate(b));
    }
    catch {
        return undefined;
    }
}
const subjectOf = (c) => c.subject.replace(/\n/g, ', ');
/**
 * tls: files: the chain as nginx sends it must start with the site's certificate, each one issued
 * by the next, and the site's certificate must cover every server-name (a browser refuses a name it
 * does not list). Undefined when it is sound or does not parse (certificateKeyProblem says so).
 */
function chainProblem(chain, serverNames) {
    const certs = parseChain(chain);
    if (!certs || certs.length === 0)
        return undefined;
    const leafAt = certs.findIndex((c) => !c.ca);
    // A self-signed certificate may say CA:TRUE (openssl req -x509 does): only a CA before a leaf is
    // the wrong order.
    if (certs[0].ca && leafAt > 0)
        return `the chain is in the wrong order: the site's certificate (${subjectOf(certs[leafAt])}) is number ${leafAt + 1}, after the CA certificate ${subjectOf(certs[0])}; put the site's certificate first, then its intermediates (as in certbot's fullchain.pem)`;
    for (let i = 0; i + 1 < certs.length; i++) {
        if (!certs[i].checkIssued(certs[i + 1]))
            return `the chain is in the wrong order: certificate ${i + 1} (${subjectOf(certs[i])}) is not issued by certificate ${i + 2} (${subjectOf(certs[i + 1])}); each certificate must be followed by its issuer`;
    }
    const leaf = certs[0];
    const missing = serverNames.filter((n) => n !== '_' && leaf.checkHost(n) === undefined);
    if (missing.length > 0)
        return `does not cover server-name ${missing.join(', ')} (it is for ${leaf.subjectAltName ?? subjectOf(leaf)}); give a certificate for every server-name, or drop the names it lacks`;
    return undefined;
}

;// CONCATENATED MODULE: ./src/settings/tls.ts



/** Let's Encrypt's production directory: what `acme-server` is when not given. */
const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';
const TLS_MODES = ['off', 'acme', 'files'];
/** The inputs holding secrets, registered with the runner before anything prints. */
const TLS_SECRET_INPUTS = ['tls-key'];
const pem = (raw) => {
    const t = raw.replace(/\r\n/g, '\n').trim();
    return t === '' ? '' : `${t}\n`;
};
/**
 * The TLS inputs; every bad value adds one problem. `serverNames` are the parsed server-name
 * entries: ACME validates each name over HTTP, so `_`, wildcards and IP addresses cannot get a
 * certificate and are refused here, before any server is touched. A key that does not match its
 * certificate, or a certificate past its end date, is refused here too.
 */
function parseTlsSettings(read, problems, serverNames) {
    const get = read.get;
    const modeRaw = get('tls');
    const mode = TLS_MODES.includes(modeRaw) ? modeRaw : 'off';
    if (mode !== modeRaw)
        problems.push(`input \`tls\`: must be off, acme (a certificate from an ACME CA such as Let's Encrypt) or files (tls-certificate and tls-key), got '${modeRaw}'`);
    const hsts = read.bool('hsts');
    const settings = {
        mode,
        hsts,
        hstsSubdomains: read.bool('hsts-subdomains'),
        hstsPreload: read.bool('hsts-preload'),
        acmeEmail: read('acme-email').trim(),
        acmeServer: get('acme-server'),
        acmeCaBundle: pem(read('acme-ca-bundle')),
        certificate: pem(read('tls-certificate')),
        key: pem(read('tls-key'))
    };
    const problem = (name, p) => {
        if (p)
            problems.push(`input \`${name}\`: ${p}`);
    };
    if (hsts && mode === 'off')
        problem('hsts', 'needs tls: acme or tls: files (HSTS is sent over HTTPS only)');
    if (settings.hstsSubdomains && !hsts)
        problem('hsts-subdomains', 'needs hsts: true (it is a part of the HSTS header)');
    // The preload list takes only a year or more with includeSubDomains, and leaving it takes months.
    if (settings.hstsPreload && !(hsts && settings.hstsSubdomains))
        problem('hsts-preload', 'needs hsts: true and hsts-subdomains: true (the preload list takes only HSTS with includeSubDomains and a max-age of a year or more)');
    if (mode === 'acme') {
        for (const n of serverNames)
            problem('server-name', (0,rules/* tlsServerNameProblem */.dY)(n));
        problem('acme-email', settings.acmeEmail === '' ? 'is required with tls: acme' : (0,rules/* acmeEmailProblem */.kJ)(settings.acmeEmail));
        problem('acme-server', (0,rules/* acmeServerProblem */.TA)(settings.acmeServer));
        if (settings.acmeCaBundle)
            problem('acme-ca-bundle', (0,rules/* pemCertificatesProblem */.wT)(settings.acmeCaBundle));
    }
    else {
        for (const name of ['acme-email', 'acme-ca-bundle'])
            if (read(name).trim())
                problem(name, 'is only used with tls: acme');
    }
    if (mode === 'files') {
        if (!settings.certificate)
            problem('tls-certificate', 'is required with tls: files (the PEM certificate chain)');
        if (!settings.key)
            problem('tls-key', 'is required with tls: files (the PEM private key, from a secret)');
        // Only PEM blocks are stored: nothing after (or between) them reaches the server.
        const certPem = settings.certificate ? (0,rules/* pemCertificatesProblem */.wT)(settings.certificate) : undefined;
        const keyPem = settings.key ? (0,rules/* pemKeyProblem */.Rh)(settings.key) : undefined;
        problem('tls-certificate', certPem);
        problem('tls-key', keyPem);
        const chain = settings.certificate && !certPem ? chainProblem(settings.certificate, serverNames) : undefined;
        problem('tls-certificate', chain);
        // A chain in the wrong order would also "not match" its key: the order is what to fix.
        if (settings.certificate && settings.key && !certPem && !keyPem && !chain)
            problem('tls-key', certificateKeyProblem(settings.certificate, settings.key));
    }
    else {
        for (const name of ['tls-certificate', 'tls-key'])
            if (read(name).trim())
                problem(name, 'is only used with tls: files');
    }
    return settings;
}
/**
 * Why this certificate chain and key cannot serve: unreadable, not a pair, or expired. Messages
 * never quote the key.
 */
function certificateKeyProblem(chain, keyPem, now = new Date()) {
    const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chain)?.[0];
    let cert;
    try {
        cert = new external_node_crypto_.X509Certificate(first ?? chain);
    }
    catch {
        return 'tls-certificate is not a PEM certificate (-----BEGIN CERTIFICATE-----)';
    }
    let key;
    try {
        key = (0,external_node_crypto_.createPrivateKey)(keyPem);
    }
    catch {
        return 'is not a PEM private key without a passphrase (-----BEGIN PRIVATE KEY-----); nothing was changed';
    }
    if (!cert.checkPrivateKey(key))
        return `does not match tls-certificate (${cert.subject.replace(/\n/g, ', ')}): the key belongs to another certificate; nothing was changed`;
    if (new Date(cert.validTo).getTime() <= now.getTime())
        return `tls-certificate expired on ${cert.validTo}; give a current certificate`;
    return undefined;
}

;// CONCATENATED MODULE: ./src/settings/database.ts
/** PostgreSQL identifiers this tool creates and quotes: what an app name may be, up to 63 bytes. */
const PG_IDENT = /^[a-z_][a-z0-9_-]{0,62}$/;
/** The input names whose whole value is secret. */
const DATABASE_SECRET_INPUTS = ['database-url'];
/**
 * The URL and its password on their own (as written and decoded): a password file or an error can
 * carry the password without the rest of the URL.
 */
function databaseUrlSecrets(raw) {
    const v = raw.trim();
    if (!v)
        return [];
    const out = [v];
    try {
        const pw = new URL(v).password;
        if (pw)
            out.push(pw, decodeURIComponent(pw));
    }
    catch {
        // not a URL: the whole value is masked, which is all there is
    }
    return [...new Set(out)];
}
/**
 * A postgres:// or postgresql:// URL with a host and a database; a problem (never quoting the
 * value: it may hold a password) when it does not parse.
 */
function parsePgUrl(raw) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
    if (!scheme)
        return 'does not parse as a URL (postgresql://USER:PASSWORD@HOST:PORT/DBNAME)';
    if (scheme !== 'postgres' && scheme !== 'postgresql')
        return `scheme '${scheme}' is not supported: use postgresql://USER:PASSWORD@HOST:PORT/DBNAME`;
    let u;
    try {
        u = new URL(raw);
    }
    catch {
        return 'does not parse as a URL (postgresql://USER:PASSWORD@HOST:PORT/DBNAME)';
    }
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const dbname = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (!host)
        return 'needs a host (the local server needs no database-url: leave it empty)';
    if (!/^[A-Za-z0-9.:-]+$/.test(host))
        return 'has a host that is not a host name or an IP address';
    if (!dbname || /[\s/'"\\]/.test(dbname))
        return 'needs a database name after the host (…/DBNAME)';
    const user = decodeURIComponent(u.username);
    if (!user || /[\s'"\\:]/.test(user))
        return 'needs a user name (postgresql://USER:PASSWORD@HOST/DBNAME)';
    const password = decodeURIComponent(u.password);
    if (/[\r\n\0]/.test(password))
        return 'has a password with a line break or NUL';
    const port = u.port ? Number(u.port) : 5432;
    return { host, port, user, password, dbname };
}
/** `database`, `database-name`, `database-url`, `database-backup`; every problem names its input. */
function parseDatabaseSettings(read, problems, appName, sqliteDb) {
    const kindRaw = read.get('database');
    const kind = kindRaw === 'postgres' || kindRaw === 'postgresql' ? 'postgres' : 'sqlite';
    if (kind === 'sqlite' && kindRaw !== 'sqlite')
        read.check('database', `must be sqlite (the sqlite-db file) or postgres (PostgreSQL), got '${kindRaw}'` +
            (/^(mysql|mariadb)$/i.test(kindRaw) ? ': MariaDB/MySQL is not supported' : ''));
    const backupRaw = read.get('database-backup');
    if (backupRaw !== 'migrations' && backupRaw !== 'always')
        read.check('database-backup', `must be migrations or always, got '${backupRaw}'`);
    const nameRaw = read.text('database-name');
    const name = nameRaw || appName;
    if (nameRaw && !PG_IDENT.test(nameRaw))
        read.check('database-name', `must be an identifier (lower-case letters, digits, _ and -, starting with a letter or _, at most 63), got '${nameRaw}'`);
    const url = read('database-url').trim();
    let external;
    if (url) {
        const parsed = parsePgUrl(url);
        if (typeof parsed === 'string')
            read.check('database-url', parsed);
        else
            external = parsed;
        if (kind !== 'postgres')
            read.check('database-url', 'needs database: postgres');
        if (nameRaw)
            read.check('database-name', 'is the database of database-url when that is set: leave it empty');
    }
    if (kind === 'postgres' && sqliteDb)
        problems.push('input `sqlite-db`: not with database: postgres (leave it empty)');
    return {
        kind,
        name: external ? external.dbname : name,
        url,
        external,
        backupAlways: backupRaw === 'always'
    };
}
/**
 * The app's environment as written to its env file: `env`, plus DATABASE_URL for PostgreSQL unless
 * `env` sets one (the socket form for the local server, where peer authentication needs no password).
 */
function appEnv(env, db) {
    if (db.kind !== 'postgres' || env.some((e) => e.key === 'DATABASE_URL'))
        return [...env];
    return [...env, { key: 'DATABASE_URL', value: db.url || `postgresql:///${db.name}` }];
}

;// CONCATENATED MODULE: ./src/settings/env.ts



/**
 * The `env` input's KEY=VALUE lines as given: comments and blank lines left out, values verbatim
 * (= and spaces included). CRLF ends a line like LF does; any other CR is part of a value (and
 * refused by the rules). A line without a key has key ''.
 */
function envLines(text) {
    const out = [];
    for (const line of text.split(/\r?\n/)) {
        if (line.trim() === '' || line.trim().startsWith('#'))
            continue;
        const eq = line.indexOf('=');
        out.push({ key: eq > 0 ? line.slice(0, eq).trim() : '', value: eq >= 0 ? line.slice(eq + 1) : '' });
    }
    return out;
}
/** `env`: the app's variables, checked against the rules (names, reserved names, values, DATABASE). */
function parseEnv(read, problems) {
    const env = [];
    for (const e of envLines(read('env'))) {
        if (!rules/* ENV_KEY */.yG.test(e.key)) {
            problems.push(`input \`env\`: each line must be KEY=VALUE with KEY like MY_SETTING; a line is not (key '${e.key}')`);
        }
        else
            env.push(e);
    }
    for (const p of (0,rules/* envProblems */.Co)(env))
        problems.push(`input \`env\`: ${p}`);
    read.check('env', (0,rules/* databaseEnvProblem */._j)(env));
    return env;
}
/** Inputs whose values are secret as a whole (env values are, one by one). */
const SECRET_INPUTS = [
    'private-key',
    'passphrase',
    'jump-private-key',
    'github-token',
    'notify-webhook',
    ...TLS_SECRET_INPUTS,
    ...DATABASE_SECRET_INPUTS
];
/**
 * Every value to mask, straight from the inputs: registered before the inputs are even parsed, so
 * no message (a problem quoting a value included) can print one. A multi-line key is also masked
 * line by line: a log line can carry one of its lines on its own.
 */
function inputSecrets(read) {
    const out = [];
    for (const name of SECRET_INPUTS) {
        const v = read(name);
        if (!v)
            continue;
        out.push(v);
        for (const line of v.split(/\r?\n/))
            if (line.trim().length >= 8 && line !== v)
                out.push(line);
    }
    out.push(...databaseUrlSecrets(read('database-url')));
    // Commented-out lines too: a secret there is still a secret.
    for (const line of read('env').split(/\r?\n/)) {
        const value = line.slice(line.indexOf('=') + 1);
        if (line.includes('=') && value.trim())
            out.push(value);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/settings/gunicorn.ts


/**
 * Gunicorn's whole-number settings this tool owns, listed once: the input that sets each, its
 * range (the input's rule, asserted again where the value reaches gunicorn.conf.py), and Gunicorn's
 * own default (what the config gets when a caller gives none).
 */
const GUNICORN_NUMBERS = {
    threads: { input: 'threads', min: 1, max: 256, gunicorn: 1 },
    maxRequests: { input: 'max-requests', min: 0, max: 10_000_000, gunicorn: 0 },
    maxRequestsJitter: { input: 'max-requests-jitter', min: 0, max: 10_000_000, gunicorn: 0 },
    workerConnections: { input: 'worker-connections', min: 1, max: 1_000_000, gunicorn: 1000 },
    limitRequestLine: { input: 'limit-request-line', min: 0, max: 8190, gunicorn: 4094 },
    limitRequestFields: { input: 'limit-request-fields', min: 0, max: 32768, gunicorn: 100 },
    limitRequestFieldSize: { input: 'limit-request-field-size', min: 0, max: 1_048_576, gunicorn: 8190 }
};
/** gthread without `threads`: a few threads per worker, Gunicorn's docs' usual starting point. */
const GTHREAD_DEFAULT_THREADS = 4;
/** The worker class, its settings and the `gunicorn-settings` lines; all checked before any connection. */
function parseGunicornSettings(read, _problems) {
    const cls = read.get('worker-class');
    const num = (k) => {
        const r = GUNICORN_NUMBERS[k];
        return read.int(r.input, r.min, r.max);
    };
    const bad = (0,rules/* workerClassProblem */.WS)(cls);
    read.check('worker-class', bad);
    const workerClass = bad ? 'sync' : cls;
    let threads = workerClass === 'gthread' ? GTHREAD_DEFAULT_THREADS : 1;
    if (read.text('threads') !== '') {
        threads = num('threads');
        if (threads > 1 && workerClass !== 'gthread' && !bad)
            read.check('threads', `applies to worker-class: gthread only (worker-class is ${workerClass}${workerClass === 'uvicorn' ? ', whose workers run an event loop' : ''}); set worker-class: gthread, or remove threads`);
    }
    const maxRequests = num('maxRequests');
    // A fixed max-requests recycles every worker at once; a jitter spreads them out.
    const jitter = read.text('max-requests-jitter') !== '' ? num('maxRequestsJitter') : Math.ceil(maxRequests / 10);
    if (jitter > 0 && maxRequests === 0 && read.text('max-requests-jitter') !== '')
        read.check('max-requests-jitter', 'needs max-requests (workers are never recycled without it)');
    const timeout = read.int('timeout', 1, 3600);
    const gracefulTimeout = read.int('graceful-timeout', 1, 3600);
    const extra = [];
    const seen = new Set();
    for (const line of splitList(read('gunicorn-settings'), /\n/)) {
        if (line.startsWith('#'))
            continue;
        const s = (0,rules/* parseGunicornSetting */.r7)(line);
        if (typeof s === 'string')
            read.check('gunicorn-settings', s);
        else if (seen.has(s.name))
            read.check('gunicorn-settings', `${s.name} is set twice`);
        else {
            seen.add(s.name);
            extra.push(s);
        }
    }
    return {
        workerClass,
        threads,
        timeout,
        gracefulTimeout,
        keepalive: read.int('keepalive', 0, 3600),
        maxRequests,
        maxRequestsJitter: jitter,
        workerConnections: num('workerConnections'),
        limitRequestLine: num('limitRequestLine'),
        limitRequestFields: num('limitRequestFields'),
        limitRequestFieldSize: num('limitRequestFieldSize'),
        extra
    };
}

;// CONCATENATED MODULE: ./src/settings/deploy.ts



/** What a release is, how it is built and proven, and what deploy, rollback and restore keep. */
function parseDeploySettings(read, problems) {
    /** A value checked by a rule when given (and returned as it is). */
    const ruled = (name, value, rule) => {
        if (value !== '')
            read.check(name, rule(value));
        return value;
    };
    /** Free text sent to a server: one line. */
    const oneLine = (name) => ruled(name, read.text(name), rules/* oneLineProblem */.yw);
    const workers = read.get('workers') === 'auto' ? 'auto' : read.int('workers', 1, 256);
    const floor = (0,rules/* parseDiskFloor */.lS)(read.get('min-free-space'));
    if (typeof floor === 'string')
        read.check('min-free-space', floor);
    const shared = read.list('shared-paths');
    const smokePaths = read.list('smoke-paths', /[\s,]+/);
    for (const p of smokePaths)
        read.check('smoke-paths', (0,rules/* healthPathProblem */.Nr)(p));
    const extras = read.list('extras', /[\s,]+/);
    for (const e of extras)
        read.check('extras', (0,rules/* extraNameProblem */.$f)(e));
    const backup = read.get('backup');
    if (backup !== 'latest')
        read.check('backup', (0,rules/* backupIdProblem */.lC)(backup));
    const build = read.text('build');
    read.check('build', (0,rules/* commandProblem */.RS)(read('build')));
    return {
        wsgiApp: ruled('wsgi-app', read.get('wsgi-app'), rules/* wsgiAppProblem */.Lt),
        requirements: ruled('requirements', read.get('requirements'), rules/* relPathProblem */.q5),
        extras,
        python: ruled('python', read.get('python'), rules/* pythonProblem */.Ec),
        venvSystemSitePackages: read.bool('venv-system-site-packages'),
        pipArgs: read.text('pip-args'),
        workers,
        gunicorn: parseGunicornSettings(read, problems),
        preloadLibraries: read.bool('preload-libraries'),
        // Paths that reach scripts and units unquoted by the user's intent: the strict character set.
        sharedPaths: shared.map((p) => ruled('shared-paths', p.replace(/:file$/, '').replace(/\/+$/, ''), rules/* safeRelPathProblem */.DS)),
        sharedFiles: shared.filter((p) => p.endsWith(':file')).map((p) => p.replace(/:file$/, '')),
        env: parseEnv(read, problems),
        healthPath: ruled('health-path', read.get('health-path'), rules/* healthPathProblem */.Nr),
        healthTimeoutMs: read.duration('health-timeout'),
        healthExpect: oneLine('health-expect'),
        healthHost: ruled('health-host', read.text('health-host'), rules/* healthHostProblem */.au),
        smokePaths,
        keepReleases: read.int('keep-releases', 2, 100),
        sqliteDb: ruled('sqlite-db', read.text('sqlite-db'), rules/* safeRelPathProblem */.DS),
        backupsKeep: read.int('backups-keep', 1, 1000),
        build,
        preActivate: read.text('pre-activate'),
        postActivate: read.text('post-activate'),
        rollbackCommand: ruled('rollback-command', read.text('rollback-command'), rules/* commandProblem */.RS),
        lockTimeoutMs: read.duration('lock-timeout'),
        forceUnlock: read.bool('force-unlock'),
        minFreeSpace: typeof floor === 'string' ? {} : floor,
        fullUpload: read.bool('full-upload'),
        rollbackTo: ruled('rollback-to', read.text('rollback-to'), rules/* releaseIdProblem */.co),
        backup,
        downloadBackup: oneLine('download-backup'),
        rollbackRestoreDatabase: read.bool('rollback-restore-database'),
        commit: oneLine('commit'),
        ref: oneLine('ref')
    };
}

;// CONCATENATED MODULE: ./src/settings/edge.ts

/** The inputs firewall, firewall-allow, ssh-allow-from, alert-webhook and fail2ban; every bad value adds one problem. */
function parseEdgeSettings(read, problems) {
    const firewall = read.bool('firewall');
    const allow = (0,rules/* parseFirewallAllow */.bD)(read('firewall-allow'));
    if (typeof allow === 'string')
        problems.push(`input \`firewall-allow\`: ${allow}`);
    const alertWebhook = read.text('alert-webhook');
    // Never quoted back: the URL may carry the webhook's token.
    read.check('alert-webhook', alertWebhook ? (0,rules/* alertWebhookProblem */.di)(alertWebhook) : undefined);
    return {
        firewall,
        firewallAllow: typeof allow === 'string' ? [] : allow,
        sshAllowFrom: parseSshAllowFrom(read, firewall),
        alertWebhook,
        fail2ban: read.bool('fail2ban')
    };
}
/** ssh-allow-from: addresses and CIDR blocks in their plain form, each once; only with the firewall. */
function parseSshAllowFrom(read, firewall) {
    const sources = [];
    for (const item of read.list('ssh-allow-from', /[\s,]+/)) {
        const src = (0,rules/* parseSource */.PJ)(item);
        if (typeof src === 'string')
            read.check('ssh-allow-from', src);
        else if (!sources.includes((0,rules/* sourceText */.rI)(src)))
            sources.push((0,rules/* sourceText */.rI)(src));
    }
    if (sources.length && !firewall)
        read.check('ssh-allow-from', 'needs firewall: true (the firewall is what drops SSH from elsewhere)');
    return sources;
}

;// CONCATENATED MODULE: ./src/settings/metrics.ts

/** `metrics`, `metrics-listen`. */
function parseMetricsSettings(read, _problems) {
    const listen = read.get('metrics-listen');
    read.check('metrics-listen', (0,rules/* metricsListenProblem */.kb)(listen));
    return { enabled: read.bool('metrics'), listen };
}

;// CONCATENATED MODULE: ./src/settings/services.ts
// What `services` may name, and what the app is told of them: read by the settings (the input's
// rule, REDIS_URL in the env) and by provision (provision/services.ts), so a leaf of its own.
/** Services the app needs, from Debian, that provision installs and starts (`services`). */
const SERVICES = ['redis'];
/** Debian's redis-server socket (its RuntimeDirectory=redis), reached by members of group redis. */
const REDIS_SOCKET = '/run/redis/redis-server.sock';
const REDIS_URL = `unix://${REDIS_SOCKET}?db=0`;

;// CONCATENATED MODULE: ./src/settings/site.ts

/**
 * The inputs canonical-host, security-headers and rate-limit. `names` are the parsed server-name
 * entries; `locations` the URL prefixes static and static-path already serve (one location each).
 */
function parseSiteSettings(read, problems, names, locations) {
    const canonicalHost = read.text('canonical-host').toLowerCase();
    if (canonicalHost) {
        const plain = names.filter((n) => n !== '_' && !n.includes('*')).map((n) => n.toLowerCase());
        if (!plain.includes(canonicalHost))
            problems.push(`input \`canonical-host\`: must be one of server-name's names (${plain.join(', ') || 'none: server-name is _ or wildcards'}), got '${canonicalHost}'`);
        else if (plain.length < 2 || names.some((n) => n === '_' || n.includes('*')))
            problems.push('input `canonical-host`: needs server-name to list the other names it redirects, each in full (not _ or a wildcard)');
    }
    const rateLimits = [];
    for (const line of read.list('rate-limit', /\n|,/)) {
        const r = (0,rules/* parseRateLimit */.H5)(line);
        if (typeof r === 'string')
            read.check('rate-limit', r);
        else if (rateLimits.some((x) => x.path === r.path))
            read.check('rate-limit', `${r.path} is limited twice`);
        else if (locations.includes(r.path) || locations.includes(`${r.path}/`))
            read.check('rate-limit', `${r.path} is served by static or static-path (files nginx serves itself)`);
        else
            rateLimits.push(r);
    }
    return { canonicalHost, securityHeaders: read.bool('security-headers'), rateLimits };
}

;// CONCATENATED MODULE: ./src/settings/provision.ts





/** `static`: URL-PREFIX=FOLDER items, none of them mapped twice (static-path serves /static/ too). */
function parseStaticMaps(read, staticPath) {
    const maps = [];
    for (const item of read.list('static', /[\s,]+/)) {
        const m = /^(\/[^=]*?)\/*=(.+)$/.exec(item);
        const url = m ? `${m[1].replace(/\/+$/, '')}/` : '';
        const folder = m ? m[2].replace(/\/+$/, '') : '';
        const bad = !m
            ? `must be URL-PREFIX=FOLDER (for example /static/=staticfiles or /media/=shared/media), got '${item}'`
            : ((0,rules/* staticUrlProblem */.B5)(url) ?? (0,rules/* safeRelPathProblem */.DS)(folder));
        if (bad)
            read.check('static', bad);
        else if (maps.some((x) => x.url === url) || (url === '/static/' && staticPath))
            read.check('static', `${url} is mapped twice (static-path serves /static/ too)`);
        else
            maps.push(folder.startsWith('shared/')
                ? { url, folder: folder.slice('shared/'.length), shared: true }
                : { url, folder, shared: false });
    }
    return maps;
}
/** The inputs of mode provision; `import-database` needs the deploy's `sqlite-db` (where it goes). */
function parseProvisionSettings(read, problems, sqliteDb) {
    const aptPackages = read.list('apt-packages', /[\s,]+/);
    for (const p of aptPackages)
        read.check('apt-packages', (0,rules/* debPackageProblem */.jc)(p));
    const names = read.list('server-name', /[\s,]+/);
    for (const n of names)
        read.check('server-name', (0,rules/* serverNameProblem */.Oi)(n));
    if (names.length === 0)
        problems.push('input `server-name`: give at least one name, or _ for any');
    const staticPath = read.text('static-path').replace(/\/+$/, '');
    if (staticPath !== '')
        read.check('static-path', (0,rules/* safeRelPathProblem */.DS)(staticPath));
    const clientMaxBodySize = read.get('client-max-body-size');
    read.check('client-max-body-size', (0,rules/* bodySizeProblem */.DM)(clientMaxBodySize));
    const healthIntervalS = Math.round(read.duration('health-interval') / 1000);
    if (healthIntervalS < 10)
        problems.push(`input \`health-interval\`: must be at least 10s, got '${read.get('health-interval')}'`);
    const importDatabase = read.text('import-database');
    if (importDatabase !== '') {
        const bad = (0,rules/* safeAbsPathProblem */.G7)(importDatabase);
        if (bad)
            read.check('import-database', `${bad} (a file on the server)`);
        if (sqliteDb === '')
            problems.push('input `import-database`: needs `sqlite-db` too (where in APP-DIR/shared the database goes, e.g. instance/app.db)');
    }
    const staticMaps = parseStaticMaps(read, staticPath);
    const served = [...staticMaps.map((m) => m.url), ...(staticPath ? ['/static/'] : [])];
    return {
        aptPackages,
        serverName: names.join(' '),
        staticPath,
        staticMaps,
        clientMaxBodySize,
        healthIntervalS,
        backupsDays: read.int('backups-days', 1, 3650),
        importDatabase,
        importDatabaseForce: read.bool('import-database-force'),
        dryRun: read.bool('dry-run'),
        edge: parseEdgeSettings(read, problems),
        site: parseSiteSettings(read, problems, names, served),
        services: parseServices(read),
        metrics: parseMetricsSettings(read, problems)
    };
}
/** `services`: names from SERVICES, each once. */
function parseServices(read) {
    const out = [];
    for (const name of read.list('services', /[\s,]+/)) {
        if (!SERVICES.includes(name))
            read.check('services', `'${name}' is not a service this tool provides (${SERVICES.join(', ')})`);
        else if (!out.includes(name))
            out.push(name);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/settings/fleet.ts
/** `max-parallel`, `canary`, `rollback-scope`. */
function parseFleetSettings(read, problems) {
    const scope = read.get('rollback-scope');
    if (scope !== 'all' && scope !== 'host') {
        problems.push(`input \`rollback-scope\`: must be all (roll back every server switched in this run) or host (only the failed one), got '${scope}'`);
    }
    return {
        maxParallel: read.int('max-parallel', 1, 64),
        canary: read.bool('canary'),
        rollbackScope: scope === 'host' ? 'host' : 'all'
    };
}

;// CONCATENATED MODULE: ./src/settings/github.ts
/** `github-token`, `environment`, `environment-url`. */
function parseGithubSettings(read, _problems) {
    return {
        token: read.text('github-token'),
        environment: read.get('environment'),
        environmentUrl: read.text('environment-url')
    };
}

;// CONCATENATED MODULE: ./src/settings/load.ts


/** Load levels and paths: separated by commas, spaces or newlines (`10,50,100` or `10 50 100`). */
const ITEMS = /[\s,]+/;
const MAX_LEVELS = 10;
const MAX_PATHS = 20;
const MAX_REQUESTS = 10_000_000;
/** Every load-* input; each bad value adds one line to problems. */
function parseLoadSettings(read, problems) {
    const get = read.get;
    const bad = (name, why) => void problems.push(`input \`${name}\`: ${why}`);
    const enabled = read.bool('load');
    const clients = [];
    const levels = read.list('load-clients', ITEMS);
    for (const c of levels) {
        const p = (0,rules/* loadClientsProblem */.yT)(c);
        if (p)
            bad('load-clients', p);
        else
            clients.push(Number(c));
    }
    if (levels.length === 0 || levels.length > MAX_LEVELS)
        bad('load-clients', `give 1 to ${MAX_LEVELS} levels such as 10,50,100, got ${levels.length}`);
    const duration = (name, min, max) => {
        const v = get(name);
        const n = parseDuration(v);
        if (!Number.isFinite(n) || n < min || n > max) {
            bad(name, `must be a duration from ${min}ms to ${max / 1000}s such as 10s or 500ms, got '${v}'`);
            return min;
        }
        return n;
    };
    const levelMs = duration('load-duration', 1000, rules/* LOAD_LEVEL_MAX_MS */.o0);
    const thinkMs = duration('load-think-time', 0, 60_000);
    const p95Ms = duration('load-p95', 1, 600_000);
    const capRaw = get('load-max-requests');
    const maxRequests = Number(capRaw);
    if (!/^\d+$/.test(capRaw) || maxRequests < 1 || maxRequests > MAX_REQUESTS)
        bad('load-max-requests', `must be a whole number from 1 to ${MAX_REQUESTS}, got '${capRaw}'`);
    const paths = read.list('load-paths', ITEMS);
    for (const p of paths) {
        const why = (0,rules/* healthPathProblem */.Nr)(p);
        if (why)
            bad('load-paths', why);
    }
    if (paths.length > MAX_PATHS)
        bad('load-paths', `at most ${MAX_PATHS} paths, got ${paths.length}`);
    const percent = (name) => {
        const v = get(name);
        const why = (0,rules/* percentProblem */.nD)(v);
        if (why)
            bad(name, why);
        return why ? 0 : Number(v.replace('%', '').trim());
    };
    return {
        enabled,
        clients,
        levelMs,
        maxRequests: Number.isFinite(maxRequests) ? maxRequests : 1,
        thinkMs,
        paths,
        p95Ms,
        successMin: percent('load-success'),
        cpuMax: percent('load-cpu'),
        memoryMax: percent('load-memory')
    };
}

;// CONCATENATED MODULE: ./src/settings/operate.ts

/** `history`, `since`, `lines`, `follow`, `process`, `maintenance`, `maintenance-allow`. */
function parseOperateSettings(read, _problems, mode) {
    const onOff = read.text('maintenance');
    if (mode === 'maintenance' || onOff !== '')
        read.check('maintenance', /^(on|off)$/.test(onOff)
            ? undefined
            : `must be on or off${mode === 'maintenance' ? ' with mode maintenance' : ''}, got '${onOff}'`);
    const allow = read.list('maintenance-allow');
    for (const a of allow)
        read.check('maintenance-allow', (0,rules/* clientAddressProblem */.rP)(a));
    const since = read.text('since');
    read.check('since', (0,rules/* sinceProblem */.uu)(since));
    const process = read.text('process');
    read.check('process', (0,rules/* processNameProblem */.KI)(process));
    return {
        historyLines: read.int('history', 0, 1000),
        logs: {
            sinceS: since && !(0,rules/* sinceProblem */.uu)(since) ? (0,rules/* sinceSeconds */.Kt)(since) : 0,
            lines: read.int('lines', 1, 100_000),
            follow: read.bool('follow'),
            process
        },
        maintenance: { on: onOff === 'on', allow }
    };
}

;// CONCATENATED MODULE: ./src/settings/remove.ts
/** `remove-confirm` (the app's name, required with mode remove), `remove-data`, `remove-certificate`. */
function parseRemoveSettings(read, _problems, mode, app) {
    if (mode === 'remove') {
        const confirm = read.text('remove-confirm');
        read.check('remove-confirm', confirm === app
            ? undefined
            : `must be the app's name (${app || 'app-name'}) to remove it from the servers, got '${confirm}'`);
    }
    return { data: read.bool('remove-data'), certificate: read.bool('remove-certificate') };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/processes/procfile.ts
var procfile = __webpack_require__(3439);
;// CONCATENATED MODULE: ./src/settings/processes.ts



/** A Procfile larger than this is not a Procfile. */
const MAX_PROCFILE = 64 * 1024;
/**
 * The source's Procfile, read on the runner before any connection: a regular file only (a link
 * could name any file of the runner), '' when there is none.
 */
function readProcfile(source, problems) {
    const file = external_node_path_.join(source, 'Procfile');
    let st;
    try {
        st = (0,external_node_fs_.lstatSync)(file);
    }
    catch {
        return '';
    }
    if (!st.isFile() || st.size > MAX_PROCFILE) {
        problems.push(`Procfile: ${file} must be a regular file of at most 64 KiB (set input \`processes\` instead)`);
        return '';
    }
    return (0,external_node_fs_.readFileSync)(file, 'utf8');
}
/**
 * `processes` (or the source's Procfile), `process-instances`, `release-command`, `stop-timeout`,
 * `process-settle`. The Procfile is read only by the modes that deploy a release from the source.
 */
function parseProcessSettings(read, problems, mode, source) {
    const given = read.text('processes');
    const fromSource = given === '' && (mode === 'deploy' || mode === 'provision');
    const text = given !== '' ? read('processes') : fromSource ? readProcfile(source, problems) : '';
    const origin = given !== '' ? 'input `processes`' : text !== '' ? 'Procfile' : '';
    const parsed = (0,procfile/* parseProcfile */.gu)(text, origin);
    problems.push(...parsed.problems);
    for (const item of read.list('process-instances', /[\s,]+/)) {
        const m = /^([a-z][a-z0-9-]*)=(\d+)$/.exec(item);
        const proc = m ? parsed.processes.find((p) => p.name === m[1]) : undefined;
        const n = m ? Number(m[2]) : 0;
        if (!m || n < 1 || n > procfile/* MAX_INSTANCES */.cA)
            read.check('process-instances', `'${item}' must be NAME=N, N from 1 to ${procfile/* MAX_INSTANCES */.cA}`);
        else if (!proc)
            read.check('process-instances', `'${m[1]}' is not a process of ${origin || 'the app (no Procfile, no input `processes`)'}`);
        else
            proc.instances = n;
    }
    const releaseInput = read.text('release-command');
    if (releaseInput !== '')
        read.check('release-command', (0,procfile/* processCommandProblem */.G1)(releaseInput));
    const web = parsed.web;
    const rollbackInput = read.text('rollback-command');
    // The input wins over the Procfile's line, the same rule for both; said when both are there.
    const wins = (input, line, name) => input && line && input !== line
        ? `input \`${name}-command\` wins over '${name}: ${line.slice(0, 60)}' in ${origin}`
        : '';
    return {
        processes: parsed.processes,
        origin,
        releaseCommand: releaseInput || parsed.release,
        rollbackCommand: rollbackInput || parsed.rollback,
        procfileNotices: [
            wins(releaseInput, parsed.release, 'release'),
            wins(rollbackInput, parsed.rollback, 'rollback')
        ].filter((n) => n),
        webNotice: web && !(0,procfile/* isGunicornCommand */.jo)(web)
            ? `${origin}: 'web: ${web.slice(0, 80)}' is not a Gunicorn command; the web process is Gunicorn as this tool runs it (wsgi-app), the line is ignored`
            : '',
        stopTimeoutMs: read.duration('stop-timeout'),
        settleMs: read.duration('process-settle')
    };
}

// EXTERNAL MODULE: ./src/schedules/calendar.ts
var calendar = __webpack_require__(490);
;// CONCATENATED MODULE: ./src/schedules/schedule.ts



const MAX_SCHEDULES = 50;
function parseSchedules(text) {
    const schedules = [];
    const problems = [];
    text.split(/\r?\n/).forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            return;
        const where = `input \`schedule\` line ${i + 1}`;
        const m = /^(.*?):\s+(.*)$/.exec(line);
        if (!m) {
            problems.push(`${where}: '${line.slice(0, 80)}' is not WHEN: COMMAND (a colon and a space after the time)`);
            return;
        }
        const when = (0,calendar/* parseWhen */.O)(m[1]);
        if (typeof when === 'string') {
            problems.push(`${where}: ${when}`);
            return;
        }
        const command = m[2].trim();
        const bad = (0,procfile/* processCommandProblem */.G1)(command);
        if (bad) {
            problems.push(`${where}: the command ${bad}`);
            return;
        }
        const written = m[1].trim().replace(/\s+/g, ' ');
        const id = (0,external_node_crypto_.createHash)('sha256').update(`${written}\n${command}`).digest('hex').slice(0, 10);
        const twin = schedules.find((s) => s.id === id);
        if (twin) {
            problems.push(`${where}: the same as line ${twin.line}`);
            return;
        }
        schedules.push({ id, when: written, calendars: when.calendars, command, line: i + 1 });
    });
    if (schedules.length > MAX_SCHEDULES)
        problems.push(`input \`schedule\`: ${schedules.length} lines; at most ${MAX_SCHEDULES}`);
    return { schedules, problems };
}

;// CONCATENATED MODULE: ./src/settings/hosts.ts
function hostLabel(h) {
    return h.port === 22 ? h.host : `${h.host}:${h.port}`;
}

;// CONCATENATED MODULE: ./src/settings/schedules.ts


/**
 * `schedule` and `schedule-host`. A fleet runs each schedule once, on one server: the one named, or
 * the first of `host` (a canary does not change it: timers stay where they are across deploys).
 */
function parseScheduleSettings(read, problems, hosts) {
    const parsed = parseSchedules(read('schedule'));
    problems.push(...parsed.problems);
    const given = read.text('schedule-host');
    let host = hosts[0] ? hostLabel(hosts[0]) : '';
    if (given !== '') {
        const found = hosts.find((h) => hostLabel(h) === given || h.host === given);
        if (found)
            host = hostLabel(found);
        else
            read.check('schedule-host', `'${given.slice(0, 80)}' is not one of the servers of input \`host\``);
    }
    return { schedules: parsed.schedules, host };
}

;// CONCATENATED MODULE: ./src/settings/notify.ts

/** `notify-webhook`. */
function parseNotifySettings(read, _problems) {
    const webhook = read.text('notify-webhook');
    // The rule's words never quote the value (it is a secret).
    if (webhook)
        read.check('notify-webhook', (0,rules/* alertWebhookProblem */.di)(webhook));
    return { webhook };
}

;// CONCATENATED MODULE: ./src/settings.ts


















/**
 * Every input is parsed here, once, into a typed Settings object. Nothing below this module reads
 * inputs; every bad value becomes one line naming the input and what is allowed, and all of them
 * are reported together before any connection is made. Each section of Settings has its own
 * function in src/settings/ (`parseXSettings(read, problems)`); what a value may be is decided in
 * rules.ts (shared with render.ts, which asserts the same rules), and defaults come from action.yml
 * (src/settings/defaults.ts, generated).
 */










class SettingsError extends Error {
    problems;
    constructor(problems) {
        super(`${problems.length} input${problems.length === 1 ? ' is' : 's are'} not valid (nothing was changed on any server):\n` +
            problems.map((p) => `  - ${p}`).join('\n') +
            `\n${(0,troubleshooting/* troubleshootingRef */.sG)('inputs')}`);
        this.problems = problems;
        this.name = 'SettingsError';
    }
}
/** Inputs -> Settings, or a SettingsError listing every problem of every section. */
function parseSettings(readInput) {
    const problems = [];
    const given = new Set();
    const read = inputReader(readInput, problems, given);
    const mode = parseMode(read, problems);
    const ssh = parseSshSettings(read, problems);
    const deploy = parseDeploySettings(read, problems);
    const provision = parseProvisionSettings(read, problems, deploy.sqliteDb);
    const app = parseAppSettings(read, problems, ssh.user);
    const hosts = parseHosts(read, problems);
    const settings = {
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
    if (problems.length > 0)
        throw new SettingsError(problems);
    settings.given = [...given].sort();
    return settings;
}
/**
 * Values read back from a server (the remembered settings of a release) through the same reader,
 * rules and defaults as the inputs: the deploy and provision sections, each bad value one problem.
 */
function parseRememberedSections(readValue, problems) {
    const read = inputReader(readValue, problems, new Set());
    const deploy = parseDeploySettings(read, problems);
    return { deploy, provision: parseProvisionSettings(read, problems, deploy.sqliteDb) };
}


/***/ }),

/***/ 3269:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TV: () => (/* binding */ RunnerPrinter),
/* harmony export */   g3: () => (/* binding */ LineSplitter),
/* harmony export */   ru: () => (/* binding */ fenceToken),
/* harmony export */   vX: () => (/* binding */ TailBuffer)
/* harmony export */ });
/* unused harmony exports couldBeCommand, fenceForRunner, jsonForRunner */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6193);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_string_decoder__WEBPACK_IMPORTED_MODULE_1__);


/**
 * Whether the runner could read anything in this text as a workflow command: a v2 command is `::`
 * at the start of a line after any whitespace (the runner trims more characters than JavaScript's
 * \s, U+0085 among them), a v1 command is `##[` anywhere in a line. Only a text with neither is
 * printed as it is.
 */
function couldBeCommand(text) {
    return text.includes('::') || text.includes('##[');
}
/** Tokens this process issued for fences and has not closed yet: a server cannot know them. */
const issued = new Set();
/** A fresh stop-commands token, known to every RunnerPrinter as one of ours. */
function fenceToken() {
    const token = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16).toString('hex');
    issued.add(token);
    return token;
}
/** Lines as the runner reads them: `\r\n`, `\n` and a lone `\r` each end one. */
function runnerText(text) {
    return text.replace(/\r\n?/g, '\n');
}
/**
 * Text that could hold a workflow command, between `::stop-commands::TOKEN` and `::TOKEN::` with a
 * fresh random token the text does not contain: between them the runner runs no command at all
 * (`::add-mask::`, `::set-output`, `##[...]`, a nested `::stop-commands::`). A lone `\r` becomes
 * a line break, so what is shown is what the runner parses.
 */
function fenceForRunner(text) {
    const lines = runnerText(text);
    if (!couldBeCommand(lines))
        return lines;
    let token = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16).toString('hex');
    while (lines.includes(token))
        token = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16).toString('hex');
    return `::stop-commands::${token}\n${lines}\n::${token}::`;
}
/**
 * The one way text that may hold server output reaches the runner: every log line of the action
 * and the CLI goes through one of these. A stream's own fence (`::stop-commands::T` ... `::T::`,
 * with T from fenceToken) is printed as it is, and lines inside it need no fence of their own;
 * fences of streams that overlap (servers in parallel) merge into one, closed when the last one
 * ends, so the runner never runs a command while any of them is open. Any other text that could
 * be a command is fenced on its own.
 */
class RunnerPrinter {
    write;
    open = new Set();
    active;
    constructor(write) {
        this.write = write;
    }
    print(text) {
        const start = /^::stop-commands::([0-9a-f]{32})$/.exec(text)?.[1];
        if (start && issued.has(start)) {
            this.open.add(start);
            if (!this.active) {
                this.active = start;
                this.write(text);
            }
            return;
        }
        const end = /^::([0-9a-f]{32})::$/.exec(text)?.[1];
        if (end && this.open.has(end)) {
            this.open.delete(end);
            issued.delete(end);
            if (this.open.size === 0 && this.active) {
                this.write(`::${this.active}::`);
                this.active = undefined;
            }
            return;
        }
        this.write(this.active ? runnerText(text) : fenceForRunner(text));
    }
}
/**
 * One line of JSON for a machine to read on stdout (the CLI's --json), which the runner still scans
 * for commands: `##[` can only stand inside a JSON string, where `\u0023` means the same `#`.
 * A v2 command needs `::` at the start of the line, which JSON never has.
 */
function jsonForRunner(value) {
    return JSON.stringify(value).replace(/##\[/g, '#\\u0023[');
}
/**
 * Keeps the last `cap` bytes of a stream. Remote commands (pip, apt) can print far more than a
 * step needs to keep in memory; the tail is where the error is.
 */
class TailBuffer {
    cap;
    chunks = [];
    size = 0;
    dropped = 0;
    constructor(cap) {
        this.cap = cap;
    }
    push(chunk) {
        this.chunks.push(chunk);
        this.size += chunk.length;
        while (this.size > this.cap && this.chunks.length > 0) {
            const excess = this.size - this.cap;
            const first = this.chunks[0];
            if (first.length <= excess) {
                this.chunks.shift();
                this.size -= first.length;
                this.dropped += first.length;
            }
            else {
                this.chunks[0] = first.subarray(excess);
                this.size -= excess;
                this.dropped += excess;
            }
        }
    }
    text() {
        const body = Buffer.concat(this.chunks).toString('utf8');
        return this.dropped > 0 ? `[... ${this.dropped} earlier bytes dropped ...]\n${body}` : body;
    }
}
/**
 * Splits a byte stream into complete lines for live printing. Decodes UTF-8 across chunk borders
 * so a character split between two packets is not mangled.
 */
class LineSplitter {
    emit;
    decoder = new node_string_decoder__WEBPACK_IMPORTED_MODULE_1__.StringDecoder('utf8');
    partial = '';
    constructor(emit) {
        this.emit = emit;
    }
    push(chunk) {
        const text = this.partial + this.decoder.write(chunk);
        const lines = text.split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines)
            this.emit(line.replace(/\r$/, ''));
    }
    flush() {
        const rest = this.partial + this.decoder.end();
        this.partial = '';
        if (rest !== '')
            this.emit(rest.replace(/\r$/, ''));
    }
}


/***/ }),

/***/ 9038:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   U: () => (/* binding */ shQuote)
/* harmony export */ });
/* unused harmony export shJoin */
/**
 * Quotes one value for a POSIX shell: the result is always a single word that the remote shell
 * turns back into exactly these bytes, whatever they are ($(), backticks, globs, newlines, a
 * leading dash...). Every value interpolated into a remote command goes through here.
 *
 * Inside single quotes nothing is special except the closing quote itself, so each `'` becomes
 * `'"'"'` (close, a double-quoted quote, reopen). A NUL byte cannot be passed in an argv string at
 * all (C strings end there), so it is refused rather than silently truncated.
 */
function shQuote(value) {
    if (value.includes('\0')) {
        throw new Error('cannot quote a value containing a NUL byte for a shell command');
    }
    return `'${value.replace(/'/g, `'"'"'`)}'`;
}
/** Quotes each value and joins them with spaces: a ready-made argument list. */
function shJoin(values) {
    return values.map(shQuote).join(' ');
}


/***/ }),

/***/ 5816:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FA: () => (/* binding */ RUNNING_FN),
/* harmony export */   Tr: () => (/* binding */ KV_FN),
/* harmony export */   lQ: () => (/* binding */ NAP_FN),
/* harmony export */   uX: () => (/* binding */ MS_FN)
/* harmony export */ });
// Shell functions the server-side scripts share (bash: the root shell and the step scripts run it).
/** `ms`: the wall clock in milliseconds, from bash itself (no `date` process). */
const MS_FN = 'ms() { local t=${EPOCHREALTIME/./}; echo $((10#$t / 1000)); }';
/**
 * `nap SECONDS` waits like sleep, without starting a process per wait (a read that times out on a
 * pipe nobody writes to): polling loops look many times a second on a busy server.
 */
const NAP_FN = `exec {nap_fd}<> <(:)
nap() { read -rt "$1" -u "$nap_fd" _ || true; }`;
/**
 * `running PID`: true while PID is a live process, not gone and not a zombie its parent has yet to
 * reap; read by bash from /proc (no process), as the verify's and the candidate's polls look often.
 */
const RUNNING_FN = `running() {
  local st="" k v _
  while read -r k v _; do [ "$k" = State: ] && { st=$v; break; }; done 2>/dev/null < "/proc/$1/status" || true
  [ -n "$st" ] && [ "$st" != Z ]
}`;
/**
 * `read_kv FILE`: FILE's `KEY=VALUE` lines (root's notes, `systemctl show`'s answer through a
 * process substitution) into the associative array kv, a later line winning; read by bash, no
 * process. A FILE that cannot be read fails the call, as its redirect would.
 */
const KV_FN = `declare -gA kv=()
read_kv() {
  local k v
  kv=()
  while IFS='=' read -r k v; do [ -z "$k" ] || kv[$k]=$v; done < "$1"
}`;


/***/ }),

/***/ 948:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IZ: () => (/* binding */ acquireLock),
/* harmony export */   Vz: () => (/* binding */ runId),
/* harmony export */   pg: () => (/* binding */ awaitLockScript),
/* harmony export */   s9: () => (/* binding */ lockStep)
/* harmony export */ });
/* unused harmony exports HEARTBEAT_MS, HOLDER_PATIENCE_S, lockScript */
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(5816);
/* harmony import */ var _deploy_context_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9116);
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4036);
/* harmony import */ var _cancel_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(833);
/* harmony import */ var _step_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3342);
/* harmony import */ var _ownership_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4718);







/** Exit code of the lock script when another deploy kept the lock for the whole timeout. */
const BUSY = 75;
/**
 * The runner sends the holder a line this often; the holder lets go of the lock when none came for
 * HOLDER_PATIENCE_S. A runner that vanishes without closing its connection (a silently dropped
 * network, a frozen or killed VM) so frees the lock within that time, not hours later when TCP
 * gives up.
 */
const HEARTBEAT_MS = 10_000;
const HOLDER_PATIENCE_S = 30;
/**
 * Shell that waits until this run's lock holder (sent at the same moment, on its own channel) has
 * the lock: a request sent together with the lock runs under it without waiting for its answer.
 * Bounded: a lock that never comes (busy, refused) ends it with BUSY, and the run fails on the
 * lock's own error.
 */
function awaitLockScript(ctx, owner) {
    return `${_ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_6__/* .NAP_FN */ .lQ}\n${(0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_2__/* .serverScript */ .fj)('lock_wait', {
        owner_line: `run=${owner}`,
        lock_owner: ctx.paths.lockOwner,
        wait_s: Math.ceil(ctx.settings.deploy.lockTimeoutMs / 1000) + 15,
        busy: BUSY
    })}`;
}
/** Identifies this run in the lock owner file, so a blocked deploy can name the holder. */
function runId() {
    const env = process.env;
    if (env.GITHUB_RUN_ID) {
        return `github-run-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}${env.GITHUB_REPOSITORY ? `@${env.GITHUB_REPOSITORY}` : ''}`;
    }
    return `cli-${process.pid}-${Date.now()}`;
}
/**
 * The lock is held by a process on the server for as long as our SSH channel to it is open and
 * alive: flock on a file, then a loop reading the runner's heartbeat lines on stdin. Releasing ends
 * stdin; a cancelled or crashed runner drops the connection, which ends it too; a runner that is
 * gone without a word stops sending heartbeats, and the holder exits after HOLDER_PATIENCE_S. The
 * owner file says who holds it. The script is templates/scripts/lock.sh, after the ownership refusals.
 */
function lockScript(ctx, owner) {
    const p = ctx.paths;
    return `${(0,_ownership_js__WEBPACK_IMPORTED_MODULE_5__/* .lockGuardScript */ .sB)(ctx.settings)}${(0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_2__/* .serverScript */ .fj)('lock', {
        state: p.state,
        lock: p.lock,
        owner_file: p.lockOwner,
        owner,
        force_unlock: ctx.settings.deploy.forceUnlock ? 1 : 0,
        wait_s: Math.ceil(ctx.settings.deploy.lockTimeoutMs / 1000),
        busy: BUSY,
        patience: HOLDER_PATIENCE_S
    })}`;
}
/**
 * The lock as the step every mode that changes a server starts with (deploy, provision, rollback,
 * restore, run with run-lock): a cancelled run does not start it. Held until release().
 */
async function lockStep(ctx, owner = runId(), 
/** A request sent at the same moment waits for this lock on the server (ensureLayout's). */
alongside = false) {
    (0,_cancel_js__WEBPACK_IMPORTED_MODULE_3__/* .throwIfCancelled */ .dZ)(ctx.signal, 'step lock');
    const held = await (0,_step_js__WEBPACK_IMPORTED_MODULE_4__/* .step */ .PM)(ctx.logger, ctx.records, ctx.label, 'lock', async () => ({
        lock: await acquireLock(ctx, owner, alongside),
        detail: 'held'
    }));
    return held.lock;
}
async function acquireLock(ctx, owner = runId(), alongside = false) {
    const stdin = new node_stream__WEBPACK_IMPORTED_MODULE_0__.PassThrough();
    // A cancelled run stops waiting for the lock; once held, the lock stays until release(), which
    // comes after any rollback the cancellation calls for.
    const waiting = new AbortController();
    const stopWaiting = () => waiting.abort(ctx.signal?.reason);
    ctx.signal?.addEventListener('abort', stopWaiting, { once: true });
    let out = '';
    let onLocked;
    const locked = new Promise((resolve) => (onLocked = resolve));
    let waitingShown = false;
    let forcedShown = false;
    const done = ctx.remote.script(lockScript(ctx, owner), {
        sudo: true,
        stdin,
        // The holder lives as long as the whole deploy; the deploy's own steps have their timeouts.
        timeoutMs: 24 * 3_600_000,
        signal: waiting.signal,
        alongside,
        onStdout: (chunk) => {
            out += chunk;
            const facts = (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_1__/* .parseFacts */ .hx)(out);
            if (facts.waiting !== undefined && !waitingShown) {
                waitingShown = true;
                ctx.logger.info(`another deploy holds the lock; waiting up to ${ctx.settings.deploy.lockTimeoutMs / 1000} s: ${facts.waiting}`);
            }
            if (facts.forced !== undefined && !forcedShown) {
                forcedShown = true;
                ctx.logger.warning(`force-unlock: ${facts.forced}`);
            }
            if (facts.locked === 'yes')
                onLocked?.();
        }
    });
    const first = await Promise.race([locked.then(() => 'locked'), done]).finally(() => ctx.signal?.removeEventListener('abort', stopWaiting));
    if (first !== 'locked') {
        const facts = (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_1__/* .parseFacts */ .hx)(first.stdout);
        if (first.code === BUSY) {
            throw new _step_js__WEBPACK_IMPORTED_MODULE_4__/* .DeployError */ .sH(`another deploy of ${ctx.paths.app} on ${ctx.label} held the lock for the whole lock-timeout (${ctx.settings.deploy.lockTimeoutMs / 1000} s): ${facts.holder?.trim() || 'holder unknown'}`, 'Wait for it to finish, raise lock-timeout, or, if that run is gone and the lock is stale, run again with force-unlock: true.');
        }
        throw new _step_js__WEBPACK_IMPORTED_MODULE_4__/* .DeployError */ .sH(`could not take the deploy lock (exit ${first.code}): ${first.stderr.trim()}`);
    }
    const heartbeat = setInterval(() => stdin.write('\n'), HEARTBEAT_MS);
    heartbeat.unref();
    return {
        async release() {
            clearInterval(heartbeat);
            stdin.end();
            await done.catch(() => undefined);
        }
    };
}


/***/ }),

/***/ 4718:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AC: () => (/* binding */ diskProbe),
/* harmony export */   PD: () => (/* binding */ ownershipScript),
/* harmony export */   bz: () => (/* binding */ UNIT_HEADER),
/* harmony export */   iZ: () => (/* binding */ markOwnedScript),
/* harmony export */   sB: () => (/* binding */ lockGuardScript),
/* harmony export */   uU: () => (/* binding */ nameProbe)
/* harmony export */ });
/* unused harmony exports OWNED_DIR, NAME_TAKEN_EXIT, DISK_FULL_EXIT, ownedMarker, appUnitNames, nameRefusal */
/* harmony import */ var _deploy_paths_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8535);
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4036);


/**
 * What the server itself must show before anything of the app's is written: that the app's name
 * belongs to no one else (a unit, user, group or folder this tool did not create) and that the
 * app's filesystem has room. Both are probes of read-only commands, so preflight runs them as the
 * login user and the layout step (as root) turns their findings into a refusal before its first
 * write. Runs in bash (the probes use arrays and arithmetic). The scripts: templates/scripts/
 * name_probe.sh, disk_probe.sh, name_refusal.sh, disk_refusal.sh, mark_owned.sh.
 */
/** Where the tool records what it created, so a name it took can be told from one it found. */
const OWNED_DIR = '/var/lib/gunicorn-deploy';
/** First line of every unit the tool writes (templates/systemd/*.hbs). */
const UNIT_HEADER = '# Written by gunicorn-deploy';
/** Exit codes of the refusals, for callers that tell them apart. */
const NAME_TAKEN_EXIT = 5;
const DISK_FULL_EXIT = 6;
function ownedMarker(app) {
    return `${OWNED_DIR}/${app}.owned`;
}
/** Every unit name a deploy or provision of the app writes. */
function appUnitNames(layout) {
    return Object.values(layout.units).map((u) => u.name);
}
/**
 * Sets $taken to one line per thing of the app's name this tool did not create; empty when the
 * name is free or already ours. Ours: the user (by uid) recorded in the marker, or (installs made
 * before the marker existed) a system user whose home is app-dir and whose shell is nologin; a unit
 * in /etc/systemd/system whose first line is the tool's header.
 */
function nameProbe(settings) {
    const layout = (0,_deploy_paths_js__WEBPACK_IMPORTED_MODULE_1__/* .appLayout */ .q5)(settings);
    const app = settings.app.name;
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverScript */ .fj)('name_probe', {
        gd_app: app,
        gd_marker: ownedMarker(app),
        gd_app_dir: settings.app.dir,
        gd_etc: layout.etc,
        gd_log_dir: layout.logDir,
        gd_units: appUnitNames(layout).join(' '),
        gd_unit_header: UNIT_HEADER
    });
}
/**
 * Sets $free_mb, $need_mb and $disk_dir (app-dir, or its nearest existing parent) for the floor of
 * min-free-space: the smaller of an absolute size and a share of the filesystem when both are given.
 */
function diskProbe(settings) {
    const floor = settings.deploy.minFreeSpace;
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverScript */ .fj)('disk_probe', {
        gd_disk_of: settings.app.dir,
        gd_need_abs_mb: floor.mb !== undefined ? Math.floor(floor.mb) : '',
        gd_need_pct: floor.percent !== undefined ? Math.floor(floor.percent) : ''
    });
}
/**
 * The name refusal alone: also the first thing the lock step runs, since taking the lock creates
 * app-dir/.deploy (the first write of a deploy).
 */
function nameRefusal(settings) {
    return `${nameProbe(settings)}${(0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverScript */ .fj)('name_refusal', {
        gd_app_name: settings.app.name,
        gd_name_taken_exit: NAME_TAKEN_EXIT
    })}`;
}
/**
 * What the lock step runs before it creates app-dir/.deploy (the first write of any run): the name
 * refusal, and for a deploy the disk floor too. A rollback is never refused for disk space (it
 * writes almost nothing and may be what brings the app back).
 */
function lockGuardScript(settings) {
    return settings.mode === 'deploy' ? ownershipScript(settings) : nameRefusal(settings);
}
/**
 * The refusals, for the layout step (as root, before its first write): exits NAME_TAKEN_EXIT or
 * DISK_FULL_EXIT with what was found and what to do.
 */
function ownershipScript(settings) {
    return `${nameRefusal(settings)}${diskProbe(settings)}${(0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverScript */ .fj)('disk_refusal', {
        gd_app_dir: settings.app.dir,
        gd_disk_full_exit: DISK_FULL_EXIT
    })}`;
}
/** After the layout step created the user: record it as the tool's (idempotent). */
function markOwnedScript(settings) {
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverScript */ .fj)('mark_owned', {
        gd_marker: ownedMarker(settings.app.name),
        gd_owned_dir: OWNED_DIR,
        gd_app: settings.app.name,
        gd_app_dir: settings.app.dir
    });
}


/***/ }),

/***/ 3342:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hp: () => (/* binding */ AfterProofError),
/* harmony export */   PM: () => (/* binding */ step),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   sH: () => (/* binding */ DeployError),
/* harmony export */   z8: () => (/* binding */ keepsServing)
/* harmony export */ });
/**
 * A step is a unit of log and time: its own log group, its duration and whether it changed
 * anything go into the host's records, and a failure is recorded before it propagates.
 */
async function step(logger, records, label, name, fn) {
    const start = performance.now();
    return logger.group(`${label}: ${name}`, async () => {
        try {
            const out = await fn();
            const ms = out?.ms ?? performance.now() - start;
            records.push({
                name,
                ms,
                ok: true,
                changed: out ? out.changed : undefined,
                detail: out ? out.detail : undefined
            });
            logger.info(`${name}: ${out && out.changed === false ? 'unchanged' : 'done'} in ${(ms / 1000).toFixed(2)} s`);
            return out;
        }
        catch (err) {
            records.push({
                name,
                ms: performance.now() - start,
                ok: false,
                detail: errorMessage(err).split('\n')[0]
            });
            throw err;
        }
    });
}
function errorMessage(err) {
    return err instanceof Error ? err.message : String(err);
}
/** An error meant for the user: what went wrong and what to do. */
class DeployError extends Error {
    hint;
    constructor(message, hint) {
        super(hint ? `${message}\n${hint}` : message);
        this.hint = hint;
        this.name = 'DeployError';
    }
}
/**
 * A failure after the release was switched and proven (the post-activate hook): the release is live,
 * so the run records it as deployed (history, release record) before it fails, and a fleet counts
 * the server as switched (rollback-scope all takes it back with the others).
 */
class AfterProofError extends DeployError {
    constructor(err) {
        super(errorMessage(err));
        this.name = 'AfterProofError';
    }
}
/** What a refusal before the switch leaves serving: the old release, or nothing on a first deploy. */
function keepsServing(ctx) {
    return ctx.facts['previous-release'] === ''
        ? ' (nothing served before: a first deploy)'
        : ', the old release keeps serving';
}


/***/ }),

/***/ 933:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   sG: () => (/* binding */ troubleshootingRef)
/* harmony export */ });
/* unused harmony exports SECTIONS, anchor */
/**
 * Every error names the README section that explains it: by the step that failed (or the mode),
 * since the steps are what the Troubleshooting sections are organised by.
 */
const SECTIONS = {
    inputs: 'Inputs: `N inputs are not valid (nothing was changed on any server)`',
    connect: 'Connecting (step `connect`)',
    server: 'Checking the server (preflight, layout, lock)',
    build: 'Building the release (upload, venv, check, pre-activate): nothing switched',
    candidate: 'Proving the release before the switch (candidate): nothing switched',
    live: 'Going live (switch, verify): rolled back',
    rollback: 'Mode rollback',
    provision: 'Mode provision and verify',
    run: 'Mode run',
    data: 'Mode restore and backups',
    load: 'Load check (mode loadtest, verify with load)',
    operate: 'Mode status, logs and maintenance'
};
/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading) {
    return heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
}
function troubleshootingRef(section) {
    return `Troubleshooting: README.md#${anchor(SECTIONS[section])}`;
}


/***/ })

};
