"""Survey weights: the weight column's checks, Kish figures, raking, and weighted metrics.

Weighted metrics are pinned by hand calculations in plain numpy on small data, and by the rule
that equal weights give exactly the unweighted numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cjm_research.core.errors import ConfigError, DataError
from cjm_research.evidence import weights as wt

Z95 = 1.959963984540054


# ---------------------------------------------------------------- the weight column

@pytest.mark.parametrize("values, expected", [
    ([1, -0.5, 2], "negative"),
    ([1, None, 2], "missing"),
    ([0, 0, 0], "all 3 weights are zero"),
    (["1", "heavy", 2], "non-numeric ('heavy')"),
    ([1, np.inf, 2], "infinite"),
])
def test_bad_weights_are_one_data_error_naming_column_and_rows(values, expected):
    frame = pd.DataFrame({"w": values}, index=[10, 11, 12])
    with pytest.raises(DataError) as err:
        wt.check_weights(frame, "w")
    message = str(err.value)
    assert "'w'" in message and expected in message
    if expected != "all 3 weights are zero":
        assert "rows [11]" in message


def test_unknown_weight_column_names_it_and_the_columns():
    with pytest.raises(DataError, match=r"weights column 'wt' not found.*'w'"):
        wt.check_weights(pd.DataFrame({"w": [1.0]}), "wt")


def test_several_problems_in_one_message():
    frame = pd.DataFrame({"w": [1, -1, None, "x"]})
    with pytest.raises(DataError) as err:
        wt.check_weights(frame, "w")
    message = str(err.value)
    assert "non-numeric ('x') in rows [3]" in message
    assert "missing in rows [2]" in message and "negative (-1.0) in rows [1]" in message


def test_zero_weights_are_allowed_when_some_are_positive():
    assert wt.check_weights(pd.DataFrame({"w": [0, 2.5]}), "w").tolist() == [0.0, 2.5]


# ---------------------------------------------------------------- Kish figures

def test_kish_effective_n_design_effect_and_efficiency_by_hand():
    w = np.array([0.5, 1.0, 1.0, 2.5])
    n_eff = w.sum() ** 2 / (w ** 2).sum()          # 25 / 8.5
    assert wt.effective_n(w) == pytest.approx(25 / 8.5)
    assert wt.design_effect(w) == pytest.approx(4 / n_eff)
    assert wt.weighting_efficiency(w) == pytest.approx(n_eff / 4)
    assert wt.effective_n(np.ones(7)) == 7.0 and wt.design_effect(np.full(7, 3.0)) == 1.0


def test_weighted_mean_sd_reduces_to_ddof_1_with_equal_weights():
    x = np.array([1.0, 4.0, 2.0, 7.0, 5.0])
    mean, sd, n_eff = wt.weighted_mean_sd(x, np.full(5, 2.0))
    assert (mean, n_eff) == (pytest.approx(x.mean()), pytest.approx(5))
    assert sd == pytest.approx(x.std(ddof=1))


def test_weighted_corr_matches_pandas_with_equal_weights_and_duplicated_rows():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 3))
    x[[2, 5], 1] = np.nan
    assert np.allclose(wt.weighted_corr(x, np.ones(30)), pd.DataFrame(x).corr().to_numpy())
    # A weight of 2 is the same as the row appearing twice.
    w = np.where(np.arange(30) < 10, 2.0, 1.0)
    doubled = np.vstack([x, x[:10]])
    assert np.allclose(wt.weighted_corr(x, w), pd.DataFrame(doubled).corr().to_numpy())


# ---------------------------------------------------------------- raking

MARGINS = {"channel": {"app": 0.5, "web": 0.3, "store": 0.2},
           "age_band": {"young": 0.4, "old": 0.6}}


def _biased_sample(n=400, seed=0):
    rng = np.random.default_rng(seed)
    channel = rng.choice(["app", "web", "store"], n, p=[0.7, 0.2, 0.1])
    young = rng.random(n) < np.where(channel == "app", 0.7, 0.3)  # margins interact
    return pd.DataFrame({"channel": channel, "age_band": np.where(young, "young", "old")},
                        index=pd.RangeIndex(100, 100 + n))


def test_rake_hits_every_margin_and_keeps_the_index():
    df = _biased_sample()
    w = wt.rake(df, MARGINS)
    assert w.index.equals(df.index) and w.mean() == pytest.approx(1.0)
    table = wt.margin_table(df, w, wt.check_margins(MARGINS))
    assert table["difference"].abs().max() < 1e-6
    assert (table["share_unweighted"] - table["target"]).abs().max() > 0.1  # it was biased


def test_rake_matches_a_plain_ipf_loop():
    df = _biased_sample(seed=3)
    w = np.ones(len(df))
    for _ in range(500):
        for column, shares in MARGINS.items():
            totals = pd.Series(w).groupby(df[column].to_numpy()).sum()
            w = w * df[column].map({k: v * w.sum() / totals[k] for k, v in shares.items()}).to_numpy()
    assert np.allclose(wt.rake(df, MARGINS).to_numpy(), w / w.mean(), atol=1e-8)


def test_rake_on_a_sample_that_already_matches_gives_equal_weights():
    df = pd.DataFrame({"channel": ["app"] * 5 + ["web"] * 3 + ["store"] * 2})
    w = wt.rake(df, {"channel": MARGINS["channel"]})
    assert np.allclose(w, 1.0)


def test_margins_accept_percentages_and_numeric_levels():
    assert wt.check_margins({"region": {1: 60, 2: 40}}) == {"region": {"1": 0.6, "2": 0.4}}
    df = pd.DataFrame({"region": [1.0, 1.0, 1.0, 2.0]})
    w = wt.rake(df, {"region": {1: 60, 2: 40}})
    assert w[df.region == 2].sum() / w.sum() == pytest.approx(0.4)


@pytest.mark.parametrize("margins, expected", [
    ({"channel": {"app": 0.5, "web": 0.4}}, "sum to 0.9"),
    ({"channel": {"app": 1.0, "web": 0.0}}, "not positive for 'web'"),
    ({"channel": {"app": 1.0}}, "at least two levels"),
    ({"channel": {"app": "half", "web": 0.5}}, "not a number"),
    ({}, "must map each variable"),
])
def test_bad_margins_are_config_errors(margins, expected):
    with pytest.raises(ConfigError, match=expected):
        wt.check_margins(margins, source="study.yml")


def test_rake_data_problems_name_the_column_and_values():
    df = pd.DataFrame({"channel": ["app", "web", "kiosk", "app"], "age_band": ["young"] * 4})
    with pytest.raises(DataError, match=r"column 'channel' has values 'kiosk'"):
        wt.rake(df, {"channel": {"app": 0.5, "web": 0.3, "kiosk_x": 0.2}})
    with pytest.raises(DataError, match=r"no respondent has 'store'"):
        wt.rake(df.iloc[[0, 1, 3]], MARGINS)
    with pytest.raises(DataError, match=r"rows \[1\] are missing"):
        wt.rake(pd.DataFrame({"channel": ["app", None, "web"]}),
                {"channel": {"app": 0.5, "web": 0.5}})
    with pytest.raises(DataError, match=r"needs column\(s\) 'region'"):
        wt.rake(df, {"region": {"a": 0.5, "b": 0.5}})


def test_summary_reports_efficiency_and_design_effect():
    df = _biased_sample()
    w = wt.rake(df, MARGINS)
    s = wt.summarise_weights(w, source="raking", margins=MARGINS)
    assert s["n"] == len(df) and s["n_eff"] == pytest.approx(wt.effective_n(w))
    assert 0 < s["efficiency"] < 1 and s["design_effect"] == pytest.approx(1 / s["efficiency"])
