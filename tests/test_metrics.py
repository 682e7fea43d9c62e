"""CX metrics against values computed by hand from the textbook formulas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cjm_research.evidence import metrics
from cjm_research.core.errors import DataError, ParameterError

Z95 = 1.959963984540054


def wilson_by_hand(k, n, z=Z95):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


# ---------------------------------------------------------------- NPS

def test_nps_by_hand_on_a_tiny_sample():
    # 10 answers: promoters 9, 10, 10, 9 (4); passives 7, 8 (2); detractors 0, 5, 6, 3 (4)
    answers = pd.Series([9, 10, 7, 0, 5, 10, 8, 6, 9, 3], name="ltr")
    out = metrics.nps(answers)
    assert out["estimate"].item() == pytest.approx(0.0)
    # adjusted Wald by hand: n' = 13, p' = d' = 4.75/13
    p = d = 4.75 / 13
    se = math.sqrt((p + d - (p - d) ** 2) / 13)
    assert out["ci_low"].item() == pytest.approx(-100 * Z95 * se)
    assert out["ci_high"].item() == pytest.approx(100 * Z95 * se)
    assert out["n"].item() == 10
    assert out["definition"].item() == (
        "NPS = % promoters (9-10) - % detractors (0-6), n=10, 95% adjusted-Wald interval")


def test_nps_asymmetric_interval_by_hand():
    # 3 promoters, 1 detractor, 1 passive: raw NPS 40; adjusted p'=3.75/8, d'=1.75/8
    out = metrics.nps(pd.Series([10, 9, 9, 2, 8]))
    p, d = 3.75 / 8, 1.75 / 8
    se = math.sqrt((p + d - (p - d) ** 2) / 8)
    assert out["estimate"].item() == pytest.approx(40.0)
    assert out["ci_low"].item() == pytest.approx(100 * (p - d - Z95 * se))
    assert out["ci_high"].item() == pytest.approx(100 * (p - d + Z95 * se))


def test_nps_by_groups_drops_and_counts_missing():
    df = pd.DataFrame({"persona": ["A", "A", "A", "B", "B", "B"],
                       "nps": [10, None, 3, 9, 9, 7]})
    out = metrics.nps(df, "nps", by="persona")
    assert out["persona"].tolist() == ["A", "B"]
    assert out["estimate"].tolist() == pytest.approx([0.0, 100 * 2 / 3])
    assert out["n"].tolist() == [2, 3]
    assert out["n_missing"].tolist() == [1, 0]


def test_nps_custom_cutoffs_change_the_estimate():
    out = metrics.nps(pd.Series([8, 8, 2, 7]), promoters=(8, 10), detractors=(0, 5))
    assert out["estimate"].item() == pytest.approx(25.0)
    assert "promoters (8-10)" in out["definition"].item()


def test_nps_bootstrap_is_seeded_and_brackets_the_estimate():
    answers = pd.Series(np.random.default_rng(1).integers(0, 11, 300))
    a = metrics.nps(answers, interval="bootstrap", random_state=3)
    b = metrics.nps(answers, interval="bootstrap", random_state=3)
    pd.testing.assert_frame_equal(a, b)
    row = a.iloc[0]
    assert row.ci_low < row.estimate < row.ci_high
    wald = metrics.nps(answers).iloc[0]
    # both intervals describe the same sampling error: widths agree within 20 %
    assert (row.ci_high - row.ci_low) == pytest.approx(wald.ci_high - wald.ci_low, rel=0.2)


def test_nps_out_of_scale_names_column_and_values():
    with pytest.raises(DataError, match=r"'ltr'.*-1, 11") as err:
        metrics.nps(pd.DataFrame({"ltr": [1, 11, -1, 5]}), "ltr")
    assert "0..10" in str(err.value)


def test_nps_text_values_are_an_error():
    with pytest.raises(DataError, match="'ltr'.*'ten'"):
        metrics.nps(pd.DataFrame({"ltr": ["9", "ten"]}), "ltr")


def test_bad_options_raise_parameter_errors():
    with pytest.raises(ParameterError, match="`interval`"):
        metrics.nps(pd.Series([9]), interval="wald")
    with pytest.raises(ParameterError, match="column"):
        metrics.nps(pd.DataFrame({"x": [1]}))
    with pytest.raises(DataError, match="'persona'"):
        metrics.nps(pd.DataFrame({"x": [1]}), "x", by="persona")


# ---------------------------------------------------------------- CSAT, rates, CES

def test_csat_top2_box_with_textbook_wilson():
    answers = pd.Series([5, 4, 4, 3, 1, 5, 2, 4, 5, 3, None])
    out = metrics.csat(answers).iloc[0]
    low, high = wilson_by_hand(6, 10)
    assert out.estimate == pytest.approx(60.0)
    assert (out.ci_low, out.ci_high) == pytest.approx((100 * low, 100 * high))
    assert (out.n, out.n_missing) == (10, 1)


def test_csat_other_scale_and_top_box():
    out = metrics.csat(pd.Series([7, 6, 5, 1]), scale=(1, 7), top_box=1).iloc[0]
    assert out.estimate == pytest.approx(25.0)
    assert "7-7 (top-1-box on 1..7)" in out.definition


def test_csat_zero_for_not_applicable_is_out_of_scale():
    with pytest.raises(DataError, match="csat_decision.*0"):
        metrics.csat(pd.DataFrame({"csat_decision": [0, 4, 5]}), "csat_decision")


def test_conversion_and_repurchase_rates():
    df = pd.DataFrame({"channel": ["web"] * 4 + ["app"] * 3,
                       "converted": [True, False, True, True, False, False, True]})
    out = metrics.conversion_rate(df, "converted", by="channel", within="30 days")
    web = out.set_index("channel").loc["web"]
    assert web.estimate == pytest.approx(75.0)
    assert (web.ci_low, web.ci_high) == pytest.approx(tuple(100 * x for x in wilson_by_hand(3, 4)))
    assert "within 30 days" in web.definition
    rep = metrics.repurchase_rate(pd.Series([1, 0, 0, 0]))
    assert rep["estimate"].item() == pytest.approx(25.0)
    with pytest.raises(DataError, match="0..1"):
        metrics.repurchase_rate(pd.Series([1, 2]))


def test_ces_mean_with_t_interval_by_hand():
    x = np.array([2, 3, 4, 3, 6, 5, 1])
    out = metrics.ces(pd.Series(x)).iloc[0]
    mean, sd, n = x.mean(), x.std(ddof=1), len(x)
    t = 2.4469118511449692  # t(0.975, df=6)
    assert out.estimate == pytest.approx(mean)
    assert (out.ci_low, out.ci_high) == pytest.approx((mean - t * sd / n ** 0.5,
                                                       mean + t * sd / n ** 0.5))


def test_ces_out_of_scale():
    with pytest.raises(DataError, match=r"ces_decision.*8"):
        metrics.ces(pd.DataFrame({"ces_decision": [1, 8]}), "ces_decision")


def test_empty_group_gives_nan_not_an_error():
    out = metrics.csat(pd.Series([None, None], dtype="Float64"))
    assert out["n"].item() == 0 and np.isnan(out["estimate"].item())
    assert out["n_missing"].item() == 2


def test_window_is_the_deprecated_name_of_within():
    df = pd.DataFrame({"converted": [1, 0, 1, 1]})
    with pytest.warns(FutureWarning, match="within="):
        old = metrics.repurchase_rate(df, "converted", window="90 days")
    pd.testing.assert_frame_equal(old, metrics.repurchase_rate(df, "converted", within="90 days"))
    assert "within 90 days" in old["definition"].item()
