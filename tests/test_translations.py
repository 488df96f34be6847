"""Every interface text has a German translation, and the compiled catalog is current."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "de" / "LC_MESSAGES" / "django.po"


def entries() -> list[str]:
    return PO.read_text(encoding="utf-8").split("\n\n")[1:]  # the first block is the header


def test_no_german_text_is_missing_or_fuzzy():
    untranslated = [
        block
        for block in entries()
        if "#, fuzzy" in block or re.search(r'^msgstr(\[\d\])? ""\Z', block.strip(), re.M)
    ]
    assert not untranslated, untranslated[:3]


def test_the_compiled_catalog_matches_its_source():
    with PO.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', PO.read_text(encoding="utf-8"), re.M)
    assert len(pairs) > 100
    stale = [
        (source, text)
        for source, text in pairs
        if catalog.gettext(source.replace('\\"', '"')) != text.replace('\\"', '"')
    ]
    assert not stale, stale[:3]
