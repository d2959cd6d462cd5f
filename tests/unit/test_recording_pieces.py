"""Where a growing recording is cut into pieces, and how the pieces' texts are joined: the pure
rules of wop/audio/pieces.py and wop/recordings.py."""

from wop.audio import Cut, Heard, plan_cuts
from wop.models import PieceStatus, RecordingPiece
from wop.recordings import seam, transcript


def piece(number: int, text: str | None, status: str = PieceStatus.DONE, lead: float = 0.0) -> RecordingPiece:
    return RecordingPiece(number=number, text=text, status=status, lead_seconds=lead)


def test_cuts_fall_in_the_pause_nearest_each_piece_length():
    heard = Heard(0.0, 40.0, silences=[(9.0, 9.6), (11.0, 11.4), (21.5, 22.1)])
    cuts = plan_cuts(0.0, 0.0, heard, piece_seconds=10, final=False)
    # The pause at 21.5-22.1 s reaches into the window around 19.3 s (± a quarter piece): its part in it.
    # From 21.65 s no pause is near 31.65 s: the third piece overlaps the next one.
    assert [round(x, 6) for c in cuts for x in (c.start, c.end, c.lead, c.tail)] == [
        *(0.0, 9.3, 0.0, 0.0),
        *(9.3, 21.65, 0.0, 0.0),
        *(21.65, 31.65, 0.0, 1.5),
    ]


def test_without_a_pause_pieces_overlap_around_the_cut():
    heard = Heard(0.0, 40.0, silences=[])
    first, second = plan_cuts(0.0, 0.0, heard, piece_seconds=10, final=False)[:2]
    assert (first.start, first.end, first.tail) == (0.0, 10.0, 1.5)
    assert (second.start, second.lead, second.audio_start) == (10.0, 1.5, 8.5)


def test_a_cut_waits_until_the_audio_after_it_has_arrived():
    heard = Heard(0.0, 12.0, silences=[(11.5, 12.0)])  # a pause may still come before 12.5 s
    assert plan_cuts(0.0, 0.0, heard, piece_seconds=10, final=False) == []
    assert plan_cuts(0.0, 0.0, heard, piece_seconds=10, final=True) == [Cut(0.0, 12.0)]


def test_the_last_piece_takes_what_remains():
    heard = Heard(20.0, 47.0, silences=[(29.0, 29.4)])
    cuts = plan_cuts(20.0, 0.0, heard, piece_seconds=10, final=True)
    assert [round(x, 6) for c in cuts for x in (c.start, c.end, c.lead)] == [
        *(20.0, 29.2, 0.0),
        *(29.2, 39.2, 0.0),
        *(39.2, 47.0, 1.5),
    ]


def test_words_heard_by_two_overlapping_pieces_are_kept_once():
    before = "we walked along the river until the light began to fa".split()
    after = "the light began to fade and we turned back".split()
    keep, skip = seam(before, after)
    assert (
        before[:keep] + after[skip:]
        == "we walked along the river until the light began to fade and we turned back".split()
    )


def test_a_seam_without_shared_words_keeps_both_sides():
    assert seam("one two three".split(), "four five six".split()) == (3, 0)
    # Shared words far from the edges are a repetition in the speech, not the overlap.
    before = "the end of it all and then many other words were said here".split()
    after = "later on several more words were spoken about the end of it".split()
    assert seam(before, after) == (len(before), 0)


def test_the_transcript_joins_pieces_in_order_up_to_the_first_still_waiting():
    pieces = [
        piece(1, "first part"),
        piece(2, None, PieceStatus.FAILED),
        piece(3, "third part"),
        piece(4, None, PieceStatus.PENDING),
        piece(5, "fifth part"),
    ]
    assert transcript(pieces) == "first part [part 2 could not be transcribed] third part"
    pieces[3] = piece(4, "the light began to fade")
    pieces[4] = piece(5, "began to fade and we turned back", lead=1.5)
    assert transcript(pieces).endswith("third part the light began to fade and we turned back")
