"""Key-driver analysis: which touchpoint ratings drive overall satisfaction or NPS.

Importance is a relative-importance decomposition of the R^2 of the outcome on the ratings:
Johnson's relative weights (Johnson 2000; fast, the default) or the exact Shapley R^2
decomposition (LMG), both computed from the correlation matrix and with seeded bootstrap
percentile intervals. With survey ``weights=`` (a column) the correlations are weighted Pearson
correlations and each bootstrap resample of respondents keeps their weights. :func:`importance_performance` crosses importance with each touchpoint's
performance to find the "fix first" touchpoints (important, yet rated low).

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> df = pd.DataFrame(rng.normal(size=(200, 3)), columns=["tp_app", "tp_payment", "tp_store"])
>>> df["overall"] = 2 * df.tp_payment + df.tp_app + rng.normal(size=200)
>>> key_drivers(df, ["tp_app", "tp_payment", "tp_store"], "overall", n_boot=50)["driver"].tolist()
['tp_payment', 'tp_app', 'tp_store']
"""

from __future__ import annotations

from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..core.errors import DataError, ParameterError, check_choice, preview
from .intervals import percentile_interval
from .weights import check_weights, effective_n, weighted_corr

QUADRANTS = {(True, False): "fix first", (True, True): "keep up the good work",
             (False, False): "low priority", (False, True): "possible overkill"}
MAX_SHAPLEY_DRIVERS = 15  # 2**15 subsets; beyond that relative weights are the practical choice


def relative_weights(corr: np.ndarray) -> np.ndarray:
    """Johnson's relative weights from the correlation matrix of ``[drivers..., outcome]``.

    The drivers are replaced by their closest orthogonal counterparts; each driver's weight is its
    share of those counterparts' contributions. The weights sum to the model R^2.
    """
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    values, vectors = np.linalg.eigh(rxx)
    # Clip tiny negative eigenvalues from pairwise-complete correlation matrices.
    lam = vectors @ np.diag(np.sqrt(np.clip(values, 0, None))) @ vectors.T
    beta = np.linalg.lstsq(lam, rxy, rcond=None)[0]
    return (lam ** 2) @ (beta ** 2)


def _r2(corr: np.ndarray, subset: tuple) -> float:
    if not subset:
        return 0.0
    idx = list(subset)
    rxy = corr[idx, -1]
    return float(rxy @ np.linalg.lstsq(corr[np.ix_(idx, idx)], rxy, rcond=None)[0])


def shapley_r2(corr: np.ndarray) -> np.ndarray:
    """Exact Shapley decomposition of R^2 (LMG): each driver's average gain over all orders."""
    p = corr.shape[0] - 1
    r2 = {s: _r2(corr, s) for k in range(p + 1) for s in combinations(range(p), k)}
    out = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            weight = factorial(k) * factorial(p - k - 1) / factorial(p)
            for s in combinations(others, k):
                out[j] += weight * (r2[tuple(sorted((*s, j)))] - r2[s])
    return out


METHODS = {"relative_weights": relative_weights, "shapley": shapley_r2}


def _matrix(data: pd.DataFrame, drivers: list, outcome: str, missing: str,
            weights: str | None = None) -> pd.DataFrame:
    """The numeric rating matrix (the weight column last, when weighted) of the usable rows."""
    if weights is not None:
        data = data.assign(**{weights: check_weights(data, weights)})
        data = data[data[weights] > 0]  # a zero weight carries no information on correlations
    cols = [*drivers, outcome]
    absent = [c for c in cols if c not in data.columns]
    if absent:
        raise DataError(f"Column(s) {preview(absent)} not found; the frame has "
                        f"{preview(data.columns, limit=12)}.")
    frame = data[cols].apply(pd.to_numeric, errors="coerce").astype(float)
    bad = [c for c in cols if (data[c].notna() & frame[c].isna()).any()]
    if bad:
        raise DataError(f"Column(s) {preview(bad)} hold non-numeric values; key drivers need "
                        f"numeric ratings.")
    frame = frame.dropna() if missing == "listwise" else frame.dropna(subset=[outcome])
    constant = [c for c in cols if frame[c].nunique() < 2]
    if constant or len(frame) < len(cols) + 2:
        raise DataError(f"Key drivers need varying ratings and more rows than drivers: "
                        f"{len(frame)} usable rows, constant column(s) {preview(constant)}.")
    return frame if weights is None else frame.assign(**{weights: data.loc[frame.index, weights]})


def _corr(values: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    """Pearson correlations of the columns (pairwise complete), weighted when ``weights`` is given."""
    if weights is None:
        return pd.DataFrame(values).corr().to_numpy()
    return weighted_corr(values, weights)


def _correlations(frame: pd.DataFrame, weights: np.ndarray | None = None) -> np.ndarray:
    corr = pd.DataFrame(_corr(frame.to_numpy(), weights), index=frame.columns,
                        columns=frame.columns) if weights is not None else frame.corr()
    if corr.isna().to_numpy().any():
        pairs = [f"{a} & {b}" for i, a in enumerate(corr.columns) for b in corr.columns[i + 1:]
                 if np.isnan(corr.loc[a, b])]
        raise DataError(f"No respondent rated both of {preview(pairs)} (or one did not vary "
                        f"among those who did); drop one of each pair or use missing='listwise'.")
    return corr.to_numpy()


def key_drivers(data: pd.DataFrame, drivers, outcome: str, *, method="relative_weights",
                missing="listwise", weights=None, n_boot=500, confidence=0.95, random_state=0,
                progress=False) -> pd.DataFrame:
    """Relative importance of each driver for ``outcome``, with bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    drivers : list of str
        Rating columns (touchpoint ratings).
    outcome : str
        Overall satisfaction or the NPS item.
    method : {"relative_weights", "shapley"}
    missing : {"listwise", "pairwise"}
        Drop respondents with any missing rating, or use pairwise-complete correlations (keeps
        respondents who skipped touchpoints they did not use).
    weights : str, optional
        Column of survey weights: weighted correlations, resamples that keep each respondent's
        weight, and the Kish ``n_eff`` of the rows used.
    n_boot : int
        Seeded bootstrap resamples of respondents for the intervals (0 for none).

    Returns
    -------
    DataFrame
        ``driver``, ``importance`` (share of R^2 it carries; the column sums to ``r2``),
        ``share`` (its fraction of R^2, 0..1; the column sums to 1), ``ci_low``, ``ci_high``
        (interval of ``share``), ``rank``, ``n``,
        ``n_eff``, ``r2``, ``method``; sorted by importance.
    """
    check_choice("method", method, list(METHODS))
    check_choice("missing", missing, ["listwise", "pairwise"])
    drivers = list(drivers)
    if method == "shapley" and len(drivers) > MAX_SHAPLEY_DRIVERS:
        raise ParameterError(f"method='shapley' handles at most {MAX_SHAPLEY_DRIVERS} drivers, "
                             f"but {len(drivers)} were passed; use 'relative_weights'.")
    frame = _matrix(data, drivers, outcome, missing, weights)
    w = None if weights is None else frame.pop(weights).to_numpy(dtype=float)
    importance = METHODS[method](_correlations(frame, w))
    low, high = _bootstrap(frame, METHODS[method], n_boot, confidence, random_state, progress, w)
    r2 = importance.sum()
    out = pd.DataFrame({"driver": drivers, "importance": importance, "share": importance / r2,
                        "ci_low": low, "ci_high": high, "n": len(frame),
                        "n_eff": float(len(frame)) if w is None else effective_n(w), "r2": r2,
                        "method": method})
    out = out.sort_values("importance", ascending=False, ignore_index=True)
    out.insert(3, "rank", np.arange(1, len(out) + 1))
    return out


def _bootstrap(frame, fn, n_boot, confidence, random_state, progress, w=None):
    if n_boot <= 0:
        return np.nan, np.nan
    rng = np.random.default_rng(random_state)
    values = frame.to_numpy()
    shares = []
    for _ in tqdm(range(n_boot), desc="key-driver bootstrap", disable=not progress):
        rows = rng.integers(0, len(values), len(values))
        corr = _corr(values[rows], None if w is None else w[rows])
        if np.isnan(corr).any():
            continue  # a resample where some rating did not vary carries no information
        importance = fn(corr)
        shares.append(importance / importance.sum())
    if not shares:
        return np.nan, np.nan
    return percentile_interval(np.array(shares), confidence=confidence, axis=0)


def importance_performance(data: pd.DataFrame, drivers, outcome: str, *, scale=(1, 5),
                           importance: pd.DataFrame | None = None, labels=None,
                           weights=None, **options) -> pd.DataFrame:
    """Importance-performance quadrant table: "fix first" = high importance, low performance.

    Performance is the mean rating rescaled to 0..100 on ``scale``; importance is the ``share``
    column of :func:`key_drivers` (a fraction of R², 0..1) (computed here unless ``importance`` is given). The cut lines
    are the averages across drivers, the usual choice in importance-performance analysis. With
    ``weights`` (a column) performance is the weighted mean rating and importance is weighted.

    Returns
    -------
    DataFrame
        ``driver``, ``label``, ``importance``, ``ci_low``, ``ci_high``, ``performance``, ``n``,
        ``quadrant``; with the cut lines in ``.attrs["importance_cut"]`` and
        ``.attrs["performance_cut"]``.
    """
    drivers = list(drivers)
    imp = importance if importance is not None else key_drivers(data, drivers, outcome,
                                                                 weights=weights, **options)
    low, high = scale
    w = None if weights is None else check_weights(data, weights)
    perf = {d: 100 * (_mean(pd.to_numeric(data[d], errors="coerce"), w) - low) / (high - low)
            for d in drivers}
    table = imp[["driver", "share", "ci_low", "ci_high"]].rename(columns={"share": "importance"})
    table["performance"] = table["driver"].map(perf)
    table["n"] = table["driver"].map(lambda d: int(data[d].notna().sum()))
    table.insert(1, "label", table["driver"].map(lambda d: (labels or {}).get(d, d)))
    imp_cut, perf_cut = table["importance"].mean(), table["performance"].mean()
    table["quadrant"] = [QUADRANTS[(i >= imp_cut, p >= perf_cut)]
                         for i, p in zip(table["importance"], table["performance"])]
    table.attrs.update(importance_cut=imp_cut, performance_cut=perf_cut)
    return table


def _mean(values: pd.Series, w: pd.Series | None) -> float:
    if w is None:
        return values.mean()
    ok = values.notna() & (w > 0)
    return float(np.average(values[ok], weights=w[ok])) if ok.any() else np.nan
