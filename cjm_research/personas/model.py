"""Data-driven personas: :class:`PersonaModel`, in the scikit-learn style.

Respondents are clustered on their persona features (numeric, ordinal and categorical, encoded
inside the model); each cluster becomes a persona with an id (0 is the largest), an editable
descriptive name, a profile, a bootstrap stability and a card. The model predicts personas for new
respondents, measures drift between quarters, ranks personas for priority and saves a readable
YAML spec plus the fitted model.

Examples
--------
>>> import cjm_research as cjm                                          # doctest: +SKIP
>>> model = cjm.PersonaModel(k="auto").fit(study.survey)                # doctest: +SKIP
>>> model.k_, model.names_                                              # doctest: +SKIP
>>> model.profile(); model.stability(); model.drift(study.previous.survey)   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import davies_bouldin_score, silhouette_score
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from . import features as pf
from . import profiles as pp
from ..core.errors import DataError, ParameterError, check_choice, preview
from .methods import METHODS, calinski_harabasz, fit_k, total_ss, ward_tree, within_ss
from .stability import bootstrap_jaccard, stability_frame

CRITERIA = ["auto", "calinski_harabasz", "silhouette", "davies_bouldin", "bic"]
BEST = {"calinski_harabasz": "idxmax", "silhouette": "idxmax", "davies_bouldin": "idxmin", "bic": "idxmin"}


class PersonaModel:
    """Cluster survey respondents into personas.

    Parameters
    ----------
    features : None, list of str or dict, optional
        ``None`` uses ``df.attrs["persona_features"]`` (a study's survey carries it) or infers;
        a list of columns infers each kind; ``{"numeric": [...], "ordinal": [...],
        "categorical": [...]}`` states them.
    k : int or "auto"
        Number of personas; ``"auto"`` tries ``k_range`` and picks the best silhouette (BIC for
        ``method="gmm"``).
    criterion : {"auto", "calinski_harabasz", "silhouette", "davies_bouldin", "bic"}
        How ``k="auto"`` picks k. ``"auto"`` is BIC for ``gmm`` and the Calinski-Harabasz index
        otherwise, the best of 30 stopping rules in Milligan & Cooper (1985, Psychometrika 50);
        the silhouette tends to merge overlapping personas (on the demo study it prefers 3 of 4).
        Every criterion is computed and shown in ``scores_`` either way.
    method : {"kmeans", "gmm", "ward", "kprototypes"}
        k-means (mini-batch above ``minibatch_above`` rows), Gaussian mixture, Ward agglomerative
        (tree on at most 5,000 rows, the rest by nearest centroid) or k-prototypes for mixed data.
    random_state : int
        Seed of every random step; the same spec and data give the same personas.
    k_range : tuple of int
        Smallest and largest k tried by ``k="auto"``.
    min_category_share : float
        Categories rarer than this are pooled as ``"(other)"``.
    outlier_fence : float or None
        Numeric values beyond this many IQRs outside the quartiles become missing; None keeps all.
    silhouette_sample : int
        Rows sampled to compute the silhouette (it is quadratic in rows).
    n_threads : int or None
        OpenMP/BLAS threads while clustering. 1 by default: k-means threads thrash on a busy shared
        machine (measured 17 times slower under load); None lets the libraries decide.
    keep_fits : bool
        Keep the clustering of every k tried, so :meth:`choose_k` can switch k instantly.
    id_column : str, optional
        Respondent or customer id used by ``drift`` and ``cards``; default ``customer_id`` or
        ``respondent_id`` when present.

    Attributes
    ----------
    labels_ : ndarray of int
        Persona id (0..k-1, 0 the largest at fit time) of each fitted row.
    k_ : int
        Number of personas (after merges); ``n_clusters_`` is the number fitted.
    names_ : list of str
        Persona names by id.
    scores_ : DataFrame
        Criteria per k tried: ``k, silhouette, calinski_harabasz, davies_bouldin, within_ss, bic``.
    choice_ : str
        Why this k.
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
                 criterion="auto", n_threads=1, keep_fits=False):
        self.features, self.k, self.method, self.random_state = features, k, method, random_state
        self.k_range, self.min_category_share, self.outlier_fence = k_range, min_category_share, outlier_fence
        self.silhouette_sample, self.minibatch_above, self.id_column = silhouette_sample, minibatch_above, id_column
        self.names, self.merges, self.progress = names, merges, progress
        self.criterion, self.n_threads, self.keep_fits = criterion, n_threads, keep_fits

    # ---------------------------------------------------------------- fitting
    def fit(self, df: pd.DataFrame, y=None, *, source: str = "data") -> "PersonaModel":
        """Clean, encode and cluster ``df``; returns self."""
        self._check_params()
        if not isinstance(df, pd.DataFrame) or df.empty:
            raise DataError(f"{source}: expected a non-empty DataFrame of respondents.")
        spec = pf.resolve_features(self.features, df, source=source)
        self.feature_spec_, self.rules_, found = pf.learn_rules(
            df, spec, min_category_share=self.min_category_share, fence=self.outlier_fence, source=source)
        clean, more = pf.clean_features(df, self.feature_spec_, self.rules_, source=source)
        self.quality_ = pd.DataFrame(found + more, columns=["column", "rule", "n", "examples"])
        self.preprocessor_ = pf.make_preprocessor(self.feature_spec_)
        X = self.preprocessor_.fit_transform(clean)
        with threadpool_limits(self.n_threads):
            return self._fit_encoded(df, clean, X)

    def fit_like(self, other: "PersonaModel") -> "PersonaModel":
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

    def _fit_encoded(self, df, clean, X) -> "PersonaModel":
        # Split from fit so the explorer can refit clusters without re-encoding the data.
        self.n_features_in_, self.data_, self.clean_, self.X_ = X.shape[1], df, clean, X
        self._cache = {}  # derived views of X (projection, feature tables), shared with copies
        self._mixed = self._mixed_matrix(clean, X) if self.method == "kprototypes" else None
        self.ids_ = self._ids(df)
        ks = self._ks(len(X))
        fits, rows = {}, []
        self._sample_distances = self._silhouette_distances(X) if len(ks) > 1 else None
        self._sums_of_squares = total_ss(X)  # shared by every k's within-SS and Calinski-Harabasz
        for k in tqdm(ks, desc=f"{self.method} k={ks[0]}..{ks[-1]}", disable=not self.progress or len(ks) == 1,
                      leave=False):
            fits[k] = self._fit_k(X, k)
            rows.append(self._criteria(X, k, *fits[k]))
        self.scores_ = pd.DataFrame(rows)
        self._sample_distances = None  # 70 MB at the default sample; not needed after the fit
        # Keeping every k's clustering lets choose_k switch k without refitting (the explorer).
        self.fits_ = {k: (a, raw.astype("int32")) for k, (a, raw) in fits.items()} if self.keep_fits else None
        best = self._choose_k()
        self.assigner_, raw = fits[best]
        self._set_clusters(raw, best)
        return self

    def choose_k(self, k: int) -> "PersonaModel":
        """Switch to another k of those evaluated by ``k="auto"`` without refitting (``keep_fits=True``).

        Merges and names are reset to the defaults of the new clustering. Returns self.
        """
        self._check_fitted()
        if not self.fits_ or k not in self.fits_:
            tried = sorted(self.fits_) if self.fits_ else []
            raise ParameterError(f"k={k!r} was not kept by this fit; kept: {tried} (fit with k='auto', keep_fits=True).")
        self.assigner_, raw = self.fits_[k]
        self.choice_ = f"k={k} chosen by the user; " + self.choice_.split("; ")[0].replace(" is best", " would be best")
        self.merges, self.names = None, None
        self._set_clusters(raw.astype(int), k)
        return self

    def _check_params(self) -> None:
        check_choice("method", self.method, METHODS)
        check_choice("criterion", self.criterion, CRITERIA)
        if self.criterion == "bic" and self.method != "gmm":
            raise ParameterError(f"criterion 'bic' needs method='gmm', but method={self.method!r} was passed.")
        if self.k != "auto" and not (isinstance(self.k, (int, np.integer)) and self.k >= 2):
            raise ParameterError(f"The value for `k` must be 'auto' or an integer >= 2, but {self.k!r} was passed.")
        low, high = self.k_range
        if not (2 <= low <= high):
            raise ParameterError(f"`k_range` must be (low, high) with 2 <= low <= high, but {self.k_range!r} was passed.")

    def _ks(self, n: int) -> list[int]:
        ks = [int(self.k)] if self.k != "auto" else list(range(self.k_range[0], self.k_range[1] + 1))
        if ks[0] >= n:
            raise DataError(f"data: {n} respondents cannot form {ks[0]} personas; need more rows than k.")
        return [k for k in ks if k < n]

    def _fit_k(self, X, k):
        if self.method == "ward" and getattr(self, "_tree_for", None) is not X:
            self._tree, self._tree_for = ward_tree(X, self.random_state), X
        return fit_k(self.method, X, k, self.random_state, mixed=self._mixed, categorical=self._cat_index(),
                     minibatch_above=self.minibatch_above, tree=getattr(self, "_tree", None))

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
        bic = assigner.estimator.bic(X) if self.method == "gmm" else np.nan
        db = davies_bouldin_score(X, labels) if n_found > 1 else np.nan
        return {"k": k, "silhouette": sil, "calinski_harabasz": ch, "davies_bouldin": db,
                "within_ss": wss, "bic": bic}

    def _choose_k(self) -> int:
        s = self.scores_
        if len(s) == 1:
            self.choice_ = f"k={int(s['k'].iloc[0])} was given."
            return int(s["k"].iloc[0])
        crit = self.criterion if self.criterion != "auto" else ("bic" if self.method == "gmm" else "calinski_harabasz")
        best = int(s.loc[getattr(s[crit], BEST[crit])(), "k"])
        sil = int(s.loc[s["silhouette"].idxmax(), "k"])
        self.choice_ = (f"k={best} is best by {crit.replace('_', '-')} of k={s.k.min()}..{s.k.max()}"
                        + (f"; the silhouette (sampled on {min(len(self.X_), self.silhouette_sample)} rows) "
                           f"would pick k={sil}." if sil != best else "; the silhouette agrees."))
        return best

    def _set_clusters(self, raw: np.ndarray, k: int) -> None:
        sizes = np.bincount(raw, minlength=k)
        order = np.argsort(-sizes, kind="stable")  # persona 0 is the largest cluster
        self.n_clusters_, self.raw_labels_ = k, raw
        self.mapping_ = np.empty(k, dtype=int)
        self.mapping_[order] = np.arange(k)
        self._names, self._stability = None, None
        self.merges_ = []
        for merge in self.merges or []:
            self.merge(merge["personas"], name=merge.get("name"))
        if self.names is not None:
            self.rename(list(self.names))

    def _cat_index(self):
        spec = getattr(self, "feature_spec_", None)
        if spec is None or self.method != "kprototypes":
            return None
        n_num = len(spec["numeric"]) + len(spec["ordinal"])
        return list(range(n_num, n_num + len(spec["categorical"])))

    def _mixed_matrix(self, clean: pd.DataFrame, X: np.ndarray) -> np.ndarray:
        # k-prototypes wants scaled numbers next to raw category labels, not one-hot columns.
        n_num = len(self.feature_spec_["numeric"]) + len(self.feature_spec_["ordinal"])
        cats = clean[self.feature_spec_["categorical"]].fillna(clean[self.feature_spec_["categorical"]].mode().iloc[0]) \
            if self.feature_spec_["categorical"] else pd.DataFrame(index=clean.index)
        return np.hstack([X[:, :n_num].astype(object), cats.to_numpy(dtype=object)])

    def _ids(self, df: pd.DataFrame) -> pd.Series:
        col = self.id_column or next((c for c in ("customer_id", "respondent_id") if c in df.columns), None)
        if col is not None and col not in df.columns:
            raise DataError(f"data: id column {col!r} not found; the data has {preview(list(df.columns), 12)}.")
        self.id_column_ = col
        return (df[col].astype(str) if col else pd.Series(df.index.astype(str), index=df.index)).reset_index(drop=True)

    # ------------------------------------------------------------- personas
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

    def _check_fitted(self) -> None:
        if not hasattr(self, "mapping_"):
            raise ParameterError("This PersonaModel is not fitted yet; call .fit(df) first.")

    def _derived(self, what: str, compute):
        """A view that depends only on the labelling, computed once per labelling.

        Shared by the copies the explorer makes (one per k, merges included), so switching k back
        and forth, renaming and redrawing never recompute it.
        """
        key = self.mapping_[self.raw_labels_].tobytes()
        cache = self._cache.setdefault(what, {})
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

    def predict(self, df: pd.DataFrame, *, source: str = "data") -> np.ndarray:
        """Persona id of each row of ``df`` (new respondents, another quarter)."""
        self._check_fitted()
        pf._check_columns([c for cols in self.feature_spec_.values() for c in cols], df, source)
        clean, _ = pf.clean_features(df, self.feature_spec_, self.rules_, source=source)
        X = self.preprocessor_.transform(clean)
        mixed = self._mixed_matrix(clean, X) if self.method == "kprototypes" else None
        return self.mapping_[self.assigner_.predict(X, mixed)]

    def assignments(self, df: pd.DataFrame | None = None) -> pd.DataFrame:
        """A row per respondent: id, ``persona`` and ``persona_name`` (fitted rows, or ``df``)."""
        labels = self.labels_ if df is None else self.predict(df)
        ids = self.ids_ if df is None else self._ids(df)
        names = np.array(self.names_, dtype=object)
        return pd.DataFrame({self.id_column_ or "row": ids.to_numpy(), "persona": labels,
                             "persona_name": names[labels]})

    def rename(self, mapping, name: str | None = None) -> "PersonaModel":
        """Rename personas: ``rename(0, "Value seekers")``, a ``{id: name}`` dict or a full list."""
        names = self.names_
        if isinstance(mapping, list):
            if len(mapping) != self.k_:
                raise ParameterError(f"`names` has {len(mapping)} entries but the model has {self.k_} personas.")
            mapping = dict(enumerate(mapping))
        elif not isinstance(mapping, dict):
            mapping = {mapping: name}
        for persona, new in mapping.items():
            self._check_persona(persona)
            names[int(persona)] = str(new)
        self._names = names
        return self

    def _check_persona(self, persona) -> None:
        if not isinstance(persona, (int, np.integer)) or not 0 <= persona < self.k_:
            raise ParameterError(f"persona {persona!r} does not exist; personas are 0..{self.k_ - 1}.")

    def merge(self, personas, *, name: str | None = None) -> "PersonaModel":
        """Merge personas into the one with the smallest id; ids stay 0..k-1 in order."""
        personas = sorted({int(p) for p in personas})
        for p in personas:
            self._check_persona(p)
        if len(personas) < 2:
            raise ParameterError(f"merge needs at least two different personas, got {personas}.")
        names = self.names_  # names of the personas before this merge
        keep = personas[0]
        target = np.array([keep if p in personas else p for p in range(self.k_)])
        renumber = {old: new for new, old in enumerate(sorted(set(target)))}
        self.mapping_ = np.array([renumber[target[p]] for p in self.mapping_])
        self.merges_.append({"personas": personas, "name": name})
        merged = name or " + ".join(names[p] for p in personas)
        self._names = [merged if p == keep else n for p, n in enumerate(names) if p not in personas[1:]]
        self._stability = None
        return self

    # ------------------------------------------------------------ describing
    def profile(self, *, top: int = 3) -> pd.DataFrame:
        """A row per persona: n, share, means with 95% intervals, top categories, distinguishing features."""
        frame = self._derived(f"profiles_{top}", lambda: pp.profile_frame(
            self._table(None), pd.Series(self.labels_).value_counts(), [f"Persona {p}" for p in range(self.k_)], top))
        return frame.assign(name=self.names_)

    def feature_table(self) -> pd.DataFrame:
        """Tidy description: a row per persona, feature and category level, with effect and lift."""
        return self._table(self.names_)

    def stability(self, *, n_boot: int = 30, max_rows: int = 5000) -> pd.DataFrame:
        """Bootstrap stability: a row per persona with Hennig's clusterwise Jaccard (0..1) and reading.

        Resamples at most ``max_rows`` respondents (seeded) to keep large studies quick. The overall
        adjusted Rand index is in the ``ari`` column and ``.attrs["ari"]``.
        """
        self._check_fitted()
        if getattr(self, "_stability", None) is not None and self._stability.attrs["n_boot"] == n_boot:
            return self._stability.copy()
        rng = np.random.default_rng(self.random_state)
        rows = np.sort(rng.choice(len(self.X_), max_rows, replace=False)) if len(self.X_) > max_rows \
            else np.arange(len(self.X_))
        with threadpool_limits(self.n_threads):
            jac, ari = bootstrap_jaccard(lambda idx, seed: self._refit(rows[idx], seed), self.raw_labels_[rows],
                                         self.mapping_, n_boot=n_boot, seed=self.random_state,
                                         progress=self.progress)
        self._stability = stability_frame(jac, ari, self.names_)
        self.ari_ = self._stability.attrs["ari"]
        return self._stability.copy()

    def _refit(self, index: np.ndarray, seed: int) -> np.ndarray:
        X = self.X_[index]
        mixed = self._mixed[index] if self._mixed is not None else None
        tree = ward_tree(X, seed) if self.method == "ward" else None
        return fit_k(self.method, X, self.n_clusters_, seed, mixed=mixed, categorical=self._cat_index(),
                     minibatch_above=self.minibatch_above, tree=tree)[1]

    def centroids(self) -> pd.DataFrame:
        """Persona centroids in the encoded (standardised, one-hot) feature space."""
        cols = self.preprocessor_.get_feature_names_out()
        return pd.DataFrame(self.X_, columns=cols).groupby(self.labels_).mean()

    # ----------------------------------------------------------- over time
    def drift(self, other: pd.DataFrame, *, months: float = 3.0, source: str = "other") -> pd.DataFrame:
        """Compare the fitted quarter with ``other`` (e.g. the next quarter's survey).

        A row per persona: shares before and after, centroid shift (standardised units), and for
        panel respondents (same id in both) the share that moved to another persona. The overall
        switch rate, its monthly equivalent over ``months`` and the published reference value are in
        ``.attrs`` and the ``"all"`` row.
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

        Quotes are interview excerpts linked by ``customer_id``, passed through ``cjm.redact`` with
        ``names`` plus participant labels that look like personal names.
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
                "id_column": self.id_column_, "merges": [dict(m) for m in self.merges_],
                "names": self.names_}

    def save(self, path) -> Path:
        """Write the YAML spec to ``path`` and the fitted model to ``path`` with ``.joblib``."""
        from .spec import save_model

        return save_model(self, path)

    @classmethod
    def load(cls, path, *, fitted: bool = True) -> "PersonaModel":
        """Read a spec; with ``fitted=True`` (and the ``.joblib`` next to it) the fitted model too."""
        from .spec import load_model

        return load_model(cls, path, fitted=fitted)

    def __repr__(self) -> str:
        state = f", k_={self.k_}" if hasattr(self, "mapping_") else ""
        return f"PersonaModel(method={self.method!r}, k={self.k!r}, random_state={self.random_state}{state})"
