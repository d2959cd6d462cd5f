"""Input found by fuzzing to cause 500s: each now gets a 4xx with a message."""
import io

import pytest

HUGE = 2**63  # beyond 64 bits
ABOVE_32_BITS = 2**31  # one past the largest id PostgreSQL's integer columns hold
DEEP = 100_000


def error_of(resp, *codes):
    assert resp.status_code in codes, (resp.status_code, resp.get_data(as_text=True)[:300])
    message = resp.get_json()["error"]
    assert isinstance(message, str) and message
    return message


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_ids_beyond_64_bits_in_paths_are_not_found(alice, method):
    for value in (HUGE, 2**64, 10**30):
        # No API route matches; PUT and DELETE then meet the web app's GET-only catch-all route.
        error_of(getattr(alice, method)(f"/api/nodes/{value}", json={"content": "x"}), 404, 405)
    error_of(alice.get(f"/api/nodes/{ABOVE_32_BITS}"), 404)
    error_of(alice.get(f"/api/nodes/{ABOVE_32_BITS - 1}"), 404)  # fits, and does not exist
    for path in (f"/api/nodes/{HUGE}/llm-status", f"/api/nodes/{HUGE}/tts-status",
                 f"/api/nodes/{HUGE}/transcription-status", f"/api/nodes/{HUGE}/versions"):
        error_of(alice.get(path), 404)
    error_of(alice.delete(f"/auth/tokens/{HUGE}"), 404)


def test_admin_approve_of_a_huge_id_is_not_found(make_user):
    admin = make_user(admin=True)
    error_of(admin.post(f"/api/admin/users/{HUGE}/approve"), 404)


@pytest.mark.parametrize("value", [ABOVE_32_BITS, HUGE, -HUGE - 1, str(HUGE), 10**40])
def test_ids_beyond_64_bits_in_bodies_are_invalid_fields(alice, value):
    node = alice.write("a parent")
    message = error_of(alice.post("/api/nodes/", json={"content": "x", "parent_id": value}), 422)
    assert "parent_id" in message
    message = error_of(alice.post(f"/api/nodes/{node['id']}/link", json={"node_id": value}), 422)
    assert "node_id" in message


def test_a_huge_parent_id_in_a_voice_upload_is_an_invalid_field(alice):
    for value in (str(ABOVE_32_BITS), str(HUGE), "9" * 5000, "²"):
        resp = alice.post("/api/nodes/", data={"parent_id": value, "audio_file": (io.BytesIO(b"OggS...."), "a.ogg")},
                          content_type="multipart/form-data")
        assert "parent_id" in error_of(resp, 422)


@pytest.mark.parametrize("query", [
    f"page={HUGE}", f"per_page={HUGE}", f"page=-{HUGE}", "page=1000001", "page=²", "page=" + "9" * 5000,
])
def test_paging_beyond_bounds_is_a_bad_request(alice, query):
    for path in ("/api/feed", "/api/dashboard", f"/api/dashboard/{alice.username}"):
        assert error_of(alice.get(f"{path}?{query}"), 400).startswith(query.split("=")[0])


@pytest.mark.parametrize("query", [f"limit={HUGE}", f"offset={HUGE}", "offset=1000000001", "limit=x"])
def test_job_list_paging_beyond_bounds_is_a_bad_request(alice, query):
    assert error_of(alice.get(f"/api/jobs?{query}"), 400).startswith(query.split("=")[0])


def test_paging_within_bounds_still_clamps(alice):
    assert alice.get("/api/feed?per_page=100000&page=0").get_json()["limit"] == 100
    assert alice.get("/api/jobs?limit=100000&offset=-5").get_json()["offset"] == 0


@pytest.mark.parametrize("body", ["[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP])
@pytest.mark.parametrize("path", ["/api/nodes/", "/auth/login", "/auth/token", "/auth/signup"])
def test_deeply_nested_json_is_a_bad_request(alice, path, body):
    resp = alice.post(path, data=body, content_type="application/json")
    assert "nested too deeply" in error_of(resp, 400)


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"alice"', "42", "true"])
@pytest.mark.parametrize("path", ["/auth/login", "/auth/token", "/auth/signup", "/api/nodes/"])
def test_a_json_body_that_is_not_an_object_is_a_bad_request(app, alice, path, body):
    for client in (app.test_client(), alice):  # logged out and in
        resp = client.post(path, data=body, content_type="application/json", headers={"X-CSRF-Token": alice.csrf})
        assert "JSON object" in error_of(resp, 400)


def test_text_with_the_nul_character_is_refused_in_bodies(alice):
    """PostgreSQL cannot store it; both databases refuse it the same way."""
    assert "content" in error_of(alice.post("/api/nodes/", json={"content": "a\u0000b"}), 422)
    assert "content" in error_of(alice.put("/api/profile", json={"content": "x\u0000"}), 422)
    assert "username" in error_of(alice.post("/auth/login", json={"username": "a\u0000", "password": "x"}), 422)


@pytest.mark.parametrize("path", ["/api/jobs/a%00b", "/api/dashboard/a%00b", "/api/media/audio/a%00b",
                                  "/api/export/profile-status/a%00", "/api/jobs?kind=a%00", "/api/feed?x=%00"])
def test_the_nul_character_in_an_address_is_a_bad_request(alice, path):
    assert "NUL" in error_of(alice.get(path), 400)
