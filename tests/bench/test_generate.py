"""The generator builds a consistent organisation, the same one from the same seed, and never
writes over an existing one unasked."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from bench.generate import ROUNDS, generate
from employees.models import Department, User
from leave.models import LeaveBalance, LeaveDay, LeaveLedgerEntry, LeaveRequest
from pulse_surveys.models import Answer, Invitation, Participation, Response, Round, RoundResult
from rewards.models import Bonus, BonusBudget
from service_quality.models import ExternalScore
from tests.bench.conftest import TINY, quiet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _fingerprint() -> dict:
    """What the organisation is, independent of database ids."""
    return {
        "paths": sorted(Department.objects.values_list("code", "path", "is_service_unit")),
        "people": sorted(User.objects.values_list("username", "role", "department__code", "hire_date")),
        "answers": sorted(
            Answer.objects.values("response__round__number", "question__key")
            .annotate(total=Sum("value"), n=Count("id"))
            .values_list("response__round__number", "question__key", "total", "n")
        ),
        "scores": sorted(ExternalScore.objects.values_list("department__code", "period", "dimension", "value")),
        "leave": sorted(LeaveRequest.objects.values_list("employee__username", "start_date", "working_days")),
        "bonuses": sorted(Bonus.objects.values_list("employee__username", "period", "amount")),
    }


def test_the_generated_organisation_is_consistent(tiny_org):
    # given a generated organisation
    sizes = tiny_org["sizes"]
    departments = list(Department.objects.select_related("parent"))
    # then the tree's materialised paths follow the parents, and service units are leaves
    for department in departments:
        parent_path = department.parent.path if department.parent else "/"
        assert department.path == f"{parent_path}{department.pk}/"
    assert sizes["service_units"] == sum(d.is_service_unit for d in departments) > 0
    assert not Department.objects.filter(is_service_unit=True, children__isnull=False).exists()
    # and every person but the top has a manager in their own or the parent department
    for person in User.objects.select_related("manager", "department"):
        if person.manager is not None:
            assert person.manager.department_id in (person.department_id, person.department.parent_id)

    # every round is closed with results, and its participations and responses agree
    rounds = list(Round.objects.all())
    assert len(rounds) == ROUNDS and all(r.status == "closed" and r.results_ready for r in rounds)
    for pulse_round in rounds:
        who = Counter(Participation.objects.filter(round=pulse_round).values_list("employee__department_id", flat=True))
        what = Counter(Response.objects.filter(round=pulse_round).values_list("department_id", flat=True))
        assert who == what and sum(who.values()) > 0
        invited = Invitation.objects.filter(round=pulse_round).count()
        assert RoundResult.objects.get(round=pulse_round, is_total=True).invited == invited
    # every response answers the ten rated questions, and some leave a comment
    per_response = Counter(
        Answer.objects.filter(value__isnull=False)
        .values("response_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    assert set(per_response) == {10}
    assert Answer.objects.filter(value__isnull=True).exclude(text="").exists()
    assert Answer.objects.count() == sizes["answers"] and Response.objects.count() == sizes["responses"]

    # SKM: the IKM and nine elements for every service unit and month
    assert ExternalScore.objects.count() == sizes["service_units"] * ROUNDS * 10

    # leave: each balance is its ledger's sum, and its used days are the approved days taken
    for balance in LeaveBalance.objects.all():
        ledger = LeaveLedgerEntry.objects.filter(balance=balance).aggregate(total=Sum("days"))["total"]
        assert ledger == balance.entitled - balance.used
        days = LeaveDay.objects.filter(
            request__employee_id=balance.employee_id,
            request__leave_type_id=balance.leave_type_id,
            date__year=balance.year,
        ).aggregate(total=Sum("days"))["total"] or Decimal(0)
        assert days == balance.used
    # rewards: paid bonuses stay within each department's budget
    for budget in BonusBudget.objects.all():
        spent = Bonus.objects.filter(department=budget.department, period__year=budget.year).aggregate(
            total=Sum("amount")
        )["total"] or Decimal(0)
        assert spent <= budget.amount
    # the stages were timed
    assert {"pulse: COPY rounds", "pulse: materialise results (service)"} <= set(tiny_org["stages"])
    assert tiny_org["close_job_seconds"] is not None


def test_the_same_seed_builds_the_same_organisation(tiny_org):
    # given the fingerprint of an organisation built from seed 5
    first = _fingerprint()
    # when it is built again from the same seed, and then from another
    generate(scale=TINY, seed=5, reset=True, close_job=False, out=quiet)
    again = _fingerprint()
    generate(scale=TINY, seed=6, reset=True, close_job=False, out=quiet)
    other = _fingerprint()
    # then the same seed gives the same organisation, another seed another one
    assert again == first
    assert other["answers"] != first["answers"]


def test_the_generator_refuses_to_write_over_an_organisation_unless_reset(tiny_org):
    # when it runs again without --reset
    with pytest.raises(SystemExit, match="--reset"):
        generate(scale=TINY, seed=5, out=quiet)
    # then nothing was added
    assert Round.objects.count() == ROUNDS
