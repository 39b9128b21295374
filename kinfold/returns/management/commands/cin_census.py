"""Build the DfE children in need census for a census year into an XML file:

    python manage.py cin_census --year 2025 --out cin-census-2025.xml

The year is the one the census ends in: 2025 is 1 April 2024 to 31 March 2025. The build is
recorded like one asked for on the returns page, and the file's export is audited. Exits
non-zero, saying why, on a bad year (not a year, before 2025, not yet begun) or folder, and
when the build fails. A build with problems writes its file and lists them: it is not ready
to send.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kinfold.returns import services
from kinfold.returns.cin_census import CODE
from kinfold.returns.models import BuildStatus


class Command(BaseCommand):
    help = "Build the CIN census for the year ending 31 March YEAR into an XML file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", required=True, help="The year the census ends: 2025")
        parser.add_argument("--out", required=True, help="The .xml file to write")

    def handle(self, *args, **options) -> None:
        out = Path(options["out"])
        if out.suffix.lower() != ".xml":
            raise CommandError(f"--out {out} must name an .xml file")
        if not out.parent.is_dir():
            raise CommandError(f"--out {out}: the folder {out.parent} does not exist")
        parameters = {"year": options["year"]}

        console = Console(file=getattr(self.stderr, "_out", sys.stderr))
        with Progress(
            TextColumn(f"CIN census {options['year']}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            task = bar.add_task("children", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total or None)

            try:
                build = services.build_from_command_line(
                    kind=CODE, parameters=parameters, on_progress=progress
                )
            except ValidationError as error:
                raise CommandError(f"--year: {' '.join(error.messages)}") from None

        if build.status != BuildStatus.FINISHED:
            raise CommandError(f"The build failed: {build.error}")
        with build.file.open("rb") as stored:
            out.write_bytes(stored.read())
        for part, rows in build.summary.items():
            self.stdout.write(f"{part}: {rows}")
        problems = list(build.problems.all())
        for problem in problems:
            where = ", ".join(p for p in (problem.reference, problem.column) if p)
            self.stdout.write(f"Problem ({where or problem.part}): {problem.reason}")
        verdict = (
            "ready to send"
            if build.ready_to_send
            else f"not ready to send ({len(problems)} problems)"
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote {out}: {verdict}"))
