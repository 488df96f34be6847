"""Request checks that hold for every page, before any view sees the request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class RejectNulInQueryString:
    """A NUL character anywhere in a page's query string answers 400.

    PostgreSQL refuses NUL in text, so a filter such as `/providers/?cluster=%00` would end in a
    database error (a 500) in whichever view passes it on; no real link carries one. Forms
    already refuse NUL in posted fields (Django's ProhibitNullCharactersValidator). The API
    answers 422 on its own (config/api.py), as its schema documents, so /api/ is left to it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and _has_nul(request):
            message = _(
                "This address contains a character that we cannot process. Please check the "
                "link or start again from the start page."
            )
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    return any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.GET.lists()
    )
