# shellcheck shell=sh disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The preload list of a release (src/steps/preload-list.ts), kept by root for the master's config
# (preload-libraries): install_preload_list writes what the caller's preload_source prints (one
# module name a line) as $preload_list in /etc/APP/preload: root-owned, readable by the app's user,
# whose master's config reads it. Lists of releases no longer on the server go. Only names that are
# module paths are kept: the list comes from code the repository controls. Only definitions; plain
# sh (the import check runs under sh, the candidate under bash).
# Prologue: preload_dir preload_list releases_dir app_user.
# On the candidate's path: the shell's own expansions where a process would do (a list's release
# from its name; its mode from the umask it is made with).
install_preload_list() {
  install -d -m 0750 -o root -g "$app_user" "$preload_dir"
  for f in "$preload_dir"/*; do [ -e "$f" ] || continue; [ -d "$releases_dir/${f##*/}" ] || rm -f -- "$f"; done
  rm -f "$preload_list"
  (umask 0137; { preload_source | grep -E '^[A-Za-z_][A-Za-z0-9_.]*$' || true; } > "$preload_list")
  chown root:"$app_user" "$preload_list"
}
