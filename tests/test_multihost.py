"""Several hosts on one machine: a web server and two workers, each with a DATA_DIR of its own
and its own WORKER_ID, sharing nothing but PostgreSQL, Redis and an S3-compatible object store
(moto's server mode). One worker serves `audio`, the other `llm,export`. A voice upload is
transcribed, an entry read aloud, threads exported, a backup restored into another database and
bucket prefix; a worker killed mid-job hands its job to a replacement on a third "host"."""

import re
import subprocess
import sys
import tarfile
import time

import psycopg
import pytest
import requests

from tests.audio_samples import make_speech, transcode
from tests.conftest import DB_KIND
from tests.helpers import unique_name
from tests.services import ROOT, ObjectStore, RedisServer, WebServer, Worker
from tests.test_recordings import WEBM, mediarecorder_stream, split_even
from wop.audio import probe

pytestmark = pytest.mark.skipif(
    DB_KIND not in ("postgres", "postgresql"),
    reason="several hosts share one database, which needs PostgreSQL (SQLite is for one host): "
    "run with `make test DB=postgres`",
)

PREFIX = "multihost"


def _admin(database_url: str) -> str:
    """A libpq URL of the test cluster's maintenance database."""
    return database_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"


def new_database(database_url: str, name: str) -> str:
    with psycopg.connect(_admin(database_url), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return database_url.rsplit("/", 1)[0] + f"/{name}"


def wop(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "wop.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


class Cluster:
    """The hosts: what each one's environment is, and the processes running."""

    def __init__(self, base_env: dict, folder, database_url: str, redis_url: str, store: ObjectStore):
        self.folder, self.store = folder, store
        self.shared = {
            **base_env,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            **store.env(PREFIX),
            "JOB_STALE_SECONDS": "3",
        }
        self.workers: dict[str, Worker] = {}
        self.web: WebServer | None = None

    def host_env(self, host: str) -> dict:
        return {**self.shared, "DATA_DIR": str(self.folder / host), "WORKER_ID": host}

    def start_worker(self, host: str, queues: str) -> Worker:
        worker = Worker(self.host_env(host), self.folder / f"{host}.log", concurrency=1, queues=queues).start()
        self.workers[host] = worker
        return worker


@pytest.fixture(scope="module")
def cluster(service_env, database_url, run_dir):
    folder = run_dir / "multihost"
    folder.mkdir()
    redis = RedisServer(folder / "redis").start()
    store = ObjectStore(folder / "moto.log").start()
    hosts = Cluster(service_env, folder, new_database(database_url, "wop_multihost"), redis.url, store)
    try:
        wop(hosts.host_env("web-host"), "db", "upgrade")
        hosts.start_worker("audio-host", "audio")
        hosts.start_worker("llm-host", "llm,export")
        hosts.web = WebServer(hosts.host_env("web-host"), folder / "web.log").start()
        yield hosts
    finally:
        for worker in hosts.workers.values():
            worker.stop()
        if hosts.web is not None:
            hosts.web.stop()
        store.stop()
        redis.stop()


@pytest.fixture(scope="module")
def speech_ogg(tmp_path_factory):
    folder = tmp_path_factory.mktemp("multihost-speech")
    return transcode(make_speech(folder / "fox.wav"), folder / "fox.ogg", "-c:a", "libopus")


class Browser:
    """A person using the web server over HTTP."""

    def __init__(self, base_url: str):
        self.base, self.http = base_url, requests.Session()
        resp = self.http.post(f"{base_url}/auth/signup", json={"username": unique_name(), "password": "x" * 12})
        assert resp.status_code == 201, resp.text
        self.http.headers["X-CSRF-Token"] = resp.json()["csrf_token"]
        self.user_id = resp.json()["user"]["id"]

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.base + path, timeout=60, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return self.http.post(self.base + path, timeout=60, **kw)

    def wait_job(self, task_id: str, timeout: float = 90, until=("completed", "failed", "cancelled")) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(f"/api/jobs/{task_id}").json()
            if job["status"] in until:
                return job
            assert time.monotonic() < deadline, f"job still {job['status']} after {timeout} s: {job}"
            time.sleep(0.1)

    def upload(self, path) -> dict:
        with open(path, "rb") as f:
            resp = self.post("/api/nodes/", files={"audio_file": (path.name, f, "audio/ogg")})
        assert resp.status_code == 201, resp.text
        return resp.json()


def media_files(cluster: Cluster, host: str) -> list:
    media = cluster.folder / host / "media"
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_voice_read_aloud_and_export_across_hosts(cluster, fake_ai, speech_ogg, tmp_path):
    assert cluster.web is not None
    person = Browser(cluster.web.url)
    node = person.upload(speech_ogg)
    job = person.wait_job(node["task_id"])
    assert job["status"] == "completed", job
    entry = person.get(f"/api/nodes/{node['id']}").json()
    assert entry["content"].startswith("[part 1: part-00000.mp3")  # the audio host read the upload
    rel = node["audio_original_url"].removeprefix("/api/media/")
    assert cluster.store.keys(PREFIX)[f"media/{rel}"] == speech_ogg.read_bytes()
    # The browser is sent to the object store once the web host has checked who asks.
    played = person.get(node["audio_original_url"])
    assert played.status_code == 200 and played.content == speech_ogg.read_bytes()
    assert len(played.history) == 1 and played.history[0].status_code == 302

    written = person.post("/api/nodes/", json={"content": "Read this aloud on another host."}).json()
    tts = person.post(f"/api/nodes/{written['id']}/tts").json()
    done = person.wait_job(tts["task_id"])
    assert done["status"] == "completed", done
    audio = person.get(done["result"]["tts_url"])
    assert audio.status_code == 200
    (tmp_path / "read.mp3").write_bytes(audio.content)
    probed = subprocess.run(["ffprobe", "-v", "error", str(tmp_path / "read.mp3")], capture_output=True)
    assert probed.returncode == 0, probed.stderr  # playable audio, made on the audio host
    assert person.get(done["result"]["tts_url"].replace("/api/media/", "/api/media/x")).status_code == 404

    export = person.post("/api/export/threads").json()
    exported = person.wait_job(export["task_id"])
    assert exported["status"] == "completed", exported
    download = person.get(f"/api/export/download/{export['task_id']}")
    assert download.status_code == 200 and "Read this aloud on another host." in download.text

    # No host kept a stored file on its own disk, and every worker's scratch folder is empty again.
    for host in ("web-host", "audio-host", "llm-host"):
        assert media_files(cluster, host) == [], host
        scratch = cluster.folder / host / "tmp"
        assert not scratch.exists() or list(scratch.iterdir()) == [], host


def test_a_recording_sent_in_chunks_is_cut_and_assembled_on_the_audio_host(cluster, fake_ai, tmp_path):
    assert cluster.web is not None
    person = Browser(cluster.web.url)
    data = mediarecorder_stream(tmp_path / "walk.webm", 20)
    recording_id = person.post("/api/recordings", json={"mime_type": WEBM}).json()["recording_id"]
    chunks = split_even(data, 4)
    for number, chunk in enumerate(chunks):
        resp = person.http.put(
            f"{cluster.web.url}/api/recordings/{recording_id}/chunks/{number}",
            data=chunk,
            headers={"Content-Type": "application/octet-stream"},
            timeout=60,
        )
        assert resp.status_code == 201, resp.text
    finishing = person.post(f"/api/recordings/{recording_id}/finish", json={"chunk_count": len(chunks)}).json()
    assert person.wait_job(finishing["task_id"], timeout=120)["status"] == "completed"
    done = person.get(f"/api/recordings/{recording_id}").json()
    node = person.get(f"/api/nodes/{done['node_id']}").json()
    assert re.match(r"\[part \d+: piece-0001\.mp3", node["content"])
    played = person.get(node["audio_original_url"])  # assembled on the audio host, kept in the store
    (tmp_path / "assembled.webm").write_bytes(played.content)
    assert abs(probe(tmp_path / "assembled.webm").duration_seconds - 20) < 1
    keys = cluster.store.keys(PREFIX)
    assert not [key for key in keys if key.startswith(f"media/recordings/{person.user_id}/")]  # chunks removed
    assert media_files(cluster, "audio-host") == []


def job_row(cluster: Cluster, task_id: str) -> tuple:
    url = cluster.shared["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT status, attempts, worker FROM job WHERE id = %s", (task_id,)).fetchone()
    assert row is not None
    return row


def test_a_killed_audio_host_hands_its_job_to_another_host(cluster, fake_ai, speech_ogg):
    assert cluster.web is not None
    person = Browser(cluster.web.url)
    fake_ai.set_latency(4)  # the transcription is still waiting for the provider when the host dies
    node = person.upload(speech_ogg)
    person.wait_job(node["task_id"], until=("processing",))
    while not fake_ai.requests_to("/audio/transcriptions"):
        time.sleep(0.05)
    assert job_row(cluster, node["task_id"])[2].startswith("audio-host:")
    cluster.workers.pop("audio-host").kill_all()
    fake_ai.set_latency(0)
    replacement = cluster.start_worker("spare-audio-host", "audio")
    # The spare host cannot see another host's processes: the silent heartbeat tells the reaper.
    deadline = time.monotonic() + 90
    while job_row(cluster, node["task_id"])[0] != "completed":
        assert time.monotonic() < deadline, job_row(cluster, node["task_id"])
        wop(cluster.host_env("web-host"), "reap")
        time.sleep(1)
    assert job_row(cluster, node["task_id"])[1] == 2  # one attempt on each host
    assert replacement.proc is not None and replacement.proc.poll() is None
    entry = person.get(f"/api/nodes/{node['id']}").json()
    assert re.match(r"\[part \d+: part-00000\.mp3", entry["content"])  # the fake numbers every answer


def test_backup_holds_the_objects_and_restores_them_into_another_store(cluster, database_url, tmp_path):
    env = cluster.host_env("web-host")
    archive = tmp_path / "backup.tar"
    wop(env, "backup", str(archive))
    objects = cluster.store.keys(PREFIX)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert objects and {f"data/{key}" for key in objects} <= names

    restored_env = {
        **env,
        "DATA_DIR": str(tmp_path / "restored-host"),
        "DATABASE_URL": new_database(database_url, "wop_restored"),
        **cluster.store.env("restored"),
    }
    wop(restored_env, "restore", str(archive))
    assert cluster.store.keys("restored") == objects
    assert not (tmp_path / "restored-host" / "media").exists()  # into the store, not the disk
