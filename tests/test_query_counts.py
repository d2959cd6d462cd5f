"""Pages answer in a bounded number of SQL queries: a deeper thread, more replies or a fuller
page must not cost more queries (an N+1 regression fails here). Counts, not timings."""

import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from tests.helpers import unique_name
from wop.enums import NodeType, Privacy
from wop.extensions import db
from wop.jobs.runner import run_job
from wop.models import Job, JobStatus, Node, ReplySource, User
from wop.queues import Queue
from wop.tasks.llm_reply import llm_reply


@pytest.fixture
def count_queries(app):
    """A context manager counting the SQL statements sent while it is open (this process)."""

    @contextmanager
    def counting():
        seen: list[str] = []

        here = threading.get_ident()

        def record(conn, cursor, statement, *args):
            if threading.get_ident() == here:  # not a job's heartbeat thread, say
                seen.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


def _bot(app) -> int:
    with app.app_context():
        bot = User(username=unique_name("ai:bench"), is_bot=True, approved=True)
        db.session.add(bot)
        db.session.commit()
        return bot.id


def _chain(app, user_id: int, bot_id: int, depth: int, privacy: str = Privacy.PUBLIC) -> list[int]:
    """A thread `depth` entries deep, every other one an AI reply made from the entries above it."""
    with app.app_context():
        ids: list[int] = []
        for i in range(depth):
            is_ai = i % 2 == 1
            node = Node(
                user_id=bot_id if is_ai else user_id,
                parent_id=ids[-1] if ids else None,
                node_type=NodeType.LLM if is_ai else NodeType.USER,
                privacy=privacy,
                content=f"entry {i}",
            )
            db.session.add(node)
            db.session.flush()
            if is_ai:
                db.session.add(ReplySource(reply_id=node.id, source_id=ids[-1]))
            ids.append(node.id)
        db.session.commit()
        return ids


def _replies(app, parent_id: int, user_id: int, bot_id: int, count: int) -> None:
    """`count` replies to one entry, half of them AI replies, each with a reply of its own."""
    with app.app_context():
        for i in range(count):
            is_ai = i % 2 == 1
            reply = Node(
                user_id=bot_id if is_ai else user_id,
                parent_id=parent_id,
                node_type=NodeType.LLM if is_ai else NodeType.USER,
                privacy=Privacy.PUBLIC,
                content=f"reply {i}",
            )
            db.session.add(reply)
            db.session.flush()
            if is_ai:
                db.session.add(ReplySource(reply_id=reply.id, source_id=parent_id))
            db.session.add(Node(user_id=user_id, parent_id=reply.id, privacy=Privacy.PUBLIC, content="deeper"))
        db.session.commit()


def _queries(count_queries, call) -> int:
    with count_queries() as seen:
        resp = call()
    assert resp.status_code in (200, 201), resp.get_json()
    return len(seen)


def test_reading_and_replying_deep_in_a_thread_costs_the_same_queries(app, alice, count_queries):
    """Depth 100 and depth 1,000: both deeper than the ancestors an entry is read with."""
    bot_id = _bot(app)
    shallow = _chain(app, alice.user["id"], bot_id, 100)
    deep = _chain(app, alice.user["id"], bot_id, 1000)

    def read(node_id):
        return _queries(count_queries, lambda: alice.get(f"/api/nodes/{node_id}"))

    def reply(node_id):
        return _queries(count_queries, lambda: alice.post("/api/nodes/", json={"content": "x", "parent_id": node_id}))

    # The deepest entry is an AI reply; so is its parent's parent's...: both shapes are read.
    for shallow_id, deep_id in [(shallow[-1], deep[-1]), (shallow[-2], deep[-2])]:
        assert read(deep_id) <= read(shallow_id)
        assert reply(deep_id) <= reply(shallow_id)
    for path in [f"/api/nodes/{deep[-1]}/thread", f"/api/nodes/{deep[-1]}/thread?before={deep[-51]}"]:
        assert _queries(count_queries, lambda path=path: alice.get(path)) <= _queries(
            count_queries, lambda: alice.get(f"/api/nodes/{shallow[-1]}/thread")
        )


def test_an_entry_is_read_with_its_nearest_ancestors_and_how_many_there_are(app, alice):
    """The answer stays small however deep the entry: the nearest ANCESTORS_SHOWN ancestors,
    root first, with their counts; GET …/thread pages through the rest."""
    from wop.thread_queries import ANCESTORS_SHOWN

    bot_id = _bot(app)
    deep = _chain(app, alice.user["id"], bot_id, 300)
    alice.post("/api/nodes/", json={"content": "x", "parent_id": deep[0]})
    data = alice.get(f"/api/nodes/{deep[-1]}").get_json()
    assert data["ancestor_count"] == len(deep) - 1
    assert [a["id"] for a in data["ancestors"]] == deep[-1 - ANCESTORS_SHOWN : -1]
    assert data["ancestors"][0]["descendant_count"] == ANCESTORS_SHOWN
    assert alice.get(f"/api/nodes/{deep[0]}").get_json()["children"][-1]["preview"] == "x"
    shallow = alice.get(f"/api/nodes/{deep[3]}").get_json()
    assert [a["id"] for a in shallow["ancestors"]] == deep[:3] and shallow["ancestor_count"] == 3
    assert shallow["ancestors"][0]["descendant_count"] == len(deep) - 1 + 1  # and the reply written above


def test_an_ai_reply_deep_in_a_thread_costs_the_same_queries(app, alice, count_queries, fake_ai):
    """The whole job, from claim to the reply written, in this process (the job is recorded but
    not sent, so no worker takes it)."""
    bot_id = _bot(app)
    shallow = _chain(app, alice.user["id"], bot_id, 4)
    deep = _chain(app, alice.user["id"], bot_id, 200)

    def ai_reply(node_id: int) -> int:
        with app.app_context():
            job = Job(
                kind="llm_reply",
                user_id=alice.user["id"],
                node_id=node_id,
                params={"model": "test-gpt"},
                queue=Queue.LLM,
            )
            db.session.add(job)
            db.session.commit()
            job_id = job.id
        with app.app_context(), count_queries() as seen:
            run_job(job_id, llm_reply)
        with app.app_context():
            done = db.session.get_one(Job, job_id)
            assert done.status == JobStatus.COMPLETED, done.error_detail
            assert done.result is not None and done.result["entries_left_out"] == 0
        return len(seen)

    shallow_queries = ai_reply(shallow[-2])  # first: it may make the model's account
    assert ai_reply(deep[-2]) <= shallow_queries


def test_an_entry_with_many_replies_costs_the_same_queries(app, alice, count_queries):
    bot_id = _bot(app)
    few, many = alice.write("few", privacy="public"), alice.write("many", privacy="public")
    _replies(app, few["id"], alice.user["id"], bot_id, 2)
    _replies(app, many["id"], alice.user["id"], bot_id, 1000)
    for path in ["", "/thread"]:
        assert _queries(count_queries, lambda path=path: alice.get(f"/api/nodes/{many['id']}{path}")) <= _queries(
            count_queries, lambda path=path: alice.get(f"/api/nodes/{few['id']}{path}")
        )
    data = alice.get(f"/api/nodes/{many['id']}").get_json()
    assert data["children_count"] == 1000 and all(c["child_count"] == 1 for c in data["children"])

    # The rest comes in pages, a page far down costing what the second one does.
    listed, after, afters = list(data["children"]), data["children_next"], []
    while after is not None:
        afters.append(after)
        more = alice.get(f"/api/nodes/{many['id']}/children?after={after}&limit=200").get_json()
        listed, after = listed + more["items"], more["next"]
    assert len({c["id"] for c in listed}) == 1000 and all(c["child_count"] == 1 for c in listed)

    def page(after: int) -> int:
        return _queries(count_queries, lambda: alice.get(f"/api/nodes/{many['id']}/children?after={after}"))

    assert page(afters[-1]) <= page(afters[0])


def test_an_entry_is_read_with_its_first_replies_and_how_many_there_are(app, alice):
    """However many replies an entry has, it is read with the first CHILDREN_SHOWN of them, as
    an entry and as the end of its thread."""
    from wop.threads import CHILDREN_SHOWN

    bot_id = _bot(app)
    top = alice.write("many", privacy="public")
    _replies(app, top["id"], alice.user["id"], bot_id, CHILDREN_SHOWN + 3)
    data = alice.get(f"/api/nodes/{top['id']}").get_json()
    assert len(data["children"]) == CHILDREN_SHOWN
    assert data["children_count"] == CHILDREN_SHOWN + 3
    assert data["children_next"] == data["children"][-1]["id"]
    thread = alice.get(f"/api/nodes/{top['id']}/thread").get_json()
    assert [c["id"] for c in thread["children"]] == [c["id"] for c in data["children"]]
    assert thread["children_next"] == data["children_next"]
    assert thread["entries"][-1]["children_count"] == CHILDREN_SHOWN + 3


def test_feed_and_dashboards_cost_the_same_queries_for_a_full_page(app, make_user, count_queries):
    writer = make_user()
    bot_id = _bot(app)
    for i in range(50):
        top = writer.write(f"public {i}", privacy="public")
        _replies(app, top["id"], writer.user["id"], bot_id, 2 + i % 3)
    # The AI account's page lists AI replies: each one's readability depends on the entry it answers.
    with app.app_context():
        bot_name = db.session.get_one(User, bot_id).username

    def page(path, per_page):
        return _queries(count_queries, lambda: writer.get(f"{path}?per_page={per_page}"))

    for path in ["/api/feed", "/api/dashboard", f"/api/dashboard/{writer.username}", f"/api/dashboard/{bot_name}"]:
        assert page(path, 50) <= page(path, 2), path
    assert len(writer.get("/api/dashboard?per_page=50").get_json()["entries"]["items"]) == 50
    assert len(writer.get(f"/api/dashboard/{bot_name}?per_page=50").get_json()["entries"]["items"]) == 50


def test_postgres_runs_without_jit(app):
    """PostgreSQL would JIT-compile the recursive thread queries (their estimated cost is huge)
    for far longer than they run."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL setting")
        assert db.session.execute(text("SHOW jit")).scalar() == "off"
