"""One Redis client per process for our own keys (cancel signals, and later live events).

Celery keeps its own broker connections; this client is for the app. It is made per process
(a client made before a fork must not share its sockets with the forked children) and fails
fast, so a Redis outage slows nothing down: callers treat Redis as best effort where the
database already holds the truth.
"""

import os
from functools import lru_cache

import redis
from flask import current_app


def redis_client() -> redis.Redis:
    return _client(current_app.config["REDIS_URL"], os.getpid())


@lru_cache(maxsize=4)
def _client(url: str, _pid: int) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5, health_check_interval=30)
