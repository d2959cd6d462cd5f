"""Exports: the streamed JSON dump, the readable thread file (a job), its download and expiry."""

import json
import os
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from wop.exports import account_data
from wop.exports.threads import thread_texts
from wop.extensions import db
from wop.models import Node
from wop.tasks.llm_reply import model_account
from wop.tasks.maintenance import expire_exports_task

pytestmark = pytest.mark.usefixtures("jobs_ready")


def set_created(app, times: dict[int, datetime]) -> None:
    with app.app_context():
        for node_id, when in times.items():
            db.session.execute(update(Node).where(Node.id == node_id).values(created_at=when))
        db.session.commit()


def ai_reply(app, parent_id: int, text: str, model: str = "test-gpt") -> int:
    """An AI reply written straight to the database (the reply job itself is tested elsewhere)."""
    with app.app_context():
        node = Node(
            user_id=model_account(model).id,
            parent_id=parent_id,
            node_type="llm",
            llm_model=model,
            privacy="public",
            content=text,
        )
        db.session.add(node)
        db.session.commit()
        return node.id


@pytest.fixture
def branching_tree(app, alice, bob):
    """Alice's two threads; the newer one branches three ways, with a hidden and a deleted reply."""
    older = alice.write("An older thread.")
    root = alice.write("How do I begin?\nI keep stalling.", privacy="public")
    answer = ai_reply(app, root["id"], "Start with one scene.")
    follow = alice.write("Which scene?", parent_id=answer)
    bobs = bob.write("Write badly first.", parent_id=root["id"], privacy="public")
    hidden = bob.write("A private note under Alice's entry.", parent_id=root["id"], privacy="private")
    gone = alice.write("Never mind.", parent_id=root["id"])
    assert alice.delete(f"/api/nodes/{gone['id']}").status_code == 204
    day = datetime(2026, 11, 2)
    set_created(
        app,
        {
            older["id"]: day.replace(hour=8),
            root["id"]: day.replace(hour=9),
            answer: day.replace(hour=9, minute=1),
            bobs["id"]: day.replace(hour=9, minute=2),
            hidden["id"]: day.replace(hour=9, minute=3),
            gone["id"]: day.replace(hour=9, minute=4),
            follow["id"]: day.replace(hour=9, minute=5),
        },
    )
    return {"root": root["id"], "older": older["id"]}


def expected_threads(alice, bob) -> list[str]:
    a, b = alice.username, bob.username
    return [
        (
            "=== Thread 1 · started 2026-11-02 09:00 UTC · 5 entries ===\n"
            "\n"
            f"[1] {a} · 2026-11-02 09:00 UTC\n"
            "How do I begin?\n"
            "I keep stalling.\n"
            "\n"
            "[1.1] AI (test-gpt) · 2026-11-02 09:01 UTC · branch 1 of 3\n"
            "Start with one scene.\n"
            "\n"
            f"[1.1.1] {a} · 2026-11-02 09:05 UTC\n"
            "Which scene?\n"
            "\n"
            f"[1.2] {b} · 2026-11-02 09:02 UTC · branch 2 of 3\n"
            "Write badly first.\n"
            "\n"
            f"[1.3] {a} · 2026-11-02 09:04 UTC · branch 3 of 3\n"
            "[deleted]\n"
        ),
        (
            "=== Thread 2 · started 2026-11-02 08:00 UTC · 1 entry ===\n"
            "\n"
            f"[2] {a} · 2026-11-02 08:00 UTC\n"
            "An older thread.\n"
        ),
    ]


def test_thread_text_of_a_branching_tree(app, alice, bob, branching_tree):
    with app.app_context():
        texts = [text for _number, _total, text in thread_texts(alice.user["id"])]
    assert texts == expected_threads(alice, bob)


def run_export(api) -> dict:
    resp = api.post("/api/export/threads")
    assert resp.status_code == 202, resp.get_json()
    assert resp.get_json()["status"] == "pending"
    job = api.wait_job(resp.get_json()["task_id"])
    assert job["status"] == "completed", job
    return job


def export_path(app, api, job) -> Path:
    return Path(app.config["DATA_DIR"]) / "exports" / str(api.user["id"]) / job["result"]["file"]


def test_thread_export_job_writes_the_file_for_its_owner_only(app, alice, bob, branching_tree):
    job = run_export(alice)
    url = job["result"]["download_url"]
    assert url == f"/api/export/download/{job['task_id']}"
    assert job["result"]["threads"] == 2
    resp = alice.get(url)
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = resp.get_data(as_text=True)
    assert text.startswith(f"Write or Perish · threads started by {alice.username}\n")
    assert "2 threads, newest first" in text
    body = text.split("\n\n", 1)[1]
    assert body == "\n".join(expected_threads(alice, bob)) + "\n"
    # No partial files are left next to the export.
    assert [p.name for p in export_path(app, alice, job).parent.iterdir()] == [job["result"]["file"]]
    # Nobody else can fetch it, or even tell that it exists.
    assert bob.get(url).status_code == 404
    assert bob.get(f"/api/jobs/{job['task_id']}").status_code == 404
    assert alice.get("/api/export/download/no-such-task").status_code == 404


def test_download_expires_with_the_file(app, alice):
    alice.write("Something worth keeping.")
    old = run_export(alice)
    fresh = run_export(alice)
    assert old["task_id"] != fresh["task_id"]
    old_file, fresh_file = export_path(app, alice, old), export_path(app, alice, fresh)
    day_old = time.time() - (app.config["EXPORT_TTL_HOURS"] + 1) * 3600
    os.utime(old_file, (day_old, day_old))
    assert alice.get(old["result"]["download_url"]).status_code == 200  # not yet cleaned up
    with app.app_context():
        assert expire_exports_task() >= 1  # what the scheduler runs
    assert not old_file.exists() and fresh_file.exists()
    gone = alice.get(old["result"]["download_url"])
    assert gone.status_code == 410 and "Export again" in gone.get_json()["error"]
    assert alice.get(fresh["result"]["download_url"]).status_code == 200


def test_download_of_a_job_past_its_lifetime_is_gone_even_before_cleanup(app, alice, monkeypatch):
    alice.write("Short-lived.")
    job = run_export(alice)
    monkeypatch.setitem(app.config, "EXPORT_TTL_HOURS", 0)
    assert alice.get(job["result"]["download_url"]).status_code == 410


def test_json_export_is_streamed_and_holds_only_the_callers_data(app, alice, bob, monkeypatch):
    monkeypatch.setattr(account_data, "BATCH", 2)  # several chunks per list
    first = alice.write("First words.", privacy="public")
    ids = [first["id"]] + [alice.write(f"Entry {i}.")["id"] for i in range(4)]
    assert alice.put(f"/api/nodes/{first['id']}", json={"content": "First words, revised."}).status_code == 200
    reply = ai_reply(app, first["id"], "An AI answer.")
    bobs = bob.write("Bob's reply.", parent_id=first["id"], privacy="public")
    bob.write("Bob's own thread.")
    assert alice.put("/api/profile", json={"content": "I write in the mornings."}).status_code == 200
    assert alice.put("/api/drafts/new", json={"content": "Not yet."}).status_code == 200
    assert bob.put("/api/drafts/new", json={"content": "Bob's unsaved words."}).status_code == 200
    assert alice.put("/api/me/preferences", json={"default_privacy": "public"}).status_code == 200
    job = run_export(alice)

    resp = alice.get("/api/export")
    assert resp.status_code == 200 and resp.is_streamed and resp.mimetype == "application/json"
    data = json.loads(resp.get_data(as_text=True))
    assert data["format"] == "write-or-perish-export" and data["user"]["username"] == alice.username
    assert [n["id"] for n in data["nodes"]] == ids
    assert data["nodes"][0]["content"] == "First words, revised."
    assert [n["id"] for n in data["ai_replies"]] == [reply] and bobs["id"] not in [n["id"] for n in data["ai_replies"]]
    assert [v["content"] for v in data["versions"]] == ["First words."]
    assert [p["content"] for p in data["profiles"]] == ["I write in the mornings."]
    assert [j["task_id"] for j in data["jobs"]] == [job["task_id"]]
    assert [d["content"] for d in data["drafts"]] == ["Not yet."]
    assert data["preferences"]["default_privacy"] == "public"

    empty = bob.get("/api/export").get_json()
    assert empty["profiles"] == [] and empty["jobs"] == [] and len(empty["nodes"]) == 2


def test_export_endpoints_need_a_login(app):
    client = app.test_client()
    assert client.get("/api/export").status_code == 401
    assert client.post("/api/export/threads").status_code == 401
