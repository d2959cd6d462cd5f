"""A writer's settings and what administrators look after: preferences, earlier versions and
their restore, earlier profiles, the token chart, deactivated accounts, sign-up terms and
validation messages a person can act on."""

from datetime import timedelta

from tests.helpers import unique_name
from wop.extensions import db
from wop.models import TokenCredit
from wop.models.base import utcnow


def test_preferences_are_the_defaults_of_new_entries_and_ai_requests(alice):
    assert alice.get("/api/me/preferences").get_json() == {
        "default_model": None,
        "default_privacy": None,
        "default_ai_excluded": False,
        "theme": None,
    }
    resp = alice.put("/api/me/preferences", json={"default_privacy": "public", "default_ai_excluded": True})
    assert resp.status_code == 200 and resp.get_json()["default_privacy"] == "public"
    entry = alice.write("Public by my default.")
    assert entry["privacy"] == "public" and entry["ai_excluded"] is True
    chosen = alice.write("Private this once.", privacy="private", ai_excluded=False)
    assert chosen["privacy"] == "private" and chosen["ai_excluded"] is False
    assert alice.write("A reply keeps its parent's privacy.", parent_id=chosen["id"])["privacy"] == "private"

    # Fields left out stay; null puts one back to the server's default.
    assert alice.put("/api/me/preferences", json={"default_model": "test-claude"}).status_code == 200
    assert alice.get("/api/me/preferences").get_json()["default_privacy"] == "public"
    node = alice.write("Ask my model.", ai_excluded=False)
    job = alice.post(f"/api/nodes/{node['id']}/llm", json={}).get_json()
    assert job["model"] == "test-claude"
    alice.post(f"/api/jobs/{job['task_id']}/cancel")
    reset = alice.put("/api/me/preferences", json={"default_privacy": None, "default_ai_excluded": False})
    assert reset.get_json() == {
        "default_model": "test-claude",
        "default_privacy": None,
        "default_ai_excluded": False,
        "theme": None,
    }
    assert alice.write("Back to the server's default.")["privacy"] == "private"


def test_the_theme_is_kept_with_the_account_and_left_alone_by_other_changes(app, alice, bob):
    assert alice.put("/api/me/preferences", json={"theme": "dark"}).get_json()["theme"] == "dark"
    assert alice.put("/api/me/preferences", json={"default_privacy": "public"}).get_json()["theme"] == "dark"
    again = app.test_client()  # another browser of the same writer
    assert again.post("/auth/login", json={"username": alice.username, "password": alice.password}).status_code == 200
    assert again.get("/api/me/preferences").get_json()["theme"] == "dark"
    assert alice.put("/api/me/preferences", json={"theme": "system"}).get_json()["theme"] == "system"
    assert alice.put("/api/me/preferences", json={"theme": None}).get_json()["theme"] is None  # each browser its own
    assert bob.get("/api/me/preferences").get_json()["theme"] is None
    wrong = alice.put("/api/me/preferences", json={"theme": "blue"})
    assert wrong.status_code == 422
    assert wrong.get_json()["fields"] == {"theme": "Use 'system', 'light' or 'dark'."}


def test_bad_preferences_are_refused_naming_the_field(app, alice, bob):
    unknown = alice.put("/api/me/preferences", json={"default_model": "no-such-model"})
    assert unknown.status_code == 422 and "default_model" in unknown.get_json()["fields"]
    wrong = alice.put("/api/me/preferences", json={"default_privacy": "secret"})
    assert wrong.status_code == 422 and "default_privacy" in wrong.get_json()["fields"]
    assert alice.put("/api/me/preferences", json={"default_privacy": "public"}).status_code == 200
    assert bob.get("/api/me/preferences").get_json()["default_privacy"] is None  # one writer's only
    assert app.test_client().get("/api/me/preferences").status_code == 401


def test_an_earlier_version_can_be_restored_by_its_author_only(alice, bob):
    node = alice.write("First words.")
    alice.put(f"/api/nodes/{node['id']}", json={"content": "Second words."})
    alice.put(f"/api/nodes/{node['id']}", json={"content": "Third words."})
    versions = alice.get(f"/api/nodes/{node['id']}/versions").get_json()["items"]
    first = next(v for v in versions if v["content"] == "First words.")

    assert bob.post(f"/api/nodes/{node['id']}/versions/{first['id']}/restore").status_code == 404
    resp = alice.post(f"/api/nodes/{node['id']}/versions/{first['id']}/restore")
    assert resp.status_code == 200 and resp.get_json()["content"] == "First words."
    after = alice.get(f"/api/nodes/{node['id']}/versions").get_json()["items"]
    assert [v["content"] for v in after] == ["First words.", "Second words.", "Third words."]  # nothing lost
    assert after[-1]["reason"] == "restore"

    other = alice.write("Another entry.")
    assert alice.post(f"/api/nodes/{other['id']}/versions/{first['id']}/restore").status_code == 404
    public = alice.write("Public words.", privacy="public")
    alice.put(f"/api/nodes/{public['id']}", json={"content": "Public words, edited."})
    version = alice.get(f"/api/nodes/{public['id']}/versions").get_json()["items"][0]
    assert bob.post(f"/api/nodes/{public['id']}/versions/{version['id']}/restore").status_code == 403


def test_earlier_profiles_are_listed_newest_first(alice, bob):
    alice.put("/api/profile", json={"content": "Night writer."})
    alice.put("/api/profile", json={"content": "Morning writer."})
    page = alice.get("/api/profiles").get_json()
    assert [p["content"] for p in page["items"]] == ["Morning writer.", "Night writer."]
    assert bob.get("/api/profiles").get_json()["items"] == []


def credit(app, user_id: int, tokens: int, days_ago: int) -> None:
    with app.app_context():
        db.session.add(TokenCredit(user_id=user_id, tokens=tokens, created_at=utcnow() - timedelta(days=days_ago)))
        db.session.commit()


def test_the_token_chart_has_the_last_30_days_own_and_global(app, alice, bob):
    before = alice.get("/api/dashboard/tokens").get_json()["daily"]
    credit(app, alice.user["id"], 120, days_ago=0)
    credit(app, alice.user["id"], 30, days_ago=2)
    credit(app, bob.user["id"], 500, days_ago=2)
    credit(app, alice.user["id"], 9999, days_ago=40)  # outside the chart

    chart = alice.get("/api/dashboard/tokens").get_json()
    days = chart["daily"]
    assert chart["days"] == 30 and len(days) == 30
    assert days[-1]["date"] == utcnow().date().isoformat() and days[0]["date"] < days[-1]["date"]
    assert days[-1]["tokens"] == 120 and days[-3]["tokens"] == 30
    # Everyone's tokens hold Bob's and Alice's (and whatever other jobs credited meanwhile).
    assert days[-3]["global_tokens"] - before[-3]["global_tokens"] >= 530
    assert all(d["global_tokens"] >= d["tokens"] for d in days)
    assert sum(d["tokens"] for d in days) == 150
    assert [d["tokens"] for d in bob.get("/api/dashboard/tokens?days=3").get_json()["daily"]] == [500, 0, 0]
    for bad in ("0", "366", "many"):
        assert alice.get(f"/api/dashboard/tokens?days={bad}").status_code == 400
    assert app.test_client().get("/api/dashboard/tokens").status_code == 401


def test_a_deactivated_account_cannot_log_in_and_its_sessions_end(app, make_user):
    admin, writer = make_user(admin=True), make_user()
    token = (
        app.test_client()
        .post("/auth/token", json={"username": writer.username, "password": writer.password})
        .get_json()["token"]
    )
    assert writer.get("/api/dashboard").status_code == 200
    assert writer.post(f"/api/admin/users/{admin.user['id']}/deactivate").status_code == 403  # admins only

    resp = admin.post(f"/api/admin/users/{writer.user['id']}/deactivate")
    assert resp.status_code == 200 and resp.get_json()["user"]["active"] is False
    assert writer.get("/api/dashboard").status_code == 401  # the session ended
    by_token = app.test_client().get("/api/dashboard", headers={"Authorization": f"Bearer {token}"})
    assert by_token.status_code == 403 and by_token.get_json()["code"] == "deactivated"
    login = app.test_client().post("/auth/login", json={"username": writer.username, "password": writer.password})
    assert login.status_code == 403 and login.get_json()["code"] == "deactivated"
    wrong = app.test_client().post("/auth/login", json={"username": writer.username, "password": "not the one"})
    assert wrong.status_code == 401  # whoever lacks the password learns nothing
    assert admin.post(f"/api/admin/users/{admin.user['id']}/deactivate").status_code == 409
    assert admin.post("/api/admin/users/99999999/deactivate").status_code == 404

    assert admin.post(f"/api/admin/users/{writer.user['id']}/reactivate").get_json()["user"]["active"] is True
    again = app.test_client().post("/auth/login", json={"username": writer.username, "password": writer.password})
    assert again.status_code == 200
    assert writer.get("/api/dashboard").status_code == 401  # the old session stays ended


def test_signup_asks_for_the_terms_when_accounts_need_approval(app):
    assert app.test_client().get("/api/config").get_json()["terms_required"] is False
    app.config["REQUIRE_APPROVAL"] = True
    try:
        client = app.test_client()
        assert client.get("/api/config").get_json()["terms_required"] is True
        signup = {"username": unique_name(), "password": "long enough pw"}
        refused = client.post("/auth/signup", json=signup)
        assert refused.status_code == 422
        assert refused.get_json()["fields"] == {"accept_terms": "Accept the terms to sign up."}
        resp = client.post("/auth/signup", json={**signup, "accept_terms": True})
        assert resp.status_code == 201
        user = resp.get_json()["user"]
        assert user["accepted_terms_at"] is not None and user["approved"] is False
    finally:
        app.config["REQUIRE_APPROVAL"] = False
    open_signup = app.test_client().post("/auth/signup", json={"username": unique_name(), "password": "long enough pw"})
    assert open_signup.status_code == 201


def test_validation_errors_say_what_to_do_for_each_field(app):
    resp = app.test_client().post(
        "/auth/signup", json={"username": "no spaces", "password": "short", "email": "nope", "accept_terms": "maybe"}
    )
    assert resp.status_code == 422
    assert resp.get_json()["fields"] == {
        "username": "Use 3 to 32 letters, digits, '.', '_' or '-'.",
        "password": "Use at least 8 characters.",
        "email": "Use a valid e-mail address: An email address must have an @-sign.",
        "accept_terms": "Use true or false.",
    }
    missing = app.test_client().post("/auth/signup", json={"password": "long enough pw"})
    assert missing.get_json()["fields"] == {"username": "This is required."}
    reserved = app.test_client().post("/auth/signup", json={"username": "tokens", "password": "long enough pw"})
    assert reserved.status_code == 422 and "reserved" in reserved.get_json()["fields"]["username"]
