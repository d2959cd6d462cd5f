"""GET /metrics: Prometheus text from the live installation, for this machine and administrators."""

import pytest
from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.mark.usefixtures("jobs_ready")
def test_metrics_count_jobs_queues_and_workers(app, alice, make_user):
    entry = alice.write("an entry for the metrics")
    job_id = alice.post(f"/api/nodes/{entry['id']}/llm", json={}).get_json()["task_id"]
    assert alice.wait_job(job_id)["status"] == "completed"
    admin = make_user(admin=True)
    resp = admin.get("/metrics")
    assert resp.status_code == 200
    assert resp.content_type.startswith("text/plain")
    found = samples(resp.get_data(as_text=True))
    assert found[("wop_jobs", (("kind", "llm_reply"), ("status", "completed")))] >= 1
    assert found[("wop_redis_up", ())] == 1
    assert found[("wop_workers", ())] >= 1
    for queue in ("llm", "audio", "export", "maintenance"):
        assert ("wop_queue_length", (("queue", queue),)) in found
    assert found[("wop_oldest_pending_job_age_seconds", ())] >= 0


def test_metrics_are_for_operators(app, alice, live_server):
    import requests

    refused = alice.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert refused.status_code == 403
    assert "administrators" in refused.get_json()["error"]
    # A scraper on this machine, straight to gunicorn: allowed without an account.
    resp = requests.get(f"{live_server.url}/metrics", timeout=60)
    assert resp.status_code == 200 and "wop_queue_length" in resp.text
