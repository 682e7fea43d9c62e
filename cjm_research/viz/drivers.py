"""Figures of a key-driver analysis (:mod:`cjm_research.evidence.drivers`); each takes ``ax=`` and returns it.

The map's own driver chart, per persona and in the report's language, is
:func:`cjm_research.viz.maps.drivers_chart`; these two draw the plain tables of
``key_drivers`` and ``importance_performance`` for a notebook.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns


def plot_drivers(table: pd.DataFrame, *, ax=None):
    """Horizontal bars of each driver's share of R² (in %) with its bootstrap interval.

    Examples
    --------
    >>> table = pd.DataFrame({"driver": ["app", "store"], "share": [0.7, 0.3], "ci_low": [0.5, 0.1],
    ...                       "ci_high": [0.9, 0.5], "r2": 0.4, "method": "relative_weights", "n": 120})
    >>> plot_drivers(table).get_xlabel()
    'share of R² (%), R² = 0.40'
    """
    ax = ax or plt.gca()
    ordered = table.sort_values("share")
    pct = 100 * ordered[["share", "ci_low", "ci_high"]]
    err = np.vstack([pct["share"] - pct["ci_low"], pct["ci_high"] - pct["share"]])
    # A percentile interval need not contain its point estimate: clip the whisker, never draw it negative.
    ax.barh(ordered["driver"], pct["share"], xerr=np.clip(np.nan_to_num(err), 0, None), color="#4C72B0",
            capsize=3)
    ax.set_xlabel(f"share of R² (%), R² = {table['r2'].iloc[0]:.2f}")
    method = table["method"].iloc[0].replace("_", " ")
    ax.set_title(f"Key drivers ({method}, n={table['n'].iloc[0]})")
    return ax


def plot_importance_performance(table: pd.DataFrame, *, ax=None):
    """Scatter of importance (% of R²) against performance (0..100) with the quadrant cut lines."""
    ax = ax or plt.gca()
    shown = table.assign(importance=100 * table["importance"])
    sns.scatterplot(data=shown, x="performance", y="importance", hue="quadrant", s=80, ax=ax)
    cuts = table.attrs
    ax.axvline(cuts.get("performance_cut", table["performance"].mean()), color="grey", ls="--")
    ax.axhline(100 * cuts.get("importance_cut", table["importance"].mean()), color="grey", ls="--")
    for row in shown.itertuples():
        ax.annotate(row.label, (row.performance, row.importance), fontsize=8,
                    xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel("performance (mean rating, 0-100)")
    ax.set_ylabel("importance (% of R²)")
    return ax
