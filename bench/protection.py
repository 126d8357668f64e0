"""What protected results show, and what materialising a round costs along the history.

    DATABASE_URL=postgres://…/prima_bench python -m bench.protection [--time 6,12,24]

For the latest closed round of each survey: of the results that rules 1–3 alone would show,
how many are shown exactly, how many with protective noise, and how many are hidden because
the noise would make them meaningless; of those hidden, how many no share of the round's budget
could show (even all of it spent on the overall score alone, in one draw of the discrete Laplace
noise, would leave its 95% margin wider than ±25 points), and so the most the budget could show;
and the median 95% margin of the overall score by group size.

With `--rematerialise`, first materialises every round again, oldest first (after a change to
the rules), timing each. With `--time`, materialises the k-th round of the longest survey as if
the rounds after it had not closed yet (in a transaction that is rolled back), for each k given.
Times are wall-clock seconds and this process's CPU seconds (the database's own work is in the
first only): on a shared machine the second is the steadier.
"""

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict

from bench._common import RESULTS_DIR, require_postgresql, setup_django

SIZE_BANDS = ((5, 19), (20, 49), (50, 99), (100, 499), (500, None))


def too_small_for_the_budget(pulse_round, groups) -> int:
    """How many of `groups` ((department id, is total) of the round's results) have too few
    answers for protective noise within the round's budget: even the whole budget spent on the
    overall score alone would make its 95% margin wider than ±25 points."""
    from django.db.models import Count

    from pulse_surveys import noise
    from pulse_surveys.models import Answer, QuestionKind, RoundResult
    from pulse_surveys.results import TOTAL, node_of

    parents = {}
    for department_id, parent_id, is_total in RoundResult.objects.filter(round=pulse_round).values_list(
        "department_id", "parent_department_id", "is_total"
    ):
        parents[TOTAL if is_total else department_id] = None if is_total else node_of(parent_id)
    answers = Counter()
    likert = Answer.objects.filter(
        round=pulse_round, response__round=pulse_round, question__kind=QuestionKind.LIKERT, value__isnull=False
    )
    for department_id, n in likert.values_list("response__department_id").annotate(n=Count("id")).order_by():
        node = node_of(department_id)
        while node is not None:  # a department's answers count in every group above it
            answers[node] += n
            node = parents[node]
    per_person = pulse_round.questions.filter(kind=QuestionKind.LIKERT).count()
    budget = noise.round_epsilon()
    return sum(
        1
        for department_id, is_total in groups
        if noise.plan(budget, noise.Total(0, answers[TOTAL if is_total else department_id], per_person), None, {})
        is None
    )


def shares() -> list[dict]:
    from pulse_surveys.models import RoundResult, SuppressionReason, Survey
    from pulse_surveys.selectors import latest_closed_round

    found = []
    for survey in Survey.objects.order_by("pk"):
        pulse_round = latest_closed_round(survey=survey)
        if pulse_round is None:
            continue
        fields = ("suppressed", "reason", "protected", "responded", "score_margin")
        rows = list(RoundResult.objects.filter(round=pulse_round).values_list(*fields, "department_id", "is_total"))
        every = list(RoundResult.objects.filter(round__survey=survey, round__results_ready=True).values_list(*fields))
        every_allowed = [r for r in every if not r[0] or r[1] == SuppressionReason.TOO_NOISY]
        allowed = [r for r in rows if not r[0] or r[1] == SuppressionReason.TOO_NOISY]
        hidden = [(r[5], r[6]) for r in allowed if r[0]]
        unreachable = too_small_for_the_budget(pulse_round, hidden)
        margins = defaultdict(list)
        for suppressed, _reason, protected, responded, margin, *_group in allowed:
            if protected and not suppressed:
                band = next(b for b in SIZE_BANDS if responded >= b[0] and (b[1] is None or responded <= b[1]))
                margins[band].append(margin)
        found.append(
            {
                "survey": survey.title,
                "round": pulse_round.number,
                "allowed_by_rules_1_to_3": len(allowed),
                "exact": sum(1 for r in allowed if not r[0] and not r[2]),
                "protected": sum(1 for r in allowed if not r[0] and r[2]),
                "hidden_too_noisy": len(hidden),
                "hidden_too_small_for_the_budget": unreachable,
                "most_the_budget_could_show": len(allowed) - unreachable,
                "every_round": {
                    "allowed_by_rules_1_to_3": len(every_allowed),
                    "exact": sum(1 for r in every_allowed if not r[0] and not r[2]),
                    "protected": sum(1 for r in every_allowed if not r[0] and r[2]),
                    "hidden_too_noisy": sum(1 for r in every_allowed if r[0]),
                },
                "median_margin_by_respondents": {
                    f"{low}–{high or ''}": {"groups": len(values), "median": statistics.median(values)}
                    for (low, high), values in sorted(margins.items())
                },
            }
        )
    return found


class _RolledBack(Exception):
    pass


def time_history(positions: list[int], repeat: int = 1) -> dict:
    from django.db import transaction

    from pulse_surveys.models import Round, Survey
    from pulse_surveys.services import round_results_materialise

    survey = max(Survey.objects.all(), key=lambda s: s.rounds.filter(results_ready=True).count())
    rounds = list(Round.objects.filter(survey=survey, results_ready=True).order_by("closed_at", "pk"))
    timings = {}
    for k in positions:
        if k > len(rounds):
            continue
        for _ in range(repeat):  # the least of `repeat` runs: the one least disturbed by the machine
            try:
                with transaction.atomic():
                    Round.objects.filter(pk__in=[r.pk for r in rounds[k:]]).update(results_ready=False)
                    started, cpu = time.perf_counter(), time.process_time()
                    round_results_materialise(round_id=rounds[k - 1].pk, rewrite_storage=False)
                    wall, cpu = round(time.perf_counter() - started, 2), round(time.process_time() - cpu, 2)
                    timings[k] = {
                        "wall": min(wall, timings.get(k, {}).get("wall", wall)),
                        "cpu": min(cpu, timings.get(k, {}).get("cpu", cpu)),
                    }
                    raise _RolledBack
            except _RolledBack:
                pass
    return timings


def rematerialise_history() -> dict:
    """Materialises every round of every survey again, oldest first, each seeing only the
    rounds before it (as when they closed one by one); the seconds each took."""
    from pulse_surveys.models import Round, RoundStatus, Survey
    from pulse_surveys.services import round_results_materialise

    seconds, cpu_seconds = {}, 0.0
    for survey in Survey.objects.order_by("pk"):
        rounds = list(Round.objects.filter(survey=survey, status=RoundStatus.CLOSED).order_by("closed_at", "pk"))
        Round.objects.filter(pk__in=[r.pk for r in rounds]).update(results_ready=False)
        known: dict = {}  # as `rounds_results_materialise` keeps it, round by round to time each
        for position, pulse_round in enumerate(rounds, start=1):
            started, cpu = time.perf_counter(), time.process_time()
            round_results_materialise(round_id=pulse_round.pk, rewrite_storage=False, known=known)
            seconds[f"{survey.pk}:{position}"] = round(time.perf_counter() - started, 2)
            cpu_seconds += time.process_time() - cpu
    return {"per_round": seconds, "total": round(sum(seconds.values()), 1), "cpu_total": round(cpu_seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.protection", description=__doc__.split("\n")[0])
    parser.add_argument("--time", default="", help="round positions to time, e.g. 6,12,24")
    parser.add_argument("--repeat", type=int, default=1, help="time each round this many times, keep the least")
    parser.add_argument("--name", default="protection", help="results file name")
    parser.add_argument("--rematerialise", action="store_true", help="materialise every round again, oldest first")
    args = parser.parse_args(argv)
    setup_django()
    require_postgresql("bench.protection")
    report = {}
    if args.rematerialise:
        report["rematerialised_history_seconds"] = rematerialise_history()
    report["latest_rounds"] = shares()
    if args.time:
        report["materialise_seconds_at_round"] = time_history([int(k) for k in args.time.split(",")], args.repeat)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{args.name}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
