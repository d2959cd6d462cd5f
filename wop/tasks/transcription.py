"""Transcription: probe the stored recording, cut it into parts with ffmpeg, transcribe the
parts in order, and write the transcript into the node. The recording itself is never touched."""

import shutil
from typing import Any

from flask import current_app

from ..access import kept_from_ai
from ..audio import probe, split_for_transcription
from ..errors import JobFailed
from ..extensions import db
from ..jobs import JobRun, job_kind
from ..jobs.live import add_part
from ..models import Node
from ..providers.speech_to_text import get_transcriber
from ..queues import Queue
from ..storage import media, scratch_dir
from ..tokens import count_tokens
from .entry import entry_for

NO_SPEECH = "[Voice note – no speech was recognised]"


@job_kind("transcription", queue=Queue.AUDIO)
def transcribe(run: JobRun) -> None:
    node = entry_for(run)
    folder = scratch_dir("transcribe-")  # the recording is fetched here: workers share no disk
    try:
        try:
            path = media().local_copy(node.audio_original_path or "", folder)
        except (FileNotFoundError, ValueError):
            raise JobFailed("The recording file is missing, so it cannot be transcribed.") from None
        run.progress(2, "Checking the recording")
        info = probe(path)
        limit = current_app.config["MAX_AUDIO_MINUTES"]
        if info.duration_seconds > limit * 60:
            raise JobFailed(
                f"This recording is {info.duration_seconds / 60:.0f} minutes long; recordings of up to {limit} "
                "minutes are transcribed (MAX_AUDIO_MINUTES). The recording is kept."
            )
        # An entry kept away from AI is transcribed on this machine, whatever was asked for.
        provider = "local" if kept_from_ai(node) else run.params.get("provider")
        transcriber = get_transcriber(current_app.config, provider)
        run.progress(5, "Preparing the recording")
        parts = split_for_transcription(
            path,
            folder,
            part_seconds=transcriber.part_seconds,
            max_part_bytes=transcriber.max_bytes,
            max_part_seconds=transcriber.max_seconds,
        )
        texts = []
        for i, part in enumerate(parts, 1):
            run.progress(10 + 85 * (i - 1) / len(parts), f"Transcribing part {i} of {len(parts)}")
            with run.abortable():
                texts.append(transcriber.transcribe(part))
            add_part(run, i, len(parts), text=texts[-1].strip())  # the transcript grows on the page
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    transcript = " ".join(t.strip() for t in texts if t.strip()) or NO_SPEECH

    def apply() -> dict[str, Any]:
        current = db.session.get_one(Node, node.id)
        current.save_version("transcription")  # the placeholder (or an earlier transcript) stays as a version
        current.content = transcript
        current.token_count = count_tokens(transcript)
        current.audio_duration_seconds = info.duration_seconds
        return {
            "parts": len(parts),
            "provider": transcriber.name,
            "duration_seconds": info.duration_seconds,
            "characters": len(transcript),
        }

    run.complete(apply)
