"""Run daily: move open items' due dates for timescale changes that have come into force."""

from django.core.management.base import BaseCommand

from kinfold.timescales.services import apply_scheduled_changes


class Command(BaseCommand):
    help = "Recompute open items' due dates for timescale changes now in force."

    def handle(self, *args, **options):
        results = apply_scheduled_changes()
        for r in results:
            self.stdout.write(f"{r.rule_code}: {r.moved} of {r.open_items} open items moved")
        if not results:
            self.stdout.write("No timescale change has come into force since the last run.")
