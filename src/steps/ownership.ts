import type { Settings } from '../settings.js';
import { appLayout, type AppLayout } from '../deploy/paths.js';
import { shQuote } from '../ssh/quote.js';

/**
 * What the server itself must show before anything of the app's is written: that the app's name
 * belongs to no one else (a unit, user, group or folder this tool did not create) and that the
 * app's filesystem has room. Both are probes of read-only commands, so preflight runs them as the
 * login user and the layout step (as root) turns their findings into a refusal before its first
 * write. Runs in bash (the probes use arrays and arithmetic).
 */

/** Where the tool records what it created, so a name it took can be told from one it found. */
export const OWNED_DIR = '/var/lib/gunicorn-deploy';
/** First line of every unit the tool writes (templates/systemd/*.hbs). */
export const UNIT_HEADER = '# Written by gunicorn-deploy';
/** Exit codes of the refusals, for callers that tell them apart. */
export const NAME_TAKEN_EXIT = 5;
export const DISK_FULL_EXIT = 6;

export function ownedMarker(app: string): string {
  return `${OWNED_DIR}/${app}.owned`;
}

/** Every unit name a deploy or provision of the app writes. */
export function appUnitNames(layout: AppLayout): string[] {
  return Object.values(layout.units).map((u) => u.name);
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
export function nameProbe(settings: Settings): string {
  const q = shQuote;
  const layout = appLayout(settings);
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
  for gd_d in ${q(layout.etc)} ${q(layout.logDir)}; do
    if [ -e "$gd_d" ]; then taken="$taken
  folder $gd_d"; fi
  done
fi
for gd_unit in ${appUnitNames(layout).map(q).join(' ')}; do
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
export function diskProbe(settings: Settings): string {
  const floor = settings.deploy.minFreeSpace;
  const parts: string[] = [];
  if (floor.mb !== undefined) parts.push(`need_mb=${Math.floor(floor.mb)}`);
  if (floor.percent !== undefined) {
    const pct = `$(( total_mb * ${Math.floor(floor.percent)} / 100 ))`;
    parts.push(
      floor.mb !== undefined
        ? `gd_pct=${pct}; if [ "$gd_pct" -lt "$need_mb" ]; then need_mb=$gd_pct; fi`
        : `need_mb=${pct}`
    );
  }
  return `
disk_dir=${shQuote(settings.app.dir)}
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
export function nameRefusal(settings: Settings): string {
  return `${nameProbe(settings)}
if [ -n "$taken" ]; then
  echo ${shQuote(`app-name \`${settings.app.name}\` is taken on this server by something gunicorn-deploy did not create:`)}"$taken" >&2
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
export function lockGuardScript(settings: Settings): string {
  return settings.mode === 'deploy' ? ownershipScript(settings) : nameRefusal(settings);
}

/**
 * The refusals, for the layout step (as root, before its first write): exits NAME_TAKEN_EXIT or
 * DISK_FULL_EXIT with what was found and what to do.
 */
export function ownershipScript(settings: Settings): string {
  return `${nameRefusal(settings)}
${diskProbe(settings)}
if [ "$free_mb" -lt "$need_mb" ]; then
  echo "only $free_mb MB free on the filesystem of "${shQuote(settings.app.dir)}" ($disk_dir): min-free-space needs $need_mb MB." >&2
  echo "Nothing was changed. Free space (old releases in releases/, venvs/, logs), grow the disk, or lower min-free-space." >&2
  exit ${DISK_FULL_EXIT}
fi
`;
}

/** After the layout step created the user: record it as the tool's (idempotent). */
export function markOwnedScript(settings: Settings): string {
  const q = shQuote;
  const marker = ownedMarker(settings.app.name);
  return `
if [ ! -f ${q(marker)} ] && getent passwd ${q(settings.app.name)} >/dev/null; then
  install -d -m 0755 ${q(OWNED_DIR)}
  printf 'user=%s\\nuid=%s\\napp-dir=%s\\n' ${q(settings.app.name)} "$(id -u ${q(settings.app.name)})" ${q(settings.app.dir)} > ${q(marker)}
fi
`;
}
