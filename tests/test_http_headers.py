"""Security headers on every response (API, errors, web app, stored media) and in nginx's config,
and the web app working under its Content-Security-Policy in Chromium."""

import re
from pathlib import Path

import pytest
import requests

from tests.audio_samples import make_tone
from wop.http_headers import SECURITY_HEADERS

ROOT = Path(__file__).resolve().parent.parent
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)


def assert_secure(resp) -> None:
    assert resp.headers.get("Content-Security-Policy") == EXPECTED_CSP, resp.headers
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    assert resp.headers.get("X-Frame-Options") == "DENY"
    assert resp.headers.get("Referrer-Policy") == "same-origin"


def test_every_kind_of_response_carries_the_headers(app, alice, tmp_path):
    client = app.test_client()
    assert_secure(client.get("/api/health"))
    assert_secure(client.get("/api/nodes/1"))  # 401
    assert_secure(client.get("/api/no-such-route"))  # 404
    assert_secure(alice.post("/api/nodes/", data="[", content_type="application/json"))  # 400
    assert_secure(alice.get("/api/openapi.json"))
    assert_secure(client.get("/"))  # the web app (or its 404 when it is not built)

    with open(make_tone(tmp_path / "tone.ogg", 1, codec_args=("-c:a", "libvorbis")), "rb") as f:
        node = alice.post(
            "/api/nodes/", data={"audio_file": (f, "tone.ogg")}, content_type="multipart/form-data"
        ).get_json()
    media = alice.get(node["audio_original_url"])
    assert media.status_code == 200 and media.mimetype == "audio/ogg"
    assert_secure(media)
    assert "no-store" not in media.headers.get("Cache-Control", "")  # revalidated, so seeking stays cheap


def test_no_api_answer_is_kept_by_a_browser_or_proxy(app, alice):
    """An entry reached again with Back is asked for again, never shown from a cache after it was
    deleted or made private."""
    node = alice.post("/api/nodes/", json={"content": "Not for any cache."}).get_json()
    for resp in (
        alice.get(f"/api/nodes/{node['id']}"),
        alice.get("/api/dashboard"),
        alice.get("/api/nodes/999999"),  # errors too
        alice.get("/auth/me"),
        alice.get("/auth/csrf"),
    ):
        assert resp.headers.get("Cache-Control") == "no-store", (resp.request.path, resp.headers)


def test_the_real_server_sends_them(live_server):
    assert_secure(requests.get(f"{live_server.url}/api/health", timeout=10))
    assert_secure(requests.get(f"{live_server.url}/api/openapi.json", timeout=10))


def test_nginx_sets_the_same_headers():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    found = dict(re.findall(r'add_header\s+([\w-]+)\s+"([^"]*)"\s+always;', conf))
    assert found == SECURITY_HEADERS
    assert SECURITY_HEADERS["Content-Security-Policy"] == EXPECTED_CSP


CHROMIUM = "/usr/bin/chromium"
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample});
});
"""


@pytest.mark.skipif(
    not (ROOT / "frontend" / "dist" / "index.html").is_file() or not Path(CHROMIUM).is_file(),
    reason="needs the built web app (make frontend) and Debian's chromium",
)
def test_the_web_app_runs_under_its_policy_in_chromium(live_server, worker, jobs_ready):
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.test_ui import CHROMIUM_ARGS, sign_up, write_and_open

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=live_server.url)
            context.set_default_timeout(15_000)
            context.add_init_script(RECORD_VIOLATIONS)
            page = context.new_page()
            index = page.goto("/")
            assert index.headers["content-security-policy"] == EXPECTED_CSP
            sign_up(page)
            write_and_open(page, "Under a strict content security policy.")
            page.locator("select[name=model]").select_option("test-gpt")
            page.get_by_role("button", name="Ask AI").click()  # the progress bar sets an inline width
            sync_api.expect(page.locator(".job")).to_have_attribute("data-status", "completed", timeout=60_000)
            assert page.evaluate("() => window.cspViolations") == []
        finally:
            browser.close()
