"""Vendors behind small classes: llm, speech_to_text, text_to_speech. Chosen by config."""
from collections.abc import Mapping

from .errors import PermanentProviderError


def choose(config: Mapping, setting_key: str, requested: str | None, classes: dict, what: str):
    """The provider named by `requested`, else by the setting. "auto": OpenAI when an API key
    is set, else the local one that needs no network."""
    from ..model_catalog import setting

    name = (requested or setting(config, setting_key) or "auto").strip().lower()
    if name == "auto":
        name = "openai" if setting(config, "OPENAI_API_KEY") else "local"
    if name not in classes:
        raise PermanentProviderError(f"Unknown {what} provider {name!r}. Use one of: auto, {', '.join(classes)}.")
    return classes[name](config)
