"""The baseline of bench/engine_bench.py: a bare Celery app on the same Redis, whose task does
nothing but say it ran (an RPUSH the sender waits on). No database, no job row."""

import os

import redis
from celery import Celery

app = Celery("raw", broker=os.environ["REDIS_URL"])
app.conf.update(
    task_ignore_result=True,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_default_queue="raw",
    worker_hijack_root_logger=False,
)
_redis = redis.Redis.from_url(os.environ["REDIS_URL"])


@app.task(name="raw.noop")
def noop(reply_key: str) -> None:
    _redis.rpush(reply_key, "done")
