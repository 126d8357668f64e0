"""`manage.py import_org FILE --kind people|departments [--mode full] [--apply]`: the same check
and apply as the page and the API, in this process, with a progress bar. Without `--apply` it
only says what the file would do."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import Conflict
from core.uploads import UploadRefused, read_bounded
from employees.models import ImportKind, ImportMode, ImportStatus, User
from employees.services import org_import_apply, org_import_apply_start, org_import_upload


class Command(BaseCommand):
    help = "Checks an organisation file (departments or people, CSV or XLSX) and, with --apply, writes it."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a CSV (UTF-8) or XLSX file")
        parser.add_argument("--kind", choices=ImportKind.values, required=True)
        parser.add_argument("--mode", choices=ImportMode.values, default=ImportMode.PARTIAL)
        parser.add_argument("--apply", action="store_true", help="write the file when it has no problems")
        parser.add_argument("--user", help="the username recorded in the audit trail")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No such user: {options['user']}")
        try:
            with path.open("rb") as stream:
                content = read_bounded(stream)
        except UploadRefused as refused:
            raise CommandError(str(refused)) from None
        org_import = org_import_upload(
            kind=options["kind"], mode=options["mode"], file_name=path.name, content=content, actor=actor
        )
        counts = ", ".join(f"{name} {value}" for name, value in org_import.counts.items())
        if org_import.status == ImportStatus.INVALID:
            for error in org_import.errors:
                where = f"row {error['row']}" if error["row"] else "file"
                column = f", {error['column']}" if error["column"] else ""
                self.stderr.write(f"{where}{column}: {error['message']}")
            raise CommandError(f"Import #{org_import.pk}: {org_import.error_count} problem(s); nothing was written.")
        self.stdout.write(f"Import #{org_import.pk} checked: {org_import.rows_total} rows; would be {counts}.")
        if not options["apply"]:
            self.stdout.write("Nothing was written; run again with --apply to write it.")
            return
        try:
            org_import_apply_start(org_import=org_import, actor=actor, queue=False)
        except Conflict as conflict:
            raise CommandError(str(conflict.message)) from None
        show = not options["no_progress"] and options["verbosity"] > 0
        with tqdm(total=100, desc="Applying", unit="%", file=self.stderr._out, disable=not show) as bar:
            result = org_import_apply(org_import_id=org_import.pk, on_progress=lambda p: bar.update(max(p - bar.n, 0)))
        if result.status != ImportStatus.APPLIED:
            raise CommandError(f"Import #{result.pk} is {result.status}; nothing was written.")
        counts = ", ".join(f"{name} {value}" for name, value in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Import #{result.pk} applied: {counts}."))
