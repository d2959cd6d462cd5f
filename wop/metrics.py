"""The counters and histograms each process adds to as it works (jobs, provider calls, tokens,
HTTP requests). In multiprocess mode (wop/metrics_files.py) each process writes them to its own
files and `/metrics` adds up every process's; wop/api/metrics.py adds what is read at scrape
time (queue lengths, workers, the oldest pending job)."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess

# Seconds: from a quick reply to the hour-long time limit.
JOB_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)

JOBS_STARTED = Counter("wop_jobs_started", "Job attempts that claimed their job", ["kind"])
JOBS_FINISHED = Counter(
    "wop_jobs_finished",
    "Job attempts by how they ended: completed, failed, cancelled, retrying, superseded, interrupted",
    ["kind", "outcome"],
)
JOB_DURATION = Histogram("wop_job_duration_seconds", "How long a job attempt ran", ["kind"], buckets=JOB_BUCKETS)
JOB_WAIT = Histogram(
    "wop_job_wait_seconds",
    "How long a job waited, from being sent to a worker claiming it",
    ["kind"],
    buckets=JOB_BUCKETS,
)
PROVIDER_CALLS = Counter("wop_provider_calls", "Calls to AI providers", ["provider", "operation"])
PROVIDER_ERRORS = Counter(
    "wop_provider_errors", "Failed provider calls, by the kind of error (the exception's class)", ["provider", "error"]
)
TOKENS = Counter("wop_tokens", "Tokens used by AI replies and profiles, by catalog model", ["model", "direction"])
HTTP_REQUESTS = Counter("wop_http_requests", "HTTP requests by route (the URL rule) and status", ["route", "status"])
HTTP_LATENCY = Histogram(
    "wop_http_request_duration_seconds", "Time to answer a request (streams: until they start)", ["route"]
)

# Job log events that end an attempt (wop/jobs/job_log.py).
ENDINGS = ("completed", "failed", "cancelled", "retrying", "superseded", "interrupted", "deleted", "ended")


def count_job_event(event: str, kind: str, duration: float | None) -> None:
    if event == "started":
        JOBS_STARTED.labels(kind).inc()
    elif event in ENDINGS:
        JOBS_FINISHED.labels(kind, event).inc()
        if duration is not None:
            JOB_DURATION.labels(kind).observe(duration)


@contextmanager
def provider_call(provider: str, operation: str) -> Iterator[None]:
    """Count a call to `provider`, and its failure by the class of the error behind it (the
    vendor SDK's, e.g. RateLimitError, when ours wraps one)."""
    PROVIDER_CALLS.labels(provider, operation).inc()
    try:
        yield
    except Exception as exc:
        if type(exc).__name__ not in ("JobCancelled", "JobSuperseded"):  # the job stopped, not the provider
            cause = exc.__cause__ if exc.__cause__ is not None else exc
            PROVIDER_ERRORS.labels(provider, type(cause).__name__).inc()
        raise


P = ParamSpec("P")
R = TypeVar("R")


def counted_call(operation: str) -> Callable[[Callable[Concatenate[Any, P], R]], Callable[Concatenate[Any, P], R]]:
    """A provider method counted by `provider_call`, the provider being the instance's `name`."""

    def decorator(method: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], R]:
        def wrapper(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with provider_call(self.name, operation):
                return method(self, *args, **kwargs)

        return wrapper

    return decorator


def count_tokens_used(model: str, input_tokens: int, output_tokens: int) -> None:
    TOKENS.labels(model, "input").inc(input_tokens)
    TOKENS.labels(model, "output").inc(output_tokens)


def count_requests(app: Any) -> None:
    """Count every request by its route, the URL rule (`/api/nodes/<int:node_id>`, never the
    raw path, which would make a series per entry), and its status, with its latency."""
    from flask import Response, g, request

    @app.before_request
    def _start_clock() -> None:
        g.metrics_started = time.monotonic()

    @app.after_request
    def _count(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        HTTP_REQUESTS.labels(route, str(response.status_code)).inc()
        started = g.get("metrics_started")
        if started is not None:
            HTTP_LATENCY.labels(route).observe(time.monotonic() - started)
        return response


def add_every_process(registry: CollectorRegistry) -> None:
    """Serve, from `registry`, what every process of this host counted (their files, added up)."""
    multiprocess.MultiProcessCollector(registry)


def process_ended(pid: int) -> None:
    """A process that ended no longer counts in live gauges; its counters stay."""
    multiprocess.mark_process_dead(pid)
