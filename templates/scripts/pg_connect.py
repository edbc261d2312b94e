# pg_connect.py (src/provision/pg-verify.ts): SELECT 1 as the app, through its own DATABASE_URL. The
# URL's parts go to psql as libpq's environment (the password as PGPASSWORD, which only that user
# and root can read in /proc), never in argv.
import os, sys, urllib.parse as u
url = os.environ.get("DATABASE_URL", "")
if not url.startswith(("postgres://", "postgresql://")):
    print("DATABASE_URL is not a postgresql:// URL in the env file"); sys.exit(3)
p = u.urlsplit(url)
env = dict(os.environ)
for k, v in (("PGHOST", p.hostname), ("PGPORT", p.port and str(p.port)), ("PGUSER", p.username), ("PGPASSWORD", p.password), ("PGDATABASE", p.path.lstrip("/"))):
    if v:
        env[k] = u.unquote(v)
os.execvpe("psql", ["psql", "-X", "-A", "-t", "-q", "-w", "-c", "SELECT 1"], env)
