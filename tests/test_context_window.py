"""A thread longer than the model reads is trimmed to fit, and the model list says how much
each model reads."""

import time

import pytest

from wop.model_catalog import CatalogError, ModelSpec, load_catalog
from wop.models import Node
from wop.providers.llm import ChatMessage
from wop.tasks.llm_reply import (
    ESTIMATE_MARGIN,
    MESSAGE_OVERHEAD,
    SYSTEM_PROMPT,
    Part,
    ThreadTooLong,
    fit,
)
from wop.tokens import count_tokens


def sent_conversation(fake_ai) -> list[tuple[str, str]]:
    [request] = fake_ai.requests_to("/chat/completions")
    return [(m["role"], m["content"]) for m in request.json["messages"] if m["role"] != "system"]


@pytest.mark.usefixtures("jobs_ready")
def test_a_thread_longer_than_the_model_reads_is_trimmed(app, alice, fake_ai):
    parent, ids = None, []
    for i in range(1, 41):
        parent = alice.write(f"ENTRY-{i:02d} " + "words to fill the thread " * 8, parent_id=parent)["id"]
        ids.append(parent)
    fake_ai.set_latency(3)  # long enough to read the stage while the model is asked
    task_id = alice.post(f"/api/nodes/{ids[-1]}/llm", json={"model": "test-small"}).get_json()["task_id"]
    job = alice.wait_job(task_id, until=("completed", "failed", "cancelled", "processing"))
    deadline = time.monotonic() + 60
    while job["status"] == "processing" and not job["stage"].startswith("Sending") and time.monotonic() < deadline:
        time.sleep(0.05)
        job = alice.get(f"/api/jobs/{task_id}").get_json()
    stage = job["stage"]
    job = alice.wait_job(task_id)
    assert job["status"] == "completed", job

    convo = sent_conversation(fake_ai)
    newest = len(convo) - 2
    left_out = 40 - 1 - newest
    assert 0 < newest < 39 and job["result"]["entries_left_out"] == left_out
    assert stage == (
        f"Sending the first and the newest {newest} of 40 entries (the thread is longer than the model reads)"
    )
    assert convo[0][1].startswith(f"{alice.username}: ENTRY-01 ")
    assert convo[1] == (
        "user",
        (f"[{left_out} earlier entries in this thread are left out here: the thread is longer than the model reads]"),
    )
    assert [text.split()[1] for _role, text in convo[2:]] == [f"ENTRY-{i:02d}" for i in range(41 - newest, 41)]
    with app.app_context():
        budget = load_catalog(app.config).get("test-small").input_budget() * ESTIMATE_MARGIN
    sent = count_tokens(SYSTEM_PROMPT) + sum(count_tokens(text) for _role, text in convo)
    assert sent + MESSAGE_OVERHEAD * (len(convo) + 1) <= budget


def test_fitting_keeps_the_newest_entry_first_and_says_when_even_that_is_too_long():
    def entry(words: int) -> Part:
        return Part(ChatMessage("user", "word " * words), node=Node())

    system = count_tokens(SYSTEM_PROMPT) + MESSAGE_OVERHEAD
    small = entry(10)
    parts = [entry(400), small, small, small]  # a first entry too long to keep beside the newest
    budget = system + 3 * small.tokens + 40
    fitted = fit(parts, budget)
    assert fitted.trimmed and not fitted.first_sent and fitted.newest_sent >= 1
    assert fitted.parts[0].message.content.startswith("[") and fitted.parts[-1] is small
    assert fitted.stage.startswith(f"Sending the newest {fitted.newest_sent} of 4 entries")
    assert fit(parts, 10**6).parts == parts and not fit(parts, 10**6).trimmed
    with pytest.raises(ThreadTooLong):
        fit([small, entry(400)], budget)


def test_the_model_list_gives_each_model_its_context_window(tmp_path):
    path = tmp_path / "models.toml"
    path.write_text(
        '[[models]]\nid = "m"\nprovider = "openai"\napi_model = "m"\ncontext_window = 8000\nmax_tokens = 500\n'
    )
    spec = load_catalog({"MODELS_FILE": str(path)}).get("m")
    assert spec.context_window == 8000 and spec.input_budget() == 7500
    assert ModelSpec("d", "openai", "d", "D").input_budget() == 128_000 - 4096  # the documented defaults
    for bad in ("context_window = 0", 'context_window = "big"', "context_window = 400\nmax_tokens = 500"):
        path.write_text(f'[[models]]\nid = "m"\nprovider = "openai"\napi_model = "m"\n{bad}\n')
        with pytest.raises(CatalogError, match=r"context_window|max_tokens"):
            load_catalog({"MODELS_FILE": str(path)})
