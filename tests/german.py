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
    "erstelle fordere füge gehe gib hinterlege ignoriere klick klicke kontaktiere "
    "kopiere lass lege lies logge melde nimm nutze öffne prüfe registriere schaue schick "
    "schicke sende setze sieh starte tippe trage überprüfe verwende versuche vergiss wähle warte "
    "wiederhole"
).split()
# These are nouns too ("die Frage", "die Folge", "die Schau"); only their lower-case forms, which
# the nouns never take, are imperatives ("bitte folge dem Link").
NOUN_IMPERATIVES = "folge frag frage schau".split()
INFORMAL = re.compile(
    rf"\b((?i:{'|'.join(PRONOUNS + IMPERATIVES)})|{'|'.join(NOUN_IMPERATIVES)})\b"
)
TAG = re.compile(r"<[^>]+>")


def visible_text(markup: str) -> str:
    """What a reader sees of an HTML page: text without tags, scripts or attribute values."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    return html.unescape(TAG.sub(" ", markup))


def informal_words(text: str) -> list[str]:
    return INFORMAL.findall(text)
