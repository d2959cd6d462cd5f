"""One module per job kind; importing this package registers them all."""

from . import export_threads, llm_reply, maintenance, profile, transcription, tts  # noqa: F401
