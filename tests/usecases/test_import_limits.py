"""Catalog imports refuse files that are too large, or declare or hold too many rows or
columns, before parsing them, with a clear message in the user's language; an "XLSX bomb" (a
few kilobytes declaring a sheet of 20,000 by 16,384 cells) costs next to no memory."""

from __future__ import annotations

import csv
import io
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from import_export.formats.base_formats import XLSX

from usecases.models import ProblemStatement
from usecases.resources import ProblemStatementResource
from usecases.services import load_catalog

pytestmark = pytest.mark.django_db

URL = "/admin/usecases/problemstatement/import/"
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # their order in the admin's format list
HEADERS = ["use_case", "language", "text", "position", "from_catalog"]


def xlsx(rows: list[list[object]], *, last_cell: tuple[int, int] | None = None) -> bytes:
    """A real workbook; `last_cell` (row, column) makes its sheet declare that size."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if last_cell is not None:
        sheet.cell(row=last_cell[0], column=last_cell[1])  # an empty cell, only declared
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, name: str, file_format: str, **headers: str):
    file = io.BytesIO(data)
    file.name = name
    return client.post(URL, {"import_file": file, "format": file_format}, **headers)


def errors_of(response) -> list[str]:
    errors = response.context["form"].errors.get("import_file", [])
    return [str(error).replace("\xa0", " ") for error in errors]  # sizes use no-break spaces


def statement_rows(count: int) -> list[list[object]]:
    return [["some-use-case", "en", f"Problem number {n}", n, "0"] for n in range(count)]


def test_an_xlsx_declaring_a_huge_sheet_is_refused_before_it_is_read(admin_client):
    bomb = xlsx([HEADERS], last_cell=(20_000, 16_384))  # A1:XFD20000, as the probe's file
    assert len(bomb) < 10_000
    statements = ProblemStatement.objects.count()

    tracemalloc.start()
    try:
        response = upload(admin_client, bomb, "bomb.xlsx", XLSX_FORMAT, HTTP_ACCEPT_LANGUAGE="de")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200
    assert errors_of(response) == [
        "Die Tabelle gibt 20.000 Zeilen und 16.384 Spalten an; importiert werden können "
        "höchstens 10.000 Zeilen und 100 Spalten. Bitte entfernen Sie leere Zeilen und Spalten "
        "oder teilen Sie die Datei auf."
    ]
    assert peak < 30 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"  # 327 million cells unread
    assert ProblemStatement.objects.count() == statements


def test_rows_beyond_the_limit_are_refused_even_when_the_sheet_declares_fewer(
    admin_client, settings
):
    settings.CATALOG_IMPORT_MAX_ROWS = 20
    honest = xlsx([HEADERS, *statement_rows(30)])
    lying = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(honest)) as source, zipfile.ZipFile(lying, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, replaced = re.subn(
                    rb'<dimension ref="[^"]+"', b'<dimension ref="A1:E2"', content
                )
                assert replaced == 1
            target.writestr(item, content)

    response = upload(admin_client, lying.getvalue(), "lying.xlsx", XLSX_FORMAT)

    assert errors_of(response) == [
        "The file has more than 20 data rows; at most 20 can be imported at once. "
        "Please split it into smaller files."
    ]


def test_an_xlsx_with_too_many_columns_is_refused(admin_client, settings):
    settings.CATALOG_IMPORT_MAX_COLUMNS = 8
    wide = xlsx([[*HEADERS, "a", "b", "c", "d"], ["x"] * 9])

    response = upload(admin_client, wide, "wide.xlsx", XLSX_FORMAT)

    assert errors_of(response) == [
        "The sheet declares 2 rows and 9 columns; at most 10,000 rows and 8 columns can be "
        "imported. Please remove empty rows and columns or split the file."
    ]


def test_an_xlsx_that_unpacks_to_too_much_is_refused(admin_client, settings):
    settings.CATALOG_IMPORT_MAX_UNPACKED_BYTES = 100_000
    packed = xlsx([HEADERS, ["some-use-case", "en", "a" * 32_000, 0, "0"]] * 5)
    assert len(packed) < settings.CATALOG_IMPORT_MAX_BYTES

    response = upload(admin_client, packed, "packed.xlsx", XLSX_FORMAT)

    assert errors_of(response) == ["The file unpacks to more than 97.7 KB; it cannot be imported."]


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(admin_client, settings):
    settings.CATALOG_IMPORT_MAX_BYTES = 2_000
    data = ",".join(HEADERS).encode() + b"\n" + b"some-use-case,en,Problem,0,0\n" * 100

    response = upload(admin_client, data, "big.csv", CSV_FORMAT, HTTP_ACCEPT_LANGUAGE="de")

    assert errors_of(response) == [
        "Die Datei ist zu groß für den Import: 2,9 KB (höchstens 2,0 KB)."
    ]


def test_a_csv_with_too_many_rows_is_refused(admin_client, settings):
    settings.CATALOG_IMPORT_MAX_ROWS = 20
    out = io.StringIO()
    csv.writer(out).writerows([HEADERS, *statement_rows(21)])

    response = upload(admin_client, out.getvalue().encode(), "rows.csv", CSV_FORMAT)

    assert errors_of(response) == [
        "The file has more than 20 data rows; at most 20 can be imported at once. "
        "Please split it into smaller files."
    ]


def test_the_exported_catalog_imports_through_the_admin_as_xlsx(admin_client):
    load_catalog()
    exported = XLSX().export_data(ProblemStatementResource().export())

    response = upload(admin_client, exported, "statements.xlsx", XLSX_FORMAT)

    page = response.content.decode()
    assert errors_of(response) == []
    assert f"Unchanged: {ProblemStatement.objects.count()}" in page
    assert "Confirm import" in page
