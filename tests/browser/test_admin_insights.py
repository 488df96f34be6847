"""An admin opens the insights dashboard in a real browser: charts and the gap list render, and
a query with markup in it is shown as text, never run."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_submission

pytestmark = [pytest.mark.browser]

PAYLOAD = "<script>window.injected = true</script> robots that water office plants"


@pytest.fixture
def admin_login(site, django_db_blocker):
    """An admin account and a stored catalog gap with markup in it, committed so that the
    server thread sees them (pytest-django's user fixtures would hold them in a transaction)."""
    name = f"curator-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        user = get_user_model().objects.create_superuser(name, f"{name}@example.org", "pw-1234-x")
        gap = make_submission(text=PAYLOAD, low_confidence=True)
    yield name, "pw-1234-x", gap
    with django_db_blocker.unblock():
        gap.delete()
        user.delete()


def test_an_admin_sees_the_charts_and_the_gap_list_of_the_dashboard(page, site, admin_login):
    username, password, gap = admin_login
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{site}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")
    page.click("#curation-links a[href='/admin/curation/insights/']")

    page.wait_for_selector("#catalog-gaps")
    assert page.locator("h1").inner_text() == "Insights"
    assert page.locator("#submissions-per-day svg.daily-columns rect").count() >= 1
    assert page.locator("#low-confidence-share svg.share-line circle").count() >= 1
    assert page.locator("#top-use-cases, #top-clusters").count() == 2
    row = page.locator(".gap-list tbody tr", has_text="robots that water office plants")
    assert row.locator(".gap-text").inner_text() == PAYLOAD
    assert page.evaluate("window.injected === undefined")
    assert not dialogs

    row.locator("a.create-draft").click()
    page.wait_for_url(f"**/admin/usecases/usecase/add/?from_query={gap.pk}")
    assert page.input_value("input[name=problem_statements-0-text]") == PAYLOAD
    # The language tabs come from the vendored jQuery UI (the page fixture forbids a CDN).
    assert page.locator(".ui-tabs").count() >= 1
    assert not errors
