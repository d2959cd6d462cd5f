"""Sessions that end when they are ended: logout, log out everywhere, password change, the session list."""

from datetime import timedelta

import requests

from tests.helpers import Api, unique_name


def copy_of(app, api: Api):
    """A second browser holding a copy of `api`'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", api.client.get_cookie("session").value)
    return thief


def second_login(app, api: Api) -> Api:
    client = app.test_client()
    resp = client.post("/auth/login", json={"username": api.username, "password": api.password})
    assert resp.status_code == 200, resp.get_json()
    return Api(client, resp.get_json()["user"], resp.get_json()["csrf_token"], api.password)


def new_token(app, api: Api) -> dict:
    resp = app.test_client().post("/auth/token", json={"username": api.username, "password": api.password})
    assert resp.status_code == 200, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def session_rows(app, user_id: int) -> list:
    from wop.extensions import db
    from wop.models import UserSession

    with app.app_context():
        return db.session.query(UserSession).filter_by(user_id=user_id).all()


def test_a_copied_cookie_stops_working_at_logout(app, alice):
    thief = copy_of(app, alice)
    assert thief.get("/auth/me").status_code == 200
    assert alice.post("/auth/logout").status_code == 204
    assert thief.get("/auth/me").status_code == 401
    assert thief.get("/api/dashboard").status_code == 401
    assert alice.get("/auth/me").status_code == 401


def test_a_copied_cookie_stops_working_at_logout_over_real_http(live_server):
    name, password = unique_name("live"), "live password"
    browser = requests.Session()
    signup = browser.post(f"{live_server.url}/auth/signup", json={"username": name, "password": password})
    assert signup.status_code == 201
    thief = requests.Session()
    thief.cookies.set("session", browser.cookies["session"])
    assert thief.get(f"{live_server.url}/auth/me").status_code == 200
    assert browser.post(f"{live_server.url}/auth/logout").status_code == 204
    assert thief.get(f"{live_server.url}/auth/me").status_code == 401


def test_the_session_cookie_holds_no_user_id(app, alice):
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None  # the app has a secret key
    data = serializer.loads(alice.client.get_cookie("session").value)
    assert "user_id" not in data and len(session_rows(app, alice.user["id"])) == 1


def test_log_out_everywhere_ends_every_session_and_token(app, alice):
    other = second_login(app, alice)
    thief = copy_of(app, alice)
    token = new_token(app, alice)
    assert alice.client.post("/auth/logout_everywhere").status_code == 403  # cookie sessions need CSRF
    assert alice.post("/auth/logout_everywhere").status_code == 204
    for client in (alice.client, other.client, thief):
        assert client.get("/auth/me").status_code == 401
    assert app.test_client().get("/auth/me", headers=token).status_code == 401
    assert session_rows(app, alice.user["id"]) == []


def test_log_out_everywhere_with_a_token(app, alice):
    token = new_token(app, alice)
    other_token = new_token(app, alice)
    scripts = app.test_client()
    assert scripts.post("/auth/logout_everywhere", headers=token).status_code == 204
    assert alice.get("/auth/me").status_code == 401
    assert scripts.get("/auth/me", headers=token).status_code == 401
    assert scripts.get("/auth/me", headers=other_token).status_code == 401


def test_log_out_everywhere_leaves_other_people_alone(app, alice, bob):
    bob_token = new_token(app, bob)
    assert alice.post("/auth/logout_everywhere").status_code == 204
    assert bob.get("/auth/me").status_code == 200
    assert app.test_client().get("/auth/me", headers=bob_token).status_code == 200


def test_password_change_keeps_this_session_and_ends_the_others(app, alice):
    other = second_login(app, alice)
    thief = copy_of(app, alice)
    token = new_token(app, alice)
    new_password = "a brand new passphrase"
    wrong = alice.post("/auth/password", json={"current_password": "not it at all", "new_password": new_password})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "The current password is wrong."
    short = alice.post("/auth/password", json={"current_password": alice.password, "new_password": "short"})
    assert short.status_code == 422 and "new_password" in short.get_json()["fields"]
    assert other.get("/auth/me").status_code == 200  # failed attempts change nothing

    resp = alice.post("/auth/password", json={"current_password": alice.password, "new_password": new_password})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["user"]["id"] == alice.user["id"] and body["csrf_token"]
    alice.csrf = body["csrf_token"]
    assert alice.get("/auth/me").status_code == 200
    assert alice.post("/api/nodes/", json={"content": "still here"}).status_code == 201
    assert other.get("/auth/me").status_code == 401
    assert thief.get("/auth/me").status_code == 401
    assert app.test_client().get("/auth/me", headers=token).status_code == 401
    login = app.test_client().post
    assert login("/auth/login", json={"username": alice.username, "password": alice.password}).status_code == 401
    assert login("/auth/login", json={"username": alice.username, "password": new_password}).status_code == 200


def test_password_change_with_a_token(app, alice):
    token = new_token(app, alice)
    scripts = app.test_client()
    resp = scripts.post(
        "/auth/password",
        headers=token,
        json={"current_password": alice.password, "new_password": "another long passphrase"},
    )
    assert resp.status_code == 200 and resp.get_json()["user"]["id"] == alice.user["id"]
    assert alice.get("/auth/me").status_code == 401
    assert scripts.get("/auth/me", headers=token).status_code == 401


def test_the_session_list_and_ending_one_session(app, alice, bob):
    other = second_login(app, alice)
    listed = alice.get("/auth/sessions", headers={"User-Agent": "Firefox test"})
    assert listed.status_code == 200
    sessions = listed.get_json()["items"]
    assert len(sessions) == 2 and [s["current"] for s in sessions].count(True) == 1
    assert {"id", "created_at", "last_seen_at", "user_agent", "current"} <= set(sessions[0])
    other_id = next(s["id"] for s in sessions if not s["current"])
    mine = next(s["id"] for s in sessions if s["current"])

    assert bob.delete(f"/auth/sessions/{other_id}").status_code == 404  # not bob's
    assert other.get("/auth/me").status_code == 200
    assert alice.delete(f"/auth/sessions/{other_id}").status_code == 204
    assert other.get("/auth/me").status_code == 401
    assert [s["id"] for s in alice.get("/auth/sessions").get_json()["items"]] == [mine]
    assert alice.delete(f"/auth/sessions/{mine}").status_code == 204
    assert alice.get("/auth/me").status_code == 401


def test_sessions_record_the_browser_and_address(app, make_user):
    client = app.test_client()
    name = unique_name()
    client.post(
        "/auth/signup",
        json={"username": name, "password": "long enough pw"},
        headers={"User-Agent": "TestBrowser/1.0"},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    (listed,) = client.get("/auth/sessions").get_json()["items"]
    assert listed["user_agent"] == "TestBrowser/1.0" and listed["ip"] == "10.9.8.7" and listed["current"]


def test_a_token_caller_sees_sessions_but_none_is_current(app, alice):
    sessions = app.test_client().get("/auth/sessions", headers=new_token(app, alice)).get_json()["items"]
    assert len(sessions) == 1 and sessions[0]["current"] is False


def test_last_seen_is_written_at_most_once_a_minute(app, alice):
    from wop.extensions import db
    from wop.models import UserSession

    (row,) = session_rows(app, alice.user["id"])
    assert alice.get("/auth/me").status_code == 200
    (again,) = session_rows(app, alice.user["id"])
    assert again.last_seen_at == row.last_seen_at  # within the minute: no write
    with app.app_context():
        stored = db.session.get_one(UserSession, row.id)
        stored.last_seen_at = row.last_seen_at - timedelta(minutes=5)
        db.session.commit()
    assert alice.get("/auth/me").status_code == 200
    (later,) = session_rows(app, alice.user["id"])
    assert later.last_seen_at > row.last_seen_at - timedelta(minutes=5)


def test_a_session_unused_for_longer_than_its_lifetime_ends(app, alice):
    from wop.extensions import db
    from wop.models import UserSession

    (row,) = session_rows(app, alice.user["id"])
    with app.app_context():
        stored = db.session.get_one(UserSession, row.id)
        stored.last_seen_at = stored.last_seen_at - app.permanent_session_lifetime - timedelta(minutes=1)
        db.session.commit()
    assert alice.get("/auth/me").status_code == 401


def test_an_account_waiting_for_approval_can_still_protect_itself(app, make_user):
    app.config["REQUIRE_APPROVAL"] = True
    try:
        waiting = make_user()
        assert waiting.get("/auth/sessions").status_code == 200
        resp = waiting.post(
            "/auth/password", json={"current_password": waiting.password, "new_password": "waiting but safe"}
        )
        assert resp.status_code == 200
        waiting.csrf = resp.get_json()["csrf_token"]
        assert waiting.post("/auth/logout_everywhere").status_code == 204
    finally:
        app.config["REQUIRE_APPROVAL"] = False


def test_logging_in_again_in_the_same_browser_ends_the_session_it_had(app, alice):
    thief = copy_of(app, alice)
    again = alice.client.post("/auth/login", json={"username": alice.username, "password": alice.password})
    assert again.status_code == 200
    assert thief.get("/auth/me").status_code == 401
    assert alice.client.get("/auth/me").status_code == 200
    assert len(session_rows(app, alice.user["id"])) == 1


def test_guessing_the_current_password_is_limited_like_logins(app, alice):
    wrong = {"current_password": "not it at all", "new_password": "a brand new passphrase"}
    codes = [alice.post("/auth/password", json=wrong).status_code for _ in range(3)]
    codes += [
        alice.client.post("/auth/login", json={"username": alice.username, "password": "nope nope"}).status_code
        for _ in range(2)
    ]
    assert codes == [401] * 5
    right = {"current_password": alice.password, "new_password": "a brand new passphrase"}
    assert alice.post("/auth/password", json=right).status_code == 429
    assert alice.get("/auth/me").status_code == 200  # still logged in; only guessing stopped
