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
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Rectangle

from ..core.errors import check_choice
from ..core.labels import LABELS, LANGUAGES, t
from ..evidence.intervals import level_label

STATUS_COLOURS = {"met": "#2a9d8f", "within reach": "#e9c46a", "gap": "#e76f51"}
PAIN_COLOUR = "#c0392b"
# The English texts; every figure takes them from :data:`cjm_research.core.labels.LABELS` in its language.
LANE_TITLES = {lane: LABELS[f"plot_lane_{lane}"]["en"] for lane in (
    "touchpoints", "channels", "process", "emotion", "pain_points", "metrics", "opportunities",
    "internal_actors", "internal_channels", "internal_process", "internal_pain_points")}
MAP_LANES = ("touchpoints", "channels", "process", "emotion", "pain_points", "metrics", "opportunities")
METRIC_LABELS = {m: LABELS[f"plot_metric_{m}"]["en"]
                 for m in ("nps", "csat", "ces", "outcome", "importance", "conversion_rate", "repurchase_rate",
                           "emotion")}


def _new_ax(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def not_measured_ax(what: str, *, ax=None, language: str = "en"):
    """An empty panel saying "Not measured in this study: ``what``" (a figure the study cannot fill).

    Parameters
    ----------
    what : str
        What is not measured, already in ``language``.
    language : {"en", "id"}, default "en"
        Language of the sentence (English or Bahasa Indonesia).

    Examples
    --------
    >>> ax = not_measured_ax("an event log")              # doctest: +SKIP
    """
    _check_language(language)
    ax = _new_ax(ax, (8, 1.2))
    ax.text(0.0, 0.5, t("plot_map_footer", language, what=what), ha="left", va="center", fontsize=10,
            style="italic", color="#555555", transform=ax.transAxes)
    ax.set_axis_off()
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

LINE = 0.165          # inches per text line at 8.5 pt (line spacing 1.25)
WRAP = 40             # characters per line in a stage column
TEXT_LANE_PAD = 0.7   # lines of space above and below a cell's text
EMOTION_LINES = 9


def _int(n) -> str:
    """A count as an integer with thousands separators (``9,227``, never ``9,227.0``)."""
    return "" if n is None or pd.isna(n) else f"{int(round(float(n))):,}"


def _more(extra: int, language: str) -> list[str]:
    return [t("plot_bp_more", language, extra=extra)] if extra > 0 else []


def _touchpoint_lines(rows, label, max_items, min_n, language, fmt) -> list[str]:
    """One line per touchpoint, worst rated first: use, satisfied and driver rank, each with its unit."""
    wide = rows.pivot_table(index="item", columns="source", values="value", aggfunc="first", dropna=False)
    masked = rows.groupby("item")["masked"].any()
    driver = rows[rows["source"] == "importance"].set_index("item")["rank"]
    score = wide["rating"] if "rating" in wide else pd.Series(np.nan, index=wide.index)
    usage = wide.get("usage", wide.get("usage (events)", pd.Series(np.nan, index=wide.index)))
    order = pd.DataFrame({"score": score, "usage": usage}).sort_values(["score", "usage"], ascending=[True, False],
                                                                      na_position="last").index
    lines = []
    for item in order[:max_items]:
        if masked.get(item, False):
            lines.append(f"{label(item)}: {min_n}")
            continue
        parts = [f"{fmt(usage.get(item))}% {t('plot_tp_use', language)}"] if pd.notna(usage.get(item)) else []
        if pd.notna(score.get(item)):
            parts.append(f"{fmt(score.get(item))}% {t('plot_tp_satisfied', language)}")
        if item in driver.index and pd.notna(driver[item]) and driver[item] <= 3:
            parts.append(t("plot_driver_rank", language, rank=int(driver[item])))
        lines.append(f"{label(item)}: " + ", ".join(parts) if parts else label(item))
    return lines + _more(len(order) - max_items, language)


def _pain_lines(rows, label, top, min_n, language, low_rating) -> list[str]:
    lines = []
    for r in rows.head(top).itertuples():
        if r.masked:
            lines.append(f"{int(r.rank)}. {label(r.item)} ({min_n})")
            continue
        kind = str(r.source).split(",")[0].strip() if pd.notna(r.source) else "low_ratings"
        key = f"plot_pain_{kind}"
        what = t(key, language, low=f"{low_rating[0]:g}", high=f"{low_rating[1]:g}") if key in LABELS else kind
        lines.append(f"{int(r.rank)}. {label(r.item)}: {r.value:.0f}% {what} (n={_int(r.n)})")
    return lines + _more(len(rows) - top, language)


def _metric_line(r, min_n, language, fmt) -> str:
    if r.item == "importance":
        return (f"{t('plot_metric_importance', language)} #{int(r.rank)}: {fmt(r.value)}% R²"
                + ("" if pd.isna(r.ci_low) else f" [{fmt(r.ci_low)}, {fmt(r.ci_high)}]"))
    digits = 1 if r.item == "ces" else 0
    unit = "%" if r.item in ("csat", "outcome", "conversion_rate", "repurchase_rate") else ""
    if r.masked:
        return f"{_metric(r.item, language)} {min_n}"
    text = f"{_metric(r.item, language)} {fmt(r.value, digits)}{unit}"
    if not pd.isna(r.ci_low):
        text += f" [{fmt(r.ci_low, digits)}, {fmt(r.ci_high, digits)}]"
    return text + (f" n={_int(r.n)}" if not pd.isna(r.n) else "")


def _cell_lines(rows: pd.DataFrame, lane: str, label, top: int, min_n: str, language: str = "en", *,
                max_items: int = 8, low_rating: tuple = (1, 2)) -> list[str]:
    """The lines of one persona x stage x lane cell (unwrapped)."""
    if rows.empty:
        return []

    def fmt(value, digits=0):
        return _fmt(value, digits, language)

    rows = rows.sort_values("rank", kind="stable", na_position="last")
    if lane == "touchpoints":
        return _touchpoint_lines(rows, label, max_items, min_n, language, fmt)
    if lane == "channels":
        rows = rows.sort_values("value", ascending=False)
        return [f"{label(r.item)} {min_n if r.masked else fmt(r.value) + '%'}"
                for r in rows.head(max_items).itertuples()] + _more(len(rows) - max_items, language)
    if lane == "metrics":
        order = {"outcome": 0, "nps": 1, "csat": 2, "ces": 3, "importance": 9}
        rows = rows.sort_values("item", key=lambda s: s.map(order).fillna(5), kind="stable")
        return [_metric_line(r, min_n, language, fmt) for r in rows.itertuples()]
    if lane == "pain_points":
        return _pain_lines(rows, label, top, min_n, language, low_rating)
    if lane == "process":
        if rows["value"].isna().all():  # designed steps of the framework: no measurement to print
            return [t("plot_designed", language)] + [label(r.item) for r in rows.head(max_items).itertuples()] \
                + _more(len(rows) - max_items, language)
        return [f"{min_n if r.masked else fmt(r.value) + '%'} {r.item}" for r in rows.head(top).itertuples()]
    if lane == "opportunities":
        return [_opportunity(str(r.item), language) for r in rows.head(top).itertuples()]
    return [str(r.item) for r in rows.head(top + 1).itertuples()]


def _opportunity(item: str, language: str) -> str:
    """An opportunity's verb ("Fix: ", "Improve: ", as the map table writes it) in ``language``."""
    for verb in ("Fix", "Improve"):
        if item.startswith(f"{verb}: "):
            return f"{t(f'plot_opp_{verb.lower()}', language)}: {item[len(verb) + 2:]}"
    return item


def _wrapped(lines: list[str], width: int) -> list[str]:
    """Wrap every line to ``width`` characters (continuations indented); nothing is cut."""
    return [w for line in lines for w in textwrap.wrap(line, width, subsequent_indent="  ",
                                                       break_long_words=True) or [""]]


def _confidence_of(jm, confidence) -> float:
    if confidence is not None:
        return confidence
    if hasattr(jm, "confidence"):
        return jm.confidence
    return getattr(jm, "attrs", {}).get("confidence", 0.95)


def journey_map(jm, *, persona=None, ax=None, lanes=MAP_LANES, top: int = 3, max_items: int = 8,
                width: int | None = None, min_cell_size: int = 5, language: str = "en",
                confidence: float | None = None):
    """The current-state journey map: stages as columns, lanes as swimlanes, an emotion curve.

    Text lanes show one persona (``persona``, default the first); every line is wrapped, never
    cut, and each lane is as tall as its fullest cell. Touchpoints are listed worst-rated first
    (% who used it, % satisfied, and the rank of the top key drivers), up to ``max_items`` and then
    "+N more"; pain points read as the share of their strongest evidence with n ("44% rated 1-2
    (n=936)"). The emotion lane draws every persona's curve with its interval band (the chosen
    persona in bold) and marks the stage's top pain point with a red triangle. A lane the study
    cannot measure says "not measured", and a footer names what the study does not measure.

    Parameters
    ----------
    jm : JourneyMap or DataFrame
        The map, or its tidy table.
    persona : str, optional
    lanes : sequence of str
        Lanes to draw, top to bottom (``emotion`` draws the curve).
    top : int
        Pain points, paths and opportunities per cell.
    max_items : int
        Touchpoints and channels per cell before "+N more".
    width : int, optional
        Characters per text line (default 40).
    min_cell_size : int, default 5
        Masked cells show ``n<min_cell_size`` instead of a number.
    language : {"en", "id"}, default "en"
        Language of the lane titles, metric names, legend and title (English or Bahasa
        Indonesia); stage, touchpoint and channel names use the framework's labels in it.
    confidence : float, optional
        The level the titles name; default the map's own.

    Examples
    --------
    >>> ax = journey_map(jm, persona="Value seekers")     # doctest: +SKIP
    >>> ax = journey_map(jm, language="id")               # doctest: +SKIP
    """
    _check_language(language)
    table, stages, label = _unpack(jm, language)
    level = level_label(_confidence_of(jm, confidence))
    personas = list(dict.fromkeys(table["persona"].dropna()))
    persona = personas[0] if persona is None else persona
    check_choice("persona", persona, personas)
    width = width or WRAP
    mine = table[table["persona"] == persona]
    low_rating = getattr(jm, "low_ratings", (1, 2))
    cells = {lane: [_wrapped(_cell_lines(mine[(mine["stage"] == s) & (mine["lane"] == lane)], lane, label, top,
                                         f"n<{min_cell_size}", language, max_items=max_items,
                                         low_rating=low_rating), width) for s in stages]
             for lane in lanes if lane != "emotion"}
    measured = set(table["lane"].dropna())
    heights = [EMOTION_LINES if lane == "emotion" else max(2, max(map(len, cells[lane]))) + TEXT_LANE_PAD
               for lane in lanes]
    missing = jm.not_measured() if hasattr(jm, "not_measured") else []
    ax = _new_ax(ax, (2.4 + 3.3 * len(stages), 2.2 + LINE * (sum(heights) + 3)))
    top_y = 0.0
    for i, (lane, h) in enumerate(zip(lanes, heights)):
        ax.add_patch(Rectangle((-1.3, top_y), len(stages) + 1.3, h, facecolor="#f4f4f4" if i % 2 else "white",
                               edgecolor="#cccccc", lw=0.6, zorder=0))
        key = f"plot_lane_{lane}"
        ax.text(-1.25, top_y + h / 2, t(key, language, level=level) if key in LABELS else lane,
                va="center", ha="left", fontsize=10, weight="bold")
        if lane not in measured:
            ax.text(0.04, top_y + h / 2, t("plot_not_measured", language), va="center", ha="left",
                    fontsize=8.5, style="italic", color="#888888")
        elif lane == "emotion":
            _emotion_lane(ax, table, stages, persona, personas, top_y, h, language, label)
        else:
            for x, lines in enumerate(cells[lane]):
                text = "\n".join(lines) if lines else t("plot_no_evidence", language)
                ax.text(x + 0.04, top_y + TEXT_LANE_PAD / 2, text, va="top", ha="left", fontsize=8.5,
                        linespacing=1.25, color="black" if lines else "#999999")
        top_y += h
    for x, stage in enumerate(stages):
        ax.text(x + 0.5, -0.3, "\n".join(textwrap.wrap(label(stage), 30)), ha="center", va="bottom",
                fontsize=11, weight="bold")
        ax.axvline(x, color="#bbbbbb", lw=0.6, zorder=1)
    if missing:
        words = ", ".join(t(f"measure_{m.lower()}", language) if f"measure_{m.lower()}" in LABELS else m
                          for m in missing)
        ax.text(-1.25, top_y + 0.4, t("plot_map_footer", language, what=words), va="top", ha="left",
                fontsize=8.5, style="italic", color="#555555")
    ax.set_xlim(-1.3, len(stages))
    ax.set_ylim(top_y + (1.6 if missing else 0.2), -1.6)
    ax.set_axis_off()
    ax.set_title(t("plot_map_title", language, persona=persona), fontsize=12, loc="left", pad=14)
    return ax


def _emotion_lane(ax, table, stages, persona, personas, y0, h, language="en", label=str):
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
    # The chosen persona's sources, so a reader sees where ratings and quotes disagree.
    for item, marker in (("satisfaction", "s"), ("sentiment", "D")):
        src = table[(table["lane"] == "emotion") & (table["item"] == item) & (table["persona"] == persona)]
        if src.empty:
            continue  # a source the study does not have gets no legend entry
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
        ax.scatter([x], [y(cur.loc[stage, "value"]) + 0.6], marker="v", s=30 + 2 * score,
                   color=PAIN_COLOUR, zorder=4)
        last = x > len(stages) - 1  # on the last stage the label goes left, inside the map
        ax.text(x - 0.1 if last else x + 0.1, y(cur.loc[stage, "value"]) + 0.6,
                "\n".join(textwrap.wrap(label(hit["item"].iloc[0]), 28)),
                color=PAIN_COLOUR, fontsize=8, va="center", ha="right" if last else "left")
    # Below the map, where the long persona names cannot cover a lane or a stage header.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=8.5, ncol=3, frameon=False,
              title=t("plot_emotion_legend", language), title_fontsize=8.5)


def drivers_chart(drivers: pd.DataFrame, *, persona=None, level: str = "touchpoint", ax=None, label=None,
                  language: str = "en", confidence: float | None = None):
    """Key drivers of the outcome: each driver's share of R² with its bootstrap interval, the
    "fix first" drivers in red.

    Parameters
    ----------
    drivers : DataFrame
        From :meth:`cjm_research.JourneyMap.drivers`.
    persona : str, optional
        Default the first persona.
    level : {"touchpoint", "stage"}
    label : callable, optional
        Driver id -> display label (default: the ids with spaces).
    language : {"en", "id"}, default "en"
        Language of the title, axis label and legend (English or Bahasa Indonesia); driver labels
        are drawn as ``label`` gives them.
    confidence : float, optional
        The level the title names; default the table's ``attrs["confidence"]``.

    Examples
    --------
    >>> ax = drivers_chart(jm.drivers(), label=jm.framework.label)    # doctest: +SKIP
    """
    _check_language(language)
    check_choice("level", level, ["touchpoint", "stage"])
    frame = drivers[drivers["level"] == level]
    if frame.empty:  # no outcome to explain (or too few respondents): say so instead of drawing nothing
        return not_measured_ax(t("measure_outcome", language), ax=ax, language=language)
    persona = frame["persona"].iloc[0] if persona is None else persona
    check_choice("persona", persona, list(dict.fromkeys(frame["persona"])))
    frame = frame[frame["persona"] == persona].sort_values("importance")
    label = label or (lambda i: str(i).replace("_", " "))
    names = ["\n".join(textwrap.wrap(label(d), 38)) for d in frame["driver"]]
    ax = _new_ax(ax, (8.5, 1.2 + 0.42 * sum(n.count("\n") + 1 for n in names)))
    colours = [PAIN_COLOUR if q == "fix first" else "#4C72B0" for q in frame.get("quadrant", [None] * len(frame))]
    err = np.vstack([frame["importance"] - frame["ci_low"], frame["ci_high"] - frame["importance"]])
    # a percentile interval need not contain the point estimate: draw no whisker on that side
    ax.barh(names, frame["importance"], xerr=np.clip(np.nan_to_num(err.astype(float)), 0, None), color=colours,
            capsize=3)
    for yv, r in enumerate(frame.itertuples()):
        ax.text(r.ci_high if pd.notna(r.ci_high) else r.importance, yv, f"  {r.importance:.0f}% (n={_int(r.n)})",
                va="center", fontsize=8)
    ax.set_xlabel(t("plot_drivers_axis", language))
    if PAIN_COLOUR in colours:
        ax.legend(handles=[Rectangle((0, 0), 1, 1, color=PAIN_COLOUR, label=t("fix first", language))],
                  loc="lower right", fontsize=8, frameon=False)
    level_text = level_label(confidence or drivers.attrs.get("confidence", 0.95))
    outcome = drivers.attrs.get("outcome") or frame["outcome"].iloc[0]
    ax.set_title(t("plot_drivers_title", language, outcome=outcome, level=level_text), loc="left", fontsize=11)
    ax.margins(x=0.25)
    return ax


def answer_distributions(answers: pd.DataFrame, *, ax=None, language: str = "en"):
    """Counts of each answer value, one colour per kind of item (NPS, CSAT, CES, touchpoint ratings).

    Parameters
    ----------
    answers : DataFrame
        ``kind, item, answer`` (from :func:`cjm_research.journey.overview.answers_long`).
    language : {"en", "id"}, default "en"
        Language of the axis labels and the legend (English or Bahasa Indonesia).

    Examples
    --------
    >>> ax = answer_distributions(overview.answers_long(study))     # doctest: +SKIP
    """
    _check_language(language)
    if answers.empty:
        return not_measured_ax(t("measure_survey", language), ax=ax, language=language)
    ax = _new_ax(ax, (11, 4))
    counts = answers.assign(answer=answers["answer"].astype(float)).groupby(["kind", "answer"]).size()
    counts = counts.rename("answers").reset_index()
    counts["kind"] = counts["kind"].map(lambda k: _metric(k, language) if k != "touchpoint"
                                        else t("plot_lane_touchpoints", language).split("\n")[0])
    sns.barplot(data=counts, x="answer", y="answers", hue="kind", ax=ax,
                order=sorted(counts["answer"].unique()), formatter=lambda v: f"{v:g}")
    ax.set(xlabel=t("plot_answer_axis", language), ylabel=t("plot_answers_count", language))
    ax.legend(title=None, fontsize=8, frameon=False)
    return ax


# --------------------------------------------------------------------------- service blueprint

BLUEPRINT_ROWS = ("customer_actions", "frontstage", "backstage", "support", "internal_pain_points")
# y position of each line -> its label key in cjm_research.core.labels
BLUEPRINT_LINE_KEYS = {1: "plot_bp_line_interaction", 2: "plot_bp_line_visibility",
                       3: "plot_bp_line_internal_interaction"}


def blueprint_chart(bp: pd.DataFrame, *, ax=None, width: int = 32, max_items: int = 6, language: str = "en"):
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
    >>> ax = blueprint_chart(cjm.blueprint(jm))           # doctest: +SKIP
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

def day_in_the_life_chart(dil: pd.DataFrame, *, persona=None, ax=None, value: str = "share", language: str = "en"):
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
    >>> ax = day_in_the_life_chart(cjm.day_in_the_life(study, personas=model))   # doctest: +SKIP
    """
    _check_language(language)
    check_choice("value", value, ["share", "events"])
    if dil.empty:
        return not_measured_ax(t("measure_events", language), ax=ax, language=language)
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

def gap_chart(gaps: pd.DataFrame, *, ax=None, persona=None, language: str = "en", confidence: float | None = None):
    """Where each stage stands against its future-state target, metric by metric.

    Each row is a stage and metric; positions are on the metric's own range scaled to 0..1 (so NPS,
    CSAT and CES share an axis): the dot is today's estimate with its interval, the diamond the
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
    if frame.empty:  # no future state, or no targets: a panel that says so
        return not_measured_ax(t("measure_future_state", language), ax=ax, language=language)
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
    ax.set_yticklabels(["\n".join(textwrap.wrap(str(r.persona), 40)) if multi else
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
    level = level_label(confidence if confidence is not None else gaps.attrs.get("confidence", 0.95))
    ax.set_title(t("plot_gap_title", language, level=level), loc="left", fontsize=11, pad=22)
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
    if opps.empty:
        return not_measured_ax(t("measure_future_state", language), ax=ax, language=language)
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


def emotion_overlay(current, future=None, *, persona=None, ax=None, language: str = "en",
                    confidence: float | None = None):
    """As-is emotion curves (with their interval bands) and the to-be targets of the future state.

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
    level = level_label(_confidence_of(current, confidence))
    ax.set_title(t("plot_emotion_title", language, level=level), loc="left", fontsize=11)
    return ax


# The first version drew with the names that journey/ uses for the tables (``cjm.blueprint``,
# ``cjm.day_in_the_life``); a figure and a table of one name did different things. The old names
# still draw, with a warning, so notebooks written for that version keep running.
def blueprint(bp: pd.DataFrame, **options):
    """Deprecated name of :func:`blueprint_chart`."""
    warnings.warn("plots.blueprint is renamed blueprint_chart (cjm.blueprint builds the table)",
                  FutureWarning, stacklevel=2)
    return blueprint_chart(bp, **options)


def day_in_the_life(dil: pd.DataFrame, **options):
    """Deprecated name of :func:`day_in_the_life_chart`."""
    warnings.warn("plots.day_in_the_life is renamed day_in_the_life_chart (cjm.day_in_the_life builds "
                  "the table)", FutureWarning, stacklevel=2)
    return day_in_the_life_chart(dil, **options)
