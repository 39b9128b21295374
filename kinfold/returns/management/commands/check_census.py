"""Kinfold's own CIN census checks over every child in the census year (the nightly run):

    python manage.py check_census --year 2025

Replaces every census problem kept for the year (a child whose record is now right loses
theirs) and prints how many children were checked and how many problems each rule found.
Exits non-zero, saying why, on a bad year.
"""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kinfold.returns.census_checks.checking import check_year
from kinfold.returns.cin_census import parse
from kinfold.returns.models import CensusProblem


class Command(BaseCommand):
    help = "Check every child's CIN census record for the year ending 31 March YEAR."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", required=True, help="The year the census ends: 2025")

    def handle(self, *args, **options) -> None:
        try:
            year = int(parse({"year": options["year"]}).values["year"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        done = check_year(year)
        by_rule = Counter(CensusProblem.objects.filter(year=year).values_list("rule", flat=True))
        self.stdout.write(
            f"CIN census {year}: {done.children} children checked, {done.problems} problems"
        )
        for rule, count in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            self.stdout.write(f"  {rule or 'not in the file'}: {count}")
