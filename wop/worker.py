"""Entry point for Celery: `celery -A wop.worker worker` / `celery -A wop.worker beat`."""
from . import create_app

app = create_app()
celery = app.extensions["celery"]
