"""A Flask app with a background worker (RQ on Redis), deployed by gunicorn-deploy from its Procfile.

WSGI target: ``app:app``; the worker is the Procfile's ``worker`` line. Runs on Debian's
python3-flask, python3-rq and python3-redis.

Environment:
  REDIS_URL      where Redis is: unix:///run/redis/redis-server.sock?db=0 after provision with
                 ``services: redis``, or redis://HOST:6379/0.
  INSTANCE_PATH  folder the jobs write their results to (the deploy tool sets
                 /srv/APP/shared/instance); the current folder when unset.
"""

import os
from pathlib import Path

from flask import Flask, abort, jsonify, request
from redis import Redis
from rq import Queue
from rq.job import Job

import tasks

ROOT = Path(__file__).resolve().parent
QUEUE = "jobs"

app = Flask(__name__)


def redis() -> Redis:
    # Per request, never at import: a connection must not be shared across Gunicorn's fork.
    return Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))


@app.get("/health")
def health():
    redis().ping()
    return jsonify(status="ok", release=tasks.release())


@app.post("/jobs")
def enqueue():
    """Queues a job that writes `value` (after `seconds`) to INSTANCE_PATH/jobs/NAME."""
    body = request.get_json(silent=True) or {}
    name = str(body.get("name", "hello"))
    if not name.isalnum():
        abort(400, "name must be letters and digits")
    job = Queue(QUEUE, connection=redis()).enqueue(
        tasks.write, name, str(body.get("value", "")), float(body.get("seconds", 0))
    )
    return jsonify(id=job.id), 202


@app.get("/jobs/<job_id>")
def status(job_id: str):
    job = Job.fetch(job_id, connection=redis())
    return jsonify(id=job.id, status=job.get_status(), result=job.result)
