"""Builds a large organisation in PostgreSQL, fast, deterministic from a seed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/prima_bench \\
        python -m bench.generate [--scale 1] [--seed 2026] [--reset]

At scale 1: 1,000 departments (a tree up to five levels deep, 40% of them service units),
50,000 employees, a monthly pulse survey with 24 closed rounds of ten rated questions (and an
optional comment) answered by 65% of the people invited (about 750,000 responses and 7.5
million answers: people hired in the last months are not invited to the rounds before they
came), SKM scores (IKM and its nine elements) per service unit and month, and a year of leave,
bonuses and recognitions.

Rows go in with COPY (binary COPY laid out by numpy for the pulse tables), with the pulse
tables' indexes and constraints dropped during the load and rebuilt after it, in the same
transaction. Who took part (`Participation`) and what was answered (`Response`, `Answer`) are
drawn from independent random streams and written in independent random orders with random
ids, as the anonymity model requires. The rounds' results are then materialised by the pulse
app's own service (`round_results_materialise`), as the close job does, and finally the close
job itself (which also rewrites the round's rows in a new random order) is timed on the latest
round.

Refuses to run on SQLite, and on a database that already holds an organisation unless
`--reset` (which truncates the app tables).
"""

import argparse
import datetime as dt
import random
import sys
import time
import uuid
from collections import defaultdict

import numpy as np

from bench._common import (
    Stopwatch,
    copy_binary,
    copy_rows,
    machine,
    random_uuids,
    require_postgresql,
    save_results,
    setup_django,
)

DEPARTMENTS = 1000
EMPLOYEES = 50_000
ROUNDS = 24
PARTICIPATION = 0.65
COMMENT_RATE = 0.10
SERVICE_UNIT_SHARE = 0.40
# One rated question per driver, then eNPS; the comment is optional.
QUESTION_KEYS = [
    "recognition-1",
    "pay-1",
    "workload-1",
    "leadership-1",
    "teamwork-1",
    "growth-1",
    "workplace-1",
    "service-1",
    "wellbeing-1",
    "enps",
]
COMMENT_KEY = "comment-improve"
SURVEY_TITLE = "Pulse bulanan (benchmark)"
# Tables whose rows say the database already holds an organisation.
DATA_TABLES = ("employees_department", "employees_user", "pulse_surveys_round", "service_quality_externalscore")
# Truncated with --reset; CASCADE reaches every table that points at people or departments.
# What the migrations load (the question bank, leave policies, suggested actions) stays.
RESET_TABLES = ("employees_department", "employees_user", "django_session", "core_idempotencyrecord")
PULSE_TABLES = (
    "pulse_surveys_invitation",
    "pulse_surveys_participation",
    "pulse_surveys_response",
    "pulse_surveys_answer",
)

HQ_DIRECTORATES = [
    "Sumber Daya Manusia",
    "Keuangan",
    "Operasional",
    "Teknologi Informasi",
    "Kepatuhan dan Manajemen Risiko",
    "Perencanaan Strategis",
    "Hukum",
    "Umum dan Logistik",
]
PROVINCES = [
    "Aceh",
    "Sumatera Utara",
    "Sumatera Barat",
    "Riau",
    "Sumatera Selatan",
    "Lampung",
    "Banten",
    "DKI Jakarta",
    "Jawa Barat",
    "Jawa Tengah",
    "DI Yogyakarta",
    "Jawa Timur",
    "Bali",
    "Nusa Tenggara Barat",
    "Kalimantan Barat",
    "Kalimantan Timur",
    "Sulawesi Selatan",
    "Sulawesi Utara",
    "Maluku",
    "Papua",
]
HQ_UNITS = ["Perencanaan", "Pelaksanaan", "Evaluasi", "Administrasi", "Pengembangan", "Pengendalian", "Analisis"]
SERVICE_UNITS = [
    "Loket Pelayanan",
    "Layanan Nasabah",
    "Pengaduan",
    "Kas",
    "Layanan Perizinan",
    "Layanan Digital",
    "Customer Service",
    "Teller",
]
FIRST_NAMES = [
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Rina",
    "Andi",
    "Ani",
    "Bayu",
    "Citra",
    "Dimas",
    "Eka",
    "Fajar",
    "Gita",
    "Hendra",
    "Indah",
    "Joko",
    "Kartika",
    "Lestari",
    "Made",
    "Nur",
    "Putri",
    "Rizki",
    "Sari",
    "Teguh",
    "Wahyu",
    "Yanti",
]
LAST_NAMES = [
    "Santoso",
    "Wijaya",
    "Lestari",
    "Saputra",
    "Hidayat",
    "Kusuma",
    "Pratama",
    "Nugroho",
    "Siregar",
    "Simanjuntak",
    "Sitompul",
    "Harahap",
    "Wibowo",
    "Setiawan",
    "Rahmawati",
    "Gunawan",
    "Putra",
    "Halim",
    "Tanjung",
    "Nasution",
]
COMMENTS = [
    "Antrean di loket perlu tambahan petugas pada jam sibuk.",
    "Sistem aplikasi sering lambat, mohon diperbaiki.",
    "Terima kasih atas pelatihan pelayanan prima bulan lalu.",
    "Pembagian bonus sebaiknya lebih transparan.",
    "Kerja sama antarunit sudah semakin baik.",
    "Mohon cuti lebih mudah diajukan saat beban kerja tinggi.",
    "Ruang tunggu pelanggan perlu AC yang berfungsi.",
    "Atasan sangat mendukung ketika ada pengaduan sulit.",
]
RECOGNITION_MESSAGES = [
    "Terima kasih sudah membantu pelanggan sampai tuntas.",
    "Sigap menangani antrean panjang hari ini.",
    "Ramah dan sabar menghadapi pengaduan yang sulit.",
    "Membantu rekan tim menyelesaikan laporan tepat waktu.",
]
SKM_ELEMENT_OFFSET = {"u1": 0.05, "u2": 0.0, "u3": -0.25, "u4": 0.3, "u5": 0.0, "u6": 0.05, "u7": 0.1, "u8": -0.3}
SKM_ELEMENTS = [f"u{i}" for i in range(1, 10)]


def _sized(full: int, scale: float, minimum: int) -> int:
    return max(minimum, round(full * scale))


# --- The organisation --------------------------------------------------------------------------


def build_departments(rng: np.random.Generator, count: int) -> list[dict]:
    """A tree: the head office, directorates and regional offices, divisions and branches,
    sections and front-line units, and some sub-units. Ids are 1..count in breadth-first order."""
    level1 = max(2, round(count * 0.012))
    level2 = max(2, round(count * 0.11))
    rest = max(1, count - 1 - level1 - level2)
    level4 = int(rest * 0.2)
    level3 = rest - level4
    nodes = [{"id": 1, "parent": None, "level": 0, "regional": False, "hr": False, "name": "Kantor Pusat"}]

    def add(parent: dict, name: str) -> dict:
        node = {
            "id": len(nodes) + 1,
            "parent": parent["id"],
            "level": parent["level"] + 1,
            "regional": parent["regional"],
            # HR works in the HR directorate and its divisions; the units below them are other work.
            "hr": parent["hr"] and parent["level"] < 2,
            "name": name,
        }
        nodes.append(node)
        return node

    tops = []
    for index in range(level1):
        if index % 2 == 0:
            topic = HQ_DIRECTORATES[(index // 2) % len(HQ_DIRECTORATES)]
            node = add(nodes[0], f"Direktorat {topic}")
            node["hr"] = index == 0
        else:
            node = add(nodes[0], f"Kantor Wilayah {PROVINCES[(index // 2) % len(PROVINCES)]}")
            node["regional"] = True
        tops.append(node)
    middles = []
    for index in range(level2):
        parent = tops[index % len(tops)] if index < len(tops) else tops[int(rng.integers(len(tops)))]
        if parent["regional"]:
            name = f"Kantor Cabang {parent['name'].removeprefix('Kantor Wilayah ')} {index + 1}"
        else:
            name = f"Divisi {HQ_UNITS[index % len(HQ_UNITS)]} {index + 1}"
        middles.append(add(parent, name))
    lowers = []
    for index in range(level3):
        parent = middles[index % len(middles)] if index < len(middles) else middles[int(rng.integers(len(middles)))]
        kind = SERVICE_UNITS if parent["regional"] else HQ_UNITS
        prefix = "" if parent["regional"] else "Bagian "
        lowers.append(add(parent, f"{prefix}{kind[index % len(kind)]} {index + 1}"))
    if level4:
        holders = rng.choice(len(lowers), size=max(1, level4 // 3), replace=False)
        for index in range(level4):
            parent = lowers[int(holders[index % len(holders)])]
            add(parent, f"Unit {parent['name']} {index + 1}")
    paths: dict[int, str] = {}
    for node in nodes:
        paths[node["id"]] = f"{paths[node['parent']] if node['parent'] else '/'}{node['id']}/"
        node["path"] = paths[node["id"]]
        node["code"] = f"D{node['id']:05d}"
    parents = {node["parent"] for node in nodes}
    leaves = [node for node in nodes if node["id"] not in parents and not node["hr"]]
    regional = [node for node in leaves if node["regional"]]
    head_office = [node for node in leaves if not node["regional"]]
    rng.shuffle(regional)
    rng.shuffle(head_office)
    for node in nodes:
        node["service"] = False
        node["leaf"] = node["id"] not in parents
    for node in [*regional, *head_office][: round(count * SERVICE_UNIT_SHARE)]:
        node["service"] = True
    return nodes


def build_people(rng: np.random.Generator, departments: list[dict], count: int, today: dt.date) -> dict:
    """Employees as numpy columns: department, manager (the head of their department; a head's
    manager is the head of the parent department), role, hire date, wage, sex."""
    n_departments = len(departments)
    count = max(count, 2 * n_departments)
    weights = np.where([d["leaf"] for d in departments], rng.lognormal(0.0, 0.5, n_departments), 0.12)
    tiny = np.array([d["leaf"] for d in departments]) & (rng.random(n_departments) < 0.06)
    sizes = np.ones(n_departments, dtype=np.int64)
    sizes[tiny] = rng.integers(2, 7, int(tiny.sum()))
    remaining = count - int(sizes.sum())
    share = np.where(tiny, 0.0, weights)
    sizes += rng.multinomial(remaining, share / share.sum())
    department_index = np.repeat(np.arange(n_departments), sizes)
    rng.shuffle(department_index)
    ids = np.arange(1, count + 1, dtype=np.int64)
    department_ids = np.array([d["id"] for d in departments], dtype=np.int64)[department_index]

    # The head of a department is its member with the lowest id.
    head_of = {}
    for position, index in enumerate(department_index.tolist()):
        head_of.setdefault(index, position)
    heads = np.zeros(count, dtype=bool)
    heads[list(head_of.values())] = True
    by_id = {d["id"]: i for i, d in enumerate(departments)}
    manager = np.zeros(count, dtype=np.int64)
    for position in range(count):
        index = int(department_index[position])
        if heads[position]:
            parent = departments[index]["parent"]
            manager[position] = ids[head_of[by_id[parent]]] if parent else 0
        else:
            manager[position] = ids[head_of[index]]
    levels = np.array([d["level"] for d in departments])[department_index]
    in_hr = np.array([d["hr"] for d in departments])[department_index]
    role = np.full(count, "employee", dtype=object)
    role[heads] = "manager"
    role[in_hr] = "hr"
    role[(levels == 0) | (heads & (levels == 1) & ~in_hr)] = "leadership"
    service_years = np.where(rng.random(count) < 0.05, rng.uniform(0.1, 0.8, count), rng.uniform(2.1, 25, count))
    hire_date = np.datetime64(today, "D") - (service_years * 365.25).astype(np.int64)
    base = {"employee": 7_000_000, "manager": 18_000_000, "hr": 9_000_000, "leadership": 45_000_000}
    wage = np.array([base[r] for r in role]) * rng.uniform(0.8, 1.6, count)
    return {
        "id": ids,
        "department_index": department_index,
        "department_id": department_ids,
        "manager_id": manager,
        "role": role,
        "hire_date": hire_date,
        "wage": (wage // 1000 * 1000).astype(np.int64),
        "sex": np.where(rng.random(count) < 0.5, "female", "male"),
    }


def _write_organisation(cursor, rng, departments, people, today: dt.date) -> None:
    copy_rows(
        cursor,
        "employees_department",
        ["id", "name", "code", "parent_id", "is_service_unit", "customer_population", "path"],
        (
            (
                d["id"],
                d["name"],
                d["code"],
                d["parent"],
                d["service"],
                int(rng.integers(500, 20_000)) if d["service"] else None,
                d["path"],
            )
            for d in departments
        ),
    )
    joined = dt.datetime.combine(today, dt.time(8), dt.UTC)
    names = rng.integers(0, len(FIRST_NAMES), len(people["id"])), rng.integers(0, len(LAST_NAMES), len(people["id"]))

    def rows():
        for i, person_id in enumerate(people["id"].tolist()):
            hired = people["hire_date"][i].astype(dt.date)
            yield (
                person_id,
                "!" + uuid.UUID(int=int(rng.integers(0, 2**63))).hex,  # unusable password
                False,
                f"p{person_id:06d}",
                FIRST_NAMES[names[0][i]],
                LAST_NAMES[names[1][i]],
                f"p{person_id:06d}@bench.prima.test",
                False,
                True,
                min(joined, dt.datetime.combine(hired, dt.time(8), dt.UTC)),
                f"{person_id:07d}",
                hired,
                people["role"][i],
                int(people["wage"][i]),
                people["sex"][i],
                int(people["manager_id"][i]) or None,
                int(people["department_id"][i]),
                "",
            )

    copy_rows(
        cursor,
        "employees_user",
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "employee_number",
            "hire_date",
            "role",
            "monthly_wage",
            "sex",
            "manager_id",
            "department_id",
            "scim_external_id",
        ],
        rows(),
    )


# --- Pulse surveys ------------------------------------------------------------------------------


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` complete months before today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [dt.date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(count, 0, -1)]


class Moods:
    """Each department's satisfaction on a −1..+1 scale: a level shared in part with its parent,
    a trend over the two years, a monthly wobble and a tilt per driver. Answers, and the SKM
    scores of the month after, follow it."""

    def __init__(self, rng: np.random.Generator, departments: list[dict], months: int, drivers: int):
        count = len(departments)
        level = np.zeros(count)
        for index, d in enumerate(departments):
            parent = level[d["parent"] - 1] if d["parent"] else 0.0
            level[index] = 0.6 * parent + rng.normal(0, 0.3)
        trend = rng.normal(0, 0.35, count)
        wobble = rng.normal(0, 0.12, (count, months + 1))
        # Month m (0-based) is column m + 1; column 0 is the month before the first round.
        self.by_month = level[:, None] + trend[:, None] * (np.arange(-1, months) / max(1, months - 1) - 0.5) + wobble
        self.tilt = rng.normal(0, 0.25, (count, drivers))


def _pulse_survey(today: dt.date, months: list[dt.date]):
    from django.utils import timezone

    from pulse_surveys import services
    from pulse_surveys.bank import bank_load
    from pulse_surveys.models import Question

    bank_load()
    by_key = {q.key: q for q in Question.objects.filter(key__in=[*QUESTION_KEYS, COMMENT_KEY])}
    rated = [by_key[key] for key in QUESTION_KEYS]
    tz = timezone.get_current_timezone()
    first_opening = dt.datetime.combine(months[0].replace(day=10), dt.time(8), tz)
    survey = services.survey_create(
        title=SURVEY_TITLE, questions=[*rated, by_key[COMMENT_KEY]], open_days=7, starts_at=first_opening
    )
    return survey, rated, by_key[COMMENT_KEY]


def _create_rounds(survey, questions, months: list[dt.date]):
    from django.utils import timezone

    from pulse_surveys.models import Round, RoundQuestion, RoundStatus

    tz = timezone.get_current_timezone()
    rounds = []
    for number, month in enumerate(months, start=1):
        opens_at = dt.datetime.combine(month.replace(day=10), dt.time(8), tz)
        closes_at = opens_at + dt.timedelta(days=7)
        pulse_round = Round.objects.create(
            survey=survey,
            number=number,
            status=RoundStatus.CLOSED,
            opens_at=opens_at,
            closes_at=closes_at,
            closed_at=closes_at,
            period=month,
            anonymity_threshold=survey.anonymity_threshold,
        )
        RoundQuestion.objects.bulk_create(
            RoundQuestion(round=pulse_round, question=question, position=position)
            for position, question in enumerate(questions)
        )
        rounds.append(pulse_round)
    return rounds


def _drop_indexes(cursor, tables: tuple[str, ...]) -> list[str]:
    """Drops the tables' indexes, primary and unique keys and foreign keys (and foreign keys of
    other tables that point at them); returns the statements that rebuild them, in order."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.contype IN ('p', 'u', 'f')
          AND (c.conrelid::regclass::text = ANY(%(tables)s) OR c.confrelid::regclass::text = ANY(%(tables)s))
        """,
        {"tables": list(tables)},
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%(tables)s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))
        """,
        {"tables": list(tables)},
    )
    indexes = cursor.fetchall()
    for table, name, _definition, kind in constraints:
        if kind == "f":
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for table, name, _definition, kind in constraints:
        if kind != "f":
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    rebuild = [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {sql}' for table, name, sql, kind in constraints if kind != "f"
    ]
    rebuild += [definition for _name, definition in indexes]
    rebuild += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {sql}' for table, name, sql, kind in constraints if kind == "f"
    ]
    return rebuild


def _write_round(cursor, rng, pulse_round, people, moods: Moods, rated, comment, month_index: int) -> dict:
    """Invitations, participations, responses and answers of one closed round."""
    opens_on = np.datetime64(pulse_round.opens_at.date(), "D")
    invited = people["hire_date"] <= opens_on
    employee_ids = people["id"][invited]
    department_ids = people["department_id"][invited]
    department_index = people["department_index"][invited]
    copy_binary(
        cursor,
        "pulse_surveys_invitation",
        [
            ("round_id", "int8", np.full(len(employee_ids), pulse_round.pk, dtype=np.int64)),
            ("employee_id", "int8", employee_ids),
            ("department_id", "int8", department_ids),
        ],
    )
    answered = rng.random(len(employee_ids)) < PARTICIPATION
    count = int(answered.sum())

    # Who: participations, in an order of their own.
    who = rng.permutation(np.flatnonzero(answered))
    copy_binary(
        cursor,
        "pulse_surveys_participation",
        [
            ("id", "uuid", random_uuids(rng, count)),
            ("round_id", "int8", np.full(count, pulse_round.pk, dtype=np.int64)),
            ("employee_id", "int8", employee_ids[who]),
            ("answered_on", "date", opens_on + rng.integers(0, 7, count)),
        ],
    )

    # What: responses in another order, with ids from another stream, and their answers.
    what = rng.permutation(np.flatnonzero(answered))
    response_ids = random_uuids(rng, count)
    units = department_index[what]
    copy_binary(
        cursor,
        "pulse_surveys_response",
        [
            ("id", "uuid", response_ids),
            ("round_id", "int8", np.full(count, pulse_round.pk, dtype=np.int64)),
            ("department_id", "int8", department_ids[what]),
        ],
    )
    latent = moods.by_month[units, month_index + 1] + rng.normal(0, 0.35, count)
    likert = len(rated) - 1
    values = np.empty((count, len(rated)), dtype=np.int16)
    values[:, :likert] = np.clip(
        np.rint(3.4 + 1.3 * (latent[:, None] + moods.tilt[units, :likert]) + rng.normal(0, 0.7, (count, likert))), 1, 5
    )
    values[:, likert] = np.clip(np.rint(7 + 3 * latent + rng.normal(0, 1.4, count)), 0, 10)
    order = rng.permutation(count * len(rated))
    copy_binary(
        cursor,
        "pulse_surveys_answer",
        [
            ("id", "uuid", random_uuids(rng, count * len(rated))),
            ("round_id", "int8", np.full(count * len(rated), pulse_round.pk, dtype=np.int64)),
            ("response_id", "uuid", np.repeat(response_ids, len(rated))[order]),
            ("question_id", "int8", np.tile(np.array([q.pk for q in rated], dtype=np.int64), count)[order]),
            ("value", "int2", values.reshape(-1)[order]),
            ("text", "empty", None),
        ],
    )
    commented = np.flatnonzero(rng.random(count) < COMMENT_RATE)
    comment_ids = random_uuids(rng, len(commented))
    texts = rng.integers(0, len(COMMENTS), len(commented))
    copy_rows(
        cursor,
        "pulse_surveys_answer",
        ["id", "round_id", "response_id", "question_id", "value", "text"],
        (
            (
                uuid.UUID(bytes=bytes(comment_ids[i])),
                pulse_round.pk,
                uuid.UUID(bytes=bytes(response_ids[j])),
                comment.pk,
                None,
                COMMENTS[texts[i]],
            )
            for i, j in enumerate(commented.tolist())
        ),
    )
    return {
        "invitations": len(employee_ids),
        "responses": count,
        "answers": count * len(rated) + len(commented),
    }


# --- External scores, leave, rewards --------------------------------------------------------------


def _write_external_scores(cursor, rng, departments, moods: Moods, months: list[dt.date], now) -> int:
    """SKM per service unit and month: the IKM (25–100) and its nine elements (mean × 25). A
    unit's service follows its staff's satisfaction of the month before."""
    rows = []
    for index, d in enumerate(departments):
        if not d["service"]:
            continue
        for m, month in enumerate(months):
            level = 3.05 + 0.45 * moods.by_month[index, m] + rng.normal(0, 0.05)
            respondents = int(rng.integers(100, 380))
            rows.append((d["id"], month, "skm", "ikm", f"{min(100, max(25, level * 25)):.2f}", respondents))
            for element in SKM_ELEMENTS:
                value = (level + SKM_ELEMENT_OFFSET.get(element, -0.1) + rng.normal(0, 0.08)) * 25
                rows.append((d["id"], month, "skm", element, f"{min(100, max(25, value)):.4f}", respondents))
    return copy_rows(
        cursor,
        "service_quality_externalscore",
        ["department_id", "period", "source", "dimension", "value", "respondents", "derived", "updated_at", "origin"],
        ((*row, False, now, "imported") for row in rows),
    )


def _holidays(years: list[int]) -> set[dt.date]:
    import holidays

    return set(holidays.country_holidays("ID", years=years))


def _write_leave(cursor, rng: random.Random, people, today: dt.date, base_ids: dict) -> dict:
    """A year of approved annual and sick leave: balances with their accrual, requests, the
    days they count, and the usage entries of the ledger."""
    from leave.defaults import install_policies
    from leave.models import LeavePolicy, LeaveType

    install_policies(LeavePolicy, LeaveType)
    policy = LeavePolicy.objects.get(is_default=True)
    annual = LeaveType.objects.get(policy=policy, code="annual")
    sick = LeaveType.objects.get(policy=policy, code="sick")
    first = _months_back(today, 11)[0]
    years = sorted({first.year, today.year})
    off = _holidays(years)
    mondays = []
    day = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    while day + dt.timedelta(days=4) < today:
        week = [day + dt.timedelta(days=k) for k in range(5)]
        if not any(d in off for d in week):
            mondays.append(day)
        day += dt.timedelta(days=7)

    balances, entries, requests, days = [], [], [], []
    balance_id, request_id = base_ids["leave_leavebalance"], base_ids["leave_leaverequest"]
    now = dt.datetime.now(dt.UTC)
    ids, hired, managers = people["id"].tolist(), people["hire_date"].tolist(), people["manager_id"].tolist()
    for position, employee_id in enumerate(ids):
        hire = hired[position]
        manager = managers[position] or None
        balance_of = {}
        for year in years:
            eligible = dt.date(hire.year + 1, hire.month, min(hire.day, 28))
            if eligible <= dt.date(year, 1, 1):
                balance_id += 1
                balance_of[year] = [balance_id, 0]
        annual_count = min(len(mondays), rng.choice((0, 1, 2, 2, 3, 3, 4))) if balance_of else 0
        sick_count = rng.choice((0, 0, 0, 1))
        weeks = rng.sample(mondays, min(len(mondays), annual_count + sick_count))
        for number, monday in enumerate(weeks):
            leave_type = annual if number < annual_count else sick
            length = rng.choice((1, 1, 2, 3)) if leave_type is annual else rng.choice((1, 2))
            start = monday + dt.timedelta(days=rng.randint(0, 5 - length))
            dates = [start + dt.timedelta(days=k) for k in range(length)]
            if leave_type is annual:
                balance = balance_of.get(start.year)
                if balance is None or balance[1] + length > 12:
                    continue
                balance[1] += length
            request_id += 1
            created = dt.datetime.combine(start - dt.timedelta(days=7), dt.time(2), dt.UTC)
            decided = created + dt.timedelta(days=1)
            requests.append(
                (
                    request_id,
                    employee_id,
                    leave_type.pk,
                    start,
                    dates[-1],
                    False,
                    length,
                    "",
                    "",
                    "approved",
                    "done",
                    None,
                    None,
                    manager,
                    decided,
                    "",
                    created,
                )
            )
            days.extend((request_id, employee_id, date, 1) for date in dates)
            if leave_type is annual:
                entries.append((balance[0], "usage", -length, f"usage:{request_id}", "", request_id, manager, decided))
        for year, (bid, used) in balance_of.items():
            balances.append((bid, employee_id, annual.pk, year, 12, used, 0))
            entries.append((bid, "accrual", 12, f"accrual:{year}", "Accrual", None, None, now))
    copy_rows(
        cursor,
        "leave_leavebalance",
        ["id", "employee_id", "leave_type_id", "year", "entitled", "used", "pending"],
        balances,
    )
    copy_rows(
        cursor,
        "leave_leaverequest",
        [
            "id",
            "employee_id",
            "leave_type_id",
            "start_date",
            "end_date",
            "half_day",
            "working_days",
            "reason",
            "attachment",
            "status",
            "stage",
            "manager_approved_by_id",
            "manager_approved_at",
            "decided_by_id",
            "decided_at",
            "rejection_reason",
            "created_at",
        ],
        requests,
    )
    copy_rows(cursor, "leave_leaveday", ["request_id", "employee_id", "date", "days"], days)
    entries.sort(key=lambda entry: entry[-1])
    copy_rows(
        cursor,
        "leave_leaveledgerentry",
        ["balance_id", "kind", "days", "key", "note", "request_id", "created_by_id", "created_at"],
        entries,
    )
    return {"balances": len(balances), "requests": len(requests), "days": len(days), "ledger": len(entries)}


def _write_rewards(cursor, rng: random.Random, people, departments, today: dt.date, base_ids: dict) -> dict:
    """A year of recognitions and of paid bonuses (with their workflow steps), within budgets."""
    from rewards.models import RecognitionReason

    months = [*_months_back(today, 11), dt.date(today.year, today.month, 1)]
    years = sorted({month.year for month in months})
    ids, roles = people["id"].tolist(), people["role"].tolist()
    department_of, managers = people["department_id"].tolist(), people["manager_id"].tolist()
    wages = people["wage"].tolist()
    hr = [person for person, role in zip(ids, roles, strict=True) if role == "hr"] or ids[:2]
    members = defaultdict(list)
    for person, department in zip(ids, department_of, strict=True):
        members[department].append(person)
    headcount = {d["id"]: len(members[d["id"]]) for d in departments}
    budgets = [
        (d["id"], year, headcount[d["id"]] * 6_000_000) for d in departments for year in years if headcount[d["id"]]
    ]
    copy_rows(cursor, "rewards_bonusbudget", ["department_id", "year", "amount"], budgets)

    bonuses, transitions = [], []
    bonus_id = base_ids["rewards_bonus"]
    for position, employee_id in enumerate(ids):
        creator = managers[position]
        if not creator or rng.random() > 0.4:
            continue
        kind = "performance" if rng.random() < 0.75 else "spot"
        amount = wages[position] // 2 if kind == "performance" else rng.choice((500_000, 1_000_000, 2_000_000))
        deciders = [person for person in rng.sample(hr, min(3, len(hr))) if person not in (creator, employee_id)]
        if not deciders:
            continue
        month = rng.choice(months)
        created = dt.datetime.combine(month + dt.timedelta(days=rng.randint(0, 20)), dt.time(3), dt.UTC)
        bonus_id += 1
        steps = [("", "draft", creator), ("draft", "submitted", creator)]
        steps += [("submitted", "approved", deciders[0]), ("approved", "paid", deciders[0])]
        bonuses.append(
            (
                bonus_id,
                employee_id,
                department_of[position],
                kind,
                amount,
                month,
                "Kinerja pelayanan",
                "paid",
                creator,
                created,
                deciders[0],
                created + dt.timedelta(days=2),
                created + dt.timedelta(days=5),
            )
        )
        transitions.extend(
            (bonus_id, before, after, actor, created + dt.timedelta(days=step), "")
            for step, (before, after, actor) in enumerate(steps)
        )
    copy_rows(
        cursor,
        "rewards_bonus",
        [
            "id",
            "employee_id",
            "department_id",
            "kind",
            "amount",
            "period",
            "reason",
            "status",
            "created_by_id",
            "created_at",
            "decided_by_id",
            "decided_at",
            "paid_at",
        ],
        bonuses,
    )
    copy_rows(
        cursor,
        "rewards_bonustransition",
        ["bonus_id", "from_status", "to_status", "actor_id", "at", "note"],
        transitions,
    )

    reasons = list(RecognitionReason.values)

    def recognitions():
        for position, giver in enumerate(ids):
            for _given in range(rng.choice((0, 1, 2, 2, 3, 4))):
                team = members[department_of[position]]
                recipient = rng.choice(team) if len(team) > 1 and rng.random() < 0.7 else rng.choice(ids)
                if recipient == giver:
                    continue
                month = rng.choice(months)
                at = dt.datetime.combine(month + dt.timedelta(days=rng.randint(0, 25)), dt.time(4), dt.UTC)
                yield (
                    giver,
                    recipient,
                    department_of[recipient - 1],
                    rng.choice(reasons),
                    rng.choice(RECOGNITION_MESSAGES),
                    0,
                    month,
                    at,
                    at,
                )

    given = copy_rows(
        cursor,
        "rewards_recognition",
        [
            "giver_id",
            "recipient_id",
            "department_id",
            "dimension",
            "message",
            "points",
            "period",
            "created_at",
            "notified_at",
        ],
        recognitions(),
    )
    return {"budgets": len(budgets), "bonuses": len(bonuses), "transitions": len(transitions), "recognitions": given}


# --- The run ------------------------------------------------------------------------------------


def _without_row_checks(cursor) -> None:
    """Skips the per-row foreign-key triggers for the rest of the transaction: the generator's
    rows are consistent by construction, and checking millions of them one by one at commit
    costs more than writing them. Needs a superuser; without one the checks simply run."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass


def _has_data(cursor) -> bool:
    return any(_count(cursor, table) for table in DATA_TABLES)


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")
    return cursor.fetchone()[0]


def _next_ids(cursor, tables: tuple[str, ...]) -> dict[str, int]:
    ids = {}
    for table in tables:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        ids[table] = cursor.fetchone()[0]
    return ids


def _sync_sequences(cursor, tables: tuple[str, ...]) -> None:
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) "
            f"FROM {table}"
        )


def generate(
    *,
    scale: float = 1.0,
    seed: int = 2026,
    reset: bool = False,
    today: dt.date | None = None,
    close_job: bool = True,
    out=print,
) -> dict:
    """Builds the organisation; returns its sizes and the seconds each stage took."""
    from django.db import connection, transaction
    from django.utils import timezone

    from pulse_surveys.services import rounds_results_materialise

    require_postgresql("The generator")
    today = today or timezone.localdate()
    rng = np.random.default_rng(seed)
    py_rng = random.Random(seed)
    watch = Stopwatch(out)
    sizes: dict = {"scale": scale, "seed": seed}
    n_departments = _sized(DEPARTMENTS, scale, 8)
    n_people = _sized(EMPLOYEES, scale, 40)
    out(f"Generating {n_departments} departments, {n_people} employees, {ROUNDS} rounds (seed {seed}) …")

    with connection.cursor() as cursor:
        if _has_data(cursor):
            if not reset:
                raise SystemExit(
                    f"The database {connection.settings_dict['NAME']} already holds an organisation; "
                    "run with --reset to empty it first."
                )
            with watch.stage("reset (truncate)"):
                cursor.execute(f"TRUNCATE {', '.join(RESET_TABLES)} RESTART IDENTITY CASCADE")

    months = _months_back(today, ROUNDS)
    with watch.stage("organisation (departments, employees)"), transaction.atomic(), connection.cursor() as cursor:
        _without_row_checks(cursor)
        departments = build_departments(rng, n_departments)
        people = build_people(rng, departments, n_people, today)
        _write_organisation(cursor, rng, departments, people, today)
        _sync_sequences(cursor, ("employees_department", "employees_user"))
    sizes.update(
        departments=len(departments),
        service_units=sum(d["service"] for d in departments),
        leaf_departments=sum(d["leaf"] for d in departments),
        employees=len(people["id"]),
    )

    survey, rated, comment = _pulse_survey(today, months)
    moods = Moods(rng, departments, len(months), len(rated) - 1)
    totals = defaultdict(int)
    rebuilt: list[tuple[float, str]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        rounds = _create_rounds(survey, [*rated, comment], months)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the rounds' keys now: their tables change next
        with watch.stage("pulse: drop indexes"):
            rebuild = _drop_indexes(cursor, PULSE_TABLES)
        with watch.stage("pulse: COPY rounds"):
            for index, pulse_round in enumerate(rounds):
                for key, value in _write_round(cursor, rng, pulse_round, people, moods, rated, comment, index).items():
                    totals[key] += value
        with watch.stage("pulse: rebuild indexes and keys"):
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in rebuild:
                started = time.perf_counter()
                cursor.execute(statement)
                rebuilt.append((round(time.perf_counter() - started, 2), statement))
    sizes.update(rounds=len(rounds), **totals)
    with watch.stage("pulse: analyze"), connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(PULSE_TABLES)}")

    with watch.stage("pulse: materialise results (service)"):
        rounds_results_materialise([pulse_round.pk for pulse_round in rounds], rewrite_storage=False)

    now = timezone.now()
    with watch.stage("external scores (SKM)"), transaction.atomic(), connection.cursor() as cursor:
        _without_row_checks(cursor)
        sizes["external_scores"] = _write_external_scores(cursor, rng, departments, moods, months, now)
    with watch.stage("leave (a year)"), transaction.atomic(), connection.cursor() as cursor:
        _without_row_checks(cursor)
        base = _next_ids(cursor, ("leave_leavebalance", "leave_leaverequest"))
        sizes["leave"] = _write_leave(cursor, py_rng, people, today, base)
        _sync_sequences(cursor, ("leave_leavebalance", "leave_leaverequest"))
    with watch.stage("rewards (a year)"), transaction.atomic(), connection.cursor() as cursor:
        _without_row_checks(cursor)
        base = _next_ids(cursor, ("rewards_bonus",))
        sizes["rewards"] = _write_rewards(cursor, py_rng, people, departments, today, base)
        _sync_sequences(cursor, ("rewards_bonus",))
    with watch.stage("vacuum analyze"), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    generation_seconds = watch.total

    close_seconds = None
    if close_job:
        from tasks.surveys import survey_round_close_task

        with watch.stage("close job on the latest round (rewrite + materialise)"):
            survey_round_close_task.run(rounds[-1].pk)
        close_seconds = watch.stages["close job on the latest round (rewrite + materialise)"]
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(PULSE_TABLES)}")
    out(
        f"Done in {generation_seconds:.1f} s: {sizes['responses']} responses, {sizes['answers']} answers, "
        f"{sizes['invitations']} invitations."
    )
    return {
        "sizes": sizes,
        "stages": watch.stages,
        "generation_seconds": generation_seconds,
        "close_job_seconds": close_seconds,
        "rebuild_statements": sorted(rebuilt, reverse=True),
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000 departments and 50,000 employees")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="truncate the app tables first")
    parser.add_argument("--no-close-job", action="store_true", help="skip timing the close job on one round")
    args = parser.parse_args(argv)
    setup_django()
    result = generate(scale=args.scale, seed=args.seed, reset=args.reset, close_job=not args.no_close_job)
    print(f"Results: {save_results('generate', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
