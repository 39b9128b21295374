"""Walks the audit chain and reports every altered or missing row; exits 1 if any."""

import sys

from django.core.management.base import BaseCommand

from kinfold.access.audit import verify_chain
from kinfold.access.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit log's hash chain: report altered or missing rows."

    def handle(self, *args, **options):
        problems = list(verify_chain())
        total = AuditEvent.objects.count()
        for problem in problems:
            self.stdout.write(f"row {problem.seq}: {problem.problem}")
        if problems:
            self.stderr.write(self.style.ERROR(f"{len(problems)} problem(s) in {total} rows"))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {total} rows"))
