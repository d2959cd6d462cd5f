"""Audio helpers built on the ffmpeg binary: probe, transcode and cut, concatenate."""

from .ffmpeg import UNREADABLE_MESSAGE, UnreadableAudio, ffmpeg_exe, run_ffmpeg
from .probe import AudioInfo, probe
from .segment import concat, split_for_transcription

__all__ = [
    "UNREADABLE_MESSAGE",
    "AudioInfo",
    "UnreadableAudio",
    "concat",
    "ffmpeg_exe",
    "probe",
    "run_ffmpeg",
    "split_for_transcription",
]
