"""Jobs live: a real worker publishes what happens to a job, and the real web server streams it
(GET /api/events) — an AI reply word by word before the job completes, read-aloud part by part,
a transcript piece by piece — while GET /api/jobs/<id> shows a page opened mid-job what exists."""

import json
import time

import pytest

from tests.helpers import browser_session
from tests.sse import open_stream
from wop import events
from wop.extensions import db
from wop.jobs.runner import run_job
from wop.models import Job

MODEL = "test-gpt"
pytestmark = pytest.mark.usefixtures("jobs_ready")


def follow_until_finished(stream, task_id: str, limit: int = 500) -> list[dict]:
    """Every event of the stream about `task_id` until its job event says it finished."""
    seen = []
    for _ in range(limit):
        event = stream.event()
        data = event["data"]
        if data.get("task_id") != task_id:
            continue
        seen.append(event)
        if event["event"] == "job" and data["status"] in ("completed", "failed", "cancelled"):
            return seen
    raise AssertionError(f"job {task_id} did not finish within {limit} events")


def test_an_ai_reply_streams_before_its_job_completes(live_server, alice, fake_ai):
    fake_ai.set_reply_words(60)
    fake_ai.set_stream_delay(0.03)  # about two seconds of writing
    http = browser_session(live_server.url, alice)
    node = http.post(f"{live_server.url}/api/nodes/", json={"content": "Tell me a long story."}).json()
    with open_stream(f"{live_server.url}/api/events", http, read_timeout=30) as stream:
        task_id = http.post(f"{live_server.url}/api/nodes/{node['id']}/llm", json={"model": MODEL}).json()["task_id"]
        seen = follow_until_finished(stream, task_id)
    statuses = [e["data"]["status"] for e in seen if e["event"] == "job"]
    assert statuses[-1] == "completed" and statuses.index("processing") < statuses.index("completed")
    texts = [e["data"] for e in seen if e["event"] == "text"]
    assert len(texts) >= 3  # batched, but many times during two seconds of writing
    assert [t["offset"] for t in texts] == [sum(len(x["delta"]) for x in texts[:i]) for i in range(len(texts))]
    assert all(t["node_id"] == node["id"] for t in texts)
    first_text = next(i for i, e in enumerate(seen) if e["event"] == "text")
    assert first_text < len(seen) - 1  # text arrived while the job was still running
    reply = seen[-1]["data"]["result"]["node"]
    assert "".join(t["delta"] for t in texts) == reply["content"]
    assert [int(p) for p in seen[0]["id"].split("-")] < [int(p) for p in seen[-1]["id"].split("-")]


def test_a_page_opened_mid_reply_gets_the_text_so_far(live_server, alice, fake_ai):
    fake_ai.set_reply_words(80)
    fake_ai.set_stream_delay(0.05)
    node = alice.write("Write slowly, please.")
    task_id = alice.post(f"/api/nodes/{node['id']}/llm", json={"model": MODEL}).get_json()["task_id"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job = alice.get(f"/api/jobs/{task_id}").get_json()
        if len(job.get("partial_text", "")) >= len("Reply from"):
            break
        time.sleep(0.05)
    # The first piece is sent at once: it may be the first word alone.
    assert job["status"] == "processing" and job["partial_text"] and "Reply from".startswith(job["partial_text"][:10])
    done = alice.wait_job(task_id)
    assert done["result"]["node"]["content"].startswith(job["partial_text"])
    assert "partial_text" not in done


def test_reconnecting_mid_job_replays_what_was_missed(live_server, alice, fake_ai):
    fake_ai.set_reply_words(60)
    fake_ai.set_stream_delay(0.03)
    http = browser_session(live_server.url, alice)
    node = http.post(f"{live_server.url}/api/nodes/", json={"content": "Lose the connection."}).json()
    with open_stream(f"{live_server.url}/api/events", http, read_timeout=30) as stream:
        task_id = http.post(f"{live_server.url}/api/nodes/{node['id']}/llm", json={"model": MODEL}).json()["task_id"]
        before = [stream.event() for _ in range(3)]  # then the connection drops
    time.sleep(0.5)
    with open_stream(f"{live_server.url}/api/events", http, headers={"Last-Event-ID": before[-1]["id"]}) as stream:
        after = follow_until_finished(stream, task_id)
    texts = [e["data"] for e in before + after if e["event"] == "text" and e["data"]["task_id"] == task_id]
    assert [t["offset"] for t in texts] == [sum(len(x["delta"]) for x in texts[:i]) for i in range(len(texts))]
    assert "".join(t["delta"] for t in texts) == after[-1]["data"]["result"]["node"]["content"]


def test_another_users_stream_never_carries_my_job(live_server, alice, bob, fake_ai):
    alices, bobs = browser_session(live_server.url, alice), browser_session(live_server.url, bob)
    node = alice.write("Private to Alice, and so is its reply.")
    with open_stream(f"{live_server.url}/api/events", bobs, read_timeout=30) as watching:
        task_id = alices.post(f"{live_server.url}/api/nodes/{node['id']}/llm", json={"model": MODEL}).json()["task_id"]
        assert alice.wait_job(task_id)["status"] == "completed"
        own = bob.write("Bob's own question.")
        bobs_task = bobs.post(f"{live_server.url}/api/nodes/{own['id']}/llm", json={"model": MODEL}).json()["task_id"]
        first = watching.event()
    assert first["data"]["task_id"] == bobs_task  # nothing of Alice's came before Bob's own


def test_a_cancel_mid_reply_ends_the_stream_and_the_provider_call(live_server, alice, fake_ai):
    fake_ai.set_reply_words(400)
    fake_ai.set_stream_delay(0.05)
    http = browser_session(live_server.url, alice)
    node = http.post(f"{live_server.url}/api/nodes/", json={"content": "Go on forever."}).json()
    with open_stream(f"{live_server.url}/api/events", http, read_timeout=30) as stream:
        task_id = http.post(f"{live_server.url}/api/nodes/{node['id']}/llm", json={"model": MODEL}).json()["task_id"]
        while stream.event()["event"] != "text":
            pass
        # 202 while the worker stops; 200 when it stopped before the answer was written.
        assert http.post(f"{live_server.url}/api/jobs/{task_id}/cancel").status_code in (200, 202)
        seen = follow_until_finished(stream, task_id)
    assert seen[-1]["data"]["status"] == "cancelled"
    deadline = time.monotonic() + 5
    while fake_ai.aborted_streams == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake_ai.aborted_streams == 1


def test_read_aloud_parts_are_playable_before_the_whole_is_joined(live_server, alice, bob, fake_ai):
    sentence = "Every morning I write for an hour before anyone else in the house is awake. "
    text = sentence * 120  # about 9,000 characters: three parts of at most 4,096
    http = browser_session(live_server.url, alice)
    node = http.post(f"{live_server.url}/api/nodes/", json={"content": text, "privacy": "public"}).json()
    with open_stream(f"{live_server.url}/api/events", http, read_timeout=60) as stream:
        task_id = http.post(f"{live_server.url}/api/nodes/{node['id']}/tts").json()["task_id"]
        seen = follow_until_finished(stream, task_id)
    parts = [e["data"] for e in seen if e["event"] == "part"]
    assert [(p["index"], p["count"], p["kind"]) for p in parts] == [(1, 3, "tts"), (2, 3, "tts"), (3, 3, "tts")]
    done = next(i for i, e in enumerate(seen) if e["event"] == "job" and e["data"]["status"] == "completed")
    assert seen.index(next(e for e in seen if e["event"] == "part")) < done
    first = http.get(f"{live_server.url}{parts[0]['url']}")
    assert first.status_code == 200 and first.headers["Content-Type"] == "audio/mpeg" and len(first.content) > 1000
    assert parts[0]["seconds"] > 1
    assert bob.get(parts[0]["url"]).status_code == 404  # a job's parts are its owner's
    assert seen[-1]["data"]["result"]["tts_url"].startswith("/api/media/tts/")


def test_a_transcript_grows_part_by_part(app, alice, fake_ai, monkeypatch, tmp_path):
    """Run in this process (as a worker would) with ten-second parts, so a half-minute recording
    gives three: each part's text is published as soon as it is transcribed, in order."""
    from tests.audio_samples import make_speech
    from wop.providers.speech_to_text import OpenAITranscriber
    from wop.tasks.transcription import transcribe

    monkeypatch.setattr(OpenAITranscriber, "part_seconds", 10)
    words = "I walked to the sea today and the water was grey and calm like a sheet of tin. " * 5
    recording = make_speech(tmp_path / "walk.wav", words)  # about 25 seconds
    with recording.open("rb") as audio:
        node = alice.post("/api/nodes/", data={"audio_file": (audio, "walk.wav")}).get_json()
    alice.wait_job(node["task_id"])  # the worker's own run; now run it again here, part by part
    with app.app_context():
        job = Job(
            kind="transcription",
            user_id=alice.user["id"],
            node_id=node["id"],
            params={"provider": "openai"},
            queue="audio",
        )
        db.session.add(job)
        db.session.commit()
        start = events.resume_point(alice.user["id"], None)[0]
        run_job(job.id, transcribe)
        published = events.read(alice.user["id"], start, 0.1)
        content = db.session.get(Job, job.id)
    texts = [json.loads(e.data) for e in published if e.event == "part"]
    assert [(t["index"], t["count"], t["kind"]) for t in texts] == [
        (1, 3, "transcription"),
        (2, 3, "transcription"),
        (3, 3, "transcription"),
    ]
    assert all(f"part-{i - 1:05d}.mp3" in t["text"] for i, t in enumerate(texts, 1))  # the fake names each part
    assert content is not None and content.status == "completed"
