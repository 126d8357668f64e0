"""Did an improvement action work? The effect of acting, against units that had not (yet)
acted, on plain arrays (no database).

Units act at different times (staggered adoption), so the two-way fixed-effects regression would
compare late actors with early ones already treated and can even flip the sign. Instead, after
Callaway & Sant'Anna (2021), with not-yet-treated units as the comparison and no covariates:

    ATT(g, t) = mean over units first treated in period g of (Y_t − Y_{g−1})
              − mean over units not treated by period t of (Y_t − Y_{g−1}),   t ≥ g,

each comparison using only units observed in both periods. The overall effect is the average of
the ATT(g, t) weighted by the number of treated units in each (the "simple" aggregation). Its
standard error comes from each unit's influence on that average, summed within the unit so that
a unit's periods count as one cluster, with the G / (G − 1) small-sample factor of clustered
errors; the interval uses Student's t with G − 1 degrees of freedom. (For one cohort and two
periods this is the clustered OLS difference in differences: see the tests.)

With no unit that has not acted, there is nothing to compare with; the interrupted time series
(`interrupted_series`) then compares the acting units' level before and after, and says plainly
that it cannot separate the action from anything else that changed at the same time.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

MIN_TREATED_UNITS = 2
MIN_CONTROL_UNITS = 2
MIN_PERIODS_BEFORE = 1


class NotEstimable(ValueError):
    """The data cannot tell; `code` and `params` say why."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class GroupTime:
    group: int  # the first period in which the units acted
    period: int
    att: float
    treated: int
    controls: int


@dataclass
class Effect:
    att: float
    se: float
    low: float
    high: float
    p_value: float
    units: int  # clusters: units in any comparison
    treated_units: int
    cells: list[GroupTime] = field(default_factory=list)


def _cell(panel: np.ndarray, first: np.ndarray, g: int, t: int):
    """The units and their changes Y_t − Y_{g−1} of one ATT(g, t) comparison."""
    change = panel[:, t] - panel[:, g - 1]
    observed = np.isfinite(change)
    treated = observed & (first == g)
    controls = observed & ((first > t) | (first < 0))
    return change, treated, controls


def staggered_did(panel: np.ndarray, first_treated: np.ndarray, *, level: float = 0.95) -> Effect:
    """The overall effect of acting. `panel` is units × periods (NaN: not measured);
    `first_treated[i]` is the first period (column) after unit i acted, or −1 if it never did."""
    panel = np.asarray(panel, dtype=float)
    first = np.asarray(first_treated, dtype=int)
    units, periods = panel.shape
    acting = first >= MIN_PERIODS_BEFORE
    treated_units = int(acting.sum())
    if treated_units < MIN_TREATED_UNITS:
        raise NotEstimable("too_few_treated", units=treated_units, minimum=MIN_TREATED_UNITS)
    earliest = int(first[acting].min())
    controls_ever = int(((first < 0) | (first > earliest)).sum())
    if controls_ever < MIN_CONTROL_UNITS:
        raise NotEstimable("too_few_controls", units=controls_ever, minimum=MIN_CONTROL_UNITS)
    influence = np.zeros(units)
    cells, weights, estimates, involved = [], [], [], np.zeros(units, dtype=bool)
    terms = []
    for g in sorted({int(value) for value in first[acting]}):
        for t in range(g, periods):
            change, treated, controls = _cell(panel, first, g, t)
            n_t, n_c = int(treated.sum()), int(controls.sum())
            if n_t < 1 or n_c < 1:
                continue
            m_t, m_c = change[treated].mean(), change[controls].mean()
            cells.append(GroupTime(g, t, float(m_t - m_c), n_t, n_c))
            weights.append(n_t)
            estimates.append(m_t - m_c)
            terms.append((change, treated, controls, m_t, m_c, n_t, n_c))
            involved |= treated | controls
    treated_units = int(np.isin(first, [cell.group for cell in cells]).sum())
    if treated_units < MIN_TREATED_UNITS:
        # acting units without results on both sides of their action, or no unit to compare with
        code = "too_few_controls" if not cells else "too_few_treated"
        raise NotEstimable(code, units=treated_units, minimum=MIN_TREATED_UNITS)
    weights = np.array(weights, dtype=float) / sum(weights)
    att = float(np.dot(weights, estimates))
    for weight, (change, treated, controls, m_t, m_c, n_t, n_c) in zip(weights, terms, strict=True):
        influence[treated] += weight * (change[treated] - m_t) / n_t
        influence[controls] -= weight * (change[controls] - m_c) / n_c
    clusters = int(involved.sum())
    variance = float((influence**2).sum()) * clusters / (clusters - 1)
    se = math.sqrt(variance)
    if se == 0:
        raise NotEstimable("no_variation")
    df = clusters - 1
    critical = stats.t.ppf(0.5 + level / 2, df)
    p_value = float(2 * stats.t.sf(abs(att) / se, df))
    return Effect(att, se, att - critical * se, att + critical * se, p_value, clusters, treated_units, cells)


@dataclass
class SeriesEffect:
    change: float  # mean after − mean before, in points
    se: float
    low: float
    high: float
    p_value: float
    before: int
    after: int


def interrupted_series(before: np.ndarray, after: np.ndarray, *, level: float = 0.95) -> SeriesEffect:
    """Level change of one series around an action (Welch's t test of the periods' values);
    used only where no unit is left to compare with."""
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    before, after = before[np.isfinite(before)], after[np.isfinite(after)]
    if len(before) < 2 or len(after) < 2:
        raise NotEstimable("too_few_periods", before=len(before), after=len(after), minimum=2)
    test = stats.ttest_ind(after, before, equal_var=False)
    change = float(after.mean() - before.mean())
    se = float(math.sqrt(before.var(ddof=1) / len(before) + after.var(ddof=1) / len(after)))
    if se == 0:
        raise NotEstimable("no_variation")
    interval = test.confidence_interval(level)
    return SeriesEffect(
        change, se, float(interval.low), float(interval.high), float(test.pvalue), len(before), len(after)
    )
