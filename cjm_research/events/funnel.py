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
    """Customers reaching each step: an Ibis table with ``by``, ``position`` (1-based) and ``customers``.

    ``ordered`` is the event table with ``pos`` (the position in the customer's journey). The
    steps are matched by a chain of joins, one per step; a step nobody reaches has no row.
    """
    import ibis

    from ..io.events import ibis_interval

    start = ordered.filter(ordered[key] == steps[0])
    if within is None:
        # The customer's first step-1 event: the smallest position is also the earliest time
        # (an aggregate, where a row_number filter would sort the step-1 events again).
        current = start.group_by("customer").agg(
            **{col: start[col].argmin(start.pos) for col in by}, ts_1=start.timestamp.min(), pos_1=start.pos.min())
    else:
        current = start.select("customer", *by, ts_1=start.timestamp, pos_1=start.pos)
    window = ibis_interval(within) if within is not None else None
    reached = [current]
    for k, step in enumerate(steps[1:], start=2):
        reached.append(_next_step(ordered, reached[-1], steps, k, step, key, by, window))
    # Attempts that stop at a step drop out of the chain, so each later join is smaller; the
    # count of each step comes from its own stage of the chain.
    counts = [r.group_by(by).agg(position=ibis.literal(k), customers=r.customer.nunique()) if by else
              r.agg(position=ibis.literal(k), customers=r.customer.nunique())
              for k, r in enumerate(reached, start=1)]
    return ibis.union(*counts, distinct=False)


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
    joined = current.join(cand, cond)
    # An attempt is a customer (and its step-1 event when every step-1 event may start one); the
    # other columns are the same on every row of an attempt, so they are carried as aggregates
    # rather than grouped by (grouping by fewer, narrower keys is most of this query's speed).
    # Positions are carried only while a later step repeats them.
    attempt = ["customer"] + (["pos_1"] if window is not None else [])
    keep = [f"pos_{j}" for j in range(1, k)
            if f"pos_{j}" in current.columns and f"pos_{j}" not in attempt and steps[j - 1] in steps[k - 1:]]
    carried = [*by, *[f"ts_{j}" for j in range(1, k)], *keep]
    # pos orders events by time, so the smallest candidate position is also the earliest time.
    return joined.group_by(attempt).agg(**{col: joined[col].max() for col in carried},
                                        **{f"ts_{k}": joined.c_ts.min(), f"pos_{k}": joined.c_pos.min()})
