export const id = 558;
export const ids = [558,665];
export const modules = {

/***/ 5312:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Tx: () => (/* binding */ buildRunCommand),
/* harmony export */   ex: () => (/* binding */ asUser),
/* harmony export */   gA: () => (/* binding */ appRunCommand)
/* harmony export */ });
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9038);

/**
 * A command run the way the service runs: as the app's user, with its environment file, in a
 * transient systemd unit. The import check and the migrations then see exactly what Gunicorn will
 * see, not sudo's or the SSH user's environment.
 */
function appRunCommand(paths, opts) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U;
    return [
        'systemd-run --quiet --wait --pipe --collect --service-type=exec',
        `-p User=${q(paths.user)} -p Group=${q(paths.user)}`,
        `-p EnvironmentFile=${q(opts.envFile)}`,
        `-p WorkingDirectory=${q(opts.cwd)}`,
        `--setenv=PATH=${q(`${opts.venv}/bin:/usr/local/bin:/usr/bin:/bin`)}`,
        `--setenv=PWD=${q(opts.cwd)}`,
        '--',
        ...opts.argv.map(q)
    ].join(' ');
}
/**
 * A shell text run by root's script as an unprivileged user (the build user for repository content,
 * the app's user for what the app can write), inside the same round trip. setpriv costs ~4 ms
 * (runuser ~13 ms, sudo -u ~20 ms, systemd-run ~60 ms, measured on trixie): no PAM session, no
 * log line, and the environment reset to the user's own, so nothing of root's leaks in. args: shell
 * words for $1... (expanded by root's script).
 */
function asUser(user, script, args = []) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U;
    return [
        `setpriv --reuid=${q(user)} --regid=${q(user)} --init-groups --reset-env --`,
        `bash -c ${q(`set -euo pipefail\n${script}`)} gd`,
        ...args
    ].join(' ');
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
    return [
        'systemd-run --quiet --wait --pipe --collect --service-type=exec',
        `-p User=${q(paths.buildUser)} -p Group=${q(paths.buildUser)}`,
        '-p NoNewPrivileges=yes -p PrivateTmp=yes',
        `-p RuntimeMaxSec=${Math.max(1, Math.ceil(opts.maxSeconds))}`,
        ...Object.entries(opts.env).map(([k, v]) => `--setenv=${q(`${k}=${v}`)}`),
        '--',
        'bash',
        '-c',
        q(`set -euo pipefail\n${opts.script}`),
        'gd',
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
/* harmony export */   lX: () => (/* binding */ recordPath),
/* harmony export */   oJ: () => (/* binding */ listStatesCommand),
/* harmony export */   t6: () => (/* binding */ recordCommand),
/* harmony export */   t7: () => (/* binding */ stateCommand),
/* harmony export */   wq: () => (/* binding */ releaseHash)
/* harmony export */ });
/* unused harmony export statesDir */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _manifest_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4449);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9038);



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
    return `printf 'hash=%s\\nrelease=%s\\n' ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(hash)} ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(release)} > ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(recordPath(ctx))}`;
}
function statesDir(ctx) {
    return `${ctx.paths.state}/release-states`;
}
/** The shell that records a release's state (and forgets releases no longer on the server). */
function stateCommand(ctx, release, state) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U;
    const dir = statesDir(ctx);
    return `install -d -m 0700 ${q(dir)} && printf '%s\\n' ${q(state)} > ${q(`${dir}/${release}`)}
for f in ${q(dir)}/*; do [ -e "$f" ] || continue; [ -d ${q(ctx.paths.releases)}/"$(basename "$f")" ] || rm -f -- "$f"; done`;
}
/**
 * The shell that prints `state_ID=STATE` for every release on the server (`none` when a release has
 * no record: one from before states were kept, or one still being built).
 */
function listStatesCommand(ctx) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U;
    return `for r in $(ls -1 ${q(ctx.paths.releases)} 2>/dev/null | sort); do
  printf 'state_%s=%s\\n' "$r" "$(cat ${q(statesDir(ctx))}/"$r" 2>/dev/null || echo none)"
done`;
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
/* harmony export */   EC: () => (/* binding */ withRememberedSettings),
/* harmony export */   q: () => (/* binding */ readRememberedCommand),
/* harmony export */   tb: () => (/* binding */ rememberCommand)
/* harmony export */ });
/* unused harmony exports rememberedPath, rememberedOf */
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2342);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9038);
/* harmony import */ var _health_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1873);



/**
 * The deploy settings that shape health checks, backups and the service, remembered on the server
 * at every successful deploy, so `rollback` and `verify` given only a host, a key and the app name
 * check the app the way its deploy did. Keyed by input name: an input the user gives wins.
 */
function rememberedPath(ctx) {
    return `${ctx.paths.state}/settings.json`;
}
function rememberedOf(s) {
    const d = s.deploy;
    return {
        'health-path': d.healthPath,
        'health-host': (0,_health_js__WEBPACK_IMPORTED_MODULE_1__/* .healthHost */ .d)(s),
        'health-expect': d.healthExpect,
        'health-timeout': `${d.healthTimeoutMs}ms`,
        'smoke-paths': d.smokePaths.join(' '),
        'sqlite-db': d.sqliteDb,
        'wsgi-app': d.wsgiApp,
        workers: String(d.workers),
        'preload-libraries': String(d.preloadLibraries),
        'server-name': s.provision.serverName
    };
}
/** The shell that writes them (root-owned, 0600) in the same round trip as the history line. */
function rememberCommand(ctx) {
    const to = rememberedPath(ctx);
    return `printf '%s\\n' ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(JSON.stringify(rememberedOf(ctx.settings)))} > ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(`${to}.tmp`)} && chmod 0600 ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(`${to}.tmp`)} && mv -f ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(`${to}.tmp`)} ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(to)}`;
}
/** The shell that prints them as one `remembered=JSON` line (nothing when never written). */
function readRememberedCommand(ctx) {
    const from = (0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .shQuote */ .U)(rememberedPath(ctx));
    return `[ -f ${from} ] && printf 'remembered=%s\\n' "$(head -c 65536 ${from} | tr -d '\\n')" || true`;
}
/** The context with the remembered settings applied: for modes that only read them (one round trip). */
async function withRememberedSettings(base) {
    const res = await base.remote.script(readRememberedCommand(base), { sudo: true, timeoutMs: 30_000 });
    const remembered = /^remembered=(.*)$/m.exec(res.stdout)?.[1];
    return { ...base, settings: withRemembered(base.settings, remembered) };
}
const text = (v) => (typeof v === 'string' ? v : undefined);
const URL_PATH = /^\/[A-Za-z0-9._~/?&=%+-]*$/;
const HOST = /^[A-Za-z0-9.-]{1,253}$/;
/**
 * Settings with the remembered values for every input the user did not give. Each value is checked
 * again (the file is root-owned, but nothing read from a server is trusted blindly); a value that
 * does not pass is ignored.
 */
function withRemembered(s, json) {
    let r = {};
    try {
        const parsed = json ? JSON.parse(json) : {};
        if (parsed && typeof parsed === 'object')
            r = parsed;
    }
    catch {
        return s;
    }
    const out = { ...s, deploy: { ...s.deploy }, provision: { ...s.provision } };
    const given = new Set(s.given);
    const take = (name, ok, apply) => {
        const v = text(r[name]);
        if (v !== undefined && !given.has(name) && ok(v))
            apply(v);
    };
    take('health-path', (v) => URL_PATH.test(v), (v) => (out.deploy.healthPath = v));
    take('health-host', (v) => HOST.test(v), (v) => (out.deploy.healthHost = v));
    take('health-expect', () => true, (v) => (out.deploy.healthExpect = v));
    take('health-timeout', (v) => (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(v) > 0 && (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(v) <= 30 * 60_000, (v) => (out.deploy.healthTimeoutMs = (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(v)));
    take('smoke-paths', (v) => (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .splitList */ .ry)(v, /\s+/).every((p) => URL_PATH.test(p)), (v) => (out.deploy.smokePaths = (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .splitList */ .ry)(v, /\s+/)));
    take('sqlite-db', (v) => v === '' || /^[A-Za-z0-9._/-]+$/.test(v), (v) => (out.deploy.sqliteDb = v));
    take('wsgi-app', (v) => /^[A-Za-z_][A-Za-z0-9_.:]*$/.test(v), (v) => (out.deploy.wsgiApp = v));
    take('workers', (v) => v === 'auto' || /^\d{1,3}$/.test(v), (v) => (out.deploy.workers = v === 'auto' ? 'auto' : Number(v)));
    take('preload-libraries', (v) => v === 'true' || v === 'false', (v) => (out.deploy.preloadLibraries = v === 'true'));
    take('server-name', (v) => /^[A-Za-z0-9.*_ -]+$/.test(v), (v) => (out.provision.serverName = v));
    return out;
}


/***/ }),

/***/ 6558:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  hostLabel: () => (/* reexport */ src_settings/* hostLabel */.vy),
  registerSecrets: () => (/* reexport */ src_settings/* registerSecrets */.dg),
  runEngine: () => (/* binding */ runEngine),
  secretValues: () => (/* reexport */ src_settings/* secretValues */.VX),
  targetFor: () => (/* reexport */ src_settings/* targetFor */.x1)
});

// EXTERNAL MODULE: ./src/settings.ts + 14 modules
var src_settings = __webpack_require__(2342);
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

// EXTERNAL MODULE: ./src/ssh/connection.ts + 4 modules
var connection = __webpack_require__(6972);
// EXTERNAL MODULE: ./src/steps/step.ts
var step = __webpack_require__(3342);
// EXTERNAL MODULE: ./src/report.ts
var report = __webpack_require__(665);
// EXTERNAL MODULE: ./src/ssh/quote.ts
var quote = __webpack_require__(9038);
// EXTERNAL MODULE: ./src/steps/ownership.ts
var ownership = __webpack_require__(4718);
// EXTERNAL MODULE: ./src/deploy/paths.ts
var paths = __webpack_require__(8535);
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
 * rather than hiding the others.
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
    return `
set +e
. /etc/os-release 2>/dev/null; echo "os=\${PRETTY_NAME:-unknown}"
if [ "$(id -u)" = 0 ]; then echo sudo=root; elif sudo -n true 2>/dev/null; then echo sudo=yes; else echo sudo=no; fi
echo "pid1=$(cat /proc/1/comm 2>/dev/null)"
echo "systemd_version=$(systemctl --version 2>/dev/null | awk 'NR==1 {print $2}')"
py=${(0,quote/* shQuote */.U)(settings.deploy.python)}
if command -v "$py" >/dev/null; then echo "python=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>&1)"; else echo python=; fi
# What the venv step runs: python -m venv, which needs ensurepip (python3-venv on Debian/Ubuntu).
if "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then echo venv=yes; else echo venv=no; fi
missing=""
${tools.map(([cmd, pkg]) => `command -v ${cmd} >/dev/null 2>&1 || missing="$missing ${pkg}"`).join('\n')}
echo "missing=$missing"
${(0,ownership/* diskProbe */.AC)(settings)}
echo "free_mb=$free_mb"
echo "need_mb=$need_mb"
echo "disk_dir=$disk_dir"
${(0,ownership/* nameProbe */.uU)(settings)}
echo "taken=$(printf '%s' "$taken" | sed 's/^ *//' | paste -sd ';' | sed 's/^;//; s/;/; /g')"
if [ -f ${(0,quote/* shQuote */.U)(layout.units.service.file)} ] && [ -L ${(0,quote/* shQuote */.U)(layout.current)} ]; then echo provisioned=yes; else echo provisioned=no; fi
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
    const problems = [...host, ...packageProblems];
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

// EXTERNAL MODULE: ./src/cancel.ts
var cancel = __webpack_require__(833);
// EXTERNAL MODULE: ./src/steps/lock.ts
var steps_lock = __webpack_require__(948);
// EXTERNAL MODULE: ./src/deploy/context.ts
var context = __webpack_require__(9116);
;// CONCATENATED MODULE: ./src/steps/layout.ts




/**
 * What the app itself needs on a server that has the system packages but was never provisioned:
 * its system user, its build user, its folders, /etc/APP and its log folder. Server-wide setup (apt, nginx,
 * logrotate, timers) is provision's; missing packages are named here, not installed.
 */
function layoutScript(ctx) {
    const p = ctx.paths;
    const q = quote/* shQuote */.U;
    const b = p.buildUser;
    const py = q(ctx.settings.deploy.python);
    const needSqlite = ctx.settings.deploy.sqliteDb !== '';
    return `${(0,ownership/* ownershipScript */.PD)(ctx.settings)}
missing=""
command -v ${py} >/dev/null || missing="$missing python3"
# Found, not imported: importing ensurepip costs ~4x the look-up, on every deploy.
${py} -c 'import importlib.util as u, sys; sys.exit(not (u.find_spec("venv") and u.find_spec("ensurepip")))' >/dev/null 2>&1 || missing="$missing python3-venv"
command -v flock >/dev/null || missing="$missing util-linux"
command -v curl >/dev/null || missing="$missing curl"
${needSqlite ? 'command -v sqlite3 >/dev/null || missing="$missing sqlite3"' : ''}
if [ -n "$missing" ]; then
  echo "missing packages:$missing" >&2
  exit 3
fi
changed=no
if ! getent group ${q(p.user)} >/dev/null; then groupadd --system ${q(p.user)}; changed=yes; fi
if ! id -u ${q(p.user)} >/dev/null 2>&1; then
  useradd --system --gid ${q(p.user)} --home-dir ${q(p.dir)} --no-create-home --shell /usr/sbin/nologin ${q(p.user)}
  changed=yes
fi
# The build user: everything made from the repository is its, never root's nor the app's.
if ! getent group ${q(b)} >/dev/null; then groupadd --system ${q(b)}; changed=yes; fi
if ! id -u ${q(b)} >/dev/null 2>&1; then
  useradd --system --gid ${q(b)} --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin ${q(b)}
  changed=yes
fi
[ -d ${q(p.dir)} ] || { install -d -m 0755 -o root -g root ${q(p.dir)}; changed=yes; }
# Traversable by the build user (for incoming/), readable by nobody else.
[ -d ${q(p.state)} ] || { install -d -m 0750 -o root -g ${q(b)} ${q(p.state)}; changed=yes; }
for d in ${[p.releases, p.venvs, p.incoming].map(q).join(' ')}; do
  [ -d "$d" ] || { install -d -m 0755 -o ${q(b)} -g ${q(b)} "$d"; changed=yes; }
  # A server deployed by an older version has them root's: handed over once. Releases and venvs
  # already inside stay root's (read-only to the build user); new ones are the build user's.
  if [ "$(stat -c %U:%G "$d")" != ${q(`${b}:${b}`)} ]; then chown ${q(`${b}:${b}`)} "$d"; changed=yes; fi
done
if [ "$(stat -c %G ${q(p.state)})" != ${q(b)} ]; then chgrp ${q(b)} ${q(p.state)}; changed=yes; fi
chmod 0750 ${q(p.state)}
# root's pip cache of an older version (what it holds came from pip, not from the repository;
# chown -R changes links themselves, never what they point at).
if [ -d ${q(p.pipCache)} ] && [ "$(stat -c %U ${q(p.pipCache)})" != ${q(b)} ]; then chown -R ${q(`${b}:${b}`)} ${q(p.pipCache)}; changed=yes; fi
[ -d ${q(p.backups)} ] || { install -d -m 0750 -o root -g ${q(p.user)} ${q(p.backups)}; changed=yes; }
[ -d ${q(p.shared)} ] || { install -d -m 0750 -o ${q(p.user)} -g ${q(p.user)} ${q(p.shared)}; changed=yes; }
[ -d ${q(p.etc)} ] || { install -d -m 0750 -o root -g ${q(p.user)} ${q(p.etc)}; changed=yes; }
[ -d ${q(p.logDir)} ] || { install -d -m 0750 -o ${q(p.user)} -g adm ${q(p.logDir)}; changed=yes; }
${(0,ownership/* markOwnedScript */.iZ)(ctx.settings)}
echo "changed=$changed"
`;
}
/** lockedBy: sent together with this run's lock, the script first waits for it (awaitLockScript). */
async function ensureLayout(ctx, lockedBy) {
    const script = lockedBy ? `${(0,steps_lock/* awaitLockScript */.pg)(ctx, lockedBy)}\n${layoutScript(ctx)}` : layoutScript(ctx);
    const res = await (0,context/* runScript */.j3)(ctx, 'preparing the app layout', script, {
        // Waiting for the lock is part of it: as long as the lock may take, and the layout's own minute.
        timeoutMs: 60_000 + (lockedBy ? ctx.settings.deploy.lockTimeoutMs + 15_000 : 0),
        carry: true,
        hint: 'Install the missing packages (apt-get install -y python3-venv sqlite3 curl), or run mode provision once.'
    });
    return { changed: (0,context/* parseFacts */.hx)(res.stdout).changed === 'yes' };
}

// EXTERNAL MODULE: ./src/deploy/app-run.ts
var app_run = __webpack_require__(5312);
// EXTERNAL MODULE: ./src/ssh/upload.ts
var upload = __webpack_require__(2109);
// EXTERNAL MODULE: ./src/manifest.ts + 2 modules
var src_manifest = __webpack_require__(4449);
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
 */
function prepareScript(ctx, id, delta) {
    const p = ctx.paths;
    const q = quote/* shQuote */.U;
    const b = p.buildUser;
    // A release an older version built as root cannot be hardlinked by the build user (the kernel's
    // protected_hardlinks): its first deploy sends the whole tree. Only the preload list that older
    // versions wrote into each release (now in /etc/APP/preload) may be left out of a copy.
    const copy = (0,app_run/* asUser */.ex)(b, `prev=$1; dst=$2
[ -f "$prev/${src_manifest/* MANIFEST_FILE */.h1}" ] && [ ! -L "$prev/${src_manifest/* MANIFEST_FILE */.h1}" ] || { echo copy=no-manifest; exit 0; }
err=$(mktemp)
if ! cp -al -- "$prev" "$dst" 2>"$err" && grep -v -F ${q(`/${LEGACY_PRELOAD_FILE}'`)} "$err" | grep -q .; then
  rm -rf -- "$dst" "$err"; echo copy=not-linkable; exit 0
fi
rm -f -- "$err"
echo copied=yes
echo ${q(MANIFEST_MARK)}
cat -- "$prev/${src_manifest/* MANIFEST_FILE */.h1}"`, ['"$prev"', `${q(p.incoming)}/"$id"`]);
    return `
rm -rf ${q(p.incoming)}/* 2>/dev/null || true
if [ -L ${q(p.current)} ]; then
  echo "previous=$(basename "$(readlink ${q(p.current)})")"
  echo "previous_venv=$(basename "$(readlink -f ${q(p.current + '/.venv')})")"
fi
echo "cores=$(nproc)"
id=${q(id)}
n=1
while [ -e ${q(p.releases)}/"$id" ]; do n=$((n + 1)); id=${q(id)}-$n; done
echo "release=$id"
prev=$(readlink -f ${q(p.current)} 2>/dev/null || true)
if ${delta ? 'true' : 'false'} && [ -n "$prev" ] && [ -d "$prev" ]; then
  if [ "$(stat -c %U "$prev")" = ${q(b)} ]; then
    ${copy}
  else
    echo copy=built-as-root
  fi
fi
`;
}
/**
 * The manifest (on stdin), REVISION, shared links, then the atomic move into releases/, all
 * written by the build user: a REVISION or manifest the repository ships (even a link to
 * /etc/issue) is removed and replaced, never written through. A shared path missing in shared/ is
 * seeded from the release by a tar pipe from the build user to the app's user, who owns shared/.
 */
function finishScript(ctx, id, withManifest, 
/** Shared paths linked as files (declared `PATH:file`, or a file in the source), never folders. */
files = new Set(ctx.settings.deploy.sharedFiles)) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    const q = quote/* shQuote */.U;
    const incoming = `${p.incoming}/${id}`;
    const revision = [
        `commit=${d.commit || 'unknown'}`,
        `ref=${d.ref || 'unknown'}`,
        `time=${new Date().toISOString()}`,
        `release=${id}`
    ]
        .map((l) => l.replace(/\n/g, ' '))
        .join('\n');
    const seeds = d.sharedPaths
        .map((sp) => {
        const target = `${p.shared}/${sp}`;
        const inRelease = `${incoming}/${sp}`;
        const absent = `[ ! -e ${q(target)} ] && [ ! -L ${q(target)} ]`;
        // A shared path that does not exist yet is seeded from the first release that ships it.
        // Its parents are made if missing, never re-moded (shared/ may be o+x for nginx's uploads).
        if (files.has(sp)) {
            // A file (an SQLite database, a config): copied as a file, or made empty, by the app's
            // user; noclobber never writes through a link that appeared meanwhile.
            const read = (0,app_run/* asUser */.ex)(p.buildUser, `if [ -f "$1" ] && [ ! -L "$1" ]; then cat -- "$1"; fi`, [
                q(inRelease)
            ]);
            const write = (0,app_run/* asUser */.ex)(p.user, `umask 027; mkdir -p -- "$(dirname -- "$1")"; set -C; cat > "$1"`, [
                q(target)
            ]);
            return `if ${absent}; then ${read} </dev/null | ${write}; fi`;
        }
        const pack = (0,app_run/* asUser */.ex)(p.buildUser, `if [ -d "$1" ] && [ ! -L "$1" ]; then tar -C "$1" -cf - .; else tar -cf - -T /dev/null; fi`, [q(inRelease)]);
        const unpack = (0,app_run/* asUser */.ex)(p.user, `umask 027; mkdir -p -- "$(dirname -- "$1")"; install -d -m 0750 -- "$1"; tar -C "$1" --no-same-owner -xf -`, [q(target)]);
        return `if ${absent}; then ${pack} </dev/null | ${unpack}; fi`;
    })
        .join('\n');
    const links = d.sharedPaths
        .map((sp) => {
        const inRelease = `${incoming}/${sp}`;
        return `rm -rf -- ${q(inRelease)}
install -d -m 0755 -- ${q(external_node_path_.posix.dirname(inRelease))}
ln -s -- ${q(`${p.shared}/${sp}`)} ${q(inRelease)}`;
    })
        .join('\n');
    const build = `rm -rf -- ${q(`${incoming}/REVISION`)} ${q(`${incoming}/${src_manifest/* MANIFEST_FILE */.h1}`)}
${withManifest ? `cat > ${q(`${incoming}/${src_manifest/* MANIFEST_FILE */.h1}`)}` : ''}
printf '%s\\n' ${q(revision)} > ${q(`${incoming}/REVISION`)}
${links}
chmod -R go-w -- ${q(incoming)}
mv -T -- ${q(incoming)} ${q(p.releaseDir(id))}`;
    return `
${seeds}
${(0,app_run/* asUser */.ex)(p.buildUser, build)}
`;
}
const FINISH_TIMEOUT_MS = 120_000;
const PREPARE_OPTS = { sudo: true, timeoutMs: 10 * 60_000 };
/**
 * Sends the upload's prepare script with the next root command (the layout): one round trip for
 * both, the prepare running only if the layout succeeded. uploadRelease then takes its answer.
 */
function sendPrepareAhead(ctx, wantedId) {
    ctx.remote.sendNext?.(prepareScript(ctx, wantedId, !ctx.settings.deploy.fullUpload), PREPARE_OPTS);
}
async function uploadRelease(ctx, wantedId, queueAfter) {
    const source = external_node_path_.resolve(ctx.settings.app.source);
    const wantDelta = !ctx.settings.deploy.fullUpload;
    const [prepRes, manifest] = await Promise.all([
        (0,context/* runScript */.j3)(ctx, 'preparing the upload', prepareScript(ctx, wantedId, wantDelta), PREPARE_OPTS),
        (0,src_manifest/* buildManifest */.u1)(source, ctx.settings.app.exclude)
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
 */
/** Prints a pyproject.toml's [project] dependencies and those of the extras named in $2, one a line. */
const PYPROJECT_DEPS = `import sys
try:
    import tomllib
except ImportError:
    try:
        import tomli as tomllib
    except ImportError:
        sys.exit("reading pyproject.toml needs Python 3.11 or newer (tomllib), or the python3-tomli package")
path, extras = sys.argv[1], [e for e in sys.argv[2].split(",") if e]
try:
    with open(path, "rb") as f:
        data = tomllib.load(f)
except (OSError, ValueError) as e:
    sys.exit(f"cannot read {path}: {e}")
project = data.get("project")
if not isinstance(project, dict):
    sys.exit(f"{path} has no [project] table")
if "dependencies" in project.get("dynamic", []):
    sys.exit(f"{path} declares its dependencies dynamic")
deps = list(project.get("dependencies", []))
optional = project.get("optional-dependencies", {})
for e in extras:
    if e not in optional:
        sys.exit(f"{path} has no extra {e!r} (it has: {', '.join(optional) or 'none'})")
    deps += optional[e]
print("\\n".join(deps))
`;
/** Says where the venv's Gunicorn comes from: the app's dependencies, the system's packages, or added. */
const GUNICORN_ORIGIN = `import os, sys
import gunicorn
inside = os.path.realpath(gunicorn.__file__).startswith(os.path.realpath(sys.prefix) + os.sep)
print("gunicorn=" + ("app" if inside else "system"))
`;
/** Without a resolved source (a unit test), the requirements input as it names the file. */
function fallbackDeps(ctx) {
    const r = ctx.settings.deploy.requirements;
    return r.endsWith('.toml')
        ? { kind: 'pyproject', file: r, extras: ctx.settings.deploy.extras }
        : { kind: 'requirements', file: r === 'auto' ? 'requirements.txt' : r, extras: [] };
}
function venvScript(ctx, release, deps = fallbackDeps(ctx), 
/** Only reuse: exit NEEDS_BUILD instead of building (the build needs a channel of its own). */
lookupOnly = false) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    const q = quote/* shQuote */.U;
    const rel = p.releaseDir(release);
    const req = `${rel}/${deps.file}`;
    const pipArgs = d.pipArgs
        .split(/\s+/)
        .filter((a) => a)
        .map(q)
        .join(' ');
    const extras = q(deps.extras.join(','));
    // A requirements file keys the venv by its whole text (as before: existing venvs stay valid); a
    // pyproject.toml by the dependency list drawn from it, so a version bump or a tool's table
    // changing does not cost a new venv and a restart.
    const list = deps.kind === 'pyproject'
        ? `deps=$("$py" -c ${q(PYPROJECT_DEPS)} ${q(req)} ${extras}) || exit ${DEPS_UNREADABLE}
  printf 'pyproject-deps=%s\\n' "$deps"`
        : `cat ${q(req)}`;
    const keyScript = `
py=${q(d.python)}
if [ ! -f ${q(req)} ]; then echo ${q(`no ${deps.file} in the release`)} >&2; exit ${NO_REQUIREMENTS}; fi
{ ${list}; "$py" -c 'import sys; print(sys.version)'; echo ${q(`ssp=${d.venvSystemSitePackages} pip-args=${d.pipArgs}`)}; } | sha256sum | cut -c1-16`;
    const install = deps.kind === 'pyproject'
        ? `"$py" -c ${q(PYPROJECT_DEPS)} ${q(req)} ${extras} > "$venv/gunicorn-deploy-requirements.txt"
logged "$venv/bin/python" -m pip install ${pipArgs} -r "$venv/gunicorn-deploy-requirements.txt" || exit ${PIP_FAILED}`
        : `logged "$venv/bin/python" -m pip install ${pipArgs} -r ${q(req)} || exit ${PIP_FAILED}`;
    // Output is kept in memory as well as in the log: on a full disk the log gets nothing, and
    // the tail is what says why.
    const buildScript = `
py=${q(d.python)}; venv=$1; log="$1.pip.log"; done=0
# Runs on any exit but success, a full disk's included (set -e ends the script at the failing line).
trap '[ "$done" = 1 ] || rm -rf -- "$venv" "$log"' EXIT
trap 'exit 143' TERM INT
logged() {
  local out
  out=$( { "$@" 2>&1 && echo gd-status=0 || echo "gd-status=$?"; } | { tee -a "$log" 2>/dev/null || true; } | tail -n 26 ) || true
  case "$out" in *gd-status=0) return 0 ;; esac
  printf '%s\\n' "$out" | grep -v '^gd-status=' >&2 || true
  rm -rf -- "$venv" "$log"
  printf '%s MB free in %s (the partial venv removed)\\n' "$(df -Pk ${q(p.venvs)} | awk 'NR == 2 { print int($4 / 1024) }')" ${q(p.venvs)} >&2
  return 1
}
rm -rf -- "$venv" "$log"
logged "$py" -m venv ${d.venvSystemSitePackages ? '--system-site-packages ' : ''}"$venv" || exit ${VENV_FAILED}
${install}
# Gunicorn is the tool's business, not the app's: added from the same index when neither the
# dependencies nor (with system site packages) the system provide it.
if ! "$venv/bin/python" -c 'import gunicorn' 2>/dev/null; then
  logged "$venv/bin/python" -m pip install ${pipArgs} gunicorn || exit ${GUNICORN_FAILED}
  echo gunicorn=added
else
  "$venv/bin/python" -c ${q(GUNICORN_ORIGIN)}
fi
mv "$log" "$venv/pip-install.log"
"$venv/bin/python" -m pip freeze > "$venv/requirements.lock" 2>/dev/null || true
touch "$venv/.complete"
done=1`;
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
    // it is built again rather than reused.
    const usable = (0,app_run/* asUser */.ex)(p.buildUser, `[ -f "$1/.complete" ] && "$1/bin/python" -c 'import gunicorn' 2>/dev/null`, ['"$venv"']);
    return `
hash=$(${(0,app_run/* asUser */.ex)(p.buildUser, keyScript)})
venv=${q(p.venvs)}/$hash
echo "hash=$hash"
if ${usable}; then
  echo reused=yes
else
  echo reused=no
  ${lookupOnly ? `exit ${NEEDS_BUILD}` : build}
fi
${(0,app_run/* asUser */.ex)(p.buildUser, `rm -rf -- "$2"; ln -s -- "$1" "$2"`, ['"$venv"', q(`${rel}/.venv`)])}
`;
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
 * Queues the venv lookup with the next root command: a code-only deploy reuses its venv, and the
 * lookup then costs no round trip of its own. A venv to build is built by buildVenv's own request.
 */
function sendVenvAhead(ctx, release, deps) {
    ctx.remote.sendNext?.(venvScript(ctx, release, deps, true), LOOKUP_OPTS);
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
                ? "Gunicorn is not among the app's dependencies: the venv uses the system's (python3-gunicorn)"
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

;// CONCATENATED MODULE: ./src/steps/build.ts




/** collectstatic, compilemessages, an asset build: bounded, and ended by the server if the runner is gone. */
const BUILD_TIMEOUT_MS = 30 * 60_000;
/**
 * A delta release starts as a hardlinked copy of the previous one, build outputs included: files
 * the manifest does not list are removed first, so a build never writes through a link into the
 * release that serves, and outputs the code no longer makes do not linger. argv: release, then
 * the paths the deploy itself put there (REVISION, .venv, shared links).
 */
const PRUNE_UNLISTED = `import os, sys
root, keep = sys.argv[1], set(sys.argv[2:])
listed = set()
with open(os.path.join(root, ${JSON.stringify(src_manifest/* MANIFEST_FILE */.h1)}), encoding="utf-8") as f:
    if f.readline().rstrip("\\n") != ${JSON.stringify(src_manifest/* MANIFEST_HEADER */.yg)}:
        sys.exit(0)
    for line in f:
        parts = line.rstrip("\\n").split(" ", 4)
        if len(parts) == 5:
            listed.add(parts[4])
for top, dirs, files in os.walk(root, topdown=True):
    rel_top = os.path.relpath(top, root)
    for name in list(dirs):
        rel = os.path.normpath(os.path.join(rel_top, name))
        if rel in keep:
            dirs.remove(name)
        elif os.path.islink(os.path.join(top, name)) and rel not in listed:
            os.unlink(os.path.join(top, name))
            dirs.remove(name)
    for name in files:
        rel = os.path.normpath(os.path.join(rel_top, name))
        if rel not in listed and rel not in keep:
            os.unlink(os.path.join(top, name))
`;
/**
 * The build commands run in the new release before it is checked, as the build user (who owns
 * the release, so they can write into it), in a transient unit: with the app's venv on PATH and
 * the app's environment read from /etc/APP/env by systemd (PID 1, as root: the build user never
 * gets read access to the file), nothing writable but the release and a private /tmp
 * (ProtectSystem=strict), no new privileges, and no process left when it ends. The release is
 * then frozen as every release: nothing in it writable by the app's user.
 */
function buildCommand(ctx, release, envFile) {
    const q = quote/* shQuote */.U;
    const p = ctx.paths;
    const rel = p.releaseDir(release);
    const keep = ['REVISION', src_manifest/* MANIFEST_FILE */.h1, '.venv', ...ctx.settings.deploy.sharedPaths];
    const script = `set -euo pipefail
if [ -f ${q(`${rel}/${src_manifest/* MANIFEST_FILE */.h1}`)} ]; then python3 -c ${q(PRUNE_UNLISTED)} ${q(rel)} ${keep.map(q).join(' ')}; fi
rc=0
( set -euo pipefail
${ctx.settings.deploy.build}
) </dev/null || rc=$?
chmod -R go-w -- ${q(rel)} || true
exit "$rc"`;
    return [
        'systemd-run --quiet --wait --pipe --collect --service-type=exec',
        `-p User=${q(p.buildUser)} -p Group=${q(p.buildUser)}`,
        '-p NoNewPrivileges=yes -p PrivateTmp=yes -p ProtectSystem=strict -p ProtectHome=yes',
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
        q(script)
    ].join(' ');
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

// EXTERNAL MODULE: ./src/steps/config.ts
var config = __webpack_require__(8445);
// EXTERNAL MODULE: ./src/deploy/release-record.ts
var release_record = __webpack_require__(4040);
// EXTERNAL MODULE: ./src/steps/candidate.ts
var candidate = __webpack_require__(2138);
// EXTERNAL MODULE: ./src/steps/preload-list.ts
var preload_list = __webpack_require__(3463);
;// CONCATENATED MODULE: ./src/steps/check.ts







const MARKER = '--- gunicorn-deploy: libraries ---';
/** gunicorn --check-config, plus, at exit, the libraries the app's import loaded. */
const CHECK_AND_LIST = `import atexit, sys
${preload_list/* LIBRARIES_FN */.J}
def listing():
    sys.stdout.flush()
    sys.stdout.write("\\n${MARKER}\\n" + "\\n".join(libraries()) + "\\n")
    sys.stdout.flush()
atexit.register(listing)
sys.argv[0] = "gunicorn"
from gunicorn.app.wsgiapp import run
run()
`;
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
            ...(preload ? ['-c', CHECK_AND_LIST] : ['-m', 'gunicorn']),
            ...gunicornArgs
        ]
    });
    const built = (0,release_record/* stateCommand */.t7)(ctx, release, 'built');
    if (!preload)
        return `${built}\n${run}`;
    const q = quote/* shQuote */.U;
    // Only for a release that passed; the app's own output is passed on without the list.
    return `${built}
out=$(mktemp) && trap 'rm -f "$out"' EXIT
rc=0; ${run} > "$out" || rc=$?
awk -v m=${q(MARKER)} '$0 == m { exit } { print }' "$out"
if [ "$rc" = 0 ]; then
${(0,preload_list/* installPreloadList */.j)(ctx, release, `awk -v m=${q(MARKER)} 'found { print } $0 == m { found = 1 }' "$out"`)}
fi
exit "$rc"`;
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
    if (c.imported === undefined)
        throw (0,candidate/* refusal */.x5)(ctx, run);
    if (!c.imported) {
        const why = c.why ? `its candidate ${c.why}` : '';
        throw doesNotLoad(ctx, [why, c.log].filter((l) => l).join('\n'));
    }
    return { detail: `${ctx.settings.deploy.wsgiApp} imports (in the candidate's worker)`, ms: c.importMs };
}

;// CONCATENATED MODULE: ./src/steps/backup.ts



/**
 * SQLite's online backup, never cp: a copy of a live (WAL) database can be corrupt or miss
 * tables. The copy is checked before it counts, and only the newest backups-keep are kept.
 */
function backupScript(ctx, release) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    const q = quote/* shQuote */.U;
    const db = `${p.shared}/${d.sqliteDb}`;
    const base = external_node_path_.posix.basename(d.sqliteDb);
    const out = `${p.backups}/${base}-${release}.db`;
    const tmp = `${p.shared}/.backup-${release}.db`;
    // As the app's user, never root: a root sqlite3 that opens the live WAL database while no worker
    // has it open creates its -wal/-shm files owned by root, and until it closes them every worker
    // fails to open the database (the deploy benchmark saw /health answer 503 for that moment).
    return `
if [ ! -f ${q(db)} ]; then echo "skipped=no database at ${d.sqliteDb} yet"; exit 0; fi
rm -f ${q(tmp)}
runuser -u ${q(p.user)} -- sqlite3 -cmd '.timeout 15000' ${q(db)} ${q(`.backup '${tmp}'`)}
mv ${q(tmp)} ${q(out)}
# The copy was made in shared/, which the app owns: in backups/ (root's) it can no longer be swapped,
# and only a regular file is checked and handed to the app's group (chown follows links).
if [ -L ${q(out)} ] || [ ! -f ${q(out)} ]; then rm -f ${q(out)}; echo "the backup is not a regular file" >&2; exit 4; fi
check=$(sqlite3 ${q(out)} 'PRAGMA integrity_check')
if [ "$check" != ok ]; then echo "integrity_check of the backup: $check" >&2; mv ${q(out)} ${q(out + '.corrupt')}; exit 4; fi
chown root:${q(p.user)} ${q(out)}; chmod 0640 ${q(out)}
ls -1t ${q(p.backups)}/${q(base)}-*.db | tail -n +${d.backupsKeep + 1} | xargs -r rm -f --
echo "backup=${out}"
echo "size=$(stat -c %s ${q(out)})"
`;
}
const BACKUP_TIMEOUT_MS = 30 * 60_000;
/** The backup as a request to queue (none without sqlite-db); backupDatabase then takes its answer. */
function backupRequest(ctx, release) {
    if (!ctx.settings.deploy.sqliteDb)
        return [];
    return [{ text: backupScript(ctx, release), opts: { sudo: true, timeoutMs: BACKUP_TIMEOUT_MS } }];
}
async function backupDatabase(ctx, release) {
    if (!ctx.settings.deploy.sqliteDb)
        return { changed: false, detail: 'no sqlite-db set' };
    const res = await (0,context/* runScript */.j3)(ctx, 'backing up the database', backupScript(ctx, release), {
        timeoutMs: BACKUP_TIMEOUT_MS,
        hint: 'Nothing was switched. Check the database and the free disk space on the server.'
    });
    const f = (0,context/* parseFacts */.hx)(res.stdout);
    if (f.skipped)
        return { changed: false, detail: f.skipped };
    ctx.facts.backup = f.backup ?? '';
    return { detail: `${f.backup} (${f.size} bytes, integrity ok)`, ms: res.serverMs };
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/steps/download.ts










const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
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
        const { stdout } = await run('python3', ['-c', py, file], { timeout: 600_000 });
        return stdout.trim();
    }
    catch (err) {
        const e = err;
        if (e.code !== 'ENOENT')
            return `python3 could not check it: ${(e.stderr ?? e.message).trim().split('\n').at(-1)}`;
    }
    try {
        const { stdout } = await run('sqlite3', ['-readonly', file, 'PRAGMA integrity_check'], {
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
    const res = await ctx.remote.script(`f=${(0,quote/* shQuote */.U)(`${dir}/${backup.id}`)}\nsha256sum < "$f" | cut -d' ' -f1 >&2\nbase64 -w 76 < "$f"`, {
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
    const serverSha = res.stderr.trim().split('\n')[0] ?? '';
    if (res.code !== 0)
        throw new step/* DeployError */.sH(`copying backup ${backup.id} failed (exit ${res.code})`, 'Check the connection and try again.');
    if (!/^[0-9a-f]{64}$/.test(serverSha) || sha !== serverSha) {
        throw new step/* DeployError */.sH(`the downloaded ${backup.id} (${bytes} bytes, sha256 ${sha}) does not match the server's (sha256 ${serverSha.slice(0, 64)})`, 'Run again; a difference means the copy was damaged on the way.');
    }
    let check;
    if (backup.id.endsWith('.gz')) {
        const tmp = await (0,promises_.mkdtemp)(external_node_path_.join(external_node_os_.tmpdir(), 'gd-backup-'));
        try {
            const plain = external_node_path_.join(tmp, 'check.db');
            await (0,promises_.writeFile)(plain, (0,external_node_zlib_.gunzipSync)(await (0,promises_.readFile)(file)));
            check = await localIntegrity(plain);
        }
        finally {
            await (0,promises_.rm)(tmp, { recursive: true, force: true });
        }
    }
    else
        check = await localIntegrity(file);
    if (check !== 'ok') {
        throw new step/* DeployError */.sH(`the downloaded ${backup.id} fails PRAGMA integrity_check on the runner: ${check.slice(0, 300)}`, "The file is kept for inspection; the server's own copy is unchanged.");
    }
    ctx.facts['downloaded-backup'] = file;
    ctx.facts['backup-sha256'] = sha;
    return {
        file,
        sha256: sha,
        detail: `${backup.id} -> ${file} (${bytes} bytes, sha256 ${sha.slice(0, 12)}..., integrity ok)`
    };
}

// EXTERNAL MODULE: ./src/steps/verify.ts
var verify = __webpack_require__(3202);
// EXTERNAL MODULE: ./src/steps/history.ts
var steps_history = __webpack_require__(9691);
// EXTERNAL MODULE: ./src/rules.ts + 9 modules
var rules = __webpack_require__(5801);
;// CONCATENATED MODULE: ./src/steps/restore.ts





/** Exit codes the restore scripts use to say why they refused. */
const NOT_FOUND = 7;
const CORRUPT = 9;
const PUT_BACK = 10;
const CHANGED = 11;
/**
 * The two folders backups live in: APP-DIR/backups (one per deploy, `DB-RELEASE.db`, and the
 * safety copies a restore takes, `DB-safety-STAMP.db`) and APP-DIR/shared/backups (the daily
 * timer's gzipped `APP-STAMP.db.gz`). A backup's id is its file name, unique across both.
 */
function backupDirs(ctx) {
    return [ctx.paths.backups, `${ctx.paths.shared}/backups`];
}
function dbPath(ctx) {
    return `${ctx.paths.shared}/${ctx.settings.deploy.sqliteDb}`;
}
function dbBase(ctx) {
    return external_node_path_.posix.basename(ctx.settings.deploy.sqliteDb);
}
/**
 * Shell that sets `file` to the backup named by id ('latest': the newest of every folder), or
 * exits NOT_FOUND. Names are matched by glob, never taken from the server into a command line.
 */
function resolveCommand(ctx, id) {
    const q = quote/* shQuote */.U;
    const dirs = backupDirs(ctx).map(q).join(' ');
    const patterns = [
        `${q(ctx.paths.backups)}/${q(dbBase(ctx))}-*.db`,
        `${q(`${ctx.paths.shared}/backups`)}/${q(ctx.paths.app)}-*.db.gz`
    ].join(' ');
    if (id === 'latest') {
        return `
shopt -s nullglob
file=$(ls -1t -- ${patterns} 2>/dev/null | head -n 1)
[ -n "$file" ] || { echo "no backup of ${ctx.settings.deploy.sqliteDb} on the server (in ${backupDirs(ctx).join(' or ')})" >&2; exit ${NOT_FOUND}; }`;
    }
    return `
file=
for d in ${dirs}; do [ -f "$d"/${q(id)} ] && { file="$d"/${q(id)}; break; }; done
[ -n "$file" ] || { echo ${q(`no backup ${id} on the server (in ${backupDirs(ctx).join(' or ')}); mode backups lists them`)} >&2; exit ${NOT_FOUND}; }`;
}
/**
 * Lists every backup with its size, time, integrity and checksum, one tab-separated line each.
 * Read-only: each file is checked as a copy in a private folder (a .gz is unpacked there first).
 */
function listScript(ctx) {
    const q = quote/* shQuote */.U;
    return `
shopt -s nullglob
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in ${q(ctx.paths.backups)}/${q(dbBase(ctx))}-*.db ${q(`${ctx.paths.shared}/backups`)}/${q(ctx.paths.app)}-*.db.gz; do
  case "$f" in *.gz) gunzip -c -- "$f" > "$tmp/check.db" 2>/dev/null || : > "$tmp/check.db";; *) cp -- "$f" "$tmp/check.db";; esac
  rm -f "$tmp/check.db-wal" "$tmp/check.db-shm"
  check=$(sqlite3 "$tmp/check.db" 'PRAGMA integrity_check' 2>&1 | head -n 1 | tr -d '\\t\\r' || true)
  printf 'backup\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$(basename -- "$f")" "$(stat -c %Y -- "$f")" "$(stat -c %s -- "$f")" "$(sha256sum < "$f" | cut -d' ' -f1)" "\${check:-unreadable}"
done
`;
}
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Parses listScript's lines; names the server printed that are not plain ids are left out. */
function parseBackups(ctx, stdout) {
    const base = dbBase(ctx);
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
        else if (id.startsWith(`${base}-`))
            takenBy = `deploy of ${id.slice(base.length + 1, -'.db'.length)}`;
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
    if (!ctx.settings.deploy.sqliteDb) {
        throw new step/* DeployError */.sH(`mode ${mode} needs sqlite-db: the database file (relative to ${ctx.paths.shared}) the backups are of`, 'Set sqlite-db as for your deploys (a deploy remembers it on the server, so mode restore finds it after one deploy).');
    }
}
/**
 * Part one of a restore, nothing changed yet: finds the backup, copies it (unpacked) into a
 * private folder next to the database, owned by the app's user, and checks it there. A corrupt
 * backup stops the restore with the database untouched.
 */
function stageScript(ctx, id) {
    const q = quote/* shQuote */.U;
    const p = ctx.paths;
    const work = `${p.shared}/.gd-restore`;
    return `
${resolveCommand(ctx, id)}
work=${q(work)}
rm -rf -- "$work"
install -d -m 0700 -o ${q(p.user)} -g ${q(p.user)} "$work"
case "$file" in *.gz) gunzip -c -- "$file" > "$work/restore.db";; *) cp -- "$file" "$work/restore.db";; esac
chown ${q(`${p.user}:${p.user}`)} "$work/restore.db"; chmod 0600 "$work/restore.db"
check=$(runuser -u ${q(p.user)} -- sqlite3 "$work/restore.db" 'PRAGMA integrity_check' 2>&1 | head -n 5 | tr '\\n' ' ' || true)
if [ "$check" != "ok " ]; then
  rm -rf -- "$work"
  echo "the backup $(basename -- "$file") fails PRAGMA integrity_check: \${check:0:300}" >&2
  exit ${CORRUPT}
fi
echo "id=$(basename -- "$file")"
echo "size=$(stat -c %s -- "$file")"
echo "work=$work"
`;
}
/**
 * Part two: with the service stopped and its socket unit still listening (connections wait in the
 * socket's backlog), takes the safety copy of the database as it is (stopped: nothing can change
 * it any more), restores the backup into the same file with SQLite's backup API as the app's user
 * (so the file, -wal and -shm keep their owner), checkpoints the WAL and checks the result, then
 * starts the service. Any failure after the safety copy puts it back and starts the service.
 */
function swapScript(ctx, expectFingerprint) {
    const q = quote/* shQuote */.U;
    const p = ctx.paths;
    const db = dbPath(ctx);
    const svc = q(p.units.service.name);
    const safety = `${p.backups}/${dbBase(ctx)}-safety-`;
    const asApp = `runuser -u ${q(p.user)} --`;
    return `
db=${q(db)}; work=${q(`${p.shared}/.gd-restore`)}
[ -f "$work/restore.db" ] || { echo "the staged backup is gone from $work" >&2; exit 3; }
stamp=$(date -u +%Y%m%dT%H%M%SZ)
safety=${q(safety)}"$stamp.db"
systemctl is-active --quiet ${q(p.units.socket.name)} || echo "warning=the socket unit ${p.units.socket.name} is not active: requests are refused while the service is stopped"
echo "stopped_ns=$(date +%s%N)"
systemctl stop ${svc}
started=no
start() { [ "$started" = yes ] || { systemctl start ${svc}; started=yes; }; }
if [ -f "$db" ]; then
  # Nothing has the database open now: fold the WAL into the file, then copy it.
  ${asApp} sqlite3 -bail -cmd '.timeout 15000' "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
${expectFingerprint
        ? `  # Only a database nobody wrote to since the fingerprint was taken may be replaced.
  now=$(${asApp} sqlite3 -cmd '.timeout 15000' "$db" '.sha3sum')
  if [ "$now" != ${q(expectFingerprint)} ]; then start; echo "changed=yes"; exit ${CHANGED}; fi
`
        : ''}  ${asApp} sqlite3 -bail -cmd '.timeout 15000' "$db" ".backup '$work/safety.db'"
  [ "$(${asApp} sqlite3 "$work/safety.db" 'PRAGMA integrity_check')" = ok ] || { echo "the safety copy of the current database fails integrity_check; nothing was restored" >&2; start; exit 4; }
  install -m 0640 -o root -g ${q(p.user)} "$work/safety.db" "$safety"
  echo "safety=$(basename -- "$safety")"
else
  echo "safety=none (no database yet)"
fi
put_back() {
  echo "restore failed: $1; putting the safety copy back" >&2
  if [ -f "$work/safety.db" ]; then
    ${asApp} sqlite3 -bail -cmd '.timeout 15000' "$db" ".restore '$work/safety.db'"
    ${asApp} sqlite3 -bail "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
  fi
  start
  exit ${PUT_BACK}
}
${asApp} sqlite3 -bail -cmd '.timeout 15000' "$db" ".restore '$work/restore.db'" || put_back "sqlite3 .restore failed"
${asApp} sqlite3 -bail "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null || put_back "the checkpoint failed"
check=$(${asApp} sqlite3 "$db" 'PRAGMA integrity_check' 2>&1 | head -n 1 || true)
[ "$check" = ok ] || put_back "the restored database fails integrity_check: \${check:0:200}"
# An empty -wal (TRUNCATE) may stay; the file itself must be the app's, as before.
chown ${q(`${p.user}:${p.user}`)} "$db"
start
echo "restored=yes"
echo "current=$(basename "$(readlink ${q(p.current)})")"
`;
}
/** The database was written to since its fingerprint: a restore would lose data. */
class ChangedSinceError extends step/* DeployError */.sH {
}
/** Puts the safety copy back after the restored database failed the health proof. */
function putBackScript(ctx) {
    const q = quote/* shQuote */.U;
    const p = ctx.paths;
    const svc = q(p.units.service.name);
    const asApp = `runuser -u ${q(p.user)} --`;
    return `
db=${q(dbPath(ctx))}; work=${q(`${p.shared}/.gd-restore`)}
systemctl stop ${svc}
if [ -f "$work/safety.db" ]; then
  ${asApp} sqlite3 -bail -cmd '.timeout 15000' "$db" ".restore '$work/safety.db'"
  ${asApp} sqlite3 -bail "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
  [ "$(${asApp} sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
  echo "put_back=yes"
fi
systemctl start ${svc}
`;
}
function cleanupCommand(ctx) {
    return `rm -rf -- ${(0,quote/* shQuote */.U)(`${ctx.paths.shared}/.gd-restore`)}`;
}
async function stageRestore(ctx, id) {
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
    return { id: f.id ?? id, detail: `${f.id} (${f.size} bytes, integrity ok)` };
}
async function swapDatabase(ctx, expectFingerprint) {
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
/** The folder a backup id lives in: the daily timer's .gz in shared/backups, the others in backups/. */
function backupDirOf(ctx, id) {
    return id.endsWith('.db.gz') ? `${ctx.paths.shared}/backups` : ctx.paths.backups;
}

;// CONCATENATED MODULE: ./src/steps/migration.ts







/**
 * The database's content and schema as one hash (sqlite3's .sha3sum), taken as the app's user so
 * no -wal/-shm file ends up root's. Two equal hashes: no write happened in between.
 */
async function fingerprintDatabase(ctx) {
    const q = quote/* shQuote */.U;
    const db = `${ctx.paths.shared}/${ctx.settings.deploy.sqliteDb}`;
    const res = await ctx.remote.script(`[ -f ${q(db)} ] || exit 0\necho "fingerprint=$(runuser -u ${q(ctx.paths.user)} -- sqlite3 -cmd '.timeout 15000' ${q(db)} '.sha3sum')"`, { sudo: true, timeoutMs: 30 * 60_000 });
    const f = (0,context/* parseFacts */.hx)(res.stdout).fingerprint ?? '';
    return res.code === 0 && /^[0-9a-f]{16,}$/.test(f) ? f : '';
}
/** The command that puts the pre-deploy database back, for a human to run. */
function restoreCommand(ctx, backupId) {
    const host = ctx.settings.hosts.length > 1 ? ctx.label : ctx.settings.hosts.map((h) => h.host)[0];
    return `gunicorn-deploy restore --host ${(0,quote/* shQuote */.U)(host ?? ctx.label)} --app-name ${(0,quote/* shQuote */.U)(ctx.paths.app)} --backup ${(0,quote/* shQuote */.U)(backupId)} (in a workflow: mode: restore, backup: ${backupId})`;
}
/**
 * A release failed after pre-activate ran: the old code serves again, maybe in front of the new
 * schema. Says so (log, summary, the restore command with the pre-deploy backup); with
 * rollback-restore-database, restores that backup, but only when the database is still exactly as
 * the migration left it (checked with the service stopped, so no write can slip in between).
 */
async function afterMigrationRollback(ctx, failed, fingerprint) {
    const backup = ctx.facts.backup ? external_node_path_.posix.basename(ctx.facts.backup) : '';
    if (!backup)
        return;
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
        refuse('pre-activate did not finish, so there is no proof of what it changed');
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

;// CONCATENATED MODULE: ./src/steps/hooks.ts


/** pre-activate (migrations) and post-activate commands, run in a release as the service would. */
async function runHook(ctx, which, commands, release, envFile) {
    if (!commands)
        return { changed: false, detail: 'none' };
    const rel = ctx.paths.releaseDir(release);
    const cmd = (0,app_run/* appRunCommand */.gA)(ctx.paths, {
        cwd: rel,
        envFile,
        venv: `${rel}/.venv`,
        argv: ['/bin/bash', '-euo', 'pipefail', '-c', commands]
    });
    const res = await ctx.remote.exec(cmd, { sudo: true, stream: true, timeoutMs: 30 * 60_000 });
    if (res.code !== 0) {
        throw new step/* DeployError */.sH(`${which} commands failed (exit ${res.code}${res.timedOut ? ', timed out' : ''})`, which === 'pre-activate'
            ? 'Nothing was switched: the old release keeps serving. The output is above.'
            : 'The new release is live; the output of the failed command is above.');
    }
    return {};
}

// EXTERNAL MODULE: ./src/steps/switch.ts
var steps_switch = __webpack_require__(499);
// EXTERNAL MODULE: ./src/steps/rollback.ts
var rollback = __webpack_require__(6691);
;// CONCATENATED MODULE: ./src/steps/prune.ts


/**
 * Keeps the newest keep-releases releases, and never current or the one before it (the rollback
 * target). Venvs no remaining release links to go too; the pip cache stays. What goes is moved
 * out at once (a rename) and deleted right after by a low-priority transient unit: deleting a
 * release of thousands of files took most of a fast deploy's time, with nothing waiting on it.
 */
function pruneScript(ctx, keepAlso, then = '') {
    const p = ctx.paths;
    const q = quote/* shQuote */.U;
    const trashRoot = p.trash;
    return `
cd ${q(p.releases)}
keep=" ${keepAlso.map(q).join(' ')} $(basename "$(readlink ${q(p.current)})") $(ls -1 | sort | tail -n ${ctx.settings.deploy.keepReleases} | tr '\\n' ' ') "
trash=${q(trashRoot)}/$(date +%s%N)
removed=0
for r in $(ls -1 | sort); do
  case "$keep" in *" $r "*) continue;; esac
  mkdir -p "$trash"; mv -T -- "$r" "$trash/release-$r"; removed=$((removed + 1))
done
used=" $(for r in */; do readlink -f "$r.venv" 2>/dev/null; done | xargs -r -n1 basename | sort -u | tr '\\n' ' ') "
venvs=0
for v in $(ls -1 ${q(p.venvs)}); do
  case "$v" in .pip-cache|*.pip.log) continue;; esac
  case "$used" in *" $v "*) continue;; esac
  mkdir -p "$trash"; mv -T -- ${q(p.venvs)}/"$v" "$trash/venv-$v"; venvs=$((venvs + 1))
done
# Also whatever an earlier removal left (a reboot in the middle of one).
if [ -n "$(ls -A ${q(trashRoot)} 2>/dev/null)" ]; then
  systemd-run --quiet --no-block --collect -p Nice=19 -p IOSchedulingClass=idle \\
    -- sh -c ${q(`rm -rf -- ${q(trashRoot)}/*`)} 2>/dev/null || rm -rf -- ${q(trashRoot)}/*
fi
echo "releases_removed=$removed"
echo "venvs_removed=$venvs"
echo "releases_kept=$(ls -1 | wc -l)"
${then}
`;
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

// EXTERNAL MODULE: ./src/deploy/remembered.ts
var remembered = __webpack_require__(1757);
;// CONCATENATED MODULE: ./src/modes/deploy-mode.ts
























const DEPLOY_KEYS = ['release', 'previous-release', 'reload', 'rolled-back'];
function deployContext(ctx) {
    return { ...ctx, paths: (0,paths/* appLayout */.q5)(ctx.settings) };
}
/** Steps that still run in a cancelled run: the way back, and what follows a proven switch. */
const AFTER_CANCEL = ['units', 'rollback', 'post-activate', 'prune'];
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
/**
 * Without a build command, a pre-activate hook or download-backup (each needs the runner between
 * the backup and the candidate), the candidate's worker is the import check: one Python importing
 * the app, not two (most of a code-only deploy's CPU).
 */
function checkedByCandidateBoot(ctx) {
    const d = ctx.settings.deploy;
    return !d.build && !d.preActivate && !d.downloadBackup && !!ctx.remote.sendNextTogether;
}
/**
 * Queues, behind the venv lookup, what follows it up to the candidate, as far as no step between
 * needs the runner: a build command or a pre-activate hook stop the queue (the candidate must see
 * what the migrations did).
 */
function sendPreparationAhead(ctx, release, cores, 
/** Queued with the upload: the venv lookup too (else it carries the others). */
venvDeps) {
    const d = ctx.settings.deploy;
    if (venvDeps)
        sendVenvAhead(ctx, release, venvDeps);
    (0,config/* sendStageAhead */.CY)(ctx, cores);
    if (d.build)
        return;
    const conf = (0,config/* stagedPaths */.Dx)(ctx);
    const backup = backupRequest(ctx, release);
    const r = ctx.remote;
    if (!checkedByCandidateBoot(ctx)) {
        for (const q of [...backup, checkRequest(ctx, release, conf)])
            r.sendNext?.(q.text, q.opts, q.kind);
        return;
    }
    // One group: each part reports its own server time, which the step table shows.
    r.sendNextTogether?.([...backup, (0,candidate/* candidateRequest */.vy)(ctx, release, conf, true)]);
}
function tidyFor(ctx, p, reload) {
    const { release, up } = p;
    const entry = { event: 'deploy', release, previous: up.previous, status: 'deployed', reload };
    // What the live release was built from: written with the history line, in the prune's round trip.
    const record = [
        up.manifest ? (0,release_record/* recordCommand */.t6)(ctx, (0,release_record/* releaseHash */.wq)(up.manifest, ctx.settings), release) : '',
        (0,remembered/* rememberCommand */.tb)(ctx)
    ].join('\n');
    return {
        keep: [release, up.previous].filter((r) => r),
        entry,
        record,
        then: [(0,steps_history/* historyCommand */.aw)(ctx, entry), record].join('\n')
    };
}
/**
 * Everything before the switch: each of these steps can fail with nothing changed for users, so a
 * fleet prepares several servers at once. The lock is held until release(); a caller that already
 * holds it (provision) passes it in and keeps it.
 */
async function prepareRelease(host, held) {
    const ctx = deployContext(host);
    const s = stepper(ctx);
    const d = ctx.settings.deploy;
    ctx.facts['rolled-back'] = 'false';
    host.notePhase?.({ phase: 'preparing' });
    // What was sent ahead runs on the server without the runner: a cancel stops it there too.
    ctx.signal?.addEventListener('abort', () => ctx.remote.cancelQueued?.(), { once: true });
    const id = (0,paths/* releaseId */.Bf)(new Date(), d.commit);
    // The layout, and the upload's prepare behind it, go at the same moment as the lock and wait for
    // it on the server: one round trip for all three.
    const owner = (0,steps_lock/* runId */.Vz)();
    const locking = held ? Promise.resolve(held) : (0,steps_lock/* lockStep */.s9)(ctx, owner, true);
    sendPrepareAhead(ctx, id);
    const layingOut = ensureLayout(ctx, held ? undefined : owner);
    layingOut.catch(() => undefined);
    const lock = await locking;
    let up;
    let migrated = '';
    try {
        await s('layout', () => layingOut);
        // Resolved here, in the workspace: a problem is the venv step's to report.
        const deps = await venvDependencies(ctx);
        const uploaded = await s('upload', () => uploadRelease(ctx, id, deps ? (release, cores) => sendPreparationAhead(ctx, release, cores, deps) : undefined));
        up = uploaded;
        const release = uploaded.release;
        // Outputs tell the truth at every moment: what serves, and what served before the run.
        ctx.facts.release = uploaded.previous;
        ctx.facts['previous-release'] = uploaded.previous;
        // The steps up to the candidate do not depend on each other's answers: they go to the server
        // together, each run only if the one before it succeeded: with a small delta's own requests
        // (queued by the upload), else with the venv lookup.
        if (!uploaded.queued)
            sendPreparationAhead(ctx, release, uploaded.cores);
        const venv = await s('venv', () => buildVenv(ctx, release, deps));
        const staged = await s('config', () => (0,config/* stageConfig */.dx)(ctx, uploaded.cores));
        if (d.build)
            await s('build', () => buildRelease(ctx, release, staged.envFile));
        await s('backup', () => backupDatabase(ctx, release));
        if (d.downloadBackup && ctx.facts.backup) {
            const file = ctx.facts.backup;
            const dest = ctx.settings.hosts.length > 1
                ? `${d.downloadBackup.replace(/\/*$/, '')}/${ctx.label}/`
                : d.downloadBackup;
            await s('download backup', () => downloadBackup(ctx, { id: file.split('/').pop(), time: '', size: 0, takenBy: '', integrity: 'ok' }, file.slice(0, file.lastIndexOf('/')), dest));
        }
        const conf = { envFile: staged.envFile, gunicornConf: staged.gunicornConf };
        const booting = checkedByCandidateBoot(ctx) ? (0,candidate/* runCandidate */.pl)(ctx, release, conf, true) : undefined;
        booting?.catch(() => undefined);
        await s('check', () => booting ? booting.then((run) => checkedByCandidate(ctx, run)) : checkRelease(ctx, release, staged));
        await s('pre-activate', () => runHook(ctx, 'pre-activate', d.preActivate, release, staged.envFile));
        // What the migration left: a rollback may put the backup back only if nothing wrote since.
        if (d.preActivate && d.sqliteDb && ctx.facts.backup)
            migrated = await fingerprintDatabase(ctx);
        // Last before the switch: after the migrations, which the new code may need to answer.
        await s('candidate', async () => (0,candidate/* candidateOutcome */.gE)(ctx, await (booting ?? (0,candidate/* runCandidate */.pl)(ctx, release, conf))));
        return {
            lock,
            up: uploaded,
            release,
            staged,
            restart: (0,config/* needsRestart */.jT)(staged) || venv.hash !== uploaded.previousVenv,
            migrated
        };
    }
    catch (err) {
        if (up)
            await refuseRelease(ctx, up, (0,step/* errorMessage */.gJ)(err));
        if (up && d.preActivate && ctx.records.some((r) => r.name === 'pre-activate'))
            await afterMigrationRollback(ctx, up.release, migrated);
        if (!held)
            await lock.release();
        if (ctx.signal?.aborted)
            await noteCancelled(host, ctx, (0,step/* errorMessage */.gJ)(err).split('\n')[0]);
        throw err;
    }
}
/**
 * A release that failed before the switch never served: it is recorded refused (never a rollback
 * target), moved out of releases/ (the next prune deletes it) and the run gets its history line.
 */
async function refuseRelease(ctx, up, why) {
    const q = quote/* shQuote */.U;
    const p = ctx.paths;
    const failed = ctx.records.filter((r) => !r.ok).at(-1)?.name ?? '';
    const entry = {
        event: 'deploy',
        release: up.release,
        previous: up.previous,
        status: 'refused',
        step: failed
    };
    await (0,steps_history/* recordHistory */.cJ)(ctx, { ...entry, why: why.split('\n')[0] }, `${(0,release_record/* stateCommand */.t7)(ctx, up.release, 'refused')}
if [ -d ${q(p.releaseDir(up.release))} ] && [ "$(readlink ${q(p.current)})" != ${q(p.releaseLink(up.release))} ]; then
  t=${q(p.trash)}/$(date +%s%N); mkdir -p "$t"; mv -T -- ${q(p.releaseDir(up.release))} "$t/release-${up.release}"
fi`);
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
 * The switch and its proof. A failure rolls this server back to its previous release and proves
 * that one healthy again before the error is thrown.
 */
async function activateRelease(host, p) {
    const ctx = deployContext(host);
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
        if (!ctx.settings.deploy.postActivate && ctx.remote.sendNext) {
            p.tidy = tidyFor(ctx, p, steps_history/* SAVED_RELOAD */.QD);
            sendPruneAhead(ctx, p.tidy.keep, p.tidy.then);
        }
        await s('units', () => (0,config/* installConfig */.qV)(ctx, staged));
        const switched = await s('switch', () => (0,steps_switch/* switchRelease */.U0)(ctx, release, restart));
        ctx.facts.release = release;
        host.notePhase?.({ phase: 'switched', ...note });
        ctx.facts.reload = switched.reload;
        await s('verify', () => (0,verify/* verifyRelease */.VA)(ctx, release, 'saved'));
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
            await afterMigrationRollback(ctx, release, p.migrated);
        throw new step/* DeployError */.sH(`release ${release} failed and was rolled back; ${back} is serving and healthy. Why: ${why}${logs ? `\nGunicorn's last lines:\n${logs}` : ''}`);
    }
    try {
        await s('post-activate', () => runHook(ctx, 'post-activate', ctx.settings.deploy.postActivate, release, ctx.paths.envFile));
    }
    catch (err) {
        throw new step/* AfterProofError */.Hp(err);
    }
}
/**
 * After a proven switch: old releases go and the history gets its line. Nothing here can make the
 * release less live, so a fleet runs it while the next batch prepares, and a failure is a warning.
 */
async function tidyRelease(host, p) {
    const ctx = deployContext(host);
    const t = p.tidy ?? tidyFor(ctx, p, ctx.facts.reload ?? '');
    try {
        await stepper(ctx)('prune', () => prune(ctx, t.keep, t.then));
    }
    catch (err) {
        ctx.logger.warning(`${ctx.label}: ${p.release} is live, but old releases were not removed: ${(0,step/* errorMessage */.gJ)(err)}`);
        await (0,steps_history/* recordHistory */.cJ)(ctx, { ...t.entry, reload: ctx.facts.reload ?? '' }, t.record);
    }
}
/**
 * Puts the previous release back on a server: after its own failure, or after another server's
 * failure when the whole fleet goes back (rollback-scope: all).
 */
async function undoRelease(host, p, why) {
    const ctx = deployContext(host);
    const back = await stepper(ctx)('rollback', () => (0,rollback/* rollbackTo */.S8)(ctx, p.up.previous, p.release, p.restart, p.staged));
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
const rolling = {
    prepare: prepareRelease,
    activate: activateRelease,
    tidy: tidyRelease,
    async undo(host, p, why) {
        if (!p.up.previous)
            throw new Error(`no previous release on ${host.label} to go back to`);
        const back = await undoRelease(host, p, why);
        const ctx = deployContext(host);
        await (0,steps_history/* recordHistory */.cJ)(ctx, { event: 'rollback', release: back, from: p.release, status: 'rolled-back', why }, (0,release_record/* stateCommand */.t7)(ctx, p.release, 'rolled-back'));
        if (ctx.settings.deploy.preActivate)
            await afterMigrationRollback(ctx, p.release, p.migrated);
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
            await activateRelease(host, p).catch(async (err) => {
                // Live and proven: its history line and release record are written all the same.
                if (err instanceof step/* AfterProofError */.Hp)
                    await tidyRelease(host, p);
                throw err;
            });
            await tidyRelease(host, p);
        }
        finally {
            await p.lock.release();
        }
    }
};

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
 * candidate on a private socket first, then the same switch and proof as a deploy. If it does not
 * come up healthy, the one that was serving is put back. Health checks use the settings the last
 * deploy remembered on the server, unless the inputs say otherwise.
 */
const rollbackMode = {
    factKeys: DEPLOY_KEYS,
    okStatus: 'rolled-back',
    async runHost(host) {
        const base = deployContext(host);
        const q = quote/* shQuote */.U;
        const p = base.paths;
        const wanted = base.settings.deploy.rollbackTo;
        base.facts['rolled-back'] = 'false';
        const lock = await (0,steps_lock/* lockStep */.s9)(base);
        let ctx = base;
        const s = (name, fn) => (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, name, fn);
        try {
            const found = await s('find release', async () => {
                const res = await (0,context/* runScript */.j3)(base, 'reading the releases', `
[ -d ${q(p.releases)} ] || { echo "no releases in ${p.releases}" >&2; exit 3; }
cur=$(basename "$(readlink ${q(p.current)})")
echo "current=$cur"
echo "current_venv=$(basename "$(readlink -f ${q(p.releases)}/"$cur"/.venv)")"
${(0,release_record/* listStatesCommand */.oJ)(base)}
for r in $(ls -1 ${q(p.releases)}); do
  [ -e ${q(p.releases)}/"$r"/.venv/bin/python ] && echo "venv_$r=$(basename "$(readlink -f ${q(p.releases)}/"$r"/.venv)")"
done
${(0,remembered/* readRememberedCommand */.q)(base)}
`, { timeoutMs: 30_000 });
                const f = (0,context/* parseFacts */.hx)(res.stdout);
                const states = (0,release_record/* parseStates */.Gt)(res.stdout);
                const venvs = new Map([...res.stdout.matchAll(/^venv_([0-9A-Za-z._-]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
                // A release whose venv is gone cannot start.
                for (const id of states.keys())
                    if (!venvs.has(id))
                        states.set(id, 'incomplete');
                return { facts: f, states, venvs, detail: '' };
            });
            const current = found.facts.current ?? '';
            ctx = { ...base, settings: (0,remembered/* withRemembered */.$S)(base.settings, found.facts.remembered) };
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
            ctx.records.at(-1).detail = `${current} -> ${target}`;
            const restart = found.facts.current_venv !== found.venvs.get(target);
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
            try {
                await s('candidate', () => (0,candidate/* bootCandidate */.kM)(ctx, target, { envFile: p.envFile, gunicornConf: p.gunicornConf }));
            }
            catch (err) {
                await failed(err);
                throw err;
            }
            try {
                const sw = await s('switch', () => (0,steps_switch/* switchRelease */.U0)(ctx, target, restart));
                ctx.facts.reload = sw.reload;
                ctx.facts.release = target;
                await s('verify', () => (0,verify/* verifyRelease */.VA)(ctx, target, sw.oldWorkers));
                ctx.facts['rolled-back'] = 'true';
                await (0,steps_history/* recordHistory */.cJ)(ctx, { event: 'rollback', release: target, previous: current, status: 'rolled-back' }, current ? (0,release_record/* stateCommand */.t7)(ctx, current, 'rolled-back') : '');
            }
            catch (err) {
                const logs = await (0,rollback/* errorLogTail */.n_)(ctx);
                host.setStatus('failed');
                const sw = await s('restore', () => (0,steps_switch/* switchRelease */.U0)(ctx, current, restart));
                await s('verify restored', () => (0,verify/* verifyRelease */.VA)(ctx, current, sw.oldWorkers));
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

// EXTERNAL MODULE: ./src/provision/run.ts
var provision_run = __webpack_require__(2062);
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
 * leaves the server as it was.
 */
function packagesScript(packages) {
    return `
missing=()
for p in ${packages.map(quote/* shQuote */.U).join(' ')}; do
  st=$(dpkg-query -W -f='\${Status}' "$p" 2>/dev/null || true)
  [ "$st" = "install ok installed" ] || missing+=("$p")
done
if [ \${#missing[@]} -gt 0 ]; then
  if [ "$dry" = 1 ]; then
    echo "would=apt-get install \${missing[*]}"
  else
    export DEBIAN_FRONTEND=noninteractive
    apt-get -q -o DPkg::Lock::Timeout=300 update >/tmp/gd-apt-update.log 2>&1 || { tail -n 20 /tmp/gd-apt-update.log >&2; exit 4; }
    unknown=()
    for p in "\${missing[@]}"; do
      cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
      { [ -n "$cand" ] && [ "$cand" != "(none)" ]; } || unknown+=("$p")
    done
    if [ \${#unknown[@]} -gt 0 ]; then echo "unknown=\${unknown[*]}"; exit ${UNKNOWN}; fi
    apt-get -q -y -o DPkg::Lock::Timeout=300 install --no-install-recommends "\${missing[@]}" >/tmp/gd-apt-install.log 2>&1 || { tail -n 30 /tmp/gd-apt-install.log >&2; exit 4; }
  fi
  mark "\${missing[@]}"
fi
`;
}
/**
 * What provision installs for these settings: the base, apt-packages, certbot for tls: acme (openssl
 * reads the certificates, for tls: files too), nftables for the firewall.
 */
function provisionPackages(settings) {
    const pr = settings.provision;
    const tls = settings.tls.mode;
    return packageList([
        ...pr.aptPackages,
        ...(tls === 'acme' ? ['certbot', 'openssl'] : tls === 'files' ? ['openssl'] : []),
        ...(pr.edge.firewall ? ['nftables'] : [])
    ]);
}
async function ensurePackages(ctx) {
    const packages = provisionPackages(ctx.settings);
    try {
        return await (0,provision_run/* runProvisionScript */.q)(ctx, 'installing packages', packagesScript(packages), {
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
    const q = quote/* shQuote */.U;
    const u = q(p.user);
    // A name someone else holds is refused before the shell, groups or folders below are touched
    // (a dry run says so too; the real run's layout step has refused already).
    return `${(0,ownership/* ownershipScript */.PD)(ctx.settings)}
if ! id -u ${u} >/dev/null 2>&1; then
  mark user
  echo "would=create the system user ${p.user} and the folders under ${p.dir}"
else
  shell=$(getent passwd ${u} | cut -d: -f7)
  if [ "$shell" != /usr/sbin/nologin ]; then mark shell; act usermod -s /usr/sbin/nologin ${u}; fi
  for g in sudo admin wheel; do
    if id -nG ${u} | tr ' ' '\\n' | grep -qx "$g"; then mark "group-$g"; act gpasswd -d ${u} "$g" >/dev/null; fi
  done
  fix() { # path owner:group mode
    if [ ! -d "$1" ]; then mark "$1"; act install -d -m "$3" -o "\${2%%:*}" -g "\${2##*:}" "$1"; return; fi
    if [ "$(stat -c '%U:%G %a' "$1")" != "$2 \${3#0}" ]; then mark "$1"; act chown "$2" "$1"; act chmod "$3" "$1"; fi
  }
  fix ${q(p.logDir)} ${q(`${p.user}:adm`)} 0750
  fix ${q(p.etc)} ${q(`root:${p.user}`)} 0750
  # shared/ is left to the deploy (it owns the shared paths inside and sets the folder's mode).
fi
id -u ${q(p.buildUser)} >/dev/null 2>&1 || { mark build-user; echo "would=create the build user ${p.buildUser}"; }
`;
}
async function ensureUser(ctx) {
    // The deploy's own layout step creates the user and folders; a dry run must not, so it only
    // checks (and says the user is missing).
    const created = ctx.settings.provision.dryRun ? { changed: false } : await ensureLayout(ctx);
    const res = await (0,provision_run/* runProvisionScript */.q)(ctx, 'checking the app user and folders', userScript(ctx));
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
 * refusal.
 */
function importScript(ctx) {
    const q = quote/* shQuote */.U;
    const p = ctx.paths;
    const pr = ctx.settings.provision;
    const db = `${p.shared}/${ctx.settings.deploy.sqliteDb}`;
    const old = `${p.backups}/before-import-$(date -u +%Y%m%dT%H%M%SZ).db`;
    const svc = q(p.units.service.name);
    return `
src=${q(pr.importDatabase)}; db=${q(db)}; marker=${q(`${p.state}/imported-database`)}
if [ ! -f "$src" ]; then echo "import-database: $src does not exist on the server" >&2; exit ${MISSING}; fi
want="$src $(sha256sum < "$src" | cut -d' ' -f1)"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ] && [ -f "$db" ]; then
  echo "import=already imported from $src"
elif [ -f "$db" ] && [ ${pr.importDatabaseForce ? 1 : 0} != 1 ]; then
  echo "import-database: a database is already at $db; refusing to replace it" >&2; exit ${EXISTS}
else
  mark database
  if [ "$dry" = 1 ]; then
    echo "would=copy $src to $db with sqlite3 .backup$([ -f "$db" ] && echo ', after backing up the existing one')"
  else
    check=$(sqlite3 -readonly "$src" 'PRAGMA integrity_check' 2>&1 || true)
    if [ "$check" != ok ]; then echo "import-database: $src fails PRAGMA integrity_check: \${check:0:300}" >&2; exit ${import_database_CORRUPT}; fi
    # shared/ is the app's: root makes the copy in a folder of its own and never writes, moves or
    # chowns a path there (a link the app put in its place would be followed); the app's user
    # puts the copy in place.
    tmpd=$(mktemp -d ${q(p.dir)}/.gd-import.XXXXXX); trap 'rm -rf -- "$tmpd"' EXIT; tmp="$tmpd/import.db"
    sqlite3 -cmd '.timeout 15000' "$src" ".backup '$tmp'"
    [ "$(sqlite3 "$tmp" 'PRAGMA integrity_check')" = ok ] || { echo "import-database: the copy fails integrity_check" >&2; exit ${import_database_CORRUPT}; }
    chown ${q(`${p.user}:${p.user}`)} "$tmp"; chmod 0640 "$tmp"
    chgrp ${q(p.user)} "$tmpd"; chmod 0770 "$tmpd"
    stopped=no
    if [ -f "$db" ]; then
      # Forced: keep the database being replaced, and swap it with the app stopped (the socket
      # stays open, so requests wait rather than fail). Read by the app's user, kept by root.
      old="${old}"
      if systemctl is-active --quiet ${svc}; then systemctl stop ${svc}; stopped=yes; fi
      ${(0,app_run/* asUser */.ex)(p.user, `sqlite3 -cmd '.timeout 15000' "$1" ".backup '$2'"`, ['"$db"', '"$tmpd/old.db"'])}
      mv -T "$tmpd/old.db" "$old"
      if [ -L "$old" ] || [ ! -f "$old" ]; then rm -f "$old"; echo "import-database: the backup of $db is not a regular file" >&2; exit ${import_database_CORRUPT}; fi
      chown root:${q(p.user)} "$old"; chmod 0640 "$old"
      echo "previous=$old"
    fi
    ${(0,app_run/* asUser */.ex)(p.user, 'install -d -m 0750 -- "$(dirname -- "$2")"; rm -f -- "$2-wal" "$2-shm"; mv -f -- "$1" "$2"', ['"$tmp"', '"$db"'])}
    [ "$stopped" = no ] || systemctl start ${svc}
    printf '%s\\n' "$want" > "$marker"
    echo "rows_tables=$(sqlite3 -readonly "$db" "SELECT count(*) FROM sqlite_master WHERE type='table'")"
  fi
fi
`;
}
async function importDatabase(ctx) {
    const pr = ctx.settings.provision;
    if (!pr.importDatabase)
        return { changed: false, detail: 'no import-database set' };
    if (!/^[A-Za-z0-9._/-]+$/.test(ctx.settings.deploy.sqliteDb)) {
        throw new step/* DeployError */.sH(`sqlite-db '${ctx.settings.deploy.sqliteDb}' has characters the import cannot quote for sqlite3`, 'Use a path of letters, digits and . _ / - for sqlite-db.');
    }
    try {
        const res = await (0,provision_run/* runProvisionScript */.q)(ctx, 'importing the database', importScript(ctx), {
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

// EXTERNAL MODULE: ./src/render.ts + 3 modules
var render = __webpack_require__(3728);
// EXTERNAL MODULE: ./src/provision/vars.ts
var provision_vars = __webpack_require__(2841);
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

;// CONCATENATED MODULE: ./src/provision/nginx.ts




/** Exit code when `nginx -t` refused the new site (the old one was put back). */
const REFUSED = 6;
/**
 * The site in sites-available, its link in sites-enabled, the default site's link removed. nginx
 * reads a whole tree, so the only sound test is of the tree as it will be: the old files are kept,
 * the new ones installed, `nginx -t` run, and on failure everything put back before nginx is
 * reloaded. nginx is reloaded only when something here changed. The site's text comes on stdin.
 */
function nginxScript(ctx) {
    const q = quote/* shQuote */.U;
    // Shared folders nginx serves (uploads): group www-data with setgid, so what the app writes there
    // (UMask 0027: group-readable) is readable by nginx and nothing else of shared/ is; shared/ itself
    // only traversable (o+x, no listing).
    const uploads = ctx.settings.provision.staticMaps
        .filter((m) => m.shared)
        .map((m) => {
        const dir = `${ctx.paths.shared}/${m.folder}`;
        // Made as the deploy's layout step would, when provision runs before the first deploy.
        return `if [ "$dry" != 1 ]; then
  [ -d ${q(ctx.paths.dir)} ] || install -d -m 0755 -o root -g root ${q(ctx.paths.dir)}
  [ -d ${q(ctx.paths.shared)} ] || install -d -m 0750 -o ${q(ctx.paths.user)} -g ${q(ctx.paths.user)} ${q(ctx.paths.shared)}
  [ -d ${q(dir)} ] || { setpriv --reuid=${q(ctx.paths.user)} --regid=${q(ctx.paths.user)} --init-groups --reset-env -- install -d -m 0750 -- ${q(dir)}; mark uploads; }
  [ -L ${q(dir)} ] || { chgrp www-data -- ${q(dir)}; chmod 2750 -- ${q(dir)}; }
  chmod o+x ${q(ctx.paths.shared)}
fi`;
    })
        .join('\n');
    return `
${uploads}
avail=${q(ctx.paths.nginxSite)}; enabled=${q(ctx.paths.nginxEnabled)}; def=/etc/nginx/sites-enabled/default
new=$(mktemp); trap 'rm -f "$new"' EXIT
cat > "$new"
[ -f "$avail" ] && cmp -s "$new" "$avail" || mark site
[ "$(readlink "$enabled" 2>/dev/null)" = "$avail" ] || mark link
if [ -e "$def" ] || [ -L "$def" ]; then mark default-site; fi
if [ -n "$changed" ]; then
  if [ "$dry" = 1 ]; then
    echo "would=install $avail, link it in sites-enabled, disable the default site, nginx -t, reload nginx"
    [ -f "$avail" ] && { diff -u "$avail" "$new" | sed -n '3,40p' | sed 's/^/diff=/' || true; }
  else
    keep=$(mktemp -d)
    [ -f "$avail" ] && cp -a "$avail" "$keep/site"
    [ -e "$enabled" ] || [ -L "$enabled" ] && cp -a "$enabled" "$keep/link"
    [ -e "$def" ] || [ -L "$def" ] && cp -a "$def" "$keep/default"
    install -m 0644 -o root -g root "$new" "$avail"
    ln -sfn "$avail" "$enabled"
    rm -f "$def"
    if ! out=$(nginx -t 2>&1); then
      # Put back exactly what was there: the running nginx never sees the refused config.
      if [ -f "$keep/site" ]; then cp -a "$keep/site" "$avail"; else rm -f "$avail"; fi
      rm -f "$enabled"; [ -e "$keep/link" ] || [ -L "$keep/link" ] && cp -a "$keep/link" "$enabled"
      [ -e "$keep/default" ] || [ -L "$keep/default" ] && cp -a "$keep/default" "$def"
      rm -rf "$keep"
      echo "$out" | tail -n 5 >&2
      exit ${REFUSED}
    fi
    rm -rf "$keep"
    if systemctl is-active --quiet nginx; then systemctl reload nginx; echo nginx=reloaded; else systemctl start nginx; echo nginx=started; fi
  fi
fi
if ! systemctl is-enabled --quiet nginx 2>/dev/null; then mark nginx-enabled; act systemctl enable --quiet nginx; fi
if [ "$dry" != 1 ] && ! systemctl is-active --quiet nginx; then mark nginx-started; systemctl start nginx; fi
`;
}
/** `site`: the text to install; by default the site for the server's TLS state (see tls-site.ts). */
async function ensureNginx(ctx, site) {
    const text = site ?? (await siteText(ctx));
    try {
        const res = await (0,provision_run/* runProvisionScript */.q)(ctx, 'configuring nginx', nginxScript(ctx), {
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

// EXTERNAL MODULE: ./src/provision/shell.ts
var shell = __webpack_require__(3297);
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
        return { changed: false, detail: 'off (HTTP only)' };
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
    const changes = [...new Set([...cert.changes.map(changeName), ...site.changes.map((c) => `nginx-${c}`)])];
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
    await (0,provision_run/* runProvisionScript */.q)(ctx, 'reloading nginx for the new certificate', 'out=$(nginx -t 2>&1) || { echo "$out" | tail -n 5 >&2; exit 1; }\nsystemctl reload nginx', { hint: 'Fix the nginx configuration named above and run provision again.' });
}
/** The script's certificate facts: serial and end date, when the file is there. */
function certificateFacts(path) {
    return `if [ -s ${(0,quote/* shQuote */.U)(path)} ]; then
  echo "serial=$(openssl x509 -in ${(0,quote/* shQuote */.U)(path)} -noout -serial | sed 's/^serial=//')"
  echo "not-after=$(openssl x509 -in ${(0,quote/* shQuote */.U)(path)} -noout -enddate | sed 's/^notAfter=//')"
fi`;
}
function acmeFiles(ctx) {
    const hook = (0,render/* renderTemplate */.Xm)('tls/renew-hook.sh', (0,provision_vars/* provisionVars */.g)(ctx));
    const files = [{ path: RENEW_HOOK, content: hook, mode: '0755', owner: 'root:root' }];
    if (ctx.settings.tls.acmeCaBundle) {
        files.push({ path: ACME_CA_INPUT, content: ctx.settings.tls.acmeCaBundle, mode: '0644', owner: 'root:root' }, {
            path: CERTBOT_DROPIN,
            content: `# Written by gunicorn-deploy (acme-ca-bundle): certbot's renewals trust the private ACME server.\n[Service]\nEnvironment=REQUESTS_CA_BUNDLE=${ACME_CA_BUNDLE}\n`,
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
    const q = quote/* shQuote */.U;
    const t = ctx.settings.tls;
    const p = tlsPaths(ctx);
    const app = ctx.paths.app;
    const names = ctx.settings.provision.serverName.split(' ');
    const wanted = [...names].sort().join(' ');
    const bundle = t.acmeCaBundle
        ? `# requests (certbot) takes one bundle: the private CA on top of the system's.
if [ "$dry" != 1 ]; then
  nb=$(mktemp); cat ${q(ACME_CA_INPUT)} /etc/ssl/certs/ca-certificates.crt > "$nb" 2>/dev/null || cat ${q(ACME_CA_INPUT)} > "$nb"
  if [ -f ${q(ACME_CA_BUNDLE)} ] && cmp -s "$nb" ${q(ACME_CA_BUNDLE)}; then rm -f "$nb"; else install -m 0644 "$nb" ${q(ACME_CA_BUNDLE)}; rm -f "$nb"; mark ca-bundle; fi
fi
if was_changed ${q(CERTBOT_DROPIN)}; then act systemctl daemon-reload; fi
export REQUESTS_CA_BUNDLE=${q(ACME_CA_BUNDLE)}`
        : `for f in ${q(CERTBOT_DROPIN)} ${q(ACME_CA_INPUT)} ${q(ACME_CA_BUNDLE)}; do
  if [ -e "$f" ]; then mark "removed:$f"; act rm -f "$f"; fi
done
if was_changed "removed:${CERTBOT_DROPIN}"; then act systemctl daemon-reload; fi`;
    const certbot = [
        'certbot',
        'certonly',
        '--non-interactive',
        '--agree-tos',
        '--no-eff-email',
        '-m',
        t.acmeEmail,
        '--server',
        t.acmeServer,
        '--webroot',
        '-w',
        p.webroot,
        '--cert-name',
        app,
        ...names.flatMap((n) => ['-d', n])
    ]
        .map(q)
        .join(' ');
    return `
${(0,shell/* writeFilesScript */.Cu)(acmeFiles(ctx))}
${bundle}
[ -d ${q(p.webroot)} ] || { mark webroot; act install -d -m 0755 -o root -g root ${q(p.webroot)}; }
cert=${q(`/etc/letsencrypt/live/${app}/cert.pem`)}; conf=${q(`/etc/letsencrypt/renewal/${app}.conf`)}
why=""
if [ ! -s "$cert" ] || [ ! -f "$conf" ]; then why="no certificate yet"
else
  have=$(openssl x509 -in "$cert" -noout -ext subjectAltName 2>/dev/null | grep -o 'DNS:[^,[:space:]]*' | sed 's/^DNS://' | sort | tr '\\n' ' ' | sed 's/ $//' || true)
  srv=$(sed -n 's/^server *= *//p' "$conf" | tail -n 1)
  auth=$(sed -n 's/^authenticator *= *//p' "$conf" | tail -n 1)
  if [ "$have" != ${q(wanted)} ]; then why="the certificate covers $have"
  elif [ "$srv" != ${q(t.acmeServer)} ]; then why="the certificate came from $srv"
  elif [ "$auth" != webroot ]; then why="the certificate was not made with the webroot"
  elif ! openssl x509 -in "$cert" -noout -checkend 86400 >/dev/null; then why="the certificate ends within a day"
  fi
fi
if [ -n "$why" ]; then
  mark certificate
  if [ "$dry" = 1 ]; then
    echo "would=certbot certonly --webroot for ${names.join(' ')} from ${t.acmeServer} ($why)"
  else
    # --force-renewal: an existing lineage for other names or another server is replaced now.
    force=""; [ -f "$conf" ] && force=--force-renewal
    if ! out=$(${certbot} $force 2>&1); then
      { printf '%s\\n' "$out" | grep -v '^Saving debug log\\|^ *$' | tail -n 15 >&2; } || true
      exit ${ISSUE_FAILED}
    fi
  fi
fi
if ! systemctl is-enabled --quiet certbot.timer 2>/dev/null || ! systemctl is-active --quiet certbot.timer; then
  mark renew-timer; act systemctl enable --now --quiet certbot.timer
fi
${certificateFacts(`/etc/letsencrypt/live/${app}/cert.pem`)}
`;
}
async function obtainAcme(ctx) {
    const t = ctx.settings.tls;
    const names = ctx.settings.provision.serverName.split(' ');
    try {
        return await (0,provision_run/* runProvisionScript */.q)(ctx, 'getting the certificate', acmeScript(ctx), {
            stdin: (0,shell/* filesInput */.GY)(acmeFiles(ctx)),
            timeoutMs: 5 * 60_000
        });
    }
    catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (msg.includes(`exit ${ISSUE_FAILED}`)) {
            throw new step/* DeployError */.sH(`certbot could not get a certificate for ${names.join(', ')} from ${t.acmeServer}; nginx keeps serving the site as it was (plain HTTP until a first certificate is issued):\n${msg.split('\n').slice(1).join('\n')}`, `Check that every server-name resolves (DNS A/AAAA) to this server and that port 80 reaches its nginx from the internet (the CA fetches http://NAME/.well-known/acme-challenge/...), that acme-server is right, then run provision again. Repeated failures count against the CA's rate limits.`);
        }
        throw err;
    }
}
/**
 * The private key, from the script's stdin (one base64 line after the certificate's), through a
 * 0600 temporary file. Unlike writeFilesScript it never prints a diff, not even in a dry run: the
 * key on the server is not masked in the log (only the one given is).
 */
function keyScript(path) {
    const q = quote/* shQuote */.U;
    return `k=${q(path)}
IFS= read -r b64
tmp=$(mktemp "$(dirname "$k")/.gd-new.XXXXXX" 2>/dev/null || mktemp)
printf '%s' "$b64" | base64 -d > "$tmp"; b64=""
if [ -f "$k" ] && cmp -s "$tmp" "$k" && [ "$(stat -c '%a %U:%G' "$k")" = "600 root:root" ]; then rm -f "$tmp"
else
  mark certificate
  if [ "$dry" = 1 ]; then echo "would=write the private key $k (not shown)"; rm -f "$tmp"
  else chmod 0600 "$tmp"; chown root:root "$tmp"; mv -f "$tmp" "$k"; fi
fi`;
}
async function writeCertificateFiles(ctx) {
    const t = ctx.settings.tls;
    const p = tlsPaths(ctx);
    const cert = { path: p.certificate, content: t.certificate, mode: '0644', owner: 'root:root' };
    const key = { path: p.key, content: t.key, mode: '0600', owner: 'root:root' };
    const res = await (0,provision_run/* runProvisionScript */.q)(ctx, 'writing the certificate files', `${(0,shell/* writeFilesScript */.Cu)([cert])}
if was_changed ${(0,quote/* shQuote */.U)(p.certificate)}; then mark certificate; fi
${keyScript(p.key)}
${certificateFacts(p.certificate)}`, 
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
 * is refused before it replaces a good one.
 */
async function ensureLogrotate(ctx) {
    const file = (0,render/* renderLogrotate */.Mw)((0,provision_vars/* provisionVars */.g)(ctx));
    const check = `
if [ "$dry" != 1 ] && was_changed ${(0,quote/* shQuote */.U)(file.path)}; then
  if ! out=$(logrotate -d ${(0,quote/* shQuote */.U)(file.path)} 2>&1) || echo "$out" | grep -qi '^error'; then
    echo "$out" | grep -i error | head -n 5 >&2; exit 4
  fi
fi
`;
    return (0,provision_run/* runProvisionScript */.q)(ctx, 'writing the logrotate rules', (0,shell/* writeFilesScript */.Cu)([file]) + check, {
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
    const files = timerFiles(ctx);
    const q = quote/* shQuote */.U;
    const perTimer = timerUnits(ctx.paths)
        .map(({ service, timer }) => {
        const t = timer.name;
        return `
if was_changed ${q(timer.file)} || was_changed ${q(service.file)}; then
  [ "$dry" = 1 ] || { systemctl is-active --quiet ${q(t)} && systemctl restart ${q(t)} || true; }
fi
if ! systemctl is-enabled --quiet ${q(t)} 2>/dev/null; then mark ${q(`${t}:enabled`)}; act systemctl enable --quiet ${q(t)}; fi
if ! systemctl is-active --quiet ${q(t)}; then mark ${q(`${t}:started`)}; act systemctl start ${q(t)}; fi`;
    })
        .join('\n');
    return `
${(0,shell/* writeFilesScript */.Cu)(files)}
if [ "$dry" != 1 ] && echo "$changed" | grep -q /etc/systemd/system/; then systemctl daemon-reload; fi
${perTimer}
`;
}
async function ensureTimers(ctx) {
    return (0,provision_run/* runProvisionScript */.q)(ctx, 'installing the health and database timers', timersScript(ctx), {
        stdin: (0,shell/* filesInput */.GY)(timerFiles(ctx))
    });
}

// EXTERNAL MODULE: ./src/provision/alerts.ts
var alerts = __webpack_require__(2868);
;// CONCATENATED MODULE: ./src/provision/firewall.ts






/**
 * The app's firewall: one nftables table of its own (`inet gunicorn_deploy_APP`), never the whole
 * ruleset and never another table, so the user's /etc/nftables.conf and other tools' tables stay as
 * they are (a packet must pass every table's input hook: ours drops what it does not allow, whatever
 * the others accept). Loaded at boot by APP-firewall.service, after nftables.service (whose
 * `flush ruleset` would remove it) and restarted with it.
 *
 * Applied so that a mistake cannot lock the run out: a transient timer reverts the change after
 * REVERT_AFTER_S unless a NEW SSH connection confirms it (a rule that cut new logins would still let
 * the open connection through as established traffic, so only a new one proves anything). Only the
 * confirmed ruleset is made permanent.
 */
/** Seconds the new rules have to be confirmed over a new connection before the server reverts them. */
const REVERT_AFTER_S = 60;
/** Exit code of the confirm script when the revert already ran. */
const TOO_LATE = 7;
function firewallTable(app) {
    // App names are [a-z][a-z0-9-]*; nft identifiers have no '-'.
    return `gunicorn_deploy_${app.replace(/-/g, '_')}`;
}
function firewallPaths(app) {
    return {
        rules: `/etc/${app}/firewall.nft`,
        unit: (0,paths/* appUnits */.hB)(app).firewallService.name,
        unitFile: (0,paths/* appUnits */.hB)(app).firewallService.file,
        pending: `/run/gunicorn-deploy/${app}-firewall.pending.nft`,
        revert: `${app}-firewall-revert`,
        revertScript: `/run/gunicorn-deploy/${app}-firewall-revert.sh`,
        reverted: `/run/gunicorn-deploy/${app}-firewall.reverted`
    };
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
/** The ruleset file: replaces the table atomically (one nft transaction) and nothing else. */
function renderFirewall(app, sshPort, allow) {
    const t = firewallTable(app);
    const ports = [{ proto: 'tcp', from: sshPort, to: sshPort }, ...tcp(80), ...tcp(443), ...allow];
    const tcpPorts = mergePorts(ports, 'tcp');
    const udpPorts = mergePorts(ports, 'udp');
    const list = (xs) => `{ ${xs.join(', ')} }`;
    return `#!/usr/sbin/nft -f
${ownership/* UNIT_HEADER */.bz}; changes here are overwritten on the next provision.
# Firewall of ${app}: inbound SSH (${sshPort}, the port provision connected to), HTTP, HTTPS${allow.length ? ' and firewall-allow' : ''}; the rest is dropped. Only this table is replaced, nothing else of the ruleset.
table inet ${t}
delete table inet ${t}
table inet ${t} {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state invalid drop
    ct state { established, related } accept
    iif "lo" accept
    icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept
    # Without neighbour discovery and packet-too-big, IPv6 stops working. (No protocol names: nft
    # 1.0.6 resolves them through /etc/protocols, which a minimal image lacks.)
    icmpv6 type { echo-request, destination-unreachable, packet-too-big, time-exceeded, parameter-problem, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-query } accept
    ip6 saddr fe80::/10 udp sport 547 udp dport 546 accept
    tcp dport ${list(tcpPorts)} accept${udpPorts.length ? `\n    udp dport ${list(udpPorts)} accept` : ''}
  }
}
`;
}
function tcp(port) {
    return [{ proto: 'tcp', from: port, to: port }];
}
function renderFirewallUnit(app) {
    const p = firewallPaths(app);
    return `${ownership/* UNIT_HEADER */.bz}; changes here are overwritten on the next provision.
[Unit]
Description=Firewall of ${app} (nftables table inet ${firewallTable(app)})
DefaultDependencies=no
Wants=network-pre.target
Before=network-pre.target shutdown.target
Conflicts=shutdown.target
# nftables.service starts with \`flush ruleset\`: load after it, and again whenever it restarts.
After=nftables.service
PartOf=nftables.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/nft -f ${p.rules}
ExecStop=-/usr/sbin/nft delete table inet ${firewallTable(app)}

[Install]
WantedBy=sysinit.target
`;
}
function firewallFiles(app, sshPort, allow) {
    const p = firewallPaths(app);
    return [
        { path: p.rules, content: renderFirewall(app, sshPort, allow), mode: '0644', owner: 'root:root' },
        { path: p.unitFile, content: renderFirewallUnit(app), mode: '0644', owner: 'root:root' }
    ];
}
/**
 * Stage one: nothing to do when the installed ruleset and unit equal the new ones and the table is
 * live. Otherwise the new ruleset (on stdin) is checked with `nft -c`, the revert armed, and the
 * ruleset loaded; `applied=1` tells the caller to confirm.
 */
function applyScript(app) {
    const q = quote/* shQuote */.U;
    const p = firewallPaths(app);
    const t = firewallTable(app);
    return `
if ! command -v nft >/dev/null; then
  # A dry run on a server the packages step would install nftables on.
  if [ "$dry" = 1 ]; then echo "would=install the firewall table inet ${t} and ${p.unit}"; echo "changed=firewall"; exit 0; fi
  echo "nft is not installed (the packages step installs nftables)" >&2; exit 4
fi
install -d -m 0700 /run/gunicorn-deploy
pending=${q(p.pending)}
IFS= read -r rules_b64; IFS= read -r unit_b64
printf '%s' "$rules_b64" | base64 -d > "$pending"
cmp -s "$pending" ${q(p.rules)} || mark ruleset
printf '%s' "$unit_b64" | base64 -d | cmp -s - ${q(p.unitFile)} || mark unit
if ! nft list table inet ${q(t)} >/dev/null 2>&1; then mark table; fi
if ! systemctl is-enabled --quiet ${q(p.unit)} 2>/dev/null; then mark enabled; fi
[ -n "$changed" ] || { rm -f "$pending"; echo "changed="; exit 0; }
if ! out=$(nft -c -f "$pending" 2>&1); then echo "$out" | tail -n 8 >&2; rm -f "$pending"; exit 5; fi
if [ "$dry" = 1 ]; then
  echo "would=load the firewall table inet ${t} (reverted after ${REVERT_AFTER_S} s unless a new SSH login confirms it), install ${p.rules} and ${p.unit}"
  [ -f ${q(p.rules)} ] && { diff -u ${q(p.rules)} "$pending" | sed -n '3,40p' | sed 's/^/diff=/' || true; }
  rm -f "$pending"
else
  # The way back: the last confirmed ruleset, or no table at all.
  cat > ${q(p.revertScript)} <<'REVERT'
#!/bin/sh
nft delete table inet ${t} 2>/dev/null
if [ -f ${q(p.rules)} ] && systemctl is-enabled --quiet ${q(p.unit)}; then nft -f ${q(p.rules)}; fi
touch ${q(p.reverted)}
echo "<3>the firewall of ${app} was not confirmed by a new SSH login within ${REVERT_AFTER_S} s: reverted to the previous rules"
REVERT
  chmod 0700 ${q(p.revertScript)}
  rm -f ${q(p.reverted)}
  systemctl stop ${q(`${p.revert}.timer`)} ${q(`${p.revert}.service`)} 2>/dev/null || true
  systemctl reset-failed ${q(`${p.revert}.service`)} 2>/dev/null || true
  systemd-run --quiet --unit=${q(p.revert)} --on-active=${REVERT_AFTER_S}s --timer-property=AccuracySec=1s ${q(p.revertScript)}
  if ! out=$(nft -f "$pending" 2>&1); then
    systemctl stop ${q(`${p.revert}.timer`)} 2>/dev/null || true
    echo "$out" | tail -n 8 >&2; exit 5
  fi
  echo applied=1
fi
`;
}
/**
 * Stage two, over the new connection: stops the revert (unless it already ran), then makes the
 * confirmed ruleset permanent: the file, the unit, enabled for the next boot.
 */
function confirmScript(app, files) {
    const q = quote/* shQuote */.U;
    const p = firewallPaths(app);
    return `
# A timer that fired stays active (elapsed): only one still waiting can be stopped in time, and the
# revert must not have started meanwhile.
if [ -e ${q(p.reverted)} ] || [ "$(systemctl show -p SubState --value ${q(`${p.revert}.timer`)})" != waiting ]; then exit ${TOO_LATE}; fi
systemctl stop ${q(`${p.revert}.timer`)}
if [ -e ${q(p.reverted)} ] || [ "$(systemctl show -p ExecMainStartTimestampMonotonic --value ${q(`${p.revert}.service`)})" != 0 ]; then exit ${TOO_LATE}; fi
rm -f ${q(p.pending)} ${q(p.revertScript)}
${(0,shell/* writeFilesScript */.Cu)(files)}
if echo "$changed" | grep -q /etc/systemd/system/; then systemctl daemon-reload; fi
systemctl enable --quiet ${q(p.unit)}
systemctl is-active --quiet ${q(p.unit)} || systemctl start ${q(p.unit)}
`;
}
/** firewall: false after true: the table, its unit and file go (nothing of anyone else's). */
function removeScript(app) {
    const q = quote/* shQuote */.U;
    const p = firewallPaths(app);
    const t = firewallTable(app);
    return `
if [ -e ${q(p.unitFile)} ] || [ -e ${q(p.rules)} ] || { command -v nft >/dev/null && nft list table inet ${q(t)} >/dev/null 2>&1; }; then
  mark firewall-removed
  if [ "$dry" = 1 ]; then echo "would=remove the firewall table inet ${t}, ${p.unit} and ${p.rules}"; else
    systemctl disable --now --quiet ${q(p.unit)} 2>/dev/null || true
    command -v nft >/dev/null && nft delete table inet ${q(t)} 2>/dev/null || true
    rm -f ${q(p.unitFile)} ${q(p.rules)}
    systemctl daemon-reload
  fi
fi
`;
}
/** The server-side port of the connection this run uses ($SSH_CONNECTION, as the login user). */
async function sshServerPort(remote) {
    const res = await remote.exec('printf "%s\\n" "${SSH_CONNECTION:-}"', { timeoutMs: 30_000 });
    const port = Number(/^\S+ \d+ \S+ (\d+)\s*$/.exec(res.stdout)?.[1]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new step/* DeployError */.sH('cannot tell which port this SSH connection uses on the server (SSH_CONNECTION is not set); the firewall was not changed', 'Check that the server runs OpenSSH (it sets SSH_CONNECTION), or set firewall: false.');
    }
    return port;
}
/** Waits (over the old connection, still open as established traffic) for the revert to have run. */
async function waitForRevert(ctx, app) {
    const p = firewallPaths(app);
    const deadline = Date.now() + (REVERT_AFTER_S + 20) * 1000;
    while (Date.now() < deadline) {
        const res = await ctx.remote
            .script(`test -e ${(0,quote/* shQuote */.U)(p.reverted)}`, { sudo: true, timeoutMs: 10_000 })
            .catch(() => undefined);
        if (res?.code === 0)
            return true;
        await new Promise((r) => setTimeout(r, 2000));
    }
    return false;
}
async function ensureFirewall(ctx, reconnect) {
    const app = ctx.paths.app;
    const edge = ctx.settings.provision.edge;
    if (!edge.firewall)
        return (0,provision_run/* runProvisionScript */.q)(ctx, 'checking for a firewall to remove', removeScript(app));
    const files = firewallFiles(app, await sshServerPort(ctx.remote), edge.firewallAllow);
    const applied = await (0,provision_run/* runProvisionScript */.q)(ctx, 'applying the firewall', applyScript(app), {
        stdin: (0,shell/* filesInput */.GY)(files),
        hint: 'nft refused the ruleset; nothing was changed.'
    });
    if (applied.facts.applied !== '1')
        return applied;
    const by = new Date(Date.now() + REVERT_AFTER_S * 1000).toISOString();
    let second;
    try {
        if (!reconnect)
            throw new Error('no way to open a new connection here');
        second = await reconnect();
        await (0,provision_run/* runProvisionScript */.q)({ ...ctx, remote: second }, 'confirming the firewall', confirmScript(app, files), {
            stdin: (0,shell/* filesInput */.GY)(files),
            timeoutMs: 30_000
        });
    }
    catch (err) {
        const why = (0,step/* errorMessage */.gJ)(err).split('\n')[0];
        const reverted = await waitForRevert(ctx, app);
        throw new step/* DeployError */.sH(`the firewall was applied, but a new SSH connection could not confirm it (${why}); ${reverted
            ? `the server reverted it after ${REVERT_AFTER_S} s, as armed before the change: the previous rules are back`
            : `the server reverts it by ${by} (${REVERT_AFTER_S} s after the change)`}`, 'Check that SSH reaches the server on the port this run used, and what firewall-allow opens; then run provision again.');
    }
    finally {
        await second?.close().catch(() => undefined);
    }
    return { ...applied, detail: `${applied.detail} (confirmed over a new SSH connection)` };
}

;// CONCATENATED MODULE: ./src/provision/first-deploy.ts








/** releaseHash of the source as it is now; a canonical tar when a name keeps it from a manifest. */
async function sourceHash(settings) {
    const manifest = await (0,src_manifest/* buildManifest */.u1)(external_node_path_.resolve(settings.app.source), settings.app.exclude);
    if (manifest)
        return (0,release_record/* releaseHash */.wq)(manifest, settings);
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
        const tar = (0,external_node_child_process_.spawn)('tar', args, {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, LC_ALL: 'C' }
        });
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
    const q = quote/* shQuote */.U;
    const res = await (0,context/* runScript */.j3)(ctx, 'reading the current release', `
[ -f ${q((0,release_record/* recordPath */.lX)(ctx))} ] && cat ${q((0,release_record/* recordPath */.lX)(ctx))}
[ -L ${q(ctx.paths.current)} ] && echo "current=$(basename "$(readlink ${q(ctx.paths.current)})")"
echo "active=$(systemctl is-active ${q(ctx.paths.units.service.name)} 2>/dev/null || true)"
`, { timeoutMs: 30_000 });
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
    await activateRelease(host, p);
    await tidyRelease(host, p);
}

// EXTERNAL MODULE: ./src/deploy/health.ts
var health = __webpack_require__(1873);
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
    'logrotate',
    'database',
    'timers',
    'disk-free',
    'memory'
];
/** Prints framework-debug=NAME=true|false for a Flask or Django app, nothing for others. */
const FRAMEWORK_DEBUG = `import os, sys
sys.path.insert(0, os.getcwd())
from gunicorn.util import import_app
app = import_app(sys.argv[1])
out = None
flask = sys.modules.get("flask")
if flask is not None and isinstance(app, flask.Flask):
    out = "app.debug=" + str(bool(app.debug)).lower()
elif "django" in sys.modules:
    from django.conf import settings
    if settings.configured:
        out = "settings.DEBUG=" + str(bool(settings.DEBUG)).lower()
if out:
    print("framework-debug=" + out)
`;
/** Below this share of free disk a server is red (the seed's checklist). */
const MIN_DISK_FREE = 20;
/** Memory is red only when nearly all of it is in use: a busy server is not a broken one. */
const MAX_MEMORY_USED = 95;
/**
 * One read-only script: each probe prints `check=NAME|ok|red|n/a|DETAIL` and never stops the
 * others, so one broken piece is named instead of hiding the rest.
 */
function verifyChecklistScript(ctx) {
    const q = quote/* shQuote */.U;
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    const host = ctx.settings.provision.serverName.split(' ').find((n) => n !== '_' && !n.startsWith('*')) ?? 'localhost';
    const db = d.sqliteDb ? `${p.shared}/${d.sqliteDb}` : '';
    // The app's own answer, read from the WSGI object as the service loads it (its user, venv and
    // environment): Flask's app.debug, Django's settings.DEBUG. A health JSON without a debug field
    // (most Django apps) no longer passes on FLASK_DEBUG=0 alone.
    const probe = (0,app_run/* appRunCommand */.gA)(p, {
        cwd: p.current,
        envFile: p.envFile,
        venv: `${p.current}/.venv`,
        argv: [`${p.current}/.venv/bin/python`, '-c', FRAMEWORK_DEBUG, d.wsgiApp]
    });
    // Django's own production checklist; its warnings (HTTPS settings behind a plain-HTTP nginx,
    // say) are shown, only its errors make the check red.
    const djangoCheck = (0,app_run/* appRunCommand */.gA)(p, {
        cwd: p.current,
        envFile: p.envFile,
        venv: `${p.current}/.venv`,
        argv: [`${p.current}/.venv/bin/python`, 'manage.py', 'check', '--deploy']
    });
    return `
set +e
r() { printf 'check=%s|%s|%s\\n' "$1" "$2" "$(printf '%s' "$3" | tr '\\n|' ' /' | cut -c1-200)"; }
svc=${q(p.units.service.name)}; sock=${q(p.units.socket.name)}; sockpath=${q(p.socket)}; hp=${q(d.healthPath)}
a=$(systemctl is-active "$svc" 2>/dev/null); e=$(systemctl is-enabled "$svc" 2>/dev/null)
if [ "$a" = active ] && [ "$e" = enabled ]; then r service ok "active, enabled, pid $(systemctl show -p MainPID --value "$svc")"; else r service red "$a, \${e:-not installed}"; fi
a=$(systemctl is-active "$sock" 2>/dev/null); e=$(systemctl is-enabled "$sock" 2>/dev/null)
if [ "$a" = active ] && [ "$e" = enabled ] && [ -S "$sockpath" ]; then r socket ok "listening on $sockpath"; else r socket red "$a, \${e:-not installed}, $([ -S "$sockpath" ] && echo "$sockpath exists" || echo "no $sockpath")"; fi
body=$(mktemp); trap 'rm -f "$body"' EXIT
code=$(curl -sS -o "$body" -w '%{http_code}' -m 10 --unix-socket "$sockpath" ${q(`http://${(0,health/* healthHost */.d)(ctx.settings)}`)}"$hp" 2>/dev/null)
if [ "$code" = 200 ]; then r health-socket ok "$hp 200"; else r health-socket red "$hp answered \${code:-nothing} through $sockpath"; fi
debug=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(str(d.get("debug","absent")).lower())' "$body" 2>/dev/null)
fw=$(${probe} 2>/dev/null | sed -n 's/^framework-debug=//p' | tail -n 1)
envdebug=$(grep -E '^FLASK_DEBUG=' ${q(p.envFile)} 2>/dev/null | tail -n 1)
case "$fw" in
  *=true) r debug red "the app runs with debug on (\${fw%=*} \${fw#*=}$([ "$debug" = true ] && echo ", $hp says debug true"))";;
  *)
case "$debug" in
  true) r debug red "the app runs with debug on ($hp says debug true)";;
  false) r debug ok "debug false ($hp$([ -n "$fw" ] && echo ", \${fw%=*} \${fw#*=}"))";;
  *) if [ -n "$fw" ]; then r debug ok "\${fw%=*} \${fw#*=}"
     elif [ "$envdebug" = FLASK_DEBUG=0 ]; then r debug ok "FLASK_DEBUG=0 ($hp does not report debug)"; else r debug red "cannot tell: $hp does not report debug and FLASK_DEBUG=0 is not in the env file"; fi;;
esac;;
esac
if [ "\${fw%=*}" = settings.DEBUG ] && [ -f ${q(`${p.current}/manage.py`)} ]; then
  out=$(${djangoCheck} 2>&1); rc=$?
  ids=$(printf '%s\\n' "$out" | grep -oE '\\([a-z_]+\\.[EW][0-9]+\\)' | tr -d '()' | sort -u | tr '\\n' ' ')
  if [ "$rc" = 0 ]; then r django-check ok "manage.py check --deploy: \${ids:-no warnings}"; else r django-check red "manage.py check --deploy failed: \${ids:-$(printf '%s' "$out" | tail -n 2)}"; fi
else r django-check n/a "not a Django app"; fi
# Through nginx as a browser comes: port 80, and after the redirect to HTTPS when the site has one
# (the name resolved to this server; the certificate's trust is not this check's business).
code=$(curl -sS -L --max-redirs 2 -k -o /dev/null -w '%{http_code} %{scheme}' -m 10 --resolve ${q(`${host}:80:127.0.0.1`)} --resolve ${q(`${host}:443:127.0.0.1`)} ${q(`http://${host}`)}"$hp" 2>/dev/null)
case "$code" in
  "200 "*) r health-nginx ok "$hp 200 $([ "\${code#* }" = https ] || [ "\${code#* }" = HTTPS ] && echo 'over HTTPS after the redirect' || echo 'on port 80')";;
  *) r health-nginx red "$hp answered \${code%% *} through nginx on port 80";;
esac
if ! command -v nginx >/dev/null; then r nginx-config red "nginx is not installed";
elif out=$(nginx -t 2>&1); then r nginx-config ok "nginx -t passed"; else r nginx-config red "nginx -t: $(echo "$out" | grep -v 'test failed' | tail -n 1)"; fi
# The certificate the site names: renewals start 30 days ahead, so one ending within 7 days means
# they are failing.
crt=$(sed -n 's/^ *ssl_certificate  *\\([^ ;]*\\);.*$/\\1/p' ${q(p.nginxSite)} 2>/dev/null | head -n 1)
if [ -z "$crt" ]; then r tls n/a "plain HTTP (tls: off)";
elif ! end=$(openssl x509 -in "$crt" -noout -enddate 2>&1); then r tls red "cannot read $crt: $end";
elif openssl x509 -in "$crt" -noout -checkend 604800 >/dev/null; then r tls ok "certificate valid until \${end#notAfter=}";
else r tls red "the certificate ends \${end#notAfter=}, within 7 days: renewals are failing (journalctl -u certbot)"; fi
lr=${q(p.logrotate)}
if [ ! -f "$lr" ]; then r logrotate red "no $lr";
elif out=$(logrotate -d "$lr" 2>&1) && ! echo "$out" | grep -qi '^error'; then
  n=$(ls ${q(p.logDir)}/*.log 2>/dev/null | wc -l); r logrotate ok "logrotate -d clean, $n log files in ${p.logDir}"
else r logrotate red "logrotate -d: $(echo "$out" | grep -i error | head -n 1)"; fi
db=${q(db)}
if [ -z "$db" ]; then r database n/a "no sqlite-db set";
elif [ ! -f "$db" ]; then r database red "no database at $db";
else ic=$(runuser -u ${q(p.user)} -- sqlite3 -readonly "$db" 'PRAGMA integrity_check' 2>&1 | head -n 3)
  if [ "$ic" = ok ]; then r database ok "integrity ok, $(stat -c %s "$db") bytes"; else r database red "integrity_check: $ic"; fi
fi
bad=""; for t in ${timerUnits(p)
        .map((u) => q(u.timer.name))
        .join(' ')}; do systemctl is-active --quiet "$t" || bad="$bad $t"; done
if [ -z "$bad" ]; then r timers ok "health and db-maintenance timers active"; else r timers red "not active:$bad"; fi
d=${q(p.dir)}; while [ ! -d "$d" ]; do d=$(dirname "$d"); done
used=$(df -P "$d" | awk 'NR==2 {sub(/%/, "", $5); print $5}')
free=$((100 - \${used:-100}))
if [ "$free" -gt ${MIN_DISK_FREE} ]; then r disk-free ok "$free % free"; else r disk-free red "only $free % free (needs more than ${MIN_DISK_FREE} %)"; fi
mem=$(awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {if (t > 0) printf "%d %d", (t - a) * 100 / t, t / 1024}' /proc/meminfo)
used=\${mem% *}; total=\${mem#* }
if [ "\${used:-100}" -le ${MAX_MEMORY_USED} ]; then r memory ok "$used % of $total MB used"; else r memory red "$used % of $total MB used"; fi
exit 0
`;
}
function parseChecks(stdout) {
    const out = [];
    for (const line of stdout.split('\n')) {
        const m = /^check=([a-z-]+)\|(ok|red|n\/a)\|(.*)$/.exec(line);
        if (m)
            out.push({ name: m[1], state: m[2], detail: m[3] });
    }
    return out;
}
function checksTable(checks) {
    return (0,report.formatTable)(['check', 'result', 'detail'], checks.map((c) => [c.name, c.state === 'red' ? 'RED' : c.state, c.detail]));
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
        ctx.facts[c.name] = c.state === 'ok' ? 'ok' : c.state === 'red' ? `RED: ${c.detail}` : 'n/a';
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
 * the app first opens one), nginx, logrotate, timers, then the deploy mode's own engine for the
 * release and its units, and the verify checklist. Every step changes only what differs, so a
 * second run is a no-op; a dry run runs the same checks and changes nothing.
 */
const provisionMode = {
    factKeys: ['release', 'changes', ...VERIFY_KEYS],
    okStatus: 'provisioned',
    async runHost(host) {
        const ctx = deployContext(host);
        const dry = ctx.settings.provision.dryRun;
        const s = (name, fn) => (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, name, fn);
        await s('preflight', async () => {
            const r = await preflight(ctx.remote, ctx.settings);
            // python3-venv and the rest are what provision installs; the host itself must be usable.
            const problems = r.hostProblems;
            if (problems.length > 0)
                throw new step/* DeployError */.sH(`this server cannot be provisioned: ${problems.join('; ')}`);
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
            await track('packages', () => ensurePackages(ctx));
            // Held from here on (a deploy running at the same time would see units and files change
            // under it); apt above touches nothing of the app's and may take minutes.
            if (!dry)
                lock = await (0,steps_lock/* lockStep */.s9)(ctx);
            await track('user', () => ensureUser(ctx));
            await track('import-database', () => importDatabase(ctx));
            await track('nginx', () => ensureNginx(ctx));
            await track('tls', () => ensureTls(ctx));
            await track('logrotate', () => ensureLogrotate(ctx));
            await track('alerts', () => (0,alerts/* ensureAlerts */._o)(ctx));
            await track('timers', () => ensureTimers(ctx));
            await track('firewall', () => ensureFirewall(ctx, host.reconnect));
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
/** The Lua script: counts per status, optional think time, and a stop at the cap. */
function wrkScript(thinkMs) {
    return `-- gunicorn-deploy load check. args: cap host path...
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  cap = tonumber(args[1])
  wrk.headers["Host"] = args[2]
  wrk.headers["User-Agent"] = "gunicorn-deploy-loadtest"
  reqs = {}
  for i = 3, #args do reqs[#reqs + 1] = wrk.format("GET", args[i]) end
  nreq = 0
  n = 0
  ok = 0
  statuses = {}
end
function request()
  nreq = nreq % #reqs + 1
  return reqs[nreq]
end
${thinkMs > 0 ? `function delay()\n  return ${Math.round(thinkMs)}\nend\n` : ''}function response(status, headers, body)
  -- Answers already in hand when the cap stopped the thread are not counted: the cap is exact.
  if n >= cap then return end
  n = n + 1
  if status >= 200 and status < 400 then ok = ok + 1 end
  local k = tostring(status)
  statuses[k] = (statuses[k] or 0) + 1
  if n >= cap then
    wrk.thread:stop()
    -- wrk's main thread sleeps out the whole duration; SIGINT (wrk's own "stop now") wakes it.
    -- The shell os.execute starts is wrk's child ($PPID is wrk), and it sends the signal a moment
    -- after it returned: system() ignores SIGINT in wrk while it waits for that shell.
    os.execute("(sleep 0.05; kill -INT $PPID) &")
  end
end
function done(summary, latency, requests)
  local total, good, st = 0, 0, {}
  for _, t in ipairs(threads) do
    total = total + t:get("n")
    good = good + t:get("ok")
    for k, v in pairs(t:get("statuses")) do st[k] = (st[k] or 0) + v end
  end
  local codes = {}
  for k, v in pairs(st) do codes[#codes + 1] = k .. ":" .. v end
  local e = summary.errors
  io.write(string.format("gd-wrk responses=%d ok=%d connect=%d read=%d write=%d timeout=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d statuses=%s\\n",
    total, good, e.connect, e.read, e.write, e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    table.concat(codes, ",")))
end
`;
}
/** A level's wall time limit on the server: wrk's own duration, then it is killed. */
function levelSeconds(s) {
    return Math.max(1, Math.round(s.levelMs / 1000));
}
/**
 * One script for every level: wrk (one thread: the server keeps the other cores) with a sampler of
 * /proc/stat and /proc/meminfo every 0.5 s beside it, whose peaks are the machine's, load
 * generator included. Levels run one after another with a short pause, so each starts from a
 * quiet server. A request may take at most the level's length plus 5 s (65 s at most: wrk's
 * histogram is allocated for its timeout, and nginx answers 504 after 60 s anyway).
 */
function loadScript(s, host, paths) {
    const secs = levelSeconds(s);
    const timeoutS = Math.min(secs + 5, 65);
    const args = [String(s.maxRequests), host, ...paths].map(quote/* shQuote */.U).join(' ');
    return `command -v wrk >/dev/null || { echo "gd-missing=wrk"; exit 3; }
tmp=$(mktemp -d /tmp/gd-load.XXXXXX)
sp=
trap '[ -n "$sp" ] && kill "$sp" 2>/dev/null; rm -rf "$tmp"' EXIT
cat > "$tmp/load.lua" <<'GD_LOAD_LUA'
${wrkScript(s.thinkMs)}GD_LOAD_LUA
sample() {
  local u n s i w q sq st t id pt pi
  read -r _ u n s i w q sq st _ < /proc/stat; pt=$((u+n+s+i+w+q+sq+st)); pi=$((i+w))
  while sleep 0.5; do
    read -r _ u n s i w q sq st _ < /proc/stat; t=$((u+n+s+i+w+q+sq+st)); id=$((i+w))
    [ "$t" -gt "$pt" ] && echo "cpu $(( ((t-pt)-(id-pi))*1000/(t-pt) ))"
    pt=$t; pi=$id
    awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} END{if (t>0) print "mem", int((t-a)*1000/t)}' /proc/meminfo
  done
}
stat() { local u n s i w q sq st; read -r _ u n s i w q sq st _ < /proc/stat; echo "$((u+n+s+i+w+q+sq+st)) $((i+w))"; }
# A site whose plain HTTP only redirects to HTTPS (tls) is measured over HTTPS: 127.0.0.1:443 with
# the same Host (wrk does not check certificates), never its redirects.
url=http://127.0.0.1:80
probe=$(curl -sS -o /dev/null -m 10 -w '%{http_code} %{redirect_url}' -H ${(0,quote/* shQuote */.U)(`Host: ${host}`)} ${(0,quote/* shQuote */.U)(`http://127.0.0.1${paths[0] ?? '/'}`)} 2>/dev/null || true)
case "$probe" in "30"[1278]" https://"*) url=https://127.0.0.1:443 ;; esac
echo "gd-target=$url"
TIMEFORMAT='gd-time %3U %3S %3R'
for c in ${s.clients.join(' ')}; do
  sample > "$tmp/s.$c" & sp=$!
  read -r t0 i0 <<< "$(stat)"
  rc=0
  # bash's time: the CPU wrk itself used (user, system, wall), its share of the machine's load.
  { time { timeout --kill-after=5 ${secs + 30} wrk -t 1 -c "$c" -d ${secs}s --timeout ${timeoutS}s -s "$tmp/load.lua" "$url" -- ${args} > "$tmp/w.$c" 2>&1 || rc=$?; }; } 2> "$tmp/t.$c"
  gen=$(awk '$1=="gd-time" && $4>0 {print int(($2+$3)*1000/$4)}' "$tmp/t.$c")
  kill "$sp" 2>/dev/null || true; wait "$sp" 2>/dev/null || true; sp=
  # The level as a whole counts too: a level the cap ends in under 0.5 s has no sample of its own.
  read -r t1 i1 <<< "$(stat)"
  [ "$t1" -gt "$t0" ] && echo "cpu $(( ((t1-t0)-(i1-i0))*1000/(t1-t0) ))" >> "$tmp/s.$c"
  awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} END{if (t>0) print "mem", int((t-a)*1000/t)}' /proc/meminfo >> "$tmp/s.$c"
  cpu=$(awk '$1=="cpu" && $2>m {m=$2} END{print m+0}' "$tmp/s.$c")
  mem=$(awk '$1=="mem" && $2>m {m=$2} END{print m+0}' "$tmp/s.$c")
  echo "gd-level clients=$c rc=$rc cpu_permille=$cpu mem_permille=$mem gen_permille=\${gen:-0}"
  grep '^gd-wrk ' "$tmp/w.$c" || tail -n 5 "$tmp/w.$c" | sed 's/^/gd-wrk-out /'
  sleep 1
done
`;
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
        const fact = {
            levels,
            thresholds: (0,verdict/* thresholdsOf */.W6)(s),
            paths,
            thinkMs: s.thinkMs,
            levelS: secs,
            target
        };
        const failed = levels.filter((l) => l.missed.length > 0);
        ctx.facts['load-ok'] = String(failed.length === 0);
        ctx.facts['load-p95-ms'] = String(worst);
        ctx.facts['load-max-clients'] = String(Math.max(...s.clients));
        ctx.facts.load = JSON.stringify(fact);
        ctx.logger.info(`${ctx.label}: load check through nginx at ${target} (CPU and memory: peaks of the whole machine, the load generator included; ${(0,summary/* generatorNote */.Ek)(levels)})\n` +
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
        const base = deployContext(host);
        const res = await base.remote.script(`echo "current=$(basename "$(readlink ${(0,quote/* shQuote */.U)(base.paths.current)})")"\n${(0,remembered/* readRememberedCommand */.q)(base)}`, { sudo: true, timeoutMs: 30_000 });
        const f = (0,context/* parseFacts */.hx)(res.stdout);
        const ctx = { ...base, settings: (0,remembered/* withRemembered */.$S)(base.settings, f.remembered) };
        if (f.current)
            ctx.facts.release = f.current;
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
        const ctx = deployContext(host);
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
                    argv: ['/bin/bash', '-euo', 'pipefail', '-c', command]
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
        const ctx = await (0,remembered/* withRememberedSettings */.EC)(deployContext(host));
        requireDatabase(ctx, 'restore');
        const s = (name, fn) => (0,step/* step */.PM)(ctx.logger, ctx.records, ctx.label, name, fn);
        const lock = await (0,steps_lock/* lockStep */.s9)(ctx);
        let id = ctx.settings.deploy.backup;
        try {
            const staged = await s('check backup', () => stageRestore(ctx, id));
            id = staged.id;
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
            const held = Math.max(0, Math.round((await serverNowMs(ctx, cleanupCommand(ctx))) - swapped.stoppedAt));
            ctx.facts['requests-held-ms'] = String(held);
            ctx.logger.info(`${ctx.label}: backup ${id} restored; requests waited in the socket's queue for at most ${held} ms; the database before is kept as ${swapped.safety}`);
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
        const ctx = await (0,remembered/* withRememberedSettings */.EC)(deployContext(host));
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
        const ctx = await (0,remembered/* withRememberedSettings */.EC)(deployContext(host));
        await runLoadCheck(ctx).catch((err) => {
            host.setStatus('failed');
            throw err;
        });
    }
};

;// CONCATENATED MODULE: ./src/modes/index.ts









function modeStrategy(mode) {
    switch (mode) {
        case 'preflight':
            return preflightMode;
        case 'deploy':
            return deployMode;
        case 'rollback':
            return rollbackMode;
        case 'provision':
            return provisionMode;
        case 'verify':
            return verifyMode;
        case 'run':
            return runMode;
        case 'restore':
            return restoreMode;
        case 'backups':
            return backupsMode;
        case 'loadtest':
            return loadtestMode;
        default:
            throw new Error(`mode ${mode} has no strategy`);
    }
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

// EXTERNAL MODULE: ./src/troubleshooting.ts + 1 modules
var troubleshooting = __webpack_require__(5349);
;// CONCATENATED MODULE: ./src/engine.ts








// Where the front doors have always found them; they belong to the settings (src/settings/hosts.ts).

async function runEngine(settings, deps) {
    const { logger, signal } = deps;
    const connect = deps.connect ?? connection/* connect */.Ng;
    (0,src_settings/* registerSecrets */.dg)(settings, logger);
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
    const open = async (slot, log) => {
        if (signal?.aborted)
            throw new cancel/* CancelledError */.cc(`the run was cancelled (${(0,cancel/* reasonOf */.A3)(signal)}) before it reached ${slot.report.host}`);
        slot.started = performance.now();
        const { report } = slot;
        const label = report.host;
        const remote = await (0,step/* step */.PM)(log, report.steps, label, 'connect', async () => {
            const r = await connect((0,src_settings/* targetFor */.x1)(settings, slot.spec), log);
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
            reconnect: () => connect({ ...(0,src_settings/* targetFor */.x1)(settings, slot.spec), retries: 0 }, log)
        };
        return slot.ctx;
    };
    const fail = (slot, err) => {
        const r = slot.report;
        r.ok = false;
        if (r.status === strategy.okStatus || r.status === 'not started')
            r.status = signal?.aborted ? 'cancelled' : 'failed';
        const failedStep = r.steps.filter((st) => !st.ok).at(-1)?.name;
        r.error = `${(0,step/* errorMessage */.gJ)(err)}\n${(0,troubleshooting/* troubleshootingRef */.sG)((0,troubleshooting/* sectionFor */.v_)(settings.mode, failedStep))}`;
    };
    try {
        if (strategy.rolling)
            await runRolling(settings, strategy.rolling, slots, open, fail, logger, strategy.okStatus, signal);
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
                    if (!['preflight', 'verify', 'loadtest'].includes(settings.mode))
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
    return { report, factKeys: strategy.factKeys };
}
/**
 * Several servers, safely: the servers of a batch (max-parallel of them, a canary alone) are
 * prepared and then switched together, batch after batch in the order given. The first failure
 * stops the rollout: servers not yet touched stay as they are, and with rollback-scope all, servers
 * already switched in this run go back to their previous release.
 */
async function runRolling(settings, rolling, slots, open, fail, logger, okStatus, signal) {
    const prepared = new Map();
    const activated = [];
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
                    await rolling.activate(slot.ctx, prepared.get(slot));
                }
                finally {
                    await buffered?.flush(`${slot.report.host}: activate`);
                    slot.ctx.logger = logger;
                    slot.report.ms = performance.now() - slot.started;
                }
            }));
            activations.forEach((r, i) => {
                const slot = batch[i];
                if (r.status === 'fulfilled') {
                    slot.report.ok = true;
                    activated.push(slot);
                    tidying.set(slot, tidy(slot));
                }
                else {
                    // Switched and proven, then failed (post-activate): live like the others, so it is tidied
                    // and, with rollback-scope all, goes back with them; the fleet never ends on two releases.
                    if (r.reason instanceof step/* AfterProofError */.Hp) {
                        activated.push(slot);
                        tidying.set(slot, tidy(slot));
                    }
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


/***/ }),

/***/ 3936:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ek: () => (/* binding */ generatorNote),
/* harmony export */   s6: () => (/* binding */ loadSummaryMarkdown)
/* harmony export */ });
/* unused harmony export p95Chart */
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5417);

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
            `(CPU and memory are the whole machine, the load generator included: ${generatorNote(fact.levels)}).`,
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

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
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
;// CONCATENATED MODULE: ./src/manifest.ts







/**
 * First line of every manifest; a release whose manifest has another version gets a full upload.
 * Version 1 hashed with sha256, so none of its hashes can match.
 */
const MANIFEST_HEADER = 'gunicorn-deploy-manifest 2';
const MANIFEST_FILE = '.gunicorn-deploy-manifest';
/**
 * The paths an upload of dir would send, as GNU tar itself selects them with the same excludes,
 * so a delta upload sends exactly what a full one would. Undefined when a name needs quoting
 * (control characters, backslashes, non-ASCII bytes): such trees get a full upload.
 */
async function listTree(dir, exclude) {
    const args = [
        '-C',
        dir,
        '-c',
        '-v',
        '-f',
        '/dev/null',
        '--quoting-style=escape',
        ...(0,upload/* tarExcludeArgs */.Zx)(exclude),
        '.'
    ];
    const out = await new Promise((resolve, reject) => {
        const tar = (0,external_node_child_process_.spawn)('tar', args, {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, LC_ALL: 'C' }
        });
        let stdout = '';
        let stderr = '';
        tar.stdout.on('data', (c) => (stdout += c.toString('utf8')));
        tar.stderr.on('data', (c) => (stderr += c.toString('utf8')));
        tar.on('error', reject);
        tar.on('close', (code) => code === 0 ? resolve(stdout) : reject(new Error(`tar could not list ${dir}: ${stderr.trim()}`)));
    });
    const names = out.split('\n').filter((l) => l !== '' && l !== './');
    if (names.some((n) => n.includes('\\')))
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
    for (const name of names) {
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

/***/ 2868:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LM: () => (/* binding */ sendAlert),
/* harmony export */   _o: () => (/* binding */ ensureAlerts)
/* harmony export */ });
/* unused harmony exports ALERT_SCRIPT, alertFiles, alertsScript */
/* harmony import */ var _render_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3728);
/* harmony import */ var _deploy_paths_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8535);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9038);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2062);
/* harmony import */ var _shell_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3297);
/* harmony import */ var _vars_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2841);






/**
 * Alerts: the server reports what went wrong while no one watched (the health timer's restart, a
 * filling disk, a failed database maintenance, a deploy rolled back) to the webhook of
 * alert-webhook. One shared script queues each alert in a transient unit of its own (never blocking
 * its caller) and POSTs it with curl; the URL (a secret: webhooks carry their token in it) lives in
 * /etc/APP/alert-webhook, root only, and travels only on stdin.
 */
/** The shared script; the templates (health check, OnFailure= handler) call it by this path. */
const ALERT_SCRIPT = `${_deploy_paths_js__WEBPACK_IMPORTED_MODULE_3__/* .SCRIPT_DIR */ .S1}/alert`;
function alertFiles(ctx) {
    const vars = (0,_vars_js__WEBPACK_IMPORTED_MODULE_2__/* .provisionVars */ .g)(ctx);
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
 * run prints a diff).
 */
function alertsScript(ctx) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U;
    const hook = `${ctx.paths.etc}/alert-webhook`;
    return `
${(0,_shell_js__WEBPACK_IMPORTED_MODULE_5__/* .writeFilesScript */ .Cu)(alertFiles(ctx))}
if [ "$dry" != 1 ] && echo "$changed" | grep -q /etc/systemd/system/; then systemctl daemon-reload; fi
hook=${q(hook)}
IFS= read -r hook_b64 || true
if [ -n "$hook_b64" ]; then
  if [ -d "$(dirname "$hook")" ]; then
    tmp=$(mktemp "$(dirname "$hook")/.gd-new.XXXXXX")
    printf '%s' "$hook_b64" | base64 -d > "$tmp"
    if [ -f "$hook" ] && cmp -s "$tmp" "$hook" && [ "$(stat -c '%a %U:%G' "$hook")" = "600 root:root" ]; then
      rm -f "$tmp"
    else
      mark alert-webhook
      if [ "$dry" = 1 ]; then rm -f "$tmp"; echo "would=write $hook (mode 0600, root)"; else
        chown root:root "$tmp"; chmod 0600 "$tmp"; mv -f "$tmp" "$hook"
      fi
    fi
  else
    mark alert-webhook; echo "would=write $hook (mode 0600, root)"
  fi
elif [ -e "$hook" ]; then
  mark alert-webhook-removed; act rm -f "$hook"
fi
`;
}
async function ensureAlerts(ctx) {
    const url = ctx.settings.provision.edge.alertWebhook;
    return (0,_run_js__WEBPACK_IMPORTED_MODULE_1__/* .runProvisionScript */ .q)(ctx, 'installing the alerts', alertsScript(ctx), {
        stdin: (0,_shell_js__WEBPACK_IMPORTED_MODULE_5__/* .filesInput */ .GY)(alertFiles(ctx)) + (url ? `${Buffer.from(`${url}\n`).toString('base64')}\n` : '')
    });
}
/**
 * Has the server send an alert (queued there, so this returns at once); a server without alerts
 * set up, or any failure here, is ignored: an alert never fails what it reports on.
 */
async function sendAlert(ctx, event, detail) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U;
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
/* harmony import */ var _shell_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3297);


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

/***/ 3297:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cu: () => (/* binding */ writeFilesScript),
/* harmony export */   GY: () => (/* binding */ filesInput),
/* harmony export */   Tk: () => (/* binding */ changedList),
/* harmony export */   ez: () => (/* binding */ prelude),
/* harmony export */   pQ: () => (/* binding */ wouldLines),
/* harmony export */   ri: () => (/* binding */ REPORT)
/* harmony export */ });
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9038);

/**
 * Shell prelude of every provision script. `act CMD...` runs CMD, or in a dry run only prints
 * `would=CMD`; `mark WHAT` records a change. The checks before each act run in both cases, so a dry
 * run reports exactly what a real run would change.
 */
function prelude(dry) {
    return `
dry=${dry ? 1 : 0}
changed=""
mark() { changed="$changed $*"; }
act() { if [ "$dry" = 1 ]; then echo "would=$*"; else "$@"; fi; }
`;
}
/** Final line of every provision script: what changed, for parseFacts. */
const REPORT = 'echo "changed=$changed"';
/**
 * Writes each file only when its text, mode or owner differ from what is installed, through a
 * temporary file in the same folder and a rename (a reader never sees half a file). Each changed
 * path is marked; `was_changed PATH` tells later lines of the script. The files' text comes on
 * the script's stdin (filesInput, in the same order), never in its command line, which every
 * local user can read and sudo logs. A missing folder is made 0755; an existing one keeps its mode
 * (`install -d -m` would reset it: /etc/APP is 0750).
 */
function writeFilesScript(files) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U;
    const each = files.map((f) => `put ${q(f.path)} ${q(f.mode)} ${q(f.owner)}`);
    return `
was_changed() { case " $changed " in *" $1 "*) return 0;; esac; return 1; }
put() {
  local path=$1 mode=$2 owner=$3 tmp b64
  IFS= read -r b64
  tmp=$(mktemp "$(dirname "$path")/.gd-new.XXXXXX" 2>/dev/null || mktemp)
  printf '%s' "$b64" | base64 -d > "$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path" && [ "$(stat -c '%a %U:%G' "$path")" = "\${mode#0} $owner" ]; then
    rm -f "$tmp"; return 0
  fi
  mark "$path"
  if [ "$dry" = 1 ]; then
    if [ -f "$path" ]; then echo "would=rewrite $path"; diff -u "$path" "$tmp" | sed -n '3,40p' | sed 's/^/diff=/' || true; else echo "would=create $path"; fi
    rm -f "$tmp"; return 0
  fi
  chmod "$mode" "$tmp"; chown "$owner" "$tmp"; mv -f "$tmp" "$path"
}
${files.map((f) => `[ "$dry" = 1 ] || [ -d ${q(dirOf(f.path))} ] || install -d -m 0755 ${q(dirOf(f.path))}`).join('\n')}
${each.join('\n')}
`;
}
/** writeFilesScript's stdin: each file's text as one base64 line, in the same order. */
function filesInput(files) {
    return files.map((f) => `${Buffer.from(f.content).toString('base64')}\n`).join('');
}
function dirOf(p) {
    return p.slice(0, p.lastIndexOf('/')) || '/';
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

/***/ 2841:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ provisionVars)
/* harmony export */ });
/* harmony import */ var _render_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3728);

/**
 * The template variables of the server-wide files (nginx, logrotate, timers). The app's own units
 * come from the deploy's config step, which fills the same templates with the same app settings.
 */
function provisionVars(ctx) {
    const d = ctx.settings.deploy;
    const pr = ctx.settings.provision;
    return (0,_render_js__WEBPACK_IMPORTED_MODULE_0__/* .templateVars */ .xw)({
        layout: ctx.paths,
        wsgiApp: d.wsgiApp,
        env: d.env,
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
}


/***/ }),

/***/ 3728:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  P8: () => (/* reexport */ renderAppUnits),
  Td: () => (/* reexport */ renderDbMaintenanceUnits),
  Ch: () => (/* reexport */ renderHealthUnits),
  Mw: () => (/* reexport */ renderLogrotate),
  m8: () => (/* reexport */ renderNginxSite),
  Xm: () => (/* reexport */ renderTemplate),
  xw: () => (/* reexport */ templateVars)
});

// UNUSED EXPORTS: checkEnv, envQuote, templatesDir

// EXTERNAL MODULE: ./src/deploy/paths.ts
var paths = __webpack_require__(8535);
// EXTERNAL MODULE: ./src/rules.ts + 9 modules
var rules = __webpack_require__(5801);
;// CONCATENATED MODULE: ./src/render/vars.ts


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
        backupDir: checkPath('backupDir', input.backupDir ?? layout.sharedBackups),
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
        proxyTimeout: timeout + 30,
        healthUrl: `http://${healthHost}${healthPath}`,
        healthScript: layout.healthScript,
        dbScript: layout.dbScript,
        preloadDir: layout.preloadDir,
        releasesDir: layout.releases
    };
    return vars;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/handlebars/lib/index.js
var lib = __webpack_require__(8508);
var lib_default = /*#__PURE__*/__webpack_require__.n(lib);
// EXTERNAL MODULE: ./src/ssh/quote.ts
var quote = __webpack_require__(9038);
;// CONCATENATED MODULE: ./src/render/templates.ts





const MARKER = external_node_path_.join('templates', 'systemd', 'app.service.hbs');
function isActionRoot(dir) {
    return (0,external_node_fs_.existsSync)(external_node_path_.join(dir, MARKER)) && (0,external_node_fs_.existsSync)(external_node_path_.join(dir, 'action.yml'));
}
function walkUp(start) {
    for (let dir = external_node_path_.resolve(start);; dir = external_node_path_.dirname(dir)) {
        if (isActionRoot(dir))
            return external_node_path_.join(dir, 'templates');
        if (external_node_path_.dirname(dir) === dir)
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
        if (!(0,external_node_fs_.existsSync)(external_node_path_.join(explicit, 'systemd', 'app.service.hbs'))) {
            throw new Error(`GUNICORN_DEPLOY_TEMPLATES=${explicit} does not hold the templates (systemd/app.service.hbs)`);
        }
        return external_node_path_.resolve(explicit);
    }
    if (env.GITHUB_ACTION_PATH && (0,external_node_fs_.existsSync)(external_node_path_.join(env.GITHUB_ACTION_PATH, MARKER))) {
        return external_node_path_.resolve(env.GITHUB_ACTION_PATH, 'templates');
    }
    const argv1 = where.argv1 ?? process.argv[1];
    // Through symlinks: npm's node_modules/.bin/gunicorn-deploy links to the package's bin/.
    const script = argv1 && (0,external_node_fs_.existsSync)(argv1) ? (0,external_node_fs_.realpathSync)(argv1) : argv1;
    const found = (script ? walkUp(external_node_path_.dirname(external_node_path_.resolve(script))) : undefined) ?? walkUp(where.cwd ?? process.cwd());
    if (!found) {
        throw new Error('cannot find the templates folder (templates/ next to action.yml); set GUNICORN_DEPLOY_TEMPLATES');
    }
    return found;
}
const hbs = lib_default().create();
hbs.registerHelper('sh', (value) => (0,quote/* shQuote */.U)(String(value)));
// A JSON string is a valid Python string literal.
hbs.registerHelper('py', (value) => JSON.stringify(String(value)));
hbs.registerHelper('envq', (value) => envQuote(String(value)));
// One word of an ExecStart= line. systemd removes quotes anywhere in a word (create_app('prod') would
// reach Gunicorn as create_app(prod)), so a word with quotes goes inside double quotes; the rules
// keep ", \, $ and % out of it.
hbs.registerHelper('unitword', (value) => {
    const v = String(value);
    return /^[A-Za-z0-9_.:/-]+$/.test(v) ? v : `"${v}"`;
});
const compiled = new Map();
/** Renders templates/NAME.hbs; a variable the template uses but vars lacks throws (strict mode). */
function renderTemplate(name, vars, dir = templatesDir()) {
    const file = external_node_path_.join(dir, `${name}.hbs`);
    let template = compiled.get(file);
    if (!template) {
        template = hbs.compile((0,external_node_fs_.readFileSync)(file, 'utf8'), { strict: true, noEscape: true });
        compiled.set(file, template);
    }
    return template(vars);
}

;// CONCATENATED MODULE: ./src/render/files.ts

function file(p, content, mode = '0644', owner = 'root:root') {
    return { path: p, content, mode, owner };
}
/** The socket, the service, Gunicorn's config and the environment file. */
function renderAppUnits(vars, dir = templatesDir()) {
    const r = (name) => renderTemplate(name, vars, dir);
    const { layout } = vars;
    return {
        socket: file(layout.units.socket.file, r('systemd/app.socket')),
        service: file(layout.units.service.file, r('systemd/app.service')),
        gunicornConf: file(layout.gunicornConf, r('gunicorn.conf.py')),
        env: file(layout.envFile, r('env'), '0640', `root:${vars.group}`)
    };
}
function timerFiles(vars, dir, name, script, units) {
    const r = (t) => renderTemplate(t, vars, dir);
    return {
        script: file(script.path, r(script.template), '0755'),
        service: file(units.service.file, r(`systemd/${name}.service`)),
        timer: file(units.timer.file, r(`systemd/${name}.timer`))
    };
}
/** The health check script and its timer. */
function renderHealthUnits(vars, dir = templatesDir()) {
    const { layout } = vars;
    return timerFiles(vars, dir, 'health', { template: 'health-check.sh', path: layout.healthScript }, {
        service: layout.units.healthService,
        timer: layout.units.healthTimer
    });
}
/** The daily backup script and its timer. */
function renderDbMaintenanceUnits(vars, dir = templatesDir()) {
    const { layout } = vars;
    return timerFiles(vars, dir, 'db-maintenance', { template: 'db-maintenance.sh', path: layout.dbScript }, {
        service: layout.units.dbService,
        timer: layout.units.dbTimer
    });
}
/** The nginx site (provision links it from sites-enabled). */
function renderNginxSite(vars, dir = templatesDir()) {
    return file(vars.layout.nginxSite, renderTemplate('nginx/site.conf', vars, dir));
}
/** The logrotate rules. */
function renderLogrotate(vars, dir = templatesDir()) {
    return file(vars.layout.logrotate, renderTemplate('logrotate', vars, dir));
}

;// CONCATENATED MODULE: ./src/render.ts
/**
 * Every file the tool writes on a server comes from templates/ (Handlebars) through render/:
 * vars.ts (what the templates read, every path from the app's layout), templates.ts (finding and
 * filling a template), files.ts (the files by role, with where they go and who owns them).
 */





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

/***/ 6972:
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

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(6193);
// EXTERNAL MODULE: ./src/cancel.ts
var cancel = __webpack_require__(833);
// EXTERNAL MODULE: ./src/ssh/output.ts
var output = __webpack_require__(3269);
// EXTERNAL MODULE: ./src/ssh/quote.ts
var quote = __webpack_require__(9038);
// EXTERNAL MODULE: ./src/ssh/upload.ts
var upload = __webpack_require__(2109);
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
 * (TERM to the shell's command) or its timeout ends them all.
 */
function togetherScript(parts) {
    const start = (p, i) => `part ${i} ${p.shell} ${(0,quote/* shQuote */.U)(p.text)}${p.background ? ` & bg="$bg $!"` : ' || ok=0'}`;
    const bg = parts.map((p, i) => (p.background ? start(p, i) : '')).filter((l) => l);
    const fg = parts.map((p, i) => (p.background ? '' : `[ "$ok" = 0 ] || ${start(p, i)}`)).filter((l) => l);
    return `set +e
d=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d) || exit 1
trap 'rm -rf -- "$d"' EXIT
${shell_fns/* MS_FN */.u}
part() {
  local s rc; s=$(ms)
  "$2" -c "$3" </dev/null >"$d/o$1" 2>"$d/e$1"; rc=$?
  echo "$rc $(( $(ms) - s ))" > "$d/r$1"
  return "$rc"
}
b64() { if [ -s "$1" ]; then tail -c ${PART_CAP_BYTES} -- "$1" | base64 -w0; else printf -- -; fi; }
ok=1; bg=""
${[...bg, ...fg].join('\n')}
for p in $bg; do wait "$p"; done
all=0
for i in ${parts.map((_, i) => i).join(' ')}; do
  if [ -f "$d/r$i" ]; then read -r rc t < "$d/r$i"; else rc=skip; t=0; all=1; fi
  [ "$rc" = 0 ] || all=1
  printf '%s %s %s %s %s\\n' "$i" "$rc" "$t" "$(b64 "$d/o$i")" "$(b64 "$d/e$i")"
done
exit "$all"`;
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
 * per command (head, timeout, the shell, one cat): every fork costs ~1-2 ms.
 */
function rootShellDriver(killAfterS) {
    // The folder is in RAM (tmpfs) or the shell does not start: stdin (secrets) never touches a disk.
    // Fresh output files per command: a process a command left running that still holds its stdout
    // writes into an old file, never into the next command's answer.
    return `d=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d -p /run 2>/dev/null) || exit 1
trap 'rm -rf -- "$d"' EXIT
pid=""
n=0
# Requests come through a pump: when the channel ends (closed by the run, a cancel, or sshd once the
# runner is gone), it TERMs this shell, which ends the running command (it writes to files, unaware).
mkfifo "$d/q" || exit 1
# (A background job's stdin would be /dev/null: the channel goes through fd 4.)
exec 4<&0
{ cat <&4; kill -TERM $$ 2>/dev/null; } > "$d/q" &
exec 3< "$d/q" 4<&- 0</dev/null
# After a TERM, requests sent to run only after a success are not run until a new request comes.
cancelled=0
trap 'cancelled=1; [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null' TERM
echo ready
last=0
while IFS=' ' read -r tok sh tmo slen ilen after <&3; do
  case "$sh" in sh|bash) ;; *) exit 2 ;; esac
  n=$((n + 1)); o="$d/o$n"; e="$d/e$n"; i=/dev/null
  head -c "$slen" <&3 > "$d/s"
  script=""
  IFS= read -r -d '' script < "$d/s" || true
  if [ "$ilen" -gt 0 ]; then i="$d/i"; head -c "$ilen" <&3 > "$i"; fi
  [ "$after" = after-ok ] || cancelled=0
  # Sent together with the request before it and meant only after its success: not run.
  if [ "$after" = after-ok ] && { [ "$last" -ne 0 ] || [ "$cancelled" = 1 ]; }; then
    [ "$i" = /dev/null ] || : > "$i"
    printf '\n%s out\n\n%s rc 255 skipped\n' "$tok" "$tok"
    continue
  fi
  timeout -k ${killAfterS} "$tmo" "$sh" -c "$script" < "$i" > "$o" 2> "$e" &
  pid=$!
  [ "$cancelled" = 0 ] || kill -TERM "$pid" 2>/dev/null # a TERM that came before pid was set
  wait "$pid"; rc=$?
  # A TERM (cancel) interrupts wait: wait again for the command's own end.
  while kill -0 "$pid" 2>/dev/null; do wait "$pid"; rc=$?; done
  pid=""; last=$rc
  [ "$i" = /dev/null ] || : > "$i"
  printf '\n%s out\n' "$tok" > "$d/m"
  cat -- "$o" "$d/m" "$e"
  printf '\n%s rc %s\n' "$tok" "$rc"
  : > "$o"; : > "$e"
done`;
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
// Over 300 lines on purpose: every way a command reaches the server (its own exec channel, or the
// connection's root shell) lives here, so timeouts, cancellation, output caps and the fenced printer
// apply the same to both; the root shell's protocol itself is in root-shell.ts.









const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60_000;
/** Stored stdout/stderr per command; the tail is kept, where errors are. */
const OUTPUT_CAP_BYTES = 4 * 1024 * 1024;
/** The exit code reported for a command killed by its timeout, as coreutils timeout(1) uses. */
const TIMEOUT_EXIT_CODE = 124;
/**
 * After TERM, the remote timeout(1) waits this long before KILL; the client waits a little more
 * before giving up on the channel itself (a server that stopped answering).
 */
const KILL_AFTER_S = 5;
const CLIENT_GRACE_MS = (KILL_AFTER_S + 10) * 1000;
/**
 * sshd hands the command to the login shell as ONE argument, and Linux caps one argument at
 * 128 KiB (MAX_ARG_STRLEN); fail with a clear message instead of an E2BIG from the server.
 */
const MAX_COMMAND_BYTES = 128 * 1024 - 1024;
/**
 * Node fires a timer longer than 2^31-1 ms (~24.8 days) after 1 ms instead: such a command would be
 * "timed out" at once and its channel killed. Anything that long is "no client-side limit"; the
 * server's timeout(1) still holds the real one.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;
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
    /** Commands to send with the next root-shell request, each to run only if the one before succeeds. */
    next = [];
    /**
     * Sent ahead with an earlier request, in the order sent; the call with the very same text, shell,
     * timeout and stdin takes its answer (and drops those before it, which the caller went past).
     */
    ahead = [];
    /** Requests sent ahead whose answers have not come yet: running, or waiting their turn, on the server. */
    unanswered = 0;
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
        const req = this.queueable(text, opts, kind);
        if (req)
            this.next.push(req);
    }
    sendNextTogether(parts) {
        const reqs = parts.map((p) => this.queueable(p.text, p.opts, p.kind ?? 'script'));
        if (reqs.some((r) => !r || r.stdin !== undefined))
            return;
        const ok = reqs;
        const text = togetherScript(ok.map((r, i) => ({ shell: r.shell, text: r.text, background: parts[i].background })));
        if (Buffer.byteLength(text) > MAX_COMMAND_BYTES)
            return;
        const seconds = ok.reduce((n, r) => n + Number(r.timeoutS), 0);
        this.next.push({ shell: 'bash', text, timeoutS: String(seconds), parts: ok });
    }
    queueable(text, opts, kind) {
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
    /**
     * A cancelled run: nothing queued goes, and requests sent ahead that have not answered yet are
     * stopped (the root shell's channel closes; its pump ends the running command, and the rest is
     * not run). Later commands take channels of their own.
     */
    cancelQueued() {
        this.next = [];
        if (this.unanswered > 0)
            this.shell?.abandon('cancelled');
    }
    /** The sent-ahead request this call is, if any: it and those before it leave the list. */
    takeAhead(shell, text, timeoutS, stdin) {
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
        let taken = opts.sudo ? this.takeAhead(shell, text, timeoutS, opts.stdin) : undefined;
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
        const next = taken || !opts.carry ? [] : this.next.splice(0);
        const firstLine = shown.split('\n').find((l) => l.trim() !== '') ?? '';
        this.logger.debug(`[${this.label}] $ ${firstLine.length > 200 ? firstLine.slice(0, 200) + '...' : firstLine}`);
        const startedAt = Date.now();
        let expired = false;
        let aborted = false;
        let graceTimer;
        // As for a single command: the server's timeout(1) ends it; this side only gives up on a shell
        // that does not answer within the grace period after that.
        const expireTimer = setTimeout(() => {
            expired = true;
            graceTimer = setTimeout(() => sh.abandon('timed out'), CLIENT_GRACE_MS);
        }, Math.min(opts.timeoutMs, MAX_TIMER_MS));
        // As for a command on its own channel: the channel closes. The shell's pump then TERMs it,
        // which ends the running command, and nothing queued after it runs; later commands of the run
        // (a rollback) take channels of their own.
        const onAbort = () => {
            aborted = true;
            sh.abandon('cancelled');
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
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
                next.forEach((n, i) => {
                    const later = answers[i + 1];
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
            const res = await answer;
            // The shell could not start: nothing was sent. The caller runs it on its own channel, and so
            // does each request queued with it when asked for (its answer is undefined too).
            if (!res)
                return undefined;
            if (aborted)
                throw this.cancelledError(opts.signal);
            const timedOut = (expired || Date.now() - startedAt >= opts.timeoutMs) && (res.code === 124 || res.code === 137);
            if (timedOut) {
                const note = `${res.stderr === '' || res.stderr.endsWith('\n') ? '' : '\n'}[timed out after ${opts.timeoutMs} ms]\n`;
                return { code: TIMEOUT_EXIT_CODE, stdout: res.stdout, stderr: res.stderr + note, timedOut: true };
            }
            return { ...res, timedOut: false };
        }
        catch (err) {
            if (!(err instanceof RootShellLost))
                throw err;
            if (aborted)
                throw this.cancelledError(opts.signal);
            if (expired)
                return {
                    code: TIMEOUT_EXIT_CODE,
                    stdout: '',
                    stderr: `[timed out after ${opts.timeoutMs} ms]\n`,
                    timedOut: true
                };
            const why = this.lastError?.message ?? err.message;
            throw new Error(`${this.label}: the remote command ended without an exit status (${why})`);
        }
        finally {
            clearTimeout(expireTimer);
            if (graceTimer)
                clearTimeout(graceTimer);
            opts.signal?.removeEventListener('abort', onAbort);
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
    cancelledError(signal) {
        return new cancel/* CancelledError */.cc(`${this.label}: the run was cancelled (${signal ? (0,cancel/* reasonOf */.A3)(signal) : ''}); the remote command was stopped`);
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
        // Scripts start with a newline: the first line that says something.
        const firstLine = shown.split('\n').find((l) => l.trim() !== '') ?? '';
        const cancelled = () => new cancel/* CancelledError */.cc(`${this.label}: the run was cancelled (${opts.signal ? (0,cancel/* reasonOf */.A3)(opts.signal) : ''}); the remote command was stopped`);
        if (opts.signal?.aborted)
            return Promise.reject(cancelled());
        this.trips++;
        if (!opts.alongside)
            this.waited++;
        this.logger.debug(`[${this.label}] $ ${firstLine.length > 200 ? firstLine.slice(0, 200) + '...' : firstLine}`);
        const client = this.client();
        const stdout = new output/* TailBuffer */.vX(OUTPUT_CAP_BYTES);
        const stderr = new output/* TailBuffer */.vX(OUTPUT_CAP_BYTES);
        const token = (0,output/* fenceToken */.ru)();
        const prefix = `[${this.label}] `;
        const print = (line) => this.logger.info(prefix + line);
        const outLines = opts.stream ? new output/* LineSplitter */.g3(print) : undefined;
        const errLines = opts.stream ? new output/* LineSplitter */.g3(print) : undefined;
        // Everything the server prints is inert between these lines: it cannot issue workflow commands
        // (::add-mask::, ::set-output::...) because it cannot guess the token. The logger's printer
        // knows the token as one it issued (see RunnerPrinter), so the fence is printed as it is.
        if (opts.stream)
            this.logger.info(`::stop-commands::${token}`);
        const endFence = () => {
            if (!opts.stream)
                return;
            outLines?.flush();
            errLines?.flush();
            this.logger.info(`::${token}::`);
        };
        return new Promise((resolve, reject) => {
            // ssh2 never calls back an exec on a connection that closes before the channel opens.
            const closedBeforeStart = () => {
                endFence();
                reject(new Error(`${this.label}: the connection was lost before the remote command started`));
            };
            client.once('close', closedBeforeStart);
            client.exec(command, (err, channel) => {
                client.removeListener('close', closedBeforeStart);
                if (err) {
                    endFence();
                    reject(new Error(`${this.label}: could not start a remote command: ${err.message}`));
                    return;
                }
                let exitCode;
                let expired = false;
                const startedAt = Date.now();
                let forced = false;
                let channelError;
                // Cancelled: TERM to the remote command (sudo passes it on to timeout(1), which ends the
                // script's process group), then the channel closes; the remote loops have their own
                // deadlines besides, for a server that ignores signal requests.
                let aborted = false;
                const onAbort = () => {
                    aborted = true;
                    try {
                        channel.signal('TERM');
                    }
                    catch {
                        // Not every server honours signal requests.
                    }
                    channel.close();
                };
                // Decoded across chunk borders, so a caller never sees half a UTF-8 character.
                const stdoutDecoder = opts.onStdout ? new external_node_string_decoder_.StringDecoder('utf8') : undefined;
                // A throwing callback must not take the process down from inside a stream event.
                const callOnStdout = (text) => {
                    try {
                        opts.onStdout?.(text);
                    }
                    catch (e) {
                        this.logger.warning(`[${this.label}] onStdout callback failed: ${e.message}`);
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
                // The server's timeout(1) fires at the same moment; this timer marks the result as timed out
                // and, if the server does not end the command within the grace period, abandons the channel.
                const expireTimer = setTimeout(() => {
                    expired = true;
                    graceTimer = setTimeout(() => {
                        forced = true;
                        try {
                            channel.signal('KILL');
                        }
                        catch {
                            // Not every server honours signal requests; closing the channel is the fallback.
                        }
                        channel.close();
                    }, CLIENT_GRACE_MS);
                }, Math.min(opts.timeoutMs, MAX_TIMER_MS));
                let graceTimer;
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
                    opts.signal?.removeEventListener('abort', onAbort);
                    clearTimeout(expireTimer);
                    if (graceTimer)
                        clearTimeout(graceTimer);
                    if (stdin instanceof external_node_stream_.Readable)
                        stdin.unpipe(channel);
                    const restOfStdout = stdoutDecoder?.end();
                    if (restOfStdout)
                        callOnStdout(restOfStdout);
                    endFence();
                    if (aborted) {
                        reject(cancelled());
                        return;
                    }
                    const timedOut = 
                    // The server's timeout(1) may answer before this side's timer has run (a busy event
                    // loop fires timers late), so the elapsed time counts as much as the timer.
                    (expired || Date.now() - startedAt >= opts.timeoutMs) &&
                        (forced || exitCode === undefined || exitCode === 124 || exitCode === 137);
                    if (timedOut) {
                        const err = stderr.text();
                        const note = `${err === '' || err.endsWith('\n') ? '' : '\n'}[timed out after ${opts.timeoutMs} ms]\n`;
                        resolve({ code: TIMEOUT_EXIT_CODE, stdout: stdout.text(), stderr: err + note, timedOut: true });
                        return;
                    }
                    if (exitCode === undefined) {
                        const why = channelError?.message ?? this.lastError?.message ?? 'the connection was lost';
                        reject(new Error(`${this.label}: the remote command ended without an exit status (${why})`));
                        return;
                    }
                    resolve({ code: exitCode, stdout: stdout.text(), stderr: stderr.text(), timedOut: false });
                };
                channel.on('close', finish);
                if (opts.signal?.aborted)
                    onAbort();
                else
                    opts.signal?.addEventListener('abort', onAbort, { once: true });
                // A connection that drops mid-command does not always close its channels (seen with a
                // large stdin stream in flight): settle on the connection's close too.
                client.once('close', finish);
            });
        });
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

/***/ 5816:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   l: () => (/* binding */ NAP_FN),
/* harmony export */   u: () => (/* binding */ MS_FN)
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


/***/ }),

/***/ 2109:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Po: () => (/* binding */ packFiles),
/* harmony export */   U8: () => (/* binding */ remoteUnpackCommand),
/* harmony export */   Zx: () => (/* binding */ tarExcludeArgs),
/* harmony export */   zA: () => (/* binding */ uploadDirectory)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_4__);
/* harmony import */ var _quote_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9038);
/* harmony import */ var _deploy_app_run_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(5312);







const STDERR_TAIL = 2000;
function tail(text) {
    const t = text.trim();
    return t.length > STDERR_TAIL ? '...' + t.slice(-STDERR_TAIL) : t;
}
/**
 * tar --exclude semantics, with one convenience: a leading `/` anchors at the upload root
 * (`/docs` means only the top-level docs). tar itself names members `./docs`, so an unanchored
 * pattern (`docs`, `*.pyc`) matches at any depth, and `./docs` matches only the top level.
 */
function tarExcludeArgs(patterns) {
    return patterns
        .map((p) => p.trim())
        .filter((p) => p !== '')
        .map((p) => `--exclude=${p.startsWith('/') ? '.' + p.replace(/^\/+/, '/') : p}`);
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
    const list = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(scratch, 'files');
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.writeFile)(list, files.map((f) => `./${f}\0`).join(''));
    return list;
}
const listedFiles = (list) => ['--no-recursion', '--null', '-T', list];
/** tar creating an archive of `what` (relative to localDir) on its stdout. */
function tarArgs(localDir, what, extra = []) {
    return ['-C', localDir, '-c', ...extra, '-f', '-', '--numeric-owner', ...what];
}
function localTar(args) {
    return (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)('tar', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
}
function noLocalTar(err) {
    return new Error(`upload: could not run local tar: ${err.message} (GNU tar is required on the runner)`);
}
/**
 * Sends localDir as ONE tar stream over ONE exec channel and unpacks it in remoteDir. One channel
 * instead of SFTP's round trip per file: thousands of small files cost about what their bytes
 * cost. Needs GNU tar locally (runners have it) and tar on the server.
 */
async function uploadDirectory(remote, localDir, remoteDir, opts, logger) {
    const started = Date.now();
    if (remoteDir.trim() === '')
        throw new Error('upload: the remote directory is empty');
    const st = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(localDir).catch(() => undefined);
    if (!st?.isDirectory())
        throw new Error(`upload: local directory ${localDir} does not exist or is not a directory`);
    // -v with --index-file writes the member list to a file: an exact file count that stays apart
    // from tar's own error messages. (Not /dev/fd/3: node's stdio pipes are sockets, which Linux
    // refuses to open through /dev/fd.)
    const scratch = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_2__.tmpdir)(), 'gunicorn-deploy-upload-'));
    try {
        const list = opts.files ? await writeFileList(scratch, opts.files) : undefined;
        return await send(remote, localDir, remoteDir, opts, logger, (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(scratch, 'index'), started, list);
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(scratch, { recursive: true, force: true });
    }
}
async function send(remote, localDir, remoteDir, opts, logger, indexFile, started, list) {
    const what = list ? listedFiles(list) : [...tarExcludeArgs(opts.exclude), '.'];
    const args = tarArgs(localDir, what, ['-v', `--index-file=${indexFile}`]);
    logger.debug(`[${remote.label}] upload ${localDir} -> ${remoteDir} (tar ${args.join(' ')})`);
    const tar = localTar(args);
    let localStderr = '';
    tar.stderr.on('data', (c) => {
        localStderr = (localStderr + c.toString('utf8')).slice(-64 * 1024);
    });
    let bytes = 0;
    const counter = new node_stream__WEBPACK_IMPORTED_MODULE_4__.Transform({
        transform(chunk, _enc, cb) {
            bytes += chunk.length;
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
        throw noLocalTar(spawnError);
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
    // One member per line (GNU tar escapes newlines in names); directories end with a slash.
    const index = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(indexFile, 'utf8');
    const files = index.split('\n').filter((l) => l !== '' && !l.endsWith('/')).length;
    return { files, bytes, ms: Date.now() - started };
}
/**
 * The named files (paths relative to localDir) as one tar archive in memory: for a delta small
 * enough to travel as a root-shell request's stdin, queued with the requests after it.
 * Undefined when it would exceed maxBytes.
 */
async function packFiles(localDir, files, maxBytes) {
    const scratch = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_2__.tmpdir)(), 'gunicorn-deploy-pack-'));
    try {
        const tar = localTar(tarArgs(localDir, listedFiles(await writeFileList(scratch, files))));
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
            tar.on('error', (err) => reject(noLocalTar(err)));
            tar.on('close', (c) => resolve(c));
        });
        if (size > maxBytes)
            return undefined;
        if (code !== 0)
            throw new Error(`upload failed: local tar exited ${code}: ${tail(stderr) || '(no stderr)'}`);
        return Buffer.concat(chunks);
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(scratch, { recursive: true, force: true });
    }
}


/***/ }),

/***/ 2138:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   gE: () => (/* binding */ candidateOutcome),
/* harmony export */   kM: () => (/* binding */ bootCandidate),
/* harmony export */   pl: () => (/* binding */ runCandidate),
/* harmony export */   vy: () => (/* binding */ candidateRequest),
/* harmony export */   x5: () => (/* binding */ refusal)
/* harmony export */ });
/* unused harmony exports GRACE_MS, GRACE_ANSWERS, candidateUnit, candidateScript, parseCandidate */
/* harmony import */ var _deploy_health_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1873);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9038);
/* harmony import */ var _step_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3342);
/* harmony import */ var _deploy_app_run_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5312);
/* harmony import */ var _deploy_release_record_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4040);
/* harmony import */ var _preload_list_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3463);
/* harmony import */ var _ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(5816);







/** A definite wrong answer (4xx/5xx, or 200 without health-expect) fails after this long... */
const GRACE_MS = 1500;
/** ...and at least this many such answers in a row (an app may answer 503 while it warms up). */
const GRACE_ANSWERS = 3;
/** The transient unit and runtime folder of an app's candidate: one at a time, under the lock. */
function candidateUnit(ctx) {
    return ctx.paths.candidateUnit;
}
/**
 * Gunicorn, with one hook of ours after the user's config: once a worker has imported the app, it
 * writes the libraries it loaded to the unit's runtime folder (`loaded`). That file is the import
 * check's answer, and its list is the one the master preloads.
 */
const IMPORT_HOOK = `import os, sys
${_preload_list_js__WEBPACK_IMPORTED_MODULE_2__/* .LIBRARIES_FN */ .J}
from gunicorn.app.wsgiapp import WSGIApplication
class Candidate(WSGIApplication):
    def load_config(self):
        super().load_config()
        theirs = self.cfg.post_worker_init
        def loaded(worker):
            path = os.path.join(os.environ["RUNTIME_DIRECTORY"], "loaded")
            with open(path + ".tmp", "w") as f:
                f.write("".join(n + "\\n" for n in libraries()))
            os.replace(path + ".tmp", path)
            theirs(worker)
        self.cfg.set("post_worker_init", loaded)
sys.argv[0] = "gunicorn"
Candidate("%(prog)s [OPTIONS] [APP_MODULE]").run()
`;
/**
 * Boots `release` the way the service runs it (its venv, the given environment file and Gunicorn
 * config, as the app user, with the unit's sandboxing) but on a private unix socket with one
 * worker and no socket activation, then asks it for health-path (200, with health-expect) and every
 * smoke path (2xx/3xx). A definite wrong answer fails after a short grace; only refused connections
 * and timeouts wait up to health-timeout. The unit is always stopped and its socket removed (a
 * proven one in the background).
 *
 * With importCheck, the candidate is also the import check (one Python importing the app, not two
 * side by side): it says whether its worker imported the app (`import=ok|failed`), records the
 * release built, and writes the worker's libraries as the release's preload list.
 */
function candidateScript(ctx, release, conf, importCheck = false) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__/* .shQuote */ .U;
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    const rel = p.releaseDir(release);
    const unit = candidateUnit(ctx);
    const rundir = `/run/${unit}`;
    const sock = `${rundir}/gunicorn.sock`;
    const host = (0,_deploy_health_js__WEBPACK_IMPORTED_MODULE_4__/* .healthHost */ .d)(ctx.settings);
    const checks = [
        `check ${q(d.healthPath)} health`,
        ...d.smokePaths.map((sp) => `check ${q(sp)} smoke`)
    ].join(' && ');
    const gunicorn = importCheck ? `-c ${q(IMPORT_HOOK)}` : '-m gunicorn';
    // Read as the app's user: the runtime folder is the app's, so a link there must not lead root.
    const loadedList = (0,_deploy_app_run_js__WEBPACK_IMPORTED_MODULE_5__/* .asUser */ .ex)(p.user, 'head -c 1048576 -- "$1"', ['"$rundir/loaded"']);
    const imported = importCheck
        ? `if [ -n "$import_ms" ] || [ -e "$rundir/loaded" ]; then echo "import=ok"; echo "import_ms=\${import_ms:-$(( $(ms) - start ))}"; else echo "import=failed"; fi`
        : '';
    return `${importCheck ? (0,_deploy_release_record_js__WEBPACK_IMPORTED_MODULE_1__/* .stateCommand */ .t7)(ctx, release, 'built') : ''}
unit=${q(unit)}
rundir=${q(rundir)}
import_ms=
sock=${q(sock)}
body=$(mktemp)
${_ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_6__/* .MS_FN */ .u}
${_ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_6__/* .NAP_FN */ .l}
stop_candidate() { systemctl stop "$unit.service" >/dev/null 2>&1 || true; systemctl reset-failed "$unit.service" >/dev/null 2>&1 || true; }
# Stopped whatever ends this script; and systemd itself ends it after RuntimeMaxSec should the
# script be killed before its trap runs.
trap 'stop_candidate; rm -f "$body"' EXIT
stop_candidate
since=$(date +%s)
systemd-run --unit="$unit" --quiet --collect --service-type=exec \\
  -p User=${q(p.user)} -p Group=${q(p.user)} -p UMask=0027 \\
  -p EnvironmentFile=${q(conf.envFile)} -p WorkingDirectory=${q(rel)} \\
  -p RuntimeDirectory="$unit" -p PrivateTmp=yes -p NoNewPrivileges=yes -p ProtectSystem=full \\
  -p KillSignal=SIGINT -p TimeoutStopSec=5 -p RuntimeMaxSec=${Math.ceil(d.healthTimeoutMs / 1000) + 120} \\
  --setenv=PATH=${q(`${rel}/.venv/bin:/usr/local/bin:/usr/bin:/bin`)} --setenv=PWD=${q(rel)} \\
  -- ${q(`${rel}/.venv/bin/python`)} ${gunicorn} -c ${q(conf.gunicornConf)} --chdir ${q(rel)} \\
  --bind "unix:$sock" --workers 1 --error-logfile - --access-logfile /dev/null ${q(d.wsgiApp)}
start=$(ms); deadline=$((start + ${d.healthTimeoutMs}))
bad_since=""; bad_count=0; polls=0
# check PATH KIND: 0 when the answer is right; otherwise sets code and why and returns 1.
check() {
  local left=$(( (deadline - $(ms)) / 1000 )); [ "$left" -ge 1 ] || left=1; [ "$left" -le 5 ] || left=5
  code=$(curl -sS -o "$body" -w '%{http_code}' -m "$left" --unix-socket "$sock" "http://"${q(host)}"$1" 2>/dev/null || true)
  code=\${code:-000}
  if [ "$2" = health ]; then
    if [ "$code" = 200 ]; then
      ${d.healthExpect ? `grep -qF -- ${q(d.healthExpect)} "$body" && return 0; why="$1 answered 200 without the health-expect text"; return 1` : 'return 0'}
    fi
  else
    case "$code" in 2??|3??) return 0;; esac
  fi
  if [ "$code" = 000 ]; then why="$1 did not answer"; else why="$1 answered $code"; fi
  return 1
}
while :; do
  ${importCheck ? '[ -n "$import_ms" ] || [ ! -e "$rundir/loaded" ] || import_ms=$(( $(ms) - start ))' : ''}
  if ! systemctl is-active --quiet "$unit.service"; then code=000; why="Gunicorn exited before it served"; gone=yes; break; fi
  if ${checks}; then
    echo "candidate=ok"; echo "ms=$(( $(ms) - start ))"
    ${imported}
    ${importCheck && d.preloadLibraries ? (0,_preload_list_js__WEBPACK_IMPORTED_MODULE_2__/* .installPreloadList */ .j)(ctx, release, loadedList) : ''}
    # Proven: it stops in the background (its Gunicorn's shutdown is not on the deploy's path); the
    # next candidate's stop waits for it, and RuntimeMaxSec ends it should nothing else.
    trap - EXIT; rm -f "$body"
    systemctl stop --no-block "$unit.service" >/dev/null 2>&1 || true
    exit 0
  fi
  now=$(ms)
  if [ "$code" != 000 ]; then
    bad_count=$((bad_count + 1)); bad_since=\${bad_since:-$now}
    [ "$bad_count" -ge ${GRACE_ANSWERS} ] && [ $((now - bad_since)) -ge ${GRACE_MS} ] && break
  else
    bad_count=0; bad_since=""
  fi
  [ "$now" -lt "$deadline" ] || { why="$why within ${Math.round(d.healthTimeoutMs / 100) / 10} s"; break; }
  polls=$((polls + 1))
  if [ "$polls" -le 20 ]; then nap 0.05; else nap 0.2; fi
done
${imported}
echo "candidate=refused"
echo "status=$code"
echo "why=$why"
echo "ms=$(( $(ms) - start ))"
if [ "$code" != 000 ]; then echo "--- body"; head -c 2000 "$body" | head -n 8; echo; fi
[ -n "\${gone:-}" ] || sleep 0.2
journalctl --sync >/dev/null 2>&1 || true
echo "--- log"
journalctl -u "$unit.service" --since "@$since" -o cat --no-pager 2>/dev/null | tail -n 20
exit 0
`;
}
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
    const why = c.why || `the candidate check stopped (exit ${res.code}): ${res.stderr.trim().slice(0, 500)}`;
    return new _step_js__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH(`release ${release} was refused before the switch: its candidate ${why}; nothing was switched${(0,_step_js__WEBPACK_IMPORTED_MODULE_0__/* .keepsServing */ .z8)(ctx)}` +
        (c.body ? `\nThe answer began:\n${c.body}` : '') +
        (c.log ? `\nGunicorn's last lines:\n${c.log}` : ''), `Run the release locally (gunicorn ${d.wsgiApp}) and ask ${[d.healthPath, ...d.smokePaths].join(', ')} with Host: ${(0,_deploy_health_js__WEBPACK_IMPORTED_MODULE_4__/* .healthHost */ .d)(ctx.settings)}; fix what answers wrong and deploy again.`);
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
        detail: `${d.healthPath} 200${paths} on a private socket in ${(c.ms / 1000).toFixed(2)} s`,
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
/* harmony export */   CY: () => (/* binding */ sendStageAhead),
/* harmony export */   Dx: () => (/* binding */ stagedPaths),
/* harmony export */   Q: () => (/* binding */ restoreScript),
/* harmony export */   dx: () => (/* binding */ stageConfig),
/* harmony export */   jT: () => (/* binding */ needsRestart),
/* harmony export */   qV: () => (/* binding */ installConfig)
/* harmony export */ });
/* unused harmony exports appFiles, stageScript, stageInput, installScript */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _deploy_context_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9116);
/* harmony import */ var _render_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3728);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9038);




function appFiles(ctx, cores) {
    const d = ctx.settings.deploy;
    const vars = (0,_render_js__WEBPACK_IMPORTED_MODULE_2__/* .templateVars */ .xw)({
        layout: ctx.paths,
        wsgiApp: d.wsgiApp,
        workers: d.workers === 'auto' ? 2 * cores + 1 : d.workers,
        preloadLibraries: d.preloadLibraries,
        env: d.env,
        healthPath: d.healthPath
    });
    const f = (0,_render_js__WEBPACK_IMPORTED_MODULE_2__/* .renderAppUnits */ .P8)(vars);
    // In this order on stageScript's stdin.
    return [f.socket, f.service, f.gunicornConf, f.env];
}
const stagedName = (f) => node_path__WEBPACK_IMPORTED_MODULE_0__.posix.basename(f.path);
/**
 * Writes the rendered files into /etc/APP/staged (readable by the app's user, so the import check
 * can use the new config and environment before anything is switched) and says which differ from
 * the installed ones. The files' text travels on stdin (stageInput), one base64 line per file in
 * this order, read by shell builtins: the environment file holds secrets, and a command line is
 * readable by every local user (/proc/PID/cmdline) and kept by sudo in the journal.
 */
function stageScript(ctx, files) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__/* .shQuote */ .U;
    const staged = ctx.paths.staged;
    const writes = files
        .map((f) => {
        const to = `${staged}/${stagedName(f)}`;
        return `IFS= read -r b64; printf '%s' "$b64" | base64 -d > ${q(to)}
chmod 0640 ${q(to)}; chown root:${q(ctx.paths.user)} ${q(to)}
cmp -s ${q(to)} ${q(f.path)} || changed="$changed ${f.path}"`;
    })
        .join('\n');
    return `
umask 077
rm -rf ${q(staged)}; install -d -m 0750 -o root -g ${q(ctx.paths.user)} ${q(staged)}
changed=""
${writes}
echo "changed=$changed"
`;
}
/** stageScript's stdin: the files' text, one base64 line each, in order. */
function stageInput(files) {
    return files.map((f) => `${Buffer.from(f.content).toString('base64')}\n`).join('');
}
const STAGE_TIMEOUT_MS = 60_000;
/** Queues the staging with the next root command; stageConfig then takes its answer. */
function sendStageAhead(ctx, cores) {
    const files = appFiles(ctx, cores);
    ctx.remote.sendNext?.(stageScript(ctx, files), {
        sudo: true,
        timeoutMs: STAGE_TIMEOUT_MS,
        stdin: stageInput(files)
    });
}
/** Where staged files are: known before the staging's answer, so later steps can be sent with it. */
function stagedPaths(ctx) {
    const stagedDir = ctx.paths.staged;
    const at = (live) => `${stagedDir}/${node_path__WEBPACK_IMPORTED_MODULE_0__.posix.basename(live)}`;
    return {
        stagedDir,
        previousDir: ctx.paths.configPrevious,
        envFile: at(ctx.paths.envFile),
        gunicornConf: at(ctx.paths.gunicornConf)
    };
}
async function stageConfig(ctx, cores) {
    const files = appFiles(ctx, cores);
    const res = await (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_1__/* .runScript */ .j3)(ctx, 'writing the app configuration', stageScript(ctx, files), {
        timeoutMs: STAGE_TIMEOUT_MS,
        stdin: stageInput(files)
    });
    const changed = ((0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_1__/* .parseFacts */ .hx)(res.stdout).changed ?? '').split(/\s+/).filter((s) => s);
    return {
        ...stagedPaths(ctx),
        files,
        changedFiles: changed,
        changed: changed.length > 0,
        detail: changed.length ? `changed: ${changed.map((c) => node_path__WEBPACK_IMPORTED_MODULE_0__.posix.basename(c)).join(', ')}` : 'unchanged'
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
 * restarted by a deploy, since that would refuse connections.
 */
function installScript(ctx, staged) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__/* .shQuote */ .U;
    const prev = staged.previousDir;
    const lines = changedOnes(staged)
        .map((f) => {
        const name = stagedName(f);
        const [owner, group] = f.owner.split(':');
        return `if [ -f ${q(f.path)} ]; then cp -a ${q(f.path)} ${q(`${prev}/${name}`)}; else echo ${q(f.path)} > ${q(`${prev}/${name}.absent`)}; fi
install -m ${f.mode} -o ${q(owner)} -g ${q(group)} ${q(`${staged.stagedDir}/${name}`)} ${q(f.path)}`;
    })
        .join('\n');
    const { socket, service } = ctx.paths.units;
    return `
systemctl is-active --quiet ${q(socket.name)} && echo socket_was_active=yes || true
rm -rf ${q(prev)}; install -d -m 0700 ${q(prev)}
${lines}
${unitsChanged(ctx, staged) ? 'systemctl daemon-reload' : ''}
systemctl is-enabled --quiet ${q(socket.name)} 2>/dev/null || systemctl enable --quiet ${q(socket.name)}
systemctl is-enabled --quiet ${q(service.name)} 2>/dev/null || systemctl enable --quiet ${q(service.name)}
systemctl is-active --quiet ${q(socket.name)} || systemctl start ${q(socket.name)}
`;
}
async function installConfig(ctx, staged) {
    const res = await (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_1__/* .runScript */ .j3)(ctx, 'installing the app configuration', installScript(ctx, staged), {
        timeoutMs: 120_000,
        carry: true
    });
    if (staged.changedFiles.includes(ctx.paths.units.socket.file) &&
        (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_1__/* .parseFacts */ .hx)(res.stdout).socket_was_active === 'yes') {
        ctx.logger.warning(`${ctx.paths.units.socket.name} changed: the running socket keeps its old settings until it is restarted (a deploy never restarts it, since that refuses connections)`);
    }
    return {
        changed: staged.changedFiles.length > 0,
        detail: staged.changedFiles.map((c) => node_path__WEBPACK_IMPORTED_MODULE_0__.posix.basename(c)).join(', ') || 'unchanged'
    };
}
/** Puts back what installConfig replaced (for a rollback). */
function restoreScript(ctx, staged) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_3__/* .shQuote */ .U;
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
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9038);

/**
 * A history entry's `reload` as the last switch on the server wrote it: for a line sent together
 * with that switch, before the runner has its answer.
 */
const SAVED_RELOAD = '__saved_reload__';
/** The shell that appends one JSON line to the server's history, for a step to run with its own. */
function historyCommand(ctx, entry) {
    const line = JSON.stringify({ time: new Date().toISOString(), host: ctx.label, ...entry });
    if (entry.reload !== SAVED_RELOAD)
        return `printf '%s\\n' ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(line)} >> ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(ctx.paths.history)}`;
    return `reload=$(sed -n 's/^reload=//p' ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(ctx.paths.lastSwitch)} 2>/dev/null || true)
case "$reload" in start|restart|hup) ;; *) reload=unknown ;; esac
line=${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(line)}
printf '%s\\n' "\${line/${SAVED_RELOAD}/$reload}" >> ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U)(ctx.paths.history)}`;
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
/* harmony export */   J: () => (/* binding */ LIBRARIES_FN),
/* harmony export */   j: () => (/* binding */ installPreloadList)
/* harmony export */ });
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9038);

// The libraries list of a release, as the import check (check.ts) or the candidate's worker
// (candidate.ts) makes it, and as root keeps it for the master's config (preload-libraries).
/**
 * The modules loaded from the interpreter's and the venv's folders, never from the release (the
 * working folder): the app's own code must be imported fresh by every new worker, or a reload
 * would serve old code.
 */
const LIBRARIES_FN = `def libraries():
    import os, sys
    release = os.path.realpath(os.getcwd()) + os.sep
    roots = tuple({os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    names = []
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None)
        if name == "__main__" or not isinstance(f, str):
            continue
        f = os.path.realpath(f)
        if f.startswith(roots) and not f.startswith(release):
            names.append(name)
    return names
`;
/**
 * Root writes what `listCommand` prints (one module name a line) as the list of `release` in
 * /etc/APP/preload: root-owned, readable by the app's user, whose master's config reads it. Lists of
 * releases no longer on the server go. Only names that are module paths are kept: the list comes
 * from code the repository controls.
 */
function installPreloadList(ctx, release, listCommand) {
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_0__/* .shQuote */ .U;
    const dir = ctx.paths.preloadDir;
    const list = `${dir}/${release}`;
    return `install -d -m 0750 -o root -g ${q(ctx.paths.user)} ${q(dir)}
for f in ${q(dir)}/*; do [ -e "$f" ] || continue; [ -d ${q(ctx.paths.releases)}/"$(basename "$f")" ] || rm -f -- "$f"; done
rm -f ${q(list)}
{ ${listCommand} | grep -E '^[A-Za-z_][A-Za-z0-9_.]*$' || true; } > ${q(list)}
chmod 0640 ${q(list)}; chown root:${q(ctx.paths.user)} ${q(list)}`;
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
/* harmony import */ var _candidate_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2138);
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
${(0,_deploy_remembered_js__WEBPACK_IMPORTED_MODULE_7__/* .readRememberedCommand */ .q)(ctx)}`, { timeoutMs: 30_000 });
    const states = (0,_deploy_release_record_js__WEBPACK_IMPORTED_MODULE_6__/* .parseStates */ .Gt)(found.stdout);
    const target = autoRollbackTarget(states, previous, failed);
    if (!target) {
        throw new _step_js__WEBPACK_IMPORTED_MODULE_5__/* .DeployError */ .sH(`no release proven live to go back to (releases: ${[...states].map(([id, st]) => `${id} ${st}`).join(', ') || 'none'})`);
    }
    const remembered = /^remembered=(.*)$/m.exec(found.stdout)?.[1];
    const proof = { ...ctx, settings: (0,_deploy_remembered_js__WEBPACK_IMPORTED_MODULE_7__/* .withRemembered */ .$S)({ ...ctx.settings, given: [] }, remembered) };
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
    await (0,_verify_js__WEBPACK_IMPORTED_MODULE_3__/* .verifyRelease */ .VA)(back, target, switched.oldWorkers);
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
/* harmony export */   U0: () => (/* binding */ switchRelease),
/* harmony export */   WY: () => (/* binding */ sendSwitchAhead),
/* harmony export */   tR: () => (/* binding */ CHILDREN_FN)
/* harmony export */ });
/* unused harmony exports switchScript, SWITCH_OPTS */
/* harmony import */ var _deploy_context_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9116);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9038);


/**
 * Shell function: PIDs whose parent is $1 (Gunicorn's workers), without needing procps. The
 * kernel's own list (/proc/PID/task/PID/children) is read by bash itself, with no process started:
 * the verify asks several times a second on a busy server. A kernel without it: every process's
 * status is read.
 */
// Never fails: under pipefail, grep's status (no match, or a process gone between the glob and
// the read, as old workers are right after a reload) would end the calling script.
const CHILDREN_FN = `children() {
  [ -n "$1" ] && [ "$1" != 0 ] || return 0
  local kids=/proc/$1/task/$1/children line=""
  if [ -r "$kids" ]; then read -r line < "$kids" || true; echo "$line"; return 0; fi
  [ -d /proc/$1 ] || return 0
  { grep -l "^PPid:[[:space:]]*$1\\$" /proc/[0-9]*/status 2>/dev/null || true; } | cut -d/ -f3 | tr '\\n' ' '
}`;
/**
 * Flips `current` atomically (a new link renamed over the old one) and tells Gunicorn. HUP when
 * only code changed: the master re-reads its config and forks workers that import the new release
 * while the socket stays open. A new venv or changed units/environment need a new master, so a
 * restart; the socket unit keeps the listening socket, so no connection is refused. The socket
 * unit itself is never restarted, and workers are never signalled directly.
 */
function switchScript(ctx, release, restart) {
    const p = ctx.paths;
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_1__/* .shQuote */ .U;
    const svc = q(p.units.service.name);
    return `
${CHILDREN_FN}
main=$(systemctl show -p MainPID --value ${svc} 2>/dev/null || echo 0)
old=$(children "$main")
echo "old_workers=$old"
printf 'old_workers=%s\n' "$old" > ${q(p.lastSwitch)}
ln -sfn ${q(p.releaseLink(release))} ${q(`${p.dir}/.current.tmp`)}
mv -T ${q(`${p.dir}/.current.tmp`)} ${q(p.current)}
if ! systemctl is-active --quiet ${svc}; then
  systemctl reset-failed ${svc} 2>/dev/null || true
  systemctl start ${svc}
  reload=start
elif ${restart ? 'true' : 'false'}; then
  systemctl restart ${svc}
  reload=restart
else
  systemctl reload ${svc}
  reload=hup
fi
echo "reload=$reload"
echo "reload=$reload" >> ${q(p.lastSwitch)}
`;
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
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9038);
/* harmony import */ var _deploy_health_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(1873);
/* harmony import */ var _deploy_release_record_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4040);
/* harmony import */ var _switch_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(499);
/* harmony import */ var _ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5816);
/* harmony import */ var _step_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3342);







/** How long old workers still running may keep the health path from being asked (see the script). */
const OLD_WORKERS_GRACE_MS = 1000;
/**
 * A reload returns before new workers serve (ExecReload is asynchronous, READY comes before the
 * app is imported), so the proof is polled in one server-side loop: as many new worker processes as
 * the config asks for, each working in the release, and the health path answering 200 (with
 * health-expect in the body) through the app's socket. Old workers may still be finishing their
 * requests (they accept no new ones once told to stop).
 */
function verifyScript(ctx, release, 
/** 'saved': as the switch before it wrote them (a verify sent together with its switch). */
oldWorkers) {
    const p = ctx.paths;
    const d = ctx.settings.deploy;
    const q = _ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U;
    const timeoutS = Math.max(1, Math.ceil(d.healthTimeoutMs / 1000));
    // A short health-timeout keeps most of its time for the proof itself.
    const graceMs = Math.min(OLD_WORKERS_GRACE_MS, Math.floor(d.healthTimeoutMs / 4));
    return `
${_switch_js__WEBPACK_IMPORTED_MODULE_2__/* .CHILDREN_FN */ .tR}
want=$(readlink -f ${q(p.releaseDir(release))})
old=" ${oldWorkers === 'saved' ? `$(sed -n 's/^old_workers=//p' ${q(p.lastSwitch)} 2>/dev/null)` : oldWorkers.join(' ')} "
# Old workers may finish their requests for up to graceful_timeout; the new ones must all be there.
expected=$(awk '$1 == "workers" && $2 == "=" {print $3}' ${q(p.gunicornConf)} 2>/dev/null)
expected=\${expected:-1}
body=$(mktemp)
${_ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_5__/* .MS_FN */ .u}
${_ssh_shell_fns_js__WEBPACK_IMPORTED_MODULE_5__/* .NAP_FN */ .l}
# Proven: the release is recorded live (a rollback target from now on).
proven() {
${(0,_deploy_release_record_js__WEBPACK_IMPORTED_MODULE_1__/* .stateCommand */ .t7)(ctx, release, 'live')}
echo "workers=$fresh"; echo "health=200"; exit 0
}
# Whatever ends this script early, it says why.
trap 'rc=$?; rm -f "$body"; [ $rc = 0 ] || [ -n "\${reported:-}" ] || echo "why=the check stopped (exit $rc) while: $why"' EXIT
deadline=$((SECONDS + ${timeoutS}))
why="not checked yet"
while :; do
  main=$(systemctl show -p MainPID --value ${q(p.units.service.name)} 2>/dev/null || echo 0)
  workers=$(children "$main")
  ok=yes; fresh=0; olds=0
  for w in $workers; do
    # An old worker counts while it runs (not once it is a zombie the master has yet to reap).
    case "$old" in *" $w "*)
      st=""; while read -r k v _; do [ "$k" = State: ] && { st=$v; break; }; done 2>/dev/null < /proc/$w/status || true
      [ -n "$st" ] && [ "$st" != Z ] && olds=$((olds + 1))
      continue;;
    esac
    # Compared by bash itself (same folder: device and inode), no readlink per worker and poll.
    [ -e /proc/$w/cwd ] || continue
    if ! [ /proc/$w/cwd -ef "$want" ]; then ok=no; why="worker $w serves $(readlink /proc/$w/cwd 2>/dev/null), not the new release"; fi
    fresh=$((fresh + 1))
  done
  if [ "$fresh" -lt "$expected" ]; then ok=no; why="$fresh of $expected new workers running (master pid $main)"; fi
  # Gunicorn forks the new workers first and tells the old ones to stop just after: until then an
  # old worker still takes new requests, and its 200 would prove nothing. So the health path is
  # asked only once no old worker is left, or ${graceMs} ms after all new ones were
  # there (by then they were told to stop; those left are finishing requests and take no more).
  if [ "$ok" = yes ]; then
    all_new=\${all_new:-$(ms)}
    if [ "$olds" -gt 0 ] && [ $(( $(ms) - all_new )) -lt ${graceMs} ]; then ok=no; why="$olds old workers not stopped yet"; fi
  fi
  if [ "$ok" = yes ]; then
    code=$(curl -sS -o "$body" -w '%{http_code}' -m 5 --unix-socket ${q(p.socket)} ${q((0,_deploy_health_js__WEBPACK_IMPORTED_MODULE_6__/* .healthUrl */ .g)(ctx.settings, d.healthPath))} 2>/dev/null || true)
    if [ "$code" = 200 ]; then
      ${d.healthExpect ? `if grep -qF -- ${q(d.healthExpect)} "$body"; then proven; fi; why="health-path answered 200 without ${d.healthExpect.replace(/[^A-Za-z0-9 _.:-]/g, '')} in: $(head -c 300 "$body" | tr '\\n' ' ')"` : 'proven'}
    else
      why="health-path answered \${code:-nothing}: $(head -c 300 "$body" 2>/dev/null | tr '\\n' ' ')"
    fi
  fi
  state=$(systemctl is-active ${q(p.units.service.name)} 2>/dev/null || true)
  if [ "$state" = failed ] || [ "$state" = inactive ]; then why="the service is $state"; break; fi
  [ $SECONDS -lt $deadline ] || break
  # New workers that import only the app (preload-libraries) serve within a few tenths of a second:
  # look often at first, then less often, as every look costs the server a little CPU.
  polls=$((\${polls:-0} + 1))
  # A line now and then: once the runner is gone (its channel closed), the write fails and ends
  # this loop, instead of polling as root until the deadline.
  [ $((polls % 5)) != 0 ] || echo "poll=$polls"
  if [ "$polls" -le 10 ]; then nap 0.05; else nap 0.2; fi
done
reported=yes
echo "why=$why"
exit 1
`;
}
function verifyOpts(ctx) {
    return { sudo: true, ownChannel: true, timeoutMs: ctx.settings.deploy.healthTimeoutMs + 30_000 };
}
/** Queues the verify of a switch sent ahead too; verifyRelease(..., 'saved') then takes its answer. */
function sendVerifyAhead(ctx, release) {
    ctx.remote.sendNext?.(verifyScript(ctx, release, 'saved'), verifyOpts(ctx));
}
async function verifyRelease(ctx, release, oldWorkers) {
    const res = await ctx.remote.script(verifyScript(ctx, release, oldWorkers), {
        ...verifyOpts(ctx),
        signal: ctx.signal
    });
    const f = (0,_deploy_context_js__WEBPACK_IMPORTED_MODULE_0__/* .parseFacts */ .hx)(res.stdout);
    if (res.code !== 0) {
        throw new _step_js__WEBPACK_IMPORTED_MODULE_3__/* .DeployError */ .sH(`release ${release} is not live after ${ctx.settings.deploy.healthTimeoutMs / 1000} s: ${f.why ?? res.stderr.trim()}`);
    }
    const workers = Number(f.workers ?? 0);
    return { detail: `${workers} workers on ${release}, ${ctx.settings.deploy.healthPath} 200` };
}


/***/ })

};
