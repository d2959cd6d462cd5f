"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py 'wop:create_app()'`.

gevent workers: each request is a greenlet, so an open live-update stream (GET /api/events),
which waits on Redis most of its life, costs a few kilobytes instead of a thread.

The app is loaded once, in the master, and the workers are forked from it (`preload_app`): the
workers share its imported code and objects instead of each importing them again (about 40 MiB
less per worker). gevent patches the standard library here, first, so that the app's modules
see the patched sockets and locks however they imported them; nothing else may be imported
above that patch. WEB_PRELOAD=0 loads the app in each worker instead.
"""

import os

preload_app = os.environ.get("WEB_PRELOAD", "1") != "0"
if preload_app:
    from gevent import monkey

    monkey.patch_all()

import gc  # noqa: E402
import resource  # noqa: E402

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gevent"
worker_connections = int(os.environ.get("WEB_CONNECTIONS", "1000"))  # open requests and streams per worker
timeout = 30  # a worker whose event loop is blocked this long is restarted
graceful_timeout = 20  # a stop waits this long for open requests (open streams end at once, below)
accesslog = "-"
errorlog = "-"
limit_request_line = 8190

# Every open stream holds two sockets (the client's and its Redis connection): make room for
# them under the common default of 1024 open files.
_wanted = 2 * worker_connections + 256
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if _soft != resource.RLIM_INFINITY and _soft < _wanted:
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (_wanted if _hard == resource.RLIM_INFINITY else min(_wanted, _hard), _hard)
    )


def pre_fork(_server, _worker):
    """Move what the master loaded out of the garbage collector's reach before forking: a
    collection in a worker would otherwise touch (and so copy) every shared page."""
    gc.freeze()


def post_fork(server, _worker):
    """A forked worker must not share the master's database connections (Redis clients are
    made per process, and Celery resets its broker pool after a fork by itself)."""
    if preload_app:
        from wop.extensions import db

        with server.app.wsgi().app_context():
            for engine in db.engines.values():
                engine.dispose(close=False)


def post_worker_init(worker):
    """End the worker's open live-update streams as soon as it is told to stop, rather than
    holding the stop for graceful_timeout: their clients reconnect and miss nothing."""
    import gevent

    from wop.api.events import end_open_streams

    def end_streams_when_stopping():
        while worker.alive:
            gevent.sleep(0.5)
        end_open_streams()

    gevent.spawn(end_streams_when_stopping)


def on_starting(server):
    """Metrics (prometheus-client's multiprocess mode): every process of this host counts into
    one folder, DATA_DIR/metrics unless PROMETHEUS_MULTIPROC_DIR names another; the workers
    inherit its name, and files left by processes that are gone are removed first."""
    from wop.metrics_files import use_metrics_dir
    from wop.settings import load_settings

    use_metrics_dir(load_settings().DATA_DIR)


def child_exit(server, worker):
    """A web process that ended no longer counts in the metrics' live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
