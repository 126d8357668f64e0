"""`manage.py scim_token create NAME` prints a new SCIM token once; `list` shows them;
`revoke PREFIX` switches one off."""

from django.core.management.base import BaseCommand, CommandError

from employees.models import ScimToken
from employees.services import scim_token_create, scim_token_revoke


class Command(BaseCommand):
    help = "Makes, lists and revokes the bearer tokens identity providers use for SCIM provisioning."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="a new token, printed once")
        create.add_argument("name", help="who uses it, e.g. entra-id")
        commands.add_parser("list", help="the tokens, without their secrets")
        revoke = commands.add_parser("revoke", help="switch a token off")
        revoke.add_argument("prefix", help="the first characters of the token, as `list` shows them")

    def handle(self, *args, **options):
        if options["action"] == "create":
            token, secret = scim_token_create(name=options["name"])
            self.stderr.write(f"SCIM token “{token.name}” (shown once; store it in the identity provider):")
            self.stdout.write(secret)
        elif options["action"] == "list":
            for token in ScimToken.objects.all():
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                used = f"last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
                self.stdout.write(f"{token.prefix}…  {token.name}  {state}, {used}")
        else:
            token = ScimToken.objects.filter(prefix=options["prefix"][:8]).first()
            if token is None:
                raise CommandError(f"No token starts with {options['prefix']}")
            scim_token_revoke(token=token)
            self.stdout.write(f"Revoked “{token.name}”.")
