"""PersonaModel on synthetic blobs with known groups, the demo study and the marketing-campaign data."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

import cjm_research as cjm
from cjm_research.core.errors import CJMError, ConfigError, DataError, ParameterError
from cjm_research.personas.features import infer_kind

NUMERIC = ["age", "spend", "visits", "tenure"]
FEATURES = NUMERIC + ["channel", "savvy"]
DEMO_FEATURES = {"numeric": ["age", "orders_12m", "avg_order_value", "online_share"],
                 "ordinal": ["income_band", "digital_savvy", "price_sensitivity"],
                 "categorical": ["gender", "city", "preferred_channel"]}
MARKETING = ["Year_Birth", "Education", "Marital_Status", "Income", "Kidhome", "Teenhome", "Recency",
             "MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts", "MntGoldProds",
             "NumDealsPurchases", "NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases",
             "NumWebVisitsMonth", "Complain", "Z_CostContact", "Z_Revenue"]


def blobs(n=800, k=4, seed=3, std=1.0):
    X, y = make_blobs(n, n_features=4, centers=k, cluster_std=std, random_state=seed, center_box=(-8, 8))
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(X, columns=NUMERIC)
    levels = np.array(["app", "web", "store", "phone", "email"])
    df["channel"] = np.where(rng.random(n) < 0.85, levels[y % len(levels)], rng.choice(levels, n))
    df["savvy"] = np.clip(np.round(3 + (y - 1.5) + rng.normal(0, 0.5, n)), 1, 5).astype(int)
    df["customer_id"] = [f"C{i:05d}" for i in range(n)]
    return df, y


@pytest.fixture(scope="module")
def data():
    return blobs()


@pytest.fixture(scope="module")
def fitted(data):
    return cjm.PersonaModel(FEATURES, k="auto", k_range=(2, 6), progress=False).fit(data[0])


def test_auto_k_recovers_planted_groups(fitted, data):
    assert fitted.k_ == 4
    assert adjusted_rand_score(data[1], fitted.labels_) > 0.95
    assert list(fitted.scores_["k"]) == [2, 3, 4, 5, 6]
    assert fitted.scores_.loc[fitted.scores_["calinski_harabasz"].idxmax(), "k"] == 4
    assert "k=4" in fitted.choice_


def test_silhouette_per_k_equals_scikit_learns_sampled_silhouette(data):
    # The sample's distances are computed once for every k; the scores must not change by it.
    from sklearn.metrics import silhouette_score

    model = cjm.PersonaModel(FEATURES, k_range=(2, 5), silhouette_sample=150, keep_fits=True,
                             progress=False).fit(data[0])
    for k, (_, raw) in model.fits_.items():
        expected = silhouette_score(model.X_, raw, sample_size=150, random_state=0)
        assert model.scores_.set_index("k").loc[k, "silhouette"] == pytest.approx(expected, abs=1e-12)
    assert model._sample_distances is None  # not kept after the fit


def test_calinski_harabasz_and_within_ss_per_k_equal_scikit_learns(data):
    # Both come from sums of squares shared across k instead of a pass over the data per k.
    from sklearn.metrics import calinski_harabasz_score

    model = cjm.PersonaModel(FEATURES, k_range=(2, 6), keep_fits=True, progress=False).fit(data[0])
    scores = model.scores_.set_index("k")
    for k, (_, raw) in model.fits_.items():
        assert scores.loc[k, "calinski_harabasz"] == pytest.approx(calinski_harabasz_score(model.X_, raw), rel=1e-9)
        centres = np.vstack([model.X_[raw == c].mean(axis=0) for c in range(k)])
        assert scores.loc[k, "within_ss"] == pytest.approx(((model.X_ - centres[raw]) ** 2).sum(), rel=1e-9)


def test_persona_ids_are_ordered_by_size_and_names_are_unique(fitted):
    sizes = np.bincount(fitted.labels_)
    assert list(sizes) == sorted(sizes, reverse=True)
    assert len(set(fitted.names_)) == fitted.k_


@pytest.mark.parametrize("method", ["gmm", "ward"])
def test_other_methods_recover_groups(method, data):
    model = cjm.PersonaModel(FEATURES, k="auto", k_range=(2, 6), method=method, progress=False).fit(data[0])
    assert model.k_ == 4
    assert adjusted_rand_score(data[1], model.labels_) > 0.95
    if method == "gmm":
        assert model.scores_["bic"].notna().all()
        assert model.scores_.loc[model.scores_["bic"].idxmin(), "k"] == model.k_


def test_kprototypes_fixed_k_and_predict(data):
    df, y = data
    model = cjm.PersonaModel(FEATURES, k=4, method="kprototypes", progress=False).fit(df.iloc[:400])
    assert adjusted_rand_score(y[:400], model.labels_) > 0.9
    assert adjusted_rand_score(y[400:], model.predict(df.iloc[400:])) > 0.9


def test_wrong_method_and_k_use_clear_messages(data):
    with pytest.raises(ParameterError, match=r"The value for `method` must be one of \['kmeans', 'gmm', 'ward', "
                                             r"'kprototypes', 'lca'\], but 'kmean' was passed"):
        cjm.PersonaModel(FEATURES, method="kmean").fit(data[0])
    with pytest.raises(ParameterError, match="`k` must be 'auto' or an integer >= 2, but 1 was passed"):
        cjm.PersonaModel(FEATURES, k=1).fit(data[0])
    with pytest.raises(DataError, match=r"column\(s\) 'nope' not found"):
        cjm.PersonaModel(["age", "nope"]).fit(data[0])


def test_non_numeric_values_in_a_numeric_feature_name_column_and_rows(data):
    df = data[0].head(50).copy()
    df["age"] = df["age"].astype(object)
    df.loc[7, "age"] = "forty"
    with pytest.raises(DataError, match=r"column 'age'.*'forty'.*rows 7"):
        cjm.PersonaModel({"numeric": ["age", "spend"]}, k=2, progress=False).fit(df)


def test_feature_kinds_from_list_dict_and_attrs(data):
    df = data[0]
    assert infer_kind(df["savvy"]) == "ordinal" and infer_kind(df["age"]) == "numeric"
    assert infer_kind(df["channel"]) == "categorical"
    model = cjm.PersonaModel(FEATURES, k=2, progress=False).fit(df)
    assert model.feature_spec_ == {"numeric": NUMERIC, "ordinal": ["savvy"], "categorical": ["channel"]}
    tagged = df.copy()
    tagged.attrs["persona_features"] = {"numeric": ["age", "savvy"], "categorical": ["channel"]}
    model = cjm.PersonaModel(k=2, progress=False).fit(tagged)
    assert model.feature_spec_ == {"numeric": ["age", "savvy"], "ordinal": [], "categorical": ["channel"]}


def test_predict_matches_labels_and_handles_unseen_categories(fitted, data):
    df = data[0]
    assert (fitted.predict(df) == fitted.labels_).all()
    new = df.head(20).copy()
    new["channel"] = "carrier pigeon"
    assert fitted.predict(new).shape == (20,)
    with pytest.raises(DataError, match=r"next-quarter.csv: persona feature column\(s\) 'savvy' not found"):
        fitted.predict(new.drop(columns="savvy"), source="next-quarter.csv")


def test_profile_means_intervals_and_shares(fitted, data):
    df = data[0]
    prof = fitted.profile()
    assert list(prof["persona"]) == list(range(fitted.k_))
    assert prof["n"].sum() == len(df) and prof["share"].sum() == pytest.approx(1)
    for p in range(fitted.k_):
        members = df[fitted.labels_ == p]
        row = prof.iloc[p]
        assert row["spend"] == pytest.approx(members["spend"].mean())
        half = 1.96 * members["spend"].std() / np.sqrt(len(members))
        assert row["spend_ci_high"] - row["spend"] == pytest.approx(half, rel=0.02)
        top = members["channel"].value_counts(normalize=True)
        assert row["channel"] == top.index[0] and row["channel_share"] == pytest.approx(top.iloc[0])


def test_distinguishing_features_and_default_names(fitted, data):
    df = data[0]
    table = fitted.feature_table()
    p = 0
    members = df[fitted.labels_ == p]
    effect = (members["age"].mean() - df["age"].mean()) / df["age"].std()
    assert table.query("persona == 0 and feature == 'age'")["effect"].iloc[0] == pytest.approx(effect)
    top = members["channel"].value_counts(normalize=True).index[0]
    lift = (members["channel"] == top).mean() / (df["channel"] == top).mean()
    row = table.query("persona == 0 and feature == 'channel' and level == @top")
    assert row["lift"].iloc[0] == pytest.approx(lift)
    # the persona's channel is over-represented about 3.5 times, so it names the persona
    assert top in fitted.names_[0] and top in fitted.profile()["distinguishing"].iloc[0]


def test_feature_table_against_per_persona_pandas_with_missing_answers():
    from cjm_research.personas import profiles as pp

    rng = np.random.default_rng(3)
    labels = np.repeat([0, 1, 2], [40, 30, 30])
    clean = pd.DataFrame({"spend": rng.normal(100, 20, 100), "likert": rng.integers(1, 6, 100).astype(float),
                          "city": rng.choice(["Bandung", "Jakarta", "Medan"], 100)})
    clean.loc[:9, "spend"] = np.nan               # persona 0 has fewer spend answers
    clean.loc[labels == 2, "city"] = None          # persona 2 never answered city
    spec = {"numeric": ["spend"], "ordinal": ["likert"], "categorical": ["city"]}
    table = pp.feature_table(clean, spec, labels, ["A", "B", "C"])
    for (p, col), row in table[table["kind"] != "categorical"].set_index(["persona", "feature"]).iterrows():
        values = clean.loc[labels == p, col].dropna()
        half = stats.t.ppf(0.975, len(values) - 1) * values.std() / np.sqrt(len(values))
        assert row["n"] == len(values) and row["value"] == pytest.approx(values.mean())
        assert row["ci_high"] - row["value"] == pytest.approx(half)
        assert row["effect"] == pytest.approx((values.mean() - clean[col].mean()) / clean[col].std())
    cities = table[table["kind"] == "categorical"]
    assert set(cities["persona"]) == {0, 1}  # no rows for a persona without answers
    assert cities["level"].tolist() == ["Bandung", "Jakarta", "Medan"] * 2
    answered = clean["city"].notna()
    for row in cities.itertuples():
        members = clean.loc[(labels == row.persona) & answered, "city"]
        share, overall = (members == row.level).mean(), (clean.loc[answered, "city"] == row.level).mean()
        assert row.n == len(members) and row.value == pytest.approx(share) and row.lift == pytest.approx(share / overall)
    profile = pp.profile_frame(table, pd.Series(labels).value_counts(), ["A", "B", "C"])
    assert profile["city"].tolist()[:2] == [clean.loc[labels == p, "city"].value_counts().index[0] for p in (0, 1)]
    assert pd.isna(profile.loc[2, "city"]) and profile["spend"].tolist() == pytest.approx(
        [clean.loc[labels == p, "spend"].mean() for p in range(3)])


def test_profile_heatmap_writes_values_only_where_they_fit(fitted):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    fitted.plot_profile(ax=ax)
    n_cells = fitted.k_ * len(ax.get_xticks())
    assert len(ax.texts) == n_cells  # a few wide columns: every cell carries its value
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(1.5, 4))
    fitted.plot_profile(ax=ax)
    assert len(ax.texts) == 0  # cells narrower than a number: colour only, no overprinting
    plt.close(fig)


def test_rename_and_merge(data):
    df, _ = data
    model = cjm.PersonaModel(FEATURES, k=4, progress=False).fit(df)
    before = model.labels_.copy()
    model.rename(0, "Digital natives").rename({3: "Loyalists"})
    assert model.names_[0] == "Digital natives" and model.names_[3] == "Loyalists"
    model.merge([1, 3], name="Merged")
    assert model.k_ == 3 and model.names_ == ["Digital natives", "Merged", model.names_[2]]
    assert ((model.labels_ == 1) == np.isin(before, [1, 3])).all()
    assert ((model.labels_ == 2) == (before == 2)).all()
    assert model.profile()["n"].tolist() == np.bincount(model.labels_).tolist()
    with pytest.raises(ParameterError, match="persona 7 does not exist; personas are 0..2"):
        model.rename(7, "x")


def test_stability_high_for_separated_groups_low_for_noise(fitted):
    stab = fitted.stability(n_boot=8)
    assert list(stab["persona"]) == list(range(fitted.k_))
    assert stab["jaccard"].between(0, 1).all() and (stab["jaccard"] > 0.9).all()
    assert set(stab["reading"]) == {"stable"} and stab.attrs["ari"] > 0.9
    noise = pd.DataFrame(np.random.default_rng(0).uniform(size=(400, 2)), columns=["a", "b"])
    weak = cjm.PersonaModel(["a", "b"], k=7, progress=False).fit(noise).stability(n_boot=8)
    assert weak["jaccard"].mean() < stab["jaccard"].mean() - 0.1
    assert weak.attrs["ari"] < 0.9


def test_stability_of_a_merged_persona_counts_the_union(data):
    model = cjm.PersonaModel(FEATURES, k=4, progress=False).fit(data[0]).merge([0, 1])
    stab = model.stability(n_boot=5)
    assert len(stab) == 3 and stab["jaccard"].iloc[0] > 0.9


def test_drift_counts_panel_switchers_and_cites_reference(fitted, data):
    df = data[0]
    later = df.copy()
    moved = later.index[:40]
    # move 40 respondents of persona 0's neighbourhood far into another persona's centre
    target = df[fitted.labels_ == 1][NUMERIC + ["savvy", "channel"]].iloc[0]
    later.loc[moved, NUMERIC + ["savvy", "channel"]] = target.to_numpy()
    expected = (fitted.labels_[:40] != 1).sum()
    drift = fitted.drift(later, months=3)
    total = drift.iloc[-1]
    assert total["persona"] == "all" and total["panel_n"] == len(df) and total["switched"] == expected
    assert total["switched_share_monthly"] == pytest.approx(1 - (1 - expected / len(df)) ** (1 / 3))
    assert (drift["reference_monthly_drift"] == 0.187).all() and "10.1145/3290607.3312955" in drift.attrs["reference"]
    assert drift["share_after"].iloc[1] > drift["share_before"].iloc[1]


def test_priority_table_value_and_satisfaction_gap(data):
    df = data[0].copy()
    df["avg_order_value"] = np.arange(len(df)) % 7 + 1.0
    df["orders_12m"] = 2.0
    df["csat_decision"] = np.where(df.index % 2 == 0, 5, 2)
    df.loc[:10, "csat_decision"] = 0  # not applicable
    model = cjm.PersonaModel(FEATURES, k=4, progress=False).fit(df)
    table = model.priority(target=80).set_index("persona")
    p = 2
    members = df[model.labels_ == p]
    assert table.loc[p, "value_per_respondent"] == pytest.approx((members["avg_order_value"] * 2).mean())
    rated = members["csat_decision"][members["csat_decision"] > 0]
    assert table.loc[p, "csat"] == pytest.approx((rated >= 4).mean() * 100)
    assert table.loc[p, "satisfaction_gap"] == pytest.approx(max(0, 80 - (rated >= 4).mean() * 100))
    assert sorted(table["priority_rank"]) == sorted(table["priority_score"].rank(method="min").astype(int))


def test_save_load_and_refit_give_same_personas(tmp_path, data):
    df = data[0]
    model = cjm.PersonaModel(FEATURES, k="auto", k_range=(3, 5), progress=False).fit(df)
    model.merge([2, 3]).rename(0, "Zero")
    path = model.save(tmp_path / "personas.yml")
    text = path.read_text()
    assert "method: kmeans" in text and "k: 4" in text and "Zero" in text and "merges:" in text
    loaded = cjm.PersonaModel.load(path)
    assert loaded.names_ == model.names_ and (loaded.predict(df) == model.labels_).all()
    refit = cjm.PersonaModel.load(path, fitted=False).fit(df)
    assert refit.names_ == model.names_ and (refit.labels_ == model.labels_).all()
    path.write_text(text.replace("- Zero", "- Edited"))
    assert cjm.PersonaModel.load(path).names_[0] == "Edited"
    path.write_text(text + "colour: blue\n")
    with pytest.raises(ConfigError, match=r"personas.yml: unknown keys \['colour'\]"):
        cjm.PersonaModel.load(path)


def test_cards_representatives_and_redacted_quotes(fitted, data):
    df = data[0]
    cards = fitted.cards(representatives=2)
    centre = fitted.X_[fitted.labels_ == 0].mean(axis=0)
    dist = np.linalg.norm(fitted.X_ - centre, axis=1)
    dist[fitted.labels_ != 0] = np.inf
    assert cards["representatives"].iloc[0] == list(df["customer_id"].iloc[np.argsort(dist)[:2]])
    if importlib.util.find_spec("cjm_research.evidence.text") is None:
        pytest.skip("cjm_research.evidence.text (redaction) not available yet")
    member = df["customer_id"][fitted.labels_ == 1].iloc[0]
    interviews = pd.DataFrame({"customer_id": [member, "C99999"],
                               "text": ["Mail me at budi.santoso@example.com or +62 812-3456-7890", "x"]})
    cards = fitted.cards(interviews=interviews)
    quote = cards["quotes"].iloc[1][0]
    assert quote == cjm.redact(interviews["text"].iloc[0])
    assert "example.com" not in quote and "3456" not in quote
    assert cards["quotes"].iloc[0] == []


def test_plots_return_axes(fitted):
    import matplotlib.pyplot as plt

    for name in ("plot_scores", "plot_projection", "plot_profile", "plot_stability", "plot_card"):
        fig, ax = plt.subplots()
        out = getattr(fitted, name)(0, ax=ax) if name == "plot_card" else getattr(fitted, name)(ax=ax)
        assert out is ax and (ax.has_data() or ax.collections or ax.patches)
        plt.close(fig)
    fig = fitted.plot_cards()
    assert len(fig.axes) == fitted.k_
    plt.close(fig)


def test_errors_are_cjm_errors(data):
    with pytest.raises(CJMError):
        cjm.PersonaModel(FEATURES).predict(data[0])


# ------------------------------------------------------------------ the demo study
def test_demo_recovers_planted_personas(demo_dir, truth):
    survey = pd.read_csv(demo_dir / "2026Q3" / "survey.csv", dtype={"customer_id": str})
    model = cjm.PersonaModel(DEMO_FEATURES, k="auto", progress=False).fit(survey)
    planted = survey["respondent_id"].map(truth["respondents"])
    assert model.k_ == truth["k"] == 4
    assert adjusted_rand_score(planted, model.labels_) >= 0.9
    earlier = pd.read_csv(demo_dir / "2026Q2" / "survey.csv", dtype={"customer_id": str})
    assert adjusted_rand_score(earlier["respondent_id"].map(truth["respondents"]), model.predict(earlier)) >= 0.9


# ------------------------------------------------------- real data: marketing campaign
@pytest.mark.realdata
def test_marketing_campaign_mixed_features_with_junk(shared_data):
    df = pd.read_csv(shared_data / "marketing_campaign" / "marketing_campaign.csv", sep="\t")
    model = cjm.PersonaModel(MARKETING, k="auto", k_range=(2, 5), id_column="ID", progress=False).fit(df)
    q = model.quality_
    dropped = set(q.loc[q["rule"] == "constant column dropped", "column"])
    assert dropped == {"Z_CostContact", "Z_Revenue"}
    junk = q[(q["column"] == "Marital_Status") & q["rule"].str.startswith("rare")]
    assert junk["n"].iloc[0] == 7 and all(v in junk["examples"].iloc[0] for v in ("YOLO", "Absurd", "Alone"))
    years = q[(q["column"] == "Year_Birth") & q["rule"].str.startswith("implausible")]
    assert years["n"].iloc[0] == 3 and "1893" in years["examples"].iloc[0]
    income = q[(q["column"] == "Income") & q["rule"].str.startswith("implausible")]
    assert "666666" in income["examples"].iloc[0]
    assert "(other)" not in set(model.profile()["Marital_Status"])
    prof = model.profile()
    assert prof["Year_Birth"].between(1940, 2000).all() and prof["n"].min() >= 0.05 * len(df)
    # personas split by spending: the richest persona buys clearly more wine than the poorest
    rich, poor = prof["Income"].idxmax(), prof["Income"].idxmin()
    assert prof.loc[rich, "MntWines"] > 2 * prof.loc[poor, "MntWines"]


def test_demo_study_features_drift_priority_and_redacted_cards(demo_study_path, truth):
    study = cjm.load_study(demo_study_path, quarter="2026Q3")
    model = cjm.PersonaModel(progress=False).fit(study.survey)  # features from the study's survey
    assert model.feature_spec_ == {kind: study.columns.persona_features.get(kind, [])
                                   for kind in ("numeric", "ordinal", "categorical")}
    assert adjusted_rand_score(study.survey["respondent_id"].map(truth["respondents"]), model.labels_) >= 0.9
    # cjm.redact hides listed names only; the demo lists the staff names it planted in truth.json
    cards = model.cards(interviews=study.interviews, names=truth["pii"]["names"])
    shown = " ".join(q for quotes in cards["quotes"] for q in quotes)
    assert shown
    for value in truth["pii"]["emails"] + truth["pii"]["phones"] + truth["pii"]["names"]:
        assert value not in shown
    earlier = study.previous.survey
    drift = model.drift(earlier)
    common = set(study.survey["customer_id"].astype(str)) & set(earlier["customer_id"].astype(str))
    assert drift.iloc[-1]["panel_n"] == len(common)
    # panel customers keep their planted persona, so few should switch
    assert drift.iloc[-1]["switched_share"] < 0.1
    top = model.priority(csat=study.columns.csat)
    assert {"satisfaction_gap", "total_value", "priority_rank"} <= set(top.columns)
    assert sorted(top["persona"]) == list(range(4)) and top["csat"].between(0, 100).all()
    assert (top["satisfaction_gap"] == (80 - top["csat"]).clip(lower=0)).all()
