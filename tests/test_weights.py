"""Survey weights: the weight column's checks, Kish figures, raking, and weighted metrics.

Weighted metrics are pinned by hand calculations in plain numpy on small data, and by the rule
that equal weights give exactly the unweighted numbers.
"""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from cjm_research.core.errors import ConfigError, DataError, ParameterError
from cjm_research.evidence import drivers as kd
from cjm_research.evidence import metrics
from cjm_research.evidence import weights as wt
from cjm_research.personas import profiles as pp
from cjm_research.reports import content as rc
from cjm_research.study.load import load_study

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


# ---------------------------------------------------------------- weighted metrics


RESULT = ["estimate", "ci_low", "ci_high", "n", "n_eff", "n_missing"]


def _survey(seed=0, n=60):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "persona": rng.choice(["A", "B"], n),
        "nps": rng.integers(0, 11, n).astype(float),
        "csat": rng.integers(1, 6, n).astype(float),
        "ces": rng.integers(1, 8, n).astype(float),
        "bought": rng.integers(0, 2, n),
        "w": rng.uniform(0.3, 3.0, n),
        "equal": 2.5,
    }).assign(nps=lambda d: d.nps.mask(d.index % 11 == 0))  # some missing answers


@pytest.mark.parametrize("fn, column, options", [
    (metrics.nps, "nps", {}),
    (metrics.nps, "nps", {"interval": "bootstrap", "n_boot": 300}),
    (metrics.csat, "csat", {}),
    (metrics.ces, "ces", {}),
    (metrics.conversion_rate, "bought", {}),
    (metrics.repurchase_rate, "bought", {}),
])
def test_equal_weights_give_the_unweighted_numbers(fn, column, options):
    df = _survey()
    plain = fn(df, column, by="persona", **options)
    weighted = fn(df, column, by="persona", weights="equal", **options)
    pd.testing.assert_frame_equal(plain[["persona", *RESULT]], weighted[["persona", *RESULT]])
    assert (plain["n_eff"] == plain["n"]).all()


@pytest.mark.parametrize("metric, column", [("nps", "nps"), ("csat", "csat"), ("ces", "ces"),
                                            ("conversion_rate", "bought")])
def test_equal_weights_give_the_unweighted_comparison(metric, column):
    df = _survey()
    plain = metrics.compare_groups(df, column, group="persona", metric=metric)
    weighted = metrics.compare_groups(df, column, group="persona", metric=metric, weights="equal")
    numbers = ["estimate_a", "estimate_b", "difference", "ci_low", "ci_high", "p_unc", "mde",
               "n_a", "n_b", "n_eff_a", "n_eff_b", "p_adj"]
    pd.testing.assert_frame_equal(plain[numbers], weighted[numbers])


# A small weighted sample, computed by hand below with plain numpy.
X_NPS = np.array([10, 9, 7, 3, 0, 9, 8, 10])
X_CSAT = np.array([5, 4, 3, 2, 5, 1, 4, 4])
X_CES = np.array([2.0, 3, 6, 5, 1, 2, 4, 3])
W = np.array([2.0, 1.0, 1.0, 0.5, 1.5, 1.0, 0.5, 2.5])
N_EFF = W.sum() ** 2 / (W ** 2).sum()          # 100 / 16


def _frame():
    return pd.DataFrame({"nps": X_NPS, "csat": X_CSAT, "ces": X_CES, "w": W})


def test_weighted_nps_and_adjusted_wald_interval_by_hand():
    p = W[X_NPS >= 9].sum() / W.sum()          # (2 + 1 + 1 + 2.5) / 10
    d = W[X_NPS <= 6].sum() / W.sum()          # (0.5 + 1.5) / 10
    n_adj = N_EFF + 3
    pa, da = (p * N_EFF + 0.75) / n_adj, (d * N_EFF + 0.75) / n_adj
    se = math.sqrt((pa + da - (pa - da) ** 2) / n_adj)
    out = metrics.nps(_frame(), "nps", weights="w")
    assert out["estimate"].item() == pytest.approx(100 * (0.65 - 0.2))
    assert out["ci_low"].item() == pytest.approx(100 * (pa - da - Z95 * se))
    assert out["ci_high"].item() == pytest.approx(100 * (pa - da + Z95 * se))
    assert out["n"].item() == 8 and out["n_eff"].item() == pytest.approx(100 / 16)
    assert f"n=8, weighted (n_eff={100 / 16:.1f})" in out["definition"].item()


def test_weighted_csat_and_wilson_interval_by_hand():
    p = W[X_CSAT >= 4].sum() / W.sum()         # (2 + 1 + 1.5 + 0.5 + 2.5) / 10 = 0.75
    n, z = N_EFF, Z95
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    out = metrics.csat(_frame(), "csat", weights="w")
    assert out["estimate"].item() == pytest.approx(75.0)
    assert out["ci_low"].item() == pytest.approx(100 * (centre - half))
    assert out["ci_high"].item() == pytest.approx(100 * (centre + half))


def test_weighted_ces_and_t_interval_by_hand():
    mean = (W * X_CES).sum() / W.sum()
    var = (W * (X_CES - mean) ** 2).sum() / W.sum() * N_EFF / (N_EFF - 1)
    half = stats.t.ppf(0.975, N_EFF - 1) * math.sqrt(var / N_EFF)
    out = metrics.ces(_frame(), "ces", weights="w")
    assert out["estimate"].item() == pytest.approx(mean)
    assert out["ci_low"].item() == pytest.approx(mean - half)
    assert out["ci_high"].item() == pytest.approx(mean + half)


def test_weighted_ces_comparison_is_welch_at_n_eff_by_hand():
    rng = np.random.default_rng(5)
    a, b = rng.integers(1, 8, 30).astype(float), rng.integers(2, 8, 25).astype(float)
    wa, wb = rng.uniform(0.5, 2, 30), rng.uniform(0.5, 2, 25)

    def piece(x, w):
        n_eff = w.sum() ** 2 / (w ** 2).sum()
        m = (w * x).sum() / w.sum()
        v = (w * (x - m) ** 2).sum() / w.sum() * n_eff / (n_eff - 1)
        return m, v / n_eff, n_eff

    (ma, va, na), (mb, vb, nb) = piece(a, wa), piece(b, wb)
    df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
    t = (mb - ma) / math.sqrt(va + vb)
    out = metrics.compare_samples(a, b, metric="ces", weights=(wa, wb)).iloc[0]
    assert out["difference"] == pytest.approx(mb - ma)
    assert out["p_unc"] == pytest.approx(2 * stats.t.sf(abs(t), df))
    assert out["ci_high"] - out["difference"] == pytest.approx(
        stats.t.ppf(0.975, df) * math.sqrt(va + vb))
    assert (out["n_eff_a"], out["n_eff_b"]) == (pytest.approx(na), pytest.approx(nb))


def test_weighted_nps_comparison_uses_n_eff_by_hand():
    a, b = X_NPS, np.array([10, 10, 9, 8, 6, 9, 10, 2])
    wb = np.array([1.0, 2.0, 1.0, 1.0, 0.5, 1.5, 1.0, 2.0])

    def part(x, w):
        n_eff = w.sum() ** 2 / (w ** 2).sum()
        p, d = w[x >= 9].sum() / w.sum(), w[x <= 6].sum() / w.sum()
        n_adj = n_eff + 3
        pa, da = (p * n_eff + 0.75) / n_adj, (d * n_eff + 0.75) / n_adj
        return pa - da, (pa + da - (pa - da) ** 2) / n_adj

    (sa, va), (sb, vb) = part(a, W), part(b, wb)
    se = math.sqrt(va + vb)
    out = metrics.compare_samples(a, b, metric="nps", weights=(W, wb)).iloc[0]
    assert out["ci_low"] == pytest.approx(100 * (sb - sa - Z95 * se))
    assert out["p_unc"] == pytest.approx(2 * stats.norm.sf(abs((sb - sa) / se)))


def test_integer_weights_give_the_estimate_of_duplicated_rows():
    df = _frame().assign(w=[2, 1, 1, 3, 1, 1, 2, 2])
    doubled = df.loc[df.index.repeat(df.w)]
    for fn, column in [(metrics.nps, "nps"), (metrics.csat, "csat"), (metrics.ces, "ces")]:
        assert fn(df, column, weights="w")["estimate"].item() == pytest.approx(
            fn(doubled, column)["estimate"].item())


def test_weights_change_the_numbers_when_they_are_unequal():
    df = _survey()
    plain, weighted = metrics.nps(df, "nps"), metrics.nps(df, "nps", weights="w")
    assert weighted["estimate"].item() != pytest.approx(plain["estimate"].item())
    assert weighted["n"].item() == plain["n"].item() and weighted["n_eff"].item() < plain["n"].item()


def test_metric_with_bad_weights_names_the_column_and_rows():
    df = _frame().assign(w=[1, 1, -1, 1, 1, None, 1, 1])
    for fn, column in [(metrics.nps, "nps"), (metrics.csat, "csat"), (metrics.ces, "ces")]:
        with pytest.raises(DataError, match=r"weights column 'w'.*missing in rows \[5\].*"
                                            r"negative \(-1.0\) in rows \[2\]"):
            fn(df, column, weights="w")
    with pytest.raises(DataError, match="weights column 'weight' not found"):
        metrics.csat(df, "csat", weights="weight")
    with pytest.raises(DataError, match="weights column 'w'"):
        metrics.compare_groups(df.assign(g=[0, 1] * 4), "csat", group="g", metric="csat",
                               weights="w")


def test_weights_need_a_frame_and_a_pair_for_compare():
    with pytest.raises(ParameterError, match="must be a DataFrame"):
        metrics.nps(pd.Series([9, 10]), weights="w")
    with pytest.raises(ParameterError, match="pair"):
        metrics.compare_samples([1, 2, 3], [2, 3, 4], metric="ces", weights=[1, 1, 1])


def test_a_group_whose_weights_are_all_zero_is_reported_not_estimated():
    df = _frame().assign(g=["a"] * 4 + ["b"] * 4, w=[0, 0, 0, 0, 1, 2, 1, 1])
    out = metrics.csat(df, "csat", by="g", weights="w")
    assert np.isnan(out.loc[0, "estimate"]) and out.loc[0, "n"] == 4 and out.loc[0, "n_eff"] == 0
    assert out.loc[1, "estimate"] == pytest.approx(100 * 3 / 5)


# ---------------------------------------------------------------- the study's weights




OMNI = "cjm_research/datasets/fixture_studies/omnichannel"
RAKE_TO = {"region": {"Java": 0.5, "Sumatra": 0.2, "Kalimantan": 0.15, "Sulawesi": 0.15},
           "member_tier": {"basic": 70, "silver": 20, "gold": 10}}


def _raked_study(tmp_path, change):
    root = tmp_path / "omni"
    shutil.copytree(OMNI, root)
    config = yaml.safe_load((root / "study.yml").read_text())
    change(config)
    (root / "study.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return root / "study.yml"


def test_study_rakes_to_its_declared_margins(tmp_path):
    def change(config):
        del config["survey"]["weights"]
        config["weighting"] = {"rake_to": RAKE_TO}
    study = load_study(_raked_study(tmp_path, change), quarter="2026Q1")
    assert study.weight_column == "raked_weight"  # the survey already has a 'weight' column
    summary = study.weighting()
    assert summary["source"] == "raking" and summary["n"] == len(study.survey)
    assert 0 < summary["efficiency"] < 1
    table = summary["margins_table"]
    assert table["difference"].abs().max() < 1e-6 and set(table["variable"]) == set(RAKE_TO)
    by_hand = study.weights.groupby(study.survey["region"].astype(str)).sum() / study.weights.sum()
    assert by_hand["Java"] == pytest.approx(0.5)
    # The weighted metric of the study is the metric at those weights.
    out = metrics.nps(study.survey, "nps", weights=study.weight_column)
    assert out["n_eff"].item() == pytest.approx(summary["n_eff"], rel=0.05)


def test_study_with_a_weight_column_reports_its_efficiency():
    study = load_study(f"{OMNI}/study.yml", quarter="2026Q1")
    summary = study.weighting()
    w = study.survey["weight"].to_numpy()
    assert summary["source"] == "weight" and summary["margins_table"] is None
    assert summary["n_eff"] == pytest.approx(w.sum() ** 2 / (w ** 2).sum())


def test_unweighted_study_has_no_weighting(demo_study_path):
    study = load_study(demo_study_path)
    assert study.weight_column is None and study.weighting() is None


@pytest.mark.parametrize("weighting, expected", [
    ({"rake_to": {"region": {"Java": 0.5, "Sumatra": 0.4}}}, "sum to 0.9"),
    ({"margins": {}}, "one entry 'rake_to'"),
])
def test_bad_weighting_keys_are_config_errors(tmp_path, weighting, expected):
    def change(config):
        del config["survey"]["weights"]
        config["weighting"] = weighting
    with pytest.raises(ConfigError, match=expected):
        load_study(_raked_study(tmp_path, change))


def test_weights_column_and_raking_together_is_a_config_error(tmp_path):
    path = _raked_study(tmp_path, lambda c: c.update(weighting={"rake_to": RAKE_TO}))
    with pytest.raises(ConfigError, match="not both"):
        load_study(path)


# ---------------------------------------------------------------- weighted key drivers



def _ratings(seed=2, n=150):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.integers(1, 6, size=(n, 3)).astype(float), columns=["tp_a", "tp_b", "tp_c"])
    df["overall"] = (2 * df.tp_a + df.tp_b + rng.normal(0, 2, n)).round()
    return df.assign(equal=1.7, w=rng.integers(1, 4, n))


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_drivers_with_equal_weights_are_the_unweighted_drivers(missing):
    df = _ratings()
    df.loc[[3, 8, 40], "tp_b"] = np.nan
    plain = kd.key_drivers(df, ["tp_a", "tp_b", "tp_c"], "overall", missing=missing, n_boot=60)
    weighted = kd.key_drivers(df, ["tp_a", "tp_b", "tp_c"], "overall", missing=missing,
                              n_boot=60, weights="equal")
    pd.testing.assert_frame_equal(plain, weighted, check_exact=False, rtol=1e-9)


def test_integer_weights_give_the_importance_of_duplicated_rows():
    df = _ratings()
    doubled = df.loc[df.index.repeat(df.w)]
    cols = ["tp_a", "tp_b", "tp_c"]
    weighted = kd.key_drivers(df, cols, "overall", weights="w", n_boot=0)
    plain = kd.key_drivers(doubled, cols, "overall", n_boot=0)
    assert np.allclose(weighted["importance"], plain["importance"])
    assert weighted["n"].iloc[0] == len(df) and weighted["n_eff"].iloc[0] == pytest.approx(
        wt.effective_n(df.w))
    table = kd.importance_performance(df, cols, "overall", weights="w", n_boot=0)
    by_hand = 100 * (np.average(df.tp_a, weights=df.w) - 1) / 4
    assert table.set_index("driver").loc["tp_a", "performance"] == pytest.approx(by_hand)


def test_drivers_with_bad_weights_name_the_column():
    df = _ratings().assign(w=lambda d: d.w.where(d.index != 7, -1))
    with pytest.raises(DataError, match=r"weights column 'w'.*rows \[7\]"):
        kd.key_drivers(df, ["tp_a", "tp_b"], "overall", weights="w", n_boot=0)


# ---------------------------------------------------------------- the report says it



@pytest.fixture(scope="module")
def omni_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("omni_report")
    return rc.QuarterlyReport(f"{OMNI}/study.yml", "2026Q2", figures_dir=out / "f",
                              tables_dir=out / "t")


def test_weighting_statement_gives_source_efficiency_and_design_effect(omni_report, tmp_path):
    summary = omni_report.study.weighting()
    text = rc.weighting_statement(omni_report.study, "en")
    assert "column 'weight'" in text and f"effective n {summary['n_eff']:.1f}" in text
    assert f"weighting efficiency {summary['efficiency']:.1%}" in text
    assert f"design effect {summary['design_effect']:.2f}" in text
    assert "efisiensi pembobotan" in rc.weighting_statement(omni_report.study, "id")

    def change(config):
        del config["survey"]["weights"]
        config["weighting"] = {"rake_to": RAKE_TO}
    raked = load_study(_raked_study(tmp_path, change), quarter="2026Q1")
    assert "population margins of region, member_tier by raking" in rc.weighting_statement(raked)


def test_unweighted_report_says_so(demo_study_path):
    assert rc.weighting_statement(load_study(demo_study_path)).startswith("Estimates are unweighted")


def test_methods_appendix_lets_a_reviewer_check_every_number(omni_report):
    table = rc.methods_appendix(omni_report).set_index("item")
    assert list(table.columns) == ["definition", "interval_method", "test"]
    nps = table.loc["NPS"]
    assert "9-10" in nps.definition and "0-6" in nps.definition
    assert nps.interval_method == "95% adjusted-Wald interval (Rocks 2016) at the Kish effective n"
    assert "top 2 boxes (4-5) of the 1..5" in table.loc["CSAT", "definition"]
    assert "Wilson" in table.loc["CSAT", "interval_method"] and "Newcombe" in table.loc["CSAT", "test"]
    # the fixture's log has no event called 'purchase' and its study names no conversion event
    assert table.loc["Conversion rate", "definition"] == "not measured in this study"
    assert table.loc["CES", "definition"] == "not measured in this study"  # the study has no CES
    assert "Holm" in table.loc["Multiple tests", "definition"]
    assert "bootstrap" in table.loc["Key drivers", "interval_method"]
    model = omni_report.personas
    assert f"into {model.k_} personas" in table.loc["Personas", "definition"]
    assert "How k was chosen: k=" in table.loc["Personas", "definition"]
    validity = table.loc["Persona validity", "definition"]
    jaccard = model.stability(n_boot=rc.STABILITY_BOOTSTRAPS)["jaccard"].mean()
    assert "silhouette 0." in validity and f"Jaccard {jaccard:.2f}" in validity
    assert "efficiency" in table.loc["Weighting", "definition"]
    assert rc.methods_appendix(omni_report, confidence=0.9).loc[0, "interval_method"].startswith("90%")


def test_methods_appendix_in_indonesian(omni_report):
    omni_report.language = "id"
    try:
        table = rc.methods_appendix(omni_report)
    finally:
        omni_report.language = "en"
    assert "Uji berganda" in set(table["item"]) and "tidak diukur dalam studi ini" in set(table["definition"])
    assert "promotor" in table.loc[0, "definition"]


def test_the_report_notebook_has_the_weighting_and_appendix_cells():
    from pathlib import Path

    nb = json.loads((Path(__file__).parents[1] / "notebooks" / "quarterly_report.ipynb").read_text())
    sources = {c["metadata"]["tags"][0]: "".join(c["source"]) for c in nb["cells"]}
    assert "rep.weighting_section()" in sources["section-weighting"]
    assert "rep.methods_appendix_section()" in sources["section-methods_appendix"]
    assert all(not c.get("outputs") for c in nb["cells"])


# ---------------------------------------------------------------- weighted journey maps

def _demo_with(tmp_path, weights):
    """A small demo quarter whose survey gets the column ``w`` (``weights(n)``), declared or not."""
    from cjm_research.datasets.demo import make_demo

    path = make_demo(tmp_path / "demo", respondents=300, quarters=("2026Q1",))
    survey_file = path.parent / "2026Q1" / "survey.csv"
    survey = pd.read_csv(survey_file)
    survey.assign(w=weights(len(survey))).to_csv(survey_file, index=False)
    config = yaml.safe_load(path.read_text())
    config["survey"]["weights"] = "w"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _map_numbers(study):
    from cjm_research.journey import current_state

    table = current_state(study, n_boot=20, progress=False).table()  # few resamples: fast
    table = table[table["lane"].isin(["metrics", "touchpoints", "emotion"])]
    return table.sort_values(["persona", "stage", "lane", "item", "source"]).reset_index(drop=True)


def _unweighted(study):
    study.config.survey.weights = None  # the same data, read without its weights
    return study


def test_map_cells_are_weighted_with_the_study_weights(tmp_path):
    rng = np.random.default_rng(0)
    path = _demo_with(tmp_path, lambda n: rng.uniform(0.2, 3.0, n).round(3))
    weighted = load_study(path)
    w_map, p_map = _map_numbers(weighted), _map_numbers(_unweighted(load_study(path)))
    nps_cell = w_map[(w_map["lane"] == "metrics") & (w_map["item"] == "nps")].iloc[0]
    by_hand = metrics.nps(weighted.survey, "nps", weights="w")
    assert nps_cell["value"] == pytest.approx(by_hand["estimate"].item())
    assert nps_cell["ci_low"] == pytest.approx(by_hand["ci_low"].item())
    assert nps_cell["n"] == by_hand["n"].item()  # n stays respondents; the interval uses n_eff
    csat = w_map[(w_map["lane"] == "metrics") & (w_map["item"] == "csat")].iloc[0]
    column = weighted.columns.csat[csat["stage"]]
    assert csat["value"] == pytest.approx(
        metrics.csat(weighted.survey, column, weights="w")["estimate"].item())
    assert len(w_map) == len(p_map)
    assert not np.allclose(w_map["value"].astype(float), p_map["value"].astype(float), equal_nan=True)


def test_equal_weights_leave_the_map_unchanged(tmp_path):
    path = _demo_with(tmp_path, lambda n: np.full(n, 1.7))
    a, b = _map_numbers(_unweighted(load_study(path))), _map_numbers(load_study(path))
    for column in ["value", "ci_low", "ci_high", "n"]:
        assert np.allclose(a[column].astype(float), b[column].astype(float), equal_nan=True), column


# ---------------------------------------------------------------- weighted persona profiles



def _features(seed=4, n=90):
    rng = np.random.default_rng(seed)
    clean = pd.DataFrame({"age": rng.normal(40, 10, n).round(), "orders": rng.poisson(3, n).astype(float),
                          "city": rng.choice(["Jakarta", "Bandung", "Medan"], n)})
    clean.loc[[2, 9], "age"] = np.nan
    clean.loc[[4], "city"] = None
    spec = {"numeric": ["age"], "ordinal": ["orders"], "categorical": ["city"]}
    return clean, spec, rng.integers(0, 3, n), rng.integers(1, 4, n).astype(float)


def test_profile_with_equal_weights_is_the_unweighted_profile():
    clean, spec, labels, _ = _features()
    names = ["A", "B", "C"]
    plain = pp.feature_table(clean, spec, labels, names)
    weighted = pp.feature_table(clean, spec, labels, names, weights=np.full(len(clean), 0.8))
    key = ["persona", "feature", "level"]
    plain = plain.sort_values(key, na_position="first").reset_index(drop=True)
    weighted = weighted.sort_values(key, na_position="first").reset_index(drop=True)
    for column in ["value", "ci_low", "ci_high", "n", "overall", "effect", "lift"]:
        assert np.allclose(plain[column].astype(float), weighted[column].astype(float), equal_nan=True), column


def test_weighted_profile_by_hand_and_duplicated_rows():
    clean, spec, labels, w = _features()
    table = pp.feature_table(clean, spec, labels, ["A", "B", "C"], weights=w)
    age = table[(table.feature == "age") & (table.persona == 1)].iloc[0]
    ok = (labels == 1) & clean.age.notna().to_numpy()
    x, ww = clean.age.to_numpy()[ok], w[ok]
    n_eff = ww.sum() ** 2 / (ww ** 2).sum()
    mean = (ww * x).sum() / ww.sum()
    sd = math.sqrt((ww * (x - mean) ** 2).sum() / ww.sum() * n_eff / (n_eff - 1))
    assert age.value == pytest.approx(mean)
    assert age.ci_high - age.value == pytest.approx(stats.t.ppf(0.975, n_eff - 1) * sd / math.sqrt(n_eff))
    # Shares equal those of the sample with each row repeated w times.
    rows = np.repeat(np.arange(len(clean)), w.astype(int))
    doubled = pp.feature_table(clean.iloc[rows].reset_index(drop=True), spec, labels[rows], ["A", "B", "C"])
    key = ["persona", "feature", "level"]
    a = table.sort_values(key, na_position="first").reset_index(drop=True)
    b = doubled.sort_values(key, na_position="first").reset_index(drop=True)
    assert np.allclose(a["value"].astype(float), b["value"].astype(float))


def test_weighted_persona_shares_by_hand():
    labels = np.array([0, 0, 1, 1, 1, 2])
    w = np.array([2.0, 1.0, 0.5, 0.5, 0.5, 1.5])
    out = pp.weighted_shares(labels, w, names=["A", "B", "C"])
    assert out["share"].tolist() == pytest.approx([3 / 6, 1.5 / 6, 1.5 / 6])
    assert out["share_unweighted"].tolist() == pytest.approx([2 / 6, 3 / 6, 1 / 6])
    n_eff = 36 / (w ** 2).sum()
    from cjm_research.evidence.intervals import wilson

    low, high = wilson(0.5 * n_eff, n_eff)
    assert (out.loc[0, "ci_low"], out.loc[0, "ci_high"]) == (pytest.approx(low), pytest.approx(high))
    plain = pp.weighted_shares(labels)
    assert plain["share"].tolist() == pytest.approx(plain["share_unweighted"].tolist())
    assert plain["n_eff"].iloc[0] == 6


def test_report_persona_shares_are_weighted(omni_report):
    shares = rc.weighted_persona_shares(omni_report.personas, omni_report.study)
    labels = omni_report.personas.predict(omni_report.study.survey)
    w = omni_report.study.weights.to_numpy()
    first = omni_report.personas.names_[0]
    assert shares[first] == pytest.approx(w[labels == 0].sum() / w.sum())
    assert shares.sum() == pytest.approx(1.0)


# ---------------------------------------------------------------- weighted quarter comparison

def test_quarter_comparison_is_weighted_and_equal_weights_change_nothing():
    from cjm_research.journey.compare import compare_answers

    q1, q2 = (load_study(f"{OMNI}/study.yml", quarter=q) for q in ("2026Q1", "2026Q2"))
    a, b = q1.survey.assign(persona="all"), q2.survey.assign(persona="all")
    options = {"columns": q2.columns, "framework": q2.framework}
    plain = compare_answers(a, b, **options)
    equal = compare_answers(a.assign(eq=2.0), b.assign(eq=2.0), weights="eq", **options)
    numbers = ["earlier", "later", "change", "ci_low", "ci_high", "p_unc", "p_adj", "mde"]
    pd.testing.assert_frame_equal(plain[numbers], equal[numbers])
    weighted = compare_answers(a, b, weights="weight", **options)
    nps = weighted[weighted["metric"] == "nps"].iloc[0]
    by_hand = metrics.compare_samples(a["nps"], b["nps"], metric="nps",
                              weights=(a["weight"], b["weight"])).iloc[0]
    assert (nps["change"], nps["p_unc"]) == (pytest.approx(by_hand["difference"]),
                                             pytest.approx(by_hand["p_unc"]))
    assert nps["change"] != pytest.approx(plain[plain["metric"] == "nps"].iloc[0]["change"])


def test_compare_quarters_uses_the_study_weights():
    from cjm_research.journey.compare import compare_answers, compare_quarters

    q1, q2 = (load_study(f"{OMNI}/study.yml", quarter=q) for q in ("2026Q1", "2026Q2"))
    out = compare_quarters(q1, q2, progress=False)
    expected = compare_answers(q1.survey.assign(persona="all"), q2.survey.assign(persona="all"),
                               columns=q2.columns, framework=q2.framework, weights="weight")
    # compare_quarters also tests the study's outcome (one more cell in the Holm family): compare
    # the weighted changes and unadjusted p-values cell by cell.
    merged = out.merge(expected, on=["metric", "stage", "item"], suffixes=("", "_expected"))
    assert len(merged) == len(expected) and len(out) == len(expected) + 1
    assert np.allclose(merged["change"], merged["change_expected"])
    assert np.allclose(merged["p_unc"], merged["p_unc_expected"])


def test_quarter_comparison_reports_n_and_effective_n():
    from cjm_research.journey.compare import compare_answers

    q1, q2 = (load_study(f"{OMNI}/study.yml", quarter=q) for q in ("2026Q1", "2026Q2"))
    a, b = q1.survey.assign(persona="all"), q2.survey.assign(persona="all")
    options = {"columns": q2.columns, "framework": q2.framework}
    plain = compare_answers(a, b, **options)
    assert (plain["n_eff_earlier"] == plain["n_earlier"]).all()
    weighted = compare_answers(a, b, weights="weight", **options)
    nps = weighted[weighted["metric"] == "nps"].iloc[0]
    answered = a["nps"].notna()
    assert nps["n_eff_earlier"] == pytest.approx(wt.effective_n(a.loc[answered, "weight"]))
    assert nps["n_eff_earlier"] < nps["n_earlier"]
