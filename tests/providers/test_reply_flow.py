"""Providers see how many requests are new, answer from the dashboard (or their own mail program)
and move a request on with one click; a reply marks it answered."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from providers.models import ContactRequest
from tests.factories import make_member, make_use_case

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}
MESSAGE = "Wir bekommen 400 Rechnungen im Monat.\nKönnen Sie uns helfen?"


@pytest.fixture
def member():
    return make_member(email="team@belegblick.example")


def make_request(provider, **overrides) -> ContactRequest:
    values = {
        "provider": provider,
        "name": "Petra Schmidt",
        "company": "Schmidt Metallbau",
        "email": "petra@schmidt-metall.example",
        "message": MESSAGE,
        "language": "de",
    }
    values.update(overrides)
    return ContactRequest.objects.create(**values)


@pytest.fixture
def logged_in(client, member):
    client.force_login(member.user)
    return client


def test_the_navigation_shows_how_many_requests_are_new(logged_in, member):
    make_request(member.provider)
    make_request(member.provider)
    make_request(member.provider, status=ContactRequest.Status.ANSWERED)

    page = logged_in.get("/provider/team/", **GERMAN).content.decode()

    assert "2 neue Anfragen" in page
    assert 'class="count-badge"' in page


def test_no_badge_when_nothing_is_new(logged_in, member):
    make_request(member.provider, status=ContactRequest.Status.CLOSED)

    assert "count-badge" not in logged_in.get("/provider/").content.decode()


def test_replying_mails_the_company_with_its_request_quoted_and_marks_it_answered(
    logged_in, member, mailoutbox
):
    contact = make_request(member.provider, use_case=make_use_case())
    form = logged_in.get(f"/provider/requests/{contact.pk}/reply/", **GERMAN)
    assert "Antwort an Schmidt Metallbau" in form.content.decode()

    response = logged_in.post(
        f"/provider/requests/{contact.pk}/reply/",
        {"message": "Gern! Wir rufen Sie morgen an und zeigen Ihnen eine Demo."},
        **GERMAN,
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactRequest.Status.ANSWERED
    assert contact.answered_by == member.user
    assert contact.reply.startswith("Gern!")
    [mail] = mailoutbox
    assert mail.to == ["petra@schmidt-metall.example"]
    assert mail.reply_to == ["team@belegblick.example", member.provider.contact_email]
    assert mail.subject == f"AW: Ihre Anfrage an {member.provider.name}"
    assert "Gern! Wir rufen Sie morgen an" in mail.body
    assert "> Wir bekommen 400 Rechnungen im Monat.\n> Können Sie uns helfen?" in mail.body


def test_a_reply_that_is_too_short_sends_nothing(logged_in, member, mailoutbox):
    contact = make_request(member.provider)

    response = logged_in.post(f"/provider/requests/{contact.pk}/reply/", {"message": "Ja."})

    assert response.status_code == 400
    contact.refresh_from_db()
    assert contact.status == ContactRequest.Status.NEW
    assert mailoutbox == []


def test_a_mail_server_that_is_down_loses_no_reply(logged_in, member, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.providers.test_reply_flow.BrokenBackend"
    contact = make_request(member.provider)

    response = logged_in.post(
        f"/provider/requests/{contact.pk}/reply/",
        {"message": "Gern! Wir rufen Sie morgen an und zeigen Ihnen eine Demo."},
        follow=True,
    )

    contact.refresh_from_db()
    assert contact.status == ContactRequest.Status.ANSWERED
    assert "could not be sent" in response.content.decode()


class BrokenBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("mail server down")


def test_the_mailto_link_prefills_subject_and_quotes_the_request(logged_in, member):
    contact = make_request(member.provider)

    page = logged_in.get("/provider/", **GERMAN)

    [listed] = page.context["contact_requests"]
    link = urlsplit(listed.mailto)
    fields = parse_qs(link.query)
    assert (link.scheme, unquote(link.path)) == ("mailto", contact.email)
    assert fields["subject"] == [f"AW: Ihre Anfrage an {member.provider.name}"]
    assert "> Wir bekommen 400 Rechnungen im Monat." in fields["body"][0]
    assert "Im E-Mail-Programm antworten" in page.content.decode()


def test_status_changes_take_one_click_each_and_return_to_the_request(logged_in, member):
    contact = make_request(member.provider)
    page = logged_in.get("/provider/", **GERMAN).content.decode()
    assert "Als beantwortet markieren" in page
    assert "Schließen" in page

    response = logged_in.post(
        f"/provider/requests/{contact.pk}/status/", {"status": "closed", "shown": "new"}
    )

    assert response["Location"] == f"/provider/?status=new#request-{contact.pk}"
    contact.refresh_from_db()
    assert contact.status == ContactRequest.Status.CLOSED
    reopened = logged_in.get("/provider/", **GERMAN).content.decode()
    assert "Als neu markieren" in reopened


def test_another_providers_request_cannot_be_answered(logged_in):
    theirs = make_request(make_member().provider)

    assert logged_in.get(f"/provider/requests/{theirs.pk}/reply/").status_code == 404
    answer = {"message": "Gern! Wir rufen Sie morgen an und zeigen Ihnen eine Demo."}
    assert logged_in.post(f"/provider/requests/{theirs.pk}/reply/", answer).status_code == 404


def test_provider_pages_have_a_footer_for_providers(logged_in):
    page = logged_in.get("/provider/", **GERMAN).content.decode()

    assert "Ihre Anfragen erscheinen" in page or "Anfragen erscheinen" in page
    assert "Die Wertangaben sind erste Schätzungen" not in page
