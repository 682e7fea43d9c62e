"""The service blueprint: what the customer does, what they see, and what happens behind it.

Rows follow the blueprinting practice, separated by three lines: customer actions | *line of
interaction* | frontstage touchpoints | *line of visibility* | backstage steps and actors |
*line of internal interaction* | support processes (systems and tools), with the internal pain
points underneath. Frontstage and support come from the framework's touchpoint visibility, the
backstage from its backstage lanes; a :class:`~cjm_research.journey.map.JourneyMap` adds the customer
actions seen in events and internal pain points from internal interviews.
"""

from __future__ import annotations

import pandas as pd

from ..core.framework import JourneyFramework

ROWS = ("customer_actions", "frontstage", "backstage", "support", "internal_pain_points")


def blueprint(source, *, persona=None, top: int = 3) -> pd.DataFrame:
    """A tidy service blueprint: one row per stage, blueprint row and item.

    Parameters
    ----------
    source : JourneyMap, Study or JourneyFramework
        A map gives evidence-based customer actions (top paths) and internal pain points; a study
        or framework gives the designed blueprint only.
    persona : str, optional
        Whose customer actions to show (default: every persona's together, so one blueprint
        serves the whole map).
    top : int, default 3
        Customer actions (paths) per stage.

    Returns
    -------
    DataFrame
        ``stage, stage_label, row, item, source`` with ``row`` in customer_actions, frontstage,
        backstage, support, internal_pain_points; empty (with these columns) when the framework
        describes no touchpoints. Draw it with :func:`cjm_research.viz.maps.blueprint_chart`.

    Examples
    --------
    >>> bp = blueprint(JourneyFramework.load("default"))
    >>> bp.query("stage == 'decision' and row == 'support'")["item"].tolist()[:2]
    ['Checkout platform', 'Payment gateway']
    """
    fw = source if isinstance(source, JourneyFramework) else source.framework
    table = source.table() if hasattr(source, "table") else None
    usage = _usage(table)
    rows = []
    for stage in fw.stages:
        rows += _designed(fw, stage, usage)
        rows += _observed(table, fw, stage, persona, top) if table is not None else [
            {"stage": stage, "row": "customer_actions", "item": fw.label(tp.id), "source": "framework"}
            for tp in fw.touchpoints_in(stage, "frontstage")]
    # a framework without touchpoints (a survey with an outcome only) has an empty blueprint
    frame = pd.DataFrame(rows, columns=["stage", "row", "item", "source"])
    frame["stage_label"] = frame["stage"].map(fw.label)
    order = {r: i for i, r in enumerate(ROWS)}
    frame = frame.sort_values(["stage", "row"], key=lambda s: s.map(fw.stage_order()) if s.name == "stage"
                              else s.map(order), kind="stable")
    return frame[["stage", "stage_label", "row", "item", "source"]].drop_duplicates().reset_index(drop=True)


def _usage(table) -> dict:
    """Mean use (%) of each touchpoint across personas on the map (survey or event usage rows)."""
    if table is None or not len(table):
        return {}
    use = table[(table["lane"] == "touchpoints") & table["source"].astype(str).str.startswith("usage")]
    return use.groupby("item")["value"].mean().dropna().to_dict()


def _designed(fw: JourneyFramework, stage: str, usage: dict | None = None) -> list[dict]:
    """Frontstage, backstage and support rows from the framework; the frontstage most used first
    (as the map's touchpoint lane), the framework's order among touchpoints of equal or unknown use."""
    lanes = fw.stage(stage).backstage
    usage = usage or {}
    front = sorted(fw.touchpoints_in(stage, "frontstage"), key=lambda tp: -usage.get(tp.id, -1.0))
    rows = [{"stage": stage, "row": "frontstage", "item": f"{fw.label(tp.id)} [{fw.label(tp.channel)}]",
             "source": "framework"} for tp in front]
    rows += [{"stage": stage, "row": "backstage", "item": f"{fw.label(tp.id)} ({tp.owner})" if tp.owner
              else fw.label(tp.id), "source": "framework"} for tp in fw.touchpoints_in(stage, "backstage")]
    rows += [{"stage": stage, "row": "backstage", "item": step, "source": "framework"}
             for step in lanes.get("internal_process", [])]
    if lanes.get("internal_actors"):
        rows.append({"stage": stage, "row": "backstage", "item": "by: " + ", ".join(lanes["internal_actors"]),
                     "source": "framework"})
    rows += [{"stage": stage, "row": "support", "item": f"{fw.label(tp.id)} ({tp.owner})" if tp.owner
              else fw.label(tp.id), "source": "framework"} for tp in fw.touchpoints_in(stage, "support")]
    rows += [{"stage": stage, "row": "support", "item": tool, "source": "framework"}
             for tool in lanes.get("internal_channels", [])]
    rows += [{"stage": stage, "row": "internal_pain_points", "item": pain, "source": "framework"}
             for pain in lanes.get("internal_pain_points", [])]
    return rows


def _actions(process: pd.DataFrame, fw: JourneyFramework) -> pd.DataFrame:
    """The stage's steps, most frequent first: across personas a step's share is its steps (``n``)
    over the steps the map keeps for the stage (each persona's top paths); designed steps (no
    events) keep the framework's order, once."""
    if process.empty or process["persona"].nunique() <= 1:
        return process.sort_values("rank", kind="stable")
    if process["n"].isna().all():
        return process.drop_duplicates("item").sort_values("rank", kind="stable")
    steps = process[~process["masked"]].groupby("item", as_index=False).agg(n=("n", "sum"), source=("source", "first"))
    steps["value"] = 100 * steps["n"] / steps["n"].sum()
    return steps.assign(masked=False).sort_values("n", ascending=False, kind="stable")


def _observed(table: pd.DataFrame, fw: JourneyFramework, stage: str, persona, top: int) -> list[dict]:
    """Customer actions from the map's process lane and its internal pain points."""
    mine = table[(table["stage"] == stage) & ((table["persona"] == persona) if persona is not None else True)]
    process = _actions(mine[mine["lane"] == "process"], fw).head(top)
    rows = [{"stage": stage, "row": "customer_actions",
             "item": r.item if r.masked or pd.isna(r.value) else f"{r.item} ({r.value:.0f}%)",
             "source": str(r.source)} for r in process.itertuples()]
    if not rows:  # no events: the designed frontstage steps stand in for observed actions
        rows = [{"stage": stage, "row": "customer_actions", "item": fw.label(tp.id), "source": "framework"}
                for tp in fw.touchpoints_in(stage, "frontstage")]
    pains = mine[(mine["lane"] == "internal_pain_points") & (mine["source"] != "framework")]
    pains = pains.drop_duplicates("item")
    rows += [{"stage": stage, "row": "internal_pain_points", "item": str(r.item), "source": str(r.source)}
             for r in pains.itertuples()]
    return rows
