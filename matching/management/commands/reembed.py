from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from matching import indexing
from matching.models import IndexBuild
from usecases.models import UseCase


class Command(BaseCommand):
    help = "Encode catalog texts that changed (or all of them) and build a new index if needed."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="check every use case")
        which.add_argument("--stale", action="store_true", help="only what needs it")

    def handle(self, *args: object, all: bool, stale: bool, **options: object) -> None:
        ids = (
            list(UseCase.objects.values_list("pk", flat=True))
            if all
            else indexing.use_cases_needing_embedding()
        )
        with tqdm(desc="encoding", unit="text", disable=not ids) as bar:

            def advance(done: int, total: int) -> None:
                bar.total = total
                bar.update(done)

            report = indexing.refresh_and_rebuild(ids, progress=advance)
        latest = IndexBuild.objects.order_by("-version").first()
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.use_cases} use cases checked, {report.encoded} texts encoded, "
                f"{report.removed} removed. Serving {latest}."
            )
        )
