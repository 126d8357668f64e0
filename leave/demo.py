"""A year of leave for the demo organisation: annual, sick and special leave, decided by the
managers; a few requests still waiting (for `manager`, one of them from `employee`; and one at
HR's step). Written in bulk, with every balance row equal to the sum of its ledger."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core.demo import DemoOrg
from employees.models import Sex, User
from leave import calendar, defaults
from leave.models import (
    ZERO,
    EmployeeLeavePolicy,
    EntryKind,
    LeaveBalance,
    LeaveDay,
    LeaveLedgerEntry,
    LeavePolicy,
    LeaveRequest,
    LeaveType,
    Stage,
    Status,
)
from leave.selectors import eligible_from, ledger_mismatches
from leave.services import accrual_targets, leave_policies_install_defaults

# Contract staff of these units are employed under the private-sector policy; everyone else is
# a civil servant (the demo office is a public-service agency).
PRIVATE_SECTOR_UNITS = ("TI", "LYN-DIG")
REJECTION_REASONS = [
    "Loket sedang kekurangan petugas pada tanggal tersebut.",
    "Bertepatan dengan audit internal; mohon ajukan tanggal lain.",
    "Sudah ada dua rekan satu tim yang cuti pada tanggal itu.",
]
REASONS = {
    "annual": ["Liburan keluarga", "Mudik", "Urusan keluarga", "Istirahat", "Mengantar anak sekolah", ""],
    "sick": ["Demam", "Flu berat", "Kontrol ke dokter", "Sakit gigi"],
}


@dataclass
class Ledger:
    """One balance being built in memory."""

    employee: User
    leave_type: LeaveType
    year: int
    entries: list[tuple[str, Decimal, str, object]] = field(default_factory=list)
    pending: Decimal = ZERO

    def post(self, kind: str, days: Decimal, note: str = "", request=None, key: str = "") -> None:
        if days:
            self.entries.append((kind, days, note, request, key))

    @property
    def entitled(self) -> Decimal:
        return sum((days for kind, days, *_ in self.entries if kind not in _USED), ZERO)

    @property
    def used(self) -> Decimal:
        return -sum((days for kind, days, *_ in self.entries if kind in _USED), ZERO)

    @property
    def available(self) -> Decimal:
        return self.entitled - self.used - self.pending


_USED = {EntryKind.USAGE, EntryKind.REVERSAL, EntryKind.COLLECTIVE}


class DemoLeave:
    def __init__(self, org: DemoOrg):
        self.org = org
        self.rng = org.rng
        self.today = org.today
        self.years = (self.today.year - 1, self.today.year)
        for year in self.years:
            calendar.holidays_load_year(year)
        self.off = calendar.days_off(dt.date(self.years[0], 1, 1), dt.date(self.years[1], 12, 31))
        self.requests: list[LeaveRequest] = []
        self.request_days: dict[int, list[dt.date]] = {}
        self.ledgers: dict[tuple[int, int, int], Ledger] = {}
        self.taken: dict[int, set[dt.date]] = defaultdict(set)
        self.hr = org.people.get("hr")

    def ledger(self, employee, leave_type, year) -> Ledger:
        key = (employee.pk, leave_type.pk, year)
        if key not in self.ledgers:
            self.ledgers[key] = Ledger(employee, leave_type, year)
        return self.ledgers[key]

    def working_dates(self, policy: LeavePolicy, leave_type: LeaveType, start: dt.date, end: dt.date):
        dates = list(calendar.dates_between(start, end))
        if leave_type.day_unit == defaults.CALENDAR:
            return dates
        return [day for day in dates if day.isoweekday() in policy.workdays and day not in self.off]

    def open_year(self, person, policy, annual, year):
        ledger = self.ledger(person, annual, year)
        through = min(self.today, dt.date(year, 12, 31))
        for key, days in accrual_targets(employee=person, leave_type=annual, year=year, through=through).items():
            ledger.post(EntryKind.ACCRUAL, days, "Accrual", key=key)
        if policy.collective_leave_reduces_annual:
            since = eligible_from(person, annual) or dt.date(year, 1, 1)
            collective = [
                day
                for day, info in self.off.items()
                if info.is_collective_leave
                and day.year == year
                and day >= since
                and day.isoweekday() in policy.workdays
            ]
            ledger.post(EntryKind.COLLECTIVE, -min(Decimal(len(collective)), ledger.available), "Cuti bersama")
        return ledger

    def request(self, person, policy, leave_type, start, length, *, status=None, stage=None, reason=""):
        """Adds one request if its dates are free, and returns it (None when they are not)."""
        end = start + dt.timedelta(days=length - 1)
        if end.year != start.year and leave_type.tracks_balance:
            return None
        dates = self.working_dates(policy, leave_type, start, end)
        if not dates or any(day in self.taken[person.pk] for day in calendar.dates_between(start, end)):
            return None
        days = Decimal(len(dates))
        if leave_type.max_consecutive_days and days > leave_type.max_consecutive_days:
            return None
        ledger = self.ledger(person, leave_type, start.year) if leave_type.tracks_balance else None
        if ledger is not None and ledger.available < days:
            return None
        if status is None:
            if start > self.today:
                status = Status.PENDING if self.rng.random() < 0.5 else Status.APPROVED
            else:
                status = self.rng.choices(
                    [Status.APPROVED, Status.REJECTED, Status.CANCELLED], weights=[90, 6, 4], k=1
                )[0]
        manager = person.manager if person.manager_id else self.hr
        needs_hr = leave_type.requires_hr_approval
        if stage is None:
            stage = Stage.DONE if status != Status.PENDING else Stage.MANAGER
        created = timezone.make_aware(
            dt.datetime.combine(start - dt.timedelta(days=self.rng.randint(3, 30)), dt.time(9, self.rng.randint(0, 59)))
        )
        request = LeaveRequest(
            employee=person,
            leave_type=leave_type,
            start_date=start,
            end_date=end,
            working_days=days,
            reason=reason,
            status=status,
            stage=stage,
            created_at=created,
        )
        if status in (Status.APPROVED, Status.REJECTED):
            request.decided_by = self.hr if needs_hr and status == Status.APPROVED else manager
            request.decided_at = created + dt.timedelta(hours=self.rng.randint(2, 48))
        if status == Status.APPROVED or stage == Stage.HR:
            request.manager_approved_by, request.manager_approved_at = manager, created + dt.timedelta(hours=3)
        if status == Status.REJECTED:
            request.rejection_reason = self.rng.choice(REJECTION_REASONS)
        if status == Status.CANCELLED:
            request.cancelled_by, request.cancelled_at = person, created + dt.timedelta(days=1)
        self.requests.append(request)
        self.request_days[id(request)] = dates
        if status in (Status.PENDING, Status.APPROVED):
            self.taken[person.pk].update(calendar.dates_between(start, end))
        if ledger is not None:
            if status == Status.PENDING:
                ledger.pending += days
            elif status == Status.APPROVED:
                ledger.post(EntryKind.USAGE, -days, "", request=request)
        return request

    def random_start(self, year: int, *, future: bool = False) -> dt.date:
        first = max(dt.date(year, 1, 2), self.today - dt.timedelta(days=365))
        last = dt.date(year, 12, 20)
        if future:
            first, last = self.today + dt.timedelta(days=3), dt.date(year, 12, 22)
        elif year == self.today.year:
            last = min(last, self.today - dt.timedelta(days=1))
        if first >= last:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def person_year(self, person, policy, types, year):
        rng = self.rng
        annual = types[defaults.ANNUAL]
        for _ in range(rng.randint(1, 3)):
            start = self.random_start(year)
            self.request(person, policy, annual, start, rng.randint(1, 5), reason=rng.choice(REASONS["annual"]))
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            start = self.random_start(year)
            self.request(person, policy, types["sick"], start, rng.randint(1, 2), reason=rng.choice(REASONS["sick"]))
        if rng.random() < 0.12:
            special = [
                code for code in ("marriage", "bereavement", "child_circumcision", "important_reason") if code in types
            ]
            if special:
                leave_type = types[rng.choice(special)]
                self.request(person, policy, leave_type, self.random_start(year), rng.randint(1, 2))

    def close_year(self, person, annual, year):
        ledger = self.ledger(person, annual, year)
        available = ledger.available
        if available <= 0:
            return
        carry = min(available, annual.carry_over_max_days)
        if carry > 0:
            ledger.post(EntryKind.CARRY_OVER, -carry, f"Carried over to {year + 1}", key=f"carry_over_out:{year}")
            self.ledger(person, annual, year + 1).post(
                EntryKind.CARRY_OVER, carry, f"Carried over from {year}", key=f"carry_over_in:{year}"
            )
        ledger.post(EntryKind.EXPIRY, -(available - carry), f"Unused days of {year} expired")

    def save(self) -> None:
        LeaveRequest.objects.bulk_create(self.requests, batch_size=500)
        LeaveDay.objects.bulk_create(
            [
                LeaveDay(request=request, employee=request.employee, date=day, days=Decimal(1))
                for request in self.requests
                for day in self.request_days[id(request)]
            ],
            batch_size=1000,
        )
        balances = {
            key: LeaveBalance(
                employee=ledger.employee,
                leave_type=ledger.leave_type,
                year=ledger.year,
                entitled=ledger.entitled,
                used=ledger.used,
                pending=ledger.pending,
            )
            for key, ledger in self.ledgers.items()
        }
        LeaveBalance.objects.bulk_create(list(balances.values()), batch_size=500)
        LeaveLedgerEntry.objects.bulk_create(
            [
                LeaveLedgerEntry(
                    balance=balances[key],
                    kind=kind,
                    days=days,
                    note=note or (str(request) if request else ""),
                    request=request,
                    key=key_text or (f"usage:{request.pk}" if request is not None else ""),
                )
                for key, ledger in self.ledgers.items()
                for kind, days, note, request, key_text in ledger.entries
            ],
            batch_size=1000,
        )


def seed(org: DemoOrg) -> None:
    if LeaveRequest.objects.exists():
        org.say("leave: already seeded")
        return
    leave_policies_install_defaults()
    pns = LeavePolicy.objects.get(code=defaults.CIVIL_SERVICE)
    private = LeavePolicy.objects.get(code=defaults.PRIVATE)
    LeavePolicy.objects.exclude(pk=pns.pk).update(is_default=False)
    LeavePolicy.objects.filter(pk=pns.pk).update(is_default=True)
    types = {policy.pk: {leave_type.code: leave_type for leave_type in policy.types.all()} for policy in (pns, private)}
    people = list(
        User.objects.filter(is_active=True, hire_date__isnull=False)
        .select_related("department", "manager")
        .order_by("pk")
    )
    EmployeeLeavePolicy.objects.bulk_create(
        [
            EmployeeLeavePolicy(employee=person, policy=private)
            for person in people
            if person.department and person.department.code in PRIVATE_SECTOR_UNITS
        ],
        ignore_conflicts=True,
    )
    private_ids = set(EmployeeLeavePolicy.objects.filter(policy=private).values_list("employee_id", flat=True))

    demo = DemoLeave(org)
    for person in people:
        policy = private if person.pk in private_ids else pns
        policy_types = types[policy.pk]
        annual = policy_types[defaults.ANNUAL]
        for year in demo.years:
            if year > demo.years[0]:
                demo.close_year(person, annual, year - 1)
            demo.open_year(person, policy, annual, year)
            demo.person_year(person, policy, policy_types, year)
        if demo.rng.random() < 0.15:
            start = demo.random_start(demo.today.year, future=True)
            demo.request(person, policy, annual, start, demo.rng.randint(1, 3), reason="Liburan akhir tahun")

    _waiting_for_the_demo_manager(org, demo, pns, private_ids, types)
    demo.save()
    problems = ledger_mismatches()
    if problems:
        raise RuntimeError(f"demo leave balances differ from their ledgers: {problems[:3]}")
    org.say(
        f"{len(demo.requests)} leave requests, {LeaveLedgerEntry.objects.count()} ledger entries, "
        f"{LeaveRequest.objects.filter(status=Status.PENDING).count()} waiting for a decision"
    )


def _waiting_for_the_demo_manager(org, demo: DemoLeave, pns, private_ids, types) -> None:
    """`manager` finds requests to decide, one of them from `employee`; HR finds one at its step."""
    manager = org.people.get("manager")
    team = list(User.objects.filter(manager=manager, is_active=True).order_by("pk"))
    employee = org.people.get("employee")
    if employee is not None and employee not in team and employee.manager_id == getattr(manager, "pk", None):
        team.insert(0, employee)
    if employee is not None and employee in team:
        team.remove(employee)
        team.insert(0, employee)
    year = demo.today.year
    if employee is not None and employee.pk not in private_ids:
        # her own history: an approved week away in the past months, and a sick day
        for days_ago, code, length in ((75, defaults.ANNUAL, 5), (40, "sick", 1)):
            for shift in range(10):
                start = demo.today - dt.timedelta(days=days_ago + shift)
                if demo.request(employee, pns, types[pns.pk][code], start, length, status=Status.APPROVED):
                    break
    placed = 0
    for person in team:
        if placed >= 4:
            break
        policy_types = types[pns.pk] if person.pk not in private_ids else None
        if policy_types is None:
            continue
        annual = policy_types[defaults.ANNUAL]
        for attempt in range(20):
            start = demo.today + dt.timedelta(days=5 + attempt + placed * 3)
            if start.year != year:
                break
            made = demo.request(
                person, pns, annual, start, 2, status=Status.PENDING, stage=Stage.MANAGER, reason="Urusan keluarga"
            )
            if made is not None:
                placed += 1
                break
    women = [person for person in team if person.sex == Sex.FEMALE and person.pk not in private_ids]
    if women:
        mother = women[-1]
        start = demo.today + dt.timedelta(days=14)
        demo.request(
            mother, pns, types[pns.pk]["maternity"], start, 90, status=Status.PENDING, stage=Stage.HR, reason="HPL"
        )
