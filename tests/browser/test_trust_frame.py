"""The frame a Mittelstand company trusts: an Impressum and "About us / How we assess" linked
from every footer, our own wordmark, our own 404 in both languages and the same space between
header and heading on every page. At a laptop's and a phone's width, in English and German."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser]

WIDTHS = ["desktop", "phone"]
LANGUAGES = ["en", "de"]
IMPRESSUM = {"en": "Legal notice (Impressum)", "de": "Impressum"}
ABOUT = {"en": "About us and how we assess", "de": "Über uns und wie wir bewerten"}
NOT_FOUND = {"en": "Page not found", "de": "Seite nicht gefunden"}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_footer_leads_to_the_impressum_with_the_operator_or_marked_placeholders(
    browse, site, language, width
):
    page = browse(width, language)
    page.goto(f"{site}/clusters/")

    page.locator(".site-footer").get_by_role("link", name=IMPRESSUM[language], exact=True).click()

    assert page.locator("h1").inner_text() == IMPRESSUM[language]
    placeholders = page.locator(".operator .placeholder")
    # The embedded default names no operator: every line is a visible, marked placeholder.
    assert placeholders.count() == 7
    assert "OPERATOR_NAME" in placeholders.first.inner_text()
    page.locator(".site-footer").get_by_role("link", name=ABOUT[language], exact=True).click()
    assert page.locator("h1").inner_text() == ABOUT[language]
    assert page.locator("h2#limits").is_visible()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_address_answers_with_the_sites_own_404(browse, site, language, width):
    page = browse(width, language)

    response = page.goto(f"{site}/no-such-page/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == NOT_FOUND[language]
    assert page.locator(".site-header .brand-mark").count() == 1
    assert page.locator(".site-footer a[href='/impressum/']").count() == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_the_wordmark_is_our_own_svg(browse, site, width):
    page = browse(width, "en")
    page.goto(site)

    mark = page.locator(".brand .brand-mark")
    assert mark.get_attribute("src").endswith("/img/mark.svg")
    assert page.evaluate("document.querySelector('.brand-mark').naturalWidth") > 0
    assert page.locator(".brand").inner_text().strip() == "AI Use Case Matcher"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path",
    ["/", "/clusters/", "/providers/", "/impressum/", "/about/", "/privacy/", "/no-such-page/"],
)
def test_every_page_keeps_the_same_space_between_header_and_content(browse, site, path, width):
    page = browse(width, "de")
    page.goto(f"{site}{path}")

    gap = page.evaluate(
        """() => document.querySelector('main').firstElementChild.getBoundingClientRect().top
                 - document.querySelector('.site-header').getBoundingClientRect().bottom"""
    )
    assert 20 <= gap <= 32, f"{path}: the content starts {gap} px below the header"
