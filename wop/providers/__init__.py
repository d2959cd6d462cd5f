"""Vendors behind small classes: llm, speech_to_text, text_to_speech. Chosen by config.

Every transcriber and every speaker has the shape of the Protocols below, whichever vendor
(or local program) is behind it.
"""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .errors import PermanentProviderError


class Transcriber(Protocol):
    """Turns one part of a recording into text. The limits tell how to cut a long recording
    first (wop.audio.split_for_transcription)."""

    name: str
    max_bytes: int | None  # largest part the provider accepts
    max_seconds: int | None  # longest part the provider accepts
    part_seconds: int  # how long a part is cut

    def transcribe(self, path: Path) -> str: ...


class Speaker(Protocol):
    """Reads at most `max_chars` of text into one mp3 at `out_path`, which appears only when done."""

    name: str
    model: str
    voice: str
    max_chars: int

    def synthesize(self, text: str, out_path: Path) -> None: ...


P = TypeVar("P")


def choose(
    config: Mapping[str, Any],
    setting_key: str,
    requested: str | None,
    classes: Mapping[str, Callable[[Mapping[str, Any]], P]],
    what: str,
) -> P:
    """The provider named by `requested`, else by the setting. "auto": OpenAI when an API key
    is set, else the local one that needs no network."""
    from ..model_catalog import setting

    name = (requested or setting(config, setting_key) or "auto").strip().lower()
    if name == "auto":
        name = "openai" if setting(config, "OPENAI_API_KEY") else "local"
    if name not in classes:
        raise PermanentProviderError(f"Unknown {what} provider {name!r}. Use one of: auto, {', '.join(classes)}.")
    return classes[name](config)
