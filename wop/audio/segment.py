"""Cut a recording into parts a transcription provider accepts, and join audio parts.

Each operation is one streaming ffmpeg subprocess: memory stays flat however long the
recording (a 300 MB WAV peaks at a few tens of MiB; see docs/benchmarks.md).
"""

import os
import tempfile
from pathlib import Path

from .ffmpeg import UnreadableAudio, run_ffmpeg
from .probe import probe

# Speech-quality mp3: 16 kHz mono at 48 kbit/s is what Whisper hears anyway (it resamples
# to 16 kHz mono) and 20 minutes of it is about 7 MB, far under OpenAI's 25 MB limit.
# mp3 is on the list of formats OpenAI's transcription endpoint accepts.
SPEECH_ARGS = ["-vn", "-ac", "1", "-ar", "16000", "-c:a", "libmp3lame", "-b:a", "48k"]
SPEECH_BITS_PER_SECOND = 48_000


def split_for_transcription(
    path: Path | str,
    workdir: Path | str,
    *,
    part_seconds: float = 1200,
    max_part_bytes: int | None = 25 * 1024 * 1024,
    max_part_seconds: float | None = 1500,
    min_tail_seconds: float = 1.0,
) -> list[Path]:
    """Transcode `path` to speech-quality mp3 parts of about `part_seconds` each, in order.

    The parts go to a new folder inside `workdir`; nothing is written elsewhere.
    Raises UnreadableAudio when ffmpeg cannot decode the recording.
    """
    seconds = part_seconds
    if max_part_seconds:
        seconds = min(seconds, max_part_seconds)
    if max_part_bytes:
        # 10% headroom for frame headers and the mp3 info frame.
        seconds = min(seconds, 0.9 * max_part_bytes * 8 / SPEECH_BITS_PER_SECOND)
    outdir = Path(tempfile.mkdtemp(prefix="parts-", dir=workdir))
    result = run_ffmpeg(
        [
            "-loglevel",
            "error",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            *SPEECH_ARGS,
            "-map_metadata",
            "-1",
            "-f",
            "segment",
            "-segment_time",
            f"{seconds:.3f}",
            "-reset_timestamps",
            "1",
            str(outdir / "part-%05d.mp3"),
        ]
    )
    parts = sorted(outdir.glob("part-*.mp3"))
    if result.returncode != 0 or not parts:
        raise UnreadableAudio(f"ffmpeg could not transcode {Path(path).name}: {result.error_summary()}")
    # When the length is an exact multiple of the part length, the segment muxer
    # writes one extra part of a few milliseconds; it holds nothing worth sending.
    if len(parts) > 1 and _is_sliver(parts[-1], min_tail_seconds):
        parts.pop().unlink()
    return parts


def _is_sliver(part: Path, min_seconds: float) -> bool:
    try:
        return probe(part).duration_seconds < min_seconds
    except UnreadableAudio:
        return True


def concat(parts: list[Path], out_path: Path | str) -> None:
    """Join audio parts, in order, into one mp3 at `out_path` (replaced atomically).

    Uses ffmpeg's concat demuxer with a list file written next to `out_path`, so the
    parts are streamed one after another, never loaded together.
    """
    if not parts:
        raise ValueError("concat needs at least one part")
    out_path = Path(out_path)
    folder = out_path.parent
    list_fd, list_name = tempfile.mkstemp(prefix=".concat-", suffix=".txt", dir=folder)
    os.close(list_fd)
    tmp_fd, tmp_name = tempfile.mkstemp(prefix=".concat-", suffix=".mp3", dir=folder)
    os.close(tmp_fd)
    try:
        concat_list(parts, list_name)
        result = run_ffmpeg(
            [
                "-loglevel",
                "error",
                "-y",
                *concat_input(list_name),
                "-vn",
                "-c:a",
                "libmp3lame",
                "-q:a",
                "4",
                "-f",
                "mp3",
                tmp_name,
            ]
        )
        if result.returncode != 0:
            raise UnreadableAudio(f"ffmpeg could not join {len(parts)} parts: {result.error_summary()}")
        os.replace(tmp_name, out_path)
    finally:
        for leftover in (list_name, tmp_name):
            if os.path.exists(leftover):
                os.unlink(leftover)


def concat_list(parts: list[Path], list_path: Path | str) -> Path:
    """Write the list file of ffmpeg's concat demuxer naming `parts`, in order; its path."""
    with open(list_path, "w", encoding="utf-8") as listing:
        for part in parts:
            listing.write(f"file '{_quote(Path(part).resolve())}'\n")
    return Path(list_path)


def concat_input(list_path: Path | str) -> list[str]:
    """ffmpeg's input arguments reading the parts named by a concat list (absolute paths allowed)."""
    return ["-f", "concat", "-safe", "0", "-i", str(list_path)]


def _quote(path: Path) -> str:
    # The concat list quotes with single quotes; a quote inside is written '\''.
    return str(path).replace("'", "'\\''")
