"""Companies contact approved providers; the request is stored, emailed and shown only to them."""

from __future__ import annotations

import pytest

from providers import services
from providers.models import ContactRequest, Provider
from tests.factories import (
    PASSWORD,
    make_member,
    make_provider,
    make_submission,
    make_use_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    provider = make_provider(slug="datenwerk", name="Datenwerk", contact_email="hallo@dw.example")
    provider.use_cases.add(make_use_case(slug="invoice-capture"))
    return provider


def enquiry(**overrides: object) -> dict[str, object]:
    data = {
        "name": "Petra Schmidt",
        "company": "Schmidt Metallbau",
        "email": "petra@schmidt-metall.example",
        "message": "Wir erfassen 400 Rechnungen im Monat von Hand. Können Sie helfen?",
    }
    data.update(overrides)
    return data


URL = "/providers/datenwerk/contact/?use_case=invoice-capture"


def test_a_contact_request_is_stored_and_emailed_to_the_provider(
    client, provider, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, enquiry())

    assert response.status_code == 200
    contact = ContactRequest.objects.get()
    assert (contact.provider, contact.use_case.slug) == (provider, "invoice-capture")
    assert contact.status == ContactRequest.Status.NEW
    assert contact.submission is None
    [mail] = mailoutbox
    assert mail.to == ["hallo@dw.example"]
    assert mail.reply_to == ["petra@schmidt-metall.example"]
    assert "400 Rechnungen" in mail.body


def test_the_stored_query_is_attached_only_when_the_company_chooses_so(client, provider):
    submission = make_submission(text="Rechnungen von Hand", language="de")
    url = f"{URL}&query={submission.pk}"

    client.post(url, enquiry())
    client.post(url, enquiry(share_query="on"))

    first, second = ContactRequest.objects.order_by("created_at")
    assert first.submission is None
    assert second.submission == submission


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"company": ""}, "company"),
        ({"email": "petra@"}, "email"),
        ({"email": "a@b.c<script>"}, "email"),
        ({"message": "Hilfe?"}, "message"),
        ({"message": "x" * 5001}, "message"),
    ],
)
def test_bad_input_gives_field_errors_and_stores_and_sends_nothing(
    client, provider, mailoutbox, change, field
):
    response = client.post(URL, enquiry(**change))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ContactRequest.objects.exists()
    assert mailoutbox == []


def test_a_filled_honeypot_gets_the_usual_answer_but_stores_and_sends_nothing(
    client, provider, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, enquiry(fax_number="+49 711 123"))

    assert response.status_code == 200
    assert "on its way" in response.content.decode()
    assert not ContactRequest.objects.exists()
    assert mailoutbox == []


def test_too_many_requests_from_one_address_get_429_with_retry_after(client, provider, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": (2, 3600)}
    answers = [client.post(URL, enquiry()).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    refused = client.post(URL, enquiry())
    assert int(refused["Retry-After"]) > 0
    assert "try again" in refused.content.decode()
    assert ContactRequest.objects.count() == 2


def test_a_script_in_the_message_is_shown_as_text_to_the_provider(client, provider):
    member = make_member(provider)
    client.post(URL, enquiry(message="<script>alert('x')</script> und noch etwas Text dazu"))

    client.post("/accounts/login/", {"login": member.user.email, "password": PASSWORD})
    page = client.get("/provider/").content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_a_provider_sees_and_changes_only_its_own_requests(client, provider):
    other = make_provider(slug="andere", name="Andere GmbH")
    client.post(URL, enquiry(company="Für Datenwerk"))
    client.post("/providers/andere/contact/", enquiry(company="Für Andere"))
    theirs = ContactRequest.objects.get(provider=other)
    member = make_member(provider)

    client.post("/accounts/login/", {"login": member.user.email, "password": PASSWORD})
    page = client.get("/provider/").content.decode()
    attempt = client.post(f"/provider/requests/{theirs.pk}/status/", {"status": "closed"})

    assert "Für Datenwerk" in page and "Für Andere" not in page
    assert attempt.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ContactRequest.Status.NEW


def test_a_provider_marks_a_request_answered(client, provider):
    client.post(URL, enquiry())
    contact = ContactRequest.objects.get()
    member = make_member(provider)
    client.post("/accounts/login/", {"login": member.user.email, "password": PASSWORD})

    client.post(f"/provider/requests/{contact.pk}/status/", {"status": "answered"})
    bogus = client.post(f"/provider/requests/{contact.pk}/status/", {"status": "deleted"})

    contact.refresh_from_db()
    assert contact.status == ContactRequest.Status.ANSWERED
    assert bogus.status_code == 302


def test_a_mail_server_that_is_down_loses_no_request(
    client, provider, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, enquiry())

    assert response.status_code == 200
    assert ContactRequest.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"company": "Schmidt Metallbau\r\nBcc: everyone@victim.example"},
        {"company": "Schmidt\nMetallbau"},
        {"name": "Petra\rSchmidt"},
        {"company": "Schmidt\u2028Metallbau"},
    ],
    ids=["header-injection", "newline", "carriage-return-in-name", "unicode-line-separator"],
)
def test_a_line_break_in_a_one_line_field_is_a_field_error_not_a_server_error(
    client, provider, mailoutbox, django_capture_on_commit_callbacks, change
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, enquiry(**change), HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 400
    [field] = change
    assert response.context["form"].errors[field] == ["Bitte geben Sie dies in einer Zeile ein."]
    assert not ContactRequest.objects.exists()
    assert mailoutbox == []


def test_a_stored_request_with_a_line_break_is_still_emailed_with_a_one_line_subject(
    provider, mailoutbox
):
    """Rows stored before the form refused line breaks reach the provider too."""
    contact = ContactRequest.objects.create(
        provider=provider,
        name="Petra",
        email="petra@schmidt-metall.example",
        company="Schmidt\r\nMetallbau",
        message="Wir erfassen Rechnungen von Hand, helfen Sie?",
    )

    assert services.send_contact_request(contact, "https://matcher.example.com") is True

    [mail] = mailoutbox
    assert mail.subject == "New enquiry from Schmidt Metallbau"


def test_a_mail_the_mail_library_refuses_is_logged_not_raised(provider, mailoutbox, caplog):
    """A provider name with a line break (an admin may type one) must not break inviting."""
    Provider.objects.filter(pk=provider.pk).update(name="Daten\nwerk")
    provider.refresh_from_db()
    owner = make_member(provider).user

    services.invite_colleague(provider, "kollege@dw.example", owner, lambda i: "https://x/")

    assert mailoutbox == []
    assert "could not send" in caplog.text


def test_a_tab_in_the_company_is_kept_as_a_space(client, provider):
    assert client.post(URL, enquiry(company="Schmidt\tMetallbau")).status_code == 200

    assert ContactRequest.objects.get().company == "Schmidt Metallbau"
