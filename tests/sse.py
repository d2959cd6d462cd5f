"""A small Server-Sent Events reader over `requests`, for tests against the real server."""

import codecs
import json

import requests


class SSE:
    """Reads a text/event-stream response frame by frame, as it arrives."""

    def __init__(self, response: requests.Response):
        self.response = response
        self._chunks = response.iter_content(chunk_size=None)  # each chunk as the server sends it
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._buffer = ""

    @property
    def status_code(self) -> int:
        return self.response.status_code

    def next_frame(self) -> dict | None:
        """The next frame: {"comment": text} or {"id", "event", "data"} (data parsed from JSON);
        None when the server ended the stream."""
        while "\n\n" not in self._buffer:
            try:
                self._buffer += self._decoder.decode(next(self._chunks))
            except StopIteration:
                return None
        frame, self._buffer = self._buffer.split("\n\n", 1)
        fields: dict = {}
        for line in frame.split("\n"):
            if line.startswith(":"):
                return {"comment": line[1:].strip()}
            name, _, value = line.partition(": ")
            fields[name] = json.loads(value) if name == "data" else value
        return fields

    def next_event(self, max_comments: int = 30) -> dict | None:
        """The next event, skipping comments (keepalives); None at the end of the stream."""
        for _ in range(max_comments + 1):
            frame = self.next_frame()
            if frame is None or "comment" not in frame:
                return frame
        raise AssertionError(f"no event after {max_comments} comments")

    def event(self, max_comments: int = 30) -> dict:
        """The next event; the stream must not end first."""
        found = self.next_event(max_comments)
        assert found is not None, "the stream ended"
        return found

    def events(self, count: int) -> list[dict]:
        found = []
        for i in range(count):
            event = self.next_event()
            assert event is not None, f"the stream ended after {i} of {count} events"
            found.append(event)
        return found

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> "SSE":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_stream(
    url: str,
    session: requests.Session | None = None,
    headers: dict | None = None,
    params: dict | None = None,
    read_timeout: float = 10.0,
) -> SSE:
    """GET an event stream; waits for its opening comment when the server accepted it."""
    http = session or requests
    response = http.get(url, headers=headers, params=params, stream=True, timeout=(5, read_timeout))
    stream = SSE(response)
    if response.status_code == 200:
        assert stream.next_frame() == {"comment": "connected"}
    return stream
