"""System checks for a production deployment (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

# What § 5 DDG asks of every operator: who runs the service, where, and a fast way to write.
REQUIRED_OPERATOR_KEYS = ("name", "address", "email")
# Asked of companies (representative, register entry, VAT ID) or simply expected (phone); the
# Impressum shows a "set ... before going live" placeholder for each one left empty.
EXPECTED_OPERATOR_KEYS = ("represented_by", "phone", "register", "vat_id")


@register(Tags.security, deploy=True)
def operator_details_are_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, every OPERATOR_* setting must be set, or the public Impressum shows
    placeholders: the three the law always asks for are errors, the others warnings."""
    if settings.DEBUG:
        return []
    operator = settings.OPERATOR
    messages: list[CheckMessage] = []
    for number, key in enumerate(REQUIRED_OPERATOR_KEYS, start=1):
        if not operator.get(key, "").strip():
            messages.append(
                Error(
                    f"OPERATOR_{key.upper()} is not set: the Impressum shows a placeholder "
                    "instead of a detail the law requires of every operator (§ 5 DDG).",
                    hint=f"Set OPERATOR_{key.upper()} in the environment (see .env.example).",
                    id=f"config.E00{number}",
                )
            )
    for number, key in enumerate(EXPECTED_OPERATOR_KEYS, start=1):
        if not operator.get(key, "").strip():
            messages.append(
                Warning(
                    f"OPERATOR_{key.upper()} is not set: the Impressum shows a placeholder for it.",
                    hint=f"Set OPERATOR_{key.upper()} in the environment (see .env.example).",
                    id=f"config.W00{number}",
                )
            )
    return messages
