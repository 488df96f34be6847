import os

# Process-wide defaults for the numeric libraries, set before any of them is imported (they are
# loaded lazily, and every entry point - manage.py, wsgi, asgi, celery - imports this package
# first). Tokenizer threads would oversubscribe the cores next to gunicorn's workers; idle
# OpenMP threads that spin instead of sleeping starve the other processes on a small machine.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from config.celery import app as celery_app

__all__ = ("celery_app",)
