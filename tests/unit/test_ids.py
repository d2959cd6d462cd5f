"""Ids in addresses: exactly the whole numbers a database id column can hold."""

import re

from hypothesis import given
from hypothesis import strategies as st

from wop.api.validation import MAX_ID, whole_numbers_up_to


@given(st.integers(min_value=1, max_value=10**7), st.integers(min_value=-10, max_value=10**8))
def test_the_expression_takes_exactly_one_to_most(most, number):
    matches = re.fullmatch(whole_numbers_up_to(most), str(number)) is not None
    assert matches == (1 <= number <= most)


def test_the_largest_id_and_no_more():
    ids = whole_numbers_up_to(MAX_ID)
    assert re.fullmatch(ids, str(MAX_ID)) and not re.fullmatch(ids, str(MAX_ID + 1))
    assert not re.fullmatch(ids, "0") and not re.fullmatch(ids, "007") and not re.fullmatch(ids, str(2**63))
