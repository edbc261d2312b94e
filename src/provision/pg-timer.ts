import type { DeployContext } from '../deploy/context.js';
import { SCRIPT_DIR } from '../deploy/paths.js';
import type { ServerFile } from '../render.js';
import { shQuote } from '../ssh/quote.js';
import { pgPassLine, PG_DUMP_SUFFIX } from '../steps/pg-backup.js';
import { ensureEnabled, ensureStarted, writeFilesScript } from './shell.js';

/** The daily dump's files: a root script, its oneshot service and the timer. */
export function pgTimerPaths(app: string): { script: string; service: string; timer: string; unit: string } {
  return {
    script: `${SCRIPT_DIR}/${app}-pg-dump`,
    unit: `${app}-pg-dump`,
    service: `/etc/systemd/system/${app}-pg-dump.service`,
    timer: `/etc/systemd/system/${app}-pg-dump.timer`
  };
}

/** The external server's password file: root's alone, read by the daily dump. */
export function pgPassFile(ctx: DeployContext): string {
  return `${ctx.paths.etc}/pgpass`;
}

/**
 * The daily pg_dump of database: postgres, as root (the backups folder is root's; the dump comes
 * from postgres, or from the external server through the root-only password file, by a pipe),
 * checked with pg_restore --list, named DB-daily-STAMP.dump; those older than backups-days go.
 */
function dumpScript(ctx: DeployContext): string {
  const q = shQuote;
  const p = ctx.paths;
  const db = ctx.settings.database;
  const u = db.external;
  const client = u
    ? `export PGPASSFILE=${q(pgPassFile(ctx))} PGHOST=${q(u.host)} PGPORT=${q(String(u.port))} PGUSER=${q(u.user)} PGCONNECT_TIMEOUT=15
dump() { pg_dump --format=custom --no-password --dbname=${q(u.dbname)}; }`
    : `dump() { runuser -u postgres -- pg_dump --format=custom --dbname=${q(db.name)}; }`;
  return `#!/bin/bash
# Written by gunicorn-deploy; changes here are overwritten on the next provision.
# The daily PostgreSQL dump of ${p.app}: pg_dump --format=custom into ${p.backups}, checked with
# pg_restore --list; dumps of this timer older than ${ctx.settings.provision.backupsDays} days are deleted.
set -euo pipefail
cd /
umask 077
log() { printf '<%s>%s\\n' "$1" "$2"; }
trap 'log 3 "daily PostgreSQL dump failed (line $LINENO)"' ERR
${client}
dir=${q(p.backups)}
[ -d "$dir" ] && [ ! -L "$dir" ] || { log 3 "$dir is not a folder"; exit 1; }
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$dir/"${q(db.name)}"-daily-$stamp${PG_DUMP_SUFFIX}"
started=$SECONDS
dump > "$out.tmp"
pg_restore --list "$out.tmp" > /dev/null
mv -- "$out.tmp" "$out"
chown root:${q(p.user)} "$out"; chmod 0640 "$out"
log 6 "dump: $out ($(stat -c %s -- "$out") bytes, pg_restore --list ok, $((SECONDS - started)) s)"
find "$dir" -maxdepth 1 -type f -name ${q(`${db.name}-daily-*${PG_DUMP_SUFFIX}`)} -mmin +${ctx.settings.provision.backupsDays * 1440} -print -delete | sed 's/^/<6>deleted: /'
`;
}

export function pgTimerFiles(ctx: DeployContext): ServerFile[] {
  const t = pgTimerPaths(ctx.paths.app);
  const app = ctx.paths.app;
  return [
    { path: t.script, content: dumpScript(ctx), mode: '0755', owner: 'root:root' },
    {
      path: t.service,
      mode: '0644',
      owner: 'root:root',
      content: `# Written by gunicorn-deploy; changes here are overwritten on the next provision.
[Unit]
Description=Daily PostgreSQL dump of ${app}
After=postgresql.service
OnFailure=${app}-alert@%N.service

[Service]
Type=oneshot
ExecStart=${t.script}
Nice=10
IOSchedulingClass=idle
PrivateTmp=yes
NoNewPrivileges=yes
`
    },
    {
      path: t.timer,
      mode: '0644',
      owner: 'root:root',
      content: `# Written by gunicorn-deploy; changes here are overwritten on the next provision.
[Unit]
Description=Daily PostgreSQL dump of ${app}

[Timer]
OnCalendar=*-*-* 03:30
RandomizedDelaySec=15min

[Install]
WantedBy=timers.target
`
    }
  ];
}

/**
 * Installs the daily dump (files written only when they differ) and, for an external server, its
 * root-only password file from stdin (compared silently: a dry run's diff must not print it).
 */
export function pgTimerScript(ctx: DeployContext): string {
  const q = shQuote;
  const t = pgTimerPaths(ctx.paths.app);
  const pass = pgPassFile(ctx);
  const passLines = ctx.settings.database.external
    ? `IFS= read -r pwline
if [ ! -f ${q(pass)} ] || [ "$(cat ${q(pass)})" != "$pwline" ] || [ "$(stat -c '%a %U' ${q(pass)})" != "600 root" ]; then
  mark ${q(pass)}
  [ "$dry" = 1 ] || { (umask 077; printf '%s\\n' "$pwline" > ${q(pass)}.new); chown root:root ${q(pass)}.new; mv -f ${q(pass)}.new ${q(pass)}; }
fi
unset pwline`
    : `if [ -e ${q(pass)} ]; then mark ${q(pass)}; act rm -f ${q(pass)}; fi`;
  return `${passLines}
${writeFilesScript(pgTimerFiles(ctx))}
if [ "$dry" != 1 ] && echo "$changed" | grep -q /etc/systemd/system/; then systemctl daemon-reload; fi
${ensureEnabled(`${t.unit}.timer`)}
${ensureStarted(`${t.unit}.timer`)}
`;
}

/** pgTimerScript's stdin: the password file's line (external server) first, then the files. */
export function pgTimerInput(ctx: DeployContext, files: string): string {
  const u = ctx.settings.database.external;
  return (u ? pgPassLine(u) : '') + files;
}
