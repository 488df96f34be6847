"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`.

Models and the index are loaded in each worker after the fork (never in the master, where torch
and FAISS would hang the forked children), and before the worker takes its first request.
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")


def post_worker_init(worker) -> None:
    from matching.services import warm_up

    warm_up()
