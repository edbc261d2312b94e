"""After an RQ worker stopped (ExecStopPost= of its unit, as the app's user, with the worker's own
environment and arguments): puts back at the head of its queue every job the worker took off the
queue but never started.

Why: RQ (2.x, rq/rq#2236) moves a job from the queue to QUEUE:intermediate (BLMOVE) and only then
marks itself busy. A SIGTERM in between (a deploy's restart, a stop, a reboot) makes the worker
raise StopRequested and exit with the job still in QUEUE:intermediate, status queued: no worker
runs it, and RQ's own maintenance only moves it to the failed registry ("stuck in intermediate
queue") a minute to ten minutes later. Nothing else in RQ hands it back.

A job is put back only when, twice GRACE seconds apart, it is in QUEUE:intermediate, its status
is queued and it is not in the started registry: a live worker (another instance, another server)
moves a job it has just taken into the started registry within milliseconds, and a finished one is
no longer queued. The move is one Lua call (removed from intermediate, then pushed), so two
stopping workers never put the same job back twice.

argv: the arguments the unit's `rq worker` got (parsed by RQ's own command, so --url, --config,
-c settings, queue names and classes mean what they meant to the worker). Never fails the unit:
every problem is one line in the journal and exit 0.
"""
import sys
import time

GRACE = 2.0
MOVE = """
if redis.call('HGET', KEYS[3], 'status') ~= 'queued' then return 0 end
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[2], ARGV[1])
  return 1
end
return 0
"""


def queues_of(argv):
    """The worker's connection and queues, as `rq worker ARGS` would have them."""
    from rq.cli.cli import main as cli
    from rq.cli.helpers import CliConfig, read_config_file

    command = cli.commands["worker"]
    ctx = command.make_context("worker", list(argv), resilient_parsing=True)
    params = dict(ctx.params)
    config = CliConfig(**params)
    settings = read_config_file(config.config) if config.config else {}
    names = params.get("queues") or settings.get("QUEUES", ["default"])
    conn = config.connection
    return conn, config, [config.queue_class(n, connection=conn) for n in names]


def stuck(queue, job_class):
    """Job ids in the queue's intermediate list, still queued and in no started registry."""
    if not hasattr(queue, "intermediate_queue"):
        return []
    out = []
    for job_id in queue.intermediate_queue.get_job_ids():
        if job_id in queue.started_job_registry:
            continue
        status = queue.connection.hget(job_class.key_for(job_id), "status")
        if status == b"queued":
            out.append(job_id)
    return out


def main(argv):
    try:
        conn, config, queues = queues_of(argv)
        first = {q.name: set(stuck(q, config.job_class)) for q in queues}
        if not any(first.values()):
            return 0
        time.sleep(GRACE)
        move = conn.register_script(MOVE)
        for q in queues:
            for job_id in stuck(q, config.job_class):
                if job_id not in first[q.name]:
                    continue
                keys = [q.intermediate_queue.key, q.key, config.job_class.key_for(job_id)]
                if move(keys=keys, args=[job_id]) == 1:
                    print(
                        "rq: job %s was taken off queue %s by this worker as it stopped, never started:"
                        " put back at the head of the queue" % (job_id, q.name),
                        flush=True,
                    )
    except Exception as exc:  # noqa: BLE001 - a stop must never fail on this check
        print("rq: could not check for jobs left by this worker: %s" % exc, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
