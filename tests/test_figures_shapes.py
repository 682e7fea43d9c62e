"""Map figures stay readable at real sizes (issue 13 findings F3, F4, F6, F9, F11, F13).

Every figure is drawn on frameworks of 1, 2, 5 and 8 stages with long labels, and measured in
pixels: every text lies inside the figure, a stage's texts inside its stage column, a column is
wide enough to read, the red pain-point names never overlap, no blueprint text crosses one of its
three lines, and empty cells say why they are empty.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.text  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import cjm_research as cjm  # noqa: E402
from cjm_research.core.labels import t  # noqa: E402
from cjm_research.journey.map import JourneyMap  # noqa: E402
from cjm_research.viz import maps as plots  # noqa: E402

LONG_PERSONA = "High MntMeatProducts, high MntFishProducts"
DPI = 100


def framework(tmp_path, n_stages: int):
    """A framework of ``n_stages`` stages, two touchpoints each, with labels of real length."""
    lines = ["name: shapes", "version: 1", "stages:"]
    lines += [f"  - {{id: s{i}, label: Stage {i} of the customer journey}}" for i in range(n_stages)]
    lines.append("touchpoints:")
    for i in range(n_stages):
        lines += [f"  - {{id: t{i}a, label: Departure/Arrival time convenient {i}, stage: s{i}, channel: web}}",
                  f"  - {{id: t{i}b, label: Inflight entertainment service {i}, stage: s{i}, channel: app}}"]
    path = tmp_path / f"framework_{n_stages}.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cjm.JourneyFramework.from_yaml(path)


def table(fw, *, emotion: bool = True) -> pd.DataFrame:
    """A survey-only map: touchpoints, framework channels, pains in every stage, outcome under the last."""
    rows = []
    for persona in (LONG_PERSONA, "Low Income, low NumStorePurchases"):
        for i, stage in enumerate(fw.stages):
            if emotion and i != 1:  # stage 1 has no emotion evidence at all
                value = np.nan if i == 2 else 0.2 - 0.05 * i  # stage 2: too few answers
                rows.append({"persona": persona, "stage": stage, "lane": "emotion", "item": "combined",
                             "value": value, "ci_low": value - 0.1, "ci_high": value + 0.1, "n": 3 if i == 2 else 80})
                rows.append({"persona": persona, "stage": stage, "lane": "emotion", "item": "satisfaction",
                             "value": value, "ci_low": value - 0.1, "ci_high": value + 0.1, "n": 80})
                rows.append({"persona": persona, "stage": stage, "lane": "emotion", "item": "sentiment",
                             "value": value, "ci_low": value - 0.1, "ci_high": value + 0.1, "n": 80})
            for tp, share in ((f"t{i}a", 52.0), (f"t{i}b", 48.0)):
                rows += [{"persona": persona, "stage": stage, "lane": "touchpoints", "item": tp, "source": "usage",
                          "value": 80.0, "n": 90},
                         {"persona": persona, "stage": stage, "lane": "touchpoints", "item": tp, "source": "rating",
                          "value": 40.0, "n": 90},
                         {"persona": persona, "stage": stage, "lane": "channels", "item": "web" if tp.endswith("a")
                          else "app", "value": share, "n": 90, "source": "survey usage x framework"}]
            rows += [{"persona": persona, "stage": stage, "lane": "pain_points", "item": f"t{i}a", "value": 33.0,
                      "n": 90, "rank": 1, "source": "low_ratings"},
                     {"persona": persona, "stage": stage, "lane": "process", "item": f"t{i}a"},
                     {"persona": persona, "stage": stage, "lane": "metrics", "item": "importance", "value": 20.0,
                      "ci_low": 10.0, "ci_high": 30.0, "n": 90, "rank": i + 1}]
        rows.append({"persona": persona, "stage": fw.stages[-1], "lane": "metrics", "item": "outcome", "value": 27.3,
                     "ci_low": 23.8, "ci_high": 31.0, "n": 587, "source": "Response",
                     "detail": "Response: % of respondents (1 when column 'Response' is 1, else 0)"})
    return pd.DataFrame(rows)


def drawn_map(tmp_path, n_stages: int, **options):
    fw = framework(tmp_path, n_stages)
    ax = plots.journey_map(JourneyMap(table(fw, **options), framework=fw), persona=LONG_PERSONA)
    ax.figure.set_dpi(DPI)
    ax.figure.canvas.draw()
    return ax, fw


def texts_of(ax):
    """Every drawn text of the figure (the tick labels of an axes drawn without axes are not drawn)."""
    hidden = {id(x) for a in ax.figure.axes if not a.axison
              for axis in (a.xaxis, a.yaxis) for x in axis.findobj(matplotlib.text.Text)}
    return [x for x in ax.figure.findobj(matplotlib.text.Text)
            if x.get_visible() and x.get_text().strip() and id(x) not in hidden]


def column_bounds(ax, x: int) -> tuple[float, float]:
    """The pixel left and right of stage column ``x``."""
    (left, _), (right, _) = ax.transData.transform([(x, 0), (x + 1, 0)])
    return left, right


def in_columns(ax):
    """(text, its stage column) of every text drawn in a stage column (data x >= 0)."""
    return [(x, int(np.floor(x.get_position()[0]))) for x in ax.texts
            if x.get_transform() == ax.transData and x.get_position()[0] >= 0]


@pytest.mark.parametrize("n_stages", [1, 2, 5, 8])
def test_map_texts_stay_inside_the_figure_and_their_stage_columns(tmp_path, n_stages):
    ax, fw = drawn_map(tmp_path, n_stages)
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    figure_box = fig.bbox
    for text in texts_of(ax):
        box = text.get_window_extent(renderer)
        assert box.x0 >= figure_box.x0 - 1 and box.x1 <= figure_box.x1 + 1, text.get_text()
        assert box.y0 >= figure_box.y0 - 1 and box.y1 <= figure_box.y1 + 1, text.get_text()
    for text, column in in_columns(ax):
        left, right = column_bounds(ax, column)
        box = text.get_window_extent(renderer)
        assert box.x0 >= left - 1 and box.x1 <= right + 1, (column, text.get_text())
    # a stage column is wide enough to read, however few stages there are (F6: one stage was ~15 px)
    left, right = column_bounds(ax, 0)
    assert right - left >= 2.5 * DPI
    # the lane titles sit left of the first column, never under a stage's text
    titles = [x for x in ax.texts if x.get_position()[0] < 0 and x.get_text().startswith("Touchpoints")]
    assert titles and titles[0].get_window_extent(renderer).x1 <= column_bounds(ax, 0)[0]
    headers = [x for x in ax.texts if x.get_text().replace("\n", " ") == fw.label(fw.stages[0])]
    assert headers, "the stage title is drawn in full"
    plt.close(fig)


def test_pain_point_names_never_overlap_and_markers_stay_in_their_column(tmp_path):
    ax, fw = drawn_map(tmp_path, 5)
    renderer = ax.figure.canvas.get_renderer()
    red = [x.get_window_extent(renderer) for x in ax.texts if x.get_color() == plots.PAIN_COLOUR]
    assert len(red) == 5
    for i, a in enumerate(red):
        for b in red[i + 1:]:
            assert not a.overlaps(b)
    # the hollow source markers are drawn inside the column of their stage (F13: sentiment on the edge)
    for collection in ax.collections:
        offsets = collection.get_offsets()
        if len(offsets) == len(fw.stages) and collection.get_label().endswith("source"):
            for x, (px, _) in enumerate(offsets):
                if np.isfinite(px):
                    assert x < px < x + 1
    plt.close(ax.figure)


def test_emotion_lane_says_why_a_stage_has_no_dot_and_labels_each_dot(tmp_path):
    ax, fw = drawn_map(tmp_path, 4)
    by_column = {}
    for text, column in in_columns(ax):
        by_column.setdefault(column, []).append(text.get_text())
    assert t("plot_no_evidence", "en") in by_column[1]                       # no emotion rows at all
    assert t("plot_emotion_too_few", "en", min_n="n<5") in by_column[2]     # masked: too few answers
    assert "+0.20 [+0.10, +0.30] n=80" in by_column[0] and "+0.05 [-0.05, +0.15] n=80" in by_column[3]
    plt.close(ax.figure)


def test_outcome_is_an_overall_figure_and_framework_channels_say_so(tmp_path):
    ax, fw = drawn_map(tmp_path, 3)
    texts = [x.get_text() for x in ax.texts]
    overall = [x for x in ax.texts if "Overall outcome" in x.get_text()]
    assert len(overall) == 1 and overall[0].get_position()[0] < 0          # not in a stage column
    assert overall[0].get_text() == t("plot_overall_outcome", "en", text="Response 27% [24, 31] n=587")
    assert not any("Outcome 27%" in x for x in texts)
    assert t("plot_lane_channels_framework", "en") in texts
    assert t("plot_lane_channels", "en") not in texts
    plt.close(ax.figure)


def test_map_without_emotion_evidence_says_not_measured(tmp_path):
    ax, _ = drawn_map(tmp_path, 1, emotion=False)
    lane_texts = [x.get_text() for x in ax.texts]
    assert t("plot_not_measured", "en") in lane_texts
    plt.close(ax.figure)


def blueprint_frame(n_stages: int) -> pd.DataFrame:
    """A blueprint of an events-only study: long path customer actions, many frontstage touchpoints,
    no backstage, support or internal pain points described."""
    rows = []
    for i in range(n_stages):
        stage = f"s{i}"
        rows += [{"stage": stage, "stage_label": f"Stage {i}", "row": "customer_actions",
                  "item": f"T0{k} Determine confirmation of receipt > T05 Print and send confirmation ({40 - k}%)"}
                 for k in range(4)]
        rows += [{"stage": stage, "stage_label": f"Stage {i}", "row": "frontstage",
                  "item": f"T1{k} Check document X request unlicensed [Unspecified]"} for k in range(3 + 5 * i)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("n_stages", [1, 3])
def test_blueprint_text_never_crosses_its_lines_and_empty_cells_say_why(n_stages):
    ax = plots.blueprint_chart(blueprint_frame(n_stages))
    fig = ax.figure
    fig.set_dpi(DPI)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    lines_px = [ax.transData.transform((0, line.get_ydata()[0]))[1] for line in ax.lines
                if line.get_linestyle() not in ("-", "None") and len(set(line.get_ydata())) == 1]
    assert len(lines_px) == 3
    names = {t(k, "en") for k in plots.BLUEPRINT_LINE_KEYS.values()}
    for text, column in in_columns(ax):
        if text.get_text() in names:
            continue
        box = text.get_window_extent(renderer)
        for y in lines_px:
            assert not (box.y0 < y < box.y1), (text.get_text()[:40], y)
        left, right = column_bounds(ax, column)
        assert box.x0 >= left - 1 and box.x1 <= right + 1
    for text in texts_of(ax):
        box = text.get_window_extent(renderer)
        assert fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1, text.get_text()
    texts = [x.get_text() for x in ax.texts]
    # backstage, support and internal pain points of every stage: said in words, not left blank
    assert texts.count(t("plot_bp_not_described", "en")) == 3 * n_stages
    if n_stages == 3:
        assert any("(+7 more)" in x for x in texts)   # the fullest cell (13 items) is capped at 6
    plt.close(fig)


def test_blueprint_of_a_framework_without_touchpoints_says_so():
    empty = pd.DataFrame(columns=["stage", "stage_label", "row", "item", "source"])
    ax = plots.blueprint_chart(empty)
    assert any(t("plot_bp_not_described", "en") in x.get_text() for x in ax.texts)
    plt.close(ax.figure)


def test_day_in_the_life_colour_bar_label_is_inside_the_figure():
    dil = pd.DataFrame({"persona": ["all"] * 3, "hour": [8, 9, 14], "channel": ["unspecified"] * 3,
                        "events": [10, 20, 5], "share": [10 / 35, 20 / 35, 5 / 35]})
    ax = plots.day_in_the_life_chart(dil)
    fig = ax.figure
    fig.set_dpi(DPI)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    label = [x for x in texts_of(ax) if x.get_text() == t("plot_day_share", "en")]
    assert len(label) == 1
    box = label[0].get_window_extent(renderer)
    assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1
    plt.close(fig)


def test_key_driver_titles_name_their_persona():
    drivers = pd.DataFrame({"persona": ["p1", "p1", "p2", "p2"], "level": "touchpoint", "stage": "s0",
                            "driver": ["a", "b", "a", "b"], "importance": [60.0, 40.0, 30.0, 70.0],
                            "ci_low": [50.0, 30.0, 20.0, 60.0], "ci_high": [70.0, 50.0, 40.0, 80.0],
                            "rank": [1, 2, 2, 1], "n": 80, "quadrant": "low priority", "outcome": "Satisfied"})
    titles = []
    for persona in ("p1", "p2"):
        ax = plots.drivers_chart(drivers, persona=persona)
        titles.append(ax.get_title(loc="left"))
        plt.close(ax.figure)
    assert titles[0] != titles[1] and "p1" in titles[0] and "p2" in titles[1] and "Satisfied" in titles[0]


def test_events_only_touchpoint_title_names_only_use_and_tiny_channel_shares_read_below_one(tmp_path):
    fw = framework(tmp_path, 2)
    rows = [{"persona": "all", "stage": s, "lane": "touchpoints", "item": f"t{i}a", "source": "usage (events)",
             "value": 98.0, "n": 1400} for i, s in enumerate(fw.stages)]
    rows += [{"persona": "all", "stage": s, "lane": "channels", "item": item, "value": value, "n": 1400,
              "source": "events"} for s in fw.stages for item, value in (("web", 99.93), ("app", 0.07))]
    ax = plots.journey_map(JourneyMap(pd.DataFrame(rows), framework=fw))
    texts = [x.get_text() for x in ax.texts]
    assert t("plot_lane_touchpoints_use", "en") in texts and t("plot_lane_touchpoints", "en") not in texts
    assert t("plot_lane_channels", "en") in texts              # observed channels keep "% of customers"
    joined = "\n".join(texts)
    assert "App <1%" in joined and "App 0%" not in joined
    plt.close(ax.figure)
