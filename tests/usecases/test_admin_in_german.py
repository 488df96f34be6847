"""The admin speaks German to German editors: sections, models, headers and filters."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


def admin_page(client, path: str, language: str) -> str:
    return client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def index_names(html: str) -> list[str]:
    """Section (app) and model names as the admin index lists them."""
    sections = re.findall(r"<caption>\s*<a[^>]*>(.*?)</a>", html, re.S)
    models = [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', html, re.S)
    ]
    return sections + models


@pytest.fixture
def editor_client(client):
    client.force_login(User.objects.create_superuser("redakteurin", "r@matcher.example", "pw"))
    return client


def test_the_german_admin_index_shows_no_english_section_or_model_name(editor_client):
    english = index_names(admin_page(editor_client, "/admin/", "en"))
    german = index_names(admin_page(editor_client, "/admin/", "de"))

    assert len(german) == len(english) >= 14
    untranslated = sorted(set(german) & set(english))
    assert not untranslated, untranslated
    assert "Themenfelder" in german
    assert "Anwendungsfall-Katalog" in german


def test_the_german_admin_is_called_redaktion_with_the_site_name(editor_client):
    html = admin_page(editor_client, "/admin/", "de")

    assert "KI-Anwendungsfall-Finder · Redaktion" in html
    assert "<title>Katalog, Anbieter und Anfragen | Redaktion</title>" in html
    assert "Django" not in re.sub(r"<[^>]+>", " ", html)


def test_provider_list_pages_name_models_and_filters_in_german(editor_client):
    html = admin_page(editor_client, "/admin/providers/provider/", "de")

    assert "Anbieter zur Änderung auswählen" in html
    assert "Nach Beispielanbieter" in html
    assert "provider" not in re.sub(r"<[^>]+>", " ", html).lower().replace("provider/", "")


def test_every_model_and_field_of_ours_has_a_translated_name():
    from django.apps import apps
    from django.utils import translation

    untranslated = []
    with translation.override("de"):
        for app in ("usecases", "matching"):
            for model in apps.get_app_config(app).get_models():
                german, english = str(model._meta.verbose_name_plural), None
                with translation.override("en"):
                    english = str(model._meta.verbose_name_plural)
                if german == english:
                    untranslated.append(model.__name__)
                for field in model._meta.get_fields():
                    # "ID" is the same word in both languages.
                    if (
                        not hasattr(field, "verbose_name")
                        or field.auto_created
                        or field.primary_key
                    ):
                        continue
                    with translation.override("en"):
                        english = str(field.verbose_name)
                    if str(field.verbose_name) == english:
                        untranslated.append(f"{model.__name__}.{field.name}")
    assert not untranslated, untranslated


def test_german_texts_call_a_cluster_themenfeld_everywhere():
    from tests.test_formal_german import OUR_PO, po_entries

    entries = po_entries(OUR_PO)
    other_words = [
        e["msgstr"] for e in entries if re.search(r"Cluster|Themenbereich", " ".join(e["msgstr"]))
    ]
    about_clusters = [e for e in entries if re.search(r"\bclusters?\b", e["msgid"], re.I)]
    assert not other_words, other_words
    assert about_clusters
    assert all("Themenfeld" in " ".join(e["msgstr"]) for e in about_clusters), about_clusters
