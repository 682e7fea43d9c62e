"""Confidence intervals and the minimum detectable effect: the one place every number's interval comes from.

Every function takes ``confidence=`` (default 0.95) and nothing here hard-codes a level, so a
report built at 90 % changes its numbers, its columns' attrs and its captions together
(:func:`level_label` writes the "95%" of a caption). The methods are the standard ones, built on
statsmodels and scipy where they have them:

- :func:`wilson`: Wilson score interval of a proportion (statsmodels ``proportion_confint``);
  vectorised, so persona profiles get every category's interval in one call.
- :func:`t_interval` / :func:`t_half_width`: Student t interval of a mean (scipy).
- :func:`nps_adjusted_wald`: adjusted-Wald interval of the Net Promoter Score (Rocks 2016), which
  neither library has; :func:`nps_parts` gives the adjusted score and variance the difference
  test of two NPS values uses.
- :func:`newcombe`: Newcombe's hybrid-score interval for a difference of two proportions
  (method 10, built from two Wilson intervals; equal to statsmodels'
  ``confint_proportions_2indep(method="newcomb")``).
- :func:`percentile_interval`: the percentile interval of bootstrap replicates.
- :func:`detectable_difference`: the smallest true difference a two-sample z comparison
  detects with the given power (:func:`cjm_research.evidence.metrics.minimum_detectable_effect`
  turns a metric's baseline into the variance it needs).

Examples
--------
>>> from cjm_research.evidence import intervals
>>> [round(x, 4) for x in intervals.wilson(8, 10)]
[0.4902, 0.9433]
>>> [round(x, 4) for x in intervals.wilson(8, 10, confidence=0.9)]
[0.5408, 0.9314]
>>> intervals.level_label(0.9)
'90%'
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from ..core.errors import ParameterError


def check_confidence(confidence: float) -> float:
    """The confidence level as a float in (0, 1), or a :class:`ParameterError` naming the value."""
    try:
        level = float(confidence)
    except (TypeError, ValueError):
        level = float("nan")
    if not 0 < level < 1:
        raise ParameterError(f"The value for `confidence` must be between 0 and 1 (e.g. 0.95), "
                             f"but {confidence!r} was passed.")
    return level


def z_value(confidence: float = 0.95) -> float:
    """The two-sided normal quantile of a confidence level (1.96 for 0.95).

    Examples
    --------
    >>> round(z_value(0.95), 3), round(z_value(0.9), 3)
    (1.96, 1.645)
    """
    return float(stats.norm.ppf(0.5 + check_confidence(confidence) / 2))


def level_label(confidence: float = 0.95) -> str:
    """The level as captions write it: ``'95%'``, ``'90%'``, ``'99.5%'``."""
    return f"{check_confidence(confidence) * 100:g}%"


# --------------------------------------------------------------------------- proportions

def wilson(successes, n, *, confidence: float = 0.95):
    """Wilson score interval for a proportion on 0..1; scalars give floats, arrays give arrays.

    ``n = 0`` gives ``(nan, nan)``: there is no evidence, so no interval.

    Examples
    --------
    >>> [round(x, 4) for x in wilson(0, 20)]
    [0.0, 0.1611]
    >>> low, high = wilson(np.array([1, 5]), np.array([10, 10]))
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.018, 0.237], [0.404, 0.763])
    """
    level = check_confidence(confidence)
    k, total = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    safe = np.where(total > 0, total, 1.0)
    low, high = proportion_confint(np.minimum(k, safe), safe, alpha=1 - level, method="wilson")
    low, high = np.where(total > 0, low, np.nan), np.where(total > 0, high, np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def newcombe(k_a: int, n_a: int, k_b: int, n_b: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe hybrid-score interval (method 10) for the difference of proportions ``b - a``.

    Examples
    --------
    >>> [round(x, 4) for x in newcombe(5, 10, 8, 10)]
    [-0.1067, 0.5999]
    """
    pa, pb = k_a / n_a, k_b / n_b
    la, ua = wilson(k_a, n_a, confidence=confidence)
    lb, ub = wilson(k_b, n_b, confidence=confidence)
    diff = pb - pa
    return (float(diff - np.sqrt((pb - lb) ** 2 + (ua - pa) ** 2)),
            float(diff + np.sqrt((ub - pb) ** 2 + (pa - la) ** 2)))


# --------------------------------------------------------------------------- means

def t_half_width(sd, n, *, confidence: float = 0.95):
    """Half-width of the t interval of a mean from its standard deviation and n (vectorised).

    Fewer than two answers give ``nan``: a single value has no spread to estimate.

    Examples
    --------
    >>> round(t_half_width(1.0, 25), 4)
    0.4128
    """
    level = check_confidence(confidence)
    sd, n = np.asarray(sd, dtype=float), np.asarray(n, dtype=float)
    ok = n >= 2
    df = np.where(ok, n - 1, 1)
    half = np.where(ok, stats.t.ppf(0.5 + level / 2, df) * sd / np.sqrt(np.where(ok, n, 1)), np.nan)
    return float(half) if half.ndim == 0 else half


def t_interval(values, *, confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Mean, interval and n of the non-missing ``values`` (t interval; ``nan`` bounds below n = 2).

    Examples
    --------
    >>> [round(x, 3) for x in t_interval([1, 2, 3, 4, 5])]
    [3.0, 1.037, 4.963, 5]
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan"), 0
    mean = float(x.mean())
    half = t_half_width(x.std(ddof=1) if len(x) > 1 else np.nan, len(x), confidence=confidence)
    return mean, mean - half, mean + half, int(len(x))


# --------------------------------------------------------------------------- NPS

def nps_parts(promoters: int, detractors: int, n: int) -> tuple[float, float, int]:
    """Adjusted-Wald pieces of an NPS on -1..1: ``(score, variance, adjusted n)``.

    Adds 3/4 of a respondent to promoters and to detractors and 3 to n (Rocks 2016); the variance
    is that of a difference of two multinomial proportions, ``p + d - (p - d)**2``.
    """
    n_adj = n + 3
    p, d = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
    return p - d, p + d - (p - d) ** 2, n_adj


def nps_adjusted_wald(promoters: int, detractors: int, n: int, *, confidence: float = 0.95):
    """Adjusted-Wald NPS interval (Rocks 2016) on the -1..1 scale.

    Examples
    --------
    >>> [round(x, 3) for x in nps_adjusted_wald(3, 1, 5)]
    [-0.298, 0.798]
    """
    score, var, n_adj = nps_parts(promoters, detractors, n)
    half = z_value(confidence) * np.sqrt(var / n_adj)
    return float(max(score - half, -1.0)), float(min(score + half, 1.0))


# --------------------------------------------------------------------------- bootstrap

def percentile_interval(replicates, *, confidence: float = 0.95, axis: int = 0):
    """Percentile interval of bootstrap replicates (along ``axis``), as ``(low, high)``.

    Examples
    --------
    >>> [round(x, 6) for x in percentile_interval(np.arange(101), confidence=0.9)]
    [5.0, 95.0]
    """
    tail = (1 - check_confidence(confidence)) / 2 * 100
    low, high = np.percentile(np.asarray(replicates, dtype=float), [tail, 100 - tail], axis=axis)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


# --------------------------------------------------------------------------- power

def detectable_difference(variance: float, n1: int, n2: int, *, alpha: float = 0.05,
                              power: float = 0.8) -> float:
    """Smallest true difference of two means (or proportions) detected with ``power``.

    ``(z_{1-alpha/2} + z_{power}) * sqrt(variance * (1/n1 + 1/n2))``, in the units of
    ``variance``'s square root (for a proportion with share p, ``variance = p * (1 - p)``).

    Examples
    --------
    >>> round(detectable_difference(0.25, 400, 400), 4)
    0.0991
    """
    if min(n1, n2) < 1:
        raise ParameterError(f"Sample sizes must be at least 1, but n1={n1} and n2={n2}.")
    for name, value in (("alpha", alpha), ("power", power)):
        if not 0 < value < 1:
            raise ParameterError(f"The value for `{name}` must be between 0 and 1, but {value!r} was passed.")
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(z * np.sqrt(variance * (1 / n1 + 1 / n2)))
