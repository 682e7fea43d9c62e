"""The trial findings of issue 13 (/work/helpers/trial_findings.md) in the journey lanes and the report.

Each test is named after its finding (F1, F2, ...) and fails on the code before its fix. They run
on the committed fixture studies (passenger_survey: survey only with a text outcome; sparse_interviews:
interviews only, in Indonesian) or on small frames, with the bootstrap kept short.
"""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

import cjm_research as cjm
from cjm_research.core.framework import JourneyFramework
from cjm_research.datasets.fixtures import fixture_path
from cjm_research.evidence.text.themes import themes, tokenize
from cjm_research.journey import blueprint
from cjm_research.journey import lanes
from cjm_research.reports import content as rc


def _copy(tmp_path, name, edit=None):
    """A copy of a fixture study, its study.yml changed by ``edit(config)``."""
    folder = tmp_path / name
    shutil.copytree(fixture_path(name).parent, folder)
    if edit is not None:
        path = folder / "study.yml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(config)
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder / "study.yml"


def _report(path, tmp_path, monkeypatch):
    """A report without personas (one persona "all": no clustering) and what its sections display."""
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    rep = rc.QuarterlyReport(path, "2026Q2", figures_dir=tmp_path / "f", tables_dir=tmp_path / "t")
    rep.__dict__["personas"] = None
    return rep, shown


def _text(shown) -> str:
    return "\n".join(str(getattr(o, "data", "")) for o in shown)


@pytest.fixture(scope="module")
def passenger_map():
    study = cjm.load_study(fixture_path("passenger_survey"), "2026Q2")
    return study, cjm.current_state(study, progress=False, n_boot=20)


@pytest.fixture(scope="module")
def interviews_map():
    study = cjm.load_study(fixture_path("sparse_interviews"), "2026Q2")
    return study, cjm.current_state(study, progress=False)


def test_F1_blueprint_of_a_framework_without_touchpoints_is_empty_not_a_crash(tmp_path):
    path = tmp_path / "framework.yml"
    path.write_text(yaml.safe_dump({"name": "one stage", "version": 1, "stages": [{"id": "journey"}],
                                    "channels": ["web"], "touchpoints": []}), encoding="utf-8")
    bp = blueprint(JourneyFramework.load(path))
    assert bp.empty and list(bp.columns) == ["stage", "stage_label", "row", "item", "source"]


def _no_ratings(config):
    config["survey"].pop("touchpoint_ratings")


def test_F5_outcome_without_ratings_says_the_ratings_are_missing(tmp_path, monkeypatch):
    rep, shown = _report(_copy(tmp_path, "passenger_survey", _no_ratings), tmp_path, monkeypatch)
    jm = rep.current
    assert "outcome" not in jm.not_measured() and "ratings" in jm.not_measured()
    header = ", ".join(rep.not_measured())
    assert "an overall outcome" not in header and "touchpoint ratings" in header and "Satisfied" in header
    rep.drivers_section()
    rep.pain_points_section()
    text = _text(shown)
    assert "touchpoint ratings (the outcome Satisfied is measured" in text
    assert "Top pain points: not measured in this study: there are no touchpoint ratings" in text
    view = rep.kpi_view(rc.kpi_table(jm, None, min_cell_size=5))
    row = view[view["metric"].str.startswith("Satisfied")].iloc[0]
    assert row["metric"] == "Satisfied (% of respondents)" and row["stage"] == "Whole journey"


def test_F7_numbers_have_units_no_negative_zero_and_whole_numbers(tmp_path, monkeypatch):
    shown = rc._readable(pd.DataFrame({"impact": [4.0, 2.0], "gap": [-0.04, 0.31], "n": [9227.0, 3.0]}))
    assert shown["impact"].tolist() == ["4", "2"] and shown["gap"].tolist() == ["0.0", "0.3"]
    assert rc.interval_text(pd.Series([-0.01]), pd.Series([-0.2]), pd.Series([0.1])).tolist() == ["0.0 [-0.2, 0.1]"]
    rep, _ = _report(fixture_path("passenger_survey"), tmp_path, monkeypatch)
    assert rep.metric_label("touchpoint_rating") == "% satisfied (4-5)"
    changes = pd.DataFrame({"stage": ["in-flight"], "item": ["seat_comfort"], "persona": ["P1"],
                            "metric": ["touchpoint_rating"], "earlier": [23.1], "later": [52.5], "change": [29.4],
                            "p_adj": [0.0001], "significant": [True], "direction": ["improved"]})
    line = rc.summary_lines(changes, label=rep.item_label, word=rep.word, metric=rep.metric_label)[0]
    assert line.startswith("- **In-flight · Seat comfort**, P1, % satisfied (4-5): 23.1 → 52.5 (+29.4")


def test_F8_stage_drivers_have_performance_and_quadrant(passenger_map):
    _, jm = passenger_map
    stages = jm.drivers(level="stage")
    assert len(stages) and stages["performance"].notna().all() and stages["quadrant"].notna().all()
    assert stages["performance"].between(0, 100).all()


def test_F9_no_event_log_means_no_channel_mix(passenger_map):
    _, jm = passenger_map
    assert jm.table(lane="channels").empty   # the framework's channel of a rating is not customers' channel


def test_F2_a_log_whose_channels_are_all_unspecified_measures_no_channel_mix():
    counts = pd.DataFrame({"persona": ["all"] * 2, "stage": ["s1", "s2"], "touchpoint": ["a", "b"],
                           "channel": ["unspecified"] * 2, "events": [10, 4]})
    ev = SimpleNamespace(events=SimpleNamespace(touchpoint_counts=lambda by: counts))
    assert lanes.channels(ev).empty


def test_F2_events_only_methods_list_only_what_is_measured(tmp_path):
    from shapes import make_study

    rep = rc.QuarterlyReport(make_study(tmp_path / "s", survey=False, events=True), "2026Q3",
                             figures_dir=tmp_path / "f", tables_dir=tmp_path / "t")
    appendix = rc.methods_appendix(rep).set_index("item")["definition"]
    assert appendix["Key drivers"] == "not measured in this study"
    assert appendix["Weighting"].startswith("Not measured in this study: a survey")
    assert "customers" in appendix["Small cells"] and "respondents" not in appendix["Small cells"]
    on_map = set(rep.current.table(lane="metrics")["item"].dropna())
    if "conversion_rate" not in on_map:
        assert appendix["Conversion rate"] == "not measured in this study"
    assert "quarter_over_quarter" not in set(rc.methods_table(rep)["metric"])


def test_F10_indonesian_evidence_and_labels(interviews_map, tmp_path, monkeypatch):
    _, jm = interviews_map
    details = " ".join(jm.table(lane="pain_points")["detail"].dropna())
    assert details and "dari" in details and "partisipan" in details
    assert "interview excerpts" not in details and "excerpts in a negative theme" not in details
    assert not any(i.startswith("theme:") for i in jm.table(lane="pain_points")["item"].dropna())
    rep, _ = _report(fixture_path("sparse_interviews"), tmp_path, monkeypatch)
    assert rep.pain_label("formulir_online_pain") == "Formulir online"
    assert "ternyata" not in tokenize("loket layanan ternyata mudah", "id")


def test_F12_long_scales_count_low_ratings_by_a_fraction_of_the_range():
    def evidence(scale):
        study = SimpleNamespace(columns=SimpleNamespace(scale=lambda kind: scale), config=None)
        return lanes.Evidence(study, pd.Series(dtype="string"), pd.DataFrame(), None, None)

    assert evidence((0, 100)).low_threshold() == 40
    assert evidence((1, 5)).low_threshold() == 2 and evidence((0, 10)).low_threshold() == 1
    assert lanes.describe_evidence("low_ratings", 30, 77, low_rating=40, scale_low=0) == "39% rated 0-40 (30 of 77)"


def test_F13_theme_words_are_not_fillers_and_other_languages_are_left_out():
    assert tokenize("Yeah, it's the model's data, you know, like really", "en") == ["model", "data"]
    texts = (["the training data was missing again", "missing data for the model again",
              "deployment of the model failed", "model deployment failed in production"] * 3
             + ["donc on a fait le modèle avec les données", "alors les données sont dans le système"])
    found = themes(texts, n_themes=2, min_df=1)
    labels = " ".join(found["label"])
    assert "donc" not in labels and "donn" not in labels and "données" not in labels
    assert found.attrs["assignments"].iloc[-2:].tolist() == [0, 0]


def _scored(ev_frame):
    return SimpleNamespace(scored_excerpts=lambda: ev_frame)


def test_F14_interview_pain_points_count_participants_not_excerpts():
    ex = pd.DataFrame({"persona": "all", "participant": ["P1"] * 5 + ["P2", "P3"],
                       "stage": ["data"] * 6 + ["model"], "pain_point": ["data_availability"] * 6 + [None],
                       "touchpoint": None, "text": "x", "sentiment_score": -0.5})
    row = lanes._coded_evidence(_scored(ex)).iloc[0]
    assert (row["count"], row["base"], row["excerpts"]) == (2, 3, 6)   # 2 of 3 participants, not 6 of 6
    scored = lanes._score(lanes._coded_evidence(_scored(ex)), 0.95, 2)
    assert scored["value"].iloc[0] == pytest.approx(200 / 3) and scored["n"].iloc[0] == 3
    assert scored["detail"].iloc[0] == "2 of 3 participants raised it (6 excerpts)"


def test_F14_quotes_have_no_escaped_newlines_and_long_turns_are_trimmed():
    assert lanes.clean_quote("like I said to you.\\nAnd, uh, by far") == "like I said to you. And, uh, by far"
    turn = " ".join(["we talked"] * 40 + ["there was not enough data to train"] + ["and so on"] * 40)
    quote = lanes.clean_quote(turn, keywords=["data_availability"])
    assert quote.startswith("... ") and quote.endswith(" ...") and "enough data" in quote
    assert len(quote.split()) <= lanes.QUOTE_WORDS + 2


def test_F13_masked_pain_points_are_said_to_be_too_thin_not_unmeasured(interviews_map, tmp_path, monkeypatch):
    _, jm = interviews_map
    pains = jm.pain_points()
    assert len(pains) and (pains["n"] <= 4).all()   # 4 participants: n counts people, not 14 excerpts
    rep, shown = _report(fixture_path("sparse_interviews"), tmp_path, monkeypatch)
    rep.pain_points_section()
    assert "kurang dari 5 partisipan" in _text(shown) and "tidak ada nilai titik sentuh" not in _text(shown)


def test_F16_blueprint_frontstage_lists_the_most_used_touchpoint_first(passenger_map):
    study, jm = passenger_map
    use = jm.table(lane="touchpoints").query("source == 'usage'").groupby("item")["value"].mean()
    fw = study.framework
    stage = max(fw.stages, key=lambda s: len(fw.touchpoints_in(s, "frontstage")))
    tps = [tp.id for tp in fw.touchpoints_in(stage, "frontstage")]
    want = [f"{fw.label(tp)} [{fw.label(fw.touchpoint(tp).channel)}]" for tp in
            sorted(tps, key=lambda tp: -use.get(tp, -1.0))]
    bp = blueprint(jm).query("stage == @stage and row == 'frontstage'")
    assert bp["item"].tolist() == want and len(want) > 1


def test_F13_each_key_drivers_figure_names_its_persona(tmp_path, monkeypatch):
    rep, shown = _report(fixture_path("passenger_survey"), tmp_path, monkeypatch)
    rep.drivers_section()
    assert "Key drivers of Satisfied: all." in _text(shown)


def test_F7_an_opportunity_takes_the_evidence_of_the_touchpoint_its_pain_point_is_named_after(tmp_path):
    from cjm_research.journey import FutureState, rank_opportunities

    study = cjm.load_study(fixture_path("omnichannel"), "2026Q2")
    jm = cjm.current_state(study, progress=False, n_boot=0)
    opps = rank_opportunities(jm, FutureState.from_yaml(study.config.future_state, framework=study.framework))
    row = opps[opps["title"] == "Simplify social media ad"].iloc[0]
    shown = jm.pain_points().query("stage == 'awareness_acquisition' and item == 'social_ad'")["value"].max()
    assert shown > 0 and row["evidence"] == pytest.approx(shown)


def test_F10_opportunities_name_pain_points_in_the_study_words():
    from cjm_research.journey.lanes import pain_point_label

    study = cjm.load_study(fixture_path("sparse_interviews"), "2026Q2")
    jm = cjm.current_state(study, progress=False, min_cell_size=1)   # 4 participants: show them
    items = jm.table(lane="opportunities")["item"].dropna().tolist()
    assert items and not any("_pain" in i or " pain" in i for i in items)
    assert "Fix: Formulir online" in items
    assert pain_point_label(study.framework, "data_availability") == "Data availability"
