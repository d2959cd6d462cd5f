"""One module per job kind; importing this package registers them all."""

from . import export_threads, llm_reply, maintenance, profile, recording, transcription, tts  # noqa: F401
