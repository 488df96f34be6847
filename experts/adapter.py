"""Accounts are shared by providers and experts; after logging in, each goes to their own work."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        from experts.services import expert_of

        if expert_of(request.user) is not None:
            return reverse("experts:work")
        return super().get_login_redirect_url(request)
