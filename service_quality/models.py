"""Service quality: external scores per service unit and period, SKM respondents, historical
internal scores, and the imports they came from."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.periods import Period, PeriodField
from employees.models import Department

SCORE_MAX_DIGITS = 7
SCORE_PLACES = 4
SCORE_MIN, SCORE_MAX = Decimal(0), Decimal(100)


class Source(models.TextChoices):
    SKM = "skm", _("SKM (public satisfaction survey)")
    SERVQUAL = "servqual", _("SERVQUAL")
    CSAT = "csat", _("CSAT (customer satisfaction)")
    NPS = "nps", _("NPS (net promoter score)")
    CUSTOM = "custom", _("custom")


class ImportKind(models.TextChoices):
    SCORES = "scores", _("scores")
    SKM = "skm", _("SKM respondents")
    INTERNAL = "internal", _("historical internal scores")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("awaiting confirmation")
    PENDING = "pending", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("imported")
    FAILED = "failed", _("failed")


# An import holding a file's content hash in one of these states blocks the same file.
IMPORT_STATUSES_HOLDING_A_FILE = (ImportStatus.PENDING, ImportStatus.RUNNING, ImportStatus.SUCCEEDED)


class ScoreImport(models.Model):
    """One file brought in by HR. The content is kept in the database (not on a disk), so that
    whichever worker runs the job can read it; it is cleared some time after the import."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING, db_index=True
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, db_index=True)
    content = models.BinaryField(_("content"), null=True, blank=True, editable=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)
    replaced = models.JSONField(_("replaced values"), default=list, blank=True)
    replaced_count = models.PositiveIntegerField(_("number of replaced values"), default=0)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service-quality import")
        verbose_name_plural = _("service-quality imports")
        constraints = [
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=models.Q(status__in=IMPORT_STATUSES_HOLDING_A_FILE),
                name="service_quality_import_file_once",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=ImportKind.values), name="service_quality_import_kind"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name} ({self.kind})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)


class ExternalScore(models.Model):
    """What customers said of a unit in a period, on one dimension, normalised to 0–100.

    SKM results are stored here too: dimension `ikm` (25–100, at two decimals as published),
    `u1`–`u9` (each element's mean × 25) and the Prima dimensions they map to (`derived`)."""

    department = models.ForeignKey(
        Department, verbose_name=_("service unit"), on_delete=models.PROTECT, related_name="external_scores"
    )
    period = PeriodField(_("period"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    dimension = models.CharField(_("dimension"), max_length=64)
    value = models.DecimalField(
        _("value (0–100)"),
        max_digits=SCORE_MAX_DIGITS,
        decimal_places=SCORE_PLACES,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    derived = models.BooleanField(
        _("derived"), default=False, help_text=_("Computed by Prima from respondents or the dimension mapping.")
    )
    source_import = models.ForeignKey(
        ScoreImport,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scores",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-period", "department__name", "source", "dimension"]
        verbose_name = _("external score")
        verbose_name_plural = _("external scores")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "period", "source", "dimension"], name="service_quality_score_once"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=SCORE_MIN, value__lte=SCORE_MAX), name="service_quality_score_range"
            ),
            models.CheckConstraint(condition=models.Q(source__in=Source.values), name="service_quality_score_source"),
        ]
        indexes = [models.Index(fields=["source", "dimension", "period"], name="sq_score_series")]

    def __str__(self) -> str:
        return f"{self.department.code} {Period.of(self.period)} {self.source}/{self.dimension} = {self.value}"


class SkmResponse(models.Model):
    """One respondent of an SKM survey: the nine elements, each 1–4. Kept so that the IKM can
    always be recomputed; a newer import for the same unit and period replaces these."""

    source_import = models.ForeignKey(ScoreImport, on_delete=models.CASCADE, related_name="skm_responses")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    period = PeriodField(_("period"))
    respondent = models.CharField(_("respondent"), max_length=64)
    u1 = models.PositiveSmallIntegerField()
    u2 = models.PositiveSmallIntegerField()
    u3 = models.PositiveSmallIntegerField()
    u4 = models.PositiveSmallIntegerField()
    u5 = models.PositiveSmallIntegerField()
    u6 = models.PositiveSmallIntegerField()
    u7 = models.PositiveSmallIntegerField()
    u8 = models.PositiveSmallIntegerField()
    u9 = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("SKM respondent")
        verbose_name_plural = _("SKM respondents")
        constraints = [
            models.UniqueConstraint(fields=["department", "period", "respondent"], name="service_quality_skm_once"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"u{i}__gte": 1, f"u{i}__lte": 4}), name=f"service_quality_skm_u{i}_range"
                )
                for i in range(1, 10)
            ],
        ]

    def __str__(self) -> str:
        return f"{self.respondent} ({Period.of(self.period)})"


class InternalScore(models.Model):
    """A historical internal (engagement-survey) result of a unit and period, 0–100, imported
    from before Prima's own pulse surveys; correlation reports read it like a pulse result."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="internal_scores"
    )
    period = PeriodField(_("period"))
    value = models.DecimalField(
        _("score (0–100)"),
        max_digits=SCORE_MAX_DIGITS,
        decimal_places=SCORE_PLACES,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    source_import = models.ForeignKey(
        ScoreImport, verbose_name=_("import"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-period", "department__name"]
        verbose_name = _("historical internal score")
        verbose_name_plural = _("historical internal scores")
        constraints = [
            models.UniqueConstraint(fields=["department", "period"], name="service_quality_internal_once"),
            models.CheckConstraint(
                condition=models.Q(value__gte=SCORE_MIN, value__lte=SCORE_MAX), name="service_quality_internal_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} {Period.of(self.period)} = {self.value}"
