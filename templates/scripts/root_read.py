# root_read.py: how root reads a file the app or build user can name or replace (src/deploy/root-read.ts says how it is called).
import errno, fnmatch, gzip, hashlib, base64, os, pwd, re, signal, stat, subprocess, sys, tempfile, time, zlib
NAME = re.compile(r"^\.?[A-Za-z0-9][A-Za-z0-9._-]*$")
CHUNK = 1 << 20
class Refused(Exception): pass
def alarm(*_): raise Refused("took longer than the deadline")
signal.signal(signal.SIGALRM, alarm)
def uid_of(owner): return int(owner) if owner.isdigit() else pwd.getpwnam(owner).pw_uid
def open_dir(path):
    try: fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError: return None
    except OSError as e: raise Refused("folder %s: %s" % (path, "a symbolic link" if e.errno == errno.ELOOP else e.strerror))
    return fd
def open_file(dfd, name, uid):
    if not NAME.match(name): raise Refused("not a plain file name")
    try: fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC, dir_fd=dfd)
    except OSError as e: raise Refused("a symbolic link" if e.errno == errno.ELOOP else e.strerror)
    st = os.fstat(fd)
    why = None
    if not stat.S_ISREG(st.st_mode): why = "not a regular file"
    elif st.st_nlink != 1: why = "has %d hard links" % st.st_nlink
    elif st.st_uid != uid: why = "owned by uid %d, not %d" % (st.st_uid, uid)
    if why: os.close(fd); raise Refused(why)
    os.set_blocking(fd, True)
    return fd, st
def chunks(fd, size):
    left = size
    while left > 0:
        b = os.read(fd, min(CHUNK, left))
        if not b: break
        left -= len(b)
        yield b
def write_all(out, data):
    view = memoryview(data)
    while view: view = view[os.write(out, view):]
def transfer(fd, size, out, how, sha=None):
    """Copies at most size bytes from fd to out, packing or unpacking; gunzip fails closed."""
    if how == "gzip":
        z = zlib.compressobj(6, zlib.DEFLATED, 31)
        for b in chunks(fd, size): write_all(out, z.compress(b))
        write_all(out, z.flush()); return
    if how == "gunzip":
        limit, made = size * 1032 + CHUNK, 0  # deflate never packs more than 1032:1
        z = zlib.decompressobj(31)
        for b in chunks(fd, size):
            if sha: sha.update(b)
            while b:
                part = z.decompress(b, CHUNK); b = z.unconsumed_tail
                made += len(part)
                if made > limit: raise Refused("unpacks to more than deflate allows")
                write_all(out, part)
            if z.eof: break
        if not z.eof or z.unused_data: raise Refused("not a complete gzip file")
        return
    for b in chunks(fd, size):
        if sha: sha.update(b)
        write_all(out, b)
def as_db(path):
    """A copy opens read-only without a -shm file: a WAL header (bytes 18, 19 = 2) is set to rollback (1)."""
    with open(path, "r+b") as f:
        if f.read(16) == b"SQLite format 3\0": f.seek(18); f.write(b"\1\1")
def integrity(path, checker):
    """PRAGMA integrity_check as the checker (never root): the bytes are the app's."""
    pw = pwd.getpwnam(checker)
    os.chown(os.path.dirname(path), 0, pw.pw_gid); os.chmod(os.path.dirname(path), 0o750)
    os.chown(path, 0, pw.pw_gid); os.chmod(path, 0o640)
    as_db(path)
    drop = ["setpriv", "--reuid=%d" % pw.pw_uid, "--regid=%d" % pw.pw_gid, "--clear-groups", "--reset-env"] if os.getuid() == 0 else []
    try:
        r = subprocess.run(drop + ["sqlite3", "-readonly", path, "PRAGMA integrity_check"], capture_output=True, text=True, timeout=600)
        return ((r.stdout + r.stderr).strip().splitlines() or ["unreadable"])[0]
    except subprocess.TimeoutExpired: return "integrity_check took longer than 600 s"
def matching(dfd, patterns):
    return sorted(n for n in os.listdir(dfd) if NAME.match(n) and any(fnmatch.fnmatchcase(n, p) for p in patterns))
def lmtime(dfd, name):
    try: return int(min(os.stat(name, dir_fd=dfd, follow_symlinks=False).st_mtime, time.time()))
    except OSError: return 0
def cmd_list(d, owner, checker, *patterns):
    dfd, uid = open_dir(d), uid_of(owner)
    if dfd is None: return
    tmp = tempfile.mkdtemp()
    try:
        for name in matching(dfd, patterns):
            sha, size, check = "-", 0, None
            signal.alarm(900)
            try:
                fd, st = open_file(dfd, name, uid)
                size, h = st.st_size, hashlib.sha256()
                copy = os.path.join(tmp, "check.db")
                for f in (copy, copy + "-wal", copy + "-shm", copy + "-journal"):
                    if os.path.lexists(f): os.unlink(f)
                out = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                try:
                    try: transfer(fd, size, out, "gunzip" if name.endswith(".gz") else "raw", h)
                    except (Refused, zlib.error) as e: check = "unreadable: %s" % e
                    # The checksum is of the whole file, also past a gzip stream that ended early.
                    for b in chunks(fd, size): h.update(b)
                finally: os.close(out); os.close(fd)
                sha = h.hexdigest()
                signal.alarm(0)
                if check is None: check = integrity(copy, checker)
            except Refused as e: check = "refused: %s" % e
            finally: signal.alarm(0)
            print("backup\t%s\t%d\t%d\t%s\t%s" % (name, lmtime(dfd, name), size, sha, check.replace("\t", " ")), flush=True)
    finally:
        subprocess.run(["rm", "-rf", "--", tmp])
def cmd_newest(d, owner, *patterns):
    dfd, uid, best = open_dir(d), uid_of(owner), None
    if dfd is None: return
    for name in matching(dfd, patterns):
        try: fd, st = open_file(dfd, name, uid)
        except Refused: continue
        os.close(fd)
        key = (min(st.st_mtime, time.time()), name)
        if best is None or key > best: best = key
    if best: print(best[1])
def opened(d, name, owner):
    dfd = open_dir(d)
    if dfd is None: print("%s does not exist" % d, file=sys.stderr); sys.exit(5)
    try: return open_file(dfd, name, uid_of(owner))
    except Refused as e:
        if not os.path.lexists(os.path.join(d, name)): print("no %s in %s" % (name, d), file=sys.stderr); sys.exit(5)
        raise Refused("%s/%s: %s" % (d, name, e))
def cmd_cat(d, name, owner):
    signal.alarm(3600)
    fd, st = opened(d, name, owner)
    h = hashlib.sha256()
    for b in chunks(fd, st.st_size):
        h.update(b); sys.stdout.buffer.write(base64.encodebytes(b))
    sys.stdout.flush()
    print("sha256=%s" % h.hexdigest(), file=sys.stderr)
def copy_one(dfd_path, fd, st, dest, how, mode):
    out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        transfer(fd, st.st_size, out, how); os.fsync(out)
        t = min(st.st_mtime, time.time()); os.utime(out, (t, t))
    except BaseException:
        os.close(out); os.unlink(dest); raise
    os.close(out)
def cmd_copy(d, name, owner, dest, how, mode="600", db=""):
    signal.alarm(3600)
    fd, st = opened(d, name, owner)
    try: copy_one(d, fd, st, dest, how, int(mode, 8))
    except zlib.error as e: raise Refused("%s: not a complete gzip file (%s)" % (name, e))
    if db: as_db(dest)
def cmd_move(d, owner, dest, *patterns):
    dfd, uid = open_dir(d), uid_of(owner)
    if dfd is None: return
    for name in matching(dfd, patterns):
        signal.alarm(3600)
        try:
            fd, st = open_file(dfd, name, uid)
            # A backup is never taken in the future: such a date would make it the "latest".
            if st.st_mtime > time.time() + 60: os.close(fd); raise Refused("dated in the future")
            target = os.path.join(dest, name)
            if not os.path.lexists(target):
                copy_one(d, fd, st, target, "raw", 0o640)
                print("moved=%s" % name)
            os.close(fd); os.unlink(name, dir_fd=dfd)
        except (Refused, OSError) as e: print("refused %s/%s: %s" % (d, name, e), file=sys.stderr)
        finally: signal.alarm(0)
try:
    os.chdir("/")
    {"list": cmd_list, "newest": cmd_newest, "cat": cmd_cat, "copy": cmd_copy, "move": cmd_move}[sys.argv[1]](*sys.argv[2:])
except Refused as e:
    print(str(e), file=sys.stderr); sys.exit(2)
