"""Entry point for Celery: `celery -A wop.worker worker` / `celery -A wop.worker beat`."""

from . import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
