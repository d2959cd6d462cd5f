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


def scrape(live_server) -> dict[tuple[str, tuple], float]:
    """The metrics as a Prometheus on this machine reads them: straight from gunicorn."""
    import requests

    resp = requests.get(f"{live_server.url}/metrics", timeout=60)
    assert resp.status_code == 200, resp.text
    return samples(resp.text)


def moved(before: dict, after: dict, name: str, **labels) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


@pytest.mark.usefixtures("jobs_ready")
def test_worker_and_web_processes_count_into_the_scraped_metrics(app, alice, fake_ai, live_server):
    """Jobs run by the real worker's pool processes, and requests served by gunicorn's workers,
    show in what gunicorn's /metrics serves (prometheus-client's multiprocess mode)."""
    from tests.helpers import browser_session

    before = scrape(live_server)
    entry = alice.write("an entry counted by the worker")

    def reply() -> dict:
        resp = alice.post(f"/api/nodes/{entry['id']}/llm", json={"model": "test-gpt"})
        return alice.wait_job(resp.get_json()["task_id"])

    done = reply()
    assert done["status"] == "completed"
    fake_ai.fail_next(1, status=401)  # a rejected key: the job fails at once
    failed = alice.wait_job(
        alice.post(f"/api/nodes/{entry['id']}/llm", json={"model": "test-gpt"}).get_json()["task_id"]
    )
    assert failed["status"] == "failed"
    http = browser_session(live_server.url, alice)
    assert http.get(f"{live_server.url}/api/nodes/{entry['id']}", timeout=60).status_code == 200
    after = scrape(live_server)

    assert moved(before, after, "wop_jobs_started_total", kind="llm_reply") >= 2
    assert moved(before, after, "wop_jobs_finished_total", kind="llm_reply", outcome="completed") >= 1
    assert moved(before, after, "wop_jobs_finished_total", kind="llm_reply", outcome="failed") >= 1
    assert moved(before, after, "wop_job_duration_seconds_count", kind="llm_reply") >= 2
    assert moved(before, after, "wop_job_wait_seconds_count", kind="llm_reply") >= 2
    assert moved(before, after, "wop_provider_calls_total", provider="openai", operation="chat") >= 2
    assert moved(before, after, "wop_provider_errors_total", provider="openai", error="AuthenticationError") >= 1
    model = "test-gpt"
    assert moved(before, after, "wop_tokens_total", model=model, direction="output") >= 1
    assert moved(before, after, "wop_tokens_total", model=model, direction="input") >= 1
    # Requests by route: the URL rule, never the entry's own address.
    route = "/api/nodes/<int:node_id>"
    assert moved(before, after, "wop_http_requests_total", route=route, status="200") >= 1
    assert moved(before, after, "wop_http_request_duration_seconds_count", route=route) >= 1
    assert not any(str(entry["id"]) in dict(labels).get("route", "") for _name, labels in after)


def exported_sample_names(text: str) -> set[str]:
    """Every sample name /metrics can give: those scraped now, and each counter's and histogram's
    of wop/metrics.py (which appear once some process has counted)."""
    from prometheus_client.metrics import MetricWrapperBase

    from wop import metrics

    names = {sample.name for family in text_string_to_metric_families(text) for sample in family.samples}
    for metric in vars(metrics).values():
        if isinstance(metric, MetricWrapperBase):
            for family in metric.describe():
                suffixes = ("_total",) if family.type == "counter" else ("_bucket", "_count", "_sum")
                names |= {family.name + suffix for suffix in suffixes}
    return names


def test_alert_rules_are_valid_yaml_and_name_only_metrics_that_exist(make_user):
    import re

    import yaml

    from tests.services import ROOT

    rules = yaml.safe_load((ROOT / "deploy" / "prometheus-alerts.yml").read_text())
    admin = make_user(admin=True)
    exported = exported_sample_names(admin.get("/metrics").get_data(as_text=True))
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    assert len(alerts) >= 5
    for rule in alerts:
        assert rule["alert"] and rule["expr"] and rule["labels"]["severity"] in ("critical", "warning")
        assert rule["annotations"]["summary"]
        for name in re.findall(r"\bwop_[a-z0-9_]+", rule["expr"]):
            assert name in exported, f"{rule['alert']} names {name}, which /metrics never gives"
