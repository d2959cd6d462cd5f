"""Find and run the ffmpeg binary.

ffmpeg always runs as a subprocess that streams from file to file, so a recording is
never held in Python memory. Only its log (stderr) is read, and only its first and last
lines are kept: a damaged file can make ffmpeg print one error per packet.
"""

import contextlib
import io
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, BinaryIO

from ..errors import JobFailed

UNREADABLE_MESSAGE = (
    "This recording could not be read. It may be damaged or in an unsupported format; the original file is kept."
)


class UnreadableAudio(JobFailed):
    def __init__(self, detail: str | None = None):
        super().__init__(UNREADABLE_MESSAGE, detail)


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Debian's ffmpeg when installed (it has every codec we need), else the binary
    shipped in the imageio-ffmpeg wheel. Neither path needs ffprobe, which the wheel lacks."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@dataclass
class FFmpegRun:
    returncode: int
    head: list[str]  # the first log lines: input description, stream list
    tail: list[str]  # the last log lines: final progress, errors

    @property
    def log(self) -> str:
        return "\n".join([*self.head, "...", *self.tail])

    def error_summary(self) -> str:
        return "\n".join(self.tail[-8:])


def run_ffmpeg(
    args: list[str],
    *,
    keep_lines: int = 200,
    feed: Iterable[BinaryIO] | None = None,
    on_line: Callable[[str], None] | None = None,
) -> FFmpegRun:
    """Run `ffmpeg -hide_banner -nostdin <args>` and return its exit code and log ends.

    `feed`: files whose bytes, one after another, are ffmpeg's standard input (`-i pipe:0`),
    copied a block at a time by a thread. `on_line` sees every log line (the kept ends may
    miss some of a long log).

    If this process is interrupted (a task's time limit, say), the child is killed and
    waited for, so no ffmpeg is left running.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", *([] if feed is not None else ["-nostdin"]), *args]
    head: list[str] = []
    tail: deque[str] = deque(maxlen=keep_lines)
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE if feed is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None  # stderr=PIPE
    # Universal newlines also split ffmpeg's "\r" progress updates.
    log = io.TextIOWrapper(proc.stderr, encoding="utf-8", errors="replace", newline=None)
    feeder = None
    if feed is not None:
        assert proc.stdin is not None  # stdin=PIPE
        feeder = threading.Thread(target=_feed, args=(feed, proc.stdin), daemon=True)
        feeder.start()
    try:
        for line in log:
            line = line.rstrip()
            if not line:
                continue
            if on_line is not None:
                on_line(line)
            if len(head) < keep_lines:
                head.append(line)
            else:
                tail.append(line)
        returncode = proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        if feeder is not None:
            feeder.join()
    # A short log lives entirely in head; give tail its last lines too.
    tail_lines = list(tail) if tail else head[-keep_lines:]
    return FFmpegRun(returncode, head, tail_lines)


def _feed(sources: Iterable[BinaryIO], stdin: IO[bytes]) -> None:
    """Copy each source into ffmpeg's standard input, then close it. ffmpeg may stop reading
    early (it has what it needs, or it failed): the rest is not sent."""
    try:
        for source in sources:
            shutil.copyfileobj(source, stdin, 64 * 1024)
    except (BrokenPipeError, ConnectionResetError, ValueError):
        pass  # ffmpeg closed its input (or was killed)
    finally:
        close = getattr(sources, "close", None)
        if close is not None:
            close()  # a generator of open files closes the one it holds
        with contextlib.suppress(OSError):
            stdin.close()
