# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Root writes a release's set of processes into $set_dir.new: one template unit per process
# (name_I and unit_I for I below $count, rendered on the runner) and `set` (NAME N lines, $set).
# The schedules' units follow (src/schedules/script.ts), then the caller swaps .new into place.
# With an RQ worker, root's copy of the program its unit runs at stop ($rq_program, '' for none)
# goes to $rq_path (the app's user reads it, never writes it).
# Prologue: processes_dir by_release set_dir set count name_0 unit_0 ... rq_program rq_path
install -d -m 0755 -o root -g root "$processes_dir" "$by_release"
rm -rf -- "$set_dir.new"
install -d -m 0755 -o root -g root "$set_dir.new"
for ((i = 0; i < count; i++)); do
  name_var="name_$i" unit_var="unit_$i"
  printf '%s' "${!unit_var}" > "$set_dir.new/${!name_var}@.service"
done
printf '%s\n' "$set" > "$set_dir.new/set"
if [ -n "$rq_program" ]; then
  printf '%s' "$rq_program" > "$rq_path.new"; chmod 0644 "$rq_path.new"; mv -T -- "$rq_path.new" "$rq_path"
fi
