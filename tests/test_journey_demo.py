"""Journey maps on the demo study: the planted pain point, the 2026Q2 intervention, full lanes.

One PersonaModel is fitted on 2026Q1 and one map built per module, so the whole file stays fast.
Expected values are computed here from the raw frames, independently of the lane code.
"""

import numpy as np
import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.journey.map import LANES
from cjm_research.journey.lanes import persona_assignment


@pytest.fixture(scope="module")
def q1(demo_study_path):
    return cjm.load_study(demo_study_path, quarter="2026Q1")


@pytest.fixture(scope="module")
def model(q1):
    return cjm.PersonaModel(k=4, progress=False).fit(q1.survey)


@pytest.fixture(scope="module")
def jm(q1, model):
    return cjm.current_state(q1, model, progress=False)


def _fitted_persona(jm, truth, persona="P2"):
    """The fitted persona that holds most of the truth persona's respondents (majority overlap)."""
    true = pd.Series(truth["respondents"]).reindex(jm.assignment.index)
    return jm.assignment[true == persona].value_counts().index[0]


def test_planted_payment_pain_point_tops_the_decision_stage(jm, truth):
    planted = truth["pain_point"]
    persona = _fitted_persona(jm, truth, planted["persona"])
    pains = jm.pain_points(persona=persona, stage=planted["stage"])
    assert pains.iloc[0]["item"] == planted["code"]
    assert pains.iloc[0]["rank"] == 1
    # the evidence behind it comes from several independent sources
    assert {"excerpts", "low_ratings", "negative_themes", "drop_offs"} <= set(str(pains.iloc[0]["source"]).split(", "))
    # other personas do not have it on top
    others = [p for p in jm.personas if p != persona]
    assert all(jm.pain_points(persona=p, stage="decision").iloc[0]["item"] != planted["code"] for p in others)


def test_every_lane_is_filled_for_every_stage_and_persona(jm):
    table = jm.table()
    assert set(table["lane"]) == set(LANES)
    filled = table.groupby(["persona", "stage", "lane"]).size()
    full = pd.MultiIndex.from_product([jm.personas, jm.stages, LANES])
    missing = [key for key in full if key not in filled.index]
    assert not missing, missing[:5]
    assert list(table.columns[:8]) == ["persona", "stage", "lane", "item", "value", "n", "ci_low", "ci_high"]


def test_touchpoint_rating_and_emotion_match_raw_survey(jm, q1):
    survey = q1.survey.assign(persona=jm.assignment.to_numpy())
    persona = jm.personas[0]
    mine = survey[survey["persona"] == persona]
    ratings = mine["tp_payment"].dropna().astype(float)
    rows = jm.table(persona=persona, lane="touchpoints")
    rating = rows[(rows["item"] == "payment") & (rows["source"] == "rating")].iloc[0]
    assert rating["value"] == pytest.approx(100 * (ratings >= 4).mean())
    assert rating["n"] == len(ratings)
    usage = rows[(rows["item"] == "payment") & (rows["source"] == "usage")].iloc[0]
    assert usage["value"] == pytest.approx(100 * mine["tp_payment"].notna().mean())
    emo = jm.table(persona=persona, lane="emotion", stage="decision")
    sat = emo[emo["item"] == "satisfaction"].iloc[0]
    assert sat["value"] == pytest.approx(((mine["csat_decision"].dropna().astype(float) - 3) / 2).mean())
    assert -1 <= sat["ci_low"] <= sat["value"] <= sat["ci_high"] <= 1
    assert set(emo["item"]) == {"satisfaction", "sentiment", "combined", "agreement"}


def test_metrics_lane_matches_metrics_module(jm, q1):
    survey = q1.survey.assign(persona=jm.assignment.to_numpy())
    expected = cjm.metrics.ces(survey, "ces_decision", by="persona").set_index("persona")["estimate"]
    got = jm.metric("ces").query("stage == 'decision'").set_index("persona")["value"].astype(float)
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False,
                                   check_index_type=False)
    assert set(jm.metric("conversion_rate")["stage"]) == {"decision"}


def test_quotes_on_the_map_are_redacted(jm, truth):
    quotes = " ".join(jm.table()["quote"].dropna())
    assert quotes  # the map does show quotes
    for kind in ("emails", "phones", "names"):   # names: the study's redact_names list
        for value in truth["pii"][kind]:
            assert value not in quotes
    themes = " ".join(jm.table(lane="pain_points").get("detail", pd.Series(dtype=str)).dropna().astype(str))
    assert not any(name in themes for name in truth["pii"]["names"])


def test_compare_quarters_flags_only_the_intervention(q1, model, truth):
    q2 = q1.for_quarter(truth["intervention"]["quarter"])
    result = cjm.compare_quarters(q1, q2, personas=model, progress=False)
    q1_map_assignment = persona_assignment(q1.survey, model, id_column="respondent_id")
    true = pd.Series(truth["respondents"]).reindex(q1_map_assignment.index)
    persona = q1_map_assignment[true == "P2"].value_counts().index[0]
    decision = result[(result["stage"] == "decision") & (result["persona"] == persona)].set_index("metric")
    assert decision.loc["csat", "significant"] and decision.loc["csat", "direction"] == "improved"
    assert decision.loc["ces", "significant"] and decision.loc["ces", "change"] < 0
    flagged = result[result["significant"] & result["stage"].isin(truth["unchanged_stages"])]
    assert flagged.empty, flagged[["stage", "persona", "metric", "item", "p_adj"]]
    # Holm: adjusted p-values are never below the raw ones, and every cell is in one family
    assert (result["p_adj"] >= result["p_unc"] - 1e-12).all()
    assert np.isclose(result["p_adj"].to_numpy(),
                      cjm.metrics.adjust_pvalues(result["p_unc"].to_numpy(), method="holm")).all()
    assert {"persona_share", "touchpoint_rating", "nps"} <= set(result["metric"])
    assert result.attrs["cells_tested"] == len(result)


def test_compare_with_demo_future_state(jm, demo_dir):
    fs = cjm.FutureState.from_yaml(demo_dir / "future_state.yml")
    gaps = cjm.compare(jm, fs)
    row = gaps[(gaps["metric"] == "csat") & (gaps["stage"] == "decision")].iloc[0]
    current = jm.metric("csat").query("stage == 'decision' and persona == @row.persona")["value"].iloc[0]
    assert row["current"] == pytest.approx(float(current))
    assert row["gap"] == pytest.approx(80 - float(current))
    ces = gaps[(gaps["metric"] == "ces") & (gaps["stage"] == "decision")]
    # CES: lower is better, so the gap is estimate minus target
    assert np.allclose(ces["gap"], ces["current"] - 3.0)
    assert set(gaps["status"]) <= {"met", "within reach", "gap"}
    assert (gaps.loc[gaps["gap"] <= 0, "status"] == "met").all()
    ranked = cjm.journey.rank_opportunities(jm, fs)
    assert ranked.iloc[0]["title"] == "Retry failed payments automatically"
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))


def test_blueprint_and_day_in_the_life_from_demo(jm, q1, model):
    bp = cjm.blueprint(jm, persona=jm.personas[0])
    decision = bp[bp["stage"] == "decision"]
    assert set(decision["row"]) == {"customer_actions", "frontstage", "backstage", "support", "internal_pain_points"}
    assert decision[decision["row"] == "customer_actions"]["source"].str.contains("events").all()
    dil = cjm.day_in_the_life(q1, model)
    assert set(dil["persona"]) == set(jm.personas)
    shares = dil.groupby("persona")["share"].sum()
    assert np.allclose(shares, 1.0)
    assert dil["hour"].between(0, 23).all()
    # The demo declares Asia/Jakarta (UTC+7): the study's zone is the default, UTC hours are 7 earlier.
    utc = cjm.day_in_the_life(q1, model, timezone="UTC")
    local_peak = dil.groupby("hour")["events"].sum().idxmax()
    utc_peak = utc.groupby("hour")["events"].sum().idxmax()
    assert (utc_peak + 7) % 24 == local_peak


def test_sentiment_emotion_and_fix_first_opportunities(jm, q1):
    survey = q1.survey.assign(persona=jm.assignment.to_numpy())
    persona_of = survey.set_index("customer_id")["persona"]
    ex = q1.interviews.assign(persona=q1.interviews["customer_id"].map(persona_of))
    persona = jm.personas[0]
    mine = ex[(ex["persona"] == persona) & (ex["stage"] == "decision")]
    expected = cjm.sentiment(mine["text"].tolist())["score"].mean()
    emo = jm.table(persona=persona, stage="decision", lane="emotion")
    assert emo.query("item == 'sentiment'")["value"].iloc[0] == pytest.approx(expected)
    opps = jm.table(lane="opportunities")
    ipa = opps[opps["source"] == "key drivers: fix first"]
    assert len(ipa) and ipa["item"].str.startswith("Improve: ").all()
    assert (ipa["ci_low"] <= ipa["value"]).all() and (ipa["value"] <= ipa["ci_high"]).all()
