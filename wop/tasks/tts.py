"""Read aloud: turn an entry's text into one mp3, cached by what was read and how.

The file is named by a hash of provider, model, voice and text, under the author's folder
(media/tts/<user_id>/<hash>.mp3), so the same text read the same way is made only once and
account deletion removes it with the author's other files.
"""
import hashlib
import os
import shutil
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..access import kept_from_ai
from ..audio import concat
from ..extensions import db
from ..jobs import job_kind
from ..models import Node
from ..models.node import media_url
from ..providers.text_to_speech import get_speaker
from ..storage import remove, resolve, scratch_dir
from ..text_split import split_text
from .entry import entry_for

# Read-aloud that runs on this machine: the only kind an entry kept away from AI may use.
LOCAL_SPEAKERS = ("local",)
KEPT_FROM_CLOUD_VOICE = ("This entry is kept away from AI, so no cloud voice may read it. "
                         "It can be read aloud by the local voice (TTS_PROVIDER=local).")


def speech_hash(speaker, text: str) -> str:
    """Same text read by the same provider, model and voice: same audio."""
    key = "|".join([speaker.name, getattr(speaker, "model", ""), speaker.voice, text])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def speech_path(user_id: int, digest: str) -> str:
    return f"tts/{user_id}/{digest}.mp3"


def is_stored(rel: str | None) -> bool:
    path = resolve(rel) if rel else None
    return path is not None and path.is_file()


def current_audio(node: Node, digest: str) -> str | None:
    """The node's read-aloud file when it was made from this very text and setting, and still exists."""
    if node.audio_tts_hash == digest and is_stored(node.audio_tts_path):
        return node.audio_tts_path
    return None


def synthesize(run, speaker, text: str, target: Path) -> int:
    """Read `text` part by part into a scratch folder and join the parts at `target`. Returns the part count."""
    parts = split_text(text, speaker.max_chars)
    workdir = scratch_dir("tts-")
    try:
        files = []
        for i, part in enumerate(parts, 1):
            run.progress(5 + 85 * (i - 1) / len(parts), f"Reading part {i} of {len(parts)}")
            files.append(workdir / f"part-{i:04d}.mp3")
            with run.abortable():
                speaker.synthesize(part, files[-1])
        target.parent.mkdir(parents=True, exist_ok=True)
        if len(files) == 1:
            os.replace(files[0], target)  # already one mp3: no need to re-encode it
        else:
            run.progress(90, f"Joining {len(files)} parts")
            concat(files, target)
        return len(parts)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def remove_if_unused(rel: str | None) -> None:
    """Delete a read-aloud file no entry points at any more (entries with the same text share one)."""
    if rel and db.session.scalar(select(Node.id).where(Node.audio_tts_path == rel).limit(1)) is None:
        remove(rel)


@job_kind("tts", queue="audio")
def tts(run) -> None:
    node = entry_for(run)
    if node is None:
        return
    speaker = get_speaker(current_app.config, run.params.get("provider"))
    if kept_from_ai(node) and speaker.name not in LOCAL_SPEAKERS:
        run.fail(KEPT_FROM_CLOUD_VOICE)
        return
    text = node.content  # what is read; an edit made meanwhile makes this audio stale, not wrong
    digest = speech_hash(speaker, text)
    rel = speech_path(node.user_id, digest)
    target = resolve(rel)
    cached = target.is_file()
    parts = 0 if cached else synthesize(run, speaker, text, target)
    run.progress(95, "Saving")
    unused = []

    def apply() -> dict:
        db.session.refresh(node)  # the text as it is now
        if node.audio_tts_hash != speech_hash(speaker, node.content):  # never replace current audio with stale
            unused.append(node.audio_tts_path)
            node.audio_tts_path, node.audio_tts_hash = rel, digest
        else:
            unused.append(rel)
        return {"tts_url": media_url(rel), "provider": speaker.name, "parts": parts, "cached": cached}

    run.complete(apply)
    remove_if_unused(unused[0])
