from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coop.api_auth import create_token


class Command(BaseCommand):
    help = ("Make a personal API token for a person and print its key. The key is shown this "
            "once only: only a hash of it is kept.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="The email address the person signs in with")
        parser.add_argument("--name", default="API token",
                            help="What the token is for, e.g. 'Spreadsheet sync'")

    def handle(self, *args, email, name, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No one signs in with the email address {email}. "
                               "Check the spelling, or ask them to sign up first.")
        if not user.is_active:
            raise CommandError(f"The account {user.email} is switched off, so a token for it "
                               "would not work.")
        token, key = create_token(user, name)
        # The key alone goes to stdout so that scripts can capture it; the advice to stderr.
        self.stdout.write(key)
        self.stderr.write(f"Made token “{token.name}” for {user.email}. Keep the key safe: it "
                          "will not be shown again. Send it as the header "
                          "'Authorization: Token <key>'.", style_func=self.style.SUCCESS)
