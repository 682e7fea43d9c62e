"""Journey variants (whole ordered paths per customer), counted exactly, the most frequent first.

Writing every customer's path out as text and grouping by it is the straightforward query, and on a
large log it is the slowest of the journey queries: most customers follow a path nobody else does,
and each of those strings is built only to be counted once. For the most frequent ``top`` paths
the work is split in two:

1. every journey gets a fingerprint, the sum of the hashes of its (position, step) pairs, which
   is cheap to compute and to group by; journeys with the same fingerprint and length are almost
   always the same path;
2. only the customers whose fingerprint is among the most frequent ones get their path written
   out and counted exactly.

The answer is exact, not an estimate: if two different paths ever share a fingerprint they are
told apart in step 2, and when the counts of step 2 cannot prove that no path outside the
candidates belongs in the top ``top``, every path is written out as before.

Examples
--------
>>> import pandas as pd
>>> from cjm_research.events.log import read_events
>>> log = read_events(pd.DataFrame({"c": list("aabbc"), "e": ["view", "buy", "view", "buy", "view"],
...                                 "t": pd.date_range("2026-01-01", periods=5, freq="h")}),
...                   customer="c", timestamp="t", event="e")
>>> log.paths(top=2)[["path", "customers"]]
         path  customers
0  view > buy          2
1        view          1
"""

from __future__ import annotations

import pandas as pd


def path_counts(ordered, *, key: str, sep: str, top: int | None, run, temporary) -> pd.DataFrame:
    """``path``, ``length``, ``customers`` and ``share``, most frequent first (ties by path).

    ``ordered`` is the event table with ``pos``; ``run`` executes an expression to pandas and
    ``temporary`` stores one in the engine for a ``with`` block. The fingerprint route needs a step
    on every event (``key`` without missing values, as ``event`` always is); other keys are
    written out directly.
    """
    if top is None or key != "event":
        return _finish(run(exact_counts(ordered, key, sep)), top)
    with temporary(ordered.group_by("customer").agg(fp=journey_fingerprint(ordered, key), length=ordered.count())) as per:
        keys = per.group_by(["fp", "length"]).agg(customers=per.count())
        sizes = run(keys.group_by("customers").agg(keys=keys.count()))
        sizes = sizes.sort_values("customers", ascending=False)
        total = int((sizes["customers"] * sizes["keys"]).sum())
        reached = sizes["keys"].cumsum() >= top
        # The top-th largest fingerprint count: no path outside the candidates can have more customers.
        threshold = int(sizes.loc[reached, "customers"].iloc[0]) if reached.any() else int(sizes["customers"].min())
        candidates = keys.filter(keys.customers >= threshold)
        chosen = per.join(candidates, ["fp", "length"], how="semi").select("customer")
        exact = run(exact_counts(ordered.join(chosen, "customer", how="semi"), key, sep))
    exact = exact.sort_values(["customers", "path"], ascending=[False, True])
    everyone = threshold <= int(sizes["customers"].min())
    if not everyone and (len(exact) < top or int(exact["customers"].iloc[top - 1]) < threshold):
        # Shared fingerprints pushed the threshold above a true top path's count: write every path.
        return _finish(run(exact_counts(ordered, key, sep)), top)
    return _finish(exact, top, total=total)


def journey_fingerprint(t, key: str):
    """Sum of the hashes of the journey's (position, step) pairs: equal paths, equal sums."""
    import ibis

    # Hashes taken modulo 2**43 so that the sum of any journey's hashes fits in int64 on every
    # engine (DuckDB's hashes are unsigned 64-bit, and their plain sum needs 128 bits).
    return (ibis.struct({"pos": t.pos, "step": t[key]}).hash() % 8_796_093_022_208).sum()


def exact_counts(t, key: str, sep: str):
    """Every customer's path written out, counted by (path, length)."""
    import ibis

    # Position first so that sorting the collected structs sorts by time: a portable stand-in
    # for an ordered collect (which not every engine supports).
    per = t.group_by("customer").agg(steps=ibis.struct({"pos": t.pos, "step": t[key]}).collect())
    per = per.mutate(path=per.steps.sort().map(lambda s: s.step).join(sep), length=per.steps.length())
    return per.group_by(["path", "length"]).agg(customers=per.count())


def _finish(counts: pd.DataFrame, top: int | None, *, total: int | None = None) -> pd.DataFrame:
    counts = counts.sort_values(["customers", "path"], ascending=[False, True])
    total = int(counts["customers"].sum()) if total is None else total
    counts = counts.head(top) if top else counts
    counts = counts.assign(customers=counts["customers"].astype("int64"),
                           length=counts["length"].astype("int64"),
                           share=counts["customers"] / total if total else float("nan"))
    return counts[["path", "length", "customers", "share"]].reset_index(drop=True)
