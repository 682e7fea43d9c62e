"""Key drivers and the importance-performance quadrant against independent calculations."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cjm_research.evidence import drivers as kd
from cjm_research.viz.drivers import plot_drivers, plot_importance_performance
from cjm_research.core.errors import DataError, ParameterError


def ols_r2(X, y):
    X1 = np.column_stack([np.ones(len(X)), X])
    resid = y - X1 @ np.linalg.lstsq(X1, y, rcond=None)[0]
    return 1 - resid.var() / y.var()


@pytest.fixture(scope="module")
def survey():
    rng = np.random.default_rng(7)
    n = 400
    base = rng.normal(size=n)
    df = pd.DataFrame({
        "tp_app": base + rng.normal(size=n),
        "tp_payment": 0.5 * base + rng.normal(size=n),
        "tp_store": rng.normal(size=n),
    })
    df["overall"] = 1.5 * df.tp_payment + 0.7 * df.tp_app + 0.1 * df.tp_store + rng.normal(size=n)
    return df


def test_weights_sum_to_ols_r2(survey):
    cols = ["tp_app", "tp_payment", "tp_store"]
    r2 = ols_r2(survey[cols].to_numpy(), survey["overall"].to_numpy())
    for method in ("relative_weights", "shapley"):
        out = kd.key_drivers(survey, cols, "overall", method=method, n_boot=0)
        assert out["importance"].sum() == pytest.approx(r2)
        assert out["share"].sum() == pytest.approx(1)


def test_orthogonal_drivers_get_their_squared_correlations():
    # Exactly orthogonal, centred columns: every decomposition gives r_j^2.
    # QR of centred columns gives orthonormal columns that stay centred (they span a space
    # orthogonal to the constant), so their correlations are exactly zero.
    Z = np.random.default_rng(1).normal(size=(50, 3))
    X = np.linalg.qr(Z - Z.mean(axis=0))[0]
    y = X @ [3.0, 2.0, 1.0] + np.random.default_rng(2).normal(scale=0.05, size=50)
    df = pd.DataFrame(X, columns=["a", "b", "c"]).assign(y=y)
    r = df.corr()["y"][["a", "b", "c"]].to_numpy()
    corr = df.corr().to_numpy()
    np.testing.assert_allclose(kd.relative_weights(corr), r ** 2, atol=1e-3)
    np.testing.assert_allclose(kd.shapley_r2(corr), r ** 2, atol=1e-3)


def test_shapley_two_drivers_closed_form(survey):
    cols = ["tp_app", "tp_payment"]
    X, y = survey[cols].to_numpy(), survey["overall"].to_numpy()
    r2_a, r2_b, r2_ab = ols_r2(X[:, :1], y), ols_r2(X[:, 1:], y), ols_r2(X, y)
    expected = [(r2_a + r2_ab - r2_b) / 2, (r2_b + r2_ab - r2_a) / 2]
    got = kd.shapley_r2(survey[[*cols, "overall"]].corr().to_numpy())
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_relative_weights_close_to_shapley_and_ranked(survey):
    cols = ["tp_app", "tp_payment", "tp_store"]
    rw = kd.key_drivers(survey, cols, "overall", n_boot=0).set_index("driver")
    sh = kd.key_drivers(survey, cols, "overall", method="shapley", n_boot=0).set_index("driver")
    assert (rw["share"] - sh["share"]).abs().max() < 0.03  # 3 percentage points
    assert rw.index.tolist() == ["tp_payment", "tp_app", "tp_store"]
    assert rw["rank"].tolist() == [1, 2, 3]


def test_bootstrap_is_seeded_and_brackets_the_share(survey):
    cols = ["tp_app", "tp_payment", "tp_store"]
    a = kd.key_drivers(survey, cols, "overall", n_boot=100, random_state=4)
    b = kd.key_drivers(survey, cols, "overall", n_boot=100, random_state=4)
    pd.testing.assert_frame_equal(a, b)
    assert ((a["ci_low"] <= a["share"]) & (a["share"] <= a["ci_high"])).all()


def test_listwise_and_pairwise_missing(survey):
    df = survey.copy()
    df.loc[:99, "tp_store"] = np.nan
    cols = ["tp_app", "tp_payment", "tp_store"]
    assert kd.key_drivers(df, cols, "overall", n_boot=0)["n"].iloc[0] == 300
    assert kd.key_drivers(df, cols, "overall", n_boot=0, missing="pairwise")["n"].iloc[0] == 400


def test_importance_performance_quadrants_by_hand():
    importance = pd.DataFrame({"driver": ["a", "b", "c", "d"], "share": [0.4, 0.3, 0.2, 0.1],
                               "ci_low": np.nan, "ci_high": np.nan})
    data = pd.DataFrame({"a": [2, 2, 3], "b": [5, 4, 5], "c": [2, 1, 2], "d": [5, 5, 4]})
    table = kd.importance_performance(data, list("abcd"), "unused", importance=importance)
    # performance: mean rescaled to 0..100 on 1..5
    assert table["performance"].tolist() == pytest.approx(
        [100 * (7 / 3 - 1) / 4, 100 * (14 / 3 - 1) / 4, 100 * (5 / 3 - 1) / 4, 100 * (14 / 3 - 1) / 4])
    assert table.set_index("driver")["quadrant"].to_dict() == {
        "a": "fix first", "b": "keep up the good work", "c": "low priority",
        "d": "possible overkill"}
    ax = plot_importance_performance(table)
    assert len(ax.texts) == 4
    plt.close("all")


def test_plot_drivers_returns_the_axes(survey):
    fig, ax = plt.subplots()
    table = kd.key_drivers(survey, ["tp_app", "tp_payment"], "overall", n_boot=20)
    assert plot_drivers(table, ax=ax) is ax
    assert len(ax.patches) == 2
    plt.close(fig)


def test_errors(survey):
    with pytest.raises(DataError, match="tp_missing"):
        kd.key_drivers(survey, ["tp_missing"], "overall")
    with pytest.raises(ParameterError, match="`method`"):
        kd.key_drivers(survey, ["tp_app"], "overall", method="lmg")
    with pytest.raises(DataError, match="constant"):
        kd.key_drivers(survey.assign(k=1.0), ["tp_app", "k"], "overall")
    with pytest.raises(DataError, match="non-numeric"):
        kd.key_drivers(survey.assign(t="x"), ["tp_app", "t"], "overall")


def test_pairwise_without_overlap_is_a_clear_error():
    df = pd.DataFrame({"a": [1, 2, 3, 4, None, None, None, None],
                       "b": [None, None, None, None, 1, 2, 3, 5],
                       "y": [1, 2, 3, 4, 2, 3, 1, 5]})
    with pytest.raises(DataError, match="a & b"):
        kd.key_drivers(df, ["a", "b"], "y", missing="pairwise", n_boot=0)
