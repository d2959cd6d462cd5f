"""/api/ready tells everyone whether the system is ready, and only operators what it is made of."""

import requests


def test_ready_details_are_for_loopback_callers(app, worker):
    body = app.test_client().get("/api/ready", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_json()
    assert body["status"] == "ready" and body["checks"]["workers"]["workers"] and "queues" in body
    body = app.test_client().get("/api/ready", environ_base={"REMOTE_ADDR": "::1"}).get_json()
    assert "checks" in body


def test_ready_is_status_only_for_other_callers(app, worker, alice):
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    resp = app.test_client().get("/api/ready", environ_base=remote)
    assert resp.status_code == 200 and resp.get_json() == {"status": "ready"}
    assert alice.get("/api/ready", environ_base=remote).get_json() == {"status": "ready"}
    proxied = app.test_client().get("/api/ready", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.get_json() == {"status": "ready"}


def test_ready_details_are_for_administrators_anywhere(app, worker, make_user):
    admin = make_user(admin=True)
    body = admin.get("/api/ready", environ_base={"REMOTE_ADDR": "203.0.113.9"}).get_json()
    assert body["status"] == "ready" and "checks" in body and "queues" in body


def test_ready_keeps_its_503_without_the_details(app):
    app.config["REDIS_URL"], saved = "redis://127.0.0.1:1/0", app.config["REDIS_URL"]
    try:
        resp = app.test_client().get("/api/ready", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    finally:
        app.config["REDIS_URL"] = saved
    assert resp.status_code == 503 and resp.get_json() == {"status": "unavailable"}


def test_ready_over_real_http(live_server, worker):
    direct = requests.get(f"{live_server.url}/api/ready", timeout=30)
    assert direct.status_code == 200 and "checks" in direct.json()
    proxied = requests.get(f"{live_server.url}/api/ready", headers={"X-Forwarded-For": "198.51.100.7"}, timeout=30)
    assert proxied.status_code == 200 and proxied.json() == {"status": "ready"}
