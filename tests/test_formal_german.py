"""German texts address companies and providers as "Sie": our catalog, allauth's, pages, mails."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import allauth
import pytest
from django.core import mail
from django.utils import translation

from tests.factories import PASSWORD, make_member, make_user
from tests.german import informal_words, visible_text

ROOT = Path(__file__).resolve().parent.parent
OUR_PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
ALLAUTH_DIR = Path(allauth.__file__).parent
ALLAUTH_PO = ALLAUTH_DIR / "locale" / "de" / "LC_MESSAGES" / "django.po"
# Only allauth.account is installed; socialaccount, MFA and the rest never show their texts.
ALLAUTH_IN_USE = ("account/", "templates/account/", "core/", "templates/allauth/")
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}
URL = re.compile(r"https?://\S+")


def po_entries(path: Path) -> list[dict]:
    """(locations, context, msgid, plural, translations) of each entry of a .po file."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"locations": [], "msgctxt": None, "msgid_plural": None, "msgstr": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#:"):
                entry["locations"] += line[2:].split()
            elif line.startswith("#"):
                continue
            elif found := re.match(
                r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line
            ):
                key, value = found.group(1), ast.literal_eval(found.group(2))
                if key.startswith("msgstr"):
                    key = "msgstr"
                    entry["msgstr"].append(value)
                else:
                    entry[key] = value
            elif line.startswith('"') and key:
                value = ast.literal_eval(line)
                if key == "msgstr":
                    entry["msgstr"][-1] += value
                else:
                    entry[key] += value
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def shadowed_by_our_templates(location: str) -> bool:
    """An allauth template we replace with our own never shows allauth's text."""
    path = location.split(":")[0]
    return path.startswith("templates/") and (ROOT / path).exists()


def test_the_informal_detector_catches_du_and_imperatives_but_not_sie():
    assert informal_words("Bestätige deine E-Mail-Adresse") == ["Bestätige", "deine"]
    assert informal_words("Du hast bereits ein Konto bei uns?") == ["Du"]
    assert informal_words("Danke dass du dabei bist") == ["du"]
    assert informal_words("Bitte bestätigen Sie Ihre E-Mail-Adresse.") == []
    assert informal_words("Durchsuchen Sie den Katalog; Dienstleister helfen.") == []
    assert informal_words("Die Frage und ihre Folge") == []  # nouns, not imperatives
    assert informal_words("Bitte folge dem Link") == ["folge"]


def test_no_german_translation_of_ours_addresses_the_reader_informally():
    informal = [
        (entry["msgid"], translated)
        for entry in po_entries(OUR_PO)
        for translated in entry["msgstr"]
        if informal_words(translated)
    ]
    assert not informal, informal[:5]


def test_no_german_template_addresses_the_reader_informally():
    informal = [
        (str(path.relative_to(ROOT)), informal_words(visible_text(path.read_text("utf-8"))))
        for path in (ROOT / "templates").rglob("*")
        if path.suffix in (".html", ".txt")
    ]
    assert not [found for found in informal if found[1]]


def test_every_allauth_text_a_provider_can_see_is_formal_in_german():
    informal = []
    with translation.override("de"):
        for entry in po_entries(ALLAUTH_PO):
            locations = [loc for loc in entry["locations"] if loc.startswith(ALLAUTH_IN_USE)]
            if not locations or all(shadowed_by_our_templates(loc) for loc in locations):
                continue
            if entry["msgid_plural"]:
                shown = [
                    translation.npgettext(
                        entry["msgctxt"], entry["msgid"], entry["msgid_plural"], n
                    )
                    if entry["msgctxt"]
                    else translation.ngettext(entry["msgid"], entry["msgid_plural"], n)
                    for n in (1, 2)
                ]
            elif entry["msgctxt"]:
                shown = [translation.pgettext(entry["msgctxt"], entry["msgid"])]
            else:
                shown = [translation.gettext(entry["msgid"])]
            informal += [(locations[0], text) for text in shown if informal_words(text)]
    assert not informal, informal[:5]


@pytest.mark.django_db
def test_account_mails_in_german_are_formal_and_name_the_site_not_the_host(client, settings):
    make_user("bestand@werkzeug.example")
    for email in ("neu@werkzeug.example", "bestand@werkzeug.example"):
        client.post(
            "/accounts/signup/",
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
            **GERMAN,
        )
        client.logout()
    for email in ("bestand@werkzeug.example", "unbekannt@werkzeug.example"):
        client.post("/accounts/password/reset/", {"email": email}, **GERMAN)

    assert len(mail.outbox) == 4  # confirmation, already exists, reset link, unknown account
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert not informal_words(text), text
        assert "KI-Anwendungsfall-Finder" in text
        assert "Guten Tag" in message.body
        assert "testserver" not in URL.sub("", text), text
        assert message.from_email == settings.DEFAULT_FROM_EMAIL
        assert message.from_email.startswith(settings.EMAIL_SENDER_NAME)


@pytest.mark.django_db
def test_account_pages_and_messages_in_german_are_formal(client):
    pages = [
        "/accounts/signup/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
    ]
    answers = [client.get(path, **GERMAN) for path in pages]
    # Errors and messages too: a failed sign-up, then a login, then the logged-in pages.
    answers.append(
        client.post(
            "/accounts/signup/",
            {"email": "x@y.example", "password1": "a", "password2": "b"},
            **GERMAN,
        )
    )
    member = make_member(email="konto@werkzeug.example")
    answers.append(
        client.post(
            "/accounts/login/",
            {"login": member.user.email, "password": PASSWORD},
            follow=True,
            **GERMAN,
        )
    )
    for path in ("/accounts/logout/", "/accounts/password/change/", "/accounts/email/"):
        answers.append(client.get(path, **GERMAN))
    answers.append(client.post("/accounts/logout/", follow=True, **GERMAN))

    for answer in answers:
        assert answer.status_code in (200, 400), answer
        text = visible_text(answer.content.decode())
        assert not informal_words(text), (answer.request["PATH_INFO"], informal_words(text))
    signed_in = visible_text(answers[6].content.decode())
    assert "Erfolgreich als konto@werkzeug.example angemeldet" in signed_in
