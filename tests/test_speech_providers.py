"""Speech providers: local Whisper and espeak-ng for real; OpenAI against the fake server."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.audio_samples import FOX, make_silence, make_speech, make_tone
from tests.fake_ai import speech_seconds
from wop.audio import concat, probe, split_for_transcription
from wop.providers import speech_to_text
from wop.providers.errors import PermanentProviderError, TransientProviderError
from wop.providers.speech_to_text import (
    LocalWhisperTranscriber,
    OpenAITranscriber,
    get_transcriber,
    load_whisper_model,
)
from wop.providers.text_to_speech import EspeakSpeech, OpenAISpeech, get_speaker
from wop.settings import Settings
from wop.text_split import split_text

PARAGRAPH = (
    "Every morning I write for an hour before anyone else is awake. Some days the words come easily; "
    "on others I stare at the page. Either way, the habit matters more than any single entry, "
    "and reading old pages back shows how much has changed."
)


def cfg(values: dict | None = None) -> dict:
    """The settings the providers get: these values, the rest the defaults (never the environment)."""
    return Settings.of(**(values or {})).model_dump()


@pytest.fixture
def openai_config(fake_ai):
    return cfg({"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": fake_ai.openai_base_url, "PROVIDER_MAX_RETRIES": 2})


@pytest.fixture(scope="module")
def fox_clip(tmp_path_factory):
    return make_speech(tmp_path_factory.mktemp("speech") / "fox.wav")


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


# -- choosing a provider -------------------------------------------------------------------


def test_auto_picks_openai_only_with_a_key(openai_config):
    assert get_transcriber(cfg({})).name == "local"
    assert get_speaker(cfg({})).name == "local"
    assert get_transcriber(openai_config).name == "openai"
    assert get_speaker(openai_config).name == "openai"
    assert isinstance(get_transcriber(cfg({"TRANSCRIPTION_PROVIDER": "auto", **openai_config})), OpenAITranscriber)


def test_explicit_provider_and_override(openai_config):
    config = {**openai_config, "TRANSCRIPTION_PROVIDER": "local", "TTS_PROVIDER": "local"}
    assert isinstance(get_transcriber(config), LocalWhisperTranscriber)
    assert isinstance(get_speaker(config), EspeakSpeech)
    # "Transcribe again with another provider" overrides the setting.
    assert isinstance(get_transcriber(config, "openai"), OpenAITranscriber)
    assert isinstance(get_speaker(config, provider="OpenAI"), OpenAISpeech)


@pytest.mark.parametrize("factory", [get_transcriber, get_speaker])
def test_unknown_provider_is_a_clear_permanent_error(factory):
    with pytest.raises(PermanentProviderError, match=r"Unknown .*'whisperx'.*auto, openai, local"):
        factory({}, "whisperx")


def test_openai_without_a_key_is_a_permanent_error():
    with pytest.raises(PermanentProviderError) as info:
        get_transcriber(cfg({"TRANSCRIPTION_PROVIDER": "openai"}))
    assert "OPENAI_API_KEY" in info.value.detail


def test_limits_for_splitting():
    local = get_transcriber(cfg({}))
    remote = get_transcriber(cfg({"OPENAI_API_KEY": "k"}))
    assert remote.max_bytes == 25 * 1024 * 1024 and remote.max_seconds == 1500 and remote.part_seconds == 1200
    assert local.max_bytes is None and local.max_seconds is None and 0 < local.part_seconds <= 1200
    assert get_speaker(cfg({})).max_chars == get_speaker(cfg({"OPENAI_API_KEY": "k"})).max_chars == 4096


def test_voices_from_settings():
    assert get_speaker(cfg({"OPENAI_API_KEY": "k"})).voice == "alloy"
    assert get_speaker(cfg({"OPENAI_API_KEY": "k", "TTS_VOICE": "nova"})).voice == "nova"
    assert get_speaker(cfg({})).voice == "en-us"
    assert get_speaker(cfg({"TTS_VOICE": "en-gb"})).voice == "en-gb"
    # A voice chosen for OpenAI means nothing to espeak-ng: fall back to its default.
    assert get_speaker(cfg({"TTS_VOICE": "nova"}), "local").voice == "en-us"


# -- local Whisper ---------------------------------------------------------------------------


def test_local_whisper_transcribes_speech(fox_clip):
    transcriber = get_transcriber(cfg({}))
    assert isinstance(transcriber, LocalWhisperTranscriber)
    load_whisper_model(transcriber.folder)  # time the transcription alone
    started = time.monotonic()
    text = transcriber.transcribe(fox_clip)
    elapsed = time.monotonic() - started
    print(f"local transcription of a {probe(fox_clip).duration_seconds:.1f} s clip took {elapsed:.2f} s: {text!r}")
    assert {"quick", "fox", "over", "lazy"} <= words(text)


def test_local_whisper_transcribes_the_parts_of_a_split_recording(fox_clip, tmp_path):
    # The path the transcription job takes: cut, then transcribe each mp3 part.
    parts = split_for_transcription(fox_clip, tmp_path)
    text = get_transcriber(cfg({})).transcribe(parts[0])
    assert {"quick", "lazy"} <= words(text)


@pytest.mark.parametrize("make", [make_silence, make_tone], ids=["silence", "tone"])
def test_local_whisper_invents_nothing_where_no_one_speaks(tmp_path, make):
    # Whisper alone turns 30 s of silence into "You"; voice detection must skip it.
    recording = make(tmp_path / "quiet.wav", 30, sample_rate=16000)
    assert get_transcriber(cfg({})).transcribe(recording) == ""


def test_whisper_model_is_loaded_once_per_process():
    first = LocalWhisperTranscriber(cfg({}))
    second = LocalWhisperTranscriber(cfg({"WHISPER_MODEL": first.folder + "/"}))
    assert load_whisper_model(first.folder) is load_whisper_model(second.folder)
    assert len([k for k in speech_to_text._models if os.path.samefile(k, first.folder)]) == 1


def _without_network() -> list[str]:
    """A command prefix that runs a program with no network at all, where allowed."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n"]
    return []


def test_local_transcription_works_without_network(fox_clip):
    # A fresh interpreter in a network namespace with no interfaces (where the system allows
    # it), with proxies pointing at a closed port besides: loading the model and
    # transcribing must not need the network.
    code = (
        "import sys; from wop.providers.speech_to_text import get_transcriber; from wop.settings import Settings;"
        "print(get_transcriber(Settings.of().model_dump()).transcribe(sys.argv[1]))"
    )
    env = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "OPENAI_API_KEY": ""}
    done = subprocess.run(
        [*_without_network(), sys.executable, "-c", code, str(fox_clip)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "lazy" in words(done.stdout)


def test_missing_model_folder_is_a_permanent_error(tmp_path, fox_clip):
    transcriber = get_transcriber(cfg({"WHISPER_MODEL": str(tmp_path / "nowhere")}))
    with pytest.raises(PermanentProviderError, match="WHISPER_MODEL"):
        transcriber.transcribe(fox_clip)


# -- espeak-ng -------------------------------------------------------------------------------


def test_espeak_writes_a_decodable_mp3_of_plausible_length(tmp_path):
    out = tmp_path / "read.mp3"
    get_speaker(cfg({})).synthesize(PARAGRAPH, out)
    info = probe(out)
    assert info.codec == "mp3"
    # About 50 words at espeak-ng's 175 words a minute: roughly 17 seconds.
    assert 10 < info.duration_seconds < 30
    assert [p.name for p in tmp_path.iterdir()] == ["read.mp3"]  # no temporary files left


def test_espeak_speech_round_trips_through_whisper(tmp_path):
    out = tmp_path / "morning.mp3"
    get_speaker(cfg({})).synthesize("Every morning I write for an hour before anyone else is awake.", out)
    heard = words(get_transcriber(cfg({})).transcribe(out))
    assert {"every", "morning", "write", "hour", "before", "anyone"} <= heard


def test_espeak_text_starting_with_a_dash_is_read_not_parsed(tmp_path):
    out = tmp_path / "dash.mp3"
    get_speaker(cfg({})).synthesize("-v is not an option here. --help neither.", out)
    assert probe(out).duration_seconds > 1


def test_espeak_unknown_voice_fails_cleanly(tmp_path):
    out = tmp_path / "out.mp3"
    with pytest.raises(PermanentProviderError, match="voice 'xx-nonexistent'"):
        get_speaker(cfg({"TTS_VOICE": "xx-nonexistent"})).synthesize("Hello.", out)
    assert list(tmp_path.iterdir()) == []


def test_missing_espeak_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(PermanentProviderError, match="apt-get install espeak-ng"):
        get_speaker(cfg({})).synthesize("Hello.", tmp_path / "out.mp3")


def test_text_over_the_limit_must_be_split_first(tmp_path):
    with pytest.raises(ValueError, match="split it first"):
        get_speaker(cfg({})).synthesize("word " * 1000, tmp_path / "out.mp3")
    with pytest.raises(PermanentProviderError):
        get_speaker(cfg({})).synthesize("   ", tmp_path / "out.mp3")


def test_long_text_read_in_parts_and_joined(tmp_path):
    speaker = get_speaker(cfg({}))
    speaker.max_chars = 120  # small parts, so a paragraph makes several
    texts = split_text(PARAGRAPH, speaker.max_chars)
    assert len(texts) >= 2
    parts = []
    for i, text in enumerate(texts):
        parts.append(tmp_path / f"part-{i}.mp3")
        speaker.synthesize(text, parts[-1])
    concat(parts, tmp_path / "whole.mp3")
    total = sum(probe(p).duration_seconds for p in parts)
    assert probe(tmp_path / "whole.mp3").duration_seconds == pytest.approx(total, abs=0.5)


# -- OpenAI, against the fake server -----------------------------------------------------------


def test_openai_transcription(fake_ai, openai_config, fox_clip):
    text = get_transcriber(openai_config).transcribe(fox_clip)
    size = fox_clip.stat().st_size
    assert text == f"[part 1: fox.wav {size} bytes]"
    [request] = fake_ai.requests_to("/audio/transcriptions")
    assert request.form["model"] == "gpt-4o-transcribe"
    assert request.files["file"][:2] == ("fox.wav", size)


def test_openai_transcription_model_from_settings(fake_ai, openai_config, fox_clip):
    get_transcriber(cfg({**openai_config, "TRANSCRIPTION_MODEL": "whisper-1"})).transcribe(fox_clip)
    assert fake_ai.requests_to("/audio/transcriptions")[0].form["model"] == "whisper-1"


def test_openai_transcription_retry_resends_the_whole_file(fake_ai, openai_config, fox_clip):
    fake_ai.fail_next(1, 503, "/audio/transcriptions")
    text = get_transcriber(openai_config).transcribe(fox_clip)
    assert text.startswith("[part 1: fox.wav")
    first, second = fake_ai.requests_to("/audio/transcriptions")
    assert first.files["file"] == second.files["file"]  # same name, size and checksum


def test_openai_transcription_of_parts_in_order(fake_ai, openai_config, tmp_path):
    recording = make_tone(tmp_path / "tone.wav", 50)
    transcriber = get_transcriber(openai_config)
    parts = split_for_transcription(recording, tmp_path, part_seconds=20)
    texts = [transcriber.transcribe(p) for p in parts]
    assert [t.split(":")[0] for t in texts] == ["[part 1", "[part 2", "[part 3"]
    assert [r.files["file"][0] for r in fake_ai.requests_to("/audio/transcriptions")] == [p.name for p in parts]


def test_openai_rejected_key_is_permanent(fake_ai, openai_config, fox_clip):
    with pytest.raises(PermanentProviderError) as info:
        get_transcriber(cfg({**openai_config, "OPENAI_API_KEY": "wrong"})).transcribe(fox_clip)
    assert "API key was rejected" in info.value.detail


def test_openai_outage_is_transient(fake_ai, openai_config, fox_clip, tmp_path):
    fake_ai.fail_next(10, 503)
    with pytest.raises(TransientProviderError):
        get_transcriber(openai_config).transcribe(fox_clip)
    with pytest.raises(TransientProviderError):
        get_speaker(openai_config).synthesize("Hello.", tmp_path / "out.mp3")
    assert list(tmp_path.iterdir()) == []  # no partial or temporary file


def test_openai_speech(fake_ai, openai_config, tmp_path):
    out = tmp_path / "speech.mp3"
    get_speaker(cfg({**openai_config, "TTS_VOICE": "nova"})).synthesize(PARAGRAPH, out)
    assert probe(out).duration_seconds == pytest.approx(speech_seconds(PARAGRAPH), abs=0.2)
    [request] = fake_ai.requests_to("/audio/speech")
    assert request.json == {"model": "gpt-4o-mini-tts", "voice": "nova", "input": PARAGRAPH, "response_format": "mp3"}
    assert [p.name for p in tmp_path.iterdir()] == ["speech.mp3"]


def test_openai_speech_streams_to_disk(fake_ai, openai_config, tmp_path, monkeypatch):
    # Audio must go to disk chunk by chunk as it arrives. A non-streaming call makes the
    # HTTP client read the whole body into memory with Response.read(): forbid that.
    speaker = get_speaker(openai_config)
    assert isinstance(speaker, OpenAISpeech)
    http_client_class = next(c for c in type(speaker.client._client).__mro__ if c.__module__.startswith("httpx"))
    http_module = sys.modules[http_client_class.__module__.split(".")[0]]  # httpx, or the SDK's httpx2

    def whole_body(self):
        raise AssertionError("audio was read whole into memory")

    monkeypatch.setattr(http_module.Response, "read", whole_body)
    out = tmp_path / "speech.mp3"
    speaker.synthesize(FOX, out)
    assert probe(out).codec == "mp3"


def test_openai_speech_replaces_an_existing_file_only_when_done(fake_ai, openai_config, tmp_path):
    out = tmp_path / "speech.mp3"
    out.write_bytes(b"previous")
    fake_ai.fail_next(10, 500)
    with pytest.raises(TransientProviderError):
        get_speaker(openai_config).synthesize("Hello.", out)
    assert out.read_bytes() == b"previous"
    fake_ai.reset()
    get_speaker(openai_config).synthesize("Hello.", out)
    assert probe(out).codec == "mp3"


def test_bundled_model_folder_exists():
    assert (Path(speech_to_text.default_whisper_folder()) / "model.bin").is_file()
    assert shutil.which("espeak-ng")
