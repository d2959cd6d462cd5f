"""Where the processes of one host keep their Prometheus counters (prometheus-client's
multiprocess mode): one folder, PROMETHEUS_MULTIPROC_DIR, default DATA_DIR/metrics.

Web processes, the worker and its pool processes each write their own files there, and
`/metrics` adds them up, so a scrape of any web process counts the work of every process on
the host. prometheus-client reads the variable when it is first imported: every entry point
(the supervisor, gunicorn's config, create_app) calls `use_metrics_dir` before that, or, when
something imported it earlier, makes it choose again.
Imports nothing heavy, so gunicorn's config and the supervisor may use it.
"""

import os
import re
import sys
from pathlib import Path

from .data_dir import private_dir

ENV = "PROMETHEUS_MULTIPROC_DIR"
_FILE = re.compile(r"_(\d+)\.db$")  # counter_1234.db, histogram_1234.db, gauge_livesum_1234.db


def use_metrics_dir(data_dir: Path | str) -> Path:
    """The folder named by PROMETHEUS_MULTIPROC_DIR, else DATA_DIR/metrics (then put in the
    environment for this process and its children); created private, files of processes that
    no longer run removed."""
    folder = Path(os.environ.get(ENV) or Path(data_dir) / "metrics")
    os.environ[ENV] = str(folder)
    private_dir(folder)
    remove_dead(folder)
    if "prometheus_client.values" in sys.modules:
        from prometheus_client import values

        # Imported before the folder was named: Celery's command line loads its plugins (Flower
        # among them), which import prometheus-client. It chose in-process values then; our
        # metrics take the class when each is made (wop/metrics.py, all labelled: at .labels()).
        values.ValueClass = values.get_value_class()
    return folder


def remove_dead(folder: Path) -> None:
    """Drop the files of processes that are gone (an old run, a replaced pool process): without
    this they pile up, and each scrape reads them all. Their counts go with them, which
    Prometheus's rate() reads as a counter reset."""
    for path in folder.glob("*.db"):
        match = _FILE.search(path.name)
        if match and not _running(int(match.group(1))):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return True
