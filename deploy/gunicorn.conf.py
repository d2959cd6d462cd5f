"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py 'wop:create_app()'`."""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
# Uploads arrive in full before the app sees them; a slow client holds a thread, not a process.
limit_request_line = 8190
