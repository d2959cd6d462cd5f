"""Stored files in an S3-compatible object store (moto's server mode on loopback, over real
HTTP): the store's operations, serving after the permission check (presigned redirect, or proxied
with range requests), and `wop storage migrate` from DATA_DIR to the store."""

import io
import os
import subprocess
import sys

import pytest
import requests

from tests.audio_samples import make_tone
from tests.helpers import Api, unique_name
from tests.services import ROOT, ObjectStore
from wop.storage import LocalStore, StreamTooLarge, make_store


@pytest.fixture(scope="module")
def object_store(run_dir):
    server = ObjectStore(run_dir / "moto-storage.log").start()
    yield server
    server.stop()


def s3_store(object_store, prefix, area="media", **config):
    return make_store({**object_store.env(prefix), **config}, area)


def test_s3_store_keeps_reads_lists_and_deletes(object_store):
    store = s3_store(object_store, "ops")
    size, digest, head = store.write(io.BytesIO(b"RIFF" + b"x" * 100_000), "audio/7/a.wav", max_bytes=200_000)
    assert (size, head[:4]) == (100_004, b"RIFF") and len(digest) == 64
    store.write(io.BytesIO(b"tts"), "tts/7/b.mp3", max_bytes=10)
    store.write(io.BytesIO(b"other user"), "audio/8/c.wav", max_bytes=100)
    assert store.exists("audio/7/a.wav") and store.size("audio/7/a.wav") == 100_004
    with store.open("audio/7/a.wav") as f:
        assert f.read(4) == b"RIFF"
    assert {f.rel for f in store.files("audio")} == {"audio/7/a.wav", "audio/8/c.wav"}
    assert store.folders() == ["audio", "tts"]
    # Kept under <prefix>/media/ in the bucket, so media and exports never meet.
    assert set(object_store.keys("ops")) == {"media/audio/7/a.wav", "media/tts/7/b.mp3", "media/audio/8/c.wav"}

    with pytest.raises(StreamTooLarge):
        store.write(io.BytesIO(b"y" * 11), "tts/7/too-big.mp3", max_bytes=10)
    assert not store.exists("tts/7/too-big.mp3")  # nothing of it was kept

    store.delete_folder("audio/7")
    assert not store.exists("audio/7/a.wav") and store.exists("audio/8/c.wav")
    store.delete("audio/8/c.wav")
    store.delete("audio/8/c.wav")  # deleting what is gone is no error
    assert store.size("audio/8/c.wav") is None
    with pytest.raises(FileNotFoundError):
        store.open("audio/8/c.wav")
    for outside in ("../escape", "/absolute", "audio/../../x"):
        assert not store.exists(outside)
        with pytest.raises(ValueError, match="outside"):
            store.open(outside)


def test_without_storage_url_files_stay_under_data_dir(tmp_path):
    store = make_store({"DATA_DIR": tmp_path}, "media")
    assert isinstance(store, LocalStore)
    store.write(io.BytesIO(b"bytes"), "audio/1/x.ogg", max_bytes=10)
    assert (tmp_path / "media" / "audio" / "1" / "x.ogg").read_bytes() == b"bytes"


def served_app(app, object_store, prefix, serve):
    from wop import create_app

    overrides = {**object_store.env(prefix), "STORAGE_SERVE": serve, "TESTING": True}
    return create_app({**overrides, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})


def signup(application) -> Api:
    client = application.test_client()
    resp = client.post("/auth/signup", json={"username": unique_name(), "password": "correct horse battery"})
    assert resp.status_code == 201, resp.get_json()
    return Api(client, resp.get_json()["user"], resp.get_json()["csrf_token"], "correct horse battery")


def upload_tone(api, folder) -> dict:
    tone = make_tone(folder / "tone.wav", seconds=1)
    with open(tone, "rb") as f:
        resp = api.post("/api/nodes/", data={"audio_file": (f, "tone.wav")}, content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json() | {"bytes": tone.read_bytes()}


def test_proxy_serves_the_owner_with_range_requests_and_nobody_else(app, object_store, tmp_path):
    served = served_app(app, object_store, "proxy", "proxy")
    alice, bob = signup(served), signup(served)
    node = upload_tone(alice, tmp_path)
    url = node["audio_original_url"]
    rel = url.removeprefix("/api/media/")
    assert object_store.keys("proxy")[f"media/{rel}"] == node["bytes"]  # stored in the bucket, nowhere else
    assert not (tmp_path / "media").exists()

    whole = alice.get(url)
    assert whole.status_code == 200 and whole.data == node["bytes"]
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = alice.get(url, headers={"Range": "bytes=4-11"})
    assert part.status_code == 206 and part.data == node["bytes"][4:12]
    assert part.headers["Content-Range"] == f"bytes 4-11/{len(node['bytes'])}"
    assert alice.get(url, headers={"Range": "bytes=999999-"}).status_code == 416
    assert bob.get(url).status_code == 404  # a private entry's audio: the check comes first


def test_redirect_hands_the_browser_a_short_lived_url_after_the_check(app, object_store, tmp_path):
    served = served_app(app, object_store, "redirect", "redirect")
    alice, bob = signup(served), signup(served)
    node = upload_tone(alice, tmp_path)
    resp = alice.get(node["audio_original_url"])
    assert resp.status_code == 302 and resp.headers["Cache-Control"] == "no-store"
    location = resp.headers["Location"]
    assert location.startswith(object_store.endpoint) and "X-Amz-Expires=300" in location
    fetched = requests.get(location, timeout=30)  # what the browser does next
    assert fetched.status_code == 200 and fetched.content == node["bytes"]
    assert bob.get(node["audio_original_url"]).status_code == 404
    # The page lets its audio element follow the redirect to the store, and nowhere else.
    policy = alice.get("/api/health").headers["Content-Security-Policy"]
    assert f"media-src 'self' blob: {object_store.endpoint.rstrip('/')};" in policy


def test_proxied_files_keep_the_page_to_its_own_origin(app, object_store):
    page = served_app(app, object_store, "own-origin", "proxy").test_client().get("/")
    assert "media-src 'self' blob:;" in page.headers["Content-Security-Policy"]


def wop(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "wop.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_migrate_copies_every_file_verifies_and_can_run_again(service_env, object_store, tmp_path):
    data_dir = tmp_path / "data"
    media, exports = make_store({"DATA_DIR": data_dir}, "media"), make_store({"DATA_DIR": data_dir}, "exports")
    files = {
        "media/audio/1/a.ogg": os.urandom(300_000),
        "media/recordings/1/r/chunk-000000.part": b"chunk",
        "media/tts/2/h.mp3": b"ID3 speech",
        "exports/1/job-1.txt": "Threads of ünïcode\n".encode(),
    }
    for name, data in files.items():
        area, rel = name.split("/", 1)
        (media if area == "media" else exports).write(io.BytesIO(data), rel, max_bytes=10**6)
    env = {**service_env, "DATA_DIR": str(data_dir)}
    target = object_store.env("moved")["STORAGE_URL"]
    storage_env = {k: v for k, v in object_store.env("moved").items() if k != "STORAGE_URL"}

    first = wop({**env, **storage_env}, "storage", "migrate", "--to", target)
    assert first.returncode == 0, first.stderr
    assert "Copied 4 files" in first.stdout and "0 were there already" in first.stdout
    assert object_store.keys("moved") == files
    assert (data_dir / "media" / "audio" / "1" / "a.ogg").read_bytes() == files["media/audio/1/a.ogg"]  # kept

    # A copy that differs (an interrupted upload, say) is copied again; the others are skipped.
    object_store.client().put_object(Bucket=object_store.bucket, Key="moved/media/tts/2/h.mp3", Body=b"damaged")
    again = wop({**env, **storage_env}, "storage", "migrate", "--to", target)
    assert again.returncode == 0, again.stderr
    assert "Copied 1 files" in again.stdout and "3 were there already" in again.stdout
    assert object_store.keys("moved") == files

    refused = wop({**env, **storage_env}, "storage", "migrate", "--to", "/srv/elsewhere")
    assert refused.returncode == 2 and "s3://bucket" in refused.stderr
