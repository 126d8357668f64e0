"""Demo service quality: twelve months of SKM respondents for every demo service unit, some
CSAT and SERVQUAL scores, and last years' engagement results, imported through the same
service HR uses (so the IKMs are computed and stored as in production).

A unit's service follows its staff's satisfaction one month later: the pulse results of the
month before where they are shown, otherwise the unit's trend (Layanan Pelanggan improving,
Cabang Surabaya declining over the year, as in the pulse demo). That lagged relationship is
what the correlation reports should find.
"""

from collections import defaultdict

from core.demo import DemoOrg
from core.periods import Period
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
}
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
            level = 3.1 + (staff - 60) * 0.025 + UNIT_OFFSET.get(code, 0.0) + org.rng.gauss(0, 0.08)
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
