"""Read-aloud audio: how a file is named and found, shared by the request and the job.

A file is named by a hash of provider, model, voice and text, under the author's folder
(media/tts/<user_id>/<hash>.mp3), so the same text read the same way is made only once and
account deletion removes it with the author's other files. Entries with the same text share it.

While a job reads, each part is kept on its own (media/parts/<user_id>/<job_id>/) so the page
can play it at once; parts are deleted PARTS_TTL_SECONDS after they were made.
"""

import hashlib
import time

from sqlalchemy import select

from .extensions import db
from .models import Node
from .providers import Speaker
from .storage import media, remove

# Read-aloud that runs on this machine: the only kind an entry kept away from AI may use.
LOCAL_SPEAKERS = ("local",)
KEPT_FROM_CLOUD_VOICE = (
    "This entry is kept away from AI, so no cloud voice may read it. "
    "It can be read aloud by the local voice (TTS_PROVIDER=local)."
)


def speech_hash(speaker: Speaker, text: str) -> str:
    """Same text read by the same provider, model and voice: same audio."""
    key = "|".join([speaker.name, speaker.model, speaker.voice, text])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def speech_path(user_id: int, digest: str) -> str:
    return f"tts/{user_id}/{digest}.mp3"


def is_stored(rel: str | None) -> bool:
    return bool(rel) and media().exists(rel or "")


def current_audio(node: Node, digest: str) -> str | None:
    """The node's read-aloud file when it was made from this very text and setting, and still exists."""
    if node.audio_tts_hash == digest and is_stored(node.audio_tts_path):
        return node.audio_tts_path
    return None


def remove_if_unused(rel: str | None) -> None:
    """Delete a read-aloud file no entry points at any more."""
    if rel and db.session.scalar(select(Node.id).where(Node.audio_tts_path == rel).limit(1)) is None:
        remove(rel)


PARTS_TTL_SECONDS = 3600


def part_file(user_id: int, job_id: str, index: int) -> str:
    """Where part `index` (from 1) of a read-aloud job is kept (a stored media path)."""
    return f"parts/{user_id}/{job_id}/part-{index:04d}.mp3"


def part_url(job_id: str, index: int) -> str:
    return f"/api/jobs/{job_id}/parts/{index}"


def expire_old_parts() -> int:
    """Delete the part folders of read-aloud jobs older than PARTS_TTL_SECONDS; how many went."""
    cutoff, newest = time.time() - PARTS_TTL_SECONDS, dict[str, float]()
    for stored in media().files("parts"):
        folder = stored.rel.rsplit("/", 1)[0]  # parts/<user_id>/<job_id>
        newest[folder] = max(newest.get(folder, 0.0), stored.mtime)
    old = [folder for folder, mtime in newest.items() if mtime < cutoff]
    for folder in old:
        media().delete_folder(folder)
    return len(old)
