"""Persona cards: who the persona is, in a table row and a figure.

Representative respondents are the ones closest to the persona's centre in the encoded feature
space. Quotes come from coded interview excerpts whose ``customer_id`` belongs to the persona,
closest respondents first, and always pass through :func:`cjm_research.evidence.text.redact`, which also
hides the ``names`` given and participant labels that look like personal names.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.errors import DataError, preview
from .profiles import describe, distinguishing


def _distances(model) -> np.ndarray:
    centres = model.centroids().to_numpy()
    return np.linalg.norm(model.X_ - centres[model.labels_], axis=1)


def cards_frame(model, *, interviews=None, representatives: int = 3, quotes: int = 2, names=None) -> pd.DataFrame:
    """A row per persona: ``persona, name, n, share, distinguishing, representatives, quotes``."""
    prof = model.profile()
    dist, labels, ids = _distances(model), model.labels_, model.ids_.to_numpy()
    order = np.lexsort((dist, labels))  # by persona, then closest to the centre first
    ranked = pd.DataFrame({"id": ids[order], "persona": labels[order]})
    reps = ranked.groupby("persona")["id"].apply(lambda s: list(s.head(representatives)))
    cards = prof[["persona", "name", "n", "share", "distinguishing"]].copy()
    cards["representatives"] = cards["persona"].map(reps)
    cards["quotes"] = cards["persona"].map(_quotes(ranked, interviews, quotes, names)) if interviews is not None else None
    if interviews is not None:
        cards["quotes"] = cards["quotes"].apply(lambda q: q if isinstance(q, list) else [])
    return cards


def _quotes(ranked: pd.DataFrame, interviews: pd.DataFrame, per_persona: int, names=None) -> pd.Series:
    # imported lazily: the text module pulls in language resources
    from ..evidence.text import redact

    names = list(names or []) + participant_names(interviews)

    missing = [c for c in ("customer_id", "text") if c not in interviews.columns]
    if missing:
        raise DataError(f"interviews: column(s) {preview(missing)} needed to link quotes to personas; "
                        f"it has {preview(list(interviews.columns), 12)}.")
    ranked = ranked.assign(rank=np.arange(len(ranked))).drop_duplicates("id")
    linked = interviews.assign(id=interviews["customer_id"].astype(str)).merge(ranked, on="id")
    linked = linked[linked["text"].notna() & (linked["text"].astype(str).str.strip() != "")]
    linked = linked.sort_values("rank").groupby("persona").head(per_persona)
    return linked.groupby("persona")["text"].apply(lambda s: [redact(str(t), names=names) for t in s])


def participant_names(interviews: pd.DataFrame) -> list[str]:
    """Participant labels that look like personal names ("Joko Susilo"), hidden in quotes too."""
    if "participant" not in interviews.columns:
        return []
    labels = interviews["participant"].dropna().astype(str).unique()
    return [n for n in labels if " " in n.strip() and any(ch.isalpha() for ch in n)]


def plot_card(model, persona: int, *, interviews=None, names=None, ax=None):
    """One persona card: its most distinguishing features as bars, size in the title, quotes below.

    Examples
    --------
    >>> ax = model.plot_card(0)          # doctest: +SKIP
    """
    model.check_persona(persona)
    ax = ax or plt.gca()
    top = distinguishing(model.feature_table(), top=6)
    top = top[top["persona"] == persona].iloc[::-1]
    colors = ["#c0392b" if e < 0 else "#2e86c1" for e in top["effect"]]
    ax.barh([describe(r) for _, r in top.iterrows()], top["effect"], color=colors)
    ax.axvline(0, color="grey", lw=0.8)
    n, share = int((model.labels_ == persona).sum()), float((model.labels_ == persona).mean())
    ax.set_title(f"{persona}: {model.names_[persona]}\n n = {n:,} ({share:.0%})", loc="left", fontsize=10)
    ax.set_xlabel("difference from all respondents (standard deviations)")
    if interviews is not None:
        card = cards_frame(model, interviews=interviews, quotes=2, names=names).set_index("persona").loc[persona]
        text = "\n".join(textwrap.fill(f"“{q}”", 70) for q in card["quotes"]) or "(no linked quotes)"
        ax.text(0, -0.35, text, transform=ax.transAxes, va="top", fontsize=8, style="italic")
    return ax


def plot_cards(model, *, interviews=None, names=None, fig=None):
    """All persona cards on one figure (two columns); returns the Figure."""
    rows = int(np.ceil(model.k_ / 2))
    fig = fig or plt.figure(figsize=(13, 3.6 * rows))
    axes = np.atleast_1d(fig.subplots(rows, 2)).ravel()
    for persona, ax in enumerate(axes):
        if persona < model.k_:
            plot_card(model, persona, interviews=interviews, names=names, ax=ax)
        else:
            ax.remove()
    fig.tight_layout()
    return fig
