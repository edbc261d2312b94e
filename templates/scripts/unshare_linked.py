# unshare_linked.py: a delta release shares its unchanged files with the release before (hardlinks,
# one inode each): the build user owns both, so a build writing or chmod-ing one would change the
# release that serves. Every regular file with more than one link gets an inode of its own (a copy
# renamed over it, mode and times kept); links and the deploy's own paths are left.
# argv: release, then the paths the deploy put there.
import os, shutil, sys, tempfile
root, keep = sys.argv[1], set(sys.argv[2:])
for top, dirs, files in os.walk(root, topdown=True):
    rel_top = os.path.relpath(top, root)
    dirs[:] = [d for d in dirs if os.path.normpath(os.path.join(rel_top, d)) not in keep]
    for name in files:
        p = os.path.join(top, name)
        st = os.lstat(p)
        if not os.path.isfile(p) or os.path.islink(p) or st.st_nlink < 2:
            continue
        fd, tmp = tempfile.mkstemp(dir=top, prefix=".gd-")
        os.close(fd)
        shutil.copy2(p, tmp)
        os.replace(tmp, p)
