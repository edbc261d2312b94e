export const id = 665;
export const ids = [665];
export const modules = {

/***/ 665:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   annotateFailure: () => (/* binding */ annotateFailure),
/* harmony export */   databaseLines: () => (/* binding */ databaseLines),
/* harmony export */   factRows: () => (/* binding */ factRows),
/* harmony export */   formatTable: () => (/* binding */ formatTable),
/* harmony export */   outputsOf: () => (/* binding */ outputsOf),
/* harmony export */   rolledBackLines: () => (/* binding */ rolledBackLines),
/* harmony export */   stepRows: () => (/* binding */ stepRows),
/* harmony export */   summaryMarkdown: () => (/* binding */ summaryMarkdown),
/* harmony export */   writeActionReport: () => (/* binding */ writeActionReport)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4116);

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
        parts.push(`### ${h.host}: ${h.status} in ${(h.ms / 1000).toFixed(1)} s`);
        if (h.error)
            parts.push(`> ${h.error.split('\n').join('\n> ')}`);
        parts.push(markdownTable(['step', 'time', 'result', 'detail'], stepRows(h)));
        const backups = backupTable(h);
        if (backups)
            parts.push(`Backups on ${h.host}, newest first:`, backups);
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
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH(k, v);
    if (process.env.GITHUB_STEP_SUMMARY) {
        await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z.addRaw(summaryMarkdown(report, factKeys)).write();
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
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(message, { title: `gunicorn-deploy ${report.mode}: ${report.status}` });
}


/***/ })

};
