"""Leave pages: my leave, approvals, the team calendar, and HR's pages. Thin: forms in, services
do the work, errors shown where they belong."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Conflict, NotAllowed
from core.periods import Period
from core.web import form_errors_from, page_for, refuse_unless, service_call
from employees.models import Department, User
from employees.permissions import is_hr, is_manager
from leave import api, calendar, forms, selectors, services
from leave.models import OPEN_STATUSES, Holiday, LeavePolicy, LeaveRequest, LeaveType, Status


@login_required
def mine(request):
    user = request.user
    year = timezone.localdate().year
    leave_types = (
        selectors.leave_types_for(user).filter(Q(eligible_sex="") | Q(eligible_sex=user.sex)).select_related("policy")
    )
    if request.method == "POST":
        form = forms.LeaveRequestForm(request.POST, request.FILES, leave_types=leave_types)
        if form.is_valid():
            try:
                services.leave_request_create(employee=user, **form.cleaned_data)
            except (ValidationError, Conflict, NotAllowed) as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Your request is sent for approval."))
                return redirect("leave:mine")
    else:
        form = forms.LeaveRequestForm(leave_types=leave_types)
    today = timezone.localdate()
    history = list(
        LeaveRequest.objects.filter(employee=user)
        .select_related("leave_type", "decided_by")
        .order_by("-start_date")[:50]
    )
    for item in history:
        item.cancellable = item.status in OPEN_STATUSES and item.start_date > today
    context = {
        "year": year,
        "balances": selectors.balances_for(employee=user, year=year),
        "form": form,
        "history": history,
        "ledger": selectors.ledger_for(employee=user, year=year)[:100],
        "policy": selectors.policy_for(user),
        "half_day_types": [leave_type.pk for leave_type in leave_types if leave_type.half_day_allowed],
    }
    return render(request, "leave/mine.html", context)


@login_required
@require_POST
def cancel(request, pk: int):
    leave_request = get_object_or_404(selectors.requests_visible_to(request.user), pk=pk)
    if service_call(request, None, lambda: services.leave_request_cancel(request=leave_request, actor=request.user)):
        messages.success(request, _("The request is cancelled."))
    return redirect(request.POST.get("next") or "leave:mine")


@login_required
def approvals(request):
    waiting = list(selectors.approvals_waiting_for(request.user))
    refuse_unless(bool(waiting) or is_hr(request.user) or is_manager(request.user) or request.user.reports.exists())
    year = timezone.localdate().year
    balances = {}
    for item in waiting:
        if item.leave_type.tracks_balance and (item.employee_id, item.year) not in balances:
            balances[(item.employee_id, item.year)] = {
                row["leave_type"]: row for row in selectors.balances_for(employee=item.employee, year=item.year)
            }
        row = balances.get((item.employee_id, item.year), {}).get(item.leave_type_id)
        item.available = row["available"] if row else None
    return render(
        request, "leave/approvals.html", {"waiting": waiting, "reject_form": forms.RejectForm(), "year": year}
    )


@login_required
@require_POST
def decide(request, pk: int):
    leave_request = get_object_or_404(selectors.requests_visible_to(request.user), pk=pk)
    if request.POST.get("decision") == "approve":
        if service_call(
            request, None, lambda: services.leave_request_approve(request=leave_request, actor=request.user)
        ):
            messages.success(request, _("Approved."))
    elif service_call(
        request,
        None,
        lambda: services.leave_request_reject(
            request=leave_request, actor=request.user, reason=request.POST.get("reason", "")
        ),
    ):
        messages.success(request, _("Rejected."))
    return redirect("leave:approvals")


@login_required
def attachment(request, pk: int):
    return api.attachment_response(request, pk)


# Who is away, a page of people at a time: at 50,000 people HR's month held 3,000 people's rows
# of 31 days (3.3 MB).
TEAM_ROWS_PER_PAGE = 100


@login_required
def team(request):
    today = timezone.localdate()
    try:
        month = Period.parse(request.GET["month"]) if request.GET.get("month") else Period.of(today)
    except ValidationError:
        month = Period.of(today)
    start = month.first_day
    end = month.shift(1).first_day - dt.timedelta(days=1)
    people = selectors.team_for(request.user)
    department_id = request.GET.get("department", "")
    department_id = int(department_id) if department_id.isdigit() else None
    detailed = is_hr(request.user) or is_manager(request.user)
    days_off = calendar.days_off(start, end)
    dates = list(calendar.dates_between(start, end))
    policy = selectors.policy_for(request.user)
    workdays = policy.workdays if policy else frozenset(range(1, 6))
    rows: dict[int, dict] = {}
    for day in selectors.absences(people=people, start=start, end=end, department_id=department_id):
        row = rows.setdefault(day.employee_id, {"person": day.employee, "days": {}})
        row["days"][day.date] = day
    page = Paginator(list(rows.values()), TEAM_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    table = []
    for row in page:
        cells = []
        for date in dates:
            leave_day = row["days"].get(date)
            state = "off" if date in days_off or date.isoweekday() not in workdays else ""
            if leave_day:
                state = "away" if leave_day.request.status == Status.APPROVED else "pending"
            label = leave_day.request.leave_type.name if leave_day and detailed else ""
            cells.append({"date": date, "state": state, "label": label})
        table.append({"person": row["person"], "cells": cells, "total": sum(d.days for d in row["days"].values())})
    departments = Department.objects.filter(pk__in=people.values("department_id")).order_by("name")
    context = {
        "month": month,
        "previous": month.shift(-1),
        "next": month.shift(1),
        "dates": [{"date": date, "off": date in days_off or date.isoweekday() not in workdays} for date in dates],
        "table": table,
        "page": page,
        "days_off": sorted(days_off.values(), key=lambda day: day.date),
        "departments": departments,
        "department_id": department_id,
        "detailed": detailed,
    }
    return render(request, "leave/team.html", context)


# --- HR -------------------------------------------------------------------------------------


@page_for(is_hr)
def manage_types(request):
    default_form = forms.PolicyDefaultForm(prefix="default")
    assign_form = forms.PolicyAssignForm(prefix="assign")
    if request.method == "POST" and "default-policy" in request.POST:
        default_form = forms.PolicyDefaultForm(request.POST, prefix="default")
        if default_form.is_valid():
            services.leave_policy_set_default(policy=default_form.cleaned_data["policy"], actor=request.user)
            messages.success(request, _("The organisation's default policy is changed."))
            return redirect("leave:manage_types")
    if request.method == "POST" and "assign-employee" in request.POST:
        assign_form = forms.PolicyAssignForm(request.POST, prefix="assign")
        if assign_form.is_valid():
            services.leave_policy_assign(actor=request.user, **assign_form.cleaned_data)
            messages.success(request, _("The employee's policy is changed."))
            return redirect("leave:manage_types")
    policies = LeavePolicy.objects.prefetch_related("types").order_by("-is_default", "name")
    assigned = (
        User.objects.filter(leave_policy__isnull=False)
        .select_related("leave_policy__policy", "department")
        .order_by("first_name")
    )
    return render(
        request,
        "leave/manage_types.html",
        {"policies": policies, "default_form": default_form, "assign_form": assign_form, "assigned": assigned},
    )


@page_for(is_hr)
def manage_type_edit(request, pk: int):
    leave_type = get_object_or_404(LeaveType.objects.select_related("policy"), pk=pk)
    form = forms.LeaveTypeForm(request.POST or None, instance=leave_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_type_update(leave_type=leave_type, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("leave:manage_types")
    return render(request, "leave/manage_type_edit.html", {"form": form, "leave_type": leave_type})


@page_for(is_hr)
def manage_type_create(request):
    form = forms.LeaveTypeCreateForm(request.POST or None, initial={"policy": selectors.default_policy()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.leave_type_create(policy=data.pop("policy"), actor=request.user, **data)
        except (ValidationError, Conflict) as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("leave:manage_types")
    return render(request, "leave/manage_form.html", {"form": form, "title": _("New leave type")})


@page_for(is_hr)
def manage_policy_edit(request, pk: int):
    policy = get_object_or_404(LeavePolicy, pk=pk)
    form = forms.PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_policy_update(policy=policy, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("leave:manage_types")
    return render(request, "leave/manage_form.html", {"form": form, "title": policy.name})


@page_for(is_hr)
def manage_holidays(request):
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    form = forms.HolidayForm(request.POST or None, initial={"date": dt.date(year, 1, 1), "is_day_off": True})
    if request.method == "POST" and form.is_valid():
        try:
            holiday = services.holiday_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Added to the calendar."))
            return redirect(f"{request.path}?year={holiday.date.year}")
    holidays = Holiday.objects.filter(date__year=year).order_by("date")
    return render(request, "leave/manage_holidays.html", {"year": year, "holidays": holidays, "form": form})


@page_for(is_hr)
@require_POST
def manage_holiday_change(request, pk: int):
    holiday = get_object_or_404(Holiday, pk=pk)
    action = request.POST.get("action")
    if action == "delete":
        services.holiday_delete(holiday=holiday, actor=request.user)
        messages.success(request, _("Removed from the calendar."))
    elif action == "toggle":
        services.holiday_update(holiday=holiday, actor=request.user, is_day_off=not holiday.is_day_off)
        messages.success(request, _("Saved."))
    return redirect(f"{reverse('leave:manage_holidays')}?year={holiday.date.year}")


@page_for(is_hr)
def manage_allocations(request):
    year = timezone.localdate().year
    allocation_form = forms.AllocationForm(prefix="allocation", initial={"year": year})
    adjustment_form = forms.AdjustmentForm(prefix="adjustment", initial={"year": year})
    if request.method == "POST":
        is_allocation = "allocate" in request.POST
        form = (
            forms.AllocationForm(request.POST, prefix="allocation")
            if is_allocation
            else forms.AdjustmentForm(request.POST, prefix="adjustment")
        )
        if form.is_valid():
            try:
                if is_allocation:
                    services.leave_allocation_create(actor=request.user, **form.cleaned_data)
                else:
                    services.leave_adjustment_create(actor=request.user, **form.cleaned_data)
            except (ValidationError, Conflict) as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Saved in the ledger."))
                return redirect(f"{request.path}?employee={form.cleaned_data['employee'].pk}")
        if is_allocation:
            allocation_form = form
        else:
            adjustment_form = form
    employee = None
    if request.GET.get("employee", "").isdigit():
        employee = User.objects.filter(pk=int(request.GET["employee"])).first()
    context = {
        "allocation_form": allocation_form,
        "adjustment_form": adjustment_form,
        "employee": employee,
        "year": year,
        "balances": selectors.balances_for(employee=employee, year=year) if employee else [],
        "ledger": selectors.ledger_for(employee=employee)[:100] if employee else [],
        "people": User.objects.filter(is_active=True).order_by("first_name", "last_name"),
    }
    return render(request, "leave/manage_allocations.html", context)
