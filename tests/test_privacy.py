"""Private means private: what each person may read, and what may reach an AI provider, is
decided now (when a page is read, when a job runs), for the person who asks."""

import shutil

import pytest
from sqlalchemy import select

from tests.audio_samples import make_speech, transcode
from wop.extensions import db
from wop.jobs.runner import run_job
from wop.models import Job, Node, TokenCredit
from wop.tasks.llm_reply import llm_reply
from wop.tasks.tts import tts

MODEL = "test-gpt"
CHAT = "/chat/completions"

pytestmark = pytest.mark.usefixtures("jobs_ready")


def ask_reply(api, node_id, model=MODEL) -> dict:
    resp = api.post(f"/api/nodes/{node_id}/llm", json={"model": model})
    assert resp.status_code == 202, resp.get_json()
    return api.wait_job(resp.get_json()["task_id"])


def reply_to(api, node_id) -> int:
    job = ask_reply(api, node_id)
    assert job["status"] == "completed", job
    return job["result"]["llm_node_id"]


def sent_conversation(fake_ai) -> list[tuple[str, str]]:
    [request] = fake_ai.requests_to(CHAT)
    return [(m["role"], m["content"]) for m in request.json["messages"] if m["role"] != "system"]


def everything_sent(fake_ai) -> str:
    return " ".join(str(r.json) for r in fake_ai.requests)


def make_private(api, node_id):
    assert api.put(f"/api/nodes/{node_id}", json={"privacy": "private"}).status_code == 200


def run_in_process(app, kind, fn, user_id, node_id, params) -> Job:
    """Run a job in this process, as a worker would, and return the finished row."""
    with app.app_context():
        job = Job(kind=kind, user_id=user_id, node_id=node_id, params=params, queue="llm")
        db.session.add(job)
        db.session.commit()
        run_job(job.id, fn)
        db.session.expire_all()
        done = db.session.get_one(Job, job.id)
        db.session.expunge(done)
        return done


# -- AI replies belong to the entry they answer ------------------------------------------------


def test_ai_reply_and_its_audio_hide_with_the_entry_they_answer(alice, bob):
    entry = alice.write("A thought I share for now.", privacy="public")
    reply_id = reply_to(alice, entry["id"])
    reply = bob.get(f"/api/nodes/{reply_id}").get_json()
    assert "A thought I share" in reply["content"]  # the fake model quotes the entry
    spoken = alice.post(f"/api/nodes/{reply_id}/tts").get_json()
    tts_url = alice.wait_job(spoken["task_id"])["result"]["tts_url"]
    assert bob.get(tts_url).status_code == 200

    make_private(alice, entry["id"])
    assert bob.get(f"/api/nodes/{reply_id}").status_code == 404
    assert bob.get(tts_url).status_code == 404
    assert alice.get(f"/api/nodes/{reply_id}").status_code == 200

    assert alice.delete(f"/api/nodes/{entry['id']}").status_code == 204
    assert alice.get(f"/api/nodes/{reply_id}").status_code == 404  # a deleted entry takes its replies along
    assert alice.get(tts_url).status_code == 404


# -- what an AI reply is sent ------------------------------------------------------------------


def test_entries_hidden_from_the_requester_are_left_out_with_a_note(alice, bob, fake_ai):
    first = alice.write("ALICE-ONE my opening words", privacy="public")
    ai_reply = reply_to(alice, first["id"])
    second = alice.write("ALICE-TWO still public", parent_id=ai_reply, privacy="public")
    mine = bob.write("BOB-ONE a question", parent_id=second["id"], privacy="public")
    make_private(alice, first["id"])  # hides the AI reply under it too: it quotes ALICE-ONE
    fake_ai.reset()

    assert ask_reply(bob, mine["id"])["status"] == "completed"
    assert sent_conversation(fake_ai) == [
        ("user", "[2 earlier entries in this thread are hidden]"),
        ("user", f"{alice.username}: ALICE-TWO still public"),
        ("user", f"{bob.username}: BOB-ONE a question"),
    ]
    assert "ALICE-ONE" not in everything_sent(fake_ai)

    # A reply to a public entry is read by everyone: it is made from public entries only, even
    # when Alice, who may read all of them, asks for it.
    fake_ai.reset()
    assert ask_reply(alice, mine["id"])["status"] == "completed"
    assert "ALICE-ONE" not in everything_sent(fake_ai)
    # Under her own private entry the reply is hers alone: she is sent all she may read.
    own = alice.write("ALICE-PRIVATE a note to myself", parent_id=mine["id"], privacy="private")
    fake_ai.reset()
    assert ask_reply(alice, own["id"])["status"] == "completed"
    assert [role for role, _ in sent_conversation(fake_ai)] == ["user", "assistant", "user", "user", "user"]


def test_a_reply_to_a_public_entry_is_made_from_public_entries_only(alice, bob, fake_ai):
    diary = alice.write("DIARY-SECRET what I told no one")
    shared = alice.write("SHARED-PART the part I publish", parent_id=diary["id"], privacy="public")
    job = ask_reply(alice, shared["id"])
    assert job["status"] == "completed"
    assert sent_conversation(fake_ai) == [
        ("user", "[An earlier entry in this thread is hidden]"),
        ("user", f"{alice.username}: SHARED-PART the part I publish"),
    ]
    reply = bob.get(f"/api/nodes/{job['result']['llm_node_id']}")
    assert reply.status_code == 200 and "DIARY-SECRET" not in str(reply.get_json())


def test_a_reply_hides_when_an_entry_it_was_made_from_is_made_private(alice, bob, fake_ai):
    root = alice.write("ROOT-QUOTED public at first", privacy="public")
    child = alice.write("CHILD-ASKED also public", parent_id=root["id"], privacy="public")
    reply_id = reply_to(alice, child["id"])
    assert "ROOT-QUOTED" in everything_sent(fake_ai)
    assert bob.get(f"/api/nodes/{reply_id}").status_code == 200
    assert bob.get(f"/api/nodes/{child['id']}").get_json()["children"][0]["id"] == reply_id

    make_private(alice, root["id"])  # the reply may quote it: it hides too
    assert bob.get(f"/api/nodes/{reply_id}").status_code == 404
    seen = bob.get(f"/api/nodes/{child['id']}").get_json()
    assert seen["children"] == []
    assert alice.get(f"/api/nodes/{reply_id}").status_code == 200  # Alice may read every source

    # A later reply made from the hidden one inherits its sources.
    mine = bob.write("BOB-FOLLOWS", parent_id=child["id"], privacy="public")
    assert alice.put(f"/api/nodes/{root['id']}", json={"privacy": "public"}).status_code == 200
    own = alice.write("ALICE-ON-THE-REPLY", parent_id=reply_id, privacy="public")
    second = reply_to(alice, own["id"])
    assert bob.get(f"/api/nodes/{second}").status_code == 200
    make_private(alice, root["id"])
    assert bob.get(f"/api/nodes/{second}").status_code == 404
    assert bob.get(f"/api/nodes/{mine['id']}").status_code == 200


def test_a_reply_made_from_deleted_writing_hides(alice, bob, fake_ai):
    root = alice.write("ALICE-ROOT soon gone", privacy="public")
    mine = bob.write("BOB-ASKS under it", parent_id=root["id"], privacy="public")
    reply_id = reply_to(bob, mine["id"])
    assert "ALICE-ROOT" in everything_sent(fake_ai)
    assert alice.delete("/api/delete_my_data", json={"confirm": "DELETE"}).status_code == 200
    assert bob.get(f"/api/nodes/{mine['id']}").status_code == 200  # Bob's words stay
    assert bob.get(f"/api/nodes/{reply_id}").status_code == 404  # the reply quoted Alice's: it goes


def test_entries_kept_away_from_ai_are_left_out_even_for_their_author(app, alice, bob, fake_ai):
    root = alice.write("ROOT-TEXT shared", privacy="public")
    kept = alice.write("KEPT-TEXT not for any AI", parent_id=root["id"], privacy="public", ai_excluded=True)
    assert kept["ai_excluded"] is True
    question = bob.write("BOB-ASKS something", parent_id=kept["id"], privacy="public")
    assert question["ai_excluded"] is False  # replies inherit nothing
    job = ask_reply(alice, question["id"])
    assert job["status"] == "completed"
    assert sent_conversation(fake_ai) == [
        ("user", f"{alice.username}: ROOT-TEXT shared"),
        ("user", "[An earlier entry in this thread is hidden]"),
        ("user", f"{bob.username}: BOB-ASKS something"),
    ]
    # The tokens are credited to the entries that were sent, not to the one kept away.
    with app.app_context():
        credited = set(db.session.scalars(select(TokenCredit.node_id).where(TokenCredit.job_id == job["task_id"])))
    assert credited == {root["id"], question["id"]}


def test_a_link_is_followed_only_while_its_target_is_readable(alice, bob, fake_ai):
    target = alice.write("LINKED-TEXT public for now", privacy="public")
    thread = bob.write("BOB-ROOT my thread", privacy="public")
    link = bob.post(f"/api/nodes/{thread['id']}/link", json={"node_id": target["id"]}).get_json()
    after = bob.write("BOB-AFTER about that link", parent_id=link["id"], privacy="public")
    make_private(alice, target["id"])
    assert alice.put(f"/api/nodes/{target['id']}", json={"content": "LINKED-SECRET now private"}).status_code == 200
    fake_ai.reset()

    assert ask_reply(bob, after["id"])["status"] == "completed"
    assert sent_conversation(fake_ai) == [
        ("user", f"{bob.username}: BOB-ROOT my thread"),
        ("user", "[An earlier entry in this thread is hidden]"),
        ("user", f"{bob.username}: BOB-AFTER about that link"),
    ]
    fake_ai.reset()
    on_link = ask_reply(bob, link["id"])
    assert on_link["status"] == "failed" and "cannot be read now" in on_link["error"]
    assert fake_ai.requests_to(CHAT) == []
    assert "LINKED" not in everything_sent(fake_ai)


# -- access is checked again when a job starts and when it is retried ---------------------------


def test_a_job_on_an_entry_that_became_private_fails_at_start(app, alice, bob, fake_ai):
    entry = alice.write("WAS-PUBLIC then private", privacy="public")
    make_private(alice, entry["id"])  # after Bob asked, before a worker took the job
    for kind, fn, params in [("llm_reply", llm_reply, {"model": MODEL}), ("tts", tts, {"provider": "openai"})]:
        job = run_in_process(app, kind, fn, bob.user["id"], entry["id"], params)
        assert job.status == "failed" and job.error == f"Node {entry['id']} was not found.", (kind, job.error)
    assert fake_ai.requests == []
    with app.app_context():
        assert db.session.scalars(select(Node).where(Node.parent_id == entry["id"])).all() == []


def test_retrying_a_job_on_an_entry_no_longer_readable_is_refused(app, alice, bob, fake_ai):
    entry = alice.write("Public while Bob asked.", privacy="public")
    fake_ai.fail_next(1, status=401)  # Bob's job fails at once
    failed = ask_reply(bob, entry["id"])
    assert failed["status"] == "failed"
    make_private(alice, entry["id"])
    resp = bob.post(f"/api/jobs/{failed['task_id']}/retry")
    assert resp.status_code == 404 and resp.get_json()["error"] == f"Node {entry['id']} was not found."
    with app.app_context():
        assert db.session.scalar(select(Job).where(Job.retry_of == failed["task_id"])) is None
    # Alice can still retry her own failed job on her entry.
    fake_ai.fail_next(1, status=401)
    hers = ask_reply(alice, entry["id"])
    assert alice.post(f"/api/jobs/{hers['task_id']}/retry").status_code == 202


# -- counts --------------------------------------------------------------------------------------


def test_reply_counts_are_what_the_viewer_may_read(alice, bob, make_user):
    root = alice.write("FEED-ROOT", privacy="public")
    public = alice.write("public reply", parent_id=root["id"], privacy="public")
    private = alice.write("private reply", parent_id=root["id"], privacy="private")
    alice.write("private under public", parent_id=public["id"], privacy="private")
    bob.write("bob under public", parent_id=public["id"], privacy="public")
    alice.write("public under private", parent_id=private["id"], privacy="public")
    reply_to(alice, private["id"])  # an AI reply to the private entry
    deleted = alice.write("deleted reply", parent_id=root["id"], privacy="public")
    alice.delete(f"/api/nodes/{deleted['id']}")

    def counts(api):
        view = api.get(f"/api/nodes/{root['id']}").get_json()
        children = {c["id"]: (c["child_count"], c["descendant_count"]) for c in view["children"]}
        feed = next(n for n in api.get("/api/feed?per_page=5").get_json()["items"] if n["id"] == root["id"])
        return (feed["child_count"], feed["descendant_count"]), children

    # Bob reads: the public reply, his own reply under it, and the public entry under the private one.
    assert counts(bob) == ((1, 3), {public["id"]: (1, 1)})
    assert counts(alice) == ((2, 6), {public["id"]: (2, 2), private["id"]: (2, 2)})
    assert counts(make_user(admin=True)) == counts(bob)


# -- administrators run the system; they do not read private writing ------------------------------


def test_administrators_do_not_read_private_writing(alice, make_user):
    admin = make_user(admin=True)
    secret = alice.write("SECRET for me alone")
    public = alice.write("public words", privacy="public")
    alice.put(f"/api/nodes/{public['id']}", json={"content": "public words, edited"})
    job = ask_reply(alice, public["id"])

    assert admin.get(f"/api/nodes/{secret['id']}").status_code == 404
    assert admin.post(f"/api/nodes/{secret['id']}/llm", json={}).status_code == 404
    assert [n["id"] for n in admin.get(f"/api/dashboard/{alice.username}").get_json()["entries"]["items"]] == [
        public["id"]
    ]
    assert admin.get(f"/api/nodes/{public['id']}/versions").status_code == 403
    assert admin.get(f"/api/nodes/{public['id']}/llm-status").status_code == 404  # not the admin's job
    # What admins do need stays: jobs with their error details, and accounts.
    seen = admin.get(f"/api/jobs/{job['task_id']}").get_json()
    assert seen["task_id"] == job["task_id"] and "error_detail" in seen
    assert admin.get("/api/admin/jobs").status_code == 200 and admin.get("/api/admin/users").status_code == 200


# -- keep an entry away from AI --------------------------------------------------------------------


def test_keep_away_from_ai_is_a_setting_of_each_entry(alice):
    node = alice.write("plain")
    assert node["ai_excluded"] is False
    changed = alice.put(f"/api/nodes/{node['id']}", json={"ai_excluded": True}).get_json()
    assert changed["ai_excluded"] is True
    child = alice.write("reply", parent_id=node["id"])
    assert child["ai_excluded"] is False
    assert alice.get(f"/api/nodes/{child['id']}").get_json()["ancestors"][0]["ai_excluded"] is True
    bad = alice.post("/api/nodes/", json={"content": "x", "ai_excluded": "sometimes"})
    assert bad.status_code == 422 and "ai_excluded" in bad.get_json()["error"]


def test_an_entry_kept_away_from_ai_gets_no_ai_reply_and_no_cloud_voice(app, alice, fake_ai):
    node = alice.write("KEPT never for a provider", ai_excluded=True)
    asked = alice.post(f"/api/nodes/{node['id']}/llm", json={"model": MODEL})
    assert asked.status_code == 409 and asked.get_json()["error"].startswith("This entry is kept away from AI;")
    spoken = alice.post(f"/api/nodes/{node['id']}/tts")  # TTS_PROVIDER is openai in the tests
    assert spoken.status_code == 409 and "local voice" in spoken.get_json()["error"]
    # Kept away after the job was asked for: the job itself refuses.
    allowed = alice.write("ALLOWED then kept")
    alice.put(f"/api/nodes/{allowed['id']}", json={"ai_excluded": True})
    job = run_in_process(app, "llm_reply", llm_reply, alice.user["id"], allowed["id"], {"model": MODEL})
    assert job.status == "failed" and "kept away from AI" in (job.error or "")
    job = run_in_process(app, "tts", tts, alice.user["id"], allowed["id"], {"provider": "openai"})
    assert job.status == "failed" and "kept away from AI" in (job.error or "")
    assert fake_ai.requests == []


def test_the_local_voice_may_read_an_entry_kept_away_from_ai(app, alice, fake_ai):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    node = alice.write("Read by this machine only.", ai_excluded=True)
    job = run_in_process(app, "tts", tts, alice.user["id"], node["id"], {"provider": "local"})
    assert job.status == "completed", job.error_detail
    assert job.result is not None and job.result["provider"] == "local" and fake_ai.requests == []


def test_the_profile_skips_entries_kept_away_from_ai(alice, fake_ai):
    root = alice.write("PROFILE-SHARED a thread")
    alice.write("PROFILE-KEPT my own secret", parent_id=root["id"], ai_excluded=True)
    resp = alice.post("/api/export/generate_profile", json={"model": MODEL})
    assert alice.wait_job(resp.get_json()["task_id"])["status"] == "completed"
    prompt = everything_sent(fake_ai)
    assert "PROFILE-SHARED" in prompt and "PROFILE-KEPT" not in prompt
    assert "[kept away from AI]" in prompt


# -- a deleted entry says so ------------------------------------------------------------------------


def test_a_deleted_entry_answers_410_to_those_who_could_read_it(alice, bob):
    public = alice.write("public, then deleted", privacy="public")
    private = alice.write("private, then deleted")
    for node in (public, private):
        assert alice.delete(f"/api/nodes/{node['id']}").status_code == 204
    gone = alice.get(f"/api/nodes/{public['id']}")
    assert gone.status_code == 410 and gone.get_json() == {"error": "This entry was deleted.", "code": "deleted"}
    assert alice.get(f"/api/nodes/{private['id']}").status_code == 410
    assert bob.get(f"/api/nodes/{public['id']}").status_code == 410
    assert bob.get(f"/api/nodes/{private['id']}").status_code == 404  # Bob never could read it


# -- a voice entry kept away from AI is transcribed on this machine ----------------------------------


@pytest.fixture(scope="module")
def speech_ogg(tmp_path_factory):
    folder = tmp_path_factory.mktemp("speech")
    return transcode(make_speech(folder / "fox.wav"), folder / "fox.ogg", "-c:a", "libopus")


def upload(api, path, **form):
    with open(path, "rb") as f:
        return api.post(
            "/api/nodes/", data={"audio_file": (f, path.name, "audio/ogg"), **form}, content_type="multipart/form-data"
        )


def test_a_voice_entry_kept_away_from_ai_is_transcribed_locally(alice, fake_ai, speech_ogg):
    resp = upload(alice, speech_ogg, ai_excluded="true")
    assert resp.status_code == 201, resp.get_json()
    node = resp.get_json()
    assert node["ai_excluded"] is True
    job = alice.wait_job(node["task_id"], timeout=120)
    assert job["status"] == "completed" and job["result"]["provider"] == "local", job
    asked_cloud = alice.post(f"/api/nodes/{node['id']}/transcribe", json={"provider": "openai"})
    assert asked_cloud.status_code == 409 and "kept away from AI" in asked_cloud.get_json()["error"]
    assert fake_ai.requests_to("/audio/transcriptions") == []
    bad = upload(alice, speech_ogg, ai_excluded="maybe")
    assert bad.status_code == 422 and "ai_excluded" in bad.get_json()["error"]


def test_two_people_asking_at_once_get_a_job_each(alice, bob, fake_ai):
    """The context depends on who asks, so one person's request never stands in for another's."""
    entry = alice.write("Shared question.", privacy="public")
    fake_ai.set_latency(1)
    hers = alice.post(f"/api/nodes/{entry['id']}/llm", json={"model": MODEL}).get_json()["task_id"]
    his = bob.post(f"/api/nodes/{entry['id']}/llm", json={"model": MODEL}).get_json()["task_id"]
    assert hers != his
    assert alice.wait_job(hers)["status"] == "completed" and bob.wait_job(his)["status"] == "completed"
