"""split_text: parts within the limit, cut between sentences, never inside a word."""

import itertools
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from wop.text_split import split_text


def assert_words_survive(text: str, parts: list[str], max_chars: int) -> None:
    """The parts' words, in order, are the text's words; only a word longer than
    max_chars may arrive in several pieces, each piece then starting a new token."""
    tokens = [token for part in parts for token in part.split()]
    i = 0
    for word in text.split():
        if len(word) <= max_chars:
            assert tokens[i] == word, f"word {word!r} was cut or changed"
            i += 1
            continue
        rebuilt = ""
        while rebuilt != word:
            rebuilt += tokens[i]
            assert word.startswith(rebuilt), f"long word {word!r} was garbled"
            i += 1
    assert i == len(tokens), "parts hold words the text does not"


def squeeze(text: str) -> str:
    return "".join(text.split())


texts = st.text(
    alphabet=st.sampled_from([*"abcdefghij ABC .!?\"')…\n\t,;-é漢", "\u00a0", "\u2028", "\x1c"]),
    max_size=400,
)


@settings(max_examples=400)
@given(text=texts, max_chars=st.integers(min_value=1, max_value=80))
@example(text="a" * 200, max_chars=7)
@example(text="Hi. " * 50, max_chars=4)
@example(text="x.\u2028y", max_chars=1)
def test_properties(text, max_chars):
    parts = split_text(text, max_chars)
    for part in parts:
        assert 0 < len(part) <= max_chars
        assert part.strip() == part and part  # no empty or blank parts
    assert squeeze(" ".join(parts)) == squeeze(text)  # nothing lost, nothing added
    assert_words_survive(text, parts, max_chars)


sentence = st.builds(
    lambda words, end: " ".join(words).capitalize() + end,
    st.lists(st.text(alphabet="abcdefghijklmnop", min_size=1, max_size=8), min_size=1, max_size=8),
    st.sampled_from([".", "!", "?", '."', "…"]),
)


@given(sentences=st.lists(sentence, min_size=1, max_size=30), max_chars=st.integers(min_value=80, max_value=300))
def test_cuts_only_between_sentences_when_they_fit(sentences, max_chars):
    text = " ".join(sentences)
    parts = split_text(text, max_chars)
    assert all(re.search(r'[.!?…]"?$', part) for part in parts)
    assert " ".join(parts) == text
    # Greedy: a part is never so short that the next sentence would have fitted too.
    for part, following in itertools.pairwise(parts):
        first = re.match(r'.*?[.!?…]"?(?=\s|$)', following)
        assert first is not None
        first_sentence = first.group(0)
        assert len(part) + 1 + len(first_sentence) > max_chars


def test_short_text_is_one_part():
    assert split_text("  Hello there. How are you?\n") == ["Hello there. How are you?"]


def test_blank_text_gives_no_parts():
    assert split_text("") == []
    assert split_text(" \n\t ") == []


def test_sentences_are_packed_up_to_the_limit():
    text = "One two three. Four five six! Seven eight nine? Ten."
    assert split_text(text, 30) == ["One two three. Four five six!", "Seven eight nine? Ten."]


def test_paragraph_break_ends_a_sentence():
    assert split_text("A heading\n\nThen some text", 15) == ["A heading", "Then some text"]


def test_text_without_punctuation_splits_at_spaces():
    text = " ".join(["word"] * 20)
    parts = split_text(text, 22)
    assert parts == ["word word word word"] * 5


def test_long_url_is_the_only_thing_cut_hard():
    url = "https://example.com/" + "x" * 50
    parts = split_text(f"See {url} now.", 30)
    assert parts == ["See", url[:30], url[30:60], url[60:] + " now."]


def test_default_limit_fits_openai_speech():
    text = ("This sentence is about fifty characters long, give or take. " * 300).strip()
    parts = split_text(text)
    assert len(parts) == 5
    assert all(len(p) <= 4096 and p.endswith(".") for p in parts)


def test_closing_quotes_stay_with_their_sentence():
    assert split_text('He said "stop." Then he left.', 20) == ['He said "stop."', "Then he left."]
