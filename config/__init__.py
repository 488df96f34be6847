import os

# Process-wide defaults for the numeric libraries, set before any of them is imported (they are
# loaded lazily, and every entry point - manage.py, wsgi, asgi, celery - imports this package
# first). Tokenizer threads would oversubscribe the cores next to gunicorn's workers; idle
# OpenMP threads that spin instead of sleeping starve the other processes on a small machine.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# numpy's own BLAS (not onnxruntime's, not FAISS's) only multiplies a query with the use cases'
# centroids: one thread does that in 2.8 ms for 10,000 use cases, while its default pool of a
# thread per core took 23 ms on a busy machine (measured with load average 15), waiting for
# cores the gunicorn threads and encoders are using.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from config.celery import app as celery_app

__all__ = ("celery_app",)
