"""The site's own 403, 404 and 500 pages, in the visitor's language."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

from core.views import server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Page not found"), ("de", "Seite nicht gefunden")]
)
def test_an_unknown_address_gets_our_404_in_the_visitors_language(client, language, heading):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "/impressum/" in page


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Access denied"), ("de", "Zugriff verweigert")]
)
def test_a_forbidden_page_gets_our_403(language, heading):
    request = RequestFactory().get("/provider/")
    request.user = AnonymousUser()

    with translation.override(language):
        response = defaults.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Something went wrong"), ("de", "Etwas ist schiefgegangen")]
)
def test_an_error_gets_our_500_without_touching_the_database(language, heading):
    request = RequestFactory().get("/")

    with translation.override(language):
        try:
            raise ValueError("a bug")
        except ValueError:
            response = server_error(request)

    assert response.status_code == 500
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert f'<html lang="{language}">' in page
