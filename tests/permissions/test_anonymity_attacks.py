"""Attacks on pulse anonymity: trying to recover one person's answers through every avenue an
insider has (HR, leadership, a manager, an administrator), with real services and real requests.

Each test states the attacker's knowledge and method, runs the attack for real, and asserts it
fails. An attack that succeeds against the current code is kept, unweakened, and marked
`xfail(strict=True)` with the gap it demonstrates: once the gap is closed the test passes, and
strictness then asks for the marker to go.

The organisation (threshold 5; respondents / invited):

    HQ (own: 0 / 1)
    ├── OPS (own: 1 / 1, its director)
    │   ├── CS  9 / 11
    │   ├── LKT 5 / 5      exactly the threshold
    │   └── PGD 2 / 3      fewer than the threshold
    └── HRD 6 / 7
"""

import csv
import hashlib
import io
import itertools
import json
import re
import uuid

import numpy as np
import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from core.models import AuditEntry, IdempotencyRecord
from pulse_surveys import services
from pulse_surveys.models import Answer, Participation, Response, RoundResult
from pulse_surveys.selectors import internal_satisfaction_series
from tests.factories import DepartmentFactory, UserFactory
from tests.pulse_surveys.conftest import bank, close, open_round  # noqa: F401 - the bank fixture

THRESHOLD = 5
TOTAL = "total"
QUESTION_KEYS = ["recognition-1", "workload-1", "enps", "comment-improve"]


# --- The organisation, the survey and who answered what ---------------------------------------


class Scenario:
    """The tree of the module docstring, one closed round, and the ground truth of every answer."""


def _answers(pulse_round, *, ratings: tuple[int, int], enps: int, comment: str = "") -> list[dict]:
    by_key = {q.key: q for q in pulse_round.questions.all()}
    answers = [
        {"question": by_key["recognition-1"].pk, "value": ratings[0]},
        {"question": by_key["workload-1"].pk, "value": ratings[1]},
        {"question": by_key["enps"].pk, "value": enps},
    ]
    if comment and "comment-improve" in by_key:
        answers.append({"question": by_key["comment-improve"].pk, "text": comment})
    return answers


def _survey(org, bank, *, departments=(), keys=QUESTION_KEYS, title="Pulse Pelayanan"):  # noqa: F811
    return services.survey_create(
        title=title,
        questions=[bank[key] for key in keys],
        departments=list(departments),
        anonymity_threshold=THRESHOLD,
        actor=org.hana,
    )


@pytest.fixture
def scenario(org, bank):  # noqa: F811
    s = Scenario()
    s.org = org
    s.pgd = DepartmentFactory(code="PGD", name="Unit Pengaduan", parent=org.ops, is_service_unit=True)
    s.head = UserFactory(username="kepala", role="leadership", department=org.hq)  # does not answer
    s.dewi = UserFactory(username="dewi", role="manager", department=org.ops)
    s.eko = UserFactory(username="eko", role="manager", department=s.pgd, manager=s.dewi)
    pgd_staff = [UserFactory(department=s.pgd, manager=s.eko) for _ in range(2)]
    cs_staff = [UserFactory(department=org.cs, manager=org.budi) for _ in range(8)]
    lkt_staff = [UserFactory(department=org.lkt, manager=org.mira) for _ in range(3)]
    hrd_staff = [UserFactory(department=org.hrd) for _ in range(5)]
    s.departments = {"HQ": org.hq, "OPS": org.ops, "CS": org.cs, "LKT": org.lkt, "PGD": s.pgd, "HRD": org.hrd}
    s.respondents = [
        s.dewi,
        org.budi, org.ani, org.andi, *cs_staff[:6],
        org.mira, org.bayu, *lkt_staff,
        s.eko, pgd_staff[0],
        org.hana, org.lina, *hrd_staff[:4],
    ]  # fmt: skip
    s.silent = [s.head, pgd_staff[1], *cs_staff[6:], hrd_staff[4]]  # invited, never answered
    s.survey = _survey(org, bank)
    s.round = open_round(s.survey)
    rng = np.random.default_rng(20250917)
    s.truth, s.comments = {}, {}
    for person in s.respondents:
        ratings = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
        enps = int(rng.integers(0, 11))
        comment = "kmt-" + "".join(rng.choice(list("abcdefghjkmnpqrstuvwxyz"), 8))
        s.truth[person.pk] = {"recognition-1": ratings[0], "workload-1": ratings[1], "enps": enps}
        s.comments[person.pk] = comment
        services.response_submit(
            pulse_round=s.round, employee=person, answers=_answers(s.round, ratings=ratings, enps=enps, comment=comment)
        )
    close(s.round)
    s.questions = {q.key: q for q in s.round.questions.all()}
    s.viewers = {
        "hr": org.hana,
        "leadership": org.lina,
        "manager CS": org.budi,
        "manager LKT": org.mira,
        "manager OPS": s.dewi,
        "manager PGD": s.eko,
    }
    return s


def _group(s: Scenario, key) -> list:
    """The respondents of a group: a department's subtree, or everyone."""
    if key == TOTAL:
        return list(s.respondents)
    department = next(d for d in s.departments.values() if d.pk == key)
    return [p for p in s.respondents if p.department.path.startswith(department.path)]


def _true_distribution(s: Scenario, people) -> dict:
    """What a group's distributions would be: {question id: {value: count}} over the ratings."""
    result = {}
    for key in ("recognition-1", "workload-1", "enps"):
        low, high = s.questions[key].value_range
        counts = dict.fromkeys(range(low, high + 1), 0)
        for person in people:
            counts[s.truth[person.pk][key]] += 1
        result[s.questions[key].pk] = counts
    return result


def _distribution_vector(distributions: dict) -> np.ndarray:
    return np.array([distributions[q][v] for q in sorted(distributions) for v in sorted(distributions[q])], float)


def _results(client, round_id, department=None):
    query = "" if department is None else f"?department={department}"
    return client.get(f"/api/v1/pulse/rounds/{round_id}/results/{query}")


def _in_row_space(rows: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Which of `vectors` are linear combinations of `rows` (what an observer can compute)."""
    if rows.size == 0:
        return ~vectors.any(axis=1)
    _u, singular, vt = np.linalg.svd(rows, full_matrices=False)
    basis = vt[singular > 1e-9]
    residual = vectors - vectors @ basis.T @ basis
    return np.abs(residual).max(axis=1) < 1e-7


def _collect(s: Scenario, api) -> dict:
    """Every results request of every insider for every department filter (and none): what is
    shown, per group key, plus the statuses."""
    filters = [None, *(d.pk for d in s.departments.values())]
    shown, suppressed, statuses = {}, {}, {}
    for name, viewer in s.viewers.items():
        client = api(viewer)
        for department in filters:
            response = _results(client, s.round.pk, department)
            statuses[(name, department)] = response.status_code
            if response.status_code != 200:
                continue
            payload = response.json()
            rows = [payload, *payload["breakdown"]]
            for row in rows:
                key = row["department"] or TOTAL
                if row["suppressed"]:
                    for hidden_field in ("score", "enps", "drivers", "distributions", "comments"):
                        assert hidden_field not in row, (name, key, hidden_field)
                    suppressed[key] = row
                else:
                    shown.setdefault(key, {}).update(row)
    return {"shown": shown, "suppressed": suppressed, "statuses": statuses}


# --- 1. Every results filter, every insider: linear algebra on what is shown ------------------


def test_no_filter_combination_lets_an_insider_solve_for_a_small_group_or_one_person(scenario, api):
    s = scenario
    seen = _collect(s, api)
    shown, suppressed = seen["shown"], seen["suppressed"]
    code = {d.pk: c for c, d in s.departments.items()} | {TOTAL: TOTAL}

    # The rules did what the tree calls for: PGD (2) below the threshold, LKT (exactly 5)
    # hidden so that OPS minus CS minus LKT does not give OPS's director and PGD (3 people).
    assert {code[k] for k in shown} == {TOTAL, "HQ", "OPS", "CS", "HRD"}
    assert {code[k]: r["reason"] for k, r in suppressed.items()} == {"PGD": "below_threshold", "LKT": "complementary"}
    assert not set(shown) & set(suppressed)
    # Managers reach only their own subtree; anything else is 404 (no counts leak either).
    statuses = seen["statuses"]
    for (name, department), status in statuses.items():
        if name.startswith("manager"):
            scope = s.viewers[name].department
            inside = department is None or department in {
                d.pk for d in s.departments.values() if d.path.startswith(scope.path)
            }
            assert status == (200 if inside else 404), (name, code.get(department), status)
        else:
            assert status == 200, (name, code.get(department), status)

    # What is shown is exact (the attacker works with true figures, not noise).
    for key, row in shown.items():
        assert row["responded"] == len(_group(s, key)) >= THRESHOLD
        if "distributions" in row:
            given = {d["question"]: {int(v): n for v, n in d["counts"].items()} for d in row["distributions"]}
            assert given == _true_distribution(s, _group(s, key))

    # The attack: every shown figure (counts, scores × respondents, driver scores, distributions,
    # comment multisets) is a sum over the group's respondents, so what can be computed is the
    # row space of the shown groups' membership vectors over the people.
    people = [p.pk for p in s.respondents]
    index = {pk: i for i, pk in enumerate(people)}

    def indicator(members) -> np.ndarray:
        vector = np.zeros(len(people))
        vector[[index[p.pk if hasattr(p, "pk") else p] for p in members]] = 1
        return vector

    rows = np.array([indicator(_group(s, key)) for key in sorted(shown, key=str)])

    # Every set of respondents smaller than the threshold (10 902 sets: each single person, each
    # pair, …), whatever departments they span: none is in the row space.
    small = [combo for size in range(1, THRESHOLD) for combo in itertools.combinations(people, size)]
    targets = np.zeros((len(small), len(people)))
    for row, combo in enumerate(small):
        targets[row, [index[p] for p in combo]] = 1
    exposed = _in_row_space(rows, targets)
    assert not exposed.any(), [small[i] for i in np.flatnonzero(exposed)][:5]
    # Nor is any hidden group.
    hidden = np.array([indicator(_group(s, key)) for key in suppressed])
    assert not _in_row_space(rows, hidden).any()

    # The attack is not vacuous: had LKT been shown (the threshold rule alone), the same solver
    # recovers the exact answer counts of OPS's director and PGD's two people from the figures.
    with_lkt = np.vstack([rows, indicator(_group(s, s.org.lkt.pk))])
    target = [s.dewi, *_group(s, s.pgd.pk)]
    assert _in_row_space(with_lkt, indicator(target)[None, :]).all()
    keys = [*sorted(shown, key=str), s.org.lkt.pk]
    figures = np.array([_distribution_vector(_true_distribution(s, _group(s, k))) for k in keys])
    weights, *_ = np.linalg.lstsq(with_lkt.T, indicator(target), rcond=None)
    assert np.allclose(weights @ figures, _distribution_vector(_true_distribution(s, target)))


def test_hidden_groups_show_no_comment_and_no_score_on_any_page_or_api(scenario, api):
    s = scenario
    hidden = {s.org.lkt.pk: [s.org.mira, s.org.bayu], s.pgd.pk: _group(s, s.pgd.pk)}
    for department, members in hidden.items():
        own_comments = [s.comments[p.pk] for p in _group(s, department)]
        for viewer in (s.org.hana, s.org.lina, *members):
            if viewer.role not in ("hr", "leadership", "manager"):
                continue
            if viewer.role == "manager" and viewer.department_id != department:
                continue
            payload = _results(api(viewer), s.round.pk, department).json()
            assert payload["suppressed"] and "comments" not in payload
            client = Client()
            client.force_login(viewer)
            page = client.get(f"/pulse/results/?round={s.round.pk}&department={department}").content.decode()
            assert not [c for c in own_comments if c in page]


# --- 2. Consecutive rounds: one person joins or leaves ----------------------------------------


@pytest.mark.parametrize("change", ["joins", "leaves"])
def test_the_difference_of_two_rounds_does_not_reveal_the_one_person_who_joined_or_left(change, org, bank, api):  # noqa: F811
    # given CS's own pulse: six people who answer alike in both rounds, and one who changes
    survey = _survey(org, bank, departments=[org.cs], keys=QUESTION_KEYS[:3], title="Pulse CS")
    stayers = [org.budi, org.ani, org.andi, *(UserFactory(department=org.cs, manager=org.budi) for _ in range(3))]
    mover = UserFactory(department=org.hrd if change == "joins" else org.cs, manager=org.budi)
    rng = np.random.default_rng(7)
    truth = {
        p.pk: {"ratings": (int(rng.integers(1, 6)), int(rng.integers(1, 6))), "enps": int(rng.integers(0, 11))}
        for p in [*stayers, mover]
    }

    def run_round():
        pulse_round = open_round(survey)
        for person in [*stayers, mover]:
            if pulse_round.invitations.filter(employee=person).exists():
                services.response_submit(
                    pulse_round=pulse_round, employee=person, answers=_answers(pulse_round, **truth[person.pk])
                )
        return close(pulse_round)

    first = run_round()
    mover.department = org.cs if change == "joins" else org.hrd
    mover.save(update_fields=["department"])
    second = run_round()

    # when CS's manager reads both rounds' results for CS, and HR the whole audience
    payloads = [
        _results(api(viewer), r.pk, department).json()
        for viewer, department in ((org.budi, org.cs.pk), (org.hana, None))
        for r in (first, second)
    ]
    assert all(abs(p["responded"] - q["responded"]) == 1 for p, q in (payloads[:2], payloads[2:]))

    # then the first round is shown and the second hidden, saying why: a group of seven would
    # need noise wider than ±25 points to be shown protected
    for before, after in (payloads[:2], payloads[2:]):
        assert not before["suppressed"]
        assert after["suppressed"] and after["reason"] == "too_noisy"
        assert "distributions" not in after or not after["distributions"]

    # and no difference of two shown distributions is the mover's answers
    def counts(payload):
        return {d["question"]: {int(v): n for v, n in d["counts"].items()} for d in payload.get("distributions") or []}

    questions = {q.key: q.pk for q in survey.questions.all()}
    answers = truth[mover.pk]
    actual = {
        questions["recognition-1"]: [answers["ratings"][0]],
        questions["workload-1"]: [answers["ratings"][1]],
        questions["enps"]: [answers["enps"]],
    }
    shown = [counts(p) for p in payloads if not p["suppressed"]]
    for larger, smaller in itertools.permutations(shown, 2):
        difference = {q: {v: n - smaller[q][v] for v, n in per_value.items()} for q, per_value in larger.items()}
        recovered = {q: [v for v, n in per_value.items() if n == 1] for q, per_value in difference.items()}
        assert recovered != actual, f"recovered the {change} person's answers: {recovered}"


# --- 3. Comments: no author, time, id; shuffled ------------------------------------------------


def test_comments_are_bare_texts_in_an_order_unrelated_to_submission(org, bank, api):  # noqa: F811
    # given twelve people of CS who comment in a known order ("komentar 01" first)
    survey = _survey(org, bank, departments=[org.cs], title="Pulse CS")
    people = [org.budi, org.ani, org.andi, *(UserFactory(department=org.cs, manager=org.budi) for _ in range(9))]
    pulse_round = open_round(survey)
    submitted = []
    for number, person in enumerate(people, start=1):
        comment = f"komentar {number:02d}"
        submitted.append(comment)
        services.response_submit(
            pulse_round=pulse_round,
            employee=person,
            answers=_answers(pulse_round, ratings=(3, 4), enps=7, comment=comment),
        )
    close(pulse_round)

    # when the manager reads CS and HR the whole audience
    for viewer, department in ((org.budi, org.cs.pk), (org.hana, None)):
        payload = _results(api(viewer), pulse_round.pk, department).json()
        comments = payload["comments"]
        # then each comment is a bare string: no author, no time, no id to sort by
        assert all(type(comment) is str for comment in comments)
        assert sorted(comments) == submitted
        # and the order is neither the submission order nor its reverse (a fixed order would be
        # one of them; a uniform shuffle of 12 matches either with probability 2/12! ≈ 4e-9)
        assert comments not in (submitted, submitted[::-1])
    stored = list(RoundResult.objects.filter(round=pulse_round).values_list("comments", flat=True))
    assert len(stored) >= 2 and all(sorted(c) == submitted and c not in (submitted, submitted[::-1]) for c in stored)
    # Two materialised groups of the same people are shuffled independently, not in one fixed order.
    assert stored[0] != stored[1]


# --- 4. Participation and Response cannot be joined by order, id or time -----------------------


def _physical_order(model, round_id) -> list:
    """Rows in storage order: SQLite's rowid, PostgreSQL's ctid (the order a table scan returns)."""
    table = model._meta.db_table
    column = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE round_id = %s ORDER BY {column}", [round_id])  # noqa: S608
        return [uuid.UUID(str(row[0])) for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_participations_and_responses_cannot_be_paired_by_key_storage_order_or_time(org, bank):  # noqa: F811
    # given ten people of CS answering one at a time, each in their own transaction, with an
    # eNPS that identifies them (0 for the first … 9 for the last)
    survey = _survey(org, bank, departments=[org.cs], keys=QUESTION_KEYS[:3], title="Pulse CS")
    people = [org.budi, org.ani, org.andi, *(UserFactory(department=org.cs, manager=org.budi) for _ in range(7))]
    pulse_round = open_round(survey)
    for order, person in enumerate(people):
        services.response_submit(
            pulse_round=pulse_round, employee=person, answers=_answers(pulse_round, ratings=(3, 3), enps=order)
        )
    # when the round closes (committed: the results job runs on commit, for real)
    services.round_close(pulse_round=pulse_round)
    pulse_round.refresh_from_db()
    assert pulse_round.results_ready

    enps_question = survey.questions.get(kind="enps")
    enps_of = dict(Answer.objects.filter(question=enps_question).values_list("response_id", "value"))
    truth = {person.pk: order for order, person in enumerate(people)}

    def paired(participation_ids: list, response_ids: list) -> dict:
        employee_of = dict(Participation.objects.values_list("id", "employee_id"))
        return {employee_of[p]: enps_of[r] for p, r in zip(participation_ids, response_ids, strict=True)}

    # then no ordering an administrator with database access could use pairs them: not the
    # primary keys, not the order rows come back in, not the storage order (P(all 10 right by
    # chance) = 1/10! ≈ 3e-7 per ordering)
    orderings = {
        "primary key": (
            list(Participation.objects.filter(round=pulse_round).order_by("pk").values_list("id", flat=True)),
            list(Response.objects.filter(round=pulse_round).order_by("pk").values_list("id", flat=True)),
        ),
        "unordered query": (
            list(Participation.objects.filter(round=pulse_round).order_by().values_list("id", flat=True)),
            list(Response.objects.filter(round=pulse_round).order_by().values_list("id", flat=True)),
        ),
        "storage order": (_physical_order(Participation, pulse_round.pk), _physical_order(Response, pulse_round.pk)),
    }
    for name, (participation_ids, response_ids) in orderings.items():
        assert len(participation_ids) == len(response_ids) == len(people), name
        for direction in (1, -1):
            assert paired(participation_ids, response_ids[::direction]) != truth, (name, direction)
    # Primary keys are random UUIDs (version 4), not time-based ones (v1/v6/v7 carry a clock).
    assert {uuid.UUID(str(pk)).version for pk in [*orderings["primary key"][0], *orderings["primary key"][1]]} == {4}
    if connection.vendor == "postgresql":
        # Every participation and every response was rewritten by one transaction: xmin, the
        # writing transaction's id, no longer tells one submission from the next.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM pulse_surveys_participation WHERE round_id = %s "
                "UNION SELECT DISTINCT xmin::text FROM pulse_surveys_response WHERE round_id = %s",
                [pulse_round.pk, pulse_round.pk],
            )
            assert len(cursor.fetchall()) == 1

    # No stored column is finer than the day: the participation keeps the day, the response and
    # its answers no date at all (read from the database's own schema, not the models).
    with connection.cursor() as cursor:
        columns = {
            model: {
                column.name: connection.introspection.get_field_type(column.type_code, column)
                for column in connection.introspection.get_table_description(cursor, model._meta.db_table)
            }
            for model in (Participation, Response, Answer)
        }
    timed = {"DateTimeField", "TimeField", "DurationField"}
    for model, types in columns.items():
        assert not timed & set(types.values()), (model.__name__, types)
    assert [name for name, kind in columns[Participation].items() if kind == "DateField"] == ["answered_on"]
    assert not [name for name, kind in columns[Response].items() if kind == "DateField"]
    assert not [name for name, kind in columns[Answer].items() if kind == "DateField"]
    assert set(Participation.objects.values_list("answered_on", flat=True)) == {timezone.localdate()}
    assert (set(columns[Participation]) & set(columns[Response])) - {"id"} == {"round_id"}


# --- 5. Every list and page that touches pulse data shows no person's answers -----------------

FORBIDDEN_KEYS = {
    "employee", "employee_id", "user", "user_id", "author", "respondent", "respondents", "answered_on",
    "created", "created_at", "submitted_at", "timestamp", "responses", "answers", "participations",
    "invitations", "response_id",
}  # fmt: skip


def _keys(data) -> set:
    if isinstance(data, dict):
        return set(data) | set().union(*(_keys(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(_keys(v) for v in data)) if data else set()
    return set()


def _identities(s: Scenario, viewer) -> dict:
    """What would name a respondent other than the viewer: username, e-mail, full name."""
    found = {}
    for person in s.respondents:
        if person.pk == getattr(viewer, "pk", None):
            continue
        for text in (person.username, person.email, person.get_full_name()):
            if text:
                found[text] = person.username
    return found


def _named(names: dict, body: str) -> list:
    """The names found in `body` as whole words (so that "andi" does not match "standing")."""
    pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.findall(rf"(?<![\w@.-])(?:{pattern})(?![\w@-])", body) if names else []


def test_no_api_list_or_page_exposes_a_respondent_or_an_individual_answer(scenario, api):
    s = scenario
    employee = s.org.andi
    viewers = {**s.viewers, "employee": employee}
    api_paths = [
        "/api/v1/pulse/rounds/",
        "/api/v1/pulse/rounds/?status=closed",
        f"/api/v1/pulse/rounds/{s.round.pk}/",
        f"/api/v1/pulse/rounds/{s.round.pk}/participation/",
        f"/api/v1/pulse/rounds/{s.round.pk}/results/",
        *(f"/api/v1/pulse/rounds/{s.round.pk}/results/?department={d.pk}" for d in s.departments.values()),
        "/api/v1/pulse/surveys/",
        "/api/v1/pulse/questions/",
        "/api/v1/pulse/drivers/",
    ]
    page_paths = [
        "/pulse/",
        "/pulse/results/",
        *(f"/pulse/results/?round={s.round.pk}&department={d.pk}" for d in s.departments.values()),
        f"/pulse/heatmap/?round={s.round.pk}",
        "/pulse/manage/",
        f"/pulse/manage/rounds/{s.round.pk}/",
        "/insights/",
    ]
    reached = 0
    for name, viewer in viewers.items():
        names = _identities(s, viewer)
        client = api(viewer)
        for path in api_paths:
            response = client.get(path)
            if response.status_code != 200:
                assert response.status_code in (403, 404), (name, path, response.status_code)
                continue
            reached += 1
            body = response.content.decode()
            assert not FORBIDDEN_KEYS & _keys(response.json()), (name, path, FORBIDDEN_KEYS & _keys(response.json()))
            assert not _named(names, body), (name, path)
        pages = Client()
        pages.force_login(viewer)
        for path in page_paths:
            response = pages.get(path)
            if response.status_code != 200:
                assert response.status_code in (403, 404), (name, path, response.status_code)
                continue
            reached += 1
            assert not _named(names, response.content.decode()), (name, path)
    assert reached > 60

    # The participation endpoint (HR only) gives counts per department, never names.
    participation = api(s.org.hana).get(f"/api/v1/pulse/rounds/{s.round.pk}/participation/").json()
    assert set(participation) == {"invited", "responded", "response_rate", "departments"}
    assert all(
        set(row) == {"department", "name", "code", "invited", "responded", "response_rate"}
        for row in participation["departments"]
    )
    assert (participation["invited"], participation["responded"]) == (28, 23)
    for viewer in (s.org.lina, s.org.budi, employee):
        assert api(viewer).get(f"/api/v1/pulse/rounds/{s.round.pk}/participation/").status_code == 403

    # An employee sees only their own round and whether they answered it, never a result.
    rounds = api(employee).get("/api/v1/pulse/rounds/").json()["results"]
    assert [(r["id"], r["answered"]) for r in rounds] == [(s.round.pk, True)]
    assert api(employee).get(f"/api/v1/pulse/rounds/{s.round.pk}/results/").status_code == 403


def test_the_admin_has_no_screen_that_links_a_person_to_answers(scenario):
    s = scenario
    administrator = UserFactory(username="admin-it", department=s.org.hrd)
    administrator.is_staff = administrator.is_superuser = True
    administrator.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(administrator)
    # No admin screen exists for answers, responses, participations or invitations …
    for model in ("response", "answer", "participation", "invitation"):
        for view in ("changelist", "add"):
            with pytest.raises(NoReverseMatch):
                reverse(f"admin:pulse_surveys_{model}_{view}")
    anonymous_models = {Response, Answer, Participation}
    for model, model_admin in admin_site._registry.items():
        assert model not in anonymous_models
        for inline in model_admin.inlines:
            assert inline.model not in anonymous_models, (model, inline)
    index = client.get("/admin/").content.decode()
    for model in ("response", "answer", "participation", "invitation"):
        assert f"/admin/pulse_surveys/{model}/" not in index
    # … and the pulse screens there are show no respondent and no comment.
    names = _identities(s, administrator)
    comments = set(s.comments.values())
    paths = [f"/admin/pulse_surveys/{m}/" for m in ("driver", "question", "survey", "round", "roundresult")]
    paths += [
        f"/admin/pulse_surveys/roundresult/{pk}/change/" for pk in RoundResult.objects.values_list("pk", flat=True)
    ]
    paths += [f"/admin/pulse_surveys/round/{s.round.pk}/change/", f"/admin/pulse_surveys/survey/{s.survey.pk}/change/"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        if _named(names, body):
            # A user picker (the survey's "created by") lists everyone: it may name people only
            # when it names those who did not answer just the same.
            silent = {p.get_full_name(): p.username for p in s.silent}
            assert set(_named(silent, body)) == set(silent), path
        assert not [c for c in comments if c in body], path
    # The audit trail records HR's acts on surveys and rounds, never a submission.
    entries = AuditEntry.objects.all()
    assert entries.exists()
    assert not entries.filter(actor__in=[p for p in s.respondents if p.role == "employee"]).exists()
    for entry in entries:
        dump = json.dumps([entry.summary, entry.data, entry.target_type])
        assert "response" not in entry.action and "answer" not in entry.action
        assert not [c for c in comments if c in dump]


# --- 6. Exports obey the same suppression -------------------------------------------------------


def test_csv_exports_and_report_series_show_exactly_what_the_results_api_shows(scenario, api):
    s = scenario
    seen = _collect(s, api)
    shown = seen["shown"]
    code = {d.pk: c for c, d in s.departments.items()}
    client = Client()
    client.force_login(s.org.lina)

    heatmap = list(csv.DictReader(io.StringIO(client.get("/insights/export/heatmap.csv").content.decode())))
    by_code = {row["department_code"] or TOTAL: row for row in heatmap}
    assert set(by_code) == {TOTAL, *s.departments}
    score_columns = [c for c in heatmap[0] if c in ("score", "enps") or c.startswith("driver:")]
    for key, row in by_code.items():
        department = TOTAL if key == TOTAL else s.departments[key].pk
        if department in shown:
            assert row["suppressed"] == "no"
            assert float(row["score"]) == pytest.approx(shown[department]["score"], abs=0.05)
            assert int(row["responded"]) == shown[department]["responded"]
        else:
            assert row["suppressed"] == "yes", key
            assert all(row[c] == "" for c in score_columns), (key, row)
    assert {k for k, r in by_code.items() if r["suppressed"] == "no"} == {code.get(k, TOTAL) for k in shown}

    satisfaction = list(csv.DictReader(io.StringIO(client.get("/insights/export/satisfaction.csv").content.decode())))
    month = [row for row in satisfaction if row["satisfaction"]]
    assert len(month) == 1 and float(month[0]["satisfaction"]) == pytest.approx(shown[TOTAL]["score"], abs=0.05)

    # The series behind correlation reports (and their points.csv) holds shown departments only.
    series = internal_satisfaction_series(
        period_from=s.round.period, period_to=s.round.period, metrics=["overall", "enps"]
    )
    assert {row["department_id"] for row in series} == {k for k in shown if k != TOTAL}
    for row in series:
        if row["metric"] == "overall":
            assert row["value"] == pytest.approx(shown[row["department_id"]]["score"], abs=0.05)
            assert row["respondents"] == shown[row["department_id"]]["responded"] >= THRESHOLD


# --- 7. Traces a submission request leaves behind ----------------------------------------------


def test_no_stored_trace_of_the_request_pairs_a_person_with_their_answers(org, bank):  # noqa: F811
    # given ani answering CS's pulse through the API, as a client retrying safely would
    survey = _survey(org, bank, departments=[org.cs], keys=QUESTION_KEYS[:3], title="Pulse CS")
    pulse_round = open_round(survey)
    client = APIClient()
    client.force_login(org.ani)
    path = f"/api/v1/pulse/rounds/{pulse_round.pk}/responses/"
    secret = _answers(pulse_round, ratings=(2, 5), enps=3)
    response = client.post(path, {"answers": secret}, format="json", headers={"Idempotency-Key": "ani-1"})
    assert response.status_code == 201

    # when an administrator with database access hashes every possible answer, as JSON
    # written by a browser (compact) or by Python's json module
    stored = {(record.scope, record.request_hash) for record in IdempotencyRecord.objects.filter(scope=str(org.ani.pk))}
    recovered = []
    for ratings in itertools.product(range(1, 6), repeat=2):
        for enps in range(0, 11):
            body = {"answers": _answers(pulse_round, ratings=ratings, enps=enps)}
            for encoded in (JSONRenderer().render(body), json.dumps(body).encode()):
                digest = hashlib.sha256(b"POST" + path.encode() + b"\0" + encoded).hexdigest()
                if (str(org.ani.pk), digest) in stored:
                    recovered.append((ratings, enps))

    # then nothing is recovered
    assert recovered == [], f"ani's answers recovered from the idempotency record: {recovered}"
