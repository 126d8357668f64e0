"""The plain-language reading of a result, in English and Bahasa Indonesia."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from correlation import interpretation


def _result(**overrides):
    values = {
        "family": "satisfaction_external",
        "variant": "pooled",
        "internal_metric": "overall",
        "external_metric": "skm:ikm",
        "lag": 1,
        "n": 48,
        "insufficient_data": False,
        "pearson_r": 0.42,
        "ci_low": 0.18,
        "ci_high": 0.61,
        "q_value": 0.004,
    }
    return SimpleNamespace(**{**values, **overrides})


def test_a_result_reads_as_the_example_in_english():
    with translation.override("en"):
        text = interpretation.describe(_result(), granularity="quarter")
    assert text == (
        "Moderate positive relationship (r = 0.42, 95% CI 0.18 to 0.61, n = 48): units whose staff were more "
        "satisfied received better external scores one quarter later. Correlation does not prove cause."
    )


def test_a_result_reads_in_bahasa_indonesia_with_decimal_commas():
    with translation.override("id"):
        text = interpretation.describe(_result(), granularity="quarter")
    assert text == (
        "Hubungan positif sedang (r = 0,42, selang kepercayaan 95% 0,18 sampai 0,61, n = 48): unit yang "
        "pegawainya lebih puas menerima skor eksternal yang lebih baik 1 triwulan kemudian. "
        "Korelasi tidak membuktikan sebab-akibat."
    )


@pytest.mark.parametrize(
    ("r", "words"),
    [
        (0.05, "No clear relationship"),
        (-0.099, "No clear relationship"),
        (0.10, "Weak positive relationship"),
        (-0.29, "Weak negative relationship"),
        (0.30, "Moderate positive relationship"),
        (-0.49, "Moderate negative relationship"),
        (0.50, "Strong positive relationship"),
        (-0.93, "Strong negative relationship"),
    ],
)
def test_strength_words_follow_the_stated_bands(r, words):
    with translation.override("en"):
        assert interpretation.describe(
            _result(pearson_r=r, ci_low=r - 0.01, ci_high=r + 0.01), granularity="month"
        ).startswith(words)


def test_an_interval_that_includes_zero_and_a_high_q_are_said_plainly():
    with translation.override("en"):
        text = interpretation.describe(
            _result(pearson_r=0.2, ci_low=-0.05, ci_high=0.43, q_value=0.3), granularity="month"
        )
    assert "The interval includes zero" in text
    assert "Counting the other tests of its family, this could be chance (adjusted p = 0.30)" in text


def test_each_direction_and_variant_says_what_came_first_without_claiming_a_cause():
    with translation.override("en"):
        external_first = interpretation.describe(_result(lag=-2), granularity="month")
        within = interpretation.describe(_result(lag=0, variant="within_unit"), granularity="year")
        lever = interpretation.describe(
            _result(family="levers", external_metric="lever:recognitions_per_head", lag=1), granularity="month"
        )
        worse = interpretation.describe(_result(pearson_r=-0.4, ci_low=-0.6, ci_high=-0.1, lag=0), granularity="month")
    assert "units that received better external scores had more satisfied staff 2 months later" in external_first
    assert (
        "more satisfied than usual for that unit, its external scores were better than usual in the same year" in within
    )
    assert "units with more recognitions per head had more satisfied staff one month later" in lever
    assert "received worse external scores in the same month" in worse
    for text in (external_first, within, lever, worse):
        assert text.endswith("Correlation does not prove cause.")
        assert "because" not in text and "leads to" not in text


def test_a_lower_is_better_score_turns_every_sentence_around():
    # given a complaints rate, which is better when it falls, that rises with satisfaction
    with translation.override("en"):
        pooled = interpretation.describe(_result(lag=0), granularity="month", higher_is_better=False)
        within = interpretation.describe(
            _result(lag=0, variant="within_unit"), granularity="month", higher_is_better=False
        )
        lead = interpretation.describe(
            _result(variant="cross_lagged", pearson_r=None, coefficient=0.3, units=30),
            granularity="month",
            higher_is_better=False,
        )
        drivers = interpretation.describe(
            _result(family="drivers_dimensions", internal_metric="driver:workload", lag=0),
            granularity="month",
            higher_is_better=False,
        )
    # then the sentences say the external scores got worse, as they did
    assert "units whose staff were more satisfied received worse external scores in the same month" in pooled
    assert "its external scores were worse than usual in the same month" in within
    assert "its external scores were worse one month later" in lead
    assert "units scoring higher on workload received worse SKM · IKM scores" in drivers


def test_an_analysis_that_could_not_be_run_says_why_in_words():
    with translation.override("en"):
        few_pairs = interpretation.describe(
            _result(n=7, insufficient_data=True, pearson_r=None, reason="few_pairs"), granularity="month"
        )
        few_units = interpretation.describe(
            _result(n=10, units=2, insufficient_data=True, pearson_r=None, reason="few_units"), granularity="month"
        )
        few_units_within = interpretation.describe(
            _result(n=10, units=2, insufficient_data=True, pearson_r=None, reason="few_units", variant="within_unit"),
            granularity="month",
        )
        constant = interpretation.describe(
            _result(insufficient_data=True, pearson_r=None, reason="constant"), granularity="month"
        )
    assert few_pairs == "Not computed: 7 pairs; at least 10 are needed."
    assert few_units == "Not computed: 2 units have data; at least 8 are needed."
    assert few_units_within == "Not computed: 2 units have at least 3 periods of data; at least 5 are needed."
    assert constant == "Not computed: one of the two series does not vary, so nothing can go with it."


def _confirmatory(variant, lag, **values):
    base = {
        "family": "satisfaction_external",
        "variant": variant,
        "role": "confirmatory",
        "internal_metric": "overall",
        "external_metric": "skm:ikm",
        "lag": lag,
        "n": 300,
        "units": 30,
        "insufficient_data": False,
        "reason": "",
        "pearson_r": None,
        "coefficient": None,
        "ci_low": -0.1,
        "ci_high": 0.1,
        "q_value": 0.5,
        "min_detectable_r": None,
        "effective_n": None,
        "design_effect": None,
    }
    return SimpleNamespace(**{**base, **values})


REPORT = SimpleNamespace(
    granularity="month", max_lag=1, external_source="skm", external_dimension="ikm", notes=[], disclosure={}
)


def test_the_summary_leads_with_the_strongest_supported_lead_and_names_the_other():
    results = [
        _confirmatory("multilevel_within", 0, coefficient=0.02),
        _confirmatory("multilevel_between", 0, coefficient=0.6, ci_low=0.3, ci_high=0.8, q_value=0.001),
        _confirmatory("cross_lagged", 1, coefficient=-0.4, ci_low=-0.5, ci_high=-0.3, q_value=0.0001),
        _confirmatory("cross_lagged", -1, coefficient=0.1, ci_low=0.02, ci_high=0.2, q_value=0.03),
    ]
    with translation.override("en"):
        summary = interpretation.summarise(REPORT, results)
    # the strongest evidence first, not the between-unit relationship the confounded pool shows
    assert summary[0].startswith(
        "Within the same units over time: When a unit's staff were more satisfied than usual, its external "
        "scores were worse one month later"
    )
    assert any(
        paragraph.startswith("The test of which came first also supports: When a unit's external scores were better")
        for paragraph in summary
    )


def test_with_nothing_supported_the_summary_says_there_is_no_reliable_evidence():
    results = [
        _confirmatory("multilevel_within", 0, coefficient=0.2, q_value=0.09),
        _confirmatory("multilevel_between", 0, coefficient=0.4, q_value=0.2),
        _confirmatory("cross_lagged", 1, coefficient=0.2, q_value=0.3),
        _confirmatory("cross_lagged", -1, coefficient=0.1, q_value=0.6),
    ]
    with translation.override("id"):
        summary = interpretation.summarise(REPORT, results)
    assert summary[0].startswith("Tidak ada bukti yang andal bahwa kepuasan internal dan SKM · IKM bergerak bersama")
    assert any(paragraph.startswith("Mana yang lebih dahulu: tidak ada uji") for paragraph in summary)
