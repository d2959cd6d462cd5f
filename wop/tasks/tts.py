"""Read aloud: turn an entry's text into one mp3, read part by part and joined (naming and
reuse of the files: wop/read_aloud.py)."""

import os
import shutil
from pathlib import Path
from typing import Any

from flask import current_app

from ..access import kept_from_ai
from ..audio import concat
from ..errors import JobFailed
from ..extensions import db
from ..jobs import JobRun, job_kind
from ..models.node import media_url
from ..providers import Speaker
from ..providers.text_to_speech import get_speaker
from ..queues import Queue
from ..read_aloud import (
    KEPT_FROM_CLOUD_VOICE,
    LOCAL_SPEAKERS,
    remove_if_unused,
    speech_hash,
    speech_path,
)
from ..storage import resolve, scratch_dir
from ..text_split import split_text
from .entry import entry_for


def synthesize(run: JobRun, speaker: Speaker, text: str, target: Path) -> int:
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


@job_kind("tts", queue=Queue.AUDIO)
def tts(run: JobRun) -> None:
    node = entry_for(run)
    speaker = get_speaker(current_app.config, run.params.get("provider"))
    if kept_from_ai(node) and speaker.name not in LOCAL_SPEAKERS:
        raise JobFailed(KEPT_FROM_CLOUD_VOICE)
    text = node.content  # what is read; an edit made meanwhile makes this audio stale, not wrong
    digest = speech_hash(speaker, text)
    rel = speech_path(node.user_id, digest)
    target = resolve(rel)
    assert target is not None  # a path made here stays inside the media folder
    cached = target.is_file()
    parts = 0 if cached else synthesize(run, speaker, text, target)
    run.progress(95, "Saving")
    unused = []

    def apply() -> dict[str, Any]:
        db.session.refresh(node)  # the text as it is now
        if node.audio_tts_hash != speech_hash(speaker, node.content):  # never replace current audio with stale
            unused.append(node.audio_tts_path)
            node.audio_tts_path, node.audio_tts_hash = rel, digest
        else:
            unused.append(rel)
        return {"tts_url": media_url(rel), "provider": speaker.name, "parts": parts, "cached": cached}

    run.complete(apply)
    remove_if_unused(unused[0])
