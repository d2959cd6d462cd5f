"""Recordings sent in chunks while they are made (POST/PUT/GET/DELETE /api/recordings…), with the
real worker, Redis, ffmpeg and the fake transcription provider."""

import itertools
import random
import re
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from wop.audio import ffmpeg_exe, probe
from wop.extensions import db
from wop.jobs.live import partial
from wop.models import ACTIVE_STATUSES, Job, Recording
from wop.storage import resolve

pytestmark = pytest.mark.usefixtures("jobs_ready", "jobs_drained")

WEBM = "audio/webm;codecs=opus"
# Bursts of tone with pauses between them, as speech has: pieces are cut in the pauses.
BURSTS = "volume='if(lt(mod(t,2.2),1.5),1,0)':eval=frame"


WEBM_PIPE = ("-c:a", "libopus", "-f", "webm")
# Safari's MediaRecorder: AAC in fragmented MP4 (the header first, then fragments).
MP4_PIPE = ("-c:a", "aac", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4")


def mediarecorder_stream(path: Path, seconds: float, bitrate: str = "32k", container=WEBM_PIPE) -> bytes:
    """Audio written to a pipe, as a browser's MediaRecorder makes it (no duration, no index):
    `seconds` of tone bursts and pauses."""
    with open(path, "wb") as out:
        subprocess.run(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-nostdin",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=440:sample_rate=16000:duration={seconds}",
                "-af",
                BURSTS,
                "-b:a",
                bitrate,
                *container,
                "pipe:1",
            ],
            stdout=out,
            check=True,
        )
    return path.read_bytes()


def split_at_random(data: bytes, count: int, seed: int) -> list[bytes]:
    """`data` cut into `count` slices at arbitrary byte offsets (mid-packet, mid-header)."""
    offsets = sorted(random.Random(seed).sample(range(1, len(data)), count - 1))
    bounds = [0, *offsets, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def split_even(data: bytes, count: int) -> list[bytes]:
    step = -(-len(data) // count)
    return [data[i : i + step] for i in range(0, len(data), step)]


def start(api, mime_type: str = WEBM, **fields) -> int:
    resp = api.post("/api/recordings", json={"mime_type": mime_type, **fields})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["recording_id"]


def put_chunk(api, recording_id: int, number: int | str, data: bytes, starts_segment: bool = False):
    query = "?starts_segment=true" if starts_segment else ""
    return api.put(
        f"/api/recordings/{recording_id}/chunks/{number}{query}", data=data, content_type="application/octet-stream"
    )


def wait_for(check, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def finish(api, recording_id: int, chunk_count: int) -> dict:
    resp = api.post(f"/api/recordings/{recording_id}/finish", json={"chunk_count": chunk_count})
    assert resp.status_code == 202, resp.get_json()
    job = api.wait_job(resp.get_json()["task_id"], timeout=120)
    assert job["status"] == "completed", job
    return api.get(f"/api/recordings/{recording_id}").get_json()


@pytest.fixture
def jobs_drained(app):
    """After each test, wait until no job runs: a recording's jobs never reach into the next test."""
    yield
    wait_for(lambda: not _active_jobs(app), timeout=120, what="every job to end")


def _active_jobs(app, user_id: int | None = None) -> list[str]:
    with app.app_context():
        query = select(Job.id).where(Job.status.in_(ACTIVE_STATUSES))
        if user_id is not None:
            query = query.where(Job.user_id == user_id)
        return list(db.session.scalars(query))


@pytest.fixture
def short_pieces(app):
    """Recordings started in this test are transcribed 5 seconds at a time."""
    saved = app.config["RECORDING_PIECE_SECONDS"]
    app.config["RECORDING_PIECE_SECONDS"] = 5.0
    yield
    app.config["RECORDING_PIECE_SECONDS"] = saved


@pytest.fixture
def config(app):
    """Change settings of the web side for one test."""
    saved: dict = {}

    def change(**values):
        for key, value in values.items():
            saved.setdefault(key, app.config[key])
            app.config[key] = value

    yield change
    app.config.update(saved)


def stored_folder(app, recording_id: int) -> tuple[Path, Path | None]:
    with app.app_context():
        recording = db.session.get_one(Recording, recording_id)
        folder = resolve(recording.folder)
        audio = resolve(recording.audio_path) if recording.audio_path else None
    assert folder is not None
    return folder, audio


def test_chunks_out_of_order_and_repeated_assemble_into_the_whole_recording(app, alice, tmp_path):
    data = mediarecorder_stream(tmp_path / "walk.webm", 20)
    chunks = split_at_random(data, 8, seed=13)
    recording_id = start(alice)
    order = list(range(len(chunks)))
    random.Random(5).shuffle(order)
    for n in order:
        resp = put_chunk(alice, recording_id, n, chunks[n])
        assert resp.status_code == 201, resp.get_json()
    again = put_chunk(alice, recording_id, order[0], chunks[order[0]])
    assert again.status_code == 200 and again.get_json()["number"] == order[0]
    other = put_chunk(alice, recording_id, 3, chunks[3] + b"x")
    assert other.status_code == 409 and "different bytes" in other.get_json()["error"]

    shown = alice.get(f"/api/recordings/{recording_id}").get_json()
    assert shown["status"] == "open" and shown["chunks"] == list(range(8))
    assert shown["bytes_received"] == len(data) and shown["node_id"] is None
    listed = alice.get("/api/recordings?status=open").get_json()["items"]
    assert recording_id in [r["recording_id"] for r in listed]

    done = finish(alice, recording_id, len(chunks))
    assert done["status"] == "finished" and done["node_id"]
    assert recording_id not in [r["recording_id"] for r in alice.get("/api/recordings?status=open").get_json()["items"]]
    node = alice.get(f"/api/nodes/{done['node_id']}").get_json()
    assert node["content"] == done["transcript"] and node["content"].startswith("[part 1: piece-0001.mp3")
    with app.app_context():
        audio = resolve(node["audio_original_url"].removeprefix("/api/media/"))
    assert audio is not None
    # The stored file is remuxed: it knows its duration, which the browser's stream did not.
    assert abs(probe(audio).duration_seconds - 20) < 1
    assert alice.get(node["audio_original_url"]).status_code == 200


def test_an_mp4_recording_from_safari_assembles_too(app, alice, tmp_path):
    data = mediarecorder_stream(tmp_path / "safari.mp4", 12, container=MP4_PIPE)
    recording_id = start(alice, mime_type="audio/mp4")
    for n, chunk in reversed(list(enumerate(split_at_random(data, 5, seed=3)))):
        assert put_chunk(alice, recording_id, n, chunk).status_code == 201
    node = alice.get(f"/api/nodes/{finish(alice, recording_id, 5)['node_id']}").get_json()
    assert node["content"].startswith("[part 1: piece-0001.mp3")
    with app.app_context():
        audio = resolve(node["audio_original_url"].removeprefix("/api/media/"))
    assert audio is not None and audio.suffix == ".m4a"
    assert abs(probe(audio).duration_seconds - 12) < 1


def test_a_recording_continued_later_assembles_its_streams_one_after_another(app, alice, short_pieces, tmp_path):
    # Recorded, then continued after the page was reopened: a new MediaRecorder, a new header.
    first = split_at_random(mediarecorder_stream(tmp_path / "before.webm", 12), 4, seed=1)
    second = split_at_random(mediarecorder_stream(tmp_path / "after.webm", 9), 3, seed=2)
    recording_id = start(alice)
    for n in (2, 0, 3, 1):
        assert put_chunk(alice, recording_id, n, first[n]).status_code == 201
    for i in (1, 0, 2):
        resp = put_chunk(alice, recording_id, 4 + i, second[i], starts_segment=i == 0)
        assert resp.status_code == 201 and resp.get_json()["starts_segment"] == (i == 0)
    again = put_chunk(alice, recording_id, 4, second[0])
    assert again.status_code == 409 and "starts_segment" in again.get_json()["error"]
    assert put_chunk(alice, recording_id, 4, second[0], starts_segment=True).status_code == 200
    not_a_start = put_chunk(alice, recording_id, 7, second[1], starts_segment=True)
    assert (
        not_a_start.status_code == 415 and "Chunk 7 does not start like a recording" in not_a_start.get_json()["error"]
    )
    assert alice.get(f"/api/recordings/{recording_id}").get_json()["segment_starts"] == [0, 4]

    done = finish(alice, recording_id, 7)
    node = alice.get(f"/api/nodes/{done['node_id']}").get_json()
    with app.app_context():
        audio = resolve(node["audio_original_url"].removeprefix("/api/media/"))
    assert audio is not None
    assert abs(probe(audio).duration_seconds - 21) < 1
    numbers = _pieces_in(node["content"])
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 3


def audio_file(path: Path, seconds: float, *codec: str) -> bytes:
    """An audio file as an app saves it (not a stream): `seconds` of tone bursts and pauses."""
    subprocess.run(
        [
            ffmpeg_exe(),
            *("-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi"),
            *("-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}", "-af", BURSTS, *codec, str(path)),
        ],
        check=True,
    )
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "mime_type", "codec"),
    [("memo.m4a", "audio/mp4", ("-ac", "2", "-c:a", "alac")), ("talk.mp3", "audio/mpeg", ("-c:a", "libmp3lame"))],
)
def test_an_audio_file_sent_in_chunks_assembles_too(app, alice, tmp_path, name, mime_type, codec):
    data = audio_file(tmp_path / name, 60, *codec)
    # A phone's m4a keeps its index after the audio: larger than what ffmpeg probes at once
    # (5 MB), it can only be read from a file it can seek in, not from a pipe.
    assert name != "memo.m4a" or (len(data) > 5_000_000 and data.find(b"moov") > data.find(b"mdat"))
    chunks = split_even(data, 4)
    recording_id = start(alice, mime_type=mime_type)
    for n in (3, 1, 0, 2):
        assert put_chunk(alice, recording_id, n, chunks[n]).status_code == 201
    node = alice.get(f"/api/nodes/{finish(alice, recording_id, 4)['node_id']}").get_json()
    assert node["content"].startswith("[part 1: piece-0001.mp3")
    with app.app_context():
        audio = resolve(node["audio_original_url"].removeprefix("/api/media/"))
    assert audio is not None
    assert abs(probe(audio).duration_seconds - 60) < 1


def test_a_missing_chunk_is_named_at_finish(alice, tmp_path):
    chunks = split_even(mediarecorder_stream(tmp_path / "gap.webm", 6), 5)
    recording_id = start(alice)
    for n in (0, 1, 3):
        assert put_chunk(alice, recording_id, n, chunks[n]).status_code == 201
    refused = alice.post(f"/api/recordings/{recording_id}/finish", json={"chunk_count": 5})
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["missing"] == [2, 4] and "Chunks 2, 4 of 5 are missing" in body["error"]
    assert alice.get(f"/api/recordings/{recording_id}").get_json()["status"] == "open"
    too_few = alice.post(f"/api/recordings/{recording_id}/finish", json={"chunk_count": 2})
    assert too_few.status_code == 409 and "chunk_count 4" in too_few.get_json()["error"]

    for n in (4, 2):
        assert put_chunk(alice, recording_id, n, chunks[n]).status_code == 201
    assert finish(alice, recording_id, 5)["status"] == "finished"


def test_limits_answer_413_with_a_message(app, alice, config, tmp_path):
    data = mediarecorder_stream(tmp_path / "long.webm", 100, bitrate="64k")
    assert len(data) > 700_000
    config(RECORDING_CHUNK_MAX_MB=1)
    recording_id = start(alice)
    too_big = put_chunk(alice, recording_id, 0, data[:1] * (1024 * 1024 + 1))
    assert too_big.status_code == 413 and "RECORDING_CHUNK_MAX_MB" in too_big.get_json()["error"]

    config(RECORDING_CHUNK_MAX_MB=10, MAX_UPLOAD_MB=1)
    chunks = split_even(data, 2)  # two chunks of over a third of a megabyte
    assert put_chunk(alice, recording_id, 0, chunks[0]).status_code == 201
    over = put_chunk(alice, recording_id, 1, chunks[1] + data[:700_000])
    assert over.status_code == 413 and "MAX_UPLOAD_MB" in over.get_json()["error"]
    assert alice.get(f"/api/recordings/{recording_id}").get_json()["chunks"] == [0]

    config(MAX_UPLOAD_MB=100, MAX_AUDIO_MINUTES=1)
    long_id = start(alice)
    tenths = split_even(data, 10)  # 10 seconds each
    assert put_chunk(alice, long_id, 0, tenths[0]).status_code == 201
    # The worker measures how much audio the stored stream holds.
    wait_for(lambda: alice.get(f"/api/recordings/{long_id}").get_json()["received_seconds"] > 0, what="a measurement")
    answers = [put_chunk(alice, long_id, n, tenths[n]) for n in range(1, 10)]
    codes = [r.status_code for r in answers]
    assert 201 in codes and codes[-1] == 413, codes
    assert "MAX_AUDIO_MINUTES" in answers[-1].get_json()["error"]


def test_bad_chunks_and_types_are_refused_clearly(alice, tmp_path):
    unsupported = alice.post("/api/recordings", json={"mime_type": "text/plain"})
    assert unsupported.status_code == 415 and "webm" in unsupported.get_json()["error"]
    missing_type = alice.post("/api/recordings", json={})
    assert missing_type.status_code == 422 and "mime_type" in missing_type.get_json()["error"]
    recording_id = start(alice)
    for number in ("-1", "x", "100000", "9" * 5000, "٣"):
        bad_number = put_chunk(alice, recording_id, number, b"data")
        assert bad_number.status_code == 400 and "from 0 to 99999" in bad_number.get_json()["error"], number
    empty = put_chunk(alice, recording_id, 0, b"")
    assert empty.status_code == 400 and "empty" in empty.get_json()["error"]
    not_audio = put_chunk(alice, recording_id, 0, b"<html>hello</html>")
    assert not_audio.status_code == 415 and "not a recording" in not_audio.get_json()["error"]
    no_count = alice.post(f"/api/recordings/{recording_id}/finish", json={})
    assert no_count.status_code == 422 and "chunk_count" in no_count.get_json()["error"]
    unknown = alice.get("/api/recordings?status=lost")
    assert unknown.status_code == 400 and "open" in unknown.get_json()["error"]


def test_only_the_owner_can_touch_a_recording(app, alice, bob, tmp_path):
    chunks = split_even(mediarecorder_stream(tmp_path / "mine.webm", 4), 2)
    recording_id = start(alice)
    assert put_chunk(alice, recording_id, 0, chunks[0]).status_code == 201
    path = f"/api/recordings/{recording_id}"
    for resp in (
        bob.get(path),
        put_chunk(bob, recording_id, 1, chunks[1]),
        bob.post(f"{path}/finish", json={"chunk_count": 2}),
        bob.delete(path),
    ):
        assert resp.status_code == 404 and resp.get_json()["error"] == f"Recording {recording_id} was not found."
    assert recording_id not in [r["recording_id"] for r in bob.get("/api/recordings").get_json()["items"]]
    assert app.test_client().get(path).status_code == 401
    shown = alice.get(path).get_json()
    assert shown["status"] == "open" and shown["chunks"] == [0]


def test_discarding_removes_every_file(app, alice, short_pieces, tmp_path):
    chunks = split_even(mediarecorder_stream(tmp_path / "drop.webm", 16), 4)
    recording_id = start(alice)
    for n, chunk in enumerate(chunks):
        assert put_chunk(alice, recording_id, n, chunk).status_code == 201
    wait_for(
        lambda: "piece-0001" in alice.get(f"/api/recordings/{recording_id}").get_json()["transcript"],
        what="the first piece's text",
    )
    folder, _audio = stored_folder(app, recording_id)
    assert any(p.name.startswith("chunk-") for p in folder.iterdir())
    assert any(p.name.startswith("piece-") for p in folder.iterdir())

    assert alice.delete(f"/api/recordings/{recording_id}").status_code == 204
    _wait_for_no_jobs(app, alice)
    assert not folder.exists()
    shown = alice.get(f"/api/recordings/{recording_id}").get_json()
    assert shown["status"] == "discarded" and shown["chunks"] == [] and shown["transcript"] == ""
    assert put_chunk(alice, recording_id, 4, chunks[0]).status_code == 409
    assert alice.post(f"/api/recordings/{recording_id}/finish", json={"chunk_count": 4}).status_code == 409


def test_a_recording_that_cannot_be_assembled_fails_and_can_be_discarded(app, alice):
    recording_id = start(alice)
    assert put_chunk(alice, recording_id, 0, b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 200).status_code == 201
    resp = alice.post(f"/api/recordings/{recording_id}/finish", json={"chunk_count": 1})
    job = alice.wait_job(resp.get_json()["task_id"])
    assert job["status"] == "failed" and "could not be read" in job["error"]
    shown = alice.get(f"/api/recordings/{recording_id}").get_json()
    assert shown["status"] == "failed" and shown["node_id"] is None
    failed = alice.get("/api/recordings?status=failed").get_json()["items"]
    assert recording_id in [r["recording_id"] for r in failed]
    folder, audio = stored_folder(app, recording_id)
    assert alice.delete(f"/api/recordings/{recording_id}").status_code == 204
    assert not folder.exists() and (audio is None or not audio.exists())


def test_deleting_ones_data_deletes_ones_recordings_and_their_files(app, alice, tmp_path):
    chunks = split_even(mediarecorder_stream(tmp_path / "private.webm", 6), 2)
    recording_id = start(alice)
    for n, chunk in enumerate(chunks):
        assert put_chunk(alice, recording_id, n, chunk).status_code == 201
    folder, _audio = stored_folder(app, recording_id)
    assert folder.is_dir()
    resp = alice.delete("/api/delete_my_data", json={"confirm": "DELETE"})
    assert resp.status_code == 200, resp.get_json()
    _wait_for_no_jobs(app, alice)
    assert not folder.exists()
    assert alice.get(f"/api/recordings/{recording_id}").status_code == 404
    assert alice.get("/api/recordings").get_json()["items"] == []


def _wait_for_no_jobs(app, api) -> None:
    wait_for(lambda: not _active_jobs(app, api.user["id"]), what="the recording's jobs to end")


def _pieces_in(transcript: str) -> list[int]:
    return [int(n) for n in re.findall(r"piece-(\d+)\.mp3", transcript)]


def test_the_transcript_grows_while_recording_and_the_entry_holds_all_of_it(
    app, alice, fake_ai, short_pieces, tmp_path
):
    chunks = split_even(mediarecorder_stream(tmp_path / "talk.webm", 33), 11)  # 3 seconds each
    recording_id = start(alice)
    path = f"/api/recordings/{recording_id}"

    def transcribed_pieces(more_than: int):
        def check():
            shown = alice.get(path).get_json()
            return shown if len(_pieces_in(shown["transcript"])) > more_than else None

        return check

    for n in range(5):  # the first 15 seconds
        assert put_chunk(alice, recording_id, n, chunks[n]).status_code == 201
    early = wait_for(transcribed_pieces(0), what="the first piece")
    # Transcribed while the rest was not even sent: the pieces so far lie in the first 15 seconds.
    assert all(p["end_seconds"] <= 15 for p in early["pieces"])
    for n in range(5, 9):  # up to 27 seconds
        assert put_chunk(alice, recording_id, n, chunks[n]).status_code == 201
    later = wait_for(transcribed_pieces(len(early["pieces"])), what="pieces of the next seconds")["transcript"]
    assert later.startswith(early["transcript"]) and len(later) > len(early["transcript"])
    assert _pieces_in(later) == list(range(1, len(_pieces_in(later)) + 1))

    for n in range(9, 11):
        assert put_chunk(alice, recording_id, n, chunks[n]).status_code == 201
    done = finish(alice, recording_id, 11)
    content = alice.get(f"/api/nodes/{done['node_id']}").get_json()["content"]
    numbers = _pieces_in(content)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    assert content.startswith(later)
    # Each piece was transcribed once: finishing transcribed only what was left.
    sent = [r.files["file"][0] for r in fake_ai.requests_to("/audio/transcriptions")]
    assert sorted(sent) == [f"piece-{n:04d}.mp3" for n in numbers]
    # Each piece was pushed as a `part` event as it was done (the job keeps its parts for a late page).
    with app.app_context():
        piece_jobs = db.session.scalars(
            select(Job.id).where(Job.user_id == alice.user["id"], Job.kind == "recording_piece")
        ).all()
        pushed = [part for job_id in piece_jobs for part in partial(job_id).get("parts", [])]
    assert pushed and all(p["recording_id"] == recording_id and p["text"] in content for p in pushed)


def test_a_piece_that_fails_leaves_a_marker_and_the_rest_of_the_transcript(alice, fake_ai, short_pieces, tmp_path):
    chunks = split_even(mediarecorder_stream(tmp_path / "flaky.webm", 16), 4)
    fake_ai.fail_next(1, 400, path="/audio/transcriptions")  # a refusal is not retried
    recording_id = start(alice)
    for n, chunk in enumerate(chunks):
        assert put_chunk(alice, recording_id, n, chunk).status_code == 201
    done = finish(alice, recording_id, 4)
    content = alice.get(f"/api/nodes/{done['node_id']}").get_json()["content"]
    marker = re.search(r"\[part (\d+) could not be transcribed\]", content)
    assert marker is not None, content
    numbers = _pieces_in(content)
    assert int(marker[1]) not in numbers and len(numbers) >= 1
    assert alice.get(alice.get(f"/api/nodes/{done['node_id']}").get_json()["audio_original_url"]).status_code == 200
