"""flaskr: a Flask app built by an app factory, the layout of Flask's own tutorial.

WSGI target: ``flaskr:create_app()``. Dependencies come from pyproject.toml; there is no
requirements.txt and no Gunicorn among them (the deploy tool provides it).

Environment:
  INSTANCE_PATH  absolute instance folder (the deploy tool sets /srv/APP/shared/instance);
                 Flask's default (next to the package) when unset.
  SECRET_KEY     the session key; or SECRET_KEY in INSTANCE_PATH/config.py.
"""

import os
from pathlib import Path

from flask import Flask, jsonify

from . import db


def read_release(root: Path) -> str:
    """The release=... line of the REVISION file the deploy tool writes; "unknown" without it."""
    try:
        text = (root / "REVISION").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "unknown"
    for line in text.splitlines():
        if line.startswith("release="):
            return line[len("release=") :].strip()
    return "unknown"


RELEASE = read_release(Path(__file__).resolve().parent.parent)


def create_app(test_config=None):
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev"),
        DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"),
    )
    if test_config is None:
        # A secret kept on the server, outside the releases (see the README).
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.update(test_config)

    db.init_app(app)

    @app.get("/health")
    def health():
        return jsonify(status="ok", release=RELEASE, debug=app.debug)

    @app.get("/")
    def index():
        return jsonify(visits=db.visit(), release=RELEASE)

    return app
