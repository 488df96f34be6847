"""Imported first by the bench scripts, before numpy: the project's process-wide settings for
the numeric libraries (`config/__init__.py`: OpenMP, BLAS and tokenizer threads) only apply to
a library loaded after them, as in the web processes and workers the figures stand for."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import config  # noqa: F401
