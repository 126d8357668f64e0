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


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


# Sources whose scores are higher-is-better by definition: a satisfaction index, SERVQUAL's
# perceptions, CSAT and NPS. Only a custom measure (complaints, waiting time) can point the other way.
HIGHER_IS_BETTER_SOURCES = (Source.SKM, Source.SERVQUAL, Source.CSAT, Source.NPS)


class ExternalMetric(models.Model):
    """Which way is better for one external measure (a source and dimension), said when its first
    score is imported or entered. Every sentence, axis and colour of a correlation report follows
    it. A measure nobody described is higher-is-better."""

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    dimension = models.CharField(_("dimension"), max_length=64)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["source", "dimension"]
        verbose_name = _("external measure")
        verbose_name_plural = _("external measures")
        constraints = [
            models.UniqueConstraint(fields=["source", "dimension"], name="service_quality_metric_once"),
            models.CheckConstraint(
                condition=models.Q(source=Source.CUSTOM) | models.Q(direction=Direction.HIGHER),
                name="service_quality_metric_lower_only_custom",
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values), name="service_quality_metric_direction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.dimension}: {self.direction}"

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER


class Origin(models.TextChoices):
    """Where an external score came from: a file (or HR's hand), or Prima's own SKM collection."""

    IMPORTED = "imported", _("imported")
    COLLECTED = "collected", _("collected in Prima")


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
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, default=Origin.IMPORTED)
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


class NineElements(models.Model):
    """The answers to the nine SKM elements (U1–U9), each 1–4, of one respondent."""

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
        abstract = True


def element_range_constraints(prefix: str) -> list[models.CheckConstraint]:
    """Each element answered 1–4, checked by the database too."""
    return [
        models.CheckConstraint(condition=models.Q(**{f"u{i}__gte": 1, f"u{i}__lte": 4}), name=f"{prefix}_u{i}_range")
        for i in range(1, 10)
    ]


class SkmResponse(NineElements):
    """One respondent of an SKM survey: the nine elements, each 1–4. Kept so that the IKM can
    always be recomputed; a newer import for the same unit and period replaces these."""

    source_import = models.ForeignKey(ScoreImport, on_delete=models.CASCADE, related_name="skm_responses")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    period = PeriodField(_("period"))
    respondent = models.CharField(_("respondent"), max_length=64)

    class Meta:
        verbose_name = _("SKM respondent")
        verbose_name_plural = _("SKM respondents")
        constraints = [
            models.UniqueConstraint(fields=["department", "period", "respondent"], name="service_quality_skm_once"),
            *element_range_constraints("service_quality_skm"),
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


# --- SKM collected in Prima: a collection per unit and period, its public form's responses.


class CollectionStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class AgeBand(models.TextChoices):
    UNDER_20 = "under_20", _("under 20")
    FROM_20 = "20_29", _("20–29")
    FROM_30 = "30_39", _("30–39")
    FROM_40 = "40_49", _("40–49")
    FROM_50 = "50_59", _("50–59")
    FROM_60 = "60_plus", _("60 or older")


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("primary school or less")
    JUNIOR = "junior", _("junior high school")
    SENIOR = "senior", _("senior high school")
    DIPLOMA = "diploma", _("diploma (D1–D4)")
    BACHELOR = "bachelor", _("bachelor's degree (S1)")
    POSTGRADUATE = "postgraduate", _("master's or doctorate (S2/S3)")


class Occupation(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("civil servant, military or police")
    PRIVATE = "private", _("private employee")
    ENTREPRENEUR = "entrepreneur", _("entrepreneur")
    STUDENT = "student", _("student")
    OTHER = "other", _("other")


class ExpectationLevel(models.IntegerChoices):
    """The three levels of customer expectation: what brought the customer here."""

    NEEDS = 1, _("My needs were met")
    FEATURES = 2, _("I came for specific features: equipment, ease, facilities, place")
    OFFER = 3, _("I came because of an offer or promotion")


class Channel(models.TextChoices):
    FORM = "form", _("own phone")
    KIOSK = "kiosk", _("kiosk at the counter")


SUGGESTION_MAX_LENGTH = 1000


class SkmCollection(models.Model):
    """A unit's SKM survey over a period, answered at a public form with no sign-in."""

    department = models.ForeignKey(
        Department, verbose_name=_("service unit"), on_delete=models.PROTECT, related_name="skm_collections"
    )
    period_from = models.DateField(_("first day"))
    period_to = models.DateField(_("last day"))
    expected_customers = models.PositiveIntegerField(_("expected customers in the period"))
    # Krejcie & Morgan's minimum for `expected_customers`, fixed when the collection opens.
    sample_target = models.PositiveIntegerField(_("sample to reach"))
    status = models.CharField(
        _("status"), max_length=16, choices=CollectionStatus.choices, default=CollectionStatus.OPEN
    )
    token = models.CharField(_("public link code"), max_length=32, unique=True, editable=False)
    kiosk_key = models.CharField(_("kiosk key"), max_length=64, editable=False)
    # The optional questionnaires asked after SKM's nine elements (service_quality.questionnaires).
    questionnaires = models.JSONField(_("further questionnaires"), default=list, blank=True)
    publish_suggestions = models.BooleanField(
        _("publish suggestions"),
        default=False,
        help_text=_("HR approved showing the customers' suggestions on the public results page."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-period_from", "-id"]
        verbose_name = _("SKM collection")
        verbose_name_plural = _("SKM collections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")), name="sq_collection_dates"
            ),
            models.CheckConstraint(condition=models.Q(status__in=CollectionStatus.values), name="sq_collection_status"),
        ]

    def __str__(self) -> str:
        return f"{self.department.name} {self.period_from:%Y-%m-%d}–{self.period_to:%Y-%m-%d}"


class CollectedResponse(NineElements):
    """One customer's answers at the public form or the kiosk. Nothing names the customer: the
    device and address are kept only as keyed hashes, for duplicate and burst checks."""

    # Both keys lead an index of their own below (an answer writes as few indexes as it can).
    collection = models.ForeignKey(SkmCollection, on_delete=models.PROTECT, related_name="responses", db_index=False)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", db_index=False)
    # The month the answer was given in: the external-score series it counts towards.
    period = PeriodField(_("period"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    age_band = models.CharField(_("age"), max_length=16, choices=AgeBand.choices)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices)
    occupation = models.CharField(_("occupation"), max_length=16, choices=Occupation.choices)
    service = models.CharField(_("service used"), max_length=200, blank=True)
    expectation_level = models.PositiveSmallIntegerField(
        _("why the customer came"), choices=ExpectationLevel.choices, null=True, blank=True
    )
    suggestion = models.TextField(_("complaint or suggestion"), max_length=SUGGESTION_MAX_LENGTH, blank=True)
    # Answers to the collection's further questionnaires, 1–5 by question key (`timeliness`,
    # `reliability_expectation`, `overall`, …).
    ratings = models.JSONField(_("further answers"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.FORM)
    verified = models.BooleanField(_("verified by a visit code"), default=False)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.CharField(_("why flagged"), max_length=64, blank=True)
    device_hash = models.CharField(max_length=64, blank=True)
    address_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("collected SKM response")
        verbose_name_plural = _("collected SKM responses")
        indexes = [
            models.Index(fields=["department", "period"], name="sq_collected_unit_period"),
            # The burst check at every answer: this address's latest answers to the collection.
            models.Index(fields=["collection", "address_hash", "submitted_at"], name="sq_collected_address_recent"),
            # The duplicate check: this device's latest answers.
            models.Index(fields=["device_hash", "submitted_at"], name="sq_collected_device_recent"),
        ]
        constraints = [
            *element_range_constraints("sq_collected"),
            models.CheckConstraint(
                condition=models.Q(expectation_level__isnull=True) | models.Q(expectation_level__in=[1, 2, 3]),
                name="sq_collected_expectation",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.collection_id}"


class VisitCode(models.Model):
    """A one-time code handed to a customer with the service (on a receipt or queue ticket); a
    response that brings an unused one is marked verified."""

    collection = models.ForeignKey(SkmCollection, on_delete=models.CASCADE, related_name="visit_codes")
    code = models.CharField(_("code"), max_length=16)
    response = models.OneToOneField(
        CollectedResponse, null=True, blank=True, on_delete=models.SET_NULL, related_name="visit_code"
    )
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit code")
        verbose_name_plural = _("visit codes")
        constraints = [models.UniqueConstraint(fields=["collection", "code"], name="sq_visit_code_once")]

    def __str__(self) -> str:
        return self.code


class ScoreConflict(models.Model):
    """A unit and month with both collected and imported results of one source (SKM, CSAT or
    SERVQUAL). Neither silently wins: until HR keeps one, the series holds what was there first."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    period = PeriodField(_("period"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.SKM)
    # Imported scores held back while the conflict is open (for sources other than SKM, whose
    # imported respondents stay in SkmResponse): written if HR keeps the imported values.
    held_imported = models.JSONField(default=list, blank=True, editable=False)
    kept = models.CharField(_("kept"), max_length=16, choices=Origin.choices, blank=True)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("SKM score conflict")
        verbose_name_plural = _("SKM score conflicts")
        constraints = [
            models.UniqueConstraint(fields=["department", "period", "source"], name="sq_score_conflict_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {Period.of(self.period)} {self.source}"
