"""The AI profile: the token budget, the profile job end to end, and one's own profile."""

import pytest

from wop.exports.threads import thread_texts
from wop.providers.errors import UNAVAILABLE
from wop.tokens import count_tokens

MODEL = "test-gpt"


pytestmark = pytest.mark.usefixtures("jobs_ready")


@pytest.fixture
def three_threads(app, alice):
    """Oldest (short), middle (long), newest (short); returns each thread's token count, newest first."""
    alice.write("OLDEST-MARKER a short old thread.")
    middle = alice.write("MIDDLE-MARKER " + "a long middle thread " * 40)
    alice.write("a reply deep in the middle thread", parent_id=middle["id"])
    alice.write("NEWEST-MARKER what I wrote today.")
    with app.app_context():
        return [count_tokens(text) for _n, _total, text in thread_texts(alice.user["id"])]


def estimate(api) -> dict:
    resp = api.post("/api/export/estimate_profile_tokens")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_estimate_takes_whole_threads_newest_first_and_stops_at_the_limit(app, alice, three_threads, monkeypatch):
    newest, middle, oldest = three_threads
    assert middle > newest + oldest  # the middle thread is the big one
    total = newest + middle + oldest

    monkeypatch.setitem(app.config, "PROFILE_MAX_TOKENS", newest + middle)
    assert estimate(alice) == {
        "total_tokens": total,
        "max_tokens": newest + middle,
        "included_tokens": newest + middle,
        "threads_included": 2,
        "threads_total": 3,
    }
    # One token short of the middle thread: it is left out, and so is the oldest, although it would fit.
    monkeypatch.setitem(app.config, "PROFILE_MAX_TOKENS", newest + middle - 1)
    got = estimate(alice)
    assert got["threads_included"] == 1 and got["included_tokens"] == newest and got["total_tokens"] == total
    monkeypatch.setitem(app.config, "PROFILE_MAX_TOKENS", 10**6)
    assert estimate(alice)["included_tokens"] == total


def generate(api, model=MODEL) -> dict:
    resp = api.post("/api/export/generate_profile", json={"model": model})
    assert resp.status_code == 202, resp.get_json()
    return resp.get_json()


def test_profile_reads_the_newest_threads_within_the_budget(app, alice, fake_ai, three_threads, monkeypatch):
    newest, middle, _oldest = three_threads
    monkeypatch.setitem(app.config, "PROFILE_MAX_TOKENS", newest + middle - 1)  # only the newest thread fits
    started = generate(alice)
    assert started["status"] == "pending"
    job = alice.wait_job(started["task_id"])
    assert job["status"] == "completed", job
    assert job["params"]["max_tokens"] == newest + middle - 1
    assert job["result"]["threads_included"] == 1 and job["result"]["included_tokens"] == newest

    [sent] = fake_ai.requests_to("/chat/completions")
    prompt = sent.json["messages"][-1]["content"]
    assert "NEWEST-MARKER" in prompt and alice.username in prompt
    assert "MIDDLE-MARKER" not in prompt and "OLDEST-MARKER" not in prompt
    assert "${" not in prompt  # every placeholder of the template was filled

    status = alice.get(f"/api/export/profile-status/{started['task_id']}").get_json()
    assert status["status"] == "completed" and status["progress"] == 100 and status["error"] is None
    profile = alice.get("/api/profile").get_json()
    assert status["result"]["profile"] == profile
    assert profile["generated_by"] == MODEL and profile["content"].startswith("Reply from gpt-test")
    assert profile["tokens_used"] == job["result"]["tokens_used"] > 0


def test_provider_failure_fails_the_job_and_stores_nothing(alice, fake_ai):
    alice.write("Something to read.")
    fake_ai.fail_next(1, status=401)
    started = generate(alice)
    job = alice.wait_job(started["task_id"])
    assert job["status"] == "failed" and job["attempts"] == 1
    assert job["error"] == UNAVAILABLE
    status = alice.get(f"/api/export/profile-status/{started['task_id']}").get_json()
    assert status["status"] == "failed" and status["error"] == job["error"] and status["result"] is None
    missing = alice.get("/api/profile")
    assert missing.status_code == 404 and "no profile yet" in missing.get_json()["error"]


def test_a_newest_thread_over_the_budget_fails_clearly(app, alice, fake_ai, monkeypatch):
    alice.write("A thread longer than a one-token budget.")
    monkeypatch.setitem(app.config, "PROFILE_MAX_TOKENS", 1)
    job = alice.wait_job(generate(alice)["task_id"])
    assert job["status"] == "failed" and "longer than the profile's budget of 1 tokens" in job["error"]
    assert fake_ai.requests_to("/chat/completions") == []


def test_one_profile_job_per_user_at_a_time(alice, bob, fake_ai):
    alice.write("Once is enough.")
    bob.write("Bob writes too.")
    fake_ai.set_latency(1.5)
    first = generate(alice)["task_id"]
    again = generate(alice, "test-claude")
    assert again["task_id"] == first and again["status"] in ("pending", "processing")
    assert again["model"] == MODEL  # the running job's model, not the one asked for the second time
    assert generate(bob)["task_id"] != first  # another user's profile is another job
    assert alice.wait_job(first)["status"] == "completed"
    assert generate(alice)["task_id"] != first  # once finished, a new request makes a new job


def test_bad_requests_are_refused_up_front(make_user):
    writer = make_user()
    resp = writer.post("/api/export/generate_profile", json={"model": MODEL})
    assert resp.status_code == 400 and "no writing" in resp.get_json()["error"]
    writer.write("Now there is writing.")
    resp = writer.post("/api/export/generate_profile", json={"model": "no-such-model"})
    assert resp.status_code == 400 and "no-such-model" in resp.get_json()["error"]
    resp = writer.post("/api/export/generate_profile", json={"model": 5})
    assert resp.status_code == 422 and "model" in resp.get_json()["fields"]


def test_users_write_their_own_profile(alice):
    resp = alice.put("/api/profile", json={})
    assert resp.status_code == 422 and "content" in resp.get_json()["fields"]
    resp = alice.put("/api/profile", json={"content": "I am a night writer."})
    assert resp.status_code == 200 and resp.get_json()["generated_by"] == "user"
    alice.put("/api/profile", json={"content": "I am a morning writer now."})
    latest = alice.get("/api/profile").get_json()
    assert latest["content"] == "I am a morning writer now." and latest["tokens_used"] == 0


def test_profile_endpoints_belong_to_their_owner(alice, bob):
    alice.write("Private thoughts.")
    alice.put("/api/profile", json={"content": "Alice's profile."})
    task_id = alice.wait_job(generate(alice)["task_id"])["task_id"]
    assert bob.get(f"/api/export/profile-status/{task_id}").status_code == 404
    assert bob.get("/api/profile").status_code == 404  # bob has none; alice's is not his
    export = alice.post("/api/export/threads").get_json()["task_id"]
    assert alice.get(f"/api/export/profile-status/{export}").status_code == 404  # not a profile job
    assert alice.get(f"/api/export/download/{task_id}").status_code == 404  # not an export job
    assert alice.wait_job(export)["status"] == "completed"
