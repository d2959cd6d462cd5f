"""One recording from the chunks of a continuous stream (a browser's MediaRecorder).

The chunks are byte slices of one stream: only the first carries the container's header, and
the bytes of all of them, in order, are the whole recording. ffmpeg reads them from a pipe and
rewrites the container without re-encoding: the stored file then has a real duration and an
index, so players can seek in it (a MediaRecorder stream has neither).
"""

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from .ffmpeg import UnreadableAudio, run_ffmpeg

# Recording file extension -> ffmpeg muxer (and its options) that holds the same codec.
MUXERS: dict[str, list[str]] = {
    "webm": ["-f", "webm"],
    "ogg": ["-f", "ogg"],
    "oga": ["-f", "ogg"],
    "opus": ["-f", "ogg"],
    "m4a": ["-f", "ipod", "-movflags", "+faststart"],
    "mp4": ["-f", "mp4", "-movflags", "+faststart"],
    "aac": ["-f", "adts"],
    "mp3": ["-f", "mp3"],
    "mpeg": ["-f", "mp3"],
    "mpga": ["-f", "mp3"],
    "wav": ["-f", "wav"],
    "flac": ["-f", "flac"],
}


def remux(chunks: Iterable[BinaryIO], out_path: Path | str, extension: str) -> None:
    """Write the recording made of `chunks` (in order) to `out_path`, in the container that
    `extension` names, without re-encoding. Raises UnreadableAudio when ffmpeg cannot read it;
    `out_path` appears only when complete."""
    out_path = Path(out_path)
    fd, tmp_name = tempfile.mkstemp(prefix=".remux-", suffix=f".{extension}", dir=out_path.parent)
    os.close(fd)
    try:
        result = run_ffmpeg(
            [
                "-loglevel",
                "error",
                "-y",
                "-i",
                "pipe:0",
                "-map",
                "0:a:0",
                "-c",
                "copy",
                "-map_metadata",
                "-1",
                *MUXERS[extension],
                tmp_name,
            ],
            feed=chunks,
        )
        if result.returncode != 0 or os.path.getsize(tmp_name) == 0:
            raise UnreadableAudio(f"ffmpeg could not assemble the recording: {result.error_summary()}")
        os.replace(tmp_name, out_path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
