"""Choosing the number of personas: the gap statistic, prediction strength and the panel vote.

``k="auto"`` scores every k of the range by several internal criteria; each criterion alone fails on
some structures (the Calinski-Harabasz index over-splits real segment data, the silhouette merges
overlapping groups, the gap statistic under-splits elongated ones). ``benchmarks/eval_auto_k.py``
measures each criterion's hit rate on a panel of data sets with known structure and the rule
:func:`vote` (the k most criteria pick) beats every single one of them there; the table is in
``benchmarks/README.md``.

References: Tibshirani, Walther & Hastie (2001), "Estimating the number of clusters in a data set
via the gap statistic", JRSS B 63; Kaufman & Rousseeuw (1990), *Finding groups in data*;
Davies & Bouldin (1979); Calinski & Harabasz (1974).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

from .methods import within_ss

BEST = {"calinski_harabasz": "idxmax", "silhouette": "idxmax", "davies_bouldin": "idxmin", "bic": "idxmin"}
VOTERS = ("silhouette", "davies_bouldin", "gap")  # the panel's best committee (benchmarks/README.md)


def best_k(scores: pd.DataFrame, criterion: str) -> int | None:
    """The k a criterion picks from ``scores`` (a row per k); None when it has no values.

    Examples
    --------
    >>> s = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.4, 0.6, 0.5]})
    >>> best_k(s, "silhouette")
    3
    """
    if criterion == "gap":
        return gap_k(scores)
    values = scores[criterion] if criterion in scores else pd.Series(dtype=float)
    if values.notna().sum() == 0:
        return None
    return int(scores.loc[getattr(values, BEST[criterion])(), "k"])


def gap_k(scores: pd.DataFrame) -> int | None:
    """Tibshirani's rule: the smallest k with ``gap(k) >= gap(k+1) - s(k+1)`` (the largest gap otherwise)."""
    if "gap" not in scores or scores["gap"].isna().all():
        return None
    s = scores.sort_values("k").reset_index(drop=True)
    for i in range(len(s) - 1):
        if s.loc[i, "gap"] >= s.loc[i + 1, "gap"] - s.loc[i + 1, "gap_sd"]:
            return int(s.loc[i, "k"])
    return int(s.loc[s["gap"].idxmax(), "k"])


def gap_statistic(X: np.ndarray, labels_by_k: dict, *, n_refs: int = 5, seed: int = 0,
                  max_rows: int = 2000) -> pd.DataFrame:
    """Gap statistic per k: ``E*[log W_k] - log W_k`` against uniform data in the principal-axis box.

    ``labels_by_k`` maps k to the labels of ``X`` found by the model (any method); the reference
    data sets are clustered by k-means, as in Tibshirani et al. (2001). At most ``max_rows`` rows
    (a seeded sample) enter, since the statistic needs ``n_refs`` clusterings per k.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> X, y = make_blobs(300, centers=3, random_state=0)
    >>> fits = {k: KMeans(k, n_init=2, random_state=0).fit_predict(X) for k in (2, 3, 4, 5)}
    >>> gap_k(gap_statistic(X, fits))
    3
    """
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(X), max_rows, replace=False)) if len(X) > max_rows else np.arange(len(X))
    X = np.asarray(X, dtype=float)[rows]
    centred = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    rotated = centred @ vt.T
    low, high = rotated.min(axis=0), rotated.max(axis=0)
    refs = [rng.uniform(low, high, size=rotated.shape) @ vt for _ in range(n_refs)]
    out = []
    for k, labels in sorted(labels_by_k.items()):
        log_w = np.log(max(within_ss(X, np.asarray(labels)[rows]), 1e-12))
        ref_w = np.log([max(KMeans(k, n_init=2, random_state=seed).fit(r).inertia_, 1e-12) for r in refs])
        out.append({"k": k, "gap": ref_w.mean() - log_w, "gap_sd": ref_w.std() * np.sqrt(1 + 1 / n_refs)})
    return pd.DataFrame(out)


def vote(picks: dict, *, voters=VOTERS) -> int | None:
    """The k most voters pick; a tie goes to the smaller k among the tied (the simpler structure).

    Examples
    --------
    >>> vote({"silhouette": 3, "davies_bouldin": 5, "gap": 5})
    5
    >>> vote({"silhouette": 3, "davies_bouldin": 4, "gap": 5})
    3
    """
    counts = Counter(picks[v] for v in voters if picks.get(v) is not None)
    if not counts:
        return None
    top = max(counts.values())
    return min(k for k, c in counts.items() if c == top)
