"""A small Flask app for gunicorn-deploy: SQLite in the instance folder and a /health route.

WSGI target: ``app:app``. Runs on Flask 2.2+ and Python 3.11+.

Environment:
  INSTANCE_PATH  absolute instance folder (the deploy tool sets /srv/APP/shared/instance);
                 Flask's default (next to this file) when unset.
  DATABASE       full path of the SQLite file; default INSTANCE_PATH/app.db.
"""

import os
import sqlite3
import time
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from flask import Flask, g, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

# How long a connection waits for another worker's write lock before failing. Deploys run old and
# new workers side by side, so writers do overlap; a few seconds of waiting is far better than an
# error.
BUSY_TIMEOUT_MS = 10_000

ROOT = Path(__file__).resolve().parent


def read_release(root: Path) -> str:
    """The release this code came from, from ROOT/REVISION (written by the deploy tool).

    The deploy tool writes ``key=value`` lines (commit=, ref=, time=, release=): report
    ``release=``, else ``commit=``, else the first non-empty line. "unknown" without the file.
    """
    try:
        text = (root / "REVISION").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "unknown"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for key in ("release=", "commit="):
        for line in lines:
            if line.startswith(key) and line[len(key) :].strip():
                return line[len(key) :].strip()
    return lines[0] if lines else "unknown"


# Read once: a new release is a new import (Gunicorn's workers re-import the app after a reload).
RELEASE = read_release(ROOT)

app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None)
app.config["DATABASE"] = os.environ.get("DATABASE") or os.path.join(app.instance_path, "app.db")
# nginx sits in front (one hop): trust its X-Forwarded-For/-Proto/-Host for url_for and remote_addr.
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

SCHEMA = """
CREATE TABLE IF NOT EXISTS rows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL,
    release TEXT NOT NULL
)
"""


# Set once per worker: WAL mode is stored in the database file, and the schema exists after the
# first successful open, so later connections only open.
_prepared = False


def _open(path: str) -> sqlite3.Connection:
    global _prepared
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not _prepared:
            # WAL: readers never block the writer and the writer never blocks readers.
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(SCHEMA)
            _prepared = True
    except Exception:
        conn.close()
        raise
    return conn


def get_db() -> sqlite3.Connection:
    """One connection per request, opened on first use (never at import, so never before fork)."""
    if "db" not in g:
        path = app.config["DATABASE"]
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        # A connection opened while another process recovers or resets the WAL can get "database
        # is locked" at once, without the busy timeout (sqlite.org/wal.html): such moments come
        # with reloads, when old workers close their connections. Try again briefly.
        for attempt in range(5):
            try:
                g.db = _open(path)
                break
            except sqlite3.OperationalError as exc:
                if attempt == 4 or "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(0.02 * (attempt + 1))
    return g.db


@app.teardown_appcontext
def close_db(_exc: BaseException | None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def insert_row(value: str) -> int:
    conn = get_db()
    created_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    with conn:  # commits, or rolls back on error
        cur = conn.execute(
            "INSERT INTO rows (value, created_at, release) VALUES (?, ?, ?)",
            (value, created_at, RELEASE),
        )
    return int(cur.lastrowid)


@app.post("/rows")
def create_row():
    body = request.get_json(silent=True)
    value = body.get("value") if isinstance(body, dict) else request.form.get("value")
    if value is None:
        return jsonify(error="value is required (JSON {\"value\": ...} or form field)"), 400
    return jsonify(id=insert_row(str(value))), 201


@app.get("/write")
def write_row():
    value = request.args.get("value")
    if value is None:
        return jsonify(error="value is required: /write?value=..."), 400
    return jsonify(id=insert_row(value)), 201


@app.get("/rows")
def list_rows():
    rows = get_db().execute("SELECT id, value, created_at, release FROM rows ORDER BY id").fetchall()
    return jsonify(count=len(rows), items=[dict(row) for row in rows])


@app.get("/health")
def health():
    try:
        get_db().execute("SELECT COUNT(*) FROM rows").fetchone()
        db, status = "ok", 200
    except Exception as exc:  # report, never raise: this route exists to say what is wrong
        db, status = f"error: {exc}", 503
    return jsonify(status="ok" if status == 200 else "error", release=RELEASE, debug=bool(app.debug), db=db), status


@app.get("/")
def index():
    return (
        "<!doctype html><title>flask-app</title>"
        "<h1>flask-app</h1>"
        f"<p>release <code>{escape(RELEASE)}</code></p>"
        '<p><a href="/health">/health</a> · <a href="/rows">/rows</a></p>'
    )
