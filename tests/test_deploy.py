"""The deployment kit in deploy/ is checked by the tools that will read it: nginx, systemd,
gunicorn, and the settings themselves for the environment file template."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.services import ROOT, free_port, stop, wait_for_port
from wop.settings import Settings

DEPLOY = ROOT / "deploy"
GUNICORN_SETTINGS = {"HOST", "WEB_CONCURRENCY", "WEB_CONNECTIONS", "WEB_PRELOAD"}  # read by deploy/gunicorn.conf.py
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def render_nginx(folder: Path, backend_port: int, listen_port: int, media: Path) -> Path:
    """deploy/nginx.conf inside a main configuration of its own: temporary paths, our ports."""
    server = (DEPLOY / "nginx.conf").read_text()
    server = server.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    server = server.replace("127.0.0.1:5000", f"127.0.0.1:{backend_port}")
    server = server.replace("/srv/wop/var/media/", f"{media}/")
    server = server.replace("/srv/wop/frontend/dist", str(ROOT / "frontend" / "dist"))
    temp = folder / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    main = f"""
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{server}
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main)
    return path


@pytest.mark.skipif(not NGINX, reason="nginx is not installed (apt-get install nginx)")
def test_nginx_config_passes_nginx_t(tmp_path):
    conf = render_nginx(tmp_path, free_port(), free_port(), tmp_path / "media")
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


@pytest.mark.skipif(not NGINX, reason="nginx is not installed (apt-get install nginx)")
def test_nginx_proxies_to_the_app(live_server, tmp_path):
    port = free_port()
    conf = render_nginx(tmp_path, live_server.port, port, tmp_path / "media")
    with open(tmp_path / "nginx.out", "wb") as out:
        proc = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf)], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc=proc)
        resp = requests.get(f"http://127.0.0.1:{port}/api/health", timeout=60)
        assert resp.status_code == 200 and resp.json() == {"status": "ok"}
        # The app's security headers, once each (nginx hides its copy for proxied answers).
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert "," not in resp.headers["X-Content-Type-Options"]
        hidden = requests.get(f"http://127.0.0.1:{port}/protected-media/x", timeout=10)
        assert hidden.status_code == 404  # internal: only through the app's X-Accel-Redirect
    finally:
        stop(proc)


def test_nginx_upload_limit_is_above_max_upload():
    limit = re.search(r"client_max_body_size\s+(\d+)m;", (DEPLOY / "nginx.conf").read_text())
    assert limit, "deploy/nginx.conf sets no client_max_body_size"
    assert int(limit.group(1)) > Settings.of().MAX_UPLOAD_MB


def render_unit(unit: Path, folder: Path) -> Path:
    """A unit of deploy/systemd with this checkout in place of /srv/wop and this user."""
    env_file = folder / "wop.env"
    env_file.write_text((DEPLOY / "wop.env.example").read_text())
    text = unit.read_text().replace("/srv/wop/.env", str(env_file)).replace("/srv/wop", str(ROOT))
    text = re.sub(r"^User=.*$", "User=root", text, flags=re.M)
    path = folder / unit.name
    path.write_text(text)
    return path


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", sorted((DEPLOY / "systemd").glob("*.service")), ids=lambda p: p.name)
def test_systemd_unit_verifies(unit, tmp_path):
    assert SYSTEMD_ANALYZE is not None
    rendered = render_unit(unit, tmp_path)
    result = subprocess.run([SYSTEMD_ANALYZE, "verify", str(rendered)], capture_output=True, text=True)
    # A bad value is only a warning to systemd, so any message about the unit fails too.
    assert result.returncode == 0, result.stderr
    assert rendered.name not in result.stderr + result.stdout, result.stderr


GUNICORN = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]


def test_gunicorn_config_loads(app, service_env, tmp_path):
    result = subprocess.run(
        [*GUNICORN, "--check-config", "wop:create_app()"],
        env=service_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    printed = subprocess.run(
        [*GUNICORN, "--print-config", "wop:create_app()"],
        env={**service_env, "WEB_CONCURRENCY": "3"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert re.search(r"^worker_class\s+= gevent$", printed.stdout, re.M), printed.stdout
    assert re.search(r"^workers\s+= 3$", printed.stdout, re.M)


def template_lines() -> dict[str, str | None]:
    """Each variable of deploy/wop.env.example: its value when set, None when commented out."""
    found: dict[str, str | None] = {}
    for line in (DEPLOY / "wop.env.example").read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            found[match.group(2)] = None if match.group(1) else match.group(3)
    return found


def test_env_template_lists_every_setting():
    listed = set(template_lines())
    settings = set(Settings.model_fields)
    assert settings - listed == set(), "missing from deploy/wop.env.example"
    assert listed - settings - GUNICORN_SETTINGS == set(), "not a setting"


def test_env_template_values_are_valid():
    values = {k: v for k, v in template_lines().items() if v is not None and k not in GUNICORN_SETTINGS}
    settings = Settings.of(**values)
    assert settings.TRUSTED_PROXIES == 1 and settings.SESSION_COOKIE_SECURE is True


def test_nginx_config_compresses_caches_assets_and_hands_media_to_nginx():
    conf = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"^\s*gzip on;", conf, re.M)
    assert re.search(r'~\^/assets/\s+"public, max-age=31536000, immutable";', conf)
    media = re.search(r"location /protected-media/ \{(.*?)\}", conf, re.S)
    assert media and "internal;" in media.group(1)


@pytest.mark.skipif(not NGINX, reason="nginx is not installed (apt-get install nginx)")
def test_nginx_serves_hashed_assets_for_a_year_compressed_and_index_html_fresh(tmp_path):
    assets = sorted((ROOT / "frontend" / "dist" / "assets").glob("index-*.js"))
    if not assets:
        pytest.skip("the web app is not built (make frontend)")
    port = free_port()
    conf = render_nginx(tmp_path, free_port(), port, tmp_path / "media")
    with open(tmp_path / "nginx.out", "wb") as out:
        proc = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf)], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc=proc)
        script = requests.get(f"http://127.0.0.1:{port}/assets/{assets[0].name}", timeout=30)
        assert script.status_code == 200
        assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert script.headers["Content-Encoding"] == "gzip"  # requests asks for gzip
        assert script.headers["X-Frame-Options"] == "DENY"  # the security headers stay
        page = requests.get(f"http://127.0.0.1:{port}/", timeout=30)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-cache"
        missing = requests.get(f"http://127.0.0.1:{port}/assets/index-gone.js", timeout=30)
        assert missing.status_code == 404  # not the web app's page in place of a script
    finally:
        stop(proc)
