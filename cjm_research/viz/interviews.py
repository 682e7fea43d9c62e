"""Figures of coded interviews: the case x code matrix and code co-occurrence, as heatmaps.

Both take the tidy frames of :mod:`cjm_research.evidence.text.matrices` (one group at a time:
filter a ``by=`` matrix to one persona or stage first), a keyword-only ``ax=``, and return it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.errors import DataError, ParameterError, check_choice

GROUP_HINT = "filter it to one group first, e.g. matrix[matrix['persona'] == 'P1']"


def _one_group(matrix: pd.DataFrame, value_columns: set, what: str) -> None:
    if not isinstance(matrix, pd.DataFrame):
        raise ParameterError(f"`matrix` must be the DataFrame of {what}, but a "
                             f"{type(matrix).__name__} was passed.")
    extra = [c for c in matrix.columns if c not in value_columns]
    if extra and len(matrix[extra].drop_duplicates()) > 1:
        raise DataError(f"the {what} holds several groups ({', '.join(map(str, extra))}); {GROUP_HINT}.")


def _heatmap(ax, grid: pd.DataFrame, *, fmt, cmap: str, label: str):
    values = grid.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, aspect="auto", vmin=0, vmax=max(1.0, np.nanmax(values)))
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns], rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(grid.shape[0]), [str(i) for i in grid.index], fontsize=8)
    if grid.size <= 400:  # numbers stay readable up to about 20 x 20 cells
        high = 0.6 * max(1.0, np.nanmax(values))
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, fmt(v), ha="center", va="center", fontsize=7,
                    color="white" if v > high else "black")
    ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label=label)
    return ax


def _nothing_coded(ax):
    # An empty matrix is said in words, not drawn as an empty grid.
    ax.text(0.5, 0.5, "no coded excerpts", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return ax


def plot_case_code(matrix: pd.DataFrame, *, value: str = "count", ax=None, title: str | None = None):
    """Heatmap of a case x code matrix: participants (rows) by codes (columns).

    Parameters
    ----------
    matrix : DataFrame
        :func:`cjm_research.evidence.text.matrices.case_code_matrix` of one group.
    value : {"count", "present"}
        Excerpt counts, or 0/1 (coded at least once).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from cjm_research.evidence.text.matrices import case_code_matrix
    >>> ex = pd.DataFrame({"participant": ["A", "B"], "pain_point": ["late", "refund"]})
    >>> plot_case_code(case_code_matrix(ex)).get_xlabel()
    'code'
    """
    check_choice("value", value, ["count", "present"])
    _one_group(matrix, {"case", "code", "count", "present"}, "case x code matrix")
    ax = ax or plt.gca()
    if matrix.empty:
        return _nothing_coded(ax)
    grid = matrix.pivot(index="case", columns="code", values=value).fillna(0)
    _heatmap(ax, grid, fmt=lambda v: f"{v:.0f}", cmap="Blues",
             label="excerpts" if value == "count" else "coded (0/1)")
    ax.set_xlabel("code")
    ax.set_ylabel("participant")
    ax.set_title(title or f"Codes per participant ({grid.shape[0]} participants)", fontsize=10, loc="left")
    return ax


def plot_cooccurrence(matrix: pd.DataFrame, *, value: str = "count", ax=None, title: str | None = None):
    """Heatmap of code co-occurrence (symmetric; the diagonal counts units with each code).

    Parameters
    ----------
    matrix : DataFrame
        :func:`cjm_research.evidence.text.matrices.code_cooccurrence` of one group.
    value : {"count", "jaccard"}
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from cjm_research.evidence.text.matrices import code_cooccurrence
    >>> ex = pd.DataFrame({"participant": ["A", "A", "B"], "pain_point": ["late", "refund", "late"]})
    >>> plot_cooccurrence(code_cooccurrence(ex)).get_ylabel()
    'code'
    """
    check_choice("value", value, ["count", "jaccard"])
    _one_group(matrix, {"code_a", "code_b", "count", "units", "jaccard"}, "co-occurrence matrix")
    ax = ax or plt.gca()
    if matrix.empty:
        return _nothing_coded(ax)
    both = pd.concat([matrix, matrix.rename(columns={"code_a": "code_b", "code_b": "code_a"})])
    grid = both.drop_duplicates(["code_a", "code_b"]).pivot(index="code_a", columns="code_b", values=value).fillna(0)
    _heatmap(ax, grid, fmt=(lambda v: f"{v:.0f}") if value == "count" else (lambda v: f"{v:.2f}"),
             cmap="Purples", label="units with both codes" if value == "count" else "Jaccard (0..1)")
    ax.set_xlabel("code")
    ax.set_ylabel("code")
    units = int(matrix["units"].iloc[0])
    ax.set_title(title or f"Codes found together ({units} units)", fontsize=10, loc="left")
    return ax
