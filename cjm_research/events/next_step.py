"""The next step at a fork: where customers go after a touchpoint, and what predicts conversion.

:func:`next_step_counts` counts the step that directly follows a chosen touchpoint.
:class:`ConversionTree` fits a shallow scikit-learn decision tree on one row of journey features
per customer (how often each step happened before the first conversion, channels used, journey
length) and shows it as if/then rules a researcher can read aloud, with its accuracy on held-out
customers next to the majority-class baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.errors import DataError

END = "(end)"


def next_step_counts(ordered, *, step: str, on: str):
    """Ibis table of ``next`` (or ``(end)``), ``count`` and ``customers`` after ``step``."""
    import ibis

    w = ibis.window(group_by="customer", order_by="pos")
    t = ordered.mutate(next=ordered[on].lead().over(w).cast("string").fill_null(END))
    t = t.filter(t[on] == step)
    return t.group_by("next").agg(count=t.count(), customers=t.customer.nunique())


def journey_features(ordered, *, target: list[str], on: str):
    """Ibis tables of step counts before the first conversion, and per-customer journey facts."""
    import ibis

    is_target = ordered.event.isin(target)
    first = ibis.ifelse(is_target, ordered.pos, ibis.null("int64")).min().over(
        ibis.window(group_by="customer"))
    t = ordered.mutate(first_target=first)
    # Only what happened before the first conversion may explain it (later steps would leak it).
    before = t.filter(t.first_target.isnull() | (t.pos < t.first_target))
    counts = before.group_by(["customer", on]).agg(n=before.count())
    outcome = t.group_by("customer").agg(converted=t.first_target.notnull().cast("int64").max())
    span = before.timestamp.max().epoch_seconds() - before.timestamp.min().epoch_seconds()
    facts = before.group_by(f_customer=before.customer).agg(
        channels=before.channel.nunique(), steps=before.count(), hours=span / 3600)
    facts = outcome.left_join(facts, outcome.customer == facts.f_customer).drop("f_customer")
    return counts, facts


@dataclass
class ConversionTree:
    """A fitted decision tree predicting conversion from journey features.

    Attributes
    ----------
    model : sklearn.tree.DecisionTreeClassifier
    features : DataFrame
        One row per customer (index ``customer``), feature columns and ``converted``.
    accuracy : float
        Share of held-out customers predicted correctly.
    baseline_accuracy : float
        Accuracy of always predicting the majority class on the same held-out customers.
    rules : DataFrame
        One if/then rule per leaf: ``rule``, ``customers``, ``conversion`` (percent), ``prediction``.
    text : str
        ``sklearn.tree.export_text`` of the tree.
    """

    model: object
    features: pd.DataFrame
    accuracy: float
    baseline_accuracy: float
    rules: pd.DataFrame = field(repr=False)
    text: str = field(repr=False)

    def __str__(self) -> str:
        lines = [f"IF {r.rule} THEN {r.prediction} ({r.conversion:.0f}% of {r.customers} converted)"
                 for r in self.rules.itertuples()]
        return "\n".join(lines + [f"held-out accuracy {self.accuracy:.1%} "
                                  f"(majority baseline {self.baseline_accuracy:.1%})"])


def feature_frame(counts: pd.DataFrame, facts: pd.DataFrame, on: str) -> pd.DataFrame:
    wide = counts.pivot_table(index="customer", columns=on, values="n", aggfunc="sum", fill_value=0)
    wide.columns = [f"n_{c}" for c in wide.columns]
    frame = facts.set_index("customer").join(wide, how="left").fillna(0)
    return frame.sort_index()


def fit_tree(frame: pd.DataFrame, *, max_depth: int, test_size: float, random_state: int,
             min_samples_leaf: int) -> ConversionTree:
    from sklearn.model_selection import train_test_split
    from sklearn.tree import DecisionTreeClassifier, export_text

    y = frame["converted"].astype(int).to_numpy()
    x = frame.drop(columns="converted")
    if len(np.unique(y)) < 2 or min(np.bincount(y)) < 2:
        raise DataError(f"A conversion tree needs customers who converted and customers who did "
                        f"not (at least 2 of each); this log has {int(y.sum())} of {len(y)} converting.")
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=random_state, stratify=y)
    model = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=min_samples_leaf,
                                   random_state=random_state).fit(x_train, y_train)
    accuracy = float((model.predict(x_test) == y_test).mean())
    baseline = float((y_test == np.bincount(y_train).argmax()).mean())
    return ConversionTree(model, frame, accuracy, baseline, leaf_rules(model, list(x.columns)),
                          export_text(model, feature_names=list(x.columns)))


def leaf_rules(model, names: list[str]) -> pd.DataFrame:
    """Walk the fitted tree and write one readable condition chain per leaf."""
    tree, rows = model.tree_, []

    def walk(node, conditions):
        if tree.children_left[node] == tree.children_right[node]:  # a leaf
            counts = tree.value[node][0] * tree.weighted_n_node_samples[node]
            share = counts[1] / counts.sum() if len(counts) > 1 else 0.0
            rows.append({"rule": " AND ".join(conditions) or "(all customers)",
                         "customers": int(tree.n_node_samples[node]), "conversion": 100 * share,
                         "prediction": "converts" if share >= 0.5 else "does not convert"})
            return
        name, cut = names[tree.feature[node]], tree.threshold[node]
        walk(tree.children_left[node], conditions + [f"{name} <= {cut:g}"])
        walk(tree.children_right[node], conditions + [f"{name} > {cut:g}"])

    walk(0, [])
    return pd.DataFrame(rows).sort_values("customers", ascending=False).reset_index(drop=True)
