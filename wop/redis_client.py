"""One Redis client per process for our own keys (cancel signals, live events).

Celery keeps its own broker connections; this client is for the app. It is made per process
(a client made before a fork must not share its sockets with the forked children) and fails
fast, so a Redis outage slows nothing down: callers treat Redis as best effort where the
database already holds the truth.
"""

import os
from functools import lru_cache

import redis
from flask import current_app

SOCKET_TIMEOUT = 5.0
# redis-py refuses a 101st connection by default. A gevent web worker runs up to WEB_CONNECTIONS
# requests at once, and each open live-update stream holds a connection while it waits: the
# number of open requests bounds the connections, not this.
MAX_CONNECTIONS = 10_000


def redis_client() -> redis.Redis:
    return _client(current_app.config["REDIS_URL"], os.getpid(), SOCKET_TIMEOUT)


def blocking_redis_client(block_seconds: float) -> redis.Redis:
    """A client for blocking reads (XREAD BLOCK) of up to `block_seconds`: its socket timeout
    outlasts the block, so a quiet stream is not mistaken for a dead connection."""
    return _client(current_app.config["REDIS_URL"], os.getpid(), SOCKET_TIMEOUT + block_seconds)


@lru_cache(maxsize=8)
def _client(url: str, _pid: int, socket_timeout: float) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=1,
        socket_timeout=socket_timeout,
        health_check_interval=30,
        max_connections=MAX_CONNECTIONS,
    )
