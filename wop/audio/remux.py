"""One recording from the chunks of continuous streams (a browser's MediaRecorder).

The chunks of a stream are byte slices of it: only the first carries the container's header,
and the bytes of all of them, in order, are the whole stream. ffmpeg reads them from a pipe and
rewrites the container without re-encoding: the stored file then has a real duration and an
index, so players can seek in it (a MediaRecorder stream has neither).

A recording continued after a pause (a new MediaRecorder, so a new header) is made of several
such streams, its segments: each is remuxed on its own, then ffmpeg's concat demuxer joins them,
still without re-encoding, one after another in time.
"""

import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from .ffmpeg import UnreadableAudio, run_ffmpeg
from .segment import concat_input, concat_list

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
# Containers whose index may come after the audio (an MP4 file saved by a phone, not a browser's
# fragmented stream): ffmpeg can only read them from a file it can seek in, never from a pipe.
SEEKABLE_ONLY = {"m4a", "mp4"}


def remux(chunks: Iterable[BinaryIO], out_path: Path | str, extension: str) -> None:
    """Write the recording made of `chunks` (in order) to `out_path`, in the container that
    `extension` names, without re-encoding. Raises UnreadableAudio when ffmpeg cannot read it;
    `out_path` appears only when complete."""
    out_path = Path(out_path)
    fd, tmp_name = tempfile.mkstemp(prefix=".remux-", suffix=f".{extension}", dir=out_path.parent)
    os.close(fd)
    source = f"{tmp_name}.in" if extension in SEEKABLE_ONLY else None
    try:
        if source is not None:
            _spool(chunks, source)
        result = run_ffmpeg(
            [
                "-loglevel",
                "error",
                "-y",
                "-i",
                source or "pipe:0",
                "-map",
                "0:a:0",
                "-c",
                "copy",
                "-map_metadata",
                "-1",
                *MUXERS[extension],
                tmp_name,
            ],
            feed=None if source else chunks,
        )
        if result.returncode != 0 or os.path.getsize(tmp_name) == 0:
            raise UnreadableAudio(f"ffmpeg could not assemble the recording: {result.error_summary()}")
        os.replace(tmp_name, out_path)
    finally:
        for leftover in (tmp_name, source):
            if leftover is not None and os.path.exists(leftover):
                os.unlink(leftover)


def _spool(chunks: Iterable[BinaryIO], path: str) -> None:
    """Copy the chunks, in order, into one file at `path` (a block at a time)."""
    with open(path, "wb") as out:
        for chunk in chunks:
            shutil.copyfileobj(chunk, out)


def assemble(segments: Sequence[Iterable[BinaryIO]], out_path: Path | str, extension: str) -> None:
    """Write the recording made of `segments` (each a stream's chunks, in order; the segments in
    order) to `out_path`, like `remux`. Each segment is remuxed into a file beside `out_path`
    first, so only one stream is read at a time; `out_path` appears only when complete."""
    if len(segments) == 1:
        remux(segments[0], out_path, extension)
        return
    out_path = Path(out_path)
    folder = Path(tempfile.mkdtemp(prefix=".segments-", dir=out_path.parent))
    try:
        parts = []
        for number, chunks in enumerate(segments):
            part = folder / f"segment-{number:04d}.{extension}"
            remux(chunks, part, extension)
            parts.append(part)
        listing = concat_list(parts, folder / "segments.txt")
        tmp_name = folder / f"joined.{extension}"
        result = run_ffmpeg(
            [
                "-loglevel",
                "error",
                "-y",
                *concat_input(listing),
                "-map",
                "0:a:0",
                "-c",
                "copy",
                "-map_metadata",
                "-1",
                *MUXERS[extension],
                str(tmp_name),
            ]
        )
        if result.returncode != 0 or tmp_name.stat().st_size == 0:
            raise UnreadableAudio(
                f"ffmpeg could not join the {len(segments)} parts of the recording: {result.error_summary()}"
            )
        os.replace(tmp_name, out_path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
