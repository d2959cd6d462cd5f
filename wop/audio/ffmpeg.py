"""Find and run the ffmpeg binary.

ffmpeg always runs as a subprocess that streams from file to file, so a recording is
never held in Python memory. Only its log (stderr) is read, and only its first and last
lines are kept: a damaged file can make ffmpeg print one error per packet.
"""

import shutil
import subprocess
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

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


def run_ffmpeg(args: list[str], *, keep_lines: int = 200) -> FFmpegRun:
    """Run `ffmpeg -hide_banner -nostdin <args>` and return its exit code and log ends.

    If this process is interrupted (a task's time limit, say), the child is killed and
    waited for, so no ffmpeg is left running.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    head: list[str] = []
    tail: deque[str] = deque(maxlen=keep_lines)
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,  # universal newlines also split ffmpeg's "\r" progress updates
        errors="replace",
    )
    assert proc.stderr is not None  # stderr=PIPE
    try:
        for line in proc.stderr:
            line = line.rstrip()
            if not line:
                continue
            if len(head) < keep_lines:
                head.append(line)
            else:
                tail.append(line)
        returncode = proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    # A short log lives entirely in head; give tail its last lines too.
    tail_lines = list(tail) if tail else head[-keep_lines:]
    return FFmpegRun(returncode, head, tail_lines)
