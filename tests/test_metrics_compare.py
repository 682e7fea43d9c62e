"""Comparisons, multiple-testing adjustment and minimum detectable effect, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cjm_research.evidence import metrics
from cjm_research.core.errors import DataError, ParameterError

from test_metrics import Z95, wilson_by_hand


def test_nps_difference_uses_the_multinomial_variance():
    a = [10, 9, 9, 8, 7, 6, 5, 3, 10, 2]      # P=4, D=4, n=10
    b = [10, 10, 9, 9, 9, 8, 8, 6, 10, 7]     # P=6, D=1, n=10
    out = metrics.compare_samples(a, b, metric="nps").iloc[0]
    assert out.estimate_a == pytest.approx(0.0) and out.estimate_b == pytest.approx(50.0)
    assert out.difference == pytest.approx(50.0)
    pa, da = 4.75 / 13, 4.75 / 13
    pb, db = 6.75 / 13, 1.75 / 13
    var_a = pa + da - (pa - da) ** 2
    var_b = pb + db - (pb - db) ** 2
    se = math.sqrt(var_a / 13 + var_b / 13)
    diff = (pb - db) - (pa - da)
    assert out.ci_low == pytest.approx(100 * (diff - Z95 * se))
    assert out.ci_high == pytest.approx(100 * (diff + Z95 * se))
    assert out.p_unc == pytest.approx(2 * (1 - stats.norm.cdf(diff / se)))


def test_csat_difference_newcombe_by_formula():
    a = [5, 4, 3, 2, 1, 5, 4, 3, 2, 1]   # 4 of 10 top-2
    b = [5, 5, 4, 4, 4, 5, 3, 4, 2, 5]   # 8 of 10 top-2
    out = metrics.compare_samples(a, b, metric="csat").iloc[0]
    la, ua = wilson_by_hand(4, 10)
    lb, ub = wilson_by_hand(8, 10)
    d = 0.8 - 0.4
    assert out.ci_low == pytest.approx(100 * (d - math.sqrt((0.8 - lb) ** 2 + (ua - 0.4) ** 2)))
    assert out.ci_high == pytest.approx(100 * (d + math.sqrt((ub - 0.8) ** 2 + (0.4 - la) ** 2)))
    pooled = 12 / 20
    z = d / math.sqrt(pooled * (1 - pooled) * (2 / 10))
    assert out.p_unc == pytest.approx(2 * stats.norm.sf(z))


def test_newcombe_matches_published_example():
    # Newcombe (1998), Table II example (56/70 vs 48/80): method 10 gives 0.0524 to 0.3339
    low, high = metrics.newcombe(48, 80, 56, 70)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_ces_difference_is_welch():
    a = np.array([5, 6, 4, 6, 5, 7, 6, 5])
    b = np.array([3, 2, 4, 3, 2, 3, 1, 2, 3, 4])
    out = metrics.compare_samples(a, b, metric="ces").iloc[0]
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    diff = b.mean() - a.mean()
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert out.difference == pytest.approx(diff)
    assert (out.ci_low, out.ci_high) == pytest.approx((diff - half, diff + half))
    assert out.p_unc == pytest.approx(2 * stats.t.sf(abs(diff) / math.sqrt(va + vb), df))


def test_compare_groups_adjusts_across_cells():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({
        "stage": np.repeat(["awareness", "decision", "retention"], 200),
        "quarter": np.tile(np.repeat(["2026Q1", "2026Q2"], 100), 3),
        "csat": rng.integers(1, 6, 600),
    })
    df.loc[(df.stage == "decision") & (df.quarter == "2026Q2"), "csat"] = 5
    out = metrics.compare_groups(df, "csat", group="quarter", by="stage", metric="csat")
    assert out["stage"].tolist() == ["awareness", "decision", "retention"]
    assert (out["group_a"] == "2026Q1").all() and (out["group_b"] == "2026Q2").all()
    expected = metrics.adjust_pvalues(out["p_unc"].to_numpy(), method="holm")
    assert out["p_adj"].to_numpy() == pytest.approx(expected)
    assert out.set_index("stage").loc["decision", "p_adj"] < 0.001


def test_adjust_pvalues_by_hand():
    p = [0.01, 0.04, 0.03, 0.20]
    # Holm: sorted 0.01*4, 0.03*3, 0.04*2, 0.20*1 with running maximum
    assert metrics.adjust_pvalues(p, method="holm") == pytest.approx([0.04, 0.09, 0.09, 0.20])
    # BH: p*m/rank with running minimum from the top
    assert metrics.adjust_pvalues(p, method="fdr_bh") == pytest.approx(
        [0.04, 0.0533333, 0.0533333, 0.20], rel=1e-5)
    s = pd.Series([0.01, np.nan, 0.03], index=["x", "y", "z"])
    out = metrics.adjust_pvalues(s)
    assert out.index.tolist() == ["x", "y", "z"] and np.isnan(out["y"])
    assert out["z"] == pytest.approx(0.03)
    with pytest.raises(ParameterError, match="`method`"):
        metrics.adjust_pvalues(p, method="bh")


def test_minimum_detectable_effect_by_hand():
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    assert metrics.minimum_detectable_effect(400, 400, metric="csat", baseline=0.7) == \
        pytest.approx(100 * z * math.sqrt(0.21 * (2 / 400)))
    p, d = 0.4, 0.2
    assert metrics.minimum_detectable_effect(300, 500, metric="nps", baseline=(p, d)) == \
        pytest.approx(100 * z * math.sqrt((p + d - (p - d) ** 2) * (1 / 300 + 1 / 500)))
    assert metrics.minimum_detectable_effect(50, metric="ces", baseline=1.2) == \
        pytest.approx(z * 1.2 * math.sqrt(2 / 50))
    # more respondents detect smaller changes
    assert metrics.minimum_detectable_effect(1000) < metrics.minimum_detectable_effect(100)


def test_compare_reports_mde_from_the_first_sample():
    a = [5, 4, 3, 2, 1, 5, 4, 3, 2, 1]
    out = metrics.compare_samples(a, a, metric="csat").iloc[0]
    assert out.difference == 0 and out.p_unc == pytest.approx(1.0)
    assert out.mde == pytest.approx(metrics.minimum_detectable_effect(10, 10, metric="csat",
                                                                      baseline=0.4))


def test_compare_errors():
    with pytest.raises(ParameterError, match="`metric`"):
        metrics.compare_samples([1, 2], [1, 2], metric="nsp")
    with pytest.raises(DataError, match="at least 2"):
        metrics.compare_samples([9], [9, 10], metric="nps")
    with pytest.raises(DataError, match="0..10"):
        metrics.compare_samples([9, 12], [9, 10], metric="nps")


def test_old_name_warns_and_gives_the_same_table():
    a, b = [3, 4, 5, 5, 2, 4], [5, 5, 4, 5, 4, 5]
    with pytest.warns(FutureWarning, match="compare_samples"):
        old = metrics.compare(a, b, metric="csat")
    pd.testing.assert_frame_equal(old, metrics.compare_samples(a, b, metric="csat"))
    assert "p_unc" in old.columns and "p_value" not in old.columns
