"""Reads: what each person may see, the follow-up of actions, and the levers that correlation
reports use."""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.periods import Period
from core.subqueries import ids_for_in
from employees.models import User
from employees.permissions import is_hr, is_leadership, managed_department_ids
from improvement import targets
from improvement.models import Action, ActionNote, ActionStatus, SuggestedAction, Training, TrainingAttendance

# --- who sees what -------------------------------------------------------------------------


def _sees_everything(user) -> bool:
    return is_hr(user) or is_leadership(user)


def actions_visible_to(user, queryset: QuerySet | None = None) -> QuerySet[Action]:
    """HR and leadership: all; a manager: their subtree's; everyone: their own department's
    and those they own or are a member of."""
    queryset = Action.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if _sees_everything(user):
        return queryset
    member_of = Action.members.through.objects.filter(user_id=user.pk).values("action_id")
    return queryset.filter(
        Q(department_id__in=managed_department_ids(user))
        | Q(department_id=user.department_id)
        | Q(owner_id=user.pk)
        | Q(pk__in=member_of)
    )


def trainings_visible_to(user, queryset: QuerySet | None = None) -> QuerySet[Training]:
    """HR and leadership: all; a manager: their subtree's; everyone: the sessions whose
    audience holds them (their department or one above it) and those they are registered for."""
    queryset = Training.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if _sees_everything(user):
        return queryset
    department = user.department
    above_or_own = [*department.ancestor_ids, department.pk] if department is not None else []
    registered = TrainingAttendance.objects.filter(employee_id=user.pk).values("training_id")
    return queryset.filter(
        Q(department_id__in=managed_department_ids(user)) | Q(department_id__in=above_or_own) | Q(pk__in=registered)
    )


def action_list(*, viewer) -> QuerySet[Action]:
    return (
        actions_visible_to(viewer)
        .select_related("department", "owner")
        .prefetch_related(Prefetch("members", queryset=User.objects.order_by("first_name", "last_name")))
        .order_by("due_date", "id")
    )


def action_notes(action: Action) -> QuerySet[ActionNote]:
    return action.notes.select_related("author").order_by("created_at", "id")


def training_list(*, viewer) -> QuerySet[Training]:
    return (
        trainings_visible_to(viewer)
        .select_related("department")
        .prefetch_related(
            Prefetch("attendances", queryset=TrainingAttendance.objects.select_related("employee").order_by("id"))
        )
        .order_by("date", "id")
    )


def suggestion_list(*, include_inactive: bool = False) -> QuerySet[SuggestedAction]:
    queryset = SuggestedAction.objects.all()
    return queryset if include_inactive else queryset.filter(is_active=True)


def actions_due(*, viewer, today: dt.date | None = None, days: int = 14) -> QuerySet[Action]:
    """Open actions the viewer plans for (a manager's subtree, HR all) that are overdue or due
    within `days`."""
    today = today or timezone.localdate()
    queryset = action_list(viewer=viewer).filter(
        status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS), due_date__lte=today + dt.timedelta(days=days)
    )
    return queryset if is_hr(viewer) else queryset.filter(department_id__in=managed_department_ids(viewer))


# Actions due within this many days wait in their owner's and their managers' inboxes.
INBOX_DUE_DAYS = 7


def actions_waiting_for(user, *, today: dt.date | None = None) -> QuerySet[Action]:
    """Open actions that `user` owns, or plans for as a manager of their department, that are
    overdue or due within INBOX_DUE_DAYS, the most overdue first."""
    today = today or timezone.localdate()
    mine = Q(owner_id=user.pk)
    departments = managed_department_ids(user)
    if departments:
        mine |= Q(department_id__in=departments)
    return (
        Action.objects.filter(mine)
        .filter(
            status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS),
            due_date__lte=today + dt.timedelta(days=INBOX_DUE_DAYS),
        )
        .order_by("due_date", "id")
    )


# --- follow-up: the targeted score before and after ----------------------------------------

# A change of at least this many points on the 0–100 scale counts as improved (or worse);
# anything smaller is unchanged. Two points is about the noise of a department's pulse score
# between rounds and below the width of an SKM grade band.
VERDICT_THRESHOLD = 2.0
# "Before" is the latest measurement within this many months before the start month.
BEFORE_LOOKBACK_MONTHS = 12
# "After" is read from the months following completion (or the due date), this many of them.
AFTER_WINDOW_MONTHS = 6


class Verdict:
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    WORSE = "worse"


# 2.12 standard deviations hold 95% of a discrete Laplace noise (ln 20 / √2 scales), and more
# of a sum of such noises: the margin said for a pooled protected score and for a change.
NOISE_Z = 2.12


@dataclass(frozen=True)
class Measurement:
    """The targeted score in one period: a value, or suppressed (and then nothing else). A
    protected pulse score carries the variance of its stored noise (points²)."""

    period: dt.date
    value: float | None
    suppressed: bool = False
    respondents: int | None = None
    noise_variance: float = 0.0

    @property
    def margin(self) -> int | None:
        """The 95% margin of a protected score's noise, in whole points; None when exact."""
        return math.ceil(NOISE_Z * math.sqrt(self.noise_variance)) if self.noise_variance else None


@dataclass
class FollowUp:
    metric: str  # "driver:<key>" or the external dimension key
    source: str  # "pulse" or the external source ("skm", …)
    before: Measurement | None = None
    after: Measurement | None = None
    after_series: list[Measurement] = field(default_factory=list)
    after_from: dt.date | None = None  # the first month counted as "after"; None: not yet

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None or self.before.suppressed or self.after.suppressed:
            return None
        return self.after.value - self.before.value

    @property
    def noise_margin(self) -> int | None:
        """The 95% margin of the protective noise in the change (None: both scores exact)."""
        if self.change is None or not (self.before.noise_variance or self.after.noise_variance):
            return None
        return math.ceil(NOISE_Z * math.sqrt(self.before.noise_variance + self.after.noise_variance))

    @property
    def verdict(self) -> str | None:
        """Improved or worse by at least VERDICT_THRESHOLD points, and by more than the noise
        a protected score carries; otherwise unchanged."""
        change = self.change
        if change is None:
            return None
        needed = max(VERDICT_THRESHOLD, self.noise_margin or 0)
        if change >= needed:
            return Verdict.IMPROVED
        if change <= -needed:
            return Verdict.WORSE
        return Verdict.UNCHANGED


def _after_reference(action: Action, today: dt.date) -> dt.date | None:
    """After completion for a done action, after the due date for one still open past it;
    a dropped action, or one not yet due, has no "after"."""
    if action.status == ActionStatus.DONE:
        return action.completed_on
    if action.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS) and action.due_date < today:
        return action.due_date
    return None


@dataclass(frozen=True)
class _Window:
    before_from: dt.date
    before_to: dt.date  # the last month before the start month
    after_from: dt.date | None
    after_to: dt.date | None


def _window(action: Action, today: dt.date) -> _Window:
    start = Period.of(action.start_date)
    reference = _after_reference(action, today)
    after_from = after_to = None
    if reference is not None:
        first_after = Period.of(reference).shift(1)
        last_after = min(first_after.shift(AFTER_WINDOW_MONTHS - 1), Period.of(today))
        if first_after <= last_after:
            after_from, after_to = first_after.first_day, last_after.first_day
        else:
            after_from = first_after.first_day
    return _Window(
        before_from=start.shift(-BEFORE_LOOKBACK_MONTHS).first_day,
        before_to=start.shift(-1).first_day,
        after_from=after_from,
        after_to=after_to,
    )


def _suppressed_pulse_periods(
    *, period_from: dt.date, period_to: dt.date, department_ids: list[int]
) -> set[tuple[int, dt.date]]:
    """(department id, period) where a materialised round result of the department was
    suppressed. Only the decision stored by `pulse_surveys` is read, nothing is recomputed."""
    from pulse_surveys.selectors import suppressed_department_periods

    return suppressed_department_periods(period_from=period_from, period_to=period_to, department_ids=department_ids)


def _pulse_measurements(
    actions: Sequence[Action], period_from: dt.date, period_to: dt.date
) -> dict[tuple[int, str], dict[dt.date, Measurement]]:
    """(department id, driver key) → period → measurement, from materialised pulse results:
    the shown scores of `internal_satisfaction_series`, and "suppressed" for a period in which
    the department had only suppressed results (so that nothing is computed around them)."""
    from pulse_surveys.selectors import internal_satisfaction_series

    department_ids = sorted({action.department_id for action in actions})
    metrics = sorted({f"driver:{action.driver}" for action in actions})
    found: dict[tuple[int, str], dict[dt.date, Measurement]] = defaultdict(dict)
    for row in internal_satisfaction_series(
        period_from=period_from, period_to=period_to, department_ids=department_ids, metrics=metrics
    ):
        key = (row["department_id"], row["metric"].removeprefix("driver:"))
        found[key][row["period"]] = Measurement(
            period=row["period"],
            value=float(row["value"]),
            respondents=row["respondents"],
            noise_variance=row["noise_variance"] if row["protected"] else 0.0,
        )
    hidden = _suppressed_pulse_periods(period_from=period_from, period_to=period_to, department_ids=department_ids)
    hidden_periods = defaultdict(set)
    for department_id, period in hidden:
        hidden_periods[department_id].add(period)
    for action in actions:
        series = found[(action.department_id, action.driver)]
        for period in hidden_periods[action.department_id]:
            series.setdefault(period, Measurement(period=period, value=None, suppressed=True))
    return found


def _external_measurements(
    actions: Sequence[Action], period_from: dt.date, period_to: dt.date
) -> tuple[dict[tuple[int, str], dict[dt.date, Measurement]], dict[tuple[int, str], str]]:
    """(department id, dimension) → period → measurement, from one source per pair: SKM for
    an SKM element, the first source in EXTERNAL_SOURCE_PREFERENCE that scores the pair for a
    Prima dimension. External scores are not anonymous survey groups: never suppressed."""
    from service_quality.selectors import external_score_series

    department_ids = sorted({action.department_id for action in actions})
    wanted = {(action.department_id, action.dimension) for action in actions}
    by_source: dict[tuple[int, str], dict[str, dict[dt.date, Measurement]]] = defaultdict(lambda: defaultdict(dict))
    for row in external_score_series(period_from=period_from, period_to=period_to, department_ids=department_ids):
        key = (row["department_id"], row["dimension"])
        if key in wanted:
            by_source[key][row["source"]][row["period"]] = Measurement(
                period=row["period"], value=float(row["value"]), respondents=row["respondents"]
            )
    found, sources = {}, {}
    for key in wanted:
        allowed = (targets.SKM_SOURCE,) if targets.is_skm_element(key[1]) else targets.EXTERNAL_SOURCE_PREFERENCE
        source = next((source for source in allowed if by_source[key].get(source)), allowed[0])
        found[key], sources[key] = by_source[key].get(source, {}), source
    return found, sources


def action_follow_ups(actions: Iterable[Action], *, today: dt.date | None = None) -> dict[int, FollowUp]:
    """The follow-up of each action, for a whole page at once: one pulse series read, one
    suppression read and one external series read, whatever the number of actions."""
    today = today or timezone.localdate()
    actions = list(actions)
    windows = {action.pk: _window(action, today) for action in actions}
    if not actions:
        return {}
    period_from = min(window.before_from for window in windows.values())
    period_to = max(max(window.before_to, window.after_to or window.before_to) for window in windows.values())

    driver_actions = [action for action in actions if action.driver]
    external_actions = [action for action in actions if action.dimension]
    pulse = _pulse_measurements(driver_actions, period_from, period_to) if driver_actions else {}
    external, sources = (
        _external_measurements(external_actions, period_from, period_to) if external_actions else ({}, {})
    )

    follow_ups = {}
    for action in actions:
        window = windows[action.pk]
        if action.driver:
            series = pulse.get((action.department_id, action.driver), {})
            follow_up = FollowUp(metric=f"driver:{action.driver}", source="pulse")
        else:
            series = external.get((action.department_id, action.dimension), {})
            follow_up = FollowUp(metric=action.dimension, source=sources[(action.department_id, action.dimension)])
        before = [m for period, m in series.items() if window.before_from <= period <= window.before_to]
        follow_up.before = max(before, key=lambda m: m.period) if before else None
        follow_up.after_from = window.after_from
        if window.after_from and window.after_to:
            after = sorted(
                (m for period, m in series.items() if window.after_from <= period <= window.after_to),
                key=lambda m: m.period,
            )
            follow_up.after_series = after
            # The first measurement after is "after", even when it is suppressed: a hidden
            # result is never replaced by a later or a derived one.
            follow_up.after = after[0] if after else None
        follow_ups[action.pk] = follow_up
    return follow_ups


# --- levers for correlation reports --------------------------------------------------------


def _month_after(period_to: dt.date) -> dt.date:
    return Period.of(period_to).shift(1).first_day


def actions_completed_series(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int] | None = None
) -> list[dict]:
    """[{department_id, period, count}]: actions done per department and month of completion."""
    queryset = Action.objects.filter(
        status=ActionStatus.DONE, completed_on__gte=period_from, completed_on__lt=_month_after(period_to)
    )
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=ids_for_in(department_ids))
    rows = (
        queryset.annotate(period=TruncMonth("completed_on"))
        .values("department_id", "period")
        .annotate(count=Count("id"))
        .order_by("department_id", "period")
    )
    return [{"department_id": row["department_id"], "period": row["period"], "count": row["count"]} for row in rows]


def training_hours_series(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int] | None = None
) -> list[dict]:
    """[{department_id, period, hours}]: training hours attended, per the attendee's department
    (at registration) and the month of the session, Decimal. Divide by headcount
    (`employees.selectors.headcount_by_department`) for hours per head."""
    queryset = TrainingAttendance.objects.filter(
        attended=True,
        department_id__isnull=False,
        training__date__gte=period_from,
        training__date__lt=_month_after(period_to),
    )
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=ids_for_in(department_ids))
    rows = (
        queryset.annotate(period=TruncMonth("training__date"))
        .values("department_id", "period")
        .annotate(hours=Sum("training__hours"))
        .order_by("department_id", "period")
    )
    return [
        {"department_id": row["department_id"], "period": row["period"], "hours": Decimal(row["hours"])} for row in rows
    ]
