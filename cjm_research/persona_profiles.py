"""Persona profiles: sizes, means with intervals, top categories, distinguishing features, names.

Everything is computed on the cleaned (not imputed) features, so a mean describes the answers
respondents actually gave.

The effect of a feature on a persona is its standardised difference from the whole sample:
``(mean_persona - mean_all) / sd_all`` for numeric and ordinal features, and for a category
``(share_persona - share_all) / sqrt(share_all * (1 - share_all))``, the same scale for a 0/1
indicator. Categories also get their lift, ``share_persona / share_all``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def feature_table(clean: pd.DataFrame, spec: dict, labels: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Tidy per-persona description: one row per persona and feature (and level for categories).

    Columns: ``persona, name, feature, kind, level, value, ci_low, ci_high, n, overall, effect, lift``
    (``value`` is a mean, or a share in 0..1 for a category level).
    """
    parts = [_numeric_rows(clean, col, kind, labels) for kind in ("numeric", "ordinal") for col in spec[kind]]
    parts += [_category_rows(clean[col], labels) for col in spec["categorical"]]
    table = pd.concat(parts, ignore_index=True)
    table.insert(1, "name", table["persona"].map(dict(enumerate(names))))
    return table


def _numeric_rows(clean: pd.DataFrame, col: str, kind: str, labels) -> pd.DataFrame:
    values = clean[col]
    g = values.groupby(labels).agg(["mean", "std", "count"])
    half = stats.t.ppf(0.975, np.maximum(g["count"] - 1, 1)) * g["std"].fillna(0) / np.sqrt(g["count"].clip(lower=1))
    sd_all = values.std() or 1.0
    return pd.DataFrame({"persona": g.index.astype(int), "feature": col, "kind": kind, "level": None,
                         "value": g["mean"].to_numpy(), "ci_low": (g["mean"] - half).to_numpy(),
                         "ci_high": (g["mean"] + half).to_numpy(), "n": g["count"].to_numpy(),
                         "overall": values.mean(), "effect": ((g["mean"] - values.mean()) / sd_all).to_numpy(),
                         "lift": np.nan})


def _category_rows(values: pd.Series, labels) -> pd.DataFrame:
    counts = pd.crosstab(labels, values)  # persona x level, missing answers left out
    n = counts.sum(axis=1)
    overall = counts.sum() / counts.to_numpy().sum()
    long = counts.stack().rename("count").reset_index()
    long.columns = ["persona", "level", "count"]
    size, p_all = long["persona"].map(n).to_numpy(), long["level"].map(overall).to_numpy()
    share = long["count"].to_numpy() / np.maximum(size, 1)
    low, high = _wilson(long["count"].to_numpy(), size)
    return pd.DataFrame({"persona": long["persona"].astype(int), "feature": values.name, "kind": "categorical",
                         "level": long["level"].astype(str), "value": share, "ci_low": low, "ci_high": high,
                         "n": size, "overall": p_all,
                         "effect": (share - p_all) / np.sqrt(np.maximum(p_all * (1 - p_all), 1e-9)),
                         "lift": share / np.maximum(p_all, 1e-9)})


def _wilson(count: np.ndarray, n: np.ndarray, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    n = np.maximum(n, 1)
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def distinguishing(table: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """The ``top`` features that set each persona apart (largest absolute effect).

    A category only distinguishes a persona by being over-represented (positive effect), since
    "not in Jakarta" describes nobody.
    """
    usable = table[(table["kind"] != "categorical") | (table["effect"] > 0)]
    usable = usable.assign(strength=usable["effect"].abs()).dropna(subset=["strength"])
    return (usable.sort_values(["persona", "strength"], ascending=[True, False])
            .groupby("persona", sort=True).head(top).drop(columns="strength"))


def describe(row) -> str:
    """One readable phrase for a distinguishing feature row, e.g. ``high age (+1.2 sd)``."""
    label = str(row["feature"]).replace("_", " ")
    if row["kind"] == "categorical":
        return f"{label}: {row['level']} ({row['value']:.0%}, lift {row['lift']:.1f})"
    return f"{'high' if row['effect'] > 0 else 'low'} {label} ({row['effect']:+.1f} sd)"


def default_names(table: pd.DataFrame, n_personas: int) -> list[str]:
    """Descriptive default names from each persona's two most distinguishing features, unique."""
    top = distinguishing(table, top=2)
    names = []
    for p in range(n_personas):
        rows = top[top["persona"] == p]
        words = [(f"{r.level} {str(r.feature).replace('_', ' ')}" if r.kind == "categorical"
                  else f"{'high' if r.effect > 0 else 'low'} {str(r.feature).replace('_', ' ')}")
                 for r in rows.itertuples()]
        name = ", ".join(words).capitalize() if words else f"Persona {p}"
        names.append(name if name not in names else f"{name} ({p})")
    return names


def profile_frame(table: pd.DataFrame, sizes: pd.Series, names: list[str], top: int = 3) -> pd.DataFrame:
    """Wide profile: a row per persona with n, share, means and intervals, top categories."""
    out = pd.DataFrame({"persona": range(len(names)), "name": names})
    out["n"] = sizes.reindex(out["persona"], fill_value=0).to_numpy()
    out["share"] = out["n"] / max(out["n"].sum(), 1)
    num = table[table["kind"] != "categorical"]
    for col, rows in num.groupby("feature", sort=False):
        rows = rows.set_index("persona")
        for stat, suffix in (("value", ""), ("ci_low", "_ci_low"), ("ci_high", "_ci_high")):
            out[f"{col}{suffix}"] = out["persona"].map(rows[stat])
    cat = table[table["kind"] == "categorical"].sort_values("value", ascending=False)
    for col, rows in cat.groupby("feature", sort=False):
        first = rows.groupby("persona").head(1).set_index("persona")
        out[col] = out["persona"].map(first["level"])
        out[f"{col}_share"] = out["persona"].map(first["value"])
    dist = distinguishing(table, top)
    out["distinguishing"] = out["persona"].map(
        dist.assign(text=dist.apply(describe, axis=1)).groupby("persona")["text"].agg("; ".join))
    return out
