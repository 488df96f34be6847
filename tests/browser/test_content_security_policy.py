"""The site, the admin and the API docs work under the Content-Security-Policy in Chromium."""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.auth.models import User

from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.model]

# Chromium reports each blocked script, style or connection on the console and as an event.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched_page(page):
    """The page, recording every CSP violation reported on the console or as an event."""
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    page.csp_console = console
    return page


def violations(page) -> list[str]:
    return page.csp_console + page.evaluate("window.__cspViolations")


def test_start_page_match_admin_and_api_docs_report_no_csp_violation(
    watched_page, site, django_db_blocker
):
    page = watched_page
    response = page.goto(site)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("textarea[name=text]", "We type every supplier invoice into our ERP by hand.")
    page.click("button.primary")  # htmx posts the form and swaps in the results
    page.wait_for_url(re.compile(r"/results/[0-9a-f-]{36}/$"))
    assert page.locator(".result-list > li").count() == 10
    assert violations(page) == []

    username = f"csp-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        User.objects.create_superuser(username, "csp@example.com", "a long test password 42")
    page.goto(f"{site}/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "a long test password 42")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.goto(f"{site}/admin/usecases/usecase/")
    page.locator("#result_list tbody tr a").first.click()  # a change form with translation tabs
    page.wait_for_selector("form#usecase_form")
    page.wait_for_selector(".ui-tabs")  # the translation tabs: jQuery UI ran
    assert violations(page) == []

    page.goto(f"{site}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)  # rendered from the schema
    assert page.locator(".swagger-ui .opblock").count() >= 4
    assert violations(page) == []


def test_an_injected_inline_script_is_blocked_and_reported(watched_page, site):
    """The check above can fail: an inline script is refused and shows up as a violation."""
    page = watched_page
    page.goto(site)
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in violations(page))


def test_provider_pages_and_the_use_case_picker_report_no_csp_violation(
    watched_page, site, django_db_blocker
):
    page = watched_page
    for path in ("/accounts/signup/", "/accounts/login/", "/providers/"):
        page.goto(site + path)
    page.locator(".provider-list a").first.click()
    page.get_by_role("link", name="Contact this provider").click()
    page.wait_for_selector("form.contact-form")
    assert violations(page) == []

    email = f"csp-{uuid.uuid4().hex[:8]}@provider.example"
    with django_db_blocker.unblock():
        user = make_user(email)
    try:
        page.goto(f"{site}/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("#main button[type=submit]")
        page.wait_for_url(re.compile(r"/provider/profile/$"))
        page.fill("[data-picker-filter]", "chatbot")
        hidden = page.locator("[data-picker-option]:not(:visible)").count()
        assert hidden > 50  # the script ran and filtered the catalog
        assert violations(page) == []
    finally:
        with django_db_blocker.unblock():
            user.delete()
