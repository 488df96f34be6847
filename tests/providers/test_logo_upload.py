"""A provider's logo is checked and re-encoded before it is stored; bad files are refused with a
clear message and leave nothing behind."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from providers.models import Provider
from tests.factories import make_member, make_use_case
from tests.providers.test_profile import profile_data

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


def png(size=(800, 400), text: dict[str, str] | None = None, mode="RGBA") -> bytes:
    image = Image.new(mode, size, (11, 92, 173, 255) if mode == "RGBA" else 1)
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (300, 300), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = "Company logo"  # ImageDescription
    exif[0x013B] = "Anna Artist"  # Artist
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"made with care")
    return out.getvalue()


@pytest.fixture
def member(client):
    member = make_member()
    client.force_login(member.user)
    return member


def upload(client, member, name: str, content: bytes, content_type: str = "image/png"):
    data = profile_data(
        make_use_case(),
        name=member.provider.name,
        logo_upload=SimpleUploadedFile(name, content, content_type=content_type),
    )
    return client.post("/provider/profile/", data, **GERMAN)


def logo_error(response) -> str:
    page = response.content.decode()
    return page.split('id="id_logo_upload_error"')[1].split("</p>")[0]


def test_a_logo_is_stored_as_a_fresh_png_without_the_uploads_metadata(client, member):
    response = upload(client, member, "logo.jpg", jpeg_with_exif(), "image/jpeg")

    assert response.status_code == 302
    member.provider.refresh_from_db()
    stored = Image.open(io.BytesIO(bytes(member.provider.logo)))
    assert (stored.format, member.provider.logo_type) == ("PNG", "image/png")
    assert "exif" not in stored.info and "comment" not in stored.info
    assert b"Anna Artist" not in bytes(member.provider.logo)


def test_a_large_logo_is_scaled_down_and_its_text_chunks_dropped(client, member):
    upload(client, member, "logo.png", png((1600, 800), text={"Author": "Someone"}))

    member.provider.refresh_from_db()
    stored = Image.open(io.BytesIO(bytes(member.provider.logo)))
    assert stored.size == (480, 240)
    assert "Author" not in stored.info


def test_the_logo_is_served_from_our_copy_and_only_public_once_approved(client, member):
    upload(client, member, "logo.png", png())
    member.provider.refresh_from_db()
    url = member.provider.logo_url()

    own = client.get(url)
    client.logout()
    anonymous = client.get(url)
    Provider.objects.filter(pk=member.provider.pk).update(approval_status="approved")
    public = client.get(url)

    assert own.status_code == 200 and own["Content-Type"] == "image/png"
    assert own.content == bytes(member.provider.logo)
    assert anonymous.status_code == 404
    assert public.status_code == 200
    assert public["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in public["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        (
            "logo.png",
            b"This is a text file that pretends to be a PNG image.",
            "image/png",
            "keine Bilddatei, die wir lesen können",
        ),
        ("logo.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024), "image/png", "zu groß"),
        (
            "logo.png",
            png(text={"Comment": "<script>alert(document.cookie)</script>"}),
            "image/png",
            "eingebetteten Code",
        ),
        (
            "logo.png",
            png() + b"<html><script>alert(1)</script></html>",
            "image/png",
            "eingebetteten Code",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
            b'<circle r="10"/></svg>',
            "image/svg+xml",
            "SVG-Dateien werden nicht angenommen",
        ),
        (
            "logo.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "image/png",
            "SVG-Dateien werden nicht angenommen",
        ),
        ("tiny.png", png((8, 8)), "image/png", "zu klein"),
        ("bomb.png", png((6000, 5000), mode="1"), "image/png", "zu viele Pixel"),
    ],
    ids=[
        "not-an-image",
        "too-large",
        "script-in-metadata",
        "html-appended",
        "svg",
        "svg-named-png",
        "too-small",
        "too-many-pixels",
    ],
)
def test_a_bad_logo_is_refused_with_a_clear_error_and_nothing_is_stored(
    client, member, name, content, content_type, message
):
    before = Provider.objects.values().get(pk=member.provider.pk)

    response = upload(client, member, name, content, content_type)

    assert response.status_code == 400
    assert message in logo_error(response)
    assert "Es wurde noch nichts gespeichert" in response.content.decode()
    assert Provider.objects.values().get(pk=member.provider.pk) == before


def test_a_bad_logo_on_a_new_profile_creates_no_profile(client):
    from tests.factories import make_user

    client.force_login(make_user())
    data = profile_data(
        make_use_case(),
        logo_upload=SimpleUploadedFile("logo.svg", b"<svg/>", content_type="image/svg+xml"),
    )

    response = client.post("/provider/profile/", data)

    assert response.status_code == 400
    assert not Provider.objects.filter(name="Datenwerk GmbH").exists()


def test_removing_the_logo_brings_back_the_placeholder(client, member):
    upload(client, member, "logo.png", png())
    data = profile_data(make_use_case(), name=member.provider.name, remove_logo="on")

    client.post("/provider/profile/", data)

    member.provider.refresh_from_db()
    assert member.provider.logo_hash == ""
    assert bytes(member.provider.logo) == b""
