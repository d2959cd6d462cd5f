"""Text to speech: OpenAI's speech API, or espeak-ng running locally (no network).

Both expose `synthesize(text, out_path)` writing one mp3 for at most `max_chars`
characters; longer text is cut first (wop.text_split) and the parts joined
(wop.audio.concat). Output appears at `out_path` only when complete.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from wop.audio import run_ffmpeg

from ..metrics import counted_call
from ..model_catalog import setting
from . import Speaker, choose
from .errors import PermanentProviderError, classify_sdk_error
from .llm import openai_client

DEFAULT_OPENAI_VOICE = "alloy"
DEFAULT_ESPEAK_VOICE = "en-us"
MAX_CHARS = 4096  # OpenAI's limit per request
PROVIDERS = ("openai", "local")

# OpenAI voice names mean nothing to espeak-ng (an unknown voice crashes it), so a
# setting made for OpenAI falls back to espeak's default when reading locally.
OPENAI_VOICES = {
    "alloy",
    "ash",
    "ballad",
    "cedar",
    "coral",
    "echo",
    "fable",
    "marin",
    "nova",
    "onyx",
    "sage",
    "shimmer",
    "verse",
}


class _AtomicOutput:
    """A temporary file beside `out_path`, moved into place only on success."""

    def __init__(self, out_path: Path, suffix: str):
        self.out_path = Path(out_path)
        fd, name = tempfile.mkstemp(prefix=".tts-", suffix=suffix, dir=self.out_path.parent)
        os.close(fd)
        self.tmp = Path(name)

    def __enter__(self) -> Path:
        return self.tmp

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            os.replace(self.tmp, self.out_path)
        else:
            self.tmp.unlink(missing_ok=True)


class OpenAISpeech:
    name = "openai"
    max_chars = MAX_CHARS

    def __init__(self, config: Mapping[str, Any]):
        self.model = config["TTS_MODEL"]
        self.voice = setting(config, "TTS_VOICE") or DEFAULT_OPENAI_VOICE
        self.client = openai_client(config)

    @counted_call("speech")
    def synthesize(self, text: str, out_path: Path) -> None:
        _check_length(text, self.max_chars)
        with _AtomicOutput(out_path, ".mp3") as tmp:
            try:
                # The streaming response writes the audio to disk as it arrives.
                with self.client.audio.speech.with_streaming_response.create(
                    model=self.model, voice=self.voice, input=text, response_format="mp3"
                ) as response:
                    response.stream_to_file(tmp)
            except _openai_error() as exc:
                raise classify_sdk_error(exc, "OpenAI") from exc


class EspeakSpeech:
    name = "local"
    model = "espeak-ng"
    max_chars = MAX_CHARS

    def __init__(self, config: Mapping[str, Any]):
        voice = setting(config, "TTS_VOICE") or DEFAULT_ESPEAK_VOICE
        self.voice = DEFAULT_ESPEAK_VOICE if voice in OPENAI_VOICES else voice

    @counted_call("speech")
    def synthesize(self, text: str, out_path: Path) -> None:
        _check_length(text, self.max_chars)
        espeak = shutil.which("espeak-ng")
        if espeak is None:
            raise PermanentProviderError(
                "Read-aloud needs espeak-ng, which is not installed on the server. "
                "Install it with `apt-get install espeak-ng`, or configure OpenAI text-to-speech."
            )
        with _AtomicOutput(out_path, ".mp3") as mp3:
            wav = mp3.with_suffix(".wav")
            try:
                self._speak(espeak, text, wav)
                encoded = run_ffmpeg(
                    [
                        "-loglevel",
                        "error",
                        "-y",
                        "-i",
                        str(wav),
                        "-c:a",
                        "libmp3lame",
                        "-q:a",
                        "4",
                        "-f",
                        "mp3",
                        str(mp3),
                    ]
                )
            finally:
                wav.unlink(missing_ok=True)
            if encoded.returncode != 0:
                raise PermanentProviderError(
                    "Read-aloud audio could not be encoded.", f"ffmpeg: {encoded.error_summary()}"
                )

    def _speak(self, espeak: str, text: str, wav: Path) -> None:
        # Text goes in on stdin (UTF-8), so a leading "-" is never taken for an option.
        spoken = subprocess.run(
            [espeak, "-v", self.voice, "-b", "1", "--stdin", "-w", str(wav)],
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if spoken.returncode != 0:
            raise PermanentProviderError(
                f"Read-aloud with espeak-ng failed. Check that the voice {self.voice!r} exists "
                "(`espeak-ng --voices` lists them).",
                f"espeak-ng exit {spoken.returncode}: {spoken.stderr.decode(errors='replace')[-500:]}",
            )


def _check_length(text: str, max_chars: int) -> None:
    if not text.strip():
        raise PermanentProviderError("There is no text to read aloud.")
    if len(text) > max_chars:
        raise ValueError(f"text of {len(text)} characters is over the {max_chars} limit; split it first")


def get_speaker(config: Mapping[str, Any], provider: str | None = None) -> Speaker:
    """The configured text-to-speech provider; `provider` overrides the setting."""
    classes: dict[str, Callable[[Mapping[str, Any]], Speaker]] = {"openai": OpenAISpeech, "local": EspeakSpeech}
    return choose(config, "TTS_PROVIDER", provider, classes, "text-to-speech")


def _openai_error() -> type[Exception]:
    import openai  # here, not at the top: only processes that call OpenAI load its SDK

    return openai.OpenAIError
