"""Survey weights: checking a weight column, the Kish effective sample size, and raking.

Real trackers weight respondents so that the sample looks like the customer base (by channel,
region, age band). A study either names a column of ready-made weights (``weights: w``) or
declares population margins and lets the toolkit rake to them::

    weighting:
      rake_to:
        channel: {app: 0.5, web: 0.3, store: 0.2}
        age_band: {18-34: 0.4, 35-54: 0.4, 55+: 0.2}

How weighted estimates get their intervals
------------------------------------------
Every weighted metric is the weighted share or mean, and its interval is the unweighted formula
evaluated at the **Kish effective sample size** ``n_eff = (sum w)^2 / sum w^2`` (Kish 1965): the
weighted share ``p_w = sum(w * hit) / sum(w)`` goes into the Wilson interval as ``p_w * n_eff``
successes out of ``n_eff``; NPS goes into the adjusted-Wald interval with ``p_w * n_eff``
promoters and ``d_w * n_eff`` detractors; a mean uses the weighted variance
``sum w (x - m)^2 / sum w * n_eff / (n_eff - 1)`` and ``n_eff - 1`` degrees of freedom. With equal
weights ``n_eff = n`` and every formula is exactly the unweighted one. The design effect of the
weights is ``n / n_eff`` and the weighting efficiency ``n_eff / n``. This is the approximation
survey practice quotes for weighting alone (no clusters or strata); it ignores any correlation
between the weights and the answers, which a full linearisation would capture.

Why weightipy for raking
------------------------
Three maintained-or-once-maintained Python libraries rake; ``benchmarks/bench_raking.py`` rakes
the same synthetic survey (three interacting margins, 2,000 and 100,000 respondents) with each and
compares them with a plain IPF run to 1e-12:

============  ==================  ======================  =========================================
library       worst margin error  time at n=100,000       maintenance (release as of 2026-12)
============  ==================  ======================  =========================================
weightipy     1e-14 pp            0.04 s                  0.4.2, 2026-02; the RIM engine of quantipy
samplics      3e-7 pp             2.1 s                   0.6.1, but archived: warns "no longer
                                                          maintained", pulls in polars
ipfn          7e-6 pp             0.12 s                  1.4.4, last release 2021-12
============  ==================  ======================  =========================================

weightipy hits the margins exactly, is the fastest (at n=100,000 ipfn takes 1.7-3x and samplics
40-54x as long; figures of two runs in ``benchmarks/README.md``) and is the one still released, so
:func:`rake` uses it. Its quirks are handled here: it prints convergence notes (silenced), it
turns a weight of exactly 0 into 1 (so zero targets are refused), and it stops on relative
improvement (so the achieved margins are checked afterwards and a miss is an error).

Examples
--------
>>> import pandas as pd
>>> w = pd.Series([1.0, 1.0, 2.0, 4.0])
>>> round(effective_n(w), 3), round(design_effect(w), 3)
(2.909, 1.375)
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd

from ..core.errors import ConfigError, DataError, preview
from .intervals import t_half_width

MARGIN_TOLERANCE = 1e-4  # raked shares must land within 0.01 percentage points of the targets


# --------------------------------------------------------------------------- the weight column

def check_weights(data: pd.DataFrame, weights: str) -> pd.Series:
    """The ``weights`` column of ``data`` as floats, or one DataError naming every bad row.

    Weights must be numbers, present, not negative, and not all zero. Zero weights are allowed
    (a respondent trimmed out of the estimate) as long as some weight is positive.

    Examples
    --------
    >>> check_weights(pd.DataFrame({"w": [1, 0.5, 2]}), "w").tolist()
    [1.0, 0.5, 2.0]
    >>> check_weights(pd.DataFrame({"w": [1, -2, None]}), "w")
    Traceback (most recent call last):
    ...
    cjm_research.core.errors.DataError: weights column 'w' is not usable: missing in rows [2]; negative (-2.0) in rows [1]. Weights must be non-negative numbers, and not all zero.
    """
    if not isinstance(weights, str) or weights not in data.columns:
        raise DataError(f"weights column {weights!r} not found; the frame has "
                        f"{preview(data.columns, limit=12)}.")
    raw = data[weights]
    values = pd.to_numeric(raw, errors="coerce") if raw.dtype != bool else raw.astype(float)
    values = values.astype(float)
    problems = []
    text = raw.notna() & values.isna()
    if text.any():
        problems.append(f"non-numeric ({preview(raw[text].unique().tolist(), 3)}) in rows "
                        f"{_rows(raw.index[text])}")
    for label, bad in [("missing", raw.isna()), ("infinite", np.isinf(values)),
                       ("negative", values < 0)]:
        if bad.any():
            shown = "" if label == "missing" else f" ({preview(values[bad].unique().tolist(), 3)})"
            problems.append(f"{label}{shown} in rows {_rows(raw.index[bad])}")
    if not problems and not (values > 0).any():
        problems.append(f"all {len(values)} weights are zero")
    if problems:
        raise DataError(f"weights column {weights!r} is not usable: {'; '.join(problems)}. "
                        "Weights must be non-negative numbers, and not all zero.")
    return values


def _rows(index, limit: int = 8) -> str:
    shown = [v.item() if hasattr(v, "item") else v for v in list(index[:limit])]
    rest = len(index) - limit
    return f"{shown}" + (f" (+{rest} more)" if rest > 0 else "")


# --------------------------------------------------------------------------- Kish figures

def effective_n(w) -> float:
    """Kish effective sample size ``(sum w)^2 / sum w^2``; 0 when every weight is 0.

    Examples
    --------
    >>> effective_n([1, 1, 1, 1])
    4.0
    """
    w = np.asarray(w, dtype=float)
    total_sq = float((w ** 2).sum())
    return float(w.sum() ** 2 / total_sq) if total_sq > 0 else 0.0


def design_effect(w) -> float:
    """Kish design effect of weighting, ``n / n_eff`` (1 for equal weights).

    Examples
    --------
    >>> design_effect([1, 3])
    1.25
    """
    n_eff = effective_n(w)
    return float(len(np.asarray(w)) / n_eff) if n_eff > 0 else float("nan")


def weighting_efficiency(w) -> float:
    """``n_eff / n`` as a fraction 0..1: the share of the sample's information kept by weighting.

    Examples
    --------
    >>> weighting_efficiency([1, 3])
    0.8
    """
    n = len(np.asarray(w))
    return effective_n(w) / n if n else float("nan")


def weighted_share(hit, w) -> tuple[float, float]:
    """Weighted share of true values and the Kish n_eff of the weights used.

    Examples
    --------
    >>> weighted_share([True, False, True], [1.0, 2.0, 1.0])
    (0.5, 2.6666666666666665)
    """
    hit, w = np.asarray(hit, dtype=float), np.asarray(w, dtype=float)
    total = w.sum()
    return (float((w * hit).sum() / total) if total > 0 else float("nan")), effective_n(w)


def weighted_mean_sd(x, w) -> tuple[float, float, float]:
    """Weighted mean, weighted standard deviation and n_eff.

    The variance is ``sum w (x - m)^2 / sum w`` scaled by ``n_eff / (n_eff - 1)``, the weighted
    analogue of ``ddof=1``: with equal weights it is exactly the sample variance. Below
    ``n_eff = 1`` (one effective respondent) the standard deviation is ``nan``.

    Examples
    --------
    >>> [round(v, 4) for v in weighted_mean_sd([2, 4, 6], [1, 1, 1])]
    [4.0, 2.0, 3.0]
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    total, n_eff = w.sum(), effective_n(w)
    if total <= 0:
        return float("nan"), float("nan"), 0.0
    mean = float((w * x).sum() / total)
    if n_eff <= 1:
        return mean, float("nan"), n_eff
    var = float((w * (x - mean) ** 2).sum() / total) * n_eff / (n_eff - 1)
    return mean, float(np.sqrt(var)), n_eff


def weighted_corr(values: np.ndarray, w) -> np.ndarray:
    """Weighted Pearson correlation matrix of the columns of ``values`` (pairwise complete).

    Each pair uses the rows where both are present, like :meth:`pandas.DataFrame.corr`; with
    equal weights the result is that of ``DataFrame.corr()``. A pair with no variance is ``nan``.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, 4.1], [3.0, 5.9]])
    >>> bool(np.allclose(weighted_corr(x, [1, 1, 1]), pd.DataFrame(x).corr()))
    True
    """
    values, w = np.asarray(values, dtype=float), np.asarray(w, dtype=float)
    if not np.isnan(values).any():  # complete data: one weighted covariance matrix
        centred = values - np.average(values, axis=0, weights=w)
        cov = (centred * w[:, None]).T @ centred
        sd = np.sqrt(np.diag(cov))
        with np.errstate(invalid="ignore", divide="ignore"):
            out = cov / np.outer(sd, sd)
        np.fill_diagonal(out, np.where(sd > 0, 1.0, np.nan))
        return out
    p = values.shape[1]
    out = np.eye(p)
    for i in range(p):
        for j in range(i + 1, p):
            ok = ~np.isnan(values[:, i]) & ~np.isnan(values[:, j]) & (w > 0)
            out[i, j] = out[j, i] = _corr_pair(values[ok, i], values[ok, j], w[ok])
    return out


def _corr_pair(a, b, w) -> float:
    if w.sum() <= 0:
        return float("nan")
    da, db = a - np.average(a, weights=w), b - np.average(b, weights=w)
    denominator = np.sqrt((w * da ** 2).sum() * (w * db ** 2).sum())
    return float((w * da * db).sum() / denominator) if denominator > 0 else float("nan")


def summarise_weights(w, *, source: str, margins: dict | None = None) -> dict:
    """What a report says about the weights: their source, n, n_eff, efficiency, design effect.

    ``source`` is the weight column's name or ``"raking"``; ``margins`` the raking targets.

    Examples
    --------
    >>> s = summarise_weights([1.0, 1.0, 2.0, 4.0], source="w")
    >>> s["n"], round(s["n_eff"], 2), round(s["efficiency"], 3), round(s["design_effect"], 3)
    (4, 2.91, 0.727, 1.375)
    """
    w = np.asarray(w, dtype=float)
    positive = w[w > 0]
    return {"source": source, "margins": margins or {}, "n": len(w),
            "n_eff": effective_n(w), "efficiency": weighting_efficiency(w),
            "design_effect": design_effect(w),
            "min": float(positive.min()) if len(positive) else float("nan"),
            "max": float(w.max()) if len(w) else float("nan")}


# --------------------------------------------------------------------------- raking

def check_margins(margins, *, source: str = "study") -> dict[str, dict[str, float]]:
    """Population margins as ``{variable: {level: share}}`` with shares summing to 1.

    Shares may be written as fractions (summing to 1) or percentages (summing to 100); every
    share must be positive (a level with no one in the population should not be in the sample).

    Examples
    --------
    >>> check_margins({"channel": {"app": 50, "web": 30, "store": 20}})
    {'channel': {'app': 0.5, 'web': 0.3, 'store': 0.2}}
    """
    where = f"{source}, key 'weighting.rake_to'"
    if not isinstance(margins, dict) or not margins:
        raise ConfigError(f"{where} must map each variable to its population shares, e.g. "
                          f"{{channel: {{app: 0.5, web: 0.5}}}}; got {margins!r}.")
    out = {}
    for variable, shares in margins.items():
        out[str(variable)] = _margin(shares, f"{where}.{variable}")
    return out


def _margin(shares, where: str) -> dict[str, float]:
    if not isinstance(shares, dict) or len(shares) < 2:
        raise ConfigError(f"{where} must map at least two levels to shares, got {shares!r}.")
    try:
        values = {str(k): float(v) for k, v in shares.items()}
    except (TypeError, ValueError):
        raise ConfigError(f"{where} has a share that is not a number: {shares!r}.") from None
    bad = [k for k, v in values.items() if not v > 0]
    if bad:
        raise ConfigError(f"{where} has shares that are not positive for {preview(bad)}; "
                          "every level needs a share above 0.")
    total = sum(values.values())
    scale = 1.0 if abs(total - 1) < 0.01 else 100.0 if abs(total - 100) < 1 else None
    if scale is None:
        raise ConfigError(f"{where} shares sum to {total:g}; expected 1 (fractions) or 100 "
                          "(percentages).")
    return {k: v / scale / (total / scale) for k, v in values.items()}


def _rake_frame(data: pd.DataFrame, margins: dict, source: str) -> pd.DataFrame:
    """The margin columns as text, after checking every respondent falls in a declared level."""
    absent = [c for c in margins if c not in data.columns]
    if absent:
        raise DataError(f"{source}: raking needs column(s) {preview(absent)} named in "
                        f"'weighting.rake_to'; the survey has {preview(data.columns, limit=12)}.")
    frame = pd.DataFrame(index=data.index)
    for column, shares in margins.items():
        raw = data[column]
        if raw.isna().any():
            raise DataError(f"{source}, column {column!r}: raking needs a value for every "
                            f"respondent, but rows {_rows(data.index[raw.isna()])} are missing.")
        text = raw.map(_level)
        unknown = sorted(set(text) - set(shares))
        if unknown:
            raise DataError(f"{source}, column {column!r} has values {preview(unknown)} "
                            f"(in {int(text.isin(unknown).sum())} rows) that "
                            f"'weighting.rake_to.{column}' gives no share; it has "
                            f"{preview(shares, limit=10)}.")
        empty = [level for level in shares if level not in set(text)]
        if empty:
            raise DataError(f"{source}, column {column!r}: no respondent has {preview(empty)}, "
                            "so raking cannot give that part of the population any weight; "
                            "merge it with a neighbouring level in 'weighting.rake_to'.")
        frame[column] = text
    return frame


def _level(value) -> str:
    # YAML reads `1: 0.3` as an int key and a survey may hold 1.0: compare both as "1".
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def rake(data: pd.DataFrame, margins: dict, *, max_iterations: int = 1000,
         source: str = "survey") -> pd.Series:
    """Rake (iterative proportional fitting) respondents to population ``margins``.

    Parameters
    ----------
    data : DataFrame
        One row per respondent with a column for each margin variable.
    margins : dict
        ``{variable: {level: share}}``; see :func:`check_margins`.
    max_iterations : int
        Upper bound on IPF sweeps (weightipy's RIM engine).
    source : str
        The file the data came from, for error messages.

    Returns
    -------
    Series
        Weights named ``weight``, aligned with ``data``, averaging 1 (they sum to n).

    Examples
    --------
    >>> df = pd.DataFrame({"channel": ["app"] * 6 + ["web"] * 2 + ["store"] * 2})
    >>> w = rake(df, {"channel": {"app": 0.5, "web": 0.3, "store": 0.2}})
    >>> w.groupby(df["channel"]).sum().div(w.sum()).round(3).to_dict()
    {'app': 0.5, 'store': 0.2, 'web': 0.3}
    """
    import weightipy

    margins = check_margins(margins, source=source)
    frame = _rake_frame(data, margins, source).reset_index(drop=True)
    scheme = weightipy.scheme_from_dict(
        {c: {k: 100 * v for k, v in m.items()} for c, m in margins.items()}, name="rake",
        rim_params={"convcrit": 1e-9, "max_iterations": max_iterations})
    with contextlib.redirect_stdout(io.StringIO()):  # weightipy prints convergence notes
        w = weightipy.weight(frame, scheme).to_numpy(dtype=float)
    w = pd.Series(w / w.mean(), index=data.index, name="weight")
    worst = margin_table(frame.set_index(data.index), w, margins)["difference"].abs().max()
    if worst > MARGIN_TOLERANCE:
        raise DataError(f"{source}: raking did not reach the margins in 'weighting.rake_to' "
                        f"after {max_iterations} iterations (worst cell off by "
                        f"{100 * worst:.2f} percentage points); the margins may contradict "
                        "the sample (a combination nobody in it has).")
    return w


def margin_table(data: pd.DataFrame, w, margins: dict) -> pd.DataFrame:
    """Target, unweighted and weighted share of every margin level (shares 0..1).

    Examples
    --------
    >>> df = pd.DataFrame({"channel": ["app", "app", "web"]})
    >>> margin_table(df, [0.75, 0.75, 1.5], {"channel": {"app": 0.5, "web": 0.5}})
      variable level  target  share_unweighted  share  difference
    0  channel   app     0.5          0.666667    0.5         0.0
    1  channel   web     0.5          0.333333    0.5         0.0
    """
    w = np.asarray(w, dtype=float)
    rows = []
    for column, shares in margins.items():
        levels = data[column].map(_level).to_numpy()
        for level, target in shares.items():
            hit = levels == level
            share = float(w[hit].sum() / w.sum())
            rows.append({"variable": column, "level": level, "target": target,
                         "share_unweighted": float(hit.mean()), "share": share,
                         "difference": share - target})
    return pd.DataFrame(rows)


def weighted_t_interval(x, w, *, confidence: float = 0.95) -> tuple[float, float, float, float]:
    """Weighted mean, its t interval at the Kish n_eff (``n_eff - 1`` degrees of freedom), n_eff.

    Missing values are dropped with their weights. With equal weights this is the ordinary t
    interval of the mean.

    Examples
    --------
    >>> [round(v, 3) for v in weighted_t_interval([1, 2, 3, 4, 5], [2, 2, 2, 2, 2])]
    [3.0, 1.037, 4.963, 5.0]
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    keep = ~np.isnan(x)
    mean, sd, n_eff = weighted_mean_sd(x[keep], w[keep])
    half = t_half_width(sd, n_eff, confidence=confidence) if n_eff >= 2 else float("nan")
    return mean, mean - half, mean + half, n_eff
