"""Choosing the number of personas: the gap statistic, prediction strength and the panel vote.

``k="auto"`` scores every k of the range by several criteria; each alone fails on some structures
(the Calinski-Harabasz index over-splits elongated and real segment data, the silhouette and
Davies-Bouldin merge overlapping groups, the gap statistic over-splits skewed real data, BIC and
prediction strength under-split overlapping groups). ``benchmarks/eval_auto_k.py`` measures each
criterion's hit rate on a panel of 46 data sets with known structure; the toolkit's rule,
:func:`vote`, takes the k that most of three criteria of different kinds pick (prediction
strength: are the clusters reproducible; the gap statistic: is there more structure than in
uniform noise; Calinski-Harabasz: between against within dispersion), the smallest k when all three
disagree, and beats every single criterion there (table in ``benchmarks/README.md``).

References: Tibshirani & Walther (2005), "Cluster validation by prediction strength", JCGS 14;
Tibshirani, Walther & Hastie (2001), "Estimating the number of clusters in a data set via the gap
statistic", JRSS B 63; Schwarz (1978); Kaufman & Rousseeuw (1990), *Finding groups in data*;
Davies & Bouldin (1979); Calinski & Harabasz (1974).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture

from .methods import GMM_REG_COVAR, within_ss

BEST = {"calinski_harabasz": "idxmax", "silhouette": "idxmax", "davies_bouldin": "idxmin", "bic": "idxmin"}
VOTERS = ("prediction_strength", "gap", "calinski_harabasz")  # the committee of k="auto" (eval_auto_k.py)
PS_THRESHOLD = 0.8  # Tibshirani & Walther (2005)


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
    if criterion == "prediction_strength":
        return strength_k(scores)
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


def strength_k(scores: pd.DataFrame, threshold: float = PS_THRESHOLD) -> int | None:
    """Tibshirani & Walther's rule: the largest k whose prediction strength reaches ``threshold``."""
    if "prediction_strength" not in scores or scores["prediction_strength"].isna().all():
        return None
    good = scores.loc[scores["prediction_strength"] >= threshold, "k"]
    return int(good.max()) if len(good) else int(scores["k"].min())


def _rows(n: int, max_rows: int, rng) -> np.ndarray:
    return np.sort(rng.choice(n, max_rows, replace=False)) if n > max_rows else np.arange(n)


def prediction_strength(X: np.ndarray, ks, *, seed: int = 0, splits: int = 3, max_rows: int = 2000) -> pd.DataFrame:
    """Prediction strength per k (Tibshirani & Walther 2005), k-means on halves of a seeded sample.

    For each of ``splits`` random halvings, both halves are clustered; the test half's clusters are
    predicted by the training half's centroids, and the strength is the smallest share, over test
    clusters, of pairs of members that the prediction keeps together. Averaged over splits.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> X, _ = make_blobs(400, centers=3, random_state=0)
    >>> strength_k(prediction_strength(X, [2, 3, 4, 5]))
    3
    """
    rng = np.random.default_rng(seed)
    X = np.asarray(X, dtype=float)[_rows(len(X), max_rows, rng)]
    strength = {k: [] for k in ks}
    for s in range(splits):
        order = rng.permutation(len(X))
        train, test = X[order[: len(X) // 2]], X[order[len(X) // 2:]]
        for k in ks:
            if k >= len(test):
                continue
            predicted = KMeans(k, n_init=2, random_state=seed + s).fit(train).predict(test)
            own = KMeans(k, n_init=2, random_state=seed + s).fit_predict(test)
            worst = 1.0
            for c in range(k):
                members = predicted[own == c]
                if len(members) > 1:
                    same = np.bincount(members)
                    worst = min(worst, float((same * (same - 1)).sum() / (len(members) * (len(members) - 1))))
            strength[k].append(worst)
    return pd.DataFrame({"k": list(ks), "prediction_strength": [np.mean(v) if v else np.nan for v in strength.values()]})


def mixture_bic(X: np.ndarray, ks, *, seed: int = 0, max_rows: int = 2000) -> pd.DataFrame:
    """BIC per k of the toolkit's Gaussian mixture (``method="gmm"`` settings) on a seeded sample.

    Used by ``k="auto"`` for methods without a likelihood of their own (k-means, Ward,
    k-prototypes); ``gmm`` and ``lca`` report their own model's BIC instead.
    """
    rng = np.random.default_rng(seed)
    X = np.asarray(X, dtype=float)[_rows(len(X), max_rows, rng)]
    bic = [GaussianMixture(k, covariance_type="full", random_state=seed, n_init=2, reg_covar=GMM_REG_COVAR)
           .fit(X).bic(X) if k < len(X) else np.nan for k in ks]
    return pd.DataFrame({"k": list(ks), "bic": bic})


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
    >>> vote({"prediction_strength": 3, "gap": 5, "calinski_harabasz": 5})
    5
    >>> vote({"prediction_strength": 4, "gap": 3, "calinski_harabasz": 5})
    3
    """
    counts = Counter(picks[v] for v in voters if picks.get(v) is not None)
    if not counts:
        return None
    top = max(counts.values())
    return min(k for k, c in counts.items() if c == top)
