"""What the AI profile reads: whole threads, newest first, until the token budget is spent.
Entries kept away from AI are read without their text."""

from collections.abc import Callable
from dataclasses import dataclass, field

from ..tokens import count_tokens
from .threads import thread_texts


@dataclass
class Reading:
    texts: list[str] = field(default_factory=list)  # the threads that fit, newest first
    included_tokens: int = 0
    threads_included: int = 0
    total_tokens: int = 0  # every thread; only counted to the end when count_all is set
    threads_total: int = 0


def select_threads(
    user_id: int, max_tokens: int, count_all: bool = False, on_thread: Callable[[int, int], None] | None = None
) -> Reading:
    """Take threads newest first while they fit in `max_tokens`; stop at the first that does not
    (an older, shorter thread is not slipped in: the profile reads one recent stretch of writing).
    With `count_all`, keep counting the rest for the estimate."""
    reading, full = Reading(), False
    for number, how_many, text in thread_texts(user_id, for_ai=True):
        reading.threads_total = how_many
        tokens = count_tokens(text)
        reading.total_tokens += tokens
        if not full and reading.included_tokens + tokens <= max_tokens:
            reading.texts.append(text)
            reading.included_tokens += tokens
            reading.threads_included += 1
        else:
            full = True
            if not count_all:
                break
        if on_thread is not None:
            on_thread(number, how_many)
    return reading
