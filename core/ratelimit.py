"""Rate limits per client address, counted in the cache (Redis in production).

Usage on a function view (the limit is read from ``settings.RATE_LIMITS[scope]``, a pair of
requests and window seconds, so it can be changed by environment without touching code)::

    # config/settings.py
    RATE_LIMITS = {..., "contact": (env_int("RATE_LIMIT_CONTACT", 5, minimum=0), 3600)}

    # views.py
    from core.ratelimit import rate_limit

    @rate_limit("contact")  # counts POST requests only, unless methods=... says otherwise
    def contact(request): ...

Over the limit the view is not called: the client gets HTTP 429 with a `Retry-After` header and
a message in the active language (an HTML page, or JSON under /api/). Code that is not a plain
view (an API operation, a service) calls ``check_rate_limit(request, scope)``, which raises
``RateLimited``; the API turns that into the same 429 response.

A fixed window per client and scope: simple, one cache key, and at most twice the limit in a
burst across a window boundary, which is enough to stop scripted abuse. When the cache does not
answer, requests are let through (logged): a dead Redis must not take the site down with it.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """A client used up its requests for a scope; `retry_after` is in whole seconds."""

    def __init__(self, scope: str, retry_after: int) -> None:
        self.scope = scope
        self.retry_after = retry_after
        super().__init__(f"rate limit '{scope}' exceeded; retry after {retry_after}s")


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR, or the address the trusted proxies saw.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it received the request from, so
    the entry that many places from the right is the one no client can forge. None when the
    request has no address at all (a request built in code); django-axes uses this too.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def check_rate_limit(request: HttpRequest, scope: str, who: str | None = None) -> None:
    """Count this request against the client's limit for `scope`; raise RateLimited past it.

    The client is its address unless `who` names another party that owns the budget, such as
    a provider for the invitations its members send (which addresses cannot be trusted to tell).
    """
    limit, window = settings.RATE_LIMITS[scope]
    if limit == 0:
        return
    now = time.time()
    window_number = int(now // window)
    who = who or client_address(request) or "unknown"
    key = f"ratelimit:{scope}:{who}:{window_number}"
    try:
        cache.add(key, 0, timeout=window + 1)
        count = cache.incr(key)
    except Exception:
        logger.warning(
            "rate limit '%s' not enforced: the cache does not answer", scope, exc_info=True
        )
        return
    if count > limit:
        retry_after = max(1, math.ceil((window_number + 1) * window - now))
        raise RateLimited(scope, retry_after)


def rate_limited_response(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """HTTP 429 in the active language, as JSON under /api/ and as a page elsewhere."""
    message = _("Too many requests. Please wait %(seconds)d seconds and try again.") % {
        "seconds": exc.retry_after
    }
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "errors": []}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def rate_limit(scope: str, methods: Iterable[str] = ("POST",)) -> Callable:
    """Decorator for a function view: requests with these methods count against `scope`."""
    counted = {method.upper() for method in methods}

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.method in counted:
                try:
                    check_rate_limit(request, scope)
                except RateLimited as exc:
                    return rate_limited_response(request, exc)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def login_name(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a login attempt names, for django-axes: the admin's login form sends a
    username, the provider login (django-allauth) an email address."""
    for source in (credentials or {}, request.POST):
        for field in ("username", "email", "login"):
            if source.get(field):
                return str(source[field]).lower()
    return None
