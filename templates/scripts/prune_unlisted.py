# prune_unlisted.py: a delta release starts as a hardlinked copy of the previous one, build outputs
# included: files the manifest does not list are removed first, so a build never writes through a
# link into the release that serves, and outputs the code no longer makes do not linger.
# argv: the manifest's file name, its header line, the release, then the paths the deploy itself
# put there (REVISION, .venv, shared links). A manifest of another version: nothing removed.
import os, sys
manifest, header, root, keep = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
listed = set()
with open(os.path.join(root, manifest), encoding="utf-8") as f:
    if f.readline().rstrip("\n") != header:
        sys.exit(0)
    for line in f:
        parts = line.rstrip("\n").split(" ", 4)
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
