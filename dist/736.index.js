export const id = 736;
export const ids = [736,665];
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

/***/ 5312:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IN: () => (/* binding */ commandWordsValue),
/* harmony export */   LG: () => (/* binding */ asUserWords),
/* harmony export */   Mw: () => (/* binding */ appRunWords),
/* harmony export */   OI: () => (/* binding */ AS_USER_HEAD),
/* harmony export */   Tx: () => (/* binding */ buildRunCommand),
/* harmony export */   ex: () => (/* binding */ asUser),
/* harmony export */   gA: () => (/* binding */ appRunCommand),
/* harmony export */   sX: () => (/* binding */ systemdWord)
/* harmony export */ });
/* unused harmony export commandWordsText */
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9038);

/**
 * systemd (PID 1) expands $VAR, ${VAR} and $$ in a transient unit's command line, from the unit's
 * environment: a hook's `echo ${X}` would reach bash as `echo ` (or as the env file's value). Every
 * $ doubled, each word reaches the program exactly as written (systemd 247-257 all take $$).
 */
function systemdWord(word) {
    return word.replace(/\$/g, '$$$$');
}
/** The words as shell text, each value quoted. */
function commandWordsText(words) {
    return words.map(([fixed, value]) => (value === undefined ? fixed : `${fixed}${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(value)}`)).join(' ');
}
/** The words as a script's value: one word a line, read with `mapfile -t` (no word holds a newline). */
function commandWordsValue(words) {
    return words
        .map(([fixed, value]) => {
        const word = `${fixed}${value ?? ''}`;
        if (word.includes('\n'))
            throw new Error(`a command word holds a newline: ${JSON.stringify(word)}`);
        return word;
    })
        .join('\n');
}
const fixed = (word) => [word];
/** systemd-run's words for appRunCommand, up to and with its `--` (app_run.sh's as_app takes them). */
function appRunWords(paths, opts) {
    return [
        ...['systemd-run', '--quiet', '--wait', '--pipe', '--collect', '--service-type=exec'].map(fixed),
        ['-p'],
        ['User=', paths.user],
        ['-p'],
        ['Group=', paths.user],
        ['-p'],
        ['EnvironmentFile=', opts.envFile],
        ['-p'],
        ['WorkingDirectory=', opts.cwd],
        ['--setenv=PATH=', `${opts.venv}/bin:/usr/local/bin:/usr/bin:/bin`],
        ['--setenv=PWD=', opts.cwd],
        ['--']
    ];
}
/**
 * A command run the way the service runs: as the app's user, with its environment file, in a
 * transient systemd unit. The import check and the migrations then see exactly what Gunicorn will
 * see, not sudo's or the SSH user's environment. argv reaches the program as written (systemdWord).
 */
function appRunCommand(paths, opts) {
    return [commandWordsText(appRunWords(paths, opts)), ...opts.argv.map((a) => (0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(systemdWord(a)))].join(' ');
}
/** setpriv's words for asUser, up to and with `bash -c` (import_database.sh's as_user takes them). */
function asUserWords(user) {
    return [
        ['setpriv'],
        ['--reuid=', user],
        ['--regid=', user],
        ['--init-groups'],
        ['--reset-env'],
        ['--'],
        ['bash'],
        ['-c']
    ];
}
/** What asUser's bash runs before the script (a script's as_user prepends the same). */
const AS_USER_HEAD = 'set -euo pipefail\n';
/**
 * A shell text run by root's script as an unprivileged user (the build user for repository content,
 * the app's user for what the app can write), inside the same round trip. setpriv costs ~4 ms
 * (runuser ~13 ms, sudo -u ~20 ms, systemd-run ~60 ms, measured on trixie): no PAM session, no
 * log line, and the environment reset to the user's own, so nothing of root's leaks in. args: shell
 * words for $1... (expanded by root's script).
 */
function asUser(user, script, args = []) {
    return [commandWordsText(asUserWords(user)), (0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(`${AS_USER_HEAD}${script}`), 'gd', ...args].join(' ');
}
/**
 * Code from the repository's packages (pip builds run setup.py and build backends) runs in a
 * transient unit as the build user: whatever it starts is killed with the unit when pip ends (no
 * process is left behind to race root's later steps), it cannot gain privileges (setuid
 * binaries), it gets its own /tmp, and the unit ends by itself after maxSeconds even if the
 * runner is gone.
 */
function buildRunCommand(paths, 
/** args: shell words for $1..., expanded by root's script (values known only on the server). */
opts) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U;
    // The script reaches bash on stdin (--pipe), never on systemd-run's command line: no $ of it
    // crosses systemd's own expansion. It is one { } group, read whole before it runs, with stdin
    // then /dev/null, so nothing it runs can read the rest of the script.
    return [
        `printf '%s\\n' ${q(`{\nset -euo pipefail\n${opts.script}\n} </dev/null`)} |`,
        'systemd-run --quiet --wait --pipe --collect --service-type=exec',
        `-p User=${q(paths.buildUser)} -p Group=${q(paths.buildUser)}`,
        '-p NoNewPrivileges=yes -p PrivateTmp=yes',
        `-p RuntimeMaxSec=${Math.max(1, Math.ceil(opts.maxSeconds))}`,
        ...Object.entries(opts.env).map(([k, v]) => `--setenv=${q(`${k}=${v}`)}`),
        '--',
        'bash',
        '-s',
        '--',
        ...(opts.args ?? [])
    ].join(' ');
}


/***/ }),

/***/ 1873:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ healthHost),
/* harmony export */   g: () => (/* binding */ healthUrl)
/* harmony export */ });
/**
 * The Host header of every health request (candidate, verify, rollback, health timer): an app that
 * checks it (Django's ALLOWED_HOSTS) answers 400 to `localhost`. health-host, else the first real
 * server-name, else localhost.
 */
function healthHost(settings) {
    if (settings.deploy.healthHost)
        return settings.deploy.healthHost;
    return settings.provision.serverName.split(' ').find((n) => n !== '_' && !n.startsWith('*')) ?? 'localhost';
}
/** The URL curl asks for through a unix socket: its host part becomes the Host header. */
function healthUrl(settings, urlPath) {
    return `http://${healthHost(settings)}${urlPath}`;
}


/***/ }),

/***/ 4040:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cm: () => (/* binding */ shapingSettings),
/* harmony export */   Gt: () => (/* binding */ parseStates),
/* harmony export */   Zx: () => (/* binding */ recordHmac),
/* harmony export */   cS: () => (/* binding */ statesDir),
/* harmony export */   lX: () => (/* binding */ recordPath),
/* harmony export */   oJ: () => (/* binding */ listStatesCommand),
/* harmony export */   t6: () => (/* binding */ recordCommand),
/* harmony export */   t7: () => (/* binding */ stateCommand),
/* harmony export */   wq: () => (/* binding */ releaseHash)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _manifest_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4449);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9038);
/* harmony import */ var _remembered_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1757);
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4036);





/** Run-specific settings (commit, ref, lock handling, full-upload) do not change what is deployed. */
function shapingSettings(settings) {
    const shaping = { ...settings.deploy };
    for (const k of ['commit', 'ref', 'rollbackTo', 'lockTimeoutMs', 'forceUnlock', 'fullUpload'])
        delete shaping[k];
    return JSON.stringify(shaping);
}
/**
 * A hash keyed by the SSH key: the record is written through a command line (in sudo's journal)
 * and the settings it covers include the env values, so a plain sha256 of a weak secret could be
 * brute-forced from the journal. Keyed, it says nothing to anyone without the deploy key; a run
 * with another key only redeploys once.
 */
function recordHmac(settings) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha256', (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(settings.ssh.privateKey).digest());
}
/**
 * What a release is made of: the manifest of the tree the upload sends (paths, modes, content
 * ids; no times or owners, so a fresh checkout of the same commit hashes the same), plus every
 * deploy setting that shapes the release or its units. A deploy has the manifest already.
 */
function releaseHash(manifest, settings) {
    return recordHmac(settings)
        .update((0,_manifest_js__WEBPACK_IMPORTED_MODULE_1__/* .serializeManifest */ .MZ)(manifest))
        .update(shapingSettings(settings))
        .digest('hex');
}
/**
 * Which source and settings the current release was built from: written by every deploy that went
 * live (so a provision after a plain deploy of the same source deploys nothing), read by provision.
 */
function recordPath(ctx) {
    return `${ctx.paths.state}/provisioned-source`;
}
/** The shell that records what the release just made live was built from. */
function recordCommand(ctx, hash, release) {
    return `printf 'hash=%s\\nrelease=%s\\n' ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U)(hash)} ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U)(release)} > ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U)(recordPath(ctx))}`;
}
function statesDir(ctx) {
    return `${ctx.paths.state}/release-states`;
}
/**
 * The shell that records a release's state (and forgets releases no longer on the server). A
 * release just built also keeps the settings it is proven and run with (remembered.ts). Scripts:
 * templates/scripts/release_state.sh, release_states_tidy.sh.
 */
function stateCommand(ctx, release, state) {
    const dir = statesDir(ctx);
    const write = (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_3__/* .serverScript */ .fj)('release_state', { states_dir: dir, state, state_file: `${dir}/${release}` });
    const settings = state === 'built' ? `${(0,_remembered_js__WEBPACK_IMPORTED_MODULE_2__/* .releaseSettingsCommand */ .gd)(ctx, release)}\n` : '';
    return `${write}${settings}${(0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_3__/* .serverScript */ .fj)('release_states_tidy', {
        states_dir: dir,
        settings_dir: (0,_remembered_js__WEBPACK_IMPORTED_MODULE_2__/* .releaseSettingsDir */ .e$)(ctx),
        releases: ctx.paths.releases
    })}`;
}
/**
 * The shell that prints `state_ID=STATE` for every release on the server (`none` when a release has
 * no record: one from before states were kept, or one still being built).
 */
function listStatesCommand(ctx) {
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_3__/* .serverScript */ .fj)('release_states_list', { releases: ctx.paths.releases, states_dir: statesDir(ctx) });
}
/** state_ID=STATE lines -> { ID: STATE }, in the order printed (oldest first). */
function parseStates(stdout) {
    const out = new Map();
    for (const line of stdout.split('\n')) {
        const m = /^state_([0-9A-Za-z._-]+)=([a-z-]+)$/.exec(line);
        if (m)
            out.set(m[1], m[2]);
    }
    return out;
}


/***/ }),

/***/ 1757:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $S: () => (/* binding */ withRemembered),
/* harmony export */   AL: () => (/* binding */ databaseSeenPath),
/* harmony export */   EC: () => (/* binding */ withRememberedSettings),
/* harmony export */   WK: () => (/* binding */ readReleaseSettingsCommand),
/* harmony export */   e$: () => (/* binding */ releaseSettingsDir),
/* harmony export */   gd: () => (/* binding */ releaseSettingsCommand),
/* harmony export */   q: () => (/* binding */ readRememberedCommand),
/* harmony export */   tb: () => (/* binding */ rememberCommand),
/* harmony export */   w8: () => (/* binding */ settingsOfRelease)
/* harmony export */ });
/* unused harmony exports rememberedPath, releaseSettingsPath, REMEMBERED, rememberedOf, parseReleaseSettings */
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5036);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9038);
/* harmony import */ var _steps_step_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3342);
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4036);




/**
 * The settings that describe how a release is proven and run, remembered on the server, so
 * `rollback` and `verify` given only a host, a key and the app name treat a release the way its
 * deploy did. Each release keeps its own (release-settings/ID.json, written when it is built); the
 * app keeps the last live one's (settings.json). Keyed by input name: an input the user gives wins.
 * A value read back passes the same reader and rules as the input (src/settings/), or the run
 * stops naming it: never a silent default.
 */
function rememberedPath(ctx) {
    return `${ctx.paths.state}/settings.json`;
}
function releaseSettingsDir(ctx) {
    return `${ctx.paths.state}/release-settings`;
}
function releaseSettingsPath(ctx, release) {
    return `${releaseSettingsDir(ctx)}/${release}.json`;
}
/**
 * Input name -> where its parsed value lives. A new setting that describes a release (the worker
 * class, a Procfile's processes) is one line here.
 */
const REMEMBERED = {
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
function asInput(name, v) {
    if (name === 'health-timeout')
        return `${String(v)}ms`;
    if (Array.isArray(v))
        return v.join(' ');
    return String(v);
}
function rememberedOf(s) {
    const out = {};
    for (const [name, [section, key]] of Object.entries(REMEMBERED)) {
        const from = section === 'deploy'
            ? s.deploy[key]
            : section === 'gunicorn'
                ? s.deploy.gunicorn[key]
                : s.provision[key];
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
function writeJson(to, json) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__/* .shQuote */ .U;
    const tmp = q(`${to}.tmp`);
    return [
        // Plain sh (the import check runs it under sh): the same file is this line and nothing after.
        `{ if ! { [ -f ${q(to)} ] && { IFS= read -r gd_was && [ "$gd_was" = ${q(json)} ] && ! IFS= read -r gd_was && [ -z "$gd_was" ]; } < ${q(to)}; }; then`,
        `if [ -e ${tmp} ] || [ -L ${tmp} ]; then rm -f -- ${tmp}; fi`,
        `(umask 077 && printf '%s\\n' ${q(json)} > ${tmp}) && mv -f -- ${tmp} ${q(to)}; fi; }`
    ].join('\n');
}
/** Noted once a live release had its database: after that, a missing one went missing. */
function databaseSeenPath(ctx) {
    return `${ctx.paths.state}/database-seen`;
}
/** The shell that writes the app's remembered settings (with the history line of a live release). */
function rememberCommand(ctx) {
    const db = ctx.settings.deploy.sqliteDb;
    return `${writeJson(rememberedPath(ctx), JSON.stringify(rememberedOf(ctx.settings)))}${(0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_2__/* .serverScript */ .fj)('database_seen', {
        db_file: db ? `${ctx.paths.shared}/${db}` : '',
        seen_file: databaseSeenPath(ctx)
    })}`;
}
/** The shell that stores a release's own settings beside its state, outside the release. */
function releaseSettingsCommand(ctx, release) {
    const dir = (0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__/* .shQuote */ .U)(releaseSettingsDir(ctx));
    return `{ [ -d ${dir} ] || install -d -m 0700 ${dir}; } && ${writeJson(releaseSettingsPath(ctx, release), JSON.stringify(rememberedOf(ctx.settings)))}`;
}
/** The shell that prints them as one `remembered=JSON` line (nothing when never written). */
function readRememberedCommand(ctx) {
    const from = (0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__/* .shQuote */ .U)(rememberedPath(ctx));
    return `[ -f ${from} ] && printf 'remembered=%s\\n' "$(head -c 65536 ${from} | tr -d '\\n')" || true`;
}
/** The shell that prints `rsettings_ID=JSON` for every release that kept its own settings. */
function readReleaseSettingsCommand(ctx) {
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_2__/* .serverScript */ .fj)('release_settings_read', { release_settings_dir: releaseSettingsDir(ctx) });
}
/** rsettings_ID=JSON lines -> { ID: JSON }. */
function parseReleaseSettings(stdout) {
    return new Map([...stdout.matchAll(/^rsettings_([0-9A-Za-z._-]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}
/** The context with the remembered settings applied: for modes that only read them (one round trip). */
async function withRememberedSettings(base) {
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
function withRemembered(s, json, where = 'the remembered settings') {
    if (!json)
        return s;
    let r;
    try {
        const parsed = JSON.parse(json);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new Error('not an object');
        r = parsed;
    }
    catch (err) {
        throw unreadable(where, [`the file is not a JSON object (${err.message})`]);
    }
    const given = new Set(s.given);
    const values = {};
    const problems = [];
    for (const name of Object.keys(REMEMBERED)) {
        const v = r[name];
        if (v === undefined || given.has(name))
            continue;
        if (typeof v !== 'string')
            problems.push(`\`${name}\`: is not text`);
        else
            values[name] = v;
    }
    // The one reader and the same section parsers as the inputs: the same rules, the same defaults.
    const { deploy, provision } = (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .parseRememberedSections */ .yD)((n) => values[n] ?? '', problems);
    if (problems.length > 0)
        throw unreadable(where, problems.map((p) => p.replace(/^input `/, '`')));
    const out = { ...s, deploy: { ...s.deploy }, provision: { ...s.provision } };
    for (const name of Object.keys(values)) {
        const [section, key] = REMEMBERED[name];
        if (section === 'deploy')
            Object.assign(out.deploy, { [key]: deploy[key] });
        else if (section === 'gunicorn')
            // One of Gunicorn's settings: the others keep this run's values.
            out.deploy.gunicorn = {
                ...out.deploy.gunicorn,
                [key]: deploy.gunicorn[key]
            };
        else
            Object.assign(out.provision, { [key]: provision[key] });
    }
    return out;
}
function unreadable(where, problems) {
    return new _steps_step_js__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH(`a remembered setting in ${where} cannot be read back; nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 'Give the named inputs to this run (they win over remembered ones), or deploy again to write the settings anew.');
}
/**
 * The settings a release is proven and run with: its own (kept when it was built), else, for a
 * release built before releases kept them, the app's last remembered ones. `stdout` holds both
 * (readReleaseSettingsCommand, readRememberedCommand).
 */
function settingsOfRelease(base, stdout, release) {
    const own = parseReleaseSettings(stdout).get(release);
    if (own)
        return withRemembered(base.settings, own, releaseSettingsPath(base, release));
    const app = /^remembered=(.*)$/m.exec(stdout)?.[1];
    return withRemembered(base.settings, app, rememberedPath(base));
}


/***/ }),

/***/ 8336:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ rootReadProgram),
/* harmony export */   Z: () => (/* binding */ rootRead)
/* harmony export */ });
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4036);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9038);


/**
 * How root reads a file that the app's user (or the build user) can name or replace: opened once,
 * relative to a folder itself opened without following a link, with O_NOFOLLOW (a link is
 * refused, not followed), O_NONBLOCK (a FIFO never blocks the open) and O_NOCTTY; then fstat on
 * that descriptor must show a regular file with one link (a hardlink to a root file is refused)
 * owned by the expected user, and every byte read after comes from that descriptor, at most the
 * size fstat saw, within a deadline. Python's os module gives exactly these calls (bash and
 * coreutils follow links or block on FIFOs), and python3 is on every server that runs the app.
 *
 * Commands (argv after the program):
 *   list DIR OWNER CHECKER PATTERN...
 *                               one `backup\tNAME\tMTIME\tSIZE\tSHA256\tINTEGRITY` line per name
 *                               matching a PATTERN (fnmatch); a refused one has no checksum and
 *                               the integrity `refused: why`. Gzip that does not unpack completely
 *                               fails closed. Each file is checked as a private copy, by CHECKER
 *                               (the app's user: SQLite never parses the app's bytes as root).
 *   newest DIR OWNER PATTERN... the newest acceptable name (by mtime), or nothing
 *   cat DIR NAME OWNER          the bytes as base64 on stdout, then `sha256=HEX` on stderr
 *   copy DIR NAME OWNER DEST raw|gzip|gunzip [MODE [db]]
 *                               a new DEST (O_EXCL, never through a link), mtime kept (at most now);
 *                               db: a WAL database's header set to rollback mode (opens read-only)
 *   move DIR OWNER DEST PATTERN... copy every acceptable match (not dated in the future) into DEST
 *                               (same name), then remove the original; refused ones stay, named on
 *                               stderr
 * OWNER is a user name or a numeric uid. Exit 0, or 2 with the reason on stderr (5: not found).
 * The program is templates/scripts/root_read.py.
 */
function rootReadProgram() {
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverProgram */ .qX)('root_read');
}
/** The shell words that run the program as root: isolated (-I: no PYTHON* variables, no user site). */
function rootRead(...args) {
    return `python3 -I -c ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_1__/* .shQuote */ .U)(rootReadProgram())} ${args.join(' ')}`;
}


/***/ }),

/***/ 1736:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  hostLabel: () => (/* reexport */ src_settings/* hostLabel */.vy),
  registerSecrets: () => (/* reexport */ registerSecrets),
  runEngine: () => (/* binding */ runEngine),
  secretValues: () => (/* reexport */ secretValues),
  targetFor: () => (/* reexport */ targetFor)
});

// EXTERNAL MODULE: ./src/settings.ts + 27 modules
var src_settings = __webpack_require__(5036);
;// CONCATENATED MODULE: ./src/targets.ts

/** What the engine connects to for one host: the settings' SSH and jump parts, nothing else. */
function targetFor(settings, host) {
    return {
        host: host.host,
        port: host.port,
        user: settings.ssh.user,
        privateKey: settings.ssh.privateKey,
        passphrase: settings.ssh.passphrase,
        knownHosts: settings.ssh.knownHosts,
        fingerprints: settings.ssh.fingerprints,
        trustOnFirstUse: settings.ssh.trustOnFirstUse,
        connectTimeoutMs: settings.ssh.connectTimeoutMs,
        jump: settings.jump
            ? {
                host: settings.jump.host,
                port: settings.jump.port,
                user: settings.jump.user,
                privateKey: settings.jump.privateKey,
                knownHosts: settings.jump.knownHosts,
                fingerprints: settings.jump.fingerprints,
                connectTimeoutMs: settings.ssh.connectTimeoutMs
            }
            : undefined
    };
}
/** Registers every secret the settings hold, before anything prints. */
function registerSecrets(settings, logger) {
    for (const v of secretValues(settings))
        logger.setSecret(v);
}
/**
 * Every value to mask. A multi-line key is also masked line by line: a log line can carry one of
 * its lines on its own (an error quoting a parse failure), which a whole-value mask would miss.
 */
function secretValues(settings) {
    const out = [
        settings.ssh.privateKey,
        ...settings.ssh.privateKey.split('\n').filter((l) => l.trim().length >= 8)
    ];
    if (settings.ssh.passphrase)
        out.push(settings.ssh.passphrase);
    if (settings.jump && settings.jump.privateKey !== settings.ssh.privateKey) {
        out.push(settings.jump.privateKey, ...settings.jump.privateKey.split('\n').filter((l) => l.trim().length >= 8));
    }
    for (const e of settings.deploy.env)
        if (e.value.trim().length > 0)
            out.push(e.value);
    if (settings.tls.key)
        out.push(settings.tls.key, ...settings.tls.key.split('\n').filter((l) => l.trim().length >= 8));
    if (settings.provision.edge.alertWebhook)
        out.push(settings.provision.edge.alertWebhook);
    if (settings.notify.webhook)
        out.push(settings.notify.webhook);
    out.push(...(0,src_settings/* databaseUrlSecrets */.I6)(settings.database.url));
    return out;
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/deps.ts


/** Lock files whose pins pip cannot install as they are; refused rather than silently ignored. */
const LOCK_FILES = ['uv.lock', 'poetry.lock', 'pylock.toml'];
const isLockFile = (name) => LOCK_FILES.includes(name) || /^pylock\.[^/]+\.toml$/.test(name);
const SUPPORTED = 'supported: requirements.txt (or any requirements file) and pyproject.toml [project] dependencies';
function lockAdvice(lock) {
    if (lock === 'uv.lock')
        return 'uv export --no-hashes --format requirements-txt -o requirements.txt';
    if (lock === 'poetry.lock')
        return 'poetry export -f requirements.txt -o requirements.txt';
    return 'pip-compile, uv export or your locker, into requirements.txt';
}
function lockProblem(lock) {
    return (`input \`requirements\`: ${lock} is a lock file this tool cannot install exactly as pinned (${SUPPORTED}). ` +
        `Export its pins to a requirements file (${lockAdvice(lock)}), commit it, and deploy again: it is then used first`);
}
/** What a pyproject.toml shows without a TOML library: the tables and the keys given in them. */
function pyprojectProblem(file, text, extras) {
    const tables = new Map();
    let table = '';
    let dynamicDeps = false;
    let inDynamic = false;
    for (const line of text.split(/\r?\n/)) {
        const header = /^\s*\[([^[\]]+)\]\s*(#.*)?$/.exec(line);
        if (header) {
            table = header[1]
                .trim()
                .replace(/\s*\.\s*/g, '.')
                .replace(/"/g, '');
            if (!tables.has(table))
                tables.set(table, new Set());
            inDynamic = false;
            continue;
        }
        if (/^\s*\[\[/.test(line)) {
            table = '';
            continue;
        }
        const key = /^\s*("?)([A-Za-z0-9_.-]+)\1\s*=/.exec(line);
        if (key && table)
            tables.get(table).add(key[2]);
        if (table === 'project' && key?.[2] === 'dynamic')
            inDynamic = true;
        if (table === 'project' && inDynamic && /["']dependencies["']/.test(line))
            dynamicDeps = true;
        if (inDynamic && /\]/.test(line))
            inDynamic = false;
    }
    const project = tables.get('project');
    if (!project) {
        return `input \`requirements\`: ${file} has no [project] table (PEP 621), so it names no dependencies (${SUPPORTED}; for Poetry's own [tool.poetry] tables, export a requirements.txt)`;
    }
    if (dynamicDeps) {
        return `input \`requirements\`: ${file} declares its dependencies dynamic (computed by its build backend), which cannot be read without building it; list them in [project] dependencies or in a requirements.txt`;
    }
    if (extras.length > 0 && !project.has('optional-dependencies')) {
        const declared = tables.get('project.optional-dependencies') ?? new Set();
        const missing = extras.filter((e) => !declared.has(e));
        if (missing.length > 0) {
            return `input \`extras\`: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in ${file}'s [project.optional-dependencies] (it has: ${[...declared].join(', ') || 'none'})`;
        }
    }
    return undefined;
}
/** The dependency source of the release about to be uploaded, or why there is none. */
async function resolveDependencies(source, requirements, extras) {
    const isFile = async (rel) => (await (0,promises_.stat)(external_node_path_.join(source, rel)).catch(() => undefined))?.isFile() === true;
    let file = requirements;
    if (requirements === 'auto') {
        if (await isFile('requirements.txt'))
            file = 'requirements.txt';
        else {
            for (const lock of LOCK_FILES)
                if (await isFile(lock))
                    return { problem: lockProblem(lock) };
            if (await isFile('pyproject.toml'))
                file = 'pyproject.toml';
            else {
                return {
                    problem: `input \`requirements\`: ${source} has neither requirements.txt nor pyproject.toml (the venv's packages come from one of them: add one, even an empty requirements.txt, or point requirements at yours)`
                };
            }
        }
    }
    else {
        if (isLockFile(external_node_path_.posix.basename(file)))
            return { problem: lockProblem(file) };
        if (!(await isFile(file))) {
            return {
                problem: `input \`requirements\`: ${file} is not a file in ${source} (the venv is built from it: add one, even empty, or point requirements at it)`
            };
        }
    }
    let text;
    try {
        text = await (0,promises_.readFile)(external_node_path_.join(source, file), 'utf8');
    }
    catch (e) {
        return {
            problem: `input \`requirements\`: ${file} in ${source} cannot be read (${e.message})`
        };
    }
    if (text.includes('\0'))
        return { problem: `input \`requirements\`: ${file} is not a text file` };
    const kind = file.endsWith('.toml') ? 'pyproject' : 'requirements';
    if (kind === 'requirements') {
        if (extras.length > 0) {
            return {
                problem: `input \`extras\`: applies to pyproject.toml's optional dependencies, but the venv is built from ${file}`
            };
        }
        if (/^\s*\[[A-Za-z_.-]+\]\s*$/m.test(text)) {
            return {
                problem: `input \`requirements\`: ${file} looks like TOML, not a requirements file (${SUPPORTED}; a pyproject's name must end in .toml)`
            };
        }
        return { deps: { kind, file, extras } };
    }
    const problem = pyprojectProblem(file, text, extras);
    return problem ? { problem } : { deps: { kind, file, extras } };
}

;// CONCATENATED MODULE: ./src/source-check.ts



/**
 * Inputs that only the runner's files can prove wrong: the folder to upload and where its
 * dependencies come from (a lock file, an unreadable or unsupported file is refused here).
 * Checked before any connection, so a wrong path fails a deploy with nothing changed on any
 * server (otherwise the layout step would have made the app's user and folders first).
 */
async function sourceProblems(settings) {
    const uploads = settings.mode === 'deploy' || settings.mode === 'provision';
    if (!uploads)
        return [];
    const source = external_node_path_.resolve(settings.app.source);
    const dir = await (0,promises_.stat)(source).catch(() => undefined);
    if (!dir?.isDirectory()) {
        return [
            `input \`source\`: ${source} is not a folder on the runner (check the code out first, e.g. with actions/checkout, or fix the path)`
        ];
    }
    const req = settings.deploy.requirements;
    // A lock file is refused for what it is, named or not (by resolveDependencies).
    if (req !== 'auto' &&
        !isLockFile(external_node_path_.posix.basename(req)) &&
        !(await (0,promises_.stat)(external_node_path_.join(source, req)).catch(() => undefined))?.isFile()) {
        return [
            `input \`requirements\`: ${req} is not a file in ${source} (the venv is built from it: add one, even empty, or point requirements at it)`
        ];
    }
    const { problem } = await resolveDependencies(source, settings.deploy.requirements, settings.deploy.extras);
    return problem ? [problem] : [];
}

// EXTERNAL MODULE: ./src/manifest.ts + 2 modules
var src_manifest = __webpack_require__(4449);
;// CONCATENATED MODULE: ./src/early-manifest.ts


/**
 * The runner's manifest of the tree a deploy uploads, started as the run starts: the runner is
 * idle while SSH connects, takes the lock and lays out (~0.3 s), and listing and hashing a
 * 5,000-file tree takes about as long. One per run (runEngine starts it; a later run replaces it),
 * shared by every host of a fleet; the upload takes it when it is for the same tree and excludes,
 * and builds its own otherwise.
 */
let current;
const keyOf = (source, exclude) => JSON.stringify([external_node_path_.resolve(source), exclude]);
function startManifest(source, exclude) {
    const manifest = (0,src_manifest/* buildManifest */.u1)(external_node_path_.resolve(source), exclude);
    // Its failure is the upload's to report, when it takes it.
    manifest.catch(() => undefined);
    current = { key: keyOf(source, exclude), manifest };
}
function runManifest(source, exclude) {
    if (current?.key === keyOf(source, exclude))
        return current.manifest;
    return (0,src_manifest/* buildManifest */.u1)(external_node_path_.resolve(source), exclude);
}

// EXTERNAL MODULE: ./src/ssh/connection.ts + 8 modules
var connection = __webpack_require__(7362);
// EXTERNAL MODULE: ./src/steps/step.ts
var step = __webpack_require__(3342);
// EXTERNAL MODULE: ./src/report.ts
var report = __webpack_require__(665);
// EXTERNAL MODULE: ./src/render/scripts.ts
var scripts = __webpack_require__(4036);
// EXTERNAL MODULE: ./src/steps/ownership.ts
var ownership = __webpack_require__(4718);
// EXTERNAL MODULE: ./src/deploy/paths.ts
var paths = __webpack_require__(8535);
// EXTERNAL MODULE: ./src/schedules/script.ts + 1 modules
var script = __webpack_require__(8627);
;// CONCATENATED MODULE: ./src/modes/preflight.ts




const PREFLIGHT_KEYS = [
    'os',
    'sudo',
    'systemd',
    'python',
    'venv',
    'packages',
    'disk-free',
    'app-name',
    'provisioned',
    'usable'
];
/** The oldest systemd the units are written for (Debian 11 / Ubuntu 22.04 ship 247 / 249). */
const MIN_SYSTEMD = 247;
/**
 * One round trip that reads everything deploy and provision need, as the login user (no writes).
 * Each probe prints key=value and never fails the script, so one missing tool is reported as such
 * rather than hiding the others. Scripts: templates/scripts/preflight.sh, disk_probe.sh,
 * name_probe.sh, preflight_end.sh.
 */
function preflightScript(settings) {
    const layout = (0,paths/* appLayout */.q5)(settings);
    const tools = [
        ['curl', 'curl'],
        ['flock', 'util-linux'],
        ['tar', 'tar'],
        ['sudo', 'sudo'],
        ...(settings.deploy.sqliteDb ? [['sqlite3', 'sqlite3']] : [])
    ];
    // The disk and name facts are printed after both probes ran (the probes print nothing).
    return `${(0,scripts/* serverScript */.fj)('preflight', {
        py: settings.deploy.python,
        tools: tools.map(([cmd, pkg]) => `${cmd}:${pkg}`).join(' ')
    })}${(0,ownership/* diskProbe */.AC)(settings)}${(0,ownership/* nameProbe */.uU)(settings)}${(0,scripts/* serverScript */.fj)('preflight_end', {
        service_file: layout.units.service.file,
        current: layout.current
    })}${(0,script/* calendarProbe */.ZD)(settings)}
`;
}
/** The Debian package that provides each missing piece, in the order apt should get them. */
function missingPackages(kv, python) {
    const pkgs = [];
    const hasPython = !!kv.python && /^\d+\.\d+/.test(kv.python);
    if (!hasPython)
        pkgs.push(python === 'python3' ? 'python3' : python.split('/').pop());
    if (kv.venv !== 'yes') {
        // Debian/Ubuntu name the venv package after the interpreter: python3.11 -> python3.11-venv.
        const m = /^(\d+)\.(\d+)/.exec(kv.python ?? '');
        pkgs.push(python === 'python3' || !m ? 'python3-venv' : `python${m[1]}.${m[2]}-venv`);
    }
    for (const p of (kv.missing ?? '').split(/\s+/))
        if (p && !pkgs.includes(p))
            pkgs.push(p);
    return pkgs;
}
function parsePreflight(stdout, settings) {
    const kv = {};
    for (const line of stdout.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0)
            kv[line.slice(0, eq)] = line.slice(eq + 1).trim();
    }
    const python = settings?.deploy.python ?? 'python3';
    const host = [];
    if (kv.sudo === 'no')
        host.push('the SSH user has no passwordless sudo: add a sudoers rule (USER ALL=(ALL) NOPASSWD:ALL)');
    if (kv.pid1 !== 'systemd')
        host.push(`systemd is not PID 1 (PID 1 is '${kv.pid1 ?? '?'}'): the app runs as a systemd service`);
    const systemdVersion = Number(kv.systemd_version);
    if (kv.pid1 === 'systemd' && !(systemdVersion >= MIN_SYSTEMD))
        host.push(`systemd ${kv.systemd_version || '?'} is older than ${MIN_SYSTEMD}: use Debian 11+ or Ubuntu 22.04+`);
    const free = Number(kv.free_mb ?? '0');
    const need = Number(kv.need_mb ?? '0');
    if (free < need)
        host.push(`only ${free} MB free on the filesystem of ${settings?.app.dir ?? 'app-dir'} (${kv.disk_dir ?? '?'}): min-free-space needs ${need} MB; free space or lower min-free-space`);
    if (kv.taken)
        host.push(`app-name \`${settings?.app.name ?? '?'}\` is taken on this server by something gunicorn-deploy did not create: ${kv.taken}; choose another app-name`);
    const pkgs = missingPackages(kv, python);
    const apt = `apt-get install -y ${pkgs.join(' ')}`;
    const packageProblems = [];
    if (!kv.python || !/^\d+\.\d+/.test(kv.python))
        packageProblems.push(`python3 is missing (the interpreter \`${python}\` was not found)`);
    if (pkgs.length > 0)
        packageProblems.push(`missing packages: ${pkgs.join(' ')}: run \`sudo ${apt}\` on the server, or mode provision (it installs them)`);
    const problems = [...host, ...packageProblems, ...(0,script/* calendarProblems */.pD)(kv, settings)];
    const facts = {
        os: kv.os ?? 'unknown',
        sudo: kv.sudo ?? '?',
        systemd: kv.pid1 !== 'systemd'
            ? 'no'
            : systemdVersion >= MIN_SYSTEMD
                ? 'yes'
                : `too old (${kv.systemd_version || '?'})`,
        python: kv.python || 'missing',
        venv: kv.venv === 'yes'
            ? 'yes'
            : `no (apt-get install ${pkgs.find((p) => p.endsWith('-venv')) ?? 'python3-venv'})`,
        packages: pkgs.length === 0 ? 'ok' : `missing: ${apt}`,
        'disk-free': `${free} MB (floor ${need} MB)`,
        'app-name': kv.taken ? `taken: ${kv.taken}` : 'free or ours',
        provisioned: kv.provisioned ?? 'no',
        usable: problems.length === 0 ? 'yes' : 'no'
    };
    return { facts, problems, hostProblems: host };
}
async function preflight(remote, settings) {
    const res = await remote.script(preflightScript(settings), { timeoutMs: 60_000 });
    return parsePreflight(res.stdout, settings);
}

;// CONCATENATED MODULE: ./src/modes/preflight-mode.ts



const preflightMode = {
    factKeys: PREFLIGHT_KEYS,
    okStatus: 'ok',
    async runHost(ctx) {
        const result = await (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, 'preflight', async () => {
            const r = await preflight(ctx.remote, ctx.settings);
            ctx.logger.info((0,report.formatTable)(['check', 'result'], PREFLIGHT_KEYS.map((k) => [k, r.facts[k] ?? ''])));
            return { ...r, changed: false };
        });
        Object.assign(ctx.facts, result.facts);
        if (result.problems.length > 0) {
            ctx.setStatus('unusable');
            throw new Error(`not usable: ${result.problems.join('; ')}`);
        }
    }
};

;// CONCATENATED MODULE: ./src/modes/types.ts
/**
 * The contracts between the engine (src/engine.ts: hosts, batches, canary, cancellation) and the
 * modes (what a run does on one host). The engine imports the modes; modes import only this file.
 */
/** What a mode does on one host once connected. */
/** The facts a deploy or a rollback reports (outputs), whatever happened. */
const DEPLOY_KEYS = ['release', 'previous-release', 'reload', 'rolled-back'];

;// CONCATENATED MODULE: ./src/modes/go-live.ts

/**
 * Switches a prepared release and proves it, then tidies: the one way a release goes live, for a
 * deploy, a fleet (whose tidy runs beside the next batch) and provision's first deploy. A release
 * proven healthy is live even when what follows the proof fails (post-activate: AfterProofError),
 * so it gets its tidy all the same (old releases out, the history line, the release record) before
 * that error goes on; any other failure was rolled back by the activation and is not tidied.
 */
async function activateThenTidy(activate, tidy) {
    try {
        await activate();
    }
    catch (err) {
        if (err instanceof step/* AfterProofError */.Hp)
            await tidy();
        throw err;
    }
    await tidy();
}

// EXTERNAL MODULE: ./src/cancel.ts
var cancel = __webpack_require__(833);
// EXTERNAL MODULE: ./src/steps/lock.ts
var steps_lock = __webpack_require__(948);
// EXTERNAL MODULE: ./src/deploy/context.ts
var context = __webpack_require__(9116);
// EXTERNAL MODULE: ./src/ssh/quote.ts
var quote = __webpack_require__(9038);
// EXTERNAL MODULE: ./src/deploy/root-read.ts
var root_read = __webpack_require__(8336);
// EXTERNAL MODULE: ./src/deploy/remembered.ts
var remembered = __webpack_require__(1757);
;// CONCATENATED MODULE: ./src/deploy/migration-state.ts



/**
 * What the database holds, per release: a release whose pre-activate changed the schema (SQLite's
 * schema_version moved; without sqlite-db, any pre-activate that ran) is recorded in
 * migrations/ID; the release rolled back from without its rollback-command is named in
 * database-ahead until the database and the code agree again (its rollback-command ran, it serves
 * again, or a later deploy's pre-activate succeeded). Root-owned, outside the releases.
 */
function migrationsDir(ctx) {
    return `${ctx.paths.state}/migrations`;
}
function aheadPath(ctx) {
    return `${ctx.paths.state}/database-ahead`;
}
/** The shell that prints `schema_version=N` (nothing without a SQLite database), as the app's user. */
function schemaVersionCommand(ctx) {
    const db = ctx.settings.deploy.sqliteDb;
    if (!db)
        return 'true';
    const q = quote/* shQuote */.U;
    const file = `${ctx.paths.shared}/${db}`;
    return `[ -f ${q(file)} ] && echo "schema_version=$(runuser -u ${q(ctx.paths.user)} -- sqlite3 -readonly -cmd '.timeout 15000' ${q(file)} 'PRAGMA schema_version' 2>/dev/null)" || true`;
}
/** SQLite's schema_version now ('' when there is no SQLite database, or it cannot be read). */
async function schemaVersion(ctx) {
    if (!ctx.settings.deploy.sqliteDb)
        return '';
    const res = await ctx.remote
        .script(schemaVersionCommand(ctx), { sudo: true, timeoutMs: 60_000 })
        .catch(() => undefined);
    const v = res ? ((0,context/* parseFacts */.hx)(res.stdout).schema_version ?? '') : '';
    return /^\d+$/.test(v) ? v : '';
}
/** Did a migration change the database? Unknown (no SQLite to ask) counts as yes. */
function schemaChanged(before, after) {
    return !before || !after || before !== after;
}
/**
 * After a release's pre-activate succeeded: its record (when the schema changed), and the
 * database no longer ahead of the code (this code's own migrations ran against it).
 */
async function recordMigration(ctx, release, before) {
    const after = await schemaVersion(ctx);
    const changed = schemaChanged(before, after);
    ctx.facts['schema-changed'] = changed ? 'true' : 'false';
    const dir = migrationsDir(ctx);
    await ctx.remote
        .script((0,scripts/* serverScript */.fj)('migration_record', {
        migrations_dir: dir,
        record: `${dir}/${release}`,
        changed: changed ? 1 : 0,
        schema_before: before || '?',
        schema_after: after || '?',
        ahead_path: aheadPath(ctx),
        releases: ctx.paths.releases
    }), { sudo: true, timeoutMs: 30_000 })
        .catch((err) => ctx.logger.warning(`${ctx.label}: the migration record of ${release} was not written: ${String(err)}`));
}
/** The shell that prints `migrated_ID=...` per release that changed the schema and `database_ahead=ID`. */
function readMigrationStateCommand(ctx) {
    return (0,scripts/* serverScript */.fj)('migration_state_read', {
        migrations_dir: migrationsDir(ctx),
        ahead_path: aheadPath(ctx)
    });
}
function parseMigrationState(stdout) {
    const migrated = new Map([...stdout.matchAll(/^migrated_([0-9A-Za-z._-]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    const ahead = /^database_ahead=([0-9A-Za-z._-]+)$/m.exec(stdout)?.[1] ?? '';
    return { migrated, ahead };
}
/** The shell that names (or, with '', clears) the release whose migration the database holds. */
function aheadCommand(ctx, release) {
    const q = quote/* shQuote */.U;
    return release ? `printf '%s\\n' ${q(release)} > ${q(aheadPath(ctx))}` : `rm -f ${q(aheadPath(ctx))}`;
}
/** What to run when the database is ahead of the code serving it. */
function aheadAdvice(ctx, migratedBy) {
    return `the database is ahead of the code serving it: release ${migratedBy} migrated it (its pre-activate changed the schema) and older code serves now. Undo that migration from ${migratedBy}, which has its files: roll forward (mode rollback, rollback-to: ${migratedBy}) and back again with rollback-command set to the downgrade (flask db downgrade REV, python manage.py migrate APP 00NN); or deploy code that has the migration; or restore a backup from before it (mode restore; writes since are lost). See the README, "Rolling back a migration".`;
}

;// CONCATENATED MODULE: ./src/deploy/server-settings.ts



/**
 * The server's own settings, set by provision: the names nginx answers for and the Host health
 * requests use. A deploy that does not give them (the README's deploy.yml gives only the
 * connection and the app) keeps what provision set, instead of asking with Host: localhost; one that
 * gives other values is told that nginx still answers for the provisioned ones. TLS and the
 * firewall are only ever changed by provision, so a deploy keeps them without reading anything.
 */
const SERVER_WIDE = ['server-name', 'health-host'];
function serverSettingsPath(ctx) {
    return `${ctx.paths.state}/server.json`;
}
function serverValues(s) {
    return { 'server-name': s.provision.serverName, 'health-host': s.deploy.healthHost };
}
/** The shell that writes them (root-owned, 0600): provision, once nginx has them (state/ exists by then). */
function rememberServerCommand(ctx) {
    const to = serverSettingsPath(ctx);
    const q = quote/* shQuote */.U;
    return `printf '%s\\n' ${q(JSON.stringify(serverValues(ctx.settings)))} > ${q(`${to}.tmp`)} && chmod 0600 ${q(`${to}.tmp`)} && mv -f ${q(`${to}.tmp`)} ${q(to)}`;
}
/** The shell that prints them as one `server=JSON` line (nothing before the first provision). */
function readServerCommand(ctx) {
    const from = (0,quote/* shQuote */.U)(serverSettingsPath(ctx));
    return `[ -f ${from} ] && printf 'server=%s\\n' "$(head -c 16384 ${from} | tr -d '\\n')" || true`;
}
/**
 * Settings with the server's values for the inputs not given, checked by the inputs' rules; `notes`
 * gets one line per value kept and one per given value that differs from the server's.
 */
function withServerSettings(ctx, json, notes) {
    if (!json)
        return ctx.settings;
    const s = ctx.settings;
    const kept = (0,remembered/* withRemembered */.$S)(s, json, serverSettingsPath(ctx));
    const server = serverValues((0,remembered/* withRemembered */.$S)({ ...s, given: [] }, json, serverSettingsPath(ctx)));
    const mine = serverValues(kept);
    for (const name of SERVER_WIDE) {
        const was = server[name];
        if (!s.given.includes(name)) {
            if (was && was !== '_')
                notes.info.push(`${name}: ${was}, as provision set it on this server`);
        }
        else if (mine[name] !== was) {
            notes.warnings.push(`input \`${name}\` is '${mine[name]}' but provision set '${was || '(none)'}' on this server: this run's health checks use '${mine[name]}', and nginx keeps answering for what provision set until mode provision runs with the new value`);
        }
    }
    return kept;
}
/**
 * What the layout step read of the server, applied to a deploy: the server's settings (to its
 * context and its host's, for the steps after), and a database still ahead of the code serving
 * it (a rollback left a migration in it), said before pre-activate meets it.
 */
function useServerSettings(host, ctx, laidOut) {
    const notes = { info: [], warnings: [] };
    const settings = withServerSettings(ctx, laidOut.server, notes);
    if (laidOut.ahead) {
        ctx.facts['database-ahead'] = aheadAdvice(ctx, laidOut.ahead);
        notes.warnings.push(ctx.facts['database-ahead']);
    }
    host.settings = settings;
    ctx.settings = settings;
    for (const line of notes.info)
        ctx.logger.info(`${ctx.label}: ${line}`);
    for (const line of notes.warnings)
        ctx.logger.warning(`${ctx.label}: ${line}`);
}
/** Provision: the server's settings are what nginx now answers for. */
async function rememberServer(ctx) {
    if (ctx.settings.provision.dryRun)
        return;
    const res = await ctx.remote.script(rememberServerCommand(ctx), { sudo: true, timeoutMs: 30_000 });
    if (res.code !== 0)
        ctx.logger.warning(`${ctx.label}: the server's settings were not remembered: ${res.stderr.trim().slice(0, 300)}`);
}

;// CONCATENATED MODULE: ./src/steps/layout.ts








/**
 * What the app itself needs on a server that has the system packages but was never provisioned:
 * its system user, its build user, its folders, /etc/APP and its log folder. Server-wide setup (apt, nginx,
 * logrotate, timers) is provision's; missing packages are named here, not installed.
 * The script is templates/scripts/layout.sh, after the ownership refusals.
 */
function layoutScript(ctx) {
    const p = ctx.paths;
    const q = quote/* shQuote */.U;
    const layout = (0,scripts/* serverScript */.fj)('layout', {
        python: ctx.settings.deploy.python,
        need_sqlite: ctx.settings.deploy.sqliteDb !== '' ? 1 : 0,
        user: p.user,
        build_user: p.buildUser,
        dir: p.dir,
        state: p.state,
        releases: p.releases,
        venvs: p.venvs,
        incoming: p.incoming,
        pip_cache: p.pipCache,
        backups: p.backups,
        legacy_backups: p.legacyBackups,
        daily_pattern: `${p.app}-*.db.gz`,
        root_read: (0,root_read/* rootReadProgram */.H)(),
        shared: p.shared,
        etc: p.etc,
        log_dir: p.logDir
    });
    return `${(0,ownership/* ownershipScript */.PD)(ctx.settings)}${layout}${(0,ownership/* markOwnedScript */.iZ)(ctx.settings)}${readServerCommand(ctx)}
[ -f ${q(aheadPath(ctx))} ] && echo "database_ahead=$(head -c 200 ${q(aheadPath(ctx))} | tr -d '\\n')" || true
`;
}
/**
 * lockedBy: sent together with this run's lock, the script first waits for it (awaitLockScript).
 * then: what starts once the layout is there, under the lock (a deploy's warm candidate).
 * aheadOfApp: from the lock on, the root shell's commands go ahead of the app's for the CPU
 * (templates/scripts/deploy_ahead.sh says when and why): a deploy's.
 */
async function ensureLayout(ctx, lockedBy, then = '', aheadOfApp = false) {
    const script = [
        lockedBy ? `${(0,steps_lock/* awaitLockScript */.pg)(ctx, lockedBy)}\n` : '',
        aheadOfApp ? (0,scripts/* serverScript */.fj)('deploy_ahead', {}) : '',
        layoutScript(ctx),
        then
    ].join('');
    const res = await (0,context/* runScript */.j3)(ctx, 'preparing the app layout', script, {
        // Waiting for the lock is part of it: as long as the lock may take, and the layout's own minute.
        timeoutMs: 60_000 + (lockedBy ? ctx.settings.deploy.lockTimeoutMs + 15_000 : 0),
        carry: true,
        hint: 'Install the missing packages (apt-get install -y python3-venv sqlite3 curl), or run mode provision once.'
    });
    // The server's own settings (provision's server-name), for the deploy to keep.
    const server = /^server=(.*)$/m.exec(res.stdout)?.[1];
    const f = (0,context/* parseFacts */.hx)(res.stdout);
    return { changed: f.changed === 'yes', server, ahead: f.database_ahead };
}

// EXTERNAL MODULE: ./src/deploy/app-run.ts
var app_run = __webpack_require__(5312);
;// CONCATENATED MODULE: ./src/steps/venv.ts






/** pip's exit code is kept apart from the script's other failures, to say what failed. */
const PIP_FAILED = 42;
const NO_REQUIREMENTS = 43;
const VENV_FAILED = 44;
const DEPS_UNREADABLE = 45;
const GUNICORN_FAILED = 46;
/** The lookup found no usable venv for this key: it is built on a channel of its own. */
const NEEDS_BUILD = 47;
/** The build's own deadline on the server: the unit ends even if the runner is gone. */
const VENV_TIMEOUT_MS = 30 * 60_000;
/** Without a resolved source (a unit test), the requirements input as it names the file. */
function fallbackDeps(ctx) {
    const r = ctx.settings.deploy.requirements;
    return r.endsWith('.toml')
        ? { kind: 'pyproject', file: r, extras: ctx.settings.deploy.extras }
        : { kind: 'requirements', file: r === 'auto' ? 'requirements.txt' : r, extras: [] };
}
/**
 * Prints the venv's key, run as the build user (templates/scripts/venv_key.sh): the same key as
 * ever, without a Python on a code-only deploy (the interpreter's version is kept per file).
 */
function venvKeyScript(ctx, release, deps = fallbackDeps(ctx)) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    return (0,scripts/* serverScript */.fj)('venv_key', {
        py: d.python,
        req: `${p.releaseDir(release)}/${deps.file}`,
        req_name: deps.file,
        deps_kind: deps.kind,
        pyproject_deps: (0,scripts/* serverProgram */.qX)('pyproject_deps'),
        extras: deps.extras.join(','),
        build_line: `ssp=${d.venvSystemSitePackages} pip-args=${d.pipArgs}`,
        versions: `${p.venvs}/.python-versions`,
        no_requirements: NO_REQUIREMENTS,
        deps_unreadable: DEPS_UNREADABLE
    });
}
/**
 * Venvs are immutable and keyed by what decides their content: the requirements file, the
 * interpreter's version, and how they are built. A venv cannot be moved (its scripts hold absolute
 * paths), so it is built at its final path and marked complete last; one without the mark is a
 * leftover of a failed build and is rebuilt.
 *
 * Everything here runs as the build user: root never reads the requirements file (it may be a
 * link, or name `-r /etc/shadow`), and pip, which runs the packages' build code, runs in a
 * transient unit that leaves no process behind. A build that fails for any reason, a full disk
 * included, removes its venv folder and log before it exits.
 * The script is templates/scripts/venv.sh.
 */
function venvScript(ctx, release, deps = fallbackDeps(ctx), 
/** Only reuse: exit NEEDS_BUILD instead of building (the build needs a channel of its own). */
lookupOnly = false) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    const rel = p.releaseDir(release);
    const req = `${rel}/${deps.file}`;
    const keyScript = venvKeyScript(ctx, release, deps);
    const buildScript = (0,scripts/* serverScript */.fj)('venv_build', {
        py: d.python,
        venvs: p.venvs,
        ssp: d.venvSystemSitePackages ? 1 : 0,
        pip_args: d.pipArgs
            .split(/\s+/)
            .filter((a) => a)
            .join('\n'),
        deps_kind: deps.kind,
        req,
        extras: deps.extras.join(','),
        pyproject_deps: (0,scripts/* serverProgram */.qX)('pyproject_deps'),
        system_pip: (0,scripts/* serverProgram */.qX)('system_pip'),
        gunicorn_origin: (0,scripts/* serverProgram */.qX)('gunicorn_origin'),
        pip_failed: PIP_FAILED,
        venv_failed: VENV_FAILED,
        gunicorn_failed: GUNICORN_FAILED
    });
    const build = (0,app_run/* buildRunCommand */.Tx)(p, {
        env: {
            PIP_CACHE_DIR: p.pipCache,
            PIP_DISABLE_PIP_VERSION_CHECK: '1',
            PIP_NO_INPUT: '1',
            HOME: '/nonexistent'
        },
        maxSeconds: VENV_TIMEOUT_MS / 1000,
        script: buildScript,
        args: ['"$venv"']
    });
    // A venv built before Gunicorn was added by the tool may lack it: such a venv never served, so
    // it is built again rather than reused (templates/scripts/venv_usable.sh).
    return [
        lookupOnly ? '' : `venv_build() { ${build}; }`,
        (0,scripts/* serverScript */.fj)('as_user', {}),
        (0,scripts/* serverScript */.fj)('venv', {
            build_user: p.buildUser,
            venvs: p.venvs,
            venv_link: `${rel}/.venv`,
            key_script: keyScript,
            usable_script: (0,scripts/* serverScript */.fj)('venv_usable', {}),
            lookup_only: lookupOnly ? 'yes' : 'no',
            needs_build: NEEDS_BUILD
        })
    ].join('\n');
}
/** How the lookup runs: also how it is sent ahead (the same text and options). */
const LOOKUP_OPTS = { sudo: true, timeoutMs: 120_000 };
/** What the venv is built from, resolved in the workspace; undefined when the venv step will say why not. */
async function venvDependencies(ctx) {
    return dependencies(ctx).catch(() => undefined);
}
async function dependencies(ctx) {
    const d = ctx.settings.deploy;
    const resolved = await resolveDependencies(external_node_path_.resolve(ctx.settings.app.source), d.requirements, d.extras);
    if (!resolved.deps)
        throw new step/* DeployError */.sH(resolved.problem ?? 'no dependency source', undefined);
    return resolved.deps;
}
/**
 * The venv lookup as a request to queue: a code-only deploy reuses its venv, and the lookup then
 * costs no round trip of its own. A venv to build is built by buildVenv's own request.
 */
function venvLookupRequest(ctx, release, deps) {
    return { text: venvScript(ctx, release, deps, true), opts: LOOKUP_OPTS };
}
/** resolved: the dependency source the caller already read (venvDependencies), else read here. */
async function buildVenv(ctx, release, resolved) {
    const d = ctx.settings.deploy;
    const deps = resolved ?? (await dependencies(ctx));
    const what = deps.kind === 'pyproject' ? `the dependencies of ${deps.file}` : `-r ${deps.file}`;
    // Reuse is asked first, through the root shell; only a venv that must be built takes a channel
    // of its own (a cancel, or a runner that is gone, ends pip at once).
    let res = await ctx.remote.script(venvScript(ctx, release, deps, true), { ...LOOKUP_OPTS, carry: true });
    if (res.code === NEEDS_BUILD) {
        res = await ctx.remote.script(venvScript(ctx, release, deps), {
            sudo: true,
            ownChannel: true,
            timeoutMs: VENV_TIMEOUT_MS
        });
    }
    const facts = (0,context/* parseFacts */.hx)(res.stdout);
    if (res.code === PIP_FAILED) {
        throw new step/* DeployError */.sH(`pip install ${what} failed; nothing was switched and the partial venv was removed. pip's last lines:\n${(0,context/* lastLines */.w$)(res.stderr, 25)}`, 'Fix the requirements (or pip-args, e.g. --no-index --find-links for offline servers) and deploy again.');
    }
    if (res.code === GUNICORN_FAILED) {
        throw new step/* DeployError */.sH(`the app's dependencies do not include Gunicorn, and pip install gunicorn failed; nothing was switched. pip's last lines:\n${(0,context/* lastLines */.w$)(res.stderr, 25)}`, "Make Gunicorn installable from the index pip uses (pip-args), or use the system's python3-gunicorn with venv-system-site-packages: true.");
    }
    if (res.code === NO_REQUIREMENTS) {
        throw new step/* DeployError */.sH(`the release has no ${deps.file}; nothing was switched`, 'Add a requirements file to the app, or point the requirements input at it.');
    }
    if (res.code === DEPS_UNREADABLE) {
        throw new step/* DeployError */.sH(`the dependencies of ${deps.file} could not be read on the server; nothing was switched:\n${(0,context/* lastLines */.w$)(res.stderr, 5)}`, 'Fix pyproject.toml (a [project] table with a dependencies list), or use a requirements.txt.');
    }
    if (res.code === VENV_FAILED) {
        throw new step/* DeployError */.sH(`${d.python} -m venv failed; nothing was switched and the partial venv was removed:\n${(0,context/* lastLines */.w$)(res.stderr, 25)}`, 'Install python3-venv for that interpreter (or run mode provision), and check the free space in the app folder.');
    }
    if (res.code !== 0) {
        throw new step/* DeployError */.sH(`building the virtualenv failed (exit ${res.code}${res.timedOut ? ', timed out' : ''}):\n${(0,context/* lastLines */.w$)(res.stderr + res.stdout)}`);
    }
    const reused = facts.reused === 'yes';
    const from = deps.kind === 'pyproject'
        ? `${deps.file} [project] dependencies${deps.extras.length ? ` + extras ${deps.extras.join(',')}` : ''}`
        : deps.file;
    if (!reused) {
        const origin = facts.gunicorn;
        const note = origin === 'added'
            ? "Gunicorn is not among the app's dependencies: the tool installed it in the venv"
            : origin === 'system'
                ? // pip leaves a requirement the system's site-packages satisfy to them: the app may list it.
                    "the venv uses the system's Gunicorn (python3-gunicorn, through venv-system-site-packages)"
                : undefined;
        if (note)
            ctx.logger.info(note);
    }
    return {
        hash: facts.hash,
        reused,
        changed: !reused,
        detail: `${facts.hash} ${reused ? 'reused' : 'built'} from ${from}${facts.gunicorn ? `, gunicorn: ${facts.gunicorn}` : ''}`
    };
}

// EXTERNAL MODULE: ./src/steps/config.ts
var config = __webpack_require__(8445);
// EXTERNAL MODULE: ./src/steps/verify.ts
var verify = __webpack_require__(3202);
// EXTERNAL MODULE: ./src/steps/history.ts
var steps_history = __webpack_require__(9691);
// EXTERNAL MODULE: ./src/rules.ts + 13 modules
var rules = __webpack_require__(2655);
// EXTERNAL MODULE: ./src/provision/run.ts
var run = __webpack_require__(2062);
// EXTERNAL MODULE: ./src/render.ts
var render = __webpack_require__(7055);
;// CONCATENATED MODULE: ./src/steps/hooks.ts



const AFTER_FAILURE = {
    'pre-activate': 'Nothing was switched: the old release keeps serving. The whole output is above.',
    'post-activate': 'The new release is live; the output of the failed command is above.',
    'rollback-command': 'Nothing was switched: the release that was serving keeps serving. Fix the command (run it by hand in that release to see) and roll back again.'
};
/**
 * pre-activate (migrations), post-activate and a rollback's rollback-command, run in a release as
 * the service would. A failure says what the command itself printed last (the migration tool's own
 * error line), not only its exit code.
 */
async function runHook(ctx, which, commands, release, envFile) {
    if (!commands)
        return { changed: false, detail: 'none' };
    const failed = await runInRelease(ctx, commands, release, envFile);
    if (failed) {
        const ahead = ctx.facts['database-ahead'];
        throw new step/* DeployError */.sH(`${which} commands failed (exit ${failed.exit})${failed.said}`, `${AFTER_FAILURE[which]}${which === 'pre-activate' && ahead ? ` Note: ${ahead}` : ''}`);
    }
    return {};
}
/**
 * Runs bash commands in a release as the service would (its user, venv and environment), their
 * output streamed to the log. Returns undefined on success, else what failed: the exit code and the
 * command's own last lines (the migration tool's error line, as `; their last lines:\n...`), for the
 * step's error to quote.
 */
async function runInRelease(ctx, commands, release, envFile) {
    const rel = ctx.paths.releaseDir(release);
    const cmd = (0,app_run/* appRunCommand */.gA)(ctx.paths, {
        cwd: rel,
        envFile,
        venv: `${rel}/.venv`,
        argv: ['/bin/bash', '-euo', 'pipefail', '-c', commands]
    });
    const res = await ctx.remote.exec(cmd, { sudo: true, stream: true, timeoutMs: 30 * 60_000 });
    if (res.code === 0)
        return undefined;
    const said = (0,context/* lastLines */.w$)([res.stdout, res.stderr].filter((t) => t.trim()).join('\n'), 12);
    return {
        exit: `${res.code}${res.timedOut ? ', timed out' : ''}`,
        said: said ? `; their last lines:\n${said}` : ''
    };
}

;// CONCATENATED MODULE: ./src/steps/release-phase.ts



/**
 * The server that runs the release phase: the first host (the canary, with canary: true). Its
 * prepare ends with it, and a fleet switches no server before its first batch is prepared.
 */
function runsReleasePhase(ctx) {
    const first = ctx.settings.hosts[0];
    return !!ctx.settings.processes.releaseCommand && !!first && ctx.label === (0,src_settings/* hostLabel */.vy)(first);
}
/**
 * The release phase (release-command, or the Procfile's `release:`): once per deploy, in the new
 * release as the app runs (its user, venv and the new environment), after the backup and the
 * candidate, before any server switches. pre-activate, by contrast, runs on every server.
 */
async function runReleasePhase(ctx, release, envFile) {
    const failed = await runInRelease(ctx, ctx.settings.processes.releaseCommand, release, envFile);
    if (failed) {
        throw new step/* DeployError */.sH(`the release command failed on ${ctx.label} (exit ${failed.exit}); nothing was switched on any server${failed.said}`, 'Every server keeps serving its release; fix the command (release-command or the Procfile’s release:) and deploy again. A database it changed halfway is as it left it: the backup taken just before is in backups/.');
    }
    return { detail: `once for the deploy, on ${ctx.label}` };
}

;// CONCATENATED MODULE: ./src/steps/pg-backup.ts




/** The file name of a PostgreSQL dump: DBNAME-RELEASE.dump (or DBNAME-STAMP.dump, daily). */
const PG_DUMP_SUFFIX = '.dump';
/** Exit code of pgBackupScript when pg_dump is older than the server. */
const MISMATCH = 7;
/**
 * database: postgres, and this switch needs its dump: it runs migrations (pre-activate here, or the
 * release phase, which runs on this host), or database-backup: always.
 */
function pgBackupWanted(ctx) {
    const db = ctx.settings.database;
    return (db.kind === 'postgres' &&
        (db.backupAlways || ctx.settings.deploy.preActivate !== '' || runsReleasePhase(ctx)));
}
/** One line of a libpq password file: `:` and `\` escaped, as libpq reads them. */
function pgPassLine(u) {
    const e = (s) => s.replace(/[\\:]/g, (c) => `\\${c}`);
    return `${e(u.host)}:${u.port}:${e(u.dbname)}:${e(u.user)}:${e(u.password)}\n`;
}
/** stdin of pgBackupScript: the password file's line, for an external server. */
function pgClientInput(ctx) {
    const u = ctx.settings.database.external;
    return u ? pgPassLine(u).replace(/\n$/, '') + '\n' : undefined;
}
/**
 * pg_dump --format=custom into the root-owned backups folder (the dump comes through a pipe: no
 * process of the app's or postgres's writes a file there), checked with pg_restore --list before
 * it counts, then handed to the app's group read-only like SQLite's; only the newest backups-keep
 * deploy dumps are kept (the daily timer's and the restores' safety dumps are not counted). A
 * client older than the server is named as such, with what to install. For an external server the
 * password comes on stdin into a root-only file in RAM (never a command line or the environment).
 * The script is templates/scripts/pg_backup.sh.
 */
function pgBackupScript(ctx, release) {
    const p = ctx.paths;
    const db = ctx.settings.database;
    const u = db.external;
    const name = db.name;
    return (0,scripts/* serverScript */.fj)('pg_backup', {
        external: u ? 1 : 0,
        pgdb: u ? u.dbname : db.name,
        pghost: u?.host ?? '',
        pgport: u ? String(u.port) : '',
        pguser: u?.user ?? '',
        backups: p.backups,
        tmp: `${p.backups}/.${name}-${release}${PG_DUMP_SUFFIX}.tmp`,
        out: `${p.backups}/${name}-${release}${PG_DUMP_SUFFIX}`,
        user: p.user,
        name,
        suffix: PG_DUMP_SUFFIX,
        keep: ctx.settings.deploy.backupsKeep,
        mismatch_code: MISMATCH
    });
}
const BACKUP_TIMEOUT_MS = 30 * 60_000;
function pgBackupRequest(ctx, release) {
    // An external server's password travels on stdin, which a queued request does not carry.
    if (!pgBackupWanted(ctx) || ctx.settings.database.external)
        return [];
    return [{ text: pgBackupScript(ctx, release), opts: { sudo: true, timeoutMs: BACKUP_TIMEOUT_MS } }];
}
async function pgBackup(ctx, release) {
    if (!pgBackupWanted(ctx))
        return {
            changed: false,
            detail: 'no pre-activate (migrations) in this deploy; database-backup: always backs up every switch'
        };
    let res;
    try {
        res = await (0,context/* runScript */.j3)(ctx, 'backing up the PostgreSQL database (pg_dump)', pgBackupScript(ctx, release), {
            timeoutMs: BACKUP_TIMEOUT_MS,
            stdin: pgClientInput(ctx),
            hint: 'Nothing was switched. Check that the database answers (pg_isready) and the free disk space on the server.'
        });
    }
    catch (err) {
        const m = /^mismatch=(.*)$/m.exec(err instanceof Error ? err.message : '');
        if (m || (err instanceof Error && err.message.includes(`(exit ${MISMATCH}`)))
            throw new step/* DeployError */.sH(`pg_dump on the server is older than the PostgreSQL server (${m?.[1] || 'server version mismatch'}); nothing was switched`, "Install the server's major version of the client on the server (postgresql-client-NN, from apt.postgresql.org when Debian has none), then deploy again.");
        throw err;
    }
    const f = (0,context/* parseFacts */.hx)(res.stdout);
    ctx.facts.backup = f.backup ?? '';
    return { detail: `${f.backup} (${f.size} bytes, pg_restore --list ok)`, ms: res.serverMs };
}

// EXTERNAL MODULE: ./src/provision/shell.ts
var shell = __webpack_require__(5678);
;// CONCATENATED MODULE: ./src/provision/pg-timer.ts





/** The daily dump's files: a root script, its oneshot service and the timer. */
function pgTimerPaths(app) {
    return {
        script: `${paths/* SCRIPT_DIR */.S1}/${app}-pg-dump`,
        unit: `${app}-pg-dump`,
        service: `/etc/systemd/system/${app}-pg-dump.service`,
        timer: `/etc/systemd/system/${app}-pg-dump.timer`
    };
}
/** The external server's password file: root's alone, read by the daily dump. */
function pgPassFile(ctx) {
    return `${ctx.paths.etc}/pgpass`;
}
/**
 * The daily pg_dump of database: postgres, as root (the backups folder is root's; the dump comes
 * from postgres, or from the external server through the root-only password file, by a pipe),
 * checked with pg_restore --list, named DB-daily-STAMP.dump; those older than backups-days go.
 * The script and its units are templates/pg-dump.sh.hbs and templates/systemd/pg-dump.*.hbs.
 */
function pgTimerFiles(ctx) {
    const t = pgTimerPaths(ctx.paths.app);
    const p = ctx.paths;
    const db = ctx.settings.database;
    const u = db.external;
    const days = ctx.settings.provision.backupsDays;
    const vars = {
        app: p.app,
        user: p.user,
        backups: p.backups,
        backupsDays: days,
        minutes: days * 1440,
        script: t.script,
        dbName: db.name,
        dumpSuffix: PG_DUMP_SUFFIX,
        dumpGlob: `${db.name}-daily-*${PG_DUMP_SUFFIX}`,
        external: Boolean(u),
        passFile: pgPassFile(ctx),
        pgHost: u?.host ?? '',
        pgPort: String(u?.port ?? ''),
        pgUser: u?.user ?? '',
        pgDbname: u?.dbname ?? ''
    };
    const file = (path, name, mode = '0644') => ({
        path,
        content: (0,render/* renderTemplate */.Xm)(name, vars),
        mode,
        owner: 'root:root'
    });
    return [
        file(t.script, 'pg-dump.sh', '0755'),
        file(t.service, 'systemd/pg-dump.service'),
        file(t.timer, 'systemd/pg-dump.timer')
    ];
}
/**
 * Installs the daily dump (files written only when they differ) and, for an external server, its
 * root-only password file from stdin (templates/scripts/pg_timer.sh).
 */
function pgTimerScript(ctx) {
    const t = pgTimerPaths(ctx.paths.app);
    return ((0,scripts/* serverScript */.fj)('pg_timer', { external: ctx.settings.database.external ? 1 : 0, pass: pgPassFile(ctx) }) +
        (0,shell/* writeFilesScript */.Cu)(pgTimerFiles(ctx)) +
        (0,scripts/* serverScript */.fj)('units_on', { units_on: `${t.unit}.timer` }));
}
/** pgTimerScript's stdin: the password file's line (external server) first, then the files. */
function pgTimerInput(ctx, files) {
    const u = ctx.settings.database.external;
    return (u ? pgPassLine(u) : '') + files;
}

;// CONCATENATED MODULE: ./src/provision/postgres.ts





/** The shell function every PostgreSQL script runs SQL with: as postgres, SQL on stdin, from /. */
const PSQL_AS_POSTGRES = `pg_root() { (cd / && runuser -u postgres -- psql -X -A -t -q -v ON_ERROR_STOP=1 -d postgres "$@"); }`;
/** Exit code of postgresScript when the database belongs to another role. */
const OTHER_OWNER = 6;
/**
 * The local PostgreSQL of `database: postgres`: Debian's cluster enabled and running (the package
 * may be installed with its service disabled), a role named after the app's user that can log in
 * only through the unix socket with peer authentication (Debian's pg_hba: no password anywhere),
 * without any power beyond its own objects, and the database it owns. The names passed PG_IDENT or
 * LOGIN_NAME and still travel only as psql variables (:'x' literal, :"x" identifier). Each change is
 * marked, so a second run says unchanged. A database that exists with another owner is refused,
 * never taken over: someone made it by hand and its data is theirs. templates/scripts/postgres.sh.
 */
function postgresScript(role, db) {
    return (0,scripts/* serverScript */.fj)('postgres', { role, db, other_owner: OTHER_OWNER });
}
async function ensurePostgres(ctx) {
    const db = ctx.settings.database;
    if (db.kind !== 'postgres')
        return { changed: false, detail: 'database: sqlite' };
    const local = db.external ? undefined : await ensureLocalPostgres(ctx);
    const files = pgTimerFiles(ctx);
    const timer = await (0,run/* runProvisionScript */.q)(ctx, 'installing the daily PostgreSQL dump', pgTimerScript(ctx), {
        stdin: pgTimerInput(ctx, (0,shell/* filesInput */.GY)(files))
    });
    const changes = [...(local?.changes ?? []), ...timer.changes];
    const dry = ctx.settings.provision.dryRun;
    const what = changes.length === 0 ? 'unchanged' : `${dry ? 'would change' : 'changed'}: ${changes.join(', ')}`;
    const v = Number(local?.facts.pg_version ?? 0);
    return {
        changed: changes.length > 0,
        detail: db.external
            ? `${what} (external server ${db.external.host}, nothing installed)`
            : `${what}${v ? ` (PostgreSQL ${Math.floor(v / 10000)}, database ${db.name})` : ''}`
    };
}
async function ensureLocalPostgres(ctx) {
    const db = ctx.settings.database;
    const role = ctx.paths.user;
    try {
        return await (0,run/* runProvisionScript */.q)(ctx, 'setting up PostgreSQL', postgresScript(role, db.name), {
            timeoutMs: 5 * 60_000,
            hint: 'Check the cluster on the server: pg_lsclusters, journalctl -u postgresql@*.'
        });
    }
    catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        const m = /^owner=(.*)$/m.exec(msg);
        if (m || msg.includes(`exit ${OTHER_OWNER}`))
            throw new step/* DeployError */.sH(`the PostgreSQL database ${db.name} already exists and belongs to the role ${m?.[1] ?? '(another)'}, not ${role}; nothing was changed`, `Give it to the app (sudo -u postgres psql -c 'ALTER DATABASE "${db.name}" OWNER TO "${role}"') or choose another database-name.`);
        throw err;
    }
}

;// CONCATENATED MODULE: ./src/steps/restore-codes.ts

// Shared by SQLite's restore (restore.ts) and PostgreSQL's (pg-restore.ts), which restore.ts calls.
/** Exit codes the restore scripts use to say why they refused. */
const NOT_FOUND = 7;
const CORRUPT = 9;
const PUT_BACK = 10;
const CHANGED = 11;
/** The database was written since pre-activate: restoring the backup would lose that write. */
class ChangedSinceError extends step/* DeployError */.sH {
}

;// CONCATENATED MODULE: ./src/steps/pg-restore.ts







/**
 * `mode: restore` and rollback-restore-database for the local PostgreSQL. The dump is restored
 * into a fresh database first, while the old one still serves (a dump that does not restore
 * changes nothing); then, with the service stopped and its socket holding requests, the two are
 * swapped by renaming them in one transaction, and the service starts again. The database as it
 * was is kept under its own name until the app is proven healthy (put back by renaming again),
 * and as a safety dump in the backups folder. Names: psql variables only, never SQL text.
 */
function names(ctx) {
    const db = ctx.settings.database.name;
    // At most 63 bytes, as PostgreSQL keeps them (a longer one would be cut, silently).
    const base = db.slice(0, 50);
    return {
        role: ctx.paths.user,
        db,
        fresh: `${base}__gd_fresh`,
        old: `${base}__gd_old`,
        failed: `${base}__gd_failed`
    };
}
/** Where the swap notes its safety dump: cleanup drops the old database only when it exists. */
function marker(ctx) {
    return `/run/gunicorn-deploy-${ctx.paths.app}.pg-safety`;
}
/** pg_root (psql as postgres), then templates/scripts/pg_prelude.sh: pgv with the names as variables, kick. */
function prelude(ctx) {
    const n = names(ctx);
    return `${PSQL_AS_POSTGRES}${(0,scripts/* serverScript */.fj)('pg_prelude', {
        role: n.role,
        db: n.db,
        fresh: n.fresh,
        old: n.old,
        failed: n.failed
    })}`;
}
/** Part one: the dump found and listed, restored into the fresh database; nothing live changed. */
function pgStageScript(ctx, id) {
    return `${prelude(ctx)}${(0,scripts/* serverScript */.fj)('pg_restore_stage', {
        backups: ctx.paths.backups,
        id: id === 'latest' ? '' : id,
        latest: id === 'latest' ? 1 : 0,
        suffix: PG_DUMP_SUFFIX,
        not_found: NOT_FOUND,
        corrupt: CORRUPT
    })}`;
}
/**
 * Part two, requests held: the service stops, leftover sessions end, (for a rollback) the WAL
 * position must still be the one after the migration, the databases are swapped in one
 * transaction, the service starts; then the old one is dumped as the safety copy.
 */
function pgSwapScript(ctx, expectLsn) {
    const p = ctx.paths;
    return `${prelude(ctx)}${(0,scripts/* serverScript */.fj)('pg_restore_swap', {
        socket: p.units.socket.name,
        service: p.units.service.name,
        expect_lsn: expectLsn ?? '',
        safety_prefix: `${p.backups}/${names(ctx).db}-safety-`,
        suffix: PG_DUMP_SUFFIX,
        user: p.user,
        marker: marker(ctx),
        current: p.current,
        changed: CHANGED,
        put_back_code: PUT_BACK
    })}`;
}
/** The restored database failed the health proof: the old one back, by name, requests held. */
function pgPutBackScript(ctx) {
    return `${prelude(ctx)}${(0,scripts/* serverScript */.fj)('pg_restore_put_back', { service: ctx.paths.units.service.name })}`;
}
/**
 * After the restore (proven, put back or failed): the fresh and failed copies go; the old database
 * only when its safety dump was made and is still there (else it stays, the only copy of the data).
 */
function pgCleanupCommand(ctx) {
    // A subshell: its trap and exits end only itself.
    return `(${prelude(ctx)}${(0,scripts/* serverScript */.fj)('pg_restore_cleanup', { marker: marker(ctx) })})`;
}
async function pgStageRestore(ctx, id) {
    if (ctx.settings.database.external)
        throw new step/* DeployError */.sH('mode restore puts dumps back into the local PostgreSQL only; nothing was changed', 'For an external database-url, download the dump (download-backup) and restore it with pg_restore into a new database of your managed server, then point the app at it.');
    const bad = id === 'latest' ? undefined : (0,rules/* backupIdProblem */.lC)(id);
    if (bad)
        throw new step/* DeployError */.sH(`backup ${bad}`, 'mode backups lists the backups on the server.');
    const res = await ctx.remote.script(pgStageScript(ctx, id), { sudo: true, timeoutMs: 60 * 60_000 });
    const err = res.stderr.trim().split('\n').at(-1) ?? '';
    if (res.code === NOT_FOUND)
        throw new step/* DeployError */.sH(`${err}; nothing was changed`, 'Run mode backups to see them.');
    if (res.code === CORRUPT)
        throw new step/* DeployError */.sH(`${err}; nothing was changed, the database is as it was`, 'Pick another backup (mode backups lists them).');
    if (res.code !== 0)
        throw new step/* DeployError */.sH(`staging the dump failed (exit ${res.code}): ${err}; nothing was changed`);
    const f = (0,context/* parseFacts */.hx)(res.stdout);
    return { id: f.id ?? id, detail: `${f.id} (${f.size} bytes) restored into a fresh database` };
}
/** Milliseconds between two date +%s%N stamps of a script. */
const ms = (from, to) => Math.round((Number(to ?? 0) - Number(from ?? 0)) / 1e6);
async function pgSwapDatabase(ctx, expectLsn) {
    const res = await ctx.remote.script(pgSwapScript(ctx, expectLsn), { sudo: true, timeoutMs: 60 * 60_000 });
    const f = (0,context/* parseFacts */.hx)(res.stdout);
    if (f.warning)
        ctx.logger.warning(f.warning);
    if (res.code === CHANGED)
        throw new ChangedSinceError(`the database was written to since pre-activate finished (WAL since ${expectLsn}: ${f.changed} record(s) changing its rows): restoring the dump would lose that write, so it was not restored and the data is kept`);
    if (res.code !== 0) {
        const tail = res.stderr.trim().split('\n').slice(-3).join('\n');
        throw new step/* DeployError */.sH(`the restore failed (exit ${res.code}), the database is as it was: ${tail}`);
    }
    return {
        safety: f.safety ?? '',
        current: f.current ?? '',
        stoppedAt: Number(f.stopped_ns ?? 0) / 1e6,
        detail: `swapped in (service stopped ${ms(f.stopped_ns, f.swapped_ns)} ms, started in ${ms(f.swapped_ns, f.started_ns)} ms); the database before: ${f.safety}`
    };
}
/**
 * What a rollback compares: the WAL position that pre-activate's writes are flushed to. At the
 * rollback, with the service stopped, pg_waldump reads the WAL written since and counts the records
 * that change rows of the app's database (Heap inserts, updates, deletes and locks, Heap2
 * multi-inserts, sequences, by that database's OID); what does not change its data is left out
 * (checkpoints, other databases, readers pruning pages and setting hint bits, vacuum's in-place
 * catalog updates). An aborted write or an autovacuum ANALYZE counts too: the rollback then
 * refuses, never loses a write. pg_stat_database's tup_* counters were not used: a backend
 * reports them up to a second or more after its commit, so a fresh write could be missed; a
 * trigger would be the tool's code in the app's schema. Local server only: the WAL of an external
 * one is out of reach.
 */
async function pgFingerprint(ctx) {
    if (ctx.settings.database.external)
        return '';
    const res = await ctx.remote.script(`${PSQL_AS_POSTGRES}${(0,scripts/* serverScript */.fj)('pg_lsn', {})}`, {
        sudo: true,
        timeoutMs: 60_000
    });
    const lsn = (0,context/* parseFacts */.hx)(res.stdout).lsn ?? '';
    return res.code === 0 && /^[0-9A-F]+\/[0-9A-F]+$/.test(lsn) ? lsn : '';
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
;// CONCATENATED MODULE: ./src/steps/pg-backups.ts





const pg_backups_run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/**
 * mode backups for PostgreSQL: every dump of the database in the root-owned backups folder (the
 * deploys', the daily timer's and the restores' safety dumps), each read through with
 * pg_restore --list; the same tab-separated lines as SQLite's list. Read-only.
 */
function pgListScript(ctx) {
    return (0,scripts/* serverScript */.fj)('pg_backups', {
        backups: ctx.paths.backups,
        name: ctx.settings.database.name,
        suffix: PG_DUMP_SUFFIX
    });
}
/**
 * A downloaded dump checked on the runner: pg_restore --list when the runner has it (GitHub's
 * Ubuntu runners do), else the custom format's PGDMP header (the sha256 already matched the
 * server's, where pg_restore --list read it).
 */
async function localDumpCheck(file) {
    try {
        await pg_backups_run('pg_restore', ['--list', file], { timeout: 600_000, maxBuffer: 256 * 1024 * 1024 });
        return 'ok';
    }
    catch (err) {
        const e = err;
        const why = (e.stderr ?? e.message).trim().split('\n').at(-1) ?? '';
        // An older pg_restore on the runner than the server's pg_dump: the header is what it can check.
        if (e.code !== 'ENOENT' && !/unsupported version/.test(why))
            return `pg_restore --list cannot read it: ${why}`;
    }
    const fh = await (0,promises_.open)(file, 'r');
    try {
        const head = Buffer.alloc(5);
        await fh.read(head, 0, 5, 0);
        return head.toString('latin1') === 'PGDMP' ? 'ok' : 'not a pg_dump custom-format file';
    }
    finally {
        await fh.close();
    }
}

;// CONCATENATED MODULE: ./src/steps/restore-undo.ts




/**
 * `backup: undo`: the safety copy the last finished restore took, as recorded in a root-only file
 * (never "the newest backup", which a daily backup or a deploy taken since would be). Undoing runs
 * as a restore of that copy: it takes its own safety copy (so an undo can be undone in turn) and
 * drops whatever was written since the restore it undoes.
 */
const UNDO = 'undo';
/** Root's record of the last restore: safety=ID, backup=ID, time=ISO (one a line). */
function lastRestoreFile(ctx) {
    return `${ctx.paths.etc}/last-restore`;
}
/** Shell that sets `name` to the last restore's safety copy and prints what the undo drops. */
function undoResolveCommand(ctx) {
    return (0,scripts/* serverScript */.fj)('restore_undo', { last_restore: lastRestoreFile(ctx), not_found: NOT_FOUND });
}
/** Shell (root) that records a finished restore for a later `backup: undo`. */
function recordRestoreCommand(ctx, backup, safety) {
    const f = (0,quote/* shQuote */.U)(lastRestoreFile(ctx));
    const dir = (0,quote/* shQuote */.U)(ctx.paths.etc);
    const safe = /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(safety) ? safety : 'none';
    return `install -d -m 0755 -o root -g root ${dir}
( umask 077; printf 'safety=%s\\nbackup=%s\\ntime=%s\\n' ${(0,quote/* shQuote */.U)(safe)} ${(0,quote/* shQuote */.U)(backup)} "$(date -u +%FT%TZ)" > ${f}.tmp ) && mv -f -- ${f}.tmp ${f}`;
}
/** What an undo says before it runs: what it goes back to, and what it drops. */
function undoNotice(id, of, at) {
    return `undoing the restore of ${of || 'a backup'} at ${at || 'an unknown time'}: the database goes back to its safety copy ${id}; every write since that restore is dropped (kept in this run's own safety copy)`;
}
function refuseUndoOnPostgres(ctx) {
    if (ctx.settings.database.kind === 'postgres')
        throw new step/* DeployError */.sH('backup: undo is not supported with database: postgres; nothing was changed', "Name the safety dump's id instead (mode backups lists it; the restore printed it as safety-backup).");
}

;// CONCATENATED MODULE: ./src/steps/restore.ts










/** database: postgres: the PostgreSQL steps in pg-*.ts instead of SQLite's below. */
const isPg = (ctx) => ctx.settings.database.kind === 'postgres';


/** The names of the backups in the backups folder: the deploys' and safety copies, the daily timer's. */
function backupPatterns(ctx) {
    return [`${dbBase(ctx)}-*.db`, `${ctx.paths.app}-*.db.gz`];
}
/**
 * Every backup lives in APP-DIR/backups, which root owns and the app's user cannot write: one per
 * deploy (`DB-RELEASE.db`), the safety copies a restore takes (`DB-safety-STAMP.db`) and the daily
 * timer's gzipped `APP-STAMP.db.gz`. A backup's id is its file name.
 */
function backupDirs(ctx) {
    return [ctx.paths.backups];
}
function dbPath(ctx) {
    return `${ctx.paths.shared}/${ctx.settings.deploy.sqliteDb}`;
}
function dbBase(ctx) {
    return external_node_path_.posix.basename(ctx.settings.deploy.sqliteDb);
}
/** A restore's work folder, inside the backups folder (root:APP 0750); `app/` in it is the app's. */
function restoreWork(ctx) {
    return `${ctx.paths.backups}/.restore`;
}
/**
 * Moves the daily backups left where the app could write them (shared/backups, before they moved)
 * into the backups folder: each read once without following a link, only a regular file of the
 * app's user with one link; anything else stays where it is, named on stderr.
 */
function migrateBackupsCommand(ctx) {
    const p = ctx.paths;
    const q = quote/* shQuote */.U;
    return `${(0,root_read/* rootRead */.Z)('move', q(p.legacyBackups), q(p.user), q(p.backups), q(`${p.app}-*.db.gz`))} >/dev/null || true`;
}
/**
 * Shell that sets `name` to the backup named by id ('latest': the newest regular root-owned
 * backup), or exits NOT_FOUND. Names are matched by pattern, never taken into a command line.
 */
function resolveCommand(ctx, id) {
    if (id === UNDO)
        return undoResolveCommand(ctx);
    if (id === 'latest') {
        const [dbPattern, dailyPattern] = backupPatterns(ctx);
        return (0,scripts/* serverScript */.fj)('restore_latest', {
            root_read: (0,root_read/* rootReadProgram */.H)(),
            backups: ctx.paths.backups,
            db_pattern: dbPattern,
            daily_pattern: dailyPattern,
            sqlite_db: ctx.settings.deploy.sqliteDb,
            not_found: NOT_FOUND
        });
    }
    return `name=${(0,quote/* shQuote */.U)(id)}`;
}
/**
 * Lists every backup with its size, time, integrity and checksum, one tab-separated line each.
 * Each file is read once as a regular root-owned file (never a link or FIFO), copied (unpacked,
 * for a .gz: one that does not unpack completely is unreadable) into a private folder and checked
 * there by the app's user. The daily backups an older version kept in shared/ are moved in first.
 */
function listScript(ctx) {
    if (isPg(ctx))
        return pgListScript(ctx);
    const q = quote/* shQuote */.U;
    return `
${migrateBackupsCommand(ctx)}
${(0,root_read/* rootRead */.Z)('list', q(ctx.paths.backups), 'root', q(ctx.paths.user), ...backupPatterns(ctx).map(q))}
`;
}
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Parses listScript's lines; names the server printed that are not plain ids are left out. */
function parseBackups(ctx, stdout) {
    const base = isPg(ctx) ? ctx.settings.database.name : dbBase(ctx);
    const out = [];
    for (const line of stdout.split('\n')) {
        const [tag, id, mtime, size, sha, ...rest] = line.split('\t');
        if (tag !== 'backup' || !id || !ID.test(id))
            continue;
        let takenBy = 'unknown';
        if (id.endsWith('.db.gz'))
            takenBy = 'daily timer';
        else if (id.startsWith(`${base}-safety-`))
            takenBy = 'restore (safety copy)';
        else if (id.startsWith(`${base}-daily-`))
            takenBy = 'daily timer';
        else if (id.startsWith(`${base}-`))
            takenBy = `deploy of ${id.slice(base.length + 1).replace(/\.(db|dump)$/, '')}`;
        out.push({
            id,
            time: new Date(Number(mtime) * 1000).toISOString().replace(/\.000Z$/, 'Z'),
            size: Number(size),
            takenBy,
            sha256: /^[0-9a-f]{64}$/.test(sha ?? '') ? sha : undefined,
            integrity: (rest.join(' ') || 'unknown').replace(/[^\x20-\x7e]/g, '?').slice(0, 200)
        });
    }
    // Newest first, as operators look for them.
    return out.sort((a, b) => b.time.localeCompare(a.time) || b.id.localeCompare(a.id));
}
async function listBackups(ctx) {
    const res = await (0,context/* runScript */.j3)(ctx, 'listing the backups', listScript(ctx), { timeoutMs: 30 * 60_000 });
    return parseBackups(ctx, res.stdout);
}
function requireDatabase(ctx, mode) {
    if (isPg(ctx))
        return;
    if (!ctx.settings.deploy.sqliteDb) {
        throw new step/* DeployError */.sH(`mode ${mode} needs sqlite-db: the database file (relative to ${ctx.paths.shared}) the backups are of`, 'Set sqlite-db as for your deploys (a deploy remembers it on the server, so mode restore finds it after one deploy).');
    }
}
/**
 * Part one of a restore, nothing changed yet: finds the backup and copies it (unpacked) into the
 * restore's work folder, which only root writes (inside the backups folder, so the app's user can
 * read the copy but never swap it), and has the app's user check it there. A corrupt backup stops
 * the restore with the database untouched.
 */
function stageScript(ctx, id) {
    const p = ctx.paths;
    return `
${migrateBackupsCommand(ctx)}
${resolveCommand(ctx, id)}${(0,scripts/* serverScript */.fj)('restore_stage', {
        root_read: (0,root_read/* rootReadProgram */.H)(),
        backups: p.backups,
        user: p.user,
        work: restoreWork(ctx),
        not_found: NOT_FOUND,
        corrupt: CORRUPT
    })}`;
}
/**
 * Part two: with the service stopped and its socket unit still listening (connections wait in the
 * socket's backlog), takes the safety copy of the database as it is (stopped: nothing can change
 * it any more), restores the backup into the same file with SQLite's backup API as the app's user
 * (so the file, -wal and -shm keep their owner), checkpoints the WAL and checks the result, then
 * starts the service. Any failure after the safety copy puts it back and starts the service.
 */
function swapScript(ctx, expectFingerprint) {
    const p = ctx.paths;
    return (0,scripts/* serverScript */.fj)('restore_swap', {
        db: dbPath(ctx),
        work: restoreWork(ctx),
        safety_prefix: `${p.backups}/${dbBase(ctx)}-safety-`,
        socket: p.units.socket.name,
        service: p.units.service.name,
        user: p.user,
        root_read: (0,root_read/* rootReadProgram */.H)(),
        current: p.current,
        expect_fingerprint: expectFingerprint ?? '',
        changed: CHANGED,
        put_back_code: PUT_BACK
    });
}
/** Puts the safety copy back after the restored database failed the health proof. */
function putBackScript(ctx) {
    if (isPg(ctx))
        return pgPutBackScript(ctx);
    return (0,scripts/* serverScript */.fj)('restore_put_back', {
        db: dbPath(ctx),
        work: restoreWork(ctx),
        service: ctx.paths.units.service.name,
        user: ctx.paths.user
    });
}
function cleanupCommand(ctx) {
    if (isPg(ctx))
        return pgCleanupCommand(ctx);
    return `rm -rf -- ${(0,quote/* shQuote */.U)(restoreWork(ctx))}`;
}
async function stageRestore(ctx, id) {
    if (id === UNDO)
        refuseUndoOnPostgres(ctx);
    if (isPg(ctx))
        return pgStageRestore(ctx, id);
    const bad = id === 'latest' ? undefined : (0,rules/* backupIdProblem */.lC)(id);
    if (bad)
        throw new step/* DeployError */.sH(`backup ${bad}`, 'mode backups lists the backups on the server.');
    const res = await ctx.remote.script(stageScript(ctx, id), { sudo: true, timeoutMs: 30 * 60_000 });
    const err = res.stderr.trim().split('\n').at(-1) ?? '';
    if (res.code === NOT_FOUND)
        throw new step/* DeployError */.sH(`${err}; nothing was changed`, 'Run mode backups to see them.');
    if (res.code === CORRUPT)
        throw new step/* DeployError */.sH(`${err}; nothing was changed, the database is as it was`, 'Pick another backup (mode backups lists them with their integrity).');
    if (res.code !== 0)
        throw new step/* DeployError */.sH(`staging the backup failed (exit ${res.code}): ${err}; nothing was changed`);
    const f = (0,context/* parseFacts */.hx)(res.stdout);
    const undo = id === UNDO ? undoNotice(f.id ?? '', f.undo_of, f.undo_time) : undefined;
    return {
        id: f.id ?? id,
        undo,
        detail: `${f.id} (${f.size} bytes, integrity ok)${undo ? `; ${undo}` : ''}`
    };
}
async function swapDatabase(ctx, expectFingerprint) {
    if (isPg(ctx))
        return pgSwapDatabase(ctx, expectFingerprint);
    const res = await ctx.remote.script(swapScript(ctx, expectFingerprint), {
        sudo: true,
        timeoutMs: 30 * 60_000
    });
    const f = (0,context/* parseFacts */.hx)(res.stdout);
    if (f.warning)
        ctx.logger.warning(f.warning);
    if (res.code === CHANGED)
        throw new ChangedSinceError('the database changed since pre-activate finished (a write reached it): restoring the backup would lose that write, so it was not restored and the data is kept');
    if (res.code !== 0) {
        const tail = res.stderr.trim().split('\n').slice(-3).join('\n');
        throw new step/* DeployError */.sH(res.code === PUT_BACK
            ? `the restore failed and the database was put back as it was (safety copy ${f.safety}): ${tail}`
            : `the restore failed (exit ${res.code}): ${tail}`, 'Check the free disk space and the database file on the server.');
    }
    return {
        safety: f.safety ?? '',
        current: f.current ?? '',
        stoppedAt: Number(f.stopped_ns ?? 0) / 1e6,
        detail: `restored; safety copy of the database before: ${f.safety}`
    };
}
async function putBackSafety(ctx) {
    await (0,context/* runScript */.j3)(ctx, 'putting the safety copy back', putBackScript(ctx), { timeoutMs: 30 * 60_000 });
    return { detail: 'the database before the restore is back' };
}
/** The folder a backup id lives in: every backup is in the backups folder. */
function backupDirOf(ctx, _id) {
    return ctx.paths.backups;
}

;// CONCATENATED MODULE: ./src/steps/migration.ts









/**
 * The database's content and schema as one hash (sqlite3's .sha3sum), taken as the app's user so
 * no -wal/-shm file ends up root's. Two equal hashes: no write happened in between.
 */
async function fingerprintDatabase(ctx) {
    if (ctx.settings.database.kind === 'postgres')
        return pgFingerprint(ctx);
    const q = quote/* shQuote */.U;
    const db = `${ctx.paths.shared}/${ctx.settings.deploy.sqliteDb}`;
    const res = await ctx.remote.script(`[ -f ${q(db)} ] || exit 0\necho "fingerprint=$(runuser -u ${q(ctx.paths.user)} -- sqlite3 -cmd '.timeout 15000' ${q(db)} '.sha3sum')"`, { sudo: true, timeoutMs: 30 * 60_000 });
    const f = (0,context/* parseFacts */.hx)(res.stdout).fingerprint ?? '';
    return res.code === 0 && /^[0-9a-f]{16,}$/.test(f) ? f : '';
}
/** The command that puts the pre-deploy database back, for a human to run. */
function restoreCommand(ctx, backupId) {
    const host = ctx.settings.hosts.length > 1 ? ctx.label : ctx.settings.hosts.map((h) => h.host)[0];
    const db = ctx.settings.database;
    const pg = db.kind === 'postgres'
        ? ` --database postgres${db.name !== ctx.paths.app && !db.external ? ` --database-name ${db.name}` : ''}`
        : '';
    return `gunicorn-deploy restore --host ${(0,quote/* shQuote */.U)(host ?? ctx.label)} --app-name ${(0,quote/* shQuote */.U)(ctx.paths.app)}${pg} --backup ${(0,quote/* shQuote */.U)(backupId)} (in a workflow: mode: restore, backup: ${backupId})`;
}
/**
 * A release failed after pre-activate ran: the old code serves again, maybe in front of the new
 * schema. Says so (log, summary, the restore command with the pre-deploy backup); with
 * rollback-restore-database, restores that backup, but only when the database is still exactly as
 * the migration left it (checked with the service stopped, so no write can slip in between).
 */
async function afterMigrationRollback(ctx, failed, fingerprint, 
/** SQLite's schema_version before pre-activate ('' when unknown). */
schemaBefore = '') {
    const backup = ctx.facts.backup ? external_node_path_.posix.basename(ctx.facts.backup) : '';
    if (!backup)
        return;
    // Only when it may: a migration that failed (or had nothing to do) before changing the schema
    // left the database as the old code knows it.
    if (schemaBefore && !schemaChanged(schemaBefore, await schemaVersion(ctx))) {
        ctx.logger.info(`${ctx.label}: pre-activate of ${failed} left the database's schema as it was (schema_version ${schemaBefore}): the release serving knows it`);
        return;
    }
    const warning = `the database may hold the new schema: pre-activate (migrations) of ${failed} ran, and the release before it serves again. To put the pre-deploy database back: ${restoreCommand(ctx, backup)}`;
    ctx.facts['pre-deploy-backup'] = backup;
    if (!ctx.settings.deploy.rollbackRestoreDatabase) {
        ctx.facts['database-warning'] = warning;
        ctx.logger.warning(`${ctx.label}: ${warning}`);
        return;
    }
    const refuse = (why) => {
        ctx.facts['database-restored'] = 'refused';
        ctx.facts['database-warning'] = `rollback-restore-database: not restored, ${why}. ${warning}`;
        ctx.logger.warning(`${ctx.label}: ${ctx.facts['database-warning']}`);
    };
    if (!fingerprint) {
        refuse(ctx.settings.database.external
            ? 'the database is external (database-url): its write-ahead log is out of reach, so nothing proves it was not written to'
            : 'pre-activate did not finish, so there is no proof of what it changed');
        return;
    }
    const s = (name, fn) => (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, name, fn);
    try {
        await s('check backup', () => stageRestore(ctx, backup));
        const swapped = await s('restore database', () => swapDatabase(ctx, fingerprint));
        try {
            await s('verify restored database', () => (0,verify/* verifyRelease */.VA)(ctx, swapped.current, []));
        }
        catch (err) {
            await s('put back', () => putBackSafety(ctx));
            await (0,verify/* verifyRelease */.VA)(ctx, swapped.current, []);
            refuse(`the app was not healthy on the restored backup (${(0,step/* errorMessage */.gJ)(err).split('\n')[0]}); the migrated database was put back`);
            return;
        }
        ctx.facts['database-restored'] = 'true';
        ctx.logger.info(`${ctx.label}: rollback-restore-database: no write reached the database since the migration, so the pre-deploy backup ${backup} was restored (the migrated database is kept as ${swapped.safety})`);
        await (0,steps_history/* recordHistory */.cJ)(ctx, {
            event: 'restore',
            backup,
            safety: swapped.safety,
            release: swapped.current,
            status: 'restored',
            why: `rollback of ${failed} after pre-activate`
        });
    }
    catch (err) {
        refuse(err instanceof ChangedSinceError
            ? err.message.split('\n')[0]
            : `the restore failed: ${(0,step/* errorMessage */.gJ)(err).split('\n')[0]}`);
    }
    finally {
        await ctx.remote.script(cleanupCommand(ctx), { sudo: true, timeoutMs: 30_000 }).catch(() => undefined);
    }
}

;// CONCATENATED MODULE: ./src/modes/plan.ts
/**
 * Runs a declared plan for one host: sends every request it may up to the first barrier, then runs
 * the steps in order, each taking its queued answer; after a barrier the next stretch is sent.
 */
class Planner {
    steps;
    remote;
    state;
    /** Steps before this index were queued (or passed over) already. */
    sentTo = 0;
    /** The requests queued, by step name, in the order sent (for logs and tests). */
    sent = [];
    constructor(steps, remote, state) {
        this.steps = steps;
        this.remote = remote;
        this.state = state;
    }
    /** Queues the requests of the steps after `name`, up to and including the first barrier. */
    sendAfter(name) {
        this.sendFrom(this.index(name) + 1);
    }
    /** Every step in order (from `from` on), each as one unit of log and time. */
    async run(s) {
        for (let i = 0; i < this.steps.length; i++) {
            const st = this.steps[i];
            if (!this.applies(st))
                continue;
            await s(st.name, () => st.run(this.state, () => this.sendFrom(i + 1)));
            await st.after?.(this.state);
            if (st.barrier?.(this.state) && this.sentTo <= i + 1)
                this.sendPastCarrier(i + 1);
        }
    }
    /** After a barrier: the next step's own call carries those after it, if it is one that carries. */
    sendPastCarrier(from) {
        const next = this.steps.findIndex((st, i) => i >= from && this.applies(st));
        const carrier = this.steps[next];
        if (!carrier?.carries || (carrier.request?.(this.state) ?? []).length === 0)
            return;
        if (carrier.barrier?.(this.state))
            return;
        this.sentTo = next + 1;
        this.sendFrom(next + 1);
    }
    sendFrom(from) {
        if (from < this.sentTo)
            return;
        let group = [];
        let groupNames = [];
        const flush = () => {
            if (group.length === 0)
                return;
            if (this.remote.sendNextTogether)
                this.remote.sendNextTogether(group);
            else
                for (const r of group)
                    this.remote.sendNext?.(r.text, r.opts, r.kind);
            this.sent.push(...groupNames);
            group = [];
            groupNames = [];
        };
        let i = from;
        while (i < this.steps.length) {
            const st = this.steps[i++];
            if (!this.applies(st))
                continue;
            const reqs = (st.request?.(this.state) ?? []).map((r) => ({
                ...r,
                opts: { ...r.opts, step: st.name }
            }));
            if (st.together?.(this.state)) {
                group.push(...reqs);
                groupNames.push(...reqs.map(() => st.name));
            }
            else {
                flush();
                for (const r of reqs) {
                    this.remote.sendNext?.(r.text, r.opts, r.kind);
                    this.sent.push(st.name);
                }
            }
            if (st.barrier?.(this.state))
                break;
        }
        flush();
        this.sentTo = Math.max(this.sentTo, i);
    }
    applies(st) {
        return !st.when || st.when(this.state);
    }
    index(name) {
        const i = this.steps.findIndex((st) => st.name === name);
        if (i < 0)
            throw new Error(`no step ${name} in the plan`);
        return i;
    }
}

// EXTERNAL MODULE: ./src/ssh/upload.ts
var upload = __webpack_require__(2109);
;// CONCATENATED MODULE: ./src/steps/upload-delta.ts





/** A delta up to this size travels in memory, with the requests after it; a larger one streams. */
const QUEUED_DELTA_MAX_BYTES = 8 * 1024 * 1024;
const UNPACK_TIMEOUT_MS = 10 * 60_000;
/**
 * Turns the hardlinked copy of the previous release (made by the prepare script) into the new
 * release: only new and changed files cross the network. A changed file is deleted from the copy
 * and unpacked anew (a new inode), never written through, since its old inode belongs to the
 * release still serving.
 */
async function deltaUpload(ctx, source, incoming, old, manifest, 
/** Queues what follows the upload; called only when the delta goes queued itself. */
queueRest) {
    const started = Date.now();
    const diff = (0,src_manifest/* diffManifests */.ew)(old, manifest, ctx.settings.deploy.sharedPaths);
    // Everything the copy must lose: removed and changed paths, and the files every release writes anew.
    const remove = [...diff.remove, 'REVISION', src_manifest/* MANIFEST_FILE */.h1, '.venv', ...ctx.settings.deploy.sharedPaths];
    const trim = (0,app_run/* asUser */.ex)(ctx.paths.buildUser, `cd -- "$1"\nxargs -0 -r rm -rf --`, [(0,quote/* shQuote */.U)(incoming)]);
    const trimOpts = { stdin: remove.map((r) => `${r}\0`).join(''), timeoutMs: 10 * 60_000 };
    const payload = diff.send.reduce((n, p) => n + (manifest.get(p)?.size ?? 0), 0);
    // A small delta is one archive in memory, unpacked through the root shell right after the trim:
    // the trim, the unpack and everything queued after them are one round trip.
    const packed = ctx.remote.sendNext && diff.send.length > 0 && payload <= QUEUED_DELTA_MAX_BYTES
        ? await (0,upload/* packFiles */.Po)(source, diff.send, QUEUED_DELTA_MAX_BYTES)
        : undefined;
    let bytes = 0;
    if (ctx.remote.sendNext && (packed || diff.send.length === 0)) {
        const unpack = (0,upload/* remoteUnpackCommand */.U8)(incoming, { asUser: ctx.paths.buildUser, discard: true });
        const unpackOpts = { sudo: true, timeoutMs: UNPACK_TIMEOUT_MS, stdin: packed };
        if (packed)
            ctx.remote.sendNext(unpack, unpackOpts, 'exec');
        queueRest();
        await (0,context/* runScript */.j3)(ctx, 'trimming the hardlinked copy', trim, { ...trimOpts, carry: true });
        if (packed) {
            const res = await ctx.remote.exec(unpack, unpackOpts);
            if (res.code !== 0)
                throw new Error(`upload to ${ctx.label}:${incoming} failed: remote tar exited ${res.code}: ${(0,context/* lastLines */.w$)(res.stderr, 10) || '(no stderr)'}`);
            bytes = packed.length;
        }
    }
    else {
        await (0,context/* runScript */.j3)(ctx, 'trimming the hardlinked copy', trim, trimOpts);
        bytes = await streamDelta(ctx, source, incoming, diff.send);
    }
    const changed = diff.send.filter((p) => manifest.get(p)?.type !== 'd').length;
    const removed = diff.remove.filter((p) => !manifest.has(p)).length;
    const secs = ((Date.now() - started) / 1000).toFixed(2);
    // What changed, in the files' own bytes; the tar stream adds headers and pads to 10 kB blocks.
    const size = (n) => (n < 1000 ? `${n} B` : `${(n / 1e3).toFixed(1)} kB`);
    return `delta: ${changed} changed, ${removed} removed of ${manifest.size} paths, ${size(payload)} of files (${size(bytes)} sent) in ${secs} s`;
}
/** A delta too large for memory: its own tar stream, on a channel of its own. */
async function streamDelta(ctx, source, incoming, send) {
    if (send.length === 0)
        return 0;
    const up = await ctx.remote.upload(source, incoming, {
        exclude: ctx.settings.app.exclude,
        sudo: true,
        asUser: ctx.paths.buildUser,
        discardOnFailure: true,
        files: send
    });
    return up.bytes;
}

;// CONCATENATED MODULE: ./src/steps/upload.ts








/** Written into each release by versions before the preload list moved to /etc/APP/preload. */
const LEGACY_PRELOAD_FILE = '.gunicorn-deploy-preload';
/** Separates the prepare script's facts from the previous release's manifest in its output. */
const MANIFEST_MARK = '--- previous manifest';
/**
 * Before the upload: partial uploads left by a dropped connection are removed, and the release
 * serving now is recorded as the one to roll back to. For a delta, the hardlinked copy of that
 * release is made here too, and its manifest printed, while the runner is still hashing the tree.
 * The copy and the manifest are read and written by the build user: root only looks at names.
 * The scripts are templates/scripts/prepare.sh and release_copy.sh.
 */
function prepareScript(ctx, id, delta) {
    const p = ctx.paths;
    const copy = (0,scripts/* serverScript */.fj)('release_copy', {
        manifest_file: src_manifest/* MANIFEST_FILE */.h1,
        // cp's message about the one file a copy may leave out ends with its quoted name.
        legacy_preload_error: `/${LEGACY_PRELOAD_FILE}'`,
        manifest_mark: MANIFEST_MARK
    });
    return `${(0,scripts/* serverScript */.fj)('as_user', {})}${(0,scripts/* serverScript */.fj)('prepare', {
        incoming: p.incoming,
        current: p.current,
        releases: p.releases,
        wanted_id: id,
        delta: delta ? 'yes' : 'no',
        build_user: p.buildUser,
        copy_script: copy
    })}`;
}
/**
 * The manifest (on stdin), REVISION, shared links, then the atomic move into releases/, all
 * written by the build user: a REVISION or manifest the repository ships (even a link to
 * /etc/issue) is removed and replaced, never written through. A shared path missing in shared/ is
 * seeded from the release by a tar pipe from the build user to the app's user, who owns shared/.
 * The scripts are templates/scripts/finish.sh and release_finish.sh.
 */
function finishScript(ctx, id, withManifest, 
/** Shared paths linked as files (declared `PATH:file`, or a file in the source), never folders. */
files = new Set(ctx.settings.deploy.sharedFiles)) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    const incoming = `${p.incoming}/${id}`;
    const revision = [
        `commit=${d.commit || 'unknown'}`,
        `ref=${d.ref || 'unknown'}`,
        `time=${new Date().toISOString()}`,
        `release=${id}`
    ]
        .map((l) => l.replace(/\n/g, ' '))
        .join('\n');
    const finish = (0,scripts/* serverScript */.fj)('release_finish', {
        incoming,
        manifest_file: src_manifest/* MANIFEST_FILE */.h1,
        with_manifest: withManifest ? 'yes' : 'no',
        revision,
        shared: p.shared,
        shared_paths: d.sharedPaths.join('\n'),
        release_dir: p.releaseDir(id)
    });
    return `${(0,scripts/* serverScript */.fj)('as_user', {})}${(0,scripts/* serverScript */.fj)('finish', {
        build_user: p.buildUser,
        app_user: p.user,
        shared: p.shared,
        incoming,
        // A file (an SQLite database, a config) is seeded as a file, never unpacked as a folder.
        seeds: d.sharedPaths.map((sp) => `${files.has(sp) ? 'file' : 'dir'} ${sp}`).join('\n'),
        finish_script: finish
    })}`;
}
const FINISH_TIMEOUT_MS = 120_000;
const PREPARE_OPTS = { sudo: true, timeoutMs: 10 * 60_000 };
/**
 * The upload's prepare script as a request to queue with the layout: one round trip for both, the
 * prepare running only if the layout succeeded. uploadRelease then takes its answer.
 */
function prepareRequest(ctx, wantedId) {
    return { text: prepareScript(ctx, wantedId, !ctx.settings.deploy.fullUpload), opts: PREPARE_OPTS };
}
async function uploadRelease(ctx, wantedId, queueAfter) {
    const source = external_node_path_.resolve(ctx.settings.app.source);
    const wantDelta = !ctx.settings.deploy.fullUpload;
    const [prepRes, manifest] = await Promise.all([
        (0,context/* runScript */.j3)(ctx, 'preparing the upload', prepareScript(ctx, wantedId, wantDelta), PREPARE_OPTS),
        runManifest(source, ctx.settings.app.exclude)
    ]);
    const [factsText, oldText] = splitOnce(prepRes.stdout, `\n${MANIFEST_MARK}\n`);
    const prep = (0,context/* parseFacts */.hx)(factsText);
    const release = prep.release;
    const previous = prep.previous ?? '';
    const incoming = `${ctx.paths.incoming}/${release}`;
    const old = oldText !== undefined ? (0,src_manifest/* parseManifest */.Ng)(oldText) : undefined;
    const cores = Number(prep.cores) || 1;
    let detail;
    let queued = false;
    try {
        const files = await sharedFiles(ctx, source);
        const finish = finishScript(ctx, release, !!manifest, files);
        const finishOpts = {
            sudo: true,
            timeoutMs: FINISH_TIMEOUT_MS,
            stdin: manifest ? (0,src_manifest/* serializeManifest */.MZ)(manifest) : undefined
        };
        if (manifest && old) {
            detail = await deltaUpload(ctx, source, incoming, old, manifest, () => {
                // The finish, then the caller's requests, ride with the delta's own.
                ctx.remote.sendNext?.(finish, finishOpts);
                queueAfter?.(release, cores);
                queued = true;
            });
        }
        else {
            if (wantDelta && previous)
                ctx.logger.info(`${whyFull(previous, oldText, manifest, prep.copy)}: uploading the whole tree`);
            if (prep.copied === 'yes')
                await discard(ctx, incoming);
            const up = await ctx.remote.upload(source, incoming, {
                exclude: ctx.settings.app.exclude,
                sudo: true,
                asUser: ctx.paths.buildUser,
                discardOnFailure: true
            });
            detail = `full: ${up.files} files, ${(up.bytes / 1e6).toFixed(1)} MB in ${(up.ms / 1000).toFixed(2)} s`;
        }
        await (0,context/* runScript */.j3)(ctx, 'finishing the release folder', finish, finishOpts);
    }
    catch (err) {
        // No half-made release stays on the server to fill its disk (the server side of the upload
        // removes it too when the connection itself is gone).
        await discard(ctx, incoming).catch(() => undefined);
        throw err;
    }
    return {
        release,
        previous,
        previousVenv: prep.previous_venv ?? '',
        cores,
        manifest,
        queued,
        detail
    };
}
/** Shared paths that are files: declared so, or a regular file in the source. */
async function sharedFiles(ctx, source) {
    const files = new Set(ctx.settings.deploy.sharedFiles);
    for (const sp of ctx.settings.deploy.sharedPaths) {
        const st = await (0,promises_.lstat)(external_node_path_.join(source, sp)).catch(() => undefined);
        if (st?.isFile())
            files.add(sp);
    }
    return files;
}
/** Removes a release being made (root: what an older version left there may be root's). */
function discard(ctx, incoming) {
    return (0,context/* runScript */.j3)(ctx, 'removing the unfinished release', `rm -rf -- ${(0,quote/* shQuote */.U)(incoming)}`, {
        timeoutMs: 10 * 60_000
    });
}
/** Why a deploy that could have sent a delta sends everything: said once, in the log. */
function whyFull(previous, oldText, manifest, copy) {
    if (!manifest)
        return 'a path in the source has a name tar must escape (a control character, backslash or non-ASCII byte)';
    if (copy === 'built-as-root')
        return `release ${previous} was built as root by an older version (the build user cannot hardlink it)`;
    if (copy === 'not-linkable')
        return `release ${previous} could not be hardlinked by the build user`;
    if (oldText === undefined)
        return `release ${previous} has no usable manifest (none found)`;
    const head = oldText.split('\n', 1)[0];
    // After an upgrade that changed the format, one full upload is expected, not a fault.
    return head === src_manifest/* MANIFEST_HEADER */.yg
        ? `release ${previous} has no usable manifest (unreadable)`
        : `release ${previous} has no usable manifest (format "${head}"; this version uses "${src_manifest/* MANIFEST_HEADER */.yg}")`;
}
function splitOnce(text, sep) {
    const i = text.indexOf(sep);
    return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + sep.length)];
}

;// CONCATENATED MODULE: ./src/steps/build.ts







/** The build's exit status when what it wrote left less than min-free-space. */
const NO_SPACE = 75;
/** collectstatic, compilemessages, an asset build: bounded, and ended by the server if the runner is gone. */
const BUILD_TIMEOUT_MS = 30 * 60_000;
/**
 * The build commands run in the new release before it is checked, as the build user (who owns
 * the release, so they can write into it), in a transient unit: with the app's venv on PATH and
 * the app's environment read from /etc/APP/env by systemd (PID 1, as root: the build user never
 * gets read access to the file), nothing writable but the release and a private /tmp
 * (ProtectSystem=strict), no new privileges, and no process left when it ends. The release is
 * then frozen as every release: nothing in it writable by the app's user. A delta release is first
 * cut to what its manifest lists, and its hardlinked files get inodes of their own, so a build never
 * writes through a link into the release that serves.
 */
function buildCommand(ctx, release, envFile) {
    const q = quote/* shQuote */.U;
    const p = ctx.paths;
    const rel = p.releaseDir(release);
    const script = buildScript(ctx, rel);
    return [
        'systemd-run --quiet --wait --pipe --collect --service-type=exec',
        `-p User=${q(p.buildUser)} -p Group=${q(p.buildUser)}`,
        '-p NoNewPrivileges=yes -p PrivateTmp=yes -p ProtectSystem=strict -p ProtectHome=yes',
        // Its own /dev/shm and IPC, gone with the unit: nothing it puts in RAM outlives the build.
        "-p 'TemporaryFileSystem=/dev/shm:mode=1777,nosuid,nodev' -p PrivateIPC=yes",
        `-p ReadWritePaths=${q(rel)}`,
        `-p EnvironmentFile=${q(envFile)}`,
        `-p WorkingDirectory=${q(rel)}`,
        `-p RuntimeMaxSec=${BUILD_TIMEOUT_MS / 1000}`,
        `--setenv=PATH=${q(`${rel}/.venv/bin:/usr/local/bin:/usr/bin:/bin`)}`,
        `--setenv=PWD=${q(rel)}`,
        '--setenv=HOME=/nonexistent',
        '--',
        '/bin/bash',
        '-c',
        // The build's commands reach bash as written: systemd would expand $HOME, ${X} and $$ itself.
        q((0,app_run/* systemdWord */.sX)(script))
    ].join(' ');
}
/**
 * What runs in the unit: templates/scripts/build.sh (with prune_unlisted.py, unshare_linked.py),
 * the disk probe, build_end.sh.
 */
function buildScript(ctx, rel) {
    const keep = ['REVISION', src_manifest/* MANIFEST_FILE */.h1, '.venv', ...ctx.settings.deploy.sharedPaths];
    return `${(0,scripts/* serverScript */.fj)('build', {
        release: rel,
        manifest_file: src_manifest/* MANIFEST_FILE */.h1,
        manifest_header: src_manifest/* MANIFEST_HEADER */.yg,
        keep: keep.join('\n'),
        prune_unlisted: (0,scripts/* serverProgram */.qX)('prune_unlisted'),
        unshare_linked: (0,scripts/* serverProgram */.qX)('unshare_linked'),
        build: ctx.settings.deploy.build
    })}${(0,ownership/* diskProbe */.AC)(ctx.settings)}${(0,scripts/* serverScript */.fj)('build_end', { app_dir: ctx.settings.app.dir, no_space: NO_SPACE })}`;
}
async function buildRelease(ctx, release, envFile) {
    if (!ctx.settings.deploy.build)
        return { changed: false, detail: 'none' };
    const res = await ctx.remote.exec(buildCommand(ctx, release, envFile), {
        sudo: true,
        stream: true,
        timeoutMs: BUILD_TIMEOUT_MS + 60_000
    });
    if (res.code !== 0) {
        throw new step/* DeployError */.sH(`build commands failed (exit ${res.code}${res.timedOut ? ', timed out' : ''}); nothing was switched:\n${(0,context/* lastLines */.w$)(res.stderr + res.stdout, 15)}`, 'The output is above. The build runs as the build user in the new release (writable), with the venv and the environment file; everything outside the release is read-only to it.');
    }
    return { detail: 'ran' };
}

;// CONCATENATED MODULE: ./src/steps/backup.ts





/**
 * SQLite's online backup, never cp: a copy of a live (WAL) database can be corrupt or miss
 * tables. The copy is checked before it counts, and only the newest backups-keep are kept.
 * The script is templates/scripts/backup.sh.
 */
function backupScript(ctx, release) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    const base = external_node_path_.posix.basename(d.sqliteDb);
    return (0,scripts/* serverScript */.fj)('backup', {
        db: `${p.shared}/${d.sqliteDb}`,
        sqlite_db: d.sqliteDb,
        tmp: `${p.shared}/.backup-${release}.db`,
        out: `${p.backups}/${base}-${release}.db`,
        user: p.user,
        shared: p.shared,
        backups: p.backups,
        base,
        keep: d.backupsKeep,
        root_read: (0,root_read/* rootReadProgram */.H)()
    });
}
const backup_BACKUP_TIMEOUT_MS = 30 * 60_000;
/** The backup as a request to queue (none without sqlite-db); backupDatabase then takes its answer. */
function backupRequest(ctx, release) {
    if (ctx.settings.database.kind === 'postgres')
        return pgBackupRequest(ctx, release);
    if (!ctx.settings.deploy.sqliteDb)
        return [];
    return [{ text: backupScript(ctx, release), opts: { sudo: true, timeoutMs: backup_BACKUP_TIMEOUT_MS } }];
}
async function backupDatabase(ctx, release) {
    if (ctx.settings.database.kind === 'postgres')
        return pgBackup(ctx, release);
    if (!ctx.settings.deploy.sqliteDb)
        return { changed: false, detail: 'no sqlite-db set' };
    const res = await (0,context/* runScript */.j3)(ctx, 'backing up the database', backupScript(ctx, release), {
        timeoutMs: backup_BACKUP_TIMEOUT_MS,
        hint: 'Nothing was switched. Check the database and the free disk space on the server.'
    });
    const f = (0,context/* parseFacts */.hx)(res.stdout);
    if (f.skipped)
        return { changed: false, detail: f.skipped };
    ctx.facts.backup = f.backup ?? '';
    return { detail: `${f.backup} (${f.size} bytes, integrity ok)`, ms: res.serverMs };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/steps/download.ts












const download_run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/** Where the file goes: into PATH when it is a folder (or ends with /), else PATH itself. */
async function downloadTarget(dest, id) {
    const isDir = dest.endsWith('/') ||
        (await (0,promises_.stat)(dest)
            .then((st) => st.isDirectory())
            .catch(() => false));
    return isDir ? external_node_path_.join(dest, id) : dest;
}
/**
 * PRAGMA integrity_check on the runner, with Python's sqlite3 module (on every GitHub runner) or
 * else the sqlite3 binary; 'ok' when sound. The path goes in argv, never into code.
 */
async function localIntegrity(file) {
    const py = 'import sqlite3,sys\nc=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True)\nprint(c.execute("PRAGMA integrity_check").fetchone()[0])';
    try {
        const { stdout } = await download_run('python3', ['-c', py, file], { timeout: 600_000 });
        return stdout.trim();
    }
    catch (err) {
        const e = err;
        if (e.code !== 'ENOENT')
            return `python3 could not check it: ${(e.stderr ?? e.message).trim().split('\n').at(-1)}`;
    }
    try {
        const { stdout } = await download_run('sqlite3', ['-readonly', file, 'PRAGMA integrity_check'], {
            timeout: 600_000
        });
        return stdout.trim().split('\n')[0] ?? '';
    }
    catch (err) {
        const e = err;
        if (e.code === 'ENOENT')
            return 'neither python3 nor sqlite3 is on the runner to check it';
        return `sqlite3 could not check it: ${(e.stderr ?? e.message).trim().split('\n').at(-1)}`;
    }
}
/**
 * Copies one backup to the runner over the SSH channel's stdout (base64, so the text channel
 * carries bytes safely), then proves the copy: its sha256 equals the server's, and the database
 * (unpacked, for a daily .gz) passes PRAGMA integrity_check here.
 */
async function downloadBackup(ctx, backup, dir, dest) {
    const file = await downloadTarget(dest, backup.id);
    await (0,promises_.mkdir)(external_node_path_.dirname(external_node_path_.resolve(file)), { recursive: true });
    const out = (0,external_node_fs_.createWriteStream)(file, { mode: 0o600 });
    const hash = (0,external_node_crypto_.createHash)('sha256');
    let pending = '';
    let bytes = 0;
    const push = (b64) => {
        const buf = Buffer.from(b64, 'base64');
        bytes += buf.length;
        hash.update(buf);
        out.write(buf);
    };
    const res = await ctx.remote.script(
    // Read once, as a regular root-owned file (never a link or FIFO), hashed as it is sent.
    (0,root_read/* rootRead */.Z)('cat', (0,quote/* shQuote */.U)(dir), (0,quote/* shQuote */.U)(backup.id), 'root'), {
        sudo: true,
        timeoutMs: 60 * 60_000,
        signal: ctx.signal,
        onStdout: (chunk) => {
            pending += chunk.replace(/\s+/g, '');
            const whole = pending.length - (pending.length % 4);
            if (whole > 0) {
                push(pending.slice(0, whole));
                pending = pending.slice(whole);
            }
        }
    });
    if (pending)
        push(pending);
    await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
    const sha = hash.digest('hex');
    const serverSha = /^sha256=([0-9a-f]{64})$/m.exec(res.stderr)?.[1] ?? '';
    if (res.code !== 0) {
        await (0,promises_.rm)(file, { force: true });
        throw new step/* DeployError */.sH(`copying backup ${backup.id} failed (exit ${res.code}): ${res.stderr.trim().split('\n').at(-1)?.slice(0, 300) ?? ''}`, 'Check the connection and try again.');
    }
    if (!/^[0-9a-f]{64}$/.test(serverSha) || sha !== serverSha) {
        throw new step/* DeployError */.sH(`the downloaded ${backup.id} (${bytes} bytes, sha256 ${sha}) does not match the server's (sha256 ${serverSha.slice(0, 64)})`, 'Run again; a difference means the copy was damaged on the way.');
    }
    let check;
    if (backup.id.endsWith('.gz')) {
        const tmp = await (0,promises_.mkdtemp)(external_node_path_.join(external_node_os_.tmpdir(), 'gd-backup-'));
        try {
            const plain = external_node_path_.join(tmp, 'check.db');
            // A .gz that does not unpack completely fails closed, as on the server.
            const bytes = await (0,promises_.readFile)(file)
                .then((b) => (0,external_node_zlib_.gunzipSync)(b))
                .catch((err) => err);
            if (bytes instanceof Error)
                check = `not a complete gzip file (${bytes.message})`;
            else {
                await (0,promises_.writeFile)(plain, bytes);
                check = await localIntegrity(plain);
            }
        }
        finally {
            await (0,promises_.rm)(tmp, { recursive: true, force: true });
        }
    }
    else if (backup.id.endsWith('.dump'))
        check = await localDumpCheck(file);
    else
        check = await localIntegrity(file);
    if (check !== 'ok') {
        throw new step/* DeployError */.sH(`the downloaded ${backup.id} fails ${backup.id.endsWith('.dump') ? 'its check' : 'PRAGMA integrity_check'} on the runner: ${check.slice(0, 300)}`, "The file is kept for inspection; the server's own copy is unchanged.");
    }
    ctx.facts['downloaded-backup'] = file;
    ctx.facts['backup-sha256'] = sha;
    return {
        file,
        sha256: sha,
        detail: `${backup.id} -> ${file} (${bytes} bytes, sha256 ${sha.slice(0, 12)}..., integrity ok)`
    };
}

// EXTERNAL MODULE: ./src/deploy/release-record.ts
var release_record = __webpack_require__(4040);
// EXTERNAL MODULE: ./src/steps/candidate.ts + 1 modules
var candidate = __webpack_require__(4654);
// EXTERNAL MODULE: ./src/steps/preload-list.ts
var preload_list = __webpack_require__(3463);
;// CONCATENATED MODULE: ./src/steps/check.ts







/** The line check_list.py prints before the libraries (a unit test holds the file to it). */
const MARKER = '--- gunicorn-deploy: libraries ---';
/** gunicorn --check-config, plus, at exit, the libraries the app's import loaded (check_list.py). */
function checkAndList() {
    return `${(0,preload_list/* librariesPython */.U)()}${(0,scripts/* serverProgram */.qX)('check_list')}`;
}
function checkCommand(ctx, release, staged) {
    const rel = ctx.paths.releaseDir(release);
    const preload = ctx.settings.deploy.preloadLibraries;
    const gunicornArgs = [
        '--check-config',
        '-c',
        staged.gunicornConf,
        '--chdir',
        rel,
        ctx.settings.deploy.wsgiApp
    ];
    const run = (0,app_run/* appRunCommand */.gA)(ctx.paths, {
        cwd: rel,
        envFile: staged.envFile,
        venv: `${rel}/.venv`,
        argv: [
            `${rel}/.venv/bin/python`,
            ...(preload ? ['-c', checkAndList()] : ['-m', 'gunicorn']),
            ...gunicornArgs
        ]
    });
    // templates/scripts/check.sh runs the check (run_check) and, with preload, keeps its list.
    return [
        (0,release_record/* stateCommand */.t7)(ctx, release, 'built'),
        `run_check() { ${run}; }`,
        preload ? (0,preload_list/* preloadListScript */.V)(ctx, release) : '',
        (0,scripts/* serverScript */.fj)('check', { preload: preload ? 'yes' : 'no', marker: MARKER })
    ].join('\n');
}
/** How the check runs: also how it is sent ahead (the same text and options). */
const CHECK_OPTS = { sudo: true, ownChannel: true, timeoutMs: 120_000 };
/** The check as a request to queue (sendNext, sendNextTogether); checkRelease then takes its answer. */
function checkRequest(ctx, release, staged) {
    return { text: checkCommand(ctx, release, staged), opts: CHECK_OPTS, kind: 'exec' };
}
async function checkRelease(ctx, release, staged) {
    const res = await ctx.remote.exec(checkCommand(ctx, release, staged), CHECK_OPTS);
    if (res.code !== 0)
        throw doesNotLoad(ctx, (0,context/* lastLines */.w$)(res.stderr + res.stdout, 25));
    return { detail: `${ctx.settings.deploy.wsgiApp} imports` };
}
function doesNotLoad(ctx, lines) {
    return new step/* DeployError */.sH(`the new release does not load (${ctx.settings.deploy.wsgiApp}); nothing was switched${(0,step/* keepsServing */.z8)(ctx)}:\n${lines}`, 'Fix the import error (run the app locally with gunicorn --check-config) and deploy again.');
}
/**
 * The check as the candidate's worker made it (candidateScript with importCheck): its import
 * decides, before the candidate's answers do. Its time is the candidate's, up to the import.
 */
function checkedByCandidate(ctx, run) {
    const c = run.candidate;
    // A mismatched worker class is the candidate's finding, not an import error.
    if (c.imported === undefined || c.mismatch)
        throw (0,candidate/* refusal */.x5)(ctx, run);
    if (!c.imported) {
        const why = c.why ? `its candidate ${c.why}` : '';
        throw doesNotLoad(ctx, [why, c.log].filter((l) => l).join('\n'));
    }
    return { detail: `${ctx.settings.deploy.wsgiApp} imports (in the candidate's worker)`, ms: c.importMs };
}

;// CONCATENATED MODULE: ./src/modes/prepare-plan.ts













/**
 * Without a build command, a pre-activate hook or download-backup (each needs the runner between
 * the backup and the candidate), the candidate's worker is the import check: one Python importing
 * the app, not two (most of a code-only deploy's CPU).
 */
function candidateBootChecks(ctx) {
    const d = ctx.settings.deploy;
    return !d.build && !d.preActivate && !d.downloadBackup && !!ctx.remote.sendNextTogether;
}
/** Where the check and the candidate read the staged files: known before the staging answers. */
function candidateConf(ctx) {
    const { envFile, gunicornConf } = (0,config/* stagedPaths */.Dx)(ctx);
    return { envFile, gunicornConf };
}
const always = () => true;
const bootChecks = (p) => candidateBootChecks(p.ctx);
/**
 * Prepare, in order: everything before the switch, each step able to fail with nothing changed
 * for users. A step is one entry; the planner (plan.ts) sends each request as early as the barriers
 * allow, and the server runs them in this order. The lock is taken before (it waits on its own
 * channel), and the layout's request carries the upload's prepare.
 */
const PREPARE_PLAN = [
    {
        name: 'layout',
        carries: true,
        run: (p) => p.layingOut,
        // Provision's server-wide settings (server-name, health-host) before anything uses them.
        after: async (p) => useServerSettings(p.host, p.ctx, await p.layingOut)
    },
    {
        name: 'upload',
        request: (p) => [prepareRequest(p.ctx, p.id)],
        // The release id, the server's cores and the previous manifest come in its answer; a small
        // delta's own requests carry what follows, sent once those are known.
        barrier: always,
        run: async (p, sendRest) => {
            const up = await uploadRelease(p.ctx, p.id, (release, cores) => {
                p.release = release;
                p.cores = cores;
                sendRest();
            });
            p.up = up;
            p.release = up.release;
            p.cores = up.cores;
            // Outputs tell the truth at every moment: what serves, and what served before the run.
            p.ctx.facts.release = up.previous;
            p.ctx.facts['previous-release'] = up.previous;
            return up;
        }
    },
    {
        name: 'venv',
        carries: true,
        request: (p) => (p.deps ? [venvLookupRequest(p.ctx, p.release, p.deps)] : []),
        // No dependency source: the step fails on the runner, and nothing after it may go.
        barrier: (p) => !p.deps,
        run: async (p) => (p.venv = await buildVenv(p.ctx, p.release, p.deps))
    },
    {
        name: 'config',
        request: (p) => [(0,config/* stageRequest */.eF)(p.ctx, p.cores)],
        run: async (p) => (p.staged = await (0,config/* stageConfig */.dx)(p.ctx, p.cores))
    },
    {
        name: 'build',
        when: (p) => !!p.ctx.settings.deploy.build,
        // On its own channel, as the build user: what follows must see what it built.
        barrier: always,
        run: (p) => buildRelease(p.ctx, p.release, p.staged.envFile)
    },
    {
        name: 'backup',
        together: bootChecks,
        // First in the group: the candidate's master boots (no worker yet) beside the backup.
        request: (p) => [
            ...(bootChecks(p) ? [(0,candidate/* candidateBootRequest */.Lo)(p.ctx, p.release, candidateConf(p.ctx), p.id)] : []),
            ...backupRequest(p.ctx, p.release)
        ],
        run: async (p) => {
            if (!bootChecks(p))
                return backupDatabase(p.ctx, p.release);
            await (0,candidate/* bootEarly */.qg)(p.ctx, p.release, candidateConf(p.ctx), p.id);
            return backupDatabase(p.ctx, p.release).catch(async (err) => {
                await (0,candidate/* stopEarly */.i6)(p.ctx);
                throw err;
            });
        }
    },
    {
        // Asked when its turn comes (the backup's answer names the file); on the runner's side and an
        // exec channel of its own: nothing after it waits for it.
        name: 'download backup',
        when: (p) => !!p.ctx.settings.deploy.downloadBackup && !!p.ctx.facts.backup,
        run: (p) => fetchBackup(p.ctx)
    },
    {
        // With candidateBootChecks, the candidate's worker imports the app: its boot is this request.
        name: 'check',
        together: bootChecks,
        request: (p) => [
            bootChecks(p)
                ? (0,candidate/* candidateRequest */.vy)(p.ctx, p.release, candidateConf(p.ctx), true)
                : checkRequest(p.ctx, p.release, candidateConf(p.ctx))
        ],
        run: async (p) => {
            if (!bootChecks(p))
                return checkRelease(p.ctx, p.release, candidateConf(p.ctx));
            p.booting = (0,candidate/* runCandidate */.pl)(p.ctx, p.release, candidateConf(p.ctx), true);
            p.booting.catch(() => undefined);
            return checkedByCandidate(p.ctx, await p.booting);
        }
    },
    {
        name: 'pre-activate',
        // The migrations run on the runner's own channel; the candidate must see what they did.
        barrier: (p) => !!p.ctx.settings.deploy.preActivate,
        run: async (p) => {
            const d = p.ctx.settings.deploy;
            if (d.preActivate)
                p.schema = await schemaVersion(p.ctx);
            return runHook(p.ctx, 'pre-activate', d.preActivate, p.release, p.staged.envFile);
        },
        after: async (p) => {
            if (p.ctx.settings.deploy.preActivate)
                await recordMigration(p.ctx, p.release, p.schema);
            // What the migration left: a rollback may put the backup back only if nothing wrote since.
            const d = p.ctx.settings.deploy;
            if (d.preActivate && (d.sqliteDb || p.ctx.settings.database.kind === 'postgres') && p.ctx.facts.backup)
                p.migrated = await fingerprintDatabase(p.ctx);
        }
    },
    {
        // Last before the switch: after the migrations, which the new code may need to answer. Sent
        // on its own (or already booted by the check's request).
        name: 'candidate',
        run: async (p) => (0,candidate/* candidateOutcome */.gE)(p.ctx, await (p.booting ?? (0,candidate/* runCandidate */.pl)(p.ctx, p.release, candidateConf(p.ctx))))
    },
    {
        // Once per deploy, on one host, with the proven release: before any server switches.
        name: 'release phase',
        when: (p) => runsReleasePhase(p.ctx),
        barrier: always,
        run: (p) => runReleasePhase(p.ctx, p.release, p.staged.envFile)
    }
];
function fetchBackup(ctx) {
    const d = ctx.settings.deploy;
    const file = ctx.facts.backup;
    const dest = ctx.settings.hosts.length > 1
        ? `${d.downloadBackup.replace(/\/*$/, '')}/${ctx.label}/`
        : d.downloadBackup;
    return downloadBackup(ctx, { id: file.split('/').pop(), time: '', size: 0, takenBy: '', integrity: 'ok' }, file.slice(0, file.lastIndexOf('/')), dest);
}

// EXTERNAL MODULE: ./src/render/files.ts
var files = __webpack_require__(1467);
// EXTERNAL MODULE: ./src/render/templates.ts
var templates = __webpack_require__(8711);
;// CONCATENATED MODULE: ./src/render/ahead.ts



/**
 * What a deploy's runner would otherwise do right after the upload's first answer, done while it
 * waits for the lock and the layout (the runner is idle for ~0.2 s there): the server scripts
 * read from disk, and the app's templates compiled (Handlebars compiles a template on its first
 * render, ~60 ms for these four, and that render came after an answer the deploy waits for).
 * One piece per turn of the event loop, so an answer that comes meanwhile waits for one piece at
 * most. A failure here is left for the real read or render to report.
 */
function prepareRenderAhead() {
    const pieces = [];
    let dir;
    pieces.push(() => {
        dir = (0,templates/* templatesDir */.x5)();
        (0,scripts/* readScriptsAhead */.A1)(dir);
    });
    for (const name of Object.values(files/* APP_UNIT_TEMPLATES */.Jt))
        pieces.push(() => (0,templates/* compileTemplate */.Gq)(name, dir));
    return new Promise((resolve) => {
        const next = () => {
            const piece = pieces.shift();
            if (!piece)
                return resolve();
            try {
                piece();
            }
            catch {
                return resolve();
            }
            setImmediate(next);
        };
        setImmediate(next);
    });
}

// EXTERNAL MODULE: ./src/steps/switch.ts
var steps_switch = __webpack_require__(499);
// EXTERNAL MODULE: ./src/steps/processes.ts
var steps_processes = __webpack_require__(5358);
// EXTERNAL MODULE: ./src/steps/rollback.ts
var rollback = __webpack_require__(6691);
;// CONCATENATED MODULE: ./src/steps/prune.ts


/**
 * Keeps the newest keep-releases releases, and never current or the one before it (the rollback
 * target). Venvs no remaining release links to go too; the pip cache stays. What goes is moved
 * out at once (a rename) and deleted right after by a low-priority transient unit: deleting a
 * release of thousands of files took most of a fast deploy's time, with nothing waiting on it.
 * The script is templates/scripts/prune.sh.
 */
function pruneScript(ctx, keepAlso, then = '') {
    const p = ctx.paths;
    return (0,scripts/* serverScript */.fj)('prune', {
        releases: p.releases,
        current: p.current,
        venvs: p.venvs,
        trash_root: p.trash,
        keep_releases: ctx.settings.deploy.keepReleases,
        keep_also: keepAlso.join(' ')
    }, then);
}
const PRUNE_TIMEOUT_MS = 10 * 60_000;
/** Queues the prune with the next root command; prune() with the same arguments takes its answer. */
function sendPruneAhead(ctx, keepAlso, then = '') {
    ctx.remote.sendNext?.(pruneScript(ctx, keepAlso, then), { sudo: true, timeoutMs: PRUNE_TIMEOUT_MS });
}
/** then: a command to run in the same round trip once pruning is done (the history line). */
async function prune(ctx, keepAlso, then = '') {
    const f = (0,context/* parseFacts */.hx)((await (0,context/* runScript */.j3)(ctx, 'pruning old releases', pruneScript(ctx, keepAlso, then), {
        timeoutMs: PRUNE_TIMEOUT_MS
    })).stdout);
    const removed = Number(f.releases_removed ?? 0) + Number(f.venvs_removed ?? 0);
    return {
        changed: removed > 0,
        detail: `${f.releases_kept} releases kept, ${f.releases_removed} releases and ${f.venvs_removed} venvs removed`
    };
}

;// CONCATENATED MODULE: ./src/modes/deploy-release.ts



/**
 * What prepare, activate, tidy and undo of one release share (deploy-mode.ts, deploy-tidy.ts,
 * deploy-undo.ts): the release made ready, and how each runs its steps.
 */
/** Steps that still run in a cancelled run: the way back, and what follows a proven switch. */
const AFTER_CANCEL = ['units', 'rollback', 'processes', 'post-activate', 'prune'];
function stepper(ctx) {
    return (name, fn) => {
        if (!AFTER_CANCEL.includes(name))
            (0,cancel/* throwIfCancelled */.dZ)(ctx.signal, `step ${name}`);
        return (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, name, fn);
    };
}
/** A run cancelled before the switch: nothing changed for users; the history says so. */
async function noteCancelled(host, ctx, why) {
    host.notePhase?.({ phase: 'cancelled' });
    const release = ctx.facts.release ?? '';
    await (0,steps_history/* recordHistory */.cJ)({ ...ctx, remote: (0,cancel/* uncancellable */.WQ)(ctx.remote) }, { event: 'deploy', release, status: 'cancelled', why });
}

;// CONCATENATED MODULE: ./src/deploy/release-config.ts




/**
 * Each live release's own service unit and Gunicorn config, as they were installed when it went
 * live: kept by root in /etc/APP/release-config/ID (root's folder, which neither the app nor the
 * build user can write), so a rollback runs the release it goes back to under the very files it
 * was proven with (its wsgi-app, workers, worker class, timeouts, preload), not under the ones of
 * the release it leaves. The environment file is not kept: it holds the server's secrets as they
 * are now (a rotated secret must not come back with an older release), and the socket unit is never
 * restarted by a deploy, so its settings are the server's too.
 */
function releaseConfigDir(ctx) {
    return `${ctx.paths.etc}/release-config`;
}
function keptFiles(ctx) {
    const service = ctx.paths.units.service.file;
    return [
        { key: 'service', name: external_node_path_.posix.basename(service), live: service },
        { key: 'gunicorn', name: external_node_path_.posix.basename(ctx.paths.gunicornConf), live: ctx.paths.gunicornConf }
    ];
}
function keptPath(ctx, release, f) {
    return `${releaseConfigDir(ctx)}/${release}/${f.name}`;
}
/** The Gunicorn config `release` went live with (its candidate boots under it). */
function keptGunicornConf(ctx, release) {
    return keptPath(ctx, release, keptFiles(ctx).find((f) => f.key === 'gunicorn'));
}
/**
 * The shell that keeps the live files as `release`'s (written with the history line of a release
 * that went live, so they are the files it was proven with), replaced as a whole; folders of
 * releases no longer on the server go, with their state records and kept settings. The script is
 * templates/scripts/release_config_keep.sh.
 */
function keepConfigCommand(ctx, release) {
    return (0,scripts/* serverScript */.fj)('release_config_keep', {
        release_config_dir: releaseConfigDir(ctx),
        keep_to: `${releaseConfigDir(ctx)}/${release}`,
        keep_release: release,
        ...keptValues(ctx),
        releases: ctx.paths.releases,
        // The records of the releases gone go with their folders (one rm for all).
        states_dir: (0,release_record/* statesDir */.cS)(ctx),
        settings_dir: (0,remembered/* releaseSettingsDir */.e$)(ctx)
    });
}
/**
 * The shell that prints `rconfig_ID=KEYS` for every release with a complete kept set: KEYS lists
 * the kept files that differ from the live ones (empty: the release runs under the live files).
 * The script is templates/scripts/release_config_read.sh.
 */
function readKeptConfigCommand(ctx) {
    return (0,scripts/* serverScript */.fj)('release_config_read', {
        release_config_dir: releaseConfigDir(ctx),
        ...keptValues(ctx)
    });
}
/** The kept files as numbered values: kept_count, kept_name_N, kept_live_N, kept_key_N. */
function keptValues(ctx) {
    const values = { kept_count: keptFiles(ctx).length };
    keptFiles(ctx).forEach((f, i) => {
        values[`kept_name_${i}`] = f.name;
        values[`kept_live_${i}`] = f.live;
        values[`kept_key_${i}`] = f.key;
    });
    return values;
}
/** rconfig_ID=KEYS lines -> { ID: the keys of the kept files that differ from the live ones }. */
function parseKeptConfig(stdout) {
    return new Map([...stdout.matchAll(/^rconfig_([0-9A-Za-z._-]+)=([a-z ]*)$/gm)].map((m) => [
        m[1],
        m[2].split(' ').filter((k) => k === 'service' || k === 'gunicorn')
    ]));
}

;// CONCATENATED MODULE: ./src/modes/deploy-tidy.ts









/** The tidy after a proven switch: sent ahead with the switch when nothing comes between. */
function tidyFor(ctx, p, reload) {
    const { release, up } = p;
    const entry = { event: 'deploy', release, previous: up.previous, status: 'deployed', reload };
    // What the live release was built from: written with the history line, in the prune's round trip.
    const record = [
        up.manifest ? (0,release_record/* recordCommand */.t6)(ctx, (0,release_record/* releaseHash */.wq)(up.manifest, ctx.settings), release) : '',
        (0,remembered/* rememberCommand */.tb)(ctx),
        // The unit and Gunicorn config it went live with: a rollback to it runs under them.
        keepConfigCommand(ctx, release),
        (0,steps_processes/* hasProcesses */.CS)(ctx) ? '' : (0,steps_processes/* removeProcessesCommand */.bu)(ctx)
    ].join('\n');
    return {
        keep: [release, up.previous].filter((r) => r),
        entry,
        record,
        then: [(0,steps_history/* historyCommand */.aw)(ctx, entry), record].join('\n')
    };
}
/**
 * After a proven switch: old releases go and the history gets its line. Nothing here can make the
 * release less live, so a fleet runs it while the next batch prepares, and a failure is a warning.
 */
async function tidyRelease(host, p) {
    const ctx = (0,context/* deployContext */.H3)(host);
    const t = p.tidy ?? tidyFor(ctx, p, ctx.facts.reload ?? '');
    try {
        await stepper(ctx)('prune', () => prune(ctx, t.keep, t.then));
    }
    catch (err) {
        ctx.logger.warning(`${ctx.label}: ${p.release} is live, but old releases were not removed: ${(0,step/* errorMessage */.gJ)(err)}`);
        await (0,steps_history/* recordHistory */.cJ)(ctx, { ...t.entry, reload: ctx.facts.reload ?? '' }, t.record);
    }
}

;// CONCATENATED MODULE: ./src/modes/deploy-undo.ts








/**
 * A release that failed before the switch never served: it is recorded refused (never a rollback
 * target), moved out of releases/ and deleted at once, and the run gets its history line.
 */
async function refuseRelease(ctx, up, why) {
    const p = ctx.paths;
    const failed = ctx.records.filter((r) => !r.ok).at(-1)?.name ?? '';
    const entry = {
        event: 'deploy',
        release: up.release,
        previous: up.previous,
        status: 'refused',
        step: failed
    };
    await (0,steps_history/* recordHistory */.cJ)(ctx, { ...entry, why: why.split('\n')[0] }, `${(0,release_record/* stateCommand */.t7)(ctx, up.release, 'refused')}${(0,scripts/* serverScript */.fj)('remove_refused', {
        release: up.release,
        release_dir: p.releaseDir(up.release),
        release_link: p.releaseLink(up.release),
        current: p.current,
        trash: p.trash
    })}`);
}
/** What `current` points to now: after a failed rollback, the truth is on the server. */
async function servingRelease(ctx) {
    const res = await ctx.remote
        .script(`echo "current=$(basename "$(readlink ${(0,quote/* shQuote */.U)(ctx.paths.current)})")"`, {
        sudo: true,
        timeoutMs: 30_000
    })
        .catch(() => undefined);
    return res && res.code === 0 ? (0,context/* parseFacts */.hx)(res.stdout).current || undefined : undefined;
}
/**
 * Puts the previous release back on a server: after its own failure, or after another server's
 * failure when the whole fleet goes back (rollback-scope: all).
 */
async function undoRelease(host, p, why) {
    const ctx = (0,context/* deployContext */.H3)(host);
    const back = await stepper(ctx)('rollback', () => (0,rollback/* rollbackTo */.S8)(ctx, p.up.previous, p.release, p.restart, p.staged));
    if (p.processesMoved)
        await stepper(ctx)('processes', () => (0,steps_processes/* moveProcesses */.N0)(ctx, back.target, { write: false }));
    host.notePhase?.({ phase: 'rolled-back', release: back.target, previous: p.release });
    ctx.facts.release = back.target;
    ctx.facts['previous-release'] = p.up.previous;
    // The release that went live and failed, for the summary and the GitHub deployment.
    ctx.facts['failed-release'] = p.release;
    ctx.facts['rolled-back'] = 'true';
    ctx.facts.reload = back.reload;
    ctx.facts['rollback-reason'] = why.split('\n')[0];
    host.setStatus('rolled-back');
    return back.target;
}

;// CONCATENATED MODULE: ./src/modes/deploy-mode.ts




























/**
 * Everything before the switch: each of these steps can fail with nothing changed for users, so a
 * fleet prepares several servers at once. The lock is held until release(); a caller that already
 * holds it (provision) passes it in and keeps it.
 */
async function prepareRelease(host, held) {
    const ctx = (0,context/* deployContext */.H3)(host);
    const s = stepper(ctx);
    const d = ctx.settings.deploy;
    ctx.facts['rolled-back'] = 'false';
    if (ctx.settings.processes.webNotice)
        ctx.logger.warning(`${ctx.label}: ${ctx.settings.processes.webNotice}`);
    for (const n of ctx.settings.processes.procfileNotices)
        ctx.logger.info(`${ctx.label}: ${n}`);
    host.notePhase?.({ phase: 'preparing' });
    // What was sent ahead runs on the server without the runner: a cancel stops it there too.
    ctx.signal?.addEventListener('abort', () => ctx.remote.cancelQueued?.(), { once: true });
    // Resolved in the workspace while the lock is awaited: a problem is the venv step's to report.
    const resolving = venvDependencies(ctx);
    const p = {
        ctx,
        id: (0,paths/* releaseId */.Bf)(new Date(), d.commit),
        layingOut: Promise.resolve({}),
        deps: undefined,
        release: '',
        cores: 1,
        migrated: '',
        schema: '',
        host
    };
    const plan = new Planner(PREPARE_PLAN, ctx.remote, p);
    // The layout, and the upload's prepare behind it, go at the same moment as the lock and wait for
    // it on the server: one round trip for all three.
    const owner = (0,steps_lock/* runId */.Vz)();
    const locking = held ? Promise.resolve(held) : (0,steps_lock/* lockStep */.s9)(ctx, owner, true);
    plan.sendAfter('layout');
    // The candidate's master starts warm behind the layout, while the release uploads.
    const warm = candidateBootChecks(ctx) ? (0,candidate/* candidateWarmScript */.s9)(ctx, p.id, candidateConf(ctx)) : '';
    // A deploy of its own (not provision's, whose shell goes on with other steps) ahead of the app.
    p.layingOut = ensureLayout(ctx, held ? undefined : owner, warm, !held);
    p.layingOut.catch(() => undefined);
    // While the server takes the lock and lays out, what the upload's answer would start.
    void prepareRenderAhead();
    const lock = await locking;
    try {
        p.deps = await resolving;
        await plan.run(s);
        const up = p.up;
        return {
            lock,
            up,
            release: p.release,
            staged: p.staged,
            restart: (0,config/* needsRestart */.jT)(p.staged) || p.venv.hash !== up.previousVenv,
            migrated: p.migrated,
            schema: p.schema
        };
    }
    catch (err) {
        const up = p.up;
        if (up)
            await refuseRelease(ctx, up, (0,step/* errorMessage */.gJ)(err));
        if (up && d.preActivate && ctx.records.some((r) => r.name === 'pre-activate'))
            await afterMigrationRollback(ctx, up.release, p.migrated, p.schema);
        // A warm master that no backup step came to use (it would end at its RuntimeMaxSec).
        if (warm && !ctx.records.some((r) => r.name === 'backup'))
            await (0,candidate/* stopEarly */.i6)(ctx);
        if (!held)
            await lock.release();
        if (ctx.signal?.aborted)
            await noteCancelled(host, ctx, (0,step/* errorMessage */.gJ)(err).split('\n')[0]);
        throw err;
    }
}
/**
 * The switch and its proof. A failure rolls this server back to its previous release and proves
 * that one healthy again before the error is thrown.
 */
async function activateRelease(host, p) {
    const ctx = (0,context/* deployContext */.H3)(host);
    const s = stepper(ctx);
    const { release, up, staged, restart } = p;
    if (ctx.signal?.aborted) {
        await noteCancelled(host, ctx, 'cancelled before the switch');
        (0,cancel/* throwIfCancelled */.dZ)(ctx.signal, 'the switch');
    }
    // Saved before anything live changes: if this process dies from here until the proof, the
    // action's post step rolls the server back from this note.
    const note = { release, previous: up.previous, restart, changed: staged.changedFiles };
    host.notePhase?.({ phase: 'switching', ...note });
    try {
        // Neither the switch nor its proof depends on the answer before it: the units, the switch and
        // the verify go in one round trip, each run only if the one before succeeded; so does the tidy
        // after a proof when no post-activate hook comes between.
        (0,steps_switch/* sendSwitchAhead */.WY)(ctx, release, restart);
        (0,verify/* sendVerifyAhead */.rM)(ctx, release);
        const processes = (0,steps_processes/* hasProcesses */.CS)(ctx);
        if (!ctx.settings.deploy.postActivate && !processes && ctx.remote.sendNext) {
            p.tidy = tidyFor(ctx, p, steps_history/* SAVED_RELOAD */.QD);
            sendPruneAhead(ctx, p.tidy.keep, p.tidy.then);
        }
        await s('units', () => (0,config/* installConfig */.qV)(ctx, staged));
        const switched = await s('switch', () => (0,steps_switch/* switchRelease */.U0)(ctx, release, restart));
        ctx.facts.release = release;
        host.notePhase?.({ phase: 'switched', ...note });
        ctx.facts.reload = switched.reload;
        await s('verify', () => (0,verify/* verifyRelease */.VA)(ctx, release, 'saved'));
        p.processesMoved = processes;
        if (processes) {
            // From here a killed run's post step must move the processes back as well as the web.
            host.notePhase?.({ phase: 'switched', ...note, processes: true });
            await s('processes', () => (0,steps_processes/* moveProcesses */.N0)(ctx, release, { write: true }));
        }
        host.notePhase?.({ phase: 'proven', ...note });
    }
    catch (err) {
        const why = (0,step/* errorMessage */.gJ)(err);
        const logs = await (0,rollback/* errorLogTail */.n_)(ctx);
        if (!up.previous) {
            ctx.facts.release = (await servingRelease(ctx)) ?? ctx.facts.release ?? '';
            host.notePhase?.({ phase: 'failed', ...note });
            await (0,steps_history/* recordHistory */.cJ)(ctx, { event: 'deploy', release, status: 'failed', why });
            throw new step/* DeployError */.sH(`release ${release} failed and there is no previous release to roll back to: ${why}${logs ? `\nGunicorn's last lines:\n${logs}` : ''}`, 'Fix the app and deploy again; the service stays as it is until then.');
        }
        let back;
        try {
            back = await undoRelease(host, p, why);
        }
        catch (rbErr) {
            ctx.facts.release = (await servingRelease(ctx)) ?? '';
            ctx.facts['rolled-back'] = 'false';
            await (0,steps_history/* recordHistory */.cJ)(ctx, {
                event: 'rollback',
                release: up.previous,
                from: release,
                status: 'failed',
                why: `${why.split('\n')[0]}; the rollback failed: ${(0,step/* errorMessage */.gJ)(rbErr).split('\n')[0]}`
            });
            throw new step/* DeployError */.sH(`release ${release} failed (${why}) and the rollback to ${up.previous} failed too: ${(0,step/* errorMessage */.gJ)(rbErr)}`, `The server needs attention now: ssh in and run systemctl status ${ctx.paths.app}; releases are in ${ctx.paths.releases}.`);
        }
        await (0,steps_history/* recordHistory */.cJ)(ctx, { event: 'deploy', release, status: 'rolled-back', to: back, why: why.split('\n')[0] }, (0,release_record/* stateCommand */.t7)(ctx, release, 'rolled-back'));
        if (ctx.settings.deploy.preActivate)
            await afterMigrationRollback(ctx, release, p.migrated, p.schema);
        throw new step/* DeployError */.sH(`release ${release} failed and was rolled back; ${back} is serving and healthy. Why: ${why}${logs ? `\nGunicorn's last lines:\n${logs}` : ''}`);
    }
    try {
        await s('post-activate', () => runHook(ctx, 'post-activate', ctx.settings.deploy.postActivate, release, ctx.paths.envFile));
    }
    catch (err) {
        throw new step/* AfterProofError */.Hp(err);
    }
}
const rolling = {
    prepare: prepareRelease,
    activate: activateRelease,
    tidy: tidyRelease,
    async undo(host, p, why) {
        if (!p.up.previous)
            throw new Error(`no previous release on ${host.label} to go back to`);
        const back = await undoRelease(host, p, why);
        const ctx = (0,context/* deployContext */.H3)(host);
        await (0,steps_history/* recordHistory */.cJ)(ctx, { event: 'rollback', release: back, from: p.release, status: 'rolled-back', why }, (0,release_record/* stateCommand */.t7)(ctx, p.release, 'rolled-back'));
        if (ctx.settings.deploy.preActivate)
            await afterMigrationRollback(ctx, p.release, p.migrated, p.schema);
    },
    release: (_host, p) => p.lock.release()
};
/**
 * The deploy, in the order that keeps the old release serving until the new one is proven: every
 * step before the switch can fail with nothing changed for users; every failure after it rolls
 * back to the previous release and proves that one healthy again.
 */
const deployMode = {
    factKeys: DEPLOY_KEYS,
    okStatus: 'deployed',
    rolling: rolling,
    async runHost(host) {
        const p = await prepareRelease(host);
        try {
            await activateThenTidy(() => activateRelease(host, p), () => tidyRelease(host, p));
        }
        finally {
            await p.lock.release();
        }
    }
};

;// CONCATENATED MODULE: ./src/steps/rollback-command.ts





/**
 * Before a rollback boots the older release: when the release it leaves changed the schema, its
 * rollback-command (its own remembered one, or the input) runs in that NEWER release, which has
 * the migration files, as the app's user with the app's environment; a failure stops the rollback
 * with nothing switched and the command's last lines. Without one, the rollback goes on and says
 * that the database is ahead of the code and what to run.
 */
async function leaveMigration(ctx, state, leaving, target, leavingSettings) {
    // Forward (rollback-to a newer release) or a release that migrated nothing: the database fits.
    const migratedBy = state.ahead && state.ahead !== target ? state.ahead : leaving;
    if (!state.migrated.has(migratedBy) || target >= migratedBy)
        return { ahead: '', undone: false, changed: false, detail: 'no migration to undo' };
    const command = leavingSettings.deploy.rollbackCommand;
    if (!command || migratedBy !== leaving) {
        const advice = aheadAdvice(ctx, migratedBy);
        ctx.facts['database-warning'] = advice;
        ctx.logger.warning(`${ctx.label}: ${advice}`);
        return {
            ahead: migratedBy,
            undone: false,
            changed: false,
            detail: `none: the database stays ahead (${migratedBy})`
        };
    }
    await runHook(ctx, 'rollback-command', command, leaving, ctx.paths.envFile);
    return { ahead: '', undone: true, detail: `ran in ${leaving}` };
}
/**
 * The rollback failed after the downgrade ran: the release that keeps serving runs its own
 * pre-activate (remembered with it) again, so its code and its schema agree again.
 */
async function redoMigration(ctx, leaving, leavingSettings) {
    const again = leavingSettings.deploy.preActivate;
    if (!again) {
        ctx.logger.warning(`${ctx.label}: the rollback-command of ${leaving} ran and the rollback failed: ${leaving} serves on the older schema; run its migrations again (deploy it, or mode run with its upgrade command)`);
        return { changed: false, detail: 'no pre-activate remembered' };
    }
    await runHook(ctx, 'pre-activate', again, leaving, ctx.paths.envFile);
    return { detail: `pre-activate of ${leaving} ran again` };
}
/** The shell that records what the rollback left: the release the database is ahead for, or none. */
function leftMigrationCommand(ctx, leaving, left) {
    const undone = left.undone ? `\nrm -f ${(0,quote/* shQuote */.U)(`${migrationsDir(ctx)}/${leaving}`)}` : '';
    return `${aheadCommand(ctx, left.ahead)}${undone}`;
}
/**
 * The settings of the release a rollback leaves (its rollback-command, its pre-activate): its own
 * record; one that cannot be read is a warning here (the way back must not depend on it), and the
 * inputs stand in.
 */
function leavingSettings(base, stdout, leaving) {
    try {
        return (0,remembered/* settingsOfRelease */.w8)(base, stdout, leaving);
    }
    catch (err) {
        base.logger.warning(`${base.label}: ${(0,step/* errorMessage */.gJ)(err)}; the inputs stand in for ${leaving}'s settings`);
        return base.settings;
    }
}
/**
 * The service's units and Gunicorn config are the serving release's (a rollback does not write
 * them): a release built with another wsgi-app, workers or preload-libraries is proven with its
 * own (the candidate) but served under the current ones. Said before the switch, so a failed
 * verify (the release that served is put back) is understood.
 */
function unitsDifferNote(ctx, leaving, target) {
    const a = leaving.deploy;
    const b = ctx.settings.deploy;
    const differ = [
        a.wsgiApp !== b.wsgiApp ? `wsgi-app ${b.wsgiApp} (the service runs ${a.wsgiApp})` : '',
        a.workers !== b.workers ? `workers ${b.workers} (the service runs ${a.workers})` : '',
        a.preloadLibraries !== b.preloadLibraries ? `preload-libraries ${b.preloadLibraries}` : ''
    ].filter((x) => x);
    if (differ.length)
        ctx.logger.warning(`${ctx.label}: release ${target} was built with ${differ.join(', ')}; the service's units stay as they are, so it serves under the current ones. If it does not come up healthy, deploy its source again instead.`);
}

;// CONCATENATED MODULE: ./src/steps/release-units.ts



/**
 * A rollback puts the target release's own service unit and Gunicorn config in place (those that
 * differ from the live ones), keeping what they replace in config-previous so a failed proof can
 * put the serving release's files back. The switch after it restarts Gunicorn: a new wsgi-app,
 * worker class or preload needs a new master, which a HUP would not give.
 * The script is templates/scripts/release_units_install.sh.
 */
function installKeptScript(ctx, release, keys) {
    const prev = ctx.paths.configPrevious;
    return (0,scripts/* serverScript */.fj)('release_units_install', {
        config_previous: prev,
        ...release_units_keptValues(ctx, keys, (f, i) => ({
            [`saved_${i}`]: `${prev}/${f.name}`,
            [`kept_${i}`]: keptPath(ctx, release, f)
        }))
    });
}
/** Puts back the files installKeptScript replaced (templates/scripts/release_units_put_back.sh). */
function release_units_putBackScript(ctx, keys) {
    const prev = ctx.paths.configPrevious;
    return (0,scripts/* serverScript */.fj)('release_units_put_back', release_units_keptValues(ctx, keys, (f, i) => ({ [`saved_${i}`]: `${prev}/${f.name}` })));
}
/** The kept files of `keys` as numbered values (count, live_N and each's own), and daemon_reload. */
function release_units_keptValues(ctx, keys, each) {
    const files = keptFiles(ctx).filter((f) => keys.includes(f.key));
    return Object.assign({ count: files.length, daemon_reload: keys.includes('service') ? 1 : 0 }, ...files.map((f, i) => ({ [`live_${i}`]: f.live, ...each(f, i) })));
}
const release_units_names = (ctx, keys) => keptFiles(ctx)
    .filter((f) => keys.includes(f.key))
    .map((f) => f.name)
    .join(', ');
async function installKept(ctx, release, keys) {
    await (0,context/* runScript */.j3)(ctx, `installing ${release}'s own configuration`, installKeptScript(ctx, release, keys), {
        timeoutMs: 60_000
    });
    return { detail: `${release}'s own ${release_units_names(ctx, keys)}` };
}
async function putBackConfig(ctx, keys) {
    await (0,context/* runScript */.j3)(ctx, 'putting the configuration back', release_units_putBackScript(ctx, keys), { timeoutMs: 60_000 });
    return { detail: release_units_names(ctx, keys) };
}

;// CONCATENATED MODULE: ./src/modes/rollback-mode.ts


















/** States a release named by rollback-to may have: it served once. */
const NAMEABLE = new Set(['live', 'rolled-back']);
/**
 * The release to go back to: rollback-to when it served once, else the newest release proven live
 * other than the current one. Refused releases (and ones never proven) are never chosen.
 */
function rollbackTarget(states, current, wanted) {
    if (wanted) {
        const st = states.get(wanted);
        if (!st || st === 'incomplete')
            return { why: `release ${wanted} is not on the server (or its venv is gone)` };
        if (wanted === current)
            return { why: `release ${wanted} is the current release` };
        if (!NAMEABLE.has(st))
            return { why: `release ${wanted} is ${st === 'none' ? 'not known to have served' : st}` };
        return { target: wanted };
    }
    const live = [...states].filter(([id, st]) => st === 'live' && id !== current).map(([id]) => id);
    const target = live.sort().at(-1);
    return target ? { target } : { why: 'there is no release proven live other than the current one' };
}
/**
 * Switches to the newest release proven live before the current one (or rollback-to): booted as a
 * candidate on a private socket first, under its own Gunicorn config, then its own service unit
 * and config put in place (release-config.ts), the same switch (a restart when they differ) and
 * proof as a deploy. If it does not come up healthy, the one that was serving is put back with its
 * files. Health checks use the target's own remembered settings, unless the inputs say otherwise.
 */
const rollbackMode = {
    factKeys: DEPLOY_KEYS,
    okStatus: 'rolled-back',
    async runHost(host) {
        const base = (0,context/* deployContext */.H3)(host);
        const p = base.paths;
        const wanted = base.settings.deploy.rollbackTo;
        base.facts['rolled-back'] = 'false';
        const lock = await (0,steps_lock/* lockStep */.s9)(base);
        let ctx = base;
        const s = (name, fn) => (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, name, fn);
        try {
            const found = await s('find release', async () => {
                const res = await (0,context/* runScript */.j3)(base, 'reading the releases', `${(0,scripts/* serverScript */.fj)('rollback_releases', { releases: p.releases, current: p.current })}${(0,release_record/* listStatesCommand */.oJ)(base)}
${(0,remembered/* readRememberedCommand */.q)(base)}
${(0,remembered/* readReleaseSettingsCommand */.WK)(base)}
${readMigrationStateCommand(base)}
${readKeptConfigCommand(base)}
`, { timeoutMs: 30_000 });
                const f = (0,context/* parseFacts */.hx)(res.stdout);
                const states = (0,release_record/* parseStates */.Gt)(res.stdout);
                const venvs = new Map([...res.stdout.matchAll(/^venv_([0-9A-Za-z._-]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
                // A release whose venv is gone cannot start.
                for (const id of states.keys())
                    if (!venvs.has(id))
                        states.set(id, 'incomplete');
                return { facts: f, states, venvs, stdout: res.stdout, detail: '' };
            });
            const current = found.facts.current ?? '';
            ctx = base;
            ctx.facts['previous-release'] = current;
            ctx.facts.release = current;
            const pick = rollbackTarget(found.states, current, wanted);
            const list = [...found.states].map(([id, st]) => `${id} (${st})`).join(', ');
            if (!pick.target) {
                host.setStatus('failed');
                await (0,steps_history/* recordHistory */.cJ)(ctx, { event: 'rollback', from: current, status: 'failed', why: pick.why });
                throw new step/* DeployError */.sH(`${pick.why} on ${ctx.label}; nothing was changed, ${current || 'nothing'} keeps serving`, `Releases there: ${list || 'none'}. Only a release that was proven live can be rolled back to.`);
            }
            const target = pick.target;
            // The release going back is proven and run with its own settings, not the one it replaces.
            ctx = { ...base, settings: (0,remembered/* settingsOfRelease */.w8)(base, found.stdout, target) };
            ctx.records.at(-1).detail = `${current} -> ${target}`;
            // The target's own unit and Gunicorn config (kept when it went live), else the live ones.
            const kept = parseKeptConfig(found.stdout).get(target);
            const differ = kept ?? [];
            // A new venv, wsgi-app, worker class or preload: a new master (the socket keeps every
            // connection waiting), not a HUP.
            const restart = found.facts.current_venv !== found.venvs.get(target) || differ.length > 0;
            const conf = kept ? keptGunicornConf(base, target) : p.gunicornConf;
            // A rollback that did not happen: the run fails, and the history says why.
            const failed = async (err) => {
                host.setStatus('failed');
                await (0,steps_history/* recordHistory */.cJ)(ctx, {
                    event: 'rollback',
                    release: target,
                    from: current,
                    status: 'failed',
                    why: (0,step/* errorMessage */.gJ)(err).split('\n')[0]
                });
            };
            const leaving = leavingSettings(base, found.stdout, current);
            if (!kept)
                unitsDifferNote(ctx, leaving, target);
            let left = { ahead: '', undone: false };
            // The way back after a downgrade that ran: the release kept serving gets its schema again.
            const redo = async () => {
                if (left.undone)
                    await s('redo migration', () => redoMigration(ctx, current, leaving));
            };
            try {
                const state = parseMigrationState(found.stdout);
                left = await s('rollback-command', () => leaveMigration(ctx, state, current, target, leaving));
                await s('candidate', () => (0,candidate/* bootCandidate */.kM)(ctx, target, { envFile: p.envFile, gunicornConf: conf }));
            }
            catch (err) {
                await redo().catch(() => undefined);
                await failed(err);
                throw err;
            }
            let moved = false;
            let installed = false;
            try {
                if (differ.length) {
                    installed = true;
                    await s('units', () => installKept(ctx, target, differ));
                }
                const sw = await s('switch', () => (0,steps_switch/* switchRelease */.U0)(ctx, target, restart));
                ctx.facts.reload = sw.reload;
                ctx.facts.release = target;
                await s('verify', () => (0,verify/* verifyRelease */.VA)(ctx, target, sw.oldWorkers, sw.master));
                moved = true;
                await s('processes', () => (0,steps_processes/* moveProcesses */.N0)(ctx, target, { write: false }));
                ctx.facts['rolled-back'] = 'true';
                await (0,steps_history/* recordHistory */.cJ)(ctx, { event: 'rollback', release: target, previous: current, status: 'rolled-back' }, [
                    current ? (0,release_record/* stateCommand */.t7)(ctx, current, 'rolled-back') : '',
                    leftMigrationCommand(ctx, current, left)
                ].join('\n'));
            }
            catch (err) {
                const logs = await (0,rollback/* errorLogTail */.n_)(ctx);
                host.setStatus('failed');
                // Its schema first (when the downgrade ran), so the release put back is proven on it; a
                // failure there must not keep it from being put back.
                await redo().catch((e) => ctx.logger.warning(`${ctx.label}: ${current}'s pre-activate did not run again: ${(0,step/* errorMessage */.gJ)(e)}`));
                // The serving release's own files first, so the restart puts it back as it ran.
                if (installed)
                    await s('units', () => putBackConfig(ctx, differ)).catch((e) => ctx.logger.warning(`${ctx.label}: ${current}'s configuration was not put back: ${(0,step/* errorMessage */.gJ)(e)}`));
                const sw = await s('restore', () => (0,steps_switch/* switchRelease */.U0)(ctx, current, restart));
                const cur = { ...ctx, settings: leaving };
                await s('verify restored', () => (0,verify/* verifyRelease */.VA)(cur, current, sw.oldWorkers, sw.master));
                if (moved)
                    await s('processes', () => (0,steps_processes/* moveProcesses */.N0)(cur, current, { write: false }));
                ctx.facts.release = current;
                await failed(err);
                throw new step/* DeployError */.sH(`release ${target} did not come up healthy (${(0,step/* errorMessage */.gJ)(err)}); ${current} was put back and is serving${logs ? `\nGunicorn's last lines:\n${logs}` : ''}`);
            }
        }
        finally {
            await lock.release();
        }
    }
};

;// CONCATENATED MODULE: ./src/provision/services.ts





const REDIS_CONF = '/etc/redis/redis.conf';
// Outside /etc/redis, which the redis user may write: root writes only in a folder of its own.
const REDIS_OURS = '/etc/gunicorn-deploy/redis.conf';
/** The Debian packages `services` needs. */
function servicePackages(services) {
    return services.includes('redis') ? ['redis-server'] : [];
}
function redisFile() {
    return {
        path: REDIS_OURS,
        // Included last by redis.conf, so these win over Debian's own lines (the last value counts).
        content: [
            '# Written by gunicorn-deploy (services: redis); changes here are overwritten by provision.',
            '# No TCP port at all: the apps reach Redis through the unix socket, as members of group redis.',
            'port 0',
            `unixsocket ${src_settings/* REDIS_SOCKET */.So}`,
            'unixsocketperm 770',
            ''
        ].join('\n'),
        mode: '0640',
        owner: 'root:redis'
    };
}
/**
 * Redis: Debian's redis-server with no TCP port and its unix socket open to group redis, the
 * app's user in that group, the service enabled and (re)started when its configuration changed,
 * then asked PING through the socket as the app's user. templates/scripts/redis.sh.
 */
function servicesScript(ctx) {
    if (!ctx.settings.provision.services.includes('redis'))
        return '';
    return ((0,shell/* writeFilesScript */.Cu)([redisFile()]) +
        (0,scripts/* serverScript */.fj)('redis', {
            user: ctx.paths.user,
            ours: REDIS_OURS,
            conf: REDIS_CONF,
            socket: src_settings/* REDIS_SOCKET */.So,
            svc: ctx.paths.units.service.name,
            app: ctx.paths.app
        }));
}
async function ensureServices(ctx) {
    if (ctx.settings.provision.services.length === 0)
        return { changes: [], facts: {}, changed: false, detail: 'none' };
    return (0,run/* runProvisionScript */.q)(ctx, 'starting the services the app needs', servicesScript(ctx), {
        stdin: (0,shell/* filesInput */.GY)([redisFile()]),
        hint: "services: redis uses Debian's redis-server; its journal is above (journalctl -u redis-server)."
    });
}

;// CONCATENATED MODULE: ./src/provision/packages.ts




/** What every provisioned server needs (wrk: the load check's generator); apt-packages come on top. */
const BASE_PACKAGES = ['python3-venv', 'python3-pip', 'nginx', 'logrotate', 'sqlite3', 'curl', 'wrk'];
/** Exit code of the script when a package name is not known to apt. */
const UNKNOWN = 5;
function packageList(extra) {
    return [...new Set([...BASE_PACKAGES, ...extra])];
}
/**
 * Installs what is missing. When everything is installed (dpkg-query), apt is not touched at all:
 * no `apt-get update`, which is most of a second run's time otherwise. Unknown names are found
 * with `apt-cache policy` after the update and refused before anything is installed, so a typo
 * leaves the server as it was. templates/scripts/packages.sh.
 */
function packagesScript(packages) {
    return (0,scripts/* serverScript */.fj)('packages', { packages: packages.join('\n'), unknown_exit: UNKNOWN });
}
/**
 * What provision installs for these settings: the base, apt-packages, certbot for tls: acme (openssl
 * reads the certificates, for tls: files too), nftables for the firewall, fail2ban.
 */
function provisionPackages(settings) {
    const pr = settings.provision;
    const db = settings.database;
    const tls = settings.tls.mode;
    return packageList([
        ...pr.aptPackages,
        ...(tls === 'acme' ? ['certbot', 'openssl'] : tls === 'files' ? ['openssl'] : []),
        ...(pr.edge.firewall ? ['nftables'] : []),
        // python3-systemd is only a Recommends of fail2ban: its sshd jail reads the journal through it.
        ...(pr.edge.fail2ban ? ['fail2ban', 'python3-systemd', 'nftables'] : []),
        ...(pr.metrics.enabled ? ['prometheus-node-exporter'] : []),
        ...servicePackages(pr.services),
        // database: postgres: the server itself, or only pg_dump/pg_restore for an external one.
        ...(db.kind === 'postgres' ? [db.external ? 'postgresql-client' : 'postgresql'] : [])
    ]);
}
async function ensurePackages(ctx) {
    const packages = provisionPackages(ctx.settings);
    try {
        return await (0,run/* runProvisionScript */.q)(ctx, 'installing packages', packagesScript(packages), {
            timeoutMs: 30 * 60_000,
            hint: 'Check the server can reach its apt mirrors (apt-get update) and that no other apt run holds the lock.'
        });
    }
    catch (err) {
        const m = /^unknown=(.*)$/m.exec(err instanceof Error ? err.message : '');
        if (m) {
            throw new step/* DeployError */.sH(`apt does not know the package(s) ${m[1]} on this server; nothing was installed or changed`, 'Fix apt-packages (apt-cache search NAME on the server finds the right name) and run provision again.');
        }
        throw err;
    }
}

;// CONCATENATED MODULE: ./src/provision/user.ts




/**
 * What the deploy's layout step does not enforce on a server that already has it: the app's user
 * has no login shell and no sudo, and its log and config folders have the right owner and mode
 * even if someone changed them. In a dry run the same checks only report.
 */
function userScript(ctx) {
    const p = ctx.paths;
    // A name someone else holds is refused before the shell, groups or folders below are touched
    // (a dry run says so too; the real run's layout step has refused already).
    return ((0,ownership/* ownershipScript */.PD)(ctx.settings) +
        (0,scripts/* serverScript */.fj)('user', {
            user: p.user,
            app_dir: p.dir,
            log_dir: p.logDir,
            etc: p.etc,
            build_user: p.buildUser
        }));
}
async function ensureUser(ctx) {
    // The deploy's own layout step creates the user and folders; a dry run must not, so it only
    // checks (and says the user is missing).
    const created = ctx.settings.provision.dryRun ? { changed: false } : await ensureLayout(ctx);
    const res = await (0,run/* runProvisionScript */.q)(ctx, 'checking the app user and folders', userScript(ctx));
    if (created.changed) {
        res.changes.unshift('user/layout');
        res.changed = true;
        res.detail = `changed: ${res.changes.join(', ')}`;
    }
    return res;
}

;// CONCATENATED MODULE: ./src/provision/import-database.ts




/** Exit codes the script uses to say why it refused. */
const MISSING = 7;
const EXISTS = 8;
const import_database_CORRUPT = 9;
/**
 * Copies an SQLite file that is already on the server (say, one taken out of a Docker volume)
 * into shared/ with SQLite's backup API, checks the copy, and only then moves it in place. An
 * existing database is never overwritten unless forced (and then it is backed up first). A marker
 * records what was imported, so a second provision with the same input is a no-op rather than a
 * refusal. templates/scripts/import_database.sh.
 */
function importScript(ctx) {
    const p = ctx.paths;
    const pr = ctx.settings.provision;
    return (0,scripts/* serverScript */.fj)('import_database', {
        src: pr.importDatabase,
        db: `${p.shared}/${ctx.settings.deploy.sqliteDb}`,
        marker: `${p.state}/imported-database`,
        force: pr.importDatabaseForce ? 1 : 0,
        app_dir: p.dir,
        user: p.user,
        as_user_words: (0,app_run/* commandWordsValue */.IN)((0,app_run/* asUserWords */.LG)(p.user)),
        as_user_head: app_run/* AS_USER_HEAD */.OI,
        backups: p.backups,
        svc: p.units.service.name,
        missing: MISSING,
        exists: EXISTS,
        corrupt: import_database_CORRUPT
    });
}
async function importDatabase(ctx) {
    const pr = ctx.settings.provision;
    if (!pr.importDatabase)
        return { changed: false, detail: 'no import-database set' };
    if (!/^[A-Za-z0-9._/-]+$/.test(ctx.settings.deploy.sqliteDb)) {
        throw new step/* DeployError */.sH(`sqlite-db '${ctx.settings.deploy.sqliteDb}' has characters the import cannot quote for sqlite3`, 'Use a path of letters, digits and . _ / - for sqlite-db.');
    }
    try {
        const res = await (0,run/* runProvisionScript */.q)(ctx, 'importing the database', importScript(ctx), {
            timeoutMs: 30 * 60_000
        });
        if (res.facts.import)
            res.detail = res.facts.import;
        else if (res.facts.previous)
            res.detail += ` (the replaced database is kept at ${res.facts.previous})`;
        return res;
    }
    catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        const line = /import-database: .*/.exec(msg)?.[0];
        if (msg.includes(`exit ${EXISTS}`)) {
            throw new step/* DeployError */.sH(`${line}. Nothing was changed.`, 'Set import-database-force: true to replace it (the existing database is backed up first), or remove import-database.');
        }
        if (line)
            throw new step/* DeployError */.sH(`${line}. Nothing was changed.`, 'Check the import-database path on the server.');
        throw err;
    }
}

// EXTERNAL MODULE: ./src/provision/vars.ts
var provision_vars = __webpack_require__(2841);
// EXTERNAL MODULE: ./src/provision/site-edge.ts
var site_edge = __webpack_require__(2028);
;// CONCATENATED MODULE: ./src/provision/tls-site.ts





/** Where certbot puts the challenge files nginx serves: root's, outside every app's folders. */
const ACME_WEBROOT_BASE = '/var/www/gunicorn-deploy-acme';
/**
 * tls: acme uses certbot's lineage named after the app (`--cert-name APP`), so renewals land in
 * the same paths; tls: files writes the given pair next to the tool's other server-wide files.
 */
function tlsPaths(ctx) {
    const app = ctx.paths.app;
    const webroot = `${ACME_WEBROOT_BASE}/${app}`;
    return ctx.settings.tls.mode === 'files'
        ? {
            certificate: `/etc/gunicorn-deploy/tls/${app}/fullchain.pem`,
            key: `/etc/gunicorn-deploy/tls/${app}/privkey.pem`,
            webroot
        }
        : {
            certificate: `/etc/letsencrypt/live/${app}/fullchain.pem`,
            key: `/etc/letsencrypt/live/${app}/privkey.pem`,
            webroot
        };
}
/** `http2 on;` came with nginx 1.25.1; older ones take `listen 443 ssl http2`. */
function http2Style(version) {
    const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
    if (!m)
        return 'none';
    const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const atLeast = a > 1 || (a === 1 && (b > 25 || (b === 25 && c >= 1)));
    return atLeast ? 'on' : 'listen';
}
/**
 * The site's variables for a server in the given state: the HTTPS site once the certificate and
 * key are on the server, else the HTTP site (with the challenge location for tls: acme), so nginx
 * never names a certificate that is not there.
 */
function siteVars(ctx, state) {
    const vars = (0,provision_vars/* provisionVars */.g)(ctx);
    const t = ctx.settings.tls;
    if (t.mode === 'off')
        return vars;
    const p = tlsPaths(ctx);
    if (!state.certificateReady)
        return t.mode === 'acme' ? { ...vars, acmeWebroot: p.webroot } : vars;
    const h2 = http2Style(state.nginxVersion);
    return {
        ...vars,
        hsts: t.hsts,
        // Before the others: add_header lines are sent in order.
        headers: t.hsts ? [`Strict-Transport-Security ${(0,site_edge/* hstsValue */.u)(t)}`, ...vars.headers] : vars.headers,
        tls: {
            certificate: p.certificate,
            key: p.key,
            webroot: p.webroot,
            http2Listen: h2 === 'listen',
            http2On: h2 === 'on'
        }
    };
}
function renderSite(vars) {
    return (0,render/* renderNginxSite */.m8)(vars).content;
}
/** Reads what the site depends on: are the certificate and key there, which nginx runs. */
async function probeTlsState(ctx) {
    const p = tlsPaths(ctx);
    const res = await ctx.remote.script(`c=${(0,quote/* shQuote */.U)(p.certificate)}; k=${(0,quote/* shQuote */.U)(p.key)}
if [ -s "$c" ] && [ -s "$k" ]; then echo ready=1; else echo ready=0; fi
echo "nginx=$( (nginx -v 2>&1 || true) | sed -n 's|.*nginx/\\([0-9.]*\\).*|\\1|p')"`, { sudo: true, timeoutMs: 30_000 });
    const facts = (0,context/* parseFacts */.hx)(res.stdout);
    return { certificateReady: facts.ready === '1', nginxVersion: facts.nginx ?? '' };
}
/** The site text for this server as it is now (tls: off needs no look at the server). */
async function siteText(ctx) {
    if (ctx.settings.tls.mode === 'off')
        return renderSite((0,provision_vars/* provisionVars */.g)(ctx));
    return renderSite(siteVars(ctx, await probeTlsState(ctx)));
}

;// CONCATENATED MODULE: ./src/maintenance/paths.ts
/**
 * The app's nginx drop-in folder: the site includes `*.conf` from it inside its server blocks, so
 * features that change how the site answers (maintenance) add or remove a file there without
 * touching the site itself. Root-owned; nothing of the app's or the build user's is ever read there.
 */
function nginxDropInDir(app) {
    return `/etc/nginx/gunicorn-deploy/${app}`;
}
/** Present exactly while maintenance is on. */
function maintenanceConf(app) {
    return `${nginxDropInDir(app)}/maintenance.conf`;
}

;// CONCATENATED MODULE: ./src/provision/nginx-dropins.ts


/** nginx's log format for every app of the tool: the combined format plus the request's timings. */
const LOG_FORMAT_CONF = '/etc/nginx/conf.d/gunicorn-deploy-log-format.conf';
const LOG_FORMAT = 'gunicorn_deploy';
/** The app's own access log (mode logs reads it; Debian's logrotate for nginx rotates /var/log/nginx/*.log). */
function nginxAccessLog(app) {
    return `/var/log/nginx/${app}.access.log`;
}
/**
 * The site's drop-in folder (the site includes its `*.conf` in every server block that serves the
 * app) with the app's access log in it, and the shared log format: `nginx_logs`, a function the
 * nginx script calls before it writes the site (templates/scripts/nginx_logs.sh), so the nginx
 * step's `nginx -t` and reload take them with it. Marks `nginx-logs` when anything changed.
 */
function nginxDropInScript(ctx) {
    const app = ctx.paths.app;
    return (0,scripts/* serverScript */.fj)('nginx_logs', {
        dropin_dir: nginxDropInDir(app),
        format_conf: LOG_FORMAT_CONF,
        format_line: `log_format ${LOG_FORMAT} '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time urt=$upstream_response_time';`,
        log_conf: `${nginxDropInDir(app)}/access-log.conf`,
        log_line: `access_log ${nginxAccessLog(app)} ${LOG_FORMAT};`
    });
}

;// CONCATENATED MODULE: ./src/provision/default-server.ts


/**
 * The server-wide catch-all: a Host that no site on the server names gets no answer from any app
 * (444 closes the connection over HTTP; `ssl_reject_handshake` refuses the TLS handshake, nginx
 * 1.19.4+). One file for every app, decided from the enabled sites as they will be: it is there
 * unless some site answers any name (`server_name _`, the default server-name) or another site is
 * already the default server (the admin's own), and it has its HTTPS part once some site listens
 * on 443. ACME challenges carry the site's own Host, so they still reach its challenge path.
 */
const DEFAULT_SERVER = '/etc/nginx/conf.d/gunicorn-deploy-default.conf';
/** templates/nginx/catch-all.conf, with or without its HTTPS part. */
function catchAllText(tls) {
    return (0,render/* renderTemplate */.Xm)('nginx/catch-all.conf', { tls });
}
/**
 * The catch-all's functions for the nginx and remove scripts (templates/scripts/default_server.sh):
 * `catch_all_decide` after `$new` (the app's new site) and `$enabled` (its link) are known, then
 * `catch_all_install` / `catch_all_restore` in the script's install branch and its nginx -t
 * failure branch.
 */
function defaultServerFunctions() {
    return (0,scripts/* serverScript */.fj)('default_server', {
        dconf: DEFAULT_SERVER,
        catch_all_http: catchAllText(false),
        catch_all_tls: catchAllText(true)
    });
}

;// CONCATENATED MODULE: ./src/provision/nginx.ts






/** Exit code when `nginx -t` refused the new site (the old one was put back). */
const REFUSED = 6;
/**
 * The site in sites-available, its link in sites-enabled, the default site's link removed, the
 * server-wide catch-all for unknown Hosts (default-server.ts) as the enabled sites need it. nginx
 * reads a whole tree, so the only sound test is of the tree as it will be: the old files are kept,
 * the new ones installed, `nginx -t` run, and on failure everything put back before nginx is
 * reloaded. nginx is reloaded only when something here changed. The site's text comes on stdin.
 */
function nginxScript(ctx) {
    const p = ctx.paths;
    // Shared folders nginx serves (uploads): group www-data with setgid (templates/scripts/nginx_site.sh).
    const uploads = ctx.settings.provision.staticMaps
        .filter((m) => m.shared)
        .map((m) => `${p.shared}/${m.folder}`);
    return (nginxDropInScript(ctx) +
        defaultServerFunctions() +
        (0,scripts/* serverScript */.fj)('nginx_site', {
            avail: p.nginxSite,
            enabled: p.nginxEnabled,
            refused: REFUSED,
            app_dir: p.dir,
            shared: p.shared,
            user: p.user,
            upload_dirs: uploads.join('\n')
        }));
}
/** `site`: the text to install; by default the site for the server's TLS state (see tls-site.ts). */
async function ensureNginx(ctx, site) {
    const text = site ?? (await siteText(ctx));
    try {
        const res = await (0,run/* runProvisionScript */.q)(ctx, 'configuring nginx', nginxScript(ctx), {
            stdin: text
        });
        if (res.facts.nginx)
            res.detail += ` (nginx ${res.facts.nginx})`;
        return res;
    }
    catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (msg.includes(`exit ${REFUSED}`)) {
            throw new step/* DeployError */.sH(`nginx -t refused the configuration with the new site; the previous files were put back and nginx was not reloaded:\n${msg.split('\n').slice(1).join('\n')}`, 'Fix the nginx configuration named above (another site or conf.d file, or the site inputs) and run provision again.');
        }
        throw err;
    }
}

;// CONCATENATED MODULE: ./src/provision/tls-check.ts






/**
 * The certificate's alerts (alert-webhook), for tls: acme and tls: files: a timer of the app's
 * (every 10 minutes) checks that nginx serves the certificate on disk, reloading nginx once
 * nginx -t passes (certbot never retries a renewal whose reload its hook refused), and that it does
 * not end within TLS_WARN_DAYS days; with tls: acme, a drop-in makes a failed certbot.service (the
 * timer's renewals) send tls-renewal-failed through the app's OnFailure= unit. All of it is root's:
 * the script reads root's files and asks nginx over 127.0.0.1.
 */
/** An alert when the certificate ends within this many days (renewals start 30 days ahead). */
const TLS_WARN_DAYS = 14;
/** certbot.service's OnFailure= for one app (one file per app: OnFailure= adds up across files). */
function certbotAlertDropin(app) {
    return `/etc/systemd/system/certbot.service.d/gunicorn-deploy-alert-${app}.conf`;
}
function tlsCheckFiles(ctx) {
    const p = ctx.paths;
    const acme = ctx.settings.tls.mode === 'acme';
    const vars = {
        ...(0,provision_vars/* provisionVars */.g)(ctx),
        tlsName: ctx.settings.provision.serverName.split(' ')[0],
        tlsCertificate: tlsPaths(ctx).certificate,
        tlsWarnDays: TLS_WARN_DAYS,
        tlsScript: p.tlsScript,
        tlsHint: acme
            ? "certbot's renewals are failing: see journalctl -u certbot.service, and try sudo certbot renew --dry-run"
            : 'tls: files is renewed by you: run mode provision with the new tls-certificate and tls-key'
    };
    const files = [
        {
            path: p.tlsScript,
            content: (0,render/* renderTemplate */.Xm)('tls/tls-check.sh', vars),
            mode: '0755',
            owner: 'root:root'
        },
        {
            path: p.units.tlsCheckService.file,
            content: (0,render/* renderTemplate */.Xm)('systemd/tls-check.service', vars),
            mode: '0644',
            owner: 'root:root'
        },
        {
            path: p.units.tlsCheckTimer.file,
            content: (0,render/* renderTemplate */.Xm)('systemd/tls-check.timer', vars),
            mode: '0644',
            owner: 'root:root'
        }
    ];
    if (acme)
        files.push({
            path: certbotAlertDropin(p.app),
            content: `# Written by gunicorn-deploy (alerts of ${p.app}): a failed renewal sends tls-renewal-failed.\n[Unit]\nOnFailure=${p.app}-alert@certbot.service\n`,
            mode: '0644',
            owner: 'root:root'
        });
    return files;
}
/** Installs the check (and, for acme, certbot's drop-in), enables and starts its timer. */
function installScript(ctx) {
    return ((0,shell/* writeFilesScript */.Cu)(tlsCheckFiles(ctx)) +
        (0,scripts/* serverScript */.fj)('tls_check', {
            acme: ctx.settings.tls.mode === 'acme' ? 1 : 0,
            dropin: certbotAlertDropin(ctx.paths.app),
            timer: ctx.paths.units.tlsCheckTimer.name
        }));
}
/** tls: off: the check, its units and certbot's drop-in go (the certificate itself stays). */
function tlsCheckRemoveScript(ctx) {
    const p = ctx.paths;
    return (0,scripts/* serverScript */.fj)('tls_check_remove', {
        timer: p.units.tlsCheckTimer.name,
        files: [
            p.units.tlsCheckTimer.file,
            p.units.tlsCheckService.file,
            certbotAlertDropin(p.app),
            p.tlsScript
        ].join('\n')
    });
}
async function ensureTlsCheck(ctx) {
    if (ctx.settings.tls.mode === 'off')
        return (0,run/* runProvisionScript */.q)(ctx, 'removing the certificate check', tlsCheckRemoveScript(ctx));
    return (0,run/* runProvisionScript */.q)(ctx, 'installing the certificate check', installScript(ctx), {
        stdin: (0,shell/* filesInput */.GY)(tlsCheckFiles(ctx))
    });
}

;// CONCATENATED MODULE: ./src/provision/tls.ts









/** Exit code of the ACME script when certbot could not get the certificate. */
const ISSUE_FAILED = 7;
/** certbot runs every executable here after each renewal it makes (Debian's certbot.timer). */
const RENEW_HOOK = '/etc/letsencrypt/renewal-hooks/deploy/gunicorn-deploy-nginx.sh';
/** The private ACME CA bundle (acme-ca-bundle) and the drop-in giving it to certbot's renewals. */
const ACME_CA_INPUT = '/etc/gunicorn-deploy/acme-ca.pem';
const ACME_CA_BUNDLE = '/etc/gunicorn-deploy/acme-ca-bundle.pem';
const CERTBOT_DROPIN = '/etc/systemd/system/certbot.service.d/gunicorn-deploy-ca.conf';
/**
 * Step `tls`, after `nginx` (which already serves the HTTP site, with the ACME challenge path
 * for tls: acme): gets the certificate (certbot over HTTP-01, or the given files), then installs
 * the HTTPS site through the same nginx -t gate. Nothing is issued when the certificate on the
 * server already covers the names from the same ACME server.
 */
async function ensureTls(ctx) {
    const t = ctx.settings.tls;
    if (t.mode === 'off')
        return { changed: (await ensureTlsCheck(ctx)).changed, detail: 'off (HTTP only)' };
    const cert = t.mode === 'acme' ? await obtainAcme(ctx) : await writeCertificateFiles(ctx);
    const state = await probeTlsState(ctx);
    if (!state.certificateReady) {
        // Only a dry run gets here (a real run has just written or issued the files).
        return { changed: cert.changed, detail: cert.detail };
    }
    const site = await ensureNginx(ctx, renderSite(siteVars(ctx, state)));
    // New certificate files under an unchanged site: nginx reads them on a reload only.
    if (cert.changes.includes('certificate') && !site.changed && !ctx.settings.provision.dryRun)
        await reloadNginx(ctx);
    const check = await ensureTlsCheck(ctx);
    const changes = [
        ...new Set([
            ...cert.changes.map(changeName),
            ...site.changes.map((c) => `nginx-${c}`),
            ...(check.changed ? ['tls-check'] : [])
        ])
    ];
    const facts = cert.facts;
    const about = facts['not-after'] ? ` (serial ${facts.serial}, valid until ${facts['not-after']})` : '';
    return {
        changed: changes.length > 0,
        detail: (changes.length === 0
            ? 'unchanged'
            : `${ctx.settings.provision.dryRun ? 'would change' : 'changed'}: ${changes.join(', ')}`) + about
    };
}
/** A changed file's name in the step's detail: what it is for, not where it is. */
function changeName(c) {
    if (c === RENEW_HOOK)
        return 'renew-hook';
    if ([ACME_CA_INPUT, CERTBOT_DROPIN].includes(c))
        return 'ca-bundle';
    if (c.startsWith('removed:'))
        return 'ca-bundle-removed';
    return c;
}
async function reloadNginx(ctx) {
    await (0,run/* runProvisionScript */.q)(ctx, 'reloading nginx for the new certificate', 'out=$(nginx -t 2>&1) || { echo "$out" | tail -n 5 >&2; exit 1; }\nsystemctl reload nginx', { hint: 'Fix the nginx configuration named above and run provision again.' });
}
function acmeFiles(ctx) {
    const hook = (0,render/* renderTemplate */.Xm)('tls/renew-hook.sh', (0,provision_vars/* provisionVars */.g)(ctx));
    const files = [{ path: RENEW_HOOK, content: hook, mode: '0755', owner: 'root:root' }];
    if (ctx.settings.tls.acmeCaBundle) {
        files.push({ path: ACME_CA_INPUT, content: ctx.settings.tls.acmeCaBundle, mode: '0644', owner: 'root:root' }, {
            path: CERTBOT_DROPIN,
            content: (0,render/* renderTemplate */.Xm)('systemd/certbot-ca.conf', {
                caBundle: ACME_CA_BUNDLE
            }),
            mode: '0644',
            owner: 'root:root'
        });
    }
    return files;
}
/**
 * The ACME script: the renewal hook and CA files, the webroot, then certbot only when the
 * lineage named after the app is missing, covers other names, comes from another ACME server,
 * was not made with the webroot, or ends within a day.
 */
function acmeScript(ctx) {
    const t = ctx.settings.tls;
    const p = tlsPaths(ctx);
    const app = ctx.paths.app;
    const names = ctx.settings.provision.serverName.split(' ');
    return ((0,shell/* writeFilesScript */.Cu)(acmeFiles(ctx)) +
        (0,scripts/* serverScript */.fj)('cert_facts', {}) +
        (0,scripts/* serverScript */.fj)('tls_acme', {
            bundle: t.acmeCaBundle ? 1 : 0,
            ca_input: ACME_CA_INPUT,
            ca_bundle: ACME_CA_BUNDLE,
            certbot_dropin: CERTBOT_DROPIN,
            webroot: p.webroot,
            cert: `/etc/letsencrypt/live/${app}/cert.pem`,
            conf: `/etc/letsencrypt/renewal/${app}.conf`,
            wanted: [...names].sort().join(' '),
            names: names.join(' '),
            acme_email: t.acmeEmail,
            acme_server: t.acmeServer,
            cert_name: app,
            issue_failed: ISSUE_FAILED
        }));
}
async function obtainAcme(ctx) {
    const t = ctx.settings.tls;
    const names = ctx.settings.provision.serverName.split(' ');
    const before = await probeTlsState(ctx);
    try {
        return await (0,run/* runProvisionScript */.q)(ctx, 'getting the certificate', acmeScript(ctx), {
            stdin: (0,shell/* filesInput */.GY)(acmeFiles(ctx)),
            timeoutMs: 5 * 60_000
        });
    }
    catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (msg.includes(`exit ${ISSUE_FAILED}`)) {
            throw new step/* DeployError */.sH(`certbot could not get a certificate for ${names.join(', ')} from ${t.acmeServer}; ${servingNow(ctx, before.certificateReady)}:\n${msg.split('\n').slice(1).join('\n')}`, `Check that every server-name resolves (DNS A/AAAA) to this server and that port 80 reaches its nginx from the internet (the CA fetches http://NAME/.well-known/acme-challenge/...), that acme-server is right, then run provision again. Repeated failures count against the CA's rate limits.`);
        }
        throw err;
    }
}
/** What still answers after a failed issuance: the step runs after the release, so the app serves. */
function servingNow(ctx, hadCertificate) {
    const first = ctx.settings.provision.serverName.split(' ')[0];
    if (hadCertificate)
        return 'nginx keeps serving HTTPS with the certificate it already has (nothing was changed)';
    return ctx.settings.provision.dryRun
        ? 'nothing was changed'
        : `the site keeps answering over plain HTTP from the app (http://${first}/) until a first certificate is issued`;
}
/**
 * The private key, from the script's stdin, through a 0600 temporary file; never a diff, not even
 * in a dry run (templates/scripts/tls_key.sh). certificate: the certificate write_files.sh put
 * just before (marked `certificate` when it changed, its facts printed after the key).
 */
function keyScript(path, certificate = '') {
    return (0,scripts/* serverScript */.fj)('tls_key', { key: path, certificate });
}
async function writeCertificateFiles(ctx) {
    const t = ctx.settings.tls;
    const p = tlsPaths(ctx);
    const cert = { path: p.certificate, content: t.certificate, mode: '0644', owner: 'root:root' };
    const key = { path: p.key, content: t.key, mode: '0600', owner: 'root:root' };
    const res = await (0,run/* runProvisionScript */.q)(ctx, 'writing the certificate files', (0,shell/* writeFilesScript */.Cu)([cert]) + (0,scripts/* serverScript */.fj)('cert_facts', {}) + keyScript(p.key, p.certificate), 
    // The key travels on stdin only, never in the command line.
    { stdin: (0,shell/* filesInput */.GY)([cert, key]) });
    // The paths themselves say nothing more than "certificate".
    const changes = [...new Set(res.changes.filter((c) => !c.startsWith('/')))];
    return { ...res, changes, changed: changes.length > 0 };
}

;// CONCATENATED MODULE: ./src/provision/logrotate.ts





/**
 * /etc/logrotate.d/APP (daily, rotate 14, compress, USR1 to the Gunicorn master). Nothing to
 * reload: logrotate reads its config at each run (logrotate.timer). A config logrotate cannot read
 * is refused before it replaces a good one (templates/scripts/logrotate_check.sh).
 */
async function ensureLogrotate(ctx) {
    const file = (0,render/* renderLogrotate */.Mw)((0,provision_vars/* provisionVars */.g)(ctx));
    const check = (0,scripts/* serverScript */.fj)('logrotate_check', { rules: file.path });
    return (0,run/* runProvisionScript */.q)(ctx, 'writing the logrotate rules', (0,shell/* writeFilesScript */.Cu)([file]) + check, {
        hint: 'The logrotate rules did not pass logrotate -d; see the lines above.',
        stdin: (0,shell/* filesInput */.GY)([file])
    });
}

;// CONCATENATED MODULE: ./src/provision/timers.ts





/** The health check and the database maintenance, each a script, a oneshot service and a timer. */
function timerUnits(layout) {
    const u = layout.units;
    return [
        { service: u.healthService, timer: u.healthTimer },
        { service: u.dbService, timer: u.dbTimer }
    ];
}
/**
 * Writes the scripts and units when they differ, reloads systemd only then, restarts a timer only
 * when its own files changed (a new interval), and makes sure each timer is enabled and running.
 */
function timerFiles(ctx) {
    const vars = (0,provision_vars/* provisionVars */.g)(ctx);
    return [(0,render/* renderHealthUnits */.Ch)(vars), (0,render/* renderDbMaintenanceUnits */.Td)(vars)].flatMap((f) => [
        f.script,
        f.service,
        f.timer
    ]);
}
function timersScript(ctx) {
    const timers = timerUnits(ctx.paths).map(({ service, timer }) => `${timer.name} ${timer.file} ${service.file}`);
    return (0,shell/* writeFilesScript */.Cu)(timerFiles(ctx)) + (0,scripts/* serverScript */.fj)('timers', { timers: timers.join('\n') });
}
async function ensureTimers(ctx) {
    return (0,run/* runProvisionScript */.q)(ctx, 'installing the health and database timers', timersScript(ctx), {
        stdin: (0,shell/* filesInput */.GY)(timerFiles(ctx))
    });
}

// EXTERNAL MODULE: ./src/provision/alerts.ts
var alerts = __webpack_require__(2868);
;// CONCATENATED MODULE: ./src/metrics/program.ts

/**
 * The metrics job: a Python program root runs every 15 s (APP-metrics.timer) that writes the app's
 * Prometheus text file for node-exporter's textfile collector. Python: it opens what it reads with
 * O_NOFOLLOW and checks the descriptor (as deploy/root-read.ts does), and its work is a few
 * dictionaries; bash and awk would follow links and fork per figure.
 *
 * argv: APP SERVICE SOCKET ACCESS_LOG HISTORY CURRENT STATE_FILE TEXTFILE_DIR
 *
 * - nginx's access log is read only from where the last run stopped (inode + offset in the state
 *   file), at most MAX_READ bytes a run; its lines are kept as 5-second slots of counts and
 *   latency histograms (buckets 4 % wide), so the last minute's p50/p95/p99 cost nothing to merge.
 * - The history is read the same way (from the last offset): deploys and rollbacks by outcome.
 * - Busy workers: SAMPLES looks, SAMPLE_GAP_S apart, at which workers hold an accepted connection
 *   on the app's socket (/proc/net/unix against each worker's descriptors); the mean and the most.
 *   Requests waiting in the socket's backlog are the connections no worker accepted yet.
 * - Written as a temporary file in the textfile folder (opened relative to a descriptor of that
 *   folder, which must be root's and no link) and renamed over APP.prom: node-exporter never reads
 *   half a file, and a planted name is replaced, never followed.
 *
 * The program is templates/scripts/metrics.py.
 */
/** The program's text (installed as APP's metrics job; run as `python3 FILE ARGV...`). */
function metricsProgram() {
    return (0,scripts/* serverProgram */.qX)('metrics');
}

;// CONCATENATED MODULE: ./src/metrics/paths.ts



/** node-exporter's textfile collector folder, Debian's default (root's; its parent is prometheus'). */
const TEXTFILE_DIR = '/var/lib/prometheus/node-exporter';
/** Debian's file of node-exporter's arguments (server-wide). */
const NODE_EXPORTER_DEFAULTS = '/etc/default/prometheus-node-exporter';
const NODE_EXPORTER = 'prometheus-node-exporter.service';
/** Where the metrics job of one app lives and what it reads. */
function metricsPaths(p) {
    return {
        script: `${paths/* SCRIPT_DIR */.S1}/${p.app}-metrics.py`,
        prom: `${TEXTFILE_DIR}/${p.app}.prom`,
        socket: p.socket,
        accessLog: nginxAccessLog(p.app),
        history: p.history,
        current: p.current,
        textfileDir: TEXTFILE_DIR
    };
}
/**
 * Removes the app's text file, relative to the folder opened without following a link: its parent
 * is the prometheus user's, who could put a link in the folder's place. A script runs it as
 * `python3 -I -c "$prom_py" "$prom_dir" "$prom_name"` with these values.
 */
function removeProm(app) {
    // templates/scripts/remove_prom.py: root runs it as it is, the names as argv.
    return { prom_py: (0,scripts/* serverProgram */.qX)('remove_prom'), prom_dir: TEXTFILE_DIR, prom_name: `${app}.prom` };
}

;// CONCATENATED MODULE: ./src/metrics/provision.ts








/** Exit code of the script when the textfile folder is not root's alone. */
const TEXTFILE_DIR_REFUSED = 3;
/** The job's program, its oneshot service and 15 s timer, and node-exporter's arguments. */
function metricsFiles(ctx) {
    const m = metricsPaths(ctx.paths);
    const vars = { ...(0,provision_vars/* provisionVars */.g)(ctx), metrics: m };
    const u = ctx.paths.units;
    const file = (path, content, mode = '0644') => ({
        path,
        content,
        mode,
        owner: 'root:root'
    });
    return [
        file(m.script, metricsProgram(), '0755'),
        file(u.metricsService.file, (0,render/* renderTemplate */.Xm)('systemd/metrics.service', vars)),
        file(u.metricsTimer.file, (0,render/* renderTemplate */.Xm)('systemd/metrics.timer', vars)),
        file(NODE_EXPORTER_DEFAULTS, (0,render/* renderTemplate */.Xm)('node-exporter.defaults', {
            listen: ctx.settings.provision.metrics.listen,
            textfileDir: TEXTFILE_DIR
        }))
    ];
}
/** The address curl asks node-exporter at (0.0.0.0 and :: are reached over loopback). */
function askAt(listen) {
    return listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
}
/**
 * metrics: true: node-exporter at metrics-listen (restarted when its arguments changed), the app's
 * job on its timer, run once so the file is there, and node-exporter asked for it. metrics: false:
 * the app's timer, files and text file removed when present (node-exporter stays: other apps of
 * the server may use it). templates/scripts/metrics_on.sh and metrics_off.sh.
 */
function metricsScript(ctx) {
    const u = ctx.paths.units;
    const m = metricsPaths(ctx.paths);
    const units = {
        timer: u.metricsTimer.name,
        timer_file: u.metricsTimer.file,
        service_file: u.metricsService.file
    };
    if (!ctx.settings.provision.metrics.enabled) {
        return (0,scripts/* serverScript */.fj)('metrics_off', {
            ...units,
            script: m.script,
            unit_header: ownership/* UNIT_HEADER */.bz,
            prom: m.prom,
            ...removeProm(ctx.paths.app)
        });
    }
    return ((0,shell/* writeFilesScript */.Cu)(metricsFiles(ctx)) +
        (0,scripts/* serverScript */.fj)('metrics_on', {
            tdir: TEXTFILE_DIR,
            refused: TEXTFILE_DIR_REFUSED,
            node_exporter: NODE_EXPORTER,
            defaults: NODE_EXPORTER_DEFAULTS,
            ...units,
            service: u.metricsService.name,
            url: `http://${askAt(ctx.settings.provision.metrics.listen)}/metrics`,
            want: `gunicorn_deploy_workers{app="${ctx.paths.app}"}`
        }));
}
async function ensureMetrics(ctx) {
    const on = ctx.settings.provision.metrics.enabled;
    return (0,run/* runProvisionScript */.q)(ctx, on ? 'installing the metrics' : 'removing the metrics', metricsScript(ctx), {
        stdin: on ? (0,shell/* filesInput */.GY)(metricsFiles(ctx)) : '',
        hint: on
            ? `Is metrics-listen (${ctx.settings.provision.metrics.listen}) free on the server? journalctl -u ${NODE_EXPORTER} and -u ${ctx.paths.units.metricsService.name} say more.`
            : undefined
    });
}

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./src/provision/firewall-ssh.ts



// Who may reach SSH through the firewall: the run's own connection and ssh-allow-from.
/** The run's own connection ($SSH_CONNECTION, as the login user): its client address and server port. */
async function sshConnection(remote) {
    const res = await remote.exec('printf "%s\\n" "${SSH_CONNECTION:-}"', { timeoutMs: 30_000 });
    const m = /^(\S+) \d+ \S+ (\d+)\s*$/.exec(res.stdout);
    const port = Number(m?.[2]);
    if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new step/* DeployError */.sH('cannot tell which port this SSH connection uses on the server (SSH_CONNECTION is not set); the firewall was not changed', 'Check that the server runs OpenSSH (it sets SSH_CONNECTION), or set firewall: false.');
    }
    return { client: m[1], port };
}
/**
 * ssh-allow-from with the address this run connects from added when no listed source covers it
 * (with a notice): the run must never lock itself out. The new connection of the confirm then
 * proves SSH from it still works.
 */
function sshSourcesWithRun(ctx, listed, client) {
    if (!listed.length)
        return [];
    const own = (0,rules/* parseSource */.PJ)(client);
    if (typeof own === 'string')
        throw new step/* DeployError */.sH(`cannot tell the address this run connects from (SSH_CONNECTION says '${client.slice(0, 60)}'); the firewall was not changed`, "Leave ssh-allow-from empty, or check the server's OpenSSH.");
    const blocks = new external_node_net_.BlockList();
    for (const src of listed) {
        const p = (0,rules/* parseSource */.PJ)(src);
        if (typeof p !== 'string')
            blocks.addSubnet(p.address, p.prefix, p.family === 4 ? 'ipv4' : 'ipv6');
    }
    if (blocks.check(own.address, own.family === 4 ? 'ipv4' : 'ipv6'))
        return listed;
    const text = (0,rules/* sourceText */.rI)(own);
    ctx.logger.warning(`ssh-allow-from does not list ${text}, the address this run connects from: SSH stays open to it too, so this run cannot lock itself out (add it to ssh-allow-from to say so)`);
    return [...listed, text];
}

;// CONCATENATED MODULE: ./src/provision/firewall-rules.ts



/**
 * The server's one firewall, shared by every app the tool provisions there: one nftables table
 * (`inet gunicorn_deploy`) whose allowed ports are the union of what each app asked for (its SSH
 * port, 80, 443, its firewall-allow). Each app's request is a file of its own in REQUESTS_DIR; the
 * table is rebuilt from all of them, so one app's provision never closes another's port (two tables
 * with a drop policy would: a packet must pass every table's input hook). Never the whole ruleset
 * and never another table: the user's /etc/nftables.conf and other tools' tables stay as they are.
 */
const FIREWALL = {
    table: 'gunicorn_deploy',
    rules: '/etc/gunicorn-deploy/firewall.nft',
    requestsDir: '/etc/gunicorn-deploy/firewall.d',
    unit: 'gunicorn-deploy-firewall.service',
    unitFile: '/etc/systemd/system/gunicorn-deploy-firewall.service',
    lock: '/run/gunicorn-deploy/firewall.lock',
    pending: '/run/gunicorn-deploy/firewall.pending.nft',
    revert: 'gunicorn-deploy-firewall-revert',
    revertScript: '/run/gunicorn-deploy/firewall-revert.sh',
    reverted: '/run/gunicorn-deploy/firewall.reverted',
    /** The app's request from before this run's apply, put back by the revert. */
    previous: '/run/gunicorn-deploy/firewall.previous-request'
};
function requestPath(app) {
    return `${FIREWALL.requestsDir}/${app}.ports`;
}
/** The per-app table of earlier versions (migrated into the shared one). */
function legacyTable(app) {
    return `gunicorn_deploy_${app.replace(/-/g, '_')}`;
}
function legacyPaths(app) {
    return {
        rules: `/etc/${app}/firewall.nft`,
        unit: `${app}-firewall.service`,
        unitFile: `/etc/systemd/system/${app}-firewall.service`
    };
}
/**
 * What one app asks for: the SSH port its run connected to (from `sshFrom` only, when given), HTTP,
 * HTTPS, its firewall-allow.
 */
function appRequest(sshPort, allow, sshFrom = []) {
    return [{ ...tcp(sshPort), ...(sshFrom.length ? { sources: sshFrom } : {}) }, tcp(80), tcp(443), ...allow];
}
const portText = (p) => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`);
/** The request file: one `tcp 8000-8010` line per port or range (`tcp 22 from 192.0.2.7 ...`). */
function renderRequest(app, ports) {
    const lines = ports.map((p) => `${p.proto} ${portText(p)}${p.sources?.length ? ` from ${p.sources.join(' ')}` : ''}`);
    return `${ownership/* UNIT_HEADER */.bz}: the ports ${app} asked for (its SSH port, 80, 443, firewall-allow).\n${lines.join('\n')}\n`;
}
function parseRequest(text) {
    const out = [];
    for (const line of text.split('\n')) {
        const m = /^(tcp|udp) (\d{1,5})(?:-(\d{1,5}))?(?: from ([0-9a-f:./ ]+))?$/.exec(line.trim());
        if (!m)
            continue;
        const from = Number(m[2]);
        const to = Number(m[3] ?? m[2]);
        // Sources reach the ruleset: each must be in its plain form, or the line counts for nothing.
        const sources = m[4]?.split(' ').filter(Boolean);
        if (sources && (!sources.length || sources.some((x) => (0,rules/* sourceProblem */.Nj)(x))))
            continue;
        if (from >= 1 && to <= 65535 && from <= to)
            out.push({ proto: m[1], from, to, ...(sources ? { sources } : {}) });
    }
    return out;
}
/** An earlier per-app ruleset's `tcp dport { 22, 80, 8000-8010 } accept` lines, as a request. */
function parseLegacyRules(text) {
    const out = [];
    for (const m of text.matchAll(/^\s*(tcp|udp) dport \{([^}]*)\} accept/gm)) {
        for (const item of m[2].split(','))
            out.push(...parseRequest(`${m[1]} ${item.trim()}`));
    }
    return out;
}
/** Ports sorted, overlaps and neighbours merged (nft refuses overlapping elements in a set). */
function mergePorts(ports, proto) {
    const sorted = ports.filter((p) => p.proto === proto).sort((a, b) => a.from - b.from);
    const merged = [];
    for (const p of sorted) {
        const last = merged.at(-1);
        if (last && p.from <= last.to + 1)
            last.to = Math.max(last.to, p.to);
        else
            merged.push({ from: p.from, to: p.to });
    }
    return merged.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`));
}
/**
 * The ruleset file (templates/nftables/firewall.nft.hbs): replaces the one table atomically (one
 * nft transaction) and nothing else.
 */
function renderFirewall(requests) {
    const apps = [...requests.keys()].sort();
    const all = apps.flatMap((a) => requests.get(a));
    const open = all.filter((p) => !p.sources);
    const who = apps.map((a) => `${a}: ${requests
        .get(a)
        .map((p) => `${p.proto}/${portText(p)}${p.sources ? ` (from ${p.sources.join(' ')})` : ''}`)
        .join(' ')}`);
    const vars = {
        header: ownership/* UNIT_HEADER */.bz,
        requestsDir: FIREWALL.requestsDir,
        table: FIREWALL.table,
        who,
        tcpPorts: mergePorts(open, 'tcp').join(', '),
        udpPorts: mergePorts(open, 'udp').join(', '),
        restricted: sourceRules(all, open)
    };
    return (0,render/* renderTemplate */.Xm)('nftables/firewall.nft', vars);
}
/**
 * The ports some app lets in only from chosen sources (ssh-allow-from), one rule per source (no
 * overlapping set elements for nft to refuse). A port another app lets in from anywhere stays open:
 * the table is the union of the requests, so one app never closes what another asked for.
 */
function sourceRules(all, open) {
    const bySort = new Map();
    for (const p of all) {
        if (!p.sources)
            continue;
        if (open.some((o) => o.proto === p.proto && o.from <= p.from && o.to >= p.to))
            continue;
        const key = `${p.proto} dport ${portText(p)}`;
        const set = bySort.get(key) ?? new Set();
        for (const src of p.sources)
            set.add(src);
        bySort.set(key, set);
    }
    const lines = [];
    for (const [port, sources] of [...bySort].sort()) {
        for (const src of [...sources].sort())
            lines.push(`${src.includes(':') ? 'ip6' : 'ip'} saddr ${src} ${port} accept`);
    }
    return lines;
}
function tcp(port) {
    return { proto: 'tcp', from: port, to: port };
}
function renderFirewallUnit() {
    const vars = { header: ownership/* UNIT_HEADER */.bz, table: FIREWALL.table, rules: FIREWALL.rules };
    return (0,render/* renderTemplate */.Xm)('systemd/firewall.service', vars);
}
/** The files the confirm makes permanent: the ruleset and its unit. */
function firewallFiles(requests) {
    return [
        { path: FIREWALL.rules, content: renderFirewall(requests), mode: '0644', owner: 'root:root' },
        { path: FIREWALL.unitFile, content: renderFirewallUnit(), mode: '0644', owner: 'root:root' }
    ];
}

;// CONCATENATED MODULE: ./src/provision/firewall.ts










/**
 * Applying the server's one firewall (firewall-rules.ts) so that a mistake cannot lock the run out:
 * a transient timer reverts the change after REVERT_AFTER_S unless a NEW SSH connection confirms it
 * (a rule that cut new logins would still let the open connection through as established traffic,
 * so only a new one proves anything). Only the confirmed ruleset is made permanent. Every script
 * that reads or writes the requests holds one lock, and the apply refuses when another app's
 * request changed since this run read them (two provisions at once never drop each other's ports).
 */
/** Seconds the new rules have to be confirmed over a new connection before the server reverts them. */
const REVERT_AFTER_S = 60;
/** Exit code of the confirm script when the revert already ran. */
const TOO_LATE = 7;
/** Exit code of the apply when another app's request changed since it was read. */
const RACED = 8;
const APP_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** The values every firewall script shares (templates/scripts/firewall_lib.sh defines its functions). */
function lib(app, legacy = []) {
    return (0,scripts/* serverScript */.fj)('firewall_lib', {
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
function readScript(app) {
    return lib(app) + (0,scripts/* serverScript */.fj)('firewall_read', { unit_file: FIREWALL.unitFile, unit_header: ownership/* UNIT_HEADER */.bz });
}
function parseFirewallState(stdout, app) {
    const others = new Map();
    const legacy = [];
    const add = (a, ports) => {
        if (a !== app && APP_NAME.test(a))
            others.set(a, [...(others.get(a) ?? []), ...ports]);
    };
    for (const line of stdout.split('\n')) {
        const req = /^req (\S+) (.*)$/.exec(line);
        if (req)
            add(req[1], parseRequest(req[2]));
        const leg = /^legacy (\S+)$/.exec(line);
        if (leg && APP_NAME.test(leg[1]) && leg[1] !== 'gunicorn-deploy')
            legacy.push(leg[1]);
        const rule = /^legacyrule (\S+) (.*)$/.exec(line);
        if (rule)
            add(rule[1], parseLegacyRules(rule[2]));
    }
    return { others, legacy, digest: (0,context/* parseFacts */.hx)(stdout).digest ?? '' };
}
/**
 * Stage one: nothing to do when the installed ruleset, unit and this app's request equal the new
 * ones, the table is live and nothing is left to migrate. Otherwise the new ruleset (on stdin) is
 * checked with `nft -c`, the revert armed, the requests written and the ruleset loaded;
 * `applied=1` tells the caller to confirm. stdin: ruleset, unit, request ('' for none), then each
 * migrated app's request.
 */
function applyScript(app, digest, migrate, write = []) {
    const f = FIREWALL;
    const own = requestPath(app);
    const revert = (0,scripts/* serverScript */.fj)('firewall_revert', {
        table: f.table,
        rules: f.rules,
        unit: f.unit,
        previous: f.previous,
        own_request: own,
        reverted: f.reverted,
        revert_after: REVERT_AFTER_S
    });
    return (lib(app) +
        (0,scripts/* serverScript */.fj)('firewall_apply', {
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
        }));
}
/**
 * Stage two, over the new connection: stops the revert (unless it already ran), then makes the
 * confirmed ruleset permanent (the file, the unit, enabled for the next boot) and removes the
 * per-app tables it replaced.
 */
function confirmScript(app, files, migrate) {
    const f = FIREWALL;
    return (lib(app, migrate) +
        (0,scripts/* serverScript */.fj)('firewall_confirm', {
            reverted: f.reverted,
            revert_unit: f.revert,
            too_late: TOO_LATE,
            pending: f.pending,
            revert_script: f.revertScript,
            previous: f.previous
        }) +
        (0,shell/* writeFilesScript */.Cu)(files) +
        (0,scripts/* serverScript */.fj)('firewall_confirmed', { unit: f.unit }));
}
/** No app asks for a firewall any more: the table, its unit, file and requests go. */
function removeScript(app, migrate) {
    return lib(app, migrate) + (0,scripts/* serverScript */.fj)('firewall_remove', TABLE);
}
/** Waits (over the old connection, still open as established traffic) for the revert to have run. */
async function waitForRevert(ctx) {
    const deadline = Date.now() + (REVERT_AFTER_S + 20) * 1000;
    while (Date.now() < deadline) {
        const res = await ctx.remote
            .script(`test -e ${(0,quote/* shQuote */.U)(FIREWALL.reverted)}`, { sudo: true, timeoutMs: 10_000 })
            .catch(() => undefined);
        if (res?.code === 0)
            return true;
        await new Promise((r) => setTimeout(r, 2000));
    }
    return false;
}
/** Step `firewall` of provision: this app's request as its inputs say (firewall: false: none). */
async function ensureFirewall(ctx, reconnect) {
    const edge = ctx.settings.provision.edge;
    if (!edge.firewall)
        return rebuildFirewall(ctx, reconnect, undefined);
    const conn = await sshConnection(ctx.remote);
    const from = sshSourcesWithRun(ctx, edge.sshAllowFrom, conn.client);
    return rebuildFirewall(ctx, reconnect, appRequest(conn.port, edge.firewallAllow, from));
}
/**
 * The server's table rebuilt from every app's request with this app's as given (undefined: this
 * app asks for nothing, as after firewall: false or mode remove); removed when nobody asks.
 */
async function rebuildFirewall(ctx, reconnect, own) {
    const app = ctx.paths.app;
    const read = await ctx.remote.script(readScript(app), { sudo: true, timeoutMs: 150_000 });
    if (read.code !== 0)
        throw new step/* DeployError */.sH(`cannot read the server's firewall requests: ${read.stderr.trim()}`);
    const state = parseFirewallState(read.stdout, app);
    const requests = new Map(state.others);
    if (own)
        requests.set(app, own);
    if (requests.size === 0)
        return (0,run/* runProvisionScript */.q)(ctx, 'checking for a firewall to remove', removeScript(app, state.legacy));
    const files = firewallFiles(requests);
    // Every per-app table of an earlier version goes (it would drop the others' ports); its app's
    // ports are in the shared table from now on, as a request of its own.
    const migrating = state.legacy;
    const write = migrating.filter((a) => a !== app && state.others.has(a));
    const b64 = (t) => Buffer.from(t).toString('base64');
    const input = (0,shell/* filesInput */.GY)(files) +
        `${own ? b64(renderRequest(app, own)) : ''}\n` +
        write.map((a) => `${b64(renderRequest(a, state.others.get(a)))}\n`).join('');
    let applied;
    try {
        applied = await (0,run/* runProvisionScript */.q)(ctx, 'applying the firewall', applyScript(app, state.digest, migrating, write), {
            stdin: input,
            hint: 'nft refused the ruleset; nothing was changed.',
            timeoutMs: 180_000
        });
    }
    catch (err) {
        if ((0,step/* errorMessage */.gJ)(err).includes(`exit ${RACED}`))
            throw new step/* DeployError */.sH("another app's provision changed the server's firewall while this run read it; nothing was changed", 'Run provision again (the firewall is rebuilt from every app on the server).');
        throw err;
    }
    if (applied.facts.applied !== '1')
        return applied;
    const by = new Date(Date.now() + REVERT_AFTER_S * 1000).toISOString();
    let second;
    try {
        if (!reconnect)
            throw new Error('no way to open a new connection here');
        second = await reconnect();
        await (0,run/* runProvisionScript */.q)({ ...ctx, remote: second }, 'confirming the firewall', confirmScript(app, files, migrating), {
            stdin: (0,shell/* filesInput */.GY)(files),
            timeoutMs: 150_000
        });
    }
    catch (err) {
        const why = (0,step/* errorMessage */.gJ)(err).split('\n')[0];
        const reverted = await waitForRevert(ctx);
        throw new step/* DeployError */.sH(`the firewall was applied, but a new SSH connection could not confirm it (${why}); ${reverted
            ? `the server reverted it after ${REVERT_AFTER_S} s, as armed before the change: the previous rules are back`
            : `the server reverts it by ${by} (${REVERT_AFTER_S} s after the change)`}`, 'Check that SSH reaches the server on the port this run used, and what firewall-allow opens; then run provision again.');
    }
    finally {
        await second?.close().catch(() => undefined);
    }
    return { ...applied, detail: `${applied.detail} (confirmed over a new SSH connection)` };
}

;// CONCATENATED MODULE: ./src/provision/fail2ban.ts








/**
 * fail2ban: true. Debian's fail2ban with one sshd jail for the server (the union of what every app
 * asked for: its SSH port and the addresses never banned, each app's request a file of its own,
 * as the firewall does) and one jail per app for its rate-limited paths, banning the clients nginx
 * keeps refusing (its limit_req lines in nginx's error log name the app's zones). Both ban through
 * fail2ban's own nftables table (inet f2b-table, input priority -1), beside the firewall's table:
 * neither ever touches the other's.
 */
const FAIL2BAN = {
    requestsDir: '/etc/gunicorn-deploy/fail2ban.d',
    serverJail: '/etc/fail2ban/jail.d/gunicorn-deploy.local',
    /** Present while fail2ban runs because the tool started (or installed) it. */
    marker: '/etc/gunicorn-deploy/fail2ban.started',
    lock: '/run/gunicorn-deploy/fail2ban.lock',
    nginxLogDir: '/var/log/nginx',
    /** Debian's nginx.conf sends every site's errors here, limit_req's refusals among them. */
    nginxErrorLog: '/var/log/nginx/error.log'
};
function fail2banPaths(app) {
    return {
        request: `${FAIL2BAN.requestsDir}/${app}.conf`,
        jail: `/etc/fail2ban/jail.d/gunicorn-deploy-${app}.local`,
        jailName: `${app}-rate-limit`
    };
}
/** Refusals past the rate that ban a client, within findtime; each is one request nginx refused. */
const RATE_LIMIT_MAXRETRY = 10;
/** Failed SSH logins that ban an address, within findtime (Debian's default). */
const SSHD_MAXRETRY = 5;
/** The app's request: its SSH port and the addresses the server's jails never ban. */
function fail2ban_renderRequest(app, sshPort, ignore) {
    for (const a of ignore)
        (0,rules/* assertRule */.ZQ)('fail2ban ignoreip', (0,rules/* sourceProblem */.Nj)(a));
    return [
        `${ownership/* UNIT_HEADER */.bz}: what ${app} asked of fail2ban (the sshd jail's port, addresses never banned).`,
        `ssh-port ${sshPort}`,
        ...ignore.map((a) => `ignore ${a}`)
    ].join('\n');
}
/**
 * The app's rate-limit jail ('' without rate-limit): Debian's nginx-limit-req filter narrowed to the
 * app's own zones, so another app's limits never count here; its ignoreip is the sshd jail's, the
 * union of every app's (kept in one place, current whichever app's provision wrote it last).
 * The file is templates/fail2ban/app-jail.local.hbs.
 */
function renderAppJail(ctx) {
    const zones = (0,site_edge/* siteEdgeVars */.P)(ctx).rateLimits.map((r) => r.zone);
    if (!zones.length)
        return '';
    for (const z of zones)
        (0,rules/* assertRule */.ZQ)('rate-limit zone', /^[A-Za-z0-9_]+$/.test(z) ? undefined : z);
    const { jailName } = fail2banPaths(ctx.paths.app);
    const vars = {
        header: ownership/* UNIT_HEADER */.bz,
        app: ctx.paths.app,
        jailName,
        zones: zones.join('|'),
        logpath: FAIL2BAN.nginxErrorLog,
        maxretry: RATE_LIMIT_MAXRETRY
    };
    // Without the file's last newline: the jail on servers is compared byte for byte (written when it differs).
    return (0,templates/* renderTemplate */.Xm)('fail2ban/app-jail.local', vars).replace(/\n$/, '');
}
/** The run's own address and every ssh-allow-from source, each once. */
function ignoreList(client, sshAllowFrom) {
    const own = (0,rules/* parseSource */.PJ)(client);
    if (typeof own === 'string')
        throw new step/* DeployError */.sH(`cannot tell the address this run connects from (SSH_CONNECTION says '${client.slice(0, 60)}'); fail2ban was not changed`, "Check the server's OpenSSH, or set fail2ban: false.");
    return [...new Set([(0,rules/* sourceText */.rI)(own), ...sshAllowFrom])];
}
/**
 * Step `fail2ban` of provision (and of mode remove, with on: false): the app's request and jail
 * written or removed, the server's sshd jail rebuilt, fail2ban started or reloaded (or stopped,
 * when the last app leaves and the tool started it).
 */
async function ensureFail2ban(ctx, opts = {}) {
    const on = opts.on ?? ctx.settings.provision.edge.fail2ban;
    const p = fail2banPaths(ctx.paths.app);
    let request = '';
    let jail = '';
    if (on) {
        const conn = await sshConnection(ctx.remote);
        request = fail2ban_renderRequest(ctx.paths.app, conn.port, ignoreList(conn.client, ctx.settings.provision.edge.sshAllowFrom));
        jail = renderAppJail(ctx);
    }
    const b64 = (t) => Buffer.from(t).toString('base64');
    const script = (0,scripts/* serverScript */.fj)('fail2ban', {
        on: on ? 1 : 0,
        app: ctx.paths.app,
        req_dir: FAIL2BAN.requestsDir,
        own_req: p.request,
        app_jail: p.jail,
        server_jail: FAIL2BAN.serverJail,
        marker: FAIL2BAN.marker,
        lock: FAIL2BAN.lock,
        header: ownership/* UNIT_HEADER */.bz,
        installed_now: opts.installedNow ? 1 : 0,
        nginx_log_dir: FAIL2BAN.nginxLogDir,
        nginx_error_log: FAIL2BAN.nginxErrorLog,
        wait_s: 30
    });
    try {
        const res = await (0,run/* runProvisionScript */.q)(ctx, on ? 'configuring fail2ban' : 'checking for fail2ban jails to remove', script, {
            stdin: `${b64(request)}\n${b64(jail)}\n`,
            timeoutMs: 180_000
        });
        return res.facts.jails ? { ...res, detail: `${res.detail} (jails: ${res.facts.jails})` } : res;
    }
    catch (err) {
        if ((0,step/* errorMessage */.gJ)(err).includes('fail2ban refused the configuration'))
            throw new step/* DeployError */.sH(`fail2ban refused the configuration; the previous files are back and nothing else was changed: ${(0,step/* errorMessage */.gJ)(err).split('\n').slice(1, 4).join(' ')}`, 'fail2ban-client -t on the server says more (a file of your own in /etc/fail2ban may be at fault); then run provision again.');
        throw err;
    }
}
/** The checklist's fail2ban line as a function (templates/scripts/fail2ban_verify.sh), called after tls. */
function fail2banVerifyFunctions(ctx) {
    const p = fail2banPaths(ctx.paths.app);
    return (0,scripts/* serverScript */.fj)('fail2ban_verify', {
        f2b_request: p.request,
        f2b_jail: p.jail,
        f2b_jail_name: p.jailName
    });
}

;// CONCATENATED MODULE: ./src/provision/claims.ts


/** First bytes of every site the tool writes (templates/nginx/site.conf.hbs). */
const SITE_HEADER = '# Written by gunicorn-deploy';
/**
 * The names every other app's enabled site serves on this server, one `claim APP NAME` line each
 * (`_`, "any name", is a claim too: two such sites would answer each other's requests).
 */
function claimsScript(ctx) {
    // templates/scripts/site_claims.sh: only sites the tool wrote (SITE_HEADER) count.
    return (0,scripts/* serverScript */.fj)('site_claims', { enabled: ctx.paths.nginxEnabled, site_header: SITE_HEADER });
}
/** The first clash of this app's server-name with another app's, or undefined. */
function findClash(stdout, names) {
    const mine = new Set(names.map((n) => n.toLowerCase()));
    for (const line of stdout.split('\n')) {
        const m = /^claim (\S+) (\S+)$/.exec(line.trim());
        if (m && mine.has(m[2].toLowerCase()))
            return { app: m[1], name: m[2] };
    }
    return undefined;
}
/**
 * Before provision changes anything: a server-name another app on this server already serves is
 * refused, naming that app (nginx would pick one of the two sites for it, silently).
 */
async function checkServerNames(ctx) {
    const res = await ctx.remote.script(claimsScript(ctx), { sudo: true, timeoutMs: 30_000 });
    const clash = findClash(res.stdout, ctx.settings.provision.serverName.split(' '));
    if (!clash)
        return;
    const what = clash.name === '_' ? 'any name (server-name _)' : clash.name;
    throw new step/* DeployError */.sH(`input \`server-name\`: ${what} is already served by the app ${clash.app} on this server (/etc/nginx/sites-enabled/${clash.app}.conf); nothing was changed`, clash.name === '_'
        ? `Give each app on a server its own server-name (the default _ answers any name), or remove ${clash.app} first (mode: remove).`
        : `Choose another server-name, or remove the app ${clash.app} from this server first (mode: remove, remove-confirm: ${clash.app}).`);
}

// EXTERNAL MODULE: ./src/ssh/local-tar.ts
var local_tar = __webpack_require__(8575);
;// CONCATENATED MODULE: ./src/provision/first-deploy.ts










/** releaseHash of the source as it is now; a canonical tar when a name keeps it from a manifest. */
async function sourceHash(settings) {
    const manifest = await (0,src_manifest/* buildManifest */.u1)(external_node_path_.resolve(settings.app.source), settings.app.exclude);
    if (manifest)
        return (0,release_record/* releaseHash */.wq)(manifest, settings);
    // bsdtar cannot write a canonical archive (no --sort, no --mtime): a hash that matches no
    // record, so provision deploys again rather than skip on a guess.
    if ((await (0,local_tar/* tarFlavour */.Dd)()) !== 'gnu')
        return (0,external_node_crypto_.randomBytes)(32).toString('hex');
    const dir = external_node_path_.resolve(settings.app.source);
    const args = [
        '-C',
        dir,
        '-c',
        '-f',
        '-',
        '--sort=name',
        '--format=gnu',
        '--mtime=@0',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        ...(0,upload/* tarExcludeArgs */.Zx)(settings.app.exclude),
        '.'
    ];
    const hash = (0,release_record/* recordHmac */.Zx)(settings);
    await new Promise((resolve, reject) => {
        const tar = (0,local_tar/* localTar */.B3)(args);
        let err = '';
        tar.stdout.on('data', (c) => hash.update(c));
        tar.stderr.on('data', (c) => (err += c.toString()));
        tar.on('error', reject);
        tar.on('close', (code) => code === 0
            ? resolve()
            : reject(new Error(`cannot read the source ${dir} (tar exit ${code}): ${err.trim()}`)));
    });
    hash.update((0,release_record/* shapingSettings */.Cm)(settings));
    return hash.digest('hex');
}
/**
 * Provision's deploy creates a new release every time it runs, so a second provision with the
 * same source would not be a no-op. It is skipped when the release `current` points at was built
 * (by a deploy or a provision) from the same source and settings, and the service is running.
 */
async function decideDeploy(ctx) {
    const hash = await sourceHash(ctx.settings);
    const res = await (0,context/* runScript */.j3)(ctx, 'reading the current release', (0,scripts/* serverScript */.fj)('current_release', {
        record: (0,release_record/* recordPath */.lX)(ctx),
        current: ctx.paths.current,
        service: ctx.paths.units.service.name
    }), { timeoutMs: 30_000 });
    const f = (0,context/* parseFacts */.hx)(res.stdout);
    const short = hash.slice(0, 12);
    const current = f.current ?? '';
    if (!current)
        return { deploy: true, why: 'no release yet', hash, current };
    if (f.hash !== hash || f.release !== current)
        return {
            deploy: true,
            why: `source or settings changed since the last provision (now ${short})`,
            hash,
            current
        };
    if (f.active !== 'active')
        return { deploy: true, why: `the service is ${f.active}`, hash, current };
    return { deploy: false, why: `release ${current} already serves this source (${short})`, hash, current };
}
/** The deploy mode's own steps (same proof of health, same rollback, same record) under provision's lock. */
async function runFirstDeploy(host, lock) {
    const p = await prepareRelease(host, lock);
    // A failing post-activate leaves the release live: it still gets its history line and record.
    await activateThenTidy(() => activateRelease(host, p), () => tidyRelease(host, p));
}

// EXTERNAL MODULE: ./src/deploy/health.ts
var health = __webpack_require__(1873);
;// CONCATENATED MODULE: ./src/provision/pg-verify.ts



/** A dump older than this is red: the deploys' dumps and the daily timer's keep it younger. */
const MAX_DUMP_AGE_S = 24 * 3600;
/**
 * The checklist's database lines for database: postgres: `pg_verify` (templates/scripts/
 * pg_verify.sh), which verifyChecklistScript calls: `database` (SELECT 1 as the app, through its
 * own DATABASE_URL: templates/scripts/pg_connect.py) and `database-backup` (the newest dump is
 * younger than a day and pg_restore --list reads it, and the backups folder has room for one more).
 */
function pgVerifyFunctions(ctx) {
    const p = ctx.paths;
    return (0,scripts/* serverScript */.fj)('pg_verify', {
        // The app's user in /, with the serving release's venv: app_run.sh's as_app runs these words.
        app_run_at_root: (0,app_run/* commandWordsValue */.IN)((0,app_run/* appRunWords */.Mw)(p, { cwd: '/', envFile: p.envFile, venv: `${p.current}/.venv` })),
        pg_connect_py: (0,scripts/* serverProgram */.qX)('pg_connect'),
        pg_db: ctx.settings.database.name,
        pg_dump_suffix: PG_DUMP_SUFFIX,
        max_dump_age_s: MAX_DUMP_AGE_S
    });
}

;// CONCATENATED MODULE: ./src/provision/verify.ts









/** The checklist, in the order it is printed; also the summary's columns. */
const VERIFY_KEYS = [
    'service',
    'socket',
    'health-socket',
    'health-nginx',
    'debug',
    'django-check',
    'nginx-config',
    'tls',
    'fail2ban',
    'logrotate',
    'database',
    'database-backup',
    'timers',
    'disk-free',
    'memory'
];
/** Below this share of free disk a server is red (the seed's checklist). */
const MIN_DISK_FREE = 20;
/** Memory is red only when nearly all of it is in use: a busy server is not a broken one. */
const MAX_MEMORY_USED = 95;
/**
 * One read-only script (templates/scripts/verify_checklist.sh): each probe prints
 * `check=NAME|ok|red|n/a|DETAIL` and never stops the others, so one broken piece is named instead
 * of hiding the rest. The app's own debug answer is read from the WSGI object as the service loads
 * it (templates/scripts/framework_debug.py, as its user, with its venv and environment): Flask's
 * app.debug, Django's settings.DEBUG; a health JSON without a debug field no longer passes on
 * FLASK_DEBUG=0 alone. Django's `manage.py check --deploy` warnings are shown, only its errors red.
 */
function verifyChecklistScript(ctx) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    const postgres = ctx.settings.database.kind === 'postgres';
    return ((0,scripts/* serverScript */.fj)('app_run', {}) +
        (postgres ? pgVerifyFunctions(ctx) : '') +
        fail2banVerifyFunctions(ctx) +
        (0,scripts/* serverScript */.fj)('verify_checklist', {
            svc: p.units.service.name,
            sock: p.units.socket.name,
            sockpath: p.socket,
            hp: d.healthPath,
            // The Host of every health request, through nginx too: health-host, else the first server name.
            health_host: (0,health/* healthHost */.d)(ctx.settings),
            current: p.current,
            // The app's user in the serving release, with its venv: app_run.sh's as_app runs these words.
            app_run_in_current: (0,app_run/* commandWordsValue */.IN)((0,app_run/* appRunWords */.Mw)(p, { cwd: p.current, envFile: p.envFile, venv: `${p.current}/.venv` })),
            env_file: p.envFile,
            wsgi_app: d.wsgiApp,
            framework_py: (0,scripts/* serverProgram */.qX)('framework_debug'),
            nginx_site: p.nginxSite,
            logrotate: p.logrotate,
            log_dir: p.logDir,
            db_kind: ctx.settings.database.kind,
            db: d.sqliteDb ? `${p.shared}/${d.sqliteDb}` : '',
            db_seen: (0,remembered/* databaseSeenPath */.AL)(ctx),
            backups: p.backups,
            app_user: p.user,
            timers: timerUnits(p)
                .map((u) => u.timer.name)
                .join('\n'),
            app_dir: p.dir,
            min_disk_free: MIN_DISK_FREE,
            max_memory_used: MAX_MEMORY_USED
        }));
}
function parseChecks(stdout) {
    const out = [];
    for (const line of stdout.split('\n')) {
        const m = /^check=([a-z0-9-]+)\|(ok|red|warn|n\/a)\|(.*)$/.exec(line);
        if (m)
            out.push({ name: m[1], state: m[2], detail: m[3] });
    }
    return out;
}
function checksTable(checks) {
    return (0,report.formatTable)(['check', 'result', 'detail'], checks.map((c) => [c.name, c.state === 'red' ? 'RED' : c.state === 'warn' ? 'WARN' : c.state, c.detail]));
}
/**
 * Runs the checklist, prints its table, puts each check in the host's facts (the summary's
 * table) and fails naming every red check.
 */
async function verifyChecklist(ctx) {
    const res = await ctx.remote.script(verifyChecklistScript(ctx), { sudo: true, timeoutMs: 120_000 });
    const checks = parseChecks(res.stdout);
    if (checks.length === 0) {
        throw new step/* DeployError */.sH(`the verify checklist did not run (exit ${res.code}): ${res.stderr.trim().slice(0, 500)}`, 'Check that the SSH user can run sudo without a password.');
    }
    ctx.logger.info(checksTable(checks));
    for (const c of checks)
        ctx.facts[c.name] =
            c.state === 'ok'
                ? 'ok'
                : c.state === 'red'
                    ? `RED: ${c.detail}`
                    : c.state === 'warn'
                        ? `WARN: ${c.detail}`
                        : 'n/a';
    for (const c of checks.filter((c) => c.state === 'warn'))
        ctx.logger.warning(`${ctx.label}: ${c.name}: ${c.detail}`);
    const red = checks.filter((c) => c.state === 'red');
    if (red.length > 0) {
        throw new step/* DeployError */.sH(`verify: ${red.length} check${red.length === 1 ? '' : 's'} red: ${red.map((c) => `${c.name} (${c.detail})`).join('; ')}`, 'Fix what is named (ssh in; systemctl status and journalctl -u say more) and run mode verify again, or run mode provision to repair the setup.');
    }
    return { changed: false, detail: `all ${checks.filter((c) => c.state === 'ok').length} checks ok`, checks };
}

;// CONCATENATED MODULE: ./src/modes/provision-mode.ts





















/**
 * A bare Debian/Ubuntu host to a production service, in an order where each step needs only
 * what the steps before it made: packages, the app's user and folders, an imported database (before
 * the app first opens one), nginx (plain HTTP), logrotate, timers, the firewall, fail2ban, then the deploy
 * mode's own engine for the release and its units, HTTPS last, and the verify checklist. Every
 * step changes only what differs, so a second run is a no-op; a dry run runs the same checks and
 * changes nothing.
 */
const provisionMode = {
    factKeys: ['release', 'changes', ...VERIFY_KEYS],
    okStatus: 'provisioned',
    async runHost(host) {
        const ctx = (0,context/* deployContext */.H3)(host);
        const dry = ctx.settings.provision.dryRun;
        const s = (name, fn) => (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, name, fn);
        await s('preflight', async () => {
            const r = await preflight(ctx.remote, ctx.settings);
            // python3-venv and the rest are what provision installs; the host itself must be usable.
            const problems = r.hostProblems;
            if (problems.length > 0)
                throw new step/* DeployError */.sH(`this server cannot be provisioned: ${problems.join('; ')}`);
            await checkServerNames(ctx);
            return { changed: false, detail: `${r.facts.os}, sudo ${r.facts.sudo}, ${r.facts['disk-free']} free` };
        });
        const changes = [];
        const track = async (name, fn) => {
            const out = await s(name, fn);
            if (out.changed)
                changes.push(name);
            return out;
        };
        let lock;
        try {
            const installed = await track('packages', () => ensurePackages(ctx));
            // Held from here on (a deploy running at the same time would see units and files change
            // under it); apt above touches nothing of the app's and may take minutes.
            if (!dry)
                lock = await (0,steps_lock/* lockStep */.s9)(ctx);
            await track('user', () => ensureUser(ctx));
            await track('services', () => ensureServices(ctx));
            await track('postgresql', () => ensurePostgres(ctx));
            await track('import-database', () => importDatabase(ctx));
            await track('nginx', () => ensureNginx(ctx));
            await rememberServer(ctx);
            await track('logrotate', () => ensureLogrotate(ctx));
            await track('alerts', () => (0,alerts/* ensureAlerts */._o)(ctx));
            await track('timers', () => ensureTimers(ctx));
            await track('metrics', () => ensureMetrics(ctx));
            await track('firewall', () => ensureFirewall(ctx, host.reconnect));
            const installedNow = installed.changes.includes('fail2ban');
            await track('fail2ban', () => ensureFail2ban(ctx, { installedNow }));
            const decision = await s('release', async () => {
                const d = await decideDeploy(ctx);
                ctx.logger.info(d.deploy ? `${dry ? 'would deploy' : 'deploying'}: ${d.why}` : `no deploy: ${d.why}`);
                return {
                    ...d,
                    changed: d.deploy,
                    detail: d.deploy ? `${dry ? 'would deploy' : 'deploying'}: ${d.why}` : `no deploy: ${d.why}`
                };
            });
            if (decision.deploy)
                changes.push('release');
            if (decision.deploy && !dry) {
                await runFirstDeploy(host, lock);
            }
            else if (decision.current) {
                ctx.facts.release = decision.current;
            }
            // After the release: a certificate that cannot be issued yet (DNS not pointing here) leaves
            // the app serving over plain HTTP, never nginx proxying to an app that was never started.
            await track('tls', () => ensureTls(ctx));
        }
        finally {
            ctx.facts.changes = changes.length ? changes.join(' ') : 'none';
            await lock?.release();
        }
        if (dry) {
            host.setStatus('dry-run');
            ctx.logger.info(changes.length
                ? `dry run: would change ${changes.join(', ')}; nothing was changed`
                : 'dry run: nothing would change');
            return;
        }
        await s('checklist', () => verifyChecklist(ctx)).catch((err) => {
            host.setStatus('unhealthy');
            throw err;
        });
    }
};

// EXTERNAL MODULE: ./src/loadtest/summary.ts
var summary = __webpack_require__(3936);
// EXTERNAL MODULE: ./src/loadtest/verdict.ts
var verdict = __webpack_require__(5417);
;// CONCATENATED MODULE: ./src/loadtest/wrk.ts

/**
 * The load generator is Debian's wrk, run on the server itself against nginx on 127.0.0.1 (port 80,
 * or 443 when plain HTTP only redirects to HTTPS).
 * wrk is event-driven C: one thread keeps 100 connections busy for a fraction of one core, where
 * a Python client's threads spend the same core on the GIL and add their own waiting to every
 * latency they measure. Its latency histogram has microsecond buckets, so the percentiles are
 * exact. Its own error counters are not enough to make requests = successes + failures (a
 * timeout is counted every 2 s a request is still pending), so a Lua script counts every
 * response by status and stops the run at the requests cap.
 */
/**
 * The Lua script (templates/scripts/load.lua): counts per status, think time when GD_THINK_MS says,
 * and a stop at the cap. The load script writes it where wrk reads it.
 */
function wrkScript() {
    return (0,scripts/* serverLua */.Mj)('load');
}
/** What the CPU and memory figures are of: the machine, or (in a container) its cgroup. */
function sourceOf(stdout) {
    return /^gd-source=cgroup$/m.test(stdout) ? 'cgroup' : 'machine';
}
/** A level's wall time limit on the server: wrk's own duration, then it is killed. */
function levelSeconds(s) {
    return Math.max(1, Math.round(s.levelMs / 1000));
}
/**
 * One script for every level (templates/scripts/load_levels.sh, with load_usage.sh's functions):
 * wrk with a sampler of CPU and memory every 0.5 s beside it, whose peaks are the server's, load
 * generator included. A request may take at most the level's length plus 5 s (65 s at most: wrk's
 * histogram is allocated for its timeout, and nginx answers 504 after 60 s anyway).
 */
function loadScript(s, host, paths) {
    const secs = levelSeconds(s);
    return ((0,scripts/* serverScript */.fj)('load_usage', {}) +
        (0,scripts/* serverScript */.fj)('load_levels', {
            lua: wrkScript(),
            think_ms: Math.max(0, Math.round(s.thinkMs)),
            secs,
            timeout_s: Math.min(secs + 5, 65),
            kill_after: secs + 30,
            clients: s.clients.join(' '),
            cap: s.maxRequests,
            host,
            paths: paths.join('\n')
        }));
}
const num = (v) => (v && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : 0);
function fields(line) {
    const out = {};
    for (const part of line.split(' ').slice(1)) {
        const eq = part.indexOf('=');
        if (eq > 0)
            out[part.slice(0, eq)] = part.slice(eq + 1);
    }
    return out;
}
const round1 = (n) => Math.round(n * 10) / 10;
/** Where the levels were sent: http://127.0.0.1:80, or :443 over HTTPS for a site that redirects. */
function targetOf(stdout) {
    return /^gd-target=(https?:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1] ?? 'http://127.0.0.1:80';
}
/** The script's output -> one result per level, in the order run. */
function parseLoadOutput(stdout, cap) {
    const levels = [];
    for (const line of stdout.split('\n')) {
        if (line.startsWith('gd-level ')) {
            const f = fields(line);
            levels.push({
                clients: num(f.clients),
                requests: 0,
                successes: 0,
                failures: 0,
                p50Ms: 0,
                p95Ms: 0,
                p99Ms: 0,
                maxMs: 0,
                rps: 0,
                cpuPeak: num(f.cpu_permille) / 10,
                memoryPeak: num(f.mem_permille) / 10,
                generatorCpu: num(f.gen_permille) / 10,
                capped: false,
                statuses: {},
                errors: {},
                problem: num(f.rc) !== 0
                    ? `wrk exited ${f.rc}${f.rc === '124' ? ' (killed at its time limit)' : ''}`
                    : undefined
            });
            continue;
        }
        const level = levels.at(-1);
        if (!level)
            continue;
        if (line.startsWith('gd-wrk-out ')) {
            level.problem = [level.problem, line.slice('gd-wrk-out '.length)].filter(Boolean).join('; ');
        }
        else if (line.startsWith('gd-wrk ')) {
            const f = fields(line);
            const errors = {};
            for (const k of ['connect', 'read', 'write', 'timeout'])
                if (num(f[k]) > 0)
                    errors[k] = num(f[k]);
            const statuses = {};
            for (const pair of (f.statuses ?? '').split(',')) {
                const [code, count] = pair.split(':');
                if (code && /^\d{3}$/.test(code))
                    statuses[code] = num(count);
            }
            const responses = num(f.responses);
            const requests = responses + Object.values(errors).reduce((a, b) => a + b, 0);
            const durationS = num(f.duration_us) / 1e6;
            Object.assign(level, {
                requests,
                successes: num(f.ok),
                failures: requests - num(f.ok),
                p50Ms: round1(num(f.p50_us) / 1000),
                p95Ms: round1(num(f.p95_us) / 1000),
                p99Ms: round1(num(f.p99_us) / 1000),
                maxMs: round1(num(f.max_us) / 1000),
                rps: durationS > 0 ? round1(responses / durationS) : 0,
                capped: responses >= cap,
                statuses,
                errors,
                // Figures came: an exit code from wrk alone is not a failed level.
                problem: undefined
            });
        }
    }
    return levels;
}

;// CONCATENATED MODULE: ./src/loadtest/run.ts







/** Facts a load check leaves on its host (and the columns of mode loadtest's table). */
const LOAD_KEYS = ['load-ok', 'load-p95-ms', 'load-max-clients'];
/**
 * The performance check: from the server itself, through nginx with the health Host header, each
 * level of clients in turn; the seed's table in the log and the job summary, and a failure naming
 * every threshold a level missed. It only reads (GET requests), but it is load: run it when the
 * server can take it.
 */
async function runLoadCheck(ctx) {
    const s = ctx.settings.load;
    const paths = s.paths.length ? s.paths : [ctx.settings.deploy.healthPath];
    const host = (0,health/* healthHost */.d)(ctx.settings);
    const secs = levelSeconds(s);
    const out = await (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, 'load check', async () => {
        ctx.logger.info(`${ctx.label}: ${s.clients.join(', ')} concurrent clients, ${secs} s each (at most ${s.maxRequests} requests), ` +
            `GET ${paths.join(', ')} with Host ${host} through nginx on the server itself`);
        const res = await ctx.remote.script(loadScript(s, host, paths), {
            sudo: false,
            timeoutMs: s.clients.length * (secs + 45) * 1000 + 30_000,
            signal: ctx.signal
        });
        if (/^gd-missing=wrk$/m.test(res.stdout))
            throw new step/* DeployError */.sH(`wrk (the load generator) is not installed on ${ctx.label}`, 'Run mode provision (it installs wrk), or apt-get install wrk on the server.');
        const levels = parseLoadOutput(res.stdout, s.maxRequests).map((l) => (0,verdict/* judge */.S4)(l, (0,verdict/* thresholdsOf */.W6)(s)));
        if (res.code !== 0 || levels.length !== s.clients.length) {
            const tail = (0,context/* lastLines */.w$)([res.stdout, res.stderr].filter((t) => t.trim()).join('\n'), 10);
            throw new step/* DeployError */.sH(`the load run on ${ctx.label} did not finish (exit ${res.code}${res.timedOut ? ', timed out' : ''}, ${levels.length} of ${s.clients.length} levels)${tail ? `:\n${tail}` : ''}`);
        }
        const worst = Math.max(...levels.map((l) => l.p95Ms));
        const target = targetOf(res.stdout);
        const source = sourceOf(res.stdout);
        const fact = {
            levels,
            thresholds: (0,verdict/* thresholdsOf */.W6)(s),
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
        ctx.logger.info(`${ctx.label}: load check through nginx at ${target} (CPU and memory: ${(0,summary/* sourceNote */.GY)(source)}, the load generator included; ${(0,summary/* generatorNote */.Ek)(levels)})\n` +
            (0,report.formatTable)(verdict/* LOAD_HEADER */.Rz, (0,verdict/* loadRows */.kh)(levels)));
        if (failed.length > 0) {
            throw new step/* DeployError */.sH(`the load check missed its thresholds on ${ctx.label}:\n` +
                failed.flatMap((l) => l.missed.map((m) => `  ${l.clients} clients: ${m}`)).join('\n'), 'Find the slow path (the app, the database, too few workers) or set load-p95, load-success, load-cpu or load-memory to what this server must meet.');
        }
        return { levels, detail: `${levels.length} levels passed, worst p95 ${worst} ms` };
    });
    return out.levels;
}

;// CONCATENATED MODULE: ./src/modes/verify-mode.ts








/**
 * The production checklist on demand: reads only, and fails naming every red check. It checks the
 * app the way its last deploy did (health-path, sqlite-db... remembered on the server) unless the
 * inputs say otherwise, and reports the release serving.
 */
const verifyMode = {
    factKeys: ['release', ...VERIFY_KEYS],
    okStatus: 'ok',
    async runHost(host) {
        const base = (0,context/* deployContext */.H3)(host);
        const res = await base.remote.script(`echo "current=$(basename "$(readlink ${(0,quote/* shQuote */.U)(base.paths.current)})")"\n${(0,remembered/* readRememberedCommand */.q)(base)}\n${(0,remembered/* readReleaseSettingsCommand */.WK)(base)}\n${readMigrationStateCommand(base)}`, { sudo: true, timeoutMs: 30_000 });
        const f = (0,context/* parseFacts */.hx)(res.stdout);
        // The release serving is checked with its own settings (the ones it was proven with).
        const ctx = { ...base, settings: (0,remembered/* settingsOfRelease */.w8)(base, res.stdout, f.current ?? '') };
        if (f.current)
            ctx.facts.release = f.current;
        // A rollback left a migration in the database that the serving code does not have.
        const ahead = parseMigrationState(res.stdout).ahead;
        if (ahead) {
            ctx.facts['database-warning'] = aheadAdvice(ctx, ahead);
            ctx.logger.warning(`${ctx.label}: ${ctx.facts['database-warning']}`);
        }
        await (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, 'verify', () => verifyChecklist(ctx)).catch((err) => {
            host.setStatus('unhealthy');
            throw err;
        });
        // load: true puts load on a server only once its checklist is green.
        if (ctx.settings.load.enabled)
            await runLoadCheck(ctx).catch((err) => {
                host.setStatus('too slow');
                throw err;
            });
    }
};

;// CONCATENATED MODULE: ./src/modes/run-mode.ts






/** A one-off command may run long (a data migration, an import); the server ends it after this. */
const RUN_TIMEOUT_MS = 60 * 60_000;
/**
 * A one-off command (createsuperuser, flask init-db, a migration) in the serving release, exactly
 * as the service runs: the app's user, its venv first on PATH, its environment file, the release
 * as working folder. Its output is streamed through the fenced printer; its exit code is the
 * outcome. The deploy lock only with run-lock, so a command never waits behind a deploy unasked.
 */
const runMode = {
    factKeys: ['release', 'exit-code'],
    okStatus: 'ok',
    async runHost(host) {
        const ctx = (0,context/* deployContext */.H3)(host);
        const { command, lock: takeLock } = ctx.settings.run;
        const lock = takeLock ? await (0,steps_lock/* lockStep */.s9)(ctx) : undefined;
        try {
            const found = await ctx.remote.exec(`echo "release=$(basename "$(readlink ${(0,quote/* shQuote */.U)(ctx.paths.current)})")"`, { sudo: true, timeoutMs: 30_000 });
            const release = (0,context/* parseFacts */.hx)(found.stdout).release ?? '';
            if (!release) {
                throw new step/* DeployError */.sH(`nothing is deployed on ${ctx.label} (no ${ctx.paths.current}): a command runs in the serving release`, 'Deploy the app first (mode deploy or provision), then run the command.');
            }
            ctx.facts.release = release;
            const rel = ctx.paths.releaseDir(release);
            await (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, 'run', async () => {
                const res = await ctx.remote.exec((0,app_run/* appRunCommand */.gA)(ctx.paths, {
                    cwd: rel,
                    envFile: ctx.paths.envFile,
                    venv: `${rel}/.venv`,
                    // systemd-run reports a main process killed by a signal as exit 1: a parent shell turns
                    // its command's death by signal N into the shell's convention, exit 128+N. The shell
                    // gets the command exactly as written (appRunCommand doubles every $ for systemd).
                    argv: [
                        '/bin/bash',
                        '-c',
                        'rc=0; /bin/bash -euo pipefail -c "$1" || rc=$?; exit "$rc"',
                        'gd',
                        command
                    ]
                }), { sudo: true, stream: true, timeoutMs: RUN_TIMEOUT_MS });
                ctx.facts['exit-code'] = String(res.code);
                if (res.code !== 0) {
                    throw new step/* DeployError */.sH(`the command exited ${res.code}${res.timedOut ? ' (timed out after 1 h)' : ''} in release ${release}; its output is above`);
                }
                return { detail: `exit 0 in ${release}` };
            });
        }
        finally {
            await lock?.release();
        }
    }
};

;// CONCATENATED MODULE: ./src/modes/restore-mode.ts









const RESTORE_KEYS = ['release', 'restored-backup', 'safety-backup', 'requests-held-ms'];
/** The server's clock in ms, to measure how long requests waited against its own stop time. */
async function serverNowMs(ctx, also) {
    const res = await ctx.remote.script(`echo "now_ns=$(date +%s%N)"\n${also}`, {
        sudo: true,
        timeoutMs: 30_000
    });
    return Number((0,context/* parseFacts */.hx)(res.stdout).now_ns ?? 0) / 1e6;
}
/**
 * Puts a database backup back, under the deploy lock: the backup is checked before anything
 * changes; the service stops while its socket unit keeps listening (requests wait in the backlog,
 * none is refused); a safety copy of the database as it was is kept; SQLite's backup API restores
 * into the same file as the app's user; the result is checked, the service started and proven
 * healthy like a deploy. If any of that fails, the safety copy goes back.
 */
const restoreMode = {
    factKeys: RESTORE_KEYS,
    okStatus: 'restored',
    async runHost(host) {
        const ctx = await (0,remembered/* withRememberedSettings */.EC)((0,context/* deployContext */.H3)(host));
        requireDatabase(ctx, 'restore');
        const s = (name, fn) => (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, name, fn);
        const lock = await (0,steps_lock/* lockStep */.s9)(ctx);
        let id = ctx.settings.deploy.backup;
        try {
            const staged = await s('check backup', () => stageRestore(ctx, id));
            id = staged.id;
            if (staged.undo)
                ctx.logger.warning(`${ctx.label}: ${staged.undo}`);
            ctx.facts['restored-backup'] = id;
            const swapped = await s('restore', () => swapDatabase(ctx));
            ctx.facts['safety-backup'] = swapped.safety;
            ctx.facts.release = swapped.current;
            try {
                await s('verify', () => (0,verify/* verifyRelease */.VA)(ctx, swapped.current, []));
            }
            catch (err) {
                host.setStatus('failed');
                await s('put back', () => putBackSafety(ctx));
                await s('verify put back', () => (0,verify/* verifyRelease */.VA)(ctx, swapped.current, []));
                await (0,steps_history/* recordHistory */.cJ)(ctx, {
                    event: 'restore',
                    backup: id,
                    safety: swapped.safety,
                    status: 'failed',
                    why: (0,step/* errorMessage */.gJ)(err).split('\n')[0]
                });
                throw new step/* DeployError */.sH(`the app was not healthy on backup ${id} (${(0,step/* errorMessage */.gJ)(err).split('\n')[0]}); the database as it was before (safety copy ${swapped.safety}) was put back and the app is healthy again`, 'Check the backup against the release serving (an older schema?), or restore another one.');
            }
            const held = Math.max(0, Math.round((await serverNowMs(ctx, `${cleanupCommand(ctx)}\n${recordRestoreCommand(ctx, id, swapped.safety)}`)) - swapped.stoppedAt));
            ctx.facts['requests-held-ms'] = String(held);
            ctx.logger.info(`${ctx.label}: backup ${id} restored; requests waited in the socket's queue for at most ${held} ms; the database before is kept as ${swapped.safety} (backup: undo puts it back)`);
            await (0,steps_history/* recordHistory */.cJ)(ctx, {
                event: 'restore',
                backup: id,
                safety: swapped.safety,
                release: swapped.current,
                status: 'restored',
                held_ms: String(held)
            });
        }
        catch (err) {
            host.setStatus('failed');
            await ctx.remote.script(cleanupCommand(ctx), { sudo: true, timeoutMs: 30_000 }).catch(() => undefined);
            if (!ctx.records.some((r) => r.name === 'put back'))
                await (0,steps_history/* recordHistory */.cJ)(ctx, {
                    event: 'restore',
                    backup: id,
                    status: 'failed',
                    why: (0,step/* errorMessage */.gJ)(err).split('\n')[0]
                });
            throw err;
        }
        finally {
            await lock.release();
        }
    }
};

;// CONCATENATED MODULE: ./src/modes/backups-mode.ts






const BACKUPS_KEYS = ['backups-count', 'latest-backup', 'downloaded-backup'];
const BACKUP_HEADER = ['id', 'time (UTC)', 'size', 'taken by', 'integrity'];
function backupRows(list) {
    return list.map((b) => [b.id, b.time, `${b.size} bytes`, b.takenBy, b.integrity]);
}
/**
 * Lists the database backups on each server (the deploys' and the daily timer's) with their
 * integrity, in the log and the job summary; with download-backup, copies the newest to the runner
 * and proves the copy there. Changes nothing on the server.
 */
const backupsMode = {
    factKeys: BACKUPS_KEYS,
    okStatus: 'listed',
    async runHost(host) {
        const ctx = await (0,remembered/* withRememberedSettings */.EC)((0,context/* deployContext */.H3)(host));
        requireDatabase(ctx, 'backups');
        const list = await (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, 'list backups', async () => {
            const l = await listBackups(ctx);
            return Object.assign(l, { detail: `${l.length} backup${l.length === 1 ? '' : 's'}` });
        });
        ctx.facts['backups-count'] = String(list.length);
        ctx.facts['latest-backup'] = list[0]?.id ?? '';
        // The whole list, for the summary's table and the hosts output.
        ctx.facts.backups = JSON.stringify(list);
        ctx.logger.info(`${ctx.label}: backups of ${ctx.settings.deploy.sqliteDb}, newest first:\n${(0,report.formatTable)(BACKUP_HEADER, backupRows(list))}`);
        const bad = list.filter((b) => b.integrity !== 'ok');
        if (bad.length)
            ctx.logger.warning(`${ctx.label}: ${bad.length} backup(s) fail PRAGMA integrity_check: ${bad.map((b) => b.id).join(', ')}`);
        const dest = ctx.settings.deploy.downloadBackup;
        if (dest) {
            const newest = list.find((b) => b.integrity === 'ok');
            if (!newest) {
                host.setStatus('failed');
                throw new step/* DeployError */.sH(`no sound backup on ${ctx.label} to download`, 'Deploy (each deploy takes a backup) or check the daily timer.');
            }
            await (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, 'download backup', () => downloadBackup(ctx, newest, backupDirOf(ctx, newest.id), dest)).catch((err) => {
                host.setStatus('failed');
                throw err;
            });
        }
    }
};

;// CONCATENATED MODULE: ./src/modes/loadtest-mode.ts



/**
 * The performance check on its own: each level of concurrent clients against nginx, from the
 * server itself, judged by the load-* thresholds. Health path and Host are the ones the last deploy
 * remembered, unless the inputs say otherwise. Changes nothing on the server.
 */
const loadtestMode = {
    factKeys: LOAD_KEYS,
    okStatus: 'passed',
    async runHost(host) {
        const ctx = await (0,remembered/* withRememberedSettings */.EC)((0,context/* deployContext */.H3)(host));
        await runLoadCheck(ctx).catch((err) => {
            host.setStatus('failed');
            throw err;
        });
    }
};

;// CONCATENATED MODULE: ./src/audit/record.ts




/**
 * The audit line of a run that writes no history of its own (provision, run, maintenance): one
 * line when it ends, its outcome and, on failure, the first line of why. Written only where the app
 * has a state folder (a provision that failed before making the app's folders has nothing to
 * record into); never fails the run.
 */
async function audited(ctx, event, fn, fields = () => ({})) {
    const write = async (entry) => {
        const script = `[ -d ${(0,quote/* shQuote */.U)(ctx.paths.state)} ] || exit 0\n${(0,steps_history/* historyCommand */.aw)(ctx, entry)}`;
        await ctx.remote
            .script(script, { sudo: true, timeoutMs: 30_000 })
            .then((r) => {
            if (r.code !== 0)
                throw new Error(`exit ${r.code}: ${r.stderr.trim()}`);
        })
            .catch((err) => ctx.logger.warning(`could not write the history: ${err.message}`));
    };
    try {
        const out = await fn();
        await write({ event, ...fields(), status: 'ok' });
        return out;
    }
    catch (err) {
        await write({ event, ...fields(), status: 'failed', why: (0,step/* errorMessage */.gJ)(err).split('\n')[0] });
        throw err;
    }
}
/**
 * A mode whose every run leaves its audit line: `facts` names the host facts the line carries
 * (release, exit-code...); `skip` for runs that change nothing (a provision dry run).
 */
function withAudit(mode, event, facts, skip = () => false) {
    return {
        ...mode,
        async runHost(host) {
            const ctx = (0,context/* deployContext */.H3)(host);
            if (skip(ctx))
                return mode.runHost(host);
            const pick = () => Object.fromEntries(facts.filter((k) => host.facts[k]).map((k) => [k, host.facts[k]]));
            return audited(ctx, event, () => mode.runHost(host), pick);
        }
    };
}

// EXTERNAL MODULE: ./src/ssh/shell-fns.ts
var shell_fns = __webpack_require__(5816);
;// CONCATENATED MODULE: ./src/metrics/status.ts




/**
 * Mode status shows what the metrics job last wrote (the same figures node-exporter serves): the
 * app's text file read as root through the checked reader (its folder's parent is the prometheus
 * user's), each sample a `metric-NAME=VALUE` fact line (templates/scripts/metrics_status.awk).
 */
function metricsStatusLines(app) {
    const awk = (0,scripts/* serverAwk */.bS)('metrics_status');
    return `${(0,root_read/* rootRead */.Z)('cat', (0,quote/* shQuote */.U)(TEXTFILE_DIR), (0,quote/* shQuote */.U)(`${app}.prom`), 'root')} 2>/dev/null | base64 -d 2>/dev/null | head -c 100000 | awk ${(0,quote/* shQuote */.U)(awk)}`;
}
const n = (v) => (v !== undefined && /^-?[\d.e+-]+$/.test(v) ? Number(v) : NaN);
const status_ms = (v) => (Number.isFinite(n(v)) ? (n(v) * 1000).toFixed(1) : '');
const plain = (v, digits = 0) => Number.isFinite(n(v)) ? n(v).toFixed(digits) : '';
/** The facts status adds from the text file; all empty without metrics (or before the job ran). */
function metricsFacts(raw, now, ago) {
    const m = (k) => raw[`metric-${k}`];
    const at = n(m('metrics_timestamp_seconds'));
    return {
        'metrics-age': Number.isFinite(at) ? ago(Math.max(0, now - at)) : '',
        'requests-1m': plain(m('requests_last_minute')),
        '5xx-1m': plain(m('responses_fivexx_last_minute')),
        'p50-ms': status_ms(m('request_seconds_p_fifty')),
        'p95-ms': status_ms(m('request_seconds_p_ninety_five')),
        'p99-ms': status_ms(m('request_seconds_p_ninety_nine')),
        'upstream-p95-ms': status_ms(m('upstream_seconds_p_ninety_five')),
        'busy-mean': plain(m('workers_busy'), 1),
        'busy-max': plain(m('workers_busy_max')),
        'queued-max': plain(m('requests_queued_max')),
        'busy-1m': plain(m('upstream_busy_last_minute'), 2)
    };
}

;// CONCATENATED MODULE: ./src/status/script.ts







/** History lines read back for the audit fields of the serving and previous releases. */
const HISTORY_TAIL = 300;
/**
 * One read-only script per server for `status`: key=value facts, then the history's tail after a
 * `--- history` line. Reads only root-owned files and /proc; it never follows a path the app or the
 * build user can write (the release's own REVISION is not read: the commit comes from the history).
 * The facts come from templates/scripts/status.sh.
 */
function statusScript(ctx) {
    const p = ctx.paths;
    const given = ctx.settings.given.includes('health-path') || ctx.settings.given.includes('health-host');
    const facts = (0,scripts/* serverScript */.fj)('status', {
        current: p.current,
        states_dir: (0,release_record/* statesDir */.cS)(ctx),
        lock_owner: p.lockOwner,
        maintenance_conf: maintenanceConf(p.app),
        svc: p.units.service.name,
        socket: p.socket,
        app_units: `${p.app}-*.service`,
        nginx_site: p.nginxSite,
        dir: p.dir,
        backups: p.backups,
        health_script: p.healthScript,
        health_url: (0,health/* healthUrl */.g)(ctx.settings, ctx.settings.deploy.healthPath),
        url_given: given ? 1 : 0
    });
    return `${shell_fns/* KV_FN */.Tr}\n${facts}${metricsStatusLines(p.app)}
echo '--- history'; tail -n ${HISTORY_TAIL} ${(0,quote/* shQuote */.U)(p.history)} 2>/dev/null; exit 0`;
}

;// CONCATENATED MODULE: ./src/status/facts.ts


/** The history's lines, oldest first; a line that is not a JSON object is skipped. */
function parseHistory(text) {
    const out = [];
    for (const line of text.split('\n')) {
        if (!line.startsWith('{'))
            continue;
        try {
            const v = JSON.parse(line);
            if (v && typeof v === 'object' && !Array.isArray(v)) {
                const e = {};
                for (const [k, x] of Object.entries(v))
                    if (typeof x === 'string')
                        e[k] = x;
                out.push(e);
            }
        }
        catch {
            // a torn line (a full disk while it was written): not an audit fact
        }
    }
    return out;
}
/** The line that made `release` serve: its deploy, or the rollback that put it back. */
function servingEntry(history, release) {
    return [...history]
        .reverse()
        .find((e) => e.release === release &&
        ((e.event === 'deploy' && e.status === 'deployed') ||
            (e.event === 'rollback' && e.status === 'rolled-back')));
}
function ago(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0)
        return '';
    if (seconds < 120)
        return `${Math.round(seconds)} s`;
    if (seconds < 7200)
        return `${Math.round(seconds / 60)} min`;
    if (seconds < 172_800)
        return `${Math.round(seconds / 3600)} h`;
    return `${Math.round(seconds / 86_400)} d`;
}
const facts_num = (v) => (v && /^-?\d+$/.test(v) ? Number(v) : NaN);
/**
 * The status script's answer (src/status/script.ts) as the host's facts: what `--json` gives
 * scripts and the table shows people. `healthy` is the service active and its health path 200.
 */
function statusFacts(stdout) {
    const cut = stdout.indexOf('\n--- history');
    const raw = (0,context/* parseFacts */.hx)(cut >= 0 ? stdout.slice(0, cut) : stdout);
    const history = parseHistory(cut >= 0 ? stdout.slice(cut + 13) : '');
    const now = facts_num(raw.now);
    const release = raw.release ?? '';
    const served = release ? servingEntry(history, release) : undefined;
    const since = facts_num(raw.since);
    const certEnd = facts_num(raw['cert-expires']);
    const backup = facts_num(raw['backup-newest']);
    const rssKb = facts_num(raw['rss-kb']);
    const freeKb = facts_num(raw['disk-free-kb']);
    const healthy = raw.service === 'active/running' && raw.health === '200';
    const facts = {
        release,
        state: release ? raw.state || 'none' : 'nothing deployed',
        since: Number.isFinite(since) ? new Date(since * 1000).toISOString() : '',
        commit: served?.commit ?? '',
        actor: served?.actor ?? '',
        origin: served?.origin ?? '',
        run: served?.run ?? '',
        previous: served?.previous ?? (served?.event === 'rollback' ? (served.from ?? '') : ''),
        service: raw.service ?? '',
        uptime: Number.isFinite(facts_num(raw.uptime)) ? ago(facts_num(raw.uptime)) : '',
        workers: raw.workers ?? '',
        busy: raw.busy ?? '',
        'rss-mb': Number.isFinite(rssKb) ? (rssKb / 1024).toFixed(1) : '',
        restarts: raw.restarts ?? '',
        'oom-kills': raw['oom-kills'] ?? '',
        processes: raw.processes ?? '',
        'cert-expires': Number.isFinite(certEnd)
            ? `${new Date(certEnd * 1000).toISOString().slice(0, 10)} (${Math.floor((certEnd - now) / 86_400)} d)`
            : '',
        'disk-free-gb': Number.isFinite(freeKb) ? (freeKb / 1048576).toFixed(1) : '',
        'backup-age': Number.isFinite(backup) ? ago(now - backup) : '',
        health: raw.health ?? '',
        maintenance: raw.maintenance ?? '',
        deploying: raw.deploying ?? '',
        ...metricsFacts(raw, now, ago),
        healthy: String(healthy)
    };
    return { facts, history };
}
/** Why a server is not healthy, in words. */
function unhealthyReason(f) {
    if (!f.release)
        return 'nothing is deployed';
    if (f.service !== 'active/running')
        return `${f.service ? `the service is ${f.service}` : 'the service is unknown'}`;
    return f.health === '000' || !f.health
        ? 'the health path did not answer'
        : `the health path answered ${f.health}`;
}

;// CONCATENATED MODULE: ./src/status/history-table.ts
const HISTORY_HEADER = ['time (UTC)', 'event', 'outcome', 'release', 'by', 'from', 'commit', 'why'];
/** One row per history line, for people: the commit short, the reason's first 120 characters. */
function historyRows(entries) {
    return entries.map((e) => [
        (e.time ?? '').replace('T', ' ').slice(0, 19),
        e.event ?? '',
        e.status ?? '',
        e.release ?? e.backup ?? '',
        e.actor ?? '',
        e.origin ?? '',
        (e.commit ?? '').slice(0, 12),
        (e.why ?? '').slice(0, 120)
    ]);
}

;// CONCATENATED MODULE: ./src/modes/status-mode.ts







/** The summary's columns; the full list of each server is its own table in the log. */
const STATUS_KEYS = ['release', 'state', 'since', 'actor', 'commit', 'workers', 'busy', 'health'];
/** Rows of the per-server table: label and fact key. */
const ROWS = [
    ['release', 'release'],
    ['state', 'state'],
    ['serving since', 'since'],
    ['commit', 'commit'],
    ['deployed by', 'actor'],
    ['from', 'origin'],
    ['run', 'run'],
    ['previous release', 'previous'],
    ['service', 'service'],
    ['master uptime', 'uptime'],
    ['workers', 'workers'],
    ['busy now', 'busy'],
    ['memory (MB RSS)', 'rss-mb'],
    ['restarts since deploy', 'restarts'],
    ['OOM kills since deploy', 'oom-kills'],
    ['other processes', 'processes'],
    ['certificate expires', 'cert-expires'],
    ['disk free (GB)', 'disk-free-gb'],
    ['newest backup', 'backup-age'],
    ['maintenance', 'maintenance'],
    ['deploy running', 'deploying'],
    ['health now', 'health'],
    // metrics: true: what the metrics job last wrote (README, Metrics).
    ['requests (last min)', 'requests-1m'],
    ['5xx (last min)', '5xx-1m'],
    ['latency p50 / p95 / p99 (ms)', 'latency'],
    ['busy workers (mean / most)', 'busy-sampled'],
    ['queued requests (most)', 'queued-max'],
    ['in flight (last min mean)', 'busy-1m'],
    ['metrics written', 'metrics-age']
];
/**
 * What serves on each server and how it is doing, in one read-only round trip per server: the
 * release and who deployed it (from the history), the service, workers and memory from /proc, the
 * certificate, disk and backups, and one health request. Fails, naming the server, when the service
 * is not running or its health path does not answer 200.
 */
const statusMode = {
    factKeys: STATUS_KEYS,
    okStatus: 'healthy',
    async runHost(host) {
        const ctx = (0,context/* deployContext */.H3)(host);
        const found = await (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, 'status', async () => {
            // Which release's migration the database holds, read first (before the history's lines).
            const res = await ctx.remote.script(`${readMigrationStateCommand(ctx)}\n${statusScript(ctx)}`, {
                sudo: true,
                timeoutMs: 30_000
            });
            if (res.code !== 0)
                throw new step/* DeployError */.sH(`reading the status failed (exit ${res.code}): ${res.stderr.trim()}`);
            const out = statusFacts(res.stdout);
            const ahead = parseMigrationState(res.stdout.split('\n--- history')[0]).ahead;
            return Object.assign(out, {
                ahead,
                detail: `${out.facts.release || 'nothing deployed'}, health ${out.facts.health}`
            });
        });
        Object.assign(ctx.facts, found.facts);
        // A rollback left a migration in the database that the serving code does not have.
        if (found.ahead) {
            ctx.facts['database-warning'] = aheadAdvice(ctx, found.ahead);
            ctx.logger.warning(`${ctx.label}: ${ctx.facts['database-warning']}`);
        }
        const f = found.facts;
        const shown = {
            ...f,
            latency: f['p95-ms'] ? `${f['p50-ms']} / ${f['p95-ms']} / ${f['p99-ms']}` : '',
            'busy-sampled': f['busy-mean'] ? `${f['busy-mean']} / ${f['busy-max']}` : ''
        };
        const rows = ROWS.filter(([, k]) => shown[k]).map(([label, k]) => [label, shown[k]]);
        ctx.logger.info(`${ctx.label}:\n${(0,report.formatTable)(['', ctx.label], rows)}`);
        const n = ctx.settings.operate.historyLines;
        if (n > 0) {
            const last = found.history.slice(-n).reverse();
            ctx.facts.history = JSON.stringify(last);
            ctx.logger.info(`${ctx.label}: history, newest first:\n${(0,report.formatTable)(HISTORY_HEADER, historyRows(last))}`);
        }
        if (found.facts.healthy !== 'true') {
            host.setStatus('unhealthy');
            throw new step/* DeployError */.sH(`${ctx.label} is unhealthy: ${unhealthyReason(found.facts)}`, 'mode logs shows what the app said; mode verify runs the whole checklist.');
        }
    }
};

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./src/status/logs-script.ts


/** Seconds a log file's read may take (not a follow): a FIFO in its place never ends it. */
const READ_LIMIT_S = 30;
/** Seconds without a heartbeat from the runner after which a follow ends on its own. */
const FOLLOW_PATIENCE_S = 30;
/**
 * mode logs on one server: the app's journal (its units), Gunicorn's error log and the app's nginx
 * access log, each line prefixed with where it comes from. With follow, the three run side by side
 * until the channel is closed (the run cancelled); reading only, as root (the logs are root's and
 * the app's), never writing. A follow runs while the runner's heartbeats come on stdin (its end, a
 * cancel or a silent runner ends every reader at once). The script is templates/scripts/logs.sh.
 */
function logsScript(ctx) {
    const p = ctx.paths;
    const { sinceS, lines, follow, process } = ctx.settings.operate.logs;
    const units = process === ''
        ? [p.units.service.name, `${p.app}-*.service`]
        : process === 'web'
            ? [p.units.service.name]
            : [`${p.app}-${process}.service`];
    const withFiles = process === '' || process === 'web';
    return (0,scripts/* serverScript */.fj)('logs', {
        unit_a: units[0],
        unit_b: units[1] ?? '',
        with_files: withFiles ? 1 : 0,
        error_log: withFiles ? p.errorLog : '',
        app_user: p.user,
        access_log: withFiles ? nginxAccessLog(p.app) : '',
        since_s: sinceS,
        lines,
        follow: follow ? 1 : 0,
        read_limit: READ_LIMIT_S,
        patience: FOLLOW_PATIENCE_S
    });
}

;// CONCATENATED MODULE: ./src/modes/logs-mode.ts





/** How long logs --follow may run: a day, then the server ends it (a forgotten terminal). */
const FOLLOW_MS = 24 * 3_600_000;
/** Well inside the server's patience (FOLLOW_PATIENCE_S). */
const HEARTBEAT_MS = 5_000;
/**
 * The app's logs on each server, each line prefixed with the host and its source, every byte
 * through the fenced printer (the remote's stream). With follow, all servers at once, until the
 * run is cancelled: that is how a follow ends, so it is not a failure.
 */
const logsMode = {
    factKeys: [],
    okStatus: 'shown',
    parallel: true,
    async runHost(host) {
        const ctx = (0,context/* deployContext */.H3)(host);
        const { follow } = ctx.settings.operate.logs;
        await (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, 'logs', async () => {
            let code = 0;
            // A follow lives while this stream does (see logsScript): heartbeats, ended on cancel.
            const stdin = follow ? new external_node_stream_.PassThrough() : undefined;
            const beat = stdin && setInterval(() => stdin.write('\n'), HEARTBEAT_MS);
            const stop = () => void stdin?.end();
            ctx.signal?.addEventListener('abort', stop, { once: true });
            try {
                ({ code } = await ctx.remote.script(logsScript(ctx), {
                    sudo: true,
                    stream: true,
                    stdin,
                    ownChannel: true,
                    signal: ctx.signal,
                    timeoutMs: follow ? FOLLOW_MS : 120_000
                }));
            }
            catch (err) {
                if (follow && err instanceof cancel/* CancelledError */.cc)
                    return { detail: 'followed until cancelled' };
                throw err;
            }
            finally {
                clearInterval(beat);
                ctx.signal?.removeEventListener('abort', stop);
                stdin?.end();
            }
            if (code !== 0)
                throw new step/* DeployError */.sH(`reading the logs failed (exit ${code}); the server's words are above`);
            return { detail: follow ? 'followed' : `last ${ctx.settings.operate.logs.lines} lines` };
        });
    }
};

;// CONCATENATED MODULE: ./src/maintenance/nginx.ts


/** How long clients are told to wait before asking again (Retry-After), in seconds. */
const RETRY_AFTER_S = 300;
/** Where the maintenance page lives: root's, readable by nginx, outside anything the app writes. */
function maintenancePageDir(app) {
    return `/etc/gunicorn-deploy/maintenance/${app}`;
}
/** The http-level file: which client addresses still reach the app (nginx's geo needs http{}). */
function maintenanceGeoConf(app) {
    return `/etc/nginx/conf.d/gunicorn-deploy-${app}-maintenance.conf`;
}
/** nginx variable names take letters, digits and _; app names also have -. */
function varName(app) {
    return `gunicorn_deploy_${app.replace(/-/g, '_')}_allow`;
}
function geoText(app, allow) {
    return [
        `# Written by gunicorn-deploy: maintenance of ${app}; removed when maintenance is off.`,
        `geo $${varName(app)} {`,
        '    default 0;',
        ...allow.map((a) => `    ${a} 1;`),
        '}',
        ''
    ].join('\n');
}
/**
 * The server-level drop-in: every request but the health path, ACME's challenges and the allowed
 * addresses gets 503 with Retry-After and the page. Server-level rewrite directives run before any
 * location is chosen, so static files and uploads are covered too; the named location is reached by
 * an internal redirect that does not pass through them again. templates/nginx/maintenance.conf.hbs.
 */
function dropInText(app, healthPath) {
    const vars = {
        app,
        allowVar: varName(app),
        health: healthPath.split('?')[0],
        pageDir: maintenancePageDir(app),
        retryAfter: RETRY_AFTER_S
    };
    return (0,render/* renderTemplate */.Xm)('nginx/maintenance.conf', vars);
}
/** The page when the repository has no maintenance.html (templates/nginx/maintenance-page.html.hbs). */
function plainPage() {
    return (0,render/* renderTemplate */.Xm)('nginx/maintenance-page.html', {});
}


;// CONCATENATED MODULE: ./src/maintenance/script.ts



/** Exit code when `nginx -t` refused the result (everything was put back). */
const NGINX_REFUSED = 6;
/** Exit code when the app's nginx site does not include its drop-in folder (no provision yet). */
const NO_INCLUDE = 7;
/**
 * Maintenance on or off on one server, idempotent: the drop-in, the allow-list and the page (on
 * stdin) are compared with what is there; only a change is installed, tested with `nginx -t` (put
 * back on refusal) and loaded with a reload, which keeps every connection. Prints changed=yes|no.
 * The script is templates/scripts/maintenance.sh.
 */
function maintenanceScript(ctx, on, healthPath, allow) {
    const app = ctx.paths.app;
    return (0,scripts/* serverScript */.fj)('maintenance', {
        on: on ? 1 : 0,
        include: `include ${nginxDropInDir(app)}/`,
        site: ctx.paths.nginxSite,
        drop: maintenanceConf(app),
        geo: maintenanceGeoConf(app),
        page: `${maintenancePageDir(app)}/maintenance.html`,
        drop_text: on ? dropInText(app, healthPath) : '',
        geo_text: on ? geoText(app, allow) : '',
        dropin_dir: nginxDropInDir(app),
        page_dir: maintenancePageDir(app),
        no_include: NO_INCLUDE,
        refused: NGINX_REFUSED
    });
}

;// CONCATENATED MODULE: ./src/modes/maintenance-mode.ts









/** A page larger than this is not a maintenance page (and would travel in every 503). */
const MAX_PAGE_BYTES = 512 * 1024;
/** The repository's maintenance.html (at the top of `source`), else a plain page. */
async function pageText(source) {
    const file = external_node_path_.join(source, 'maintenance.html');
    const st = await (0,promises_.stat)(file).catch(() => undefined);
    if (!st)
        return { text: plainPage(), from: 'a plain page' };
    if (!st.isFile() || st.size > MAX_PAGE_BYTES)
        throw new step/* DeployError */.sH(`${file} is not a file of at most ${MAX_PAGE_BYTES / 1024} KiB; nothing was changed`, 'Make maintenance.html a small, self-contained HTML file (inline CSS, no other files).');
    return { text: await (0,promises_.readFile)(file, 'utf8'), from: 'maintenance.html' };
}
/**
 * Maintenance on or off: nginx answers 503 with Retry-After and the page on every path but the
 * health path (so checks, deploys and the health timer go on) and ACME's challenges; the
 * maintenance-allow addresses still reach the app. A drop-in of the site, so no deploy or
 * provision undoes it; idempotent; no deploy lock (deploys keep working behind it).
 */
const maintenanceMode = {
    factKeys: ['maintenance', 'changed'],
    okStatus: 'ok',
    async runHost(host) {
        const ctx = await (0,remembered/* withRememberedSettings */.EC)((0,context/* deployContext */.H3)(host));
        const { on, allow } = ctx.settings.operate.maintenance;
        const healthPath = ctx.settings.deploy.healthPath;
        const bad = (0,rules/* healthPathProblem */.Nr)(healthPath);
        if (bad)
            throw new step/* DeployError */.sH(`health-path ${bad}; nothing was changed`);
        await (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, 'maintenance', async () => {
            const page = on ? await pageText(ctx.settings.app.source) : { text: '', from: '' };
            const res = await ctx.remote.script(maintenanceScript(ctx, on, healthPath, allow), {
                sudo: true,
                stdin: page.text,
                timeoutMs: 60_000
            });
            if (res.code === NGINX_REFUSED)
                throw new step/* DeployError */.sH(`nginx -t refused the configuration with maintenance ${on ? 'on' : 'off'}; everything was put back and nginx was not reloaded:\n${res.stderr.trim()}`, 'Fix the nginx configuration named above, then run it again.');
            if (res.code === NO_INCLUDE)
                throw new step/* DeployError */.sH(`the nginx site of ${ctx.paths.app} on ${ctx.label} (${ctx.paths.nginxSite}) does not include its drop-in folder; nothing was changed`, 'Run mode provision once (it writes the site with the include, and nginx at all), then maintenance again.');
            if (res.code !== 0)
                throw new step/* DeployError */.sH(`maintenance ${on ? 'on' : 'off'} failed (exit ${res.code}): ${res.stderr.trim()}`);
            const changed = (0,context/* parseFacts */.hx)(res.stdout).changed === 'yes';
            ctx.facts.maintenance = on ? 'on' : 'off';
            ctx.facts.changed = String(changed);
            return {
                changed,
                detail: `${on ? 'on' : 'off'}${changed ? '' : ' already'}${on ? `, ${page.from}${allow.length ? `, ${allow.length} allowed` : ''}` : ''}`
            };
        });
    }
};

;// CONCATENATED MODULE: ./src/provision/remove.ts











/** Exit code when nginx -t refused the tree without the app's site (everything was put back). */
const remove_REFUSED = 6;
/**
 * Step `remove app` of mode remove: the app stops answering and nothing of it runs any more. Its
 * site goes first (through the same nginx -t gate as every nginx change, the catch-all decided again
 * for the apps that stay), then its timers and units (only files the tool wrote), logrotate, its
 * server-side scripts, its config folder (the env holds its secrets), and the certificate when
 * asked. Other apps' files are never named: every path comes from this app's layout.
 */
function removeAppScript(ctx) {
    const p = ctx.paths;
    const u = p.units;
    const timers = [...timerUnits(p).map((t) => t.timer.name), u.metricsTimer.name, u.tlsCheckTimer.name];
    const services = [
        u.service.name,
        u.socket.name,
        ...timerUnits(p).map((t) => t.service.name),
        u.metricsService.name,
        u.tlsCheckService.name
    ];
    const files = [
        ...Object.values(u).map((x) => x.file),
        certbotAlertDropin(p.app),
        // Earlier versions' per-app firewall ruleset (the unit is in the list above).
        `/etc/${p.app}/firewall.nft`
    ];
    const lines = (xs) => xs.join('\n');
    return (defaultServerFunctions() +
        (0,scripts/* serverScript */.fj)('remove_app', {
            enabled: p.nginxEnabled,
            avail: p.nginxSite,
            refused: remove_REFUSED,
            app: p.app,
            processes_installed: (0,steps_processes/* processPaths */.k4)(ctx).installed,
            schedules_installed: (0,steps_processes/* processPaths */.k4)(ctx).installedSchedules,
            timers: lines(timers),
            services: lines(services),
            files: lines(files),
            dropins: lines([u.service.file, u.socket.file].map((f) => `${f}.d`)),
            scripts: lines([p.logrotate, p.healthScript, p.dbScript, p.tlsScript, metricsPaths(p).script]),
            prom: metricsPaths(p).prom,
            ...removeProm(p.app),
            dirs: lines([p.etc, `/run/${p.app}`, `${ACME_WEBROOT_BASE}/${p.app}`]),
            unit_header: ownership/* UNIT_HEADER */.bz,
            cert: ctx.settings.remove.certificate ? 1 : 0,
            cert_live: `/etc/letsencrypt/live/${p.app}`,
            cert_renewal: `/etc/letsencrypt/renewal/${p.app}.conf`,
            cert_name: p.app,
            tls_dir: `/etc/gunicorn-deploy/tls/${p.app}`
        }));
}
/**
 * Step `remove files`, after the lock is let go: the app's user and build user, the releases and
 * venvs; the data (shared/, backups/) and logs unless remove-data, kept root-only so that no later
 * user given the same uid can read them.
 */
function removeFilesScript(ctx) {
    const p = ctx.paths;
    return (0,scripts/* serverScript */.fj)('remove_files', {
        data: ctx.settings.remove.data ? 1 : 0,
        gone: [p.releases, p.venvs, p.current, p.state].join('\n'),
        top: [p.dir, p.logDir].join('\n'),
        users: [p.user, p.buildUser].join('\n')
    });
}
async function removeApp(ctx) {
    try {
        return await (0,run/* runProvisionScript */.q)(ctx, 'removing the app', removeAppScript(ctx), { timeoutMs: 180_000 });
    }
    catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (msg.includes(`exit ${remove_REFUSED}`))
            throw new step/* DeployError */.sH(`nginx -t refused the configuration without the site of ${ctx.paths.app}; its site was put back and nothing of the app was stopped:\n${msg.split('\n').slice(1).join('\n')}`, 'Fix the nginx configuration named above (another site or conf.d file) and run mode remove again.');
        throw err;
    }
}
function removeFiles(ctx) {
    return (0,run/* runProvisionScript */.q)(ctx, 'removing the user and folders', removeFilesScript(ctx), {
        timeoutMs: 600_000
    });
}
/** Is the app still set up here (its unit, site, config, deploy state or user)? Kept data is not. */
async function appPresent(ctx) {
    const q = quote/* shQuote */.U;
    const p = ctx.paths;
    const res = await ctx.remote.script(`for f in ${[p.units.service.file, p.nginxSite, p.nginxEnabled, p.etc, p.state].map(q).join(' ')}; do [ -e "$f" ] || [ -L "$f" ] && { echo present=1; exit 0; }; done; id -u ${q(p.user)} >/dev/null 2>&1 && echo present=1; true`, { sudo: true, timeoutMs: 30_000 });
    return /^present=1$/m.test(res.stdout);
}

;// CONCATENATED MODULE: ./src/modes/remove-mode.ts









/**
 * Takes one app off a server and leaves the others serving: a final database backup (when the data
 * is kept), then under the app's lock its site, timers, units, config and (remove-certificate) its
 * certificate; then its entries in the server's firewall (the table rebuilt from the other apps'
 * requests, with the same no-lockout confirm); then its users, releases and venvs, and its data
 * only with remove-data. Every step does only what is still there, so a second run is a no-op.
 */
const removeMode = {
    factKeys: ['changes'],
    okStatus: 'removed',
    async runHost(host) {
        const ctx = await (0,remembered/* withRememberedSettings */.EC)((0,context/* deployContext */.H3)(host));
        const s = (name, fn) => (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, name, fn);
        const changes = [];
        const track = async (name, fn) => {
            const out = await s(name, fn);
            if (out.changed !== false)
                changes.push(name);
        };
        try {
            const present = await appPresent(ctx);
            let lock;
            const dry = ctx.settings.provision.dryRun;
            if (present) {
                if (!dry)
                    lock = await (0,steps_lock/* lockStep */.s9)(ctx);
                try {
                    if (!dry && !ctx.settings.remove.data && ctx.settings.deploy.sqliteDb)
                        await track('backup', () => backupDatabase(ctx, `${(0,paths/* releaseId */.Bf)(new Date(), '')}-removed`));
                    await track('remove app', () => removeApp(ctx));
                }
                finally {
                    await lock?.release();
                }
            }
            await track('firewall', () => rebuildFirewall(ctx, host.reconnect, undefined));
            await track('fail2ban', () => ensureFail2ban(ctx, { on: false }));
            // Also after an earlier remove: remove-data then deletes the data it kept.
            await track('remove files', () => removeFiles(ctx));
            if (!present)
                ctx.logger.info(`${ctx.label}: ${ctx.paths.app} was not set up on this server`);
        }
        finally {
            ctx.facts.changes = changes.length ? changes.join(' ') : 'none';
        }
    }
};

;// CONCATENATED MODULE: ./src/modes/alert-test-mode.ts





/** The event a test alert carries. */
const TEST_EVENT = 'test';
/**
 * Sends one alert (event `test`) through the server's own alert script and webhook, and waits for
 * the POST: so a new webhook is proven before the night it is needed. Changes nothing.
 */
const alertTestMode = {
    factKeys: [],
    okStatus: 'alert sent',
    async runHost(host) {
        const ctx = (0,context/* deployContext */.H3)(host);
        const q = quote/* shQuote */.U;
        const hook = `${ctx.paths.etc}/alert-webhook`;
        await (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, 'alert test', async () => {
            const res = await (0,context/* runScript */.j3)(ctx, 'sending the test alert', `[ -x ${q(alerts/* ALERT_SCRIPT */.FY)} ] || { echo "missing=script"; exit 0; }
[ -s ${q(hook)} ] || { echo "missing=webhook"; exit 0; }
${q(alerts/* ALERT_SCRIPT */.FY)} --send ${q(ctx.paths.app)} ${TEST_EVENT} ${q(`a test alert, sent by gunicorn-deploy (mode alert-test) from ${ctx.label}`)}`, { timeoutMs: 90_000 });
            if (/^missing=/m.test(res.stdout))
                throw new step/* DeployError */.sH(`no alert-webhook is set up for ${ctx.paths.app} on ${ctx.label} (${/^missing=script$/m.test(res.stdout) ? 'no alert script' : `no ${hook}`}); nothing was sent`, 'Run mode provision with alert-webhook first.');
            const failed = /could not be sent \(curl exit (\d+)/.exec(res.stdout);
            if (failed || !/ sent$/m.test(res.stdout))
                throw new step/* DeployError */.sH(`the test alert could not be sent to the webhook${failed ? ` (curl exit ${failed[1]}, after 4 tries)` : ''}`, 'Check that the server reaches the webhook URL (DNS, outbound HTTPS, the firewall of the receiver) and that the URL is current; then run mode alert-test again.');
            return { changed: false, detail: 'sent to the webhook (event test)' };
        });
    }
};

;// CONCATENATED MODULE: ./src/modes/index.ts















/** Every mode's strategy: a mode missing here does not compile. */
const STRATEGIES = {
    preflight: preflightMode,
    deploy: deployMode,
    rollback: rollbackMode,
    provision: provisionMode,
    verify: verifyMode,
    run: runMode,
    restore: restoreMode,
    backups: backupsMode,
    loadtest: loadtestMode,
    status: statusMode,
    logs: logsMode,
    maintenance: maintenanceMode,
    remove: removeMode,
    'alert-test': alertTestMode
};
/**
 * The modes that change a server but write no history line of their own: each gets an audit line
 * (src/audit/) under its mode's name, with these facts of the run; `skip` when it changed nothing.
 */
const AUDITED = {
    provision: { facts: ['release', 'changes'], skip: (c) => c.settings.provision.dryRun },
    run: { facts: ['release', 'exit-code'] },
    maintenance: { facts: ['maintenance', 'changed'] }
};
function modeStrategy(mode) {
    const strategy = STRATEGIES[mode];
    if (!strategy)
        throw new Error(`mode ${mode} has no strategy`);
    const audit = AUDITED[mode];
    return audit ? withAudit(strategy, mode, audit.facts, audit.skip) : strategy;
}

;// CONCATENATED MODULE: ./src/fleet.ts
/**
 * The order servers are deployed in. The servers of one batch are prepared (upload, venv, checks)
 * and switched together; the next batch starts only when every server of this one is proven live.
 * With max-parallel 1 (the default) that is one server at a time. A canary is a batch of its own,
 * proven before anything else is touched.
 */
function planBatches(hosts, maxParallel, canary) {
    const batches = [];
    let rest = hosts;
    if (canary && hosts.length > 1) {
        batches.push([hosts[0]]);
        rest = hosts.slice(1);
    }
    const size = Math.max(1, maxParallel);
    for (let i = 0; i < rest.length; i += size)
        batches.push(rest.slice(i, i + size));
    return batches;
}
/**
 * A logger that keeps one host's lines while several hosts work at once, so each host's phase is
 * printed as one readable group when it ends instead of interleaving line by line. Secrets are
 * registered at once; warnings and errors also go out at once (they become annotations).
 */
function bufferedLogger(real, label) {
    let lines = [];
    return {
        info: (m) => void lines.push(m),
        debug: (m) => real.debug(`[${label}] ${m}`),
        warning: (m) => {
            lines.push(`warning: ${m}`);
            real.warning(`${label}: ${m}`);
        },
        error: (m) => {
            lines.push(`error: ${m}`);
        },
        group: async (name, fn) => {
            lines.push(`-- ${name}`);
            return fn();
        },
        setSecret: (v) => real.setSecret(v),
        async flush(title) {
            const out = lines;
            lines = [];
            if (out.length === 0)
                return;
            await real.group(title, async () => {
                for (const l of out)
                    real.info(l);
            });
        }
    };
}

;// CONCATENATED MODULE: ./src/rolling.ts




/**
 * Several servers, safely: the servers of a batch (max-parallel of them, a canary alone) are
 * prepared and then switched together, batch after batch in the order given. The first failure
 * stops the rollout: servers not yet touched stay as they are, and with rollback-scope all, servers
 * already switched in this run go back to their previous release.
 */
async function runRolling(settings, rolling, slots, open, fail, logger, okStatus, signal) {
    const prepared = new Map();
    const activated = [];
    const live = new Set();
    const tidying = new Map();
    // In a fleet, its own group of lines, as it runs while the next batch prepares.
    const tidy = (slot) => {
        const buffered = slots.length > 1 ? bufferedLogger(logger, slot.report.host) : undefined;
        const ctx = { ...slot.ctx, logger: buffered ?? logger };
        return rolling
            .tidy(ctx, prepared.get(slot))
            .catch((err) => logger.warning(`${slot.report.host}: ${(0,step/* errorMessage */.gJ)(err)}`))
            .finally(async () => {
            await buffered?.flush(`${slot.report.host}: tidy`);
            slot.report.ms = performance.now() - slot.started;
        });
    };
    let failure;
    try {
        for (const batch of planBatches(slots, settings.fleet.maxParallel, settings.fleet.canary)) {
            // Cancelled between batches: the next one is not started; that counts as a failure, so
            // with rollback-scope all the servers already switched go back too.
            if (signal?.aborted) {
                const why = `the run was cancelled (${(0,cancel/* reasonOf */.A3)(signal)}) before it reached ${batch[0].report.host}`;
                // The run's error and status say so; without a failed slot the summary named no cause.
                if (!failure)
                    fail(batch[0], new cancel/* CancelledError */.cc(why));
                failure ??= { slot: batch[0], why };
                break;
            }
            const parallel = batch.length > 1;
            const results = await Promise.allSettled(batch.map(async (slot) => {
                const buffered = parallel ? bufferedLogger(logger, slot.report.host) : undefined;
                const log = buffered ?? logger;
                try {
                    const ctx = await open(slot, log);
                    // Everything before the switch may simply stop when the run is cancelled: a command
                    // in flight (an upload, a pip install) is ended, and release() lets go of the lock.
                    prepared.set(slot, await rolling.prepare(signal ? { ...ctx, remote: (0,cancel/* abortable */.ZC)(ctx.remote, signal) } : ctx));
                }
                finally {
                    await buffered?.flush(`${slot.report.host}: prepare`);
                    if (slot.ctx)
                        slot.ctx.logger = logger;
                }
            }));
            results.forEach((r, i) => {
                if (r.status === 'rejected') {
                    fail(batch[i], r.reason);
                    failure ??= { slot: batch[i], why: (0,step/* errorMessage */.gJ)(r.reason) };
                }
            });
            if (failure)
                break;
            // Each switch is zero-downtime on its own server (HUP, or a restart behind the socket unit),
            // so the servers of one batch switch together; batches, and so most servers, wait their turn.
            const activations = await Promise.allSettled(batch.map(async (slot) => {
                const buffered = parallel ? bufferedLogger(logger, slot.report.host) : undefined;
                if (buffered)
                    slot.ctx.logger = buffered;
                try {
                    // Live once proven (even if post-activate then failed): tidied below, in batch order.
                    await activateThenTidy(() => rolling.activate(slot.ctx, prepared.get(slot)), async () => void live.add(slot));
                }
                finally {
                    await buffered?.flush(`${slot.report.host}: activate`);
                    slot.ctx.logger = logger;
                    slot.report.ms = performance.now() - slot.started;
                }
            }));
            activations.forEach((r, i) => {
                const slot = batch[i];
                if (r.status === 'fulfilled')
                    slot.report.ok = true;
                // Live, even when it then failed (post-activate): tidied like the others and, with
                // rollback-scope all, taken back with them; the fleet never ends on two releases.
                if (live.has(slot)) {
                    activated.push(slot);
                    tidying.set(slot, tidy(slot));
                }
                if (r.status === 'rejected') {
                    fail(slot, r.reason);
                    failure ??= { slot, why: (0,step/* errorMessage */.gJ)(r.reason) };
                }
            });
            if (failure)
                break;
        }
        // A server's history gets its deploy line before any rollback line.
        await Promise.all(tidying.values());
        if (failure && settings.fleet.rollbackScope === 'all') {
            for (const slot of activated.reverse()) {
                const why = `${failure.slot.report.host} failed: ${failure.why.split('\n')[0]}`;
                try {
                    await rolling.undo(slot.ctx, prepared.get(slot), why);
                    slot.report.ok = false;
                }
                catch (err) {
                    fail(slot, new Error(`rolling back after ${why} failed: ${(0,step/* errorMessage */.gJ)(err)}`));
                }
            }
        }
    }
    finally {
        await Promise.all(tidying.values());
        // Prepared but stopped before their switch (another server of the batch failed, or the run was
        // cancelled): their old release serves, which "deployed" would deny.
        for (const slot of prepared.keys())
            if (!activated.includes(slot) && !slot.report.error && slot.report.status === okStatus)
                slot.report.status = signal?.aborted ? 'cancelled' : 'not switched';
        for (const [slot, p] of prepared)
            await rolling.release(slot.ctx, p).catch(() => undefined);
        for (const slot of slots)
            if (slot.started && !slot.report.ms)
                slot.report.ms = performance.now() - slot.started;
    }
}

// EXTERNAL MODULE: ./src/troubleshooting.ts
var troubleshooting = __webpack_require__(933);
;// CONCATENATED MODULE: ./src/steps/catalog-deploy.ts
/**
 * The deploy's steps, rollback's and restore's among them (in the catalog's order: catalog.ts joins
 * the parts).
 */
const DEPLOY_STEPS = {
    connect: {
        modes: ['all'],
        section: 'connect',
        what: 'the SSH connection, the host key verified'
    },
    preflight: {
        modes: ['preflight', 'provision'],
        section: 'server',
        what: 'what the server has and lacks (sudo, systemd, python3, packages, the name, disk space)'
    },
    lock: {
        modes: ['deploy', 'provision', 'rollback', 'restore', 'run', 'remove'],
        section: 'server',
        what: 'one deploy per app per server, after the name and disk checks'
    },
    layout: {
        modes: ['deploy'],
        section: 'server',
        what: "the app's users, folders and /etc/APP"
    },
    upload: {
        modes: ['deploy'],
        section: 'build',
        what: 'the release: what changed since the serving one, or the whole tree'
    },
    venv: {
        modes: ['deploy'],
        section: 'build',
        what: 'the virtualenv venvs/HASH, reused or built'
    },
    config: {
        modes: ['deploy'],
        section: 'build',
        what: 'the units, Gunicorn config and env file, rendered and staged'
    },
    build: {
        modes: ['deploy'],
        section: 'build',
        what: 'the build commands (with `build`), in the new release'
    },
    backup: {
        modes: ['deploy', 'remove'],
        section: 'build',
        what: "an online backup of the SQLite database (or a pg_dump of PostgreSQL's), checked"
    },
    'download backup': {
        modes: ['deploy', 'backups'],
        section: 'build',
        what: 'a backup copied to the runner and checked there'
    },
    check: {
        modes: ['deploy'],
        section: 'build',
        what: 'the new release imported as the service would'
    },
    'pre-activate': {
        modes: ['deploy'],
        section: 'build',
        what: 'your migrations, in the new release'
    },
    candidate: {
        modes: ['deploy', 'rollback'],
        section: 'candidate',
        what: 'the release booted on a private socket and asked for health-path and smoke-paths'
    },
    'release phase': {
        modes: ['deploy'],
        section: 'build',
        what: 'release-command (or the Procfile release:), once per deploy on the first server, before any switch'
    },
    units: {
        modes: ['deploy', 'rollback'],
        section: 'live',
        what: "the changed config files put in place (rollback: the target's own unit and Gunicorn config, or the serving one's put back)"
    },
    switch: {
        modes: ['deploy', 'rollback'],
        section: 'live',
        what: '`current` flipped; Gunicorn reloaded, restarted or started'
    },
    verify: {
        modes: ['deploy', 'rollback', 'restore', 'verify'],
        section: 'live',
        what: 'new workers in the new release answer health-path through the live socket'
    },
    processes: {
        modes: ['deploy', 'rollback'],
        section: 'live',
        what: "the app's other processes (Procfile) moved onto the release and proven up for process-settle"
    },
    'post-activate': {
        modes: ['deploy'],
        section: 'live',
        what: 'your commands after the release is live'
    },
    prune: {
        modes: ['deploy'],
        section: 'live',
        what: 'old releases and venvs removed; the history line written'
    },
    rollback: {
        modes: ['deploy'],
        section: 'live',
        what: 'the previous release put back and proven healthy'
    },
    'check backup': {
        modes: ['deploy', 'rollback', 'restore'],
        section: 'live',
        what: 'the backup to restore staged and checked (PRAGMA integrity_check)'
    },
    'restore database': {
        modes: ['deploy', 'rollback'],
        section: 'live',
        what: 'with rollback-restore-database: the backup before the migration put back'
    },
    'verify restored database': {
        modes: ['deploy', 'rollback'],
        section: 'live',
        what: 'the app proven healthy on the restored database'
    },
    'put back': {
        modes: ['deploy', 'rollback', 'restore'],
        section: 'live',
        what: 'the database as it was before the restore put back'
    }
};

;// CONCATENATED MODULE: ./src/steps/catalog-operate.ts
/**
 * The steps of rollback, restore, backups, run, loadtest, status, logs and maintenance (in the
 * catalog's order: catalog.ts joins the parts).
 */
const OPERATE_STEPS = {
    'find release': {
        modes: ['rollback'],
        section: 'rollback',
        what: 'the newest release proven live other than the current one, or rollback-to'
    },
    'rollback-command': {
        modes: ['rollback'],
        section: 'rollback',
        what: 'when the release left changed the schema: its rollback-command in it (the downgrade), before the older release boots'
    },
    'redo migration': {
        modes: ['rollback'],
        section: 'rollback',
        what: 'after a rollback that failed once the downgrade ran: the release kept serving runs its pre-activate again'
    },
    restore: {
        modes: ['rollback', 'restore'],
        section: 'rollback',
        what: 'rollback: the release that served put back; restore: the backup swapped in'
    },
    'verify restored': {
        modes: ['rollback'],
        section: 'rollback',
        what: 'the release put back proven healthy'
    },
    'verify put back': {
        modes: ['restore'],
        section: 'data',
        what: 'the app proven healthy on the database put back'
    },
    'list backups': {
        modes: ['backups'],
        section: 'data',
        what: 'the database backups on the server'
    },
    run: {
        modes: ['run'],
        section: 'run',
        what: 'the command, in the serving release with its venv and environment'
    },
    'load check': {
        modes: ['loadtest', 'verify'],
        section: 'load',
        what: 'wrk on the server through nginx at each load-clients level, judged by the load-* thresholds'
    },
    status: {
        modes: ['status'],
        section: 'operate',
        what: 'what serves and how it is doing, read in one round trip (changes nothing)'
    },
    logs: {
        modes: ['logs'],
        section: 'operate',
        what: "the app's journal, Gunicorn's error log and nginx's access log, each line prefixed (changes nothing)"
    },
    maintenance: {
        modes: ['maintenance'],
        section: 'operate',
        what: "nginx's maintenance drop-in put in place or removed, tested with nginx -t, nginx reloaded when it changed"
    }
};

;// CONCATENATED MODULE: ./src/steps/catalog-provision.ts
/**
 * Provision's own steps, remove's and alert-test's (in the catalog's order: catalog.ts joins the
 * parts).
 */
const PROVISION_STEPS = {
    packages: {
        modes: ['provision'],
        section: 'provision',
        what: 'the Debian packages the app and the tool need'
    },
    user: {
        modes: ['provision'],
        section: 'provision',
        what: "the app's users and folders"
    },
    postgresql: {
        modes: ['provision'],
        section: 'provision',
        what: "with database: postgres: the cluster running, the app's role (peer authentication), its database, the daily pg_dump timer"
    },
    'import-database': {
        modes: ['provision'],
        section: 'provision',
        what: 'with import-database: a database file put in place before the app first starts'
    },
    nginx: {
        modes: ['provision'],
        section: 'provision',
        what: 'the nginx site, tested with nginx -t before nginx reloads'
    },
    tls: {
        modes: ['provision'],
        section: 'provision',
        what: 'with tls: acme or files: the certificate (certbot through HTTP-01, or the given pair), HTTPS'
    },
    logrotate: {
        modes: ['provision'],
        section: 'provision',
        what: 'the logrotate rules, checked with logrotate -d'
    },
    alerts: {
        modes: ['provision'],
        section: 'provision',
        what: 'with alert-webhook: the webhook URL (root only) and the sender the server alerts through'
    },
    services: {
        modes: ['provision'],
        section: 'provision',
        what: "with services: Debian's redis-server on a unix socket only, the app's user let in"
    },
    timers: {
        modes: ['provision'],
        section: 'provision',
        what: 'the health check and daily database backup timers'
    },
    metrics: {
        modes: ['provision'],
        section: 'provision',
        what: "with metrics: node-exporter at metrics-listen and the 15 s timer writing the app's Prometheus text file"
    },
    firewall: {
        modes: ['provision', 'remove'],
        section: 'provision',
        what: "the server's nftables table rebuilt from every app's ports (firewall: true), reverted unless a new SSH login confirms it"
    },
    fail2ban: {
        modes: ['provision', 'remove'],
        section: 'provision',
        what: "fail2ban (fail2ban: true): the server's sshd jail from every app's request and the app's rate-limit jail, or removed"
    },
    'remove app': {
        modes: ['remove'],
        section: 'provision',
        what: "the app's site (nginx -t first), timers, units, config and, with remove-certificate, its certificate"
    },
    'alert test': {
        modes: ['alert-test'],
        section: 'provision',
        what: "one alert (event test) through the server's alert script to alert-webhook, waited for"
    },
    'remove files': {
        modes: ['remove'],
        section: 'provision',
        what: "the app's users, releases and venvs; its data and logs only with remove-data (else kept, root-only)"
    },
    release: {
        modes: ['provision'],
        section: 'provision',
        what: 'whether the source needs a deploy (then the deploy steps run)'
    },
    checklist: {
        modes: ['provision'],
        section: 'provision',
        what: 'the verify checklist'
    }
};

;// CONCATENATED MODULE: ./src/steps/catalog.ts



/**
 * Every step of every mode, by the name it has in the log, the summary and the report: the README
 * Troubleshooting section its failures point to (when it fails in a deploy; provision, rollback,
 * run, restore and backups point to their own mode's section) and what it does. A step is named
 * through this catalog (step() takes a StepName), so a typo fails tsc; troubleshooting.ts, the
 * README's step tables and the lifecycle test's order derive from it (tests keep them in step).
 */
const STEPS = { ...DEPLOY_STEPS, ...PROVISION_STEPS, ...OPERATE_STEPS };
const STEP_NAMES = Object.keys(STEPS);
function isStepName(name) {
    return Object.hasOwn(STEPS, name);
}
/** The steps of a mode (those of every mode included), in the catalog's order. */
function stepsOf(mode) {
    return STEP_NAMES.filter((n) => {
        const modes = STEPS[n].modes;
        return modes.includes(mode) || modes.includes('all');
    });
}

;// CONCATENATED MODULE: ./src/error-section.ts

/**
 * The section for a run of `mode` that failed in `failedStep` (undefined: the error came from no
 * step, e.g. the engine's own bookkeeping around them).
 */
function sectionFor(mode, failedStep) {
    if (failedStep === 'connect')
        return 'connect';
    if (failedStep === 'load check')
        return 'load';
    // Provision's first deploy fails in the deploy's own steps (pip, the import check, the candidate):
    // their sections explain them, not provision's.
    const deployStep = failedStep === undefined ? undefined : STEPS[failedStep].section;
    if (mode === 'provision' && (deployStep === 'build' || deployStep === 'candidate' || deployStep === 'live'))
        return deployStep;
    if (mode === 'provision' || mode === 'verify' || mode === 'remove' || mode === 'alert-test')
        return 'provision';
    if (mode === 'rollback')
        return 'rollback';
    if (mode === 'run')
        return 'run';
    if (mode === 'status' || mode === 'logs' || mode === 'maintenance')
        return 'operate';
    if (mode === 'restore' || mode === 'backups')
        return 'data';
    // A deploy that failed outside any step: the server's state (the lock, the layout) is where to look.
    if (deployStep === undefined)
        return 'server';
    return deployStep;
}

// EXTERNAL MODULE: ./src/audit/origin.ts
var origin = __webpack_require__(3297);
;// CONCATENATED MODULE: ./src/notify/webhook.ts


/**
 * Deploy notifications: one JSON POST to notify-webhook when a deploy starts and one when it ends.
 * Sent from the runner in the background: the start never waits, the end waits at most
 * NOTIFY_WAIT_MS once the deploy is over, then every request still open is abandoned with a
 * warning. Nothing here can fail or hold a deploy; the URL is a secret (masked, never printed).
 */
const NOTIFY_WAIT_MS = Number(process.env.GUNICORN_DEPLOY_NOTIFY_WAIT_MS) || 900;
/** How a deploy ended, in the words of the notification. */
function outcomeOf(report) {
    if (report.ok)
        return 'deployed';
    if (report.status === 'cancelled')
        return 'cancelled';
    if (report.hosts.some((h) => h.facts['rolled-back'] === 'true'))
        return 'rolled back';
    // Failed before any server switched: the release was refused, nothing changed for users.
    if (report.hosts.some((h) => h.steps.some((s) => s.name === 'switch')))
        return 'failed';
    return report.hosts.some((h) => h.steps.some((s) => s.name === 'upload')) ? 'refused' : 'failed';
}
function notification(settings, outcome, report, startedAt = Date.now()) {
    const o = (0,origin/* runOrigin */.s)();
    const app = settings.app.name;
    const servers = settings.hosts.map((h) => h.host);
    const first = report?.hosts.find((h) => h.facts.release) ?? report?.hosts[0];
    const failedRelease = report?.hosts.find((h) => h.facts['failed-release'])?.facts['failed-release'];
    const release = failedRelease ?? first?.facts.release ?? '';
    const commit = settings.deploy.commit;
    const reason = (report?.error ?? '').split('\n')[0].slice(0, 500);
    const duration = Math.round((Date.now() - startedAt) / 100) / 10;
    const what = `${app}${commit ? ` at ${commit.slice(0, 7)}` : ''}`;
    const where = servers.length === 1 ? servers[0] : `${servers.length} servers`;
    const text = outcome === 'started'
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
function deployNotifier(settings, logger) {
    const url = settings.notify.webhook;
    if (!url || settings.mode !== 'deploy')
        return { end: async () => undefined };
    const startedAt = Date.now();
    const abandon = new AbortController();
    const problems = [];
    const send = (n) => fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'gunicorn-deploy' },
        body: JSON.stringify(n),
        signal: abandon.signal,
        redirect: 'error'
    })
        .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok)
            problems.push(`${n.event}: the webhook answered HTTP ${res.status}`);
    })
        .catch((err) => {
        problems.push(`${n.event}: ${abandon.signal.aborted ? `no answer within the deploy (+${NOTIFY_WAIT_MS} ms)` : (0,step/* errorMessage */.gJ)(err)}`);
    });
    const started = send(notification(settings, 'started'));
    return {
        async end(report) {
            const ended = send(notification(settings, outcomeOf(report), report, startedAt));
            let timer;
            await Promise.race([
                Promise.all([started, ended]),
                new Promise((r) => (timer = setTimeout(r, NOTIFY_WAIT_MS)))
            ]);
            clearTimeout(timer);
            abandon.abort();
            await Promise.all([started, ended]);
            for (const p of problems)
                logger.warning(`deploy notification not delivered (${p}); the deploy itself is not affected`);
        }
    };
}

;// CONCATENATED MODULE: ./src/engine.ts












// Where the front doors have always found them; they belong to the settings (src/settings/hosts.ts).


async function runEngine(settings, deps) {
    const { logger, signal } = deps;
    const connect = deps.connect ?? connection/* connect */.Ng;
    registerSecrets(settings, logger);
    const strategy = deps.strategy ?? modeStrategy(settings.mode);
    const start = performance.now();
    const slots = settings.hosts.map((spec) => ({
        spec,
        started: 0,
        report: { host: (0,src_settings/* hostLabel */.vy)(spec), ok: false, status: 'not started', steps: [], ms: 0, facts: {} }
    }));
    const local = await sourceProblems(settings);
    if (local.length > 0) {
        // Printed once, by the front end (the action's annotation, the CLI's last line).
        const error = new src_settings/* SettingsError */.GN(local).message;
        const hosts = slots.map((s) => s.report);
        return {
            report: {
                mode: settings.mode,
                ok: false,
                status: 'failed',
                hosts,
                ms: performance.now() - start,
                error
            },
            factKeys: strategy.factKeys
        };
    }
    // What the upload will send, listed and hashed while SSH connects (src/early-manifest.ts).
    if (settings.mode === 'deploy')
        startManifest(settings.app.source, settings.app.exclude);
    // Started once the inputs are known good; its end waits a bounded moment (src/notify/webhook.ts).
    const notifier = deployNotifier(settings, logger);
    const open = async (slot, log) => {
        if (signal?.aborted)
            throw new cancel/* CancelledError */.cc(`the run was cancelled (${(0,cancel/* reasonOf */.A3)(signal)}) before it reached ${slot.report.host}`);
        slot.started = performance.now();
        const { report } = slot;
        const label = report.host;
        const remote = await (0,step/* step */.PM)(log, report.steps, label, 'connect', async () => {
            const r = await connect(targetFor(settings, slot.spec), log);
            return Object.assign(r, { detail: `${settings.ssh.user}@${label}` });
        });
        slot.remote = remote;
        report.status = strategy.okStatus;
        slot.ctx = {
            remote,
            settings,
            logger: log,
            label,
            records: report.steps,
            facts: report.facts,
            setStatus: (s) => (report.status = s),
            signal,
            notePhase: (note) => deps.onPhase?.(slots.indexOf(slot), label, note),
            reconnect: () => connect({ ...targetFor(settings, slot.spec), retries: 0 }, log)
        };
        return slot.ctx;
    };
    const fail = (slot, err) => {
        const r = slot.report;
        r.ok = false;
        if (r.status === strategy.okStatus || r.status === 'not started')
            r.status = signal?.aborted ? 'cancelled' : 'failed';
        const failedStep = r.steps.filter((st) => !st.ok).at(-1)?.name;
        r.error = `${(0,step/* errorMessage */.gJ)(err)}\n${(0,troubleshooting/* troubleshootingRef */.sG)(sectionFor(settings.mode, failedStep))}`;
    };
    try {
        if (strategy.rolling)
            await runRolling(settings, strategy.rolling, slots, open, fail, logger, strategy.okStatus, signal);
        else if (strategy.parallel) {
            await Promise.all(slots.map(async (slot) => {
                try {
                    await strategy.runHost(await open(slot, logger));
                    slot.report.ok = true;
                }
                catch (err) {
                    fail(slot, err);
                }
                finally {
                    slot.report.ms = performance.now() - slot.started;
                }
            }));
        }
        else {
            for (const slot of slots) {
                if (signal?.aborted)
                    break;
                try {
                    await strategy.runHost(await open(slot, logger));
                    slot.report.ok = true;
                }
                catch (err) {
                    fail(slot, err);
                    // A failed host stops the run: servers not yet touched are left alone. The checks that
                    // change nothing go on: each server's answer is its own.
                    if (!['preflight', 'verify', 'loadtest', 'status', 'logs'].includes(settings.mode))
                        break;
                }
                finally {
                    slot.report.ms = performance.now() - slot.started;
                }
            }
        }
    }
    finally {
        for (const s of slots)
            if (s.remote?.roundTrips !== undefined)
                s.report.roundTrips = s.remote.roundTrips;
        for (const s of slots)
            if (s.remote?.waits !== undefined)
                s.report.waits = s.remote.waits;
        await Promise.all(slots.map((s) => s.remote?.close().catch(() => undefined)));
    }
    const hosts = slots.map((s) => s.report);
    const ok = hosts.every((h) => h.ok);
    const failed = hosts.find((h) => h.error);
    const others = hosts.filter((h) => h !== failed && h.facts['rolled-back'] === 'true').map((h) => h.host);
    const report = {
        mode: settings.mode,
        ok,
        status: ok ? strategy.okStatus : (failed?.status ?? 'failed'),
        hosts,
        ms: performance.now() - start,
        error: failed
            ? `${failed.host}: ${failed.error}${others.length ? `\nRolled back on the servers already switched in this run: ${others.join(', ')}.` : ''}`
            : undefined
    };
    await notifier.end(report);
    return { report, factKeys: strategy.factKeys };
}


/***/ }),

/***/ 3936:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ek: () => (/* binding */ generatorNote),
/* harmony export */   GY: () => (/* binding */ sourceNote),
/* harmony export */   s6: () => (/* binding */ loadSummaryMarkdown)
/* harmony export */ });
/* unused harmony export p95Chart */
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5417);

/** The table header's words for where CPU and memory come from. */
function sourceNote(source) {
    return source === 'cgroup'
        ? "peaks of this container's cgroup (what the server may use: cpu.stat; memory.current of memory.max where the cgroup has a memory controller)"
        : 'peaks of the whole machine';
}
function markdownTable(header, rows) {
    const esc = (s) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    return [
        `| ${header.join(' | ')} |`,
        `| ${header.map(() => '---').join(' | ')} |`,
        ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)
    ].join('\n');
}
/** How much of the CPU figures is the load generator's own. */
function generatorNote(levels) {
    const most = Math.max(0, ...levels.map((l) => l.generatorCpu ?? 0));
    return `wrk itself used at most ${most}% of one core`;
}
/** A y-axis top a little above the highest bar or the threshold line, on a round number. */
function axisTop(values) {
    const top = Math.max(1, ...values) * 1.15;
    const step = 10 ** Math.floor(Math.log10(top));
    return Math.ceil(top / step) * step;
}
/**
 * A Mermaid xychart (GitHub renders it in the job summary): p95 per level as bars, the load-p95
 * threshold as a line. Only numbers and the host label (a checked host name) reach it.
 */
function p95Chart(host, fact) {
    const levels = fact.levels;
    const p95 = levels.map((l) => l.p95Ms);
    const limit = fact.thresholds.p95Ms;
    return [
        '```mermaid',
        'xychart-beta',
        `    title "p95 latency per level on ${host.replace(/"/g, '')} (line: load-p95)"`,
        `    x-axis "concurrent clients" [${levels.map((l) => `"${l.clients}"`).join(', ')}]`,
        `    y-axis "p95 latency (ms)" 0 --> ${axisTop([...p95, limit])}`,
        `    bar [${p95.join(', ')}]`,
        `    line [${levels.map(() => limit).join(', ')}]`,
        '```'
    ].join('\n');
}
/** The job summary's part for one host's load check; undefined when the host ran none. */
function loadSummaryMarkdown(host, json) {
    if (!json)
        return undefined;
    let fact;
    try {
        fact = JSON.parse(json);
    }
    catch {
        return undefined;
    }
    if (!Array.isArray(fact.levels) || fact.levels.length === 0)
        return undefined;
    const t = fact.thresholds;
    const missed = fact.levels.flatMap((l) => l.missed.map((m) => `- ${l.clients} clients: ${m}`));
    return [
        `Load check on ${host}: ${fact.paths.join(', ')} through nginx${fact.target?.startsWith('https') ? ' over HTTPS' : ''}, ${fact.levelS} s per level, ` +
            `${fact.thinkMs ? `${fact.thinkMs} ms think time per client` : 'no think time'}; ` +
            `thresholds p95 ${t.p95Ms} ms, success ${t.successMin}%, CPU ${t.cpuMax}%, memory ${t.memoryMax}% ` +
            `(CPU and memory: ${sourceNote(fact.source)}, the load generator included: ${generatorNote(fact.levels)}).`,
        markdownTable(_verdict_js__WEBPACK_IMPORTED_MODULE_0__/* .LOAD_HEADER */ .Rz, (0,_verdict_js__WEBPACK_IMPORTED_MODULE_0__/* .loadRows */ .kh)(fact.levels)),
        ...(missed.length ? [missed.join('\n')] : []),
        p95Chart(host, fact)
    ].join('\n\n');
}


/***/ }),

/***/ 5417:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Rz: () => (/* binding */ LOAD_HEADER),
/* harmony export */   S4: () => (/* binding */ judge),
/* harmony export */   W6: () => (/* binding */ thresholdsOf),
/* harmony export */   kh: () => (/* binding */ loadRows)
/* harmony export */ });
/* unused harmony export successRate */
function thresholdsOf(s) {
    return { p95Ms: s.p95Ms, successMin: s.successMin, cpuMax: s.cpuMax, memoryMax: s.memoryMax };
}
/** Success share in percent with one decimal, never rounded up to 100 while a request failed. */
function successRate(l) {
    if (l.requests === 0)
        return 0;
    const r = Math.floor((l.successes / l.requests) * 1000) / 10;
    return r;
}
const pct = (n) => `${Number.isInteger(n) ? n : n.toFixed(1)}%`;
/** Which thresholds a level missed, each said with the input that sets it. */
function judge(l, t) {
    const missed = [];
    if (l.problem || l.requests === 0) {
        missed.push(`no figures: ${l.problem ?? 'no request was answered'}`);
        return { ...l, missed };
    }
    const rate = successRate(l);
    if (rate < t.successMin) {
        const what = [
            ...Object.entries(l.statuses)
                .filter(([code]) => !/^[23]/.test(code))
                .map(([code, n]) => `${n} x HTTP ${code}`),
            ...Object.entries(l.errors).map(([kind, n]) => `${n} ${kind} error${n === 1 ? '' : 's'}`)
        ].join(', ');
        missed.push(`success ${pct(rate)} is under load-success ${pct(t.successMin)} (${what})`);
    }
    if (l.p95Ms > t.p95Ms)
        missed.push(`p95 ${l.p95Ms} ms is over load-p95 ${t.p95Ms} ms`);
    if (l.cpuPeak > t.cpuMax)
        missed.push(`CPU peak ${pct(l.cpuPeak)} is over load-cpu ${pct(t.cpuMax)}`);
    if (l.memoryPeak > t.memoryMax)
        missed.push(`memory peak ${pct(l.memoryPeak)} is over load-memory ${pct(t.memoryMax)}`);
    return { ...l, missed };
}
const LOAD_HEADER = [
    'clients',
    'requests',
    'success',
    'p50',
    'p95',
    'p99',
    'req/s',
    'CPU peak',
    'memory peak',
    'result'
];
/** The seed's table for this server, one row per level (the log's and the summary's). */
function loadRows(levels) {
    return levels.map((l) => [
        String(l.clients),
        `${l.requests}${l.capped ? ' (cap)' : ''}`,
        pct(successRate(l)),
        `${l.p50Ms} ms`,
        `${l.p95Ms} ms`,
        `${l.p99Ms} ms`,
        String(l.rps),
        pct(l.cpuPeak),
        pct(l.memoryPeak),
        l.missed.length ? 'FAILED' : 'ok'
    ]);
}


/***/ }),

/***/ 4449:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  h1: () => (/* binding */ MANIFEST_FILE),
  yg: () => (/* binding */ MANIFEST_HEADER),
  u1: () => (/* binding */ buildManifest),
  ew: () => (/* binding */ diffManifests),
  Ng: () => (/* binding */ parseManifest),
  MZ: () => (/* binding */ serializeManifest)
});

// UNUSED EXPORTS: listTree

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
;// CONCATENATED MODULE: ./src/git-blobs.ts


const exec = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
async function git(dir, args, input = '') {
    // Read-only: no index refresh (optional locks off), and no fetch of missing objects in a partial
    // clone (a missing blob just means we hash that file ourselves).
    const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_NO_LAZY_FETCH: '1' };
    // The repository dir is in, not one a git hook running us points at (its ids are for other files).
    for (const v of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE'])
        delete env[v];
    const run = exec('git', ['-C', dir, ...args], { env, maxBuffer: 1 << 28, timeout: 60_000 });
    // git may exit (not a repository) before reading its input: the write then fails, harmlessly.
    run.child.stdin?.on('error', () => { });
    run.child.stdin?.end(input);
    return (await run).stdout;
}
/**
 * The blob ids git can vouch for, by path relative to dir: files whose index entry git itself
 * finds unchanged in the work tree. Three git processes, whatever the tree's size. Empty when dir
 * is not in a git work tree, git is missing or anything fails: the caller then hashes every file.
 * The caller must still compare sizes: a clean/smudge filter or eol conversion (LFS pointers,
 * CRLF checkouts) leaves git calling a file clean whose bytes are not the blob's.
 */
async function gitBlobs(dir) {
    try {
        const [staged, changed] = await Promise.all([
            git(dir, ['ls-files', '-s', '-v', '-z']),
            // git's own stat check, racily clean entries included; --relative: paths as ls-files gives them.
            git(dir, ['diff-files', '--name-only', '-z', '--relative', '--ignore-submodules'])
        ]);
        const dirty = new Set(changed.split('\0'));
        const ids = new Map();
        for (const rec of staged.split('\0')) {
            // Only H: lowercase (assume-unchanged) and S (skip-worktree) entries are not checked against
            // the work tree. 40 hex only: a SHA-256 repository's ids are not the SHA-1 we compute.
            const m = /^H (?:100644|100755|120000) ([0-9a-f]{40}) 0\t(.+)$/s.exec(rec);
            if (m && !dirty.has(m[2]))
                ids.set(m[2], m[1]);
        }
        if (ids.size === 0)
            return new Map();
        const sizes = new Map();
        const out = await git(dir, ['cat-file', '--batch-check=%(objectname) %(objectsize)'], [...new Set(ids.values())].join('\n') + '\n');
        for (const line of out.split('\n')) {
            const [id, size] = line.split(' ');
            if (id && size && /^\d+$/.test(size))
                sizes.set(id, Number(size));
        }
        const blobs = new Map();
        for (const [p, id] of ids) {
            const size = sizes.get(id);
            if (size !== undefined)
                blobs.set(p, { id, size });
        }
        return blobs;
    }
    catch {
        return new Map();
    }
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/hash-cache.ts




/**
 * The blob ids of a tree that is not a git checkout, remembered between runs on the same machine
 * (the CLI, a self-hosted runner) so that only files whose stat changed are read again: hashing
 * 5,000 small files costs ~0.2-0.4 s, the stat of each ~0.15 s. An entry is trusted only when size,
 * mtime, ctime, inode and device all match, and only when the file was last changed well before
 * the entry was made (a file changed in the same instant as the hashing is hashed again, as git
 * treats "racily clean" entries). A GitHub-hosted runner starts every job cold: the cache is
 * simply not found there.
 */
const VERSION = 1;
/** A change this close to (or after) the hashing may have been missed by the stat: never trusted. */
const RACY_MS = 2000;
class HashCache {
    file;
    source;
    old;
    fresh = {};
    startedAt = Date.now();
    constructor(file, source, old) {
        this.file = file;
        this.source = source;
        this.old = old;
    }
    /** The cache for this source folder: in RUNNER_TEMP when set, else the OS temp folder. */
    static open(source, exclude) {
        const key = (0,external_node_crypto_.createHash)('sha256')
            .update(JSON.stringify([external_node_path_.resolve(source), [...exclude]]))
            .digest('hex')
            .slice(0, 24);
        const dir = process.env.RUNNER_TEMP || external_node_os_.tmpdir();
        const file = external_node_path_.join(dir, `gunicorn-deploy-hashes-${key}.json`);
        return new HashCache(file, external_node_path_.resolve(source), readOwn(file, external_node_path_.resolve(source)));
    }
    /** The id remembered for this file, if its stat says it is the same file with the same bytes. */
    get(name, st) {
        const e = this.old?.entries[name];
        if (!e || !this.old)
            return undefined;
        const same = e.size === st.size &&
            e.mtimeMs === st.mtimeMs &&
            e.ctimeMs === st.ctimeMs &&
            e.ino === st.ino &&
            e.dev === st.dev &&
            st.ctimeMs < this.old.madeAt - RACY_MS &&
            st.mtimeMs < this.old.madeAt - RACY_MS;
        return same ? e.hash : undefined;
    }
    set(name, st, hash) {
        this.fresh[name] = {
            size: st.size,
            mtimeMs: st.mtimeMs,
            ctimeMs: st.ctimeMs,
            ino: st.ino,
            dev: st.dev,
            hash
        };
    }
    /** Written next to the old one and renamed over it; any failure just means no cache next time. */
    save() {
        if (!this.file)
            return;
        const data = {
            version: VERSION,
            source: this.source,
            madeAt: this.startedAt,
            entries: this.fresh
        };
        const tmp = `${this.file}.${process.pid}.tmp`;
        try {
            // O_EXCL: never write through a file or link someone else put there.
            const fd = (0,external_node_fs_.openSync)(tmp, 'wx', 0o600);
            try {
                (0,external_node_fs_.writeSync)(fd, JSON.stringify(data));
            }
            finally {
                (0,external_node_fs_.closeSync)(fd);
            }
            (0,external_node_fs_.renameSync)(tmp, this.file);
        }
        catch {
            // A read-only or shared temp folder: the next run hashes everything, as without a cache.
        }
    }
}
/** The cache file when it is ours (our uid, a regular file nobody else may write) and well formed. */
function readOwn(file, source) {
    try {
        const st = (0,external_node_fs_.lstatSync)(file);
        const uid = process.getuid?.();
        if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0)
            return undefined;
        const data = JSON.parse((0,external_node_fs_.readFileSync)(file, 'utf8'));
        if (data.version !== VERSION || data.source !== source || typeof data.entries !== 'object')
            return undefined;
        return data;
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: ./src/ssh/upload.ts
var upload = __webpack_require__(2109);
// EXTERNAL MODULE: ./src/ssh/local-tar.ts
var local_tar = __webpack_require__(8575);
;// CONCATENATED MODULE: ./src/manifest.ts







/**
 * First line of every manifest; a release whose manifest has another version gets a full upload.
 * Version 1 hashed with sha256, so none of its hashes can match.
 */
const MANIFEST_HEADER = 'gunicorn-deploy-manifest 2';
const MANIFEST_FILE = '.gunicorn-deploy-manifest';
/**
 * The paths an upload of dir would send, as the runner's tar itself selects them with the same
 * excludes, so a delta upload sends exactly what a full one would. Undefined when a name needs
 * quoting (control characters, backslashes, non-ASCII bytes): such trees get a full upload.
 * GNU tar lists on stdout (with --quoting-style=escape); bsdtar lists on stderr as `a NAME`,
 * escaping the same names with a backslash.
 */
async function listTree(dir, exclude) {
    const flavour = await (0,local_tar/* tarFlavour */.Dd)();
    const gnu = flavour === 'gnu';
    const args = ['-C', dir, '-c', '-v', '-f', '/dev/null'];
    if (gnu)
        args.push('--quoting-style=escape');
    args.push(...(0,upload/* tarExcludeArgs */.Zx)(exclude, flavour), '.');
    const { stdout, stderr } = await new Promise((resolve, reject) => {
        const tar = (0,local_tar/* localTar */.B3)(args);
        let stdout = '';
        let stderr = '';
        tar.stdout.on('data', (c) => (stdout += c.toString('utf8')));
        tar.stderr.on('data', (c) => (stderr += c.toString('utf8')));
        tar.on('error', reject);
        tar.on('close', (code) => code === 0
            ? resolve({ stdout, stderr })
            : reject(new Error(`tar could not list ${dir}: ${stderr.trim()}`)));
    });
    const lines = gnu
        ? stdout.split('\n')
        : stderr
            .split('\n')
            .filter((l) => l.startsWith('a '))
            .map((l) => l.slice(2));
    const names = lines.filter((l) => l !== '' && l !== './' && l !== '.');
    if (names.some((n) => n.includes('\\') || /[^\x20-\x7e]/.test(n)))
        return undefined;
    return names.map((n) => n.replace(/^\.\//, '').replace(/\/$/, ''));
}
const blobId = (bytes) => (0,external_node_crypto_.createHash)('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
/** Small files in one read (most of an app's files); large ones streamed, never held whole. */
async function hashFile(file, size) {
    if (size <= 1 << 20)
        return blobId((0,external_node_fs_.readFileSync)(file));
    const h = (0,external_node_crypto_.createHash)('sha1').update(`blob ${size}\0`);
    for await (const chunk of (0,external_node_fs_.createReadStream)(file))
        h.update(chunk);
    return h.digest('hex');
}
/**
 * Takes the ids git already has for a checkout's unchanged files, and hashes the rest (untracked,
 * modified, converted on checkout, or no git at all) on the runner; a large file is streamed.
 */
async function buildManifest(dir, exclude) {
    const [names, blobs] = await Promise.all([listTree(dir, exclude), gitBlobs(dir)]);
    if (!names)
        return undefined;
    // Not a git checkout (or nothing git vouches for): ids from the last run on this machine.
    const cache = blobs.size === 0 ? HashCache.open(dir, exclude) : undefined;
    // Synchronous on purpose: for thousands of small files, lstat and read through the thread pool's
    // promises cost ~3x what plain calls do (measured: 5,000 files, 0.5-1.5 s against 0.2-0.4 s).
    const entries = [];
    for (const [i, name] of names.entries()) {
        // A breath every few hundred files: started beside the connect, the SSH handshake's packets
        // are read between them.
        if (i % 256 === 255)
            await new Promise((resolve) => setImmediate(resolve));
        const full = external_node_path_.join(dir, name);
        const st = (0,external_node_fs_.lstatSync)(full);
        const mode = st.mode & 0o7777;
        if (st.isDirectory()) {
            entries.push({ path: name, type: 'd', mode, size: 0, hash: '-' });
            continue;
        }
        const type = st.isSymbolicLink() ? 'l' : 'f';
        const blob = blobs.get(name);
        // Another size than the blob's: a filter or eol conversion wrote these bytes, not the blob's.
        let hash;
        if (blob && blob.size === st.size)
            hash = blob.id;
        else if (type === 'l')
            hash = blobId((0,external_node_fs_.readlinkSync)(full, { encoding: 'buffer' }));
        else {
            hash =
                cache?.get(name, st) ??
                    (st.size <= 1 << 20 ? blobId((0,external_node_fs_.readFileSync)(full)) : await hashFile(full, st.size));
            cache?.set(name, st, hash);
        }
        entries.push({ path: name, type, mode, size: st.size, hash });
    }
    cache?.save();
    return new Map(entries.map((e) => [e.path, e]));
}
/** One line per entry, path last (it may hold spaces). */
function serializeManifest(m) {
    const lines = [...m.values()]
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map((e) => `${e.type} ${e.mode.toString(8)} ${e.size} ${e.hash} ${e.path}`);
    return [MANIFEST_HEADER, ...lines].join('\n') + '\n';
}
function parseManifest(text) {
    const lines = text.split('\n');
    if (lines[0] !== MANIFEST_HEADER)
        return undefined;
    const m = new Map();
    for (const line of lines.slice(1)) {
        if (!line)
            continue;
        const match = /^([fld]) ([0-7]+) (\d+) (\S+) (.+)$/.exec(line);
        if (!match)
            return undefined;
        const [, type, mode, size, hash, p] = match;
        m.set(p, {
            path: p,
            type: type,
            mode: parseInt(mode, 8),
            size: Number(size),
            hash: hash
        });
    }
    return m;
}
const depth = (p) => p.split('/').length;
/**
 * What turns a hardlinked copy of the old release into the new one. A changed file is removed and
 * sent again, never written through: its old inode is shared with the release still serving.
 * Paths under `keep` (shared paths, replaced by links in every release) are never touched.
 */
function diffManifests(old, neu, keep = []) {
    const kept = (p) => keep.some((k) => p === k || p.startsWith(k + '/'));
    const send = [];
    const remove = [];
    for (const e of neu.values()) {
        if (kept(e.path))
            continue;
        const o = old.get(e.path);
        if (o && o.type === e.type && o.mode === e.mode && o.hash === e.hash)
            continue;
        if (e.type === 'd' && o?.type === 'd') {
            // Only the mode changed: sent again (no recursion) so tar sets it on the existing folder.
            send.push(e.path);
            continue;
        }
        if (o)
            remove.push(e.path);
        send.push(e.path);
    }
    for (const o of old.values())
        if (!kept(o.path) && !neu.has(o.path))
            remove.push(o.path);
    remove.sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : 1));
    send.sort();
    return { send, remove };
}


/***/ }),

/***/ 1572:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CD: () => (/* binding */ rqStopPost),
/* harmony export */   HK: () => (/* binding */ rqWorkerArgs),
/* harmony export */   dN: () => (/* binding */ rqProgramPath),
/* harmony export */   t_: () => (/* binding */ rqStopCommand)
/* harmony export */ });
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4036);

/**
 * RQ workers get a second command at stop (ExecStopPost=): templates/scripts/rq_requeue.py puts back
 * on its queue a job the worker took but never started because the stop came in between (RQ 2.x,
 * rq/rq#2236; a deploy restarting workers while jobs arrive hits it now and then). The program gets
 * the worker's own arguments, so it reaches the same Redis and queues the worker did.
 */
/** `rq worker ARGS`, optionally after `exec` or as a path to rq: the ARGS as written, else undefined. */
function rqWorkerArgs(command) {
    const m = /^(?:exec\s+)?(?:[^\s;&|<>()`$'"]*\/)?rq\s+worker(?=\s|$)(.*)$/.exec(command.trim());
    return m ? m[1].trim() : undefined;
}
/**
 * The ExecStopPost= command (bash text) for a process, or '' when its command is not an RQ worker:
 * the program runs under the interpreter of the `rq` the worker ran (its first line), with the
 * worker's words.
 */
function rqStopPost(command, program) {
    const args = rqWorkerArgs(command);
    if (args === undefined)
        return '';
    const rq = /^(?:exec\s+)?(\S*rq)\s+worker/.exec(command.trim())[1];
    const text = `r=$(command -v ${rq}) || exit 0; exec $(sed -n '1s/^#! *//p' "$r") ${program} ${args}`;
    return text;
}
/** Where root keeps the program (beside the processes' sets; /etc/APP is the app group's to read). */
function rqProgramPath(paths) {
    return `${paths.etc}/processes/rq-requeue.py`;
}
/**
 * The ExecStop= command (bash text) of an RQ worker, or '' for any other process: SIGTERM to the
 * worker, then watch it. RQ may lose that signal: caught while it holds a job it has not started,
 * the StopRequested it raises can be swallowed where it lands (a log call catches every
 * exception), and the worker runs on until SIGKILL takes it with a job in hand. A worker that
 * starts a new job after the signal (a child the stop did not see) or stays alive without one for
 * 2 s missed it: it gets SIGTERM again, between jobs (RQ then stops at once; a job caught in between
 * is put back by the stop program above). At `stopSec` it is killed, as TimeoutStopSec would.
 * The script is templates/scripts/rq_stop.sh, as one line.
 */
function rqStopCommand(command, stopSec) {
    if (rqWorkerArgs(command) === undefined)
        return '';
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverOneLine */ .AL)('rq_stop', { limit: Math.max(1, stopSec - 1) });
}


/***/ }),

/***/ 9590:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ renderProcessUnit),
/* harmony export */   i: () => (/* binding */ execWord)
/* harmony export */ });
/* harmony import */ var _render_templates_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8711);
/* harmony import */ var _procfile_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3439);
/* harmony import */ var _rules_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2655);
/* harmony import */ var _rq_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1572);




/**
 * A Procfile command as one double-quoted word of ExecStart=: systemd undoes \\ and \" inside
 * quotes, turns $$ into $ (else it would expand $VAR from the unit's environment itself) and %% into
 * % (else a specifier), so bash gets the command exactly as written.
 */
function execWord(command) {
    const inner = command
        .replace(/\\/g, '\\\\')
        .replace(/"/g, '\\"')
        .replace(/\$/g, '$$$$')
        .replace(/%/g, '%%');
    return `"${inner}"`;
}
/** The template unit of one process in one release (APP-NAME@.service). */
function renderProcessUnit(paths, spec, opts, dir = (0,_render_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .templatesDir */ .x5)()) {
    // The same rules the settings applied, asserted again where the values enter a unit.
    const bad = (0,_procfile_js__WEBPACK_IMPORTED_MODULE_1__/* .processNameProblem */ .KI)(spec.name) ?? (0,_procfile_js__WEBPACK_IMPORTED_MODULE_1__/* .processCommandProblem */ .G1)(spec.command) ?? (0,_rules_js__WEBPACK_IMPORTED_MODULE_2__/* .releaseIdProblem */ .co)(opts.release);
    if (bad)
        throw new Error(`process ${spec.name}: ${bad}`);
    const stopPost = (0,_rq_js__WEBPACK_IMPORTED_MODULE_3__/* .rqStopPost */ .CD)(spec.command, (0,_rq_js__WEBPACK_IMPORTED_MODULE_3__/* .rqProgramPath */ .dN)(paths));
    const vars = {
        app: paths.app,
        user: paths.user,
        name: spec.name,
        origin: opts.origin.replace(/`/g, ''),
        release: opts.release,
        releaseDir: paths.releaseDir(opts.release),
        envFile: paths.envFile,
        command: execWord(spec.command),
        stopPost: stopPost ? execWord(stopPost) : '',
        stopCommand: stopPost
            ? execWord((0,_rq_js__WEBPACK_IMPORTED_MODULE_3__/* .rqStopCommand */ .t_)(spec.command, Math.max(1, Math.ceil(opts.stopTimeoutMs / 1000))))
            : '',
        stopTimeout: Math.max(1, Math.ceil(opts.stopTimeoutMs / 1000)),
        appDir: paths.dir,
        logDir: paths.logDir
    };
    return (0,_render_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .renderTemplate */ .Xm)('systemd/process@.service', vars, dir);
}


/***/ }),

/***/ 2868:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FY: () => (/* binding */ ALERT_SCRIPT),
/* harmony export */   LM: () => (/* binding */ sendAlert),
/* harmony export */   _o: () => (/* binding */ ensureAlerts)
/* harmony export */ });
/* unused harmony exports alertFiles, alertsScript */
/* harmony import */ var _render_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7055);
/* harmony import */ var _deploy_paths_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8535);
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4036);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9038);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2062);
/* harmony import */ var _shell_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5678);
/* harmony import */ var _vars_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2841);







/**
 * Alerts: the server reports what went wrong while no one watched (the health timer's restart, a
 * filling disk, a failed database maintenance, a deploy rolled back) to the webhook of
 * alert-webhook. One shared script queues each alert in a transient unit of its own (never blocking
 * its caller) and POSTs it with curl; the URL (a secret: webhooks carry their token in it) lives in
 * /etc/APP/alert-webhook, root only, and travels only on stdin.
 */
/** The shared script; the templates (health check, OnFailure= handler) call it by this path. */
const ALERT_SCRIPT = `${_deploy_paths_js__WEBPACK_IMPORTED_MODULE_5__/* .SCRIPT_DIR */ .S1}/alert`;
function alertFiles(ctx) {
    const vars = (0,_vars_js__WEBPACK_IMPORTED_MODULE_4__/* .provisionVars */ .g)(ctx);
    return [
        { path: ALERT_SCRIPT, content: (0,_render_js__WEBPACK_IMPORTED_MODULE_0__/* .renderTemplate */ .Xm)('alert.sh', vars), mode: '0755', owner: 'root:root' },
        {
            path: ctx.paths.units.alertService.file,
            content: (0,_render_js__WEBPACK_IMPORTED_MODULE_0__/* .renderTemplate */ .Xm)('systemd/alert@.service', vars),
            mode: '0644',
            owner: 'root:root'
        }
    ];
}
/**
 * The script and the OnFailure= unit always (without a webhook file they send nothing), and the
 * webhook file when alert-webhook is given; removed when it no longer is. The file's text is the
 * last line of stdin; no `would=` or diff line ever shows it (so not writeFilesScript, whose dry
 * run prints a diff): templates/scripts/alert_webhook.sh.
 */
function alertsScript(ctx) {
    return ((0,_shell_js__WEBPACK_IMPORTED_MODULE_3__/* .writeFilesScript */ .Cu)(alertFiles(ctx)) +
        (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_1__/* .serverScript */ .fj)('alert_webhook', { hook: `${ctx.paths.etc}/alert-webhook` }));
}
async function ensureAlerts(ctx) {
    const url = ctx.settings.provision.edge.alertWebhook;
    return (0,_run_js__WEBPACK_IMPORTED_MODULE_2__/* .runProvisionScript */ .q)(ctx, 'installing the alerts', alertsScript(ctx), {
        stdin: (0,_shell_js__WEBPACK_IMPORTED_MODULE_3__/* .filesInput */ .GY)(alertFiles(ctx)) + (url ? `${Buffer.from(`${url}\n`).toString('base64')}\n` : '')
    });
}
/**
 * Has the server send an alert (queued there, so this returns at once); a server without alerts
 * set up, or any failure here, is ignored: an alert never fails what it reports on.
 */
async function sendAlert(ctx, event, detail) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_6__/* .shQuote */ .U;
    await ctx.remote
        .script(`[ -x ${q(ALERT_SCRIPT)} ] || exit 0
${q(ALERT_SCRIPT)} ${q(ctx.paths.app)} ${q(event)} ${q(detail.slice(0, 1000))} || true`, { sudo: true, timeoutMs: 15_000 })
        .catch((err) => ctx.logger.debug(`alert ${event} not sent: ${err.message}`));
}


/***/ }),

/***/ 2062:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   q: () => (/* binding */ runProvisionScript)
/* harmony export */ });
/* harmony import */ var _deploy_context_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9116);
/* harmony import */ var _shell_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5678);


/**
 * Runs one provision script (with the dry-run prelude) as root, prints what a dry run would do,
 * and turns the `changed=` line into the step's outcome.
 */
async function runProvisionScript(ctx, what, body, 
/** stdin: content for the script (file text: never in the command line). */
opts = {}) {
    const dry = ctx.settings.provision.dryRun;
    const res = await (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_0__/* .runScript */ .j3)(ctx, what, `${(0,_shell_js__WEBPACK_IMPORTED_MODULE_1__/* .prelude */ .ez)(dry)}\n${body}\n${_shell_js__WEBPACK_IMPORTED_MODULE_1__/* .REPORT */ .ri}\n`, {
        timeoutMs: opts.timeoutMs ?? 120_000,
        hint: opts.hint,
        stdin: opts.stdin
    });
    const facts = (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_0__/* .parseFacts */ .hx)(res.stdout);
    for (const line of (0,_shell_js__WEBPACK_IMPORTED_MODULE_1__/* .wouldLines */ .pQ)(res.stdout))
        ctx.logger.info(line);
    const changes = (0,_shell_js__WEBPACK_IMPORTED_MODULE_1__/* .changedList */ .Tk)(facts);
    return {
        changes,
        facts,
        changed: changes.length > 0,
        detail: changes.length === 0 ? 'unchanged' : `${dry ? 'would change' : 'changed'}: ${changes.join(', ')}`
    };
}


/***/ }),

/***/ 5678:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cu: () => (/* binding */ writeFilesScript),
/* harmony export */   GY: () => (/* binding */ filesInput),
/* harmony export */   Tk: () => (/* binding */ changedList),
/* harmony export */   ez: () => (/* binding */ prelude),
/* harmony export */   pQ: () => (/* binding */ wouldLines),
/* harmony export */   ri: () => (/* binding */ REPORT)
/* harmony export */ });
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4036);

/**
 * Shell prelude of every provision script (templates/scripts/provision_prelude.sh): `act CMD...`
 * runs CMD, or in a dry run only prints `would=CMD`; `mark WHAT` records a change.
 */
function prelude(dry) {
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverScript */ .fj)('provision_prelude', { dry: dry ? 1 : 0 });
}
/** Final line of every provision script: what changed, for parseFacts. */
const REPORT = 'echo "changed=$changed"';
/**
 * Writes each file only when its text, mode or owner differ from what is installed, through a
 * temporary file and a rename; each changed path is marked, and `was_changed PATH` tells later
 * lines (templates/scripts/write_files.sh). The files' text comes on the script's stdin
 * (filesInput, in the same order), never in its command line, which every local user can read.
 */
function writeFilesScript(files) {
    for (const f of files)
        if (/\s/.test(`${f.mode}${f.owner}`) || /\n/.test(f.path))
            throw new Error(`writeFilesScript: ${f.path} ${f.mode} ${f.owner} is not one line of three words`);
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverScript */ .fj)('write_files', {
        write_files: files.map((f) => `${f.mode} ${f.owner} ${f.path}`).join('\n')
    });
}
/** writeFilesScript's stdin: each file's text as one base64 line, in the same order. */
function filesInput(files) {
    return files.map((f) => `${Buffer.from(f.content).toString('base64')}\n`).join('');
}
/** `would=` lines of a dry run, for the log. */
function wouldLines(stdout) {
    return stdout
        .split('\n')
        .filter((l) => l.startsWith('would=') || l.startsWith('diff='))
        .map((l) => (l.startsWith('would=') ? `would ${l.slice(6)}` : `  ${l.slice(5)}`));
}
/** The changed list a script printed, split into words. */
function changedList(facts) {
    return (facts.changed ?? '').split(/\s+/).filter((s) => s);
}


/***/ }),

/***/ 2028:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   P: () => (/* binding */ siteEdgeVars),
/* harmony export */   u: () => (/* binding */ hstsValue)
/* harmony export */ });
/* harmony import */ var _rules_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2655);

const ident = (app) => app.replace(/[^A-Za-z0-9_]/g, '_');
/**
 * The security headers go through maps on the upstream's own header (site.conf.hbs): a header the
 * app sent itself is kept and nginx adds nothing, as an empty add_header value adds no header.
 */
function siteEdgeVars(ctx) {
    const site = ctx.settings.provision.site;
    const app = ctx.paths.app;
    const id = ident(app);
    const headers = site.securityHeaders
        ? [
            `X-Content-Type-Options $gd_${id}_xcto`,
            `Referrer-Policy $gd_${id}_referrer`,
            `X-Frame-Options $gd_${id}_xfo`,
            `Content-Security-Policy $gd_${id}_csp`
        ]
        : [];
    const names = ctx.settings.provision.serverName.split(' ');
    let canonical;
    if (site.canonicalHost) {
        (0,_rules_js__WEBPACK_IMPORTED_MODULE_0__/* .assertRule */ .ZQ)('canonical-host', (0,_rules_js__WEBPACK_IMPORTED_MODULE_0__/* .serverNameProblem */ .Oi)(site.canonicalHost));
        const others = names.filter((n) => n.toLowerCase() !== site.canonicalHost);
        canonical = { host: site.canonicalHost, others: others.join(' ') };
    }
    const rateLimits = site.rateLimits.map((r, i) => {
        // Asserted again: the path reaches nginx's config unquoted.
        const again = (0,_rules_js__WEBPACK_IMPORTED_MODULE_0__/* .parseRateLimit */ .H5)(`${r.path} ${r.rate}r/${r.per}`);
        if (typeof again === 'string')
            throw new Error(`internal error: rate-limit ${again}`);
        return {
            zone: `gd_${id}_${i}`,
            path: r.path,
            rate: `${r.rate}r/${r.per}`,
            burst: r.burst,
            retryAfter: (0,_rules_js__WEBPACK_IMPORTED_MODULE_0__/* .retryAfterSeconds */ .C3)(r),
            root: r.path === '/'
        };
    });
    return { securityHeaders: site.securityHeaders, headers, ...(canonical ? { canonical } : {}), rateLimits };
}
/** The HSTS header's value for the TLS settings. */
function hstsValue(t) {
    return `"max-age=31536000${t.hstsSubdomains ? '; includeSubDomains' : ''}${t.hstsPreload ? '; preload' : ''}"`;
}


/***/ }),

/***/ 2841:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ provisionVars)
/* harmony export */ });
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5036);
/* harmony import */ var _render_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7055);
/* harmony import */ var _render_gunicorn_vars_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7992);
/* harmony import */ var _site_edge_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2028);




/**
 * The template variables of the server-wide files (nginx, logrotate, timers). The app's own units
 * come from the deploy's config step, which fills the same templates with the same app settings.
 */
function provisionVars(ctx) {
    const d = ctx.settings.deploy;
    const pr = ctx.settings.provision;
    const vars = (0,_render_js__WEBPACK_IMPORTED_MODULE_1__/* .templateVars */ .xw)({
        layout: ctx.paths,
        wsgiApp: d.wsgiApp,
        ...(0,_render_gunicorn_vars_js__WEBPACK_IMPORTED_MODULE_2__/* .gunicornInput */ .s)(d.gunicorn),
        env: (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .appEnv */ .JD)(d.env, ctx.settings.database),
        healthPath: d.healthPath,
        serverName: pr.serverName,
        healthHost: d.healthHost || undefined,
        clientMaxBodySize: pr.clientMaxBodySize,
        staticPath: pr.staticPath,
        staticMaps: pr.staticMaps.map((m) => ({
            url: m.url,
            root: `${m.shared ? ctx.paths.shared : ctx.paths.current}/${m.folder}`,
            uploads: m.shared
        })),
        healthInterval: `${pr.healthIntervalS}s`,
        backupKeepDays: pr.backupsDays,
        ...(d.sqliteDb ? { dbPath: `${ctx.paths.shared}/${d.sqliteDb}` } : {})
    });
    return { ...vars, ...(0,_site_edge_js__WEBPACK_IMPORTED_MODULE_3__/* .siteEdgeVars */ .P)(ctx) };
}


/***/ }),

/***/ 7055:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ch: () => (/* reexport safe */ _render_files_js__WEBPACK_IMPORTED_MODULE_2__.Ch),
/* harmony export */   Mw: () => (/* reexport safe */ _render_files_js__WEBPACK_IMPORTED_MODULE_2__.Mw),
/* harmony export */   P8: () => (/* reexport safe */ _render_files_js__WEBPACK_IMPORTED_MODULE_2__.P8),
/* harmony export */   Td: () => (/* reexport safe */ _render_files_js__WEBPACK_IMPORTED_MODULE_2__.Td),
/* harmony export */   Xm: () => (/* reexport safe */ _render_templates_js__WEBPACK_IMPORTED_MODULE_1__.Xm),
/* harmony export */   m8: () => (/* reexport safe */ _render_files_js__WEBPACK_IMPORTED_MODULE_2__.m8),
/* harmony export */   xw: () => (/* reexport safe */ _render_vars_js__WEBPACK_IMPORTED_MODULE_0__.xw)
/* harmony export */ });
/* harmony import */ var _render_vars_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7224);
/* harmony import */ var _render_templates_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8711);
/* harmony import */ var _render_files_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1467);
/**
 * Every file the tool writes on a server comes from templates/ (Handlebars) through render/:
 * vars.ts (what the templates read, every path from the app's layout), templates.ts (finding and
 * filling a template), files.ts (the files by role, with where they go and who owns them).
 */





/***/ }),

/***/ 1467:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ch: () => (/* binding */ renderHealthUnits),
/* harmony export */   Jt: () => (/* binding */ APP_UNIT_TEMPLATES),
/* harmony export */   Mw: () => (/* binding */ renderLogrotate),
/* harmony export */   P8: () => (/* binding */ renderAppUnits),
/* harmony export */   Td: () => (/* binding */ renderDbMaintenanceUnits),
/* harmony export */   m8: () => (/* binding */ renderNginxSite)
/* harmony export */ });
/* harmony import */ var _templates_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8711);

function file(p, content, mode = '0644', owner = 'root:root') {
    return { path: p, content, mode, owner };
}
/** The templates of renderAppUnits: every deploy's config step renders them. */
const APP_UNIT_TEMPLATES = {
    socket: 'systemd/app.socket',
    service: 'systemd/app.service',
    gunicornConf: 'gunicorn.conf.py',
    env: 'env'
};
/** The socket, the service, Gunicorn's config and the environment file. */
function renderAppUnits(vars, dir = (0,_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .templatesDir */ .x5)()) {
    const r = (role) => (0,_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .renderTemplate */ .Xm)(APP_UNIT_TEMPLATES[role], vars, dir);
    const { layout } = vars;
    return {
        socket: file(layout.units.socket.file, r('socket')),
        service: file(layout.units.service.file, r('service')),
        gunicornConf: file(layout.gunicornConf, r('gunicornConf')),
        env: file(layout.envFile, r('env'), '0640', `root:${vars.group}`)
    };
}
function timerFiles(vars, dir, name, script, units) {
    const r = (t) => (0,_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .renderTemplate */ .Xm)(t, vars, dir);
    return {
        script: file(script.path, r(script.template), '0755'),
        service: file(units.service.file, r(`systemd/${name}.service`)),
        timer: file(units.timer.file, r(`systemd/${name}.timer`))
    };
}
/** The health check script and its timer. */
function renderHealthUnits(vars, dir = (0,_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .templatesDir */ .x5)()) {
    const { layout } = vars;
    return timerFiles(vars, dir, 'health', { template: 'health-check.sh', path: layout.healthScript }, {
        service: layout.units.healthService,
        timer: layout.units.healthTimer
    });
}
/** The daily backup script and its timer. */
function renderDbMaintenanceUnits(vars, dir = (0,_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .templatesDir */ .x5)()) {
    const { layout } = vars;
    return timerFiles(vars, dir, 'db-maintenance', { template: 'db-maintenance.sh', path: layout.dbScript }, {
        service: layout.units.dbService,
        timer: layout.units.dbTimer
    });
}
/** The nginx site (provision links it from sites-enabled). */
function renderNginxSite(vars, dir = (0,_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .templatesDir */ .x5)()) {
    return file(vars.layout.nginxSite, (0,_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .renderTemplate */ .Xm)('nginx/site.conf', vars, dir));
}
/** The logrotate rules. */
function renderLogrotate(vars, dir = (0,_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .templatesDir */ .x5)()) {
    return file(vars.layout.logrotate, (0,_templates_js__WEBPACK_IMPORTED_MODULE_0__/* .renderTemplate */ .Xm)('logrotate', vars, dir));
}


/***/ }),

/***/ 7992:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   q: () => (/* binding */ gunicornVars),
/* harmony export */   s: () => (/* binding */ gunicornInput)
/* harmony export */ });
/* harmony import */ var _rules_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2655);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5036);


function int(field, value, min, max) {
    if (!Number.isInteger(value) || value < min || value > max)
        (0,_rules_js__WEBPACK_IMPORTED_MODULE_0__/* .assertRule */ .ZQ)(field, `${value} is not a whole number from ${min} to ${max}`);
    return value;
}
/** Defaults are Gunicorn's own; every value is asserted against the rule its input passed. */
function gunicornVars(g = {}) {
    const cls = g.workerClass ?? 'sync';
    (0,_rules_js__WEBPACK_IMPORTED_MODULE_0__/* .assertRule */ .ZQ)('workerClass', (0,_rules_js__WEBPACK_IMPORTED_MODULE_0__/* .workerClassProblem */ .WS)(cls));
    const nums = {};
    for (const k of Object.keys(_settings_js__WEBPACK_IMPORTED_MODULE_1__/* .GUNICORN_NUMBERS */ .xd)) {
        const r = _settings_js__WEBPACK_IMPORTED_MODULE_1__/* .GUNICORN_NUMBERS */ .xd[k];
        nums[k] = int(k, g[k] ?? r.gunicorn, r.min, r.max);
    }
    if (nums.threads > 1 && cls !== 'gthread')
        (0,_rules_js__WEBPACK_IMPORTED_MODULE_0__/* .assertRule */ .ZQ)('threads', `${nums.threads} threads need gthread, not ${cls}`);
    for (const s of g.extra ?? [])
        (0,_rules_js__WEBPACK_IMPORTED_MODULE_0__/* .assertRule */ .ZQ)('gunicornSettings', (0,_rules_js__WEBPACK_IMPORTED_MODULE_0__/* .gunicornSettingProblem */ .L5)(s));
    return {
        workerClass: cls === 'uvicorn' ? '' : cls,
        uvicorn: cls === 'uvicorn',
        ...nums,
        extra: (g.extra ?? []).map(({ name, value }) => ({ name, value }))
    };
}
/** The template fields of the parsed settings: the timeouts in their own fields, the rest in gunicorn. */
function gunicornInput(g) {
    const { timeout, gracefulTimeout, keepalive, ...rest } = g;
    return { timeout, gracefulTimeout, keepalive, gunicorn: rest };
}


/***/ }),

/***/ 8711:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gq: () => (/* binding */ compileTemplate),
/* harmony export */   Xm: () => (/* binding */ renderTemplate),
/* harmony export */   x5: () => (/* reexport safe */ _templates_dir_js__WEBPACK_IMPORTED_MODULE_4__.x)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var handlebars__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8508);
/* harmony import */ var handlebars__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(handlebars__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9038);
/* harmony import */ var _vars_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7224);
/* harmony import */ var _templates_dir_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7129);





/** Filling in a template from templates/ (templates-dir.ts finds the folder). */


const hbs = handlebars__WEBPACK_IMPORTED_MODULE_2___default().create();
hbs.registerHelper('sh', (value) => (0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_5__/* .shQuote */ .U)(String(value)));
// A JSON string is a valid Python string literal.
hbs.registerHelper('py', (value) => JSON.stringify(String(value)));
hbs.registerHelper('envq', (value) => (0,_vars_js__WEBPACK_IMPORTED_MODULE_3__/* .envQuote */ .mE)(String(value)));
// One word of an ExecStart= line. systemd removes quotes anywhere in a word (create_app('prod') would
// reach Gunicorn as create_app(prod)), so a word with quotes goes inside double quotes; the rules
// keep ", \, $ and % out of it.
hbs.registerHelper('unitword', (value) => {
    const v = String(value);
    return /^[A-Za-z0-9_.:/-]+$/.test(v) ? v : `"${v}"`;
});
// A name nginx accepts in a variable (app names have - but never _: distinct apps stay distinct).
hbs.registerHelper('ident', (value) => String(value).replace(/[^A-Za-z0-9_]/g, '_'));
const compiled = new Map();
function template(name, dir) {
    const file = node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, `${name}.hbs`);
    let t = compiled.get(file);
    if (!t) {
        t = hbs.compile((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8'), { strict: true, noEscape: true });
        compiled.set(file, t);
    }
    return t;
}
/** Renders templates/NAME.hbs; a variable the template uses but vars lacks throws (strict mode). */
function renderTemplate(name, vars, dir = (0,_templates_dir_js__WEBPACK_IMPORTED_MODULE_4__/* .templatesDir */ .x)()) {
    return template(name, dir)(vars);
}
/**
 * Compiles templates/NAME.hbs now rather than at its first render: Handlebars parses and compiles
 * a template on its first call (a few ms to tens of ms each), and a deploy can pay that while it
 * waits for the server instead of after an answer it waits for.
 */
function compileTemplate(name, dir = (0,_templates_dir_js__WEBPACK_IMPORTED_MODULE_4__/* .templatesDir */ .x)()) {
    try {
        // No variables: strict mode throws at the first one, once the template is compiled.
        template(name, dir)({});
    }
    catch {
        // Compiled all the same; its real render says what is wrong, if anything is.
    }
}


/***/ }),

/***/ 7224:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  mE: () => (/* reexport */ envQuote),
  xw: () => (/* binding */ templateVars)
});

// UNUSED EXPORTS: checkEnv

// EXTERNAL MODULE: ./src/deploy/paths.ts
var paths = __webpack_require__(8535);
// EXTERNAL MODULE: ./src/render/gunicorn-vars.ts
var gunicorn_vars = __webpack_require__(7992);
// EXTERNAL MODULE: ./src/deploy/root-read.ts
var root_read = __webpack_require__(8336);
// EXTERNAL MODULE: ./src/rules.ts + 13 modules
var rules = __webpack_require__(2655);
;// CONCATENATED MODULE: ./src/render/field-checks.ts

/**
 * The asserts templateVars() applies to each field: a value failing here passed parseSettings'
 * rule wrongly, an internal error naming the field.
 */
function fail(field, message) {
    (0,rules/* assertRule */.ZQ)(field, message);
    throw new Error('unreachable');
}
function check(field, value, re, what) {
    if (!re.test(value))
        fail(field, `${JSON.stringify(value)} is not ${what}`);
    return value;
}
function checkPath(field, value) {
    (0,rules/* assertRule */.ZQ)(field, (0,rules/* safeAbsPathProblem */.G7)(value));
    return value.length > 1 ? value.replace(/\/+$/, '') : value;
}
function checkRule(field, value, rule) {
    (0,rules/* assertRule */.ZQ)(field, rule(value));
    return value;
}
function checkInt(field, value, min, max) {
    if (!Number.isInteger(value) || value < min || value > max) {
        fail(field, `${value} is not a whole number from ${min} to ${max}`);
    }
    return value;
}

;// CONCATENATED MODULE: ./src/render/env-file.ts


/**
 * Quotes a value for a systemd EnvironmentFile= (systemd.exec(5)). Inside double quotes systemd
 * turns a backslash followed by one of \ " ` $ into that character and keeps every other character
 * verbatim, exactly as a POSIX shell does, so the file can also be sourced by sh. The value is
 * always quoted (spaces, # and ; stay literal); newlines are refused (a quoted value could span
 * lines, but a multi-line secret in an env file is a mistake more often than not), and so are NUL,
 * the byte order mark and what is not a Unicode scalar value, which systemd rejects.
 */
function envQuote(value, key = 'value') {
    const bad = (0,rules/* envValueProblem */.kl)(key, value);
    if (bad)
        throw new Error(`environment variable ${bad}`);
    return `"${value.replace(/[\\"`$]/g, '\\$&')}"`;
}
/** Asserts the user's environment variables (see envProblems); drops FLASK_DEBUG=0, written anyway. */
function checkEnv(env) {
    const problems = (0,rules/* envProblems */.Co)(env);
    if (problems.length > 0)
        fail('env', problems.join('; '));
    return env.filter((e) => e.key !== 'FLASK_DEBUG').map(({ key, value }) => ({ key, value }));
}

;// CONCATENATED MODULE: ./src/render/vars.ts







/** Validates input and fills defaults and derived fields; every error names the field. */
function templateVars(input) {
    const given = input.layout;
    const app = checkRule('app', given ? given.app : input.app, (v) => (0,rules/* appNameProblem */.A)(v));
    const appDir = checkPath('appDir', input.appDir ?? given?.dir ?? `/srv/${app}`);
    const base = given && appDir === given.dir ? given : (0,paths/* layoutFor */.Q2)(app, appDir);
    const socketPath = checkPath('socketPath', input.socketPath ?? base.socket);
    // sun_path holds 108 bytes, NUL included.
    if (socketPath.length > 107)
        fail('socketPath', `${socketPath} is longer than a unix socket path can be`);
    const layout = {
        ...base,
        socket: socketPath,
        lockOwner: checkPath('deployLockPath', input.deployLockPath ?? base.lockOwner),
        preloadDir: checkPath('preloadDir', input.preloadDir ?? base.preloadDir)
    };
    const user = check('user', input.user ?? layout.user, rules/* LOGIN_NAME */.Sq, 'a user name');
    const group = check('group', input.group ?? user, rules/* LOGIN_NAME */.Sq, 'a group name');
    const timeout = checkInt('timeout', input.timeout ?? 60, 1, 3600);
    const gracefulTimeout = checkInt('gracefulTimeout', input.gracefulTimeout ?? 30, 1, 3600);
    const healthPath = checkRule('healthPath', input.healthPath ?? '/health', rules/* healthPathProblem */.Nr);
    const serverName = check('serverName', input.serverName ?? '_', /^[A-Za-z0-9.*_-]+( [A-Za-z0-9.*_-]+)*$/, 'host names');
    const healthHost = checkRule('healthHost', input.healthHost ?? serverName.split(' ').find((n) => n !== '_' && !n.startsWith('*')) ?? 'localhost', rules/* healthHostProblem */.au);
    const env = checkEnv(input.env ?? []);
    const gunicorn = (0,gunicorn_vars/* gunicornVars */.q)(input.gunicorn);
    const database = env.find((e) => e.key === 'DATABASE')?.value;
    const vars = {
        app,
        user,
        group,
        appDir,
        wsgiApp: checkRule('wsgiApp', input.wsgiApp ?? 'app:app', rules/* wsgiAppProblem */.Lt),
        socketPath,
        listen: (input.listen ?? []).map((l) => check('listen', l, /^(\d{1,3}(\.\d{1,3}){3}:|\[[0-9A-Fa-f:.]+\]:)?\d{1,5}$/, 'PORT, IPv4:PORT or [IPv6]:PORT')),
        workers: checkInt('workers', input.workers ?? 3, 1, 256),
        preloadLibraries: input.preloadLibraries ?? true,
        timeout,
        gracefulTimeout,
        keepalive: checkInt('keepalive', input.keepalive ?? 2, 0, 3600),
        gunicorn,
        env,
        serverName,
        clientMaxBodySize: checkRule('clientMaxBodySize', input.clientMaxBodySize ?? '10m', rules/* bodySizeProblem */.DM),
        staticPath: input.staticPath === undefined || input.staticPath === ''
            ? ''
            : checkPath('staticPath', `/${input.staticPath}`).slice(1),
        staticUrl: check('staticUrl', input.staticUrl ?? '/static/', /^\/([A-Za-z0-9._-]+\/)*$/, 'a /path/ with slashes'),
        staticMaps: (input.staticMaps ?? []).map((m) => ({
            url: check('staticMaps', m.url, /^\/([A-Za-z0-9._-]+\/)+$/, 'a /path/ with slashes'),
            root: checkPath('staticMaps', m.root),
            uploads: m.uploads
        })),
        healthPath,
        healthHost,
        healthInterval: check('healthInterval', input.healthInterval ?? '30s', /^\d+(s|min|h)$/, 'a time like 30s or 1min'),
        healthTimeout: checkInt('healthTimeout', input.healthTimeout ?? 10, 1, 300),
        healthFailures: checkInt('healthFailures', input.healthFailures ?? 3, 1, 100),
        diskWarnPercent: checkInt('diskWarnPercent', input.diskWarnPercent ?? 90, 1, 100),
        deployLockPath: layout.lockOwner,
        dbPath: checkPath(input.dbPath === undefined && database !== undefined ? 'DATABASE (env)' : 'dbPath', input.dbPath ?? database ?? `${layout.instance}/app.db`),
        backupDir: checkPath('backupDir', input.backupDir ?? layout.backups),
        legacyBackupDir: layout.legacyBackups,
        rootReadProgram: (0,root_read/* rootReadProgram */.H)(),
        backupKeepDays: checkInt('backupKeepDays', input.backupKeepDays ?? 14, 1, 3650),
        dbMaintenanceTime: check('dbMaintenanceTime', input.dbMaintenanceTime ?? '03:30', /^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        layout,
        serviceName: layout.units.service.name,
        socketName: layout.units.socket.name,
        current: layout.current,
        envFile: layout.envFile,
        gunicornConf: layout.gunicornConf,
        instancePath: layout.instance,
        logDir: layout.logDir,
        accessLog: layout.accessLog,
        errorLog: layout.errorLog,
        stopTimeout: gracefulTimeout + 15,
        // A WebSocket or a server-sent event stream may stay quiet for long: nginx must not cut it.
        proxyTimeout: gunicorn.uvicorn ? Math.max(3600, timeout + 30) : timeout + 30,
        healthUrl: `http://${healthHost}${healthPath}`,
        healthScript: layout.healthScript,
        dbScript: layout.dbScript,
        preloadDir: layout.preloadDir,
        releasesDir: layout.releases
    };
    return vars;
}


/***/ }),

/***/ 665:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   annotateFailure: () => (/* binding */ annotateFailure),
/* harmony export */   databaseLines: () => (/* binding */ databaseLines),
/* harmony export */   factRows: () => (/* binding */ factRows),
/* harmony export */   formatTable: () => (/* binding */ formatTable),
/* harmony export */   hostLine: () => (/* binding */ hostLine),
/* harmony export */   outputsOf: () => (/* binding */ outputsOf),
/* harmony export */   rolledBackLines: () => (/* binding */ rolledBackLines),
/* harmony export */   stepRows: () => (/* binding */ stepRows),
/* harmony export */   summaryMarkdown: () => (/* binding */ summaryMarkdown),
/* harmony export */   writeActionReport: () => (/* binding */ writeActionReport)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4116);
/* harmony import */ var _loadtest_summary_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3936);


/** Plain-text table for the log and the CLI. */
function formatTable(header, rows) {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells) => cells
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd();
    return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
function markdownTable(header, rows) {
    const esc = (s) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    return [
        `| ${header.map(esc).join(' | ')} |`,
        `| ${header.map(() => '---').join(' | ')} |`,
        ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)
    ].join('\n');
}
/** Rows of facts per host, as key/value columns shared by the log table and the summary. */
function factRows(report, keys) {
    return {
        header: ['host', ...keys],
        rows: report.hosts.map((h) => [h.host, ...keys.map((k) => h.facts[k] ?? '')])
    };
}
function stepRows(host) {
    return host.steps.map((s) => [
        s.name,
        `${(s.ms / 1000).toFixed(2)} s`,
        s.ok ? (s.changed === false ? 'unchanged' : 'ok') : 'FAILED',
        s.detail ?? ''
    ]);
}
/** The one line that sums up a server's run: status, wall time, and how many round trips it took. */
function hostLine(h) {
    const n = h.roundTrips;
    const plural = (k) => (k === 1 ? '' : 's');
    // Requests sent together cost one round trip: then both figures, the second the one that is felt.
    const trips = n === undefined
        ? ''
        : h.waits === undefined || h.waits === n
            ? `, ${n} SSH round trip${plural(n)}`
            : `, ${n} SSH requests, ${h.waits} round trip${plural(h.waits)}`;
    return `${h.host}: ${h.status} in ${(h.ms / 1000).toFixed(2)} s${trips}`;
}
function summaryMarkdown(report, factKeys) {
    const icon = report.ok ? '✅' : '❌';
    const parts = [`## ${icon} gunicorn-deploy ${report.mode}: ${report.status}`];
    if (report.error)
        parts.push(`> **${report.error.split('\n')[0]}**`);
    const back = [...rolledBackLines(report), ...databaseLines(report)];
    if (back.length > 0)
        parts.push(back.map((l) => `> ${l}`).join('\n>\n'));
    if (factKeys.length > 0) {
        const t = factRows(report, factKeys);
        parts.push(markdownTable(t.header, t.rows));
    }
    for (const h of report.hosts) {
        if (h.steps.length === 0)
            continue;
        parts.push(`### ${hostLine(h)}`);
        if (h.error)
            parts.push(`> ${h.error.split('\n').join('\n> ')}`);
        parts.push(markdownTable(['step', 'time', 'result', 'detail'], stepRows(h)));
        const backups = backupTable(h);
        if (backups)
            parts.push(`Backups on ${h.host}, newest first:`, backups);
        const load = (0,_loadtest_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .loadSummaryMarkdown */ .s6)(h.host, h.facts.load);
        if (load)
            parts.push(load);
    }
    parts.push(`Total: ${(report.ms / 1000).toFixed(1)} s`);
    return parts.join('\n\n') + '\n';
}
/** Mode backups keeps its list as a fact (JSON): a table of its own in the summary. */
function backupTable(h) {
    if (!h.facts.backups)
        return undefined;
    try {
        const list = JSON.parse(h.facts.backups);
        return markdownTable(['id', 'time (UTC)', 'size', 'taken by', 'integrity'], list.map((b) => [b.id, b.time, `${b.size} bytes`, b.takenBy, b.integrity]));
    }
    catch {
        return undefined;
    }
}
/** Outputs shared by every mode; the first host's facts are the single-value outputs. */
function outputsOf(report) {
    const first = report.hosts[0];
    return {
        status: report.status,
        release: first?.facts.release ?? '',
        'previous-release': first?.facts['previous-release'] ?? '',
        'rolled-back': String(report.hosts.some((h) => h.facts['rolled-back'] === 'true')),
        reload: first?.facts.reload ?? '',
        'exit-code': first?.facts['exit-code'] ?? '',
        'duration-ms': String(Math.round(report.ms)),
        'load-ok': first?.facts['load-ok'] ?? '',
        'load-p95-ms': first?.facts['load-p95-ms'] ?? '',
        processes: first?.facts.processes ?? '',
        'safety-backup': first?.facts['safety-backup'] ?? '',
        hosts: JSON.stringify(report.hosts.map((h) => ({
            host: h.host,
            ok: h.ok,
            status: h.status,
            ms: Math.round(h.ms),
            error: h.error,
            ...h.facts
        })))
    };
}
async function writeActionReport(report, factKeys) {
    for (const [k, v] of Object.entries(outputsOf(report)))
        _actions_core__WEBPACK_IMPORTED_MODULE_0__.setOutput(k, v);
    if (process.env.GITHUB_STEP_SUMMARY) {
        await _actions_core__WEBPACK_IMPORTED_MODULE_0__.summary.addRaw(summaryMarkdown(report, factKeys)).write();
    }
}
/** One line per server put back on its previous release in this run. */
function rolledBackLines(report) {
    return report.hosts
        .filter((h) => h.facts['rolled-back'] === 'true')
        .map((h) => `Rolled back: ${h.host} serves release ${h.facts.release ?? '?'} again` +
        (h.facts['failed-release'] ? ` (${h.facts['failed-release']} did not go live)` : ''));
}
/** After a rollback that followed a migration: what the database holds and how to restore it. */
function databaseLines(report) {
    return report.hosts
        .filter((h) => h.facts['database-warning'] || h.facts['database-restored'] === 'true')
        .map((h) => h.facts['database-restored'] === 'true'
        ? `Database: ${h.host} has the pre-deploy backup ${h.facts['pre-deploy-backup'] ?? ''} back (no write since the migration)`
        : `Database on ${h.host}: ${h.facts['database-warning']}`);
}
/** A failed run as a titled error annotation (shown on the run's page and in the PR checks). */
function annotateFailure(report) {
    const message = [
        report.error ?? `${report.mode} failed`,
        ...rolledBackLines(report),
        ...databaseLines(report)
    ].join('\n');
    _actions_core__WEBPACK_IMPORTED_MODULE_0__.error(message, { title: `gunicorn-deploy ${report.mode}: ${report.status}` });
}


/***/ }),

/***/ 8627:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  cP: () => (/* binding */ CALENDAR_REFUSED),
  ZD: () => (/* binding */ calendarProbe),
  pD: () => (/* binding */ calendarProblems),
  JM: () => (/* binding */ moveSchedulesScript),
  EE: () => (/* binding */ schedulesEnable),
  dP: () => (/* binding */ schedulesHere),
  jH: () => (/* binding */ writeSchedulesScript)
});

// EXTERNAL MODULE: ./src/render/scripts.ts
var scripts = __webpack_require__(4036);
// EXTERNAL MODULE: ./src/render/templates.ts
var templates = __webpack_require__(8711);
// EXTERNAL MODULE: ./src/processes/units.ts
var units = __webpack_require__(9590);
// EXTERNAL MODULE: ./src/processes/procfile.ts
var procfile = __webpack_require__(3439);
// EXTERNAL MODULE: ./src/rules.ts + 13 modules
var rules = __webpack_require__(2655);
// EXTERNAL MODULE: ./src/schedules/calendar.ts
var calendar = __webpack_require__(490);
;// CONCATENATED MODULE: ./src/schedules/units.ts





/** The unit names of one schedule, without the suffix: APP-schedule-ID. */
function scheduleUnit(app, id) {
    return `${app}-schedule-${id}`;
}
/** A schedule's timer and the service it starts, for one release. */
function renderScheduleUnits(paths, spec, release, dir = (0,templates/* templatesDir */.x5)()) {
    // The rules the settings applied, asserted again where the values enter a unit.
    const when = (0,calendar/* parseWhen */.O)(spec.when);
    const bad = (typeof when === 'string' ? when : undefined) ??
        (/^[0-9a-f]{10}$/.test(spec.id) ? undefined : `id '${spec.id}'`) ??
        (0,procfile/* processCommandProblem */.G1)(spec.command) ??
        (0,rules/* releaseIdProblem */.co)(release);
    if (bad || typeof when === 'string' || when.calendars.join('\n') !== spec.calendars.join('\n'))
        throw new Error(`schedule line ${spec.line}: ${bad ?? 'calendars differ from the line'}`);
    const vars = {
        app: paths.app,
        user: paths.user,
        id: spec.id,
        line: spec.line,
        // The description is one line of text; its % would be a specifier.
        when: spec.when.replace(/%/g, '%%'),
        calendars: spec.calendars,
        release,
        releaseDir: paths.releaseDir(release),
        envFile: paths.envFile,
        command: (0,units/* execWord */.i)(spec.command),
        appDir: paths.dir,
        logDir: paths.logDir
    };
    return {
        timer: (0,templates/* renderTemplate */.Xm)('systemd/schedule.timer', vars, dir),
        service: (0,templates/* renderTemplate */.Xm)('systemd/schedule.service', vars, dir)
    };
}

;// CONCATENATED MODULE: ./src/schedules/script.ts


/**
 * Schedules ride with the processes: each release's set (under /etc/APP/processes/by-release/ID,
 * root's, rendered on the runner from the validated input, never read from the release) holds its
 * timers and services, and the processes step moves the server to a release's set, so a deploy,
 * its way back, mode rollback and the post step all put back the schedules of the release they put
 * live. Only the schedule host has any; on every other server a set holds none (and moving to it
 * removes any a previous schedule-host left).
 */
/** The schedules this server runs: all of them on the schedule host, none elsewhere. */
function schedulesHere(ctx) {
    const s = ctx.settings.schedules;
    return ctx.label === s.host ? s.schedules : [];
}
/** Exit code of a write script whose calendar expression systemd refuses on this server. */
const CALENDAR_REFUSED = 4;
/** Every OnCalendar= value of these schedules with its input line, in step (one a line each). */
function calendarValues(specs) {
    const all = specs.flatMap((s) => s.calendars.map((c) => ({ c, line: s.line })));
    return { calendars: all.map((x) => x.c).join('\n'), lines: all.map((x) => String(x.line)).join('\n') };
}
/**
 * Root writes the schedules' units into the release's set being built at `setDir` (its .new),
 * after the server's own parser accepted every OnCalendar= value (an expression this systemd
 * refuses, or one that never elapses, stops the step naming the line): templates/scripts/
 * schedules_calendar_check.sh and schedules_write.sh.
 */
function writeSchedulesScript(ctx, release, setDir) {
    const specs = schedulesHere(ctx);
    if (specs.length === 0)
        return '';
    const units = {};
    specs.forEach((spec, i) => {
        const u = renderScheduleUnits(ctx.paths, spec, release);
        units[`timer_${i}`] = u.timer;
        units[`service_${i}`] = u.service;
    });
    return ((0,scripts/* serverScript */.fj)('schedules_calendar_check', { ...calendarValues(specs), refused: CALENDAR_REFUSED }) +
        (0,scripts/* serverScript */.fj)('schedules_write', { set_dir: setDir, ids: specs.map((s) => s.id).join('\n'), ...units }));
}
/**
 * Part of the processes' move (variables app, want, udir set there): timers not in the wanted set
 * are stopped and removed, the wanted units put in place (templates/scripts/schedules_move.sh).
 * `schedulesEnable` runs after the daemon-reload.
 */
function moveSchedulesScript(installed) {
    return (0,scripts/* serverScript */.fj)('schedules_move', { sinst: installed });
}
/** After the daemon-reload: every wanted timer enabled and running; one `schedule=` line each. */
function schedulesEnable() {
    return (0,scripts/* serverScript */.fj)('schedules_enable', {});
}
/** Preflight: the server's systemd parses every schedule's calendar expression (read-only). */
function calendarProbe(settings) {
    if (!settings.schedules.schedules.some((s) => s.calendars.length))
        return '';
    return (0,scripts/* serverScript */.fj)('schedules_calendar_probe', calendarValues(settings.schedules.schedules));
}
/** Preflight's problem for the lines the server refused. */
function calendarProblems(kv, settings) {
    const lines = (kv.calendar_bad ?? '').split(/\s+/).filter((l) => l);
    return lines.map((n) => {
        const s = settings?.schedules.schedules.find((x) => String(x.line) === n);
        return `input \`schedule\` line ${n}: systemd on this server refuses '${s?.when ?? '?'}' (or it never comes); check it with systemd-analyze calendar`;
    });
}


/***/ }),

/***/ 7362:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Ng: () => (/* binding */ connect)
});

// UNUSED EXPORTS: DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_RETRIES, SshAuthError, SshConnectError

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: ./node_modules/node-ssh/lib/esm/index.mjs + 2 modules
var esm = __webpack_require__(9487);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/ssh/hostkeys.ts

/** Parses known_hosts text: plain and hashed hosts, any key type, `@revoked`; `@cert-authority` is skipped. */
function parseKnownHosts(text) {
    const entries = [];
    const invalid = [];
    text.split(/\r?\n/).forEach((raw, index) => {
        const line = index + 1;
        const trimmed = raw.trim();
        if (trimmed === '' || trimmed.startsWith('#'))
            return;
        const fields = trimmed.split(/\s+/);
        let revoked = false;
        if (fields[0].startsWith('@')) {
            const marker = fields.shift();
            // Host certificates are not something ssh2 verifies; a CA line must not vouch for a plain key.
            if (marker === '@cert-authority')
                return;
            if (marker !== '@revoked') {
                invalid.push({ line, reason: `unknown marker ${marker}` });
                return;
            }
            revoked = true;
        }
        if (fields.length < 3) {
            invalid.push({ line, reason: 'expected "HOSTS KEY-TYPE BASE64-KEY"' });
            return;
        }
        const [hosts, keyType, b64] = fields;
        const key = decodeBase64Strict(b64);
        if (!key) {
            invalid.push({ line, reason: 'the key is not valid base64' });
            return;
        }
        const blobType = keyBlobType(key);
        if (blobType !== keyType) {
            invalid.push({ line, reason: `the key blob is ${blobType ?? 'unreadable'}, not ${keyType}` });
            return;
        }
        if (hosts.startsWith('|')) {
            const hashed = parseHashedHost(hosts);
            if (!hashed) {
                invalid.push({ line, reason: 'hashed host is not |1|salt|hash' });
                return;
            }
            entries.push({ line, revoked, patterns: [], hashed, keyType, key });
        }
        else {
            entries.push({ line, revoked, patterns: hosts.toLowerCase().split(','), keyType, key });
        }
    });
    return { entries, invalid };
}
function parseHashedHost(field) {
    const parts = field.split('|');
    // ['', '1', salt, hash]: type 1 is HMAC-SHA1, the only kind ssh-keygen -H writes.
    if (parts.length !== 4 || parts[0] !== '' || parts[1] !== '1')
        return undefined;
    const salt = decodeBase64Strict(parts[2]);
    const hmac = decodeBase64Strict(parts[3]);
    if (!salt || !hmac || hmac.length !== 20)
        return undefined;
    return { salt, hmac };
}
function decodeBase64Strict(text) {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text))
        return undefined;
    const buf = Buffer.from(text, 'base64');
    return buf.length > 0 ? buf : undefined;
}
/** The algorithm name a key blob starts with (an SSH string), or undefined if it is not a key blob. */
function keyBlobType(blob) {
    if (blob.length < 4)
        return undefined;
    const len = blob.readUInt32BE(0);
    if (len === 0 || len > 64 || 4 + len > blob.length)
        return undefined;
    const name = blob.subarray(4, 4 + len).toString('latin1');
    return /^[\x21-\x7e]+$/.test(name) ? name : undefined;
}
/** `SHA256:` + unpadded base64 of sha256(blob): the form `ssh-keygen -lf` prints. */
function fingerprint(blob) {
    return 'SHA256:' + (0,external_node_crypto_.createHash)('sha256').update(blob).digest('base64').replace(/=+$/, '');
}
/** The name known_hosts uses for a host: plain on port 22, `[host]:port` otherwise. */
function knownHostsName(host, port) {
    return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}
/** The known_hosts line that pins this key for this host. */
function knownHostsLine(host, port, blob) {
    return `${knownHostsName(host, port)} ${keyBlobType(blob) ?? 'unknown'} ${blob.toString('base64')}`;
}
/** Whether a known_hosts entry names this host (and port), the way OpenSSH matches it. */
function entryMatchesHost(entry, host, port) {
    const name = knownHostsName(host, port);
    if (entry.hashed) {
        const mac = (0,external_node_crypto_.createHmac)('sha1', entry.hashed.salt).update(name).digest();
        return (0,external_node_crypto_.timingSafeEqual)(mac, entry.hashed.hmac);
    }
    let matched = false;
    for (const pattern of entry.patterns) {
        const negated = pattern.startsWith('!');
        if (!globMatch(negated ? pattern.slice(1) : pattern, name))
            continue;
        // A matching negation wins over any positive pattern on the line (OpenSSH match_hostname).
        if (negated)
            return false;
        matched = true;
    }
    return matched;
}
function globMatch(pattern, name) {
    if (!/[*?]/.test(pattern))
        return pattern === name;
    const re = pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.');
    return new RegExp(`^${re}$`).test(name);
}
/** Host-key algorithms the client asks for, so a server with several keys shows the one we know. */
const DEFAULT_HOST_KEY_ALGORITHMS = [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa'
];
function algorithmsForKeyType(keyType) {
    // An RSA key is one blob type (ssh-rsa) but three signature algorithms; prefer the SHA-2 ones.
    return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}
class HostKeyError extends Error {
    failure;
    constructor(failure) {
        super(failure.message);
        this.failure = failure;
        this.name = 'HostKeyError';
    }
}
/** Normalizes `SHA256:abc=` / `abc` to `SHA256:abc`; refuses MD5 and other forms we cannot compare. */
function normalizeFingerprint(value) {
    const v = value.trim();
    const body = v.startsWith('SHA256:') ? v.slice('SHA256:'.length) : v;
    if (!/^[A-Za-z0-9+/]{43}=?$/.test(body)) {
        throw new Error(`host fingerprint "${v}" is not a SHA256 fingerprint: use the SHA256:... form printed by ` +
            '`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server');
    }
    return 'SHA256:' + body.replace(/=$/, '');
}
/**
 * Builds the host-key check for one target. Verifying is the default: with no known_hosts, no
 * pinned fingerprint and no trust-on-first-use, every key is refused. A key that contradicts a
 * known_hosts entry or a pin is refused even with trust-on-first-use: that is the case the check
 * exists for.
 */
function makeHostVerifier(target, logger) {
    const parsed = parseKnownHosts(target.knownHosts ?? '');
    for (const bad of parsed.invalid) {
        logger.warning(`known-hosts line ${bad.line} ignored: ${bad.reason}`);
    }
    const pins = (target.fingerprints ?? []).filter((f) => f.trim() !== '').map(normalizeFingerprint);
    const forHost = parsed.entries.filter((e) => !e.revoked && entryMatchesHost(e, target.host, target.port));
    const revoked = parsed.entries.filter((e) => e.revoked);
    const knownTypes = [...new Set(forHost.map((e) => e.keyType))];
    const preferred = [...new Set(knownTypes.flatMap(algorithmsForKeyType))].filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
    const algorithms = [...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];
    let lastFailure;
    let accepted;
    const warnedTofu = new Set();
    const where = knownHostsName(target.host, target.port);
    const refuse = (kind, keyType, fp, message) => {
        lastFailure = { kind, host: target.host, port: target.port, keyType, fingerprint: fp, message };
        return false;
    };
    const verify = (key) => {
        lastFailure = undefined;
        const keyType = keyBlobType(key) ?? 'unknown';
        const fp = fingerprint(key);
        const seen = `host key for ${target.host}${target.port === 22 ? '' : `:${target.port}`} (${keyType} ${fp})`;
        if (keyType === 'unknown') {
            return refuse('unreadable', keyType, fp, `${seen} is not a key this client can read`);
        }
        const rev = revoked.find((e) => e.key.equals(key));
        if (rev) {
            return refuse('revoked', keyType, fp, `${seen} is marked @revoked in known-hosts (line ${rev.line})`);
        }
        const match = forHost.find((e) => e.key.equals(key));
        if (match) {
            accepted = { keyType, fingerprint: fp, how: `known-hosts line ${match.line}` };
            return true;
        }
        if (pins.includes(fp)) {
            accepted = { keyType, fingerprint: fp, how: 'host-fingerprint' };
            return true;
        }
        if (forHost.length > 0 || pins.length > 0) {
            const expected = [];
            if (forHost.length > 0) {
                const lines = forHost.map((e) => `line ${e.line}: ${e.keyType} ${fingerprint(e.key)}`).join(', ');
                expected.push(`known-hosts (${lines})`);
            }
            if (pins.length > 0)
                expected.push(`host-fingerprint (${pins.join(', ')})`);
            return refuse('mismatch', keyType, fp, `${seen} does not match ${expected.join(' or ')}. The server was reinstalled or re-keyed, ` +
                'or someone is in the middle: check the key on the server console ' +
                '(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before updating known-hosts');
        }
        if (target.trustOnFirstUse) {
            accepted = { keyType, fingerprint: fp, how: 'trust-on-first-use' };
            if (!warnedTofu.has(fp)) {
                warnedTofu.add(fp);
                logger.warning(`trust-on-first-use: accepted the unverified ${seen}. ` +
                    `Pin it with host-fingerprint: ${fp} or this known-hosts line: ${knownHostsLine(target.host, target.port, key)}`);
            }
            return true;
        }
        return refuse('unknown', keyType, fp, `${seen} is unknown: add it to known-hosts or host-fingerprint (no entry for ${where}` +
            `${parsed.entries.length > 0 ? ` among ${parsed.entries.length} known-hosts entries` : ''}). ` +
            'Read the fingerprint on the server itself (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), ' +
            'or enable trust-on-first-use to accept and print it');
    };
    return { verify, failure: () => lastFailure, accepted: () => accepted, algorithms };
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: ./src/cancel.ts
var cancel = __webpack_require__(833);
;// CONCATENATED MODULE: ./src/ssh/command-watch.ts

/** The exit code reported for a command killed by its timeout, as coreutils timeout(1) uses. */
const TIMEOUT_EXIT_CODE = 124;
/**
 * After TERM, the remote timeout(1) waits this long before KILL; the client waits a little more
 * before giving up on the command itself (a server that stopped answering).
 */
const KILL_AFTER_S = 5;
const CLIENT_GRACE_MS = (KILL_AFTER_S + 10) * 1000;
/**
 * Node fires a timer longer than 2^31-1 ms (~24.8 days) after 1 ms instead: such a command would be
 * "timed out" at once. Anything that long is "no client-side limit"; the server's timeout(1) still
 * holds the real one.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * The runner's side of one remote command's life, the same whichever way it travels (an exec
 * channel of its own, or the connection's root shell): its log line, its deadline, its cancel, and
 * how its end is read (timed out, cancelled, or its own exit).
 *
 * The server's timeout(1) ends the command at the deadline; this side only marks the answer as
 * timed out, and gives up on a command that does not end within the grace period after it
 * (`giveUp`: KILL and close a channel, or abandon the shell). A cancel calls `cancel` (TERM and
 * close, or abandon the shell, whose pump then TERMs the command).
 */
class CommandWatch {
    label;
    opts;
    hooks;
    expired = false;
    aborted = false;
    /** Given up on after the grace period: no exit status will come. */
    forced = false;
    startedAt = Date.now();
    expireTimer;
    graceTimer;
    onAbort = () => {
        this.aborted = true;
        this.hooks.cancel();
    };
    constructor(label, opts, hooks) {
        this.label = label;
        this.opts = opts;
        this.hooks = hooks;
    }
    /** The debug line every command gets: its first line that says something (scripts start with a newline). */
    static log(logger, label, shown) {
        const first = shown.split('\n').find((l) => l.trim() !== '') ?? '';
        logger.debug(`[${label}] $ ${first.length > 200 ? first.slice(0, 200) + '...' : first}`);
    }
    /**
     * Arms the deadline and the cancel; with `now`, a run already cancelled cancels the command at
     * once (a command taking an answer sent ahead keeps that answer).
     */
    start(now = true) {
        this.expireTimer = setTimeout(() => {
            this.expired = true;
            this.graceTimer = setTimeout(() => {
                this.forced = true;
                this.hooks.giveUp();
            }, CLIENT_GRACE_MS);
        }, Math.min(this.opts.timeoutMs, MAX_TIMER_MS));
        if (this.opts.signal?.aborted) {
            if (now)
                this.onAbort();
        }
        else
            this.opts.signal?.addEventListener('abort', this.onAbort, { once: true });
    }
    stop() {
        clearTimeout(this.expireTimer);
        if (this.graceTimer)
            clearTimeout(this.graceTimer);
        this.opts.signal?.removeEventListener('abort', this.onAbort);
    }
    /**
     * Whether an end with this exit code (undefined: none came) is the timeout's. The server's
     * timeout(1) may answer before this side's timer has run (a busy event loop fires timers late),
     * so the elapsed time counts as much as the timer.
     */
    timedOut(code) {
        const late = this.expired || Date.now() - this.startedAt >= this.opts.timeoutMs;
        return late && (this.forced || code === undefined || code === 124 || code === 137);
    }
    /** The answer of a command ended by its timeout: its output so far, and a line saying so. */
    timeoutResult(stdout, stderr) {
        const note = `${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}[timed out after ${this.opts.timeoutMs} ms]\n`;
        return { code: TIMEOUT_EXIT_CODE, stdout, stderr: stderr + note, timedOut: true };
    }
    /**
     * How the caller gets the command's end, the same whichever way it travelled: a cancel throws,
     * an end at the deadline is a timed-out answer, an end without an exit status (undefined code)
     * throws with `lost()` as the reason.
     */
    outcome(code, stdout, stderr, lost) {
        if (this.aborted)
            throw this.cancelled();
        if (this.timedOut(code))
            return this.timeoutResult(stdout, stderr);
        if (code === undefined) {
            throw new Error(`${this.label}: the remote command ended without an exit status (${lost()})`);
        }
        return { code, stdout, stderr, timedOut: false };
    }
    cancelled() {
        const signal = this.opts.signal;
        return new cancel/* CancelledError */.cc(`${this.label}: the run was cancelled (${signal ? (0,cancel/* reasonOf */.A3)(signal) : ''}); the remote command was stopped`);
    }
}

// EXTERNAL MODULE: ./src/ssh/quote.ts
var quote = __webpack_require__(9038);
;// CONCATENATED MODULE: ./src/ssh/command-text.ts


const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60_000;
/** Stored stdout/stderr per command; the tail is kept, where errors are. */
const OUTPUT_CAP_BYTES = 4 * 1024 * 1024;
/**
 * sshd hands the command to the login shell as ONE argument, and Linux caps one argument at
 * 128 KiB (MAX_ARG_STRLEN); fail with a clear message instead of an E2BIG from the server.
 */
const MAX_COMMAND_BYTES = 128 * 1024 - 1024;
/** Seconds for timeout(1): decimals allowed, never 0 (which would mean "no timeout"). */
function timeoutSeconds(ms) {
    return String(Math.max(ms, 1) / 1000);
}
/**
 * Wraps a shell text so that the server itself enforces the timeout and the privilege change.
 * timeout(1) puts the command in its own process group and signals the whole group, so a
 * timed-out `pip install` is really gone, children included (closing the channel alone leaves
 * orphans running). It runs inside sudo so that it may kill root's processes.
 */
function wrapCommand(shell, text, opts) {
    const inner = `timeout -k ${KILL_AFTER_S} ${timeoutSeconds(opts.timeoutMs)} ${shell} -c ${(0,quote/* shQuote */.U)(text)}`;
    return opts.sudo ? `sudo -n -- ${inner}` : inner;
}
/**
 * What the server's shell runs for a command line (sh) or a script (bash with `set -euo pipefail`):
 * one definition, since a request queued ahead is matched by exactly this text.
 */
function shellText(kind, text) {
    return kind === 'script'
        ? { shell: 'bash', body: `set -euo pipefail\n${text}` }
        : { shell: 'sh', body: text };
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(6193);
// EXTERNAL MODULE: ./src/ssh/output.ts
var output = __webpack_require__(3269);
;// CONCATENATED MODULE: ./src/ssh/exec-channel.ts






/**
 * Runs one command line on an exec channel of its own: streamed stdin and live output are
 * possible here (not through the root shell). The deadline, the cancel and how the end is read
 * are CommandWatch's, as for the root shell; this side only says what TERM, KILL and close mean
 * for a channel.
 */
function runOnChannel(ctx, command, opts) {
    const { client, label, logger } = ctx;
    const stdout = new output/* TailBuffer */.vX(OUTPUT_CAP_BYTES);
    const stderr = new output/* TailBuffer */.vX(OUTPUT_CAP_BYTES);
    const token = (0,output/* fenceToken */.ru)();
    const print = (line) => logger.info(`[${label}] ${line}`);
    const outLines = opts.stream ? new output/* LineSplitter */.g3(print) : undefined;
    const errLines = opts.stream ? new output/* LineSplitter */.g3(print) : undefined;
    // Everything the server prints is inert between these lines: it cannot issue workflow commands
    // (::add-mask::, ::set-output::...) because it cannot guess the token. The logger's printer
    // knows the token as one it issued (see RunnerPrinter), so the fence is printed as it is.
    if (opts.stream)
        logger.info(`::stop-commands::${token}`);
    const endFence = () => {
        if (!opts.stream)
            return;
        outLines?.flush();
        errLines?.flush();
        logger.info(`::${token}::`);
    };
    return new Promise((resolve, reject) => {
        // ssh2 never calls back an exec on a connection that closes before the channel opens.
        const closedBeforeStart = () => {
            endFence();
            reject(new Error(`${label}: the connection was lost before the remote command started`));
        };
        client.once('close', closedBeforeStart);
        client.exec(command, (err, channel) => {
            client.removeListener('close', closedBeforeStart);
            if (err) {
                endFence();
                reject(new Error(`${label}: could not start a remote command: ${err.message}`));
                return;
            }
            let exitCode;
            let channelError;
            const signal = (name) => {
                try {
                    channel.signal(name);
                }
                catch {
                    // Not every server honours signal requests; closing the channel is the fallback.
                }
                channel.close();
            };
            // Cancelled: TERM to the remote command (sudo passes it on to timeout(1), which ends the
            // script's process group), then the channel closes; the remote loops have their own
            // deadlines besides, for a server that ignores signal requests. Given up on after the
            // deadline and its grace: KILL, and the channel closes.
            const watch = new CommandWatch(label, opts, {
                cancel: () => signal('TERM'),
                giveUp: () => signal('KILL')
            });
            // Decoded across chunk borders, so a caller never sees half a UTF-8 character.
            const stdoutDecoder = opts.onStdout ? new external_node_string_decoder_.StringDecoder('utf8') : undefined;
            // A throwing callback must not take the process down from inside a stream event.
            const callOnStdout = (text) => {
                try {
                    opts.onStdout?.(text);
                }
                catch (e) {
                    logger.warning(`[${label}] onStdout callback failed: ${e.message}`);
                }
            };
            channel.on('data', (chunk) => {
                stdout.push(chunk);
                outLines?.push(chunk);
                const text = stdoutDecoder?.write(chunk);
                if (text)
                    callOnStdout(text);
            });
            channel.stderr.on('data', (chunk) => {
                stderr.push(chunk);
                errLines?.push(chunk);
            });
            channel.on('error', (e) => {
                channelError = e;
            });
            channel.on('exit', (code, signal) => {
                if (typeof code === 'number') {
                    exitCode = code;
                }
                else if (signal) {
                    // ssh2 reports "SIGKILL"; a shell would say 128 + 9.
                    const name = (signal.startsWith('SIG') ? signal : `SIG${signal}`);
                    exitCode = 128 + (external_node_os_.constants.signals[name] ?? 0);
                }
            });
            const stdin = opts.stdin;
            if (stdin instanceof external_node_stream_.Readable) {
                stdin.on('error', (e) => {
                    channelError = e;
                    channel.close();
                });
                stdin.pipe(channel);
            }
            else if (stdin !== undefined) {
                channel.end(stdin);
            }
            else {
                // EOF at once: a command that reads stdin (cat, an apt prompt) ends instead of hanging.
                channel.end();
            }
            let finished = false;
            const finish = () => {
                if (finished)
                    return;
                finished = true;
                client.removeListener('close', finish);
                watch.stop();
                if (stdin instanceof external_node_stream_.Readable)
                    stdin.unpipe(channel);
                const restOfStdout = stdoutDecoder?.end();
                if (restOfStdout)
                    callOnStdout(restOfStdout);
                endFence();
                try {
                    resolve(watch.outcome(exitCode, stdout.text(), stderr.text(), () => channelError?.message ?? ctx.lastError()?.message ?? 'the connection was lost'));
                }
                catch (e) {
                    reject(e);
                }
            };
            channel.on('close', finish);
            watch.start();
            // A connection that drops mid-command does not always close its channels (seen with a
            // large stdin stream in flight): settle on the connection's close too.
            client.once('close', finish);
        });
    });
}

// EXTERNAL MODULE: ./src/render/scripts.ts
var scripts = __webpack_require__(4036);
// EXTERNAL MODULE: ./src/ssh/shell-fns.ts
var shell_fns = __webpack_require__(5816);
;// CONCATENATED MODULE: ./src/ssh/together.ts


/** Output kept per stream and part: the tail, where errors are (all of it stays under the shell's cap). */
const PART_CAP_BYTES = 256 * 1024;
/**
 * One script that runs the parts as the root shell would run each (stdin empty, stdout and stderr
 * apart), the background ones beside the others, and the others one after another until one fails
 * (those after it are not run). It answers one line per part: `INDEX RC MS STDOUT STDERR`, each
 * output base64 (`-` when empty), so nothing a part prints can fake another part's answer. Its own
 * exit is 0 only when every part ran and exited 0. All parts share its process group, so a cancel
 * (TERM to the shell's command) or its timeout ends them all. The script is
 * templates/scripts/together.sh.
 */
function togetherScript(parts) {
    const values = { count: parts.length, cap: PART_CAP_BYTES };
    parts.forEach((p, i) => {
        values[`part_${i}_shell`] = p.shell;
        values[`part_${i}_text`] = p.text;
        values[`part_${i}_bg`] = p.background ? 1 : 0;
    });
    return `${shell_fns/* MS_FN */.uX}${(0,scripts/* serverScript */.fj)('together', values)}`;
}
/** Each part's answer from the group's; a part without its line (the group was cut short) is lost. */
function splitTogether(group, count) {
    const lines = new Map();
    for (const line of group.stdout.split('\n')) {
        const f = line.split(' ');
        if (f.length === 5 && /^\d+$/.test(f[0]))
            lines.set(Number(f[0]), f);
    }
    const text = (b64) => (b64 === '-' ? '' : Buffer.from(b64, 'base64').toString('utf8'));
    return Array.from({ length: count }, (_, i) => {
        const f = lines.get(i);
        if (!f)
            return { code: 255, stdout: '', stderr: `the group's answer for this part was lost:\n${group.stderr}` };
        if (f[1] === 'skip')
            return { code: 255, stdout: '', stderr: '', skipped: true };
        return { code: Number(f[1]), stdout: text(f[3]), stderr: text(f[4]), serverMs: Number(f[2]) };
    });
}

;// CONCATENATED MODULE: ./src/ssh/send-ahead.ts



/**
 * The requests a caller queues to go with the next root-shell request (sendNext), and the answers
 * of those already sent: the later call with the very same request takes its answer instead of
 * sending it again.
 */
class SendAhead {
    /** Commands to send with the next root-shell request, each to run only if the one before succeeds. */
    next = [];
    /**
     * Sent ahead with an earlier request, in the order sent; the call with the very same text, shell,
     * timeout and stdin takes its answer (and drops those before it, which the caller went past).
     */
    ahead = [];
    /** Requests sent ahead whose answers have not come yet: running, or waiting their turn, on the server. */
    unanswered = 0;
    /** Whether requests sent ahead are still running or waiting on the server. */
    get pending() {
        return this.unanswered > 0;
    }
    queue(text, opts, kind) {
        const req = queueable(text, opts, kind);
        if (req)
            this.next.push(req);
    }
    queueTogether(parts) {
        const reqs = parts.map((p) => queueable(p.text, p.opts, p.kind ?? 'script'));
        if (reqs.some((r) => !r || r.stdin !== undefined))
            return;
        const ok = reqs;
        const text = togetherScript(ok.map((r, i) => ({ shell: r.shell, text: r.text, background: parts[i].background })));
        if (Buffer.byteLength(text) > MAX_COMMAND_BYTES)
            return;
        const seconds = ok.reduce((n, r) => n + Number(r.timeoutS), 0);
        this.next.push({ shell: 'bash', text, timeoutS: String(seconds), parts: ok });
    }
    /** Nothing queued goes any more (a cancelled run). */
    dropQueued() {
        this.next = [];
    }
    /** The queued requests, to go now with the request that carries them. */
    takeQueued() {
        return this.next.splice(0);
    }
    /** The sent-ahead request this call is, if any: it and those before it leave the list. */
    take(shell, text, timeoutS, stdin) {
        const same = (a, b) => (a === undefined && b === undefined) ||
            ((typeof b === 'string' || Buffer.isBuffer(b)) &&
                a !== undefined &&
                Buffer.from(a).equals(Buffer.from(b)));
        const at = this.ahead.findIndex((a) => a.shell === shell && a.text === text && a.timeoutS === timeoutS && same(a.stdin, stdin));
        if (at < 0)
            return undefined;
        const taken = this.ahead[at];
        this.ahead = this.ahead.slice(at + 1);
        return taken.answer;
    }
    /** Keeps the answers of requests just sent ahead (`answers[i]` is `sent[i]`'s) for the calls to come. */
    expect(sent, answers) {
        sent.forEach((n, i) => {
            const later = answers[i];
            // Nobody may ever ask for it (one before it failed): its end must not be an unhandled rejection.
            later.catch(() => undefined);
            this.unanswered++;
            void later.finally(() => this.unanswered--).catch(() => undefined);
            if (!n.parts) {
                this.ahead.push({ ...n, answer: later });
                return;
            }
            // A group: each of its requests takes its own part of the group's answer.
            const count = n.parts.length;
            const split = later.then((r) => r?.skipped ? n.parts.map(() => r) : r ? splitTogether(r, count) : undefined);
            split.catch(() => undefined);
            n.parts.forEach((part, k) => {
                const answer = split.then((all) => all?.[k]);
                answer.catch(() => undefined);
                this.ahead.push({ ...part, answer });
            });
        });
    }
}
function queueable(text, opts, kind) {
    if (!opts.sudo || opts.stream || opts.onStdout || opts.stdin instanceof external_node_stream_.Readable)
        return undefined;
    const { shell, body } = shellText(kind, text);
    if (Buffer.byteLength(body) > MAX_COMMAND_BYTES)
        return undefined;
    return {
        shell,
        text: body,
        timeoutS: timeoutSeconds(opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS),
        stdin: opts.stdin
    };
}

// EXTERNAL MODULE: ./src/ssh/upload.ts
var upload = __webpack_require__(2109);
;// CONCATENATED MODULE: ./src/ssh/root-shell.ts



/**
 * One privileged shell per connection, reused by every root command that needs neither live
 * output nor a streamed stdin: one `sudo` per connection instead of one per command.
 *
 * Protocol (all on the shell channel): the runner writes a header line
 * `TOKEN SHELL TIMEOUT_S SCRIPT_BYTES STDIN_BYTES`, then the script and the stdin bytes. The shell
 * runs `timeout -k 5 T SHELL -c SCRIPT` (exactly as a single command would run: its own process
 * group, killed with its children at the timeout) with stdin from a file in RAM (/dev/shm or /run,
 * mode 0700, emptied after the command: secrets never reach a disk or a command line), stdout and
 * stderr to files, and answers with the command's stdout, `\nTOKEN out`, its stderr and
 * `\nTOKEN rc CODE`. Requests may be written several at once (the shell reads the next one only
 * after answering the previous); a header ending in ` after-ok` asks for that command only if the
 * one before it exited 0, else the answer is `\nTOKEN rc 255 skipped` and nothing runs. The token
 * is fresh per command and never given to it, so nothing the command prints can end or fake an
 * answer. TERM to the shell ends the running command as it ends a single command. Few processes
 * per command (timeout, the shell, one cat; the script is read by bash itself): every fork costs
 * ~1-2 ms.
 * The shell's script is templates/scripts/root_shell.sh.
 */
function rootShellDriver(killAfterS) {
    return (0,scripts/* serverScript */.fj)('root_shell', { kill_after: killAfterS });
}
/** Sent to the shell and not answered: the caller decides whether it timed out or was cancelled. */
class RootShellLost extends Error {
}
class RootShell {
    client;
    startCommand;
    label;
    logger;
    capBytes;
    channel;
    opening;
    broken = false;
    busy = 0;
    buf = Buffer.alloc(0);
    /** Sent and not yet answered, in the order sent: the shell answers in that order. */
    pending = [];
    constructor(client, 
    /** The command that starts the driver: `sudo -n -- bash -c DRIVER`, or bash alone for root. */
    startCommand, label, logger, 
    /** Output kept per stream: the tail, where errors are. */
    capBytes = 4 * 1024 * 1024) {
        this.client = client;
        this.startCommand = startCommand;
        this.label = label;
        this.logger = logger;
        this.capBytes = capBytes;
    }
    /** Free for a command now: not running one, and not known to be unusable. */
    get available() {
        return this.busy === 0 && !this.broken;
    }
    /**
     * Runs one command. Resolves undefined when the shell could not be started (sudo refused, the
     * server has no bash): the caller then runs the command on its own channel, which reports the
     * real reason.
     */
    async run(req, hooks = {}) {
        return this.runAll([req], hooks)[0];
    }
    /**
     * Sends several commands at once, without waiting for one answer before sending the next (one
     * round trip instead of one each); the shell still runs them one after another and answers each
     * in order, so every promise settles when its own command ended. A command with `afterOk` is
     * not run after a failed one. A later call may add to the queue while these run.
     */
    runAll(reqs, hooks = {}) {
        this.busy += reqs.length;
        const opened = this.open();
        return reqs.map(async (req) => {
            try {
                const channel = await opened;
                if (!channel)
                    return undefined;
                if (this.broken)
                    throw new RootShellLost('the privileged shell ended');
                const token = (0,external_node_crypto_.randomBytes)(12).toString('hex');
                const script = Buffer.from(req.text);
                // The shell reads the script by byte count with bash's read, which drops a NUL uncounted;
                // no shell could take one in a script anyway.
                if (script.includes(0))
                    throw new Error('a root command holds a NUL byte, which no shell can run');
                const stdin = req.stdin === undefined ? Buffer.alloc(0) : Buffer.from(req.stdin);
                const answer = new Promise((resolve, reject) => {
                    this.pending.push({
                        token,
                        settle: (r) => (r instanceof Error ? reject(r) : resolve(r))
                    });
                });
                const after = req.afterOk ? ' after-ok' : '';
                channel.write(`${token} ${req.shell} ${req.timeoutS} ${script.length} ${stdin.length}${after}\n`);
                channel.write(script);
                if (stdin.length > 0)
                    channel.write(stdin);
                hooks.onStarted?.();
                return await answer;
            }
            finally {
                this.busy--;
            }
        });
    }
    /** Ends the running command as TERM ends a single command (the shell passes it on). */
    interrupt() {
        try {
            this.channel?.signal('TERM');
        }
        catch {
            // Not every server honours signal requests; the caller's own deadline closes the shell.
        }
    }
    /** Gives up on the shell (a command that never answered); later commands use their own channels. */
    abandon(why) {
        this.broken = true;
        this.settleAll(new RootShellLost(why));
        this.channel?.close();
    }
    close() {
        this.broken = true;
        this.channel?.end();
    }
    /** Starts the shell now (idempotent): its sudo then overlaps whatever the caller waits for. */
    open() {
        if (this.broken)
            return Promise.resolve(undefined);
        this.opening ??= new Promise((resolve) => {
            this.client.exec(this.startCommand, (err, channel) => {
                if (err) {
                    this.logger.debug(`[${this.label}] no privileged shell: ${err.message}`);
                    this.broken = true;
                    resolve(undefined);
                    return;
                }
                let ready = false;
                let stderr = '';
                channel.stderr.on('data', (c) => (stderr = (stderr + c.toString('utf8')).slice(-2000)));
                channel.on('data', (chunk) => {
                    this.buf = Buffer.concat([this.buf, chunk]);
                    if (!ready) {
                        const nl = this.buf.indexOf('\n');
                        if (nl < 0)
                            return;
                        ready = this.buf.subarray(0, nl).toString() === 'ready';
                        this.buf = this.buf.subarray(nl + 1);
                        if (!ready) {
                            this.abandon('the privileged shell did not start');
                            resolve(undefined);
                            return;
                        }
                        this.channel = channel;
                        resolve(channel);
                    }
                    this.parse();
                });
                channel.on('close', () => {
                    this.broken = true;
                    this.channel = undefined;
                    if (!ready) {
                        this.logger.debug(`[${this.label}] no privileged shell: ${stderr.trim() || 'it ended at once'}`);
                        resolve(undefined);
                    }
                    this.settleAll(new RootShellLost('the privileged shell ended'));
                });
                channel.on('error', () => undefined);
            });
        });
        return this.opening;
    }
    settleAll(err) {
        for (const p of this.pending.splice(0))
            p.settle(err);
    }
    parse() {
        for (;;) {
            const p = this.pending[0];
            if (!p) {
                // Nothing asked: what the shell said is not an answer to anything (it cannot be).
                this.buf = Buffer.alloc(0);
                return;
            }
            if (p.stdout === undefined) {
                const mark = Buffer.from(`\n${p.token} out\n`);
                const at = this.buf.indexOf(mark);
                if (at < 0)
                    return this.keepTail(mark.length);
                p.stdout = this.buf.subarray(0, at);
                this.buf = this.buf.subarray(at + mark.length);
                continue;
            }
            const mark = Buffer.from(`\n${p.token} rc `);
            const at = this.buf.indexOf(mark);
            if (at < 0)
                return this.keepTail(mark.length + 16);
            const nl = this.buf.indexOf(0x0a, at + mark.length);
            if (nl < 0)
                return;
            const [rc, note] = this.buf
                .subarray(at + mark.length, nl)
                .toString()
                .split(' ');
            const stderr = this.buf.subarray(0, at);
            this.buf = this.buf.subarray(nl + 1);
            this.pending.shift();
            const result = {
                code: Number(rc),
                stdout: this.tail(p.stdout),
                stderr: this.tail(stderr)
            };
            p.settle(note === 'skipped' ? { ...result, skipped: true } : result);
        }
    }
    /** While an output streams in, only its tail (and room for the mark) is kept. */
    keepTail(markBytes) {
        const keep = this.capBytes + markBytes;
        if (this.buf.length > keep + 65536)
            this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
    }
    tail(b) {
        return (b.length > this.capBytes ? b.subarray(b.length - this.capBytes) : b).toString('utf8');
    }
}
/** The command line that starts the privileged shell (no secret in it: only the driver). */
function rootShellCommand(sudo, killAfterS) {
    const inner = `bash -c ${(0,quote/* shQuote */.U)(rootShellDriver(killAfterS))}`;
    return sudo ? `sudo -n -- ${inner}` : inner;
}

;// CONCATENATED MODULE: ./src/ssh/remote.ts
// Both ways a command reaches the server meet here: its own exec channel (exec-channel.ts) or the
// connection's root shell (root-shell.ts, with requests sent ahead in send-ahead.ts). Their timeout,
// cancel, log line and reading of the end are one code path, CommandWatch (command-watch.ts).









/** A watch for a command refused before it started: only its cancelled() is asked. */
const NO_HOOKS = { cancel: () => undefined, giveUp: () => undefined };
/**
 * A Remote over one authenticated SSH connection: root commands through its root shell, streams,
 * builds and non-root commands on exec channels of their own.
 */
class SshRemote {
    ssh;
    target;
    logger;
    label;
    closed = false;
    lastError;
    trips = 0;
    waited = 0;
    shell;
    /** Requests queued to go with the next root-shell request, and the answers of those sent ahead. */
    sendAhead = new SendAhead();
    constructor(ssh, target, logger, label) {
        this.ssh = ssh;
        this.target = target;
        this.logger = logger;
        this.label = label ?? target.host;
        const client = this.client();
        // Without a listener, a late socket error (reset, keepalive timeout) would crash the process.
        client.on('error', (err) => {
            this.lastError = err;
            this.logger.debug(`[${this.label}] ssh connection error: ${err.message}`);
        });
        client.on('close', () => {
            this.closed = true;
        });
    }
    client() {
        const client = this.ssh.connection;
        if (!client)
            throw new Error(`${this.label}: not connected`);
        return client;
    }
    get needsSudo() {
        return this.target.user !== 'root';
    }
    /** Requests made to the server so far: exec channels, and commands sent to the privileged shell. */
    get roundTrips() {
        return this.trips;
    }
    /** Requests whose answer the runner waited for before it could send another: sent-ahead ones are not. */
    get waits() {
        return this.waited;
    }
    sendNext(text, opts = {}, kind = 'script') {
        this.sendAhead.queue(text, opts, kind);
    }
    sendNextTogether(parts) {
        this.sendAhead.queueTogether(parts);
    }
    /**
     * A cancelled run: nothing queued goes, and requests sent ahead that have not answered yet are
     * stopped (the root shell's channel closes; its pump ends the running command, and the rest is
     * not run). Later commands take channels of their own.
     */
    cancelQueued() {
        this.sendAhead.dropQueued();
        if (this.sendAhead.pending)
            this.shell?.abandon('cancelled');
    }
    async exec(command, opts = {}) {
        return this.command('exec', command, opts);
    }
    async script(script, opts = {}) {
        return this.command('script', script, opts);
    }
    async command(kind, text, opts) {
        const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
        // A script travels as a quoted argument, not on stdin, so stdin stays free for data.
        const { shell, body } = shellText(kind, text);
        const viaShell = await this.viaShell(shell, body, text, { ...opts, timeoutMs });
        if (viaShell)
            return viaShell;
        const wrapped = wrapCommand(shell, body, { timeoutMs, sudo: !!opts.sudo && this.needsSudo });
        return this.run(wrapped, text, { ...opts, timeoutMs });
    }
    /**
     * A root command that needs no live output and no streamed stdin goes to the connection's
     * privileged shell when it is free (one `sudo` per connection instead of one per command).
     * Undefined: run it on its own channel (not eligible, the shell is busy, or it could not start).
     */
    async viaShell(shell, text, shown, opts) {
        const timeoutS = timeoutSeconds(opts.timeoutMs);
        let taken = opts.sudo ? this.sendAhead.take(shell, text, timeoutS, opts.stdin) : undefined;
        // Not run because one sent before it failed, and the caller went on all the same: run it now,
        // as if it had never been sent ahead (on its own channel if it asks for one).
        if (taken && (await taken.catch(() => undefined))?.skipped)
            taken = undefined;
        const eligible = opts.sudo && !opts.ownChannel && !opts.stream && !opts.onStdout;
        if (!taken && (!eligible || opts.stdin instanceof external_node_stream_.Readable))
            return undefined;
        if (!taken && (this.closed || opts.signal?.aborted))
            return undefined;
        if (Buffer.byteLength(text) > MAX_COMMAND_BYTES)
            return undefined;
        const sh = this.rootShell();
        if (!taken && !sh.available)
            return undefined;
        // Queued requests go only with the request meant to carry them, never with one a failure path
        // sends instead (a history line after a refusal must not bring a switch with it).
        const next = taken || !opts.carry ? [] : this.sendAhead.takeQueued();
        CommandWatch.log(this.logger, this.label, shown);
        // A cancel closes the shell's channel: its pump then TERMs the running command, and nothing
        // queued after it runs; later commands of the run (a rollback) take channels of their own.
        const watch = new CommandWatch(this.label, opts, {
            cancel: () => sh.abandon('cancelled'),
            giveUp: () => sh.abandon('timed out')
        });
        watch.start(false);
        try {
            let answer;
            if (taken) {
                // Sent with a request before it: its answer is this command's.
                answer = taken;
            }
            else {
                const req = { shell, text, timeoutS, stdin: opts.stdin };
                const reqs = [req, ...next.map((n) => ({ ...n, afterOk: true }))];
                let sent = 0;
                const answers = sh.runAll(reqs, {
                    onStarted: () => {
                        this.trips++;
                        if (sent++ === 0)
                            this.waited++;
                    }
                });
                answer = answers[0];
                this.sendAhead.expect(next, answers.slice(1));
            }
            const res = await answer;
            // The shell could not start: nothing was sent. The caller runs it on its own channel, and so
            // does each request queued with it when asked for (its answer is undefined too).
            if (!res)
                return undefined;
            const out = watch.outcome(res.code, res.stdout, res.stderr, () => '');
            // A group's part carries how long it ran on the server (serverMs).
            return out.timedOut ? out : { ...res, timedOut: false };
        }
        catch (err) {
            if (!(err instanceof RootShellLost))
                throw err;
            return watch.outcome(undefined, '', '', () => this.lastError?.message ?? err.message);
        }
        finally {
            watch.stop();
        }
    }
    rootShell() {
        this.shell ??= new RootShell(this.client(), rootShellCommand(this.needsSudo, KILL_AFTER_S), this.label, this.logger, OUTPUT_CAP_BYTES);
        return this.shell;
    }
    warm() {
        if (this.closed)
            return;
        void this.rootShell().open();
    }
    async upload(localDir, remoteDir, opts) {
        return (0,upload/* uploadDirectory */.zA)(this, localDir, remoteDir, opts, this.logger);
    }
    async close() {
        const client = this.ssh.connection;
        this.shell?.close();
        if (client && !this.closed)
            await this.end(client);
        this.closed = true;
        for (const hook of this.closeHooks.splice(0))
            await hook().catch(() => undefined);
    }
    end(client) {
        return new Promise((resolve) => {
            // A graceful end waits for queued data to flush, which a stuck channel may never allow:
            // after a moment the socket is destroyed, which also settles every command still running.
            const timer = setTimeout(() => {
                client.destroy();
                resolve();
            }, 2000);
            client.once('close', () => {
                clearTimeout(timer);
                resolve();
            });
            this.ssh.dispose();
        });
    }
    closeHooks = [];
    /** Runs after this connection is closed (a bastion connection closes with the one it carries). */
    onClose(hook) {
        this.closeHooks.push(hook);
    }
    /** A TCP stream to host:port opened from this server (direct-tcpip), for reaching hosts behind it. */
    forward(host, port) {
        return new Promise((resolve, reject) => {
            this.client().forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
                if (err)
                    reject(new Error(`${this.label}: cannot forward to ${host}:${port}: ${err.message}`));
                else
                    resolve(stream);
            });
        });
    }
    /** Cuts the connection at once, as a network failure would (fault-injection tests use it). */
    drop() {
        this.ssh.connection?.destroy();
    }
    run(command, shown, opts) {
        if (this.closed) {
            return Promise.reject(new Error(`${this.label}: the SSH connection is closed${this.lastError ? ` (${this.lastError.message})` : ''}`));
        }
        if (Buffer.byteLength(command) > MAX_COMMAND_BYTES) {
            return Promise.reject(new Error(`${this.label}: remote command is ${Buffer.byteLength(command)} bytes, over the ~128 KiB a server ` +
                'accepts as one command: send large content via stdin or upload'));
        }
        if (opts.signal?.aborted)
            return Promise.reject(new CommandWatch(this.label, opts, NO_HOOKS).cancelled());
        this.trips++;
        if (!opts.alongside)
            this.waited++;
        CommandWatch.log(this.logger, this.label, shown);
        return runOnChannel({ client: this.client(), label: this.label, logger: this.logger, lastError: () => this.lastError }, command, opts);
    }
}

;// CONCATENATED MODULE: ./src/ssh/connection.ts




const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
const DEFAULT_RETRIES = 3;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 15_000;
/** The network errors worth another attempt: the server may be booting or a link flapping. */
const RETRYABLE_CODES = {
    ECONNREFUSED: 'connection refused (is sshd running and listening on this port?)',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ECONNRESET: 'connection reset by the server',
    EPIPE: 'connection closed by the server',
    EAI_AGAIN: 'temporary DNS failure'
};
/** Thrown when the server refused our key: retrying cannot help, and could trip fail2ban. */
class SshAuthError extends Error {
    constructor(message) {
        super(message);
        this.name = 'SshAuthError';
    }
}
/** Thrown when the server could not be reached after every attempt. */
class SshConnectError extends Error {
    attempts;
    constructor(message, attempts) {
        super(message);
        this.attempts = attempts;
        this.name = 'SshConnectError';
    }
}
function describeTarget(t) {
    return `${t.user}@${t.host}${t.port === 22 ? '' : `:${t.port}`}`;
}
function classify(err, target) {
    const who = describeTarget(target);
    const code = err.code ?? '';
    if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message)) {
        return {
            retry: false,
            error: new SshAuthError(`authentication as ${who} failed: the server refused the private key. Check the user input, and that ` +
                `the key's public half is in ~${target.user}/.ssh/authorized_keys on ${target.host}`)
        };
    }
    if (RETRYABLE_CODES[code])
        return { retry: true, error: new Error(`${RETRYABLE_CODES[code]} (${code})`) };
    if (err.level === 'client-timeout' || /timed out while waiting for handshake/i.test(err.message)) {
        return { retry: true, error: new Error('no SSH handshake within the connect timeout') };
    }
    if (code === 'ENOTFOUND') {
        return { retry: false, error: new Error(`cannot resolve host name ${target.host} (${code})`) };
    }
    if (/no response from server/i.test(err.message)) {
        return { retry: true, error: new Error('the server closed the connection during the handshake') };
    }
    return { retry: false, error: new Error(`SSH connection to ${who} failed: ${err.message}`) };
}
function validateTarget(t) {
    if (!t.host || /\s/.test(t.host))
        throw new Error(`invalid SSH host "${t.host}"`);
    if (!t.user || /\s/.test(t.user))
        throw new Error(`invalid SSH user "${t.user}"`);
    if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535)
        throw new Error(`invalid SSH port ${t.port}`);
    if (!t.privateKey || !t.privateKey.includes('PRIVATE KEY')) {
        throw new Error('private-key is empty or not a private key (expected a PEM/OpenSSH "-----BEGIN ... PRIVATE KEY-----" block)');
    }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * Opens one verified, authenticated SSH connection. The host key is checked before any
 * authentication happens (so nothing runs on an impostor); network failures are retried with
 * exponential backoff, auth and host-key failures never are.
 */
async function connect(target, logger) {
    // Before anything can print them, even in an error message from deep inside ssh2.
    if (target.privateKey)
        logger.setSecret(target.privateKey);
    if (target.passphrase)
        logger.setSecret(target.passphrase);
    validateTarget(target);
    // The bastion first: its host key is verified before anything is forwarded through it.
    const bastion = target.jump ? await connect(target.jump, logger) : undefined;
    try {
        const remote = await connectDirect(target, logger, bastion);
        if (bastion)
            remote.onClose(() => bastion.close());
        return remote;
    }
    catch (err) {
        await bastion?.close();
        if (bastion && !(err instanceof HostKeyError) && !(err instanceof SshAuthError)) {
            throw new Error(`${err.message} (through the bastion ${describeTarget(target.jump)})`);
        }
        throw err;
    }
}
/**
 * The TCP connection, opened here rather than by ssh2 so that Nagle's algorithm is off: with it on,
 * every small request of the SSH protocol waits for a delayed ACK (measured here: ~107 ms per remote
 * command instead of ~20 ms, a ~250 ms handshake instead of ~65 ms).
 */
function openSocket(host, port, timeoutMs) {
    return new Promise((resolve, reject) => {
        const sock = external_node_net_.connect({ host, port });
        sock.setNoDelay(true);
        sock.setTimeout(timeoutMs, () => {
            sock.destroy(Object.assign(new Error(`no TCP connection within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
        });
        sock.once('connect', () => {
            sock.setTimeout(0);
            resolve(sock);
        });
        sock.once('error', reject);
    });
}
async function connectDirect(target, logger, bastion) {
    const verifier = makeHostVerifier(target, logger);
    const attempts = 1 + Math.max(0, target.retries ?? DEFAULT_RETRIES);
    const who = describeTarget(target);
    let last;
    const backoff = async (attempt, error) => {
        const delay = Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
        logger.warning(`ssh ${who}: ${error.message}; retrying in ${delay / 1000} s (attempt ${attempt + 1} of ${attempts})`);
        await sleep(delay);
    };
    for (let attempt = 1; attempt <= attempts; attempt++) {
        const ssh = new esm/* NodeSSH */.H();
        let sock;
        try {
            sock = bastion
                ? await bastion.forward(target.host, target.port)
                : await openSocket(target.host, target.port, target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
        }
        catch (raw) {
            const { retry, error } = classify(raw, target);
            if (!retry)
                throw error;
            last = error;
            if (attempt < attempts)
                await backoff(attempt, error);
            continue;
        }
        const config = {
            sock,
            host: target.host,
            port: target.port,
            username: target.user,
            privateKey: target.privateKey,
            passphrase: target.passphrase,
            readyTimeout: target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
            hostVerifier: verifier.verify,
            // Ask for the key types known_hosts holds for this host first, as OpenSSH does; otherwise a
            // server with an ed25519 key would show that even when only its RSA key is pinned.
            algorithms: {
                serverHostKey: verifier.algorithms
            },
            // Long quiet commands (pip, migrations) must not look like a dead link to a NAT in between.
            keepaliveInterval: 15_000,
            keepaliveCountMax: 4
        };
        try {
            await ssh.connect(config);
            const how = verifier.accepted();
            logger.debug(`connected to ${who}${how ? ` (host key ${how.keyType} ${how.fingerprint}, verified by ${how.how})` : ''}`);
            return new SshRemote(ssh, target, logger);
        }
        catch (raw) {
            ssh.dispose();
            const failure = verifier.failure();
            if (failure)
                throw new HostKeyError(failure);
            const err = raw;
            if (/privateKey|passphrase|private key/i.test(err.message) && !err.level) {
                // Thrown by ssh2 while parsing the key, before any network traffic.
                throw new Error(`private-key could not be used: ${err.message} (a wrong or missing passphrase?)`);
            }
            const { retry, error } = classify(err, target);
            if (!retry)
                throw error;
            last = error;
            if (attempt < attempts)
                await backoff(attempt, error);
        }
    }
    throw new SshConnectError(`cannot connect to ${who} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${last?.message}. ` +
        'Check host and port, that the server is up and sshd is running, and that its firewall lets this runner in', attempts);
}


/***/ }),

/***/ 8575:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B3: () => (/* binding */ localTar),
/* harmony export */   Dd: () => (/* binding */ tarFlavour),
/* harmony export */   ft: () => (/* binding */ TarMemberCount),
/* harmony export */   sP: () => (/* binding */ noLocalTar)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);

/**
 * The runner's tar, whichever it is: GNU tar on Linux runners, bsdtar (libarchive) on macOS and
 * Windows ones. Every flag the uploads pass is one both take (-C -c -f -T --null --no-recursion
 * --numeric-owner --exclude=); what differs (how an exclude is anchored, how a listing is
 * printed, a canonical archive only GNU tar writes) asks tarFlavour() first.
 */
function localTar(args) {
    return (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)('tar', args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        // COPYFILE_DISABLE: macOS's bsdtar would add `._name` AppleDouble members for extended attributes.
        env: { ...process.env, LC_ALL: 'C', COPYFILE_DISABLE: '1' }
    });
}
function noLocalTar(err) {
    return new Error(`upload: could not run local tar: ${err.message} (the runner needs tar on its PATH: GNU tar or bsdtar)`);
}
/** Asked once per PATH (a test, or a workflow step, may put another tar first). */
const flavours = new Map();
/** GNU tar or bsdtar (`tar --version`); anything else counts as bsdtar, the smaller common ground. */
function tarFlavour() {
    const key = process.env.PATH ?? '';
    let known = flavours.get(key);
    if (!known) {
        known = new Promise((resolve) => {
            (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile)('tar', ['--version'], { env: { ...process.env, LC_ALL: 'C' } }, (err, stdout) => resolve(!err && /GNU tar/.test(String(stdout)) ? 'gnu' : 'bsd'));
        });
        flavours.set(key, known);
    }
    return known;
}
const BLOCK = 512;
/** Header types that describe no member of their own: folders, and pax/GNU extension headers. */
const NOT_A_FILE = new Set(['5', 'x', 'g', 'L', 'K', 'V', 'D', 'M', 'N']);
/**
 * Counts an archive's files (every member but folders) as its bytes stream past, reading only
 * the 512-byte headers: the same count from GNU tar and bsdtar, with no listing to parse.
 */
class TarMemberCount {
    files = 0;
    skip = 0;
    partial = Buffer.alloc(0);
    push(chunk) {
        let at = 0;
        while (at < chunk.length) {
            if (this.skip > 0) {
                const n = Math.min(this.skip, chunk.length - at);
                this.skip -= n;
                at += n;
                continue;
            }
            const need = BLOCK - this.partial.length;
            const take = chunk.subarray(at, at + need);
            at += take.length;
            this.partial = this.partial.length === 0 ? Buffer.from(take) : Buffer.concat([this.partial, take]);
            if (this.partial.length < BLOCK)
                return;
            this.header(this.partial);
            this.partial = Buffer.alloc(0);
        }
    }
    header(h) {
        if (h.every((b) => b === 0))
            return; // the end-of-archive blocks
        const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]);
        if (!NOT_A_FILE.has(type))
            this.files++;
        const size = headerSize(h);
        // Links and folders carry no data whatever their size field says.
        const data = type === '1' || type === '2' || type === '5' ? 0 : size;
        this.skip = Math.ceil(data / BLOCK) * BLOCK;
    }
}
/** The size field: octal text, or base-256 (high bit set) for members of 8 GiB and more. */
function headerSize(h) {
    const field = h.subarray(124, 136);
    if (field[0] & 0x80) {
        let n = field[0] & 0x7f;
        for (let i = 1; i < field.length; i++)
            n = n * 256 + field[i];
        return n;
    }
    const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
    return text === '' ? 0 : parseInt(text, 8);
}


/***/ }),

/***/ 2109:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Po: () => (/* binding */ packFiles),
/* harmony export */   U8: () => (/* binding */ remoteUnpackCommand),
/* harmony export */   Zx: () => (/* binding */ tarExcludeArgs),
/* harmony export */   zA: () => (/* binding */ uploadDirectory)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _quote_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9038);
/* harmony import */ var _deploy_app_run_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(5312);
/* harmony import */ var _local_tar_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8575);







const STDERR_TAIL = 2000;
function tail(text) {
    const t = text.trim();
    return t.length > STDERR_TAIL ? '...' + t.slice(-STDERR_TAIL) : t;
}
/**
 * tar --exclude semantics, with one convenience: a leading `/` anchors at the upload root
 * (`/docs` means only the top-level docs). tar itself names members `./docs`, so an unanchored
 * pattern (`docs`, `*.pyc`) matches at any depth, and `./docs` matches only the top level.
 * bsdtar matches `./docs` at any depth too: only a leading `^` anchors it there.
 */
function tarExcludeArgs(patterns, flavour = 'gnu') {
    return patterns
        .map((p) => p.trim())
        .filter((p) => p !== '')
        .map((p) => (p.startsWith('/') ? '.' + p.replace(/^\/+/, '/') : p))
        .map((p) => `--exclude=${flavour === 'bsd' && p.startsWith('./') ? '^' + p : p}`);
}
/**
 * The remote half: create the directory, then unpack the stream owned by whoever runs it: asUser
 * when given (tar then never runs as root, so a crafted archive can only write where that user
 * can). With discard, a failed unpack removes the folder: the server side sees a dropped
 * connection or a dead local tar as a truncated stream, so it cleans up even when the runner
 * cannot.
 */
function remoteUnpackCommand(remoteDir, opts = {}) {
    const dir = (0,_quote_js__WEBPACK_IMPORTED_MODULE_5__/* .shQuote */ .U)(remoteDir);
    // --no-same-owner: under sudo, tar would otherwise give files the runner's uid (1001 on GitHub).
    const unpack = `mkdir -p -- ${dir} && tar -C ${dir} --no-same-owner --warning=no-unknown-keyword -xf -`;
    const body = opts.discard ? `${unpack} || { rc=$?; rm -rf -- ${dir}; exit "$rc"; }` : unpack;
    return opts.asUser ? (0,_deploy_app_run_js__WEBPACK_IMPORTED_MODULE_6__/* .asUser */ .ex)(opts.asUser, body) : body;
}
/** The -T list of the named paths, NUL-separated (any byte but NUL may stand in a file name). */
async function writeFileList(scratch, files) {
    const list = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(scratch, 'files');
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(list, files.map((f) => `./${f}\0`).join(''));
    return list;
}
const listedFiles = (list) => ['--no-recursion', '--null', '-T', list];
/** tar creating an archive of `what` (relative to localDir) on its stdout. */
function tarArgs(localDir, what, extra = []) {
    return ['-C', localDir, '-c', ...extra, '-f', '-', '--numeric-owner', ...what];
}
/**
 * Sends localDir as ONE tar stream over ONE exec channel and unpacks it in remoteDir. One channel
 * instead of SFTP's round trip per file: thousands of small files cost about what their bytes
 * cost. Needs tar locally (GNU tar or bsdtar: every runner has one) and tar on the server.
 */
async function uploadDirectory(remote, localDir, remoteDir, opts, logger) {
    const started = Date.now();
    if (remoteDir.trim() === '')
        throw new Error('upload: the remote directory is empty');
    const st = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(localDir).catch(() => undefined);
    if (!st?.isDirectory())
        throw new Error(`upload: local directory ${localDir} does not exist or is not a directory`);
    const scratch = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), 'gunicorn-deploy-upload-'));
    try {
        const list = opts.files ? await writeFileList(scratch, opts.files) : undefined;
        return await send(remote, localDir, remoteDir, opts, logger, started, list);
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(scratch, { recursive: true, force: true });
    }
}
async function send(remote, localDir, remoteDir, opts, logger, started, list) {
    const what = list ? listedFiles(list) : [...tarExcludeArgs(opts.exclude, await (0,_local_tar_js__WEBPACK_IMPORTED_MODULE_4__/* .tarFlavour */ .Dd)()), '.'];
    const args = tarArgs(localDir, what);
    logger.debug(`[${remote.label}] upload ${localDir} -> ${remoteDir} (tar ${args.join(' ')})`);
    const tar = (0,_local_tar_js__WEBPACK_IMPORTED_MODULE_4__/* .localTar */ .B3)(args);
    let localStderr = '';
    tar.stderr.on('data', (c) => {
        localStderr = (localStderr + c.toString('utf8')).slice(-64 * 1024);
    });
    // The file count comes from the archive's own headers as it passes (no tar's listing to parse:
    // GNU tar and bsdtar print theirs differently).
    let bytes = 0;
    const members = new _local_tar_js__WEBPACK_IMPORTED_MODULE_4__/* .TarMemberCount */ .ft();
    const counter = new node_stream__WEBPACK_IMPORTED_MODULE_3__.Transform({
        transform(chunk, _enc, cb) {
            bytes += chunk.length;
            members.push(chunk);
            cb(null, chunk);
        }
    });
    tar.stdout.pipe(counter);
    let spawnError;
    const localDone = new Promise((resolve) => {
        tar.on('error', (err) => {
            spawnError = err;
            // Ends the remote side too, instead of leaving it waiting for a stream that never comes.
            counter.destroy(err);
            resolve({ code: null, signal: null });
        });
        tar.on('close', (code, signal) => resolve({ code, signal }));
    });
    let remoteResult;
    let remoteError;
    try {
        const command = remoteUnpackCommand(remoteDir, { asUser: opts.asUser, discard: opts.discardOnFailure });
        remoteResult = await remote.exec(command, {
            stdin: counter,
            sudo: opts.sudo,
            timeoutMs: opts.timeoutMs,
            signal: opts.signal
        });
    }
    catch (err) {
        remoteError = err;
    }
    // If the server side stopped early (mkdir refused, disk full), local tar is blocked on a full pipe.
    const killedByUs = tar.exitCode === null && tar.signalCode === null;
    if (killedByUs) {
        tar.kill('SIGTERM');
        // 'close' waits for tar's stdout to end, which never happens while the stream into a dead
        // channel holds it back: drop what is still buffered.
        counter.destroy();
        tar.stdio[1].destroy();
    }
    const local = await localDone;
    if (spawnError)
        throw (0,_local_tar_js__WEBPACK_IMPORTED_MODULE_4__/* .noLocalTar */ .sP)(spawnError);
    const where = `${remote.label}:${remoteDir}`;
    // A local failure (unreadable file) is the cause when both sides fail: the server then only saw
    // a truncated stream.
    if (!killedByUs && local.code !== 0) {
        const how = local.signal ? `was killed by ${local.signal}` : `exited ${local.code}`;
        throw new Error(`upload to ${where} failed: local tar ${how}: ${tail(localStderr) || '(no stderr)'}`);
    }
    if (remoteError)
        throw new Error(`upload to ${where} failed: ${remoteError.message}`);
    if (!remoteResult || remoteResult.code !== 0) {
        const why = remoteResult?.timedOut ? 'timed out' : `remote tar exited ${remoteResult?.code}`;
        throw new Error(`upload to ${where} failed: ${why}: ${tail(remoteResult?.stderr ?? '') || '(no stderr)'}`);
    }
    return { files: members.files, bytes, ms: Date.now() - started };
}
/**
 * The named files (paths relative to localDir) as one tar archive in memory: for a delta small
 * enough to travel as a root-shell request's stdin, queued with the requests after it.
 * Undefined when it would exceed maxBytes.
 */
async function packFiles(localDir, files, maxBytes) {
    const scratch = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), 'gunicorn-deploy-pack-'));
    try {
        const tar = (0,_local_tar_js__WEBPACK_IMPORTED_MODULE_4__/* .localTar */ .B3)(tarArgs(localDir, listedFiles(await writeFileList(scratch, files))));
        const chunks = [];
        let size = 0;
        let stderr = '';
        tar.stdout.on('data', (c) => {
            size += c.length;
            if (size > maxBytes)
                tar.kill('SIGTERM');
            else
                chunks.push(c);
        });
        tar.stderr.on('data', (c) => (stderr = (stderr + c.toString('utf8')).slice(-64 * 1024)));
        const code = await new Promise((resolve, reject) => {
            tar.on('error', (err) => reject((0,_local_tar_js__WEBPACK_IMPORTED_MODULE_4__/* .noLocalTar */ .sP)(err)));
            tar.on('close', (c) => resolve(c));
        });
        if (size > maxBytes)
            return undefined;
        if (code !== 0)
            throw new Error(`upload failed: local tar exited ${code}: ${tail(stderr) || '(no stderr)'}`);
        return Buffer.concat(chunks);
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(scratch, { recursive: true, force: true });
    }
}


/***/ }),

/***/ 4654:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  kM: () => (/* binding */ bootCandidate),
  qg: () => (/* binding */ bootEarly),
  Lo: () => (/* binding */ candidateBootRequest),
  gE: () => (/* binding */ candidateOutcome),
  vy: () => (/* binding */ candidateRequest),
  s9: () => (/* binding */ candidateWarmScript),
  x5: () => (/* binding */ refusal),
  pl: () => (/* binding */ runCandidate),
  i6: () => (/* binding */ stopEarly)
});

// UNUSED EXPORTS: GRACE_ANSWERS, GRACE_MS, candidateBootScript, candidateScript, candidateUnit, importHook, parseCandidate

// EXTERNAL MODULE: ./src/deploy/health.ts
var health = __webpack_require__(1873);
// EXTERNAL MODULE: ./src/render/scripts.ts
var scripts = __webpack_require__(4036);
// EXTERNAL MODULE: ./src/steps/step.ts
var step = __webpack_require__(3342);
// EXTERNAL MODULE: ./src/deploy/release-record.ts
var release_record = __webpack_require__(4040);
// EXTERNAL MODULE: ./src/steps/preload-list.ts
var preload_list = __webpack_require__(3463);
// EXTERNAL MODULE: ./src/ssh/shell-fns.ts
var shell_fns = __webpack_require__(5816);
;// CONCATENATED MODULE: ./src/steps/app-kind.ts

/**
 * An ASGI app (FastAPI, Starlette, Django's asgi.py) under a WSGI worker, or a WSGI app (Flask,
 * Django's wsgi.py) under uvicorn's, fails every request with a TypeError deep in the log. The
 * candidate's worker recognises both once it has loaded the app, before it serves, and marks the
 * mismatch with an empty file in its runtime folder; the candidate script tests those fixed names
 * (never reading the folder's content, which the app's user controls) and says in one line what to set.
 */
/** The mismatches, as the worker's marker files name them (`mismatch-KIND`). */
const MISMATCHES = ['asgi', 'asgi-django', 'wsgi', 'wsgi-django'];
/** The worker class modules the candidate reports (`class-MODULE`), so the log says which was used. */
const UVICORN_MODULES = ['uvicorn_worker', 'uvicorn.workers'];
/**
 * Python run in the candidate's worker after it loaded the app (templates/scripts/app_kind.py,
 * defining mark_app_kind): an app whose __call__ is a coroutine function is ASGI; a plain callable
 * of exactly two positional parameters (environ, start_response) is WSGI; anything else is left alone.
 */
function appKindPython() {
    return (0,scripts/* serverProgram */.qX)('app_kind');
}
/**
 * Shell defining find_mismatch (sets $mismatch to the first marker found, '' for none) and
 * report_worker_module (prints `worker_module=M`), for the candidate's loop (templates/scripts/app_kind.sh).
 */
function appKindScript() {
    return (0,scripts/* serverScript */.fj)('app_kind', {
        mismatch_kinds: MISMATCHES.join(' '),
        worker_modules: UVICORN_MODULES.join(' ')
    });
}
function parseMismatch(v) {
    return MISMATCHES.includes(v ?? '') ? v : undefined;
}
/** The Django project's other entry point: mysite.wsgi:application <-> mysite.asgi:application. */
function djangoTwin(app, to) {
    const m = /^(.+)\.(asgi|wsgi):application$/.exec(app);
    return m ? `${m[1]}.${to}:application` : `PROJECT.${to}:application`;
}
/** One line: what was found, and what to set. */
function mismatchAdvice(kind, d) {
    const app = d.wsgiApp;
    const cls = d.gunicorn.workerClass;
    switch (kind) {
        case 'asgi':
            return `${app} is an ASGI app (async, like FastAPI or Starlette), which Gunicorn's ${cls} worker cannot call: set \`worker-class: uvicorn\``;
        case 'asgi-django':
            return `${app} is Django's ASGI handler, which Gunicorn's ${cls} worker cannot call: set \`wsgi-app: ${djangoTwin(app, 'wsgi')}\`, or \`worker-class: uvicorn\` to serve it as ASGI`;
        case 'wsgi':
            return `${app} is a WSGI app (like Flask), which uvicorn's worker cannot call: set \`worker-class: sync\` (or gthread), or give wsgi-app an ASGI app`;
        case 'wsgi-django':
            return `${app} is Django's WSGI handler, which uvicorn's worker cannot call: set \`wsgi-app: ${djangoTwin(app, 'asgi')}\` for uvicorn, or \`worker-class: sync\``;
    }
}

;// CONCATENATED MODULE: ./src/steps/candidate.ts







/** A definite wrong answer (4xx/5xx, or 200 without health-expect) fails after this long... */
const GRACE_MS = 1500;
/** ...and at least this many such answers in a row (an app may answer 503 while it warms up). */
const GRACE_ANSWERS = 3;
/** The transient unit and runtime folder of an app's candidate: one at a time, under the lock. */
function candidateUnit(ctx) {
    return ctx.paths.candidateUnit;
}
/**
 * Gunicorn, with one hook of ours after the user's config (templates/scripts/candidate_hook.py,
 * after the two definitions it calls): once a worker has imported the app, it marks an app its
 * worker class cannot call (app-kind.ts), then writes the libraries it loaded to the unit's runtime
 * folder (`loaded`). That file is the import check's answer, and its list is the one the master
 * preloads. It crosses systemd-run's command line as it is: it has no `$` (a unit test holds that).
 */
function importHook() {
    return `${(0,preload_list/* librariesPython */.U)()}${appKindPython()}${(0,scripts/* serverProgram */.qX)('candidate_hook')}`;
}
/**
 * Root's own notes in /run (only root writes there): a master booted early for this release, a
 * warm start under way, and a warm master's go.
 */
function rootNotes(unit) {
    return { marker: `/run/${unit}.early`, warm_note: `/run/${unit}.warm`, go: `/run/${unit}.go` };
}
/**
 * A warm master older than this is not used (boot cold instead): the unit's RuntimeMaxSec leaves a
 * younger one the health timeout and 20 s more.
 */
const WARM_YOUNG_S = 100;
/** The candidate unit's values and functions (templates/scripts/candidate_unit.sh). */
function unitScript(ctx, release, conf, more) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    // No release yet for a warm start: its values come in the go file (candidate_warm.py).
    const rel = release ? p.releaseDir(release) : '';
    const unit = candidateUnit(ctx);
    return (0,scripts/* serverScript */.fj)('candidate_unit', {
        unit,
        rundir: `/run/${unit}`,
        sock: `/run/${unit}/gunicorn.sock`,
        user: p.user,
        env_file: conf.envFile,
        rel,
        runtime_max_s: Math.ceil(d.healthTimeoutMs / 1000) + WARM_YOUNG_S + 20,
        warm_young_s: WARM_YOUNG_S,
        path_env: `${rel}/.venv/bin:/usr/local/bin:/usr/bin:/bin`,
        python: `${rel}/.venv/bin/python`,
        import_hook: importHook(),
        gunicorn_conf: conf.gunicornConf,
        wsgi_app: d.wsgiApp,
        release,
        ...rootNotes(unit),
        live_env: p.envFile,
        live_conf: p.gunicornConf,
        current: p.current,
        ...more
    });
}
/**
 * The candidate's master started warm (templates/scripts/candidate_warm.sh and .py), in the
 * layout's request once the lock is held, beside a serving release: Python, Gunicorn and the
 * serving config's libraries load while the release uploads; the early boot (candidateBootScript,
 * the same `id`) gives it the go with the release's values, or stops it and boots cold.
 */
function candidateWarmScript(ctx, id, conf) {
    const warm_program = `${(0,scripts/* serverProgram */.qX)('candidate_warm')}${importHook()}`;
    return `${unitScript(ctx, '', conf, { id, warm_program })}\n${(0,scripts/* serverScript */.fj)('candidate_warm', {})}`;
}
/**
 * The candidate's master booted early (templates/scripts/candidate_boot.sh), sent before the
 * backup with the check after it: Python, Gunicorn, the config and the preloaded libraries load
 * beside the backup; its one worker (the release's code) is forked only by the candidate check.
 * A master this run started warm (`id`, candidateWarmScript) gets the go instead.
 */
function candidateBootScript(ctx, release, conf, id = '') {
    return `${shell_fns/* NAP_FN */.lQ}\n${shell_fns/* KV_FN */.Tr}\n${unitScript(ctx, release, conf, { id })}\n${(0,scripts/* serverScript */.fj)('candidate_boot', {})}`;
}
/** Takes the early boot's answer (it answers at once; the boot goes on beside what follows). */
async function bootEarly(ctx, release, conf, id = '') {
    const r = candidateBootRequest(ctx, release, conf, id);
    // Best effort: without it, the candidate check boots the release itself.
    await ctx.remote.script(r.text, r.opts).catch(() => undefined);
}
/** A backup that failed: the master booted for the check that will not come is stopped. */
async function stopEarly(ctx) {
    const unit = candidateUnit(ctx);
    const script = (0,scripts/* serverScript */.fj)('candidate_stop', { unit, ...rootNotes(unit) });
    await ctx.remote.script(script, { sudo: true, timeoutMs: 30_000 }).catch(() => undefined);
}
function candidateBootRequest(ctx, release, conf, id = '') {
    return { text: candidateBootScript(ctx, release, conf, id), opts: { sudo: true, timeoutMs: 60_000 } };
}
/**
 * Boots `release` the way the service runs it (its venv, the given environment file and Gunicorn
 * config, as the app user, with the unit's sandboxing) but on a private unix socket with one
 * worker and no socket activation, then asks it for health-path (200, with health-expect) and every
 * smoke path (2xx/3xx). A definite wrong answer fails after a short grace; only refused connections
 * and timeouts wait up to health-timeout. The unit is always stopped and its socket removed (a
 * proven one in the background). A master booted early for this release (candidateBootScript)
 * forks its worker instead. The script is templates/scripts/candidate.sh.
 *
 * With importCheck, the candidate is also the import check (one Python importing the app, not two
 * side by side): it says whether its worker imported the app (`import=ok|failed`), records the
 * release built, and writes the worker's libraries as the release's preload list.
 */
function candidateScript(ctx, release, conf, importCheck = false) {
    const d = ctx.settings.deploy;
    const preload = importCheck && d.preloadLibraries;
    return [
        importCheck ? (0,release_record/* stateCommand */.t7)(ctx, release, 'built') : '',
        shell_fns/* MS_FN */.uX,
        shell_fns/* NAP_FN */.lQ,
        shell_fns/* RUNNING_FN */.FA,
        shell_fns/* KV_FN */.Tr,
        appKindScript(),
        preload ? (0,preload_list/* preloadListScript */.V)(ctx, release) : '',
        unitScript(ctx, release, conf, {
            health_timeout_ms: d.healthTimeoutMs,
            timeout_text: Math.round(d.healthTimeoutMs / 100) / 10,
            health_path: d.healthPath,
            smoke_paths: d.smokePaths.join(' '),
            host: (0,health/* healthHost */.d)(ctx.settings),
            health_expect: d.healthExpect,
            grace_ms: GRACE_MS,
            grace_answers: GRACE_ANSWERS,
            import_check: importCheck ? 'yes' : 'no',
            preload: preload ? 'yes' : 'no'
        }),
        (0,scripts/* serverScript */.fj)('candidate', {})
    ].join('\n');
}
const EARLY_SAYS = {
    no: '',
    yes: ' (its master booted beside the backup)',
    warm: ' (its master started warm while the release uploaded)'
};
function parseCandidate(stdout) {
    const [head, rest = ''] = stdout.split('\n--- body\n');
    const facts = {};
    for (const line of (head ?? '').split('\n--- log\n')[0].split('\n')) {
        const m = /^([a-z_]+)=(.*)$/.exec(line);
        if (m)
            facts[m[1]] = m[2];
    }
    const logAt = stdout.indexOf('\n--- log\n');
    const log = logAt >= 0 ? stdout.slice(logAt + '\n--- log\n'.length).trimEnd() : '';
    const body = stdout.includes('\n--- body\n') ? rest.split('\n--- log\n')[0].trim() : '';
    return {
        ok: facts.candidate === 'ok',
        why: facts.why ?? '',
        status: facts.status ?? '',
        body,
        log,
        ms: Number(facts.ms ?? 0),
        ...(parseMismatch(facts.mismatch) ? { mismatch: parseMismatch(facts.mismatch) } : {}),
        ...(/^uvicorn(_worker|\.workers)$/.test(facts.worker_module ?? '')
            ? { workerModule: facts.worker_module }
            : {}),
        ...(facts.early === 'yes' || facts.early === 'warm' ? { early: facts.early } : {}),
        ...(facts.import === undefined
            ? {}
            : { imported: facts.import === 'ok', importMs: Number(facts.import_ms ?? 0) })
    };
}
function candidateOpts(ctx) {
    return { sudo: true, ownChannel: true, timeoutMs: ctx.settings.deploy.healthTimeoutMs + 60_000 };
}
/** The candidate boot as a request to queue; runCandidate (the same arguments) then takes its answer. */
function candidateRequest(ctx, release, conf, importCheck = false) {
    return { text: candidateScript(ctx, release, conf, importCheck), opts: candidateOpts(ctx) };
}
async function runCandidate(ctx, release, conf, importCheck = false) {
    const t0 = performance.now();
    const res = await ctx.remote.script(candidateScript(ctx, release, conf, importCheck), candidateOpts(ctx));
    return { release, res, candidate: parseCandidate(res.stdout), elapsedMs: performance.now() - t0 };
}
/**
 * A refused candidate: nothing users see changed whatever it found. The error says what answered,
 * with the first lines of the body and Gunicorn's last lines.
 */
function refusal(ctx, run) {
    const { res, candidate: c, release } = run;
    const d = ctx.settings.deploy;
    if (c.mismatch) {
        const advice = mismatchAdvice(c.mismatch, d);
        return new step/* DeployError */.sH(`release ${release} was refused before the switch: ${advice}; nothing was switched${(0,step/* keepsServing */.z8)(ctx)}`, `${advice[0].toUpperCase()}${advice.slice(1)}, and deploy again.`);
    }
    const why = c.why || `the candidate check stopped (exit ${res.code}): ${res.stderr.trim().slice(0, 500)}`;
    return new step/* DeployError */.sH(`release ${release} was refused before the switch: its candidate ${why}; nothing was switched${(0,step/* keepsServing */.z8)(ctx)}` +
        (c.body ? `\nThe answer began:\n${c.body}` : '') +
        (c.log ? `\nGunicorn's last lines:\n${c.log}` : ''), `Run the release locally (gunicorn ${d.wsgiApp}) and ask ${[d.healthPath, ...d.smokePaths].join(', ')} with Host: ${(0,health/* healthHost */.d)(ctx.settings)}; fix what answers wrong and deploy again.`);
}
/** The candidate step's outcome from its run. */
function candidateOutcome(ctx, run) {
    const { res, candidate: c } = run;
    if (res.code !== 0 || !c.ok)
        throw refusal(ctx, run);
    const d = ctx.settings.deploy;
    const paths = d.smokePaths.length
        ? ` and ${d.smokePaths.length} smoke path${d.smokePaths.length > 1 ? 's' : ''}`
        : '';
    return {
        detail: `${d.healthPath} 200${paths} on a private socket in ${(c.ms / 1000).toFixed(2)} s${EARLY_SAYS[c.early ?? 'no']}${c.workerModule ? ` (${c.workerModule}.UvicornWorker)` : ''}`,
        // Its own time, also when the check step already waited for it (the check in its worker).
        ms: res.serverMs ?? run.elapsedMs
    };
}
async function bootCandidate(ctx, release, conf) {
    return candidateOutcome(ctx, await runCandidate(ctx, release, conf));
}


/***/ }),

/***/ 8445:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Dx: () => (/* binding */ stagedPaths),
/* harmony export */   Q: () => (/* binding */ restoreScript),
/* harmony export */   dx: () => (/* binding */ stageConfig),
/* harmony export */   eF: () => (/* binding */ stageRequest),
/* harmony export */   jT: () => (/* binding */ needsRestart),
/* harmony export */   qV: () => (/* binding */ installConfig)
/* harmony export */ });
/* unused harmony exports appFiles, stageScript, stageInput, installScript */
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5036);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _deploy_context_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9116);
/* harmony import */ var _render_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7055);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9038);
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4036);
/* harmony import */ var _render_gunicorn_vars_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7992);







function appFiles(ctx, cores) {
    const d = ctx.settings.deploy;
    const vars = (0,_render_js__WEBPACK_IMPORTED_MODULE_3__/* .templateVars */ .xw)({
        layout: ctx.paths,
        wsgiApp: d.wsgiApp,
        workers: d.workers === 'auto' ? 2 * cores + 1 : d.workers,
        preloadLibraries: d.preloadLibraries,
        ...(0,_render_gunicorn_vars_js__WEBPACK_IMPORTED_MODULE_5__/* .gunicornInput */ .s)(d.gunicorn),
        env: (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .appEnv */ .JD)(d.env, ctx.settings.database),
        healthPath: d.healthPath
    });
    const f = (0,_render_js__WEBPACK_IMPORTED_MODULE_3__/* .renderAppUnits */ .P8)(vars);
    // In this order on stageScript's stdin.
    return [f.socket, f.service, f.gunicornConf, f.env];
}
const stagedName = (f) => node_path__WEBPACK_IMPORTED_MODULE_1__.posix.basename(f.path);
/**
 * Writes the rendered files into /etc/APP/staged (readable by the app's user, so the import check
 * can use the new config and environment before anything is switched) and says which differ from
 * the installed ones. The files' text travels on stdin (stageInput), one base64 line per file in
 * this order, read by shell builtins: the environment file holds secrets, and a command line is
 * readable by every local user (/proc/PID/cmdline) and kept by sudo in the journal.
 * The script is templates/scripts/config_stage.sh.
 */
function stageScript(ctx, files) {
    const values = { staged: ctx.paths.staged, user: ctx.paths.user, count: files.length };
    files.forEach((f, i) => {
        values[`to_${i}`] = `${ctx.paths.staged}/${stagedName(f)}`;
        values[`path_${i}`] = f.path;
    });
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_4__/* .serverScript */ .fj)('config_stage', values);
}
/** stageScript's stdin: the files' text, one base64 line each, in order. */
function stageInput(files) {
    return files.map((f) => `${Buffer.from(f.content).toString('base64')}\n`).join('');
}
const STAGE_TIMEOUT_MS = 60_000;
/** The staging as a request to queue; stageConfig then takes its answer (the same text and options). */
function stageRequest(ctx, cores) {
    const files = appFiles(ctx, cores);
    return { text: stageScript(ctx, files), opts: stageOpts(files) };
}
const stageOpts = (files) => ({
    sudo: true,
    timeoutMs: STAGE_TIMEOUT_MS,
    stdin: stageInput(files)
});
/** Where staged files are: known before the staging's answer, so later steps can be sent with it. */
function stagedPaths(ctx) {
    const stagedDir = ctx.paths.staged;
    const at = (live) => `${stagedDir}/${node_path__WEBPACK_IMPORTED_MODULE_1__.posix.basename(live)}`;
    return {
        stagedDir,
        previousDir: ctx.paths.configPrevious,
        envFile: at(ctx.paths.envFile),
        gunicornConf: at(ctx.paths.gunicornConf)
    };
}
async function stageConfig(ctx, cores) {
    const files = appFiles(ctx, cores);
    const res = await (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_2__/* .runScript */ .j3)(ctx, 'writing the app configuration', stageScript(ctx, files), stageOpts(files));
    const changed = ((0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_2__/* .parseFacts */ .hx)(res.stdout).changed ?? '').split(/\s+/).filter((s) => s);
    return {
        ...stagedPaths(ctx),
        files,
        changedFiles: changed,
        changed: changed.length > 0,
        detail: changed.length ? `changed: ${changed.map((c) => node_path__WEBPACK_IMPORTED_MODULE_1__.posix.basename(c)).join(', ')}` : 'unchanged'
    };
}
const changedOnes = (staged) => staged.files.filter((f) => staged.changedFiles.includes(f.path));
const unitsChanged = (ctx, staged) => Object.values(ctx.paths.units).some((u) => staged.changedFiles.includes(u.file));
/** A changed unit or environment needs a new Gunicorn master; gunicorn.conf.py is re-read on HUP. */
function needsRestart(staged) {
    return staged.changedFiles.some((p) => !p.endsWith('gunicorn.conf.py'));
}
/**
 * Puts the changed files in place, keeping what they replace so a rollback can put it back. Units
 * are enabled (started at boot) and the socket started on the first deploy; the socket is never
 * restarted by a deploy, since that would refuse connections. The script is
 * templates/scripts/config_install.sh.
 */
function installScript(ctx, staged) {
    const { socket, service } = ctx.paths.units;
    const files = changedOnes(staged);
    const values = {
        socket: socket.name,
        service: service.name,
        // The links `systemctl enable` makes from the units' [Install] WantedBy= (templates/systemd).
        socket_wants: `${node_path__WEBPACK_IMPORTED_MODULE_1__.posix.dirname(socket.file)}/sockets.target.wants/${socket.name}`,
        service_wants: `${node_path__WEBPACK_IMPORTED_MODULE_1__.posix.dirname(service.file)}/multi-user.target.wants/${service.name}`,
        prev: staged.previousDir,
        count: files.length,
        daemon_reload: unitsChanged(ctx, staged) ? 1 : 0
    };
    files.forEach((f, i) => {
        const name = stagedName(f);
        const [owner, group] = f.owner.split(':');
        Object.assign(values, {
            [`staged_${i}`]: `${staged.stagedDir}/${name}`,
            [`name_${i}`]: name,
            [`path_${i}`]: f.path,
            [`mode_${i}`]: f.mode,
            [`owner_${i}`]: owner,
            [`group_${i}`]: group
        });
    });
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_4__/* .serverScript */ .fj)('config_install', values);
}
async function installConfig(ctx, staged) {
    const res = await (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_2__/* .runScript */ .j3)(ctx, 'installing the app configuration', installScript(ctx, staged), {
        timeoutMs: 120_000,
        carry: true
    });
    if (staged.changedFiles.includes(ctx.paths.units.socket.file) &&
        (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_2__/* .parseFacts */ .hx)(res.stdout).socket_was_active === 'yes') {
        ctx.logger.warning(`${ctx.paths.units.socket.name} changed: the running socket keeps its old settings until it is restarted (a deploy never restarts it, since that refuses connections)`);
    }
    return {
        changed: staged.changedFiles.length > 0,
        detail: staged.changedFiles.map((c) => node_path__WEBPACK_IMPORTED_MODULE_1__.posix.basename(c)).join(', ') || 'unchanged'
    };
}
/** Puts back what installConfig replaced (for a rollback). */
function restoreScript(ctx, staged) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_6__/* .shQuote */ .U;
    const prev = staged.previousDir;
    const lines = changedOnes(staged)
        .map((f) => {
        const name = stagedName(f);
        return `if [ -f ${q(`${prev}/${name}`)} ]; then cp -a ${q(`${prev}/${name}`)} ${q(f.path)}; fi`;
    })
        .join('\n');
    return `${lines}\n${unitsChanged(ctx, staged) ? 'systemctl daemon-reload' : ''}\n`;
}


/***/ }),

/***/ 9691:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   QD: () => (/* binding */ SAVED_RELOAD),
/* harmony export */   aw: () => (/* binding */ historyCommand),
/* harmony export */   cJ: () => (/* binding */ recordHistory)
/* harmony export */ });
/* unused harmony export auditFields */
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9038);
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4036);
/* harmony import */ var _audit_origin_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3297);



/**
 * A history entry's `reload` as the last switch on the server wrote it: for a line sent together
 * with that switch, before the runner has its answer.
 */
const SAVED_RELOAD = '__saved_reload__';
/**
 * The audit trail: who ran it (actor), from where (`origin`: repository or runner host, the run's URL), the
 * mode and the commit, on every line; the entry's own fields (event, release, status, why) follow.
 */
function auditFields(ctx) {
    const origin = (0,_audit_origin_js__WEBPACK_IMPORTED_MODULE_1__/* .runOrigin */ .s)();
    const commit = ctx.settings.deploy.commit;
    return {
        mode: ctx.settings.mode,
        actor: origin.actor,
        origin: origin.from,
        ...(origin.run ? { run: origin.run } : {}),
        ...(commit ? { commit } : {})
    };
}
/** The shell that appends one JSON line to the server's history, for a step to run with its own. */
function historyCommand(ctx, entry) {
    const line = JSON.stringify({
        time: new Date().toISOString(),
        host: ctx.label,
        ...auditFields(ctx),
        ...entry
    });
    if (entry.reload !== SAVED_RELOAD)
        return `printf '%s\\n' ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(line)} >> ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(ctx.paths.history)}`;
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverScript */ .fj)('history_reload', {
        line,
        saved: SAVED_RELOAD,
        last_switch: ctx.paths.lastSwitch,
        history_log: ctx.paths.history
    });
}
/**
 * One JSON line per deploy or rollback in the server's own history, for humans with ssh; `also`:
 * another command for the same round trip.
 */
async function recordHistory(ctx, entry, also = '') {
    await ctx.remote
        .script([historyCommand(ctx, entry), also].join('\n'), {
        sudo: true,
        timeoutMs: 30_000
    })
        .catch((err) => ctx.logger.warning(`could not write the deploy history: ${err.message}`));
}


/***/ }),

/***/ 3463:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   U: () => (/* binding */ librariesPython),
/* harmony export */   V: () => (/* binding */ preloadListScript)
/* harmony export */ });
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4036);

// The libraries list of a release, as the import check (check.ts) or the candidate's worker
// (candidate.ts) makes it, and as root keeps it for the master's config (preload-libraries).
/**
 * Python defining libraries() (templates/scripts/preload_libraries.py): the modules loaded from
 * the interpreter's and the venv's folders, never from the release, composed before the program
 * that calls it.
 */
function librariesPython() {
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverProgram */ .qX)('preload_libraries');
}
/**
 * Shell defining install_preload_list (templates/scripts/preload_list.sh): root writes what the
 * caller's preload_source function prints (one module name a line) as the list of `release` in
 * /etc/APP/preload: root-owned, readable by the app's user, whose master's config reads it. Lists
 * of releases no longer on the server go. Only names that are module paths are kept: the list comes
 * from code the repository controls.
 */
function preloadListScript(ctx, release) {
    const dir = ctx.paths.preloadDir;
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_0__/* .serverScript */ .fj)('preload_list', {
        preload_dir: dir,
        preload_list: `${dir}/${release}`,
        releases_dir: ctx.paths.releases,
        app_user: ctx.paths.user
    });
}


/***/ }),

/***/ 5358:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CS: () => (/* binding */ hasProcesses),
/* harmony export */   N0: () => (/* binding */ moveProcesses),
/* harmony export */   bu: () => (/* binding */ removeProcessesCommand),
/* harmony export */   k4: () => (/* binding */ processPaths)
/* harmony export */ });
/* unused harmony exports writeSetScript, moveScript, parseProcessLines, processesFact */
/* harmony import */ var _deploy_context_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9116);
/* harmony import */ var _processes_units_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9590);
/* harmony import */ var _processes_rq_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1572);
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4036);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9038);
/* harmony import */ var _step_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3342);
/* harmony import */ var _schedules_script_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8627);







/**
 * The app's processes besides the web (Procfile entries), as systemd template units
 * APP-NAME@.service with instances @1..@N. Each release's set is kept by root in
 * /etc/APP/processes/by-release/ID (rendered on the runner from the settings, never read from the
 * release), so a rollback, the deploy's own or mode rollback, puts back exactly the set that ran
 * with that release; a release without a set ran no processes. `installed` lists what is in
 * /etc/systemd/system now.
 */
function processPaths(ctx) {
    const dir = `${ctx.paths.etc}/processes`;
    return {
        dir,
        byRelease: `${dir}/by-release`,
        installed: `${dir}/installed`,
        installedSchedules: `${dir}/installed-schedules`
    };
}
/** Whether this server runs anything besides the web: processes, or (on the schedule host) timers. */
function hasProcesses(ctx) {
    return ctx.settings.processes.processes.length > 0 || (0,_schedules_script_js__WEBPACK_IMPORTED_MODULE_5__/* .schedulesHere */ .dP)(ctx).length > 0;
}
/**
 * Root writes the release's set: its units and its `set` (NAME N lines), replaced as a whole.
 * Scripts: templates/scripts/processes_set.sh, then the schedules' units.
 */
function writeSetScript(ctx, release) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_6__/* .shQuote */ .U;
    const pr = ctx.settings.processes;
    const w = processPaths(ctx);
    const t = `${w.byRelease}/${release}`;
    const units = {};
    pr.processes.forEach((spec, i) => {
        units[`name_${i}`] = spec.name;
        units[`unit_${i}`] = (0,_processes_units_js__WEBPACK_IMPORTED_MODULE_1__/* .renderProcessUnit */ .Q)(ctx.paths, spec, {
            release,
            origin: pr.origin,
            stopTimeoutMs: pr.stopTimeoutMs
        });
    });
    const set = pr.processes.map((s) => `${s.name} ${s.instances}`).join('\n');
    const rq = pr.processes.some((s) => (0,_processes_rq_js__WEBPACK_IMPORTED_MODULE_2__/* .rqWorkerArgs */ .HK)(s.command) !== undefined);
    return `${(0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_3__/* .serverScript */ .fj)('processes_set', {
        processes_dir: w.dir,
        by_release: w.byRelease,
        set_dir: t,
        set,
        count: pr.processes.length,
        ...units,
        // Root's copy of the program an RQ worker's unit runs at stop ('' without one).
        rq_program: rq ? (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_3__/* .serverProgram */ .qX)('rq_requeue') : '',
        rq_path: (0,_processes_rq_js__WEBPACK_IMPORTED_MODULE_2__/* .rqProgramPath */ .dN)(ctx.paths)
    })}${(0,_schedules_script_js__WEBPACK_IMPORTED_MODULE_5__/* .writeSchedulesScript */ .jH)(ctx, release, `${t}.new`)}
rm -rf -- ${q(t)}; mv -T -- ${q(`${t}.new`)} ${q(t)}
`;
}
/**
 * Moves the server's processes to `release`'s set: instances no longer wanted are stopped
 * (SIGTERM, then SIGKILL after stop-timeout) and their units removed; the wanted units are put in
 * place and every instance restarted onto them; each must then stay up (same main PID, active)
 * for settleSec. Prints `proc=NAME N RELEASE STATE` lines; exits 3 naming the first one that did
 * not stay up, with its journal's last lines. Sets of releases no longer on the server go.
 * Scripts: templates/scripts/processes_move.sh, the schedules' move, processes_start.sh.
 */
function moveScript(ctx, release, settleSec) {
    const w = processPaths(ctx);
    const p = ctx.paths;
    const move = (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_3__/* .serverScript */ .fj)('processes_move', {
        app: p.app,
        want: `${w.byRelease}/${release}`,
        installed: w.installed
    });
    const start = (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_3__/* .serverScript */ .fj)('processes_start', {
        by_release: w.byRelease,
        releases: p.releases,
        settle: settleSec
    });
    return `${move}${(0,_schedules_script_js__WEBPACK_IMPORTED_MODULE_5__/* .moveSchedulesScript */ .JM)(w.installedSchedules)}systemctl daemon-reload\n${(0,_schedules_script_js__WEBPACK_IMPORTED_MODULE_5__/* .schedulesEnable */ .EE)()}${start}`;
}
function parseProcessLines(stdout) {
    return [...stdout.matchAll(/^proc=([a-z][a-z0-9-]*) (\d+) (\S+) (\S+)$/gm)].map((m) => ({
        name: m[1],
        instances: Number(m[2]),
        release: m[3],
        state: m[4]
    }));
}
/** The summary's and outputs' line: worker x2 @ RELEASE running, ... */
function processesFact(list) {
    return list.map((s) => `${s.name} x${s.instances} @ ${s.release} ${s.state}`).join(', ');
}
/**
 * The deploy's step, after the web is proven: the release's set written, then every process moved
 * onto it. A process that does not stay up fails the step (and the deploy goes back).
 */
async function moveProcesses(ctx, release, opts) {
    const settle = Math.max(1, Math.ceil(ctx.settings.processes.settleMs / 1000));
    const script = `${opts.write ? writeSetScript(ctx, release) : ''}${moveScript(ctx, release, settle)}`;
    const stopSec = Math.ceil(ctx.settings.processes.stopTimeoutMs / 1000);
    const res = await ctx.remote.script(script, { sudo: true, timeoutMs: (stopSec + settle + 120) * 1000 });
    const list = parseProcessLines(res.stdout);
    ctx.facts.processes = processesFact(list);
    if (res.code === _schedules_script_js__WEBPACK_IMPORTED_MODULE_5__/* .CALENDAR_REFUSED */ .cP) {
        throw new _step_js__WEBPACK_IMPORTED_MODULE_4__/* .DeployError */ .sH(res.stderr.trim().split('\n').slice(-3).join('\n'), 'Fix the line of input `schedule` (systemd-analyze calendar EXPR on the server shows what it reads); mode preflight checks every line without changing anything.');
    }
    if (res.code !== 0) {
        const f = (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_0__/* .parseFacts */ .hx)(res.stdout);
        const tail = res.stdout.split('\n--- journalctl')[1] ?? res.stderr;
        throw new _step_js__WEBPACK_IMPORTED_MODULE_4__/* .DeployError */ .sH(f.failed
            ? `process ${f.failed} did not stay up ${settle} s on release ${release}:\n--- journalctl${tail.trimEnd()}`
            : `moving the processes to ${release} failed (exit ${res.code}${res.timedOut ? ', timed out' : ''}): ${res.stderr.trim().split('\n').slice(-10).join('\n')}`, 'Its journal is above (journalctl -u UNIT on the server); fix the command in the Procfile or input `processes`.');
    }
    const timers = [...res.stdout.matchAll(/^schedule=(\S+) (\S+) (\S+)$/gm)];
    if (timers.length)
        ctx.facts.schedules = timers.map((m) => `${m[1]} @ ${m[2]} ${m[3]}`).join(', ');
    const detail = [list.length ? ctx.facts.processes : '', ctx.facts.schedules ?? '']
        .filter((x) => x)
        .join('; ');
    if (detail)
        ctx.logger.info(`${ctx.label}: processes: ${detail}`);
    return { detail: detail || 'none' };
}
/** Without processes or schedules, a deploy's tidy removes any a previous release had (nothing to restart). */
function removeProcessesCommand(ctx) {
    const w = processPaths(ctx);
    // A subshell: its exits end only itself, never the tidy around it.
    return `if [ -f ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_6__/* .shQuote */ .U)(w.installed)} ] || [ -f ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_6__/* .shQuote */ .U)(w.installedSchedules)} ]; then (
${moveScript(ctx, '.none', 1)}
) || echo "warning: the processes of an older release were not all removed" >&2; fi`;
}


/***/ }),

/***/ 6691:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S8: () => (/* binding */ rollbackTo),
/* harmony export */   n_: () => (/* binding */ errorLogTail)
/* harmony export */ });
/* unused harmony export autoRollbackTarget */
/* harmony import */ var _deploy_context_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9116);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(9038);
/* harmony import */ var _deploy_app_run_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(5312);
/* harmony import */ var _config_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8445);
/* harmony import */ var _switch_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(499);
/* harmony import */ var _verify_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3202);
/* harmony import */ var _candidate_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4654);
/* harmony import */ var _step_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3342);
/* harmony import */ var _deploy_release_record_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(4040);
/* harmony import */ var _deploy_remembered_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(1757);
/* harmony import */ var _provision_alerts_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(2868);











/** The last lines Gunicorn and systemd wrote about the app: why a release failed. */
async function errorLogTail(ctx, lines = 30) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_9__/* .shQuote */ .U;
    const res = await ctx.remote
        .script(
    // Read as the app's user, who owns the log folder: a log it replaced by a link to a
    // root-only file shows nothing here.
    `${(0,_deploy_app_run_js__WEBPACK_IMPORTED_MODULE_10__/* .asUser */ .ex)(ctx.paths.user, `tail -n ${lines} -- "$1" 2>/dev/null || true`, [q(`${ctx.paths.logDir}/error.log`)])} || true
echo '--- journal'
journalctl -u ${q(ctx.paths.units.service.name)} -n ${Math.ceil(lines / 2)} --no-pager -o short-iso 2>/dev/null || true`, { sudo: true, timeoutMs: 30_000 })
        .catch(() => undefined);
    return res ? (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_0__/* .lastLines */ .w$)(res.stdout, lines + lines / 2 + 1) : '';
}
/**
 * Where an automatic rollback goes: the release that served before the failed one when it was
 * proven live (or predates recorded states: it was serving until this run), else the newest release
 * proven live other than the failed one.
 */
function autoRollbackTarget(states, previous, failed) {
    const st = states.get(previous);
    if (previous && (st === 'live' || st === 'none'))
        return previous;
    return [...states]
        .filter(([id, state]) => state === 'live' && id !== failed)
        .map(([id]) => id)
        .sort()
        .at(-1);
}
/**
 * Puts the newest release proven live back in service after a failed switch: the configuration
 * the failed deploy replaced is restored, the release is booted as a candidate with it (checked
 * with the settings the last successful deploy remembered, the ones that release was proven with),
 * then the same flip and proof as a deploy. Reload or restart as the way forward decided: a new
 * master was needed to leave the old venv or units, so one is needed to return.
 */
async function rollbackTo(ctx, previous, failed, restart, staged) {
    const found = await (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_0__/* .runScript */ .j3)(ctx, 'reading the releases', `${(0,_deploy_release_record_js__WEBPACK_IMPORTED_MODULE_6__/* .listStatesCommand */ .oJ)(ctx)}
${(0,_deploy_remembered_js__WEBPACK_IMPORTED_MODULE_7__/* .readRememberedCommand */ .q)(ctx)}
${(0,_deploy_remembered_js__WEBPACK_IMPORTED_MODULE_7__/* .readReleaseSettingsCommand */ .WK)(ctx)}`, { timeoutMs: 30_000 });
    const states = (0,_deploy_release_record_js__WEBPACK_IMPORTED_MODULE_6__/* .parseStates */ .Gt)(found.stdout);
    const target = autoRollbackTarget(states, previous, failed);
    if (!target) {
        throw new _step_js__WEBPACK_IMPORTED_MODULE_5__/* .DeployError */ .sH(`no release proven live to go back to (releases: ${[...states].map(([id, st]) => `${id} ${st}`).join(', ') || 'none'})`);
    }
    // The release going back is proven with its own settings, never the failed one's inputs; on the
    // way back a record that cannot be read is a warning, not a reason to stay on a broken release.
    let proof = ctx;
    try {
        const settings = (0,_deploy_remembered_js__WEBPACK_IMPORTED_MODULE_7__/* .settingsOfRelease */ .w8)({ ...ctx, settings: { ...ctx.settings, given: [] } }, found.stdout, target);
        proof = { ...ctx, settings };
    }
    catch (err) {
        ctx.logger.warning(`${ctx.label}: ${(0,_step_js__WEBPACK_IMPORTED_MODULE_5__/* .errorMessage */ .gJ)(err)}; ${target} is proven with this run's settings`);
    }
    if (staged && staged.changedFiles.length > 0) {
        await (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_0__/* .runScript */ .j3)(ctx, 'restoring the previous configuration', (0,_config_js__WEBPACK_IMPORTED_MODULE_1__/* .restoreScript */ .Q)(ctx, staged), {
            timeoutMs: 60_000
        });
    }
    // The way back is what a cancelled run must still finish: its proof ignores the cancellation.
    const back = { ...proof, signal: undefined };
    await (0,_candidate_js__WEBPACK_IMPORTED_MODULE_4__/* .bootCandidate */ .kM)(back, target, { envFile: ctx.paths.envFile, gunicornConf: ctx.paths.gunicornConf });
    // Another release than the one the way forward left: its venv may differ, so a new master.
    const switched = await (0,_switch_js__WEBPACK_IMPORTED_MODULE_2__/* .switchRelease */ .U0)(ctx, target, restart || target !== previous);
    await (0,_verify_js__WEBPACK_IMPORTED_MODULE_3__/* .verifyRelease */ .VA)(back, target, switched.oldWorkers, switched.master);
    await (0,_provision_alerts_js__WEBPACK_IMPORTED_MODULE_8__/* .sendAlert */ .LM)(ctx, 'rollback', `release ${failed} failed after the switch and was rolled back; ${target} is serving`);
    return {
        ...switched,
        target,
        detail: `current -> ${target} (${switched.reload}), candidate and live proven`
    };
}


/***/ }),

/***/ 499:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A0: () => (/* binding */ childrenFn),
/* harmony export */   U0: () => (/* binding */ switchRelease),
/* harmony export */   WY: () => (/* binding */ sendSwitchAhead)
/* harmony export */ });
/* unused harmony exports switchScript, SWITCH_OPTS */
/* harmony import */ var _deploy_context_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9116);
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4036);
/* harmony import */ var _ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5816);



/**
 * Shell defining `children PID` (templates/scripts/children.sh): the PIDs whose parent is PID
 * (Gunicorn's workers), read by bash from the kernel's list, with no process started.
 */
function childrenFn() {
    return (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_1__/* .serverScript */ .fj)('children', {});
}
/**
 * Flips `current` atomically (a new link renamed over the old one) and tells Gunicorn
 * (templates/scripts/switch.sh). HUP when only code changed: the master re-reads its config and
 * forks workers that import the new release while the socket stays open. A new venv or changed
 * units/environment need a new master, so a restart; the socket unit keeps the listening socket,
 * so no connection is refused. The socket unit itself is never restarted, and workers are never
 * signalled directly.
 */
function switchScript(ctx, release, restart) {
    const p = ctx.paths;
    return `${childrenFn()}${_ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_2__/* .KV_FN */ .Tr}\n${(0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_1__/* .serverScript */ .fj)('switch', {
        service: p.units.service.name,
        last_switch: p.lastSwitch,
        release_link: p.releaseLink(release),
        tmp_link: `${p.dir}/.current.tmp`,
        current: p.current,
        restart: restart ? 'yes' : 'no'
    })}`;
}
/** How the switch runs: also how it is sent ahead with the units (the same text and options). */
const SWITCH_OPTS = { sudo: true, timeoutMs: 120_000 };
/**
 * Sends the switch with the next root command (the units): one round trip for both, the switch
 * running only if the units succeeded. switchRelease then takes its answer.
 */
function sendSwitchAhead(ctx, release, restart) {
    ctx.remote.sendNext?.(switchScript(ctx, release, restart), SWITCH_OPTS);
}
async function switchRelease(ctx, release, restart) {
    const res = await (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_0__/* .runScript */ .j3)(ctx, `switching to ${release}`, switchScript(ctx, release, restart), SWITCH_OPTS);
    const f = (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_0__/* .parseFacts */ .hx)(res.stdout);
    const reload = (f.reload ?? 'start');
    return {
        reload,
        oldWorkers: (f.old_workers ?? '').split(/\s+/).filter((s) => s),
        ...(reload === 'hup' && f.master ? { master: f.master } : {}),
        detail: `current -> ${release}, ${reload}`
    };
}


/***/ }),

/***/ 3202:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   VA: () => (/* binding */ verifyRelease),
/* harmony export */   rM: () => (/* binding */ sendVerifyAhead)
/* harmony export */ });
/* unused harmony exports OLD_WORKERS_GRACE_MS, verifyScript */
/* harmony import */ var _deploy_context_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9116);
/* harmony import */ var _render_scripts_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4036);
/* harmony import */ var _deploy_health_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(1873);
/* harmony import */ var _deploy_release_record_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4040);
/* harmony import */ var _switch_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(499);
/* harmony import */ var _ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5816);
/* harmony import */ var _step_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3342);







/** How long old workers still running may keep the health path from being asked (see the script). */
const OLD_WORKERS_GRACE_MS = 1000;
/**
 * A reload returns before new workers serve (ExecReload is asynchronous, READY comes before the
 * app is imported), so the proof is polled in one server-side loop (templates/scripts/verify.sh):
 * as many new worker processes as the config asks for, each working in the release, and the
 * health path answering 200 (with health-expect in the body) through the app's socket, asked once
 * the old workers were told to stop. Old workers may still be finishing their requests (they
 * accept no new ones once told to stop).
 */
function verifyScript(ctx, release, 
/** 'saved': as the switch before it wrote them (a verify sent together with its switch). */
oldWorkers, 
/** The master's PID the switch learned when it was a HUP (which keeps the master): not asked again. */
master) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    // A short health-timeout keeps most of its time for the proof itself.
    const graceMs = Math.min(OLD_WORKERS_GRACE_MS, Math.floor(d.healthTimeoutMs / 4));
    return [
        (0,_switch_js__WEBPACK_IMPORTED_MODULE_3__/* .childrenFn */ .A0)(),
        _ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_5__/* .MS_FN */ .uX,
        _ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_5__/* .NAP_FN */ .lQ,
        _ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_5__/* .RUNNING_FN */ .FA,
        _ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_5__/* .KV_FN */ .Tr,
        `record_live() {\n${(0,_deploy_release_record_js__WEBPACK_IMPORTED_MODULE_2__/* .stateCommand */ .t7)(ctx, release, 'live')}\n}`,
        (0,_render_scripts_js__WEBPACK_IMPORTED_MODULE_1__/* .serverScript */ .fj)('verify', {
            release_dir: p.releaseDir(release),
            old_workers: oldWorkers === 'saved' ? 'saved' : oldWorkers.join(' '),
            master: master && /^[1-9][0-9]*$/.test(master) ? master : '0',
            last_switch: p.lastSwitch,
            gunicorn_conf: p.gunicornConf,
            service: p.units.service.name,
            socket: p.socket,
            health_url: (0,_deploy_health_js__WEBPACK_IMPORTED_MODULE_6__/* .healthUrl */ .g)(ctx.settings, d.healthPath),
            health_expect: d.healthExpect,
            health_expect_shown: d.healthExpect.replace(/[^A-Za-z0-9 _.:-]/g, ''),
            timeout_s: Math.max(1, Math.ceil(d.healthTimeoutMs / 1000)),
            grace_ms: graceMs
        })
    ].join('\n');
}
function verifyOpts(ctx) {
    return { sudo: true, ownChannel: true, timeoutMs: ctx.settings.deploy.healthTimeoutMs + 30_000 };
}
/** Queues the verify of a switch sent ahead too; verifyRelease(..., 'saved') then takes its answer. */
function sendVerifyAhead(ctx, release) {
    ctx.remote.sendNext?.(verifyScript(ctx, release, 'saved'), verifyOpts(ctx));
}
async function verifyRelease(ctx, release, oldWorkers, master) {
    const res = await ctx.remote.script(verifyScript(ctx, release, oldWorkers, master), {
        ...verifyOpts(ctx),
        signal: ctx.signal
    });
    const f = (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_0__/* .parseFacts */ .hx)(res.stdout);
    if (res.code !== 0) {
        throw new _step_js__WEBPACK_IMPORTED_MODULE_4__/* .DeployError */ .sH(`release ${release} is not live after ${ctx.settings.deploy.healthTimeoutMs / 1000} s: ${f.why ?? res.stderr.trim()}`);
    }
    const workers = Number(f.workers ?? 0);
    return { detail: `${workers} workers on ${release}, ${ctx.settings.deploy.healthPath} 200` };
}


/***/ })

};
