"""Pulse surveys: drivers, the question bank, surveys, rounds, and what people answered.

Anonymity is structural. `Participation` records *who* took part in a round; `Response` and
`Answer` record *what* was answered. While the round is open, what was answered exists only as
a sealed `Ballot` (`pulse_surveys.ballots`); closing the round opens the ballots into responses
and answers written in random order. The two sides share no key (random UUIDs on both sides,
see `round_scoped_id`), no time finer than the day (a `Response` carries no date at all: the day
plus the department would single out the only person of a unit who answered that day), and no
storage order:
closing a round rewrites both in random order (`services.round_results_materialise`). Nothing
on `Response` or `Answer` points to a person; `tests/pulse_surveys/test_anonymity_structure.py`
walks every model and admin registration to keep it so.
"""

import os
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.periods import PeriodField

ROUND_ID_BITS = 32  # the round's share of a round-scoped id; the other 96 bits are a version 4 UUID's


def round_scoped_id(round_id: int) -> uuid.UUID:
    """A new id for a participation, response or answer of a round: the round's number in its
    first 32 bits, then the last 96 bits of a random (version 4) UUID, 90 of them random. Rows
    written for one round land in one narrow stretch of their table's indexes rather than anywhere
    in them, so writing a round costs the same however many rounds the tables already hold. Within
    the round the ids are random and ordered by nothing: they say no more than the row's round."""
    return round_scoped_ids(round_id, 1)[0]


_RANDOM_BITS = 128 - ROUND_ID_BITS
# A version 4 UUID's fixed bits among the last 96: the version (4) and the RFC 4122 variant (10).
_FIXED_MASK = (0xF << 76) | (0xC << 60)
_FIXED_BITS = (0x4 << 76) | (0x8 << 60)


def round_scoped_ids(round_id: int, count: int) -> list[uuid.UUID]:
    """`count` new ids as `round_scoped_id` makes them, in ascending order (their order says
    nothing: the bits below the round's number are drawn afresh from the system's random source)."""
    prefix = (round_id % (1 << ROUND_ID_BITS)) << _RANDOM_BITS
    width = _RANDOM_BITS // 8
    drawn = os.urandom(width * count)
    randoms = sorted(
        int.from_bytes(drawn[start : start + width]) & ~_FIXED_MASK | _FIXED_BITS
        for start in range(0, width * count, width)
    )
    return [uuid.UUID(int=prefix | random) for random in randoms]


class RoundScoped:
    """Rows of a round with round-scoped ids: build them with `Model.in_round(round, ...)`."""

    @classmethod
    def in_round(cls, pulse_round, **fields):
        return cls(id=round_scoped_id(pulse_round.pk), round=pulse_round, **fields)


def _in_active_language(english: str, indonesian: str) -> str:
    language = (get_language() or "en").split("-")[0]
    return indonesian if language == "id" and indonesian else english


class Driver(models.Model):
    """A driver of internal satisfaction (faktor pendorong): what a group of questions measures."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_id = models.CharField(_("name (Bahasa Indonesia)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_active_language(self.name_en, self.name_id)


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Agreement, 1–5")
    ENPS = "enps", _("Recommendation, 0–10 (eNPS)")
    TEXT = "text", _("Free text")


VALUE_RANGES = {QuestionKind.LIKERT: (1, 5), QuestionKind.ENPS: (0, 10)}
TEXT_MAX_LENGTH = 2000


class Question(models.Model):
    """A question of the bank, in English and Bahasa Indonesia. Likert and eNPS questions are
    always required (so that every respondent of a group answered every scored question);
    free text is optional."""

    key = models.SlugField(_("key"), max_length=40, unique=True, null=True, blank=True)
    driver = models.ForeignKey(
        Driver, verbose_name=_("driver"), null=True, blank=True, on_delete=models.PROTECT, related_name="questions"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices, default=QuestionKind.LIKERT)
    text_en = models.CharField(_("text (English)"), max_length=300)
    text_id = models.CharField(_("text (Bahasa Indonesia)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=QuestionKind.values), name="pulse_question_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _in_active_language(self.text_en, self.text_id)

    @property
    def required(self) -> bool:
        return self.kind != QuestionKind.TEXT

    @property
    def value_range(self) -> tuple[int, int] | None:
        return VALUE_RANGES.get(self.kind)


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    ONCE = "once", _("Once")


class Survey(models.Model):
    """A recurring pulse: which questions, to whom, how often, and the reporting threshold."""

    title = models.CharField(_("title"), max_length=200)
    questions = models.ManyToManyField(Question, through="SurveyQuestion", related_name="surveys")
    cadence = models.CharField(_("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    departments = models.ManyToManyField(
        "employees.Department",
        verbose_name=_("audience"),
        blank=True,
        related_name="pulse_surveys",
        help_text=_("Departments including their subtrees; none means everyone."),
    )
    anonymity_threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold"),
        default=settings.PRIMA_ANONYMITY_THRESHOLD_DEFAULT,
        validators=[MinValueValidator(settings.PRIMA_ANONYMITY_THRESHOLD_MINIMUM)],
        help_text=_("Results of fewer respondents than this are hidden."),
    )
    questions_per_round = models.PositiveSmallIntegerField(
        _("questions per round"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: every question in every round. Otherwise the rating questions rotate."),
    )
    open_days = models.PositiveSmallIntegerField(
        _("days a round stays open"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    reminder_days = models.JSONField(
        _("reminders (days before close)"), default=list, blank=True, help_text=_("For example [3, 1].")
    )
    starts_at = models.DateTimeField(_("first round opens"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("pulse survey")
        verbose_name_plural = _("pulse surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymity_threshold__gte=settings.PRIMA_ANONYMITY_THRESHOLD_MINIMUM),
                name="pulse_survey_threshold_minimum",
            ),
            models.CheckConstraint(condition=models.Q(cadence__in=Cadence.values), name="pulse_survey_cadence_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="survey_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="pulse_survey_question_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.position}"


class RoundStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """One occurrence of a survey. The audience is snapshotted when it opens (`Invitation`)."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.SCHEDULED)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    period = PeriodField(_("period"), null=True, blank=True, help_text=_("The month the round closed in."))
    anonymity_threshold = models.PositiveSmallIntegerField(_("anonymity threshold"))
    results_ready = models.BooleanField(_("results ready"), default=False)
    questions = models.ManyToManyField(Question, through="RoundQuestion", related_name="rounds")

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="pulse_round_number_unique"),
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="pulse_round_dates"),
            models.CheckConstraint(
                condition=models.Q(anonymity_threshold__gte=settings.PRIMA_ANONYMITY_THRESHOLD_MINIMUM),
                name="pulse_round_threshold_minimum",
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return f"{self.survey} #{self.number}"


class RoundQuestion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "question"], name="pulse_round_question_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.position}"


class Invitation(models.Model):
    """Who was asked, and in which department they were when the round opened."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pulse_invitations")
    department = models.ForeignKey(
        "employees.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["round", "employee"], name="pulse_invitation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.employee_id}"


class Participation(RoundScoped, models.Model):
    """That a person answered a round, and on which day. Nothing about what they answered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participations")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pulse_participations"
    )
    answered_on = models.DateField()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            # Exactly one submission per person and round, also when two race.
            models.UniqueConstraint(fields=["round", "employee"], name="pulse_participation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.employee_id}"


class RoundMembers(models.Model):
    """Who was invited to a materialised round, in which department, and who answered it, packed
    as arrays of ids: every later round's anonymity rules compare with it, and reading it in one
    row is far cheaper than gathering the invitations again at every close. Written when the
    round's results are materialised (`pulse_surveys.history`); it holds nothing about answers."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, primary_key=True, related_name="members")
    employees = models.BinaryField()  # little-endian int64 ids, department by department
    departments = models.BinaryField()  # those departments (−1: in none)
    sizes = models.BinaryField()  # how many of `employees` each holds
    answered = models.BinaryField()  # the ids of those who answered, sorted

    class Meta:
        verbose_name = _("round members")
        verbose_name_plural = _("round members")

    def __str__(self) -> str:
        return str(self.round_id)


class Ballot(models.Model):
    """A submission while its round is open, sealed (`pulse_surveys.ballots`): written with the
    person's participation, unreadable without a key the database does not hold, and of one
    length for the whole round. Closing the round opens every ballot into a `Response` and its
    `Answer`s, written in random order, and deletes the ballots."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")

    def __str__(self) -> str:
        return str(_("sealed ballot"))


class Response(RoundScoped, models.Model):
    """One anonymous submission: the round and the department snapshot, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    department = models.ForeignKey(
        "employees.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        # Never ordered by anything that could follow the order of submission.
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return str(_("anonymous response"))


class Answer(RoundScoped, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The response's round again (it reveals nothing the response does not), so that a round's
    # results read its own answers through the index below instead of joining the responses of
    # every round. The index on (round, question, value) serves the foreign key as well.
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers", db_index=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="pulse_answer_once"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0, value__lte=10),
                name="pulse_answer_value_range",
            ),
        ]
        indexes = [models.Index(fields=["round", "question", "value"], name="pulse_answer_round_values")]

    def __str__(self) -> str:
        return str(_("anonymous answer"))


class SuppressionReason(models.TextChoices):
    NONE = "", _("shown")
    BELOW_THRESHOLD = "below_threshold", _("fewer respondents than the anonymity threshold")
    COMPLEMENTARY = "complementary", _("hidden so that a small group cannot be worked out by subtraction")
    ACROSS_ROUNDS = "across_rounds", _("hidden so that comparing it with another round singles no one out")
    TOO_NOISY = (
        "too_noisy",
        _("hidden: the noise that would protect it against comparison with another round would make it meaningless"),
    )


# What a protected figure means, in plain words, wherever one is shown (page, API, export).
PROTECTION_NOTE = _(
    "Protected: this group changed by only a few people since another round, so comparing the two "
    "rounds' exact figures could reveal how someone answered. The figure therefore carries random "
    "noise, drawn once and kept, and is shown with its margin: the true value lies within ± the "
    "margin 95 times out of 100."
)


class RoundResult(models.Model):
    """The materialised result of a closed round for one department's subtree (or, with no
    department, the whole audience). A suppressed result stores no score, eNPS, driver,
    distribution or comment at all: what may not be shown is never written. A `protected`
    result stores its figures with their noise already added (drawn once, see
    `pulse_surveys.noise`), rounded to whole points, with the 95% half-width of the noise
    (`*_margin`) and its scale; it stores no distribution."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    department = models.ForeignKey(
        "employees.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The department tree as it was when the results were materialised.
    parent_department = models.ForeignKey(
        "employees.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_total = models.BooleanField(default=False)
    invited = models.PositiveIntegerField()
    responded = models.PositiveIntegerField()
    suppressed = models.BooleanField()
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices, blank=True)
    score = models.FloatField(null=True, blank=True)
    enps = models.FloatField(null=True, blank=True)
    protected = models.BooleanField(default=False)
    epsilon = models.FloatField(null=True, blank=True)  # the protected group's share of the budget
    score_margin = models.FloatField(null=True, blank=True)
    score_noise_scale = models.FloatField(null=True, blank=True)
    score_noise_variance = models.FloatField(null=True, blank=True)  # points²
    enps_margin = models.FloatField(null=True, blank=True)
    enps_noise_scale = models.FloatField(null=True, blank=True)
    enps_noise_variance = models.FloatField(null=True, blank=True)
    distributions = models.JSONField(default=dict, blank=True)
    comments = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("round result")
        verbose_name_plural = _("round results")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department"], condition=models.Q(is_total=False), name="pulse_result_once"
            ),
            models.UniqueConstraint(
                fields=["round"], condition=models.Q(is_total=True), name="pulse_result_total_once"
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=False) | models.Q(score__isnull=True, enps__isnull=True),
                name="pulse_result_suppressed_is_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(protected=False) | models.Q(suppressed=False, score_margin__isnull=False),
                name="pulse_result_protected_is_shown_with_margin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.department_id or 'total'}"

    @property
    def response_rate(self) -> float | None:
        return round(self.responded / self.invited * 100, 1) if self.invited else None

    @property
    def protection_note(self) -> str:
        return str(PROTECTION_NOTE) if self.protected else ""


class RoundResultDriver(models.Model):
    """A driver's score in a shown result (a table rather than JSON, so that series are SQL)."""

    result = models.ForeignKey(RoundResult, on_delete=models.CASCADE, related_name="driver_scores")
    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    margin = models.FloatField(null=True, blank=True)  # protected results: the noise's 95% half-width
    noise_scale = models.FloatField(null=True, blank=True)
    noise_variance = models.FloatField(null=True, blank=True)  # points²

    class Meta:
        ordering = ["driver__position"]
        constraints = [
            models.UniqueConstraint(fields=["result", "driver"], name="pulse_result_driver_once"),
        ]

    def __str__(self) -> str:
        return f"{self.result_id}:{self.driver_id}"


class DriverAnalysis(models.Model):
    """The driver impact of a closed round for one group (a department's subtree, or with no
    department the whole audience), computed from the answers when the round's results are
    materialised (`pulse_surveys.impact`) and stored so that pages only read it. It holds
    aggregates only (shares of R², intervals, favourable percentages), for groups shown exactly
    and large enough, or the reason why the analysis could not run. The whole audience's row
    also holds how much people within units agree (`agreement`).

    `outcome` says what the drivers explain: `engagement` (among respondents: the recommendation
    question and overall satisfaction, one entry each in `outcomes`) or `ikm` (across units: each
    unit's driver scores against its IKM in the round's month, one row for the whole
    organisation, `respondents` then counting units)."""

    class Outcome(models.TextChoices):
        ENGAGEMENT = "engagement", _("engagement")
        IKM = "ikm", _("IKM")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="driver_analyses")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.ENGAGEMENT)
    department = models.ForeignKey(
        "employees.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_total = models.BooleanField(default=False)
    respondents = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=40, blank=True)  # "" when it ran; see `drivers.reason_text`
    reason_params = models.JSONField(default=dict, blank=True)
    outcomes = models.JSONField(default=list, blank=True)
    agreement = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("driver analysis")
        verbose_name_plural = _("driver analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "outcome", "department"],
                condition=models.Q(is_total=False),
                name="pulse_driver_analysis_once",
            ),
            models.UniqueConstraint(
                fields=["round", "outcome"], condition=models.Q(is_total=True), name="pulse_driver_analysis_total_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.outcome}:{self.department_id or 'total'}"
