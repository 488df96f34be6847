"""How django-allauth treats provider accounts: our site name in mails, users shown by email."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser

from config.context_processors import site_name


def user_display(user: AbstractBaseUser) -> str:
    """Providers log in by email; the username allauth derives from it means nothing to them."""
    return getattr(user, "email", "") or str(user)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Without django.contrib.sites allauth names the site by the request's host
        # ("Hello from 127.0.0.1:8000!"); our mail templates use the configured name instead.
        super().send_mail(template_prefix, email, {"site_name": site_name(), **context})
