"""Build Ofsted's Annex A lists as at a date, into an .xlsx file:

    python manage.py annex_a --as-at 2025-03-31 --out annex-a.xlsx [--lists 1,2,3]

The build is recorded like one asked for on the returns page, and the file's export is
audited. Exits non-zero, saying why, on bad input (a date in the future, a list Annex A does
not have or Kinfold does not build yet) and when the build fails.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kinfold.returns import services
from kinfold.returns.annex_a import CODE
from kinfold.returns.models import BuildStatus


def _date(value: str) -> dt.date:
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise CommandError(f"--as-at {value!r} is not a date: write it like 2025-03-31 or 31/03/2025")


class Command(BaseCommand):
    help = "Build Ofsted Annex A lists as at a date into an .xlsx file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-at", required=True, help="The as-at date: 2025-03-31")
        parser.add_argument("--out", required=True, help="The .xlsx file to write")
        parser.add_argument(
            "--lists", default="", help="Which lists, e.g. 1,3 (default: every list built)"
        )

    def handle(self, *args, **options) -> None:
        as_at = _date(options["as_at"])
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError(f"--out {out} must name an .xlsx file")
        if not out.parent.is_dir():
            raise CommandError(f"--out {out}: the folder {out.parent} does not exist")
        parameters: dict = {"as_at": as_at}
        if options["lists"].strip():
            parameters["lists"] = [p for p in options["lists"].split(",") if p.strip()]

        # Rich draws on the raw error stream (Django's wrapper would add line endings).
        console = Console(file=getattr(self.stderr, "_out", sys.stderr))
        with Progress(
            TextColumn("Annex A as at " + as_at.strftime("%d/%m/%Y")),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            task = bar.add_task("rows", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            try:
                build = services.build_from_command_line(
                    kind=CODE, parameters=parameters, on_progress=progress
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None

        if build.status != BuildStatus.FINISHED:
            raise CommandError(f"The build failed: {build.error}")
        with build.file.open("rb") as stored:
            out.write_bytes(stored.read())
        for part, rows in build.summary.items():
            self.stdout.write(f"{part}: {rows} row{'s' if rows != 1 else ''}")
        problems = list(build.problems.all())
        for problem in problems:
            where = f"{problem.part}, {problem.reference}" + (
                f", {problem.column}" if problem.column else ""
            )
            self.stdout.write(f"Problem ({where}): {problem.reason}")
        verdict = (
            "ready to send"
            if build.ready_to_send
            else f"not ready to send ({len(problems)} problems)"
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote {out}: {verdict}"))
