"""Rewards and bonuses: pages. Thin: forms parse, services decide, selectors read."""

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.money import format_idr
from core.periods import Period
from core.web import page_for, refuse_unless, service_call
from employees.models import Department
from employees.permissions import is_hr, is_manager, subtree_ids
from rewards import selectors, services
from rewards.forms import BonusForm, BudgetForm, BulkBonusForm, NoteForm, RecognitionForm, RewardForm, ThrForm
from rewards.models import Bonus, BonusBudget, BonusStatus, Reward

RECENT = 20


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = default
    return redirect(target or default)


# --- Everyone: own rewards, recognising, the wall.


@login_required
def mine(request):
    """Recognitions given and received, own points, own bonuses, the catalogue."""
    user = request.user
    form = RecognitionForm(giver=user)
    if request.method == "POST":
        form = RecognitionForm(request.POST, giver=user)
        if form.is_valid():
            data = form.cleaned_data
            if service_call(
                request,
                form,
                lambda: services.recognition_create(
                    giver=user,
                    recipient=data["recipient"],
                    dimension=data["dimension"],
                    message=data["message"],
                    points=data["points"] or 0,
                ),
            ):
                messages.success(request, _("Thank you for recognising %(name)s.") % {"name": data["recipient"]})
                return redirect("rewards:mine")
    recognitions = selectors.recognition_list()
    context = {
        "form": form,
        "points": selectors.points_summary(employee=user, today=timezone.localdate()),
        "received": recognitions.filter(recipient=user)[:RECENT],
        "given": recognitions.filter(giver=user)[:RECENT],
        "bonuses": selectors.bonus_list(viewer=user).filter(employee=user).order_by("-period", "-id")[:RECENT],
        "catalogue": selectors.reward_list(viewer=user).filter(is_active=True),
        "redemptions": selectors.redemption_list(viewer=user).filter(employee=user)[:RECENT],
        "ledger": selectors.points_ledger(employee=user)[:RECENT],
    }
    return render(request, "rewards/mine.html", context)


@login_required
@require_POST
def redeem(request, reward_id: int):
    reward = get_object_or_404(Reward, pk=reward_id, is_active=True)
    if service_call(request, None, lambda: services.redemption_create(employee=request.user, reward=reward)):
        messages.success(request, _("You redeemed %(reward)s.") % {"reward": reward.name})
    return redirect("rewards:mine")


@login_required
def wall(request):
    """Recent recognitions and the leaderboard, for a department (and its sub-units) and a month."""
    today = timezone.localdate()
    try:
        period = Period.parse(request.GET["period"]) if request.GET.get("period") else Period.of(today)
    except ValidationError:
        period = Period.of(today)
    departments = Department.objects.order_by("name")
    department = None
    if (request.GET.get("department") or "").isdigit():
        department = departments.filter(pk=request.GET["department"]).first()
    department_ids = subtree_ids(department) if department else None
    recognitions = selectors.recognition_list().filter(period=period.first_day)
    if department_ids is not None:
        recognitions = recognitions.filter(department_id__in=department_ids)
    context = {
        "period": period,
        "previous": period.shift(-1),
        "next": period.shift(1) if period < Period.of(today) else None,
        "departments": departments,
        "department": department,
        "recognitions": recognitions[:60],
        "leaderboard": selectors.recognition_leaderboard(
            period_from=period.first_day, period_to=period.first_day, department_ids=department_ids
        ),
    }
    return render(request, "rewards/wall.html", context)


# --- Managers and HR: proposals.


@page_for(is_hr, is_manager)
def proposals(request):
    """Propose a bonus (managers for their team, HR for anyone) and follow one's proposals."""
    user = request.user
    form = BonusForm(proposer=user, initial={"period": str(Period.of(timezone.localdate()))})
    if request.method == "POST":
        form = BonusForm(request.POST, proposer=user)
        if form.is_valid():
            data = form.cleaned_data
            if service_call(request, form, lambda: services.bonus_create(actor=user, **data)):
                messages.success(request, _("Bonus for %(name)s saved.") % {"name": data["employee"]})
                return redirect("rewards:proposals")
    mine = selectors.bonus_list(viewer=user).filter(created_by=user).order_by("-created_at", "-id")[:50]
    return render(request, "rewards/proposals.html", {"form": form, "bonuses": mine})


@login_required
@require_POST
def bonus_step(request, pk: int, step: str):
    """submit / approve / reject / pay, from any bonus table (back to where it was pressed)."""
    steps = {
        "submit": (services.bonus_submit, _("Submitted for approval.")),
        "approve": (services.bonus_approve, _("Approved.")),
        "reject": (services.bonus_reject, _("Rejected.")),
        "pay": (services.bonus_pay, _("Marked as paid.")),
    }
    refuse_unless(step in steps)
    bonus = get_object_or_404(selectors.bonus_list(viewer=request.user), pk=pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    service, done = steps[step]
    if service_call(request, None, lambda: service(bonus=bonus, actor=request.user, note=note)):
        messages.success(request, f"{bonus.employee}: {format_idr(bonus.amount)} — {done}")
    return _back(request, reverse("rewards:proposals"))


# --- HR.


def _bar(budget: BonusBudget) -> dict:
    """Numbers for a budget bar (a `<meter>`) with plain floats for the attributes only."""
    amount = budget.amount or Decimal(0)
    return {
        "budget": budget,
        "remaining": amount - budget.committed,
        "high": amount * Decimal("0.9"),
        "over_pending": budget.committed + budget.pending > amount,
    }


@page_for(is_hr)
def board(request):
    """HR's bonus board: budgets with committed and remaining, budget and bulk forms, export."""
    today = timezone.localdate()
    year = int(request.GET["year"]) if (request.GET.get("year") or "").isdigit() else today.year
    budget_form = BudgetForm(prefix="budget", initial={"year": year})
    bulk_form = BulkBonusForm(prefix="bulk", initial={"period": str(Period.of(today))})
    if request.method == "POST" and "budget-amount" in request.POST:
        budget_form = BudgetForm(request.POST, prefix="budget")
        if budget_form.is_valid():
            data = budget_form.cleaned_data
            existing = BonusBudget.objects.filter(department=data["department"], year=data["year"]).first()
            call = (
                (lambda: services.budget_update(budget=existing, actor=request.user, amount=data["amount"]))
                if existing
                else (lambda: services.budget_create(actor=request.user, **data))
            )
            if service_call(request, budget_form, call):
                messages.success(request, _("Budget saved."))
                return redirect(f"{reverse('rewards:board')}?year={data['year']}")
    elif request.method == "POST":
        bulk_form = BulkBonusForm(request.POST, prefix="bulk")
        if bulk_form.is_valid():
            created = []
            if service_call(
                request,
                bulk_form,
                lambda: created.extend(services.bonus_bulk_create(actor=request.user, **bulk_form.cleaned_data)),
            ):
                total = sum((bonus.amount for bonus in created), Decimal(0))
                messages.success(
                    request,
                    _("%(count)d bonuses created, %(total)s in all.")
                    % {"count": len(created), "total": format_idr(total)},
                )
                return redirect("rewards:board")
    budgets = [_bar(budget) for budget in selectors.budget_list().filter(year=year)]
    totals = {
        "amount": sum((row["budget"].amount for row in budgets), Decimal(0)),
        "committed": sum((row["budget"].committed for row in budgets), Decimal(0)),
        "pending": sum((row["budget"].pending for row in budgets), Decimal(0)),
    }
    context = {
        "year": year,
        "years": [year - 1, year, year + 1],
        "budgets": budgets,
        "totals": totals,
        "budget_form": budget_form,
        "bulk_form": bulk_form,
        "waiting": Bonus.objects.filter(status=BonusStatus.SUBMITTED).count(),
    }
    return render(request, "rewards/board.html", context)


@page_for(is_hr)
def queue(request):
    """HR's approval queue, and approved bonuses waiting to be paid. A bonus the viewer
    created (or that pays the viewer) shows who else must decide instead of the buttons."""
    approved = (
        selectors.bonus_list(viewer=request.user).filter(status=BonusStatus.APPROVED).order_by("period", "id")[:200]
    )
    context = {
        "submitted": selectors.approval_queue(viewer=request.user)[:200],
        "approved": approved,
        "note_form": NoteForm(),
    }
    return render(request, "rewards/queue.html", context)


@page_for(is_hr)
def export(request):
    """The payroll CSV of approved bonuses (the API's export, for the browser)."""
    query = request.GET.urlencode()
    return redirect(f"{reverse('bonus-export')}{'?' + query if query else ''}")


@page_for(is_hr)
def thr(request):
    """THR: preview what everyone is owed for a holiday, then create the bonuses."""
    form = ThrForm(request.POST or request.GET or None)
    lines = None
    if form.is_bound and form.is_valid():
        holiday_date: dt.date = form.cleaned_data["holiday_date"]
        department = form.cleaned_data.get("department")
        department_ids = subtree_ids(department) if department else None
        if request.method == "POST":
            created = []
            if service_call(
                request,
                form,
                lambda: created.extend(
                    services.thr_bonuses_create(
                        actor=request.user, holiday_date=holiday_date, department_ids=department_ids
                    )
                ),
            ):
                total = sum((bonus.amount for bonus in created), Decimal(0))
                messages.success(
                    request,
                    _("%(count)d THR bonuses created and submitted for approval, %(total)s in all.")
                    % {"count": len(created), "total": format_idr(total)},
                )
                return redirect("rewards:queue")
        lines = selectors.thr_preview(holiday_date=holiday_date, department_ids=department_ids)
    eligible = [line for line in lines or [] if line.eligible]
    context = {
        "form": form,
        "lines": lines,
        "eligible_count": len(eligible),
        "total": sum((line.amount for line in eligible), Decimal(0)),
    }
    return render(request, "rewards/thr.html", context)


@page_for(is_hr)
def catalogue(request):
    """HR keeps the reward catalogue."""
    form = RewardForm()
    if request.method == "POST":
        form = RewardForm(request.POST)
        if form.is_valid() and service_call(
            request, form, lambda: services.reward_create(actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, _("Reward added to the catalogue."))
            return redirect("rewards:catalogue")
    context = {
        "form": form,
        "rewards": Reward.objects.order_by("-is_active", "points_cost"),
        "open_redemptions": selectors.redemption_list(viewer=request.user).filter(fulfilled_at__isnull=True),
    }
    return render(request, "rewards/catalogue.html", context)


@page_for(is_hr, methods=["POST"])
def reward_toggle(request, pk: int):
    reward = get_object_or_404(Reward, pk=pk)
    if service_call(
        request, None, lambda: services.reward_update(reward=reward, actor=request.user, is_active=not reward.is_active)
    ):
        messages.success(request, _("Catalogue updated."))
    return redirect("rewards:catalogue")


@page_for(is_hr, methods=["POST"])
def redemption_fulfil(request, pk: int):
    redemption = get_object_or_404(selectors.redemption_list(viewer=request.user), pk=pk)
    if service_call(request, None, lambda: services.redemption_fulfil(redemption=redemption, actor=request.user)):
        messages.success(request, _("Marked as handed over."))
    return redirect("rewards:catalogue")
