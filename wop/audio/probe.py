"""How long a recording is and whether ffmpeg can decode it, without ffprobe."""

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .ffmpeg import UnreadableAudio, run_ffmpeg

# Decoding this much proves the audio is readable without decoding an hour of it.
CHECK_SECONDS = 30

_DURATION = re.compile(r"^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_INPUT_AUDIO = re.compile(r"^\s*Stream #\d+:\d+\S*: Audio: ([^\s,]+)")
_TIME = re.compile(r"time=(-?)(\d+):(\d\d):(\d\d(?:\.\d+)?)")


@dataclass(frozen=True)
class AudioInfo:
    duration_seconds: float
    codec: str | None
    size_bytes: int
    has_audio: bool


def probe(path: Path | str) -> AudioInfo:
    """Describe a recording; raise UnreadableAudio when it has no decodable audio.

    The length comes from the container's Duration line when it has one. Recordings
    from browsers' MediaRecorder (webm) have none; those are read through once without
    decoding (fast), and the last timestamp reached is the length.
    """
    path = Path(path)
    size = os.path.getsize(path)
    check = run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-t", str(CHECK_SECONDS), "-f", "null", "-"])
    codec, duration = _parse_input(check.head)
    decoded = _last_time(check.tail)
    if check.returncode != 0 or codec is None or not decoded or decoded <= 0:
        raise UnreadableAudio(f"ffmpeg could not decode {path.name}: {check.error_summary()}")
    if not duration:
        read_through = run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-c", "copy", "-f", "null", "-"])
        duration = _last_time(read_through.tail) or decoded
    return AudioInfo(duration_seconds=duration, codec=codec, size_bytes=size, has_audio=True)


def _parse_input(lines: list[str]) -> tuple[str | None, float | None]:
    """The first input audio codec and the container's duration (None when "N/A")."""
    codec = duration = None
    for line in lines:
        if line.startswith(("Output #", "Stream mapping")):
            break
        if duration is None and (m := _DURATION.match(line)):
            duration = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
        if codec is None and (m := _INPUT_AUDIO.match(line)):
            codec = m[1]
    return codec, duration


def _last_time(lines: list[str]) -> float | None:
    """The last `time=` progress value ffmpeg printed (it can be negative)."""
    for line in reversed(lines):
        matches = _TIME.findall(line)
        if matches:
            sign, h, m, s = matches[-1]
            value = int(h) * 3600 + int(m) * 60 + float(s)
            return -value if sign else value
    return None
