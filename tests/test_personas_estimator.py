"""PersonaModel as a scikit-learn estimator, stored specs (also from before the layout move),
honest structure readings, grammatical names, latent class analysis and sampled fits."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.exceptions import NotFittedError
from sklearn.metrics import adjusted_rand_score
from test_personas import FEATURES, blobs

import cjm_research as cjm
from cjm_research.core.errors import CJMError, ParameterError

LEGACY = Path(__file__).parent / "data" / "legacy_spec"


@pytest.fixture(scope="module")
def data():
    return blobs(n=600)


# ------------------------------------------------------------------------------ estimator
def test_clone_and_params_round_trip(data):
    model = cjm.PersonaModel(FEATURES, k=4, method="ward", random_state=3, names=["a", "b", "c", "d"],
                             merges=[{"personas": [2, 3]}], progress=False, max_fit_rows=500)
    params = model.get_params()
    assert params["k"] == 4 and params["method"] == "ward" and params["max_fit_rows"] == 500
    twin = clone(model)
    assert twin.get_params() == params and twin is not model
    fitted = clone(model.set_params(merges=None, names=None)).fit(data[0])
    assert clone(fitted).get_params() == fitted.get_params()
    assert not hasattr(clone(fitted), "mapping_")  # a clone is unfitted
    assert model.set_params(k=3, method="gmm").get_params()["k"] == 3


def test_init_stores_parameters_unchanged_and_fit_validates():
    features = {"numeric": ["age"]}
    model = cjm.PersonaModel(features, k=1, method="nope", k_range=[5, 2])
    assert model.features is features and model.k == 1 and model.method == "nope" and model.k_range == [5, 2]
    with pytest.raises(ParameterError, match="The value for `method`"):
        model.fit(pd.DataFrame({"age": [1.0, 2.0, 3.0]}))


@pytest.mark.parametrize("use", [lambda m: m.labels_, lambda m: m.k_, lambda m: m.names_, lambda m: m.profile(),
                                 lambda m, d=None: m.predict(pd.DataFrame({"age": [1.0]})),
                                 lambda m: m.stability(), lambda m: m.rename(0, "x"), lambda m: m.spec(),
                                 lambda m: m.seed_agreement(), lambda m: m.centroids()])
def test_unfitted_access_raises_not_fitted_error(use):
    with pytest.raises(NotFittedError, match="not fitted yet") as info:
        use(cjm.PersonaModel(["age"]))
    assert isinstance(info.value, CJMError)


def test_editing_methods_never_change_parameters(data):
    model = cjm.PersonaModel(FEATURES, k="auto", k_range=(2, 6), keep_fits=True, progress=False,
                             names=None, merges=None).fit(data[0])
    before = model.get_params()
    model.rename(0, "Zero").merge([1, 2], name="Merged").choose_k(3)
    model.rename({1: "One"}).merge([0, 1])
    assert model.get_params() == before
    assert model.k_ == 2 and model.merges_ == [{"personas": [0, 1], "name": None}]
    model.choose_k(4)  # back to the automatic choice: its explanation again
    assert model.choice_ == model.choice_auto_ and model.k_ == 4


def test_fitted_attributes_only_by_fit(data):
    model = cjm.PersonaModel(FEATURES, k=4, progress=False)
    assert [a for a in vars(model) if a.endswith("_")] == []
    model.fit(data[0])
    fitted = {a for a in vars(model) if a.endswith("_")}
    model.stability(n_boot=3)
    model.seed_agreement()
    model.profile()
    assert {a for a in vars(model) if a.endswith("_")} == fitted


def test_fit_predict_from_cluster_mixin(data):
    model = cjm.PersonaModel(FEATURES, k=4, progress=False)
    assert (model.fit_predict(data[0]) == model.labels_).all()


# -------------------------------------------------------------------------------- the spec
def test_spec_saved_before_the_layout_move_loads_and_predicts_the_same():
    respondents = pd.read_csv(LEGACY / "respondents.csv")
    expected = pd.read_csv(LEGACY / "labels.csv")["label"].to_numpy()
    model = cjm.PersonaModel.load(LEGACY / "personas.yml")
    assert (model.predict(respondents) == expected).all()
    assert (model.labels_ == expected).all() and model.k_ == 2
    assert model.names_ == ["Older store and call shoppers", "Young app and web shoppers"]
    assert model.profile()["n"].tolist() == [60, 60] and len(model.stability(n_boot=3)) == 2
    assert clone(model).get_params()["method"] == "kmeans"
    import sys

    assert "cjm_research.persona_methods" not in sys.modules  # the alias lived only during the load
    refit = cjm.PersonaModel.load(LEGACY / "personas.yml", fitted=False)
    assert refit.max_fit_rows is None  # an old spec was fitted on every row
    assert (refit.fit(respondents).labels_ == expected).all() and refit.names_ == model.names_


def test_stored_model_holds_what_the_docstring_says(tmp_path, data):
    df = data[0].assign(comment="free text about me", email="me@example.com")
    model = cjm.PersonaModel(FEATURES, k=4, progress=False).fit(df)
    path = model.save(tmp_path / "personas.yml")
    stored = joblib.load(path.with_suffix(".joblib"))
    assert stored.data_ is None and stored.X_ is None and stored.fits_ is None
    assert list(stored.clean_.columns) == [c for cols in model.feature_spec_.values() for c in cols]
    assert "comment" not in stored.clean_ and "email" not in stored.clean_
    assert stored.ids_.tolist() == df["customer_id"].tolist()  # ids are kept, for drift and cards
    assert (stored.raw_labels_ == model.raw_labels_).all()
    loaded = cjm.PersonaModel.load(path)
    assert np.allclose(loaded.X_, model.X_) and (loaded.predict(df) == model.labels_).all()
    assert loaded.cards(representatives=2)["representatives"].tolist() == model.cards(representatives=2)[
        "representatives"].tolist()


# ---------------------------------------------------------------------------- structure
def test_weak_structure_is_never_called_stable():
    # One elongated Gaussian cloud: every seed and resample cuts it the same way (Jaccard high),
    # yet there are no personas in it; the reading must say so.
    rng = np.random.default_rng(0)
    X = rng.multivariate_normal([0, 0], [[1, 0.7], [0.7, 1]], 600)
    df = pd.DataFrame(X, columns=["a", "b"])
    model = cjm.PersonaModel(["a", "b"], k=2, progress=False).fit(df)
    stab = model.stability(n_boot=5)
    assert stab.attrs["structure"] in ("weak", "none") and model.silhouette() < 0.5
    assert (stab["jaccard_reading"] == "stable").all()  # Hennig alone would call it stable
    assert "stable" not in set(stab["reading"]) and set(stab["reading"]) == {"repeatable_weak"}
    info = model.structure(n_boot=5)
    assert "weak structure" in info["text"] or "no substantial structure" in info["text"]
    assert "0 of 2 personas stable" in info["text"] and "ARI" in info["text"]
    assert "silhouette" in model.choice_ and ("weak" in model.choice_ or "no substantial" in model.choice_)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    model.plot_stability(ax=ax)  # the weak readings have colours of their own
    assert "(weak)" in ax.get_title(loc="left") or "(none)" in ax.get_title(loc="left")
    plt.close(fig)


def test_clear_structure_reads_stable_with_seed_agreement(data):
    model = cjm.PersonaModel(FEATURES, k=4, progress=False).fit(data[0])
    info = model.structure(n_boot=5)
    assert info["structure"] in ("reasonable", "strong") and info["seed_ari_min"] > 0.95
    assert info["n_stable"] == 4 and "seeds agree" in info["text"]


def test_seed_sensitivity_is_the_ari_between_seeded_fits():
    rng = np.random.default_rng(1)
    df = pd.DataFrame(rng.uniform(size=(400, 3)), columns=["a", "b", "c"])
    model = cjm.PersonaModel(["a", "b", "c"], k=6, n_seeds=3, progress=False).fit(df)
    seeds = model.seed_agreement()
    fits = [cjm.PersonaModel(["a", "b", "c"], k=6, random_state=s, progress=False).fit(df).raw_labels_
            for s in range(3)]
    pairs = [adjusted_rand_score(fits[i], fits[j]) for i, j in ((0, 1), (0, 2), (1, 2))]
    assert seeds["ari_min"] == pytest.approx(min(pairs)) and seeds["ari_mean"] == pytest.approx(np.mean(pairs))


@pytest.mark.parametrize("column, values, expected, unwanted", [
    ("Customer Type", ["disloyal Customer", "Loyal Customer"], ["Disloyal customers", "Loyal customers"],
     "customer type"),
    ("Type of Travel", ["Business travel", "Personal Travel"], ["Business travel", "Personal travel"],
     "type of travel"),
])
def test_default_names_are_grammatical(column, values, expected, unwanted):
    rng = np.random.default_rng(0)
    group = np.repeat([0, 1], 150)
    df = pd.DataFrame({"Age": np.where(group == 0, 25, 55) + rng.normal(0, 2, 300),
                       column: np.where(group == 0, values[0], values[1])})
    names = cjm.PersonaModel(["Age", column], k=2, progress=False).fit(df).names_
    for name in names:
        assert unwanted not in name.lower() and "customer customer" not in name.lower()
    assert sorted(n.split(",")[0] for n in names) == sorted(expected)


# ---------------------------------------------------------------------------- latent classes
def survey_classes(n=900, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    df = pd.DataFrame({"age": rng.normal(25 + 15 * y, 4), "spend": rng.normal(100 - 30 * y, 10)})
    for item, levels in (("channel", ["app", "web", "store"]), ("plan", ["basic", "plus", "pro"])):
        keep = rng.random(n) < 0.8
        df[item] = np.where(keep, np.array(levels)[y], rng.choice(levels, n))
    df["respondent_id"] = [f"r{i}" for i in range(n)]
    return df, y


def test_lca_recovers_known_classes_with_bic_and_probabilities(tmp_path):
    df, y = survey_classes()
    features = {"numeric": ["age", "spend"], "categorical": ["channel", "plan"]}
    model = cjm.PersonaModel(features, method="lca", k="auto", k_range=(2, 5), progress=False).fit(df)
    assert model.k_ == 3 and adjusted_rand_score(y, model.labels_) > 0.9
    assert model.scores_["bic"].notna().all() and model.scores_.loc[model.scores_["bic"].idxmin(), "k"] == 3
    assert "bic" in model.choice_
    proba = model.predict_proba(df)
    assert proba.shape == (len(df), 3) and np.allclose(proba.sum(axis=1), 1)
    assert (proba.argmax(axis=1) == model.predict(df)).mean() > 0.99
    assert model.profile()["n"].sum() == len(df) and len(model.stability(n_boot=3)) == 3
    loaded = cjm.PersonaModel.load(model.save(tmp_path / "lca.yml"))
    assert (loaded.predict(df) == model.labels_).all()
    merged = loaded.merge([1, 2]).predict_proba(df)
    assert merged.shape == (len(df), 2) and np.allclose(merged.sum(axis=1), 1)


def test_lca_categorical_only_and_predict_proba_refused_for_kmeans(data):
    df, y = survey_classes(seed=1)
    model = cjm.PersonaModel({"categorical": ["channel", "plan"]}, method="lca", k=3, progress=False).fit(df)
    assert adjusted_rand_score(y, model.labels_) > 0.6
    with pytest.raises(ParameterError, match="predict_proba needs method='gmm' or 'lca'"):
        cjm.PersonaModel(FEATURES, k=3, progress=False).fit(data[0]).predict_proba(data[0])


# ---------------------------------------------------------------------------- sampled fits
@pytest.mark.parametrize("method", ["gmm", "kprototypes", "lca"])
def test_large_fits_use_a_seeded_sample_and_assign_everyone(method):
    X, y = make_blobs(3000, centers=3, n_features=3, random_state=2)
    df = pd.DataFrame(X, columns=["a", "b", "c"]).assign(channel=np.array(["x", "y", "z"])[y])
    calls = []
    model = cjm.PersonaModel({"numeric": ["a", "b", "c"], "categorical": ["channel"]}, method=method,
                             k_range=(2, 4), max_fit_rows=600, progress=lambda done, total: calls.append(done))
    model.fit(df)
    assert model.fit_rows_ == 600 and len(model.labels_) == 3000
    assert adjusted_rand_score(y, model.labels_) > 0.95 and model.k_ == 3
    assert (model.labels_ == model.predict(df)).all()
    assert "seeded sample of 600 of 3,000 respondents" in model.choice_
    assert calls == [0, 1, 2, 3]
    again = cjm.PersonaModel({"numeric": ["a", "b", "c"], "categorical": ["channel"]}, method=method,
                             k_range=(2, 4), max_fit_rows=600, progress=False).fit(df)
    assert (again.labels_ == model.labels_).all()  # the sample is seeded


def test_seed_agreement_and_stability_of_ward_beyond_its_tree_sample():
    # Ward's tree holds 5,000 rows; seed refits on the stability sample must build their own.
    X, _ = make_blobs(5600, centers=3, n_features=3, random_state=0)
    model = cjm.PersonaModel(["a", "b", "c"], k=3, method="ward", progress=False).fit(
        pd.DataFrame(X, columns=["a", "b", "c"]))
    assert model.seed_agreement()["ari_min"] > 0.95 and set(model.stability(n_boot=2)["reading"]) == {"stable"}
