"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`.

Models and the index are loaded in each worker after the fork (never in the master, where
OpenMP's thread pools, used by FAISS and the encoders, would hang the forked children), and
before the worker takes its first request.
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Chosen with `bench/loadtest.py --compare` (20 users on 2 cores, two runs): two request threads
# per worker gave match p95 405-473 ms (English) and 591-620 ms (German) against 747-752 and
# 716-875 ms with four. Matching is CPU-bound, so more threads only queue more work on the same
# cores. One numeric thread per process (OMP_NUM_THREADS, ENCODER_THREADS) did about as well under
# load but makes the German encoder 1.7 times slower on a quiet machine (116 instead of 69 ms for
# a 60-word query), so they stay at 2.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")


def post_worker_init(worker) -> None:
    from matching.services import warm_up

    warm_up()
