export const id = 730;
export const ids = [730];
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
/* harmony export */   hx: () => (/* binding */ parseFacts),
/* harmony export */   j3: () => (/* binding */ runScript),
/* harmony export */   w$: () => (/* binding */ lastLines)
/* harmony export */ });
/* harmony import */ var _steps_step_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3342);

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
const actionPrinter = new _ssh_output_js__WEBPACK_IMPORTED_MODULE_1__/* .RunnerPrinter */ .TV((text) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(text));
const actionLogger = {
    info: (m) => actionPrinter.print(m),
    warning: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(m),
    error: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(m),
    debug: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(m),
    group: (name, fn) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(name, fn),
    setSecret: (v) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(v)
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

/***/ 1730:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   main: () => (/* binding */ main),
/* harmony export */   readInput: () => (/* binding */ readInput)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4116);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5625);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8750);
/* harmony import */ var _steps_lock_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(948);
/* harmony import */ var _cancel_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(833);
/* harmony import */ var _phase_state_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6280);






/** Inputs whose values must be masked before anything at all can print them. */
const SECRET_INPUTS = ['private-key', 'passphrase', 'jump-private-key', 'github-token'];
/** An input as the runner passes it; commit and ref default to the workflow's own. */
function readInput(name) {
    const v = _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getInput */ .V4(name);
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
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ('isPost', 'true');
    for (const name of SECRET_INPUTS) {
        const v = _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getInput */ .V4(name);
        if (!v)
            continue;
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(v);
        for (const line of v.split(/\r?\n/))
            if (line.trim().length >= 8 && line !== v)
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(line);
    }
    for (const line of _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getInput */ .V4('env').split(/\r?\n/)) {
        const value = line.slice(line.indexOf('=') + 1);
        if (line.includes('=') && value.trim())
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(value);
    }
    let settings;
    try {
        settings = (0,_settings_js__WEBPACK_IMPORTED_MODULE_2__/* .parseSettings */ .P$)(readInput);
    }
    catch (err) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('status', 'failed');
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1(err instanceof Error ? err.message : String(err));
        return;
    }
    // Saved before any lock can be taken: if this run is cancelled, the post step knows its id.
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ('run', (0,_steps_lock_js__WEBPACK_IMPORTED_MODULE_3__/* .runId */ .Vz)());
    // A cancel (SIGINT, then SIGTERM) stops new work and rolls back a switched, unproven server;
    // SIGKILL may still cut that short, which the post step finishes from the saved phases.
    const watch = (0,_cancel_js__WEBPACK_IMPORTED_MODULE_4__/* .watchSignals */ .RQ)({
        onFirst: (sig) => _log_js__WEBPACK_IMPORTED_MODULE_1__/* .actionLogger */ .v0.warning(`${sig}: the run was cancelled; no new step starts, and a server switched but not yet proven is rolled back`),
        onRepeat: (sig) => _log_js__WEBPACK_IMPORTED_MODULE_1__/* .actionLogger */ .v0.info(`${sig}: still finishing the rollback`)
    });
    // Loaded after the inputs are known to be valid: the SSH stack and, with a token only, the API
    // client are most of the start-up time.
    const [{ hostLabel, runEngine }, { annotateFailure, formatTable, factRows, writeActionReport }, github] = await Promise.all([Promise.all(/* import() */[__webpack_require__.e(104), __webpack_require__.e(30)]).then(__webpack_require__.bind(__webpack_require__, 30)), __webpack_require__.e(/* import() */ 665).then(__webpack_require__.bind(__webpack_require__, 665)), __webpack_require__.e(/* import() */ 248).then(__webpack_require__.bind(__webpack_require__, 9248))]);
    const { deploymentOptions, GithubDeployment } = github;
    // GitHub Deployments (with github-token only); API errors are warnings, never a failed deploy.
    const deployment = await GithubDeployment.start(deploymentOptions(readInput, process.env, {
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
            // core.saveState writes the state file at once, so the note survives a SIGKILL.
            onPhase: (i, host, note) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(`phase-${i}`, (0,_phase_state_js__WEBPACK_IMPORTED_MODULE_5__/* .formatPhase */ .Z0)(host, note))
        });
    }
    catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        await deployment?.finish({ mode: settings.mode, ok: false, status: 'failed', hosts: [], ms: 0, error });
        throw err;
    }
    const { report, factKeys } = result;
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ('finished', 'true');
    if (factKeys.length > 0) {
        const t = factRows(report, factKeys);
        _log_js__WEBPACK_IMPORTED_MODULE_1__/* .actionLogger */ .v0.info(formatTable(t.header, t.rows));
    }
    await writeActionReport(report, factKeys);
    await deployment?.finish(report);
    if (!report.ok) {
        // A titled annotation (what setFailed would print untitled), then the failing exit code.
        annotateFailure(report);
        process.exitCode = 1;
    }
}


/***/ }),

/***/ 6280:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z0: () => (/* binding */ formatPhase),
/* harmony export */   ed: () => (/* binding */ needsRollback),
/* harmony export */   xl: () => (/* binding */ parsePhase)
/* harmony export */ });
/**
 * A host's deploy phase as one line of the action's saved state, e.g.
 * `host=10.0.0.5 phase=switched release=R previous=P restart=0 changed=/etc/shop/env`.
 * Every value is a host label, a release id or a server path: none holds a space.
 */
function formatPhase(host, note) {
    const parts = [`host=${host}`, `phase=${note.phase}`];
    if (note.release !== undefined)
        parts.push(`release=${note.release}`);
    if (note.previous !== undefined)
        parts.push(`previous=${note.previous}`);
    if (note.restart !== undefined)
        parts.push(`restart=${note.restart ? 1 : 0}`);
    if (note.changed !== undefined)
        parts.push(`changed=${note.changed.join(',')}`);
    return parts.join(' ');
}
function parsePhase(line) {
    const f = {};
    for (const part of line.trim().split(/\s+/)) {
        const i = part.indexOf('=');
        if (i > 0)
            f[part.slice(0, i)] = part.slice(i + 1);
    }
    if (!f.host || !f.phase)
        return undefined;
    return {
        host: f.host,
        phase: f.phase,
        release: f.release,
        previous: f.previous,
        restart: f.restart === undefined ? undefined : f.restart === '1',
        changed: f.changed === undefined ? undefined : f.changed.split(',').filter((c) => c)
    };
}
/** The live service may be on a release nobody proved: it must go back. */
function needsRollback(p) {
    return (p.phase === 'switching' || p.phase === 'switched') && !!p.previous;
}


/***/ }),

/***/ 9244:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $f: () => (/* binding */ extraNameProblem),
/* harmony export */   A: () => (/* binding */ appNameProblem),
/* harmony export */   B5: () => (/* binding */ staticUrlProblem),
/* harmony export */   Co: () => (/* binding */ envProblems),
/* harmony export */   DM: () => (/* binding */ bodySizeProblem),
/* harmony export */   DS: () => (/* binding */ safeRelPathProblem),
/* harmony export */   Ec: () => (/* binding */ pythonProblem),
/* harmony export */   G7: () => (/* binding */ safeAbsPathProblem),
/* harmony export */   Lt: () => (/* binding */ wsgiAppProblem),
/* harmony export */   M4: () => (/* binding */ appDirProblem),
/* harmony export */   Nr: () => (/* binding */ healthPathProblem),
/* harmony export */   Oi: () => (/* binding */ serverNameProblem),
/* harmony export */   RS: () => (/* binding */ commandProblem),
/* harmony export */   Sq: () => (/* binding */ LOGIN_NAME),
/* harmony export */   YV: () => (/* binding */ durationProblem),
/* harmony export */   ZQ: () => (/* binding */ assertRule),
/* harmony export */   _j: () => (/* binding */ databaseEnvProblem),
/* harmony export */   au: () => (/* binding */ healthHostProblem),
/* harmony export */   co: () => (/* binding */ releaseIdProblem),
/* harmony export */   ii: () => (/* binding */ loginNameProblem),
/* harmony export */   jc: () => (/* binding */ debPackageProblem),
/* harmony export */   kl: () => (/* binding */ envValueProblem),
/* harmony export */   lC: () => (/* binding */ backupIdProblem),
/* harmony export */   lS: () => (/* binding */ parseDiskFloor),
/* harmony export */   nb: () => (/* binding */ DURATION_MAX_MS),
/* harmony export */   q5: () => (/* binding */ relPathProblem),
/* harmony export */   qb: () => (/* binding */ normalisePath),
/* harmony export */   yw: () => (/* binding */ oneLineProblem)
/* harmony export */ });
/* unused harmony exports APP_NAME_MAX, RESERVED_APP_NAMES, RESERVED_ENV, envKeyReserved, TIMER_MAX_MS, formatDuration */
/**
 * The rules every value must pass before it reaches a script, a unit, a config or a file on a server.
 * Each rule returns what is wrong (a phrase without the input's name) or undefined. parseSettings
 * applies them to the inputs before any connection, naming the input as the user wrote it; render.ts
 * applies the same rules again as assertions, so a value that slipped past the first check is an
 * internal error, never a broken file on a server.
 */
// ---------------------------------------------------------------------------------------------
// Names
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
const RESERVED_SUFFIXES = ['-health', '-db-maintenance', '-build'];
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
// ---------------------------------------------------------------------------------------------
// Paths
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
/** An extra of pyproject.toml's [project.optional-dependencies] (PEP 685 names). */
function extraNameProblem(v) {
    return /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(v)
        ? undefined
        : `must be extra names of letters, digits and . _ - separated by commas, got '${v}'`;
}
/** The interpreter that builds virtualenvs: a command name or path, quoted where used. */
function pythonProblem(v) {
    return /^[A-Za-z0-9_./-]+$/.test(v) ? undefined : `must be an interpreter name or path, got '${v}'`;
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
        : `must be latest or a backup id (its file name, as mode backups lists it), got '${v}'`;
}
// Debian policy: lowercase letters, digits, + - . (at least two characters, starting alphanumeric).
const DEB_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
function debPackageProblem(v) {
    return DEB_PACKAGE.test(v)
        ? undefined
        : `'${v}' is not a Debian package name (lowercase letters, digits, + - .)`;
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
// ---------------------------------------------------------------------------------------------
// What Gunicorn and curl are given
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
// ---------------------------------------------------------------------------------------------
// The app's environment
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
// ---------------------------------------------------------------------------------------------
// Durations and sizes
/** Node's timers hold at most 2^31-1 ms (~24.8 days); a larger value fires at once. */
const TIMER_MAX_MS = 2 ** 31 - 1;
/** Upper bounds of the duration inputs: a typo (720h) must not hang a run or a server loop. */
const DURATION_MAX_MS = {
    'health-timeout': 30 * 60_000,
    'lock-timeout': 60 * 60_000,
    'connect-timeout': 5 * 60_000,
    'health-interval': 24 * 3_600_000
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
// ---------------------------------------------------------------------------------------------
// Assertions for code that renders what the rules already checked
/** Thrown by render when a value reaches it unchecked: a bug in this tool, not the user's input. */
function assertRule(field, problem) {
    if (problem) {
        throw new Error(`internal error: invalid ${field}: ${problem} (this value should have been refused when the inputs were read)`);
    }
}


/***/ }),

/***/ 8750:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E9: () => (/* binding */ parseDuration),
/* harmony export */   GN: () => (/* binding */ SettingsError),
/* harmony export */   P$: () => (/* binding */ parseSettings),
/* harmony export */   ry: () => (/* binding */ splitList)
/* harmony export */ });
/* unused harmony exports MODES, DEFAULT_EXCLUDES, INPUT_DEFAULTS, parseHost */
/* harmony import */ var _troubleshooting_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(933);
/* harmony import */ var _rules_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9244);


/**
 * Every input is parsed here, once, into a typed Settings object. Nothing below this module reads
 * inputs; every bad value becomes one line naming the input and what is allowed, and all of them
 * are reported together before any connection is made. What a value may be is decided in rules.ts
 * (shared with render.ts, which asserts the same rules).
 */
const MODES = [
    'deploy',
    'preflight',
    'rollback',
    'provision',
    'verify',
    'restore',
    'backups',
    'run'
];
const DEFAULT_EXCLUDES = ['.git', '__pycache__', '.venv', 'node_modules'];
/** Defaults for optional inputs; a unit test keeps action.yml's defaults equal to these. */
const INPUT_DEFAULTS = {
    mode: 'deploy',
    'max-parallel': '1',
    canary: 'false',
    'rollback-scope': 'all',
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
    'shared-paths': 'instance',
    'health-path': '/health',
    'health-timeout': '30s',
    'keep-releases': '5',
    'backups-keep': '10',
    backup: 'latest',
    'rollback-restore-database': 'false',
    'lock-timeout': '5m',
    'force-unlock': 'false',
    'run-lock': 'false',
    'min-free-space': 'auto',
    'full-upload': 'false',
    'server-name': '_',
    'client-max-body-size': '10m',
    'health-interval': '5m',
    'backups-days': '30',
    'import-database-force': 'false',
    'dry-run': 'false',
    environment: 'production'
};
class SettingsError extends Error {
    problems;
    constructor(problems) {
        super(`${problems.length} input${problems.length === 1 ? ' is' : 's are'} not valid (nothing was changed on any server):\n` +
            problems.map((p) => `  - ${p}`).join('\n') +
            `\n${(0,_troubleshooting_js__WEBPACK_IMPORTED_MODULE_0__/* .troubleshootingRef */ .sG)('inputs')}`);
        this.problems = problems;
        this.name = 'SettingsError';
    }
}
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
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
function isIp(host) {
    const m = IPV4.exec(host);
    return !!m && m.slice(1).every((o) => Number(o) <= 255);
}
function isIpv6(host) {
    return /^[0-9A-Fa-f:]+$/.test(host) && host.includes(':');
}
function parseSettings(readInput) {
    const problems = [];
    const given = new Set();
    const read = (name) => {
        const v = readInput(name);
        if (v.trim() !== '')
            given.add(name);
        return v;
    };
    const get = (name) => {
        const v = read(name).trim();
        return v !== '' ? v : (INPUT_DEFAULTS[name] ?? '');
    };
    const raw = (name) => read(name);
    const bool = (name) => {
        const v = get(name);
        if (/^(true|True|TRUE|yes|1)$/.test(v))
            return true;
        if (/^(false|False|FALSE|no|0)$/.test(v) || v === '')
            return false;
        problems.push(`input \`${name}\`: must be true or false, got '${v}'`);
        return false;
    };
    const int = (name, min, max) => {
        const v = get(name);
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < min || n > max) {
            problems.push(`input \`${name}\`: must be a whole number from ${min} to ${max}, got '${v}'`);
            return min;
        }
        return n;
    };
    const duration = (name) => {
        const v = get(name);
        const ms = parseDuration(v);
        const bad = (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .durationProblem */ .YV)(ms, _rules_js__WEBPACK_IMPORTED_MODULE_1__/* .DURATION_MAX_MS */ .nb[name]);
        if (bad) {
            problems.push(`input \`${name}\`: ${bad}, got '${v}'`);
            // Within every other bound, so one bad duration is reported once.
            return _rules_js__WEBPACK_IMPORTED_MODULE_1__/* .DURATION_MAX_MS */ .nb[name] ?? 1000;
        }
        return ms;
    };
    const check = (name, problem) => {
        if (problem)
            problems.push(`input \`${name}\`: ${problem}`);
    };
    const required = (name) => {
        const v = get(name);
        if (v === '')
            problems.push(`input \`${name}\`: is required`);
        return v;
    };
    const modeRaw = get('mode');
    const mode = MODES.includes(modeRaw) ? modeRaw : 'deploy';
    if (mode !== modeRaw)
        problems.push(`input \`mode\`: must be one of ${MODES.join(', ')}, got '${modeRaw}'`);
    const defaultPort = int('port', 1, 65535);
    const hosts = [];
    for (const item of splitList(required('host'))) {
        const spec = parseHost(item, defaultPort);
        if (typeof spec === 'string')
            problems.push(`input \`host\`: ${spec}`);
        else
            hosts.push(spec);
    }
    if (new Set(hosts.map((h) => `${h.host}:${h.port}`)).size !== hosts.length) {
        problems.push('input `host`: lists the same server twice');
    }
    const user = get('user');
    check('user', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .loginNameProblem */ .ii)(user));
    const privateKey = required('private-key').replace(/\r\n/g, '\n');
    if (privateKey !== '' && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) {
        problems.push('input `private-key`: must be the private key text itself (-----BEGIN ... PRIVATE KEY-----), not a path or a public key');
    }
    const fingerprints = splitList(get('host-fingerprint'), /[\s,]+/);
    for (const f of fingerprints) {
        if (!FINGERPRINT.test(f)) {
            problems.push(`input \`host-fingerprint\`: '${f}' is not a SHA256 fingerprint; expected SHA256: followed by 43 base64 characters (ssh-keygen -lf prints it)`);
        }
    }
    const knownHosts = raw('known-hosts').trim();
    const trustOnFirstUse = bool('trust-on-first-use');
    if (!knownHosts && fingerprints.length === 0 && !trustOnFirstUse) {
        problems.push("input `known-hosts`: give the servers' host keys (known-hosts or host-fingerprint) so the server can be verified; " +
            'trust-on-first-use: true accepts an unknown key and prints its fingerprint to pin');
    }
    const name = required('app-name');
    const nameBad = name !== '' ? (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .appNameProblem */ .A)(name, user) : undefined;
    check('app-name', nameBad);
    const dirRaw = read('app-dir').trim();
    const dir = (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .normalisePath */ .qb)(dirRaw || `/srv/${name}`);
    // A default app-dir built from a bad app-name would only repeat the app-name problem.
    if (dirRaw !== '' || (name !== '' && !nameBad))
        check('app-dir', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .appDirProblem */ .M4)(dir, user));
    const source = get('source');
    const exclude = [...DEFAULT_EXCLUDES, ...splitList(raw('exclude'))];
    const workersRaw = get('workers');
    let workers = 'auto';
    if (workersRaw !== 'auto')
        workers = int('workers', 1, 256);
    const env = [];
    // CRLF ends a line like LF does; any other CR is part of a value and refused there.
    for (const line of raw('env').split(/\r?\n/)) {
        if (line.trim() === '' || line.trim().startsWith('#'))
            continue;
        const eq = line.indexOf('=');
        const key = eq > 0 ? line.slice(0, eq).trim() : '';
        if (!ENV_KEY.test(key)) {
            problems.push(`input \`env\`: each line must be KEY=VALUE with KEY like MY_SETTING; a line is not (key '${key}')`);
            continue;
        }
        env.push({ key, value: line.slice(eq + 1) });
    }
    for (const p of (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .envProblems */ .Co)(env))
        problems.push(`input \`env\`: ${p}`);
    check('env', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .databaseEnvProblem */ ._j)(env));
    const wsgiApp = get('wsgi-app');
    check('wsgi-app', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .wsgiAppProblem */ .Lt)(wsgiApp));
    const relPath = (name, value) => {
        if (value !== '')
            check(name, (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .relPathProblem */ .q5)(value));
        return value;
    };
    /** Paths that reach scripts and units unquoted by the user's intent: the strict character set. */
    const safeRel = (name, value) => {
        if (value !== '')
            check(name, (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .safeRelPathProblem */ .DS)(value));
        return value;
    };
    const healthPath = get('health-path');
    check('health-path', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .healthPathProblem */ .Nr)(healthPath));
    const oneLine = (name) => {
        const v = raw(name).trim();
        check(name, (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLineProblem */ .yw)(v));
        return v;
    };
    const floor = (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .parseDiskFloor */ .lS)(get('min-free-space'));
    if (typeof floor === 'string')
        check('min-free-space', floor);
    const healthHost = raw('health-host').trim();
    if (healthHost !== '')
        check('health-host', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .healthHostProblem */ .au)(healthHost));
    const smokePaths = splitList(raw('smoke-paths'), /[\s,]+/);
    for (const sp of smokePaths)
        check('smoke-paths', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .healthPathProblem */ .Nr)(sp));
    check('build', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .commandProblem */ .RS)(raw('build')));
    const sharedList = splitList(get('shared-paths'));
    const extras = splitList(raw('extras'), /[\s,]+/);
    for (const e of extras)
        check('extras', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .extraNameProblem */ .$f)(e));
    const python = get('python');
    check('python', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .pythonProblem */ .Ec)(python));
    const provision = parseProvision(get, raw, bool, int, duration, problems, raw('sqlite-db').trim());
    const scope = get('rollback-scope');
    if (scope !== 'all' && scope !== 'host') {
        problems.push(`input \`rollback-scope\`: must be all (roll back every server switched in this run) or host (only the failed one), got '${scope}'`);
    }
    const fleet = {
        maxParallel: int('max-parallel', 1, 64),
        canary: bool('canary'),
        rollbackScope: scope === 'host' ? 'host' : 'all'
    };
    const jump = parseJump(raw, privateKey, user, problems);
    const settings = {
        mode,
        hosts,
        fleet,
        jump,
        ssh: {
            user,
            privateKey: privateKey.endsWith('\n') || privateKey === '' ? privateKey : privateKey + '\n',
            passphrase: raw('passphrase') || undefined,
            knownHosts: knownHosts || undefined,
            fingerprints,
            trustOnFirstUse,
            connectTimeoutMs: duration('connect-timeout')
        },
        app: { name, dir, source, exclude },
        deploy: {
            wsgiApp,
            requirements: relPath('requirements', get('requirements')),
            extras,
            python,
            venvSystemSitePackages: bool('venv-system-site-packages'),
            pipArgs: raw('pip-args').trim(),
            workers,
            preloadLibraries: bool('preload-libraries'),
            sharedPaths: sharedList.map((p) => safeRel('shared-paths', p.replace(/:file$/, '').replace(/\/+$/, ''))),
            sharedFiles: sharedList.filter((p) => p.endsWith(':file')).map((p) => p.replace(/:file$/, '')),
            env,
            healthPath,
            healthTimeoutMs: duration('health-timeout'),
            healthExpect: oneLine('health-expect'),
            healthHost,
            smokePaths,
            keepReleases: int('keep-releases', 2, 100),
            sqliteDb: safeRel('sqlite-db', raw('sqlite-db').trim()),
            backupsKeep: int('backups-keep', 1, 1000),
            build: raw('build').trim(),
            preActivate: raw('pre-activate').trim(),
            postActivate: raw('post-activate').trim(),
            lockTimeoutMs: duration('lock-timeout'),
            forceUnlock: bool('force-unlock'),
            minFreeSpace: typeof floor === 'string' ? {} : floor,
            fullUpload: bool('full-upload'),
            rollbackTo: raw('rollback-to').trim(),
            backup: get('backup'),
            downloadBackup: oneLine('download-backup'),
            rollbackRestoreDatabase: bool('rollback-restore-database'),
            commit: oneLine('commit'),
            ref: oneLine('ref')
        },
        provision,
        run: { command: raw('command').trim(), lock: bool('run-lock') },
        given: [...given].sort()
    };
    if (mode === 'run')
        check('command', settings.run.command === '' ? 'is required with mode run' : (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .commandProblem */ .RS)(settings.run.command));
    if (settings.deploy.rollbackTo)
        check('rollback-to', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .releaseIdProblem */ .co)(settings.deploy.rollbackTo));
    if (settings.deploy.backup !== 'latest')
        check('backup', (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .backupIdProblem */ .lC)(settings.deploy.backup));
    if (problems.length > 0)
        throw new SettingsError(problems);
    return settings;
}
/** The inputs of mode provision (see ProvisionSettings); every bad value adds one problem. */
function parseProvision(get, raw, bool, int, duration, problems, sqliteDb) {
    const aptPackages = splitList(raw('apt-packages'), /[\s,]+/);
    for (const p of aptPackages) {
        const bad = (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .debPackageProblem */ .jc)(p);
        if (bad)
            problems.push(`input \`apt-packages\`: ${bad}`);
    }
    const names = splitList(get('server-name'), /[\s,]+/);
    for (const n of names) {
        const bad = (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .serverNameProblem */ .Oi)(n);
        if (bad)
            problems.push(`input \`server-name\`: ${bad}`);
    }
    if (names.length === 0)
        problems.push('input `server-name`: give at least one name, or _ for any');
    const staticPath = raw('static-path').trim().replace(/\/+$/, '');
    const staticBad = staticPath !== '' ? (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .safeRelPathProblem */ .DS)(staticPath) : undefined;
    if (staticBad)
        problems.push(`input \`static-path\`: ${staticBad}`);
    const staticMaps = [];
    for (const item of splitList(raw('static'), /[\s,]+/)) {
        const m = /^(\/[^=]*?)\/*=(.+)$/.exec(item);
        const url = m ? `${m[1].replace(/\/+$/, '')}/` : '';
        const folder = m ? m[2].replace(/\/+$/, '') : '';
        const bad = !m
            ? `must be URL-PREFIX=FOLDER (for example /static/=staticfiles or /media/=shared/media), got '${item}'`
            : ((0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .staticUrlProblem */ .B5)(url) ?? (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .safeRelPathProblem */ .DS)(folder));
        if (bad)
            problems.push(`input \`static\`: ${bad}`);
        else if (staticMaps.some((x) => x.url === url) || (url === '/static/' && staticPath))
            problems.push(`input \`static\`: ${url} is mapped twice (static-path serves /static/ too)`);
        else
            staticMaps.push(folder.startsWith('shared/')
                ? { url, folder: folder.slice('shared/'.length), shared: true }
                : { url, folder, shared: false });
    }
    const clientMaxBodySize = get('client-max-body-size');
    const sizeBad = (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .bodySizeProblem */ .DM)(clientMaxBodySize);
    if (sizeBad)
        problems.push(`input \`client-max-body-size\`: ${sizeBad}`);
    const healthIntervalS = Math.round(duration('health-interval') / 1000);
    if (healthIntervalS < 10)
        problems.push(`input \`health-interval\`: must be at least 10s, got '${get('health-interval')}'`);
    const importDatabase = raw('import-database').trim();
    if (importDatabase !== '') {
        const bad = (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .safeAbsPathProblem */ .G7)(importDatabase);
        if (bad)
            problems.push(`input \`import-database\`: ${bad} (a file on the server)`);
        if (sqliteDb === '')
            problems.push('input `import-database`: needs `sqlite-db` too (where in APP-DIR/shared the database goes, e.g. instance/app.db)');
    }
    return {
        aptPackages,
        serverName: names.join(' '),
        staticPath,
        staticMaps,
        clientMaxBodySize,
        healthIntervalS,
        backupsDays: int('backups-days', 1, 3650),
        importDatabase,
        importDatabaseForce: bool('import-database-force'),
        dryRun: bool('dry-run')
    };
}
/** 'host', 'host:port', '[v6]:port' -> HostSpec, or a message saying what is wrong. */
/** jump-host `user@host:port` and its own key and host-key inputs; undefined without a bastion. */
function parseJump(raw, mainKey, mainUser, problems) {
    const spec = raw('jump-host').trim();
    if (!spec)
        return undefined;
    const at = spec.lastIndexOf('@');
    const user = at > 0 ? spec.slice(0, at) : mainUser;
    const hostPart = at > 0 ? spec.slice(at + 1) : spec;
    const hp = parseHost(hostPart, 22);
    if (typeof hp === 'string' || !USER.test(user)) {
        problems.push(`input \`jump-host\`: must be user@host or user@host:port, got '${spec}'`);
        return undefined;
    }
    const key = (raw('jump-private-key').trim() || mainKey).replace(/\r\n/g, '\n');
    const fingerprints = splitList(raw('jump-host-fingerprint'), /[\s,]+/);
    for (const f of fingerprints) {
        if (!FINGERPRINT.test(f))
            problems.push(`input \`jump-host-fingerprint\`: '${f}' is not a SHA256 fingerprint`);
    }
    const knownHosts = raw('jump-known-hosts').trim() || undefined;
    if (!knownHosts && fingerprints.length === 0) {
        problems.push("input `jump-known-hosts`: give the bastion's host key (jump-known-hosts or jump-host-fingerprint); it is verified like any other host");
    }
    return { ...hp, user, privateKey: key.endsWith('\n') ? key : key + '\n', knownHosts, fingerprints };
}
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

/***/ 948:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IZ: () => (/* binding */ acquireLock),
/* harmony export */   Vz: () => (/* binding */ runId)
/* harmony export */ });
/* unused harmony exports HEARTBEAT_MS, HOLDER_PATIENCE_S, lockScript */
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _deploy_context_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9116);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9038);
/* harmony import */ var _step_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3342);
/* harmony import */ var _ownership_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4718);





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
 * owner file says who holds it.
 */
function lockScript(ctx, owner) {
    const p = ctx.paths;
    const waitS = Math.ceil(ctx.settings.deploy.lockTimeoutMs / 1000);
    return `
${(0,_ownership_js__WEBPACK_IMPORTED_MODULE_3__/* .lockGuardScript */ .sB)(ctx.settings)}
mkdir -p ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U)(p.state)}
chmod 0750 ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U)(p.state)}
exec 9>>${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U)(p.lock)}
owner_file=${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U)(p.lockOwner)}
if ! flock -n 9; then
  holder=$(cat "$owner_file" 2>/dev/null | tr '\\n' ' ')
  if ${ctx.settings.deploy.forceUnlock ? 'true' : 'false'}; then
    since=$(sed -n 's/^since_epoch=//p' "$owner_file" 2>/dev/null)
    pid=$(sed -n 's/^pid=//p' "$owner_file" 2>/dev/null)
    age=$(( $(date +%s) - \${since:-0} ))
    if [ "$age" -ge ${waitS} ] && [ -n "$pid" ]; then
      echo "forced=breaking a lock held for \${age}s by: $holder"
      kill -TERM "$pid" 2>/dev/null || true
    else
      echo "forced=not breaking the lock: it is only \${age}s old (under ${waitS}s), so not stale: $holder"
    fi
  fi
  echo "waiting=$holder"
  if ! flock -w ${waitS} 9; then
    echo "holder=$(cat "$owner_file" 2>/dev/null | tr '\\n' ' ')"
    exit ${BUSY}
  fi
fi
printf 'run=%s\\npid=%s\\nsince=%s\\nsince_epoch=%s\\n' ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U)(owner)} "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(date +%s)" > "$owner_file"
trap 'rm -f "$owner_file"' EXIT
echo locked=yes
# Held while heartbeats come; EOF (released) or ${HOLDER_PATIENCE_S} s of silence (the runner is gone)
# ends the loop, and the lock with it: only this shell holds it, so killing the shell frees it too.
while IFS= read -r -t ${HOLDER_PATIENCE_S} _; do :; done
`;
}
async function acquireLock(ctx, owner = runId()) {
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
            throw new _step_js__WEBPACK_IMPORTED_MODULE_2__/* .DeployError */ .sH(`another deploy of ${ctx.paths.app} on ${ctx.label} held the lock for the whole lock-timeout (${ctx.settings.deploy.lockTimeoutMs / 1000} s): ${facts.holder?.trim() || 'holder unknown'}`, 'Wait for it to finish, raise lock-timeout, or, if that run is gone and the lock is stale, run again with force-unlock: true.');
        }
        throw new _step_js__WEBPACK_IMPORTED_MODULE_2__/* .DeployError */ .sH(`could not take the deploy lock (exit ${first.code}): ${first.stderr.trim()}`);
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
/* harmony export */   iZ: () => (/* binding */ markOwnedScript),
/* harmony export */   sB: () => (/* binding */ lockGuardScript),
/* harmony export */   uU: () => (/* binding */ nameProbe)
/* harmony export */ });
/* unused harmony exports OWNED_DIR, UNIT_HEADER, NAME_TAKEN_EXIT, DISK_FULL_EXIT, ownedMarker, appUnitNames, nameRefusal */
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9038);

/**
 * What the server itself must show before anything of the app's is written: that the app's name
 * belongs to no one else (a unit, user, group or folder this tool did not create) and that the
 * app's filesystem has room. Both are probes of read-only commands, so preflight runs them as the
 * login user and the layout step (as root) turns their findings into a refusal before its first
 * write. Runs in bash (the probes use arrays and arithmetic).
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
function appUnitNames(app) {
    return ['service', 'socket']
        .map((k) => `${app}.${k}`)
        .concat(['health', 'db-maintenance'].flatMap((t) => [`${app}-${t}.service`, `${app}-${t}.timer`]));
}
const UNIT_DIRS = [
    '/etc/systemd/system',
    '/run/systemd/system',
    '/usr/local/lib/systemd/system',
    '/usr/lib/systemd/system',
    '/lib/systemd/system'
];
/**
 * Sets $taken to one line per thing of the app's name this tool did not create; empty when the
 * name is free or already ours. Ours: the user (by uid) recorded in the marker, or (installs made
 * before the marker existed) a system user whose home is app-dir and whose shell is nologin; a unit
 * in /etc/systemd/system whose first line is the tool's header.
 */
function nameProbe(settings) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U;
    const app = settings.app.name;
    const dir = settings.app.dir;
    return `
taken=""
gd_app=${q(app)}
gd_marker=${q(ownedMarker(app))}
gd_user_ours=no
if getent passwd "$gd_app" >/dev/null; then
  IFS=: read -r _ _ gd_uid _ _ gd_home gd_shell <<< "$(getent passwd "$gd_app")"
  if [ -f "$gd_marker" ]; then
    # The same account the tool created, not one made later under the same name.
    if grep -qx "uid=$gd_uid" "$gd_marker"; then gd_user_ours=yes; fi
  elif [ "$gd_uid" -gt 0 ] && [ "$gd_uid" -lt 1000 ] && [ "$gd_home" = ${q(dir)} ] && [ "$gd_shell" = /usr/sbin/nologin ]; then
    gd_user_ours=yes
  fi
elif [ -f "$gd_marker" ]; then
  # The tool's user was removed by hand: what is left of the app's is still ours.
  gd_user_ours=yes
fi
if [ "$gd_user_ours" = no ]; then
  if getent passwd "$gd_app" >/dev/null; then
    taken="$taken
  user $gd_app (uid $(id -u "$gd_app"), home $(getent passwd "$gd_app" | cut -d: -f6))"
  fi
  if getent group "$gd_app" >/dev/null; then taken="$taken
  group $gd_app"; fi
  for gd_d in /etc/"$gd_app" /var/log/"$gd_app"; do
    if [ -e "$gd_d" ]; then taken="$taken
  folder $gd_d"; fi
  done
fi
for gd_unit in ${appUnitNames(app).map(q).join(' ')}; do
  for gd_dir in ${UNIT_DIRS.join(' ')}; do
    gd_f="$gd_dir/$gd_unit"
    if [ ! -e "$gd_f" ] && [ ! -L "$gd_f" ]; then continue; fi
    if [ "$gd_dir" = /etc/systemd/system ] && [ ! -L "$gd_f" ] && [ "$(head -c ${UNIT_HEADER.length} "$gd_f" 2>/dev/null)" = ${q(UNIT_HEADER)} ]; then continue; fi
    taken="$taken
  unit $gd_f"
  done
done
`;
}
/**
 * Sets $free_mb, $need_mb and $disk_dir (app-dir, or its nearest existing parent) for the floor of
 * min-free-space: the smaller of an absolute size and a share of the filesystem when both are given.
 */
function diskProbe(settings) {
    const floor = settings.deploy.minFreeSpace;
    const parts = [];
    if (floor.mb !== undefined)
        parts.push(`need_mb=${Math.floor(floor.mb)}`);
    if (floor.percent !== undefined) {
        const pct = `$(( total_mb * ${Math.floor(floor.percent)} / 100 ))`;
        parts.push(floor.mb !== undefined
            ? `gd_pct=${pct}; if [ "$gd_pct" -lt "$need_mb" ]; then need_mb=$gd_pct; fi`
            : `need_mb=${pct}`);
    }
    return `
disk_dir=${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(settings.app.dir)}
while [ ! -d "$disk_dir" ]; do disk_dir=$(dirname "$disk_dir"); done
read -r total_kb free_kb <<< "$(df -Pk "$disk_dir" | awk 'NR==2 {print $2, $4}')"
total_mb=$(( \${total_kb:-0} / 1024 )); free_mb=$(( \${free_kb:-0} / 1024 ))
need_mb=0
${parts.join('\n')}
`;
}
/**
 * The name refusal alone: also the first thing the lock step runs, since taking the lock creates
 * app-dir/.deploy (the first write of a deploy).
 */
function nameRefusal(settings) {
    return `${nameProbe(settings)}
if [ -n "$taken" ]; then
  echo ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(`app-name \`${settings.app.name}\` is taken on this server by something gunicorn-deploy did not create:`)}"$taken" >&2
  echo "Nothing was changed. Choose another app-name (it names the app's user, group and units), or remove what is listed if it is a leftover of yours." >&2
  exit ${NAME_TAKEN_EXIT}
fi
`;
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
    return `${nameRefusal(settings)}
${diskProbe(settings)}
if [ "$free_mb" -lt "$need_mb" ]; then
  echo "only $free_mb MB free on the filesystem of "${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(settings.app.dir)}" ($disk_dir): min-free-space needs $need_mb MB." >&2
  echo "Nothing was changed. Free space (old releases in releases/, venvs/, logs), grow the disk, or lower min-free-space." >&2
  exit ${DISK_FULL_EXIT}
fi
`;
}
/** After the layout step created the user: record it as the tool's (idempotent). */
function markOwnedScript(settings) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U;
    const marker = ownedMarker(settings.app.name);
    return `
if [ ! -f ${q(marker)} ] && getent passwd ${q(settings.app.name)} >/dev/null; then
  install -d -m 0755 ${q(OWNED_DIR)}
  printf 'user=%s\\nuid=%s\\napp-dir=%s\\n' ${q(settings.app.name)} "$(id -u ${q(settings.app.name)})" ${q(settings.app.dir)} > ${q(marker)}
fi
`;
}


/***/ }),

/***/ 3342:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
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
            const ms = performance.now() - start;
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
/* harmony export */   sG: () => (/* binding */ troubleshootingRef),
/* harmony export */   v_: () => (/* binding */ sectionFor)
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
    data: 'Mode restore and backups'
};
const BY_STEP = {
    connect: 'connect',
    lock: 'server',
    layout: 'server',
    preflight: 'server',
    upload: 'build',
    venv: 'build',
    config: 'build',
    build: 'build',
    check: 'build',
    backup: 'build',
    'download backup': 'build',
    'pre-activate': 'build',
    candidate: 'candidate',
    units: 'live',
    switch: 'live',
    verify: 'live',
    rollback: 'live',
    'post-activate': 'live',
    prune: 'live'
};
/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading) {
    return heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
}
function sectionFor(mode, failedStep) {
    if (failedStep === 'connect')
        return 'connect';
    // Provision's first deploy fails in the deploy's own steps (pip, the import check, the candidate):
    // their sections explain them, not provision's.
    const deployStep = BY_STEP[failedStep ?? ''];
    if (mode === 'provision' && (deployStep === 'build' || deployStep === 'candidate' || deployStep === 'live'))
        return deployStep;
    if (mode === 'provision' || mode === 'verify')
        return 'provision';
    if (mode === 'rollback')
        return 'rollback';
    if (mode === 'run')
        return 'run';
    if (mode === 'restore' || mode === 'backups')
        return 'data';
    return BY_STEP[failedStep ?? ''] ?? 'server';
}
function troubleshootingRef(section) {
    return `Troubleshooting: README.md#${anchor(SECTIONS[section])}`;
}


/***/ })

};
