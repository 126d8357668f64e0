"""Demo action plans and trainings on the demo organisation, planned by its managers and HR.

They are placed in the past year so that their follow-up reads the demo's pulse rounds and SKM
results: Layanan Pelanggan's recognition and completion-time actions were followed by better
scores (the unit improves over the year), Cabang Surabaya's complaint-handling action by worse
ones (the unit declines — not every action works), and Pengaduan's leadership action stays
hidden (a unit too small to report). Others are under way, overdue or planned. Idempotent: a
second run finds the first action and adds nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core.demo import DemoOrg
from core.periods import Period
from improvement import services
from improvement.models import Action, ActionNote, ActionStatus, SuggestedAction, Training


@dataclass(frozen=True)
class DemoAction:
    code: str  # department
    title: str
    target: tuple[str, str]  # ("driver" | "dimension", key)
    start: tuple[int, int]  # (months from this one, day)
    status: str
    due: tuple[int, int] | int  # (months, day), or days from today
    done: tuple[int, int] | None = None
    owner: str = ""  # username; the department's manager when empty
    members: int = 3  # the first n staff of the department
    notes: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""


ACTIONS = [
    DemoAction(
        "LYN-PLG",
        "Apresiasi pelayanan mingguan",
        ("driver", "recognition"),
        start=(-8, 1),
        status=ActionStatus.DONE,
        due=(-6, 25),
        done=(-6, 20),
        members=5,
        notes=("Dimulai pada rapat tim hari Senin.", "Pujian pelanggan kini dibacakan setiap minggu."),
    ),
    DemoAction(
        "LYN-PLG",
        "Nomor antrean dan petugas tambahan jam sibuk",
        ("dimension", "u3"),
        start=(-7, 5),
        status=ActionStatus.DONE,
        due=(-5, 28),
        done=(-5, 26),
        members=4,
        notes=("Mesin antrean terpasang di loket 1–4.", "Loket tambahan dibuka bila antrean lebih dari 15 menit."),
    ),
    DemoAction(
        "LYN-PLG",
        "Bagikan pujian pelanggan ke seluruh unit",
        ("driver", "recognition"),
        start=(-1, 3),
        status=ActionStatus.IN_PROGRESS,
        due=5,
        owner="employee",
        members=2,
        notes=("Kotak pujian sudah dipasang di ruang tunggu.",),
    ),
    DemoAction(
        "LYN-PLG",
        "Survei kesopanan oleh pelanggan bayangan",
        ("dimension", "courtesy"),
        start=(-10, 2),
        status=ActionStatus.DROPPED,
        due=(-8, 28),
        members=0,
        notes=("Dibatalkan: anggaran dialihkan ke mesin antrean.",),
    ),
    DemoAction(
        "CAB-SBY",
        "Atur ulang jadwal petugas pada jam sibuk",
        ("driver", "workload"),
        start=(-2, 6),
        status=ActionStatus.IN_PROGRESS,
        due=-4,
        members=4,
        notes=("Data antrean tiga bulan terakhir sudah dianalisis.",),
    ),
    DemoAction(
        "CAB-SBY",
        "Tanggapi setiap pengaduan dalam waktu standar",
        ("dimension", "u8"),
        start=(-6, 4),
        status=ActionStatus.DONE,
        due=(-4, 25),
        done=(-4, 22),
        members=3,
        notes=("Register pengaduan dibuat; tanggapan dalam satu hari kerja.",),
    ),
    DemoAction(
        "PGD",
        "Percakapan empat mata setiap bulan",
        ("driver", "leadership"),
        start=(-6, 8),
        status=ActionStatus.DONE,
        due=(-4, 28),
        done=(-4, 15),
        members=2,
    ),
    DemoAction(
        "CAB-BDG",
        "Rapat singkat sepuluh menit setiap hari",
        ("driver", "teamwork"),
        start=(-5, 2),
        status=ActionStatus.DONE,
        due=(-3, 20),
        done=(-3, 18),
        members=4,
    ),
    DemoAction(
        "CAB-MKS",
        "Rencana pengembangan individu",
        ("driver", "growth"),
        start=(0, 1),
        status=ActionStatus.PLANNED,
        due=60,
        members=3,
    ),
    DemoAction(
        "LKT-IZN",
        "Terbitkan daftar persyaratan satu halaman",
        ("dimension", "u1"),
        start=(0, 1),
        status=ActionStatus.PLANNED,
        due=9,
        members=2,
    ),
]


@dataclass(frozen=True)
class DemoTraining:
    code: str  # the audience
    topic: str
    target: tuple[str, str] | None
    day: tuple[int, int] | int  # (months from this one, day), or days from today
    hours: str
    trainer: str
    attendees: tuple[tuple[str, int], ...]  # (department code, how many of its staff)


TRAININGS = [
    DemoTraining(
        "OPS",
        "Pelayanan prima: 3S (senyum, salam, sapa)",
        ("dimension", "courtesy"),
        (-6, 12),
        "6",
        "BPSDM Provinsi",
        (("LYN-PLG", 10), ("LKT-IZN", 8), ("LYN-DIG", 5), ("PGD", 3)),
    ),
    DemoTraining(
        "CAB-SBY",
        "Menangani pengaduan pelanggan",
        ("dimension", "u8"),
        (-5, 9),
        "4",
        "Ombudsman RI Perwakilan Jawa Timur",
        (("CAB-SBY", 12),),
    ),
    DemoTraining(
        "LYN-DIG",
        "Aplikasi layanan daring untuk petugas",
        ("dimension", "accessibility"),
        (-2, 14),
        "3.5",
        "Tim TI",
        (("LYN-DIG", 9),),
    ),
    DemoTraining(
        "LYN-PLG",
        "Kerja sama tim di loket",
        ("driver", "teamwork"),
        (-1, 20),
        "2",
        "Budi Santoso",
        (("LYN-PLG", 14),),
    ),
    DemoTraining(
        "LYN-PLG",
        "Pelayanan prima untuk pengaduan lisan",
        ("dimension", "u8"),
        (0, 12),
        "3",
        "Tim Pengaduan Masyarakat",
        (("LYN-PLG", 12),),
    ),
    DemoTraining(
        "CAB-SBY",
        "Mengelola beban kerja dan cuti",
        ("driver", "workload"),
        12,
        "3",
        "SDM Kantor Pusat",
        (("CAB-SBY", 10),),
    ),
    DemoTraining(
        "CAB-MKS",
        "Rencana pengembangan individu",
        ("driver", "growth"),
        30,
        "4",
        "SDM Kantor Pusat",
        (("CAB-MKS", 8),),
    ),
]


def _day(org: DemoOrg, when: tuple[int, int] | int) -> dt.date:
    if isinstance(when, int):
        return org.today + dt.timedelta(days=when)
    months, day = when
    first = Period.of(org.today).shift(months).first_day
    return first.replace(day=min(day, 28))


def _staff(org: DemoOrg, code: str, count: int) -> list:
    people = [org.people.get(f"{code.lower()}.{index:02d}") for index in range(1, count + 1)]
    return [person for person in people if person is not None]


def _manager(org: DemoOrg, code: str):
    return org.people["manager"] if code == "LYN-PLG" else org.people.get(f"mgr.{code.lower()}")


def _seed_action(org: DemoOrg, spec: DemoAction) -> Action | None:
    department, manager = org.departments.get(spec.code), _manager(org, spec.code)
    if department is None or manager is None:
        return None
    kind, key = spec.target
    target = {"driver": key, "dimension": ""} if kind == "driver" else {"driver": "", "dimension": key}
    suggestion = SuggestedAction.objects.filter(**target, title_id=spec.title).first()
    owner = org.people.get(spec.owner) if spec.owner else manager
    action = services.action_create(
        actor=manager,
        department=department,
        title=spec.title,
        description=spec.description or (suggestion.description_id if suggestion else ""),
        owner=owner,
        members=_staff(org, spec.code, spec.members),
        due_date=org.today + dt.timedelta(days=400),
        suggestion=suggestion,
        **target,
    )
    start = _day(org, spec.start)
    for text in spec.notes:
        services.action_note_add(action=action, actor=owner, text=text)
    if spec.status != ActionStatus.PLANNED:
        if spec.status == ActionStatus.DONE:
            services.action_status_change(action=action, actor=owner, status=ActionStatus.IN_PROGRESS)
        services.action_status_change(action=action, actor=manager, status=spec.status)
    # The history the demo tells: dated in the past, as if planned and carried out then.
    done = _day(org, spec.done) if spec.done else None
    Action.objects.filter(pk=action.pk).update(
        start_date=start, due_date=_day(org, spec.due), completed_on=done, created_at=_aware(start)
    )
    for index, note in enumerate(ActionNote.objects.filter(action=action).order_by("id")):
        written = start + dt.timedelta(days=10 * (index + 1)) if note.text and not note.status_to else done or start
        ActionNote.objects.filter(pk=note.pk).update(created_at=_aware(min(written, org.today)))
    return action


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def _seed_training(org: DemoOrg, spec: DemoTraining, hr) -> Training | None:
    department = org.departments.get(spec.code)
    if department is None:
        return None
    attendees = [person for code, count in spec.attendees for person in _staff(org, code, count)]
    target = {}
    if spec.target:
        kind, key = spec.target
        target = {"driver": key} if kind == "driver" else {"dimension": key}
    day = _day(org, spec.day)
    training = services.training_create(
        actor=hr,
        department=department,
        topic=spec.topic,
        date=day,
        hours=Decimal(spec.hours),
        trainer=spec.trainer,
        attendees=attendees,
        **target,
    )
    if day <= org.today:
        # Most came; about one in eight did not.
        attendance = {person: org.rng.random() > 0.125 for person in attendees}
        services.training_attendance_record(training=training, actor=hr, attendance=attendance)
    return training


def seed(org: DemoOrg) -> None:
    if Action.objects.filter(title=ACTIONS[0].title).exists():
        return
    hr = org.people.get("hr")
    if hr is None:
        return
    actions = [action for spec in ACTIONS if (action := _seed_action(org, spec)) is not None]
    trainings = [training for spec in TRAININGS if (training := _seed_training(org, spec, hr)) is not None]
    org.say(f"improvement: {len(actions)} action plans, {len(trainings)} trainings")
