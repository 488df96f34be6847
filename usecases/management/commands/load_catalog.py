from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from usecases.services import CATALOG_DIR, CatalogError, load_catalog


class Command(BaseCommand):
    help = (
        "Load the catalog files into the database; safe to run again (changes only what differs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, default=CATALOG_DIR)

    def handle(self, *args: object, directory: Path, **options: object) -> None:
        try:
            report = load_catalog(directory)
        except CatalogError as exc:
            raise CommandError(
                f"The catalog has {len(exc.problems)} problem(s), nothing was loaded:\n"
                + "\n".join(f"  - {problem}" for problem in exc.problems)
            ) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
