"""The one token-counting function.

tiktoken's o200k_base encoding (GPT-4o/GPT-5 family) when its vocabulary is available
locally (tiktoken caches it under TIKTOKEN_CACHE_DIR after one online run). Offline, and
for other vendors' models, we use a documented approximation: one token per four
characters, rounded up — within about 10-20% for English prose on both vendors.
"""

import math
from functools import lru_cache


@lru_cache(maxsize=1)
def _encoding():
    try:
        import tiktoken

        return tiktoken.get_encoding("o200k_base")
    except Exception:  # no vocabulary and no network: fall back to the approximation
        return None


def count_tokens(text: str) -> int:
    if not text:
        return 0
    encoding = _encoding()
    if encoding is not None:
        return len(encoding.encode(text, disallowed_special=()))
    return math.ceil(len(text) / 4)
