"""The signed-in user of a request, typed as the project's user model."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def signed_in_user(request: HttpRequest) -> User:
    """The user of a view that only signed-in users reach (`login_required`, the admin).

    `request.user` may be an AnonymousUser as far as the types know; a view that needs an
    account gets one here, or the request is refused (403) should a route ever lose its guard.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
