"""Voice entries end to end: upload, transcription job (fake OpenAI and local Whisper), media."""
import os
import re

import pytest
from sqlalchemy import select

from tests.audio_samples import make_speech, make_tone, transcode
from wop.extensions import db
from wop.models import NodeVersion
from wop.storage import resolve


pytestmark = pytest.mark.usefixtures("jobs_ready")


def upload(api, path, filename=None, mimetype="application/octet-stream", **form):
    with open(path, "rb") as f:
        data = {"audio_file": (f, filename or path.name, mimetype), **form}
        return api.post("/api/nodes/", data=data, content_type="multipart/form-data")


@pytest.fixture(scope="module")
def speech_ogg(tmp_path_factory):
    folder = tmp_path_factory.mktemp("speech")
    return transcode(make_speech(folder / "fox.wav"), folder / "fox.ogg", "-c:a", "libopus")


def test_upload_answers_at_once_and_keeps_the_audio(app, alice, speech_ogg):
    resp = upload(alice, speech_ogg)
    assert resp.status_code == 201, resp.get_json()
    node = resp.get_json()
    assert node["content"] == "[Voice note – transcription pending]"
    assert node["transcription_status"] == "pending" and node["task_id"]
    assert node["audio_original_url"].startswith("/api/media/audio/")
    with app.app_context():
        stored = resolve(node["audio_original_url"].removeprefix("/api/media/"))
    assert stored.read_bytes() == speech_ogg.read_bytes()

    job = alice.wait_job(node["task_id"])
    assert job["status"] == "completed", job
    status = alice.get(f"/api/nodes/{node['id']}/transcription-status").get_json()
    assert status["content"].startswith("[part 1: part-00000.mp3")
    assert alice.get(f"/api/nodes/{node['id']}").get_json()["content"] == status["content"]
    with app.app_context():
        versions = db.session.scalars(select(NodeVersion.content).where(NodeVersion.node_id == node["id"])).all()
        assert versions == ["[Voice note – transcription pending]"]
        assert stored.exists()  # transcription never deletes the recording


def test_local_whisper_transcribes_real_speech(alice, speech_ogg):
    node = upload(alice, speech_ogg).get_json()
    alice.wait_job(node["task_id"])
    resp = alice.post(f"/api/nodes/{node['id']}/transcribe", json={"provider": "local"})
    assert resp.status_code == 202
    job = alice.wait_job(resp.get_json()["task_id"], timeout=120)
    assert job["status"] == "completed" and job["result"]["provider"] == "local", job
    words = set(re.findall(r"[a-z]+", alice.get(f"/api/nodes/{node['id']}").get_json()["content"].lower()))
    assert {"quick", "brown", "fox", "lazy", "dog"} <= words


def test_long_recording_is_cut_into_parts_sent_in_order(alice, fake_ai, tmp_path):
    recording = make_tone(tmp_path / "long.mp3", 50 * 60, codec_args=("-c:a", "libmp3lame", "-b:a", "16k"))
    node = upload(alice, recording).get_json()
    job = alice.wait_job(node["task_id"], timeout=180)
    assert job["status"] == "completed", job
    assert job["result"]["parts"] == 3
    sent = [r.files["file"][0] for r in fake_ai.requests_to("/audio/transcriptions")]
    assert sent == ["part-00000.mp3", "part-00001.mp3", "part-00002.mp3"]
    content = alice.get(f"/api/nodes/{node['id']}").get_json()["content"]
    assert [int(n) for n in re.findall(r"\[part (\d+):", content)] == [1, 2, 3]
    assert abs(job["result"]["duration_seconds"] - 3000) < 2


def test_garbage_fails_clearly_and_the_audio_stays(alice, tmp_path):
    junk = tmp_path / "junk.webm"
    junk.write_bytes(b"\x1a\x45\xdf\xa3" + os.urandom(50_000))  # starts like webm, then garbage
    node = upload(alice, junk).get_json()
    job = alice.wait_job(node["task_id"])
    assert job["status"] == "failed" and job["attempts"] == 1
    assert job["error"].startswith("This recording could not be read")
    audio = alice.get(node["audio_original_url"])
    assert audio.status_code == 200 and audio.data == junk.read_bytes()
    assert alice.get(f"/api/nodes/{node['id']}").get_json()["content"] == "[Voice note – transcription pending]"


def test_truncated_recording_fails_clearly(alice, speech_ogg, tmp_path):
    cut = tmp_path / "cut.ogg"
    cut.write_bytes(speech_ogg.read_bytes()[:200])
    job = alice.wait_job(upload(alice, cut).get_json()["task_id"])
    assert job["status"] == "failed" and "could not be read" in job["error"]


def test_upload_limits(app, alice, speech_ogg, tmp_path):
    missing = alice.post("/api/nodes/", data={"parent_id": ""}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "audio_file" in missing.get_json()["error"]
    empty = tmp_path / "empty.webm"
    empty.write_bytes(b"")
    assert upload(alice, empty).status_code == 400
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    unsupported = upload(alice, text, mimetype="text/plain")
    assert unsupported.status_code == 415 and "webm" in unsupported.get_json()["error"]
    by_mime = upload(alice, speech_ogg, filename="blob", mimetype="audio/ogg;codecs=opus")
    assert by_mime.status_code == 201  # browsers send "blob" with a MIME type
    bad_parent = upload(alice, speech_ogg, parent_id="abc")
    assert bad_parent.status_code == 422 and "parent_id" in bad_parent.get_json()["error"]
    saved = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        too_big = upload(alice, speech_ogg)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert too_big.status_code == 413 and "MAX_UPLOAD_MB" in too_big.get_json()["error"]


def test_reply_to_a_node_by_voice(alice, speech_ogg):
    parent = alice.write("text first")
    node = upload(alice, speech_ogg, parent_id=str(parent["id"])).get_json()
    assert node["parent_id"] == parent["id"] and node["ancestors"][0]["id"] == parent["id"]


def test_others_cannot_read_the_audio_or_the_status(alice, bob, make_user, speech_ogg):
    node = upload(alice, speech_ogg).get_json()
    assert bob.get(node["audio_original_url"]).status_code == 404
    assert bob.get(f"/api/nodes/{node['id']}/transcription-status").status_code == 404
    assert bob.post(f"/api/nodes/{node['id']}/transcribe", json={}).status_code == 404
    assert bob.get("/api/media/../secret_key").status_code == 404
    assert alice.get("/api/media/../../etc/passwd").status_code == 404
    admin = make_user(admin=True)
    assert admin.get(node["audio_original_url"]).status_code == 404  # administrators read no private writing
    alice.wait_job(node["task_id"])


def test_audio_is_served_with_range_requests(alice, speech_ogg):
    node = upload(alice, speech_ogg).get_json()
    part = alice.get(node["audio_original_url"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100
    assert part.headers["Content-Range"].startswith("bytes 0-99/")
    assert part.data == speech_ogg.read_bytes()[:100]
    alice.wait_job(node["task_id"])


def test_retranscribe_needs_a_recording_and_the_author(alice, bob):
    text_node = alice.write("no audio here", privacy="public")
    assert alice.post(f"/api/nodes/{text_node['id']}/transcribe", json={}).status_code == 409
    assert bob.post(f"/api/nodes/{text_node['id']}/transcribe", json={}).status_code == 403
    bad = alice.post(f"/api/nodes/{text_node['id']}/transcribe", json={"provider": "nope"})
    assert bad.status_code in (409, 422)


def test_recording_over_the_length_limit_is_refused_and_kept(app, alice, tmp_path):
    """Run in-process with a one-minute limit, so the job meets a recording over it."""
    from wop.jobs.runner import run_job
    from wop.models import Job
    from wop.tasks.transcription import transcribe

    node = upload(alice, make_tone(tmp_path / "two-minutes.mp3", 120, codec_args=("-c:a", "libmp3lame"))).get_json()
    alice.wait_job(node["task_id"])
    saved = app.config["MAX_AUDIO_MINUTES"]
    app.config["MAX_AUDIO_MINUTES"] = 1
    try:
        with app.app_context():
            job = Job(kind="transcription", user_id=alice.user["id"], node_id=node["id"], params={}, queue="audio")
            db.session.add(job)
            db.session.commit()
            run_job(job.id, transcribe)
            db.session.expire_all()
            done = db.session.get(Job, job.id)
            assert done.status == "failed" and done.attempts == 1
            assert "2 minutes long" in done.error and "MAX_AUDIO_MINUTES" in done.error
    finally:
        app.config["MAX_AUDIO_MINUTES"] = saved
    assert alice.get(node["audio_original_url"]).status_code == 200
