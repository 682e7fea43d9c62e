"""The ordered-funnel query, written once in Ibis so that DuckDB and Spark run the same plan.

Step k is matched greedily: the earliest event of step k at or after step k-1's time (and, with a
window, no later than step 1's time plus the window) that is not an event already used by an
earlier step. Taking the earliest candidate is optimal: later steps only need a time at or after
it, so an earlier match never closes a door a later one would open. Without a window the earliest
step-1 event is the best start; with a window every step-1 event is tried as a start, because
the earliest one may sit too far from the rest.
"""

from __future__ import annotations

import pandas as pd


def funnel_counts(ordered, steps: list[str], *, key: str, by: list[str], within: pd.Timedelta | None):
    """Customers reaching each step: an Ibis table with ``by`` and ``step_1`` .. ``step_k`` counts.

    ``ordered`` is the event table with ``pos`` (the position in the customer's journey). The
    steps are matched by one chain of left joins, so a single aggregate counts every step.
    """
    import ibis

    from .events import _interval

    start = ordered.filter(ordered[key] == steps[0])
    start = start.select("customer", *by, ts_1=start.timestamp, pos_1=start.pos)
    if within is None:
        first = ibis.window(group_by="customer", order_by="pos_1")
        start = start.filter(ibis.row_number().over(first) == 0)
    current = start
    window = _interval(within) if within is not None else None
    for k, step in enumerate(steps[1:], start=2):
        current = _next_step(ordered, current, steps, k, step, key, by, window)
    counts = {f"step_{k}": current.customer.nunique(where=current[f"ts_{k}"].notnull())
              for k in range(1, len(steps) + 1)}
    return current.group_by(by).agg(**counts) if by else current.agg(**counts)


def _next_step(ordered, current, steps, k, step, key, by, window):
    """Match step ``k`` for every funnel attempt in ``current`` (null when it is not reached)."""
    cand = ordered.filter(ordered[key] == step)
    cand = cand.select(c_customer=cand.customer, c_ts=cand.timestamp, c_pos=cand.pos)
    # A null ts_{k-1} (step k-1 not reached) matches nothing, so the attempt stays unfinished.
    cond = [current.customer == cand.c_customer, cand.c_ts >= current[f"ts_{k - 1}"]]
    if window is not None:
        cond.append(cand.c_ts <= current.ts_1 + window)
    # A repeated step must be matched by a different event than the earlier step(s) it repeats.
    cond += [cand.c_pos != current[f"pos_{j}"] for j in range(1, k) if steps[j - 1] == step]
    joined = current.left_join(cand, cond)
    # pos_1 identifies the attempt; other positions are carried only while a later step repeats them.
    keep = ["pos_1"] + [f"pos_{j}" for j in range(2, k)
                        if f"pos_{j}" in current.columns and steps[j - 1] in steps[k - 1:]]
    reached = [f"ts_{j}" for j in range(1, k)]
    # pos orders events by time, so the smallest candidate position is also the earliest time.
    return joined.group_by(["customer", *by, *reached, *keep]).agg(
        **{f"ts_{k}": joined.c_ts.min(), f"pos_{k}": joined.c_pos.min()})
