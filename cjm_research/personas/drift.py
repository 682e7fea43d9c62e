"""Personas over time (drift between quarters) and segment priority.

Drift compares the fitted quarter with another: the share of each persona, how far each persona's
centre moved (in standardised feature units), and for panel respondents (the same id in both
quarters) how many now belong to another persona. The switch rate is shown next to the published
reference of about 19 % a month (Jung, Jansen & Salminen 2019) converted to the same period, to
read it against, not to aim for.

Priority ranks personas by size, value (default ``avg_order_value * orders_12m``) and satisfaction
gap (percentage points of CSAT top-2-box below ``target``), averaging the three ranks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.errors import DataError, preview
from . import features as pf

# Jung, Jansen & Salminen (2019), "Personas changing over time: analyzing variations of data-driven
# personas during a two-year period", CHI EA '19, doi:10.1145/3290607.3312955: 18.7 % a month.
PUBLISHED_MONTHLY_DRIFT = 0.187
DRIFT_REFERENCE = ("Jung, Jansen & Salminen (2019), Personas changing over time, CHI EA '19, "
                   "doi:10.1145/3290607.3312955: about 19% of automatically generated personas "
                   "change per month (a reference value, not a target)")


def drift_frame(model, other: pd.DataFrame, *, months: float = 3.0, source: str = "other") -> pd.DataFrame:
    """A row per persona plus an ``all`` row; see :meth:`PersonaModel.drift`."""
    before, after = model.labels_, model.predict(other, source=source)
    clean, _ = pf.clean_features(other, model.feature_spec_, model.rules_, source=source)
    X_after, k = model.preprocessor_.transform(clean), model.k_
    frame = pd.DataFrame({"persona": range(k), "name": model.names_,
                          "share_before": np.bincount(before, minlength=k) / len(before),
                          "share_after": np.bincount(after, minlength=k) / len(after)})
    frame["share_change"] = frame["share_after"] - frame["share_before"]
    frame["centroid_shift"] = [_shift(model.X_[before == p], X_after[after == p]) for p in range(k)]
    panel = _panel(model, other, after)
    counts = panel.groupby("before").agg(panel_n=("switched", "size"), switched=("switched", "sum"))
    frame = frame.join(counts.reindex(range(k), fill_value=0), on="persona")
    total = {"persona": "all", "name": "All personas", "share_before": 1.0, "share_after": 1.0,
             "share_change": 0.0, "centroid_shift": np.nan, "panel_n": len(panel),
             "switched": int(panel["switched"].sum())}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return _add_rates(frame, months, model)


def _shift(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a.mean(axis=0) - b.mean(axis=0))) if len(a) and len(b) else np.nan


def _panel(model, other: pd.DataFrame, after: np.ndarray) -> pd.DataFrame:
    col = model.id_column_
    if col is None or col not in other.columns:
        raise DataError(f"other quarter: id column {col!r} is needed to follow panel respondents; "
                        f"it has {preview(list(other.columns), 12)}.")
    first = pd.DataFrame({"id": model.ids_.to_numpy(), "before": model.labels_}).drop_duplicates("id")
    second = pd.DataFrame({"id": other[col].astype(str).to_numpy(), "after": after}).drop_duplicates("id")
    panel = first.merge(second, on="id")
    return panel.assign(switched=panel["before"] != panel["after"])


def _add_rates(frame: pd.DataFrame, months: float, model) -> pd.DataFrame:
    frame["switched_share"] = frame["switched"] / frame["panel_n"].where(frame["panel_n"] > 0)
    # Persona switching compounds: a monthly rate m gives 1 - (1 - m) ** months over the period.
    frame["switched_share_monthly"] = 1 - (1 - frame["switched_share"]) ** (1 / months)
    frame["reference_monthly_drift"] = PUBLISHED_MONTHLY_DRIFT
    frame["reference_period_drift"] = 1 - (1 - PUBLISHED_MONTHLY_DRIFT) ** months
    frame.attrs.update({"reference": DRIFT_REFERENCE, "months": months,
                        "switched_share": float(frame["switched_share"].iloc[-1])})
    return frame


def priority_frame(model, *, value="auto", csat=None, target: float = 80.0, data=None) -> pd.DataFrame:
    """A row per persona: n, share, value per respondent, total value, CSAT, gap and priority rank."""
    labels = model.labels_ if data is None else model.predict(data)
    data = model.data_ if data is None else data
    if data is None:
        raise DataError("priority: this model was loaded without its data; pass `data=`.")
    frame = pd.DataFrame({"persona": range(model.k_), "name": model.names_,
                          "n": np.bincount(labels, minlength=model.k_)})
    frame["share"] = frame["n"] / frame["n"].sum()
    ranks = [frame["share"].rank(ascending=False)]
    per_person = _value(data, value)
    if per_person is not None:
        g = per_person.groupby(labels)
        frame["value_per_respondent"] = frame["persona"].map(g.mean())
        frame["total_value"] = frame["persona"].map(g.sum())
        frame["value_share"] = frame["total_value"] / frame["total_value"].sum()
        ranks.append(frame["total_value"].rank(ascending=False))
    top2 = _csat_top2(data, csat)
    if top2 is not None:
        frame["csat"] = frame["persona"].map(top2.groupby(labels).mean() * 100)
        frame["satisfaction_gap"] = (target - frame["csat"]).clip(lower=0)
        ranks.append(frame["satisfaction_gap"].rank(ascending=False))
    frame["priority_score"] = pd.concat(ranks, axis=1).mean(axis=1)
    frame["priority_rank"] = frame["priority_score"].rank(method="min").astype(int)
    frame.attrs["definition"] = (f"rank mean of size, total value and CSAT gap below {target:g}% top-2-box "
                                 "(1 = serve first)")
    return frame.sort_values("priority_rank").reset_index(drop=True)


def _value(data: pd.DataFrame, value) -> pd.Series | None:
    if value is None:
        return None
    if value == "auto":
        value = [c for c in ("avg_order_value", "orders_12m") if c in data.columns]
        if len(value) < 2:
            return None
    value = [value] if isinstance(value, str) else list(value)
    missing = [c for c in value if c not in data.columns]
    if missing:
        raise DataError(f"priority: value column(s) {preview(missing)} not found in the data.")
    return data[value].apply(pd.to_numeric, errors="coerce").prod(axis=1, min_count=len(value))


def _csat_top2(data: pd.DataFrame, csat) -> pd.Series | None:
    if csat is None:
        csat = [c for c in data.columns if str(c).startswith("csat_")]
    cols = list(csat.values()) if isinstance(csat, dict) else list(csat)
    if not cols:
        return None
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise DataError(f"priority: CSAT column(s) {preview(missing)} not found in the data.")
    ratings = data[cols].apply(pd.to_numeric, errors="coerce")
    ratings = ratings.where((ratings >= 1) & (ratings <= 5))  # 0 and other codes mean "not applicable"
    # Top-2-box per respondent over the stages they rated, as in the CSAT definition (4-5 of 1..5).
    return (ratings >= 4).where(ratings.notna()).mean(axis=1)
