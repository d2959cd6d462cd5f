"""The web tier's serving model (deploy/gunicorn.conf.py, gevent workers) over real HTTP: many
open event streams leave the API answering, and uploads and range requests work as before."""

import pytest
import requests

from tests.audio_samples import make_tone
from tests.services import WebServer
from tests.sse import open_stream
from wop import events

STREAMS = 250  # more than 2 gthread workers x 4 threads, and than redis-py's default of 100 connections


@pytest.fixture(scope="module")
def server(app, service_env, run_dir):
    # A short keepalive, so that the streams this module closes end on the server soon too.
    env = {**service_env, "EVENTS_KEEPALIVE_SECONDS": "2", "EVENTS_MAX_STREAMS_PER_USER": str(STREAMS)}
    web = WebServer(env, run_dir / "serving-web.log").start()
    yield web
    web.stop()


def logged_in(server, api) -> requests.Session:
    http = requests.Session()
    resp = http.post(f"{server.url}/auth/login", json={"username": api.username, "password": api.password})
    assert resp.status_code == 200, resp.text
    http.headers["X-CSRF-Token"] = resp.json()["csrf_token"]
    return http


def test_many_open_streams_leave_the_api_answering_and_all_get_events(server, app_ctx, alice, bob):
    token = requests.post(
        f"{server.url}/auth/token", json={"username": alice.username, "password": alice.password}, timeout=60
    ).json()["token"]  # the server's first request (a password hash) may wait long on a busy machine
    auth = {"Authorization": f"Bearer {token}"}
    streams = []
    try:
        for _ in range(STREAMS):  # each idle stream must hold neither a thread nor a database connection
            streams.append(open_stream(f"{server.url}/api/events", headers=auth))
            assert streams[-1].status_code == 200
        http = logged_in(server, bob)
        assert requests.get(f"{server.url}/api/health", timeout=10).json() == {"status": "ok"}
        assert http.get(f"{server.url}/auth/me", timeout=10).json()["user"]["username"] == bob.username
        created = http.post(f"{server.url}/api/nodes/", json={"content": "written while streams wait"}, timeout=10)
        assert created.status_code == 201, created.text
        assert http.get(f"{server.url}/api/nodes/{created.json()['id']}", timeout=10).status_code == 200
        # One event reaches every open stream of its user.
        sent = events.publish(alice.user["id"], "job", {"task_id": "serving-test", "status": "completed"})
        assert [stream.event()["id"] for stream in streams] == [sent] * STREAMS
    finally:
        for stream in streams:
            stream.close()


def test_uploads_and_range_requests_through_the_server(server, alice, tmp_path):
    recording = make_tone(tmp_path / "tone.wav", seconds=300)  # about 4.8 MB
    body = recording.read_bytes()
    http = logged_in(server, alice)
    with open(recording, "rb") as f:
        resp = http.post(f"{server.url}/api/nodes/", files={"audio_file": ("tone.wav", f, "audio/wav")}, timeout=60)
    assert resp.status_code == 201, resp.text
    url = f"{server.url}{resp.json()['audio_original_url']}"
    whole = http.get(url, timeout=30)
    assert whole.status_code == 200 and whole.content == body
    part = http.get(url, headers={"Range": "bytes=1000-1999"}, timeout=30)
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(body)}"
    assert part.content == body[1000:2000]
    tail = http.get(url, headers={"Range": f"bytes={len(body) - 10}-"}, timeout=30)
    assert tail.status_code == 206 and tail.content == body[-10:]


def test_stopping_the_server_ends_its_open_streams_at_once(service_env, run_dir, alice):
    log = run_dir / "stopping-web.log"
    web = WebServer(service_env, log).start()
    try:
        stream = open_stream(f"{web.url}/api/events", logged_in(web, alice))
    finally:
        web.stop()  # SIGTERM, as systemd and `wop up` stop it
    frames = []
    while (frame := stream.next_frame()) is not None:  # a clean end of the stream
        frames.append(frame)
    assert all("comment" in f for f in frames), frames
    # Not held open until gunicorn gave up waiting for it (graceful_timeout) and cut it off.
    assert "graceful timeout" not in log.read_text()
