"""Map figures: each takes ax=, returns it, draws what the data says, and exports as PNG and SVG."""

import matplotlib.pyplot as plt
from matplotlib.collections import PathCollection
import numpy as np
import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.viz import maps as plots
from cjm_research.core.errors import ParameterError
from cjm_research.journey.export import save_figure
from cjm_research.journey.map import JourneyMap
from cjm_research.journey.blueprint import blueprint

from test_journey import FW, small_table


@pytest.fixture()
def jm():
    return JourneyMap(small_table(), framework=FW)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_journey_map_uses_given_axes_and_shows_stages_and_pains(jm):
    fig, ax = plt.subplots(figsize=(20, 12))
    out = plots.journey_map(jm, persona="B", ax=ax)
    assert out is ax
    texts = " ".join(_texts(ax))
    assert all(FW.label(s) in texts for s in FW.stages)
    assert "1. pain decision: 20% rated 1-2 (n=40)" in texts and "CSAT 62% [57, 67] n=50" in texts
    # one emotion curve per persona, the chosen one drawn thicker
    curves = {line.get_label(): line for line in ax.lines if line.get_label() in ("A", "B")}
    assert set(curves) == {"A", "B"} and curves["B"].get_linewidth() > curves["A"].get_linewidth()
    # a pain-point marker per stage (rank-1 pain point everywhere in this table)
    markers = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_label().startswith("_")]
    assert len(markers) == len(FW.stages)
    plt.close(fig)
    with pytest.raises(ParameterError, match="persona"):
        plots.journey_map(jm, persona="nobody")


def test_blueprint_draws_the_three_lines():
    ax = plots.blueprint_chart(blueprint(FW))
    texts = _texts(ax)
    for name in ("line of interaction", "line of visibility", "line of internal interaction"):
        assert name in texts
    assert any("Payment gateway" in t for t in texts)
    plt.close(ax.figure)


def test_day_in_the_life_heatmap_values():
    dil = pd.DataFrame({"persona": ["A", "A", "B"], "hour": [9, 20, 12], "channel": ["web", "app", "store"],
                        "events": [3, 1, 5], "share": [0.75, 0.25, 1.0]})
    ax = plots.day_in_the_life_chart(dil)
    grid = ax.collections[0].get_array().reshape(3, 24)  # rows: (A, app), (A, web), (B, store)
    assert grid[0, 20] == pytest.approx(25) and grid[1, 9] == pytest.approx(75) and grid[2, 12] == 100
    assert grid.sum() == pytest.approx(200)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A · app", "A · web", "B · store"]
    plt.close(ax.figure)


def test_gap_chart_positions_on_metric_range():
    gaps = pd.DataFrame({"persona": ["A", "A"], "stage": ["decision", "decision"], "metric": ["csat", "ces"],
                         "current": [40.0, 4.0], "ci_low": [35.0, 3.8], "ci_high": [45.0, 4.2],
                         "target": [80.0, 3.0], "status": ["gap", "gap"]})
    fig, ax = plt.subplots()
    assert plots.gap_chart(gaps, ax=ax) is ax
    dots = [c.get_offsets()[0] for c in ax.collections if len(c.get_offsets()) == 1]
    # CSAT 40 on 0..100 -> 0.4; CES 4 on 1..7 -> 0.5
    assert any(np.allclose(d, [0.4, 0]) for d in dots) and any(np.allclose(d, [0.5, 1]) for d in dots)
    assert "40 -> 80  (gap)" in _texts(ax)
    plt.close(fig)


def test_gap_chart_draws_a_stage_without_data_as_its_target_only():
    # compare() reports "no data" when a stage has a target but no responses this quarter.
    gaps = pd.DataFrame({"persona": ["A", "A"], "stage": ["decision", "retention"], "metric": ["csat", "csat"],
                         "current": [40.0, np.nan], "ci_low": [35.0, np.nan], "ci_high": [45.0, np.nan],
                         "target": [80.0, 70.0], "status": ["gap", "no data"]})
    fig, ax = plt.subplots()
    plots.gap_chart(gaps, ax=ax)
    points = [tuple(c.get_offsets()[0]) for c in ax.collections if len(c.get_offsets()) == 1]
    assert (pytest.approx(0.7), pytest.approx(1.0)) in points  # the target diamond of the empty stage
    assert not any(np.isnan(p).any() for p in points)
    arrows = [a for a in ax.texts if getattr(a, "arrow_patch", None) is not None]
    assert len(arrows) == 1  # only the stage with data has an arrow from today to the target
    assert "n/a -> 70  (no data)" in _texts(ax)
    plt.close(fig)


def test_priority_matrix_bubbles_grow_with_evidence():
    opps = pd.DataFrame({"title": ["Fix payments", "Tidy e-mails"], "impact": [5, 2], "effort": [2, 1],
                         "evidence": [30.0, 0.0], "rank": [1, 2]})
    ax = plots.priority_matrix(opps)
    sizes = ax.collections[0].get_sizes()
    assert sizes[0] > sizes[1]
    assert "1. Fix payments" in _texts(ax)
    plt.close(ax.figure)


def test_emotion_overlay_and_export(jm, tmp_path):
    path = tmp_path / "fs.yml"
    path.write_text("stages:\n  decision:\n    emotion: 0.6\n", encoding="utf-8")
    fs = cjm.FutureState.from_yaml(path, framework=FW)
    ax = plots.emotion_overlay(jm, fs)
    target = [line for line in ax.lines if line.get_label() == "to-be target"][0]
    assert np.nanmax(target.get_ydata()) == pytest.approx(0.6)
    written = save_figure(ax, tmp_path / "fig" / "overlay.png")
    assert [p.suffix for p in written] == [".png", ".svg"]
    assert written[0].read_bytes()[:4] == b"\x89PNG" and "<svg" in written[1].read_text(encoding="utf-8")
    with pytest.raises(ParameterError, match="formats"):
        save_figure(ax, tmp_path / "x", formats=["gif"])
    plt.close(ax.figure)


def test_old_figure_names_warn_and_draw_the_same():
    bp = blueprint(FW)
    with pytest.warns(FutureWarning, match="blueprint_chart"):
        old = plots.blueprint(bp)
    new = plots.blueprint_chart(bp)
    assert [t.get_text() for t in old.texts] == [t.get_text() for t in new.texts]
    plt.close("all")
