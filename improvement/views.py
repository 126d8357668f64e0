"""Continuous-improvement pages: the board of a department, an action with its before/after
chart, the training calendar. Thin: reads from selectors, writes through services."""

import calendar
import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.periods import Period
from core.web import form_errors_from, page_for, refuse_unless, service_call
from employees.models import Department
from employees.permissions import employees_visible_to, is_hr, is_leadership, managed_department_ids, subtree_ids
from improvement import evaluation, rules, selectors, services, targets
from improvement.charts import event_study_chart, follow_up_chart, follow_up_summary
from improvement.forms import (
    TARGET_FIELDS,
    ActionForm,
    AttendanceForm,
    NoteForm,
    StatusForm,
    TrainingForm,
    join_target,
    split_target,
)
from improvement.models import ActionStatus, SuggestedAction


def _board_departments(user):
    """The departments whose board a person may open: HR and leadership all, a manager their
    subtree, anyone else their own department."""
    if is_hr(user) or is_leadership(user):
        return Department.objects.order_by("path")
    ids = set(managed_department_ids(user)) | ({user.department_id} if user.department_id else set())
    return Department.objects.filter(pk__in=ids).order_by("path")


def _planning_departments(user):
    return (
        Department.objects.order_by("path")
        if is_hr(user)
        else Department.objects.filter(pk__in=managed_department_ids(user)).order_by("path")
    )


def _planning_people(user, department_id: int | None = None):
    """Whom a planner may name (owner, members, attendees): their scope, narrowed to the chosen
    department's subtree once one is chosen."""
    people = employees_visible_to(user).filter(is_active=True).select_related("department").order_by("first_name")
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    return people.filter(department_id__in=subtree_ids(department)) if department is not None else people


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _overdue_first(actions: list, today) -> list:
    """Open actions past their due date first (the most overdue first), then the rest by due date."""
    return sorted(actions, key=lambda action: (not (action.is_open and action.due_date < today), action.due_date))


# The board's choice of every department at once (HR and leadership, and their default).
ORGANISATION_WIDE = "all"


@login_required
def board(request):
    """One department's actions by status; for HR and leadership by default the whole
    organisation's, overdue first, each card naming its department."""
    user = request.user
    today = timezone.localdate()
    departments = list(_board_departments(user))
    chosen = request.GET.get("department", "")
    organisation_wide = (is_hr(user) or is_leadership(user)) and chosen in ("", ORGANISATION_WIDE)
    wanted = _int(chosen) or user.department_id
    department = None
    if not organisation_wide:
        department = next((d for d in departments if d.pk == wanted), departments[0] if departments else None)
    columns, follow_ups = [], {}
    if department is not None or organisation_wide:
        actions = selectors.action_list(viewer=user)
        actions = list(actions if organisation_wide else actions.filter(department=department))
        if organisation_wide or rules.may_see_follow_up(user, department.pk):
            follow_ups = selectors.action_follow_ups(actions)
        names = targets.driver_names()
        by_status = defaultdict(list)
        for action in _overdue_first(actions, today):
            action.target_label = targets.target_label(driver=action.driver, dimension=action.dimension, names=names)
            action.follow_up = follow_ups.get(action.pk)
            by_status[action.status].append(action)
        columns = [(value, label, by_status[value]) for value, label in ActionStatus.choices]
    return render(
        request,
        "improvement/board.html",
        {
            "departments": departments,
            "department": department,
            "organisation_wide": organisation_wide,
            "organisation_wide_value": ORGANISATION_WIDE,
            "can_see_all": is_hr(user) or is_leadership(user),
            "columns": columns,
            "can_plan": is_hr(user)
            if organisation_wide
            else department is not None and rules.may_plan_for(user, department.pk),
            "today": today,
        },
    )


@login_required
def action_detail(request, pk: int):
    user = request.user
    action = get_object_or_404(selectors.action_list(viewer=user), pk=pk)
    action.target_label = targets.target_label(driver=action.driver, dimension=action.dimension)
    follow_up = chart = summary = effect = event_chart = None
    if rules.may_see_follow_up(user, action.department_id):
        follow_up = selectors.action_follow_ups([action])[action.pk]
        chart, summary = follow_up_chart(follow_up), follow_up_summary(follow_up)
        effect = evaluation.action_effect(action)
        if effect is not None and effect.event_study is not None:
            event_chart = event_study_chart(effect.event_study)
    member_ids = {member.pk for member in action.members.all()}
    return render(
        request,
        "improvement/action_detail.html",
        {
            "action": action,
            "notes": selectors.action_notes(action),
            "follow_up": follow_up,
            "chart": chart,
            "summary": summary,
            "effect": effect,
            "event_chart": event_chart,
            "status_form": StatusForm(allowed=services.STATUS_TRANSITIONS[action.status])
            if action.is_open and rules.may_change_status(user, action)
            else None,
            "note_form": NoteForm() if action.is_open and rules.may_add_note(user, action, member_ids) else None,
            "threshold": selectors.VERDICT_THRESHOLD,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def action_status(request, pk: int):
    action = get_object_or_404(selectors.action_list(viewer=request.user), pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid() and service_call(
        request,
        None,
        lambda: services.action_status_change(
            action=action, actor=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
        ),
    ):
        messages.success(request, _("Status changed."))
    return redirect("improvement:action_detail", pk=action.pk)


@login_required
@require_POST
def action_note(request, pk: int):
    action = get_object_or_404(selectors.action_list(viewer=request.user), pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid() and service_call(
        request,
        None,
        lambda: services.action_note_add(action=action, actor=request.user, text=form.cleaned_data["text"]),
    ):
        messages.success(request, _("Note added."))
    elif not form.is_valid():
        messages.error(request, _("Write what happened."))
    return redirect("improvement:action_detail", pk=action.pk)


@page_for(rules.may_plan)
def action_create(request):
    user = request.user
    chosen = _int((request.POST if request.method == "POST" else request.GET).get("department")) or user.department_id
    departments, people = _planning_departments(user), _planning_people(user, chosen)
    suggestion = None
    if request.method == "POST":
        form = ActionForm(request.POST, departments=departments, people=people)
        if form.is_valid():
            data = dict(form.cleaned_data)
            suggestion = SuggestedAction.objects.filter(pk=data.pop("suggestion") or 0).first()
            try:
                action = services.action_create(
                    actor=user, suggestion=suggestion, **split_target(data.pop("target")), **data
                )
            except ValidationError as error:
                form_errors_from(form, error, fields=TARGET_FIELDS)
            else:
                messages.success(request, _("Action planned."))
                return redirect("improvement:action_detail", pk=action.pk)
    else:
        initial = {"department": chosen}
        suggestion = SuggestedAction.objects.filter(pk=_int(request.GET.get("suggestion")) or 0, is_active=True).first()
        if suggestion is not None:
            initial.update(
                target=join_target(driver=suggestion.driver, dimension=suggestion.dimension),
                title=suggestion.title,
                description=suggestion.description,
                suggestion=suggestion.pk,
            )
        elif request.GET.get("target"):
            initial["target"] = request.GET["target"]
        form = ActionForm(initial=initial, departments=departments, people=people)
    target = split_target(form["target"].value() or "")
    suggestions = (
        selectors.suggestion_list().filter(**target).order_by("position", "id") if any(target.values()) else []
    )
    return render(
        request,
        "improvement/action_form.html",
        {"form": form, "suggestions": suggestions, "target": form["target"].value() or ""},
    )


# --- trainings ---------------------------------------------------------------------------


@login_required
def trainings(request):
    user = request.user
    today = timezone.localdate()
    try:
        month = Period.parse(request.GET["month"]) if request.GET.get("month") else Period.of(today)
    except ValidationError:
        month = Period.of(today)
    first, after = month.first_day, month.shift(1).first_day
    sessions = list(selectors.training_list(viewer=user).filter(date__gte=first, date__lt=after))
    names = targets.driver_names()
    by_day = defaultdict(list)
    for session in sessions:
        session.target_label = targets.target_label(driver=session.driver, dimension=session.dimension, names=names)
        by_day[session.date].append(session)
    weeks = [
        [{"date": day, "in_month": day.month == month.month, "sessions": by_day.get(day, [])} for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    weekdays = [dt.date(2024, 1, 1) + dt.timedelta(days=offset) for offset in range(7)]  # a Monday onwards
    return render(
        request,
        "improvement/trainings.html",
        {
            "month": month,
            "month_start": first,
            "previous": month.shift(-1),
            "next": month.shift(1),
            "weeks": weeks,
            "weekdays": weekdays,
            "sessions": sessions,
            "can_plan": rules.may_plan(user),
            "today": today,
        },
    )


@page_for(rules.may_plan)
def training_create(request):
    user = request.user
    chosen = _int((request.POST if request.method == "POST" else request.GET).get("department")) or user.department_id
    departments, people = _planning_departments(user), _planning_people(user, chosen)
    if request.method == "POST":
        form = TrainingForm(request.POST, departments=departments, people=people)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                training = services.training_create(actor=user, **split_target(data.pop("target")), **data)
            except ValidationError as error:
                form_errors_from(form, error, fields=TARGET_FIELDS)
            else:
                messages.success(request, _("Training planned."))
                return redirect("improvement:training_detail", pk=training.pk)
    else:
        form = TrainingForm(initial={"department": chosen}, departments=departments, people=people)
    return render(request, "improvement/training_form.html", {"form": form})


@login_required
def training_detail(request, pk: int):
    user = request.user
    training = get_object_or_404(selectors.training_list(viewer=user), pk=pk)
    training.target_label = targets.target_label(driver=training.driver, dimension=training.dimension)
    rows = list(training.attendances.all())
    can_record = rules.may_plan_for(user, training.department_id) and training.date <= timezone.localdate()
    form = None
    if can_record:
        form = AttendanceForm(request.POST or None, rows=rows)
        if request.method == "POST" and form.is_valid():
            if service_call(
                request,
                None,
                lambda: services.training_attendance_record(
                    training=training, actor=user, attendance=form.attendance()
                ),
            ):
                messages.success(request, _("Attendance recorded."))
            return redirect("improvement:training_detail", pk=training.pk)
    else:
        refuse_unless(request.method != "POST")
    return render(
        request,
        "improvement/training_detail.html",
        {
            "training": training,
            "rows": rows,
            "form": form,
            "attended": sum(1 for row in rows if row.attended),
        },
    )
