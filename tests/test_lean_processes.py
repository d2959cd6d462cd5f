"""Processes load only what they use: the web app, the supervisor (`wop up`) and the scheduler
(`celery -A wop.worker beat`) never call an AI provider or transcribe, so they must not import
the provider SDKs or the local Whisper (each costs tens of MiB in every such process). Each
check runs in a fresh interpreter, so nothing imported by the test run can hide an import."""

import json
import subprocess
import sys

import pytest

HEAVY = ("anthropic", "openai", "faster_whisper")

ENTRY_POINTS = {
    "web app": "from wop import create_app; create_app()",
    "supervisor": "import wop.cli, wop.supervisor",
    "scheduler and worker (the Celery app)": "import wop.worker",
}


@pytest.mark.parametrize("process", ENTRY_POINTS)
def test_process_does_not_import_provider_sdks_or_audio_libraries(process, service_env):
    code = f"{ENTRY_POINTS[process]}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], env=service_env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    loaded = {name.split(".")[0] for name in json.loads(out.stdout.strip().splitlines()[-1])}
    assert "wop" in loaded
    assert not loaded & set(HEAVY), f"the {process} imports {sorted(loaded & set(HEAVY))}"


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
