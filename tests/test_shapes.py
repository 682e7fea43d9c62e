"""Journey maps on study shapes the demo cannot reach, and the review failures of issue 13.

Each study here is written by :func:`shapes.make_study` with custom stage and touchpoint names:
survey-only with a text outcome, interviews-only, events-only and mixes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.journey.lanes import pool_sources
from shapes import make_study


def _map(tmp_path, name="s", **shape):
    study = cjm.load_study(make_study(tmp_path / name, **shape))
    # the generator's outcome column; studies name it with the `outcome:` key
    outcome = "satisfaction" if shape.get("outcome") else None
    return study, cjm.current_state(study, progress=False, n_boot=20, outcome=outcome)


@pytest.mark.parametrize("shape", [
    {"outcome": "text"},                                            # survey-only, no NPS/CSAT/CES
    {"survey": False, "interviews": True},                          # interviews-only
    {"survey": False, "events": True},                              # events-only
    {"nps": True, "ces": True, "interviews": True, "events": True, "panel": True},
], ids=["survey_only", "interviews_only", "events_only", "mix"])
def test_current_state_works_on_every_shape_and_names_what_is_missing(tmp_path, shape):
    study, jm = _map(tmp_path, **shape)
    table = jm.table()
    assert len(table) and set(table["stage"]) <= set(study.framework.stages)
    missing = jm.not_measured()
    for kind in ("survey", "interviews", "events"):
        assert (kind in missing) == (not shape.get(kind, kind == "survey"))
    if not shape.get("ces"):
        assert "CES" in missing and table.query("lane == 'metrics' and item == 'ces'").empty
    # every shown number has an n; estimates have intervals that contain them
    shown = table[table["value"].notna() & ~table["masked"]]
    assert shown["n"].notna().all() or shown["lane"].isin(["internal_actors", "internal_channels",
                                                           "internal_process", "internal_pain_points"]).any()
    est = shown[shown["ci_low"].notna()]
    assert ((est["ci_low"] <= est["value"] + 1e-9) & (est["value"] <= est["ci_high"] + 1e-9)).all()


def test_survey_only_text_outcome_gives_drivers_and_fix_first(tmp_path):
    _, jm = _map(tmp_path, outcome="text")
    drivers = jm.drivers(level="touchpoint")
    # wifi and boarding carry the largest true weights in the generator
    assert set(drivers.head(2)["driver"]) == {"wifi", "boarding_process"}
    assert (drivers["ci_low"] <= drivers["importance"]).all() and drivers["n"].gt(0).all()
    stages = jm.drivers(level="stage")
    assert set(stages["driver"]) == set(jm.stages)
    opps = jm.table(lane="opportunities")
    assert opps["item"].str.contains("Inflight wifi service").any()     # the study's label, not the id
    assert not opps["item"].str.contains("_").any()


def test_pain_points_are_shares_of_low_ratings_with_n(tmp_path):
    study, jm = _map(tmp_path, outcome="text")
    pains = jm.pain_points()
    survey = study.survey
    wifi = pains[pains["item"] == "wifi"].iloc[0]
    rated = survey["q_wifi"].dropna()
    assert wifi["value"] == pytest.approx(100 * (rated <= 2).mean())
    assert wifi["n"] == len(rated) and "rated 1-2" in wifi["detail"]


def test_frontstage_touchpoint_without_rating_takes_usage_from_events(tmp_path):
    # Review failure: lanes.py called EventLog.frame(), which does not exist.
    study, jm = _map(tmp_path, events=True, panel=True, n_rated=4)
    usage = jm.table(lane="touchpoints").query("source == 'usage (events)'")
    assert len(usage) and set(usage["item"]) == {tp for tp in study.framework.touchpoints
                                                  if tp not in study.columns.touchpoint_ratings}
    assert ((usage["value"] >= 0) & (usage["value"] <= 100)).all()


def test_one_excerpt_does_not_override_hundreds_of_ratings(tmp_path):
    # Review failure: an n=1 excerpt (zero-width interval, se clipped to 1e-3) won the pooling.
    study, jm = _map(tmp_path, csat=True, interviews=True, panel=True, n=400, n_excerpts=1)
    emo = jm.table(lane="emotion", stage=study.framework.stages[0])
    sat, sent, comb = (emo.query(f"item == '{i}'").iloc[0] for i in ("satisfaction", "sentiment", "combined"))
    assert sent["masked"] and sat["n"] > 300
    assert comb["value"] == pytest.approx(sat["value"])   # the masked excerpt takes no part
    low, high = sorted([sat["value"], -0.6])
    assert low <= comb["value"] <= high


def test_pooled_value_lies_between_its_sources_and_thin_pools_are_masked():
    g = pd.DataFrame({"value": [0.4, -0.2], "ci_low": [0.3, -0.5], "ci_high": [0.5, 0.1], "n": [40, 12]},
                     index=["satisfaction", "sentiment"])
    pooled = pool_sources(g, min_cell_size=5)
    assert -0.2 < pooled["value"] < 0.4 and pooled["n"] == 52 and not pooled["masked"]
    assert pooled["ci_low"] < pooled["value"] < pooled["ci_high"]
    thin = pool_sources(g.assign(n=[3, 2]), min_cell_size=5)
    assert thin["masked"] and np.isnan(thin["value"])


def test_cell_pooled_from_thin_sources_is_masked_on_the_map(tmp_path):
    # 3 ratings and 1 excerpt per stage: 4 answers pooled would pass min_cell_size=4, but no
    # single source does, so the pooled cell shows nothing.
    study, jm = _map(tmp_path, csat=True, interviews=True, panel=True, n=3, n_excerpts=5, min_cell_size=4)
    comb = jm.table(lane="emotion").query("item == 'combined'")
    assert len(comb) and comb["masked"].all() and comb["value"].isna().all()


def test_confidence_changes_numbers_attrs_and_texts(tmp_path):
    study = cjm.load_study(make_study(tmp_path / "c", csat=True, nps=True, outcome="binary"))
    wide = cjm.current_state(study, progress=False, n_boot=20)
    narrow = cjm.current_state(study, progress=False, n_boot=20, confidence=0.9)
    assert wide.table().attrs["confidence"] == 0.95 and narrow.table().attrs["confidence"] == 0.9
    a = wide.table(lane="metrics").query("item == 'nps'").iloc[0]
    b = narrow.table(lane="metrics").query("item == 'nps'").iloc[0]
    assert a["value"] == b["value"] and (b["ci_high"] - b["ci_low"]) < (a["ci_high"] - a["ci_low"])
    details = " ".join(narrow.table()["detail"].dropna())
    assert "90%" in details and "95%" not in details
    assert narrow.drivers().attrs["confidence"] == 0.9


def _texts(ax):
    import matplotlib.pyplot as plt

    texts = [t.get_text() for t in ax.figure.findobj(lambda o: hasattr(o, "get_text"))]
    plt.close(ax.figure)
    return "\n".join(texts)


def test_map_shows_touchpoints_worst_first_wrapped_with_more_and_integer_n(tmp_path):
    study, jm = _map(tmp_path, outcome="text", n=400)
    ratings = jm.table(lane="touchpoints", stage="in_flight").query("source == 'rating'")
    worst = ratings.sort_values("value")["item"].tolist()
    text = _texts(jm.plot(max_items=4, width=200))
    label = study.framework.label
    positions = [text.find(label(tp) + ":") for tp in worst[:4]]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)   # worst rated first
    assert label(worst[-1]) + ":" not in text and "(+2 more)" in text          # 6 in-flight, 4 shown
    wrapped = _texts(jm.plot())                                                 # default width wraps
    assert "..." not in wrapped and "n/a%" not in wrapped
    assert "Departure/arrival time convenient:" in wrapped.replace("\n  ", " ")
    assert "rated 1-2 (n=" in wrapped and ".0)" not in wrapped
    assert "Not measured in this study: NPS, CSAT, CES" in wrapped
