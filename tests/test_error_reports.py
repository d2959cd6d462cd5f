"""Error reports to Sentry: off (sentry-sdk not even imported) without SENTRY_DSN; with one, an
unexpected error reaches the service, without what the request carried."""

import gzip
import json
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A web app with one route that fails, asked once; prints whether sentry-sdk was imported.
SCRIPT = """
import sys
from wop import create_app

app = create_app()

@app.post("/boom")
def boom():
    raise RuntimeError("a failure worth reporting")

print(app.test_client().post("/boom", json={"content": "words only the writer may read"}).status_code)
print("sentry_sdk" in sys.modules)
if "sentry_sdk" in sys.modules:
    import sentry_sdk

    sentry_sdk.flush(timeout=20)
"""


class FakeSentry:
    """A loopback HTTP server that keeps every envelope sent to it, decompressed."""

    def __init__(self):
        self.received: list[str] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":
                    import brotli  # type: ignore[import-not-found]  # only where installed: sentry-sdk uses it then

                    body = brotli.decompress(body)
                received.append(body.decode("utf-8", errors="replace"))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeSentry":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.server.server_address[1]}/1"


def run_app(tmp_path, **env) -> list[str]:
    base = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "s", "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={**base, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_without_a_dsn_nothing_is_imported_or_sent(tmp_path):
    with FakeSentry() as sentry:
        status, imported = run_app(tmp_path)
    assert status == "500"
    assert imported == "False"
    assert sentry.received == []


def test_with_a_dsn_an_unexpected_error_is_reported_without_the_request_body(tmp_path):
    with FakeSentry() as sentry:
        status, imported = run_app(tmp_path, SENTRY_DSN=sentry.dsn)
    assert status == "500" and imported == "True"
    events = [json.loads(line) for envelope in sentry.received for line in envelope.splitlines()[1:] if line]
    reports = [e for e in events if "exception" in e or "logentry" in e]
    assert any("a failure worth reporting" in json.dumps(e) for e in reports), sentry.received
    sent = "".join(sentry.received)
    assert "words only the writer may read" not in sent
    assert '"cookies"' not in sent and "ip_address" not in sent
