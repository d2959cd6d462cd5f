"""The metrics folder keeps the files of running processes and drops those of ended ones."""

import os
import subprocess
import sys

from wop.metrics_files import ENV, use_metrics_dir


def test_files_of_ended_processes_are_removed(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone_pid = int(ended.stdout)
    folder = tmp_path / "metrics"
    folder.mkdir()
    mine = folder / f"counter_{os.getpid()}.db"
    gone = folder / f"histogram_{gone_pid}.db"
    mine.write_bytes(b"x")
    gone.write_bytes(b"x")
    assert use_metrics_dir(tmp_path) == folder
    assert os.environ[ENV] == str(folder)
    assert mine.exists() and not gone.exists()


def test_a_named_folder_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, str(tmp_path / "elsewhere"))
    assert use_metrics_dir(tmp_path / "data") == tmp_path / "elsewhere"
    assert (tmp_path / "elsewhere").is_dir()


def test_counts_go_to_the_folder_even_when_prometheus_client_was_imported_first(tmp_path):
    """Celery's command line imports its plugins (Flower's among them, which imports
    prometheus-client) before the app names the folder: counts must reach the folder anyway."""
    script = (
        "import prometheus_client\n"
        "from wop.metrics_files import use_metrics_dir\n"
        f"use_metrics_dir({str(tmp_path)!r})\n"
        "from wop.metrics import JOBS_STARTED\n"
        "JOBS_STARTED.labels('llm_reply').inc()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != ENV}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    assert [p.name.split("_")[0] for p in (tmp_path / "metrics").glob("*.db")] == ["counter"]
