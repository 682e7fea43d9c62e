"""The one intervals module, checked against statsmodels and scipy, at more than one level."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from cjm_research.core.errors import ParameterError
from cjm_research.evidence import intervals, metrics

LEVELS = [0.8, 0.9, 0.95, 0.99]


@pytest.mark.parametrize("confidence", LEVELS)
@pytest.mark.parametrize("k,n", [(0, 7), (3, 10), (57, 120), (400, 400)])
def test_wilson_equals_statsmodels(k, n, confidence):
    expected = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    assert intervals.wilson(k, n, confidence=confidence) == pytest.approx(expected, abs=1e-12)


def test_wilson_is_vectorised_and_has_no_interval_without_answers():
    low, high = intervals.wilson(np.array([1, 5, 0]), np.array([10, 10, 0]), confidence=0.9)
    ref = proportion_confint(np.array([1, 5]), np.array([10, 10]), alpha=0.1, method="wilson")
    assert low[:2] == pytest.approx(ref[0]) and high[:2] == pytest.approx(ref[1])
    assert np.isnan(low[2]) and np.isnan(high[2])
    assert all(np.isnan(intervals.wilson(0, 0)))


@pytest.mark.parametrize("confidence", LEVELS)
@pytest.mark.parametrize("counts", [(5, 10, 8, 10), (30, 200, 45, 180), (0, 15, 3, 12)])
def test_newcombe_equals_statsmodels(counts, confidence):
    k_a, n_a, k_b, n_b = counts
    expected = confint_proportions_2indep(k_b, n_b, k_a, n_a, method="newcomb", compare="diff",
                                          alpha=1 - confidence)
    assert intervals.newcombe(k_a, n_a, k_b, n_b, confidence=confidence) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("confidence", LEVELS)
def test_t_interval_equals_scipy(confidence):
    x = np.random.default_rng(1).normal(3.2, 1.1, 37)
    mean, low, high, n = intervals.t_interval(np.r_[x, np.nan], confidence=confidence)
    ref = stats.t.interval(confidence, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert n == 37 and mean == pytest.approx(x.mean())
    assert (low, high) == pytest.approx(ref, rel=1e-12)


def test_t_interval_needs_two_answers():
    assert intervals.t_interval([4.0]) [1:3] != intervals.t_interval([4.0])[1:3]  # nan != nan
    assert np.isnan(intervals.t_half_width(1.0, 1))
    assert intervals.t_interval([]) [3] == 0


def test_nps_adjusted_wald_by_hand_and_level_travels():
    # 3 promoters, 1 detractor, 1 passive: p = 3.75/8, d = 1.75/8
    p, d, n_adj = 3.75 / 8, 1.75 / 8, 8
    se = np.sqrt((p + d - (p - d) ** 2) / n_adj)
    for confidence in LEVELS:
        z = stats.norm.ppf(0.5 + confidence / 2)
        expected = (max(p - d - z * se, -1), min(p - d + z * se, 1))
        assert intervals.nps_adjusted_wald(3, 1, 5, confidence=confidence) == pytest.approx(expected)
    wide = np.diff(intervals.nps_adjusted_wald(3, 1, 5, confidence=0.95))
    narrow = np.diff(intervals.nps_adjusted_wald(3, 1, 5, confidence=0.9))
    assert narrow < wide


@pytest.mark.parametrize("variance,n1,n2", [(0.25, 400, 400), (1.7, 120, 300)])
def test_detectable_difference_equals_statsmodels_power(variance, n1, n2):
    sd = np.sqrt(variance)
    d = NormalIndPower().solve_power(nobs1=n1, ratio=n2 / n1, alpha=0.05, power=0.8,
                                     alternative="two-sided")
    # statsmodels' two-sided power also counts the (negligible) far tail; agree to 1e-3 sd.
    assert intervals.detectable_difference(variance, n1, n2) == pytest.approx(d * sd, rel=1e-3)


def test_percentile_interval_equals_numpy():
    reps = np.random.default_rng(2).normal(size=(500, 3))
    low, high = intervals.percentile_interval(reps, confidence=0.9)
    assert low == pytest.approx(np.percentile(reps, 5, axis=0))
    assert high == pytest.approx(np.percentile(reps, 95, axis=0))


@pytest.mark.parametrize("bad", [0, 1, 95, -0.1, "high", None])
def test_a_bad_level_names_the_value(bad):
    with pytest.raises(ParameterError, match="`confidence` must be between 0 and 1"):
        intervals.wilson(3, 10, confidence=bad)


def test_confidence_travels_through_the_metrics():
    data = pd.DataFrame({"csat": [5, 4, 2, 5, 3, 4, 4, 1, 5, 5], "nps": [10, 9, 3, 8, 10, 6, 9, 7, 10, 2],
                         "ces": [2, 3, 5, 1, 2, 6, 2, 3, 4, 2]})
    for fn, col in [(metrics.csat, "csat"), (metrics.nps, "nps"), (metrics.ces, "ces")]:
        at95, at90 = fn(data, col).iloc[0], fn(data, col, confidence=0.9).iloc[0]
        assert at95["estimate"] == at90["estimate"]
        assert at90["ci_high"] - at90["ci_low"] < at95["ci_high"] - at95["ci_low"]
        assert "90% " in at90["definition"] and "95%" not in at90["definition"]
