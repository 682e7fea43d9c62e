"""The demo study: deterministic files, the pinned layout, and the planted truths other parts recover.

Every check recomputes the planted effects with plain pandas / scikit-learn, independently of the
toolkit, so a broken generator fails here before it confuses the persona, journey or report tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from cjm_research.datasets.demo import EXCERPT_COLUMNS, FEATURES, make_demo
from cjm_research.core.errors import ParameterError
from cjm_research.core.framework import JourneyFramework
from cjm_research.study.load import read_study_config

STAGES = ["awareness", "consideration", "decision", "retention", "advocacy"]
QUARTERS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _survey(demo_dir: Path, q: str, truth: dict) -> pd.DataFrame:
    s = pd.read_csv(demo_dir / q / "survey.csv", dtype={"customer_id": str, "respondent_id": str})
    return s.assign(persona=s.respondent_id.map(truth["respondents"]))


def _top2(s: pd.DataFrame, col: str) -> float:
    x = s[col][s[col] > 0]           # 0 = not applicable
    return 100 * (x >= 4).mean()


# ----------------------------------------------------------------------------- small demos
@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("small")
    make_demo(out / "a", respondents=200, quarters=("2026Q1", "2026Q2"))
    return out


def test_same_seed_gives_identical_files(small):
    again = small / "b"
    make_demo(again, respondents=200, quarters=("2026Q1", "2026Q2"))
    first, second = _files(small / "a"), _files(again)
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_other_seed_gives_other_data(small):
    other = small / "c"
    make_demo(other, seed=1, respondents=200, quarters=("2026Q1", "2026Q2"))
    for name in ("survey.csv", "interviews.csv", "events.parquet"):
        assert (other / "2026Q2" / name).read_bytes() != (small / "a" / "2026Q2" / name).read_bytes()


def test_a_quarter_does_not_depend_on_the_other_quarters(small, tmp_path):
    make_demo(tmp_path, respondents=200, quarters=("2026Q2",))
    for name in ("survey.csv", "interviews.csv", "events.parquet"):
        assert (tmp_path / "2026Q2" / name).read_bytes() == (small / "a" / "2026Q2" / name).read_bytes()


@pytest.mark.parametrize("kwargs, words", [
    ({"respondents": 10}, "`respondents`"),
    ({"respondents": "many"}, "`respondents`"),
    ({"seed": -1}, "`seed`"),
    ({"quarters": ["2026Q5"]}, "2026Q5"),
    ({"quarters": "2026Q1"}, "`quarters`"),
])
def test_bad_arguments_raise_one_clear_message(tmp_path, kwargs, words):
    with pytest.raises(ParameterError, match=re.escape(words)):
        make_demo(tmp_path, **kwargs)
    assert not (tmp_path / "study.yml").exists()


# ----------------------------------------------------------------------------- the full demo
def test_study_file_loads_and_maps_every_column(demo_dir):
    cfg = read_study_config(demo_dir / "study.yml")
    fw = JourneyFramework.load("default")
    assert list(cfg.quarters) == QUARTERS
    assert cfg.min_cell_size == 5 and cfg.language == "en"
    assert cfg.truth == demo_dir / "truth.json" and cfg.future_state == demo_dir / "future_state.yml"
    assert cfg.survey.persona_features == FEATURES
    assert cfg.survey.csat == {s: f"csat_{s}" for s in STAGES}
    assert cfg.survey.ces == {s: f"ces_{s}" for s in STAGES}
    rated = [t.id for t in fw.touchpoints.values() if t.visibility == "frontstage" and t.events]
    assert list(cfg.survey.touchpoint_ratings) == rated and "payment" in rated
    assert cfg.events == {"customer": "customer_id", "timestamp": "timestamp", "event": "event",
                          "channel": "channel", "value": "value"}
    assert (demo_dir / "framework.yml").read_text() == (
        Path(__file__).parents[1] / "cjm_research" / "core" / "frameworks" / "default.yml").read_text()
    for files in cfg.quarters.values():
        assert all(p.is_file() for p in files.values())


def test_survey_shape_columns_and_scales(demo_dir, truth):
    cfg = read_study_config(demo_dir / "study.yml")
    expected = (["respondent_id", "customer_id", "quarter", "response_date", "language"]
                + cfg.survey.feature_list + ["nps"]
                + [c for s in STAGES for c in (f"csat_{s}", f"ces_{s}")]
                + list(cfg.survey.touchpoint_ratings.values()) + ["feedback"])
    for q in QUARTERS:
        s = _survey(demo_dir, q, truth)
        assert list(s.columns[:-1]) == expected and len(s) == 2000
        assert s.respondent_id.str.fullmatch(rf"R{q}-\d{{5}}").all() and s.respondent_id.is_unique
        dates = pd.to_datetime(s.response_date)
        assert dates.dt.quarter.eq(int(q[-1])).all() and dates.dt.year.eq(int(q[:4])).all()
        assert s.nps.dropna().between(0, 10).all()
        assert all(s[f"csat_{st}"].isin(range(6)).all() for st in STAGES)
        assert all(s[f"ces_{st}"].dropna().between(1, 7).all() for st in STAGES)
        tp = s[list(cfg.survey.touchpoint_ratings.values())]
        assert tp.isin(range(6)).all().all() and (tp == 0).any().all()
        assert 0.2 < (s.language == "id").mean() < 0.4
        assert 0.4 < s.feedback.isna().mean() < 0.6
        assert s[cfg.survey.feature_list].isna().sum().sum() > 0   # a few unanswered items


def test_ids_stay_exact_and_link_survey_to_events(demo_dir, truth):
    s = _survey(demo_dir, "2026Q3", truth)
    ev = pd.read_parquet(demo_dir / "2026Q3" / "events.parquet")
    assert s.customer_id.str.fullmatch(r"[1-9]\d{18}").all()
    assert ev.customer_id.dropna().str.fullmatch(r"[1-9]\d{18}").all()
    assert set(s.customer_id) <= set(ev.customer_id)            # every respondent has events
    assert set(ev.customer_id) <= set(truth["customers"])
    assert s.customer_id.map(truth["customers"]).eq(s.persona).all()
    # read naively, pandas turns the ids into int64, which must still be exact
    naive = pd.read_csv(demo_dir / "2026Q3" / "survey.csv", usecols=["customer_id"])
    assert naive.customer_id.astype(str).tolist() == s.customer_id.tolist()


def test_events_follow_the_framework(demo_dir):
    fw = JourneyFramework.load("default")
    for q in QUARTERS:
        ev = pd.read_parquet(demo_dir / q / "events.parquet")
        assert list(ev.columns) == ["customer_id", "timestamp", "event", "channel", "value"]
        assert 80_000 <= len(ev) <= 150_000
        assert str(ev.timestamp.dt.tz) == "UTC"
        label = ev.timestamp.dt.year.astype(str) + "Q" + ev.timestamp.dt.quarter.astype(str)
        assert label.eq(q).all()
        channel = {e: fw.touchpoints[t].channel for e, t in fw.event_map().items()}
        assert ev.event.map(channel).eq(ev.channel).all()
        assert set(channel.values()) == set(ev.channel)           # all seven channels occur
        bought = ev.event.isin(["purchase", "repeat_purchase"])
        assert ev.value[bought].gt(0).all() and ev.value[~bought].isna().all()


def test_funnel_has_cart_abandonment_and_later_stages(demo_dir):
    ev = pd.read_parquet(demo_dir / "2026Q3" / "events.parquet")
    by_event = ev.groupby("event").customer_id.nunique()
    steps = ["product_view", "add_to_cart", "checkout", "payment", "purchase"]
    assert by_event[steps].is_monotonic_decreasing
    carts = set(ev.customer_id[ev.event == "add_to_cart"])
    buyers = set(ev.customer_id[ev.event == "purchase"])
    assert 0.1 < len(carts - buyers) / len(carts) < 0.6
    # later stages come after a purchase of the same customer
    first_buy = ev[ev.event == "purchase"].groupby("customer_id").timestamp.min()
    later = ev[ev.event.isin(["repeat_purchase", "referral"])]
    assert (later.timestamp >= later.customer_id.map(first_buy)).all()


def test_planted_payment_pain_point_and_its_fix_in_the_survey(demo_dir, truth):
    s = {q: _survey(demo_dir, q, truth) for q in QUARTERS}
    for q in QUARTERS:
        p2, rest = s[q][s[q].persona == "P2"], s[q][s[q].persona != "P2"]
        assert _top2(p2, "csat_decision") < _top2(rest, "csat_decision") - 10
        assert p2.ces_decision.mean() > rest.ces_decision.mean()
        assert p2.tp_payment[p2.tp_payment > 0].mean() < rest.tp_payment[rest.tp_payment > 0].mean()
        expected = 100 * truth["quarters"][q]["p2_decision_top2_probability"]
        assert abs(_top2(p2, "csat_decision") - expected) < 6
    p2 = {q: s[q][s[q].persona == "P2"] for q in QUARTERS}
    assert _top2(p2["2026Q2"], "csat_decision") - _top2(p2["2026Q1"], "csat_decision") > 15
    assert p2["2026Q2"].ces_decision.mean() < p2["2026Q1"].ces_decision.mean() - 0.4
    for stage in [st for st in STAGES if st != "decision"]:
        rates = [_top2(s[q], f"csat_{stage}") for q in QUARTERS]
        assert max(rates) - min(rates) < 5, (stage, rates)


def test_payment_failures_drop_for_p2_after_the_fix(demo_dir, truth):
    share = {}
    for q in QUARTERS:
        ev = pd.read_parquet(demo_dir / q / "events.parquet", columns=["customer_id", "event"])
        ev["persona"] = ev.customer_id.map(truth["customers"])
        counts = ev[ev.event.isin(["payment", "payment_failed"])].groupby(["persona", "event"]).size()
        share[q] = (counts.xs("payment_failed", level="event") / counts.xs("payment", level="event"))
    assert share["2026Q1"]["P2"] > 0.25 > share["2026Q1"].drop("P2").max()
    assert share["2026Q2"]["P2"] < 0.1 and share["2026Q3"]["P2"] < 0.1


def test_personas_are_recoverable_with_plain_scikit_learn(demo_dir, truth):
    s = _survey(demo_dir, "2026Q3", truth)
    num = FEATURES["numeric"] + FEATURES["ordinal"]
    X = np.hstack([StandardScaler().fit_transform(s[num].fillna(s[num].median())),
                   OneHotEncoder(sparse_output=False).fit_transform(s[FEATURES["categorical"]])])
    labels = {k: KMeans(k, n_init=5, random_state=0).fit_predict(X) for k in range(2, 9)}
    silhouette = {k: silhouette_score(X, lab) for k, lab in labels.items()}
    assert max(silhouette, key=silhouette.get) == 4
    assert adjusted_rand_score(s.persona, labels[4]) >= 0.9
    shares = s.persona.value_counts(normalize=True)
    assert shares.round(2).to_dict() == {"P1": 0.30, "P2": 0.28, "P3": 0.22, "P4": 0.20}


def test_interviews_are_coded_and_p2_talks_about_payment_failures(demo_dir, truth):
    fw = JourneyFramework.load("default")
    for q in QUARTERS:
        iv = pd.read_csv(demo_dir / q / "interviews.csv", dtype=str)
        assert list(iv.columns) == EXCERPT_COLUMNS and iv.excerpt_id.is_unique
        assert 20 <= iv.participant.nunique() <= 30 and 150 <= len(iv) <= 260
        assert set(iv.language) == {"en", "id"} and set(iv.stage) == set(STAGES)
        assert iv.touchpoint.map(lambda t: fw.touchpoints[t].stage).eq(iv.stage).all()
        assert iv.emotion_score.astype(float).between(-1, 1).all()
        assert iv.customer_id.isin(_survey(demo_dir, q, truth).customer_id).all()
        iv["persona"] = iv.customer_id.map(truth["customers"])
        pains = iv[(iv.persona == "P2") & (iv.stage == "decision")].pain_point.value_counts()
        assert pains.index[0] == "payment_failure" and pains.iloc[0] > pains.iloc[1:].sum()


def test_planted_pii_occurs_in_interview_texts(demo_dir, truth):
    text = " ".join(pd.concat([pd.read_csv(demo_dir / q / "interviews.csv").text for q in QUARTERS]))
    pii = truth["pii"]
    assert all(len(pii[kind]) >= 3 for kind in ("emails", "phones", "names"))
    assert [v for values in pii.values() for v in values if v not in text] == []
    assert any(p.startswith("+62") for p in pii["phones"]) and any(p.startswith("08") for p in pii["phones"])
    assert all("@" in e for e in pii["emails"])


def test_future_state_uses_codes_from_the_interviews(demo_dir):
    fs = yaml.safe_load((demo_dir / "future_state.yml").read_text())
    assert fs["baseline_quarter"] == "2026Q3" and fs["stages"]["decision"]["targets"]["csat"] == 80
    codes = set(pd.concat([pd.read_csv(demo_dir / q / "interviews.csv").pain_point for q in QUARTERS]))
    assert {p for o in fs["opportunities"] for p in o["pain_points"]} <= codes
    assert all(1 <= o["impact"] <= 5 and 1 <= o["effort"] <= 5 and o["owner"] for o in fs["opportunities"])


def test_personas_live_at_different_hours(demo_dir, truth):
    ev = pd.read_parquet(demo_dir / "2026Q3" / "events.parquet", columns=["customer_id", "timestamp"])
    hour = ev.timestamp.dt.tz_convert(truth["timezone"]).dt.hour
    peak = hour.groupby(ev.customer_id.map(truth["customers"])).agg(lambda h: h.mode().iloc[0])
    assert peak["P1"] >= 20 and 9 <= peak["P3"] <= 16 and 18 <= peak["P2"] <= 22


def test_truth_lists_every_respondent_and_customer(demo_dir, truth):
    assert truth["k"] == 4 and set(truth["personas"]) == {"P1", "P2", "P3", "P4"}
    assert len(truth["respondents"]) == 4 * 2000 and len(truth["customers"]) == 20_000
    assert truth["pain_point"] == {"persona": "P2", "stage": "decision", "touchpoint": "payment",
                                   "code": "payment_failure"}
    assert truth["intervention"]["quarter"] == "2026Q2"
    assert "decision" not in truth["unchanged_stages"] and len(truth["unchanged_stages"]) == 4
    top2 = [truth["quarters"][q]["p2_decision_top2_probability"] for q in QUARTERS]
    assert top2[0] == top2[1] < top2[2] == top2[3]
