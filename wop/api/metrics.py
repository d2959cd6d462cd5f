"""GET /metrics: Prometheus metrics. For operators: this machine (no proxy in between) and
administrators.

Two sources: the state of the installation, read from the database and Redis at each scrape
(queue lengths, workers, jobs by status, the oldest pending job), and what the processes of
this host counted as they worked (jobs, provider calls, tokens, HTTP requests: wop/metrics.py),
added up from their files in the metrics folder (wop/metrics_files.py).
"""

from collections.abc import Iterator
from datetime import timedelta

from flask import Blueprint, Response, current_app
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from ..errors import Forbidden
from ..extensions import db
from ..metrics import add_every_process
from ..models import Job, JobStatus
from ..models.base import utcnow
from ..queues import QUEUES
from .health import operator_may_see

bp = Blueprint("metrics", __name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
WORKER_PING_SECONDS = 1.0
RECENT = timedelta(hours=24)


class _Installation(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from _queues()
        yield from _jobs()
        yield _workers()


def _queues() -> Iterator[Metric]:
    from ..redis_client import redis_client

    up = GaugeMetricFamily("wop_redis_up", "1 when Redis answers")
    lengths = GaugeMetricFamily("wop_queue_length", "Messages waiting in each queue", labels=["queue"])
    try:
        client = redis_client()
        for name in QUEUES:
            lengths.add_metric([name], client.llen(name))
        up.add_metric([], 1)
    except Exception:
        up.add_metric([], 0)
    yield up
    yield lengths


def _jobs() -> Iterator[Metric]:
    by_status = GaugeMetricFamily(
        "wop_jobs",
        "Jobs by kind and status (finished ones: those that ended in the last 24 h)",
        labels=["kind", "status"],
    )
    since = utcnow() - RECENT
    active = select(Job.kind, Job.status, func.count()).where(Job.status.in_((JobStatus.PENDING, JobStatus.PROCESSING)))
    finished = select(Job.kind, Job.status, func.count()).where(
        Job.status.in_((JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)), Job.finished_at >= since
    )
    for query in (active, finished):
        for kind, status, count in db.session.execute(query.group_by(Job.kind, Job.status)):
            by_status.add_metric([kind, str(status)], count)
    oldest = db.session.scalar(select(func.min(Job.created_at)).where(Job.status == JobStatus.PENDING))
    db.session.commit()
    age = GaugeMetricFamily("wop_oldest_pending_job_age_seconds", "Age of the oldest pending job (0: none)")
    age.add_metric([], (utcnow() - oldest).total_seconds() if oldest else 0.0)
    yield by_status
    yield age


def _workers() -> Metric:
    workers = GaugeMetricFamily("wop_workers", "Workers that answered a ping within 1 s")
    try:
        replies = current_app.extensions["celery"].control.ping(timeout=WORKER_PING_SECONDS) or []
    except Exception:
        replies = []
    workers.add_metric([], len(replies))
    return workers


@bp.get("/metrics")
def metrics() -> Response:
    if not operator_may_see():
        raise Forbidden("Metrics are for administrators, or for a scraper on this machine.")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Installation())
    # What every process of this host counted as it worked (wop/metrics.py), added up.
    add_every_process(registry)
    return Response(generate_latest(registry), content_type=CONTENT_TYPE)
