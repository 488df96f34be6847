"""The provider journey (sign-up to reply) and the editor journey (review, approval, use case
form with its preview, insights) in a real browser, in German, addressed as "Sie" throughout.

`make screenshots` runs these with SCREENSHOT_DIR set and keeps each page at 1366 and 390 px.
"""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from PIL import Image

from providers.models import ContactRequest, Provider
from tests.browser.conftest import german_page, snap
from tests.factories import PASSWORD, make_member, make_provider, make_submission
from tests.german import informal_words
from usecases.models import UseCase

pytestmark = [pytest.mark.browser]

PROVIDER_EMAIL = "team@rechnungsblick.example"
COMPANY_EMAIL = "petra@schmidt-metall.example"
INVOICES = "supplier-invoice-capture-erp"


def logo_loaded(page) -> None:
    """Waits until the profile's logo has loaded with real pixels (a timeout fails the test)."""
    page.wait_for_function(
        "() => { const logo = document.querySelector('.profile img.profile-logo');"
        " return logo && logo.complete && logo.naturalWidth > 0; }"
    )


def logo_png() -> bytes:
    image = Image.new("RGB", (400, 200), (14, 116, 144))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def link_to(pattern: str) -> str:
    for message in reversed(mail.outbox):
        found = re.search(rf"https?://[^/\s]+({pattern}\S*)", message.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no email links to {pattern}")


def assert_formal(page) -> None:
    text = page.inner_text("body")
    assert not informal_words(text), (page.url, informal_words(text))


def editor_logs_in(page, site: str, username: str) -> None:
    page.goto(f"{site}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


@pytest.fixture
def cleanup(site, django_db_blocker):
    """The live server commits its rows; remove them so later tests start from the catalog."""
    yield
    with django_db_blocker.unblock():
        Provider.objects.filter(name__in=["Rechnungsblick GmbH", "Prüfbar AG"]).delete()
        User.objects.filter(
            email__in=[PROVIDER_EMAIL, "redaktion@matcher.example", "pruefbar@example.org"]
        ).delete()


def test_a_provider_signs_up_builds_a_profile_is_approved_and_answers_a_request_in_german(
    chromium, site, django_db_blocker, cleanup
):
    mail.outbox = []
    with django_db_blocker.unblock():
        invoices = UseCase.objects.get(slug=INVOICES)
        User.objects.create_superuser("redaktion", "redaktion@matcher.example", PASSWORD)
    provider = german_page(chromium, site)

    # The sign-up page says what a listing brings, that it is free and how the review works.
    provider.goto(f"{site}/accounts/signup/")
    body = provider.inner_text("main")
    for promise in ("Was Ihnen ein Eintrag bringt", "Kostenlos.", "So läuft die Prüfung"):
        assert promise in body
    assert_formal(provider)
    snap(provider, "provider-01-signup")
    provider.fill("input[name=email]", PROVIDER_EMAIL)
    provider.fill("input[name=password1]", "kurz")
    provider.fill("input[name=password2]", "kurz")
    provider.get_by_role("button", name="Konto anlegen").click()
    assert provider.locator("#id_password1_error").is_visible()  # at its field, not as bullets
    provider.fill("input[name=password1]", PASSWORD)
    provider.fill("input[name=password2]", PASSWORD)
    provider.get_by_role("button", name="Konto anlegen").click()
    provider.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert "Bestätigen Sie Ihre E-Mail-Adresse" in provider.inner_text("main")
    assert_formal(provider)
    [confirmation] = [m for m in mail.outbox if m.to == [PROVIDER_EMAIL]]
    assert "KI-Anwendungsfall-Finder" in confirmation.subject
    assert confirmation.body.startswith("Guten Tag,")
    assert not informal_words(confirmation.subject + confirmation.body)
    provider.goto(site + link_to("/accounts/confirm-email/"))
    assert_formal(provider)
    provider.click("#main button[type=submit]")

    # The profile: company, logo, description in German first, contact person, offer, reference.
    provider.wait_for_url(re.compile(r"/provider/profile/$"))
    provider.fill("input[name=name]", "Rechnungsblick GmbH")
    provider.fill("input[name=website]", "https://rechnungsblick.example")
    provider.fill("input[name=locations]", "Stuttgart, Leipzig")
    provider.set_input_files(
        "input[name=logo_upload]",
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": logo_png()}],
    )
    provider.fill("textarea[name=description_de]", "Wir lesen Eingangsrechnungen automatisch aus.")
    provider.fill("input[name=contact_name]", "Dr. Jana Becker")
    provider.fill("input[name=contact_email]", PROVIDER_EMAIL)
    for choice in ("Deutschland", "Deutsch", "10 bis 49 Beschäftigte"):
        provider.get_by_label(choice, exact=True).check()
    provider.fill("[data-picker-filter]", "Eingangsrechnungen")
    provider.get_by_label(invoices.title_de).check()
    provider.select_option("select[name=references-0-use_case]", str(invoices.pk))
    provider.fill("input[name=references-0-client]", "Maschinenbauer, 300 Beschäftigte")
    provider.fill(
        "textarea[name=references-0-summary]", "12.000 Rechnungen im Jahr, 80 % ohne Handarbeit."
    )
    assert_formal(provider)
    snap(provider, "provider-02-profile")
    provider.get_by_role("button", name="Profil speichern").click()
    provider.wait_for_url(re.compile(r"/provider/$"))

    # The preview shows the page as companies will see it: logo, places, contact, reference.
    provider.get_by_role("link", name="Vorschau", exact=True).click()
    preview = provider.locator(".profile")
    logo_loaded(provider)
    assert "Stuttgart · Leipzig" in preview.inner_text()
    assert "Dr. Jana Becker" in preview.inner_text()
    assert "Maschinenbauer, 300 Beschäftigte" in preview.inner_text()
    snap(provider, "provider-03-preview")
    provider.get_by_role("link", name="Übersicht").click()
    provider.get_by_role("button", name="Zur Prüfung einreichen").click()
    assert provider.locator("[data-status]").inner_text() == "Prüfung ausstehend"
    assert_formal(provider)

    # An editor reviews the page as it would appear and approves it there.
    editor = german_page(chromium, site)
    editor_logs_in(editor, site, "redaktion")
    editor.goto(f"{site}/admin/providers/provider/?approval_status__exact=pending")
    editor.get_by_role("row", name=re.compile("Rechnungsblick GmbH")).get_by_role(
        "link", name="Jetzt prüfen"
    ).click()
    assert "Erste Prüfung" in editor.inner_text(".review-panel")
    assert "Dr. Jana Becker" in editor.inner_text(".profile-preview")
    snap(editor, "editor-01-review")
    editor.get_by_role("button", name="Freigeben und veröffentlichen").click()
    assert "ist freigegeben" in editor.inner_text(".messages, .messagelist")

    # A company finds the public page and writes.
    company = german_page(chromium, site)
    with django_db_blocker.unblock():
        slug = Provider.objects.get(name="Rechnungsblick GmbH").slug
    company.goto(f"{site}/providers/{slug}/")
    logo_loaded(company)
    snap(company, "company-01-provider-page")
    company.get_by_role("link", name="Diesen Anbieter kontaktieren").click()
    company.fill("input[name=name]", "Petra Schmidt")
    company.fill("input[name=company]", "Schmidt Metallbau")
    company.fill("input[name=email]", COMPANY_EMAIL)
    company.fill(
        "textarea[name=message]", "Wir bekommen 400 Rechnungen im Monat. Können Sie helfen?"
    )
    company.get_by_role("button", name="Anfrage senden").click()
    company.wait_for_selector("h1")
    assert_formal(company)

    # The provider sees a badge, answers from the dashboard, and the request is answered.
    provider.goto(f"{site}/provider/")
    assert provider.locator("[data-new-requests]").inner_text() == "1 neue Anfrage"
    snap(provider, "provider-04-dashboard")
    provider.locator(".request").first.get_by_role("link", name="Antworten", exact=True).click()
    provider.fill("textarea[name=message]", "Gern! Wir rufen Sie morgen an und zeigen eine Demo.")
    assert_formal(provider)
    snap(provider, "provider-05-reply")
    provider.get_by_role("button", name="Antwort senden und als beantwortet markieren").click()
    provider.wait_for_url(re.compile(r"/provider/#request-\d+$"))
    assert provider.locator("[data-request-status]").first.inner_text() == "Beantwortet"
    assert provider.locator("[data-new-requests]").count() == 0
    [reply] = [m for m in mail.outbox if m.to == [COMPANY_EMAIL]]
    assert "> Wir bekommen 400 Rechnungen im Monat." in reply.body
    with django_db_blocker.unblock():
        contact = ContactRequest.objects.get(provider__slug=slug)
        assert contact.status == ContactRequest.Status.ANSWERED


@pytest.mark.model
def test_an_editor_reviews_approves_edits_a_use_case_with_its_preview_and_reads_insights(
    chromium, site, django_db_blocker, cleanup
):
    with django_db_blocker.unblock():
        User.objects.create_superuser("redaktion", "redaktion@matcher.example", PASSWORD)
        pending = make_provider(
            name="Prüfbar AG",
            approval_status=Provider.Approval.PENDING,
            description_de="Wir prüfen Bauteile mit Kameras.",
        )
        make_member(pending, email="pruefbar@example.org")
        use_case = UseCase.objects.get(slug=INVOICES)
        gap = make_submission(text="Roboter, die Büropflanzen gießen", low_confidence=True)
        duplicate = make_submission(text="Roboter, die Büropflanzen gießen", low_confidence=True)
    page = german_page(chromium, site)
    try:
        editor_logs_in(page, site, "redaktion")

        # The admin speaks German: "Redaktion", German sections.
        assert "Redaktion" in page.inner_text("#site-name")
        sections = page.locator("caption").all_inner_texts()
        assert "ANWENDUNGSFALL-KATALOG" in [s.upper() for s in sections]
        assert not [s for s in sections if "catalog" in s.lower() or "matching" in s.lower()]
        snap(page, "editor-02-admin-index")

        # The review page of a pending provider, then its approval.
        page.goto(f"{site}/admin/providers/provider/{pending.pk}/review/")
        assert "Wir prüfen Bauteile mit Kameras." in page.inner_text(".profile-preview")
        page.get_by_role("button", name="Freigeben und veröffentlichen").click()
        assert "Prüfbar AG ist freigegeben" in page.inner_text(".messages, .messagelist")

        # The use case form: code lists as checkboxes, the preview beside the form.
        page.goto(f"{site}/admin/usecases/usecase/{use_case.pk}/change/")
        assert page.locator("input[type=checkbox][name=industries]").count() > 10
        form_box = page.locator(".usecase-form").bounding_box()
        preview_box = page.locator("#try-a-problem").bounding_box()
        assert preview_box["x"] > form_box["x"] + form_box["width"] - 1  # beside, not below
        page.fill(
            "#try-a-problem textarea", "Wir tippen jede Lieferantenrechnung von Hand ins ERP."
        )
        page.get_by_role("button", name="Rang anzeigen").click()
        page.wait_for_selector("#try-a-problem-result #preview-result")
        assert re.search(r"Rang \d+ von \d+", page.inner_text("#try-a-problem-result"))
        assert page.url.endswith(f"/admin/usecases/usecase/{use_case.pk}/change/")
        snap(page, "editor-03-use-case-form")

        # Insights: labelled charts, each also a table; the same gap query listed once.
        page.goto(f"{site}/admin/curation/insights/")
        page.wait_for_selector("#catalog-gaps")
        assert "unsichere Treffer" in page.inner_text("main, #content")
        gaps = page.locator(".gap-list tbody tr", has_text="Roboter, die Büropflanzen gießen")
        assert gaps.count() == 1
        assert "2" in gaps.locator(".gap-count").inner_text()
        assert (
            page.locator("svg.insights-chart").count() == page.locator("table.chart-table").count()
        )
        snap(page, "editor-04-insights")
    finally:
        with django_db_blocker.unblock():
            gap.delete()
            duplicate.delete()
