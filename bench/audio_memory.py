"""Peak memory of cutting a long recording: our streaming ffmpeg path against loading it whole.

    .venv/bin/python bench/audio_memory.py [--minutes 30]

Generates a 16-bit stereo 44.1 kHz WAV (about 300 MB for 30 minutes) in a temporary folder,
then runs each approach in a fresh Python process while this one samples the resident
memory (RSS) of that process and all its children every 50 ms from /proc. Prints a
markdown table. The temporary folder, WAV included, is removed at the end. Linux only.
"""

import argparse
import array
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wop.audio import ffmpeg_exe, split_for_transcription  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
MiB = 1024 * 1024


# -- the two approaches, each run in its own process -------------------------------------


def run_ours(wav: Path, workdir: Path) -> int:
    """Our path: one ffmpeg subprocess transcodes and cuts, streaming file to file."""
    return len(split_for_transcription(wav, workdir))


def run_whole(wav: Path, workdir: Path, part_seconds: int = 1200) -> int:
    """What pydub does: read the whole file, keep the samples in memory, slice them and
    pipe each slice to ffmpeg to encode. (pydub itself is not needed to show the cost.)"""
    data = wav.read_bytes()  # AudioSegment.from_file reads the whole file
    samples = array.array("h")
    samples.frombytes(memoryview(data)[data.find(b"data") + 8 :])  # ...and a copy of the samples
    del data
    per_part = 44100 * 2 * part_seconds
    parts = 0
    for start in range(0, len(samples), per_part):
        chunk = samples[start : start + per_part].tobytes()  # audio[a:b] copies the slice
        subprocess.run(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-nostdin",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "s16le",
                "-ar",
                "44100",
                "-ac",
                "2",
                "-i",
                "pipe:0",
                "-ac",
                "1",
                "-ar",
                "16000",
                "-c:a",
                "libmp3lame",
                "-b:a",
                "48k",
                str(workdir / f"part-{parts:03d}.mp3"),
            ],
            input=chunk,
            check=True,
        )
        parts += 1
    return parts


APPROACHES = {"ours": run_ours, "whole": run_whole}


# -- measuring ---------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def measure(approach: str, wav: Path, workdir: Path) -> dict:
    """Run one approach in a fresh interpreter; return peak RSS of it alone, of its
    children (ffmpeg) and of the whole tree, sampled every 50 ms, and the wall time."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, __file__, "--run", approach, str(wav), str(workdir)])
    peak_self = peak_children = peak_tree = 0
    while proc.poll() is None:
        tree = _children()
        descendants, queue = [], list(tree.get(proc.pid, []))
        while queue:
            pid = queue.pop()
            descendants.append(pid)
            queue.extend(tree.get(pid, []))
        own, kids = _rss(proc.pid), sum(_rss(pid) for pid in descendants)
        peak_self, peak_children = max(peak_self, own), max(peak_children, kids)
        peak_tree = max(peak_tree, own + kids)
        time.sleep(0.05)
    if proc.returncode != 0:
        raise SystemExit(f"{approach} failed with exit code {proc.returncode}")
    return {"self": peak_self, "children": peak_children, "tree": peak_tree, "seconds": time.monotonic() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--run", nargs=3, metavar=("APPROACH", "WAV", "WORKDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        approach, wav, workdir = args.run
        APPROACHES[approach](Path(wav), Path(workdir))
        return

    with tempfile.TemporaryDirectory(prefix="wop-bench-") as tmp:
        wav = Path(tmp) / "long.wav"
        subprocess.run(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-nostdin",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=220:sample_rate=44100:duration={args.minutes * 60}",
                "-ac",
                "2",
                "-c:a",
                "pcm_s16le",
                str(wav),
            ],
            check=True,
        )
        size = wav.stat().st_size
        rows = []
        for approach, label in [
            ("ours", "ffmpeg `segment`, streaming (ours)"),
            ("whole", "whole file in Python memory (pydub-style)"),
        ]:
            workdir = Path(tmp) / approach
            workdir.mkdir()
            rows.append((label, measure(approach, wav, workdir)))

    cores = os.cpu_count()
    print(
        f"Input: {args.minutes:g}-minute 16-bit stereo 44.1 kHz WAV, {size / 1e6:.0f} MB "
        f"({size / MiB:.0f} MiB). Machine: {cores} cores, Python {platform.python_version()}, "
        f"{Path(ffmpeg_exe()).name} at {ffmpeg_exe()}.\n"
    )
    print("| approach | peak RSS, Python + ffmpeg | peak RSS, Python | peak RSS, ffmpeg | time |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, m in rows:
        print(
            f"| {label} | {m['tree'] / MiB:.0f} MiB | {m['self'] / MiB:.0f} MiB "
            f"| {m['children'] / MiB:.0f} MiB | {m['seconds']:.1f} s |"
        )


if __name__ == "__main__":
    main()
