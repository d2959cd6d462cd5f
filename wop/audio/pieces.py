"""Cutting a recording that is still growing into pieces to transcribe, without splitting words.

A piece is about `piece_seconds` long. Where it ends is chosen at a pause (ffmpeg's
`silencedetect`) near that length; only when there is none within a quarter of a piece either
way is it cut at the length itself, and then the two pieces overlap by a few seconds around the
cut, so the word under it is heard whole by one of them (the joined text drops what both heard).

A cut is decided only once the audio a quarter piece past it has been received, so a pause
that might still come is never missed; the last piece takes whatever remains.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .ffmpeg import UnreadableAudio, run_ffmpeg
from .segment import SPEECH_ARGS

# A pause: at least this long, this much quieter than full scale. Speech is far above it;
# a quiet room's noise is below it.
SILENCE_DB = -35
SILENCE_SECONDS = 0.3
# Around a cut with no pause, each piece takes this much of the other's audio.
HALF_OVERLAP_SECONDS = 1.5
# A last piece shorter than this, after earlier ones, holds no word that they did not hear.
MIN_TAIL_SECONDS = 0.25

_SILENCE_START = re.compile(r"silence_start: (-?\d+(?:\.\d+)?)")
_SILENCE_END = re.compile(r"silence_end: (-?\d+(?:\.\d+)?)")
_TIME = re.compile(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)")


@dataclass(frozen=True)
class Cut:
    """A piece: [start, end] of the recording, transcribed with `lead` seconds more before it
    and `tail` seconds more after it (overlapping its neighbours where no pause was found)."""

    start: float
    end: float
    lead: float = 0.0
    tail: float = 0.0

    @property
    def audio_start(self) -> float:
        return max(0.0, self.start - self.lead)

    @property
    def audio_end(self) -> float:
        return self.end + self.tail


@dataclass(frozen=True)
class Heard:
    """What decoding from `start` found: audio up to `end`, and the pauses in it."""

    start: float
    end: float
    silences: list[tuple[float, float]]


def decode_from(source: Path | Iterable[BinaryIO], start: float, wav_out: Path | str, lead: float = 0.0) -> Heard:
    """Decode the recording from `start - lead` to its end into a 16 kHz mono WAV (the piece
    cutter's working copy) and find its pauses, in seconds of the whole recording.

    `source` is a file, or the recording's chunks in order (a stream that may end mid-packet:
    what can be decoded is). Skipping to the start only reads the stream, it does not decode it.
    """
    begin = max(0.0, start - lead)
    silences: list[tuple[float, float]] = []
    open_silence: list[float] = []

    def on_line(line: str) -> None:
        if m := _SILENCE_START.search(line):
            open_silence[:] = [begin + max(0.0, float(m[1]))]
        elif (m := _SILENCE_END.search(line)) and open_silence:
            silences.append((open_silence.pop(), begin + float(m[1])))

    feed = None if isinstance(source, Path) else source
    result = run_ffmpeg(
        [
            "-y",
            "-ss",
            f"{begin:.3f}",
            "-i",
            str(source) if isinstance(source, Path) else "pipe:0",
            "-map",
            "0:a:0",
            "-af",
            f"silencedetect=noise={SILENCE_DB}dB:duration={SILENCE_SECONDS}",
            "-ac",
            "1",
            "-ar",
            "16000",
            "-c:a",
            "pcm_s16le",
            "-f",
            "wav",
            str(wav_out),
        ],
        feed=feed,
        on_line=on_line,
    )
    decoded = _last_time(result.tail)
    if result.returncode != 0 or decoded is None:
        raise UnreadableAudio(f"ffmpeg could not decode the recording from {begin:.1f} s: {result.error_summary()}")
    end = begin + decoded
    if open_silence:  # still quiet where the audio ends
        silences.append((open_silence[0], end))
    return Heard(begin, end, silences)


def _last_time(lines: list[str]) -> float | None:
    for line in reversed(lines):
        found = _TIME.findall(line)
        if found:
            h, m, s = found[-1]
            return int(h) * 3600 + int(m) * 60 + float(s)
    return None


def plan_cuts(start: float, lead: float, heard: Heard, piece_seconds: float, final: bool) -> list[Cut]:
    """The pieces that can be cut from `start` (the first one with `lead` seconds of the piece
    before it) in the audio heard. `final`: the recording has ended, the rest is the last piece."""
    window = piece_seconds / 4
    half_overlap = min(HALF_OVERLAP_SECONDS, window)
    cuts: list[Cut] = []
    pos = start
    while True:
        target = pos + piece_seconds
        if final and heard.end - pos <= piece_seconds + window:
            if heard.end - pos >= MIN_TAIL_SECONDS or (not cuts and pos == 0 and heard.end > 0):
                cuts.append(Cut(pos, heard.end, lead))
            return cuts
        if target + window > heard.end:
            return cuts  # not enough audio yet to know where the best pause is
        pause = _nearest_pause(heard.silences, target, window)
        if pause is not None:
            cuts.append(Cut(pos, pause, lead))
            pos, lead = pause, 0.0
        else:
            cuts.append(Cut(pos, target, lead, half_overlap))
            pos, lead = target, half_overlap


def _nearest_pause(silences: list[tuple[float, float]], target: float, window: float) -> float | None:
    """The middle of the pause nearest `target` (within `window` of it), clipped to the window;
    on a tie the longer pause."""
    low, high = target - window, target + window
    best: tuple[float, float, float] | None = None  # (distance, -length, point)
    for begin, end in silences:
        if end <= low or begin >= high:
            continue
        point = (max(begin, low) + min(end, high)) / 2
        key = (abs(point - target), -(end - begin), point)
        if best is None or key < best:
            best = key
    return best[2] if best is not None else None


def extract_piece(wav: Path, heard: Heard, cut: Cut, out_path: Path) -> None:
    """Write the audio of `cut` (lead and tail included) from the working copy to `out_path`
    as speech-quality mp3, what every transcriber takes."""
    offset = cut.audio_start - heard.start
    result = run_ffmpeg(
        [
            "-loglevel",
            "error",
            "-y",
            "-ss",
            f"{max(0.0, offset):.3f}",
            "-t",
            f"{cut.audio_end - cut.audio_start:.3f}",
            "-i",
            str(wav),
            *SPEECH_ARGS,
            "-map_metadata",
            "-1",
            "-f",
            "mp3",
            str(out_path),
        ]
    )
    if result.returncode != 0:
        raise UnreadableAudio(f"ffmpeg could not cut a piece: {result.error_summary()}")
