"""Audio helpers built on the ffmpeg binary: probe, transcode and cut, concatenate, and for
recordings sent in chunks: assemble (remux) and cut into pieces at pauses."""

from .ffmpeg import UNREADABLE_MESSAGE, UnreadableAudio, ffmpeg_exe, run_ffmpeg
from .pieces import Cut, Heard, decode_from, extract_piece, plan_cuts
from .probe import AudioInfo, probe
from .remux import MUXERS, assemble, remux
from .segment import concat, split_for_transcription

__all__ = [
    "MUXERS",
    "UNREADABLE_MESSAGE",
    "AudioInfo",
    "Cut",
    "Heard",
    "UnreadableAudio",
    "assemble",
    "concat",
    "decode_from",
    "extract_piece",
    "ffmpeg_exe",
    "plan_cuts",
    "probe",
    "remux",
    "run_ffmpeg",
    "split_for_transcription",
]
