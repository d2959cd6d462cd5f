"""What stays on disk: everything under DATA_DIR is private to the service user, uploads are
judged by their content, and deleted writing cannot be found in SQLite's files."""
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audio_samples import make_tone
from tests.conftest import DB_KIND

ROOT = Path(__file__).resolve().parent.parent


def loose(root: Path) -> list[str]:
    """Everything under `root` (and `root` itself) that its group or others may use."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode) and mode & 0o077:
            found.append(f"{oct(mode & 0o777)} {path.relative_to(root.parent)}")
    return found


def upload(api, path: Path, filename: str, mimetype: str = "application/octet-stream"):
    with open(path, "rb") as f:
        return api.post("/api/nodes/", data={"audio_file": (f, filename, mimetype)},
                        content_type="multipart/form-data")


def test_files_made_through_the_api_are_private(app, alice, jobs_ready, tmp_path):
    data_dir = Path(app.config["DATA_DIR"])
    recording = upload(alice, make_tone(tmp_path / "tone.ogg", 1, codec_args=("-c:a", "libvorbis")), "tone.ogg")
    assert recording.status_code == 201
    alice.wait_job(recording.get_json()["task_id"])
    entry = alice.write("Read this aloud, and keep it to yourself.")
    tts = alice.post(f"/api/nodes/{entry['id']}/tts").get_json()
    assert alice.wait_job(tts["task_id"])["status"] == "completed"
    export = alice.post("/api/export/threads").get_json()
    assert alice.wait_job(export["task_id"])["status"] == "completed"

    made = [data_dir / "media" / "audio" / str(alice.user["id"]), data_dir / "media" / "tts" / str(alice.user["id"]),
            data_dir / "exports" / str(alice.user["id"])]
    for folder in made:
        files = [p for p in folder.iterdir() if p.is_file()]
        assert files, f"nothing was written to {folder}"
        assert {oct(p.stat().st_mode & 0o777) for p in files} == {"0o600"}, folder
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert loose(data_dir) == []  # the database, its WAL, the folders: all of it


def test_a_looser_data_dir_is_tightened_at_start(tmp_path):
    data_dir = tmp_path / "var"
    (data_dir / "media" / "audio" / "1").mkdir(parents=True)
    (data_dir / "media" / "audio" / "1" / "old.webm").write_bytes(b"audio")
    (data_dir / "wop.sqlite3").write_bytes(b"")
    (data_dir / "notes.txt").write_text("the operator's own file")
    for path in [data_dir, *data_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    env = {**os.environ, "DATA_DIR": str(data_dir), "SECRET_KEY": ""}
    subprocess.run([sys.executable, "-c", "from wop import create_app; create_app()"], env=env, cwd=ROOT,
                   check=True)
    assert loose(data_dir) == [f"0o644 var/notes.txt"]  # not the service's: left as it was
    assert oct((data_dir / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_a_default_acl_given_by_the_operator_is_respected(tmp_path):
    """nginx may be given read access to media with a default ACL; new folders inherit it."""
    from wop.config import private_dir

    media = tmp_path / "media"
    media.mkdir()
    subprocess.run(["setfacl", "-m", "d:u:nobody:rX", str(media)], check=True)
    made = private_dir(media / "audio" / "7")
    acl = subprocess.run(["getfacl", "-p", str(made)], capture_output=True, text=True, check=True).stdout
    assert "user:nobody:r-x" in acl and "#effective:---" not in acl, acl
    plain = private_dir(tmp_path / "plain" / "7")
    assert oct(plain.stat().st_mode & 0o777) == oct((tmp_path / "plain").stat().st_mode & 0o777) == "0o700"


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize("name, content", [
    ("page.mp3", HTML),
    ("picture.mp3", None),  # a PNG image, made by ffmpeg below
    ("noise.webm", os.urandom(4096)),
])
def test_an_upload_that_is_not_audio_is_refused_and_not_kept(app, alice, tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=32x32", "-frames:v", "1",
                        "-f", "image2", "-c:v", "png", str(path)], check=True)
    else:
        path.write_bytes(content)
    folder = Path(app.config["DATA_DIR"]) / "media" / "audio" / str(alice.user["id"])
    before = set(folder.iterdir()) if folder.exists() else set()
    resp = upload(alice, path, name, "audio/mpeg")
    assert resp.status_code == 415, resp.get_json()
    assert "no audio" in resp.get_json()["error"]
    assert (set(folder.iterdir()) if folder.exists() else set()) == before
    assert alice.get("/api/dashboard").get_json()["nodes"] == []


def test_audio_is_accepted_by_its_content_whatever_its_name(alice, tmp_path):
    """A container without a signature in our list (AIFF) is still accepted when ffmpeg finds
    audio in it; a damaged recording that starts like one (Ogg) is kept for its job to judge."""
    aiff = make_tone(tmp_path / "tone.aiff", 1)
    assert upload(alice, aiff, "voice.mp3").status_code == 201
    damaged = tmp_path / "damaged.ogg"
    damaged.write_bytes(b"OggS" + os.urandom(4000))
    assert upload(alice, damaged, "voice.ogg").status_code == 201


@pytest.mark.skipif(DB_KIND != "sqlite", reason="reads SQLite's own files")
def test_deleted_writing_is_not_left_in_the_database_files(app, alice):
    phrase = f"violet umbrella {os.getpid()} sings at midnight"
    node = alice.write(f"My secret: {phrase}.")
    alice.put(f"/api/nodes/{node['id']}", json={"content": f"Still my secret: {phrase}, edited."})
    alice.write(f"And a reply about the {phrase}.", parent_id=node["id"])
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    files = [database, database.with_name(database.name + "-wal")]
    assert any(phrase.encode() in f.read_bytes() for f in files if f.exists())  # the search can find it

    resp = alice.delete("/api/delete_my_data", json={"confirm": "DELETE"})
    assert resp.status_code == 200 and resp.get_json()["deleted"]["nodes"] == 2
    for path in files:
        if path.exists():
            assert phrase.encode() not in path.read_bytes(), f"{path.name} still holds the deleted text"
