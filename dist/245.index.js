export const id = 245;
export const ids = [245];
export const modules = {

/***/ 7245:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   releaseLeftLocks: () => (/* binding */ releaseLeftLocks)
/* harmony export */ });
/* unused harmony export releaseScript */
/* harmony import */ var _engine_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4575);
/* harmony import */ var _deploy_paths_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8535);
/* harmony import */ var _ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9038);
/* harmony import */ var _ssh_connection_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2673);
/* harmony import */ var _step_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3342);





/**
 * Ends a lock holder that this run left behind. A dropped connection ends the holder by itself,
 * but a runner that was cancelled while its connection stayed up (or a half-open TCP link that the
 * server will not notice for hours) leaves it holding the lock, so the post step ends it, and only
 * when the owner file names this very run.
 */
function releaseScript(settings, run) {
    const p = (0,_deploy_paths_js__WEBPACK_IMPORTED_MODULE_1__/* .serverPaths */ .o)(settings);
    return `
owner=${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U)(p.lockOwner)}
[ -f "$owner" ] || { echo released=none; exit 0; }
grep -qxF ${(0,_ssh_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .shQuote */ .U)(`run=${run}`)} "$owner" || { echo "released=other $(head -n 1 "$owner")"; exit 0; }
pid=$(sed -n 's/^pid=//p' "$owner")
if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
rm -f "$owner"
echo released=yes
`;
}
async function releaseLeftLocks(settings, run, logger, connect = _ssh_connection_js__WEBPACK_IMPORTED_MODULE_2__/* .connect */ .Ng) {
    for (const spec of settings.hosts) {
        const label = (0,_engine_js__WEBPACK_IMPORTED_MODULE_0__/* .hostLabel */ .vy)(spec);
        try {
            const remote = await connect({ ...(0,_engine_js__WEBPACK_IMPORTED_MODULE_0__/* .targetFor */ .x1)(settings, spec), retries: 1 }, logger);
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
            logger.warning(`${label}: could not check for a left deploy lock: ${(0,_step_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(err)}`);
        }
    }
}


/***/ })

};
