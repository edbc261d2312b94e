export const id = 754;
export const ids = [754];
export const modules = {

/***/ 9754:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  sandboxCli: () => (/* reexport */ sandboxCli),
  G: () => (/* reexport */ sandboxDown),
  qM: () => (/* reexport */ sandboxList),
  ZC: () => (/* reexport */ sandboxUp)
});

// UNUSED EXPORTS: SANDBOX_USAGE, ensureRootfs, parseSandboxArgs, rootfsPath, sandboxPreflight

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/sandbox/config.ts


const SUITES = ['trixie', 'bookworm'];
/** Bump when the post-debootstrap setup changes: the cache key changes with it, so templates rebuild. */
const HARNESS_VERSION = 'gunicorn-deploy-sandbox-rootfs-1';
/** A server ready for a Flask app behind Gunicorn and nginx, as the deploy expects to find one. */
const READY_PACKAGES = [
    'systemd',
    'systemd-sysv',
    'dbus',
    'libpam-systemd',
    'openssh-server',
    'sudo',
    'python3',
    'python3-venv',
    'python3-pip',
    'python3-flask',
    'gunicorn',
    'python3-gunicorn',
    'nginx',
    'logrotate',
    'curl',
    'sqlite3',
    'iproute2',
    'procps',
    'ca-certificates'
];
/** A fresh cloud image: whatever the deploy needs beyond this, it has to install itself. */
const BARE_PACKAGES = [
    'systemd',
    'systemd-sysv',
    'dbus',
    'libpam-systemd',
    'openssh-server',
    'sudo',
    'python3',
    'curl',
    'ca-certificates'
];
const APT_INSTALL_HINT = 'apt-get install -y debootstrap systemd-container iptables iproute2 openssh-client';
/** The guest network: 10.213.K.0/24 per server, so one /16 covers all of them for NAT. */
const NET_PREFIX = '10.213';
const NET_CIDR = `${NET_PREFIX}.0.0/16`;
const MAX_SLOT = 250;
const SERVER_USER = 'deploy';
const SSH_PORT = 22;
function packagesFor(bare) {
    return bare ? BARE_PACKAGES : READY_PACKAGES;
}
/** Changing the suite, the package list or the setup yields a new directory, never a stale tree. */
function rootfsKey(suite, bare, packages = packagesFor(bare)) {
    const hash = (0,external_node_crypto_.createHash)('sha256')
        .update([HARNESS_VERSION, suite, [...packages].join(',')].join('\n'))
        .digest('hex')
        .slice(0, 12);
    return `${suite}-${bare ? 'bare' : 'ready'}-${hash}`;
}
const NAME_RE = /^[a-z][a-z0-9-]{0,15}$/;
/** Names end up in netns names, cgroup dirs and paths: keep them boring. */
function validateName(name) {
    if (!NAME_RE.test(name)) {
        throw new Error(`invalid sandbox name ${JSON.stringify(name)}: use a lowercase letter then up to 15 of [a-z0-9-]`);
    }
    return name;
}
function isSuite(s) {
    return SUITES.includes(s);
}
function slotAddresses(slot) {
    if (!Number.isInteger(slot) || slot < 1 || slot > MAX_SLOT)
        throw new Error(`slot out of range: ${slot}`);
    return {
        host: `${NET_PREFIX}.${slot}.1`,
        guest: `${NET_PREFIX}.${slot}.2`,
        cidr: `${NET_PREFIX}.${slot}.0/24`
    };
}
/** Host-side veth: interface names are limited to 15 characters, so it is named by slot, not name. */
function vethName(slot) {
    return `gd-ve${slot}`;
}
function netnsName(name) {
    return `gd-${name}`;
}
function sandboxPaths(env = process.env) {
    return {
        state: env.GUNICORN_DEPLOY_SANDBOX_DIR || '/run/gunicorn-deploy/sandbox',
        disk: env.GUNICORN_DEPLOY_SANDBOX_DISK_DIR || '/var/lib/gunicorn-deploy/sandbox',
        cache: env.GUNICORN_DEPLOY_ROOTFS_DIR || '/var/cache/gunicorn-deploy/rootfs'
    };
}
function serverStateDir(paths, name) {
    return external_node_path_default().join(paths.state, 'servers', name);
}
function serverDiskDir(paths, name) {
    return external_node_path_default().join(paths.disk, name);
}

;// CONCATENATED MODULE: ./src/sandbox/run.ts




/** Runs a program without a shell: every argument reaches it exactly as given. */
function run(cmd, args, opts = {}) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_.spawn)(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
        let stdout = '';
        let stderr = '';
        const partial = { out: '', err: '' };
        const onData = (chunk, into) => {
            const text = chunk.toString();
            if (into === 'out')
                stdout += text;
            else
                stderr += text;
            if (opts.onLine) {
                const lines = (partial[into] + text).split('\n');
                partial[into] = lines.pop() ?? '';
                for (const l of lines)
                    opts.onLine(l);
            }
        };
        child.stdout.on('data', (c) => onData(c, 'out'));
        child.stderr.on('data', (c) => onData(c, 'err'));
        const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
        child.on('error', (err) => {
            if (timer)
                clearTimeout(timer);
            reject(new Error(`${cmd}: ${err.message}`));
        });
        child.on('close', (code, signal) => {
            if (timer)
                clearTimeout(timer);
            for (const rest of [partial.out, partial.err])
                if (rest && opts.onLine)
                    opts.onLine(rest);
            const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
            if (result.code !== 0 && !opts.allowFail) {
                const detail = (stderr.trim() || stdout.trim()).split('\n').slice(-15).join('\n');
                reject(new Error(`${[cmd, ...args].join(' ')} exited ${signal ?? result.code}${detail ? `:\n${detail}` : ''}`));
                return;
            }
            resolve(result);
        });
    });
}
async function onPath(tool) {
    // Debian keeps ip, iptables and debootstrap in sbin, which a non-login PATH may lack.
    const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
    for (const dir of dirs) {
        if (!dir)
            continue;
        try {
            await (0,promises_.access)(external_node_path_default().join(dir, tool), promises_.constants.X_OK);
            return true;
        }
        catch {
            // not in this dir
        }
    }
    return false;
}
const REQUIRED_TOOLS = [
    'debootstrap',
    'systemd-nspawn',
    'iptables',
    'ip',
    'ssh-keygen',
    'ssh'
];
/** Fails with what to do about it: the sandbox needs root and a handful of Debian packages. */
async function preflight() {
    if (process.platform !== 'linux')
        throw new Error('the sandbox needs Linux (systemd-nspawn)');
    if (process.getuid?.() !== 0) {
        throw new Error('the sandbox needs root (network namespaces, overlay mounts, systemd-nspawn): run it with sudo');
    }
    const missing = [];
    for (const tool of REQUIRED_TOOLS)
        if (!(await onPath(tool)))
            missing.push(tool);
    if (missing.length) {
        throw new Error(`the sandbox needs ${missing.join(', ')}; install with:\n  ${APT_INSTALL_HINT}`);
    }
    if (!process.env.PATH?.split(':').includes('/usr/sbin')) {
        process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
    }
}
function sleep(ms) {
    return new Promise((r) => setTimeout(r, ms));
}

;// CONCATENATED MODULE: ./src/sandbox/cgroup.ts




const CGROUP_ROOT = '/sys/fs/cgroup';
function hostRunsSystemd() {
    try {
        return (0,external_node_fs_.readFileSync)('/proc/1/comm', 'utf8').trim() === 'systemd';
    }
    catch {
        return false;
    }
}
/** cgroup v1 with the named systemd hierarchy plus cgroup2 at unified/ (hybrid), or cgroup2 only. */
function hierarchies() {
    if ((0,external_node_fs_.existsSync)(external_node_path_default().join(CGROUP_ROOT, 'cgroup.controllers')))
        return [CGROUP_ROOT];
    return ['systemd', 'unified'].map((h) => external_node_path_default().join(CGROUP_ROOT, h)).filter((d) => (0,external_node_fs_.existsSync)(d));
}
function planCgroups(name) {
    const leaf = `gunicorn-deploy-sandbox-${name}`;
    if (hostRunsSystemd())
        return { mode: 'systemd-run', dirs: [], unit: `${leaf}.scope` };
    const dirs = hierarchies().map((h) => external_node_path_default().join(h, leaf));
    if (!dirs.length)
        throw new Error(`no cgroup hierarchy for systemd found under ${CGROUP_ROOT}`);
    return { mode: 'own', dirs };
}
/**
 * A guest always sees pure cgroup2, as on current Debian and Ubuntu servers; on a hybrid host
 * nspawn would otherwise give it the host's legacy layout.
 */
function nspawnEnv() {
    return { ...process.env, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1' };
}
async function createCgroups(plan) {
    if (plan.mode === 'systemd-run') {
        // A scope of that name left by a crash would make systemd-run fail.
        await run('systemctl', ['stop', plan.unit], { allowFail: true });
        await run('systemctl', ['reset-failed', plan.unit], { allowFail: true });
        return;
    }
    await removeCgroups(plan);
    for (const d of plan.dirs)
        await (0,promises_.mkdir)(d, { recursive: true });
}
/** The command prefix that puts the launcher into its cgroup. */
function launchPrefix(plan) {
    if (plan.mode === 'own')
        return [];
    return [
        'systemd-run',
        '--scope',
        '--quiet',
        '--collect',
        `--unit=${plan.unit}`,
        '-p',
        'Delegate=yes',
        '--'
    ];
}
async function subtree(dir) {
    if (!(0,external_node_fs_.existsSync)(dir))
        return [];
    const out = [];
    for (const e of await (0,promises_.readdir)(dir, { withFileTypes: true })) {
        if (e.isDirectory())
            out.push(...(await subtree(external_node_path_default().join(dir, e.name))));
    }
    out.push(dir);
    return out;
}
/** Last resort when a guest will not power off: everything in its cgroup is ours, and only that. */
async function killCgroups(plan) {
    if (plan.mode === 'systemd-run') {
        await run('systemctl', ['kill', '--signal=KILL', plan.unit], { allowFail: true });
        return;
    }
    for (const root of plan.dirs) {
        for (const d of await subtree(root)) {
            const procs = await (0,promises_.readFile)(external_node_path_default().join(d, 'cgroup.procs'), 'utf8').catch(() => '');
            for (const pid of procs.split('\n').filter(Boolean)) {
                try {
                    process.kill(Number(pid), 'SIGKILL');
                }
                catch {
                    // already gone
                }
            }
        }
    }
}
async function removeCgroups(plan) {
    if (plan.mode === 'systemd-run') {
        await run('systemctl', ['stop', plan.unit], { allowFail: true });
        return;
    }
    for (const root of plan.dirs) {
        // Exiting processes leave their cgroup a moment after the parent sees them exit.
        for (let attempt = 0; attempt < 20; attempt++) {
            let busy = false;
            for (const d of await subtree(root)) {
                try {
                    await (0,promises_.rmdir)(d);
                }
                catch (err) {
                    if (err.code !== 'ENOENT')
                        busy = true;
                }
            }
            if (!busy)
                break;
            await sleep(100);
        }
    }
}

;// CONCATENATED MODULE: ./src/sandbox/launcher.ts




/**
 * The supervisor that outlives the `up` call: joins its cgroup, runs nspawn, boots the guest
 * again when it reboots (nspawn exits 133), and turns TERM into a clean guest poweroff (nspawn
 * does that on TERM). A few lines of shell, because it has to keep running after node exits and
 * a node process per server would cost tens of MB for a loop.
 */
const SUPERVISOR = `
for f in $GD_CGROUP_PROCS; do echo $$ > "$f" || exit 1; done
stop=; child=
trap 'stop=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT
while [ -z "$stop" ]; do
  "$@" & child=$!
  wait "$child"; rc=$?
  while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
  child=
  [ "$rc" = 133 ] || exit "$rc"
  echo "gunicorn-deploy sandbox: the guest rebooted; booting it again"
done
`;
function marker(name) {
    return `gunicorn-deploy-sandbox-${name}`;
}
function nspawnArgs(spec) {
    return [
        'systemd-nspawn',
        '--boot',
        `--directory=${spec.root}`,
        `--machine=${spec.name}`,
        // No machined/dbus on hosts without systemd; without --keep-unit nspawn asks the system bus
        // for a scope and fails ("Failed to open system bus").
        '--register=no',
        '--keep-unit',
        `--network-namespace-path=/run/netns/${spec.netns}`,
        '--resolv-conf=copy-host'
    ];
}
/** Starts the guest; returns the supervisor's PID, the handle `down` uses. */
function launch(spec) {
    const out = (0,external_node_fs_.openSync)(spec.consoleLog, 'a');
    try {
        const argv = [
            ...launchPrefix(spec.cgroups),
            'bash',
            '-c',
            SUPERVISOR,
            marker(spec.name),
            ...nspawnArgs(spec)
        ];
        const env = {
            ...nspawnEnv(),
            GD_CGROUP_PROCS: spec.cgroups.dirs.map((d) => `${d}/cgroup.procs`).join(' ')
        };
        const child = (0,external_node_child_process_.spawn)(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', out, out], env });
        child.on('error', () => undefined); // surfaces as a dead PID and the console log
        child.unref();
        if (!child.pid)
            throw new Error(`could not start ${argv[0]}`);
        return child.pid;
    }
    finally {
        (0,external_node_fs_.closeSync)(out);
    }
}
/** True only for a live supervisor of this server: a recycled PID is never signalled. */
function isOurLauncher(pid, name) {
    if (!Number.isInteger(pid) || pid <= 0)
        return false;
    try {
        const stat = (0,external_node_fs_.readFileSync)(`/proc/${pid}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z'))
            return false;
        const cmdline = (0,external_node_fs_.readFileSync)(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return cmdline.includes(marker(name));
    }
    catch {
        return false;
    }
}
async function waitGone(pid, name, ms) {
    const deadline = Date.now() + ms;
    while (isOurLauncher(pid, name)) {
        if (Date.now() > deadline)
            return false;
        await sleep(100);
    }
    return true;
}
/** Clean poweroff first; a guest that hangs on shutdown is killed through its own cgroup. */
async function stopLauncher(pid, name, cgroups, timeoutMs = 30_000) {
    if (!isOurLauncher(pid, name))
        return;
    process.kill(pid, 'SIGTERM');
    if (await waitGone(pid, name, timeoutMs))
        return;
    await killCgroups(cgroups);
    try {
        process.kill(-pid, 'SIGKILL'); // its own session and process group (detached)
    }
    catch {
        // already gone
    }
    if (!(await waitGone(pid, name, 5_000)))
        throw new Error(`sandbox ${name}: launcher ${pid} would not stop`);
}

;// CONCATENATED MODULE: ./src/sandbox/mounts.ts



function unescapeMountPath(p) {
    return p.replace(/\\([0-7]{3})/g, (_, oct) => String.fromCharCode(parseInt(oct, 8)));
}
/** Mount points at or below dir, deepest first (the order to unmount them in). */
async function mountsUnder(dir) {
    const root = external_node_path_default().resolve(dir);
    const text = await (0,promises_.readFile)('/proc/self/mountinfo', 'utf8');
    const points = text
        .split('\n')
        .filter(Boolean)
        .map((line) => unescapeMountPath(line.split(' ')[4]))
        .filter((p) => p === root || p.startsWith(root + '/'));
    return [...new Set(points)].sort((a, b) => b.length - a.length);
}
/**
 * Unmounts everything at or below dir. A mount still busy after a few tries is detached lazily:
 * the caller is tearing the tree down and must not delete files through a live mount.
 */
async function unmountTree(dir) {
    for (let attempt = 0;; attempt++) {
        const points = await mountsUnder(dir);
        if (!points.length)
            return;
        for (const p of points) {
            await run('umount', attempt < 5 ? [p] : ['-l', p], { allowFail: true });
        }
        if (attempt >= 6) {
            const left = await mountsUnder(dir);
            if (left.length)
                throw new Error(`could not unmount ${left.join(', ')}`);
            return;
        }
        await sleep(200);
    }
}
/** rm -rf that never crosses into another filesystem (a leftover /proc or bind mount in the tree). */
async function removeTree(dir) {
    await unmountTree(dir);
    await run('rm', ['-rf', '--one-file-system', dir]);
}

;// CONCATENATED MODULE: ./src/sandbox/network.ts





/**
 * Takes the first free /24: mkdir is atomic, so parallel jest workers and CLI calls never get the
 * same one.
 */
async function allocateSlot(stateDir) {
    const slots = external_node_path_default().join(stateDir, 'slots');
    await (0,promises_.mkdir)(slots, { recursive: true });
    for (let k = 1; k <= MAX_SLOT; k++) {
        try {
            await (0,promises_.mkdir)(external_node_path_default().join(slots, String(k)));
            return k;
        }
        catch (err) {
            if (err.code !== 'EEXIST')
                throw err;
        }
    }
    throw new Error(`no free sandbox slot (all ${MAX_SLOT} in use under ${slots}); try \`sandbox down --all\``);
}
async function claimSlot(stateDir, slot, name) {
    await (0,promises_.writeFile)(external_node_path_default().join(stateDir, 'slots', String(slot), 'name'), name);
}
async function freeSlot(stateDir, slot) {
    await (0,promises_.rm)(external_node_path_default().join(stateDir, 'slots', String(slot)), { recursive: true, force: true });
}
/**
 * The guest's network is set up from the host before boot (nspawn joins the namespace as is),
 * so the guest needs no network manager of its own.
 */
async function createNetwork(name, slot) {
    const ns = netnsName(name);
    const veth = vethName(slot);
    const addr = slotAddresses(slot);
    // The slot and name are ours exclusively now: anything by these names is a crash leftover.
    await deleteNetwork(name, slot);
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'host0', 'netns', ns]);
    await run('ip', ['addr', 'add', `${addr.host}/24`, 'dev', veth]);
    await run('ip', ['link', 'set', veth, 'up']);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await run('ip', ['-n', ns, 'addr', 'add', `${addr.guest}/24`, 'dev', 'host0']);
    await run('ip', ['-n', ns, 'link', 'set', 'host0', 'up']);
    await run('ip', ['-n', ns, 'route', 'add', 'default', 'via', addr.host]);
}
async function deleteNetwork(name, slot) {
    const ns = netnsName(name);
    if ((0,external_node_fs_.existsSync)(`/run/netns/${ns}`))
        await run('ip', ['netns', 'del', ns], { allowFail: true });
    // Deleting the namespace takes its end of the pair with it; this covers a half-made pair.
    if ((0,external_node_fs_.existsSync)(`/sys/class/net/${vethName(slot)}`)) {
        await run('ip', ['link', 'del', vethName(slot)], { allowFail: true });
    }
}
// FORWARD rules too: where Docker is installed (GitHub runners) the FORWARD policy is DROP.
const RULES = [
    ['-t', 'nat', 'POSTROUTING', '-s', NET_CIDR, '!', '-d', NET_CIDR, '-j', 'MASQUERADE'],
    ['-t', 'filter', 'FORWARD', '-s', NET_CIDR, '-j', 'ACCEPT'],
    ['-t', 'filter', 'FORWARD', '-d', NET_CIDR, '-j', 'ACCEPT']
];
function ruleArgs(op, rule) {
    // rule = [-t, table, chain, ...match]
    return [rule[0], rule[1], op, ...rule.slice(2)];
}
/** Lets guests reach Debian's mirrors for apt, as a real server would. */
async function ensureNat() {
    await (0,promises_.writeFile)('/proc/sys/net/ipv4/ip_forward', '1');
    for (const rule of RULES) {
        const present = await run('iptables', ['-w', ...ruleArgs('-C', rule)], { allowFail: true });
        if (present.code === 0)
            continue;
        // Insert, not append: an earlier DROP/REJECT in FORWARD must not win.
        await run('iptables', ['-w', ...ruleArgs(rule[2] === 'FORWARD' ? '-I' : '-A', rule)]);
    }
}
/** Removes every copy (two racing `up`s may each have added one). */
async function removeNat() {
    for (const rule of RULES) {
        for (let i = 0; i < 10; i++) {
            const r = await run('iptables', ['-w', ...ruleArgs('-D', rule)], { allowFail: true });
            if (r.code !== 0)
                break;
        }
    }
}

;// CONCATENATED MODULE: ./src/sandbox/lock.ts



function pidAlive(pid) {
    if (!Number.isInteger(pid) || pid <= 0)
        return false;
    try {
        process.kill(pid, 0);
    }
    catch (err) {
        return err.code === 'EPERM';
    }
    return true;
}
/**
 * A mkdir lock: atomic on every local filesystem, works across processes and jest workers.
 * A lock whose holder died is taken over, so a killed build never blocks the next one.
 */
async function withLock(lockDir, fn, opts = {}) {
    const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
    let announced = false;
    await (0,promises_.mkdir)(external_node_path_default().dirname(lockDir), { recursive: true });
    for (;;) {
        try {
            await (0,promises_.mkdir)(lockDir);
            await (0,promises_.writeFile)(external_node_path_default().join(lockDir, 'pid'), String(process.pid));
            break;
        }
        catch (err) {
            if (err.code !== 'EEXIST')
                throw err;
        }
        if (await isStale(lockDir)) {
            // Rename first: of two processes that both saw it stale, only one wins the rename.
            const grave = `${lockDir}.stale-${process.pid}-${Date.now()}`;
            try {
                await (0,promises_.rename)(lockDir, grave);
                await (0,promises_.rm)(grave, { recursive: true, force: true });
            }
            catch {
                // someone else took it over
            }
            continue;
        }
        if (Date.now() > deadline)
            throw new Error(`timed out waiting for lock ${lockDir}`);
        if (!announced) {
            opts.onWait?.();
            announced = true;
        }
        await sleep(500);
    }
    try {
        return await fn();
    }
    finally {
        await (0,promises_.rm)(lockDir, { recursive: true, force: true });
    }
}
async function isStale(lockDir) {
    try {
        const pid = Number((await (0,promises_.readFile)(external_node_path_default().join(lockDir, 'pid'), 'utf8')).trim());
        return !pidAlive(pid);
    }
    catch {
        // Created but no pid yet: only stale if it stays that way.
        try {
            const s = await (0,promises_.stat)(lockDir);
            return Date.now() - s.mtimeMs > 30_000;
        }
        catch {
            return false;
        }
    }
}

;// CONCATENATED MODULE: ./src/sandbox/rootfs.ts







const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** A finished template: only ever seen after the atomic rename, so this is enough to trust it. */
function isComplete(dir) {
    return (0,external_node_fs_.existsSync)(external_node_path_default().join(dir, 'usr/lib/systemd/systemd')) && (0,external_node_fs_.existsSync)(external_node_path_default().join(dir, 'etc/passwd'));
}
function rootfsPath(suite, bare) {
    return external_node_path_default().join(sandboxPaths().cache, rootfsKey(suite, bare));
}
/**
 * Returns the template for (suite, bare), building it the first time. Builders of the same
 * template queue on a lock; a crashed build leaves only a `.build-*` dir, which the next one removes.
 */
async function ensureRootfs(opts) {
    const final = rootfsPath(opts.suite, opts.bare);
    if (isComplete(final))
        return final;
    await preflight();
    const cache = external_node_path_default().dirname(final);
    const key = external_node_path_default().basename(final);
    const log = opts.log ?? (() => undefined);
    await (0,promises_.mkdir)(cache, { recursive: true });
    return withLock(external_node_path_default().join(cache, `.lock-${key}`), async () => {
        if (isComplete(final))
            return final;
        for (const entry of await (0,promises_.readdir)(cache)) {
            if (entry.startsWith(`.build-${key}-`))
                await removeTree(external_node_path_default().join(cache, entry));
        }
        const build = external_node_path_default().join(cache, `.build-${key}-${process.pid}`);
        const started = Date.now();
        log(`building ${key} with debootstrap (once; a few minutes)`);
        await debootstrap(opts.suite, opts.bare, build, external_node_path_default().join(cache, `${key}.debootstrap.log`));
        await finishRootfs(build);
        await (0,promises_.rename)(build, final);
        log(`built ${final} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        return final;
    }, { onWait: () => log(`waiting for another process building ${key}`) });
}
async function debootstrap(suite, bare, target, logFile) {
    const args = ['--variant=minbase', `--include=${packagesFor(bare).join(',')}`];
    // Name the keyring: Ubuntu's debootstrap does not default to Debian's for Debian suites.
    if (!(0,external_node_fs_.existsSync)(DEBIAN_KEYRING)) {
        throw new Error(`debootstrap of Debian ${suite} needs ${DEBIAN_KEYRING}; install with:\n  apt-get install -y debian-archive-keyring`);
    }
    args.push(`--keyring=${DEBIAN_KEYRING}`);
    args.push(suite, target);
    const mirror = process.env.GUNICORN_DEPLOY_DEBIAN_MIRROR;
    if (mirror)
        args.push(mirror);
    const out = (0,external_node_fs_.createWriteStream)(logFile, { flags: 'w' });
    try {
        await run('debootstrap', args, { onLine: (l) => out.write(l + '\n') });
    }
    catch (err) {
        throw new Error(`debootstrap failed (full log: ${logFile}): ${err.message}`);
    }
    finally {
        out.end();
    }
}
/**
 * What every server shares, done once on the template: no identity (machine-id, host keys) so
 * that clones do not share one; a sudo user that logs in by key only. The key itself is added per
 * server, so the template does not depend on any key.
 */
async function finishRootfs(root) {
    await (0,promises_.writeFile)(external_node_path_default().join(root, 'etc/machine-id'), '');
    const passwd = await run('chroot', [root, 'getent', 'passwd', SERVER_USER], { allowFail: true });
    if (passwd.code !== 0) {
        await run('chroot', [root, 'useradd', '-m', '-s', '/bin/bash', '-G', 'sudo', SERVER_USER]);
    }
    const sudoers = external_node_path_default().join(root, 'etc/sudoers.d', SERVER_USER);
    await (0,promises_.writeFile)(sudoers, `${SERVER_USER} ALL=(ALL) NOPASSWD:ALL\n`);
    await (0,promises_.chmod)(sudoers, 0o440);
    await (0,promises_.mkdir)(external_node_path_default().join(root, 'etc/ssh/sshd_config.d'), { recursive: true });
    await (0,promises_.writeFile)(external_node_path_default().join(root, 'etc/ssh/sshd_config.d/10-gunicorn-deploy-sandbox.conf'), 'PasswordAuthentication no\nKbdInteractiveAuthentication no\n');
    for (const f of await (0,promises_.readdir)(external_node_path_default().join(root, 'etc/ssh'))) {
        if (f.startsWith('ssh_host_'))
            await (0,promises_.rm)(external_node_path_default().join(root, 'etc/ssh', f));
    }
    const archives = external_node_path_default().join(root, 'var/cache/apt/archives');
    for (const f of await (0,promises_.readdir)(archives).catch(() => [])) {
        if (f.endsWith('.deb'))
            await (0,promises_.rm)(external_node_path_default().join(archives, f));
    }
}

;// CONCATENATED MODULE: ./src/sandbox/ssh-probe.ts



/**
 * The line a known_hosts file needs, read from the server's own disk rather than from the network,
 * so the first connection is already verified.
 */
async function knownHostsLine(root, host) {
    const pub = await (0,promises_.readFile)(external_node_path_default().join(root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8');
    const [type, key] = pub.trim().split(/\s+/);
    if (type !== 'ssh-ed25519' || !key)
        throw new Error(`unexpected host key in ${root}: ${pub.slice(0, 40)}`);
    return `${host} ${type} ${key}`;
}
/** One client key for every server, made once per state dir; servers get its public half at `up`. */
async function ensureClientKey(stateDir) {
    const dir = external_node_path_default().join(stateDir, 'client');
    const keyPath = external_node_path_default().join(dir, 'id_ed25519');
    try {
        await (0,promises_.readFile)(keyPath + '.pub');
        return keyPath;
    }
    catch {
        // first use
    }
    // Made aside and renamed as a whole, so no one ever reads a private half from one run and a
    // public half from another.
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await (0,promises_.mkdir)(tmp, { recursive: true, mode: 0o700 });
    await run('ssh-keygen', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        '',
        '-C',
        'gunicorn-deploy-sandbox',
        '-f',
        `${tmp}/id_ed25519`
    ]);
    try {
        await (0,promises_.rename)(tmp, dir);
    }
    catch {
        await (0,promises_.rm)(tmp, { recursive: true, force: true });
    }
    await (0,promises_.readFile)(keyPath + '.pub');
    return keyPath;
}
/** The options every check here uses: strict host key checking against the line read from disk. */
function sshArgs(opts) {
    return [
        '-F',
        '/dev/null',
        '-i',
        opts.keyPath,
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${opts.knownHostsFile}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'ConnectTimeout=1',
        '-o',
        'LogLevel=ERROR',
        `${opts.user}@${opts.host}`
    ];
}
/** Returns when `ssh true` works, which is what callers need: not a port, a login. */
async function waitForSsh(opts) {
    const deadline = Date.now() + opts.timeoutMs;
    let last = '';
    for (;;) {
        const r = await run('ssh', [...sshArgs(opts), 'true'], { allowFail: true, timeoutMs: 10_000 });
        if (r.code === 0)
            return;
        last = r.stderr.trim();
        if (!opts.alive())
            throw new Error('the guest exited before sshd answered');
        if (Date.now() > deadline) {
            throw new Error(`sshd did not answer within ${opts.timeoutMs / 1000} s${last ? ` (last: ${last})` : ''}`);
        }
        await sleep(100);
    }
}

;// CONCATENATED MODULE: ./src/sandbox/server.ts











const SSH_WAIT_MS = 60_000;
const noop = () => undefined;
function recordFile(name) {
    return external_node_path_default().join(serverStateDir(sandboxPaths(), name), 'record.json');
}
function consoleLog(name) {
    return external_node_path_default().join(serverStateDir(sandboxPaths(), name), 'console.log');
}
async function writeRecord(rec) {
    const file = recordFile(rec.server.name);
    await (0,promises_.writeFile)(`${file}.tmp`, JSON.stringify(rec, null, 2) + '\n');
    await (0,promises_.writeFile)(external_node_path_default().join(external_node_path_default().dirname(file), 'pid'), `${rec.server.pid}\n`);
    // A reader never sees half a record.
    await (0,promises_.rename)(`${file}.tmp`, file);
}
async function readRecord(name) {
    try {
        return JSON.parse(await (0,promises_.readFile)(recordFile(name), 'utf8'));
    }
    catch {
        return undefined;
    }
}
async function recordNames() {
    const dir = external_node_path_default().join(sandboxPaths().state, 'servers');
    return (await (0,promises_.readdir)(dir).catch(() => [])).filter((n) => (0,external_node_fs_.existsSync)(recordFile(n))).sort();
}
async function consoleTail(name, lines = 30) {
    const text = await (0,promises_.readFile)(consoleLog(name), 'utf8').catch(() => '');
    const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
    return tail ? `\n--- console (last ${lines} lines) ---\n${tail}` : '';
}
async function passwdIds(root, user) {
    const line = (await (0,promises_.readFile)(external_node_path_default().join(root, 'etc/passwd'), 'utf8'))
        .split('\n')
        .find((l) => l.startsWith(`${user}:`));
    if (!line)
        throw new Error(`user ${user} missing from ${root}/etc/passwd`);
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
}
/** What makes this clone one server among many: its own host keys, name, and the client's key. */
async function personalize(merged, name, clientPub) {
    // Debian makes host keys at package install only, so a clone without them would have no sshd.
    await run('ssh-keygen', ['-A', '-f', merged]);
    const { uid, gid } = await passwdIds(merged, SERVER_USER);
    const sshDir = external_node_path_default().join(merged, 'home', SERVER_USER, '.ssh');
    await (0,promises_.mkdir)(sshDir, { recursive: true });
    await (0,promises_.chmod)(sshDir, 0o700);
    await (0,promises_.chown)(sshDir, uid, gid);
    const keys = external_node_path_default().join(sshDir, 'authorized_keys');
    await (0,promises_.writeFile)(keys, clientPub, { mode: 0o600 });
    await (0,promises_.chown)(keys, uid, gid);
    await (0,promises_.writeFile)(external_node_path_default().join(merged, 'etc/hostname'), `${name}\n`);
    // sudo resolves the hostname on every call; without this line each sudo waits on DNS.
    await (0,promises_.writeFile)(external_node_path_default().join(merged, 'etc/hosts'), `127.0.0.1 localhost\n127.0.1.1 ${name}\n::1 localhost\n`);
}
/** Boots a new server and returns once `ssh deploy@IP true` works with strict host key checking. */
async function sandboxUp(opts = {}) {
    const log = opts.log ?? noop;
    const suite = opts.suite ?? 'trixie';
    if (!isSuite(suite))
        throw new Error(`unknown suite ${JSON.stringify(suite)}: use trixie or bookworm`);
    const bare = opts.bare ?? false;
    if (opts.name !== undefined)
        validateName(opts.name);
    await preflight();
    const rootfs = await ensureRootfs({ suite, bare, log });
    const paths = sandboxPaths();
    const keyPath = await ensureClientKey(paths.state);
    const slot = await allocateSlot(paths.state);
    const name = opts.name ?? `sb-${slot}`;
    const stateDir = serverStateDir(paths, name);
    try {
        await (0,promises_.mkdir)(external_node_path_default().dirname(stateDir), { recursive: true });
        await (0,promises_.mkdir)(stateDir);
    }
    catch (err) {
        await freeSlot(paths.state, slot);
        if (err.code === 'EEXIST') {
            throw new Error(`sandbox ${name} already exists (stop it with: sandbox down --name ${name})`);
        }
        throw err;
    }
    await claimSlot(paths.state, slot, name);
    const addr = slotAddresses(slot);
    const rec = {
        server: {
            name,
            host: addr.guest,
            port: SSH_PORT,
            user: SERVER_USER,
            privateKeyPath: keyPath,
            knownHosts: '',
            pid: 0,
            suite,
            bare
        },
        slot,
        netns: netnsName(name),
        veth: vethName(slot),
        rootfs,
        disk: serverDiskDir(paths, name),
        cgroups: planCgroups(name),
        startedAt: new Date().toISOString()
    };
    await writeRecord(rec);
    const started = Date.now();
    try {
        await boot(rec, keyPath, log);
    }
    catch (err) {
        const tail = await consoleTail(name);
        await teardown(rec).catch(noop);
        await removeNatIfIdle().catch(noop);
        throw new Error(`sandbox ${name} did not come up: ${err.message}${tail}`);
    }
    log(`sandbox ${name} up at ${rec.server.host} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return rec.server;
}
async function boot(rec, keyPath, log) {
    const { name } = rec.server;
    const t0 = Date.now();
    const merged = external_node_path_default().join(rec.disk, 'merged');
    // The name is ours exclusively now: a disk dir by this name is a leftover from before a reboot.
    if ((0,external_node_fs_.existsSync)(rec.disk))
        await removeTree(rec.disk);
    for (const d of ['upper', 'work', 'merged'])
        await (0,promises_.mkdir)(external_node_path_default().join(rec.disk, d), { recursive: true });
    // Copy-on-write clone of the template: milliseconds, and the guest's changes survive its reboots.
    await run('mount', [
        '-t',
        'overlay',
        'overlay',
        '-o',
        `lowerdir=${rec.rootfs},upperdir=${rec.disk}/upper,workdir=${rec.disk}/work`,
        merged
    ]);
    // Host key generation (RSA: up to a second or two) overlaps the network setup.
    await Promise.all([
        personalize(merged, name, await (0,promises_.readFile)(`${keyPath}.pub`, 'utf8')),
        (async () => {
            await createNetwork(name, rec.slot);
            await ensureNat();
            await createCgroups(rec.cgroups);
        })()
    ]);
    rec.server.knownHosts = await knownHostsLine(merged, rec.server.host);
    const knownHostsFile = external_node_path_default().join(serverStateDir(sandboxPaths(), name), 'known_hosts');
    await (0,promises_.writeFile)(knownHostsFile, rec.server.knownHosts + '\n');
    rec.server.pid = launch({
        name,
        root: merged,
        netns: rec.netns,
        consoleLog: consoleLog(name),
        cgroups: rec.cgroups
    });
    await writeRecord(rec);
    log(`sandbox ${name}: clone, keys and network ready in ${Date.now() - t0} ms; booting (launcher pid ${rec.server.pid})`);
    await waitForSsh({
        keyPath,
        knownHostsFile,
        user: rec.server.user,
        host: rec.server.host,
        timeoutMs: SSH_WAIT_MS,
        alive: () => isOurLauncher(rec.server.pid, name)
    });
}
/** Undoes `up` step by step; every step tolerates having been done already. */
async function teardown(rec) {
    const { name } = rec.server;
    const paths = sandboxPaths();
    if (rec.server.pid > 0)
        await stopLauncher(rec.server.pid, name, rec.cgroups);
    await unmountTree(external_node_path_default().join(rec.disk, 'merged'));
    await removeTree(rec.disk);
    await deleteNetwork(name, rec.slot);
    await removeCgroups(rec.cgroups);
    await freeSlot(paths.state, rec.slot);
    await (0,promises_.rm)(serverStateDir(paths, name), { recursive: true, force: true });
}
/** The NAT rules are shared by all servers: the last one out removes them. */
async function removeNatIfIdle() {
    if ((await recordNames()).length === 0)
        await removeNat();
}
/**
 * Powers servers off by their recorded PID and removes all they used. Never touches anything
 * unrecorded; a name without a record is simply not in the result.
 */
async function sandboxDown(opts) {
    if (!opts.all && !opts.name)
        throw new Error('sandbox down: give a name or all');
    if (opts.name)
        validateName(opts.name);
    await preflight();
    const names = opts.all ? await recordNames() : [opts.name];
    const records = [];
    for (const n of names) {
        const rec = await readRecord(n);
        if (rec)
            records.push(rec);
    }
    const results = await Promise.allSettled(records.map((r) => teardown(r)));
    await removeNatIfIdle();
    const failed = results.flatMap((r, i) => r.status === 'rejected' ? [`${records[i].server.name}: ${r.reason}`] : []);
    if (failed.length)
        throw new Error(`sandbox down failed for ${failed.join('; ')}`);
    return records.map((r) => r.server.name);
}
/** Servers with a record and a launched guest (one still booting included). */
async function sandboxList() {
    const out = [];
    for (const n of await recordNames()) {
        const rec = await readRecord(n);
        if (rec && rec.server.pid > 0)
            out.push(rec.server);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/sandbox/cli.ts


const SANDBOX_USAGE = `usage:
  sandbox up [--name NAME] [--bare] [--suite trixie|bookworm]   boot a server; prints one JSON object
  sandbox down --name NAME | --all                               power off and remove
  sandbox list                                                   running servers as a JSON array
Needs root. Servers are Debian with systemd, sshd on 22, user deploy with passwordless sudo.`;
/** Pure: argv after `sandbox` to a command, or an error naming what is wrong. */
function parseSandboxArgs(argv) {
    const [cmd, ...rest] = argv;
    const flags = new Map();
    for (let i = 0; i < rest.length; i++) {
        const arg = rest[i];
        const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
        if (!m)
            throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
        const [, key, inline] = m;
        if (key === 'name' || key === 'suite') {
            const value = inline ?? rest[++i];
            if (value === undefined || value.startsWith('--'))
                throw new Error(`--${key} needs a value`);
            flags.set(key, value);
        }
        else if (inline !== undefined) {
            throw new Error(`--${key} takes no value`);
        }
        else {
            flags.set(key, true);
        }
    }
    const allowed = (keys) => {
        for (const k of flags.keys())
            if (!keys.includes(k))
                throw new Error(`sandbox ${cmd}: unknown option --${k}`);
    };
    const name = flags.get('name');
    if (name !== undefined)
        validateName(name);
    switch (cmd) {
        case 'up': {
            allowed(['name', 'bare', 'suite']);
            const suite = flags.get('suite') ?? 'trixie';
            if (!isSuite(suite))
                throw new Error(`unknown suite ${JSON.stringify(suite)}: use trixie or bookworm`);
            return { cmd, name, bare: flags.has('bare'), suite };
        }
        case 'down': {
            allowed(['name', 'all']);
            const all = flags.has('all');
            if (all === (name !== undefined))
                throw new Error('sandbox down: give exactly one of --name NAME or --all');
            return { cmd, name, all };
        }
        case 'list':
            allowed([]);
            return { cmd };
        case undefined:
        case 'help':
        case '--help':
        case '-h':
            return { cmd: 'help' };
        default:
            throw new Error(`unknown sandbox command ${JSON.stringify(cmd)}`);
    }
}
/** `gunicorn-deploy sandbox ...`: stdout carries only JSON, so scripts can parse it; the rest goes to stderr. */
async function sandboxCli(argv, io = process) {
    let command;
    try {
        command = parseSandboxArgs(argv);
    }
    catch (err) {
        io.stderr.write(`error: ${err.message}\n${SANDBOX_USAGE}\n`);
        return 2;
    }
    try {
        switch (command.cmd) {
            case 'help':
                io.stdout.write(SANDBOX_USAGE + '\n');
                return 0;
            case 'up': {
                const s = await sandboxUp({
                    name: command.name,
                    bare: command.bare,
                    suite: command.suite,
                    log: (line) => io.stderr.write(line + '\n')
                });
                const { name, host, port, user, privateKeyPath, knownHosts } = s;
                io.stdout.write(JSON.stringify({ name, host, port, user, privateKeyPath, knownHosts }) + '\n');
                return 0;
            }
            case 'down': {
                const names = await sandboxDown({ name: command.name, all: command.all });
                if (command.name && !names.length) {
                    io.stderr.write(`error: no sandbox named ${command.name}\n`);
                    return 1;
                }
                io.stderr.write(names.length ? `stopped ${names.join(', ')}\n` : 'no sandbox servers\n');
                return 0;
            }
            case 'list':
                io.stdout.write(JSON.stringify(await sandboxList(), null, 2) + '\n');
                return 0;
        }
    }
    catch (err) {
        io.stderr.write(`error: ${err.message}\n`);
        return 1;
    }
}

;// CONCATENATED MODULE: ./src/sandbox/index.ts






/***/ })

};
