"""Limits on catalog import files, checked before a file is parsed.

django-import-export reads an uploaded file whole and then every cell of its first sheet: an
XLSX file of a few kilobytes that declares a sheet of 20,000 by 16,384 cells (openpyxl fills the
undeclared ones in) held one worker at 3.3 GB for a minute. So a file is refused, with a message
in the user's language, when it is larger than `CATALOG_IMPORT_MAX_BYTES`, when an XLSX file
unpacks to more than `CATALOG_IMPORT_MAX_UNPACKED_BYTES`, when its sheet declares more rows or
columns than `CATALOG_IMPORT_MAX_ROWS` / `CATALOG_IMPORT_MAX_COLUMNS`, and when reading it,
row by row and never past the limits, finds more than that.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import openpyxl
import tablib
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm


class ImportRefused(ValueError):
    """A file the catalog import does not read; the message says why, in the active language."""


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def check_file_size(size: int) -> None:
    """Refuse a file larger than CATALOG_IMPORT_MAX_BYTES."""
    limit = settings.CATALOG_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRefused(
            _("The file is too large to import: %(size)s (at most %(limit)s).")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def _too_many_rows() -> ImportRefused:
    limit = _number(settings.CATALOG_IMPORT_MAX_ROWS)
    return ImportRefused(
        _(
            "The file has more than %(limit)s data rows; at most %(limit)s can be imported at "
            "once. Please split it into smaller files."
        )
        % {"limit": limit}
    )


def _too_many_columns() -> ImportRefused:
    limit = _number(settings.CATALOG_IMPORT_MAX_COLUMNS)
    return ImportRefused(
        _("The file has more than %(limit)s columns; at most %(limit)s can be imported.")
        % {"limit": limit}
    )


class CatalogImportForm(ImportForm):
    """The admin's import form, refusing a file too large to read before anything reads it."""

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        try:
            check_file_size(upload.size)
        except ImportRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class LimitedCSV(CSV):
    """CSV whose rows and columns are counted, streaming, before tablib reads the file."""

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> tablib.Dataset:
        check_file_size(len(in_stream))
        text = (
            in_stream.decode(self.encoding or "utf-8")
            if isinstance(in_stream, bytes)
            else in_stream
        )
        for number, row in enumerate(csv.reader(io.StringIO(text))):
            if len(row) > settings.CATALOG_IMPORT_MAX_COLUMNS:
                raise _too_many_columns()
            if number > settings.CATALOG_IMPORT_MAX_ROWS:  # row 0 is the header
                raise _too_many_rows()
        return super().create_dataset(in_stream, **kwargs)


class LimitedXLSX(XLSX):
    """XLSX read row by row from the first sheet, within the limits, like the library's own
    format otherwise (values of formula cells, a header row, then data rows)."""

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        check_file_size(len(in_stream))
        max_rows = settings.CATALOG_IMPORT_MAX_ROWS
        max_columns = settings.CATALOG_IMPORT_MAX_COLUMNS
        _check_unpacked_size(in_stream)
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            sheet = book.active
            if sheet is None:  # a workbook whose sheets are all hidden holds nothing to read
                return tablib.Dataset()
            # The size the sheet declares is what openpyxl would fill with empty cells.
            declared_rows, declared_columns = sheet.max_row, sheet.max_column
            if (declared_rows or 0) > max_rows + 1 or (declared_columns or 0) > max_columns:
                raise ImportRefused(
                    _(
                        "The sheet declares %(rows)s rows and %(columns)s columns; at most "
                        "%(max_rows)s rows and %(max_columns)s columns can be imported. Please "
                        "remove empty rows and columns or split the file."
                    )
                    % {
                        "rows": _number(declared_rows or 0),
                        "columns": _number(declared_columns or 0),
                        "max_rows": _number(max_rows),
                        "max_columns": _number(max_columns),
                    }
                )
            # A sheet may declare less than it holds (or nothing): never read past the limits.
            width = min(declared_columns or max_columns + 1, max_columns + 1)
            rows = sheet.iter_rows(max_row=max_rows + 2, max_col=width, values_only=True)
            dataset = tablib.Dataset()
            header = list(next(rows, ()))
            while header and header[-1] is None:
                header.pop()
            if len(header) > max_columns:
                raise _too_many_columns()
            dataset.headers = header
            for number, row in enumerate(rows, start=1):
                if number > max_rows:
                    raise _too_many_rows()
                if any(value is not None for value in row[max_columns:]):
                    raise _too_many_columns()
                values = list(row[: len(header)])
                dataset.append(values + [None] * (len(header) - len(values)))
            return dataset
        finally:
            book.close()


def _check_unpacked_size(data: bytes) -> None:
    """Refuse an archive whose members unpack to more than CATALOG_IMPORT_MAX_UNPACKED_BYTES.

    The sizes come from the archive's directory; Python's zipfile never unpacks a member past
    its stated size, so a member cannot lie its way past this check.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return  # not an archive at all: openpyxl says so in the usual error
    limit = settings.CATALOG_IMPORT_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise ImportRefused(
            _("The file unpacks to more than %(limit)s; it cannot be imported.")
            % {"limit": filesizeformat(limit)}
        )
