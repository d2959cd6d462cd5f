"""Cut long text into parts a text-to-speech provider accepts (4096 characters for OpenAI).

Parts end at sentence boundaries when possible, else at whitespace; only a single
"word" longer than the limit (a URL, say) is ever cut inside. Joining the parts with
whitespace gives back the original text, modulo whitespace.
"""

import re

# A sentence ends after . ! ? or an ellipsis, possibly followed by closing quotes or
# brackets, then whitespace. Paragraph breaks also end a sentence.
_SENTENCE_END = re.compile(r"""[.!?…]["'”’)\]]*(\s+)|(\n\s*\n)""")


def split_text(text: str, max_chars: int = 4096) -> list[str]:
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    parts: list[str] = []
    current = ""
    for unit in _units(text, max_chars):
        if not current:
            current = unit
        elif len(current) + 1 + len(unit) <= max_chars:
            current = f"{current} {unit}"
        else:
            parts.append(current)
            current = unit
    if current:
        parts.append(current)
    return parts


def _units(text: str, max_chars: int):
    """Yield sentences (whitespace inside them normalised only when they must be cut)
    no longer than max_chars: long sentences become runs of words, long words chunks."""
    for sentence in _sentences(text):
        if len(sentence) <= max_chars:
            yield sentence
            continue
        line = ""
        for word in sentence.split():
            if len(word) > max_chars:
                if line:
                    yield line
                    line = ""
                for i in range(0, len(word), max_chars):
                    yield word[i : i + max_chars]
            elif not line:
                line = word
            elif len(line) + 1 + len(word) <= max_chars:
                line = f"{line} {word}"
            else:
                yield line
                line = word
        if line:
            yield line


def _sentences(text: str):
    start = 0
    for match in _SENTENCE_END.finditer(text):
        gap = 1 if match.group(1) is not None else 2
        sentence = text[start : match.start(gap)].strip()
        if sentence:
            yield sentence
        start = match.end(gap)
    tail = text[start:].strip()
    if tail:
        yield tail
