"""The demo's rewards: a year of recognitions and bonuses that differ by department, this
year's budgets, the reward catalogue, and a few bonuses waiting for HR.

Front-line units with a strong culture of service (Layanan Pelanggan, Cabang Bandung, Layanan
Digital) recognise each other more often and receive more performance and spot bonuses; some
units hardly do. History is written in bulk (a few statements per table), keeping
the separation of duties that the services enforce: no one decides on a bonus they created or
that pays them, and no approved total exceeds its budget.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from core.demo import DemoOrg
from core.money import round_rupiah
from core.periods import Period, add_months
from employees.models import Role, User
from rewards import thr
from rewards.models import (
    Bonus,
    BonusBudget,
    BonusKind,
    BonusStatus,
    BonusTransition,
    PointsEntry,
    PointsEntryKind,
    Recognition,
    RecognitionReason,
    Reward,
    RewardKind,
)
from rewards.selectors import DEFAULT_MONTHLY_ALLOWANCE

# Recognitions a person receives in a month, on average, and the share of staff given a
# quarterly performance bonus, per department (others: the default).
CLIMATE = {
    "LYN-PLG": (1.2, 0.6),
    "CAB-BDG": (1.0, 0.5),
    "LYN-DIG": (0.9, 0.45),
    "LKT-IZN": (0.5, 0.3),
    "CAB-SBY": (0.45, 0.3),
    "PGD": (0.35, 0.2),
    "CAB-MKS": (0.25, 0.15),
}
DEFAULT_CLIMATE = (0.3, 0.2)

# Idul Fitri, the holiday THR is paid for (the Government's joint decree each year).
IDUL_FITRI = [dt.date(2024, 4, 10), dt.date(2025, 3, 31), dt.date(2026, 3, 20), dt.date(2027, 3, 10)]

MESSAGES = {
    RecognitionReason.TIMELINESS: ["Semua berkas selesai sebelum tenggat.", "Antrian pagi ini tuntas tepat waktu."],
    RecognitionReason.ACCURACY: ["Data pemohon diperiksa dengan teliti, tanpa kesalahan.", "Laporan bulanan akurat."],
    RecognitionReason.RESPONSIBILITY: [
        "Menindaklanjuti pengaduan sampai selesai.",
        "Mengambil alih loket saat rekan sakit.",
    ],
    RecognitionReason.COURTESY: [
        "Sangat sabar dan ramah kepada warga lansia.",
        "Menyapa setiap pengunjung dengan senyum.",
    ],
    RecognitionReason.ACCESSIBILITY: [
        "Membantu warga mengisi formulir daring.",
        "Membuat panduan layanan yang mudah dipahami.",
    ],
    RecognitionReason.COMFORT: ["Menata ruang tunggu jadi lebih nyaman.", "Menyediakan kursi roda di lobi."],
    RecognitionReason.TEAMWORK: ["Terima kasih sudah membantu tim saat beban puncak.", "Kerja sama yang luar biasa."],
    RecognitionReason.IMPROVEMENT: ["Usulan alur baru memangkas waktu tunggu.", "Merapikan SOP pelayanan."],
}
SERVICE_REASONS = [
    RecognitionReason.COURTESY,
    RecognitionReason.TIMELINESS,
    RecognitionReason.ACCURACY,
    RecognitionReason.RESPONSIBILITY,
    RecognitionReason.ACCESSIBILITY,
    RecognitionReason.COMFORT,
]
SUPPORT_REASONS = [RecognitionReason.TEAMWORK, RecognitionReason.IMPROVEMENT, RecognitionReason.ACCURACY]

CATALOGUE = [
    ("Voucher makan siang Rp 50.000", RewardKind.VOUCHER, 80, None),
    ("Voucher belanja Rp 100.000", RewardKind.VOUCHER, 150, None),
    ("Tambahan 1 hari cuti tahunan", RewardKind.DAY_OFF, 300, Decimal("1")),
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _months(org: DemoOrg) -> list[Period]:
    """The twelve months up to and including this one, oldest first."""
    current = Period.of(org.today)
    return [current.shift(-offset) for offset in range(11, -1, -1)]


def _people_by_department(org: DemoOrg) -> dict[str, list[User]]:
    """Active staff by department code (one query), the administrator left out."""
    by_code: dict[str, list[User]] = defaultdict(list)
    people = (
        User.objects.filter(is_active=True, department__isnull=False)
        .exclude(username="admin")
        .select_related("department", "manager")
        .order_by("id")
    )
    for person in people:
        by_code[person.department.code].append(person)
    return by_code


def _catalogue() -> None:
    for name, kind, cost, days in CATALOGUE:
        Reward.objects.get_or_create(name=name, defaults={"kind": kind, "points_cost": cost, "leave_days": days})


def _recognitions(org: DemoOrg, staff: dict[str, list[User]]) -> int:
    everyone = [person for people in staff.values() for person in people]
    given_points: dict[tuple[int, Period], int] = defaultdict(int)
    rows: list[Recognition] = []
    for period in _months(org):
        end = min(add_months(period.first_day, 1), org.today + dt.timedelta(days=1))
        days_in_period = max((end - period.first_day).days, 1)
        for code, people in staff.items():
            rate = CLIMATE.get(code, DEFAULT_CLIMATE)[0]
            service_unit = org.departments[code].is_service_unit
            expected = rate * len(people) * (days_in_period / 30)
            count = max(int(org.rng.gauss(expected, expected**0.5 / 2) + 0.5), 0)
            for _ in range(count):
                recipient = org.rng.choice(people)
                pool = people if org.rng.random() < 0.7 and len(people) > 1 else everyone
                giver = org.rng.choice(pool)
                if giver.pk == recipient.pk:
                    continue
                reason = org.rng.choice(SERVICE_REASONS if service_unit and org.rng.random() < 0.8 else SUPPORT_REASONS)
                points = org.rng.choice([0, 0, 5, 10, 10, 20, 25])
                if given_points[giver.pk, period] + points > DEFAULT_MONTHLY_ALLOWANCE:
                    points = 0
                given_points[giver.pk, period] += points
                day = period.first_day + dt.timedelta(days=org.rng.randrange(days_in_period))
                rows.append(
                    Recognition(
                        giver=giver,
                        recipient=recipient,
                        department_id=recipient.department_id,
                        dimension=reason,
                        message=org.rng.choice(MESSAGES[reason]),
                        points=points,
                        period=period.first_day,
                        created_at=_at(day, 8 + org.rng.randrange(9)),
                        notified_at=_at(day, 18),
                    )
                )
    created = Recognition.objects.bulk_create(rows, batch_size=500)
    PointsEntry.objects.bulk_create(
        [
            PointsEntry(
                employee_id=row.recipient_id,
                kind=PointsEntryKind.RECOGNITION,
                points=row.points,
                recognition=row,
                created_at=row.created_at,
            )
            for row in created
            if row.points
        ],
        batch_size=500,
    )
    return len(created)


class _Deciders:
    """Who proposes and who decides, keeping the separation of duties."""

    def __init__(self, org: DemoOrg):
        self.hr = org.people["hr"]
        self.admin = org.people["admin"]
        self.leadership = org.people["leadership"]

    def proposer(self, person: User) -> User:
        if person.manager_id and person.manager.role in (Role.MANAGER, Role.HR):
            return person.manager
        return self.hr if person.pk != self.hr.pk else self.admin

    def decider(self, person: User, proposer: User) -> User:
        return next(hr for hr in (self.hr, self.admin) if hr.pk not in (person.pk, proposer.pk))


def _bonus(person, *, kind, amount, period: Period, reason, proposer, decider, status, day: dt.date) -> tuple:
    return (
        Bonus(
            employee=person,
            department_id=person.department_id,
            kind=kind,
            amount=amount,
            period=period.first_day,
            reason=reason,
            status=status,
            created_by=proposer,
            created_at=_at(day, 9),
            decided_by=decider if status in (BonusStatus.APPROVED, BonusStatus.PAID) else None,
            decided_at=_at(day + dt.timedelta(days=3), 11)
            if status in (BonusStatus.APPROVED, BonusStatus.PAID)
            else None,
            paid_at=_at(day + dt.timedelta(days=10), 14) if status == BonusStatus.PAID else None,
        ),
        decider,
    )


def _steps(bonus: Bonus, decider: User | None) -> list[BonusTransition]:
    path = [("", BonusStatus.DRAFT, bonus.created_by, 0)]
    if bonus.status != BonusStatus.DRAFT:
        path.append((BonusStatus.DRAFT, BonusStatus.SUBMITTED, bonus.created_by, 1))
    if bonus.status in (BonusStatus.APPROVED, BonusStatus.PAID):
        path.append((BonusStatus.SUBMITTED, BonusStatus.APPROVED, decider, 3))
    if bonus.status == BonusStatus.PAID:
        path.append((BonusStatus.APPROVED, BonusStatus.PAID, decider, 10))
    return [
        BonusTransition(
            bonus=bonus, from_status=start, to_status=end, actor=actor, at=bonus.created_at + dt.timedelta(days=days)
        )
        for start, end, actor, days in path
    ]


def _bonuses(org: DemoOrg, staff: dict[str, list[User]]) -> list[Bonus]:
    roles = _Deciders(org)
    months = _months(org)
    current = Period.of(org.today)
    planned: list[tuple[Bonus, User]] = []

    def settled(period: Period) -> str:
        return BonusStatus.PAID if period < current else BonusStatus.APPROVED

    # Quarterly performance bonuses: a share of each unit, a quarter to half a month's wage.
    for period in months:
        if period.month % 3 or period == current:
            continue
        for code, people in staff.items():
            share = CLIMATE.get(code, DEFAULT_CLIMATE)[1]
            for person in people:
                if not person.monthly_wage or org.rng.random() >= share:
                    continue
                proposer = roles.proposer(person)
                amount = (
                    round_rupiah(person.monthly_wage * Decimal(org.rng.choice(["0.25", "0.35", "0.5"])) / 1000) * 1000
                )
                planned.append(
                    _bonus(
                        person,
                        kind=BonusKind.PERFORMANCE,
                        amount=amount,
                        period=period,
                        reason=f"Kinerja triwulan {period.quarter_start.month // 3 + 1} {period.year}",
                        proposer=proposer,
                        decider=roles.decider(person, proposer),
                        status=settled(period),
                        day=period.first_day + dt.timedelta(days=4),
                    )
                )
    # Spot bonuses for outstanding service: more in the units with a stronger climate.
    for period in months[:-1]:
        for code, people in staff.items():
            chance = CLIMATE.get(code, DEFAULT_CLIMATE)[0] / 3
            if org.rng.random() >= chance:
                continue
            person = org.rng.choice(people)
            proposer = roles.proposer(person)
            planned.append(
                _bonus(
                    person,
                    kind=BonusKind.SPOT,
                    amount=Decimal(org.rng.choice([250_000, 500_000, 750_000, 1_000_000])),
                    period=period,
                    reason="Pelayanan luar biasa kepada masyarakat",
                    proposer=proposer,
                    decider=roles.decider(person, proposer),
                    status=BonusStatus.PAID,
                    day=period.first_day + dt.timedelta(days=12),
                )
            )
    # THR for the latest Idul Fitri of the past year, paid the week before it.
    holiday = max((day for day in IDUL_FITRI if day <= org.today), default=None)
    if holiday is not None and Period.of(holiday) >= months[0]:
        period = Period.of(holiday)
        for person in (person for people in staff.values() for person in people):
            if not (person.hire_date and person.monthly_wage):
                continue
            months_served = thr.months_of_service(hire_date=person.hire_date, holiday_date=holiday)
            amount = thr.thr_amount(monthly_wage=person.monthly_wage, months=months_served)
            if not amount:
                continue
            proposer = roles.hr if person.pk != roles.hr.pk else roles.proposer(person)
            planned.append(
                _bonus(
                    person,
                    kind=BonusKind.THR,
                    amount=amount,
                    period=period,
                    reason=f"THR Idul Fitri {holiday.year} — {months_served} bulan masa kerja",
                    proposer=proposer,
                    decider=roles.decider(person, proposer),
                    status=BonusStatus.PAID,
                    day=max(holiday - dt.timedelta(days=21), period.first_day - dt.timedelta(days=20)),
                )
            )
    # This month: a few proposals waiting for HR, and a draft.
    persona = org.people.get("employee")
    colleagues = [person for person in staff.get("LYN-PLG", []) if person.role == Role.EMPLOYEE and person != persona]
    waiting = [persona, *colleagues[:2], *staff.get("CAB-BDG", [])[1:2]]
    for index, person in enumerate(person for person in waiting if person is not None):
        proposer = roles.proposer(person)
        planned.append(
            _bonus(
                person,
                kind=BonusKind.SPOT,
                amount=Decimal([750_000, 500_000, 1_000_000, 600_000][index % 4]),
                period=current,
                reason="Menangani lonjakan antrian dengan tenang dan ramah",
                proposer=proposer,
                decider=None,
                status=BonusStatus.DRAFT if index == 3 else BonusStatus.SUBMITTED,
                day=org.today,
            )
        )
    bonuses = Bonus.objects.bulk_create([bonus for bonus, _decider in planned], batch_size=500)
    BonusTransition.objects.bulk_create(
        [step for bonus, (_same, decider) in zip(bonuses, planned, strict=True) for step in _steps(bonus, decider)],
        batch_size=1000,
    )
    return bonuses


def _budgets(org: DemoOrg, bonuses: list[Bonus]) -> None:
    """Each department's budget for last year and this: what was approved plus headroom
    (more for the units that use bonuses as a lever), rounded up to a million rupiah."""
    committed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for bonus in bonuses:
        if bonus.status in (BonusStatus.APPROVED, BonusStatus.PAID):
            committed[bonus.department_id, bonus.period.year] += bonus.amount
    for code, department in org.departments.items():
        for year in (org.today.year - 1, org.today.year):
            spent = committed.get((department.pk, year), Decimal(0))
            if not spent and year != org.today.year:
                continue
            headroom = Decimal("1.6") if code in CLIMATE else Decimal("1.25")
            floor = Decimal(20_000_000) if department.is_service_unit else Decimal(10_000_000)
            amount = max(spent * headroom, floor)
            amount = (amount / Decimal(1_000_000)).to_integral_value(rounding="ROUND_CEILING") * Decimal(1_000_000)
            BonusBudget.objects.get_or_create(department=department, year=year, defaults={"amount": amount})


def seed(org: DemoOrg) -> None:
    _catalogue()
    staff = _people_by_department(org)
    if not Recognition.objects.exists():
        count = _recognitions(org, staff)
        org.say(f"{count} recognitions")
    if not Bonus.objects.exists():
        bonuses = _bonuses(org, staff)
        _budgets(org, bonuses)
        org.say(f"{len(bonuses)} bonuses, {BonusBudget.objects.count()} bonus budgets")
