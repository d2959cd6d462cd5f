"""Drafts kept on the server: per writer and place, ended by saving, never seen by another account."""

import pytest


def test_a_draft_follows_the_writer_and_ends_when_the_entry_is_saved(alice):
    saved = alice.put("/api/drafts/new", json={"content": "Half a thought", "privacy": "public"})
    assert saved.status_code == 200
    assert saved.get_json()["place"] == "new" and saved.get_json()["kind"] == "new"
    # Another device (a second client of the same account) finds it.
    again = alice.get("/api/drafts/new").get_json()
    assert again["content"] == "Half a thought" and again["privacy"] == "public" and again["ai_excluded"] is None
    assert alice.put("/api/drafts/new", json={"content": "A whole thought"}).get_json()["content"] == "A whole thought"

    root = alice.write("A whole thought")
    assert alice.get("/api/drafts/new").status_code == 404

    assert alice.put(f"/api/drafts/reply:{root['id']}", json={"content": "My answer"}).status_code == 200
    assert alice.put(f"/api/drafts/edit:{root['id']}", json={"content": "A better thought"}).status_code == 200
    listed = alice.get("/api/drafts").get_json()
    assert [(d["kind"], d["node_id"]) for d in listed["items"]] == [("edit", root["id"]), ("reply", root["id"])]
    alice.write("My answer", parent_id=root["id"])
    assert alice.get(f"/api/drafts/reply:{root['id']}").status_code == 404
    assert alice.get(f"/api/drafts/edit:{root['id']}").status_code == 200  # another place, still there
    assert alice.put(f"/api/nodes/{root['id']}", json={"content": "A better thought"}).status_code == 200
    assert alice.get(f"/api/drafts/edit:{root['id']}").status_code == 404

    assert alice.put("/api/drafts/new", json={"content": "Never mind"}).status_code == 200
    assert alice.delete("/api/drafts/new").status_code == 204
    assert alice.get("/api/drafts/new").status_code == 404
    assert alice.delete("/api/drafts/new").status_code == 204  # gone already: still done
    assert alice.get("/api/drafts").get_json()["items"] == []


def test_a_draft_is_never_seen_by_another_account(app, alice, bob):
    assert alice.put("/api/drafts/new", json={"content": "Alice's secret draft"}).status_code == 200
    assert bob.get("/api/drafts/new").status_code == 404
    assert bob.get("/api/drafts").get_json()["items"] == []
    # Bob's draft at the same place is his own; neither overwrites the other.
    assert bob.put("/api/drafts/new", json={"content": "Bob's draft"}).status_code == 200
    assert alice.get("/api/drafts/new").get_json()["content"] == "Alice's secret draft"
    assert bob.delete("/api/drafts/new").status_code == 204
    assert alice.get("/api/drafts/new").status_code == 200

    private = alice.write("Private entry")
    public = alice.write("Public entry", privacy="public")
    assert bob.put(f"/api/drafts/reply:{private['id']}", json={"content": "x"}).status_code == 404
    assert bob.put(f"/api/drafts/edit:{private['id']}", json={"content": "x"}).status_code == 404
    assert bob.put(f"/api/drafts/reply:{public['id']}", json={"content": "A reply"}).status_code == 200
    assert bob.put(f"/api/drafts/edit:{public['id']}", json={"content": "x"}).status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/api/drafts/new").status_code == 401
    assert anonymous.get("/api/drafts").status_code == 401


@pytest.mark.parametrize("place", ["anywhere", "reply:", "reply:abc", "edit:0", "reply:2147483648", "new:1"])
def test_a_place_that_is_not_one_answers_422_naming_it(alice, place):
    for resp in (alice.get(f"/api/drafts/{place}"), alice.put(f"/api/drafts/{place}", json={"content": "x"})):
        assert resp.status_code == 422 and "place" in resp.get_json()["fields"]


def test_a_draft_body_is_checked(alice):
    missing = alice.put("/api/drafts/new", json={})
    assert missing.status_code == 422 and "content" in missing.get_json()["fields"]
    wrong = alice.put("/api/drafts/new", json={"content": "x", "privacy": "secret"})
    assert wrong.status_code == 422 and "privacy" in wrong.get_json()["fields"]
    assert alice.put("/api/drafts/reply:99999999", json={"content": "x"}).status_code == 404
