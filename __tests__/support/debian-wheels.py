# Wheels made from Debian's installed Python packages, for pip offline in a venv without the
# system's site-packages: each named distribution's top-level packages and its metadata.
import base64, hashlib, importlib.metadata as m, importlib.util, os, sys, zipfile
out = sys.argv[1]
for name in sys.argv[2:]:
    d = m.distribution(name)
    dist = d.metadata["Name"].replace("-", "_")
    info = f"{dist}-{d.version}.dist-info"
    tops = (d.read_text("top_level.txt") or name.replace("-", "_")).split()
    entries = {}
    for top in tops:
        spec = importlib.util.find_spec(top)
        root = os.path.dirname(spec.origin) if spec.submodule_search_locations else spec.origin
        base = os.path.dirname(root)
        for dirpath, dirs, files in os.walk(root) if os.path.isdir(root) else [(base, [], [os.path.basename(root)])]:
            dirs[:] = [x for x in dirs if x != "__pycache__"]
            for f in files:
                if f.endswith(".pyc"): continue
                full = os.path.join(dirpath, f)
                if not os.path.isfile(full): continue  # Debian links some assets to other packages
                entries[os.path.relpath(full, base)] = open(full, "rb").read()
    entries[f"{info}/METADATA"] = (d.read_text("METADATA") or d.read_text("PKG-INFO")).encode()
    entries[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    ep = d.read_text("entry_points.txt")
    if ep: entries[f"{info}/entry_points.txt"] = ep.encode()
    record = "".join(f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b'=').decode()},{len(b)}\n" for p, b in entries.items())
    entries[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    whl = os.path.join(out, f"{dist}-{d.version}-py3-none-any.whl")
    with zipfile.ZipFile(whl, "w") as z:
        for p, b in entries.items(): z.writestr(p, b)
    print(whl)
