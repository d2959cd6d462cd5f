"""Dashboards, feed, stats, models."""

from wop.extensions import db
from wop.models import TokenCredit


def test_dashboard_lists_own_nodes_newest_first_with_tokens(app, alice):
    first = alice.write("older")
    second = alice.write("newer")
    with app.app_context():
        db.session.add(TokenCredit(user_id=alice.user["id"], node_id=first["id"], tokens=1234))
        db.session.commit()
    data = alice.get("/api/dashboard").get_json()
    assert [n["id"] for n in data["entries"]["items"]][:2] == [second["id"], first["id"]]
    assert data["tokens_today"] == 1234 and data["tokens_all_time"] == 1234
    assert data["global_daily_target"] == 1_000_000 and data["global_tokens_today"] >= 1234


def test_other_dashboard_shows_only_public(alice, bob):
    alice.write("private one")
    public = alice.write("public one", privacy="public")
    data = bob.get(f"/api/dashboard/{alice.username}").get_json()
    assert [n["id"] for n in data["entries"]["items"]] == [public["id"]]
    assert "email" not in data["user"]
    assert bob.get("/api/dashboard/nobody_here_123").status_code == 404


def test_update_description(alice):
    ok = alice.put("/api/dashboard/user", json={"description": "I write at night."})
    assert ok.status_code == 200 and ok.get_json()["user"]["description"] == "I write at night."
    too_long = alice.put("/api/dashboard/user", json={"description": "x" * 129})
    assert too_long.status_code == 422 and "description" in too_long.get_json()["error"]


def test_feed_is_public_top_level_newest_first_and_paginated(alice, bob):
    a = alice.write("feed A", privacy="public")
    alice.write("reply to A", parent_id=a["id"], privacy="public")
    alice.write("private", privacy="private")
    b = bob.write("feed B", privacy="public")
    page = bob.get("/api/feed?per_page=2").get_json()
    assert [n["id"] for n in page["items"]] == [b["id"], a["id"]]
    assert (page["page"], page["per_page"], page["has_more"]) == (1, 2, True)
    second = bob.get("/api/feed?per_page=1&page=2").get_json()
    assert [n["id"] for n in second["items"]] == [a["id"]] and second["page"] == 2
    assert bob.get("/api/feed?page=x").status_code == 400


def test_stats_counts(alice):
    before = alice.get("/api/stats").get_json()
    alice.write("one more")
    after = alice.get("/api/stats").get_json()
    assert after["nodes"] == before["nodes"] + 1
    assert set(after) >= {"users", "nodes", "llm_replies", "tokens_today", "tokens_all_time"}


def test_models_list(alice):
    data = alice.get("/api/models").get_json()
    models = data["models"]
    assert models and all({"id", "provider", "display_name", "usable"} <= set(m) for m in models)
    assert {m["provider"] for m in models} == {"openai", "anthropic"}
    assert all(m["usable"] for m in models)  # both keys are set in the test environment
    assert data["default"] in [m["id"] for m in models]


def test_the_server_tells_its_public_settings_without_a_login(app):
    config = app.test_client().get("/api/config").get_json()
    assert config["default_privacy"] == app.config["DEFAULT_PRIVACY"] == "private"
    assert config["max_upload_mb"] == app.config["MAX_UPLOAD_MB"] and config["require_approval"] is False
    assert not set(config) & {"SECRET_KEY", "OPENAI_API_KEY", "secret_key", "openai_api_key"}
