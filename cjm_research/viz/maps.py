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
LABEL_IN = 2.4        # inches of the lane-title area on the left of a map
COLUMN_IN = 3.3       # minimum inches of a stage column
MIN_MAP_IN = 10.0     # minimum width of a map figure (inches): one stage still reads


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
        return [f"{label(r.item)} {min_n if r.masked else _share(r.value, fmt)}"
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


def _map_geometry(n_stages: int) -> tuple[float, float]:
    """(inches per stage column, lane-title area in column units) of a map of ``n_stages``.

    A column is never narrower than :data:`COLUMN_IN` and the figure never narrower than
    :data:`MIN_MAP_IN`, so a one-stage map is as readable as a five-stage one (its one column widens).
    """
    col_in = max(COLUMN_IN, (MIN_MAP_IN - LABEL_IN) / max(n_stages, 1))
    return col_in, LABEL_IN / col_in


def _fill(text: str, chars: int) -> str:
    """``text`` wrapped to ``chars`` per line, its own line breaks kept; nothing is cut."""
    return "\n".join(w for part in str(text).split("\n") for w in textwrap.wrap(part, chars) or [""])


def _outcome_text(rows: pd.DataFrame, min_n: str, language: str) -> str | None:
    """The overall outcome of a persona as one line ("Satisfied 52% [41, 62] n=85"), or None.

    The outcome is measured once per respondent, not per stage, so the map draws it apart from
    the stage columns (the lanes file it under one stage only to keep one tidy table).
    """
    if rows.empty:
        return None
    r = next(rows.itertuples())
    line = _metric_line(r, min_n, language, lambda v, d=0: _fmt(v, d, language))
    detail = r.detail if "detail" in rows and isinstance(r.detail, str) else ""
    name = detail.split(":")[0].strip() if ":" in detail else ""
    if name:
        line = name + line[len(_metric("outcome", language)):]
    return t("plot_overall_outcome", language, text=line)


def _channel_title(rows: pd.DataFrame, language: str, level: str) -> str:
    """The channel lane's title: "% of customers" only when the channels were observed (events);
    channels taken from the framework's channel of each rated touchpoint say so."""
    sources = rows["source"].dropna().astype(str) if "source" in rows else pd.Series(dtype=str)
    if len(sources) and sources.str.contains("framework").all():
        return t("plot_lane_channels_framework", language)
    return t("plot_lane_channels", language, level=level)


def _touchpoint_title(rows: pd.DataFrame, language: str) -> str:
    """The touchpoint lane's title naming only what its cells show: % use, % satisfied or both
    (an events-only study has use and no satisfaction)."""
    sources = set(rows["source"].dropna().astype(str)) if "source" in rows else set()
    has_use = any(x.startswith("usage") for x in sources)
    if "rating" in sources and not has_use:
        return t("plot_lane_touchpoints_rating", language)
    if has_use and "rating" not in sources:
        return t("plot_lane_touchpoints_use", language)
    return t("plot_lane_touchpoints", language)


def _share(value, fmt) -> str:
    """A share in % for a cell: a share above 0 that rounds to 0 reads "<1%", never "0%" (nobody)."""
    return "<1%" if pd.notna(value) and 0 < float(value) < 0.5 else fmt(value) + "%"


def journey_map(jm, *, persona=None, ax=None, lanes=MAP_LANES, top: int = 3, max_items: int = 8,
                width: int | None = None, min_cell_size: int = 5, language: str = "en",
                confidence: float | None = None):
    """The current-state journey map: stages as columns, lanes as swimlanes, an emotion curve.

    Text lanes show one persona (``persona``, default the first); every line is wrapped, never
    cut, and each lane is as tall as its fullest cell. Touchpoints are listed worst-rated first
    (% who used it, % satisfied, and the rank of the top key drivers), up to ``max_items`` and then
    "+N more"; pain points read as the share of their strongest evidence with n ("44% rated 1-2
    (n=936)"). The emotion lane draws every persona's curve with its interval band (the chosen
    persona in bold) and marks the stage's top pain point with a red triangle; under the curve each
    stage writes the chosen persona's emotion with its interval and n (or why there is none) and
    names its top pain point. A lane the study cannot measure says "not measured", and a footer
    names the overall outcome (measured once, not per stage) and what the study does not measure.
    Stage columns have a minimum width, so a map of one stage is as legible as one of eight.

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
        Characters per text line (default 40, more when a column is wider).
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
    col_in, left = _map_geometry(len(stages))
    width = width or int(WRAP * col_in / COLUMN_IN)
    min_n = f"n<{min_cell_size}"
    is_outcome = (table["lane"] == "metrics") & (table["item"] == "outcome")
    outcome = _outcome_text(table[is_outcome & (table["persona"] == persona)], min_n, language)
    table = table[~is_outcome]
    mine = table[table["persona"] == persona]
    low_rating = getattr(jm, "low_ratings", (1, 2))
    cells = {lane: [_wrapped(_cell_lines(mine[(mine["stage"] == s) & (mine["lane"] == lane)], lane, label, top,
                                         min_n, language, max_items=max_items, low_rating=low_rating), width)
                    for s in stages]
             for lane in lanes if lane != "emotion"}
    if "channels" in cells:  # a log without channels maps every event to "unspecified": nothing measured
        for x, s in enumerate(stages):
            items = set(mine[(mine["stage"] == s) & (mine["lane"] == "channels")]["item"].astype(str))
            if items == {"unspecified"}:
                cells["channels"][x] = [t("plot_channels_unknown", language)]
    strip = _emotion_strip(table, stages, persona, label, width, min_n, language)
    measured = set(table["lane"].dropna())
    heights = [EMOTION_LINES + max(map(len, strip)) + TEXT_LANE_PAD if lane == "emotion" and lane in measured
               else 2 + TEXT_LANE_PAD if lane == "emotion"
               else max(2, max(map(len, cells[lane]))) + TEXT_LANE_PAD for lane in lanes]
    missing = jm.not_measured() if hasattr(jm, "not_measured") else []
    fig_w = LABEL_IN + col_in * len(stages)
    chars = int(fig_w * 72 / (0.56 * 8.5) * 0.92)   # footer characters per line across the figure
    footer = [_fill(outcome, chars)] if outcome else []
    if missing:
        # some measure texts name the study's outcome ("touchpoint ratings ... the outcome X is measured")
        name = str(getattr(getattr(jm, "outcome", None), "name", getattr(jm, "outcome", None)) or "")
        words = ", ".join(t(f"measure_{m.lower()}", language, outcome=name) if f"measure_{m.lower()}" in LABELS
                          else m for m in missing)
        footer.append(_fill(t("plot_map_footer", language, what=words), chars))
    footer_lines = sum(f.count("\n") + 1 for f in footer)
    ax = _new_ax(ax, (fig_w, 2.2 + LINE * (sum(heights) + 3 + footer_lines)))
    top_y = 0.0
    for i, (lane, h) in enumerate(zip(lanes, heights)):
        ax.add_patch(Rectangle((-left, top_y), len(stages) + left, h, facecolor="#f4f4f4" if i % 2 else "white",
                               edgecolor="#cccccc", lw=0.6, zorder=0))
        key = f"plot_lane_{lane}"
        title = (_channel_title(mine[mine["lane"] == lane], language, level) if lane == "channels"
                 else _touchpoint_title(mine[mine["lane"] == lane], language) if lane == "touchpoints"
                 else t(key, language, level=level) if key in LABELS else lane)
        ax.text(-left + 0.05 * COLUMN_IN / col_in, top_y + h / 2, title, va="center", ha="left", fontsize=10,
                weight="bold")
        if lane not in measured:
            ax.text(0.04, top_y + h / 2, t("plot_not_measured", language), va="center", ha="left",
                    fontsize=8.5, style="italic", color="#888888")
        elif lane == "emotion":
            _emotion_lane(ax, table, stages, persona, personas, top_y, EMOTION_LINES, language, label)
            for x, lines in enumerate(strip):
                _strip_text(ax, x, top_y + EMOTION_LINES, lines)
        else:
            for x, lines in enumerate(cells[lane]):
                text = "\n".join(lines) if lines else t("plot_no_evidence", language)
                ax.text(x + 0.04, top_y + TEXT_LANE_PAD / 2, text, va="top", ha="left", fontsize=8.5,
                        linespacing=1.25, color="black" if lines else "#999999")
        top_y += h
    for x, stage in enumerate(stages):
        ax.text(x + 0.5, -0.3, _fill(label(stage), int(col_in * 72 / (0.65 * 11) * 0.85)), ha="center",
                va="bottom", fontsize=11, weight="bold")
        ax.plot([x, x], [-1.6, top_y], color="#bbbbbb", lw=0.6, zorder=1)
    y = top_y + 0.4
    for i, text in enumerate(footer):
        ax.text(-left + 0.05 * COLUMN_IN / col_in, y, text, va="top", ha="left", fontsize=8.5,
                style="normal" if outcome and i == 0 else "italic",
                color="black" if outcome and i == 0 else "#555555", linespacing=1.25)
        y += (text.count("\n") + 1) * 1.0 + 0.2
    ax.set_xlim(-left, len(stages))
    ax.set_ylim(y + 0.2, -1.6)
    ax.set_axis_off()
    ax.set_title(_fill(t("plot_map_title", language, persona=persona), int(fig_w * 72 / (0.6 * 12) * 0.9)),
                 fontsize=12, loc="left", pad=14)
    _map_legend(ax, fig_w, language)
    return ax


def _emotion_strip(table, stages, persona, label, width, min_n, language) -> list[list[str]]:
    """Per stage, the lines written under the emotion curve: the chosen persona's emotion with its
    interval and n (or why there is none), then its top pain point (drawn red, see _strip_text)."""
    emo = table[(table["lane"] == "emotion") & (table["item"] == "combined") & (table["persona"] == persona)]
    emo = emo.set_index("stage")
    pains = table[(table["lane"] == "pain_points") & (table["persona"] == persona) & (table["rank"] == 1)]
    out = []
    for stage in stages:
        if stage not in emo.index:
            lines = [t("plot_no_evidence", language)]
        else:
            r = emo.loc[[stage]].iloc[0]
            if pd.isna(r["value"]):
                lines = [t("plot_emotion_too_few", language, min_n=min_n)]
            else:
                lines = [_signed(r["value"]) + ("" if pd.isna(r["ci_low"]) else
                                                f" [{_signed(r['ci_low'])}, {_signed(r['ci_high'])}]")
                         + (f" n={_int(r['n'])}" if pd.notna(r["n"]) else "")]
        hit = pains[pains["stage"] == stage]
        if not hit.empty:
            wrapped = textwrap.wrap(label(hit["item"].iloc[0]), max(10, width - 3)) or [""]
            lines += ["\u25bc " + wrapped[0]] + ["   " + w for w in wrapped[1:]]  # one triangle per pain point
        out.append(lines)
    return out


def _signed(v) -> str:
    """An emotion score with its sign and two decimals; a value that rounds to zero is "0.00"."""
    v = round(float(v), 2)
    return "0.00" if v == 0 else f"{v:+.2f}"


def _strip_text(ax, x, y0, lines) -> None:
    """The strip under one stage's emotion curve: the value line, then the pain point in red."""
    ax.text(x + 0.04, y0, lines[0], va="top", ha="left", fontsize=8, linespacing=1.25,
            color="#333333" if lines[0][:1] in "+-0" else "#999999",
            style="normal" if lines[0][:1] in "+-0" else "italic")
    if len(lines) > 1:
        ax.text(x + 0.04, y0 + 1.0, "\n".join(lines[1:]), va="top", ha="left", fontsize=8, linespacing=1.25,
                color=PAIN_COLOUR)


def _map_legend(ax, fig_w: float, language: str) -> None:
    """The emotion legend below the map, in as many columns as fit the figure's width."""
    handles, names = ax.get_legend_handles_labels()
    if not handles:
        return
    longest = max(len(n) for n in names)
    ncol = int(max(1, min(3, fig_w * 0.9 // (longest * 0.56 * 8.5 / 72 + 0.6))))
    title = _fill(t("plot_emotion_legend", language), int(fig_w * 72 / (0.56 * 8.5) * 0.9))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=8.5, ncol=ncol, frameon=False,
              title=title, title_fontsize=8.5)


def _emotion_lane(ax, table, stages, persona, personas, y0, h, language="en", label=str):
    """Emotion curves in a band of the map: -1 at the bottom, +1 at the top of the band."""
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
    # The chosen persona's sources, so a reader sees where ratings and quotes disagree; each a
    # little left or right of the stage's centre, always inside its column.
    for item, marker in (("satisfaction", "s"), ("sentiment", "D")):
        src = table[(table["lane"] == "emotion") & (table["item"] == item) & (table["persona"] == persona)]
        if src.empty:
            continue  # a source the study does not have gets no legend entry
        src = src.set_index("stage").reindex(stages)["value"].astype(float)
        ax.scatter(xs + (0.14 if item == "sentiment" else -0.14), y(src), marker=marker, s=22, zorder=4,
                   facecolor="white", edgecolor=palette[persona],
                   label=t(f"plot_source_{item}", language, persona=persona))
    # The top pain point is named in the strip under the curve (one column each, so labels of
    # neighbouring stages cannot overlap); here only its triangle, sized by its evidence.
    pains = table[(table["lane"] == "pain_points") & (table["persona"] == persona) & (table["rank"] == 1)]
    cur = emo[emo["persona"] == persona].set_index("stage")
    for x, stage in zip(xs, stages):
        hit = pains[pains["stage"] == stage]
        if hit.empty or stage not in cur.index or pd.isna(cur.loc[stage, "value"]):
            continue
        score = float(hit["value"].fillna(0).iloc[0])
        ax.scatter([x], [y(cur.loc[stage, "value"]) + 0.6], marker="v", s=30 + 2 * score,
                   color=PAIN_COLOUR, zorder=4)


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
    # the persona in the title: each persona's chart is saved alone (key_drivers_p1, _p2, ...)
    ax.set_title(_fill(t("plot_drivers_title_persona", language, outcome=outcome, persona=persona,
                         level=level_text), 80), loc="left", fontsize=11)
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
# the row each line is drawn above (its top edge) -> its label key in cjm_research.core.labels
BLUEPRINT_LINE_KEYS = {1: "plot_bp_line_interaction", 2: "plot_bp_line_visibility",
                       3: "plot_bp_line_internal_interaction"}
BP_LINE = 0.165             # inches per text line of a blueprint cell (8.5 pt, spacing 1.2)
BLUEPRINT_PAD = 1.8         # lines of a row besides its text: space above, and the line's name below
BLUEPRINT_COLUMN_IN = 3.1   # minimum inches of a blueprint stage column
MIN_BLUEPRINT_IN = 9.0      # minimum width of a blueprint figure (inches)


def blueprint_chart(bp: pd.DataFrame, *, ax=None, width: int = 32, max_items: int = 6, language: str = "en"):
    """The service blueprint: frontstage over backstage with the three lines.

    Each row is as tall as its fullest cell (at most ``max_items`` items, then "+N more"), so no
    text crosses the line of interaction, visibility or internal interaction. A cell the framework
    does not describe (no backstage actor, support system or internal pain point for the stage)
    says "not described in the framework" instead of being left blank. Stage columns have a
    minimum width, so a blueprint of one stage stays legible.

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
    if bp.empty:  # a framework without touchpoints describes no service to draw
        return not_measured_ax(t("plot_bp_not_described", language), ax=ax, language=language)
    stages = list(dict.fromkeys(bp["stage"]))
    labels = dict(zip(bp["stage"], bp.get("stage_label", bp["stage"])))
    cells = {row: [_blueprint_cell(bp[(bp["stage"] == stage) & (bp["row"] == row)]["item"].astype(str).tolist(),
                                   width, max_items, language) for stage in stages] for row in BLUEPRINT_ROWS}
    # Row heights in text lines: the fullest cell, plus room above it and for the line's name below.
    heights = [max(3, max(len(c) for c in cells[row])) + BLUEPRINT_PAD for row in BLUEPRINT_ROWS]
    col_in = max(BLUEPRINT_COLUMN_IN, (MIN_BLUEPRINT_IN - LABEL_IN) / len(stages))
    left = LABEL_IN / col_in
    fig_w = LABEL_IN + col_in * len(stages)
    ax = _new_ax(ax, (fig_w, 1.3 + BP_LINE * (sum(heights) + 2)))
    tops = np.concatenate([[0.0], np.cumsum(heights)])
    for r, row in enumerate(BLUEPRINT_ROWS):
        y0, h = tops[r], heights[r]
        ax.add_patch(Rectangle((-left, y0), len(stages) + left, h, facecolor="#f4f4f4" if r % 2 else "white",
                               edgecolor="none", zorder=0))
        ax.text(-left + 0.05 * BLUEPRINT_COLUMN_IN / col_in, y0 + h / 2, t(f"plot_bp_{row}", language),
                va="center", fontsize=9, weight="bold")
        for x, lines in enumerate(cells[row]):
            described = bool(lines)
            if not described:  # the customer actions come from the map; the rest from the framework
                lines = [t("plot_no_evidence" if row == "customer_actions" else "plot_bp_not_described", language)]
            ax.text(x + 0.05, y0 + 0.5, "\n".join(lines), va="top", fontsize=8.5, linespacing=1.2,
                    color=("#999999" if not described else PAIN_COLOUR if row == "internal_pain_points"
                           else "black"), style="normal" if described else "italic")
    for r, key in BLUEPRINT_LINE_KEYS.items():
        y = tops[r]
        ax.plot([-left, len(stages)], [y, y], color="#1d3557", lw=1.6, ls=(0, (6, 3)), zorder=3)
        ax.text(len(stages) - 0.02, y - 0.1, t(key, language), ha="right", va="bottom", fontsize=8,
                color="#1d3557", style="italic", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    for x, stage in enumerate(stages):
        ax.text(x + 0.5, -0.3, _fill(labels[stage], int(col_in * 72 / (0.65 * 11) * 0.85)), ha="center",
                va="bottom", fontsize=11, weight="bold")
        ax.plot([x, x], [-1.0, tops[-1]], color="#bbbbbb", lw=0.6, zorder=1)
    ax.set_xlim(-left, len(stages))
    ax.set_ylim(tops[-1], -1.0)
    ax.set_axis_off()
    ax.set_title(t("plot_bp_title", language), fontsize=12, loc="left", pad=14)
    return ax


def _blueprint_cell(items: list[str], width: int, max_items: int, language: str) -> list[str]:
    """The wrapped lines of one blueprint cell: up to ``max_items`` items, then "(+N more)"."""
    lines = [w for i in items[:max_items]
             for w in textwrap.wrap(i, width, initial_indent="- ", subsequent_indent="  ") or ["- "]]
    return lines + _more(len(items) - max_items, language)


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
    ax = _new_ax(ax, (12, 2.4 + 0.28 * len(grid)))
    bar = t("plot_day_share" if value == "share" else "plot_day_events", language)
    # A horizontal bar under the grid: its label reads in full whatever the number of rows (a
    # vertical one beside a one-row grid cut its label).
    sns.heatmap(grid, ax=ax, cmap="rocket_r", linewidths=0.2,
                cbar_kws={"label": bar, "orientation": "horizontal", "shrink": 0.4, "aspect": 40,
                          "pad": 0.02 + 0.6 / (2.4 + 0.28 * len(grid))})
    ax.set_yticks(np.arange(len(grid)) + 0.5)
    ax.set_yticklabels([f"{p} · {c}" for p, c in grid.index], fontsize=8, rotation=0)
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
