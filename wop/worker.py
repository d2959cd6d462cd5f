"""Entry point for the Celery worker: `celery -A wop.worker worker` (the scheduler alone is
`celery -A wop.scheduler beat`)."""

from . import create_app

flask_app = create_app(migrations=False)
celery = flask_app.extensions["celery"]
