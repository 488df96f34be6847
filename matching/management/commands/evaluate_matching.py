from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.evaluation import evaluate


class Command(BaseCommand):
    help = "Print hit@1, hit@3 and MRR at cluster level for a TSV of 'slugs<TAB>query' lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, file: Path, **options: object) -> None:
        if not file.is_file():
            raise CommandError(f"{file} does not exist")
        matcher, baseline = evaluate(file)
        self.stdout.write(f"{file}")
        self.stdout.write(matcher.line("matcher"))
        self.stdout.write(baseline.line("BM25"))
