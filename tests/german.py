"""Finds informal address ("du", "Bestätige deine ...") in German text; the site says "Sie"."""

from __future__ import annotations

import html
import re

PRONOUNS = (
    "du dich dir dein deine deinen deinem deiner deines euch euer eure euren eurem eurer eures"
).split()
# Imperatives in the second person singular that account pages, mails and forms tend to use.
# "Bestätigen Sie" is formal; "Bestätige" is not.
IMPERATIVES = (
    "achte aktiviere ändere antworte beachte benutze besuche bestätige deaktiviere entferne "
    "erstelle folge fordere frag frage füge gehe gib hinterlege ignoriere klick klicke kontaktiere "
    "kopiere lass lege lies logge melde nimm nutze öffne prüfe registriere schau schaue schick "
    "schicke sende setze sieh starte tippe trage überprüfe verwende versuche vergiss wähle warte "
    "wiederhole"
).split()
INFORMAL = re.compile(rf"\b({'|'.join(PRONOUNS + IMPERATIVES)})\b", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def visible_text(markup: str) -> str:
    """What a reader sees of an HTML page: text without tags, scripts or attribute values."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    return html.unescape(TAG.sub(" ", markup))


def informal_words(text: str) -> list[str]:
    return INFORMAL.findall(text)
