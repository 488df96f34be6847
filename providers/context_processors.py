"""Template context for the provider navigation: the number of new contact requests."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from providers import services


def provider_nav(request: HttpRequest) -> dict[str, object]:
    # Lazy, so pages that never show the badge (and anonymous visitors) cost no query.
    def count() -> int:
        membership = services.membership_of(request.user)
        return services.new_request_count(membership.provider) if membership else 0

    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"new_requests": SimpleLazyObject(count)}
