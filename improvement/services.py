"""Every write to action plans, suggestions and trainings."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, NotAllowed
from core.notifications import notification_send
from employees.models import Department, User
from employees.permissions import subtree_ids
from improvement import rules, targets
from improvement.models import (
    OPEN_STATUSES,
    Action,
    ActionNote,
    ActionStatus,
    SuggestedAction,
    Training,
    TrainingAttendance,
)

# Which status may follow which. Done and dropped are final: an action that did not work is
# dropped and a new one planned, so that the follow-up of the old one stays what it was.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionStatus.PLANNED: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.PLANNED, ActionStatus.DONE, ActionStatus.DROPPED}),
    ActionStatus.DONE: frozenset(),
    ActionStatus.DROPPED: frozenset(),
}

# Owners hear about an action due within this many days, and at most once per interval.
REMINDER_HORIZON_DAYS = 7
REMINDER_INTERVAL = dt.timedelta(days=7)


# --- targets -----------------------------------------------------------------------------


def _validate_target(*, driver: str, dimension: str, department: Department, required: bool) -> None:
    """An action needs exactly one target, and a dimension only on a service unit (where its
    external score is measured); a training may have none, and its dimension is a topic that
    any audience may be trained in."""
    if driver and dimension:
        raise ValidationError({"dimension": [_("Choose a driver or a dimension, not both.")]})
    if not driver and not dimension:
        if required:
            raise ValidationError({"driver": [_("Choose the driver or the service dimension this action targets.")]})
        return
    if driver and driver not in targets.driver_keys():
        raise ValidationError({"driver": [_("“%(key)s” is not a pulse driver.") % {"key": driver}]})
    if dimension:
        if dimension not in targets.dimension_keys():
            raise ValidationError(
                {"dimension": [_("“%(key)s” is not an SKM element or a service dimension.") % {"key": dimension}]}
            )
        if required and not department.is_service_unit:
            raise ValidationError(
                {"dimension": [_("External service scores exist for service units only; choose a driver instead.")]}
            )


def _require_people_of(department: Department, people: Iterable[User], field: str) -> None:
    """Everyone in `people` must be an active member of the department or a unit below it."""
    audience = subtree_ids(department)
    outsiders = [person for person in people if not person.is_active or person.department_id not in audience]
    if outsiders:
        names = ", ".join(sorted(str(person) for person in outsiders))
        raise ValidationError(
            {
                field: [
                    _("Not in %(department)s or its units: %(names)s.")
                    % {"department": department.name, "names": names}
                ]
            }
        )


def _require_planner_for(actor: User, department: Department) -> None:
    if not rules.may_plan(actor):
        raise NotAllowed(_("Only HR and managers plan improvement actions and trainings."))
    if not rules.may_plan_for(actor, department.pk):
        # The department is visible to everyone, so naming the wrong one is bad input.
        raise ValidationError({"department": [_("You can only plan for departments you manage.")]})


# --- actions -------------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    actor: User,
    department: Department,
    title: str,
    owner: User,
    due_date: dt.date,
    driver: str = "",
    dimension: str = "",
    description: str = "",
    members: Iterable[User] = (),
    start_date: dt.date | None = None,
    suggestion: SuggestedAction | None = None,
) -> Action:
    _require_planner_for(actor, department)
    today = timezone.localdate()
    if due_date < today:
        raise ValidationError({"due_date": [_("The due date cannot be in the past.")]})
    start_date = start_date or today
    if due_date < start_date:
        raise ValidationError({"due_date": [_("The due date cannot be before the start date.")]})
    _validate_target(driver=driver, dimension=dimension, department=department, required=True)
    if suggestion is not None and (suggestion.driver, suggestion.dimension) != (driver, dimension):
        raise ValidationError({"suggestion": [_("This suggestion is for another driver or dimension.")]})
    members = list(members)
    _require_people_of(department, [owner], "owner")
    _require_people_of(department, members, "members")
    action = Action(
        department=department,
        driver=driver,
        dimension=dimension,
        title=title,
        description=description,
        owner=owner,
        start_date=start_date,
        due_date=due_date,
        suggestion=suggestion,
        created_by=actor,
    )
    action.full_clean(exclude=["members"])
    action.save()
    action.members.set(members)
    audit_record(
        actor=actor,
        action="improvement.action.create",
        target=action,
        summary=f"{department.code}: {title}",
        data={"driver": driver, "dimension": dimension, "due_date": due_date.isoformat()},
    )
    return action


ACTION_EDITABLE_FIELDS = frozenset({"title", "description", "owner", "members", "start_date", "due_date"})


@transaction.atomic
def action_update(*, action: Action, actor: User, **changes) -> Action:
    """Edits what the action is and who does it; its department and target stay as created
    (a different target is a different action, with its own follow-up)."""
    if not rules.may_plan_for(actor, action.department_id):
        raise NotAllowed()
    unknown = set(changes) - ACTION_EDITABLE_FIELDS
    if unknown:
        raise ValidationError({field: [_("This cannot be changed after the action is created.")] for field in unknown})
    action = Action.objects.select_for_update().get(pk=action.pk)
    if not action.is_open:
        raise Conflict(_("A done or dropped action is no longer edited."), code="action_closed")
    if "due_date" in changes and changes["due_date"] != action.due_date and changes["due_date"] < timezone.localdate():
        raise ValidationError({"due_date": [_("The due date cannot be in the past.")]})
    if "owner" in changes:
        _require_people_of(action.department, [changes["owner"]], "owner")
    members = changes.pop("members", None)
    if members is not None:
        members = list(members)
        _require_people_of(action.department, members, "members")
    for field, value in changes.items():
        setattr(action, field, value)
    if action.due_date < action.start_date:
        raise ValidationError({"due_date": [_("The due date cannot be before the start date.")]})
    if "due_date" in changes:
        action.last_reminded_at = None  # a new due date deserves a fresh reminder
    action.full_clean(exclude=["members"])
    action.save()
    if members is not None:
        action.members.set(members)
    return action


@transaction.atomic
def action_status_change(*, action: Action, actor: User, status: str, note: str = "") -> Action:
    """Moves the action on (done and dropped are final) and leaves a progress note."""
    if not rules.may_change_status(actor, action):
        raise NotAllowed(_("Only the owner, the department's managers and HR change an action's status."))
    if status not in ActionStatus.values:
        raise ValidationError({"status": [_("“%(value)s” is not a status.") % {"value": status}]})
    action = Action.objects.select_for_update().get(pk=action.pk)
    if status == action.status:
        raise Conflict(_("The action already has this status."), code="same_status")
    if status not in STATUS_TRANSITIONS[action.status]:
        raise Conflict(
            _("An action that is %(status)s cannot change its status.") % {"status": action.get_status_display()},
            code="action_closed",
        )
    previous = action.status
    action.status = status
    action.completed_on = timezone.localdate() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "completed_on", "updated_at"])
    ActionNote.objects.create(action=action, author=actor, text=note.strip(), status_from=previous, status_to=status)
    return action


@transaction.atomic
def action_note_add(*, action: Action, actor: User, text: str) -> ActionNote:
    if not rules.may_add_note(actor, action):
        raise NotAllowed(_("Only the owner, the team members, the department's managers and HR write notes."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Write what happened.")]})
    if not action.is_open:
        raise Conflict(_("A done or dropped action takes no more notes."), code="action_closed")
    return ActionNote.objects.create(action=action, author=actor, text=text)


def _reminder_message(action: Action, today: dt.date) -> tuple[str, str]:
    days = (action.due_date - today).days
    if days < 0:
        subject = _("Overdue improvement action: %(title)s") % {"title": action.title}
        when = _("It was due on %(date)s, %(days)d days ago.") % {"date": action.due_date.isoformat(), "days": -days}
    else:
        subject = _("Improvement action due soon: %(title)s") % {"title": action.title}
        when = _("It is due on %(date)s, in %(days)d days.") % {"date": action.due_date.isoformat(), "days": days}
    body = "\n\n".join(
        [
            _("Hello %(name)s,") % {"name": action.owner.get_full_name() or action.owner.username},
            _("You own the improvement action “%(title)s” of %(department)s.")
            % {"title": action.title, "department": action.department.name},
            when,
            _("Please record its progress or change its status in Prima."),
        ]
    )
    return subject, body


def action_reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mails the owner of every open action that is overdue or due within a week, at most
    once a week per action. Each action is claimed with a conditional UPDATE in its own
    transaction before its mail is sent, so two runs never remind twice, and a failed send
    rolls the claim back for the next run. Returns how many reminders were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=REMINDER_HORIZON_DAYS)
    not_recently = Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMINDER_INTERVAL)
    due = (
        Action.objects.filter(not_recently, status__in=OPEN_STATUSES, due_date__lte=horizon)
        .exclude(owner__email="")
        .filter(owner__is_active=True)
        .select_related("owner", "department")
        .order_by("id")
    )
    sent = 0
    for action in due:
        with transaction.atomic():
            claimed = Action.objects.filter(not_recently, pk=action.pk).update(last_reminded_at=now)
            if not claimed:
                continue
            notification_send([action.owner], lambda action=action: _reminder_message(action, today))
            sent += 1
    return sent


# --- suggestions ---------------------------------------------------------------------------


def _validate_suggestion_target(driver: str, dimension: str) -> None:
    if bool(driver) == bool(dimension):
        raise ValidationError({"driver": [_("Choose exactly one: a driver or a dimension.")]})
    if driver and driver not in targets.driver_keys():
        raise ValidationError({"driver": [_("“%(key)s” is not a pulse driver.") % {"key": driver}]})
    if dimension and dimension not in targets.dimension_keys():
        raise ValidationError(
            {"dimension": [_("“%(key)s” is not an SKM element or a service dimension.") % {"key": dimension}]}
        )


@transaction.atomic
def suggestion_create(
    *, actor: User, title_en: str, driver: str = "", dimension: str = "", **fields
) -> SuggestedAction:
    _validate_suggestion_target(driver, dimension)
    suggestion = SuggestedAction(driver=driver, dimension=dimension, title_en=title_en, **fields)
    suggestion.full_clean()
    suggestion.save()
    audit_record(actor=actor, action="improvement.suggestion.create", target=suggestion, summary=title_en)
    return suggestion


@transaction.atomic
def suggestion_update(*, suggestion: SuggestedAction, actor: User, **changes) -> SuggestedAction:
    for field, value in changes.items():
        setattr(suggestion, field, value)
    _validate_suggestion_target(suggestion.driver, suggestion.dimension)
    suggestion.full_clean()
    suggestion.save()
    audit_record(actor=actor, action="improvement.suggestion.update", target=suggestion, summary=suggestion.title_en)
    return suggestion


# --- trainings -----------------------------------------------------------------------------


def _attendance_rows(training: Training, people: Iterable[User]) -> list[TrainingAttendance]:
    return [
        TrainingAttendance(training=training, employee=person, department_id=person.department_id) for person in people
    ]


@transaction.atomic
def training_create(
    *,
    actor: User,
    department: Department,
    topic: str,
    date: dt.date,
    hours: Decimal,
    trainer: str,
    driver: str = "",
    dimension: str = "",
    description: str = "",
    attendees: Iterable[User] = (),
) -> Training:
    _require_planner_for(actor, department)
    _validate_target(driver=driver, dimension=dimension, department=department, required=False)
    attendees = list(attendees)
    _require_people_of(department, attendees, "attendees")
    training = Training(
        department=department,
        topic=topic,
        description=description,
        driver=driver,
        dimension=dimension,
        date=date,
        hours=hours,
        trainer=trainer,
        created_by=actor,
    )
    training.full_clean()
    training.save()
    TrainingAttendance.objects.bulk_create(_attendance_rows(training, attendees))
    audit_record(
        actor=actor,
        action="improvement.training.create",
        target=training,
        summary=f"{department.code}: {topic}",
        data={"date": date.isoformat(), "hours": str(hours), "attendees": len(attendees)},
    )
    return training


TRAINING_EDITABLE_FIELDS = frozenset({"topic", "description", "date", "hours", "trainer", "attendees"})


@transaction.atomic
def training_update(*, training: Training, actor: User, **changes) -> Training:
    """Edits a session. `attendees` replaces the registrations; those whose attendance was
    already recorded keep it."""
    if not rules.may_plan_for(actor, training.department_id):
        raise NotAllowed()
    unknown = set(changes) - TRAINING_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            {field: [_("This cannot be changed after the training is created.")] for field in unknown}
        )
    attendees = changes.pop("attendees", None)
    for field, value in changes.items():
        setattr(training, field, value)
    training.full_clean()
    training.save()
    if attendees is not None:
        attendees = list(attendees)
        _require_people_of(training.department, attendees, "attendees")
        keep = {person.pk for person in attendees}
        training.attendances.exclude(employee_id__in=keep).delete()
        registered = set(training.attendances.values_list("employee_id", flat=True))
        TrainingAttendance.objects.bulk_create(
            _attendance_rows(training, [person for person in attendees if person.pk not in registered])
        )
    return training


@transaction.atomic
def training_attendance_record(*, training: Training, actor: User, attendance: dict[User, bool]) -> int:
    """Records who came. Someone not yet registered (a walk-in from the audience) is
    registered at the same time; anyone outside the audience fails the whole record."""
    if not rules.may_plan_for(actor, training.department_id):
        raise NotAllowed()
    if training.date > timezone.localdate():
        raise Conflict(_("Attendance is recorded on or after the day of the training."), code="training_not_held")
    _require_people_of(training.department, attendance, "attendance")
    registered = {row.employee_id: row for row in training.attendances.select_for_update()}
    changed, created = [], []
    for person, attended in attendance.items():
        row = registered.get(person.pk)
        if row is None:
            row = TrainingAttendance(training=training, employee=person, department_id=person.department_id)
            row.attended = attended
            created.append(row)
        elif row.attended != attended:
            row.attended = attended
            changed.append(row)
    TrainingAttendance.objects.bulk_update(changed, ["attended"])
    TrainingAttendance.objects.bulk_create(created)
    return len(changed) + len(created)
