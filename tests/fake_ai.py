"""A fake AI provider for tests: speaks enough of the OpenAI and Anthropic HTTP APIs that the
official SDKs, pointed at it through `base_url`, work unmodified.

    fake = FakeAI().start()
    client = openai.OpenAI(api_key="test-key", base_url=fake.openai_base_url)
    anthropic.Anthropic(api_key="test-key", base_url=fake.anthropic_base_url)
    fake.fail_next(1, 429); fake.drop_next(1, path="/v1/messages"); fake.set_latency(0.2)
    fake.requests_to("/chat/completions")[0].json["messages"]
    fake.stop()

Answers are deterministic, so tests can assert on them:
- chat / messages: "Reply from <model> to: <first 60 chars of the last message>"; token usage
  counts words. With `"stream": true` the reply is sent word by word in the vendor's own
  server-sent events (`fake.set_stream_delay(s)` waits between words; `fake.set_reply_words(n)`
  pads the reply to n words so a stream lasts). `fake.aborted_streams` counts streams the client
  closed before the end.
- transcriptions: "[part <n>: <filename> <size> bytes]", n counting answered transcription
  requests since the last reset (1, 2, ...), so the order of parts is visible.
- speech: a real sine tone encoded by ffmpeg, 1 s per 15 characters of input (0.5 s to 30 s).

Only the key `test-key` is accepted. Injected faults answer with the vendor's error JSON and
fast-retry headers (`retry-after: 0`, `retry-after-ms: 10`) so the SDKs' own retries don't slow
tests down. Every request, faulty or not, is recorded.

Run standalone with `python tests/fake_ai.py --port 8765`; a test can then steer it over HTTP:
POST /_fake/reset, /_fake/fail_next {"n", "status", "path"}, /_fake/drop_next {"n", "path"},
/_fake/latency {"seconds"}, /_fake/stream {"delay", "words"}; GET /_fake/requests.
"""

from __future__ import annotations

import argparse
import contextlib
import email.parser
import email.policy
import hashlib
import json
import shutil
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "test-key"

OPENAI_MODELS = [
    "gpt-5.5",
    "gpt-5.4",
    "gpt-5.4-mini",
    "gpt-transcribe",
    "gpt-4o-transcribe",
    "whisper-1",
    "gpt-4o-mini-tts",
    "tts-1",
]
ANTHROPIC_MODELS = ["claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-4-5"]

AUDIO_TYPES = {  # response_format -> (ffmpeg arguments, content type)
    "mp3": (["-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3"], "audio/mpeg"),
    "opus": (["-c:a", "libopus", "-b:a", "24k", "-f", "ogg"], "audio/ogg"),
    "aac": (["-c:a", "aac", "-b:a", "32k", "-f", "adts"], "audio/aac"),
    "flac": (["-c:a", "flac", "-f", "flac"], "audio/flac"),
    "wav": (["-c:a", "pcm_s16le", "-f", "wav"], "audio/wav"),
    "pcm": (["-c:a", "pcm_s16le", "-f", "s16le"], "audio/pcm"),
}


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict  # lower-cased names
    json: object | None = None
    form: dict = field(default_factory=dict)  # multipart text fields
    files: dict = field(default_factory=dict)  # field name -> (filename, size in bytes, sha256 hex)

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "path": self.path,
            "headers": self.headers,
            "json": self.json,
            "form": self.form,
            "files": {k: list(v) for k, v in self.files.items()},
        }


@dataclass
class _Fault:
    remaining: int
    kind: str  # "status" | "drop"
    status: int
    path: str | None


def ffmpeg_exe() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def speech_seconds(text: str) -> float:
    return round(min(30.0, max(0.5, len(text) / 15)), 2)


def _words(text: str) -> int:
    return len(text.split())


def _text_of(content) -> str:
    """Message content as plain text: a string, or a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


class FakeAI:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._host, self._port = host, port
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._audio_cache: dict[tuple[float, str], bytes] = {}
        self.requests: list[RecordedRequest] = []
        self.url = ""
        self.reset()

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeAI:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server((self._host, self._port), handler)
        host, port = self._server.socket.getsockname()[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-ai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeAI:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def openai_base_url(self) -> str:
        return self.url + "/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    # -- steering ----------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            self.requests = []
            self._faults: list[_Fault] = []
            self._latency = 0.0
            self._transcriptions = 0
            self._stream_delay = 0.0
            self._reply_words = 0
            self.aborted_streams = 0

    def set_latency(self, seconds: float) -> None:
        with self._lock:
            self._latency = float(seconds)

    def set_stream_delay(self, seconds: float) -> None:
        with self._lock:
            self._stream_delay = float(seconds)

    def set_reply_words(self, words: int) -> None:
        with self._lock:
            self._reply_words = int(words)

    def reply_text(self, model: str, last_message: str) -> str:
        text = f"Reply from {model} to: {last_message[:60]}"
        with self._lock:
            missing = self._reply_words - _words(text)
        return text + "".join(f" word{i}" for i in range(max(0, missing)))

    def fail_next(self, n: int, status: int = 503, path: str | None = None) -> None:
        with self._lock:
            self._faults.append(_Fault(n, "status", status, path))

    def drop_next(self, n: int, path: str | None = None) -> None:
        with self._lock:
            self._faults.append(_Fault(n, "drop", 0, path))

    def requests_to(self, path_suffix: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.endswith(path_suffix)]

    # -- used by the handler -----------------------------------------------------------
    def _record(self, req: RecordedRequest) -> tuple[float, _Fault | None]:
        """Record a request; return the latency to apply and the fault it should suffer."""
        with self._lock:
            self.requests.append(req)
            for fault in self._faults:
                if fault.remaining > 0 and (fault.path is None or req.path.endswith(fault.path)):
                    fault.remaining -= 1
                    return self._latency, fault
            return self._latency, None

    def _next_part(self) -> int:
        with self._lock:
            self._transcriptions += 1
            return self._transcriptions

    def _tone(self, seconds: float, fmt: str) -> bytes:
        key = (seconds, fmt)
        with self._lock:
            cached = self._audio_cache.get(key)
        if cached is None:
            args, _ = AUDIO_TYPES[fmt]
            cached = subprocess.run(
                [
                    ffmpeg_exe(),
                    "-nostdin",
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-f",
                    "lavfi",
                    "-i",
                    f"sine=frequency=440:duration={seconds}:sample_rate=24000",
                    "-ac",
                    "1",
                    *args,
                    "-",
                ],
                check=True,
                capture_output=True,
            ).stdout
            with self._lock:
                self._audio_cache[key] = cached
        return cached


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many workers may connect at once


class _Handler(BaseHTTPRequestHandler):
    fake: FakeAI
    # HTTP/1.0: one request per connection, so a reset or a dropped answer never leaves a
    # half-dead keep-alive connection in a client's pool.
    protocol_version = "HTTP/1.0"
    # Without this, two writes per answer stall ~40 ms (Nagle and delayed ACK).
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    # -- plumbing ----------------------------------------------------------------------
    def _handle(self) -> None:
        path = self.path.split("?", 1)[0]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path.startswith("/_fake/"):
            return self._control(path, body)
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = RecordedRequest(self.command, path, headers)
        ctype = headers.get("content-type", "")
        uploads = {}
        if ctype.startswith("application/json") and body:
            with contextlib.suppress(ValueError):
                req.json = json.loads(body)
        elif ctype.startswith("multipart/form-data"):
            uploads = self._parse_multipart(ctype, body, req)

        latency, fault = self.fake._record(req)
        if latency:
            time.sleep(latency)
        vendor = "anthropic" if self._is_anthropic(path, headers) else "openai"
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            return  # nothing written: the client sees the connection close without an answer
        if not self._authorized(vendor, headers):
            return self._error(vendor, 401)
        if fault is not None:
            return self._error(vendor, fault.status)

        if self.command == "GET" and path == "/v1/models":
            return self._models(vendor)
        if self.command == "POST":
            if path == "/v1/chat/completions":
                return self._chat(req.json)
            if path == "/v1/messages":
                return self._messages(req.json)
            if path == "/v1/audio/transcriptions":
                return self._transcription(req, uploads)
            if path == "/v1/audio/speech":
                return self._speech(req.json)
        self._error(vendor, 404, f"Unknown endpoint {self.command} {path}")

    @staticmethod
    def _is_anthropic(path: str, headers: dict) -> bool:
        return path.startswith("/v1/messages") or "x-api-key" in headers or "anthropic-version" in headers

    @staticmethod
    def _authorized(vendor: str, headers: dict) -> bool:
        if vendor == "anthropic":
            return headers.get("x-api-key") == API_KEY or headers.get("authorization") == f"Bearer {API_KEY}"
        return headers.get("authorization") == f"Bearer {API_KEY}"

    def _parse_multipart(self, ctype: str, body: bytes, req: RecordedRequest) -> dict:
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body
        )
        uploads = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is None:
                req.form[name] = data.decode("utf-8", "replace")
            else:
                req.files[name] = (filename, len(data), hashlib.sha256(data).hexdigest())
                uploads[name] = (filename, data)
        return uploads

    def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: object, extra: dict | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", extra)

    def _error(self, vendor: str, status: int, message: str | None = None) -> None:
        extra = {"x-request-id": f"req_{uuid.uuid4().hex[:12]}"}
        if status == 429 or status >= 500:
            extra.update({"retry-after": "0", "retry-after-ms": "10"})
        if vendor == "anthropic":
            kind, default = {
                400: ("invalid_request_error", "Invalid request."),
                401: ("authentication_error", "invalid x-api-key"),
                403: ("permission_error", "Your API key does not have permission to use the specified resource."),
                404: ("not_found_error", "model: not found"),
                413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
                429: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit."),
                529: ("overloaded_error", "Overloaded"),
            }.get(status, ("api_error", "Internal server error"))
            payload = {
                "type": "error",
                "error": {"type": kind, "message": message or default},
                "request_id": extra["x-request-id"],
            }
        else:
            kind, code, default = {
                400: ("invalid_request_error", None, "Invalid request."),
                401: (
                    "invalid_request_error",
                    "invalid_api_key",
                    "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
                ),
                403: (
                    "invalid_request_error",
                    "unsupported_country_region_territory",
                    "Country, region, or territory not supported",
                ),
                404: (
                    "invalid_request_error",
                    "model_not_found",
                    "The model does not exist or you do not have access to it.",
                ),
                429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests."),
            }.get(status, ("server_error", None, "The server had an error while processing your request."))
            payload = {"error": {"message": message or default, "type": kind, "param": None, "code": code}}
        self._json(status, payload, extra)

    # -- endpoints ---------------------------------------------------------------------
    def _models(self, vendor: str) -> None:
        data: list[dict[str, Any]]
        if vendor == "anthropic":
            data = [
                {"type": "model", "id": m, "display_name": m, "created_at": "2026-01-01T00:00:00Z"}
                for m in ANTHROPIC_MODELS
            ]
            return self._json(
                200, {"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]}
            )
        data = [{"id": m, "object": "model", "created": 1767225600, "owned_by": "fake-ai"} for m in OPENAI_MODELS]
        self._json(200, {"object": "list", "data": data})

    def _chat(self, body) -> None:
        if not isinstance(body, dict) or not body.get("model") or not body.get("messages"):
            return self._error("openai", 400, "'model' and 'messages' are required.")
        model = body["model"]
        # Current OpenAI models refuse the old parameter; keep clients honest.
        if "max_tokens" in body and not model.startswith(("gpt-3", "gpt-4")):
            return self._error(
                "openai",
                400,
                "Unsupported parameter: 'max_tokens' is not supported with this "
                "model. Use 'max_completion_tokens' instead.",
            )
        messages = body["messages"]
        text = self.fake.reply_text(model, _text_of(messages[-1].get("content")))
        prompt = sum(_words(_text_of(m.get("content"))) for m in messages)
        completion = _words(text)
        if body.get("stream"):
            return self._chat_stream(body, model, text, prompt, completion)
        self._json(
            200,
            {
                "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": text, "refusal": None},
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            },
        )

    def _messages(self, body) -> None:
        if not isinstance(body, dict) or not body.get("model") or not body.get("messages"):
            return self._error("anthropic", 400, "model and messages are required")
        if not isinstance(body.get("max_tokens"), int):
            return self._error("anthropic", 400, "max_tokens: Field required")
        messages = body["messages"]
        for i, m in enumerate(messages):
            if m.get("role") not in ("user", "assistant"):
                return self._error("anthropic", 400, f"messages.{i}.role: Input should be 'user' or 'assistant'")
        model = body["model"]
        text = self.fake.reply_text(model, _text_of(messages[-1].get("content")))
        system = body.get("system")
        prompt = sum(_words(_text_of(m.get("content"))) for m in messages) + _words(_text_of(system or ""))
        if body.get("stream"):
            return self._messages_stream(model, text, prompt)
        self._json(
            200,
            {
                "id": f"msg_{uuid.uuid4().hex[:24]}",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": prompt, "output_tokens": _words(text)},
            },
        )

    # -- streaming: the vendors' server-sent events, one word per event ------------------
    def _stream(self, events) -> None:
        """Send `events` (already formatted SSE blocks) with the configured delay between them;
        a client that closes early is counted in `aborted_streams`."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        with self.fake._lock:
            delay = self.fake._stream_delay
        try:
            for i, block in enumerate(events):
                if delay and i:
                    time.sleep(delay)
                self.wfile.write(block.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            with self.fake._lock:
                self.fake.aborted_streams += 1
        self.close_connection = True

    @staticmethod
    def _pieces(text: str) -> list[str]:
        words = text.split(" ")
        return [w if i == 0 else " " + w for i, w in enumerate(words)]

    def _chat_stream(self, body: dict, model: str, text: str, prompt: int, completion: int) -> None:
        ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())

        def chunk(delta: dict, finish=None, usage=None, choices=True) -> str:
            payload = {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if choices else [],
            }
            if usage is not None:
                payload["usage"] = usage
            return f"data: {json.dumps(payload)}\n\n"

        events = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": piece}) for piece in self._pieces(text)]
        events.append(chunk({}, finish="stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append(
                chunk(
                    {},
                    usage={
                        "prompt_tokens": prompt,
                        "completion_tokens": completion,
                        "total_tokens": prompt + completion,
                    },
                    choices=False,
                )
            )
        events.append("data: [DONE]\n\n")
        self._stream(events)

    def _messages_stream(self, model: str, text: str, prompt: int) -> None:
        def event(name: str, data: dict) -> str:
            return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n"

        message: dict[str, Any] = {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": prompt, "output_tokens": 1},
        }
        events = [
            event("message_start", {"message": message}),
            event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}),
        ]
        events += [
            event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": piece}})
            for piece in self._pieces(text)
        ]
        events += [
            event("content_block_stop", {"index": 0}),
            event(
                "message_delta",
                {"delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": _words(text)}},
            ),
            event("message_stop", {}),
        ]
        self._stream(events)

    def _transcription(self, req: RecordedRequest, uploads: dict) -> None:
        if "file" not in uploads or not req.form.get("model"):
            return self._error("openai", 400, "'file' and 'model' are required.")
        filename, data = uploads["file"]
        text = f"[part {self.fake._next_part()}: {filename} {len(data)} bytes]"
        fmt = req.form.get("response_format", "json")
        if fmt in ("text", "srt", "vtt"):
            return self._send(200, (text + "\n").encode(), "text/plain; charset=utf-8")
        payload: dict[str, Any] = {"text": text, "usage": {"type": "duration", "seconds": 1}}
        if fmt == "verbose_json":
            payload.update({"task": "transcribe", "language": "english", "duration": 1.0, "segments": []})
        self._json(200, payload)

    def _speech(self, body) -> None:
        if not isinstance(body, dict) or not body.get("model") or not body.get("input") or not body.get("voice"):
            return self._error("openai", 400, "'model', 'input' and 'voice' are required.")
        fmt = body.get("response_format") or "mp3"
        if fmt not in AUDIO_TYPES:
            return self._error("openai", 400, f"Unsupported response_format {fmt!r}.")
        audio = self.fake._tone(speech_seconds(body["input"]), fmt)
        self._send(200, audio, AUDIO_TYPES[fmt][1])

    # -- steering over HTTP (for a fake run as a separate process) ----------------------
    def _control(self, path: str, body: bytes) -> None:
        args = json.loads(body) if body else {}
        fake = self.fake
        if path == "/_fake/requests":
            with fake._lock:
                return self._json(200, [r.as_dict() for r in fake.requests])
        if path == "/_fake/reset":
            fake.reset()
        elif path == "/_fake/fail_next":
            fake.fail_next(int(args.get("n", 1)), int(args.get("status", 503)), args.get("path"))
        elif path == "/_fake/drop_next":
            fake.drop_next(int(args.get("n", 1)), args.get("path"))
        elif path == "/_fake/latency":
            fake.set_latency(float(args.get("seconds", 0)))
        elif path == "/_fake/stream":
            fake.set_stream_delay(float(args.get("delay", 0)))
            fake.set_reply_words(int(args.get("words", 0)))
        else:
            return self._json(404, {"error": f"unknown control {path}"})
        self._json(200, {"ok": True})


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake OpenAI/Anthropic API server for tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    fake = FakeAI(args.host, args.port).start()
    print(
        f"fake AI listening on {fake.url} (OpenAI base URL {fake.openai_base_url}, "
        f"Anthropic base URL {fake.anthropic_base_url}, key {API_KEY})",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
