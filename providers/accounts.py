"""How django-allauth treats the accounts of providers and experts: our site name in mails,
users shown by email, each sent to their own work after logging in, and a sign-up that tells
nobody whether an address is registered.

allauth already answers a registered address with the usual redirect and sends it an "account
exists" email instead of a verification link. Two differences remained: creating an account
hashes the password, which takes a measurable quarter of a second that a registered address
skipped; and allauth sends an address at most one such email every few minutes and then adds no
"Confirmation email sent" message either. Both answers now cost one password hash and carry the
same message; emails are sent in both cases under the same per-address limit.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import reverse

from core.context_processors import site_name

CONFIRMATION_SENT = "account/messages/email_confirmation_sent.txt"


def user_display(user: User) -> str:
    """Providers log in by email; the username allauth derives from it means nothing to them."""
    return getattr(user, "email", "") or str(user)


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        from experts.services import expert_of

        if expert_of(request.user) is not None:
            return reverse("experts:work")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Without django.contrib.sites allauth names the site by the request's host
        # ("Hello from 127.0.0.1:8000!"); our mail templates use the configured name instead.
        super().send_mail(template_prefix, email, {"site_name": site_name(), **context})

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """Notes on the request that the "Confirmation email sent" message was added."""
        if message_template == CONFIRMATION_SENT:
            request._confirmation_sent_message = True  # type: ignore[attr-defined]
        super().add_message(
            request, level, message_template, message_context, extra_tags, message=message
        )


class SignupForm(AllauthSignupForm):
    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        """Sign up a new address, or answer a registered one in the same time and words."""
        if not self.account_already_exists:
            return super().try_save(request)  # the message follows when the view completes
        # What creating the account would have cost; the hash itself is thrown away.
        make_password(self.cleaned_data.get("password1"))
        user, response = super().try_save(request)
        if not getattr(request, "_confirmation_sent_message", False):
            # allauth skipped the email (and so the message) within its per-address limit.
            email = self.cleaned_data["email"]
            AccountAdapter(request).add_message(
                request,
                messages.INFO,
                CONFIRMATION_SENT,
                {"email": email, "login": False, "signup": True},
            )
        return user, response
