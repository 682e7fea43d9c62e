"""CX metrics with honest intervals: NPS, CSAT, CES, conversion and repurchase rates.

Every function takes a Series, or a DataFrame with ``column`` and optional ``by=`` groups, and
returns a tidy frame: the by-columns, ``estimate``, ``ci_low``, ``ci_high``, ``n`` (answers used),
``n_eff`` (the Kish effective sample size; equal to ``n`` without weights), ``n_missing`` (missing
answers dropped) and a caption-ready ``definition``. Scales follow
docs/data-model.md: NPS -100..100, CSAT top-2-box percentage, CES mean on 1..7, conversion and
repurchase rates as percentages.

Survey weights: every function takes ``weights=``, the name of a column of respondent weights
(checked by :func:`cjm_research.evidence.weights.check_weights`). The estimate is then the
weighted share or mean and its interval the same formula at the Kish effective sample size
``n_eff = (sum w)^2 / sum w^2`` (see :mod:`cjm_research.evidence.weights`); equal weights give
exactly the unweighted numbers.

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
>>> df = pd.DataFrame({"nps": [10, 9, 8, 6, 10], "w": [0.5, 0.5, 1, 2, 1]})
>>> metrics.nps(df, "nps", weights="w")[["estimate", "n", "n_eff"]].round(1)
   estimate  n  n_eff
0       0.0  5    3.8
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from ..core.errors import DataError, ParameterError, check_choice, preview
from .intervals import (detectable_difference, level_label, newcombe, nps_adjusted_wald, nps_parts,
                        percentile_interval, t_half_width, wilson, z_value)
from .weights import check_weights, effective_n, weighted_mean_sd

RESULT_COLUMNS = ["estimate", "ci_low", "ci_high", "n", "n_eff", "n_missing", "definition"]
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


def _prepare(data, column, by, weights=None) -> tuple[pd.DataFrame, str, list[str]]:
    """Normalise the (data, column, by) arguments into a frame, its column and the by-list.

    With ``weights`` (a column name) the frame's weight column is checked and replaced by floats.
    """
    by = [] if by is None else [by] if isinstance(by, str) else list(by)
    if weights is not None:
        if not isinstance(data, pd.DataFrame):
            raise ParameterError("`weights=` names a column of `data`, so `data` must be a "
                                 "DataFrame, but a Series or array was passed.")
        frame, column, by = _prepare(data, column, by)
        return frame.assign(**{weights: check_weights(frame, weights)}), column, by
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


def _tidy(frame, column, by, summarise, weights=None) -> pd.DataFrame:
    """Apply ``summarise(values, weights, n_missing) -> dict`` per by-group; return a tidy frame.

    ``values`` are the non-missing answers and ``weights`` their weights (``None`` unweighted).
    """
    def summary(part):
        values = part[column]
        answered = values.notna().to_numpy()
        w = None if weights is None else part[weights].to_numpy(dtype=float)[answered]
        return summarise(values.to_numpy()[answered].astype(float), w, int((~answered).sum()))

    if not by:
        return pd.DataFrame([summary(frame)], columns=RESULT_COLUMNS)
    rows = []
    # dropna=False: respondents without a persona or stage are a group of their own, never lost.
    for key, part in frame.groupby(by, dropna=False, sort=True, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        rows.append(dict(zip(by, key)) | summary(part))
    return pd.DataFrame(rows, columns=[*by, *RESULT_COLUMNS])


def _share_of(hit, w) -> tuple[float, float]:
    """Share of ``hit`` and the sample size behind it: ``(k / n, n)``, or weighted ``(p_w, n_eff)``."""
    hit = np.asarray(hit, dtype=float)
    if w is None:
        return (float(hit.mean()) if len(hit) else np.nan), float(len(hit))
    total = w.sum()
    return (float((w * hit).sum() / total) if total > 0 else np.nan), effective_n(w)


def _weighted_text(w, n_eff) -> str:
    return "" if w is None else f", weighted (n_eff={n_eff:.1f})"


# --------------------------------------------------------------------------- NPS

def _nps_bootstrap(promoters, detractors, n, *, confidence, n_boot, random_state):
    rng = np.random.default_rng(random_state)
    # Resampling respondents only changes the three counts, so draw the counts directly. Weighted
    # counts are p_w * n_eff out of n_eff, so the draw is of round(n_eff) respondents.
    size = max(round(n), 1)
    p, d = promoters / n, detractors / n
    counts = rng.multinomial(size, [p, d, max(1 - p - d, 0.0)], size=n_boot)
    scores = (counts[:, 0] - counts[:, 1]) / size
    return percentile_interval(scores, confidence=confidence)


def nps(data, column=None, *, by=None, weights=None, promoters=(9, 10), detractors=(0, 6),
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
    weights : str, optional
        Column of survey weights: the score is ``100 * (p_w - d_w)`` with weighted promoter and
        detractor shares, and the interval uses ``p_w * n_eff`` promoters and ``d_w * n_eff``
        detractors out of the Kish ``n_eff`` (the bootstrap draws ``round(n_eff)`` respondents
        at the weighted shares).
    promoters, detractors : tuple of int
        Inclusive answer ranges; defaults 9-10 and 0-6.
    interval : {"adjusted-wald", "bootstrap"}
        Adjusted Wald (Rocks 2016), or a percentile bootstrap with ``n_boot`` seeded resamples.
    confidence : float
        Interval level, default 0.95.

    Returns
    -------
    DataFrame
        by-columns, ``estimate``, ``ci_low``, ``ci_high``, ``n``, ``n_eff``, ``n_missing``,
        ``definition``.

    Examples
    --------
    >>> nps(pd.Series([10, 9, 8, 6, 10]))["definition"][0]
    'NPS = % promoters (9-10) - % detractors (0-6), n=5, 95% adjusted-Wald interval'
    """
    check_choice("interval", interval, ["adjusted-wald", "bootstrap"])
    frame, column, by = _prepare(data, column, by, weights)
    values = _numeric(frame[column], column)
    _check_scale(values, column, 0, 10, whole=True, what="0..10 NPS")
    frame = frame.assign(**{column: values})

    def summarise(x, w, n_missing):
        n = len(x)
        p, n_eff = _share_of((x >= promoters[0]) & (x <= promoters[1]), w)
        d, _ = _share_of((x >= detractors[0]) & (x <= detractors[1]), w)
        definition = (f"NPS = % promoters ({promoters[0]}-{promoters[1]}) - % detractors "
                      f"({detractors[0]}-{detractors[1]}), n={n}{_weighted_text(w, n_eff)}, "
                      f"{level_label(confidence)} {_INTERVAL_NAMES[interval]} interval")
        if n == 0 or n_eff == 0:
            return _empty(n_missing, definition, n)
        # Unweighted, p * n_eff are the integer counts themselves (n_eff = n).
        n_p, n_d = (round(p * n) if w is None else p * n_eff), (round(d * n) if w is None else d * n_eff)
        if interval == "bootstrap":
            low, high = _nps_bootstrap(n_p, n_d, n_eff, confidence=confidence, n_boot=n_boot,
                                       random_state=random_state)
        else:
            low, high = nps_adjusted_wald(n_p, n_d, n_eff, confidence=confidence)
        estimate = 100 * (n_p - n_d) / n if w is None else 100 * (p - d)
        return _row(estimate, 100 * low, 100 * high, n, n_missing, definition, n_eff)

    return _tidy(frame, column, by, summarise, weights)


_INTERVAL_NAMES = {"adjusted-wald": "adjusted-Wald", "bootstrap": "bootstrap"}


def _row(estimate, low, high, n, n_missing, definition, n_eff=None) -> dict:
    return {"estimate": float(estimate), "ci_low": float(low), "ci_high": float(high), "n": n,
            "n_eff": float(n if n_eff is None else n_eff), "n_missing": n_missing,
            "definition": definition}


def _empty(n_missing, definition, n=0) -> dict:
    # n > 0 with no estimate: every answer there carries weight 0.
    return _row(np.nan, np.nan, np.nan, n, n_missing, definition, 0.0)


# --------------------------------------------------------------------------- proportions

def _share(frame, column, by, *, hit, confidence, definition, weights=None) -> pd.DataFrame:
    """Percentage of answers where ``hit`` holds, with Wilson intervals (weighted: at n_eff)."""
    def summarise(x, w, n_missing):
        n = len(x)
        if w is None:
            k, n_eff = int(hit(x).sum()), float(n)
        else:
            share, n_eff = _share_of(hit(x), w)
            k = share * n_eff
        text = definition(n, _weighted_text(w, n_eff))
        if n == 0 or n_eff == 0:
            return _empty(n_missing, text, n)
        low, high = wilson(k, n_eff, confidence=confidence)
        return _row(100 * k / n_eff, 100 * low, 100 * high, n, n_missing, text, n_eff)

    return _tidy(frame, column, by, summarise, weights)


def csat(data, column=None, *, by=None, weights=None, scale=(1, 5), top_box=2,
         confidence=0.95) -> pd.DataFrame:
    """CSAT as the top-box percentage (default top-2-box on 1..5) with a Wilson interval.

    Parameters
    ----------
    data, column, by
        As in :func:`nps`.
    weights : str, optional
        Column of survey weights: the weighted top-box share, with its Wilson interval at
        ``p_w * n_eff`` successes out of the Kish ``n_eff``.
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
    frame, column, by = _prepare(data, column, by, weights)
    values = _numeric(frame[column], column)
    _check_scale(values, column, low, high, whole=True, what=f"{low}..{high} CSAT")
    first_top = high - top_box + 1
    return _share(
        frame.assign(**{column: values}), column, by, hit=lambda x: x >= first_top,
        confidence=confidence, weights=weights,
        definition=lambda n, wt: (f"CSAT = % answering {first_top}-{high} (top-{top_box}-box on "
                                  f"{low}..{high}), n={n}{wt}, {level_label(confidence)} "
                                  "Wilson interval"))


def _window(within, window):
    """``within=`` is the time window's one name; ``window=`` (the first version's) still works."""
    if window is not None:
        warnings.warn("`window=` is renamed `within=` (the time window has one name across the "
                      "package)", FutureWarning, stacklevel=3)
        if within is None:
            return window
    return within


def _rate(data, column, by, *, confidence, within, name, verb, weights=None) -> pd.DataFrame:
    frame, column, by = _prepare(data, column, by, weights)
    values = _numeric(frame[column], column)
    _check_scale(values, column, 0, 1, whole=True, what="true/false (1/0)")
    within = f" within {within}" if within else ""
    return _share(
        frame.assign(**{column: values}), column, by, hit=lambda x: x == 1, confidence=confidence,
        weights=weights,
        definition=lambda n, wt: (f"{name} = % of customers who {verb}{within}, n={n}{wt}, "
                                  f"{level_label(confidence)} Wilson interval"))


def conversion_rate(data, column=None, *, by=None, weights=None, within=None,
                    confidence=0.95, window=None) -> pd.DataFrame:
    """Conversion rate (%) from one true/false flag per customer, with a Wilson interval.

    The input form is one row per customer with a boolean (or 0/1) ``column`` saying whether the
    customer converted within the window; the event-log module derives it from events (for
    example purchase within 30 days of the first product view). ``within`` (e.g. ``"30 days"``)
    is only printed in the definition (``window=`` is its deprecated name). ``weights`` (a column) weights customers as in
    :func:`csat`.

    Examples
    --------
    >>> conversion_rate(pd.Series([True, False, True, True]))["estimate"].item()
    75.0
    """
    return _rate(data, column, by, confidence=confidence, within=_window(within, window), weights=weights,
                 name="Conversion rate", verb="converted")


def repurchase_rate(data, column=None, *, by=None, weights=None, within=None,
                    confidence=0.95, window=None) -> pd.DataFrame:
    """Repurchase rate (%) from one true/false flag per buying customer, with a Wilson interval.

    One row per customer who bought at least once; ``column`` says whether they bought again
    within the window (``within``, e.g. ``"90 days"``, is printed in the definition;
    ``window=`` is its deprecated name);
    ``weights`` (a column) weights customers as in :func:`csat`.

    Examples
    --------
    >>> repurchase_rate(pd.Series([1, 0, 0, 1]))["estimate"].item()
    50.0
    """
    return _rate(data, column, by, confidence=confidence, within=_window(within, window), weights=weights,
                 name="Repurchase rate", verb="bought again")


# --------------------------------------------------------------------------- CES

def ces(data, column=None, *, by=None, weights=None, scale=(1, 7),
        confidence=0.95) -> pd.DataFrame:
    """Customer Effort Score as the mean answer (default 1..7) with a t interval.

    With ``weights`` (a column) the weighted mean, and a t interval from the weighted standard
    deviation (:func:`~cjm_research.evidence.weights.weighted_mean_sd`) at the Kish ``n_eff``
    with ``n_eff - 1`` degrees of freedom.

    Examples
    --------
    >>> ces(pd.Series([2, 3, 4, 3]))[["estimate", "n"]]
       estimate  n
    0       3.0  4
    """
    low, high = scale
    frame, column, by = _prepare(data, column, by, weights)
    values = _numeric(frame[column], column)
    _check_scale(values, column, low, high, whole=False, what=f"{low}..{high} CES")

    def summarise(x, w, n_missing):
        n = len(x)
        if w is None:
            mean, sd, n_eff = (x.mean() if n else np.nan), (x.std(ddof=1) if n > 1 else np.nan), n
        else:
            mean, sd, n_eff = weighted_mean_sd(x, w)
        text = (f"CES = mean effort on {low}..{high}, n={n}{_weighted_text(w, n_eff)}, "
                f"{level_label(confidence)} t interval")
        if n == 0 or n_eff == 0:
            return _empty(n_missing, text, n)
        half = t_half_width(sd, n_eff, confidence=confidence)
        return _row(mean, mean - half, mean + half, n, n_missing, text, n_eff)

    return _tidy(frame.assign(**{column: values}), column, by, summarise, weights)


# --------------------------------------------------------------------------- comparisons

COMPARE_COLUMNS = ["metric", "estimate_a", "estimate_b", "difference", "ci_low", "ci_high",
                   "p_unc", "mde", "n_a", "n_b", "n_eff_a", "n_eff_b", "method"]


def _clean(sample, metric, options, weights=None) -> tuple[np.ndarray, np.ndarray | None]:
    """Validate one sample with the metric's own rules: its non-missing values and their weights."""
    series = sample if isinstance(sample, pd.Series) else \
        pd.Series(np.asarray(sample, dtype=object))
    name = series.name if series.name is not None else "value"
    if weights is None:
        _SUMMARY[metric](series.rename(name), **options)  # raises DataError on bad values
        return _numeric(series, name).dropna().to_numpy(), None
    w = np.asarray(weights, dtype=object)
    if w.shape != (len(series),):
        raise ParameterError(f"Each sample's weights must have one value per answer, but "
                             f"{len(series)} answers came with weights of shape {w.shape}.")
    frame = pd.DataFrame({name: series.to_numpy(), "weight": w})
    _SUMMARY[metric](frame, name, weights="weight", **options)  # raises DataError on bad values
    answered = _numeric(frame[name], name).notna().to_numpy()
    return (_numeric(frame[name], name).to_numpy()[answered],
            check_weights(frame, "weight").to_numpy()[answered])


def _counts(hit, w) -> tuple[float, float]:
    """Successes and sample size: integers unweighted, ``(p_w * n_eff, n_eff)`` weighted."""
    if w is None:
        return int(np.asarray(hit).sum()), len(hit)
    share, n_eff = _share_of(hit, w)
    return share * n_eff, n_eff


def _nps_counts(x, w, options) -> tuple[float, float, float]:
    """Promoters, detractors and n under the caller's definition (default 9-10 and 0-6)."""
    p_lo, p_hi = options.get("promoters", (9, 10))
    d_lo, d_hi = options.get("detractors", (0, 6))
    n_p, n = _counts((x >= p_lo) & (x <= p_hi), w)
    n_d, _ = _counts((x >= d_lo) & (x <= d_hi), w)
    return n_p, n_d, n


def _compare_nps(a, b, confidence, options):
    """Adjusted-Wald difference: SE = sqrt(var_a/n_a + var_b/n_b), var = p + d - (p - d)^2."""
    (score_a, var_a, n_a), (score_b, var_b, n_b) = (nps_parts(*_nps_counts(x, w, options))
                                                    for x, w in (a, b))
    diff, se = score_b - score_a, np.sqrt(var_a / n_a + var_b / n_b)
    z = z_value(confidence)
    p_value = 2 * stats.norm.sf(abs(diff / se)) if se > 0 else 1.0
    return 100 * (diff - z * se), 100 * (diff + z * se), p_value, "adjusted-Wald z"


def _compare_share(a, b, hit, confidence):
    (k_a, n_a), (k_b, n_b) = _counts(hit(a[0]), a[1]), _counts(hit(b[0]), b[1])
    low, high = newcombe(k_a, n_a, k_b, n_b, confidence=confidence)
    if np.isclose(k_a + k_b, 0) or np.isclose(k_a + k_b, n_a + n_b):
        p_value = 1.0  # both samples all-no or all-yes: no evidence of any difference
    else:
        p_value = float(proportions_ztest([k_b, k_a], [n_b, n_a])[1])
    return 100 * low, 100 * high, p_value, "Newcombe hybrid score; two-proportion z"


def _compare_ces(a, b, confidence):
    (x_a, w_a), (x_b, w_b) = a, b
    if w_a is None:
        result = stats.ttest_ind(x_b, x_a, equal_var=False)
        ci = result.confidence_interval(confidence_level=confidence)
        return float(ci.low), float(ci.high), float(result.pvalue), "Welch t"
    # Welch's t on weighted means, with each sample's variance of the mean at its Kish n_eff.
    (m_a, sd_a, n_a), (m_b, sd_b, n_b) = weighted_mean_sd(x_a, w_a), weighted_mean_sd(x_b, w_b)
    v_a, v_b = sd_a ** 2 / n_a, sd_b ** 2 / n_b
    se = np.sqrt(v_a + v_b)
    df = (v_a + v_b) ** 2 / (v_a ** 2 / (n_a - 1) + v_b ** 2 / (n_b - 1))
    diff = m_b - m_a
    half = stats.t.ppf(0.5 + confidence / 2, df) * se
    p_value = float(2 * stats.t.sf(abs(diff / se), df)) if se > 0 else 1.0
    return float(diff - half), float(diff + half), p_value, "Welch t"


def _summary(metric, x, w, options):
    if w is None:
        return _SUMMARY[metric](pd.Series(x, name="value"), **options)["estimate"].iloc[0]
    frame = pd.DataFrame({"value": x, "weight": w})
    return _SUMMARY[metric](frame, "value", weights="weight", **options)["estimate"].iloc[0]


def compare_samples(a, b, *, metric="nps", weights=None, confidence=0.95, alpha=0.05, power=0.8,
            **options):
    """Compare a metric between two samples (``b - a``: later minus earlier quarter).

    NPS: adjusted-Wald difference with the per-sample variance ``p + d - (p - d)**2``; CSAT,
    conversion and repurchase: Newcombe hybrid-score interval with a two-proportion z test; CES:
    Welch's t. ``mde`` is the smallest change these sample sizes detect at ``alpha`` and
    ``power`` (baseline from sample ``a``), so a report can say "no change we could detect".
    Weighted samples use weighted estimates and the same formulas at each sample's Kish
    ``n_eff`` (Welch's degrees of freedom too).

    Parameters
    ----------
    a, b : Series or array-like
        Raw answers of the two samples (missing values are dropped).
    metric : {"nps", "csat", "ces", "conversion_rate", "repurchase_rate"}
    weights : pair of array-like, optional
        ``(weights_a, weights_b)``, one weight per answer of each sample.
    **options
        Metric definition options, e.g. ``scale=`` and ``top_box=`` for CSAT.

    Returns
    -------
    DataFrame
        One row: ``metric``, ``estimate_a``, ``estimate_b``, ``difference``, ``ci_low``,
        ``ci_high``, ``p_unc`` (unadjusted), ``mde``, ``n_a``, ``n_b``, ``n_eff_a``, ``n_eff_b``, ``method``.

    Examples
    --------
    >>> out = compare_samples([3, 4, 5, 5, 2, 4], [5, 5, 4, 5, 4, 5], metric="csat")
    >>> out[["estimate_a", "estimate_b", "difference"]].round(1)
       estimate_a  estimate_b  difference
    0        66.7       100.0        33.3
    """
    check_choice("metric", metric, METRICS)
    if weights is not None and (not isinstance(weights, (tuple, list)) or len(weights) != 2):
        raise ParameterError("The value for `weights` must be a pair (weights_a, weights_b), "
                             f"but {type(weights).__name__} was passed.")
    w_a, w_b = (None, None) if weights is None else weights
    a, b = _clean(a, metric, options, w_a), _clean(b, metric, options, w_b)
    if len(a[0]) < 2 or len(b[0]) < 2:
        raise DataError(f"compare needs at least 2 answers in each sample, but got "
                        f"n_a={len(a[0])} and n_b={len(b[0])}.")
    (n_a, n_eff_a), (n_b, n_eff_b) = ((len(x), _n_eff(x, w)) for x, w in (a, b))
    if min(n_eff_a, n_eff_b) <= 1:
        raise DataError(f"compare needs more than one effective respondent in each sample, but "
                        f"the weights give n_eff_a={n_eff_a:.2f} and n_eff_b={n_eff_b:.2f}.")
    est_a, est_b = _summary(metric, *a, options), _summary(metric, *b, options)
    low, high, p_value, method = _difference(metric, a, b, confidence, options)
    baseline = a[0] if a[1] is None else _weighted_baseline(metric, *a, options)
    mde = minimum_detectable_effect(n_eff_a, n_eff_b, metric=metric, baseline=baseline,
                                    alpha=alpha, power=power, **options)
    return pd.DataFrame([[metric, est_a, est_b, est_b - est_a, low, high, p_value, mde,
                          n_a, n_b, n_eff_a, n_eff_b, method]], columns=COMPARE_COLUMNS)


def _n_eff(x, w) -> float:
    return float(len(x)) if w is None else effective_n(w)


def _weighted_baseline(metric, x, w, options):
    """The baseline :func:`minimum_detectable_effect` takes, from a weighted sample."""
    if metric == "nps":
        n_p, n_d, n = _nps_counts(x, w, options)
        return n_p / n, n_d / n
    if metric == "ces":
        return weighted_mean_sd(x, w)[1]
    return _share_of(_hit(metric, options)(x), w)[0]


def _difference(metric, a, b, confidence, options):
    if metric == "nps":
        return _compare_nps(a, b, confidence, options)
    if metric == "ces":
        return _compare_ces(a, b, confidence)
    return _compare_share(a, b, _hit(metric, options), confidence)


def _hit(metric, options):
    if metric == "csat":
        low, high = options.get("scale", (1, 5))
        first_top = high - options.get("top_box", 2) + 1
        return lambda x: x >= first_top
    return lambda x: x == 1


def compare_groups(data, column, *, group, metric="nps", by=None, weights=None,
                   reference=None, adjust="holm", confidence=0.95, **options) -> pd.DataFrame:
    """Compare every level of ``group`` with a reference level, within each ``by`` cell.

    p-values are adjusted across all rows with :func:`adjust_pvalues` (``adjust=None`` keeps
    them raw), because a journey map tests many cells at once. ``weights`` names a column of
    survey weights, used as in :func:`compare`.

    Examples
    --------
    >>> df = pd.DataFrame({"quarter": ["Q1"] * 6 + ["Q2"] * 6,
    ...                    "csat": [3, 4, 5, 5, 2, 4, 5, 5, 4, 5, 4, 5]})
    >>> compare_groups(df, "csat", group="quarter", metric="csat")[["group_a", "group_b"]]
      group_a group_b
    0      Q1      Q2
    """
    frame, column, by = _prepare(data, column, by, weights)
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
            ref, other = part[part[group] == reference], part[part[group] == level]
            pair = None if weights is None else (ref[weights], other[weights])
            row = compare_samples(ref[column], other[column], metric=metric, weights=pair,
                          confidence=confidence, **options)
            rows.append(row.assign(**dict(zip(by, key)), group_a=reference, group_b=level))
    out = pd.concat(rows, ignore_index=True)
    out["p_adj"] = out["p_unc"] if adjust is None else adjust_pvalues(out["p_unc"],
                                                                             method=adjust)
    return out[[*by, "group_a", "group_b", *COMPARE_COLUMNS, "p_adj"]]


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
            p, d = (count / len(x) for count in _nps_counts(x, None, options)[:2])
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


def compare(a, b, **options) -> pd.DataFrame:
    """Deprecated name of :func:`compare_samples` (``cjm.compare`` compares a map with its future state).

    Kept so code written for the first version still runs; it warns and calls
    :func:`compare_samples`, whose p-value column is ``p_unc``.
    """
    warnings.warn("metrics.compare is renamed compare_samples (cjm.compare compares a journey map with "
                  "its future state)", FutureWarning, stacklevel=2)
    return compare_samples(a, b, **options)


_SUMMARY = {"nps": nps, "csat": csat, "ces": ces, "conversion_rate": conversion_rate,
            "repurchase_rate": repurchase_rate}
