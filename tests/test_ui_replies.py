"""An entry with more replies than it is read with, in Chromium against the real stack: the
first ones show, the rest come on demand (see tests/test_ui.py for the setup)."""

from datetime import timedelta

import pytest

from tests.test_ui import browser, expect, page, sign_up, write_and_open
from wop.extensions import db
from wop.models import Node
from wop.models.base import utcnow
from wop.threads import CHILDREN_SHOWN

# The browser and its page are the fixtures of tests/test_ui.py, shared.
FIXTURES = (browser, page)

pytestmark = pytest.mark.usefixtures("live_server")


def test_an_entry_with_many_replies_shows_the_first_and_the_rest_on_demand(page, app):
    sign_up(page)
    node_id = write_and_open(page, "Tell me everything.")
    with app.app_context():
        top = db.session.get_one(Node, node_id)
        start = utcnow()
        for i in range(CHILDREN_SHOWN + 2):
            created = start + timedelta(seconds=i)  # one order, oldest first
            reply = Node(user_id=top.user_id, parent_id=top.id, content=f"Reply number {i}.", created_at=created)
            db.session.add(reply)
        db.session.commit()
    page.reload()

    replies = page.get_by_role("region", name="Replies")
    expect(replies.get_by_role("heading", name=f"Replies ({CHILDREN_SHOWN + 2})")).to_be_visible()
    expect(replies.locator("a.preview")).to_have_count(CHILDREN_SHOWN)
    replies.get_by_role("button", name="Show more replies (2 more)").click()
    expect(replies.locator("a.preview")).to_have_count(CHILDREN_SHOWN + 2)
    expect(replies.locator("a.preview").last).to_contain_text(f"Reply number {CHILDREN_SHOWN + 1}.")
    expect(replies.get_by_role("button", name="Show more replies")).to_have_count(0)
