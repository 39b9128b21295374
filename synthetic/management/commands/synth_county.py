"""python manage.py synth_county --children N --years Y --seed S [--clear]"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from synthetic.county import GeneratorRefused, generate
from synthetic.pipeline import Options, make_progress


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date like 2026-03-31, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Make a deterministic synthetic county: workforce, families, addresses, relationships, "
        "allocations, planted duplicates (with their ground truth) and search keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=2000, help="children to make")
        parser.add_argument("--years", type=int, default=3, help="years of recorded history")
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--today", type=_date, default=None, help="reference date (default: today)"
        )
        parser.add_argument("--duplicate-rate", type=float, default=0.02)
        parser.add_argument(
            "--allocated-share",
            type=float,
            default=0.014,
            help="share of families open to a case-holding team (seed 004: 60-80 per unit)",
        )
        parser.add_argument(
            "--front-door-years",
            type=int,
            default=2,
            help="years of front door contacts (6,500 a month per 128,000 children, seed 004)",
        )
        parser.add_argument(
            "--clear", action="store_true", help="remove the previous synthetic county first"
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            help="allow running without DEMO_MODE, TESTING or DEBUG",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts) -> None:
        if opts["children"] < 1:
            raise CommandError("--children must be at least 1")
        if opts["years"] < 1:
            raise CommandError("--years must be at least 1")
        if not 0 <= opts["duplicate_rate"] <= 0.5:
            raise CommandError("--duplicate-rate must be between 0 and 0.5")
        if opts["front_door_years"] < 1:
            raise CommandError("--front-door-years must be at least 1")
        if not 0 <= opts["allocated_share"] <= 1:
            raise CommandError("--allocated-share must be between 0 and 1")
        options = Options(
            children=opts["children"],
            years=opts["years"],
            seed=opts["seed"],
            today=opts["today"] or timezone.localdate(),
            duplicate_rate=opts["duplicate_rate"],
            allocated_share=opts["allocated_share"],
            front_door_years=opts["front_door_years"],
        )
        console = Console(file=self.stdout._out, stderr=False)  # type: ignore[attr-defined]
        show = opts["verbosity"] >= 1 and not opts["no_progress"]
        started = time.monotonic()
        try:
            county = generate(
                options,
                clear=opts["clear"],
                i_know_this_is_not_production=opts["i_know_this_is_not_production"],
                progress=make_progress(show, console),
            )
        except GeneratorRefused as error:
            raise CommandError(str(error)) from error
        if opts["verbosity"] >= 1:
            table = Table(title=f"Synthetic county (seed {options.seed}, today {options.today})")
            table.add_column("what")
            table.add_column("count", justify="right")
            for key, value in county.counts.items():
                table.add_row(key, f"{value:,}")
            console.print(table)
            console.print(f"Done in {time.monotonic() - started:.1f} s.")
