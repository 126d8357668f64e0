"""The correlation report's conclusions, calibrated at full length.

    python -m bench.calibration [--reports 2000]

The same scenarios as `tests/correlation/test_calibration.py` (30 units × 12 months, a fixed
seed), each over `--reports` reports through `correlation.analysis.run` and the summary: the
share of reports in which each test has p < 0.05, how often the summary's first sentence claims
a relationship and how often it claims that one series came first. Needs no database. The
figures are in docs/CORRELATION.md.
"""

import argparse
import math
import time

from bench._common import setup_django

SCENARIOS = (
    ("no relation, no unit effects", 10, {"icc": 0.0}),
    ("no relation, strong unit effects (ICC 0.7)", 11, {"icc": 0.7}),
    ("no relation, persistent series (AR(1) φ = 0.8)", 12, {"icc": 0.7, "phi": 0.8}),
    ("a same-period link only, persistent series (φ = 0.7)", 13, {"icc": 0.7, "phi": 0.7, "same_period": 0.5}),
    (
        "a negative within-unit effect one month later, opposite confounder",
        14,
        {"icc": 0.7, "between": 0.9, "lagged": -0.5},
    ),
)
COLUMNS = (
    ("multilevel_within", 0),
    ("multilevel_between", 0),
    ("within_unit", 0),
    ("between_unit", 0),
    ("cross_lagged", 1),
    ("cross_lagged", -1),
    ("within_unit", 1),
    ("pooled", 0),
)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    arguments = parser.parse_args(argv)
    setup_django()
    from tests.correlation.panels import simulate

    error = math.sqrt(0.05 * 0.95 / arguments.reports)
    print(f"{arguments.reports} reports per scenario; binomial standard error at 5%: {100 * error:.2f} points\n")
    header = ["scenario", *(f"{variant} {lag:+d}" for variant, lag in COLUMNS), "claims", "leads", "naive pooled"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, seed, scenario in SCENARIOS:
        started = time.perf_counter()
        outcome = simulate(seed, arguments.reports, **scenario)
        naive = sum(p < 0.05 for p in outcome["naive_p"]) / arguments.reports
        cells = [f"{100 * outcome['rates'].get(column, float('nan')):.1f}%" for column in COLUMNS]
        cells += [f"{100 * outcome['claims']:.1f}%", f"{100 * outcome['leads']:.1f}%", f"{100 * naive:.1f}%"]
        print(f"| {name} | " + " | ".join(cells) + f" |  <!-- {time.perf_counter() - started:.0f} s -->")


if __name__ == "__main__":
    main()
