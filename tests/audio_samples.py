"""Recordings generated on the fly for tests (no audio files live in the repository)."""

import subprocess
from pathlib import Path

from wop.audio import ffmpeg_exe

FOX = "The quick brown fox jumps over the lazy dog."


def generate(*args: str) -> None:
    """Run ffmpeg to write a test recording."""
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args], check=True)


def make_tone(path: Path, seconds: float, freq: int = 440, sample_rate: int = 8000, codec_args=()) -> Path:
    """A sine tone; a low sample rate keeps long recordings quick to make."""
    generate(
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency={freq}:sample_rate={sample_rate}:duration={seconds}",
        *codec_args,
        str(path),
    )
    return path


def make_silence(path: Path, seconds: float, sample_rate: int = 8000) -> Path:
    generate(
        "-f", "lavfi", "-i", f"anullsrc=channel_layout=mono:sample_rate={sample_rate}", "-t", str(seconds), str(path)
    )
    return path


def make_speech(path: Path, text: str = FOX, voice: str = "en-us", words_per_minute: int = 150) -> Path:
    """Synthetic speech from espeak-ng as WAV."""
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(path), text], check=True)
    return path


def transcode(src: Path, dst: Path, *args: str) -> Path:
    generate("-i", str(src), *args, str(dst))
    return dst


def make_mediarecorder_webm(src: Path, dst: Path) -> Path:
    """Opus in WebM written to a pipe, as browsers' MediaRecorder does: the container
    then carries no duration."""
    with open(dst, "wb") as out:
        subprocess.run(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-nostdin",
                "-loglevel",
                "error",
                "-i",
                str(src),
                "-c:a",
                "libopus",
                "-f",
                "webm",
                "pipe:1",
            ],
            stdout=out,
            check=True,
        )
    return dst
