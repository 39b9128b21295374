"""Write the partner API's OpenAPI document to docs/api/openapi.json (or check it is current)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from kinfold.api.openapi import DOCUMENT, openapi_text


class Command(BaseCommand):
    help = "Write the partner API's OpenAPI document to docs/api/openapi.json."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DOCUMENT), help="Where to write it")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit 1 if the file differs from the generated document",
        )

    def handle(self, *args, output, check, **options):
        path = Path(output)
        text = openapi_text()
        if check:
            current = path.read_text() if path.exists() else ""
            if current != text:
                self.stderr.write(
                    f"{path} is out of date: run `manage.py export_openapi` and commit it"
                )
                sys.exit(1)
            self.stdout.write(f"{path} is up to date")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
