"""python manage.py demo_setup --children N — the synthetic county and demo accounts for
`make run`. Demo mode only; a second run reuses what exists."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from synthetic.county import GeneratorRefused, generate
from synthetic.demo import DEMO_PASSWORD, county_ready, ensure_demo_accounts
from synthetic.models import SyntheticCounty
from synthetic.pipeline import Options, make_progress


class Command(BaseCommand):
    help = "Demo mode: make a small synthetic county (once) and one demo account per persona."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--front-door-years", type=int, default=2)

    def handle(self, *args, **opts) -> None:
        if not getattr(settings, "DEMO_MODE", False):
            raise CommandError(
                "demo_setup only runs in demo mode (KINFOLD_DEMO=1): it makes accounts with a "
                "shared, printed password."
            )
        console = Console(file=self.stdout._out)  # type: ignore[attr-defined]
        quiet = opts["verbosity"] < 1
        started = time.monotonic()
        if county_ready():
            county = SyntheticCounty.objects.filter(completed=True).latest("pk")
            if not quiet:
                console.print(
                    f"Reusing the synthetic county made on {county.started_at:%-d %B %Y} "
                    f"({county.children:,} children, seed {county.seed})."
                )
        else:
            if not quiet:
                console.print(f"Making a synthetic county of {opts['children']:,} children…")
            options = Options(
                children=opts["children"],
                years=opts["years"],
                seed=opts["seed"],
                today=timezone.localdate(),
                front_door_years=max(1, opts["front_door_years"]),
            )
            try:
                # An unfinished county (an interrupted run) is cleared: demo data is synthetic.
                generate(options, clear=True, progress=make_progress(not quiet, console))
            except GeneratorRefused as error:
                raise CommandError(str(error)) from error
        accounts = ensure_demo_accounts(timezone.localdate())
        if quiet:
            return
        table = Table(title="DEMO ACCOUNTS — demo mode only", title_style="bold black on yellow")
        table.add_column("persona")
        table.add_column("username", no_wrap=True, min_width=20)
        table.add_column("team")
        table.add_column("children", justify="right")
        for account in accounts:
            table.add_row(
                account.persona.label,
                account.worker.username,
                account.team.name,
                str(account.children),
            )
        console.print(table)
        console.print(
            Panel(
                f"Password for every demo account: [bold]{DEMO_PASSWORD}[/bold]\n"
                "Every person is synthetic. Never enter real information in demo mode.\n"
                "Sign in at http://127.0.0.1:8000",
                title="Demo mode only",
                style="black on yellow",
            )
        )
        console.print(f"demo_setup finished in {time.monotonic() - started:.1f} s.")
