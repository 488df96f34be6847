"""Fixed-window rate limits per client address, counted in the cache (Redis in production)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def retry_after(request: HttpRequest, scope: str, limit: int, period: int) -> int | None:
    """Count one hit; return the seconds to wait when the client is over `limit` per `period`.

    None means the request may go ahead. Windows are aligned to multiples of `period`, so the
    wait is at most one period.
    """
    window = int(time.time()) // period
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        return None
    try:
        hits = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        return None
    if hits <= limit:
        return None
    return max(1, (window + 1) * period - int(time.time()))
