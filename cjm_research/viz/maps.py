"""Figures of the journey maps: map, service blueprint, day in the life, gaps, priorities.

Every function takes tidy frames (or a :class:`~cjm_research.journey.map.JourneyMap`), keyword-only
options and ``ax=None``, draws with matplotlib/seaborn and returns the Axes. Without ``ax`` a figure
of a readable size is made; sizes grow with the number of stages so labels stay legible in a
report. ``language="id"`` draws every title, lane, axis label, legend and annotation in Bahasa
Indonesia (texts from :mod:`cjm_research.core.labels`, stage, touchpoint and channel names from the
framework's labels); data values such as persona names and pain-point themes are drawn as given.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Rectangle

from ..core.errors import ParameterError, check_choice
from ..core.labels import LABELS, LANGUAGES, t

STATUS_COLOURS = {"met": "#2a9d8f", "within reach": "#e9c46a", "gap": "#e76f51"}
PAIN_COLOUR = "#c0392b"
# The English texts; every figure takes them from :data:`cjm_research.core.labels.LABELS` in its language.
LANE_TITLES = {lane: LABELS[f"plot_lane_{lane}"]["en"] for lane in (
    "touchpoints", "channels", "process", "emotion", "pain_points", "metrics", "opportunities",
    "internal_actors", "internal_channels", "internal_process", "internal_pain_points")}
MAP_LANES = ("touchpoints", "channels", "process", "emotion", "pain_points", "metrics", "opportunities")
METRIC_LABELS = {m: LABELS[f"plot_metric_{m}"]["en"]
                 for m in ("nps", "csat", "ces", "conversion_rate", "repurchase_rate", "emotion")}


def _new_ax(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _check_language(language: str) -> None:
    check_choice("language", language, LANGUAGES)


def _unpack(jm, language: str = "en"):
    """(tidy table, stage order, label function) from a JourneyMap or a tidy DataFrame.

    The label function gives a stage, touchpoint or channel its framework label in ``language``;
    a bare table has no framework, so its ids are shown with spaces for underscores.
    """
    if isinstance(jm, pd.DataFrame):
        table = jm
        stages = list(dict.fromkeys(table["stage"].dropna()))
        return table, stages, lambda i: str(i).replace("_", " ")
    fw = jm.framework
    return jm.table(), fw.stages, lambda i: fw.label(i, language)


def _metric(metric, language: str = "en") -> str:
    """Display name of a metric id (NPS, CSAT, ..., Conversion), unknown ids as given."""
    key = f"plot_metric_{metric}"
    return t(key, language) if key in LABELS else str(metric)


STATUS_WORDS = (*STATUS_COLOURS, "no data")  # the statuses of cjm_research.compare, all in LABELS


def _word(word, language: str = "en") -> str:
    """A status word (met, within reach, gap, no data) in ``language``, other words as given."""
    return t(word, language) if word in STATUS_WORDS else str(word)


def _fmt(value, digits=0, language: str = "en") -> str:
    return t("plot_na", language) if pd.isna(value) else f"{value:.{digits}f}"


# --------------------------------------------------------------------------- journey map

def _cell_lines(rows: pd.DataFrame, lane: str, label, top: int, min_n: str, language: str = "en") -> list[str]:
    """Short lines for one persona x stage x lane cell."""
    if rows.empty:
        return []

    def fmt(value, digits=0):
        return _fmt(value, digits, language)

    rows = rows.sort_values("rank", kind="stable", na_position="last")
    if lane == "touchpoints":
        wide = rows.pivot_table(index="item", columns="source", values="value", aggfunc="first", dropna=False)
        wide = wide.sort_values(wide.columns[-1], ascending=False) if "usage" not in wide else wide.sort_values("usage", ascending=False)
        return [f"{label(i)}: {fmt(r.get('usage', r.iloc[-1]))}% / {fmt(r.get('rating', np.nan))}%"
                for i, r in wide.head(top + 1).iterrows()]
    if lane == "channels":
        rows = rows.sort_values("value", ascending=False)
        return [f"{label(r.item)} {fmt(r.value)}%" for r in rows.head(top + 1).itertuples()]
    if lane == "metrics":
        return [f"{_metric(r.item, language)} {min_n if r.masked else fmt(r.value, 1 if r.item == 'ces' else 0)}"
                + ("" if r.masked or pd.isna(r.ci_low) else f" [{fmt(r.ci_low, 1 if r.item == 'ces' else 0)}, "
                   f"{fmt(r.ci_high, 1 if r.item == 'ces' else 0)}]") for r in rows.itertuples()]
    if lane == "pain_points":
        return [f"{int(r.rank)}. {label(r.item)} ({min_n if r.masked else fmt(r.value)})"
                for r in rows.head(top).itertuples()]
    if lane == "process":
        return [f"{min_n if r.masked else fmt(r.value) + '%'} {r.item}" for r in rows.head(top).itertuples()]
    if lane == "opportunities":
        return [str(r.item) for r in rows.head(top).itertuples()]
    return [str(r.item) for r in rows.head(top + 1).itertuples()]


def journey_map(jm, *, persona=None, ax=None, lanes=MAP_LANES, top: int = 2, width: int | None = None,
                min_cell_size: int = 5, language: str = "en"):
    """The current-state journey map: stages as columns, lanes as swimlanes, an emotion curve.

    Text lanes show one persona (``persona``, default the first); the emotion lane draws every
    persona's curve with its 95% interval band (the chosen persona in bold) and marks the stage's
    top pain point with a red triangle sized by its evidence score.

    Parameters
    ----------
    jm : JourneyMap or DataFrame
        The map, or its tidy table.
    persona : str, optional
    lanes : sequence of str
        Lanes to draw, top to bottom (``emotion`` draws the curve).
    top : int
        Items per cell.
    width : int, optional
        Characters per text line (default from the figure width).
    min_cell_size : int, default 5
        Masked cells show ``n<min_cell_size`` instead of a number.
    language : {"en", "id"}, default "en"
        Language of the lane titles, metric names, legend and title (English or Bahasa
        Indonesia); stage, touchpoint and channel names use the framework's labels in it.

    Examples
    --------
    >>> ax = journey_map(jm, persona="Value seekers")     # doctest: +SKIP
    >>> ax = journey_map(jm, language="id")               # doctest: +SKIP
    """
    _check_language(language)
    table, stages, label = _unpack(jm, language)
    personas = list(dict.fromkeys(table["persona"].dropna()))
    persona = personas[0] if persona is None else persona
    check_choice("persona", persona, personas)
    heights = [2.6 if lane == "emotion" else 1.0 for lane in lanes]
    ax = _new_ax(ax, (2.2 + 3.4 * len(stages), 1.4 + 1.15 * sum(heights)))
    width = width or 40
    mine = table[table["persona"] == persona]
    top_y = 0.0
    for lane, h in zip(lanes, heights):
        ax.add_patch(Rectangle((-1.3, top_y), len(stages) + 1.3, h, facecolor="#f4f4f4" if lanes.index(lane) % 2 else "white",
                               edgecolor="#cccccc", lw=0.6, zorder=0))
        title = t(f"plot_lane_{lane}", language) if f"plot_lane_{lane}" in LABELS else lane
        ax.text(-1.25, top_y + h / 2, title, va="center", ha="left", fontsize=10, weight="bold")
        if lane == "emotion":
            _emotion_lane(ax, table, stages, persona, personas, top_y, h, language)
        else:
            for x, stage in enumerate(stages):
                lines = _cell_lines(mine[(mine["stage"] == stage) & (mine["lane"] == lane)], lane, label, top,
                                    f"n<{min_cell_size}", language)
                text = "\n".join(textwrap.shorten(line, width, placeholder="...") for line in lines)
                ax.text(x + 0.04, top_y + 0.08, text, va="top", ha="left", fontsize=8.5, linespacing=1.25)
        top_y += h
    for x, stage in enumerate(stages):
        ax.text(x + 0.5, -0.12, label(stage), ha="center", va="bottom", fontsize=11, weight="bold")
        ax.axvline(x, color="#bbbbbb", lw=0.6, zorder=1)
    ax.set_xlim(-1.3, len(stages))
    ax.set_ylim(top_y, -0.45)
    ax.set_axis_off()
    ax.set_title(t("plot_map_title", language, persona=persona), fontsize=12, loc="left", pad=14)
    return ax


def _emotion_lane(ax, table, stages, persona, personas, y0, h, language="en"):
    """Emotion curves in a band of the map: -1 at the bottom, +1 at the top of the lane."""
    def y(v):
        return y0 + h * (1 - (np.asarray(v, dtype=float) + 1) / 2 * 0.84 - 0.08)

    for level, name in ((1, "+1"), (0, t("plot_emotion_neutral", language)), (-1, "-1")):
        ax.plot([0, len(stages)], [y(level), y(level)], color="#999999", lw=0.6, ls="--" if level == 0 else ":", zorder=1)
        ax.text(0.03, y(level), name, fontsize=7.5, ha="left", va="bottom", color="#666666")
    emo = table[(table["lane"] == "emotion") & (table["item"] == "combined")]
    palette = dict(zip(personas, sns.color_palette("tab10", len(personas))))
    xs = np.arange(len(stages)) + 0.5
    for p in personas:
        cur = emo[emo["persona"] == p].set_index("stage").reindex(stages)
        v = cur["value"].astype(float)
        bold = p == persona
        ax.fill_between(xs, y(cur["ci_low"].astype(float)), y(cur["ci_high"].astype(float)),
                        color=palette[p], alpha=0.25 if bold else 0.08, lw=0, zorder=2)
        ax.plot(xs, y(v), marker="o", color=palette[p], lw=2.4 if bold else 1.0,
                alpha=1 if bold else 0.6, zorder=3, label=p)
    # The chosen persona's two sources, so a reader sees where ratings and quotes disagree.
    for item, marker in (("satisfaction", "s"), ("sentiment", "D")):
        src = table[(table["lane"] == "emotion") & (table["item"] == item) & (table["persona"] == persona)]
        src = src.set_index("stage").reindex(stages)["value"].astype(float)
        ax.scatter(xs + (0.14 if item == "sentiment" else -0.14), y(src), marker=marker, s=22, zorder=4,
                   facecolor="white", edgecolor=palette[persona],
                   label=t(f"plot_source_{item}", language, persona=persona))
    pains = table[(table["lane"] == "pain_points") & (table["persona"] == persona) & (table["rank"] == 1)]
    cur = emo[emo["persona"] == persona].set_index("stage")
    for x, stage in zip(xs, stages):
        hit = pains[pains["stage"] == stage]
        if hit.empty or stage not in cur.index or pd.isna(cur.loc[stage, "value"]):
            continue
        score = float(hit["value"].fillna(0).iloc[0])
        ax.scatter([x], [y(cur.loc[stage, "value"]) + 0.28], marker="v", s=40 + 6 * score,
                   color=PAIN_COLOUR, zorder=4)
        last = x > len(stages) - 1  # on the last stage the label goes left, inside the map
        ax.text(x - 0.1 if last else x + 0.1, y(cur.loc[stage, "value"]) + 0.3,
                textwrap.shorten(str(hit["item"].iloc[0]).replace("_", " "), 34, placeholder="..."),
                color=PAIN_COLOUR, fontsize=8, va="center", ha="right" if last else "left")
    # Below the map, where the long persona names cannot cover a lane or a stage header.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=8.5, ncol=3, frameon=False,
              title=t("plot_emotion_legend", language), title_fontsize=8.5)


# --------------------------------------------------------------------------- service blueprint

BLUEPRINT_ROWS = ("customer_actions", "frontstage", "backstage", "support", "internal_pain_points")
# y position of each line -> its label key in cjm_research.core.labels
BLUEPRINT_LINE_KEYS = {1: "plot_bp_line_interaction", 2: "plot_bp_line_visibility",
                       3: "plot_bp_line_internal_interaction"}


def blueprint(bp: pd.DataFrame, *, ax=None, width: int = 32, max_items: int = 6, language: str = "en"):
    """The service blueprint: frontstage over backstage with the three lines.

    Parameters
    ----------
    bp : DataFrame
        From :func:`cjm_research.blueprint`: ``stage, row, item`` (rows customer_actions,
        frontstage, backstage, support, internal_pain_points) and optional ``stage_label``.
    width : int, default 32
        Characters per line of an item.
    max_items : int, default 6
        Items per cell; the rest are counted.
    language : {"en", "id"}, default "en"
        Language of the row titles, the three lines and the title (English or Bahasa Indonesia).
        Stage headers and items are drawn as the frame gives them (its ``stage_label`` column).

    Examples
    --------
    >>> ax = blueprint(cjm.blueprint(jm))                 # doctest: +SKIP
    """
    _check_language(language)
    stages = list(dict.fromkeys(bp["stage"]))
    labels = dict(zip(bp["stage"], bp.get("stage_label", bp["stage"])))
    ax = _new_ax(ax, (2.0 + 3.1 * len(stages), 8.5))
    for r, row in enumerate(BLUEPRINT_ROWS):
        ax.add_patch(Rectangle((-1.3, r), len(stages) + 1.3, 1, facecolor="#f4f4f4" if r % 2 else "white",
                               edgecolor="none", zorder=0))
        ax.text(-1.25, r + 0.5, t(f"plot_bp_{row}", language), va="center", fontsize=9, weight="bold")
        for x, stage in enumerate(stages):
            items = bp[(bp["stage"] == stage) & (bp["row"] == row)]["item"].astype(str).tolist()
            extra = len(items) - max_items
            lines = [textwrap.fill(i, width, initial_indent="- ", subsequent_indent="  ") for i in items[:max_items]]
            lines += [t("plot_bp_more", language, extra=extra)] if extra > 0 else []
            ax.text(x + 0.05, r + 0.07, "\n".join(lines), va="top", fontsize=8.5,
                    color=PAIN_COLOUR if row == "internal_pain_points" else "black", linespacing=1.2)
    for y, key in BLUEPRINT_LINE_KEYS.items():
        name = t(key, language)
        ax.plot([-1.3, len(stages)], [y, y], color="#1d3557", lw=1.6, ls=(0, (6, 3)), zorder=3)
        ax.text(len(stages) - 0.02, y - 0.02, name, ha="right", va="bottom", fontsize=8, color="#1d3557",
                style="italic", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    for x, stage in enumerate(stages):
        ax.text(x + 0.5, -0.1, labels[stage], ha="center", va="bottom", fontsize=11, weight="bold")
        ax.axvline(x, color="#bbbbbb", lw=0.6, zorder=1)
    ax.set_xlim(-1.3, len(stages))
    ax.set_ylim(len(BLUEPRINT_ROWS), -0.4)
    ax.set_axis_off()
    ax.set_title(t("plot_bp_title", language), fontsize=12, loc="left", pad=14)
    return ax


# --------------------------------------------------------------------------- day in the life

def day_in_the_life(dil: pd.DataFrame, *, persona=None, ax=None, value: str = "share", language: str = "en"):
    """Hour of day x channel (or touchpoint) intensity, one block of rows per persona.

    Parameters
    ----------
    dil : DataFrame
        From :func:`cjm_research.day_in_the_life`: ``persona, hour``, a channel or touchpoint
        column, ``share`` and ``events``.
    persona : str or list of str, optional
        Personas to show (default all).
    value : {"share", "events"}
        ``share`` (of the persona's events) compares personas of different size.
    language : {"en", "id"}, default "en"
        Language of the colour-bar label, the axis label and the title (English or Bahasa
        Indonesia); personas and channels are drawn as the frame gives them.

    Examples
    --------
    >>> ax = day_in_the_life(cjm.day_in_the_life(study, personas=model))   # doctest: +SKIP
    """
    _check_language(language)
    check_choice("value", value, ["share", "events"])
    by = "channel" if "channel" in dil.columns else "touchpoint"
    if persona is not None:
        wanted = [persona] if isinstance(persona, str) else list(persona)
        check_choice("persona", wanted[0], list(dil["persona"].unique()))
        dil = dil[dil["persona"].isin(wanted)]
    grid = dil.pivot_table(index=["persona", by], columns="hour", values=value, aggfunc="sum", fill_value=0)
    grid = grid.reindex(columns=range(24), fill_value=0)
    if value == "share":
        grid = grid * 100
    ax = _new_ax(ax, (12, 1.2 + 0.28 * len(grid)))
    bar = t("plot_day_share" if value == "share" else "plot_day_events", language)
    sns.heatmap(grid, ax=ax, cmap="rocket_r", cbar_kws={"label": bar, "shrink": 0.8}, linewidths=0.2)
    ax.set_yticks(np.arange(len(grid)) + 0.5)
    ax.set_yticklabels([f"{p} · {c}" for p, c in grid.index], fontsize=8)
    ax.set_xlabel(t("plot_day_hour", language))
    ax.set_ylabel("")
    personas = grid.index.get_level_values(0)
    for i in np.flatnonzero(personas[1:] != personas[:-1]) + 1:
        ax.axhline(i, color="white", lw=3)
    ax.set_title(t("plot_day_title", language), loc="left", fontsize=11)
    return ax


# --------------------------------------------------------------------------- future state

def gap_chart(gaps: pd.DataFrame, *, ax=None, persona=None, language: str = "en"):
    """Where each stage stands against its future-state target, metric by metric.

    Each row is a stage and metric; positions are on the metric's own range scaled to 0..1 (so NPS,
    CSAT and CES share an axis): the dot is today's estimate with its 95% interval, the diamond the
    target, coloured by status.

    Parameters
    ----------
    gaps : DataFrame
        From :func:`cjm_research.compare`.
    persona : str, optional
        Draw only this persona's rows (default all, grouped by stage and metric).
    language : {"en", "id"}, default "en"
        Language of the metric names, status words, axis label, legend and title (English or
        Bahasa Indonesia); stages are drawn as the frame gives them.

    Examples
    --------
    >>> ax = gap_chart(cjm.compare(jm, fs))               # doctest: +SKIP
    """
    from ..evidence.metrics import METRIC_RANGES

    _check_language(language)
    frame = gaps if persona is None else gaps[gaps["persona"] == persona]
    if frame.empty:
        raise ParameterError("gap_chart needs at least one stage with a target; the comparison is empty.")
    frame = frame.reset_index(drop=True)
    multi = frame["persona"].nunique() > 1
    # With several personas each stage x metric gets a header row and one row per persona.
    groups = list(dict.fromkeys(zip(frame["stage"], frame["metric"])))
    ys, headers, y = [], [], 0
    for key in groups:
        if multi:
            headers.append((y, key))
            y += 1
        for _ in range(int(((frame["stage"] == key[0]) & (frame["metric"] == key[1])).sum())):
            ys.append(y)
            y += 1
    order = sorted(range(len(frame)), key=lambda i: groups.index((frame["stage"][i], frame["metric"][i])))
    frame = frame.loc[order].reset_index(drop=True).assign(y=ys)
    ax = _new_ax(ax, (11, 1.4 + 0.3 * y))

    def pos(metric, v):
        low, high, higher = METRIC_RANGES[metric]
        v = np.asarray(v, dtype=float)
        return (v - low) / (high - low) if higher else (high - v) / (high - low)

    for r in frame.itertuples():
        colour = STATUS_COLOURS.get(r.status, "grey")
        cur, tgt = pos(r.metric, r.current), pos(r.metric, r.target)
        # A stage with no data today ("no data" status) has only its target: no interval, no arrow.
        if np.isfinite(cur):
            ax.plot([pos(r.metric, r.ci_low), pos(r.metric, r.ci_high)], [r.y, r.y], color=colour, lw=3,
                    alpha=0.5)
            ax.annotate("", xy=(tgt, r.y), xytext=(cur, r.y),
                        arrowprops={"arrowstyle": "->", "color": colour, "lw": 1})
            ax.scatter([cur], [r.y], color=colour, s=40, zorder=3)
        ax.scatter([tgt], [r.y], marker="D", facecolor="white", edgecolor=colour, s=45, zorder=3)
        digits = 1 if r.metric in ("ces", "emotion") else 0
        ax.text(1.02, r.y, f"{_fmt(r.current, digits, language)} -> {_fmt(r.target, digits, language)}  "
                f"({_word(r.status, language)})",
                va="center", fontsize=8, transform=ax.get_yaxis_transform())
    for hy, (stage, metric) in headers:
        ax.text(0.005, hy, f"{stage} · {_metric(metric, language)}", va="center", fontsize=9,
                weight="bold", transform=ax.get_yaxis_transform())
        ax.axhline(hy - 0.5, color="#dddddd", lw=0.8)
    ax.set_yticks(frame["y"])
    ax.set_yticklabels([textwrap.shorten(str(r.persona), 40, placeholder="...") if multi else
                        f"{r.stage} · {_metric(r.metric, language)}" for r in frame.itertuples()],
                       fontsize=8)
    ax.set_ylim(y - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel(t("plot_gap_axis", language))
    ax.grid(axis="x", alpha=0.3)
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=_word(s, language))
               for s, c in STATUS_COLOURS.items()]
    handles.append(plt.Line2D([], [], marker="D", ls="", markerfacecolor="white", color="grey",
                              label=t("plot_gap_target", language)))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, fontsize=8, frameon=False)
    ax.set_title(t("plot_gap_title", language), loc="left", fontsize=11, pad=22)
    return ax


def priority_matrix(opps: pd.DataFrame, *, ax=None, label_width: int = 20, language: str = "en"):
    """Opportunity priority matrix: effort (x) against impact (y), bubbles sized by evidence.

    Parameters
    ----------
    opps : DataFrame
        From :func:`cjm_research.rank_opportunities`: ``title, impact, effort, evidence``
        (``evidence`` optional).
    label_width : int, default 20
        Characters per line of an opportunity's label.
    language : {"en", "id"}, default "en"
        Language of the quadrant names, axis labels and title (English or Bahasa Indonesia);
        opportunity titles are drawn as the frame gives them.

    Examples
    --------
    >>> ax = priority_matrix(cjm.journey.rank_opportunities(jm, fs))   # doctest: +SKIP
    """
    _check_language(language)
    ax = _new_ax(ax, (9.5, 7.5))
    evidence = opps["evidence"].fillna(0).astype(float) if "evidence" in opps else pd.Series(0.0, index=opps.index)
    # Opportunities often share integer scores: spread ties around the point so labels stay apart.
    key = opps["effort"].astype(str) + "/" + opps["impact"].astype(str)
    k = key.groupby(key).cumcount().to_numpy()
    angle = k * 2.2
    dx, dy = np.where(k > 0, 0.18 * np.cos(angle), 0), np.where(k > 0, 0.18 * np.sin(angle), 0)
    x, y = opps["effort"].to_numpy(float) + dx, opps["impact"].to_numpy(float) + dy
    ax.axvspan(0.5, 3, ymin=0.5, ymax=1, color=STATUS_COLOURS["met"], alpha=0.08)
    ax.scatter(x, y, s=80 + 12 * evidence.to_numpy(), color="#457b9d", alpha=0.7, edgecolor="white", zorder=3)
    ranks = opps["rank"].astype(int).astype(str) + ". " if "rank" in opps else pd.Series("", index=opps.index)
    for xi, yi, title in zip(x, y, ranks + opps["title"].astype(str)):
        ax.annotate(textwrap.fill(title, label_width), (xi, yi), xytext=(9, 4), textcoords="offset points",
                    fontsize=8.5, zorder=4, va="bottom")
    ax.axhline(3, color="grey", lw=0.8, ls="--")
    ax.axvline(3, color="grey", lw=0.8, ls="--")
    for tx, ty, key in ((1.0, 5.4, "plot_quick_wins"), (4.0, 5.4, "plot_major_projects"),
                        (1.0, 0.65, "plot_fill_ins"), (4.0, 0.65, "plot_thankless_tasks")):
        ax.text(tx, ty, t(key, language), fontsize=9, color="#555555", style="italic")
    ax.set_xlim(0.5, 5.9)
    ax.set_ylim(0.5, 5.6)
    ax.set_xlabel(t("plot_effort_axis", language))
    ax.set_ylabel(t("plot_impact_axis", language))
    ax.set_title(t("plot_priority_title", language), loc="left", fontsize=11)
    return ax


def emotion_overlay(current, future=None, *, persona=None, ax=None, language: str = "en"):
    """As-is emotion curves (with 95% bands) and the to-be targets of the future state.

    Parameters
    ----------
    current : JourneyMap or DataFrame
        A map or its ``emotion()`` frame (``persona, stage, value, ci_low, ci_high``).
    future : FutureState, optional
        Draws its per-stage emotion targets as a dashed line.
    persona : str, optional
        Draw only this persona's curve (default all).
    language : {"en", "id"}, default "en"
        Language of the legend, axis label and title (English or Bahasa Indonesia); the stages
        of a map use its framework's labels in that language.

    Examples
    --------
    >>> ax = emotion_overlay(jm, fs)                      # doctest: +SKIP
    """
    _check_language(language)
    emo = current.emotion() if hasattr(current, "emotion") else current
    stages = current.stages if hasattr(current, "stages") else list(dict.fromkeys(emo["stage"]))
    if hasattr(current, "framework"):
        def label(s):
            return current.framework.label(s, language)
    else:
        def label(s):
            return s
    personas = list(dict.fromkeys(emo["persona"]))
    if persona is not None:
        check_choice("persona", persona, personas)
        personas = [persona]
    ax = _new_ax(ax, (2.0 + 1.8 * len(stages), 4.8))
    xs = np.arange(len(stages))
    for p, colour in zip(personas, sns.color_palette("tab10", len(personas))):
        cur = emo[emo["persona"] == p].set_index("stage").reindex(stages)
        ax.fill_between(xs, cur["ci_low"].astype(float), cur["ci_high"].astype(float), color=colour, alpha=0.15, lw=0)
        ax.plot(xs, cur["value"].astype(float), marker="o", color=colour, label=t("plot_as_is", language, persona=p))
    if future is not None:
        targets = future.targets()
        targets = targets[targets["metric"] == "emotion"].set_index("stage")["target"].reindex(stages)
        ax.plot(xs, targets.astype(float), marker="D", ls="--", color="black",
                label=t("plot_to_be_target", language))
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xticks(xs, [label(s) for s in stages])
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel(t("plot_emotion_axis", language))
    ax.legend(fontsize=8, loc="best", frameon=False)
    ax.set_title(t("plot_emotion_title", language), loc="left", fontsize=11)
    return ax
