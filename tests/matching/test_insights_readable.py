"""Readable insights: charts with axes and nothing drawn past their edge, each chart also as a
table, repeated gap queries listed once with a count, and "unsichere Treffer" in German."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from matching.insights import insights
from providers.models import ContactRequest
from tests.factories import make_provider, make_submission

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


@pytest.fixture
def editor_client(client):
    client.force_login(User.objects.create_superuser("editor", "e@matcher.example", "pw"))
    return client


def test_the_same_gap_query_is_listed_once_with_how_often_it_was_asked():
    make_submission(text="Roboter, die Pflanzen gießen", low_confidence=True)
    latest = make_submission(text="  roboter, die   Pflanzen gießen ", low_confidence=True)
    make_submission(text="Something else entirely", low_confidence=True)
    make_submission(text="Roboter, die Pflanzen gießen", low_confidence=False)

    gaps = insights(30).gaps

    robots = [gap for gap in gaps if "pflanzen" in gap.text.lower()]
    assert [(gap.count, gap.pk) for gap in robots] == [(2, latest.pk)]
    assert len(gaps) == 2


def test_every_chart_has_axes_a_table_and_keeps_its_values_inside(editor_client):
    make_submission(text="Unsere Rechnungen tippen wir ab", language="de", low_confidence=True)
    make_submission(text="We type invoices by hand every day", language="en")
    provider = make_provider()
    ContactRequest.objects.create(
        provider=provider, name="A", company="B", email="a@b.example", message="x" * 30
    )

    page = editor_client.get("/admin/curation/insights/", **GERMAN).content.decode()

    charts = re.findall(r'<svg class="insights-chart.*?</svg>', page, re.S)
    # Per day, the uncertain share and contact requests; the best-match lists have no results
    # to draw here and say so instead.
    assert len(charts) == 3
    assert page.count('<table class="chart-table">') == len(charts)
    for chart in charts:
        view_width = int(re.search(r'viewBox="0 0 (\d+) ', chart).group(1))
        assert 'class="axis"' in chart
        for x in re.findall(r'<text x="(\d+)"[^>]*class="chart-value"', chart):
            assert int(x) + 30 <= view_width  # room for the value's digits
    assert "unsichere Treffer" in page
    assert "Anteil unsicherer Treffer" in page
    assert "geringe" not in page
