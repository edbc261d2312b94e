"""SQLite in the instance folder: one connection per request, opened on first use (never before fork)."""

import os
import sqlite3

import click
from flask import current_app, g

SCHEMA = "CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL)"


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        path = current_app.config["DATABASE"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        g.db = sqlite3.connect(path, timeout=10)
        g.db.execute("PRAGMA busy_timeout = 10000")
    return g.db


def close_db(_exc=None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def init_db() -> None:
    conn = get_db()
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(SCHEMA)
    conn.commit()


def visit() -> int:
    conn = get_db()
    with conn:
        conn.execute(SCHEMA)
        conn.execute("INSERT INTO visits (at) VALUES (datetime('now'))")
    return conn.execute("SELECT COUNT(*) FROM visits").fetchone()[0]


@click.command("init-db")
def init_db_command() -> None:
    """Create the tables (flask --app flaskr init-db, or gunicorn-deploy's mode: run)."""
    init_db()
    click.echo("Initialized the database.")


def init_app(app) -> None:
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
