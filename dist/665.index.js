export const id = 665;
export const ids = [665];
export const modules = {

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


/***/ })

};
