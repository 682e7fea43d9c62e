"""The future state: per-stage targets, planned touchpoint changes and opportunities.

A future-state file says where the journey should be (target NPS, CSAT, CES, conversion and
repurchase per stage, and a target emotion), which touchpoints are added, removed or changed, and
which opportunities get it there (owner, impact, effort, expected lift)::

    name: Future state 2027
    baseline_quarter: 2026Q3
    stages:
      decision:
        targets: {csat: 80, ces: 3.0, nps: 30, conversion_rate: 40}
        emotion: 0.5
        touchpoints:
          added: [{id: one_click_payment, label: One-click payment, channel: app}]
          removed: []
          changed: [payment]
    path: [product_page, cart, checkout, payment]   # optional: the designed journey
    opportunities:
      - title: Retry failed payments automatically
        stage: decision
        pain_points: [payment_failure]
        owner: Payments partner
        impact: 5            # 1..5
        effort: 2            # 1..5
        expected_lift: {metric: csat, value: 10}

``path`` (top level, for the whole journey, or ``stages.<stage>.path``) declares the designed
journey: the touchpoints (framework ids) or event names a customer should pass, in order, each
once. :meth:`EventLog.conformance <cjm_research.events.log.EventLog.conformance>` measures how many
observed journeys follow it.

Every problem names the file and the key, so the researcher knows which line to edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import ConfigError
from ..evidence.metrics import METRIC_RANGES
from ..core.framework import BUILTIN, JourneyFramework
from ..core.yamlio import check_keys, read_yaml, require

# metric -> (low, high, higher_is_better); the scales of docs/data-model.md
SCORE_RANGE = (1, 5)  # impact and effort


@dataclass(frozen=True)
class Opportunity:
    """A possible fix: what, where, who, how big and how hard."""

    title: str
    stage: str
    pain_points: tuple[str, ...] = ()
    owner: str | None = None
    impact: float = 3.0
    effort: float = 3.0
    lift_metric: str | None = None
    lift_value: float | None = None


@dataclass(frozen=True)
class StagePlan:
    """Targets and touchpoint changes of one stage."""

    stage: str
    targets: dict[str, float] = field(default_factory=dict)
    emotion: float | None = None
    added: tuple[dict, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # the designed path through the stage (touchpoints or events)


@dataclass
class FutureState:
    """Targets per stage and the opportunities planned to reach them.

    Examples
    --------
    >>> fs = FutureState.from_yaml("data/demo/future_state.yml")      # doctest: +SKIP
    >>> fs.targets().query("stage == 'decision'")                      # doctest: +SKIP
    """

    name: str
    stages: dict[str, StagePlan]
    opportunities: list[Opportunity]
    framework: JourneyFramework
    baseline_quarter: str | None = None
    path: Path | None = None
    journey_path: tuple[str, ...] = ()  # the designed path of the whole journey, when declared

    @classmethod
    def from_yaml(cls, path: str | Path, *, framework=None) -> "FutureState":
        """Read and validate a future-state file.

        Parameters
        ----------
        path : str or Path
            The future-state YAML.
        framework : JourneyFramework, str or Path, optional
            The framework whose stages and touchpoints the file may name. Default: the file's
            ``framework`` key, else ``framework.yml`` next to the file, else the built-in default.

        Examples
        --------
        >>> fs = FutureState.from_yaml("data/demo/future_state.yml")   # doctest: +SKIP
        >>> fs.stages["decision"].targets["csat"]                      # doctest: +SKIP
        80.0
        """
        path = Path(path)
        data = read_yaml(path)
        fw = _resolve_framework(framework, data, path)
        raw_stages = require(data, "stages", path, kind=dict)
        stages = {str(s): _parse_stage(str(s), plan, path, fw) for s, plan in raw_stages.items()}
        raw_opps = data.get("opportunities") or []
        if not isinstance(raw_opps, list):
            raise ConfigError(f"{path}: key 'opportunities' must be a list, got {type(raw_opps).__name__}.")
        opps = [_parse_opportunity(i, o, path, fw) for i, o in enumerate(raw_opps)]
        baseline = data.get("baseline_quarter")
        journey = _parse_path(data.get("path"), path, "path", fw)
        return cls(name=str(data.get("name", path.stem)), stages=stages, opportunities=opps,
                   framework=fw, baseline_quarter=str(baseline) if baseline else None, path=path,
                   journey_path=journey)

    def designed_paths(self) -> dict[str, tuple[str, ...]]:
        """The declared paths: ``"journey"`` (whole journey) and/or stage -> steps, in journey order.

        Examples
        --------
        >>> FutureState.from_yaml("data/demo/future_state.yml").designed_paths()  # doctest: +SKIP
        {'journey': ('product_page', 'cart', 'checkout', 'payment')}
        """
        paths = {"journey": self.journey_path} if self.journey_path else {}
        paths.update({s: p.path for s, p in self.stages.items() if p.path})
        return paths

    def path_column(self, steps) -> str:
        """``"touchpoint"`` when every step is a framework touchpoint id, else ``"event"``."""
        return "touchpoint" if all(s in self.framework.touchpoints for s in steps) else "event"

    def targets(self) -> pd.DataFrame:
        """Tidy targets: one row per stage and metric (emotion included), in journey order."""
        rows = [{"stage": s, "metric": m, "target": v}
                for s, plan in self.stages.items() for m, v in plan.targets.items()]
        rows += [{"stage": s, "metric": "emotion", "target": p.emotion}
                 for s, p in self.stages.items() if p.emotion is not None]
        frame = pd.DataFrame(rows, columns=["stage", "metric", "target"])
        order = self.framework.stage_order()
        return frame.sort_values("stage", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)

    def opportunity_table(self) -> pd.DataFrame:
        """One row per opportunity with its owner, impact, effort and expected lift."""
        cols = ["title", "stage", "pain_points", "owner", "impact", "effort", "lift_metric", "lift_value"]
        return pd.DataFrame([{c: getattr(o, c) for c in cols} for o in self.opportunities], columns=cols)

    def touchpoint_changes(self) -> pd.DataFrame:
        """One row per planned touchpoint change: stage, touchpoint, change (added/removed/changed)."""
        rows = []
        for s, p in self.stages.items():
            rows += [{"stage": s, "touchpoint": a["id"], "change": "added", "channel": a.get("channel")}
                     for a in p.added]
            rows += [{"stage": s, "touchpoint": t, "change": kind, "channel": self.framework.touchpoint(t).channel}
                     for kind, ids in (("removed", p.removed), ("changed", p.changed)) for t in ids]
        return pd.DataFrame(rows, columns=["stage", "touchpoint", "change", "channel"])

    def __repr__(self) -> str:
        return (f"FutureState({self.name!r}, stages={list(self.stages)}, "
                f"opportunities={len(self.opportunities)})")


def _resolve_framework(framework, data: dict, path: Path) -> JourneyFramework:
    if isinstance(framework, JourneyFramework):
        return framework
    ref = framework if framework is not None else data.get("framework")
    if ref is None:
        sibling = path.parent / "framework.yml"
        ref = sibling if sibling.exists() else "default"
    if str(ref) in BUILTIN:
        return JourneyFramework.load(str(ref))
    ref = Path(ref)
    return JourneyFramework.load(ref if ref.is_absolute() or framework is not None else path.parent / ref)


def _number(value, path: Path, key: str, low: float, high: float) -> float:
    # bool is an int in Python; "yes" as a target is a typo, not 1.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{path}: key {key!r} must be a number in {low:g}..{high:g}, got {value!r}.")
    if not low <= value <= high:
        raise ConfigError(f"{path}: key {key!r} is {value!r}, outside the range {low:g}..{high:g}.")
    return float(value)


def _metric_value(metric: str, value, path: Path, key: str) -> float:
    if metric not in METRIC_RANGES:
        raise ConfigError(f"{path}: key {key!r}: unknown metric {metric!r}; expected one of "
                          f"{list(METRIC_RANGES)}.")
    low, high, _ = METRIC_RANGES[metric]
    return _number(value, path, key, low, high)


def _parse_stage(stage: str, plan, path: Path, fw: JourneyFramework) -> StagePlan:
    fw.check_names([stage], kind="stage", source=f"{path}, key 'stages.{stage}'")
    plan = plan or {}
    if not isinstance(plan, dict):
        raise ConfigError(f"{path}: key 'stages.{stage}' must be a mapping, got {type(plan).__name__}.")
    check_keys(plan, ["targets", "emotion", "touchpoints", "path"], path, f"stages.{stage}")
    raw_targets = plan.get("targets") or {}
    if not isinstance(raw_targets, dict):
        raise ConfigError(f"{path}: key 'stages.{stage}.targets' must map metrics to values.")
    targets = {}
    for metric, value in raw_targets.items():
        key = f"stages.{stage}.targets.{metric}"
        if metric == "emotion":
            raise ConfigError(f"{path}: key {key!r}: give emotion as 'stages.{stage}.emotion', not as a target.")
        targets[str(metric)] = _metric_value(str(metric), value, path, key)
    emotion = plan.get("emotion")
    if emotion is not None:
        emotion = _metric_value("emotion", emotion, path, f"stages.{stage}.emotion")
    added, removed, changed = _parse_touchpoints(stage, plan.get("touchpoints") or {}, path, fw)
    steps = _parse_path(plan.get("path"), path, f"stages.{stage}.path", fw)
    return StagePlan(stage, targets, emotion, added, removed, changed, steps)


def _parse_path(raw, path: Path, key: str, fw: JourneyFramework) -> tuple[str, ...]:
    """A designed path: a list of distinct framework touchpoints, or of distinct event names."""
    import difflib

    if raw is None:
        return ()
    if isinstance(raw, str) or not isinstance(raw, list) or len(raw) < 2:
        raise ConfigError(f"{path}: key {key!r} must be a list of at least two touchpoints or event "
                          f"names in their designed order, got {raw!r}.")
    steps = tuple(str(s) for s in raw)
    repeated = sorted({s for s in steps if steps.count(s) > 1})
    if repeated:
        raise ConfigError(f"{path}: key {key!r} names {repeated} more than once; a designed path "
                          f"passes each step once (a loop is a deviation).")
    touchpoints, events = list(fw.touchpoints), list(fw.event_map())
    if all(s in fw.touchpoints for s in steps) or all(s in events for s in steps):
        return steps
    known = touchpoints + [e for e in events if e not in fw.touchpoints]
    unknown = [s for s in steps if s not in known]
    if not unknown:
        raise ConfigError(f"{path}: key {key!r} mixes touchpoints and event names; name only "
                          f"touchpoints {touchpoints} or only event names.")
    hints = "; ".join(f"{s!r} (closest: {difflib.get_close_matches(s, known, n=3, cutoff=0.5) or 'none'})"
                      for s in unknown)
    raise ConfigError(f"{path}: key {key!r}: unknown touchpoint or event {hints}; expected "
                      f"touchpoints of the framework {touchpoints} or their event names.")


def _parse_touchpoints(stage: str, raw, path: Path, fw: JourneyFramework):
    ctx = f"stages.{stage}.touchpoints"
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: key {ctx!r} must be a mapping with added, removed, changed.")
    check_keys(raw, ["added", "removed", "changed"], path, ctx)
    added = []
    for i, item in enumerate(raw.get("added") or []):
        item = {"id": item} if isinstance(item, str) else item
        if not isinstance(item, dict) or "id" not in item:
            raise ConfigError(f"{path}: key '{ctx}.added[{i}]' must be a mapping with an 'id'.")
        channel = item.get("channel")
        if channel is not None and str(channel) not in fw.channels:
            raise ConfigError(f"{path}: key '{ctx}.added[{i}].channel': unknown channel {channel!r}; "
                              f"expected one of {list(fw.channels)}.")
        added.append({"id": str(item["id"]), "label": str(item.get("label", item["id"])),
                      "channel": None if channel is None else str(channel)})
    kept = {}
    for kind in ("removed", "changed"):
        ids = [str(t) for t in (raw.get(kind) or [])]
        fw.check_names(ids, kind="touchpoint", source=f"{path}, key '{ctx}.{kind}'")
        kept[kind] = tuple(ids)
    return tuple(added), kept["removed"], kept["changed"]


def _parse_opportunity(i: int, raw, path: Path, fw: JourneyFramework) -> Opportunity:
    ctx = f"opportunities[{i}]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: key {ctx!r} must be a mapping with title, stage, impact, effort.")
    title = str(require(raw, "title", path, ctx))
    stage = str(require(raw, "stage", path, ctx))
    fw.check_names([stage], kind="stage", source=f"{path}, key '{ctx}.stage'")
    low, high = SCORE_RANGE
    impact = _number(raw.get("impact", 3), path, f"{ctx}.impact", low, high)
    effort = _number(raw.get("effort", 3), path, f"{ctx}.effort", low, high)
    pains = raw.get("pain_points") or []
    pains = (pains,) if isinstance(pains, str) else tuple(str(p) for p in pains)
    lift = raw.get("expected_lift")
    metric = value = None
    if lift is not None:
        if not isinstance(lift, dict) or "metric" not in lift or "value" not in lift:
            raise ConfigError(f"{path}: key '{ctx}.expected_lift' must be a mapping with metric and value.")
        metric = str(lift["metric"])
        if metric not in METRIC_RANGES:
            raise ConfigError(f"{path}: key '{ctx}.expected_lift.metric': unknown metric {metric!r}; "
                              f"expected one of {list(METRIC_RANGES)}.")
        low_m, high_m, _ = METRIC_RANGES[metric]
        span = high_m - low_m  # a lift is a change, so it may be negative (CES goes down)
        value = _number(lift["value"], path, f"{ctx}.expected_lift.value", -span, span)
    owner = raw.get("owner")
    return Opportunity(title, stage, pains, None if owner is None else str(owner), impact, effort, metric, value)
