"""Figures of a fitted :class:`~cjm_research.personas.PersonaModel`; each takes ``ax=`` and returns it."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from sklearn.decomposition import PCA

from .persona_stability import DISSOLVED, STABLE


def plot_scores(model, ax=None):
    """Silhouette per k (left) and BIC or Calinski-Harabasz (right), the chosen k marked."""
    ax = ax or plt.gca()
    s = model.scores_
    # Plain matplotlib rather than seaborn: the explorer redraws this on every change.
    ax.plot(s["k"], s["silhouette"], "o-", color="#2e86c1", label="silhouette")
    ax.set_xlabel("k")
    ax.set_ylabel("silhouette")
    other = "bic" if model.method == "gmm" else "calinski_harabasz"
    if len(s) > 1 and s[other].notna().any():
        twin = ax.twinx()
        twin.plot(s["k"], s[other], "s--", color="#7f8c8d", label=other.replace("_", "-"))
        twin.set_ylabel(other.replace("_", "-"))
        twin.legend(loc="lower right", frameon=False)
    ax.axvline(model.n_clusters_, color="#c0392b", ls="--", lw=1)
    ax.set_title(textwrap.fill(model.choice_, 80), fontsize=8, loc="left")
    ax.legend(loc="upper right", frameon=False)
    return ax


def projection(model, *, max_points: int = 3000) -> pd.DataFrame:
    """First two principal components of a seeded sample of respondents, with persona names."""
    key = ("projection", max_points)
    if key not in model._cache:  # the coordinates do not depend on the clustering
        rng = np.random.default_rng(model.random_state)
        n = len(model.X_)
        rows = np.sort(rng.choice(n, max_points, replace=False)) if n > max_points else np.arange(n)
        xy = PCA(2, random_state=model.random_state).fit_transform(model.X_[rows])
        model._cache[key] = (rows, xy)
    rows, xy = model._cache[key]
    names = np.array(model.names_, dtype=object)
    return pd.DataFrame({"pc1": xy[:, 0], "pc2": xy[:, 1], "persona": names[model.labels_[rows]]})


def plot_projection(model, ax=None, *, max_points: int = 3000):
    """Respondents on the first two principal components, coloured by persona."""
    ax = ax or plt.gca()
    data = projection(model, max_points=max_points)
    colours = sns.color_palette("tab10", len(model.names_))
    for name, colour in zip(model.names_, colours):
        part = data[data["persona"] == name]
        ax.scatter(part["pc1"], part["pc2"], s=6, alpha=0.6, color=colour, linewidths=0, label=name)
    ax.legend(fontsize=7, frameon=False, loc="best", markerscale=2)
    ax.set_xlabel("PC1")
    ax.set_ylabel("PC2")
    ax.set_title(f"PCA projection ({len(data):,} respondents shown)", fontsize=9, loc="left")
    return ax


def plot_profile(model, ax=None, *, max_columns: int = 30, annotate: bool = True):
    """Heatmap of standardised differences from all respondents, persona by feature."""
    ax = ax or plt.gca()
    t = model.feature_table()
    t = t.assign(column=np.where(t["kind"] == "categorical", t["feature"] + "=" + t["level"].astype(str), t["feature"]))
    grid = t.pivot_table(index="persona", columns="column", values="effect", sort=False)
    strongest = grid.abs().max().sort_values(ascending=False).index[:max_columns]
    grid = grid[[c for c in grid.columns if c in set(strongest)]]
    image = ax.imshow(grid.to_numpy(), cmap="vlag", vmin=-2, vmax=2, aspect="auto")
    ax.figure.colorbar(image, ax=ax, label="standardised difference")
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(grid.shape[0]), [textwrap.shorten(model.names_[p], 38) for p in grid.index], fontsize=7)
    if annotate and grid.size <= 120:  # cell texts are most of the drawing time
        for (i, j), v in np.ndenumerate(grid.to_numpy()):
            ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=6)
    return ax


def plot_stability(model, ax=None):
    """Mean bootstrap Jaccard per persona, with Hennig's 0.75 (stable) and 0.5 (dissolved) lines."""
    ax = ax or plt.gca()
    s = model.stability()
    sns.barplot(data=s, y="name", x="jaccard", hue="reading", dodge=False, ax=ax,
                palette={"stable": "#27ae60", "doubtful": "#f39c12", "dissolved": "#c0392b"})
    ax.axvline(STABLE, color="#27ae60", ls="--", lw=1)
    ax.axvline(DISSOLVED, color="#c0392b", ls="--", lw=1)
    ax.set_xlim(0, 1)
    ax.set_ylabel("")
    ax.set_title(f"Bootstrap Jaccard ({s.attrs['n_boot']} resamples); overall ARI {s.attrs['ari']:.2f}",
                 fontsize=9, loc="left")
    return ax
