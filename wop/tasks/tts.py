"""Read aloud: turn an entry's text into one mp3, read part by part and joined (naming and
reuse of the files: wop/read_aloud.py)."""

import shutil
from pathlib import Path
from typing import Any

from flask import current_app

from ..access import kept_from_ai
from ..audio import concat, probe
from ..errors import JobFailed
from ..extensions import db
from ..jobs import JobRun, job_kind
from ..jobs.live import add_part
from ..models.node import media_url
from ..providers import Speaker
from ..providers.text_to_speech import get_speaker
from ..queues import Queue
from ..read_aloud import (
    KEPT_FROM_CLOUD_VOICE,
    LOCAL_SPEAKERS,
    part_file,
    part_url,
    remove_if_unused,
    speech_hash,
    speech_path,
)
from ..storage import media, scratch_dir
from ..text_split import split_text
from .entry import entry_for

FIRST_PART_CHARS = 600  # about 5 seconds of speech, made in a fraction of a second locally


def speech_parts(text: str, speaker: Speaker) -> list[str]:
    """The parts to read: at most `speaker.max_chars` each. The local voice reads a short first
    part, so that playing starts soon while the rest is read (a cloud voice keeps to the fewest
    requests)."""
    parts = split_text(text, speaker.max_chars)
    if speaker.name not in LOCAL_SPEAKERS or not parts or len(parts[0]) <= FIRST_PART_CHARS:
        return parts
    head, *rest = split_text(parts[0], FIRST_PART_CHARS)
    return [head, *split_text(" ".join(rest), speaker.max_chars), *parts[1:]]


def synthesize(run: JobRun, speaker: Speaker, text: str, rel: str, folder: Path) -> int:
    """Read `text` part by part (in the scratch folder `folder`) and store the parts joined as
    `rel`; returns the part count. Each part is stored where its owner can play it while later
    parts are made (wop/read_aloud.py), and announced as soon as it is spoken."""
    parts = speech_parts(text, speaker)
    files = []
    for i, part in enumerate(parts, 1):
        run.progress(5 + 85 * (i - 1) / len(parts), f"Reading part {i} of {len(parts)}")
        files.append(folder / f"part-{i:04d}.mp3")
        with run.abortable():
            speaker.synthesize(part, files[-1])
        media().upload(files[-1], part_file(run.user_id, run.job_id, i))
        add_part(run, i, len(parts), url=part_url(run.job_id, i), seconds=probe(files[-1]).duration_seconds)
    if len(files) == 1:  # already one mp3: no need to re-encode it
        joined = files[0]
    else:
        run.progress(90, f"Joining {len(files)} parts")
        joined = folder / "joined.mp3"
        concat(files, joined)
    media().put_file(joined, rel)  # the file appears whole or not at all
    return len(parts)


@job_kind("tts", queue=Queue.AUDIO)
def tts(run: JobRun) -> None:
    node = entry_for(run)
    speaker = get_speaker(current_app.config, run.params.get("provider"))
    if kept_from_ai(node) and speaker.name not in LOCAL_SPEAKERS:
        raise JobFailed(KEPT_FROM_CLOUD_VOICE)
    text = node.content  # what is read; an edit made meanwhile makes this audio stale, not wrong
    digest = speech_hash(speaker, text)
    rel = speech_path(node.user_id, digest)
    cached = media().exists(rel)
    parts = 0
    if not cached:
        folder = scratch_dir("read-aloud-")
        try:
            parts = synthesize(run, speaker, text, rel, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
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
