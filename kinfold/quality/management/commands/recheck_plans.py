"""Run the plan-quality checks again on every open plan: once a night, so that actions that
became overdue since the plan was last saved show on the plan and on the team's view."""

from django.core.management.base import BaseCommand

from kinfold.plans.services import recheck_open_plans


class Command(BaseCommand):
    help = "Re-run the plan-quality checks on every open plan (run once a night)."

    def handle(self, *args, **options):
        changed = recheck_open_plans()
        self.stdout.write(f"Findings changed on {changed} open plan(s).")
