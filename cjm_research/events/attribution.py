"""Markov-chain attribution with the removal effect.

Each customer's journey up to the first conversion is a walk through states (channels, by
default) that starts at ``(start)`` and ends in ``(conversion)`` or, without one, in ``(null)``.
The first-order transition probabilities between states give the probability of converting from
``(start)``. Removing a state (every walk that reaches it is lost) lowers that probability; the
relative drop is the state's removal effect, and the effects normalised to sum to one are its
share of the conversions. Everything is exact linear algebra, so the result is deterministic, and
a removal can only lose walks, so no effect is negative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.errors import DataError

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"


def transition_counts(ordered, *, conversion: list[str], on: str):
    """Ibis table of ``source``, ``target``, ``count`` over the journeys' states."""
    import ibis

    is_conv = ordered.event.isin(conversion)
    first_conv = ibis.ifelse(is_conv, ordered.pos, ibis.null("int64")).min().over(
        ibis.window(group_by="customer"))
    t = ordered.mutate(first_conv=first_conv)
    t = t.filter(t.first_conv.isnull() | (t.pos <= t.first_conv))
    t = t.mutate(state=ibis.ifelse(t.event.isin(conversion), CONVERSION,
                                   t[on].cast("string").fill_null("(unknown)")))
    w = ibis.window(group_by="customer", order_by="pos")
    t = t.mutate(prev=t.state.lag().over(w), nxt=t.state.lead().over(w))
    into = t.select(source=t.prev.fill_null(START), target=t.state)
    ends = t.filter(t.nxt.isnull() & (t.state != CONVERSION))
    ends = ends.select(source=ends.state, target=ibis.literal(NULL))
    edges = ibis.union(into, ends, distinct=False)
    return edges.group_by(["source", "target"]).agg(count=edges.count())


def conversion_probability(probs: pd.DataFrame, removed: str | None = None) -> float:
    """Probability of reaching ``(conversion)`` from ``(start)``; ``removed`` leads to ``(null)``."""
    states = sorted(set(probs.index) | set(probs.columns) - {CONVERSION, NULL})
    q = probs.reindex(index=states, columns=states, fill_value=0.0).to_numpy(copy=True)
    r = probs.reindex(index=states, columns=[CONVERSION], fill_value=0.0).to_numpy(copy=True)[:, 0]
    if removed is not None:
        i = states.index(removed)
        q[i, :], r[i] = 0.0, 0.0  # the removed state absorbs into (null)
    absorb = np.linalg.solve(np.eye(len(states)) - q, r)
    return float(absorb[states.index(START)])


def removal_effects(counts: pd.DataFrame) -> pd.DataFrame:
    """``state``, ``removal_effect`` (0..1), ``share`` (sums to 1) from transition counts."""
    table = counts.pivot_table(index="source", columns="target", values="count", aggfunc="sum",
                               fill_value=0)
    probs = table.div(table.sum(axis=1), axis=0)
    base = conversion_probability(probs)
    if base <= 0:
        raise DataError("No journey in the event log reaches the conversion event, so there is "
                        "nothing to attribute; check the `conversion` event name.")
    states = sorted(s for s in set(counts["source"]) | set(counts["target"])
                    if s not in (START, CONVERSION, NULL))
    # Float round-off can leave -1e-16 where the true effect is 0; effects are never negative.
    effects = [max(0.0, 1 - conversion_probability(probs, s) / base) for s in states]
    frame = pd.DataFrame({"state": states, "removal_effect": effects})
    total = frame["removal_effect"].sum()
    frame["share"] = frame["removal_effect"] / total if total > 0 else 0.0
    frame.attrs["conversion_probability"] = base
    return frame.sort_values(["share", "state"], ascending=[False, True]).reset_index(drop=True)
