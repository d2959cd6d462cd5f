"""Helpers the tests share: a logged-in API client and unique user names."""

import itertools
import time
import uuid

import requests

_names = itertools.count(1)


class Api:
    """A logged-in test client that sends the CSRF header on every request."""

    def __init__(self, client, user: dict, csrf: str, password: str):
        self.client, self.user, self.csrf, self.password = client, user, csrf, password

    @property
    def username(self) -> str:
        return self.user["username"]

    def _call(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {}) or {}
        headers.setdefault("X-CSRF-Token", self.csrf)
        return getattr(self.client, method)(path, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, **kw):
        return self._call("post", path, **kw)

    def put(self, path, **kw):
        return self._call("put", path, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, **kw)

    def write(self, content: str, parent_id: int | None = None, **fields) -> dict:
        resp = self.post("/api/nodes/", json={"content": content, "parent_id": parent_id, **fields})
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    def wait_job(self, task_id: str, timeout: float = 60.0, until=("completed", "failed", "cancelled")) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(f"/api/jobs/{task_id}").get_json()
            if job.get("status") in until:
                return job
            if time.monotonic() > deadline:
                raise AssertionError(f"job {task_id} still {job.get('status')} after {timeout} s: {job}")
            time.sleep(0.05)


def unique_name(prefix: str = "user") -> str:
    return f"{prefix}{next(_names)}_{uuid.uuid4().hex[:6]}"


def browser_session(base_url: str, api: "Api") -> requests.Session:
    """A requests session logged in over real HTTP with a cookie, as a browser would be."""
    http = requests.Session()
    resp = http.post(f"{base_url}/auth/login", json={"username": api.username, "password": api.password})
    assert resp.status_code == 200, resp.text
    http.headers["X-CSRF-Token"] = resp.json()["csrf_token"]
    return http
