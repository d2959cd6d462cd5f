"""ffmpeg helpers against real ffmpeg and recordings generated into tmp_path."""

import os
import shutil
from pathlib import Path

import pytest

from tests.audio_samples import (
    generate,
    make_mediarecorder_webm,
    make_silence,
    make_speech,
    make_tone,
    transcode,
)
from wop.audio import (
    UNREADABLE_MESSAGE,
    UnreadableAudio,
    concat,
    ffmpeg,
    probe,
    run_ffmpeg,
    split_for_transcription,
)
from wop.errors import JobFailed

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    speech = make_speech(folder / "speech.wav")
    return {
        "tone": make_tone(folder / "tone.wav", 10),
        "speech": speech,
        "webm": transcode(speech, folder / "speech.webm", "-c:a", "libopus"),
        "opus": transcode(speech, folder / "speech.opus", "-c:a", "libopus"),
        "flac": transcode(speech, folder / "speech.flac"),
        "m4a": transcode(speech, folder / "speech.m4a", "-c:a", "aac"),
        "mp3": transcode(speech, folder / "speech.mp3"),
        "recorder": make_mediarecorder_webm(speech, folder / "recorder.webm"),
    }


@pytest.fixture(scope="module")
def fifty_minutes(tmp_path_factory):
    return make_tone(tmp_path_factory.mktemp("long") / "fifty.wav", 50 * 60)


def duration(path: Path) -> float:
    return probe(path).duration_seconds


# -- probe -------------------------------------------------------------------------------


def test_probe_tone(samples):
    info = probe(samples["tone"])
    assert info.duration_seconds == pytest.approx(10, abs=0.05)
    assert info.codec == "pcm_s16le"
    assert info.size_bytes == os.path.getsize(samples["tone"])
    assert info.has_audio


@pytest.mark.parametrize(
    ("kind", "codec"),
    [
        ("speech", "pcm_s16le"),
        ("webm", "opus"),
        ("opus", "opus"),
        ("flac", "flac"),
        ("m4a", "aac"),
        ("mp3", "mp3"),
    ],
)
def test_probe_formats_agree_on_length(samples, kind, codec):
    reference = duration(samples["speech"])
    assert 2 < reference < 5  # espeak-ng says the sentence in about three seconds
    info = probe(samples[kind])
    assert info.codec == codec
    assert info.duration_seconds == pytest.approx(reference, abs=0.1)


def test_probe_webm_without_container_duration(samples):
    recorder = samples["recorder"]
    header = run_ffmpeg(["-i", str(recorder)]).head
    assert any("Duration: N/A" in line for line in header), "fixture should lack a duration"
    assert duration(recorder) == pytest.approx(duration(samples["speech"]), abs=0.1)


def test_probe_long_webm_without_container_duration(tmp_path):
    # Longer than probe's decoding check, so the length must come from reading it through.
    recorder = make_mediarecorder_webm(make_tone(tmp_path / "tone.wav", 95), tmp_path / "long.webm")
    assert duration(recorder) == pytest.approx(95, abs=0.1)


def test_probe_ignores_video_and_reports_audio(tmp_path):
    clip = tmp_path / "clip.mkv"
    ffmpeg_args = [
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=64x64:rate=5:duration=3",
        "-f",
        "lavfi",
        "-i",
        "sine=duration=3:sample_rate=8000",
        "-c:v",
        "mjpeg",
        "-c:a",
        "flac",
    ]
    generate(*ffmpeg_args, str(clip))
    info = probe(clip)
    assert info.codec == "flac"
    assert info.duration_seconds == pytest.approx(3, abs=0.3)


# -- unreadable input ---------------------------------------------------------------------


def _truncated_m4a(samples, tmp_path):
    # Phones write the m4a index (moov atom) last: a cut-off upload cannot be decoded at all.
    data = samples["m4a"].read_bytes()
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(data[: len(data) // 2])
    return cut


def _random_bytes(samples, tmp_path):
    noise = tmp_path / "noise.mp3"
    noise.write_bytes(os.urandom(50_000))
    return noise


def _header_only_webm(samples, tmp_path):
    stub = tmp_path / "stub.webm"
    stub.write_bytes(samples["webm"].read_bytes()[:300])
    return stub


def _header_only_wav(samples, tmp_path):
    # A valid header naming the codec, and no samples after it.
    stub = tmp_path / "stub.wav"
    stub.write_bytes(samples["speech"].read_bytes()[:44])
    return stub


def _empty(samples, tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    return empty


def _video_only(samples, tmp_path):
    clip = tmp_path / "silent-film.mkv"
    generate("-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=2", "-c:v", "mjpeg", str(clip))
    return clip


BROKEN = [_truncated_m4a, _random_bytes, _header_only_webm, _header_only_wav, _empty, _video_only]


@pytest.mark.parametrize("make", BROKEN, ids=lambda f: f.__name__.strip("_"))
def test_unreadable_recordings_raise_a_permanent_user_safe_error(samples, tmp_path, make):
    broken = make(samples, tmp_path)
    with pytest.raises(UnreadableAudio) as caught:
        probe(broken)
    assert isinstance(caught.value, JobFailed) and not caught.value.transient
    assert caught.value.message == UNREADABLE_MESSAGE
    assert broken.name in caught.value.detail


@pytest.mark.parametrize("make", [_truncated_m4a, _random_bytes, _video_only], ids=lambda f: f.__name__.strip("_"))
def test_split_of_unreadable_recording_raises(samples, tmp_path, make):
    broken = make(samples, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(UnreadableAudio):
        split_for_transcription(broken, work)


# -- splitting ----------------------------------------------------------------------------


def test_fifty_minutes_become_three_parts_that_add_up(fifty_minutes, tmp_path):
    parts = split_for_transcription(fifty_minutes, tmp_path)
    assert len(parts) == 3
    lengths = [duration(p) for p in parts]
    assert lengths[0] == pytest.approx(1200, abs=1)
    assert lengths[1] == pytest.approx(1200, abs=1)
    assert sum(lengths) == pytest.approx(3000, abs=1)
    for part in parts:
        assert part.suffix == ".mp3" and probe(part).codec == "mp3"
        assert part.stat().st_size < 25 * MiB / 2  # speech quality: ~7 MB per 20 minutes
    assert [p.name for p in parts] == sorted(p.name for p in parts)
    # Everything was written inside the work folder, in one folder of parts.
    assert list(tmp_path.iterdir()) == [parts[0].parent]


def test_exact_multiple_gives_no_sliver(tmp_path):
    recording = make_tone(tmp_path / "forty.wav", 40)
    parts = split_for_transcription(recording, tmp_path, part_seconds=20)
    assert len(parts) == 2
    assert [round(duration(p)) for p in parts] == [20, 20]
    assert sorted(parts[0].parent.iterdir()) == parts  # the sliver file is removed too


def test_real_tail_is_kept(tmp_path):
    recording = make_tone(tmp_path / "forty-five.wav", 45)
    parts = split_for_transcription(recording, tmp_path, part_seconds=20)
    assert [round(duration(p)) for p in parts] == [20, 20, 5]


def test_short_recording_gives_one_part(samples, tmp_path):
    parts = split_for_transcription(samples["recorder"], tmp_path)
    assert len(parts) == 1
    assert duration(parts[0]) == pytest.approx(duration(samples["speech"]), abs=0.15)


def test_byte_limit_shortens_parts(tmp_path):
    recording = make_silence(tmp_path / "minute.wav", 60)
    parts = split_for_transcription(recording, tmp_path, max_part_bytes=100_000)
    assert len(parts) == 4  # 100 kB holds about 16 s at 48 kbit/s; 90% of that is 15 s
    assert all(p.stat().st_size <= 100_000 for p in parts)
    assert sum(duration(p) for p in parts) == pytest.approx(60, abs=0.5)


def test_second_limit_caps_part_length(tmp_path):
    recording = make_tone(tmp_path / "half-minute.wav", 30)
    parts = split_for_transcription(recording, tmp_path, part_seconds=100, max_part_seconds=10)
    assert len(parts) == 3


def test_split_works_with_the_bundled_ffmpeg(samples, tmp_path, monkeypatch):
    # Without Debian's ffmpeg, the imageio-ffmpeg binary (which has no ffprobe) does it all.
    monkeypatch.setattr(shutil, "which", lambda name: None)
    ffmpeg.ffmpeg_exe.cache_clear()
    try:
        assert "imageio_ffmpeg" in ffmpeg.ffmpeg_exe()
        parts = split_for_transcription(samples["recorder"], tmp_path, part_seconds=1)
        assert len(parts) in (2, 3)
        assert duration(samples["recorder"]) == pytest.approx(duration(samples["speech"]), abs=0.1)
        with pytest.raises(UnreadableAudio):
            probe(_random_bytes(samples, tmp_path))
    finally:
        ffmpeg.ffmpeg_exe.cache_clear()


# -- concatenation ------------------------------------------------------------------------


def test_concat_length_is_the_sum(tmp_path):
    parts = [make_tone(tmp_path / f"p{i}.wav", s, freq=300 + 100 * i) for i, s in enumerate([3, 4, 5])]
    out = tmp_path / "joined.mp3"
    concat(parts, out)
    info = probe(out)
    assert info.codec == "mp3"
    assert info.duration_seconds == pytest.approx(12, abs=0.2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["joined.mp3", "p0.wav", "p1.wav", "p2.wav"]


def test_concat_handles_awkward_file_names(tmp_path):
    odd = tmp_path / "it's a part #1.mp3"
    make_tone(odd, 2, codec_args=["-c:a", "libmp3lame"])
    concat([odd, odd], tmp_path / "out.mp3")
    assert duration(tmp_path / "out.mp3") == pytest.approx(4, abs=0.2)


def test_concat_failure_leaves_no_files(tmp_path):
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(os.urandom(10_000))
    with pytest.raises(UnreadableAudio):
        concat([bad], tmp_path / "out.mp3")
    assert [p.name for p in tmp_path.iterdir()] == ["bad.mp3"]
