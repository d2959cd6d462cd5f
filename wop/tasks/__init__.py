"""One module per job kind; importing this package registers them all."""
from . import llm_reply, maintenance  # noqa: F401
