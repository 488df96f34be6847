from __future__ import annotations

from django.db import DatabaseError, DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from core.ratelimit import RateLimited, rate_limited_response
from core.views import database_unavailable
from matching.api import router as matching_router
from providers.api import router as providers_router
from usecases.api import router as catalog_router

api = NinjaAPI(
    title="AI Use Case Matcher API",
    version="1",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/", catalog_router)
api.add_router("/", matching_router)
api.add_router("/", providers_router)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with each problem naming its field, e.g. {"field": "text", "message": ...}."""
    errors = [
        {
            "field": ".".join(
                str(part) for part in error["loc"] if part not in ("body", "query", "payload")
            ),
            "message": error["msg"],
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=422)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return rate_limited_response(request, exc)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    return database_unavailable(request, exc)


@api.exception_handler(DataError)
def unstorable_input(request: HttpRequest, exc: DataError) -> HttpResponse:
    """Input the database cannot take (a NUL character in a filter, say) is the client's error."""
    return api.create_response(request, {"detail": _("Invalid input."), "errors": []}, status=422)
