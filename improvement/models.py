"""Continuous improvement: action plans (rencana aksi), their progress notes, a library of
suggested actions, and training sessions (pelatihan) with their attendance.

An action or a suggestion targets exactly one weak spot: a pulse *driver* of a department (the
driver's key, as `pulse_surveys` names it) or an external *dimension* of a service unit (an SKM
element `u1`…`u9` or a Prima service dimension, `core.dimensions.ServiceDimension`). A training
may be linked to one of them, or to none.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

TARGET_KEY_LENGTH = 40

# Exactly one of driver / dimension is set.
EXACTLY_ONE_TARGET = (Q(driver="") & ~Q(dimension="")) | (~Q(driver="") & Q(dimension=""))
AT_MOST_ONE_TARGET = Q(driver="") | Q(dimension="")


def _in_active_language(english: str, indonesian: str) -> str:
    language = (get_language() or "en").split("-")[0]
    return indonesian if language == "id" and indonesian else english


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class SuggestedAction(models.Model):
    """An entry of the suggestions library: a proven action for one driver or dimension, in
    English and Bahasa Indonesia. HR keeps the library; a new action may start from one."""

    driver = models.CharField(_("driver"), max_length=TARGET_KEY_LENGTH, blank=True, db_index=True)
    dimension = models.CharField(_("dimension"), max_length=TARGET_KEY_LENGTH, blank=True, db_index=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_id = models.CharField(_("title (Bahasa Indonesia)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=4000, blank=True)
    description_id = models.TextField(_("description (Bahasa Indonesia)"), max_length=4000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["driver", "dimension", "position", "id"]
        verbose_name = _("suggested action")
        verbose_name_plural = _("suggested actions")
        constraints = [
            models.CheckConstraint(condition=EXACTLY_ONE_TARGET, name="improvement_suggestion_one_target"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_active_language(self.title_en, self.title_id)

    @property
    def description(self) -> str:
        return _in_active_language(self.description_en, self.description_id)


class Action(models.Model):
    """An improvement action on one weak spot of one department."""

    department = models.ForeignKey(
        "employees.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    driver = models.CharField(_("driver"), max_length=TARGET_KEY_LENGTH, blank=True)
    dimension = models.CharField(_("dimension"), max_length=TARGET_KEY_LENGTH, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="improvement_actions_owned",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team members"), blank=True, related_name="improvement_actions"
    )
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    suggestion = models.ForeignKey(
        SuggestedAction,
        verbose_name=_("started from suggestion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_reminded_at = models.DateTimeField(_("owner last reminded"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        constraints = [
            models.CheckConstraint(condition=EXACTLY_ONE_TARGET, name="improvement_action_one_target"),
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="improvement_action_status_valid"),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")), name="improvement_action_due_after_start"
            ),
            # A done action knows when it was done; no other has a completion date.
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE, completed_on__isnull=False)
                | (~Q(status=ActionStatus.DONE) & Q(completed_on__isnull=True)),
                name="improvement_action_completed_iff_done",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["completed_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def target_key(self) -> str:
        return self.driver or self.dimension


class ActionNote(models.Model):
    """A progress note on an action; a status change leaves one too."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"), max_length=2000, blank=True)
    status_from = models.CharField(_("status before"), max_length=12, blank=True)
    status_to = models.CharField(_("status after"), max_length=12, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        constraints = [
            models.CheckConstraint(condition=~Q(text="") | ~Q(status_to=""), name="improvement_note_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text[:60] or self.status_change

    @property
    def status_change(self) -> str:
        """ "in progress → done", in the active language; empty for a plain note."""
        if not self.status_to:
            return ""
        labels = dict(ActionStatus.choices)
        return f"{labels.get(self.status_from, self.status_from)} → {labels.get(self.status_to, self.status_to)}"


class Training(models.Model):
    """A training session (pelatihan) for the people of a department's subtree (its audience)."""

    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    department = models.ForeignKey(
        "employees.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The audience: the people of this department and the units below it."),
    )
    driver = models.CharField(_("driver"), max_length=TARGET_KEY_LENGTH, blank=True)
    dimension = models.CharField(_("dimension"), max_length=TARGET_KEY_LENGTH, blank=True)
    date = models.DateField(_("date"), db_index=True)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    trainer = models.CharField(_("trainer"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(condition=AT_MOST_ONE_TARGET, name="improvement_training_at_most_one_target"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="improvement_training_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%Y-%m-%d})"

    @property
    def target_key(self) -> str:
        return self.driver or self.dimension


class TrainingAttendance(models.Model):
    """A person registered for a session, and whether they came (`None`: not recorded yet).
    `department` is the person's department at registration, so that training hours stay
    with the unit that received them when people move."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendances")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_attendances"
    )
    department = models.ForeignKey(
        "employees.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["training", "employee__last_name", "employee__first_name", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["training", "employee"], name="improvement_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.training}"
