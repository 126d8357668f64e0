"""`manage.py import_service_quality FILE [--kind scores|skm|internal]`: the same import as the
API, run in this process with a progress bar. Nothing is imported if any row has a problem."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import Conflict
from employees.models import User
from service_quality.models import ImportKind, ImportStatus
from service_quality.services import score_import_create

STAGES = {"check": "Checking rows", "write": "Writing rows"}


class _Bars:
    """One tqdm bar per stage of the import."""

    def __init__(self, stream, enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        bar = self.bars.get(stage)
        if bar is None:
            for other in self.bars.values():
                other.close()
            bar = self.bars[stage] = tqdm(total=total, desc=STAGES.get(stage, stage), unit="row", file=self.stream)
        bar.update(max(done - bar.n, 0))

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


class Command(BaseCommand):
    help = "Imports external service-quality scores, SKM respondents or historical internal scores (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a CSV (UTF-8) or XLSX file")
        parser.add_argument("--kind", choices=ImportKind.values, default=ImportKind.SCORES)
        parser.add_argument("--user", help="the username recorded in the audit trail as the importer")
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
        bars = _Bars(self.stderr._out, enabled=not options["no_progress"] and options["verbosity"] > 0)
        try:
            result = score_import_create(
                kind=options["kind"],
                file_name=path.name,
                content=path.read_bytes(),
                actor=actor,
                run_in_background=False,
                on_progress=bars,
            )
        except Conflict as conflict:
            raise CommandError(str(conflict.message)) from None
        finally:
            bars.close()
        for note in result.replaced:
            self.stdout.write(
                f"replaced {note['department']} {note['period']} {note['source']}/{note['dimension']}: "
                f"{note['old']} → {note['new']} (was import #{note['import']})"
            )
        if result.replaced_count > len(result.replaced):
            self.stdout.write(f"… {result.replaced_count - len(result.replaced)} more values replaced")
        if result.status != ImportStatus.SUCCEEDED:
            for error in result.errors:
                where = ", ".join(
                    part
                    for part in (
                        f"row {error['row']}" if error["row"] else "",
                        f"column {error['column']}" if error["column"] else "",
                    )
                    if part
                )
                self.stderr.write(f"{where}: {error['message']}" if where else error["message"])
            raise CommandError(f"Import #{result.pk} failed with {result.error_count} problems; nothing was imported.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Import #{result.pk}: {result.rows_imported} of {result.rows_total} rows imported "
                f"({result.replaced_count} values replaced)."
            )
        )
