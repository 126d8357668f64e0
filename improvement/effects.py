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

The event study (`event_study`) shows the same comparisons by time relative to acting,
e = t − g for −k..+k: ATT(g, g + e) averaged over the groups, weighted by their acting units,
against the same base month g − 1 (so e = −1 is 0 by construction). Before acting (e ≤ −2) the
comparison units are those not acting by g; effects there mean the units were already drifting
apart, and a joint Wald test of them (F on G − 1 denominator degrees of freedom, the covariance
from the same clustered influence functions) says whether the parallel-trends assumption is in
doubt.

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
    """The units and their changes Y_t − Y_{g−1} of one ATT(g, t) comparison; before acting
    (t < g) the comparison units are those not acting by g (never the group itself)."""
    change = panel[:, t] - panel[:, g - 1]
    observed = np.isfinite(change)
    treated = observed & (first == g)
    controls = observed & ((first > max(t, g)) | (first < 0))
    return change, treated, controls


def _influence(units: int, terms: list) -> tuple[np.ndarray, float]:
    """The weighted average of cells (`terms`: (change, treated, controls, weight)) and each
    unit's influence on it."""
    total = sum(int(treated.sum()) for _change, treated, _controls in terms)
    influence, estimate = np.zeros(units), 0.0
    for change, treated, controls in terms:
        n_t, n_c = int(treated.sum()), int(controls.sum())
        weight = n_t / total
        m_t, m_c = change[treated].mean(), change[controls].mean()
        estimate += weight * (m_t - m_c)
        influence[treated] += weight * (change[treated] - m_t) / n_t
        influence[controls] -= weight * (change[controls] - m_c) / n_c
    return influence, float(estimate)


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
    cells, terms = [], []
    for g in sorted({int(value) for value in first[acting]}):
        for t in range(g, periods):
            change, treated, controls = _cell(panel, first, g, t)
            n_t, n_c = int(treated.sum()), int(controls.sum())
            if n_t < 1 or n_c < 1:
                continue
            cells.append(GroupTime(g, t, float(change[treated].mean() - change[controls].mean()), n_t, n_c))
            terms.append((change, treated, controls))
    treated_units = int(np.isin(first, [cell.group for cell in cells]).sum())
    if treated_units < MIN_TREATED_UNITS:
        # acting units without results on both sides of their action, or no unit to compare with
        code = "too_few_controls" if not cells else "too_few_treated"
        raise NotEstimable(code, units=treated_units, minimum=MIN_TREATED_UNITS)
    influence, att = _influence(units, terms)
    clusters = _clusters(terms)
    se, low, high, p_value = _interval(att, influence, clusters, level)
    return Effect(att, se, low, high, p_value, clusters, treated_units, cells)


def _clusters(terms: list) -> int:
    """Units in any of the comparisons."""
    involved = np.zeros(len(terms[0][0]), dtype=bool)
    for _change, treated, controls in terms:
        involved |= treated | controls
    return int(involved.sum())


def _interval(estimate: float, influence: np.ndarray, clusters: int, level: float):
    """Clustered standard error (G / (G − 1)), Student's t interval and p value on G − 1 df."""
    if clusters < 2:
        raise NotEstimable("no_variation")
    se = math.sqrt(float((influence**2).sum()) * clusters / (clusters - 1))
    if se == 0:
        raise NotEstimable("no_variation")
    df = clusters - 1
    critical = stats.t.ppf(0.5 + level / 2, df)
    p_value = float(2 * stats.t.sf(abs(estimate) / se, df))
    return se, estimate - critical * se, estimate + critical * se, p_value


EVENT_WINDOW = 3  # months before and after acting that the event study shows


@dataclass
class EventTime:
    relative: int  # months since acting: 0 the first month acted, −1 the base month
    att: float
    se: float
    low: float
    high: float
    p_value: float
    units: int  # clusters in its comparisons
    reference: bool = False  # −1: zero by construction, no interval


@dataclass
class EventStudy:
    times: list[EventTime]
    pre_f: float | None = None  # joint Wald test that every pre-period effect is zero
    pre_df: tuple[int, int] | None = None
    pre_p_value: float | None = None

    @property
    def diverging(self) -> bool:
        """The units were already drifting apart before acting (joint test, 5%)."""
        return self.pre_p_value is not None and self.pre_p_value < 0.05


def event_study(
    panel: np.ndarray, first_treated: np.ndarray, *, window: int = EVENT_WINDOW, level: float = 0.95
) -> EventStudy:
    """Effects by time relative to acting, −window..+window, each the average of ATT(g, g + e)
    over groups weighted by their acting units, with clustered intervals; and the joint test of
    the pre-period effects (e ≤ −2). Times with no comparison are left out."""
    panel = np.asarray(panel, dtype=float)
    first = np.asarray(first_treated, dtype=int)
    units, periods = panel.shape
    groups = sorted({int(value) for value in first[first >= MIN_PERIODS_BEFORE]})
    times, pre = [], []
    for e in range(-window, window + 1):
        if e == -1:
            times.append(EventTime(-1, 0.0, 0.0, 0.0, 0.0, 1.0, 0, reference=True))
            continue
        terms = []
        for g in groups:
            t = g + e
            if not 0 <= t < periods:
                continue
            change, treated, controls = _cell(panel, first, g, t)
            if treated.any() and controls.any():
                terms.append((change, treated, controls))
        if not terms:
            continue
        influence, att = _influence(units, terms)
        clusters = _clusters(terms)
        try:
            se, low, high, p_value = _interval(att, influence, clusters, level)
        except NotEstimable:
            continue
        times.append(EventTime(e, att, se, low, high, p_value, clusters))
        if e <= -2:
            pre.append((att, influence, terms))
    study = EventStudy(times)
    if pre:
        estimates = np.array([att for att, _influence_, _terms in pre])
        matrix = np.column_stack([influence for _att, influence, _terms in pre])
        clusters = _clusters([term for _att, _influence_, terms in pre for term in terms])
        covariance = matrix.T @ matrix * clusters / (clusters - 1)
        q = len(pre)
        wald = float(estimates @ np.linalg.pinv(covariance) @ estimates)
        study.pre_f, study.pre_df = wald / q, (q, clusters - 1)
        study.pre_p_value = float(stats.f.sf(wald / q, q, clusters - 1))
    return study


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
