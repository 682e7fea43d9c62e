"""Exports of the maps: figures as PNG and SVG, the tidy table as CSV, a Mermaid journey diagram.

Exports never carry more than the map shows: masked cells stay blank and quotes are the redacted
ones already on the map.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..core.errors import ParameterError, check_choice

FORMATS = ("png", "svg", "pdf")


def save_figure(fig_or_ax, path, *, formats=("png", "svg"), dpi: int = 150) -> list[Path]:
    """Save a figure (or the figure of an Axes) in each format; returns the paths written.

    ``path`` may carry a suffix or not; the formats decide the suffixes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, tempfile
    >>> fig, ax = plt.subplots()
    >>> [p.suffix for p in save_figure(ax, tempfile.mkdtemp() + "/map")]
    ['.png', '.svg']
    """
    fig = fig_or_ax.figure if hasattr(fig_or_ax, "figure") and not hasattr(fig_or_ax, "savefig") else fig_or_ax
    formats = [formats] if isinstance(formats, str) else list(formats)
    for fmt in formats:
        check_choice("formats", fmt, FORMATS)
    base = Path(path)
    base = base.with_suffix("") if base.suffix.lstrip(".") in FORMATS else base
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        out = base.with_suffix(f".{fmt}")
        # bbox_inches="tight" keeps lane titles and legends outside the axes from being cut.
        fig.savefig(out, format=fmt, dpi=dpi, bbox_inches="tight", facecolor="white")
        written.append(out)
    return written


def table_csv(jm, path, *, persona=None, lane=None) -> Path:
    """Write a map's tidy table (optionally one persona or lane) as UTF-8 CSV; returns the path.

    Examples
    --------
    >>> table_csv(jm, "reports/2026Q3/current_state.csv")    # doctest: +SKIP
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = jm.table(persona=persona, lane=lane) if hasattr(jm, "table") else jm
    table.to_csv(path, index=False, encoding="utf-8")
    return path


def _task(text) -> str:
    # ':' separates task, score and actors in Mermaid's journey syntax; '#' and ';' end statements.
    return re.sub(r"[:#;\n]+", " ", str(text)).strip()


def _score(pct) -> int:
    """A 0..100 share of satisfied answers as Mermaid's 1..5 task score."""
    return int(min(5, max(1, round(1 + 4 * float(pct) / 100))))


def mermaid_journey(jm, *, persona=None, title: str | None = None) -> str:
    """A Mermaid ``journey`` diagram: a section per stage, a task per touchpoint.

    Each touchpoint's score (1..5) comes from its rating (top-2-box %, 0% -> 1, 100% -> 5); a
    touchpoint without a rating takes the stage's emotion (-1 -> 1, +1 -> 5). Masked cells are
    left out. Paste the text into any Markdown that renders Mermaid.

    Examples
    --------
    >>> print(mermaid_journey(jm, persona="Value seekers"))    # doctest: +SKIP
    journey
        title Value seekers: current state
        section Awareness
          Social media ad: 4: Value seekers
    """
    table = jm.table()
    personas = list(dict.fromkeys(table["persona"]))
    persona = personas[0] if persona is None else persona
    if persona not in personas:
        raise ParameterError(f"The value for `persona` must be one of {personas!r}, but {persona!r} was passed.")
    mine = table[(table["persona"] == persona) & ~table["masked"]]
    label = jm.framework.label
    lines = ["journey", f"    title {_task(title or f'{persona}: current state')}"]
    for stage in jm.stages:
        here = mine[mine["stage"] == stage]
        emo = here[(here["lane"] == "emotion") & (here["item"] == "combined")]["value"].dropna()
        stage_score = _score(50 * (float(emo.iloc[0]) + 1)) if len(emo) else 3
        tps = here[here["lane"] == "touchpoints"]
        ratings = tps[tps["source"] == "rating"].set_index("item")["value"]
        lines.append(f"    section {_task(label(stage))}")
        for item in dict.fromkeys(tps["item"]):
            score = _score(ratings[item]) if item in ratings and pd.notna(ratings[item]) else stage_score
            lines.append(f"      {_task(label(item))}: {score}: {_task(persona)}")
    return "\n".join(lines) + "\n"
