"""An administrator with database access watches a round while it is open and after it closes,
and tries to pair each person's participation with what they answered.

Fifty people answer one round at once, each with a comment that names them (the truth the
attacker is scored against). While the round is open the attacker records everything the
database shows: transaction ids (`xmin`), physical places (`ctid`), keys, defaults, dates, the
sealed ballots' bytes and sizes. After the close the attacker lines the people up by each
ordering recorded, lines the responses (or their comments) up by each ordering visible then,
and pairs them position by position.

The statistic is the number of people paired with their own comment. If nothing links the two
sides, the pairing is a uniformly random permutation of 50, whose number of fixed points follows
Poisson(1) (mean 1; the exact law differs by less than 1e-40 at n = 50), checked here by
simulation. Sixteen pairings are tried; each may pair at most 7 of 50 correctly: P(X ≥ 8) =
1.0e-5 under chance, so the whole test raises a false alarm with probability below 2e-4. Storing
answers next to their participation in submission order (as before sealed ballots) pairs all 50.
"""

import datetime as dt
import threading

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from scipy import stats

from pulse_surveys import ballots, services
from pulse_surveys.models import Answer, Ballot, Participation, Response
from tests.factories import UserFactory
from tests.pulse_surveys.conftest import answers_for, close

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 50
PAIRINGS_TRIED = 16
FAMILY_FALSE_ALARM = 1e-3


def _most_pairs_by_chance() -> int:
    """The largest number of right pairs a random pairing reaches with probability above
    FAMILY_FALSE_ALARM / PAIRINGS_TRIED (Bonferroni)."""
    chance = stats.poisson(1)
    k = 0
    while chance.sf(k) > FAMILY_FALSE_ALARM / PAIRINGS_TRIED:  # sf(k) = P(X > k)
        k += 1
    return k


def test_the_chance_bound_is_poisson_one_as_a_simulation_of_random_pairings_confirms():
    # Fixed points of 20,000 random permutations of 50 against Poisson(1).
    rng = np.random.default_rng(20261205)
    permutations = rng.permuted(np.tile(np.arange(PEOPLE), (20_000, 1)), axis=1)
    right = (permutations == np.arange(PEOPLE)).sum(axis=1)
    assert abs(right.mean() - 1) < 0.03
    for k in (1, 2, 3, 4):
        assert abs((right >= k).mean() - stats.poisson(1).sf(k - 1)) < 0.01
    assert _most_pairs_by_chance() == 7


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _submit_all_at_once(pulse_round, people) -> list[int]:
    barrier, statuses = threading.Barrier(len(people)), []
    url = f"/api/v1/pulse/rounds/{pulse_round.pk}/responses/"

    def submit(index: int, person) -> None:
        client = APIClient()
        client.force_authenticate(person)
        payload = {"answers": answers_for(pulse_round, likert=1 + index % 5, enps=index % 11, comment=_name(index))}
        try:
            barrier.wait()
            statuses.append(client.post(url, payload, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(index, person)) for index, person in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _name(index: int) -> str:
    return f"I am person {index:02d} and this is what I think."


def test_nothing_the_database_shows_during_an_open_round_pairs_a_person_with_their_answers(org, survey):
    # given fifty people of CS invited to one open round
    people = [UserFactory(department=org.cs, manager=org.budi) for _ in range(PEOPLE)]
    now = timezone.now()
    pulse_round = services.round_create(
        survey=survey, opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(days=5)
    )
    comment_of = {person.pk: _name(index) for index, person in enumerate(people)}
    # when all fifty answer at the same moment
    statuses = _submit_all_at_once(pulse_round, people)
    assert statuses == [201] * PEOPLE

    # then, while the round is open, no readable answer exists in the database at all
    assert not Response.objects.filter(round=pulse_round).exists()
    assert not Answer.objects.filter(round=pulse_round).exists()
    # the attacker records participations and sealed ballots with their transaction ids and places
    participations = _rows(
        "SELECT employee_id, xmin::text::bigint, ctid::text FROM pulse_surveys_participation WHERE round_id = %s",
        [pulse_round.pk],
    )
    sealed = _rows(
        "SELECT id, xmin::text::bigint, ctid::text, sealed FROM pulse_surveys_ballot WHERE round_id = %s",
        [pulse_round.pk],
    )
    assert len(participations) == len(sealed) == PEOPLE
    # each ballot was written with its participation (same xmin: that is how nothing is lost)...
    person_of_xmin = {xmin: employee for employee, xmin, _place in participations}
    assert {xmin for _id, xmin, _place, _bytes in sealed} == set(person_of_xmin)
    # ...but it is sealed: one size for every ballot of the round, no answer in clear, fresh nonces
    size = 12 + ballots.ballot_size(pulse_round.questions.all()) + 16
    assert {len(bytes(blob)) for *_rest, blob in sealed} == {size}
    for *_rest, blob in sealed:
        blob = bytes(blob)
        assert not any(comment.encode() in blob for comment in comment_of.values())
    assert len({bytes(blob)[:12] for *_rest, blob in sealed}) == PEOPLE
    # and nothing else carries an order or a time: no sequence behind any key, the day only
    defaults = _rows(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN "
        "('pulse_surveys_participation', 'pulse_surveys_ballot', 'pulse_surveys_response', 'pulse_surveys_answer') "
        "AND column_default LIKE 'nextval%%'",
        [],
    )
    assert defaults == []
    assert set(Participation.objects.filter(round=pulse_round).values_list("answered_on", flat=True)) == {
        timezone.localdate()
    }

    # when the round closes
    close(pulse_round)
    responses = _rows(
        "SELECT r.id::text, r.ctid::text, a.text, a.ctid::text, a.id::text FROM pulse_surveys_response r "
        "JOIN pulse_surveys_answer a ON a.response_id = r.id AND a.text <> '' WHERE r.round_id = %s",
        [pulse_round.pk],
    )
    assert sorted(text for _r, _rc, text, _ac, _a in responses) == sorted(comment_of.values())
    assert not Ballot.objects.filter(round=pulse_round).exists()

    def place(ctid: str) -> tuple[int, int]:
        block, offset = ctid.strip("()").split(",")
        return int(block), int(offset)

    # then every ordering the attacker recorded pairs no better than chance
    by_xmin = [employee for employee, _xmin, _place in sorted(participations, key=lambda row: row[1])]
    by_place = [employee for employee, _xmin, place_ in sorted(participations, key=lambda row: place(row[2]))]
    ballots_by_place = [person_of_xmin[xmin] for _id, xmin, p, _b in sorted(sealed, key=lambda row: place(row[2]))]
    ballots_by_id = [person_of_xmin[xmin] for _id, xmin, _p, _b in sorted(sealed, key=lambda row: str(row[0]))]
    responses_by_place = [text for _r, rc, text, _ac, _a in sorted(responses, key=lambda row: place(row[1]))]
    comments_by_place = [text for _r, _rc, text, ac, _a in sorted(responses, key=lambda row: place(row[3]))]
    responses_by_id = [text for r, _rc, text, _ac, _a in sorted(responses, key=lambda row: row[0])]
    comments_by_id = [text for _r, _rc, text, _ac, a in sorted(responses, key=lambda row: row[4])]
    pairings = {
        "participation xmin → response place": (by_xmin, responses_by_place),
        "participation place → response place": (by_place, responses_by_place),
        "ballot place → response place": (ballots_by_place, responses_by_place),
        "participation xmin → comment place": (by_xmin, comments_by_place),
        "participation place → comment place": (by_place, comments_by_place),
        "ballot place → comment place": (ballots_by_place, comments_by_place),
        "ballot id → response id": (ballots_by_id, responses_by_id),
        "participation xmin → comment id": (by_xmin, comments_by_id),
    }
    bound = _most_pairs_by_chance()
    right = {}
    for name, (persons, texts) in pairings.items():
        for direction, ordered in (("", texts), (" reversed", texts[::-1])):
            right[name + direction] = sum(comment_of[p] == t for p, t in zip(persons, ordered, strict=True))
    assert len(right) == PAIRINGS_TRIED
    assert max(right.values()) <= bound, right
