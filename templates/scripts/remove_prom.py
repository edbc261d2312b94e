# remove_prom.py DIR FILE: removes the app's metrics text file relative to the folder opened without
# following a link (src/metrics/paths.ts): its parent is the prometheus user's, who could put a link
# in the folder's place. Prints "removed" when it did.
import os, sys
try: d = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
except OSError: sys.exit(0)
try: os.unlink(sys.argv[2], dir_fd=d); print("removed")
except FileNotFoundError: pass
