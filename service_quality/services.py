"""Every write to service-quality data: imports (all or nothing), scores entered by hand, and
the scores Prima derives (IKM, element scores, Prima dimensions)."""

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict
from core.jobs import enqueue_on_commit
from core.periods import Period
from employees.models import Department
from service_quality import importing
from service_quality.dimensions import IKM_DIMENSION, SKM_ELEMENT_KEYS, mapped_components
from service_quality.files import RowError, count_data_rows
from service_quality.ikm import IKM_SCALE, ikm_value, round_half_up
from service_quality.models import (
    IMPORT_STATUSES_HOLDING_A_FILE,
    SCORE_PLACES,
    Direction,
    ExternalMetric,
    ExternalScore,
    ImportKind,
    ImportStatus,
    InternalScore,
    Origin,
    ScoreConflict,
    ScoreImport,
    SkmResponse,
    Source,
)

logger = logging.getLogger(__name__)

# Files of this many data rows or more are imported by a Celery job (the page and the API
# answer at once and the import's `progress` tells how far it is); smaller ones at once.
ASYNC_IMPORT_MIN_ROWS = 100_000
IMPORT_JOB = "tasks.service_quality.service_quality_import_task"
# Rows per INSERT batch (scores; respondents where there is no COPY). A score binds 8 values, so
# a batch stays under PostgreSQL's 65,535 parameters per statement.
WRITE_BATCH_SIZE = 4_000
# Respondents per COPY stream on PostgreSQL (progress is reported after each).
COPY_BATCH_SIZE = 20_000
# Pairs (unit, period) per DELETE of replaced SKM respondents.
PAIR_BATCH_SIZE = 200
# The import keeps the first problems in full; the count says how many there were in all.
MAX_REPORTED_ERRORS = 1_000
MAX_REPLACEMENT_NOTES = 500
# Uploaded files awaiting confirmation are dropped after a day; imported files' content is
# cleared after a month (their hash stays, so the same file is still recognised).
UNCONFIRMED_UPLOAD_HOURS = 24
IMPORT_CONTENT_KEPT_DAYS = 30

ProgressCallback = Callable[[str, int, int], None]
PROGRESS_CACHE_TIMEOUT = 6 * 3600


def progress_cache_key(score_import_id: int) -> str:
    return f"service_quality:import:{score_import_id}:progress"


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- Imports.


def _refuse_same_file(digest: str) -> None:
    earlier = (
        ScoreImport.objects.filter(content_hash=digest, status__in=IMPORT_STATUSES_HOLDING_A_FILE)
        .only("id", "created_at", "status")
        .first()
    )
    if earlier is not None:
        raise Conflict(
            _("This file was already imported (import #%(id)d of %(date)s); importing it again would add nothing.")
            % {"id": earlier.pk, "date": timezone.localtime(earlier.created_at).date().isoformat()},
            code="duplicate",
        )


def _check_kind(kind: str) -> None:
    if kind not in importing.COLUMNS:
        raise ValidationError({"kind": [_("Choose scores, skm or internal.")]})


def _store_errors(score_import: ScoreImport, errors: list[RowError]) -> None:
    score_import.error_count = len(errors)
    score_import.errors = [error.as_dict() for error in errors[:MAX_REPORTED_ERRORS]]
    if len(errors) > MAX_REPORTED_ERRORS:
        score_import.errors.append(
            {
                "row": None,
                "column": None,
                "message": _("… and %(n)d more problems.") % {"n": len(errors) - MAX_REPORTED_ERRORS},
            }
        )


def _audit_import(score_import: ScoreImport, actor) -> None:
    audit_record(
        actor=actor,
        action=f"service_quality.import.{score_import.status}",
        target=score_import,
        summary=f"{score_import.file_name} ({score_import.kind}): "
        f"{score_import.rows_imported}/{score_import.rows_total} rows, {score_import.error_count} errors",
        data={
            "kind": score_import.kind,
            "rows_total": score_import.rows_total,
            "rows_imported": score_import.rows_imported,
            "error_count": score_import.error_count,
            "replaced_count": score_import.replaced_count,
            "content_hash": score_import.content_hash,
        },
    )


def _new_import(*, kind: str, file_name: str, content: bytes, actor, status: str) -> ScoreImport:
    _check_kind(kind)
    digest = content_hash(content)
    _refuse_same_file(digest)
    try:
        with transaction.atomic():
            return ScoreImport.objects.create(
                kind=kind,
                status=status,
                file_name=(file_name or "upload")[:255],
                content_hash=digest,
                content=content,
                rows_total=count_data_rows(content),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        _refuse_same_file(digest)  # a concurrent upload of the same file won
        raise


def score_import_create(
    *,
    kind: str,
    file_name: str,
    content: bytes,
    actor,
    run_in_background: bool | None = None,
    on_progress: ProgressCallback | None = None,
) -> ScoreImport:
    """Imports a file (API, command line). Small files are imported before this returns; files of
    ASYNC_IMPORT_MIN_ROWS rows or more (or any, with `run_in_background`) by a Celery job, and
    the import is returned `pending`. Raises Conflict when the same file was imported before."""
    score_import = _new_import(
        kind=kind, file_name=file_name, content=content, actor=actor, status=ImportStatus.PENDING
    )
    return _start(score_import, run_in_background=run_in_background, on_progress=on_progress)


def score_import_upload(*, kind: str, file_name: str, content: bytes, actor) -> ScoreImport:
    """The page's first step: keeps the file and checks it, for a preview that HR confirms.
    Problems are reported at once and the import is `failed`; otherwise it awaits confirmation.
    Large files are only previewed (columns and first rows); the job checks every row."""
    score_import = _new_import(
        kind=kind, file_name=file_name, content=content, actor=actor, status=ImportStatus.UPLOADED
    )
    checked = importing.check_file(
        kind=kind,
        content=content,
        file_name=file_name,
        preview_only=score_import.rows_total >= ASYNC_IMPORT_MIN_ROWS,
    )
    score_import.file_format = checked.file_format
    score_import.rows_total = checked.rows_total
    score_import.preview = {**checked.preview, "notes": [str(note) for note in checked.notes]}
    _store_errors(score_import, checked.errors)
    with transaction.atomic():
        if checked.errors:
            score_import.status = ImportStatus.FAILED
            score_import.finished_at = timezone.now()
            score_import.content = None
            score_import.save()
            _audit_import(score_import, actor)
        else:
            score_import.save()
    return score_import


def score_import_confirm(
    *, score_import: ScoreImport, actor, run_in_background: bool | None = None, on_progress=None
) -> ScoreImport:
    """The page's second step: imports an upload that HR has seen in preview."""
    if score_import.status != ImportStatus.UPLOADED:
        raise Conflict(_("This import is not awaiting confirmation."), code="state")
    _refuse_same_file(score_import.content_hash)
    try:
        with transaction.atomic():
            updated = ScoreImport.objects.filter(pk=score_import.pk, status=ImportStatus.UPLOADED).update(
                status=ImportStatus.PENDING
            )
    except IntegrityError:
        _refuse_same_file(score_import.content_hash)
        raise
    if not updated:
        raise Conflict(_("This import is not awaiting confirmation."), code="state")
    score_import.refresh_from_db()
    return _start(score_import, run_in_background=run_in_background, on_progress=on_progress)


def _start(score_import: ScoreImport, *, run_in_background: bool | None, on_progress) -> ScoreImport:
    background = score_import.rows_total >= ASYNC_IMPORT_MIN_ROWS if run_in_background is None else run_in_background
    if background:
        enqueue_on_commit(IMPORT_JOB, score_import.pk)
        return score_import
    return score_import_run(score_import_id=score_import.pk, on_progress=on_progress)


class _Progress:
    """0–100: checking the rows is the first half, writing them the second. Saved on the import
    while checking (committed at once when outside a transaction) and in the cache as well,
    since while writing the import's own transaction hides the row update from readers."""

    def __init__(self, score_import_id: int, callback: ProgressCallback | None):
        self.score_import_id = score_import_id
        self.callback = callback
        self.last = -1

    def checking(self, done: int, total: int) -> None:
        self._save(done * 50 // max(total, 1))
        if self.callback:
            self.callback("check", done, total)

    def writing(self, done: int, total: int) -> None:
        self._save(50 + done * 50 // max(total, 1))
        if self.callback:
            self.callback("write", done, total)

    def _save(self, percent: int) -> None:
        percent = min(percent, 100)
        if percent == self.last:
            return
        self.last = percent
        cache.set(progress_cache_key(self.score_import_id), percent, timeout=PROGRESS_CACHE_TIMEOUT)
        ScoreImport.objects.filter(pk=self.score_import_id).update(progress=percent)


def score_import_run(*, score_import_id: int, on_progress: ProgressCallback | None = None) -> ScoreImport:
    """Checks and imports a pending import: every row, or nothing. Idempotent: an import that
    has finished is returned as it is; one left `running` by a lost worker is run again."""
    score_import = ScoreImport.objects.get(pk=score_import_id)
    if score_import.status not in (ImportStatus.PENDING, ImportStatus.RUNNING):
        return score_import
    ScoreImport.objects.filter(pk=score_import.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    progress = _Progress(score_import.pk, on_progress)
    checked = importing.CheckedFile(kind=score_import.kind)
    try:
        checked = importing.check_file(
            kind=score_import.kind,
            content=bytes(score_import.content or b""),
            file_name=score_import.file_name,
            on_progress=progress.checking,
        )
        if checked.errors:
            return _fail(score_import.pk, checked, checked.errors)
        del score_import  # the file's content is not needed any more
        with transaction.atomic():
            locked = ScoreImport.objects.select_for_update().defer("content").get(pk=score_import_id)
            if locked.status != ImportStatus.RUNNING:
                return locked
            notes = _Notes()
            writer = {"scores": _write_scores, "skm": _write_skm, "internal": _write_internal}[locked.kind]
            writer(locked, checked.records, notes, progress)
            locked.status = ImportStatus.SUCCEEDED
            locked.file_format = checked.file_format
            locked.rows_total = checked.rows_total
            locked.rows_imported = len(checked.records)
            locked.progress = 100
            locked.errors, locked.error_count = [], 0
            locked.replaced, locked.replaced_count = notes.kept, notes.count
            locked.preview = {**locked.preview, **checked.preview, "notes": [str(note) for note in checked.notes]}
            locked.finished_at = timezone.now()
            locked.save()  # every field but the deferred content
            _audit_import(locked, locked.created_by)
            if locked.kind != ImportKind.INTERNAL:  # new IKM: its months' driver impact across units
                periods = sorted({record.period.isoformat() for record in checked.records})
                enqueue_on_commit("tasks.surveys.survey_ikm_impact_refresh_task", periods)
    except DatabaseError as error:
        message = _("The rows could not be written, so nothing was imported: %(error)s") % {"error": error}
        return _fail(score_import_id, checked, [RowError(None, None, message)])
    except Exception:  # whatever happened, the import must end failed, never hang as running
        logger.exception("service-quality import %s stopped", score_import_id)
        message = _("The import stopped on an unexpected error; nothing was imported.")
        return _fail(score_import_id, checked, [RowError(None, None, message)])
    cache.delete(progress_cache_key(locked.pk))
    return locked


@transaction.atomic
def _fail(score_import_id: int, checked: importing.CheckedFile, errors: list[RowError]) -> ScoreImport:
    score_import = ScoreImport.objects.select_for_update().defer("content").get(pk=score_import_id)
    score_import.status = ImportStatus.FAILED
    score_import.file_format = checked.file_format
    score_import.rows_total = checked.rows_total
    score_import.rows_imported = 0
    score_import.preview = {**score_import.preview, **checked.preview}
    score_import.finished_at = timezone.now()
    score_import.content = None  # a failed file is never run again; its content is not kept
    _store_errors(score_import, errors)
    score_import.save()
    _audit_import(score_import, score_import.created_by)
    cache.delete(progress_cache_key(score_import.pk))
    return score_import


class _Notes:
    """What an import replaced: the first MAX_REPLACEMENT_NOTES in full, and how many in all."""

    def __init__(self):
        self.kept: list[dict] = []
        self.count = 0
        self._codes: dict[int, str] | None = None

    def code(self, department_id: int) -> str:
        if self._codes is None:
            self._codes = dict(Department.objects.values_list("id", "code"))
        return self._codes.get(department_id, str(department_id))

    def add(self, *, department_id, period, source, dimension, old, new, import_id) -> None:
        self.count += 1
        if len(self.kept) < MAX_REPLACEMENT_NOTES:
            self.kept.append(
                {
                    "department": self.code(department_id),
                    "period": str(Period.of(period)),
                    "source": source,
                    "dimension": dimension,
                    "old": None if old is None else str(old),
                    "new": None if new is None else str(new),
                    "import": import_id,
                }
            )


def _batches(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _normalised(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-SCORE_PLACES))


def _upsert_external(
    rows: list[ExternalScore], *, notes: _Notes, progress: Callable[[int, int], None] | None = None
) -> None:
    """Writes scores, replacing any for the same unit, period, source and dimension (noted)."""
    if not rows:
        return
    keys = {(row.department_id, row.period, row.source, row.dimension): row for row in rows}
    existing = ExternalScore.objects.filter(
        department_id__in={row.department_id for row in rows},
        period__in={row.period for row in rows},
        source__in={row.source for row in rows},
    ).values_list("department_id", "period", "source", "dimension", "value", "source_import_id")
    for department_id, period, source, dimension, value, import_id in existing.iterator(chunk_size=WRITE_BATCH_SIZE):
        new = keys.get((department_id, period, source, dimension))
        if new is not None:
            notes.add(
                department_id=department_id,
                period=period,
                source=source,
                dimension=dimension,
                old=value,
                new=_normalised(new.value),
                import_id=import_id,
            )
    done = 0
    for batch in _batches(rows, WRITE_BATCH_SIZE):
        ExternalScore.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["department", "period", "source", "dimension"],
            update_fields=["value", "respondents", "derived", "source_import", "origin", "updated_at"],
        )
        done += len(batch)
        if progress:
            progress(done, len(rows))


def _derive_prima_dimensions(
    pairs: set[tuple[int, dt.date]], *, source: str, score_import, origin: str = Origin.IMPORTED
) -> None:
    """Scores for Prima's dimensions from a source's own (PRIMA_DIMENSION_MAPPING): the mean of the
    mapped SKM elements or SERVQUAL perceptions, where all of them are present and no score for
    that Prima dimension was given explicitly. Derived scores whose parts are gone are removed."""
    components = mapped_components(source)
    if not pairs or not components:
        return
    current: dict[tuple[int, dt.date], dict[str, tuple[Decimal, int | None, bool]]] = defaultdict(dict)
    rows = ExternalScore.objects.filter(
        source=source,
        department_id__in={department_id for department_id, _period in pairs},
        period__in={period for _department_id, period in pairs},
    ).values_list("department_id", "period", "dimension", "value", "respondents", "derived")
    for department_id, period, dimension, value, respondents, derived in rows:
        if (department_id, period) in pairs:
            current[(department_id, period)][dimension] = (value, respondents, derived)
    derived_rows, stale = [], Q()
    for department_id, period in pairs:
        scores = current.get((department_id, period), {})
        for prima_dimension, parts in components.items():
            given = scores.get(prima_dimension)
            if given is not None and not given[2]:
                continue  # given explicitly: kept as it is
            if all(part in scores for part in parts):
                mean = Fraction(sum((scores[part][0] for part in parts), Decimal(0))) / len(parts)
                counts = [scores[part][1] for part in parts if scores[part][1] is not None]
                derived_rows.append(
                    ExternalScore(
                        department_id=department_id,
                        period=period,
                        source=source,
                        dimension=prima_dimension,
                        value=round_half_up(mean, SCORE_PLACES),
                        respondents=min(counts) if counts else None,
                        derived=True,
                        source_import=score_import,
                        origin=origin,
                    )
                )
            elif given is not None:
                stale |= Q(department_id=department_id, period=period, dimension=prima_dimension)
    if stale:
        ExternalScore.objects.filter(stale, source=source, derived=True).delete()
    _upsert_external(derived_rows, notes=_Notes())  # what they are derived from was noted already


def _write_scores(score_import: ScoreImport, records: list, notes: _Notes, progress: _Progress) -> None:
    rows = [
        ExternalScore(
            department_id=record.department_id,
            period=record.period,
            source=record.source,
            dimension=record.dimension,
            value=record.value,
            respondents=record.respondents,
            derived=False,
            source_import=score_import,
        )
        for record in records
    ]
    said: dict[tuple[str, str], str] = {}
    for record in records:  # a row that says the direction wins over one that does not
        said[(record.source, record.dimension)] = record.direction or said.get((record.source, record.dimension), "")
    record_directions(said)
    rows = rows_without_conflict(rows, origin=Origin.IMPORTED)
    _upsert_external(rows, notes=notes, progress=progress.writing)
    for source in (Source.SKM, Source.SERVQUAL):
        pairs = {(row.department_id, row.period) for row in rows if row.source == source}
        _derive_prima_dimensions(pairs, source=source, score_import=score_import)


def _write_internal(score_import: ScoreImport, records: list, notes: _Notes, progress: _Progress) -> None:
    keys = {(record.department_id, record.period): record for record in records}
    existing = InternalScore.objects.filter(
        department_id__in={record.department_id for record in records},
        period__in={record.period for record in records},
    ).values_list("department_id", "period", "value", "source_import_id")
    for department_id, period, value, import_id in existing:
        new = keys.get((department_id, period))
        if new is not None:
            notes.add(
                department_id=department_id,
                period=period,
                source="internal",
                dimension="overall",
                old=value,
                new=_normalised(new.value),
                import_id=import_id,
            )
    rows = [
        InternalScore(
            department_id=record.department_id,
            period=record.period,
            value=record.value,
            respondents=record.respondents,
            source_import=score_import,
        )
        for record in records
    ]
    done = 0
    for batch in _batches(rows, WRITE_BATCH_SIZE):
        InternalScore.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["department", "period"],
            update_fields=["value", "respondents", "source_import", "updated_at"],
        )
        done += len(batch)
        progress.writing(done, len(rows))


def _write_skm(score_import: ScoreImport, records: list, notes: _Notes, progress: _Progress) -> None:
    pairs = sorted({(record.department_id, record.period) for record in records})
    # A newer survey of the same unit and period replaces the earlier respondents.
    for batch in _batches(pairs, PAIR_BATCH_SIZE):
        earlier = Q()
        for department_id, period in batch:
            earlier |= Q(department_id=department_id, period=period)
        replaced = (
            SkmResponse.objects.filter(earlier)
            .values("department_id", "period", "source_import_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        new_counts = defaultdict(int)
        for record in records:
            new_counts[(record.department_id, record.period)] += 1
        for group in replaced:
            notes.add(
                department_id=group["department_id"],
                period=group["period"],
                source=Source.SKM,
                dimension="respondents",
                old=group["n"],
                new=new_counts[(group["department_id"], group["period"])],
                import_id=group["source_import_id"],
            )
        SkmResponse.objects.filter(earlier).delete()
    _insert_skm_responses(score_import, records, progress)
    scores = rows_without_conflict(skm_scores_from_respondents(score_import=score_import), origin=Origin.IMPORTED)
    _upsert_external(scores, notes=notes)
    written = {(score.department_id, score.period) for score in scores}
    _derive_prima_dimensions(written, source=Source.SKM, score_import=score_import)
    progress.writing(1, 1)


def _insert_skm_responses(score_import: ScoreImport, records: list, progress: _Progress) -> None:
    """Writes the respondents without building model objects: COPY on PostgreSQL, batched
    multi-row INSERTs elsewhere. The rows were checked already, and the table's constraints
    check them again."""
    total = len(records)
    table = connection.ops.quote_name(SkmResponse._meta.db_table)
    columns = ", ".join(["source_import_id", "department_id", "period", "respondent", *SKM_ELEMENT_KEYS])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, total, COPY_BATCH_SIZE):
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for record in records[start : start + COPY_BATCH_SIZE]:
                        copy.write_row(
                            (score_import.pk, record.department_id, record.period, record.respondent, *record.answers)
                        )
                progress.writing(min(start + COPY_BATCH_SIZE, total) * 9 // 10, total)
            return
        statement = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 13)})"  # noqa: S608 - model names
        adapt = connection.ops.adapt_datefield_value
        for start in range(0, total, WRITE_BATCH_SIZE):
            cursor.executemany(
                statement,
                [
                    (score_import.pk, record.department_id, adapt(record.period), record.respondent, *record.answers)
                    for record in records[start : start + WRITE_BATCH_SIZE]
                ],
            )
            progress.writing(min(start + WRITE_BATCH_SIZE, total) * 9 // 10, total)


def skm_scores_from_respondents(*, score_import: ScoreImport) -> list[ExternalScore]:
    """The IKM and element scores of every unit and period in an SKM import: totals per element
    summed in SQL (one GROUP BY), the IKM computed exactly from them."""
    totals = (
        SkmResponse.objects.filter(source_import=score_import)
        .values("department_id", "period")
        .annotate(respondents=Count("id"), **{f"total_{key}": Sum(key) for key in SKM_ELEMENT_KEYS})
        .order_by()
    )
    scores = []
    for group in totals:
        scores += skm_scores_from_totals(
            department_id=group["department_id"],
            period=group["period"],
            respondents=group["respondents"],
            element_totals=[group[f"total_{key}"] for key in SKM_ELEMENT_KEYS],
            origin=Origin.IMPORTED,
            score_import=score_import,
        )
    return scores


# The sources Prima also collects itself; a unit and month of one of them has one origin.
COLLECTED_SOURCES = (Source.SKM, Source.CSAT, Source.SERVQUAL)


def rows_without_conflict(rows: list[ExternalScore], *, origin: str) -> list[ExternalScore]:
    """`rows` less those of units, months and sources (SKM, CSAT, SERVQUAL) whose results came
    the other way (collected against imported). Such a unit, month and source becomes a
    ScoreConflict that HR resolves; until then the series keeps what it held (imported values
    held back are kept on the conflict), and afterwards only the kept origin writes there."""
    keys = {(row.department_id, row.period, row.source) for row in rows if row.source in COLLECTED_SOURCES}
    if not keys:
        return rows
    departments = {key[0] for key in keys}
    periods = {key[1] for key in keys}
    other = {
        key
        for key in ExternalScore.objects.filter(
            source__in=COLLECTED_SOURCES, department_id__in=departments, period__in=periods
        )
        .exclude(origin=origin)
        .values_list("department_id", "period", "source")
        .distinct()
        if key in keys
    }
    conflicts = {
        (conflict.department_id, conflict.period, conflict.source): conflict
        for conflict in ScoreConflict.objects.filter(department_id__in=departments, period__in=periods)
        if (conflict.department_id, conflict.period, conflict.source) in keys
    }
    for key in other - set(conflicts):
        conflict, _created = ScoreConflict.objects.get_or_create(department_id=key[0], period=key[1], source=key[2])
        conflicts[key] = conflict
        audit_record(
            actor=None,
            action="service_quality.skm_conflict.found",
            target=conflict,
            summary=f"{key[0]} {Period.of(key[1])} {key[2]}: collected and imported results",
        )
    held = {key for key, conflict in conflicts.items() if conflict.kept != origin}
    kept = []
    held_back: dict[tuple, list] = defaultdict(list)
    for row in rows:
        key = (row.department_id, row.period, row.source)
        if key not in held:
            kept.append(row)
        elif origin == Origin.IMPORTED and row.source != Source.SKM and not row.derived:
            held_back[key].append({"dimension": row.dimension, "value": str(row.value), "respondents": row.respondents})
    for key, held_rows in held_back.items():
        conflicts[key].held_imported = held_rows
        conflicts[key].save(update_fields=["held_imported"])
    return kept


def held_imported_write(conflict: ScoreConflict) -> None:
    """Writes the imported CSAT or SERVQUAL values a conflict held back (HR kept them)."""
    rows = [
        ExternalScore(
            department_id=conflict.department_id,
            period=conflict.period,
            source=conflict.source,
            dimension=held["dimension"],
            value=Decimal(held["value"]),
            respondents=held["respondents"],
            derived=False,
            origin=Origin.IMPORTED,
        )
        for held in conflict.held_imported
    ]
    _upsert_external(rows, notes=_Notes())
    if conflict.source == Source.SERVQUAL:
        _derive_prima_dimensions({(conflict.department_id, conflict.period)}, source=Source.SERVQUAL, score_import=None)


def skm_series_write(rows: list[ExternalScore], *, origin: str) -> list[ExternalScore]:
    """Writes rows of one origin (SKM, and the CSAT and SERVQUAL of a collection's further
    questionnaires) into the external-score series, less those a conflict holds back, and
    derives Prima's dimensions from them. Returns what was written."""
    rows = rows_without_conflict(rows, origin=origin)
    _upsert_external(rows, notes=_Notes())
    for source in (Source.SKM, Source.SERVQUAL):
        written = {(row.department_id, row.period) for row in rows if row.source == source}
        _derive_prima_dimensions(written, source=source, score_import=None, origin=origin)
    return rows


def skm_scores_from_totals(
    *,
    department_id: int,
    period: dt.date,
    respondents: int,
    element_totals: list[int],
    origin: str,
    score_import: ScoreImport | None = None,
) -> list[ExternalScore]:
    """The `skm` series rows of one unit and period: the IKM (exact, PermenPANRB 14/2017) and
    each element's mean × 25, from the answers' totals per element. Imports and collections
    both write through here, so the same answers give the same scores whichever way they came."""
    common = {
        "department_id": department_id,
        "period": period,
        "source": Source.SKM,
        "respondents": respondents,
        "derived": True,
        "source_import": score_import,
        "origin": origin,
    }
    scores = [ExternalScore(dimension=IKM_DIMENSION, value=ikm_value(element_totals, respondents), **common)]
    for key, total in zip(SKM_ELEMENT_KEYS, element_totals, strict=True):
        nrr_scaled = round_half_up(Fraction(total * IKM_SCALE, respondents), SCORE_PLACES)
        scores.append(ExternalScore(dimension=key, value=nrr_scaled, **common))
    return scores


def score_import_discard_stale(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Drops uploads never confirmed and clears the content of old imports (the hash stays)."""
    now = now or timezone.now()
    dropped, _by_model = ScoreImport.objects.filter(
        status=ImportStatus.UPLOADED, created_at__lt=now - dt.timedelta(hours=UNCONFIRMED_UPLOAD_HOURS)
    ).delete()
    cleared = ScoreImport.objects.filter(
        status__in=(ImportStatus.SUCCEEDED, ImportStatus.FAILED),
        finished_at__lt=now - dt.timedelta(days=IMPORT_CONTENT_KEPT_DAYS),
        content__isnull=False,
    ).update(content=None)
    return {"dropped": dropped, "cleared": cleared}


# --- Scores entered one at a time (API).


def record_directions(said: dict[tuple[str, str], str]) -> None:
    """Describes each custom measure not yet described: lower-is-better where that was said, else
    higher. A measure already described keeps its direction (the checks refuse a file or score
    that says the other way); two writers racing with opposite directions: the second fails."""
    custom = {key: direction for key, direction in said.items() if key[0] == Source.CUSTOM}
    if not custom:
        return
    ExternalMetric.objects.bulk_create(
        [
            ExternalMetric(source=source, dimension=dimension, direction=direction or Direction.HIGHER)
            for (source, dimension), direction in custom.items()
        ],
        ignore_conflicts=True,
    )
    stored = {
        (source, dimension): direction
        for source, dimension, direction in ExternalMetric.objects.filter(
            source=Source.CUSTOM, dimension__in={dimension for _source, dimension in custom}
        ).values_list("source", "dimension", "direction")
    }
    for key, direction in custom.items():
        problem = direction and importing.direction_problem(*key, direction, stored.get(key))
        if problem:
            raise Conflict(problem, code="direction")


def _check_score(
    *, department: Department, period: dt.date, source: str, dimension: str, value: Decimal, direction: str = ""
) -> None:
    errors = {}
    if not department.is_service_unit:
        errors["department"] = [_("Only a service unit has external scores.")]
    problem = importing.period_problem(Period.of(period))
    if problem:
        errors["period"] = [problem]
    if source not in Source.values:
        errors["source"] = [_("Choose one of: %(allowed)s.") % {"allowed": ", ".join(Source.values)}]
    else:
        problem = importing.dimension_problem(source, dimension)
        if problem:
            errors["dimension"] = [problem]
        problem = importing.value_problem(source, dimension, value)
        if problem:
            errors["value"] = [problem]
        if direction:
            recorded = ExternalMetric.objects.filter(source=source, dimension=dimension).values_list(
                "direction", flat=True
            )
            problem = importing.direction_problem(source, dimension, direction, recorded.first())
            if problem:
                errors["direction"] = [problem]
    if errors:
        raise ValidationError(errors)


def _audit_score(action: str, score: ExternalScore, actor) -> None:
    audit_record(
        actor=actor,
        action=f"service_quality.score.{action}",
        target=score,
        summary=f"{score.department.code} {Period.of(score.period)} {score.source}/{score.dimension} = {score.value}",
        data={"value": str(score.value), "respondents": score.respondents},
    )


@transaction.atomic
def external_score_create(
    *,
    department: Department,
    period: dt.date,
    source: str,
    dimension: str,
    value: Decimal,
    respondents: int | None = None,
    direction: str = "",
    actor,
) -> ExternalScore:
    """A score entered by hand; `direction` (`higher` or `lower` is better) describes a custom
    measure's first score."""
    dimension = dimension.strip().lower()
    _check_score(
        department=department, period=period, source=source, dimension=dimension, value=value, direction=direction
    )
    if ExternalScore.objects.filter(department=department, period=period, source=source, dimension=dimension).exists():
        raise Conflict(
            _("There is already a score for this unit, period, source and dimension; change that one."),
            code="duplicate",
        )
    score = ExternalScore(
        department=department,
        period=period,
        source=source,
        dimension=dimension,
        value=value,
        respondents=respondents,
    )
    score.full_clean()
    score.save()
    record_directions({(source, dimension): direction})
    _derive_prima_dimensions({(department.pk, period)}, source=source, score_import=None)
    _audit_score("create", score, actor)
    return score


@transaction.atomic
def external_score_update(*, score: ExternalScore, actor, **changes) -> ExternalScore:
    """Changes a score's `value` or `respondents`; what it is a score of stays as it is."""
    if score.derived:
        raise Conflict(_("Prima computed this score; import new data to change it."), code="derived")
    fixed = set(changes) - {"value", "respondents"}
    if fixed:
        raise ValidationError(
            {field: [_("This cannot be changed; delete the score and add a new one.")] for field in fixed}
        )
    if "value" in changes:
        _check_score(
            department=score.department,
            period=score.period,
            source=score.source,
            dimension=score.dimension,
            value=changes["value"],
        )
    for field, value in changes.items():
        setattr(score, field, value)
    score.full_clean()
    score.save()
    _derive_prima_dimensions({(score.department_id, score.period)}, source=score.source, score_import=None)
    _audit_score("update", score, actor)
    return score


@transaction.atomic
def external_score_delete(*, score: ExternalScore, actor) -> None:
    if score.derived:
        raise Conflict(_("Prima computed this score; import new data to change it."), code="derived")
    _audit_score("delete", score, actor)
    key = (score.department_id, score.period)
    score.delete()
    _derive_prima_dimensions({key}, source=score.source, score_import=None)


def score_import_abandon(*, score_import_id: int, reason: str) -> None:
    """Ends an import whose job was lost (the stuck-job sweep of `core.jobs`) as failed, with
    `reason`; an import that finished meanwhile stays as it is."""
    with transaction.atomic():
        score_import = ScoreImport.objects.select_for_update().defer("content").filter(pk=score_import_id).first()
        if score_import is None or score_import.is_finished:
            return
        _fail(score_import_id, importing.CheckedFile(kind=score_import.kind), [RowError(None, None, reason)])
