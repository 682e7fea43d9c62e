"""Conformance of observed journeys to a designed path, by alignment.

A designed path (declared in the future-state file) is a sequence of distinct steps, touchpoints
or event names. Each customer's journey is first *projected* onto those steps: events of other
steps (an e-mail open in a checkout path) are neither conformance nor deviation and are left out.
The projected journey is then *aligned* with the path, as process-mining conformance checking
aligns a trace with a model. For a model that is one sequence, an optimal alignment matches the
longest common subsequence of journey and path; what is left over are the deviations:

- a designed step that never happens, before the last matched one: **skipped**; after it:
  **not reached** (the journey stopped early, a drop-off rather than a detour);
- a journey event that is not matched and whose step occurs more than once: **loop** (a step
  repeated); one that occurs once but in the wrong place: **out of order**.

Consecutive repeats of one step (viewing three products in a row) are one pass through it by
default (``repeats="collapse"``); ``repeats="loop"`` counts them as loops too. A customer's log
may hold several passes through the path (a second purchase): a new **journey** starts when the
path's first step comes again after the current journey reached the path's last step, so a
returning customer is not counted as looping.

A journey **follows** the path when nothing is left over: every step once, in order. Its
``fitness`` is ``1 - unmatched / (len(journey) + len(path))``, the usual alignment fitness.
Alignment was chosen over footprints (comparing directly-follows relations) because it speaks
per journey and per step, which is what a journey map shows; for a single sequence it is exact
and cheap. The engine returns the projected variants with their counts (grouped by ``by``), so
the alignment runs once per distinct variant, not once per customer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DEVIATIONS = ("skipped", "out_of_order", "loop", "not_reached")
SEP = " > "


@dataclass
class Conformance:
    """How observed journeys compare with a designed path.

    Attributes
    ----------
    path : list of str
        The designed steps.
    on : str
        The column the steps name (``event`` or ``touchpoint``).
    summary : DataFrame
        One row per group of ``by``: ``customers`` (with at least one designed step), their
        ``journeys`` (passes through the path), ``follows`` and ``share`` (0..1) of journeys
        that follow the path exactly, mean ``fitness`` (0..1), and the journeys with each
        deviation (``skipped``, ``out_of_order``, ``loop``, ``not_reached``).
    deviations : DataFrame
        One row per group, deviation and step: ``journeys``, ``share`` (of the group's
        journeys) and ``example`` (the most frequent projected journey with it), most frequent
        first.
    """

    path: list[str]
    on: str
    summary: pd.DataFrame
    deviations: pd.DataFrame

    def __repr__(self) -> str:
        total = self.summary["journeys"].sum()
        share = self.summary["follows"].sum() / total if total else float("nan")
        return (f"Conformance(path={SEP.join(self.path)!r}, customers={int(self.summary['customers'].sum())}, "
                f"journeys={int(total)}, follows={share:.1%})")


def projected_variants(ordered, *, steps: list[str], on: str, by: list[str], collapse: bool = True):
    """Ibis table: ``variant`` (the journey projected onto ``steps``), ``by`` columns, ``customers``.

    A customer's group is taken at its first designed step; with ``collapse`` a step that repeats
    the previous designed step is dropped.
    """
    import ibis

    t = ordered.filter(ordered[on].isin(steps))
    if collapse:
        prev = t[on].lag().over(ibis.window(group_by="customer", order_by="pos"))
        t = t.mutate(prev_step=prev)
        t = t.filter(t.prev_step.isnull() | (t.prev_step != t[on]))
    per = t.group_by("customer").agg(steps=ibis.struct({"pos": t.pos, "step": t[on].cast("string")}).collect(),
                                     **{b: t[b].argmin(t.pos) for b in by})
    per = per.mutate(variant=per.steps.sort().map(lambda s: s.step).join(SEP))
    return per.group_by(["variant", *by]).agg(customers=per.count())


def align(journey: list[str], path: list[str]) -> dict:
    """Align one projected journey with the path: the deviations and the fitness.

    Examples
    --------
    >>> sorted(align(["view", "buy", "cart", "cart"], ["view", "cart", "buy"])["deviations"])
    [('loop', 'cart'), ('out_of_order', 'buy')]
    """
    n, m = len(journey), len(path)
    # Longest common subsequence by dynamic programming (paths are short, variants few).
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = (best[i + 1][j + 1] + 1 if journey[i] == path[j]
                          else max(best[i + 1][j], best[i][j + 1]))
    matched_j, matched_i, i, j = set(), set(), 0, 0
    while i < n and j < m:
        if journey[i] == path[j]:
            matched_i.add(i)
            matched_j.add(j)
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    last = max(matched_j) if matched_j else -1
    # A designed step that happens, but in the wrong place, is out of order (or a loop), not missing.
    found = {("skipped" if j < last else "not_reached", path[j]) for j in range(m)
             if j not in matched_j and path[j] not in journey}
    found |= {("loop" if journey.count(journey[i]) > 1 else "out_of_order", journey[i])
              for i in range(n) if i not in matched_i}
    unmatched = (m - len(matched_j)) + (n - len(matched_i))
    return {"deviations": found, "fitness": 1 - unmatched / (n + m), "follows": unmatched == 0}


def journeys_of(steps: list[str], path: list[str]) -> list[list[str]]:
    """Split a customer's projected steps into journeys (passes through the path).

    Examples
    --------
    >>> journeys_of(["view", "cart", "view", "buy"], ["view", "cart", "buy"])  # a loop, not a new pass
    [['view', 'cart', 'view', 'buy']]
    >>> journeys_of(["view", "cart", "buy", "view", "buy"], ["view", "cart", "buy"])
    [['view', 'cart', 'buy'], ['view', 'buy']]
    """
    parts, current = [], []
    for step in steps:
        if step == path[0] and path[-1] in current:
            parts.append(current)
            current = []
        current.append(step)
    return parts + [current] if current else parts


def conformance_frames(variants: pd.DataFrame, path: list[str], by: list[str]):
    """The summary and deviations frames of :class:`Conformance` from the projected variants."""
    rows, devs = [], []
    for variant in variants.itertuples(index=False):
        group = {b: getattr(variant, b) for b in by}
        steps = variant.variant.split(SEP) if variant.variant else []
        for i, journey in enumerate(journeys_of(steps, path)):
            result, n = align(journey, path), variant.customers
            rows.append({**group, "customers": n if i == 0 else 0, "journeys": n, "follows": n * result["follows"],
                         "fitness_sum": n * result["fitness"],
                         **{d: n * any(k == d for k, _ in result["deviations"]) for d in DEVIATIONS}})
            devs += [{**group, "deviation": kind, "step": step, "journeys": n, "example": SEP.join(journey)}
                     for kind, step in result["deviations"]]
    return _summary(pd.DataFrame(rows), by), _deviations(pd.DataFrame(devs), by, pd.DataFrame(rows))


def _groupby(frame: pd.DataFrame, keys: list[str]):
    # dropna=False: customers without a persona (or channel) are a group of their own.
    return frame.groupby(keys, dropna=False, sort=True)


def _summary(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    cols = ["customers", "journeys", "follows", "fitness_sum", *DEVIATIONS]
    out = [*by, "customers", "journeys", "follows", "share", "fitness", *DEVIATIONS]
    if rows.empty:
        return pd.DataFrame(columns=out)
    total = _groupby(rows, by)[cols].sum().reset_index() if by else rows[cols].sum().to_frame().T
    total = total.astype({c: "int64" for c in cols if c != "fitness_sum"})
    total["share"] = total["follows"] / total["journeys"]
    total["fitness"] = total["fitness_sum"] / total["journeys"]
    return total[out].reset_index(drop=True)


def _deviations(devs: pd.DataFrame, by: list[str], rows: pd.DataFrame) -> pd.DataFrame:
    cols = [*by, "deviation", "step", "journeys", "share", "example"]
    if devs.empty:
        return pd.DataFrame(columns=cols)
    keys = [*by, "deviation", "step"]
    # The example is the most frequent projected journey with this deviation (ties: shortest text).
    devs = devs.assign(length=devs["example"].str.len()).sort_values(
        [*keys, "journeys", "length", "example"], ascending=[True] * len(keys) + [False, True, True])
    counted = _groupby(devs, keys).agg(journeys=("journeys", "sum"), example=("example", "first")).reset_index()
    sizes = _groupby(rows, by)["journeys"].sum().rename("n").reset_index() if by else None
    counted = counted.merge(sizes, on=by, how="left") if by else counted.assign(n=int(rows["journeys"].sum()))
    counted["share"] = counted["journeys"] / counted["n"]
    counted = counted.sort_values([*by, "journeys", "deviation", "step"],
                                  ascending=[True] * len(by) + [False, True, True])
    return counted[cols].reset_index(drop=True)
