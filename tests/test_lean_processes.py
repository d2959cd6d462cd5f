"""Processes load only what they use: the web app, the supervisor (`wop up`) and the scheduler
(`celery -A wop.scheduler beat`) never call an AI provider or transcribe, so they must not import
the provider SDKs or the local Whisper (each costs tens of MiB in every such process); the
supervisor and the scheduler do not load the app at all. Each check runs in a fresh
interpreter, so nothing imported by the test run can hide an import."""

import json
import subprocess
import sys

import pytest

HEAVY = ("anthropic", "openai", "faster_whisper")

ENTRY_POINTS = {
    "web app": "from wop import create_app; create_app()",
    "supervisor": "import wop.cli, wop.supervisor",
    "worker (the Celery app)": "import wop.worker",
    "scheduler": "import wop.scheduler",
}
# The app itself: Flask, SQLAlchemy and the models (about 40 MiB in each process that loads them).
APP = ("flask", "sqlalchemy", "wop.models")


@pytest.mark.parametrize("process", ENTRY_POINTS)
def test_process_does_not_import_provider_sdks_or_audio_libraries(process, service_env):
    loaded = {name.split(".")[0] for name in modules_loaded_by(ENTRY_POINTS[process], service_env)}
    assert "wop" in loaded
    assert not loaded & set(HEAVY), f"the {process} imports {sorted(loaded & set(HEAVY))}"


@pytest.mark.parametrize("process", ["supervisor", "scheduler"])
def test_supervisor_and_scheduler_do_not_load_the_app(process, service_env):
    loaded = modules_loaded_by(ENTRY_POINTS[process], service_env)
    assert "wop" in loaded
    assert not loaded & set(APP), f"the {process} imports {sorted(loaded & set(APP))}"


def modules_loaded_by(code: str, env: dict) -> set[str]:
    code = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_sdk_is_loaded_when_a_model_is_called(service_env, fake_ai):
    """The other side of importing late: a reply still reaches the provider through its SDK."""
    code = (
        "import sys\n"
        "from wop import create_app\n"
        "from wop.providers import llm\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    result = llm.complete([llm.ChatMessage('user', 'hi')], 'test-gpt', app.config)\n"
        "print(bool(result.text), 'openai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=service_env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]
