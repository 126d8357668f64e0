"""Demo service quality: twelve months of SKM respondents for every demo service unit, some
CSAT and SERVQUAL scores, and last years' engagement results, imported through the same
service HR uses (so the IKMs are computed and stored as in production).

A unit's service follows its staff's satisfaction one month later: the pulse results of the
month before where they are shown, otherwise the unit's trend (Layanan Pelanggan improving,
Cabang Surabaya declining over the year, as in the pulse demo). That lagged relationship is
what the correlation reports should find. Units whose staff find their workload manageable
(the pulse demo's WORKLOAD) also serve better: what driver impact across units should find.
"""

import datetime as dt
from collections import defaultdict

from core.demo import DemoOrg
from core.periods import Period
from pulse_surveys import demo as pulse_demo
from service_quality import services
from service_quality.dimensions import SERVQUAL_DIMENSION_KEYS, SKM_ELEMENT_KEYS
from service_quality.ikm import krejcie_morgan_sample_size
from service_quality.models import ScoreImport

MONTHS = 12
SKM_FILE = "demo-skm.csv"
SCORES_FILE = "demo-csat-servqual.csv"
INTERNAL_FILE = "demo-engagement-history.csv"

# Staff satisfaction (0–100) when no pulse result is shown: (start of the year, change over it).
STAFF_TREND = {
    "LYN-PLG": (50, 35),
    "LKT-IZN": (63, 3),
    "LYN-DIG": (71, 0),
    "PGD": (55, 0),
    "CAB-BDG": (61, 11),
    "CAB-SBY": (74, -35),
    "CAB-MKS": (56, 0),
    "CAB-MDN": (64, 0),
    "CAB-SMG": (60, 6),
    "CAB-YOG": (68, 0),
    "CAB-DPS": (65, 0),
    "CAB-PLM": (58, 0),
    "CAB-BPN": (61, 0),
    "CAB-MND": (63, 0),
    "CAB-PTK": (57, 0),
}
# How much better a unit serves when its staff's workload is manageable (1–4 scale per unit of
# the pulse demo's WORKLOAD): the planted driver of IKM across units.
WORKLOAD_EFFECT = 0.9
# What each unit does better or worse than its staff's mood alone would say (1–4 scale).
UNIT_OFFSET = {"LYN-DIG": 0.1, "PGD": -0.15, "CAB-MKS": -0.05}
# Elements customers usually rate lower (waiting time, complaint handling) or higher (cost).
ELEMENT_OFFSET = {"u3": -0.25, "u4": 0.3, "u7": 0.1, "u8": -0.3, "u9": -0.1}
# Share of the Krejcie & Morgan minimum sample each unit reaches (PGD and CAB-MKS fall short).
SAMPLE_SHARE = {"PGD": (0.45, 0.7), "CAB-MKS": (0.8, 1.05)}
SERVQUAL_UNITS = ("LYN-DIG", "CAB-BDG")


def _staff_satisfaction(org: DemoOrg, units: dict, months: list[Period]) -> dict[tuple[int, Period], float]:
    """Pulse "overall" per unit and month where shown; the scripted trend elsewhere."""
    first, last = months[0].shift(-1), months[-1]
    shown: dict[tuple[int, Period], float] = {}
    try:
        from pulse_surveys.selectors import internal_satisfaction_series
    except ImportError:
        internal_satisfaction_series = None
    if internal_satisfaction_series is not None:
        rows = internal_satisfaction_series(
            period_from=first.first_day,
            period_to=last.first_day,
            department_ids=[unit.pk for unit in units.values()],
            metrics=["overall"],
        )
        for row in rows:
            shown[(row["department_id"], Period.of(row["period"]))] = float(row["value"])
    satisfaction = {}
    span = [first, *months]
    for code, unit in units.items():
        start, change = STAFF_TREND[code]
        for index, month in enumerate(span):
            scripted = start + change * index / (len(span) - 1)
            satisfaction[(unit.pk, month)] = shown.get((unit.pk, month), scripted)
    return satisfaction


def _clamp(value: float) -> int:
    return max(1, min(4, round(value)))


def _skm_file(org: DemoOrg, units: dict, months: list[Period], satisfaction: dict) -> tuple[bytes, dict]:
    lines = ["department_code,period,respondent,u1,u2,u3,u4,u5,u6,u7,u8,u9"]
    levels = defaultdict(dict)
    for code, unit in units.items():
        minimum = krejcie_morgan_sample_size(unit.customer_population or 1000)
        low, high = SAMPLE_SHARE.get(code, (0.95, 1.2))
        for month in months:
            staff = satisfaction[(unit.pk, month.shift(-1))]  # service follows the staff a month later
            level = (
                3.1
                + (staff - 60) * 0.025
                + WORKLOAD_EFFECT * pulse_demo.WORKLOAD.get(code, 0.0)
                + UNIT_OFFSET.get(code, 0.0)
                + org.rng.gauss(0, 0.05)
            )
            levels[code][str(month)] = level
            for number in range(1, int(minimum * org.rng.uniform(low, high)) + 1):
                person = level + org.rng.gauss(0, 0.35)
                answers = ",".join(
                    str(_clamp(person + ELEMENT_OFFSET.get(key, 0.0) + org.rng.gauss(0, 0.45)))
                    for key in SKM_ELEMENT_KEYS
                )
                lines.append(f"{code},{month},{number:04d},{answers}")
    return ("\n".join(lines) + "\n").encode(), levels


def _scores_file(org: DemoOrg, units: dict, months: list[Period], levels: dict) -> bytes:
    lines = ["department_code,period,source,dimension,value,respondents"]
    quarters = sorted({month.quarter_start for month in months if month.quarter_start >= months[0]})
    for code in units:
        for quarter in quarters:
            level = levels[code].get(str(quarter))
            if level is None:
                continue
            csat = min(100.0, max(0.0, (level - 1) / 3 * 100 + org.rng.gauss(0, 3)))
            lines.append(f"{code},{quarter},csat,overall,{csat:.1f},{org.rng.randint(80, 240)}")
    for code in SERVQUAL_UNITS:
        for quarter in quarters[-2:]:
            level = levels[code].get(str(quarter))
            if level is None:
                continue
            for key in SERVQUAL_DIMENSION_KEYS:
                perception = (level - 1) / 3 * 100 + org.rng.gauss(0, 4)
                expectation = 80 + org.rng.gauss(0, 3)
                respondents = org.rng.randint(60, 120)
                lines.append(f"{code},{quarter},servqual,{key},{perception:.1f},{respondents}")
                lines.append(f"{code},{quarter},servqual,{key}_expectation,{expectation:.1f},{respondents}")
    return ("\n".join(lines) + "\n").encode()


def _internal_file(org: DemoOrg, units: dict, months: list[Period]) -> bytes:
    lines = ["department_code,period,score,respondents"]
    for years_back in (2, 1):
        january = Period(months[0].year - years_back, 1)
        for code in units:
            start, _change = STAFF_TREND[code]
            lines.append(f"{code},{january},{start + org.rng.gauss(0, 4):.1f},{org.rng.randint(8, 20)}")
    return ("\n".join(lines) + "\n").encode()


def seed(org: DemoOrg) -> None:
    _seed_imports(org)
    _seed_collections(org)


# This month's SKM is collected in Prima at these units: (expected customers, answers so far).
COLLECTING_UNITS = {"LYN-PLG": (400, 48), "LKT-IZN": (250, 12)}
DEMO_SUGGESTIONS = (
    "Antrean di loket terlalu lama pada jam makan siang.",
    "Petugas ramah dan membantu, terima kasih.",
    "Mohon tambah kursi di ruang tunggu.",
    "Informasi persyaratan di website belum lengkap.",
)
PROFILE_CHOICES = {
    "age_band": ("20_29", "30_39", "30_39", "40_49", "50_59"),
    "sex": ("male", "female"),
    "education": ("senior", "diploma", "bachelor", "bachelor"),
    "occupation": ("private", "entrepreneur", "civil_servant", "student", "other"),
}


def _seed_collections(org: DemoOrg) -> None:
    """Open collections this month (SKM and CSAT), with answers given through the public form's
    service (as customers' phones would), some verified by a visit code and a few with a suggestion."""
    from service_quality import collecting
    from service_quality.models import SkmCollection

    units = {code: org.departments[code] for code in COLLECTING_UNITS if code in org.departments}
    if not units or SkmCollection.objects.filter(department__in=units.values()).exists():
        return
    hr = org.people.get("hr")
    first = Period.of(org.today).first_day
    answered = 0
    for code, unit in units.items():
        expected, answers = COLLECTING_UNITS[code]
        collection = collecting.collection_create(
            department=unit,
            period_from=first,
            period_to=first + dt.timedelta(days=40),
            expected_customers=expected,
            questionnaires=["csat"],
            actor=hr,
        )
        codes = [visit.code for visit in collecting.visit_codes_issue(collection=collection, count=60, actor=hr)]
        for number in range(answers):
            level = 3.2 + org.rng.gauss(0, 0.4)
            data = {
                "answers": {
                    key: _clamp(level + ELEMENT_OFFSET.get(key, 0.0) + org.rng.gauss(0, 0.45))
                    for key in SKM_ELEMENT_KEYS
                },
                "profile": {name: org.rng.choice(choices) for name, choices in PROFILE_CHOICES.items()},
                # CSAT 1–5 follows the same mood as the SKM answers (1–4)
                "ratings": {"overall": min(5, max(1, round(level * 1.25 + org.rng.gauss(0, 0.6))))},
                "service": org.rng.choice(("", "Perizinan", "Pengaduan", "Informasi")),
                "expectation_level": org.rng.choice((1, 1, 2, 3, None)),
                "suggestion": DEMO_SUGGESTIONS[number % len(DEMO_SUGGESTIONS)] if number % 6 == 0 else "",
                "visit_code": codes[number] if number % 3 == 0 else "",
            }
            sender = collecting.Sender(device=f"demo-{code}-{number}", address=f"203.0.113.{number % 250}")
            collecting.response_submit(token=collection.token, data=data, sender=sender)
            answered += 1
        if code == "LYN-PLG":
            collecting.collection_publish_suggestions(collection=collection, publish=True, actor=hr)
    org.say(f"service quality: {len(units)} SKM collections open this month, {answered} answers at the public form")


def _seed_imports(org: DemoOrg) -> None:
    if ScoreImport.objects.filter(file_name=SKM_FILE).exists():
        return
    units = {code: org.departments[code] for code in STAFF_TREND if code in org.departments}
    if not units:
        return
    hr = org.people.get("hr")
    this_month = Period.of(org.today)
    months = [this_month.shift(offset) for offset in range(-MONTHS, 0)]
    satisfaction = _staff_satisfaction(org, units, months)
    content, levels = _skm_file(org, units, months, satisfaction)
    skm = services.score_import_create(
        kind="skm", file_name=SKM_FILE, content=content, actor=hr, run_in_background=False
    )
    scores = services.score_import_create(
        kind="scores",
        file_name=SCORES_FILE,
        content=_scores_file(org, units, months, levels),
        actor=hr,
        run_in_background=False,
    )
    internal = services.score_import_create(
        kind="internal",
        file_name=INTERNAL_FILE,
        content=_internal_file(org, units, months),
        actor=hr,
        run_in_background=False,
    )
    for result in (skm, scores, internal):
        if result.status != "succeeded":
            raise RuntimeError(f"the demo import {result.file_name} failed: {result.errors[:3]}")
    org.say(
        f"service quality: {skm.rows_imported} SKM respondents over {MONTHS} months for {len(units)} units, "
        f"{scores.rows_imported} CSAT/SERVQUAL scores, {internal.rows_imported} earlier engagement results"
    )
