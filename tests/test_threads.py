"""Threads: public reading without a login, a thread read as a conversation (full path, forks,
earlier parts on demand) and journals grouped by thread."""

from tests.audio_samples import make_tone
from wop.extensions import db
from wop.models import Node


def entry_ids(thread: dict) -> list[int]:
    return [e["id"] for e in thread["entries"]]


def test_public_entries_and_writer_pages_need_no_login(app, alice):
    public = alice.write("Out in the open.", privacy="public")
    reply = alice.write("A public reply.", parent_id=public["id"])
    private = alice.write("Just for me.")
    anonymous = app.test_client()

    entry = anonymous.get(f"/api/nodes/{public['id']}")
    assert entry.status_code == 200 and entry.get_json()["content"] == "Out in the open."
    assert [c["id"] for c in entry.get_json()["children"]] == [reply["id"]]
    assert anonymous.get(f"/api/nodes/{private['id']}").status_code == 404
    assert entry_ids(anonymous.get(f"/api/nodes/{reply['id']}/thread").get_json()) == [public["id"], reply["id"]]
    assert anonymous.get(f"/api/nodes/{private['id']}/thread").status_code == 404

    page = anonymous.get(f"/api/users/{alice.username}/threads").get_json()
    assert [card["root"]["id"] for card in page["items"]] == [public["id"]]
    assert page["items"][0]["entry_count"] == 2 and page["has_more"] is False
    dashboard = anonymous.get(f"/api/dashboard/{alice.username}").get_json()
    assert [e["id"] for e in dashboard["entries"]["items"]] == [reply["id"], public["id"]]  # never the private one
    assert public["id"] in [e["id"] for e in anonymous.get("/api/feed").get_json()["items"]]
    assert anonymous.get("/api/users/nobody_at_all/threads").status_code == 404
    # Reading is open; writing still needs a login.
    assert anonymous.post("/api/nodes/", json={"content": "hi", "parent_id": public["id"]}).status_code == 401


def test_a_thread_reads_as_a_conversation_with_its_forks(alice, bob):
    root = alice.write("Where to begin. " * 30, privacy="public")  # longer than a preview
    middle = alice.write("The middle.", parent_id=root["id"])
    left = alice.write("One way.", parent_id=middle["id"])
    right = alice.write("Another way.", parent_id=middle["id"])
    end = alice.write("Down the other way.", parent_id=right["id"])
    bobs_aside = bob.write("Bob's own aside.", parent_id=middle["id"], privacy="private")

    thread = alice.get(f"/api/nodes/{end['id']}/thread").get_json()
    assert entry_ids(thread) == [root["id"], middle["id"], right["id"], end["id"]]
    assert thread["entries"][0]["content"] == "Where to begin. " * 30  # full text, not a preview
    assert thread["depth"] == 4 and thread["has_earlier"] is False and thread["earlier"] is None
    # The fork under the middle entry: both of Alice's branches, not Bob's private aside.
    assert thread["entries"][1]["children_count"] == 2
    assert thread["entries"][2]["siblings"] == {"ids": [left["id"], right["id"]], "index": 1}
    assert thread["entries"][0]["siblings"] == {"ids": [root["id"]], "index": 0}
    # Switching branch: the sibling's own thread.
    other = alice.get(f"/api/nodes/{left['id']}/thread").get_json()
    assert entry_ids(other) == [root["id"], middle["id"], left["id"]]
    assert other["entries"][2]["siblings"]["index"] == 0
    # Bob sees his aside among the branches; what the entry's replies are is given too.
    bobs = bob.get(f"/api/nodes/{right['id']}/thread").get_json()
    assert bobs["entries"][2]["siblings"]["ids"] == [left["id"], right["id"], bobs_aside["id"]]
    assert [c["id"] for c in bobs["children"]] == [end["id"]]


def test_unreadable_and_deleted_entries_in_a_path_keep_their_place(make_user, alice, bob):
    root = alice.write("Alice starts.", privacy="public")
    bobs = bob.write("Bob answers.", parent_id=root["id"])
    last = alice.write("Alice again.", parent_id=bobs["id"])
    assert bob.put(f"/api/nodes/{bobs['id']}", json={"privacy": "private"}).status_code == 200
    assert alice.delete(f"/api/nodes/{root['id']}").status_code == 204

    seen = alice.get(f"/api/nodes/{last['id']}/thread").get_json()["entries"]
    # The deleted root: where it was and who wrote it, never its text.
    assert seen[0]["id"] == root["id"] and seen[0]["deleted"] is True and seen[0]["author"] == alice.username
    assert "content" not in seen[0]
    assert seen[1] == {"id": bobs["id"], "hidden": True}
    assert seen[2]["content"] == "Alice again."
    carol = make_user()
    assert carol.get(f"/api/nodes/{bobs['id']}/thread").status_code == 404


def test_a_deep_thread_loads_its_earlier_parts_on_demand(alice):
    ids = [alice.write("Entry 0.")["id"]]
    for i in range(1, 12):
        ids.append(alice.write(f"Entry {i}.", parent_id=ids[-1])["id"])
    last = ids[-1]

    newest = alice.get(f"/api/nodes/{last}/thread?limit=5").get_json()
    assert entry_ids(newest) == ids[7:] and newest["depth"] == 12
    assert newest["has_earlier"] is True and newest["earlier"] == ids[7]
    middle = alice.get(f"/api/nodes/{last}/thread?limit=5&before={newest['earlier']}").get_json()
    assert entry_ids(middle) == ids[2:7] and middle["earlier"] == ids[2]
    # The first entry of a page still knows its siblings: its parent is read for it.
    assert middle["entries"][0]["siblings"] == {"ids": [ids[2]], "index": 0}
    first = alice.get(f"/api/nodes/{last}/thread?limit=5&before={middle['earlier']}").get_json()
    assert entry_ids(first) == ids[:2] and first["has_earlier"] is False and first["earlier"] is None

    outside = alice.write("Not in this thread.")
    bad = alice.get(f"/api/nodes/{last}/thread?before={outside['id']}")
    assert bad.status_code == 400 and "before" in bad.get_json()["error"]
    assert alice.get(f"/api/nodes/{last}/thread?limit=lots").status_code == 400


def test_an_entrys_replies_come_in_pages_of_what_the_reader_may_read(app, alice, bob):
    top = alice.write("Ask me anything.", privacy="public")
    replies = []
    for i in range(5):
        replies.append(alice.write(f"Alice {i}.", parent_id=top["id"]))
        bobs = bob.write(f"Bob {i}.", parent_id=top["id"], privacy="public" if i % 2 else "private")
        replies.append(bobs)
    bobs_private = {r["id"] for r in replies[1::2][::2]}  # Bob's 0th, 2nd and 4th

    def all_pages(client, limit: int) -> list[int]:
        first = client.get(f"/api/nodes/{top['id']}/children?limit={limit}").get_json()
        ids, after = [c["id"] for c in first["items"]], first["next"]
        while after is not None:
            page = client.get(f"/api/nodes/{top['id']}/children?limit={limit}&after={after}").get_json()
            assert len(page["items"]) <= limit
            ids, after = ids + [c["id"] for c in page["items"]], page["next"]
        return ids

    readable_by_alice = [r["id"] for r in replies if r["id"] not in bobs_private]
    assert all_pages(alice, 2) == readable_by_alice
    assert all_pages(bob, 3) == [r["id"] for r in replies]
    assert all_pages(app.test_client(), 4) == readable_by_alice  # no login: the public ones
    detail = alice.get(f"/api/nodes/{top['id']}").get_json()
    assert detail["children_count"] == len(readable_by_alice) and detail["children_next"] is None

    for bad in [f"after={top['id']}", "after=soon", "limit=many"]:
        answer = alice.get(f"/api/nodes/{top['id']}/children?{bad}")
        assert answer.status_code == 400, bad
        assert bad.split("=")[0] in answer.get_json()["error"]
    private = alice.write("Mine alone.")
    assert bob.get(f"/api/nodes/{private['id']}/children").status_code == 404


def set_created(app, node_id: int, when: str) -> None:
    """Place an entry in time, so that the order of activity does not rest on the clock's resolution."""
    from datetime import datetime

    with app.app_context():
        db.session.get_one(Node, node_id).created_at = datetime.fromisoformat(when)
        db.session.commit()


def test_the_journal_groups_entries_by_thread_newest_activity_first(app, alice, bob):
    a = alice.write("Thread A.")
    a_replies = [alice.write(f"A reply {i}.", parent_id=a["id"]) for i in range(3)]
    b = alice.write("Thread B.")
    c = bob.write("Bob's thread C.", privacy="public")
    in_c = alice.write("Alice in C.", parent_id=c["id"], privacy="private")
    bob.write("Bob's private thread.")
    for node, when in [
        (a, "2026-01-01T10:00"),
        (a_replies[0], "2026-01-01T10:01"),
        (a_replies[1], "2026-01-01T10:02"),
        (b, "2026-01-02T09:00"),
        (c, "2026-01-03T09:00"),
        (in_c, "2026-01-03T09:30"),
        (a_replies[2], "2026-01-04T08:00"),  # the latest activity of all is in A
    ]:
        set_created(app, node["id"], when)

    page = alice.get("/api/threads").get_json()
    assert set(page) == {"items", "page", "per_page", "has_more"}
    cards = page["items"]
    assert [card["root"]["id"] for card in cards] == [a["id"], c["id"], b["id"]]
    assert [card["entry_count"] for card in cards] == [4, 2, 1]
    assert cards[0]["last_activity_at"].startswith("2026-01-04T08:00")
    assert cards[0]["root"]["preview"] == "Thread A." and cards[0]["root"]["child_count"] == 3

    first = alice.get("/api/threads?per_page=2").get_json()
    assert [card["root"]["id"] for card in first["items"]] == [a["id"], c["id"]] and first["has_more"] is True
    second = alice.get("/api/threads?per_page=2&page=2").get_json()
    assert [card["root"]["id"] for card in second["items"]] == [b["id"]] and second["has_more"] is False
    # Bob's journal has his threads only; Alice's private reply in his thread is not counted for him.
    bobs = bob.get("/api/threads").get_json()["items"]
    assert a["id"] not in [card["root"]["id"] for card in bobs]
    assert next(card for card in bobs if card["root"]["id"] == c["id"])["entry_count"] == 1
    assert app.test_client().get("/api/threads").status_code == 401


def test_a_deleted_root_keeps_its_thread_while_replies_remain(alice):
    root = alice.write("Soon gone.")
    alice.write("Still here.", parent_id=root["id"])
    alone = alice.write("Gone with nothing under it.")
    assert alice.delete(f"/api/nodes/{root['id']}").status_code == 204
    assert alice.delete(f"/api/nodes/{alone['id']}").status_code == 204

    cards = alice.get("/api/threads").get_json()["items"]
    assert [card["root"]["id"] for card in cards] == [root["id"]]
    assert cards[0]["root"]["deleted"] is True and cards[0]["root"]["preview"] == "[deleted]"
    assert cards[0]["entry_count"] == 1


def test_the_recording_of_a_public_entry_plays_without_a_login(app, alice, jobs_ready, tmp_path):
    tone = make_tone(tmp_path / "tone.wav", 1)
    urls = {}
    for privacy in ("public", "private"):
        with open(tone, "rb") as f:
            resp = alice.post(
                "/api/nodes/",
                data={"audio_file": (f, "tone.wav", "audio/wav"), "privacy": privacy},
                content_type="multipart/form-data",
            )
        assert resp.status_code == 201, resp.get_json()
        alice.wait_job(resp.get_json()["task_id"])
        urls[privacy] = resp.get_json()["audio_original_url"]

    anonymous = app.test_client()
    heard = anonymous.get(urls["public"])
    assert heard.status_code == 200 and heard.data == tone.read_bytes()
    assert anonymous.get(urls["private"]).status_code == 404


def statements_to_read(app, api, path: str) -> int:
    """How many SQL statements about entries the server runs to answer `path` (the test client
    runs in this process). Session bookkeeping (a last-seen update once a minute) is not counted."""
    from sqlalchemy import event

    count = 0

    def note(_conn, _cursor, statement, *_args):
        nonlocal count
        count += "node" in statement.lower()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert api.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return count


def test_reading_a_thread_costs_the_same_queries_at_any_depth(app, alice):
    def chain(depth: int) -> int:
        last = alice.write("Top.", privacy="public")["id"]
        for i in range(depth - 1):
            last = alice.write(f"Step {i}.", parent_id=last)["id"]
        return last

    shallow, deep = chain(3), chain(40)
    deep_cost = statements_to_read(app, alice, f"/api/nodes/{deep}/thread")
    assert deep_cost > 0 and deep_cost == statements_to_read(app, alice, f"/api/nodes/{shallow}/thread")
    all_cards = statements_to_read(app, alice, "/api/threads")
    assert all_cards > 0 and all_cards == statements_to_read(app, alice, "/api/threads?per_page=1")
