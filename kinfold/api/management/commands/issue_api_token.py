"""Issue a partner API token from the command line: the token is printed once, only its hash
is kept."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kinfold.api import services
from kinfold.front_door.models import PartnerOrganisation


class Command(BaseCommand):
    help = "Issue an API token to a partner organisation; prints the token once."

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="The partner organisation's name")
        parser.add_argument("--name", required=True, help="What the token is for")

    def handle(self, *args, partner, name, **options):
        try:
            organisation = PartnerOrganisation.objects.get(name__iexact=partner.strip())
        except PartnerOrganisation.DoesNotExist:
            raise CommandError(f"No partner organisation is called '{partner}'") from None
        try:
            issued = services.issue_token(actor=None, partner=organisation, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(
            f"Token '{issued.record.name}' for {organisation} (starts {issued.record.prefix}). "
            "It is shown once: give it to the partner now."
        )
        self.stdout.write(issued.token)
