"""A provider's way onto the platform in a real browser, until a company's request reaches it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from matching.models import Submission
from providers.models import ContactRequest, Provider
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.model]

PROVIDER_EMAIL = "inbox@belegblick.example"
USE_CASE = "Capture of incoming supplier invoices into the ERP system"


def link_to(pattern: str) -> str:
    """The path of the newest emailed link that matches `pattern`."""
    for message in reversed(mail.outbox):
        found = re.search(rf"https?://[^/\s]+({pattern}\S*)", message.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no email links to {pattern}")


@pytest.fixture
def cleanup(site, django_db_blocker):
    """The live server commits its rows; remove them so later tests start from the catalog."""
    with django_db_blocker.unblock():
        submissions_before = set(Submission.objects.values_list("pk", flat=True))
    yield
    with django_db_blocker.unblock():
        Provider.objects.filter(name="Belegblick GmbH").delete()
        User.objects.filter(email__in=[PROVIDER_EMAIL, "editor@matcher.example"]).delete()
        Submission.objects.exclude(pk__in=submissions_before).delete()


def test_a_provider_signs_up_is_approved_and_receives_a_companys_request(
    chromium, site, django_db_blocker, cleanup
):
    mail.outbox = []
    provider = chromium.new_context(locale="en-US").new_page()
    provider.set_default_timeout(60_000)

    # Sign up and verify the address from the emailed link.
    provider.goto(f"{site}/accounts/signup/")
    provider.fill("input[name=email]", PROVIDER_EMAIL)
    provider.fill("input[name=password1]", PASSWORD)
    provider.fill("input[name=password2]", PASSWORD)
    provider.click("#main button[type=submit]")
    provider.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    provider.goto(site + link_to("/accounts/confirm-email/"))
    provider.click("#main button[type=submit]")

    # Fill in the profile; the picker narrows 100 use cases down to the invoice ones.
    provider.wait_for_url(re.compile(r"/provider/profile/$"))
    provider.fill("input[name=name]", "Belegblick GmbH")
    provider.fill("input[name=website]", "https://belegblick.example")
    provider.fill("textarea[name=description_de]", "Wir lesen Eingangsrechnungen automatisch aus.")
    provider.fill("input[name=contact_email]", PROVIDER_EMAIL)
    for choice in ("Germany", "German", "10 to 49 employees"):
        provider.get_by_label(choice, exact=True).check()
    provider.fill("[data-picker-filter]", "supplier invoices")
    visible = provider.locator("[data-picker-option]:visible").count()
    assert 1 <= visible <= provider.locator("[data-picker-option]").count() / 10
    provider.get_by_label(USE_CASE).check()
    assert provider.locator("[data-picker-count]").inner_text() == "1"
    provider.click("button.primary")
    provider.wait_for_url(re.compile(r"/provider/$"))
    provider.get_by_role("button", name="Submit for review").click()
    assert provider.locator("[data-status]").inner_text() == "Pending review"

    # An admin approves it.
    with django_db_blocker.unblock():
        User.objects.create_superuser("editor", "editor@matcher.example", PASSWORD)
    admin = chromium.new_context(locale="en-US").new_page()
    admin.goto(f"{site}/admin/providers/provider/?approval_status__exact=pending")
    admin.fill("input[name=username]", "editor")
    admin.fill("input[name=password]", PASSWORD)
    admin.click("input[type=submit]")
    admin.get_by_role("row", name=re.compile("Belegblick GmbH")).locator(
        "input.action-select"
    ).check()
    admin.select_option("select[name=action]", "approve")
    admin.click("button[name=index]")
    assert "1 providers approved" in admin.locator(".messagelist").inner_text()

    # A company finds it on the right use case and sends a request.
    company = chromium.new_context(locale="en-US").new_page()
    company.goto(site)
    company.fill("textarea[name=text]", "We type every supplier invoice into our ERP by hand.")
    company.click("button.primary")
    company.wait_for_url(re.compile(r"/results/[0-9a-f-]{36}/$"))
    card = company.locator("#result-supplier-invoice-capture-erp")
    card.get_by_role("link", name="Contact Belegblick GmbH").click()
    company.fill("input[name=name]", "Petra Schmidt")
    company.fill("input[name=company]", "Schmidt Metallbau")
    company.fill("input[name=email]", "petra@schmidt-metall.example")
    company.fill("textarea[name=message]", "We get 400 invoices a month. Can you help us?")
    company.get_by_label("Attach my stored problem description").check()
    company.click("button.primary")
    assert "on its way" in company.locator("h1").inner_text()

    # The provider sees it on the dashboard, was emailed, and was counted on the result.
    provider.goto(f"{site}/provider/")
    request = provider.locator(".request").first
    assert "Schmidt Metallbau" in request.inner_text()
    assert "400 invoices" in request.inner_text()
    assert request.get_by_role("link", name="The company's problem description").count() == 1
    assert provider.locator("[data-appearances]").inner_text() == "1"
    assert any(m.to == [PROVIDER_EMAIL] and "Schmidt Metallbau" in m.subject for m in mail.outbox)
    with django_db_blocker.unblock():
        contact = ContactRequest.objects.get(provider__name="Belegblick GmbH")
        assert contact.use_case.slug == "supplier-invoice-capture-erp"
        assert contact.submission is not None
