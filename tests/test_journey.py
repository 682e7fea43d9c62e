"""JourneyMap on small hand-made tables: masking, views, persona input, gaps and Mermaid export."""

import numpy as np
import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.journey.compare import compare
from cjm_research.core.errors import DataError, ParameterError
from cjm_research.journey.export import mermaid_journey, table_csv
from cjm_research.journey.map import JourneyMap, mask_small_cells, conform
from cjm_research.journey.lanes import persona_assignment

FW = cjm.JourneyFramework.load("default")


def small_table() -> pd.DataFrame:
    rows = []
    for persona, shift in (("A", 0.0), ("B", -0.4)):
        for i, stage in enumerate(FW.stages):
            rows += [
                {"persona": persona, "stage": stage, "lane": "emotion", "item": "combined",
                 "value": 0.3 + shift - 0.1 * i, "ci_low": 0.2 + shift - 0.1 * i, "ci_high": 0.4 + shift - 0.1 * i, "n": 50},
                {"persona": persona, "stage": stage, "lane": "metrics", "item": "csat", "value": 60 + i,
                 "ci_low": 55 + i, "ci_high": 65 + i, "n": 50},
                {"persona": persona, "stage": stage, "lane": "metrics", "item": "ces", "value": 3.0 + shift,
                 "ci_low": 2.8 + shift, "ci_high": 3.2 + shift, "n": 50},
                {"persona": persona, "stage": stage, "lane": "pain_points", "item": f"pain_{stage}", "value": 20,
                 "n": 40, "rank": 1, "quote": "It was slow."},
            ]
            for tp in FW.touchpoints_in(stage, "frontstage"):
                rows += [{"persona": persona, "stage": stage, "lane": "touchpoints", "item": tp.id, "source": "usage",
                          "value": 50.0, "n": 50},
                         {"persona": persona, "stage": stage, "lane": "touchpoints", "item": tp.id, "source": "rating",
                          "value": 80.0 if tp.id == "payment" else 40.0, "n": 30}]
    rows.append({"persona": "A", "stage": "decision", "lane": "pain_points", "item": "rare", "value": 5, "n": 3,
                 "rank": 2, "quote": "secret"})
    return pd.DataFrame(rows)


@pytest.fixture()
def jm():
    return JourneyMap(small_table(), framework=FW, min_cell_size=5)


def test_small_cells_are_masked_and_their_quotes_dropped(jm):
    rare = jm.table(lane="pain_points").query("item == 'rare'").iloc[0]
    assert rare["masked"] and pd.isna(rare["value"]) and pd.isna(rare["quote"])
    shown = jm.table(lane="pain_points").query("item != 'rare'")
    assert not shown["masked"].any() and shown["quote"].notna().all()
    # a larger minimum masks more
    assert mask_small_cells(conform(small_table()), 45)["masked"].sum() > 1


def test_table_filters_and_order(jm):
    table = jm.table(persona="A", lane="metrics")
    assert set(table["persona"]) == {"A"} and set(table["lane"]) == {"metrics"}
    assert list(dict.fromkeys(table["stage"])) == FW.stages  # journey order, not alphabetical
    with pytest.raises(ParameterError, match="lane"):
        jm.table(lane="touchpoint")
    with pytest.raises(ParameterError, match="persona"):
        jm.table(persona="Z")


def test_wide_view_reads_stage_by_lane(jm):
    wide = jm.wide(persona="A")
    assert list(wide.index) == FW.stages
    assert "n<5" in wide.loc["decision", "pain_points"]
    assert "csat (61)" in wide.loc["consideration", "metrics"]
    both = jm.wide()
    assert both.index.nlevels == 2 and len(both) == 2 * len(FW.stages)


def test_emotion_and_metric_views(jm):
    emo = jm.emotion()
    assert len(emo) == 2 * len(FW.stages)
    with pytest.raises(ParameterError, match="source"):
        jm.emotion(source="mood")
    assert jm.metric("csat")["value"].astype(float).tolist()[:2] == [60, 61]


def test_persona_assignment_forms():
    survey = pd.DataFrame({"respondent_id": ["r1", "r2", "r3"], "x": [1, 2, 3]})
    assert persona_assignment(survey, None, id_column="respondent_id").tolist() == ["all"] * 3
    by_id = pd.Series({"r3": "B", "r1": "A", "r2": "A"})
    assert persona_assignment(survey, by_id, id_column="respondent_id").tolist() == ["A", "A", "B"]
    with pytest.raises(DataError, match="r3"):
        persona_assignment(survey, pd.Series({"r1": "A", "r2": "B"}), id_column="respondent_id")
    with pytest.raises(DataError, match="PersonaModel"):
        persona_assignment(survey, ["A", "B", "C"], id_column="respondent_id")


def test_compare_status_against_hand_computed_gaps(jm, tmp_path):
    path = tmp_path / "fs.yml"
    path.write_text("stages:\n  awareness:\n    targets: {csat: 55, ces: 2.9}\n"
                    "  decision:\n    targets: {csat: 70}\n    emotion: 0.5\n"
                    "opportunities:\n  - {title: Fix it, stage: decision, impact: 4, effort: 2,"
                    " expected_lift: {metric: csat, value: 10}}\n", encoding="utf-8")
    fs = cjm.FutureState.from_yaml(path, framework=FW)
    gaps = compare(jm, fs, persona="A").set_index(["stage", "metric"])
    # awareness CSAT 60 vs 55: met; CES 3.0 vs 2.9 (lower is better), interval 2.8..3.2 reaches it
    assert gaps.loc[("awareness", "csat"), "status"] == "met"
    assert gaps.loc[("awareness", "ces"), "gap"] == pytest.approx(0.1)
    assert gaps.loc[("awareness", "ces"), "status"] == "within reach"
    # decision CSAT 62 vs 70: gap 8, interval 57..67 misses it, but the planned +10 lift covers it
    assert gaps.loc[("decision", "csat"), "gap"] == pytest.approx(8)
    assert gaps.loc[("decision", "csat"), "status"] == "within reach"
    # decision emotion 0.1 vs 0.5: a gap of 0.4 nothing covers
    assert gaps.loc[("decision", "emotion"), "gap"] == pytest.approx(0.4)
    assert gaps.loc[("decision", "emotion"), "status"] == "gap"
    # a target on a metric the map has no evidence for stays visible as "no data"
    path.write_text("stages:\n  retention:\n    targets: {repurchase_rate: 30}\n", encoding="utf-8")
    none = compare(jm, cjm.FutureState.from_yaml(path, framework=FW))
    assert len(none) == 2 and (none["status"] == "no data").all() and none["current"].isna().all()


def test_mermaid_journey_scores_and_syntax(jm):
    text = mermaid_journey(jm, persona="A", title="A: today")
    lines = text.splitlines()
    assert lines[0] == "journey" and lines[1].strip() == "title A  today"  # ':' would break the syntax
    assert sum(line.strip().startswith("section ") for line in lines) == len(FW.stages)
    # payment rated 80% satisfied -> 1 + 4 * 0.8 = 4.2 -> 4; the others 40% -> 2.6 -> 3
    assert "      Payment: 4: A" in lines
    assert "      Checkout: 3: A" in lines
    with pytest.raises(ParameterError):
        mermaid_journey(jm, persona="Z")


def test_table_csv_round_trip(jm, tmp_path):
    path = table_csv(jm, tmp_path / "out" / "map.csv")
    back = pd.read_csv(path)
    assert len(back) == len(jm.table()) and list(back.columns[:8]) == list(jm.table().columns[:8])
    assert np.isclose(back["value"].astype(float).sum(), jm.table()["value"].astype(float).sum())
    assert "secret" not in path.read_text(encoding="utf-8")


def test_map_reads_back_from_csv(jm, tmp_path):
    path = table_csv(jm, tmp_path / "map.csv")
    back = JourneyMap.from_csv(path, framework=FW)
    assert back.personas == jm.personas
    pd.testing.assert_frame_equal(back.wide(persona="A"), jm.wide(persona="A"))
    bad = tmp_path / "bad.csv"
    jm.table().assign(stage="checkout").to_csv(bad, index=False)
    with pytest.raises(DataError, match="checkout"):
        JourneyMap.from_csv(bad, framework=FW)
    jm.table().drop(columns="lane").to_csv(bad, index=False)
    with pytest.raises(DataError, match="lane"):
        JourneyMap.from_csv(bad, framework=FW)
