from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.evaluation import evaluate, summary


class Command(BaseCommand):
    help = (
        "Print cluster-level hit@1, hit@3 and MRR of the matcher, the previous pipeline and BM25 "
        "for TSV files of 'slugs<TAB>query' lines, and the low-confidence and group rates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", type=Path, nargs="+")

    def handle(self, *args: object, files: list[Path], **options: object) -> None:
        for file in files:
            if not file.is_file():
                raise CommandError(f"{file} does not exist")
        reports = []
        for file in files:
            report = evaluate(file)
            reports.append(report)
            self.stdout.write(str(file))
            for line in report.lines():
                self.stdout.write(line)
        for line in summary(reports):
            self.stdout.write(line)
