"""Accounts: signup, login, tokens, logout, CSRF, rate limits, the approval gate."""

import pytest

from tests.helpers import unique_name


def test_signup_returns_user_and_starts_session(app):
    client = app.test_client()
    name = unique_name()
    resp = client.post("/auth/signup", json={"username": name, "password": "long enough pw", "email": "a@b.co"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["user"]["username"] == name and body["user"]["email"] == "a@b.co"
    assert "password_hash" not in body["user"]
    me = client.get("/auth/me")
    assert me.status_code == 200 and me.get_json()["user"]["username"] == name


def test_signup_rejects_taken_name_and_bad_fields(app, alice):
    client = app.test_client()
    taken = client.post("/auth/signup", json={"username": alice.username, "password": "long enough pw"})
    assert taken.status_code == 409 and "taken" in taken.get_json()["error"]
    short = client.post("/auth/signup", json={"username": unique_name(), "password": "short"})
    assert short.status_code == 422 and "password" in short.get_json()["error"]
    bad_name = client.post("/auth/signup", json={"username": "no spaces please", "password": "long enough pw"})
    assert bad_name.status_code == 422 and "username" in bad_name.get_json()["error"]
    missing = client.post("/auth/signup", json={"password": "long enough pw"})
    assert missing.status_code == 422 and "username" in missing.get_json()["fields"]
    not_json = client.post("/auth/signup", data="username=x", content_type="text/plain")
    assert not_json.status_code == 400


def test_login_logout(app, alice):
    client = app.test_client()
    wrong = client.post("/auth/login", json={"username": alice.username, "password": "nope nope"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "Wrong username or password."
    ok = client.post("/auth/login", json={"username": alice.username, "password": alice.password})
    assert ok.status_code == 200 and ok.get_json()["user"]["id"] == alice.user["id"]
    assert client.get("/api/dashboard").status_code == 200
    assert client.post("/auth/logout").status_code == 204
    assert client.get("/api/dashboard").status_code == 401


def test_unknown_user_cannot_log_in(app):
    resp = app.test_client().post("/auth/login", json={"username": unique_name(), "password": "whatever1"})
    assert resp.status_code == 401


def test_bearer_token_works_everywhere_and_can_be_revoked(app, alice):
    client = app.test_client()
    resp = client.post("/auth/token", json={"username": alice.username, "password": alice.password, "name": "cli"})
    assert resp.status_code == 200
    token = resp.get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    # No cookie, no CSRF header: the token alone is enough, for reads and writes.
    fresh = app.test_client()
    assert fresh.get("/api/dashboard", headers=headers).status_code == 200
    created = fresh.post("/api/nodes/", json={"content": "via token"}, headers=headers)
    assert created.status_code == 201
    tokens = alice.get("/auth/tokens").get_json()["items"]
    assert [t["name"] for t in tokens] == ["cli"] and "token_hash" not in tokens[0]
    assert tokens[0]["last_used_at"] is not None
    assert alice.delete(f"/auth/tokens/{tokens[0]['id']}").status_code == 204
    revoked = fresh.get("/api/dashboard", headers=headers)
    assert revoked.status_code == 401 and "revoked" in revoked.get_json()["error"]


def test_tokens_are_stored_hashed(app, alice):
    from wop.extensions import db
    from wop.models import ApiToken

    token = (
        app.test_client()
        .post("/auth/token", json={"username": alice.username, "password": alice.password})
        .get_json()["token"]
    )
    with app.app_context():
        stored = [t.token_hash for t in db.session.query(ApiToken).filter_by(user_id=alice.user["id"])]
    assert stored and token not in stored and all(len(h) == 64 for h in stored)


def test_cookie_session_needs_csrf_on_unsafe_methods(alice):
    no_header = alice.client.post("/api/nodes/", json={"content": "x"})
    assert no_header.status_code == 403 and no_header.get_json()["code"] == "csrf"
    wrong = alice.client.post("/api/nodes/", json={"content": "x"}, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    assert alice.client.get("/api/dashboard").status_code == 200  # reads need no token
    assert alice.post("/api/nodes/", json={"content": "x"}).status_code == 201


def test_login_attempts_are_rate_limited(app, alice):
    client = app.test_client()
    codes = [
        client.post("/auth/login", json={"username": alice.username, "password": "bad password"}).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    other = client.post("/auth/login", json={"username": unique_name(), "password": "bad password"})
    assert other.status_code == 401  # the limit is per user name and address


def test_approval_gate(app, make_user):
    app.config["REQUIRE_APPROVAL"] = True
    try:
        waiting = make_user()
        assert waiting.user["approved"] is False
        assert waiting.get("/api/dashboard").status_code == 200
        assert waiting.post("/api/dashboard/accept_terms").status_code == 200
        blocked = waiting.post("/api/nodes/", json={"content": "hi"})
        assert blocked.status_code == 403 and "approval" in blocked.get_json()["error"]
        assert waiting.get("/api/feed").status_code == 403
        admin = make_user(admin=True)
        assert admin.post(f"/api/admin/users/{waiting.user['id']}/approve").status_code == 200
        assert waiting.post("/api/nodes/", json={"content": "hi"}).status_code == 201
    finally:
        app.config["REQUIRE_APPROVAL"] = False


def test_admin_routes_are_for_admins(alice, make_user):
    assert alice.get("/api/admin/users").status_code == 403
    admin = make_user(admin=True)
    users = admin.get("/api/admin/users?per_page=500").get_json()["items"]
    assert alice.username in [u["username"] for u in users]


@pytest.mark.parametrize("path", ["/api/dashboard", "/api/stats", "/api/models", "/api/jobs"])
def test_anonymous_requests_are_refused(app, path):
    resp = app.test_client().get(path)
    assert resp.status_code == 401 and "Log in" in resp.get_json()["error"]


def test_cli_creates_admin(app, service_env):
    import subprocess
    import sys

    name = unique_name("cli")
    out = subprocess.run(
        [sys.executable, "-m", "wop.cli", "user", "create", name, "--admin", "--password", "cli password 1"],
        env=service_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    client = app.test_client()
    resp = client.post("/auth/login", json={"username": name, "password": "cli password 1"})
    assert resp.status_code == 200 and resp.get_json()["user"]["is_admin"] is True


def test_login_and_token_attempts_share_one_limit(app, alice):
    client = app.test_client()
    wrong = {"username": alice.username, "password": "bad password"}
    codes = [client.post("/auth/login", json=wrong).status_code for _ in range(3)]
    codes += [client.post("/auth/token", json=wrong).status_code for _ in range(2)]
    assert codes == [401] * 5
    assert client.post("/auth/token", json=wrong).status_code == 429
    assert client.post("/auth/login", json=wrong).status_code == 429


def test_correct_logins_are_never_limited(app, alice):
    client = app.test_client()
    right = {"username": alice.username, "password": alice.password}
    codes = [client.post(path, json=right).status_code for path in ["/auth/login"] * 7 + ["/auth/token"] * 3]
    assert codes == [200] * 10


def test_wrong_guesses_from_one_address_do_not_lock_out_another(app, alice):
    client = app.test_client()
    attacker, owner = {"REMOTE_ADDR": "10.66.0.1"}, {"REMOTE_ADDR": "10.77.0.1"}
    wrong = {"username": alice.username, "password": "bad password"}
    right = {"username": alice.username, "password": alice.password}
    assert [client.post("/auth/login", json=wrong, environ_base=attacker).status_code for _ in range(6)] == [
        401
    ] * 5 + [429]
    assert client.post("/auth/login", json=right, environ_base=attacker).status_code == 429
    assert client.post("/auth/login", json=right, environ_base=owner).status_code == 200
    assert client.post("/auth/token", json=right, environ_base=owner).status_code == 200


def _post_from(address: str, url: str, payload: dict) -> int:
    """POST over real HTTP from a chosen loopback source address (all of 127/8 is local)."""
    import http.client
    import json
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    assert parts.hostname is not None
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30, source_address=(address, 0))
    try:
        conn.request("POST", parts.path, body=json.dumps(payload), headers={"Content-Type": "application/json"})
        return conn.getresponse().status
    finally:
        conn.close()


def test_login_limit_through_the_real_server(live_server, alice):
    login = f"{live_server.url}/auth/login"
    wrong = {"username": alice.username, "password": "bad password"}
    right = {"username": alice.username, "password": alice.password}
    assert [_post_from("127.0.0.1", login, right) for _ in range(7)] == [200] * 7
    assert [_post_from("127.0.0.2", login, wrong) for _ in range(6)] == [401] * 5 + [429]
    assert _post_from("127.0.0.2", login, right) == 429
    assert _post_from("127.0.0.1", login, right) == 200
    assert _post_from("127.0.0.1", f"{live_server.url}/auth/token", right) == 200


@pytest.mark.parametrize("path", ["/auth/login", "/auth/token"])
@pytest.mark.parametrize("payload", ["[1, 2]", '"alice"', "5", "true", "null"])
def test_non_object_json_bodies_are_refused_with_400(app, path, payload):
    resp = app.test_client().post(path, data=payload, content_type="application/json")
    assert resp.status_code == 400 and "JSON object" in resp.get_json()["error"]


def test_an_account_waiting_for_approval_cannot_create_api_tokens(app, make_user):
    app.config["REQUIRE_APPROVAL"] = True
    try:
        waiting = make_user()
        resp = app.test_client().post("/auth/token", json={"username": waiting.username, "password": waiting.password})
        assert resp.status_code == 403 and "approv" in resp.get_json()["error"]
        admin = make_user(admin=True)
        assert admin.post(f"/api/admin/users/{waiting.user['id']}/approve").status_code == 200
        resp = app.test_client().post("/auth/token", json={"username": waiting.username, "password": waiting.password})
        assert resp.status_code == 200 and resp.get_json()["token"]
    finally:
        app.config["REQUIRE_APPROVAL"] = False


@pytest.mark.parametrize(
    "email", ["bad..dots@example.com", "name@exa_mple.com", "<b>@example.com", "two@@example.com", "nobody@localhost"]
)
def test_invalid_email_addresses_are_refused(app, alice, email):
    resp = app.test_client().post(
        "/auth/signup", json={"username": unique_name(), "password": "long enough pw", "email": email}
    )
    assert resp.status_code == 422 and "email" in resp.get_json()["fields"]
    resp = alice.put("/api/dashboard/user", json={"email": email})
    assert resp.status_code == 422 and "email" in resp.get_json()["fields"]


def test_valid_email_addresses_are_kept_and_can_be_cleared(app, alice):
    resp = alice.put("/api/dashboard/user", json={"email": "writer@example.org"})
    assert resp.status_code == 200 and resp.get_json()["user"]["email"] == "writer@example.org"
    resp = alice.put("/api/dashboard/user", json={"email": ""})
    assert resp.status_code == 200 and resp.get_json()["user"]["email"] is None
    resp = app.test_client().post(
        "/auth/signup", json={"username": unique_name(), "password": "long enough pw", "email": ""}
    )
    assert resp.status_code == 201 and resp.get_json()["user"]["email"] is None
