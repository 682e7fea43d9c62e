"""Figures of a fitted :class:`~cjm_research.personas.model.PersonaModel`; each takes ``ax=`` and returns it."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from sklearn.decomposition import PCA

from ..evidence.validity import DISSOLVED, STABLE


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
    def compute():  # the coordinates do not depend on the clustering, so they are computed once
        rng = np.random.default_rng(model.random_state)
        n = len(model.X_)
        rows = np.sort(rng.choice(n, max_points, replace=False)) if n > max_points else np.arange(n)
        pca = PCA(2, random_state=model.random_state)
        xy = pca.fit_transform(model.X_[rows])
        return rows, xy, tuple(pca.explained_variance_ratio_)

    rows, xy, explained = model.cached(("projection", max_points), compute)
    names = np.array(model.names_, dtype=object)
    labels = model.labels_[rows]
    data = pd.DataFrame({"pc1": xy[:, 0], "pc2": xy[:, 1], "persona_id": labels, "persona": names[labels]})
    data.attrs["explained_variance"] = explained
    return data


def persona_colours(k: int) -> np.ndarray:
    """One RGB colour per persona (tab10), the same in every persona figure."""
    return np.array(sns.color_palette("tab10", max(k, 1)))


def persona_legend(ax, names, **kwargs):
    """A legend with one marker per persona (proxy handles: one scatter can hold every persona)."""
    from matplotlib.lines import Line2D

    colours = persona_colours(len(names))
    handles = [Line2D([], [], ls="", marker="o", ms=5, color=c) for c in colours]
    return ax.legend(handles, [textwrap.shorten(n, 38) for n in names], fontsize=7, frameon=False,
                     loc="best", **kwargs)


def projection_axes(ax, data: pd.DataFrame) -> None:
    """The parts of the projection that do not depend on the clustering (title, axis labels)."""
    explained = data.attrs.get("explained_variance", (np.nan, np.nan))
    ax.set_xlabel(f"PC1 ({100 * explained[0]:.0f}% of variance)", fontsize=8)
    ax.set_ylabel(f"PC2 ({100 * explained[1]:.0f}% of variance)", fontsize=8)
    # Principal-component values have no unit a reader could use, so no tick labels.
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"PCA projection ({len(data):,} respondents shown)", fontsize=9, loc="left")


def plot_projection(model, ax=None, *, max_points: int = 3000):
    """Respondents on the first two principal components, coloured by persona."""
    ax = ax or plt.gca()
    data = projection(model, max_points=max_points)
    colours = persona_colours(model.k_)
    ax.scatter(data["pc1"], data["pc2"], s=6, alpha=0.6, c=colours[data["persona_id"]], linewidths=0)
    persona_legend(ax, model.names_, markerscale=1)
    projection_axes(ax, data)
    return ax


def profile_grid(model, *, max_columns: int = 30, columns=None) -> pd.DataFrame:
    """Standardised differences, persona by feature (``feature=level`` for categories).

    The ``max_columns`` features that distinguish any persona most are kept, in feature order;
    ``columns`` fixes them instead (the explorer keeps them while k changes, so the heatmaps of
    different k can be compared column by column).
    """
    t = model.feature_table()
    t = t.assign(column=np.where(t["kind"] == "categorical", t["feature"] + "=" + t["level"].astype(str), t["feature"]))
    grid = t.pivot_table(index="persona", columns="column", values="effect", sort=False)
    if columns is not None:
        return grid.reindex(columns=list(columns))
    strongest = set(grid.abs().max().sort_values(ascending=False).index[:max_columns])
    return grid[[c for c in grid.columns if c in strongest]]


PROFILE_LIMIT = 2.0  # the colour scale's end, in standard deviations


def profile_axes(ax, columns, image) -> None:
    """The parts of the profile heatmap that do not depend on the personas: columns and colour bar."""
    ax.figure.colorbar(image, ax=ax, label="standardised difference", ticks=[-PROFILE_LIMIT, 0, PROFILE_LIMIT])
    ax.set_xticks(range(len(columns)), list(columns), rotation=60, ha="right", fontsize=7)
    ax.set_xlim(-0.5, len(columns) - 0.5)


def persona_labels(model, index) -> list[str]:
    return [textwrap.shorten(model.names_[p], 38) for p in index]


def plot_profile(model, ax=None, *, max_columns: int = 30, annotate: bool = True):
    """Heatmap of standardised differences from all respondents, persona by feature."""
    ax = ax or plt.gca()
    grid = profile_grid(model, max_columns=max_columns)
    image = ax.imshow(grid.to_numpy(), cmap="vlag", vmin=-PROFILE_LIMIT, vmax=PROFILE_LIMIT, aspect="auto")
    profile_axes(ax, grid.columns, image)
    ax.set_yticks(range(grid.shape[0]), persona_labels(model, grid.index), fontsize=7)
    # Values are written in the cells only where they fit (a "-1.2" at 6 pt needs about 16 pt) and
    # the grid is small: cell texts are most of the drawing time.
    cell_pt = ax.get_position().width * ax.figure.get_figwidth() * 72 / max(grid.shape[1], 1)
    if annotate and grid.size <= 120 and cell_pt >= 16:
        for (i, j), v in np.ndenumerate(grid.to_numpy()):
            ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=6)
    return ax


def plot_stability(model, ax=None):
    """Mean bootstrap Jaccard per persona, with Hennig's 0.75 and 0.5 lines, coloured by the reading.

    The reading weighs the structure too (silhouette band, seed agreement), so a persona that
    resamples find again in a weak structure is not drawn as stable; the title gives both figures.
    """
    ax = ax or plt.gca()
    s = model.stability()
    palette = {"stable": "#27ae60", "repeatable_weak": "#b7950b", "seed_sensitive": "#ca6f1e",
               "doubtful": "#f39c12", "dissolved": "#c0392b"}
    sns.barplot(data=s, y="name", x="jaccard", hue="reading", dodge=False, ax=ax,
                palette={r: palette[r] for r in s["reading"].unique()})
    ax.axvline(STABLE, color="#27ae60", ls="--", lw=1)
    ax.axvline(DISSOLVED, color="#c0392b", ls="--", lw=1)
    ax.set_xlim(0, 1)
    ax.set_ylabel("")
    ax.set_title(f"Bootstrap Jaccard ({s.attrs['n_boot']} resamples), overall ARI {s.attrs['ari']:.2f}; "
                 f"silhouette {s.attrs['silhouette']:.2f} ({s.attrs['structure']}); seed ARI min "
                 f"{s.attrs['seed_ari_min']:.2f}", fontsize=8, loc="left")
    return ax
