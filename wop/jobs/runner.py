"""Runs one attempt of a job inside a Celery task and turns every outcome into a job state."""
import logging
import traceback

from billiard.exceptions import SoftTimeLimitExceeded

from ..providers.errors import ProviderError
from .engine import JobCancelled, JobRun, JobSuperseded

log = logging.getLogger(__name__)


def run_job(job_id: str, fn) -> None:
    run = JobRun.claim(job_id)
    if run is None:
        return  # finished, cancelled, or owned by a live attempt: this message is stale
    try:
        fn(run)
    except JobCancelled as stop:
        run.cancelled(stop.reason)
    except JobSuperseded:
        log.info("Job %s was taken over by a newer attempt; this one stops.", job_id)
    except ProviderError as err:
        if err.transient:
            run.retry_later(err.message, err.detail)
        else:
            run.fail(err.message, err.detail)
    except SoftTimeLimitExceeded:
        run.fail("This job ran past the time limit (55 minutes) and was stopped.", "soft time limit exceeded")
    except Exception as exc:
        log.exception("Job %s failed", job_id)
        run.fail("Something went wrong while running this job; the error was recorded for the administrators.",
                 "".join(traceback.format_exception(exc)))
    finally:
        run.release()
