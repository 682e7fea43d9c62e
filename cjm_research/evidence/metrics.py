"""CX metrics with honest intervals: NPS, CSAT, CES, conversion and repurchase rates.

Every function takes a Series, or a DataFrame with ``column`` and optional ``by=`` groups, and
returns a tidy frame: the by-columns, ``estimate``, ``ci_low``, ``ci_high``, ``n`` (answers used),
``n_missing`` (missing answers dropped) and a caption-ready ``definition``. Scales follow
docs/data-model.md: NPS -100..100, CSAT top-2-box percentage, CES mean on 1..7, conversion and
repurchase rates as percentages.

Comparisons between two samples (quarters, personas) live in :func:`compare` and
:func:`compare_groups`; :func:`adjust_pvalues` corrects for the many cells of a map and
:func:`minimum_detectable_effect` says what change a sample could have detected.

Examples
--------
>>> import pandas as pd
>>> from cjm_research import metrics
>>> metrics.nps(pd.Series([10, 9, 8, 6, 10], name="nps"))[["estimate", "n"]]
   estimate  n
0      40.0  5
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from ..core.errors import DataError, ParameterError, check_choice, preview
from .intervals import (detectable_difference, level_label, newcombe, nps_adjusted_wald, nps_parts,
                        percentile_interval, t_half_width, wilson, z_value)

RESULT_COLUMNS = ["estimate", "ci_low", "ci_high", "n", "n_missing", "definition"]
METRICS = ["nps", "csat", "ces", "conversion_rate", "repurchase_rate"]


# --------------------------------------------------------------------------- input handling

# metric -> (lowest value, highest value, whether higher is better); emotion is a lane on -1..+1
METRIC_RANGES = {
    "nps": (-100.0, 100.0, True),
    "csat": (0.0, 100.0, True),
    "ces": (1.0, 7.0, False),
    "conversion_rate": (0.0, 100.0, True),
    "repurchase_rate": (0.0, 100.0, True),
    "emotion": (-1.0, 1.0, True),
}


def _prepare(data, column, by) -> tuple[pd.DataFrame, str, list[str]]:
    """Normalise the (data, column, by) arguments into a frame, its column and the by-list."""
    by = [] if by is None else [by] if isinstance(by, str) else list(by)
    if isinstance(data, pd.DataFrame):
        if column is None:
            raise ParameterError("A DataFrame was passed without `column`: name the rating column.")
        missing = [c for c in [column, *by] if c not in data.columns]
        if missing:
            raise DataError(f"Column(s) {preview(missing)} not found; the frame has "
                            f"{preview(data.columns, limit=12)}.")
        return data, column, by
    if by:
        raise ParameterError("`by=` needs a DataFrame; a Series has no columns to group by.")
    series = data if isinstance(data, pd.Series) else pd.Series(np.asarray(data, dtype=object))
    name = series.name if series.name is not None else "value"
    return series.rename(name).to_frame(), name, []


def _numeric(values: pd.Series, column: str) -> pd.Series:
    """Answers as floats; text that is not a number is an error, not a silent NaN."""
    if values.dtype == bool or str(values.dtype) == "boolean":
        return values.astype("Float64").astype(float)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values[values.notna() & numbers.isna()]
    if len(bad):
        raise DataError(f"column {column!r} has non-numeric values {preview(bad.unique())} "
                        f"in {len(bad)} rows; expected numbers.")
    return numbers.astype(float)


def _check_scale(values: pd.Series, column: str, low, high, *, whole: bool, what: str) -> None:
    present = values.dropna()
    bad = present[(present < low) | (present > high) | (whole & (present % 1 != 0))]
    if len(bad):
        kind = "whole numbers " if whole else ""
        shown = [int(v) if float(v).is_integer() else float(v) for v in sorted(bad.unique())]
        raise DataError(f"column {column!r} has values {preview(shown)} in "
                        f"{len(bad)} rows outside the {what} scale; expected {kind}{low}..{high}.")


def _tidy(frame, column, by, summarise) -> pd.DataFrame:
    """Apply ``summarise(clean_values, n_missing) -> dict`` per by-group and return a tidy frame."""
    if not by:
        values = frame[column]
        row = summarise(values.dropna().to_numpy(), int(values.isna().sum()))
        return pd.DataFrame([row], columns=RESULT_COLUMNS)
    rows = []
    # dropna=False: respondents without a persona or stage are a group of their own, never lost.
    for key, part in frame.groupby(by, dropna=False, sort=True, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        values = part[column]
        summary = summarise(values.dropna().to_numpy(), int(values.isna().sum()))
        rows.append(dict(zip(by, key)) | summary)
    return pd.DataFrame(rows, columns=[*by, *RESULT_COLUMNS])


# --------------------------------------------------------------------------- NPS

def _nps_bootstrap(promoters, detractors, n, *, confidence, n_boot, random_state):
    rng = np.random.default_rng(random_state)
    # Resampling respondents only changes the three counts, so draw the counts directly.
    counts = rng.multinomial(n, [promoters / n, detractors / n, 1 - (promoters + detractors) / n],
                             size=n_boot)
    scores = (counts[:, 0] - counts[:, 1]) / n
    return percentile_interval(scores, confidence=confidence)


def nps(data, column=None, *, by=None, promoters=(9, 10), detractors=(0, 6),
        interval="adjusted-wald", confidence=0.95, n_boot=2000, random_state=0) -> pd.DataFrame:
    """Net Promoter Score on -100..100 with a confidence interval.

    Parameters
    ----------
    data : Series or DataFrame
        0..10 likelihood-to-recommend answers, or a frame holding them in ``column``.
    column : str, optional
        The answer column when ``data`` is a frame.
    by : str or list of str, optional
        Columns to group by (persona, stage, channel, quarter).
    promoters, detractors : tuple of int
        Inclusive answer ranges; defaults 9-10 and 0-6.
    interval : {"adjusted-wald", "bootstrap"}
        Adjusted Wald (Rocks 2016), or a percentile bootstrap with ``n_boot`` seeded resamples.
    confidence : float
        Interval level, default 0.95.

    Returns
    -------
    DataFrame
        by-columns, ``estimate``, ``ci_low``, ``ci_high``, ``n``, ``n_missing``, ``definition``.

    Examples
    --------
    >>> nps(pd.Series([10, 9, 8, 6, 10]))["definition"][0]
    'NPS = % promoters (9-10) - % detractors (0-6), n=5, 95% adjusted-Wald interval'
    """
    check_choice("interval", interval, ["adjusted-wald", "bootstrap"])
    frame, column, by = _prepare(data, column, by)
    values = _numeric(frame[column], column)
    _check_scale(values, column, 0, 10, whole=True, what="0..10 NPS")
    frame = frame.assign(**{column: values})

    def summarise(x, n_missing):
        n = len(x)
        n_p = int(((x >= promoters[0]) & (x <= promoters[1])).sum())
        n_d = int(((x >= detractors[0]) & (x <= detractors[1])).sum())
        definition = (f"NPS = % promoters ({promoters[0]}-{promoters[1]}) - % detractors "
                      f"({detractors[0]}-{detractors[1]}), n={n}, {level_label(confidence)} "
                      f"{_INTERVAL_NAMES[interval]} interval")
        if n == 0:
            return _empty(n_missing, definition)
        if interval == "bootstrap":
            low, high = _nps_bootstrap(n_p, n_d, n, confidence=confidence, n_boot=n_boot,
                                       random_state=random_state)
        else:
            low, high = nps_adjusted_wald(n_p, n_d, n, confidence=confidence)
        return _row(100 * (n_p - n_d) / n, 100 * low, 100 * high, n, n_missing, definition)

    return _tidy(frame, column, by, summarise)


_INTERVAL_NAMES = {"adjusted-wald": "adjusted-Wald", "bootstrap": "bootstrap"}


def _row(estimate, low, high, n, n_missing, definition) -> dict:
    return {"estimate": float(estimate), "ci_low": float(low), "ci_high": float(high), "n": n,
            "n_missing": n_missing, "definition": definition}


def _empty(n_missing, definition) -> dict:
    return _row(np.nan, np.nan, np.nan, 0, n_missing, definition)


# --------------------------------------------------------------------------- proportions

def _share(frame, column, by, *, hit, confidence, definition) -> pd.DataFrame:
    """Percentage of answers where ``hit`` holds, with Wilson intervals."""
    def summarise(x, n_missing):
        n, k = len(x), int(hit(x).sum())
        text = definition(n)
        if n == 0:
            return _empty(n_missing, text)
        low, high = wilson(k, n, confidence=confidence)
        return _row(100 * k / n, 100 * low, 100 * high, n, n_missing, text)

    return _tidy(frame, column, by, summarise)


def csat(data, column=None, *, by=None, scale=(1, 5), top_box=2, confidence=0.95) -> pd.DataFrame:
    """CSAT as the top-box percentage (default top-2-box on 1..5) with a Wilson interval.

    Parameters
    ----------
    data, column, by
        As in :func:`nps`.
    scale : tuple of int
        Lowest and highest answer, default ``(1, 5)``.
    top_box : int
        How many of the highest answers count as satisfied, default 2 (4 and 5 on 1..5).

    Examples
    --------
    >>> csat(pd.Series([5, 4, 3, 2, 5]))["estimate"].item()
    60.0
    """
    low, high = scale
    if not 1 <= top_box <= high - low:
        raise ParameterError(f"The value for `top_box` must be between 1 and {high - low} on the "
                             f"{low}..{high} scale, but {top_box!r} was passed.")
    frame, column, by = _prepare(data, column, by)
    values = _numeric(frame[column], column)
    _check_scale(values, column, low, high, whole=True, what=f"{low}..{high} CSAT")
    first_top = high - top_box + 1
    return _share(
        frame.assign(**{column: values}), column, by, hit=lambda x: x >= first_top,
        confidence=confidence,
        definition=lambda n: (f"CSAT = % answering {first_top}-{high} (top-{top_box}-box on "
                              f"{low}..{high}), n={n}, {level_label(confidence)} Wilson interval"))


def _rate(data, column, by, *, confidence, window, name, verb) -> pd.DataFrame:
    frame, column, by = _prepare(data, column, by)
    values = _numeric(frame[column], column)
    _check_scale(values, column, 0, 1, whole=True, what="true/false (1/0)")
    within = f" within {window}" if window else ""
    return _share(
        frame.assign(**{column: values}), column, by, hit=lambda x: x == 1, confidence=confidence,
        definition=lambda n: (f"{name} = % of customers who {verb}{within}, n={n}, "
                              f"{level_label(confidence)} Wilson interval"))


def conversion_rate(data, column=None, *, by=None, window=None, confidence=0.95) -> pd.DataFrame:
    """Conversion rate (%) from one true/false flag per customer, with a Wilson interval.

    The input form is one row per customer with a boolean (or 0/1) ``column`` saying whether the
    customer converted within the window; the event-log module derives it from events (for
    example purchase within 30 days of the first product view). ``window`` (e.g. ``"30 days"``)
    is only printed in the definition.

    Examples
    --------
    >>> conversion_rate(pd.Series([True, False, True, True]))["estimate"].item()
    75.0
    """
    return _rate(data, column, by, confidence=confidence, window=window,
                 name="Conversion rate", verb="converted")


def repurchase_rate(data, column=None, *, by=None, window=None, confidence=0.95) -> pd.DataFrame:
    """Repurchase rate (%) from one true/false flag per buying customer, with a Wilson interval.

    One row per customer who bought at least once; ``column`` says whether they bought again
    within the window (``window``, e.g. ``"90 days"``, is printed in the definition).

    Examples
    --------
    >>> repurchase_rate(pd.Series([1, 0, 0, 1]))["estimate"].item()
    50.0
    """
    return _rate(data, column, by, confidence=confidence, window=window,
                 name="Repurchase rate", verb="bought again")


# --------------------------------------------------------------------------- CES

def ces(data, column=None, *, by=None, scale=(1, 7), confidence=0.95) -> pd.DataFrame:
    """Customer Effort Score as the mean answer (default 1..7) with a t interval.

    Examples
    --------
    >>> ces(pd.Series([2, 3, 4, 3]))[["estimate", "n"]]
       estimate  n
    0       3.0  4
    """
    low, high = scale
    frame, column, by = _prepare(data, column, by)
    values = _numeric(frame[column], column)
    _check_scale(values, column, low, high, whole=False, what=f"{low}..{high} CES")

    def summarise(x, n_missing):
        n = len(x)
        text = f"CES = mean effort on {low}..{high}, n={n}, {level_label(confidence)} t interval"
        if n == 0:
            return _empty(n_missing, text)
        half = t_half_width(x.std(ddof=1) if len(x) > 1 else np.nan, len(x), confidence=confidence)
        return _row(x.mean(), x.mean() - half, x.mean() + half, n, n_missing, text)

    return _tidy(frame.assign(**{column: values}), column, by, summarise)


# --------------------------------------------------------------------------- comparisons

COMPARE_COLUMNS = ["metric", "estimate_a", "estimate_b", "difference", "ci_low", "ci_high",
                   "p_value", "mde", "n_a", "n_b", "method"]


def _clean(sample, metric, options) -> np.ndarray:
    """Validate one sample with the metric's own rules and return its non-missing values."""
    series = sample if isinstance(sample, pd.Series) else \
        pd.Series(np.asarray(sample, dtype=object))
    name = series.name if series.name is not None else "value"
    _SUMMARY[metric](series.rename(name), **options)  # raises DataError on bad values
    return _numeric(series, name).dropna().to_numpy()


def _nps_shares(x, options):
    """Promoter and detractor counts under the caller's definition (default 9-10 and 0-6)."""
    p_lo, p_hi = options.get("promoters", (9, 10))
    d_lo, d_hi = options.get("detractors", (0, 6))
    return int(((x >= p_lo) & (x <= p_hi)).sum()), int(((x >= d_lo) & (x <= d_hi)).sum())


def _compare_nps(a, b, confidence, options):
    """Adjusted-Wald difference: SE = sqrt(var_a/n_a + var_b/n_b), var = p + d - (p - d)^2."""
    (score_a, var_a, n_a), (score_b, var_b, n_b) = (nps_parts(*_nps_shares(x, options), len(x)) for x in (a, b))
    diff, se = score_b - score_a, np.sqrt(var_a / n_a + var_b / n_b)
    z = z_value(confidence)
    p_value = 2 * stats.norm.sf(abs(diff / se)) if se > 0 else 1.0
    return 100 * (diff - z * se), 100 * (diff + z * se), p_value, "adjusted-Wald z"


def _compare_share(hit_a, hit_b, confidence):
    k_a, k_b, n_a, n_b = int(hit_a.sum()), int(hit_b.sum()), len(hit_a), len(hit_b)
    low, high = newcombe(k_a, n_a, k_b, n_b, confidence=confidence)
    if k_a + k_b in (0, n_a + n_b):
        p_value = 1.0  # both samples all-no or all-yes: no evidence of any difference
    else:
        p_value = float(proportions_ztest([k_b, k_a], [n_b, n_a])[1])
    return 100 * low, 100 * high, p_value, "Newcombe hybrid score; two-proportion z"


def _compare_ces(a, b, confidence):
    result = stats.ttest_ind(b, a, equal_var=False)
    ci = result.confidence_interval(confidence_level=confidence)
    return float(ci.low), float(ci.high), float(result.pvalue), "Welch t"


def _summary(metric, x, options):
    return _SUMMARY[metric](pd.Series(x, name="value"), **options)["estimate"].iloc[0]


def compare(a, b, *, metric="nps", confidence=0.95, alpha=0.05, power=0.8, **options):
    """Compare a metric between two samples (``b - a``: later minus earlier quarter).

    NPS: adjusted-Wald difference with the per-sample variance ``p + d - (p - d)**2``; CSAT,
    conversion and repurchase: Newcombe hybrid-score interval with a two-proportion z test; CES:
    Welch's t. ``mde`` is the smallest change these sample sizes detect at ``alpha`` and
    ``power`` (baseline from sample ``a``), so a report can say "no change we could detect".

    Parameters
    ----------
    a, b : Series or array-like
        Raw answers of the two samples (missing values are dropped).
    metric : {"nps", "csat", "ces", "conversion_rate", "repurchase_rate"}
    **options
        Metric definition options, e.g. ``scale=`` and ``top_box=`` for CSAT.

    Returns
    -------
    DataFrame
        One row: ``metric``, ``estimate_a``, ``estimate_b``, ``difference``, ``ci_low``,
        ``ci_high``, ``p_value``, ``mde``, ``n_a``, ``n_b``, ``method``.

    Examples
    --------
    >>> out = compare([3, 4, 5, 5, 2, 4], [5, 5, 4, 5, 4, 5], metric="csat")
    >>> out[["estimate_a", "estimate_b", "difference"]].round(1)
       estimate_a  estimate_b  difference
    0        66.7       100.0        33.3
    """
    check_choice("metric", metric, METRICS)
    x_a, x_b = _clean(a, metric, options), _clean(b, metric, options)
    if len(x_a) < 2 or len(x_b) < 2:
        raise DataError(f"compare needs at least 2 answers in each sample, but got "
                        f"n_a={len(x_a)} and n_b={len(x_b)}.")
    est_a, est_b = _summary(metric, x_a, options), _summary(metric, x_b, options)
    low, high, p_value, method = _difference(metric, x_a, x_b, confidence, options)
    mde = minimum_detectable_effect(len(x_a), len(x_b), metric=metric, baseline=x_a, alpha=alpha,
                                    power=power, **options)
    return pd.DataFrame([[metric, est_a, est_b, est_b - est_a, low, high, p_value, mde,
                          len(x_a), len(x_b), method]], columns=COMPARE_COLUMNS)


def _difference(metric, x_a, x_b, confidence, options):
    if metric == "nps":
        return _compare_nps(x_a, x_b, confidence, options)
    if metric == "ces":
        return _compare_ces(x_a, x_b, confidence)
    hit = _hit(metric, options)
    return _compare_share(hit(x_a), hit(x_b), confidence)


def _hit(metric, options):
    if metric == "csat":
        low, high = options.get("scale", (1, 5))
        first_top = high - options.get("top_box", 2) + 1
        return lambda x: x >= first_top
    return lambda x: x == 1


def compare_groups(data, column, *, group, metric="nps", by=None, reference=None,
                   adjust="holm", confidence=0.95, **options) -> pd.DataFrame:
    """Compare every level of ``group`` with a reference level, within each ``by`` cell.

    p-values are adjusted across all rows with :func:`adjust_pvalues` (``adjust=None`` keeps
    them raw), because a journey map tests many cells at once.

    Examples
    --------
    >>> df = pd.DataFrame({"quarter": ["Q1"] * 6 + ["Q2"] * 6,
    ...                    "csat": [3, 4, 5, 5, 2, 4, 5, 5, 4, 5, 4, 5]})
    >>> compare_groups(df, "csat", group="quarter", metric="csat")[["group_a", "group_b"]]
      group_a group_b
    0      Q1      Q2
    """
    frame, column, by = _prepare(data, column, by)
    if group not in frame.columns:
        raise DataError(f"Column {group!r} (the `group`) not found; the frame has "
                        f"{preview(frame.columns, limit=12)}.")
    levels = list(pd.unique(frame[group].dropna().sort_values()))
    reference = levels[0] if reference is None else reference
    if reference not in levels:
        raise ParameterError(f"The value for `reference` must be one of {levels!r}, but "
                             f"{reference!r} was passed.")
    rows = []
    cells = frame.groupby(by, dropna=False, sort=True) if by else [((), frame)]
    for key, part in cells:
        key = key if isinstance(key, tuple) else (key,)
        for level in (lv for lv in levels if lv != reference):
            row = compare(part.loc[part[group] == reference, column],
                          part.loc[part[group] == level, column], metric=metric,
                          confidence=confidence, **options)
            rows.append(row.assign(**dict(zip(by, key)), group_a=reference, group_b=level))
    out = pd.concat(rows, ignore_index=True)
    out["p_adjusted"] = out["p_value"] if adjust is None else adjust_pvalues(out["p_value"],
                                                                             method=adjust)
    return out[[*by, "group_a", "group_b", *COMPARE_COLUMNS, "p_adjusted"]]


def adjust_pvalues(p, *, method="holm"):
    """Adjust p-values for multiple testing: Holm (family-wise) or Benjamini-Hochberg (FDR).

    Missing p-values stay missing and do not count as tests. A Series keeps its index.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm").round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    check_choice("method", method, ["holm", "fdr_bh", "bonferroni"])
    values = np.asarray(p, dtype=float)
    out = np.full_like(values, np.nan)
    ok = ~np.isnan(values)
    if ok.any():
        out[ok] = multipletests(values[ok], method=method)[1]
    return pd.Series(out, index=p.index, name=p.name) if isinstance(p, pd.Series) else out


def minimum_detectable_effect(n1, n2=None, *, metric="nps", baseline=None, alpha=0.05,
                              power=0.8, **options) -> float:
    """Smallest true change a two-sample comparison detects with the given power.

    ``(z_{1-alpha/2} + z_{power}) * sqrt(var * (1/n1 + 1/n2))`` in the metric's units (NPS
    points, percentage points, CES scale points). ``baseline`` is a sample of raw answers, or:
    for NPS a (promoter share, detractor share) pair, for the rates a share in 0..1, for CES a
    standard deviation. Without a baseline the variance is the worst case (NPS: promoters =
    detractors = 0.5; shares: 0.5; CES: half the scale range).

    Examples
    --------
    >>> round(minimum_detectable_effect(400, 400, metric="csat", baseline=0.5), 1)
    9.9
    """
    check_choice("metric", metric, METRICS)
    n2 = n1 if n2 is None else n2
    var, unit = _baseline_variance(metric, baseline, options)
    return unit * detectable_difference(var, n1, n2, alpha=alpha, power=power)


def _baseline_variance(metric, baseline, options):
    sample = baseline is not None and np.ndim(baseline) == 1 and len(baseline) > 2
    if metric == "nps":
        if sample:
            x = np.asarray(baseline, dtype=float)
            p, d = (count / len(x) for count in _nps_shares(x, options))
        else:
            p, d = (0.5, 0.5) if baseline is None else baseline
        return p + d - (p - d) ** 2, 100
    if metric == "ces":
        low, high = options.get("scale", (1, 7))
        if sample:
            sd = np.std(baseline, ddof=1)
        else:
            sd = (high - low) / 2 if baseline is None else baseline
        return sd ** 2, 1
    share = _hit(metric, options)(np.asarray(baseline, dtype=float)).mean() if sample else (
        0.5 if baseline is None else baseline)
    return share * (1 - share), 100


_SUMMARY = {"nps": nps, "csat": csat, "ces": ces, "conversion_rate": conversion_rate,
            "repurchase_rate": repurchase_rate}
