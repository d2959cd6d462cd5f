"""Read aloud end to end: real Redis, a real Celery worker, the fake AI speech endpoint over HTTP;
and the local espeak-ng provider through the same job code, in this process."""

import shutil
import time
from pathlib import Path

import pytest

from tests.fake_ai import speech_seconds
from wop.audio import probe
from wop.extensions import db
from wop.jobs.runner import run_job
from wop.models import Job, Node
from wop.providers.text_to_speech import get_speaker
from wop.read_aloud import speech_hash
from wop.tasks.tts import FIRST_PART_CHARS, speech_parts, tts
from wop.text_split import split_text

SPEECH = "/audio/speech"


pytestmark = pytest.mark.usefixtures("jobs_ready")


def long_text(chars: int) -> str:
    sentences: list[str] = []
    i = 0
    while sum(len(s) + 1 for s in sentences) < chars:
        i += 1
        sentences.append(f"Sentence number {i} of a long entry, written to be read aloud in several parts.")
    return " ".join(sentences)


def ask(api, node_id, expect=202) -> dict:
    resp = api.post(f"/api/nodes/{node_id}/tts")
    assert resp.status_code == expect, resp.get_json()
    return resp.get_json()


def read_aloud(api, node_id) -> dict:
    """Ask for the audio and wait for the job; returns the finished job."""
    return api.wait_job(ask(api, node_id)["task_id"])


def media_file(app, tts_url: str) -> Path:
    return Path(app.config["DATA_DIR"]) / "media" / tts_url.removeprefix("/api/media/")


def current_hash(app, text: str) -> str:
    with app.app_context():
        return speech_hash(get_speaker(app.config), text)


def test_long_entry_is_read_in_parts_joined_and_served(app, alice, bob, fake_ai):
    text = long_text(9000)
    parts = split_text(text, 4096)
    assert len(parts) == 3
    node = alice.write(text)
    fake_ai.set_latency(0.3)  # long enough to see each part's stage
    task_id = ask(alice, node["id"])["task_id"]
    stages = []
    while (job := alice.get(f"/api/jobs/{task_id}").get_json())["status"] not in ("completed", "failed"):
        if job["stage"] not in stages:
            stages.append(job["stage"])
        time.sleep(0.03)
    assert job["status"] == "completed", job
    assert [s for s in stages if s.startswith("Reading")] == [f"Reading part {i} of 3" for i in (1, 2, 3)]
    # One provider request per part, in order.
    assert [r.json["input"] for r in fake_ai.requests_to(SPEECH)] == parts

    status = alice.get(f"/api/nodes/{node['id']}/tts-status").get_json()
    assert status["task_id"] == task_id and status["progress"] == 100
    digest = current_hash(app, text)
    assert status["result"]["tts_url"] == f"/api/media/tts/{alice.user['id']}/{digest}.mp3" == job["result"]["tts_url"]
    assert alice.get(f"/api/nodes/{node['id']}").get_json()["tts_url"] == status["result"]["tts_url"]
    joined = probe(media_file(app, status["result"]["tts_url"]))
    assert joined.duration_seconds == pytest.approx(sum(speech_seconds(p) for p in parts), abs=0.5)
    assert not list((Path(app.config["DATA_DIR"]) / "tmp").glob("tts-*"))  # scratch folders removed

    partial = alice.get(status["result"]["tts_url"], headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and len(partial.data) == 100
    assert partial.headers["Content-Type"] == "audio/mpeg"
    assert bob.get(status["result"]["tts_url"]).status_code == 404
    alice.put(f"/api/nodes/{node['id']}", json={"privacy": "public"})
    assert bob.get(status["result"]["tts_url"]).status_code == 200


def test_voice_entry_empty_entry_and_overlong_entry_are_refused(app, alice):
    with app.app_context():
        voice = Node(
            user_id=alice.user["id"],
            content="words from a recording",
            audio_original_path=f"audio/{alice.user['id']}/recording.webm",
        )
        blank = Node(user_id=alice.user["id"], content="   ")
        db.session.add_all([voice, blank])
        db.session.commit()
        voice_id, blank_id = voice.id, blank.id
    refused = alice.post(f"/api/nodes/{voice_id}/tts")
    assert refused.status_code == 409
    assert refused.get_json()["error"] == "This entry is a voice recording; play the original instead."
    assert alice.post(f"/api/nodes/{blank_id}/tts").status_code == 400
    too_long = alice.post(f"/api/nodes/{alice.write('x' * 10_001)['id']}/tts")
    assert too_long.status_code == 413 and "10,000 characters" in too_long.get_json()["error"]


def test_duplicate_request_returns_the_active_job(alice, fake_ai):
    fake_ai.set_latency(1.5)
    node = alice.write("Read this once, please.")
    first = ask(alice, node["id"])
    again = ask(alice, node["id"])
    assert again["task_id"] == first["task_id"] and again["status"] in ("pending", "processing")
    assert alice.wait_job(first["task_id"])["status"] == "completed"
    assert len(fake_ai.requests_to(SPEECH)) == 1


def test_same_text_is_read_only_once(app, alice, bob, fake_ai):
    text = "The same words, read the same way, make the same audio."
    private = alice.write(text)
    tts_url = read_aloud(alice, private["id"])["result"]["tts_url"]
    fake_ai.reset()
    # The same entry again: answered at once, no job, no provider call.
    assert ask(alice, private["id"], expect=200)["tts_url"] == tts_url
    # Another entry with the same text: a quick job that reuses the file.
    public = alice.write(text, privacy="public")
    job = read_aloud(alice, public["id"])
    assert job["status"] == "completed" and job["result"]["cached"] is True
    assert job["result"]["tts_url"] == tts_url
    assert fake_ai.requests_to(SPEECH) == []
    # The shared file is served to whoever can read either entry.
    assert bob.get(tts_url).status_code == 200
    assert ask(bob, public["id"], expect=200)["tts_url"] == tts_url


def test_editing_the_text_makes_new_audio(app, alice, fake_ai):
    node = alice.write("The first draft of this entry.")
    old_url = read_aloud(alice, node["id"])["result"]["tts_url"]
    alice.put(f"/api/nodes/{node['id']}", json={"content": "The second draft, quite different."})
    job = read_aloud(alice, node["id"])
    assert job["status"] == "completed"
    new_url = alice.get(f"/api/nodes/{node['id']}/tts-status").get_json()["result"]["tts_url"]
    assert new_url == job["result"]["tts_url"] != old_url
    assert media_file(app, new_url).is_file()
    assert not media_file(app, old_url).exists()  # no entry uses the old audio any more
    assert [r.json["input"] for r in fake_ai.requests_to(SPEECH)][-1] == "The second draft, quite different."


def test_text_edited_while_reading_is_stored_as_what_was_read(app, alice, fake_ai):
    fake_ai.set_latency(1.5)
    node = alice.write("What the job started with.")
    task_id = ask(alice, node["id"])["task_id"]
    deadline = time.monotonic() + 30
    while not fake_ai.requests_to(SPEECH):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    alice.put(f"/api/nodes/{node['id']}", json={"content": "What the entry says now."})
    assert alice.wait_job(task_id)["status"] == "completed"
    with app.app_context():
        assert db.session.get_one(Node, node["id"]).audio_tts_hash == current_hash(app, "What the job started with.")
    fake_ai.set_latency(0)
    assert read_aloud(alice, node["id"])["status"] == "completed"  # stale: read again
    assert fake_ai.requests_to(SPEECH)[-1].json["input"] == "What the entry says now."
    with app.app_context():
        assert db.session.get_one(Node, node["id"]).audio_tts_hash == current_hash(app, "What the entry says now.")


def test_transient_provider_error_is_retried(alice, fake_ai):
    fake_ai.fail_next(2, status=503)  # outlasts the SDK's own retry: the engine retries the job
    job = read_aloud(alice, alice.write("A server hiccup.")["id"])
    assert job["status"] == "completed" and job["attempts"] == 2
    assert len(fake_ai.requests_to(SPEECH)) == 3


def test_other_users_cannot_request_or_follow(alice, bob, make_user):
    private = alice.write("Only for me.")
    assert bob.post(f"/api/nodes/{private['id']}/tts").status_code == 404
    assert bob.get(f"/api/nodes/{private['id']}/tts-status").status_code == 404
    public = alice.write("For everyone.", privacy="public")
    task_id = ask(alice, public["id"])["task_id"]
    assert bob.get(f"/api/nodes/{public['id']}/tts-status").status_code == 404  # not his job
    assert make_user(admin=True).get(f"/api/nodes/{public['id']}/tts-status").status_code == 404  # nor an admin's
    assert alice.wait_job(task_id)["status"] == "completed"


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_local_provider_runs_the_same_job_in_process(app, alice):
    node = alice.write("Reading aloud works without any network at all. This is the second sentence.")
    with app.app_context():
        job = Job(kind="tts", user_id=alice.user["id"], node_id=node["id"], params={"provider": "local"}, queue="audio")
        db.session.add(job)
        db.session.commit()
        run_job(job.id, tts)
        db.session.expire_all()
        done = db.session.get_one(Job, job.id)
        assert done.status == "completed", done.error_detail
        assert done.result is not None and done.result["provider"] == "local" and done.result["parts"] == 1
        assert probe(media_file(app, done.result["tts_url"])).duration_seconds > 2


def test_the_local_voice_reads_a_short_first_part_so_playing_starts_soon(app):
    text = long_text(7000)
    local, cloud = get_speaker(app.config, "local"), get_speaker(app.config, "openai")
    parts = speech_parts(text, local)
    assert len(parts[0]) <= FIRST_PART_CHARS < len(split_text(text, local.max_chars)[0])
    assert all(len(p) <= local.max_chars for p in parts)
    assert " ".join(parts).split() == text.split()  # every word, once, in order
    assert speech_parts(text, cloud) == split_text(text, cloud.max_chars)  # as many requests as needed, no more
    assert speech_parts("Short.", local) == ["Short."]
