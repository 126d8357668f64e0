"""Correlation reports: data and invariants.

A `CorrelationReport` is one request (its parameters) and one run of the job that answers it
(status, progress, timings, what data it read). Its `CorrelationResult` rows are the tests, its
`CorrelationPoint` rows the unit-periods behind the headline scatter.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.periods import Period, PeriodField

MAX_LAG = 3


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class Granularity(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    YEAR = "year", _("year")

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.value]

    def bucket(self, day: dt.date) -> dt.date:
        """The first month of the month, quarter or year that `day` falls in."""
        if self == Granularity.YEAR:
            return dt.date(day.year, 1, 1)
        if self == Granularity.QUARTER:
            return Period.of(day).quarter_start.first_day
        return dt.date(day.year, day.month, 1)

    def buckets(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """Every bucket from the one holding `first` to the one holding `last`."""
        current, end, out = Period.of(self.bucket(first)), Period.of(self.bucket(last)), []
        while current <= end:
            out.append(current.first_day)
            current = current.shift(self.months)
        return out


class Family(models.TextChoices):
    """What a test compares. Each family is corrected for multiple testing on its own, separately
    for its confirmatory and its exploratory tests (see `correlation.analysis`)."""

    SATISFACTION_EXTERNAL = "satisfaction_external", _("internal satisfaction and external scores")
    DRIVERS_DIMENSIONS = "drivers_dimensions", _("drivers and external dimensions")
    LEVERS = "levers", _("levers and internal satisfaction")


class Variant(models.TextChoices):
    POOLED = "pooled", _("all unit-periods")
    WITHIN_UNIT = "within_unit", _("within units")
    BETWEEN_UNIT = "between_unit", _("between units")
    CROSS_LAGGED = "cross_lagged", _("which came first")
    # the multilevel model's two effects (correlation.multilevel), the report's primary estimate
    MULTILEVEL_WITHIN = "multilevel_within", _("within units, multilevel model")
    MULTILEVEL_BETWEEN = "multilevel_between", _("between units, multilevel model")


class Role(models.TextChoices):
    """Confirmatory tests are fixed before the data are seen and may lead the summary;
    exploratory ones are reported as leads to look into."""

    CONFIRMATORY = "confirmatory", _("confirmatory")
    EXPLORATORY = "exploratory", _("exploratory")


class CorrelationReport(models.Model):
    period_from = PeriodField(_("from"))
    period_to = PeriodField(_("to"))
    granularity = models.CharField(_("granularity"), max_length=8, choices=Granularity.choices)
    max_lag = models.PositiveSmallIntegerField(
        _("largest lag"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MAX_LAG)]
    )
    external_source = models.CharField(_("external source"), max_length=32)
    external_dimension = models.CharField(_("external dimension"), max_length=64, blank=True)
    # A mortality ratio, complaints or a waiting time are better when they fall: every sentence
    # and chart reads the external score in its own direction.
    external_higher_is_better = models.BooleanField(_("higher external scores are better"), default=True)
    # Small units' pulse scores shrunk toward each month's organisation mean (empirical Bayes).
    shrink_units = models.BooleanField(_("small units shrunk toward the organisation"), default=False)
    is_standard = models.BooleanField(_("standard monthly report"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0, validators=[MaxValueValidator(100)])
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Seconds spent in each step of the job: {"aggregate": 0.12, "statistics": 0.4, ...}.
    timings = models.JSONField(default=dict, blank=True)

    # What the job read: the latest month of any input, a hash of the aggregated inputs (equal
    # hashes and parameters mean equal reports), and the aggregated series themselves.
    latest_input_period = PeriodField(_("latest data"), null=True, blank=True)
    input_fingerprint = models.CharField(max_length=64, blank=True)
    series = models.JSONField(default=dict, blank=True)
    # Inputs that were not available (e.g. an app without data yet), as codes.
    notes = models.JSONField(default=list, blank=True)
    # What the headline rests on and leaves out (`correlation.analysis.disclosure`).
    disclosure = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["is_standard", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_from__lte=models.F("period_to")), name="report_period_order"
            ),
            models.CheckConstraint(condition=models.Q(max_lag__lte=MAX_LAG), name="report_max_lag"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_progress_percent"),
        ]
        verbose_name = _("correlation report")
        verbose_name_plural = _("correlation reports")

    def __str__(self) -> str:
        return f"{Period.of(self.period_from)}–{Period.of(self.period_to)} {self.granularity} {self.external_source}"

    @property
    def granularity_choice(self) -> Granularity:
        return Granularity(self.granularity)

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.SUCCEEDED, ReportStatus.FAILED)

    @property
    def coverage(self) -> tuple[dt.date, dt.date]:
        """The months the report reads: whole quarters or years around the requested range,
        so that no bucket's mean rests on part of it."""
        granularity = self.granularity_choice
        last_bucket = Period.of(granularity.bucket(self.period_to))
        return granularity.bucket(self.period_from), last_bucket.shift(granularity.months - 1).first_day


class CorrelationResult(models.Model):
    """One test. `lag` counts periods of the report's granularity and is signed: positive when
    the first series leads (internal satisfaction before the external score; a lever before
    satisfaction), negative when the second leads, 0 for the same period.

    `q_value` is the p-value adjusted within the test's family: Holm's for the confirmatory
    family, Benjamini–Hochberg's for an exploratory one. A `cross_lagged` test has no r: its
    `coefficient` is the standardised effect of the earlier series; nor have the multilevel
    model's two effects, whose `coefficient` is the standardised within- or between-unit effect."""

    report = models.ForeignKey(CorrelationReport, on_delete=models.CASCADE, related_name="results")
    family = models.CharField(max_length=24, choices=Family.choices)
    variant = models.CharField(max_length=20, choices=Variant.choices)
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.EXPLORATORY)
    internal_metric = models.CharField(max_length=80)
    external_metric = models.CharField(max_length=80)
    lag = models.SmallIntegerField(validators=[MinValueValidator(-MAX_LAG), MaxValueValidator(MAX_LAG)])
    n = models.PositiveIntegerField()
    units = models.PositiveIntegerField()
    insufficient_data = models.BooleanField()
    # Why there are no numbers: few_pairs, few_units, constant, singular or unconverged.
    reason = models.CharField(max_length=12, blank=True)
    pearson_r = models.FloatField(null=True)
    pearson_p = models.FloatField(null=True)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    spearman_rho = models.FloatField(null=True)
    spearman_p = models.FloatField(null=True)
    q_value = models.FloatField(null=True)
    spearman_q = models.FloatField(null=True)
    min_detectable_r = models.FloatField(null=True)
    effective_n = models.FloatField(null=True)
    design_effect = models.FloatField(null=True)
    coefficient = models.FloatField(null=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "family", "variant", "internal_metric", "external_metric", "lag"],
                name="correlation_result_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.internal_metric} × {self.external_metric} lag {self.lag}: r={self.pearson_r}"


class CorrelationPoint(models.Model):
    """One unit-period of the headline scatter: internal satisfaction and the external score in
    the same period."""

    # A report writes its points once, in bulk, in the transaction that holds the report locked,
    # for the units its series names: the database's deferred key checks (two per point, at
    # commit) cost as much as writing them, so deletions cascade here in Django alone. A unit
    # deleted (in the admin) between the report's steps, or a report deleted while its
    # statistics step runs, can leave points behind that name nothing; every page and file
    # reads points joined to their unit, so none of them shows such a point. The report's index
    # is the unique constraint's.
    report = models.ForeignKey(
        CorrelationReport, on_delete=models.CASCADE, related_name="points", db_constraint=False, db_index=False
    )
    department = models.ForeignKey(
        "employees.Department", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    period = PeriodField()
    internal = models.FloatField()
    external = models.FloatField()

    class Meta:
        ordering = ["department_id", "period"]
        constraints = [
            models.UniqueConstraint(fields=["report", "department", "period"], name="correlation_point_once")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {Period.of(self.period)}: {self.internal} / {self.external}"
