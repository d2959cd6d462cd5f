"""The one settings object: read once from the environment, validated, defaults in one place."""

import subprocess
import sys
from pathlib import Path

import pytest

from wop.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JOB_MAX_ATTEMPTS", "three"),
        ("PORT", "70000"),
        ("TTS_PROVIDER", "cloud"),
        ("DATABASE_URL", "mysql://db/wop"),
        ("LOGIN_RATE_LIMIT", "often"),
        ("DEFAULT_PRIVACY", "friends"),
        ("PROVIDER_TIMEOUT", "-1"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert name in str(refused.value) and repr(value) in str(refused.value)


def test_defaults_serve_one_machine_with_no_setup():
    settings = Settings.of(DATA_DIR="relative/place")
    assert settings.DATA_DIR.is_absolute() and settings.DATA_DIR.name == "place"
    assert settings.database_url == f"sqlite:///{settings.DATA_DIR / 'wop.sqlite3'}"
    assert settings.redis_url == "redis://127.0.0.1:6379/0" and settings.REDIS_URL is None
    assert (settings.TTS_PROVIDER, settings.TRANSCRIPTION_PROVIDER, settings.DEFAULT_PRIVACY) == (
        "auto",
        "auto",
        "private",
    )


def test_the_forms_hosts_hand_out_are_understood(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/wop")
    monkeypatch.setenv("TTS_PROVIDER", " Local ")
    settings = load_settings()
    assert settings.database_url == "postgresql+psycopg://u:p@db/wop" and settings.TTS_PROVIDER == "local"


def test_an_empty_variable_means_the_default(monkeypatch):
    monkeypatch.setenv("JOB_MAX_ATTEMPTS", "")
    assert load_settings().JOB_MAX_ATTEMPTS == 3


def test_wop_up_stops_at_once_on_a_bad_setting(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "JOB_STALE_SECONDS": "soon"}
    done = subprocess.run(
        [sys.executable, "-m", "wop.supervisor"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "JOB_STALE_SECONDS" in done.stdout + done.stderr and "'soon'" in done.stdout + done.stderr
