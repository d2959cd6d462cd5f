"""Live updates: events published through wop.events reach GET /api/events over real HTTP from
a real gunicorn (gevent workers) and Redis; replay, reset, isolation, limits and the end of a
session."""

import json
import logging
import time
from typing import Any

import pytest
import redis
import requests

from tests.helpers import browser_session
from tests.services import WebServer
from tests.sse import open_stream
from wop import events

KEEPALIVE = 1  # seconds, so that tests wait for keepalives briefly


@pytest.fixture(scope="module")
def server(app, service_env, run_dir):
    web = WebServer({**service_env, "EVENTS_KEEPALIVE_SECONDS": str(KEEPALIVE)}, run_dir / "events-web.log").start()
    yield web
    web.stop()


@pytest.fixture
def events_url(server) -> str:
    return f"{server.url}/api/events"


def browser(server, api) -> requests.Session:
    return browser_session(server.url, api)


def token_for(server, api) -> str:
    resp = requests.post(f"{server.url}/auth/token", json={"username": api.username, "password": api.password})
    assert resp.status_code == 200, resp.text
    return resp.json()["token"]


def publish_texts(user_id: int, *deltas: str) -> list[str]:
    ids = []
    for offset, delta in enumerate(deltas):
        published = events.publish_text(user_id, "task-1", 7, offset, delta)
        assert published is not None
        ids.append(published)
    return ids


def test_events_arrive_in_order_with_their_ids(server, events_url, app_ctx, alice):
    with open_stream(events_url, browser(server, alice)) as stream:
        assert stream.response.headers["Content-Type"].startswith("text/event-stream")
        assert stream.response.headers["X-Accel-Buffering"] == "no"
        uid = alice.user["id"]
        ids = [
            events.publish(uid, "job", {"task_id": "task-1", "status": "processing"}),
            events.publish_text(uid, "task-1", 7, 0, "Hello, "),
            events.publish_part(uid, "task-1", "tts", 0, 2, url="/api/media/tts/1/a.mp3", seconds=1.5),
            events.publish_restart(uid, "task-1"),
        ]
        received = stream.events(4)
    assert [e["id"] for e in received] == ids
    assert sorted(ids, key=events.id_tuple) == ids
    assert [e["event"] for e in received] == ["job", "text", "part", "restart"]
    assert received[0]["data"] == {"task_id": "task-1", "status": "processing"}
    assert received[1]["data"] == {"task_id": "task-1", "node_id": 7, "offset": 0, "delta": "Hello, "}
    assert received[2]["data"] == {
        "task_id": "task-1",
        "kind": "tts",
        "index": 0,
        "count": 2,
        "url": "/api/media/tts/1/a.mp3",
        "seconds": 1.5,
    }
    assert received[3]["data"] == {"task_id": "task-1"}


def test_an_event_published_around_a_block_is_sent_before_the_block_runs(app_ctx, alice):
    """events.publishing sends the event, runs the block, then reads Redis's answer: one wait for
    the event and the block's own Redis call (the broker's send)."""
    uid, key = alice.user["id"], events.stream_key(alice.user["id"])
    other = redis.Redis.from_url(app_ctx.config["REDIS_URL"])  # a connection of its own, like the broker's
    with events.publishing(uid, "job", {"task_id": "task-2", "status": "pending"}, unless="wop:test:unset"):
        deadline = time.monotonic() + 5
        while not other.xlen(key) and time.monotonic() < deadline:  # its answer is not read yet
            time.sleep(0.01)
        inside = other.xlen(key)
    assert inside == 1
    stored: Any = other.xrange(key, "-", "+")
    assert [json.loads(fields[b"data"]) for _id, fields in stored] == [{"task_id": "task-2", "status": "pending"}]


def test_an_event_published_around_a_block_is_dropped_once_a_later_one_was_told(app_ctx, alice):
    """The block's own send may be done first (another connection): a `pending` event that
    arrives after the worker's claim was told must not follow it."""
    uid = alice.user["id"]
    mark = f"wop:test:claimed:{uid}"
    events.publish(uid, "job", {"task_id": "task-5", "status": "processing"}, mark=mark)
    with events.publishing(uid, "job", {"task_id": "task-5", "status": "pending"}, unless=mark):
        pass
    told: Any = redis.Redis.from_url(app_ctx.config["REDIS_URL"]).xrange(events.stream_key(uid), "-", "+")
    assert [json.loads(fields[b"data"])["status"] for _id, fields in told] == ["processing"]


def test_an_event_around_a_block_while_redis_is_away_is_dropped_and_the_block_still_runs(
    app, app_ctx, alice, redis_server
):
    ran = []
    redis_server.stop()
    try:
        with events.publishing(alice.user["id"], "job", {"task_id": "task-3"}, unless="wop:test:unset"):
            ran.append(True)
    finally:
        redis_server.start()
    assert ran == [True]
    with events.publishing(alice.user["id"], "job", {"task_id": "task-4"}, unless="wop:test:unset"):  # works again
        pass
    last: Any = redis.Redis.from_url(app.config["REDIS_URL"]).xrevrange(events.stream_key(alice.user["id"]), count=1)
    assert json.loads(last[0][1][b"data"]) == {"task_id": "task-4"}


@pytest.mark.parametrize("how", ["header", "query"])
def test_reconnecting_replays_exactly_what_was_missed_then_continues(server, events_url, app_ctx, alice, how):
    http, uid = browser(server, alice), alice.user["id"]
    with open_stream(events_url, http) as stream:
        seen = publish_texts(uid, "one", "two")
        assert [e["id"] for e in stream.events(2)] == seen
    missed = publish_texts(uid, "three", "four", "five")
    by_header = how == "header"
    with open_stream(
        events_url,
        http,
        headers={"Last-Event-ID": seen[-1]} if by_header else None,
        params=None if by_header else {"last_event_id": seen[-1]},
    ) as stream:
        replayed = stream.events(3)
        assert [e["id"] for e in replayed] == missed
        assert [e["data"]["delta"] for e in replayed] == ["three", "four", "five"]
        live = publish_texts(uid, "six")
        assert stream.event()["id"] == live[0]


def test_a_last_id_older_than_the_retention_window_gets_reset_first(server, events_url, app_ctx, alice):
    uid = alice.user["id"]
    publish_texts(uid, "kept")
    ten_minutes_ago = f"{int((time.time() - 700) * 1000)}-0"
    with open_stream(events_url, browser(server, alice), headers={"Last-Event-ID": ten_minutes_ago}) as stream:
        reset = stream.event()
        assert reset["event"] == "reset"
        live = publish_texts(uid, "after the reset")
        event = stream.event()
    assert event["id"] == live[0] and events.id_tuple(event["id"]) > events.id_tuple(reset["id"])


def test_a_last_id_whose_successors_were_trimmed_gets_reset(server, events_url, app, app_ctx, alice):
    uid = alice.user["id"]
    first = publish_texts(uid, "soon trimmed")[0]
    app.config["EVENTS_STREAM_MAXLEN"], saved = 10, app.config["EVENTS_STREAM_MAXLEN"]
    try:
        publish_texts(uid, *[f"delta {i}" for i in range(250)])  # trimming drops whole blocks of ~100
    finally:
        app.config["EVENTS_STREAM_MAXLEN"] = saved
    http = browser(server, alice)
    with open_stream(events_url, http, headers={"Last-Event-ID": first}) as stream:
        reset = stream.event()
    assert reset["event"] == "reset"
    # The reset's id is where the stream goes on from: reconnecting with it replays, no reset.
    newer = publish_texts(uid, "after")
    with open_stream(events_url, http, headers={"Last-Event-ID": reset["id"]}) as stream:
        assert stream.event()["id"] == newer[0]


def test_an_id_this_stream_never_gave_gets_reset(server, events_url, app_ctx, alice):
    publish_texts(alice.user["id"], "something")
    future = f"{int((time.time() + 3600) * 1000)}-0"  # e.g. from a Redis that lost its data since
    with open_stream(events_url, browser(server, alice), params={"last_event_id": future}) as stream:
        assert stream.event()["event"] == "reset"


@pytest.mark.parametrize("where", ["header", "query"])
@pytest.mark.parametrize("bad", ["yesterday", "12-x", "1-2-3", "99999999999999999999999-0"])
def test_a_malformed_last_id_is_refused_with_a_message(server, events_url, alice, where, bad):
    http = browser(server, alice)
    if where == "header":
        resp = http.get(events_url, timeout=10, headers={"Last-Event-ID": bad})
    else:
        resp = http.get(events_url, timeout=10, params={"last_event_id": bad})
    assert resp.status_code == 400
    assert "Last-Event-ID" in resp.json()["error"] and "event id" in resp.json()["error"]


def test_a_user_never_sees_another_users_events(server, events_url, app_ctx, alice, bob):
    with open_stream(events_url, browser(server, bob)) as bobs:
        publish_texts(alice.user["id"], "alice's secret", "more of it")
        mine = publish_texts(bob.user["id"], "bob's own")
        received = []
        while (frame := bobs.next_frame()) != {"comment": "keepalive"}:  # a keepalive after his event
            assert frame is not None, "the stream ended"
            if "comment" not in frame:
                received.append(frame)
    assert [e["id"] for e in received] == mine
    assert [e["data"]["delta"] for e in received] == ["bob's own"]


def test_the_eleventh_stream_of_a_user_is_refused_while_others_are_served(server, events_url, alice, bob):
    http = browser(server, alice)
    streams = [open_stream(events_url, http) for _ in range(10)]
    try:
        assert [s.status_code for s in streams] == [200] * 10
        refused = http.get(events_url, timeout=10)
        assert refused.status_code == 429
        assert "10 live update streams" in refused.json()["error"]
        assert "Close some" in refused.json()["error"]
        with open_stream(events_url, browser(server, bob)) as bobs:
            assert bobs.status_code == 200
        streams.pop().close()
        # The server notices the closed stream at its next keepalive, and frees its place.
        deadline = time.monotonic() + 10 * KEEPALIVE
        while (again := open_stream(events_url, http)).status_code == 429 and time.monotonic() < deadline:
            time.sleep(0.2)
        streams.append(again)
        assert again.status_code == 200
    finally:
        for stream in streams:
            stream.close()


def test_keepalive_comments_arrive_one_interval_apart(server, events_url, alice):
    with open_stream(events_url, browser(server, alice)) as stream:
        assert stream.next_frame() == {"comment": "keepalive"}  # the first comes sooner, at a random point
        first = time.monotonic()
        assert stream.next_frame() == {"comment": "keepalive"}
        assert stream.next_frame() == {"comment": "keepalive"}
        # A lower bound only (a slow machine makes it longer): keepalives are not sent back to back.
        assert time.monotonic() - first >= KEEPALIVE


def test_logging_out_ends_the_stream(server, events_url, app_ctx, alice):
    http = browser(server, alice)
    with open_stream(events_url, http) as stream:
        before = publish_texts(alice.user["id"], "before")
        assert stream.event()["id"] == before[0]
        assert http.post(f"{server.url}/auth/logout").status_code == 204
        frames = []
        while (frame := stream.next_frame()) is not None:  # ends within one keepalive
            frames.append(frame)
    assert len(frames) <= 2, frames


def test_a_bearer_token_works_and_revoking_it_ends_the_stream(server, events_url, app_ctx, alice):
    token = token_for(server, alice)
    auth = {"Authorization": f"Bearer {token}"}
    with open_stream(events_url, headers=auth) as stream:
        sent = publish_texts(alice.user["id"], "by token")
        assert stream.event()["id"] == sent[0]
        listed = requests.get(f"{server.url}/auth/tokens", headers=auth, timeout=10).json()
        token_id = next(t["id"] for t in listed["items"])
        assert requests.delete(f"{server.url}/auth/tokens/{token_id}", headers=auth, timeout=10).status_code == 204
        frames = []
        while (frame := stream.next_frame()) is not None:
            frames.append(frame)
    assert len(frames) <= 2, frames


def test_not_logged_in_is_refused(events_url):
    resp = requests.get(events_url, timeout=10)
    assert resp.status_code == 401 and "Log in" in resp.json()["error"]


def test_without_redis_publishing_returns_none_and_the_stream_answers_503(app, app_ctx, alice, caplog, monkeypatch):
    # Alembic's fileConfig (the migrations this test run applied) disables loggers made before it.
    monkeypatch.setattr(logging.getLogger("wop.events"), "disabled", False)
    app.config["REDIS_URL"], saved = "redis://127.0.0.1:1/0", app.config["REDIS_URL"]
    try:
        assert events.publish_text(alice.user["id"], "task-1", None, 0, "lost") is None
        resp = alice.get("/api/events")
    finally:
        app.config["REDIS_URL"] = saved
    assert "not sent" in caplog.text
    assert resp.status_code == 503 and "Redis" in resp.get_json()["error"]


def test_publishing_an_unknown_event_is_a_programming_error(app_ctx):
    with pytest.raises(ValueError, match="jobs"):
        events.publish(1, "jobs", {})
