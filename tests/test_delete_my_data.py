"""Deleting one's data: every row and file of the user goes; other people's words stay."""

import time
from pathlib import Path

import pytest
from sqlalchemy import func, or_, select

from wop.extensions import db
from wop.models import Draft, Job, Node, NodeVersion, TokenCredit, UserProfile
from wop.storage import resolve

MODEL = "test-gpt"


pytestmark = pytest.mark.usefixtures("jobs_ready")


def ask_ai(api, node_id: int) -> dict:
    resp = api.post(f"/api/nodes/{node_id}/llm", json={"model": MODEL})
    assert resp.status_code == 202, resp.get_json()
    job = api.wait_job(resp.get_json()["task_id"])
    assert job["status"] == "completed", job
    return job


def store_file(app, rel: str, *nodes: tuple[int, str]) -> Path:
    """A stored recording or read-aloud file under DATA_DIR/media, and the nodes (id, column) that use it."""
    with app.app_context():
        path = resolve(rel)
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"audio")
        for node_id, column in nodes:
            setattr(db.session.get_one(Node, node_id), column, rel)
        db.session.commit()
    return path


def author_id(app, node_id: int) -> int:
    with app.app_context():
        return db.session.get_one(Node, node_id).user_id


def user_files(app, user_id: int) -> list[Path]:
    """Files in the user's own folders: media/<folder>/<user_id>/… and exports/<user_id>/…"""
    data = Path(app.config["DATA_DIR"])
    found = []
    for path in data.rglob("*"):
        parts = path.relative_to(data).parts
        if path.is_file() and (
            (parts[0] == "media" and parts[2:3] == (str(user_id),))
            or (parts[0] == "exports" and parts[1] == str(user_id))
        ):
            found.append(path)
    return found


def credit_total(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalars(
            select(func.coalesce(func.sum(TokenCredit.tokens), 0)).where(TokenCredit.user_id == user_id)
        ).one()


def rows_of(app, user_id: int, node_ids: list[int]) -> dict:
    with app.app_context():

        def count(model, *where):
            return db.session.scalar(select(func.count()).select_from(model).where(*where))

        return {
            "nodes": count(Node, or_(Node.user_id == user_id, Node.id.in_(node_ids))),
            "versions": count(NodeVersion, NodeVersion.node_id.in_(node_ids)),
            "profiles": count(UserProfile, UserProfile.user_id == user_id),
            "jobs": count(Job, Job.user_id == user_id),
            "credits": count(TokenCredit, TokenCredit.user_id == user_id),
            "drafts": count(Draft, Draft.user_id == user_id),
        }


def parent_of(app, node_id: int) -> int | None:
    with app.app_context():
        return db.session.get_one(Node, node_id).parent_id


def test_confirmation_is_required(alice):
    kept = alice.write("Still here.")
    for payload in (None, {}, {"confirm": "yes"}, {"confirm": "delete"}):
        resp = alice.delete("/api/delete_my_data", json=payload)
        assert resp.status_code == 400 and '{"confirm": "DELETE"}' in resp.get_json()["error"]
    assert alice.get(f"/api/nodes/{kept['id']}").status_code == 200


def test_everything_of_the_user_goes_and_other_peoples_replies_stay(app, alice, bob):
    # Alice's public thread: an AI reply, Bob's reply to it, and an AI reply to Bob.
    root = alice.write("Alice's thread.", privacy="public")
    ai_to_alice = ask_ai(alice, root["id"])["result"]["llm_node_id"]
    bob_reply = bob.write("Bob answers the AI.", parent_id=ai_to_alice, privacy="public")
    ai_to_bob = ask_ai(bob, bob_reply["id"])["result"]["llm_node_id"]
    # Bob's thread: Alice comments, Bob answers her comment.
    bob_root = bob.write("Bob's thread.", privacy="public")
    alice_comment = alice.write("Alice comments.", parent_id=bob_root["id"])
    bob_answer = bob.write("Bob answers Alice.", parent_id=alice_comment["id"], privacy="public")
    assert alice.put(f"/api/nodes/{root['id']}", json={"content": "Alice's thread, edited."}).status_code == 200
    assert alice.put("/api/profile", json={"content": "Alice, in short."}).status_code == 200
    assert alice.put("/api/drafts/new", json={"content": "Half a thought"}).status_code == 200
    ai_to_comment = ask_ai(alice, alice_comment["id"])["result"]["llm_node_id"]
    # Files: Alice's recording; read-aloud audio of AI replies, kept in the model's folder (one
    # file only Alice's reply uses, one shared with the AI reply to Bob); Bob's recording.
    a, b, ai = alice.user["id"], bob.user["id"], author_id(app, ai_to_alice)
    alice_audio = store_file(app, f"audio/{a}/rec.webm", (root["id"], "audio_original_path"))
    ai_audio = store_file(app, f"tts/{ai}/only-alice.mp3", (ai_to_alice, "audio_tts_path"))
    shared_audio = store_file(
        app, f"tts/{ai}/shared.mp3", (ai_to_comment, "audio_tts_path"), (ai_to_bob, "audio_tts_path")
    )
    bobs_audio = store_file(app, f"audio/{b}/rec.webm", (bob_root["id"], "audio_original_path"))
    export = alice.post("/api/export/threads").get_json()["task_id"]
    assert alice.wait_job(export)["status"] == "completed"

    alice_nodes = [root["id"], ai_to_alice, alice_comment["id"], ai_to_comment]
    assert all(rows_of(app, alice.user["id"], alice_nodes).values())
    assert len(user_files(app, alice.user["id"])) == 2  # the recording and the export
    bob_credit = credit_total(app, bob.user["id"])
    assert bob_credit > 0

    resp = alice.delete("/api/delete_my_data", json={"confirm": "DELETE"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["deleted"] == {
        "nodes": 2,
        "ai_replies": 2,
        "versions": 1,
        "profiles": 1,
        "drafts": 1,
        "token_credits": 3,
        "jobs": 3,
        "replies_kept": 2,
    }

    assert rows_of(app, alice.user["id"], alice_nodes) == {
        "nodes": 0,
        "versions": 0,
        "profiles": 0,
        "jobs": 0,
        "credits": 0,
        "drafts": 0,
    }
    assert user_files(app, alice.user["id"]) == []
    assert not alice_audio.exists() and not ai_audio.exists()
    assert shared_audio.exists() and bobs_audio.exists()  # the AI reply to Bob still uses the shared one
    # Bob's words stay: under Alice's deleted thread his reply becomes a thread of its own (with its
    # AI reply); in his own thread his answer moves up to the entry Alice commented on.
    assert parent_of(app, bob_reply["id"]) is None
    assert parent_of(app, ai_to_bob) == bob_reply["id"]
    assert parent_of(app, bob_answer["id"]) == bob_root["id"]
    assert credit_total(app, bob.user["id"]) == bob_credit
    # The account stays, empty.
    mine = alice.get("/api/export").get_json()
    assert mine["user"]["username"] == alice.username
    assert mine["nodes"] == mine["versions"] == mine["profiles"] == mine["jobs"] == mine["drafts"] == []
    assert alice.get("/api/profile").status_code == 404


def test_a_running_job_is_stopped_and_leaves_nothing(app, alice, fake_ai):
    node = alice.write("Answer me slowly.")
    fake_ai.set_latency(2)
    task_id = alice.post(f"/api/nodes/{node['id']}/llm", json={"model": MODEL}).get_json()["task_id"]
    alice.wait_job(task_id, until=("processing",))
    waiting = alice.post("/api/export/threads").get_json()["task_id"]
    assert alice.delete("/api/delete_my_data", json={"confirm": "DELETE"}).status_code == 200
    time.sleep(3)  # past the fake provider's answer: the job would have saved its reply by now
    with app.app_context():
        assert db.session.get(Job, task_id) is None and db.session.get(Job, waiting) is None
        assert db.session.scalar(select(Node).where(Node.source_job_id == task_id)) is None
    assert user_files(app, alice.user["id"]) == []
