"""Behind nginx (TRUSTED_PROXIES=1) each client keeps its own address; without it, the header is ignored."""

import pytest
import requests

from tests.services import WebServer


@pytest.fixture(scope="module")
def proxied_server(app, service_env, run_dir):
    server = WebServer({**service_env, "TRUSTED_PROXIES": "1"}, run_dir / "web-proxied.log").start()
    yield server
    server.stop()


def _login(server, alice, password: str, client_address: str, http=requests) -> int:
    return http.post(
        f"{server.url}/auth/login",
        json={"username": alice.username, "password": password},
        headers={"X-Forwarded-For": client_address},
        timeout=30,
    ).status_code


def test_guesses_from_one_client_do_not_lock_out_another_behind_the_proxy(proxied_server, alice):
    assert [_login(proxied_server, alice, "bad password", "198.51.100.1") for _ in range(6)] == [401] * 5 + [429]
    assert _login(proxied_server, alice, alice.password, "198.51.100.1") == 429
    browser = requests.Session()
    assert _login(proxied_server, alice, alice.password, "198.51.100.2", http=browser) == 200
    sessions = browser.get(f"{proxied_server.url}/auth/sessions", timeout=30).json()["items"]
    assert [s["ip"] for s in sessions if s["current"]] == ["198.51.100.2"]


def test_a_forwarded_address_is_ignored_unless_the_proxy_is_trusted(live_server, alice):
    assert [_login(live_server, alice, "bad password", "198.51.100.1") for _ in range(5)] == [401] * 5
    assert _login(live_server, alice, alice.password, "198.51.100.2") == 429  # both came from 127.0.0.1


def test_ready_details_stay_hidden_behind_the_proxy(proxied_server, worker):
    resp = requests.get(f"{proxied_server.url}/api/ready", headers={"X-Forwarded-For": "127.0.0.1"}, timeout=30)
    assert resp.status_code == 200 and resp.json() == {"status": "ready"}
