"""Figures in Bahasa Indonesia: every text a figure draws follows ``language=``; English stays as it was."""

import ast
import inspect

import matplotlib.pyplot as plt
import matplotlib.text
import pandas as pd
import pytest
from test_journey import FW, small_table

import cjm_research as cjm
from cjm_research.viz import maps as plots
from cjm_research.reports import content as rc
from cjm_research.core.errors import ParameterError
from cjm_research.journey.map import JourneyMap
from cjm_research.core.labels import LABELS
from cjm_research.core.labels import t as label_text


def t(key, language="en", **values):
    """A label as the figures draw it at the default 95% confidence."""
    return label_text(key, language, **{"level": "95%", **values})
from cjm_research.journey.blueprint import blueprint

PLOT_KEYS = sorted(k for k in LABELS if k.startswith("plot_"))
# Keys whose Indonesian text must differ from the English (acronyms, "target", "+1" may not).
SAME_IN_BOTH = {"plot_metric_nps", "plot_metric_csat", "plot_metric_ces", "plot_gap_target"}


def drawn(ax) -> list[str]:
    """Every text of the figure of ``ax`` (titles, ticks, legends, annotations), then close it."""
    fig = ax.figure
    texts = [x.get_text() for x in fig.findobj(matplotlib.text.Text)]
    plt.close(fig)
    return texts


def assert_language(texts, keys, language, **values):
    """Each key's text in ``language`` is drawn; no key's text in the other language is."""
    other = "en" if language == "id" else "id"
    joined = "\n".join(texts)
    for key in keys:
        wanted = t(key, language, **values)
        assert wanted in texts or wanted in joined, (key, wanted)
        if key in SAME_IN_BOTH:
            continue
        unwanted = t(key, other, **values)
        assert unwanted != wanted, key
        # Short words (status "met", "gap") only as whole texts; longer ones nowhere.
        assert unwanted not in texts, (key, unwanted)
        if len(unwanted) > 8:
            assert unwanted not in joined, (key, unwanted)


def rich_table() -> pd.DataFrame:
    """The small map of test_journey with channels, process, opportunities and two more metrics."""
    extra = []
    for persona in ("A", "B"):
        extra += [
            {"persona": persona, "stage": "decision", "lane": "channels", "item": "web", "value": 70.0, "n": 50},
            {"persona": persona, "stage": "decision", "lane": "channels", "item": "call_centre", "value": 30.0,
             "n": 50},
            {"persona": persona, "stage": "decision", "lane": "process", "item": "Checkout > Payment",
             "value": 40.0, "n": 50, "rank": 1},
            {"persona": persona, "stage": "decision", "lane": "opportunities", "item": "Fix payments",
             "n": 50, "rank": 1},
            {"persona": persona, "stage": "decision", "lane": "metrics", "item": "conversion_rate", "value": 31.0,
             "ci_low": 28.0, "ci_high": 34.0, "n": 50},
            {"persona": persona, "stage": "retention", "lane": "metrics", "item": "repurchase_rate",
             "value": 22.0, "ci_low": 19.0, "ci_high": 25.0, "n": 50},
            # a touchpoint used but never rated: its satisfaction is not available
            {"persona": persona, "stage": "advocacy", "lane": "touchpoints", "item": "voucher", "source": "usage",
             "value": 90.0, "n": 50},
        ]
    return pd.concat([small_table(), pd.DataFrame(extra)], ignore_index=True)


@pytest.fixture()
def jm():
    """The small map of test_plots (two personas, every stage of the default framework)."""
    return JourneyMap(small_table(), framework=FW)


@pytest.fixture()
def rich_map():
    return JourneyMap(rich_table(), framework=FW)


GAPS = pd.DataFrame({
    "persona": ["A", "B", "A", "B", "A", "B"],
    "stage": ["decision"] * 4 + ["retention"] * 2,
    "metric": ["csat", "csat", "conversion_rate", "conversion_rate", "emotion", "emotion"],
    "current": [40.0, 85.0, 30.0, 20.0, 0.1, 0.25],
    "ci_low": [35.0, 80.0, 27.0, 17.0, 0.0, 0.1],
    "ci_high": [45.0, 90.0, 33.0, 23.0, 0.2, 0.4],
    "target": [80.0, 80.0, 35.0, 35.0, 0.3, 0.3],
    "status": ["gap", "met", "within reach", "gap", "gap", "within reach"]})
OPPS = pd.DataFrame({"title": ["Fix payments", "Tidy e-mails"], "impact": [5, 2], "effort": [2, 1],
                     "evidence": [30.0, 0.0], "rank": [1, 2]})
DIL = pd.DataFrame({"persona": ["A", "A", "B"], "hour": [9, 20, 12], "channel": ["web", "app", "store"],
                    "events": [3, 1, 5], "share": [0.75, 0.25, 1.0]})


def future_state(tmp_path):
    path = tmp_path / "fs.yml"
    path.write_text("stages:\n  decision:\n    emotion: 0.6\n", encoding="utf-8")
    return cjm.FutureState.from_yaml(path, framework=FW)


# ------------------------------------------------------------------------------------- labels

def test_plot_labels_exist_in_both_languages_and_differ_where_they_should():
    assert len(PLOT_KEYS) >= 50
    for key in PLOT_KEYS:
        assert set(LABELS[key]) == {"en", "id"}, key
        assert LABELS[key]["en"].strip() and LABELS[key]["id"].strip(), key
        if key not in SAME_IN_BOTH:
            assert LABELS[key]["en"] != LABELS[key]["id"], key
    # the module's English tables are views of the labels, so the two cannot drift apart
    assert plots.LANE_TITLES == {lane: LABELS[f"plot_lane_{lane}"]["en"] for lane in plots.LANE_TITLES}
    assert set(plots.LANE_TITLES) == set(cjm.journey.LANES)
    assert plots.METRIC_LABELS["conversion_rate"] == "Conversion"
    assert t("plot_metric_conversion_rate", "id") == "Konversi"
    assert t("plot_metric_repurchase_rate", "id") == "Pembelian ulang"
    assert [t(f"plot_metric_{m}", "id") for m in ("nps", "csat", "ces")] == ["NPS", "CSAT", "CES"]
    assert t("plot_lane_touchpoints", "id").startswith("Titik sentuh")
    assert t("plot_lane_pain_points", "id").startswith("Titik masalah")


# ------------------------------------------------------------------------------------- journey map

# The small table has no satisfaction or sentiment rows, so their legend entries are not drawn.
MAP_KEYS = [f"plot_lane_{lane}" for lane in plots.MAP_LANES] + [
    "plot_map_title", "plot_emotion_neutral", "plot_emotion_legend"]


def test_journey_map_in_bahasa_indonesia(rich_map):
    texts = drawn(plots.journey_map(rich_map, persona="B", language="id"))
    assert_language(texts, MAP_KEYS, "id", persona="B")
    joined = "\n".join(texts)
    # stages, touchpoints and channels from the framework's Indonesian labels
    for stage in FW.stages:
        assert FW.label(stage, "id") in texts and FW.label(stage, "en") not in texts
    assert "Transaksi pembayaran: 50% pakai, 80% puas" in joined.replace("\n  ", " ")   # wrapped, not cut
    assert "Payment: 50%" not in joined
    assert "Situs web 70%" in joined and "Pusat panggilan 30%" in joined and "Web 70%" not in joined
    assert "Konversi 31% [28, 34] n=50" in joined and "Pembelian ulang 22% [19, 25] n=50" in joined
    assert "CSAT 62% [57, 67] n=50" in joined and "voucher: 90% pakai" in joined and "t/a%" not in joined
    for english in ("Touchpoints", "Channels", "Process", "Pain points", "Metrics", "Opportunities",
                    "Conversion", "Repurchase", "Current-state", "neutral", "source"):
        assert english not in joined, english


def test_journey_map_english_is_unchanged(rich_map):
    default = drawn(plots.journey_map(rich_map, persona="B"))
    assert drawn(plots.journey_map(rich_map, persona="B", language="en")) == default
    assert_language(default, MAP_KEYS, "en", persona="B")
    joined = "\n".join(default)
    assert "Touchpoints\n(% use, % satisfied)" in default and "Current-state journey map: B" in default
    assert "Payment: 50% use, 80% satisfied" in joined and "Web 70%" in joined
    assert "Conversion 31% [28, 34] n=50" in joined
    assert "voucher: 90% use" in joined and "n/a%" not in joined
    assert t("plot_source_satisfaction", "en", persona="B") not in default   # no such source here
    assert "Awareness" in default and "Kesadaran" not in default


def test_journey_map_lanes_and_tidy_table_in_bahasa_indonesia():
    # a bare table has no framework: ids are shown as they are, the figure's own words translated
    lanes = ("metrics", "internal_pain_points", "emotion")
    table = JourneyMap(rich_table(), framework=FW).table()
    texts = drawn(plots.journey_map(table, lanes=lanes, language="id"))
    assert_language(texts, ["plot_lane_metrics", "plot_lane_internal_pain_points", "plot_map_title"], "id",
                    persona="A")
    assert "decision" in texts and "Konversi 31% [28, 34] n=50" in "\n".join(texts)


def test_map_plot_method_passes_the_language(jm):
    texts = drawn(jm.plot(persona="A", language="id"))
    assert t("plot_map_title", "id", persona="A") in texts and "Touchpoints\n(% use, % satisfied)" not in texts


# ------------------------------------------------------------------------------------- other figures

def test_blueprint_in_both_languages():
    keys = [f"plot_bp_{row}" for row in plots.BLUEPRINT_ROWS] + [
        "plot_bp_line_interaction", "plot_bp_line_visibility", "plot_bp_line_internal_interaction",
        "plot_bp_title", "plot_bp_more"]
    bp = blueprint(FW)
    texts = drawn(plots.blueprint_chart(bp, max_items=1, language="id"))
    assert_language(texts, keys[:-1], "id")
    assert any(t("plot_bp_more", "id", extra=2) in x for x in texts)
    assert not any("more)" in x for x in texts)
    english = drawn(plots.blueprint_chart(bp, max_items=1))
    assert_language(english, keys[:-1], "en")
    assert "line of visibility" in english and any("(+2 more)" in x for x in english)


def test_day_in_the_life_in_both_languages():
    keys = ["plot_day_share", "plot_day_hour", "plot_day_title"]
    assert_language(drawn(plots.day_in_the_life_chart(DIL, language="id")), keys, "id")
    assert_language(drawn(plots.day_in_the_life_chart(DIL)), keys, "en")
    texts = drawn(plots.day_in_the_life_chart(DIL, value="events", language="id"))
    assert "kejadian" in texts and "events" not in texts


def test_gap_chart_in_both_languages():
    keys = ["plot_gap_axis", "plot_gap_title", "plot_gap_target", "met", "within reach", "gap"]
    texts = drawn(plots.gap_chart(GAPS, language="id"))
    assert_language(texts, keys, "id")
    assert "decision · Konversi" in texts and "retention · Emosi" in texts
    assert "40 -> 80  (kesenjangan)" in texts and "85 -> 80  (tercapai)" in texts
    assert "0.1 -> 0.3  (kesenjangan)" in texts and "0.2 -> 0.3  (dalam jangkauan)" in texts
    assert not any("(gap)" in x or "(met)" in x or "Conversion" in x for x in texts)
    english = drawn(plots.gap_chart(GAPS))
    assert_language(english, keys, "en")
    assert "40 -> 80  (gap)" in english and "0.2 -> 0.3  (within reach)" in english
    assert "decision · Conversion" in english
    one = drawn(plots.gap_chart(GAPS, persona="A", language="id"))
    assert "decision · CSAT" in one and "decision · Konversi" in one


def test_priority_matrix_in_both_languages():
    keys = ["plot_quick_wins", "plot_major_projects", "plot_fill_ins", "plot_thankless_tasks",
            "plot_effort_axis", "plot_impact_axis", "plot_priority_title"]
    texts = drawn(plots.priority_matrix(OPPS, language="id"))
    assert_language(texts, keys, "id")
    assert "1. Fix payments" in texts  # data is drawn as given
    assert_language(drawn(plots.priority_matrix(OPPS)), keys, "en")


def test_emotion_overlay_in_both_languages(jm, tmp_path):
    fs = future_state(tmp_path)
    keys = ["plot_to_be_target", "plot_emotion_axis", "plot_emotion_title", "plot_as_is"]
    ax = plots.emotion_overlay(jm, fs, language="id")
    assert [line.get_label() for line in ax.lines if "target" in line.get_label()] == ["target masa depan"]
    texts = drawn(ax)
    assert_language(texts, keys, "id", persona="A")
    assert t("plot_as_is", "id", persona="B") in texts
    assert [label.get_text() for label in ax.get_xticklabels()] == [FW.label(s, "id") for s in FW.stages]
    assert not any(FW.label(s, "en") == x for s in FW.stages for x in texts)
    english = drawn(plots.emotion_overlay(jm, fs))
    assert_language(english, keys, "en", persona="A")
    assert "Awareness" in english and "as-is: B" in english
    # an emotion frame has no framework: stage ids as given, the rest translated
    frame = drawn(plots.emotion_overlay(jm.emotion(), persona="A", language="id"))
    assert "decision" in frame and t("plot_emotion_title", "id") in frame


# ------------------------------------------------------------------------------------- errors

DRIVERS = pd.DataFrame({"persona": "A", "level": "touchpoint", "stage": "decision", "driver": ["payment", "checkout"],
                        "importance": [60.0, 40.0], "ci_low": [50.0, 30.0], "ci_high": [70.0, 50.0], "rank": [1, 2],
                        "n": [80, 90], "quadrant": ["fix first", "low priority"], "outcome": "NPS"})

CALLS = {
    "journey_map": lambda jm, **kw: plots.journey_map(jm, **kw),
    "blueprint_chart": lambda jm, **kw: plots.blueprint_chart(blueprint(FW), **kw),
    "day_in_the_life_chart": lambda jm, **kw: plots.day_in_the_life_chart(DIL, **kw),
    "gap_chart": lambda jm, **kw: plots.gap_chart(GAPS, **kw),
    "priority_matrix": lambda jm, **kw: plots.priority_matrix(OPPS, **kw),
    "emotion_overlay": lambda jm, **kw: plots.emotion_overlay(jm, **kw),
    "drivers_chart": lambda jm, **kw: plots.drivers_chart(DRIVERS, **kw),
    "not_measured_ax": lambda jm, **kw: plots.not_measured_ax("CES", **kw),
    "answer_distributions": lambda jm, **kw: plots.answer_distributions(ANSWERS, **kw),
}
ANSWERS = pd.DataFrame({"kind": ["csat", "csat", "nps"], "item": ["decision", "decision", "nps"],
                        "answer": [4.0, 5.0, 9.0]})


def test_every_public_plot_takes_a_keyword_only_language():
    deprecated = {"blueprint", "day_in_the_life"}      # old names: they warn and call the *_chart ones
    public = {name for name, f in vars(plots).items()
              if inspect.isfunction(f) and f.__module__ == plots.__name__ and not name.startswith("_")}
    assert public - deprecated == set(CALLS)
    public -= deprecated
    for name in public:
        param = inspect.signature(getattr(plots, name)).parameters["language"]
        assert param.kind is inspect.Parameter.KEYWORD_ONLY and param.default == "en", name
        assert "language : {\"en\", \"id\"}" in getattr(plots, name).__doc__, name


@pytest.mark.parametrize("name", sorted(CALLS))
def test_an_unknown_language_is_a_parameter_error(name, jm):
    before = plt.get_fignums()
    with pytest.raises(ParameterError, match=r"`language` must be one of \['en', 'id'\], but 'fr' was passed"):
        CALLS[name](jm, language="fr")
    assert plt.get_fignums() == before  # checked before a figure is made


# ------------------------------------------------------------------------------------- the report

def test_report_passes_its_language_to_every_figure():
    tree = ast.parse(inspect.getsource(rc))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
             and node.func.value.id == "plots"]
    # the report says "not measured" in its own captions rather than as a figure
    assert {c.func.attr for c in calls} == set(CALLS) - {"not_measured_ax", "answer_distributions"}
    for call in calls:
        given = {kw.arg: ast.unparse(kw.value) for kw in call.keywords}
        assert given.get("language") == "self.language", call.func.attr


def tiny_study(folder):
    """A one-quarter study of five respondents (like test_reports.make_study, without its heavy imports)."""
    (folder / "2026Q3").mkdir(parents=True)
    (folder / "2026Q3" / "survey.csv").write_text(
        "respondent_id,nps,csat_decision\nR1,9,4\nR2,3,2\nR3,10,5\nR4,7,3\nR5,8,1\n", encoding="utf-8")
    (folder / "study.yml").write_text(
        "name: Tiny\nframework: default\nsurvey:\n  respondent_id: respondent_id\n  nps: nps\n"
        "  csat: {decision: csat_decision}\nquarters:\n  2026Q3: {survey: 2026Q3/survey.csv}\n", encoding="utf-8")
    return folder / "study.yml"


def test_report_figures_are_drawn_in_the_report_language(tmp_path, monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda *objs: None)
    rep = rc.QuarterlyReport(tiny_study(tmp_path / "s"), "2026Q3", language="id",
                             figures_dir=tmp_path / "f", tables_dir=tmp_path / "t")
    rep.__dict__["current"] = JourneyMap(small_table(), framework=FW)  # skip fitting personas
    figures = {}
    monkeypatch.setattr(rep, "figure", lambda ax, name, caption=None: figures.update({name: drawn(ax)}))
    rep.current_state_section()
    assert set(figures) == {"current_state_p1", "current_state_p2", "blueprint"}   # the blueprint once
    assert t("plot_lane_touchpoints", "id") in figures["current_state_p1"]
    assert "Kesadaran" in figures["current_state_p2"]
    assert "Touchpoints\n(% use, % satisfied)" not in figures["current_state_p2"]
    assert t("plot_bp_line_visibility", "id") in figures["blueprint"]
    assert "line of visibility" not in figures["blueprint"]
