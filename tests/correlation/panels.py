"""Synthetic panels for the calibration tests: units × periods matrices with unit effects,
persistence and planted effects, turned into a report's stored series."""

import numpy as np

from correlation.series import INTERNAL_OVERALL

HEADLINE = "external:skm:ikm"


def persistent_noise(rng, units: int, periods: int, phi: float) -> np.ndarray:
    """Unit-variance AR(1) noise, stationary from the first period."""
    shocks = rng.normal(size=(units, periods))
    out = np.empty_like(shocks)
    out[:, 0] = shocks[:, 0]
    scale = np.sqrt(1 - phi**2)
    for t in range(1, periods):
        out[:, t] = phi * out[:, t - 1] + scale * shocks[:, t]
    return out


def panel(
    rng,
    *,
    units: int = 30,
    periods: int = 12,
    icc: float = 0.7,
    phi: float = 0.0,
    same_period: float = 0.0,
    lagged: float = 0.0,
    between: float = 0.0,
):
    """(internal, external) matrices. Each series' unit effects hold `icc` of its variance;
    `between` correlates the two series' unit effects (a between-unit confounder); the external
    series moves with the internal one's within-unit part in the same period (`same_period`)
    and one period later (`lagged`)."""
    spread = np.sqrt(icc / (1 - icc))
    internal_level = rng.normal(size=(units, 1))
    external_level = between * internal_level + np.sqrt(1 - between**2) * rng.normal(size=(units, 1))
    internal_change = persistent_noise(rng, units, periods, phi)
    external = spread * external_level + persistent_noise(rng, units, periods, phi) + same_period * internal_change
    external[:, 1:] += lagged * internal_change[:, :-1]
    internal = spread * internal_level + internal_change
    return 70 + 5 * internal, 80 + 4 * external


def series(internal: np.ndarray, external: np.ndarray) -> dict:
    """The stored form of two matrices (NaN cells left out, as hidden results are)."""
    periods = [f"2024-{month:02d}" if month <= 12 else f"2025-{month - 12:02d}" for month in range(1, 25)]
    periods = periods[: internal.shape[1]]

    def rows(matrix):
        return [
            [unit + 1, periods[t], float(matrix[unit, t])]
            for unit in range(matrix.shape[0])
            for t in range(matrix.shape[1])
            if np.isfinite(matrix[unit, t])
        ]

    return {"periods": periods, "metrics": {INTERNAL_OVERALL: rows(internal), HEADLINE: rows(external)}}
