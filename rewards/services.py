"""Every write about recognitions, points, rewards, budgets and bonuses.

Locks, always taken in this order so that no two writers wait on each other in a circle:
a bonus row, then its department's budget row; a person's `PointsAccount` row.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, NotAllowed
from core.jobs import enqueue_on_commit
from core.money import MONEY_MAX_DIGITS, MONEY_PLACES, format_idr, round_rupiah
from core.notifications import notification_send
from core.periods import Period
from employees.models import Department, User
from employees.permissions import is_hr, manages, subtree_ids
from rewards import selectors
from rewards.models import (
    BONUS_TRANSITIONS,
    Bonus,
    BonusBudget,
    BonusKind,
    BonusStatus,
    BonusTransition,
    PointsAccount,
    PointsEntry,
    PointsEntryKind,
    Recognition,
    RecognitionReason,
    Redemption,
    Reward,
    RewardKind,
)

MAX_PERCENT_OF_WAGE = Decimal(1000)
MESSAGE_MAX_LENGTH = 1000


def _today() -> dt.date:
    return timezone.localdate()


def _clean_money(value, *, field: str, allow_zero: bool = False) -> Decimal:
    """A positive (or, for budgets, non-negative) amount with at most two decimals."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter an amount in rupiah, for example 1500000 or 1500000.50.")]}) from None
    if not amount.is_finite():
        raise ValidationError({field: [_("Enter an amount in rupiah, for example 1500000 or 1500000.50.")]})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: [_("The amount must be more than zero.")]})
    if amount != amount.quantize(MONEY_PLACES):
        raise ValidationError({field: [_("An amount has at most two decimals (sen).")]})
    if amount >= Decimal(10) ** (MONEY_MAX_DIGITS - 2):
        raise ValidationError({field: [_("The amount is too large.")]})
    return amount.quantize(MONEY_PLACES)


# --- Recognitions and points.


def _points_account_locked(employee: User) -> PointsAccount:
    """The person's points account, locked until the transaction ends."""
    PointsAccount.objects.get_or_create(employee=employee)
    return PointsAccount.objects.select_for_update().get(employee=employee)


@transaction.atomic
def recognition_create(
    *,
    giver: User,
    recipient: User,
    dimension: str,
    message: str,
    points: int = 0,
    today: dt.date | None = None,
) -> Recognition:
    """`giver` thanks `recipient`; `points` come out of the giver's monthly allowance, which a
    lock on the giver's points account keeps from being exceeded by requests at once."""
    today = today or _today()
    period = Period.of(today).first_day
    message = (message or "").strip()
    errors: dict[str, list[str]] = {}
    if recipient.pk == giver.pk:
        errors["recipient"] = [_("You cannot recognise yourself.")]
    elif not recipient.is_active:
        errors["recipient"] = [_("This person is no longer active.")]
    if dimension not in RecognitionReason.values:
        errors["dimension"] = [_("Choose a service-quality dimension, teamwork or continuous improvement.")]
    if not message:
        errors["message"] = [_("Say what they did.")]
    elif len(message) > MESSAGE_MAX_LENGTH:
        errors["message"] = [_("At most %(max)d characters.") % {"max": MESSAGE_MAX_LENGTH}]
    if not isinstance(points, int) or isinstance(points, bool) or points < 0:
        errors["points"] = [_("Points are a whole number, zero or more.")]
    if errors:
        raise ValidationError(errors)
    if points:
        _points_account_locked(giver)
        allowance = selectors.monthly_allowance()
        left = allowance - selectors.allowance_used(giver=giver, period=period)
        if points > left:
            raise ValidationError(
                {
                    "points": [
                        _("You have %(left)d of your %(allowance)d points left to give this month.")
                        % {"left": max(left, 0), "allowance": allowance}
                    ]
                }
            )
    recognition = Recognition.objects.create(
        giver=giver,
        recipient=recipient,
        department_id=recipient.department_id,
        dimension=dimension,
        message=message,
        points=points,
        period=period,
    )
    if points:
        PointsEntry.objects.create(
            employee=recipient, kind=PointsEntryKind.RECOGNITION, points=points, recognition=recognition
        )
    enqueue_on_commit("tasks.rewards.recognition_notify_task", recognition.pk)
    return recognition


@transaction.atomic
def recognition_notify(*, recognition_id: int) -> bool:
    """Tells the recipient by e-mail, once (a repeated call sends nothing). Returns whether
    a message went out."""
    recognition = (
        Recognition.objects.select_for_update(of=("self",))
        .select_related("giver", "recipient")
        .filter(pk=recognition_id, notified_at__isnull=True)
        .first()
    )
    if recognition is None:
        return False

    def compose() -> tuple[str, str]:
        subject = _("%(giver)s recognised you for %(reason)s") % {
            "giver": recognition.giver,
            "reason": recognition.get_dimension_display(),
        }
        body = recognition.message
        if recognition.points:
            body += "\n\n" + _("%(points)d points were added to your balance.") % {"points": recognition.points}
        return subject, body

    notification_send([recognition.recipient], compose)
    recognition.notified_at = timezone.now()
    recognition.save(update_fields=["notified_at"])
    return True


@transaction.atomic
def reward_create(
    *,
    actor: User,
    name: str,
    kind: str,
    points_cost: int,
    description: str = "",
    leave_days: Decimal | None = None,
    is_active: bool = True,
) -> Reward:
    if not is_hr(actor):
        raise NotAllowed()
    reward = Reward(
        name=name,
        kind=kind,
        points_cost=points_cost,
        description=description,
        leave_days=leave_days,
        is_active=is_active,
    )
    _check_reward(reward)
    reward.save()
    audit_record(actor=actor, action="rewards.reward.create", target=reward, summary=f"{name} ({points_cost})")
    return reward


@transaction.atomic
def reward_update(*, reward: Reward, actor: User, **changes) -> Reward:
    if not is_hr(actor):
        raise NotAllowed()
    for field, value in changes.items():
        setattr(reward, field, value)
    _check_reward(reward)
    reward.save()
    audit_record(
        actor=actor,
        action="rewards.reward.update",
        target=reward,
        summary=reward.name,
        data={field: str(value) for field, value in changes.items()},
    )
    return reward


def _check_reward(reward: Reward) -> None:
    if reward.kind == RewardKind.DAY_OFF and not reward.leave_days:
        raise ValidationError({"leave_days": [_("Say how many days of leave this reward gives.")]})
    if reward.kind != RewardKind.DAY_OFF:
        reward.leave_days = None
    reward.full_clean()


# The leave type an extra day off adds to: cuti tahunan, in the person's own leave policy.
DAY_OFF_LEAVE_TYPE = "annual"


@transaction.atomic
def redemption_create(*, employee: User, reward: Reward, today: dt.date | None = None) -> Redemption:
    """Spends points on a reward. The balance is checked under a lock on the person's points
    account, so two redemptions at once cannot overdraw it. A day off is added to the
    person's annual leave at once."""
    today = today or _today()
    if not reward.is_active:
        raise ValidationError({"reward": [_("This reward is not available.")]})
    _points_account_locked(employee)
    balance = selectors.points_balance(employee=employee)
    if balance < reward.points_cost:
        raise Conflict(
            _("This reward costs %(cost)d points; you have %(balance)d.")
            % {"cost": reward.points_cost, "balance": balance},
            code="not_enough_points",
        )
    redemption = Redemption.objects.create(employee=employee, reward=reward, points=reward.points_cost)
    PointsEntry.objects.create(
        employee=employee,
        kind=PointsEntryKind.REDEMPTION,
        points=-reward.points_cost,
        redemption=redemption,
        note=reward.name[:200],
    )
    if reward.kind == RewardKind.DAY_OFF:
        from leave.services import leave_allocation_create

        leave_allocation_create(
            employee=employee,
            leave_type=DAY_OFF_LEAVE_TYPE,
            year=today.year,
            days=reward.leave_days,
            note=_("Reward: %(name)s") % {"name": reward.name},
            actor=employee,
        )
        redemption.fulfilled_at = timezone.now()
        redemption.save(update_fields=["fulfilled_at"])
    return redemption


@transaction.atomic
def redemption_fulfil(*, redemption: Redemption, actor: User) -> Redemption:
    """HR hands over a voucher."""
    if not is_hr(actor):
        raise NotAllowed()
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if redemption.fulfilled_at is not None:
        raise Conflict(_("This redemption has already been fulfilled."), code="state")
    redemption.fulfilled_at = timezone.now()
    redemption.save(update_fields=["fulfilled_at"])
    audit_record(actor=actor, action="rewards.redemption.fulfil", target=redemption, summary=str(redemption))
    return redemption


# --- Budgets.


@transaction.atomic
def budget_create(*, actor: User, department: Department, year: int, amount) -> BonusBudget:
    if not is_hr(actor):
        raise NotAllowed()
    amount = _clean_money(amount, field="amount", allow_zero=True)
    if BonusBudget.objects.filter(department=department, year=year).exists():
        raise Conflict(
            _("%(department)s already has a bonus budget for %(year)d.")
            % {"department": department.name, "year": year},
            code="duplicate",
        )
    budget = BonusBudget(department=department, year=year, amount=amount)
    budget.full_clean()
    budget.save()
    audit_record(
        actor=actor,
        action="rewards.budget.create",
        target=budget,
        summary=f"{department.code} {year}: {format_idr(amount)}",
        data={"department": department.pk, "year": year, "amount": str(amount)},
    )
    return budget


@transaction.atomic
def budget_update(*, budget: BonusBudget, actor: User, amount) -> BonusBudget:
    """Changes the amount; never below what is already committed (under the budget's lock,
    so that no approval slips in between)."""
    if not is_hr(actor):
        raise NotAllowed()
    amount = _clean_money(amount, field="amount", allow_zero=True)
    budget = BonusBudget.objects.select_for_update().select_related("department").get(pk=budget.pk)
    committed = selectors.budget_committed(department_id=budget.department_id, year=budget.year)
    if amount < committed:
        raise Conflict(
            _("%(committed)s is already committed; the budget cannot be lower.") % {"committed": format_idr(committed)},
            code="below_committed",
        )
    previous = budget.amount
    budget.amount = amount
    budget.save(update_fields=["amount"])
    audit_record(
        actor=actor,
        action="rewards.budget.update",
        target=budget,
        summary=f"{budget.department.code} {budget.year}: {format_idr(previous)} → {format_idr(amount)}",
        data={"from": str(previous), "to": str(amount)},
    )
    return budget


# --- Bonuses.


def _check_state(bonus: Bonus, to: str) -> None:
    if to not in BONUS_TRANSITIONS[bonus.status]:
        raise Conflict(
            _("A bonus that is %(from)s cannot become %(to)s.")
            % {"from": bonus.get_status_display(), "to": BonusStatus(to).label},
            code="state",
        )


def _transition(bonus: Bonus, *, to: str, actor: User, note: str = "", verb: str) -> Bonus:
    """Moves a (locked) bonus to `to`, records the step and audits it."""
    _check_state(bonus, to)
    previous = bonus.status
    bonus.status = to
    bonus.save(update_fields=["status", "decided_by", "decided_at", "paid_at"])
    _record(bonus, previous=previous, actor=actor, note=note, verb=verb)
    return bonus


def _record(bonus: Bonus, *, previous: str, actor: User, note: str, verb: str) -> None:
    to = bonus.status
    BonusTransition.objects.create(
        bonus=bonus, from_status=previous, to_status=bonus.status, actor=actor, note=(note or "")[:500]
    )
    audit_record(
        actor=actor,
        action=f"rewards.bonus.{verb}",
        target=bonus,
        summary=f"{bonus.employee.username} {bonus.kind} {format_idr(bonus.amount)}: {previous or '-'} → {to}",
        data={"from": previous, "to": bonus.status, "amount": str(bonus.amount), "note": note or ""},
    )


def _check_proposer(actor: User, employee: User) -> None:
    """HR creates bonuses for anyone but themselves; a manager proposes for their own team."""
    if employee.pk == actor.pk:
        raise NotAllowed(_("No one proposes a bonus for themselves."), code="own_bonus")
    if not (is_hr(actor) or manages(actor, employee)):
        raise NotAllowed(_("Managers propose bonuses for their own team only."), code="not_your_team")


def _check_bonus_fields(*, employee: User, kind: str, amount, period: dt.date) -> Decimal:
    errors = {}
    if not employee.is_active:
        errors["employee"] = [_("This person is no longer active.")]
    elif employee.department_id is None:
        errors["employee"] = [_("This person belongs to no department, so no budget can pay a bonus.")]
    if kind not in BonusKind.values:
        errors["kind"] = [_("Choose performance, spot, THR or retention.")]
    if not isinstance(period, dt.date) or period.day != 1:
        errors["period"] = [str(_("A period is written YYYY-MM, for example 2026-03."))]
    try:
        amount = _clean_money(amount, field="amount")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return amount


@transaction.atomic
def bonus_create(
    *,
    actor: User,
    employee: User,
    kind: str,
    amount,
    period: dt.date,
    reason: str = "",
    submit: bool = False,
) -> Bonus:
    """A draft bonus (submitted at once with `submit`), charged to the person's department."""
    _check_proposer(actor, employee)
    amount = _check_bonus_fields(employee=employee, kind=kind, amount=amount, period=period)
    if kind == BonusKind.THR and _thr_exists(employee_ids=[employee.pk], period=period):
        raise Conflict(_("This person already has a THR for this period."), code="duplicate")
    bonus = Bonus.objects.create(
        employee=employee,
        department_id=employee.department_id,
        kind=kind,
        amount=amount,
        period=period,
        reason=(reason or "").strip(),
        created_by=actor,
    )
    _record(bonus, previous="", actor=actor, note="", verb="create")
    if submit:
        _transition(bonus, to=BonusStatus.SUBMITTED, actor=actor, verb="submit")
    return bonus


def _locked(bonus: Bonus) -> Bonus:
    return Bonus.objects.select_for_update(of=("self",)).select_related("employee").get(pk=bonus.pk)


@transaction.atomic
def bonus_update(*, bonus: Bonus, actor: User, **changes) -> Bonus:
    """Changes a draft (its creator or HR)."""
    bonus = _locked(bonus)
    if not (is_hr(actor) or bonus.created_by_id == actor.pk):
        raise NotAllowed()
    if bonus.status != BonusStatus.DRAFT:
        raise Conflict(_("Only a draft can be changed."), code="state")
    employee = changes.get("employee", bonus.employee)
    if employee.pk != bonus.employee_id:
        _check_proposer(actor, employee)
    fields = {"kind": bonus.kind, "amount": bonus.amount, "period": bonus.period} | {
        key: changes[key] for key in ("kind", "amount", "period") if key in changes
    }
    bonus.amount = _check_bonus_fields(employee=employee, **fields)
    bonus.kind, bonus.period, bonus.employee = fields["kind"], fields["period"], employee
    bonus.department_id = employee.department_id
    if "reason" in changes:
        bonus.reason = (changes["reason"] or "").strip()
    bonus.save()
    audit_record(
        actor=actor,
        action="rewards.bonus.update",
        target=bonus,
        summary=f"{bonus.employee.username} {bonus.kind} {format_idr(bonus.amount)}",
        data={key: str(value.pk if hasattr(value, "pk") else value) for key, value in changes.items()},
    )
    return bonus


@transaction.atomic
def bonus_submit(*, bonus: Bonus, actor: User, note: str = "") -> Bonus:
    """Sends a draft for HR's approval (its creator, or HR)."""
    bonus = _locked(bonus)
    if not (is_hr(actor) or bonus.created_by_id == actor.pk):
        raise NotAllowed()
    return _transition(bonus, to=BonusStatus.SUBMITTED, actor=actor, note=note, verb="submit")


def _check_decider(bonus: Bonus, actor: User) -> None:
    """Approve, reject and pay: HR, never the person who created the bonus nor the person it
    pays."""
    if not is_hr(actor):
        raise NotAllowed(_("Only HR decides on bonuses."), code="not_hr")
    if bonus.created_by_id == actor.pk:
        raise NotAllowed(_("You created this bonus; someone else in HR must decide on it."), code="own_proposal")
    if bonus.employee_id == actor.pk:
        raise NotAllowed(_("No one decides on their own bonus."), code="own_bonus")


@transaction.atomic
def bonus_approve(*, bonus: Bonus, actor: User, note: str = "") -> Bonus:
    """Approves a submitted bonus and commits it against its department's budget for the
    bonus's year. The budget row stays locked until the transaction ends, so approvals at
    once are counted one after the other and never exceed the budget together."""
    bonus = _locked(bonus)
    _check_decider(bonus, actor)
    _check_state(bonus, BonusStatus.APPROVED)
    year = bonus.period.year
    budget = BonusBudget.objects.select_for_update().filter(department_id=bonus.department_id, year=year).first()
    if budget is None:
        raise Conflict(
            _("%(department)s has no bonus budget for %(year)d.") % {"department": bonus.department.name, "year": year},
            code="no_budget",
        )
    committed = selectors.budget_committed(department_id=bonus.department_id, year=year)
    if committed + bonus.amount > budget.amount:
        raise Conflict(
            _("Over budget: %(remaining)s of %(budget)s remains, the bonus is %(amount)s.")
            % {
                "remaining": format_idr(budget.amount - committed),
                "budget": format_idr(budget.amount),
                "amount": format_idr(bonus.amount),
            },
            code="over_budget",
        )
    bonus.decided_by, bonus.decided_at = actor, timezone.now()
    return _transition(bonus, to=BonusStatus.APPROVED, actor=actor, note=note, verb="approve")


@transaction.atomic
def bonus_reject(*, bonus: Bonus, actor: User, note: str = "") -> Bonus:
    bonus = _locked(bonus)
    _check_decider(bonus, actor)
    _check_state(bonus, BonusStatus.REJECTED)
    bonus.decided_by, bonus.decided_at = actor, timezone.now()
    return _transition(bonus, to=BonusStatus.REJECTED, actor=actor, note=note, verb="reject")


@transaction.atomic
def bonus_pay(*, bonus: Bonus, actor: User, note: str = "") -> Bonus:
    bonus = _locked(bonus)
    _check_decider(bonus, actor)
    _check_state(bonus, BonusStatus.PAID)
    bonus.paid_at = timezone.now()
    return _transition(bonus, to=BonusStatus.PAID, actor=actor, note=note, verb="pay")


def _members(department: Department, *, include_subdepartments: bool) -> Iterable[User]:
    ids = subtree_ids(department) if include_subdepartments else {department.pk}
    return User.objects.filter(is_active=True, department_id__in=ids).order_by("department_id", "last_name", "id")


def _create_many(*, actor: User, drafts: list[Bonus], submit: bool, action: str, summary: str) -> list[Bonus]:
    """Inserts bonuses and their transitions in a few statements; one audit entry for all."""
    created = Bonus.objects.bulk_create(drafts)
    steps = [
        BonusTransition(bonus=bonus, from_status="", to_status=BonusStatus.DRAFT, actor=actor) for bonus in created
    ]
    if submit:
        steps += [
            BonusTransition(bonus=bonus, from_status=BonusStatus.DRAFT, to_status=BonusStatus.SUBMITTED, actor=actor)
            for bonus in created
        ]
        Bonus.objects.filter(pk__in=[bonus.pk for bonus in created]).update(status=BonusStatus.SUBMITTED)
        for bonus in created:
            bonus.status = BonusStatus.SUBMITTED
    BonusTransition.objects.bulk_create(steps)
    total = sum((bonus.amount for bonus in created), Decimal(0))
    audit_record(
        actor=actor,
        action=action,
        summary=f"{summary}: {len(created)}, {format_idr(total)}",
        data={"bonuses": [bonus.pk for bonus in created], "total": str(total), "submitted": submit},
    )
    return created


@transaction.atomic
def bonus_bulk_create(
    *,
    actor: User,
    department: Department,
    kind: str,
    period: dt.date,
    reason: str = "",
    amount: Decimal | None = None,
    percent_of_wage: Decimal | None = None,
    include_subdepartments: bool = False,
    submit: bool = False,
) -> list[Bonus]:
    """One bonus for every active member of a department (and its subdepartments when asked):
    a fixed amount, or a percentage of each person's monthly wage rounded to the rupiah (people
    without a wage are left out). HR only; the creator is never among the people paid."""
    if not is_hr(actor):
        raise NotAllowed(_("Only HR creates bonuses in bulk."), code="not_hr")
    if kind == BonusKind.THR:
        raise ValidationError({"kind": [_("THR is created with the THR calculation, not in bulk.")]})
    if (amount is None) == (percent_of_wage is None):
        raise ValidationError({"amount": [_("Give either a fixed amount or a percentage of the monthly wage.")]})
    if percent_of_wage is not None:
        percent_of_wage = _clean_money(percent_of_wage, field="percent_of_wage")
        if percent_of_wage > MAX_PERCENT_OF_WAGE:
            raise ValidationError({"percent_of_wage": [_("At most 1000% of the monthly wage.")]})
    drafts = []
    for person in _members(department, include_subdepartments=include_subdepartments):
        if person.pk == actor.pk:
            continue
        if percent_of_wage is not None:
            if not person.monthly_wage:
                continue
            value = round_rupiah(person.monthly_wage * percent_of_wage / 100)
            if value <= 0:
                continue
        else:
            value = amount
        value = _check_bonus_fields(employee=person, kind=kind, amount=value, period=period)
        drafts.append(
            Bonus(
                employee=person,
                department_id=person.department_id,
                kind=kind,
                amount=value,
                period=period,
                reason=(reason or "").strip(),
                created_by=actor,
            )
        )
    if not drafts:
        raise ValidationError({"department": [_("No one in this department can receive this bonus.")]})
    return _create_many(
        actor=actor, drafts=drafts, submit=submit, action="rewards.bonus.bulk_create", summary=department.code
    )


def _thr_exists(*, employee_ids: Iterable[int], period: dt.date) -> set[int]:
    return set(
        Bonus.objects.filter(employee_id__in=list(employee_ids), period=period, kind=BonusKind.THR)
        .exclude(status=BonusStatus.REJECTED)
        .values_list("employee_id", flat=True)
    )


@transaction.atomic
def thr_bonuses_create(
    *,
    actor: User,
    holiday_date: dt.date,
    period: dt.date | None = None,
    department_ids: Iterable[int] | None = None,
    submit: bool = True,
) -> list[Bonus]:
    """THR bonuses for everyone owed one on `holiday_date`, all in one transaction, for the
    holiday's month unless `period` is given. People who already have a THR for that period
    (not rejected) are left out, so running it twice creates nothing the second time. They
    are submitted for approval by someone else in HR."""
    if not is_hr(actor):
        raise NotAllowed(_("Only HR creates THR."), code="not_hr")
    period = period or Period.of(holiday_date).first_day
    lines = [
        line
        for line in selectors.thr_preview(holiday_date=holiday_date, department_ids=department_ids)
        if line.eligible and line.employee.pk != actor.pk
    ]
    existing = _thr_exists(employee_ids=[line.employee.pk for line in lines], period=period)
    reason = _("THR for the holiday on %(date)s (Permenaker 6/2016)") % {"date": holiday_date.isoformat()}
    drafts = [
        Bonus(
            employee=line.employee,
            department_id=line.employee.department_id,
            kind=BonusKind.THR,
            amount=line.amount,
            period=period,
            reason=reason + " — " + _("%(months)d months of service") % {"months": line.months_of_service},
            created_by=actor,
        )
        for line in lines
        if line.employee.pk not in existing
    ]
    if not drafts:
        return []
    return _create_many(
        actor=actor, drafts=drafts, submit=submit, action="rewards.thr.create", summary=holiday_date.isoformat()
    )


def bonus_approval_reminder_send(*, today: dt.date | None = None) -> int:
    """E-mails HR how many bonuses wait for approval, at most once per ISO week (a repeated
    run in the same week sends nothing). Returns how many wait."""
    from django.core.cache import cache

    from employees.models import Role

    today = today or _today()
    waiting = Bonus.objects.filter(status=BonusStatus.SUBMITTED).count()
    if not waiting:
        return 0
    year, week, _weekday = today.isocalendar()
    if not cache.add(f"prima:rewards:approval-reminder:{year}-{week:02d}", 1, timeout=8 * 24 * 3600):
        return waiting
    notification_send(
        User.objects.filter(is_active=True, role=Role.HR).exclude(email="").order_by("pk"),
        lambda: (
            _("%(count)d bonuses wait for approval") % {"count": waiting},
            _("Open the approval queue in Prima to decide on them."),
        ),
    )
    return waiting
