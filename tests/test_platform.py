"""OpenAPI, health, migrations, and the real gunicorn server."""

import requests
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from wop.extensions import db


def test_openapi_matches_routes(app, alice):
    spec = alice.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api", "/auth")) and not rule.endpoint.startswith("unknown_"):
            path = rule.rule.replace("<int:", "<").replace("<path:", "<").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in documented, (path, method)
    create = spec["paths"]["/auth/signup"]["post"]
    assert "username" in create["requestBody"]["content"]["application/json"]["schema"]["properties"]


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], f"models and migrations differ; run `wop db migrate`: {diff}"


def test_health(app):
    client = app.test_client()
    assert client.get("/api/health").get_json() == {"status": "ok"}


def test_ready_reports_worker_and_queues(app, worker):
    resp = app.test_client().get("/api/ready")
    body = resp.get_json()
    assert resp.status_code == 200, body
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    queues = next(iter(body["checks"]["workers"]["workers"].values()))
    assert {"llm", "audio", "export"} <= set(queues)
    assert set(body["queues"]) >= {"llm", "audio", "export"}


def test_ready_is_503_without_redis(app):
    app.config["REDIS_URL"], saved = "redis://127.0.0.1:1/0", app.config["REDIS_URL"]
    try:
        resp = app.test_client().get("/api/ready")
    finally:
        app.config["REDIS_URL"] = saved
    assert resp.status_code == 503
    assert resp.get_json()["checks"]["redis"]["ok"] is False


def test_real_server_round_trip(live_server):
    http = requests.Session()
    name = f"live_{live_server.port}"
    signup = http.post(f"{live_server.url}/auth/signup", json={"username": name, "password": "live password"})
    assert signup.status_code == 201
    csrf = signup.json()["csrf_token"]
    created = http.post(
        f"{live_server.url}/api/nodes/", json={"content": "over real HTTP"}, headers={"X-CSRF-Token": csrf}
    )
    assert created.status_code == 201
    fetched = http.get(f"{live_server.url}/api/nodes/{created.json()['id']}")
    assert fetched.json()["content"] == "over real HTTP"
    token = requests.post(f"{live_server.url}/auth/token", json={"username": name, "password": "live password"})
    dash = requests.get(
        f"{live_server.url}/api/dashboard", headers={"Authorization": f"Bearer {token.json()['token']}"}
    )
    assert dash.status_code == 200 and dash.json()["entries"]["items"][0]["preview"] == "over real HTTP"
    assert requests.get(f"{live_server.url}/api/nodes/abc").status_code == 404
    assert requests.get(f"{live_server.url}/api/dashboard").json()["error"].startswith("Log in")
    # A private entry read without a login is as absent as one that does not exist.
    assert requests.get(f"{live_server.url}/api/nodes/{created.json()['id']}").status_code == 404
