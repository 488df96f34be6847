"""`manage.py serve [addrport]`: the development server, with the models and index loaded first."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Load both encoders and the current index, then run the development server without "
        "autoreload in this process, so the first match does not wait seconds for a model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        from matching.services import warm_up

        self.stdout.write("Loading the embedding models and the index ...")
        warm_up()  # the same as gunicorn's post_worker_init
        # --noreload: the server runs in this process, which now holds the warm models; with
        # the autoreloader a child process would start cold.
        call_command("runserver", addrport, use_reloader=False)
