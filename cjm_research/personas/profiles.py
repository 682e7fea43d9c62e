"""Persona profiles: sizes, means with intervals, top categories, distinguishing features, names.

Everything is computed on the cleaned (not imputed) features, so a mean describes the answers
respondents actually gave.

The effect of a feature on a persona is its standardised difference from the whole sample:
``(mean_persona - mean_all) / sd_all`` for numeric and ordinal features, and for a category
``(share_persona - share_all) / sqrt(share_all * (1 - share_all))``, the same scale for a 0/1
indicator. Categories also get their lift, ``share_persona / share_all``.

With survey ``weights`` (one per row, see :mod:`cjm_research.evidence.weights`) means, shares and
persona sizes are weighted and their intervals sit at each persona's Kish effective n;
:func:`weighted_shares` gives each persona's weighted share of the population.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..evidence.intervals import t_half_width, wilson
from ..evidence.weights import effective_n, weighted_mean_sd


def feature_table(clean: pd.DataFrame, spec: dict, labels: np.ndarray, names: list[str], *,
                  confidence: float = 0.95, weights=None) -> pd.DataFrame:
    """Tidy per-persona description: one row per persona and feature (and level for categories).

    Columns: ``persona, name, feature, kind, level, value, ci_low, ci_high, n, overall, effect, lift``
    (``value`` is a mean, or a share in 0..1 for a category level). ``weights`` (an array, one per
    row of ``clean``) weights every mean and share; ``n`` stays the number of answers.
    """
    labels = np.asarray(labels)
    numeric = [(col, kind) for kind in ("numeric", "ordinal") for col in spec[kind]]
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        parts = [_weighted_numeric_rows(clean, numeric, labels, confidence, w)] if numeric else []
        parts += [_weighted_category_rows(clean[col], labels, confidence, w) for col in spec["categorical"]]
        table = pd.concat(parts, ignore_index=True)
        table.insert(1, "name", table["persona"].map(dict(enumerate(names))))
        return table
    parts = [_numeric_rows(clean, numeric, labels, confidence)] if numeric else []
    parts += [_category_rows(clean[col], labels, confidence) for col in spec["categorical"]]
    table = pd.concat(parts, ignore_index=True)
    table.insert(1, "name", table["persona"].map(dict(enumerate(names))))
    return table


def _numeric_rows(clean: pd.DataFrame, columns: list[tuple[str, str]], labels: np.ndarray,
                  confidence: float) -> pd.DataFrame:
    """Mean with a t interval per persona, for every numeric and ordinal feature in one groupby.

    The explorer recomputes this table on every new clustering, so one grouped pass over all the
    columns replaces a groupby per feature.
    """
    cols = [col for col, _ in columns]
    values = clean[cols].astype(float)
    g = values.groupby(labels).agg(["mean", "std", "count"])
    persona = g.index.to_numpy().astype(int)
    mean = g.xs("mean", axis=1, level=1)[cols].to_numpy()  # persona x feature
    std = g.xs("std", axis=1, level=1)[cols].to_numpy()
    count = g.xs("count", axis=1, level=1)[cols].to_numpy().astype(float)
    half = t_half_width(std, count, confidence=confidence)  # nan below two answers: no spread to estimate
    mean_all = values.mean().to_numpy()
    sd_all = values.std().to_numpy()
    sd_all = np.where((sd_all == 0) | np.isnan(sd_all), 1.0, sd_all)
    # Feature-major order (all personas of the first feature, then the next), as profiles expect.
    n_p, n_f = mean.shape
    return pd.DataFrame({"persona": np.tile(persona, n_f), "feature": np.repeat(cols, n_p),
                         "kind": np.repeat([kind for _, kind in columns], n_p), "level": None,
                         "value": mean.T.ravel(), "ci_low": (mean - half).T.ravel(),
                         "ci_high": (mean + half).T.ravel(), "n": count.T.ravel().astype(int),
                         "overall": np.repeat(mean_all, n_p),
                         "effect": ((mean - mean_all) / sd_all).T.ravel(), "lift": np.nan})


def _category_rows(values: pd.Series, labels: np.ndarray, confidence: float) -> pd.DataFrame:
    """Share of each level per persona with a Wilson interval, effect and lift (missing answers left out)."""
    present = values.notna().to_numpy()
    codes, levels = pd.factorize(values[present], sort=True)
    personas, pcodes = np.unique(labels[present], return_inverse=True)
    # persona x level counts in one bincount instead of a crosstab (a pivot table underneath)
    counts = np.bincount(pcodes * len(levels) + codes, minlength=len(personas) * len(levels))
    counts = counts.reshape(len(personas), len(levels))
    n = counts.sum(axis=1)
    overall = counts.sum(axis=0) / max(counts.sum(), 1)
    count, size = counts.ravel(), np.repeat(n, len(levels))
    p_all = np.tile(overall, len(personas))
    share = count / np.maximum(size, 1)
    low, high = wilson(count, size, confidence=confidence)
    return pd.DataFrame({"persona": np.repeat(personas, len(levels)).astype(int), "feature": values.name,
                         "kind": "categorical", "level": np.tile(np.asarray(levels, dtype=object), len(personas)).astype(str),
                         "value": share, "ci_low": low, "ci_high": high, "n": size, "overall": p_all,
                         "effect": (share - p_all) / np.sqrt(np.maximum(p_all * (1 - p_all), 1e-9)),
                         "lift": share / np.maximum(p_all, 1e-9)})


def _weighted_numeric_rows(clean, columns, labels, confidence, w) -> pd.DataFrame:
    """Weighted mean with a t interval at the Kish n_eff per persona (see ``weighted_mean_sd``)."""
    rows = []
    for col, kind in columns:
        x = clean[col].to_numpy(dtype=float)
        ok = ~np.isnan(x)
        mean_all, sd_all, _ = weighted_mean_sd(x[ok], w[ok])  # with equal weights: mean and std(ddof=1)
        sd_all = 1.0 if not sd_all or np.isnan(sd_all) else sd_all
        for persona in np.unique(labels):
            keep = ok & (labels == persona)
            mean, half = _weighted_mean_half(x[keep], w[keep], confidence)
            rows.append({"persona": int(persona), "feature": col, "kind": kind, "level": None, "value": mean,
                         "ci_low": mean - half, "ci_high": mean + half, "n": int(keep.sum()),
                         "overall": mean_all, "effect": (mean - mean_all) / sd_all, "lift": np.nan})
    return pd.DataFrame(rows)


def _weighted_mean_half(x, w, confidence):
    mean, sd, n_eff = weighted_mean_sd(x, w)
    half = t_half_width(sd, n_eff, confidence=confidence) if n_eff >= 2 else np.nan
    return mean, half


def _weighted_category_rows(values: pd.Series, labels, confidence, w) -> pd.DataFrame:
    """Weighted share of each level per persona, Wilson at the persona's Kish n_eff, effect and lift."""
    present = values.notna().to_numpy()
    codes, levels = pd.factorize(values[present], sort=True)
    wp, lp = w[present], labels[present]
    overall = np.bincount(codes, weights=wp, minlength=len(levels)) / max(wp.sum(), 1e-300)
    rows = []
    for persona in np.unique(labels):
        mine = lp == persona
        total, n_eff = wp[mine].sum(), effective_n(wp[mine])
        shares = np.bincount(codes[mine], weights=wp[mine], minlength=len(levels)) / total \
            if total > 0 else np.full(len(levels), np.nan)
        low, high = wilson(shares * n_eff, np.full(len(levels), n_eff), confidence=confidence)
        for i, level in enumerate(levels):
            rows.append({"persona": int(persona), "feature": values.name, "kind": "categorical",
                         "level": str(level), "value": shares[i], "ci_low": low[i], "ci_high": high[i],
                         "n": int(mine.sum()), "overall": overall[i],
                         "effect": (shares[i] - overall[i]) / np.sqrt(max(overall[i] * (1 - overall[i]), 1e-9)),
                         "lift": shares[i] / max(overall[i], 1e-9)})
    return pd.DataFrame(rows)


def weighted_shares(labels, weights=None, *, names=None, confidence: float = 0.95) -> pd.DataFrame:
    """Each persona's share of respondents, weighted when ``weights`` are given (0..1).

    Columns ``persona, name, n, n_eff, share, ci_low, ci_high, share_unweighted``; the interval is
    Wilson at the weighted share times the Kish effective n of all the weights (the sample size
    behind a share of the whole). Without weights ``share`` is ``n / N`` and ``n_eff = N``.

    Examples
    --------
    >>> weighted_shares([0, 0, 1], [1.0, 1.0, 2.0])[["persona", "n", "share"]]
       persona  n  share
    0        0  2    0.5
    1        1  1    0.5
    """
    labels = np.asarray(labels)
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=float)
    personas = np.unique(labels)
    total, n_eff = w.sum(), effective_n(w)
    share = np.array([w[labels == p].sum() / total for p in personas])
    n = np.array([(labels == p).sum() for p in personas])
    low, high = wilson(share * n_eff, np.full(len(personas), n_eff), confidence=confidence)
    out = pd.DataFrame({"persona": personas, "n": n, "n_eff": n_eff, "share": share, "ci_low": low,
                        "ci_high": high, "share_unweighted": n / max(n.sum(), 1)})
    if names is not None:
        out.insert(1, "name", [list(names)[int(p)] if not isinstance(p, str) else p for p in personas])
    return out


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


# Nouns for people: a category level holding one ("disloyal Customer") names the persona itself.
PEOPLE = {"customer": "customers", "client": "clients", "passenger": "passengers", "traveller": "travellers",
          "traveler": "travelers", "user": "users", "guest": "guests", "shopper": "shoppers",
          "buyer": "buyers", "member": "members", "visitor": "visitors", "student": "students",
          "employee": "employees", "patient": "patients", "subscriber": "subscribers", "owner": "owners"}


def level_phrase(feature: str, level) -> tuple[str, bool]:
    """A category level as words of a persona name, and whether it names people.

    A level that holds a noun for people becomes a plural ("disloyal Customer" -> "disloyal
    customers"); a level that repeats a word of its feature's label stands alone ("Business travel"
    of "Type of Travel" -> "business travel"); any other level gets the label after it ("app
    channel"). Words in capitals (acronyms) keep their case.

    Examples
    --------
    >>> level_phrase("Customer Type", "disloyal Customer")
    ('disloyal customers', True)
    >>> level_phrase("Type of Travel", "Business travel")
    ('business travel', False)
    >>> level_phrase("preferred_channel", "app")
    ('app preferred channel', False)
    """
    words = [w if w.isupper() and len(w) > 1 else w.lower() for w in str(level).replace("_", " ").split()]
    label = str(feature).replace("_", " ").lower()
    people = [i for i, w in enumerate(words) if w in PEOPLE]
    if people:
        words[people[-1]] = PEOPLE[words[people[-1]]]
        return " ".join(words), True
    if set(words) & set(label.split()) - {"of", "the", "a", "and", "or"}:
        return " ".join(words), False
    return " ".join(words + [label]), False


def default_names(table: pd.DataFrame, n_personas: int) -> list[str]:
    """Descriptive default names from each persona's two most distinguishing features, unique.

    Categories are phrased by :func:`level_phrase`; a phrase that names people comes first
    ("Disloyal customers, low age"), numeric features read "high age" or "low age".
    """
    top = distinguishing(table, top=2)
    words = {p: [] for p in range(n_personas)}
    for r in top.itertuples():
        if r.persona not in words:
            continue
        if r.kind == "categorical":
            phrase, people = level_phrase(r.feature, r.level)
        else:
            phrase, people = f"{'high' if r.effect > 0 else 'low'} {str(r.feature).replace('_', ' ')}", False
        words[r.persona].insert(0 if people else len(words[r.persona]), phrase)
    names = []
    for p in range(n_personas):
        name = ", ".join(words[p]) if words[p] else f"Persona {p}"
        name = name[:1].upper() + name[1:]
        names.append(name if name not in names else f"{name} ({p})")
    return names


def profile_frame(table: pd.DataFrame, sizes: pd.Series, names: list[str], top: int = 3) -> pd.DataFrame:
    """Wide profile: a row per persona with n, share, means and intervals, top categories."""
    persona = np.arange(len(names))
    n = sizes.reindex(persona, fill_value=0).to_numpy()
    columns = {"persona": persona, "name": names, "n": n, "share": n / max(n.sum(), 1)}
    # One pivot per kind rather than a lookup per feature: the explorer rebuilds this per clustering.
    num = table[table["kind"] != "categorical"]
    if len(num):
        wide = num.pivot(index="persona", columns="feature", values=["value", "ci_low", "ci_high"])
        wide = wide.reindex(persona)
        for col in dict.fromkeys(num["feature"]):
            for stat, suffix in (("value", ""), ("ci_low", "_ci_low"), ("ci_high", "_ci_high")):
                columns[f"{col}{suffix}"] = wide[(stat, col)].to_numpy()
    cat = table[table["kind"] == "categorical"]
    if len(cat):
        # the most common level of each persona and feature (first on ties, as the table lists them)
        first = (cat.sort_values("value", ascending=False, kind="stable")
                 .drop_duplicates(["feature", "persona"]))
        wide = first.pivot(index="persona", columns="feature", values=["level", "value"]).reindex(persona)
        for col in dict.fromkeys(cat["feature"]):
            columns[col] = wide[("level", col)].to_numpy()
            columns[f"{col}_share"] = wide[("value", col)].to_numpy(dtype=float)
    out = pd.DataFrame(columns)
    dist = distinguishing(table, top)
    texts = [describe(row) for _, row in dist.iterrows()]
    out["distinguishing"] = out["persona"].map(
        pd.Series(texts, index=dist["persona"].to_numpy(), dtype=object).groupby(level=0).agg("; ".join))
    return out
