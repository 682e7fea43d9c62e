"""Data-driven personas: :class:`PersonaModel`, a scikit-learn estimator.

Respondents are clustered on their persona features (numeric, ordinal and categorical, encoded
inside the model); each cluster becomes a persona with an id (0 is the largest), an editable
descriptive name, a profile, a bootstrap stability, a seed sensitivity and a card. The model
predicts personas for new respondents, measures drift between quarters, ranks personas for
priority and saves a readable YAML spec plus the fitted model.

Examples
--------
>>> import cjm_research as cjm                                          # doctest: +SKIP
>>> model = cjm.PersonaModel(k="auto").fit(study.survey)                # doctest: +SKIP
>>> model.k_, model.names_                                              # doctest: +SKIP
>>> model.profile(); model.stability(); model.drift(study.previous.survey)   # doctest: +SKIP
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.exceptions import NotFittedError
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_score
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from ..core.errors import CJMError, DataError, ParameterError, check_choice, preview
from ..evidence.validity import SEEDS_AGREE, persona_reading, silhouette_band
from . import features as pf
from . import profiles as pp
from .methods import (
    LIKELIHOOD,
    METHODS,
    MIXED,
    calinski_harabasz,
    fit_k,
    total_ss,
    ward_tree,
    within_ss,
)
from .selection import (
    VOTERS,
    best_k,
    gap_statistic,
    mixture_bic,
    prediction_strength,
    vote,
)
from .stability import bootstrap_jaccard, stability_frame

CRITERIA = ["auto", "vote", "calinski_harabasz", "silhouette", "davies_bouldin", "gap", "bic", "prediction_strength"]
SAMPLED = ("gmm", "kprototypes", "lca")  # methods whose fit time grows fast with rows: fit on a sample


class PersonaModelNotFittedError(NotFittedError, CJMError):
    """A fitted attribute or method of a :class:`PersonaModel` was used before ``fit``."""


class PersonaModel(ClusterMixin, BaseEstimator):
    """Cluster survey respondents into personas.

    A scikit-learn estimator: the parameters are stored as given and checked by :meth:`fit`;
    learned state lives in attributes ending in ``_``; :func:`sklearn.base.clone` gives an unfitted
    copy. Editing methods (:meth:`rename`, :meth:`merge`, :meth:`choose_k`) change the fitted
    personas only, never a parameter.

    Parameters
    ----------
    features : None, list of str or dict, default None
        ``None`` uses ``df.attrs["persona_features"]`` (a study's survey carries it) or every usable
        column; a list of columns infers each kind; ``{"numeric": [...], "ordinal": [...],
        "categorical": [...]}`` states them.
    k : int or "auto", default "auto"
        Number of personas; ``"auto"`` scores every k of ``k_range`` and picks one by ``criterion``.
    method : {"kmeans", "gmm", "ward", "kprototypes", "lca"}, default "kmeans"
        k-means (mini-batch above ``minibatch_above`` rows), Gaussian mixture, Ward agglomerative
        (tree on at most 5,000 rows, the rest by nearest centroid), k-prototypes for mixed data, or
        latent class / latent profile analysis (stepmix: categorical features as categorical
        indicators, numeric and ordinal ones as Gaussian).
    random_state : int, default 0
        Seed of every random step; the same spec and data give the same personas.
    k_range : tuple of int, default (2, 10)
        Smallest and largest k tried by ``k="auto"``.
    min_category_share : float, default 0.01
        Categories rarer than this share of respondents are pooled as ``"(other)"``.
    outlier_fence : float or None, default 3.0
        Numeric values beyond this many IQRs outside the quartiles become missing; None keeps all.
    silhouette_sample : int, default 3000
        Rows sampled (seeded) to compute the silhouette, which is quadratic in rows.
    minibatch_above : int, default 50000
        k-means switches to mini-batch k-means above this many rows.
    id_column : str, optional
        Respondent or customer id used by ``drift``, ``cards`` and ``assignments`` (a study's
        ``customer_id`` or ``respondent_id`` mapping); default a ``customer_id`` or
        ``respondent_id`` column when present, else the row index.
    names : list of str, optional
        Persona names by id, applied after fitting (after ``merges``).
    merges : list of dict, optional
        Merges applied after fitting, each ``{"personas": [ids], "name": optional}``.
    progress : bool or callable, default True
        Show a tqdm bar over the k tried; a callable ``progress(done, total)`` is called instead
        (the explorer's progress widget).
    criterion : {"auto", "vote", "calinski_harabasz", "silhouette", "davies_bouldin", "gap", "bic", \
"prediction_strength"}
        How ``k="auto"`` picks k. ``"auto"`` is BIC for the likelihood methods (``gmm``, ``lca``:
        their own model's) and ``"vote"`` otherwise: the k most of prediction strength
        (Tibshirani & Walther 2005: the largest k with strength >= 0.8, k-means on halves of a
        2,000-row sample), the gap statistic (Tibshirani et al. 2001) and the Calinski-Harabasz
        index pick, the smallest k when all three differ. On the panel of 46 known structures in
        ``benchmarks/eval_auto_k.py`` the vote finds the known k more often (39/46) than any
        single criterion (best: prediction strength, 36/46). Every criterion is in ``scores_``
        (``bic`` of a Gaussian mixture on a 2,000-row sample for methods without a likelihood).
    n_threads : int or None, default 1
        OpenMP/BLAS threads while clustering. 1 by default: k-means threads thrash on a busy shared
        machine (measured 17 times slower under load); None lets the libraries decide.
    keep_fits : bool, default False
        Keep the clustering of every k tried, so :meth:`choose_k` can switch k instantly.
    max_fit_rows : int or None, default 10000
        ``gmm``, ``kprototypes`` and ``lca`` are fitted on a seeded sample of at most this many
        respondents and every respondent is then assigned by the fitted model (``predict``), so
        auto-k on 100,000 rows takes minutes, not the better part of an hour
        (``benchmarks/bench_personas.py --slow-methods``); None fits on all rows. k-means
        (mini-batch) and Ward (a 5,000-row tree) always see every row.
    n_seeds : int, default 4
        Fits with this many seeds enter the seed sensitivity (:meth:`seed_agreement`).

    Attributes
    ----------
    labels_ : ndarray of int
        Persona id (0..k-1, 0 the largest at fit time) of each fitted row.
    k_ : int
        Number of personas (after merges); ``n_clusters_`` is the number fitted.
    names_ : list of str
        Persona names by id.
    scores_ : DataFrame
        Criteria per k tried: ``k, silhouette, calinski_harabasz, davies_bouldin, within_ss, bic``
        and, for ``k="auto"``, ``gap, gap_sd, prediction_strength``.
    choice_ : str
        Why this k, with the silhouette band of the structure (Kaufman & Rousseeuw).
    fit_rows_ : int
        Respondents the clustering was fitted on (a sample when ``max_fit_rows`` applied).
    quality_ : DataFrame
        Cleaning findings: ``column, rule, n, examples``.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> X, _ = make_blobs(300, centers=3, random_state=1)
    >>> df = pd.DataFrame(X, columns=["a", "b"])
    >>> PersonaModel(["a", "b"], k="auto", progress=False).fit(df).k_
    3
    """

    def __init__(self, features=None, *, k="auto", method="kmeans", random_state=0, k_range=(2, 10),
                 min_category_share=0.01, outlier_fence=3.0, silhouette_sample=3000,
                 minibatch_above=50_000, id_column=None, names=None, merges=None, progress=True,
                 criterion="auto", n_threads=1, keep_fits=False, max_fit_rows=10_000, n_seeds=4):
        self.features = features
        self.k = k
        self.method = method
        self.random_state = random_state
        self.k_range = k_range
        self.min_category_share = min_category_share
        self.outlier_fence = outlier_fence
        self.silhouette_sample = silhouette_sample
        self.minibatch_above = minibatch_above
        self.id_column = id_column
        self.names = names
        self.merges = merges
        self.progress = progress
        self.criterion = criterion
        self.n_threads = n_threads
        self.keep_fits = keep_fits
        self.max_fit_rows = max_fit_rows
        self.n_seeds = n_seeds

    # ---------------------------------------------------------------- fitting
    def fit(self, X: pd.DataFrame, y=None, *, source: str = "data") -> PersonaModel:
        """Clean, encode and cluster the respondents ``X`` (a DataFrame); returns self.

        Parameters
        ----------
        X : DataFrame
            One row per respondent with the persona features (and the id column).
        y : None
            Ignored (scikit-learn convention).
        source : str
            Name of the data in error messages (a file name).
        """
        self._check_params()
        df = X
        if not isinstance(df, pd.DataFrame) or df.empty:
            raise DataError(f"{source}: expected a non-empty DataFrame of respondents.")
        spec = pf.resolve_features(self.features, df, source=source)
        self.feature_spec_, self.rules_, found = pf.learn_rules(
            df, spec, min_category_share=self.min_category_share, fence=self.outlier_fence, source=source)
        clean, more = pf.clean_features(df, self.feature_spec_, self.rules_, source=source)
        self.quality_ = pd.DataFrame(found + more, columns=["column", "rule", "n", "examples"])
        self.preprocessor_ = pf.make_preprocessor(self.feature_spec_)
        encoded = self.preprocessor_.fit_transform(clean)
        with threadpool_limits(self.n_threads):
            return self._fit_encoded(df, clean, encoded)

    def fit_like(self, other: PersonaModel) -> PersonaModel:
        """Fit on the data and encoding of another fitted model with the same features.

        Cleaning rules, encoder and encoded matrix are reused, so trying another method, k or seed
        costs only the clustering (the explorer's fast path). Returns self.
        """
        other._check_fitted()
        self._check_params()
        for attr in ("feature_spec_", "rules_", "quality_", "preprocessor_"):
            setattr(self, attr, getattr(other, attr))
        with threadpool_limits(self.n_threads):
            return self._fit_encoded(other.data_, other.clean_, other.X_)

    def _fit_encoded(self, df, clean, X) -> PersonaModel:
        # Split from fit so the explorer can refit clusters without re-encoding the data.
        self.n_features_in_, self.data_, self.clean_, self.X_ = X.shape[1], df, clean, X
        self._views, self._stability, self._seeds, self._tree = {}, None, None, None
        self._matrix = self.method_matrix(clean, X)
        self.ids_ = self._ids(df)
        self._rows = self._fit_rows(len(X))
        Xf = X if self._rows is None else X[self._rows]
        self.fit_rows_ = len(Xf)
        ks = self._ks(len(Xf))
        fits, rows = {}, []
        self._sample_distances = self._silhouette_distances(Xf) if len(ks) > 1 else None
        self._sums_of_squares = total_ss(Xf)  # shared by every k's within-SS and Calinski-Harabasz
        for k in self._progress(ks):
            fits[k] = self._fit_k(Xf, k, self._sampled(self._matrix))
            rows.append(self._criteria(Xf, k, *fits[k]))
        self._sample_distances = None  # 70 MB at the default sample; not needed after the fit
        self.scores_ = self._with_gap(pd.DataFrame(rows), Xf, fits)
        best = self._choose_k()
        self.k_auto_, self.choice_auto_ = best, self.choice_
        # Keeping every k's clustering lets choose_k switch k without refitting (the explorer).
        self.fits_ = ({k: (a, self._assign_all(a, raw).astype("int32")) for k, (a, raw) in fits.items()}
                      if self.keep_fits else None)
        self.assigner_, raw = fits[best]
        self._set_clusters(self._assign_all(self.assigner_, raw), best, edits=True)
        return self

    def _progress(self, ks):
        if callable(self.progress):
            def report():
                for done, k in enumerate(ks):
                    self.progress(done, len(ks))
                    yield k
                self.progress(len(ks), len(ks))
            return report()
        return tqdm(ks, desc=f"{self.method} k={ks[0]}..{ks[-1]}", disable=not self.progress or len(ks) == 1,
                    leave=False)

    def _fit_rows(self, n: int):
        """The seeded sample the clustering is fitted on, or None for every row (see ``max_fit_rows``)."""
        if self.method not in SAMPLED or self.max_fit_rows is None or n <= self.max_fit_rows:
            return None
        return np.sort(np.random.default_rng(self.random_state).choice(n, int(self.max_fit_rows), replace=False))

    def _sampled(self, matrix):
        return matrix if matrix is None or self._rows is None else matrix[self._rows]

    def _assign_all(self, assigner, raw):
        # Fitted on a sample: everyone else is assigned by the fitted model, as predict would.
        return raw if self._rows is None else assigner.predict(self.X_, self._matrix)

    def choose_k(self, k: int) -> PersonaModel:
        """Switch to another k of those evaluated by ``k="auto"`` without refitting (``keep_fits=True``).

        Merges and names go back to the defaults of the new clustering; parameters are unchanged.
        Returns self.
        """
        self._check_fitted()
        if not self.fits_ or k not in self.fits_:
            tried = sorted(self.fits_) if self.fits_ else []
            raise ParameterError(f"k={k!r} was not kept by this fit; kept: {tried} (fit with k='auto', keep_fits=True).")
        self.assigner_, raw = self.fits_[k]
        if k == self.k_auto_:
            self.choice_ = self.choice_auto_
        else:
            first = self.choice_auto_.split("; ")[0].replace(" is best", " would be best")
            self.choice_ = f"k={k} chosen by the user ({self._band_text(k)}); {first}"
        self._set_clusters(raw.astype(int), k, edits=False)
        return self

    def _check_params(self) -> None:
        check_choice("method", self.method, METHODS)
        check_choice("criterion", self.criterion, CRITERIA)
        if self.k != "auto" and not (isinstance(self.k, (int, np.integer)) and self.k >= 2):
            raise ParameterError(f"The value for `k` must be 'auto' or an integer >= 2, but {self.k!r} was passed.")
        low, high = self.k_range
        if not (2 <= low <= high):
            raise ParameterError(f"`k_range` must be (low, high) with 2 <= low <= high, but {self.k_range!r} was passed.")
        if self.max_fit_rows is not None and not (isinstance(self.max_fit_rows, (int, np.integer))
                                                  and self.max_fit_rows >= 100):
            raise ParameterError(f"`max_fit_rows` must be None or an integer >= 100, but {self.max_fit_rows!r} was passed.")
        if not (isinstance(self.n_seeds, (int, np.integer)) and self.n_seeds >= 2):
            raise ParameterError(f"`n_seeds` must be an integer >= 2, but {self.n_seeds!r} was passed.")

    def _ks(self, n: int) -> list[int]:
        ks = [int(self.k)] if self.k != "auto" else list(range(self.k_range[0], self.k_range[1] + 1))
        if ks[0] >= n:
            raise DataError(f"data: {n} respondents cannot form {ks[0]} personas; need more rows than k.")
        return [k for k in ks if k < n]

    def _fit_k(self, X, k, matrix):
        if self.method == "ward" and self._tree is None:
            self._tree = ward_tree(X, self.random_state)  # one tree, cut for every k
        return fit_k(self.method, X, k, self.random_state, mixed=matrix, categorical=self._cat_index(),
                     minibatch_above=self.minibatch_above, tree=self._tree)

    def _silhouette_distances(self, X):
        """Distances between the silhouette's sampled rows, computed once for every k of the range.

        The rows are those ``silhouette_score(sample_size=..., random_state=...)`` would draw, so
        the score is the same; only the distance matrix is shared instead of recomputed per k
        (most of an auto-k refit's time). Large samples fall back to the per-k computation.
        """
        from sklearn.metrics import pairwise_distances
        from sklearn.utils import check_random_state

        sample = min(len(X), self.silhouette_sample)
        if sample > 5000:  # 200 MB of distances; not worth holding
            return None
        rows = check_random_state(self.random_state).permutation(len(X))[:sample]
        return rows, pairwise_distances(X[rows])

    def _criteria(self, X, k, assigner, labels) -> dict:
        n_found = len(np.unique(labels))
        shared = self._sample_distances
        if n_found < 2:
            sil = np.nan
        elif shared is not None:  # a tiny persona may miss the sample: then no silhouette
            sub = labels[shared[0]]
            sil = silhouette_score(shared[1], sub, metric="precomputed") if len(np.unique(sub)) > 1 else np.nan
        else:
            sample = min(len(X), self.silhouette_sample)
            sil = silhouette_score(X, labels, sample_size=sample, random_state=self.random_state)
        square_sum, total = self._sums_of_squares
        wss = within_ss(X, labels, square_sum)
        ch = calinski_harabasz(total, wss, len(X), n_found) if n_found > 1 else np.nan
        bic = assigner.bic(X, self._sampled(self._matrix)) if assigner.method in LIKELIHOOD else np.nan
        db = davies_bouldin_score(X, labels) if n_found > 1 else np.nan
        return {"k": k, "silhouette": sil, "calinski_harabasz": ch, "davies_bouldin": db,
                "within_ss": wss, "bic": bic}

    def _with_gap(self, scores: pd.DataFrame, X, fits) -> pd.DataFrame:
        """Add the criteria that need clusterings of their own: gap, prediction strength, BIC."""
        if len(scores) < 2:
            return scores.assign(gap=np.nan, gap_sd=np.nan, prediction_strength=np.nan)
        ks, seed = list(scores["k"]), self.random_state
        gap = gap_statistic(X, {k: raw for k, (_, raw) in fits.items()}, seed=seed)
        scores = scores.merge(gap, on="k", how="left").merge(prediction_strength(X, ks, seed=seed), on="k")
        if scores["bic"].isna().all():  # no likelihood of its own: a Gaussian mixture's on a sample
            scores = scores.drop(columns="bic").merge(mixture_bic(X, ks, seed=seed), on="k")
        return scores

    def _rule(self) -> str:
        if self.criterion != "auto":
            return self.criterion
        return "bic" if self.method in LIKELIHOOD else "vote"

    def _choose_k(self) -> int:
        s = self.scores_
        if len(s) == 1:
            k = int(s["k"].iloc[0])
            self.choice_ = f"k={k} was given ({self._band_text(k)})."
            return k
        rule = self._rule()
        picks = {c: best_k(s, c) for c in ("prediction_strength", "bic", "silhouette", "davies_bouldin", "gap",
                                           "calinski_harabasz")}
        best = vote(picks) if rule == "vote" else picks.get(rule)
        if best is None:  # e.g. the silhouette undefined everywhere: fall back to the committee
            best = vote(picks) or int(s["k"].iloc[0])
        span = f"k={s.k.min()}..{s.k.max()}"
        used = VOTERS if rule == "vote" else (rule,)
        said = ", ".join(f"{c.replace('_', ' ')} {picks[c]}" for c in used)
        why = (f"k={best} is best by the vote of {said} over {span}" if rule == "vote"
               else f"k={best} is best by {rule.replace('_', ' ')} of {span}")
        others = ", ".join(f"{c.replace('_', ' ')} {v}" for c, v in picks.items() if v is not None and c not in used)
        sampled = (f"; fitted on a seeded sample of {self.fit_rows_:,} of {len(self.X_):,} respondents, "
                   "the rest assigned by the model" if self._rows is not None else "")
        self.choice_ = f"{why} ({self._band_text(best)}); other criteria: {others}{sampled}."
        return best

    def _band_text(self, k: int) -> str:
        sil = float(self.scores_.set_index("k").loc[k, "silhouette"])
        band = silhouette_band(sil)
        text = {"strong": "strong structure", "reasonable": "reasonable structure",
                "weak": "weak structure, possibly artificial", "none": "no substantial structure",
                "unknown": "structure not measured"}[band]
        return f"silhouette {sil:.2f}: {text}" if np.isfinite(sil) else text

    def _set_clusters(self, raw: np.ndarray, k: int, *, edits: bool) -> None:
        sizes = np.bincount(raw, minlength=k)
        order = np.argsort(-sizes, kind="stable")  # persona 0 is the largest cluster
        self.n_clusters_, self.raw_labels_ = k, raw
        self.mapping_ = np.empty(k, dtype=int)
        self.mapping_[order] = np.arange(k)
        self._names, self._stability, self._seeds = None, None, None
        self.merges_ = []
        if not edits:
            return
        for merge in self.merges or []:
            self.merge(merge["personas"], name=merge.get("name"))
        if self.names is not None:
            self.rename(list(self.names))

    def _cat_index(self):
        spec = getattr(self, "feature_spec_", None)
        if spec is None or self.method not in MIXED:
            return None
        n_num = len(spec["numeric"]) + len(spec["ordinal"])
        return list(range(n_num, n_num + len(spec["categorical"])))

    def method_matrix(self, clean: pd.DataFrame, X: np.ndarray) -> np.ndarray | None:
        """What k-prototypes and latent class analysis cluster: scaled numbers next to category codes.

        k-prototypes gets the category labels themselves, latent class analysis integer codes
        (the index in the fitted categories, ``(other)`` last); other methods use ``X`` (None).
        """
        if self.method not in MIXED:
            return None
        spec = self.feature_spec_
        n_num = len(spec["numeric"]) + len(spec["ordinal"])
        cats = clean[spec["categorical"]]
        cats = cats.fillna(cats.mode().iloc[0]) if spec["categorical"] else pd.DataFrame(index=clean.index)
        if self.method == "lca":
            codes = [pd.Categorical(cats[c], categories=self.rules_["categories"][c] + [pf.OTHER]).codes
                     for c in spec["categorical"]]
            codes = np.column_stack(codes).astype(float) if codes else np.empty((len(clean), 0))
            return np.hstack([X[:, :n_num].astype(float), np.where(codes < 0, np.nan, codes)])
        return np.hstack([X[:, :n_num].astype(object), cats.to_numpy(dtype=object)])

    def _ids(self, df: pd.DataFrame) -> pd.Series:
        col = self.id_column or next((c for c in ("customer_id", "respondent_id") if c in df.columns), None)
        if col is not None and col not in df.columns:
            raise DataError(f"data: id column {col!r} not found; the data has {preview(list(df.columns), 12)}.")
        self.id_column_ = col
        return (df[col].astype(str) if col else pd.Series(df.index.astype(str), index=df.index)).reset_index(drop=True)

    # ------------------------------------------------------------- personas
    def __sklearn_is_fitted__(self) -> bool:
        return "mapping_" in vars(self)

    def _check_fitted(self) -> None:
        try:
            check_is_fitted(self)
        except NotFittedError:
            raise PersonaModelNotFittedError("This PersonaModel is not fitted yet; call .fit(df) first.") from None

    @property
    def labels_(self) -> np.ndarray:
        self._check_fitted()
        return self.mapping_[self.raw_labels_]

    @property
    def k_(self) -> int:
        self._check_fitted()
        return int(self.mapping_.max()) + 1

    @property
    def names_(self) -> list[str]:
        self._check_fitted()
        if self._names is None:
            self._names = list(self._derived("names", lambda: pp.default_names(self._table(None), self.k_)))
        return list(self._names)

    def cached(self, key, compute):
        """A view of the fitted data that does not depend on the personas (e.g. a projection), computed once.

        Figures use it so that redrawing after a rename, merge or new k does not recompute it.
        """
        self._check_fitted()
        if key not in self._views:
            self._views[key] = compute()
        return self._views[key]

    def _derived(self, what: str, compute):
        """A view that depends only on the labelling, computed once per labelling.

        Shared by the copies the explorer makes (one per k, merges included), so switching k back
        and forth, renaming and redrawing never recompute it.
        """
        key = self.mapping_[self.raw_labels_].tobytes()
        cache = self._views.setdefault(what, {})
        if key not in cache:
            if len(cache) >= 12:  # one per k of the range is enough
                cache.pop(next(iter(cache)))
            cache[key] = compute()
        return cache[key]

    def _table(self, names) -> pd.DataFrame:
        # Keyed by the labelling, so renames are free; names are filled in on the copy.
        table = self._derived("tables", lambda: pp.feature_table(
            self.clean_, self.feature_spec_, self.labels_, [f"Persona {p}" for p in range(self.k_)])).copy()
        table["name"] = table["persona"].map(dict(enumerate(names or [f"Persona {p}" for p in range(self.k_)])))
        return table

    def _encode(self, df: pd.DataFrame, source: str):
        self._check_fitted()
        pf.check_columns([c for cols in self.feature_spec_.values() for c in cols], df, source)
        clean, _ = pf.clean_features(df, self.feature_spec_, self.rules_, source=source)
        X = self.preprocessor_.transform(clean)
        return X, self.method_matrix(clean, X)

    def predict(self, X: pd.DataFrame, *, source: str = "data") -> np.ndarray:
        """Persona id of each row of ``X`` (new respondents, another quarter)."""
        encoded, matrix = self._encode(X, source)
        return self.mapping_[self.assigner_.predict(encoded, matrix)]

    def predict_proba(self, X: pd.DataFrame, *, source: str = "data") -> np.ndarray:
        """Membership probability of each row in each persona (``gmm`` and ``lca``), rows summing to 1.

        Columns are persona ids 0..k-1; a merged persona gets the sum of its clusters' probabilities.
        """
        self._check_fitted()
        if self.assigner_.method not in LIKELIHOOD:
            raise ParameterError(f"predict_proba needs method='gmm' or 'lca' (a mixture model), "
                                 f"but method={self.method!r} was fitted.")
        encoded, matrix = self._encode(X, source)
        raw = self.assigner_.predict_proba(encoded, matrix)
        out = np.zeros((len(raw), self.k_))
        np.add.at(out.T, self.mapping_, raw.T)
        return out

    def assignments(self, df: pd.DataFrame | None = None) -> pd.DataFrame:
        """A row per respondent: id, ``persona`` and ``persona_name`` (fitted rows, or ``df``)."""
        labels = self.labels_ if df is None else self.predict(df)
        ids = self.ids_ if df is None else self._ids(df)
        names = np.array(self.names_, dtype=object)
        return pd.DataFrame({self.id_column_ or "row": ids.to_numpy(), "persona": labels,
                             "persona_name": names[labels]})

    def rename(self, mapping, name: str | None = None) -> PersonaModel:
        """Rename personas: ``rename(0, "Value seekers")``, a ``{id: name}`` dict or a full list."""
        names = self.names_
        if isinstance(mapping, list):
            if len(mapping) != self.k_:
                raise ParameterError(f"`names` has {len(mapping)} entries but the model has {self.k_} personas.")
            mapping = dict(enumerate(mapping))
        elif not isinstance(mapping, dict):
            mapping = {mapping: name}
        for persona, new in mapping.items():
            self.check_persona(persona)
            names[int(persona)] = str(new)
        self._names = names
        return self

    def check_persona(self, persona) -> None:
        """Raise a clear :class:`ParameterError` unless ``persona`` is an id of this model."""
        if not isinstance(persona, (int, np.integer)) or not 0 <= persona < self.k_:
            raise ParameterError(f"persona {persona!r} does not exist; personas are 0..{self.k_ - 1}.")

    def merge(self, personas, *, name: str | None = None) -> PersonaModel:
        """Merge personas into the one with the smallest id; ids stay 0..k-1 in order."""
        personas = sorted({int(p) for p in personas})
        for p in personas:
            self.check_persona(p)
        if len(personas) < 2:
            raise ParameterError(f"merge needs at least two different personas, got {personas}.")
        names = self.names_  # names of the personas before this merge
        keep = personas[0]
        target = np.array([keep if p in personas else p for p in range(self.k_)])
        renumber = {old: new for new, old in enumerate(sorted(set(target)))}
        self.mapping_ = np.array([renumber[target[p]] for p in self.mapping_])
        self.merges_ = [*self.merges_, {"personas": personas, "name": name}]
        merged = name or " + ".join(names[p] for p in personas)
        self._names = [merged if p == keep else n for p, n in enumerate(names) if p not in personas[1:]]
        self._stability = None
        return self

    # ------------------------------------------------------------ describing
    def profile(self, *, top: int = 3, confidence: float = 0.95, weights=None) -> pd.DataFrame:
        """A row per persona: n, share, means with intervals, top categories, distinguishing features.

        Parameters
        ----------
        top : int
            How many distinguishing features to describe.
        confidence : float
            Level of the intervals of the means and category shares (default 0.95).
        weights : array-like, optional
            Survey weights, one per row the model was fitted on (for example
            ``study.survey[study.weight_column]``): means, category shares and the persona
            ``share`` are then weighted (``n`` stays the number of respondents, ``n_eff`` is the
            Kish effective n of each persona's weights).
        """
        self._check_fitted()
        if weights is None and confidence == 0.95:
            frame = self._derived(f"profiles_{top}", lambda: pp.profile_frame(
                self._table(None), pd.Series(self.labels_).value_counts(),
                [f"Persona {p}" for p in range(self.k_)], top))
            return frame.assign(name=self.names_)
        w = None
        if weights is not None:
            w = np.asarray(weights, dtype=float)
            if w.shape != (len(self.labels_),) or np.isnan(w).any() or (w < 0).any() or w.sum() <= 0:
                raise DataError(f"`weights` must hold one non-negative number per respondent the model "
                                f"was fitted on ({len(self.labels_)}), with some above 0.")
        names = [f"Persona {p}" for p in range(self.k_)]
        table = pp.feature_table(self.clean_, self.feature_spec_, self.labels_, names,
                                 confidence=confidence, weights=w)
        frame = pp.profile_frame(table, pd.Series(self.labels_).value_counts(), names, top)
        if w is not None:
            shares = pp.weighted_shares(self.labels_, w, confidence=confidence).set_index("persona")
            frame["share"] = frame["persona"].map(shares["share"])
            frame.insert(frame.columns.get_loc("share"), "n_eff", frame["persona"].map(shares["n_eff"]))
        return frame.assign(name=self.names_)

    def feature_table(self) -> pd.DataFrame:
        """Tidy description: a row per persona, feature and category level, with effect and lift."""
        return self._table(self.names_)

    def _stability_rows(self, max_rows: int) -> np.ndarray:
        rng = np.random.default_rng(self.random_state)
        n = len(self.X_)
        return np.sort(rng.choice(n, max_rows, replace=False)) if n > max_rows else np.arange(n)

    def stability(self, *, n_boot: int = 30, max_rows: int = 5000) -> pd.DataFrame:
        """Bootstrap stability and how to read it: a row per persona.

        Hennig's clusterwise Jaccard (0..1) over ``n_boot`` resamples of at most ``max_rows``
        respondents (seeded), its Hennig reading (``jaccard_reading``) and the ``reading`` that also
        weighs the structure: a persona is ``stable`` only when its Jaccard is high, the silhouette
        shows at least a reasonable structure and fits with other seeds agree (see
        :func:`cjm_research.evidence.validity.persona_reading`). The overall adjusted Rand index is
        in the ``ari`` column and ``.attrs["ari"]``; ``.attrs`` also holds the silhouette, its band
        and the seed agreement (:meth:`seed_agreement`).
        """
        self._check_fitted()
        if self._stability is not None and self._stability.attrs["n_boot"] == n_boot:
            return self._stability.copy()
        rows = self._stability_rows(max_rows)
        with threadpool_limits(self.n_threads):
            jac, ari = bootstrap_jaccard(lambda idx, seed: self._refit(rows[idx], seed), self.raw_labels_[rows],
                                         self.mapping_, n_boot=n_boot, seed=self.random_state,
                                         progress=bool(self.progress) and not callable(self.progress))
        seeds = self.seed_agreement(max_rows=max_rows)
        sil = self.silhouette()
        frame = stability_frame(jac, ari, self.names_)
        frame["reading"] = [persona_reading(j, silhouette_band(sil), seeds["ari_min"]) for j in frame["jaccard"]]
        frame.attrs.update({"silhouette": sil, "structure": silhouette_band(sil),
                            "seed_ari_mean": seeds["ari_mean"], "seed_ari_min": seeds["ari_min"],
                            "n_seeds": seeds["n_seeds"]})
        self._stability = frame
        return frame.copy()

    def silhouette(self) -> float:
        """Mean silhouette width of the fitted clustering (sampled as in ``scores_``)."""
        self._check_fitted()
        return float(self.scores_.set_index("k").loc[self.n_clusters_, "silhouette"])

    def seed_agreement(self, *, max_rows: int = 5000) -> dict:
        """How much the personas depend on the seed: ARI between fits with ``n_seeds`` seeds.

        The fitted k is refitted with seeds ``random_state .. random_state + n_seeds - 1`` on the
        same (at most ``max_rows``, seeded) respondents; every pair of fits is compared by the
        adjusted Rand index. Returns ``{"n_seeds", "ari_mean", "ari_min", "rows"}``.
        """
        self._check_fitted()
        if self._seeds is None:
            rows = self._stability_rows(max_rows)
            with threadpool_limits(self.n_threads):
                labels = [self._refit(rows, self.random_state + s) for s in range(self.n_seeds)]
            aris = [adjusted_rand_score(a, b) for a, b in itertools.combinations(labels, 2)]
            self._seeds = {"n_seeds": int(self.n_seeds), "ari_mean": float(np.mean(aris)),
                           "ari_min": float(np.min(aris)), "rows": len(rows)}
        return dict(self._seeds)

    def structure(self, *, n_boot: int = 30) -> dict:
        """The evidence for the k chosen, in plain values and one sentence (``"text"``).

        Silhouette and its band (Kaufman & Rousseeuw 1990: < 0.25 no substantial structure,
        0.25-0.50 weak, 0.50-0.70 reasonable, > 0.70 strong), seed sensitivity (mean and minimum
        ARI between seeds) and the bootstrap Jaccard, with the number of personas read as stable.
        """
        stab = self.stability(n_boot=n_boot)
        a = stab.attrs
        n_stable = int((stab["reading"] == "stable").sum())
        seeds = (f"seeds agree (ARI mean {a['seed_ari_mean']:.2f}, min {a['seed_ari_min']:.2f} over {a['n_seeds']} seeds)"
                 if a["seed_ari_min"] >= SEEDS_AGREE else
                 f"seed-sensitive (ARI mean {a['seed_ari_mean']:.2f}, min {a['seed_ari_min']:.2f} over {a['n_seeds']} seeds)")
        text = (f"{self._band_text(self.n_clusters_).capitalize()}; {seeds}; bootstrap Jaccard "
                f"{stab['jaccard'].min():.2f}-{stab['jaccard'].max():.2f}; {n_stable} of {self.k_} personas stable.")
        return {"k": self.k_, "silhouette": a["silhouette"], "structure": a["structure"],
                "seed_ari_mean": a["seed_ari_mean"], "seed_ari_min": a["seed_ari_min"], "n_seeds": a["n_seeds"],
                "jaccard_min": float(stab["jaccard"].min()), "jaccard_mean": float(stab["jaccard"].mean()),
                "n_stable": n_stable, "text": text}

    def _refit(self, index: np.ndarray, seed: int) -> np.ndarray:
        X = self.X_[index]
        matrix = self._matrix[index] if self._matrix is not None else None
        tree = ward_tree(X, seed) if self.method == "ward" else None
        return fit_k(self.method, X, self.n_clusters_, seed, mixed=matrix, categorical=self._cat_index(),
                     minibatch_above=self.minibatch_above, tree=tree)[1]

    def centroids(self) -> pd.DataFrame:
        """Persona centroids in the encoded (standardised, one-hot) feature space."""
        self._check_fitted()
        cols = self.preprocessor_.get_feature_names_out()
        return pd.DataFrame(self.X_, columns=cols).groupby(self.labels_).mean()

    # ----------------------------------------------------------- over time
    def drift(self, other: pd.DataFrame, *, months: float = 3.0, source: str = "other") -> pd.DataFrame:
        """Compare the fitted quarter with ``other`` (e.g. the next quarter's survey).

        A row per persona: shares before and after, centroid shift (standardised units), and for
        panel respondents (same id in both, in the ``id_column``) the share that moved to another
        persona. The overall switch rate, its monthly equivalent over ``months`` and the published
        reference value are in ``.attrs`` and the ``"all"`` row.
        """
        from .drift import drift_frame

        return drift_frame(self, other, months=months, source=source)

    def priority(self, *, value="auto", csat=None, target: float = 80.0,
                 data: pd.DataFrame | None = None) -> pd.DataFrame:
        """Segment priority: size, value and satisfaction gap per persona, ranked."""
        from .drift import priority_frame

        return priority_frame(self, value=value, csat=csat, target=target, data=data)

    # --------------------------------------------------------- persona cards
    def cards(self, *, interviews: pd.DataFrame | None = None, representatives: int = 3, quotes: int = 2,
              names=None):
        """A row per persona: name, size, distinguishing features, representative ids, redacted quotes.

        Representatives are ids from the model's ``id_column``; quotes are interview excerpts whose
        ``customer_id`` is such an id, passed through ``cjm.redact`` with ``names`` plus
        participant labels that look like personal names.
        """
        from .cards import cards_frame

        return cards_frame(self, interviews=interviews, representatives=representatives, quotes=quotes, names=names)

    def plot_card(self, persona: int, *, interviews=None, names=None, ax=None):
        """Draw one persona card on ``ax``; returns the Axes."""
        from .cards import plot_card

        return plot_card(self, persona, interviews=interviews, names=names, ax=ax)

    def plot_cards(self, *, interviews=None, names=None, fig=None):
        """Draw every persona card on ``fig`` (a new figure by default); returns the Figure."""
        from .cards import plot_cards

        return plot_cards(self, interviews=interviews, names=names, fig=fig)

    def plot_scores(self, ax=None):
        """Criteria per k with the chosen k marked; returns the Axes."""
        from ..viz.personas import plot_scores

        return plot_scores(self, ax=ax)

    def plot_projection(self, ax=None, *, max_points: int = 3000):
        """Respondents on the first two principal components, coloured by persona; returns the Axes."""
        from ..viz.personas import plot_projection

        return plot_projection(self, ax=ax, max_points=max_points)

    def plot_profile(self, ax=None, *, annotate: bool = True):
        """Heatmap of feature effects (standardised difference) per persona; returns the Axes."""
        from ..viz.personas import plot_profile

        return plot_profile(self, ax=ax, annotate=annotate)

    def plot_stability(self, ax=None):
        """Jaccard stability per persona with Hennig's thresholds; returns the Axes."""
        from ..viz.personas import plot_stability

        return plot_stability(self, ax=ax)

    # ------------------------------------------------------------ the spec
    def spec(self) -> dict:
        """The readable spec: features, method, k, seed, names, merges and cleaning options."""
        self._check_fitted()
        return {"features": {k: list(v) for k, v in self.feature_spec_.items()}, "method": self.method,
                "k": int(self.n_clusters_), "k_chosen_by": self.choice_, "random_state": int(self.random_state),
                "min_category_share": float(self.min_category_share),
                "outlier_fence": None if self.outlier_fence is None else float(self.outlier_fence),
                "max_fit_rows": None if self.max_fit_rows is None else int(self.max_fit_rows),
                "id_column": self.id_column_, "merges": [dict(m) for m in self.merges_],
                "names": self.names_}

    def stored(self) -> PersonaModel:
        """A copy holding what ``predict``, ``profile``, ``stability``, ``drift`` and ``cards`` need.

        Kept: the parameters, the cleaning rules, encoder and fitted clusterer, the cleaned persona
        feature values of the fitted respondents (the feature columns only), their ids and labels,
        the scores per k and the quality findings. Dropped: the input frame (``data_``, which holds
        every other survey column, free text included), the encoded matrix (rebuilt from the
        cleaned features by :meth:`restored`), the fits of other k and every cache.
        """
        import copy

        self._check_fitted()
        slim = copy.copy(self)
        slim.data_, slim.X_, slim.fits_ = None, None, None
        slim._matrix, slim._tree, slim._views, slim._seeds, slim._rows = None, None, {}, None, None
        slim.clean_ = self.clean_[[c for cols in self.feature_spec_.values() for c in cols]]
        if callable(slim.progress):  # a progress callback (the explorer's widget) cannot be stored
            slim.progress = False
        return slim

    def restored(self) -> PersonaModel:
        """Rebuild, in place, what :meth:`stored` dropped and can be derived again; returns self."""
        self.X_ = self.preprocessor_.transform(self.clean_)
        self._matrix = self.method_matrix(self.clean_, self.X_)
        self._views, self._tree, self._rows = {}, None, None
        return self

    def __setstate__(self, state: dict) -> None:
        # Models stored before the layout move carry older private names and lack newer parameters.
        for old in ("_cache", "_mixed", "_tree_for", "_sample_distances", "_sums_of_squares"):
            state.pop(old, None)
        state.pop("ari_", None)
        # Older models were fitted on every row: max_fit_rows=None keeps refits of them the same.
        defaults = {"max_fit_rows": None, "n_seeds": 4, "_views": {}, "_seeds": None, "_stability": None,
                    "_matrix": None, "_tree": None, "_rows": None, "_names": None}
        for key, value in defaults.items():
            state.setdefault(key, value)
        if "mapping_" in state:
            k = int(state["n_clusters_"])
            state.setdefault("fit_rows_", len(state["raw_labels_"]))
            state.setdefault("k_auto_", k)
            state.setdefault("choice_auto_", state.get("choice_", f"k={k}"))
        super().__setstate__(state)

    def save(self, path) -> Path:
        """Write the YAML spec to ``path`` and the fitted model to ``path`` with ``.joblib``."""
        from .spec import save_model

        return save_model(self, path)

    @classmethod
    def load(cls, path, *, fitted: bool = True) -> PersonaModel:
        """Read a spec; with ``fitted=True`` (and the ``.joblib`` next to it) the fitted model too.

        Models stored by earlier versions load too: their old module paths are mapped to the
        current ones (see :data:`cjm_research.personas.spec.LEGACY_MODULES`).
        """
        from .spec import load_model

        return load_model(cls, path, fitted=fitted)
