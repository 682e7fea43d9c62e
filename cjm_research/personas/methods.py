"""Clustering methods behind :class:`~cjm_research.personas.model.PersonaModel`, one k at a time.

Each method fits ``k`` clusters on the encoded feature matrix and returns an :class:`Assigner`
that labels new rows the same way. Ward's tree is built once on a sample and cut for every k,
because agglomerative clustering needs memory quadratic in the number of rows.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import pairwise_distances_argmin
from sklearn.mixture import GaussianMixture

METHODS = ["kmeans", "gmm", "ward", "kprototypes", "lca"]
LIKELIHOOD = ("gmm", "lca")  # methods with a likelihood: BIC and membership probabilities
MIXED = ("kprototypes", "lca")  # methods that take raw category codes next to scaled numbers
GMM_REG_COVAR = 0.1  # added to the diagonal, in units of the standardised feature variance


class Assigner:
    """Label rows with a fitted clusterer; ``predict`` mirrors the fitting rule.

    ``estimator`` is a scikit-learn, kmodes or stepmix model, or ``None`` for nearest-centroid
    assignment (Ward), with ``centroids`` in the encoded space. k-prototypes and latent class
    analysis read the ``mixed`` matrix (scaled numbers next to category codes), the others ``X``.
    """

    def __init__(self, method: str, estimator=None, centroids=None, categorical=None):
        self.method, self.estimator, self.centroids, self.categorical = method, estimator, centroids, categorical

    def predict(self, X: np.ndarray, mixed: np.ndarray | None = None) -> np.ndarray:
        if self.method == "lca":
            return self.estimator.predict(mixed.astype(float)).astype(int)
        if self.method == "kprototypes":
            if self.categorical and len(self.categorical) == mixed.shape[1]:
                return self.estimator.predict(mixed).astype(int)
            return self.estimator.predict(mixed, categorical=self.categorical).astype(int)
        if self.estimator is None:
            return pairwise_distances_argmin(X, self.centroids).astype(int)
        return self.estimator.predict(X).astype(int)

    def predict_proba(self, X: np.ndarray, mixed: np.ndarray | None = None) -> np.ndarray:
        """Membership probability of each row in each cluster (Gaussian mixture, latent classes)."""
        if self.method == "lca":
            return self.estimator.predict_proba(mixed.astype(float))
        return self.estimator.predict_proba(X)

    def bic(self, X: np.ndarray, mixed: np.ndarray | None = None) -> float:
        """Bayesian information criterion of the fitted mixture on the rows given (lower is better)."""
        if self.method == "lca":
            return float(self.estimator.bic(mixed.astype(float)))
        return float(self.estimator.bic(X))


def fit_k(method: str, X: np.ndarray, k: int, seed: int, *, mixed=None, categorical=None,
          minibatch_above: int = 50_000, tree=None) -> tuple[Assigner, np.ndarray]:
    """Fit ``k`` clusters with ``method``; return the assigner and the labels of every row of X."""
    if method == "kmeans":
        est = (MiniBatchKMeans(k, random_state=seed, n_init=3, batch_size=4096)
               if len(X) > minibatch_above else KMeans(k, random_state=seed, n_init=4))
        return Assigner(method, est), est.fit_predict(X).astype(int)
    if method == "gmm":
        # One-hot and Likert columns are discrete: without a variance floor the mixture shrinks onto
        # their spikes and BIC rewards ever more components (k=10 on the demo; 0.1 recovers its 4).
        est = GaussianMixture(k, covariance_type="full", random_state=seed, n_init=2, reg_covar=GMM_REG_COVAR)
        return Assigner(method, est), est.fit(X).predict(X).astype(int)
    if method == "ward":
        sample, tree = tree if tree is not None else ward_tree(X, seed)
        cut = fcluster(tree, k, criterion="maxclust") - 1
        centroids = np.vstack([X[sample][cut == c].mean(axis=0) for c in np.unique(cut)])
        assigner = Assigner(method, None, centroids)
        return assigner, assigner.predict(X)
    if method == "lca":
        return _fit_lca(mixed, k, seed, categorical)
    return _fit_kprototypes(mixed, k, seed, categorical)


def _fit_lca(mixed: np.ndarray, k: int, seed: int, categorical: list[int]):
    """Latent class / latent profile analysis with stepmix: numbers as Gaussians, categories as categorical.

    Numeric and ordinal features are diagonal Gaussian indicators (a latent profile model), each
    categorical feature a categorical indicator over its integer codes (the latent class model of
    survey research); one model holds both, fitted by EM from two seeded starts.
    """
    from stepmix.stepmix import StepMix

    n_cat = len(categorical or [])
    n_num = mixed.shape[1] - n_cat
    data = mixed.astype(float)
    parts = {}
    if n_num:
        parts["numeric"] = {"model": "gaussian_diag", "n_columns": n_num}
    if n_cat:
        outcomes = int(np.nanmax(data[:, n_num:])) + 1
        parts["categorical"] = {"model": "categorical", "n_columns": n_cat, "max_n_outcomes": outcomes}
    descriptor = parts if len(parts) > 1 else next(iter(parts.values()))["model"]
    params = None if len(parts) > 1 else {k_: v for k_, v in next(iter(parts.values())).items()
                                          if k_ not in ("model", "n_columns")}
    est = StepMix(n_components=k, measurement=descriptor, measurement_params=params or None, n_init=2,
                  max_iter=300, rel_tol=1e-6, random_state=seed, progress_bar=0, verbose=0)
    with warnings.catch_warnings():  # a start that stops at max_iter is reported by the BIC, not a warning
        warnings.simplefilter("ignore")
        est.fit(data)
    assigner = Assigner("lca", est, categorical=categorical)
    return assigner, assigner.predict(data, data)


def ward_tree(X: np.ndarray, seed: int, max_rows: int = 5000):
    """Ward linkage on at most ``max_rows`` rows (seeded sample), returned with the sample index."""
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(len(X), max_rows, replace=False)) if len(X) > max_rows else np.arange(len(X))
    return sample, linkage(X[sample], method="ward")


def _fit_kprototypes(mixed: np.ndarray, k: int, seed: int, categorical: list[int]):
    from kmodes.kmodes import KModes
    from kmodes.kprototypes import KPrototypes

    if categorical and len(categorical) == mixed.shape[1]:  # only categorical features: k-modes
        est = KModes(k, init="Cao", n_init=2, random_state=seed)
        return Assigner("kprototypes", est, categorical=categorical), est.fit_predict(mixed).astype(int)
    if not categorical:
        est = KMeans(k, random_state=seed, n_init=4)
        return Assigner("kmeans", est), est.fit_predict(mixed.astype(float)).astype(int)
    est = KPrototypes(k, init="Cao", n_init=2, max_iter=50, random_state=seed, n_jobs=1)
    labels = est.fit_predict(mixed, categorical=categorical).astype(int)
    return Assigner("kprototypes", est, categorical=categorical), labels


def within_ss(X: np.ndarray, labels: np.ndarray, square_sum: float | None = None) -> float:
    """Total within-cluster sum of squares (the k-means inertia, for any labelling).

    ``square_sum`` is ``(X ** 2).sum()``, passed in when many labellings of one ``X`` are scored.

    Examples
    --------
    >>> X = np.array([[0.0], [2.0], [10.0], [12.0]])
    >>> within_ss(X, np.array([0, 0, 1, 1]))
    4.0
    """
    # sum ||x||^2 - sum_c n_c ||mean_c||^2, with cluster sums from one sparse product (no copies of X)
    k = int(labels.max()) + 1
    member = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    sums, counts = member @ X, np.bincount(labels, minlength=k)
    square_sum = float((X ** 2).sum()) if square_sum is None else square_sum
    return float(square_sum - ((sums ** 2).sum(axis=1) / np.maximum(counts, 1)).sum())


def total_ss(X: np.ndarray) -> tuple[float, float]:
    """``(sum of squares, sum of squares about the column means)`` of ``X``, for :func:`calinski_harabasz`."""
    square_sum = float((X ** 2).sum())
    return square_sum, square_sum - float((np.asarray(X.sum(axis=0)).ravel() ** 2).sum()) / X.shape[0]


def calinski_harabasz(total: float, within: float, n: int, k: int) -> float:
    """Calinski-Harabasz index from the total and within-cluster sums of squares.

    The same value as ``sklearn.metrics.calinski_harabasz_score`` (between / within dispersion,
    each over its degrees of freedom), without another pass over the data per k: the between
    dispersion is what the within dispersion leaves of the total.

    Examples
    --------
    >>> X = np.array([[0.0], [2.0], [10.0], [12.0]])
    >>> labels = np.array([0, 0, 1, 1])
    >>> calinski_harabasz(total_ss(X)[1], within_ss(X, labels), len(X), 2)
    50.0
    """
    if within == 0:
        return 1.0  # sklearn's convention for a perfect clustering
    return (total - within) * (n - k) / (within * (k - 1))
