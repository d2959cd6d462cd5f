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
