"""What driver impact and agreement within units cost.

    python -m bench.drivers                      # the statistics alone, on synthetic respondents
    DATABASE_URL=postgres://…/prima_bench python -m bench.drivers --round   # plus the latest round

The statistics: Shapley decomposition of R² over every subset of nine drivers with 1,000 bootstrap
resamples of the respondents, for 1,000, 10,000 and 32,500 respondents (50,000 people answering at
65%), and the one-way ANOVA and r_wg(J) of 32,500 respondents in 1,000 units. With `--round`: the
close job's second step, `round_driver_analyses_materialise`, on the latest closed round of a
generated organisation (in a transaction that is rolled back). Medians of three runs.
"""

import argparse
import statistics
import time

import numpy as np

RUNS = 3


def _median_seconds(call) -> float:
    times = []
    for _run in range(RUNS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def statistics_only(out=print) -> dict:
    from pulse_surveys import drivers

    rng = np.random.default_rng(1)
    found = {}
    for n in (1_000, 10_000, 32_500):
        x = rng.integers(1, 6, size=(n, 9)).astype(float) + rng.normal(0, 0.5, size=(n, 1))
        y = x @ np.linspace(1, 0.1, 9) + rng.normal(0, 3, size=n)
        found[f"impact_{n}"] = _median_seconds(lambda x=x, y=y: drivers.driver_impact(x, y))
        out(f"driver impact, {n:,} respondents × 9 drivers, 1,000 resamples: {found[f'impact_{n}']:.2f} s")
    units = rng.integers(0, 1_000, size=32_500)
    items = rng.integers(1, 6, size=(32_500, 9)).astype(float)
    overall = items.mean(axis=1)

    def agreement():
        drivers.one_way_anova(overall, units)
        for unit in range(1_000):
            members = items[units == unit]
            if len(members) >= 5:
                drivers.rwg_j(members)

    found["agreement"] = _median_seconds(agreement)
    out(f"ICC(1), ICC(2) and r_wg(J), 32,500 respondents in 1,000 units: {found['agreement']:.2f} s")
    return found


def latest_round(out=print) -> float | None:
    from django.db import transaction

    from pulse_surveys.impact import round_driver_analyses_materialise
    from pulse_surveys.selectors import latest_closed_round

    pulse_round = latest_closed_round()
    if pulse_round is None:
        out("no closed round")
        return None
    times = []
    for _run in range(RUNS):
        with transaction.atomic():
            start = time.perf_counter()
            analysed = round_driver_analyses_materialise(round_id=pulse_round.pk)
            times.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    seconds = statistics.median(times)
    out(
        f"round {pulse_round.pk} ({pulse_round.results.count()} results): {analysed} groups analysed in {seconds:.2f} s"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round", action="store_true", help="also time the latest closed round (needs a database)")
    args = parser.parse_args()
    statistics_only()
    if args.round:
        from bench._common import setup_django

        setup_django()
        latest_round()


if __name__ == "__main__":
    main()
