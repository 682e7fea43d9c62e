"""The journey framework: ordered stages, touchpoints, channels and backstage lanes.

A framework is a YAML file versioned with the study. It is the single place that says which
stages exist and in which order, where each touchpoint sits (stage, channel, owner, visibility) and
which event names in a log belong to which touchpoint. Everything downstream (metrics per stage,
maps, blueprints, event analytics) looks stages and touchpoints up here, so an unknown name
anywhere is an error that names the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import ConfigError, preview
from .yamlio import read_yaml, require

VISIBILITIES = ("frontstage", "backstage", "support")
BACKSTAGE_LANES = ("internal_actors", "internal_channels", "internal_process", "internal_pain_points")
BUILTIN = ("default", "omnichannel")


def _label(raw, fallback: str) -> dict[str, str]:
    # Labels may be a plain string or a mapping of language -> text; reports need both en and id.
    if raw is None:
        text = fallback.replace("_", " ").capitalize()
        return {"en": text, "id": text}
    if isinstance(raw, str):
        return {"en": raw, "id": raw}
    return {"en": raw.get("en", fallback), "id": raw.get("id", raw.get("en", fallback))}


@dataclass(frozen=True)
class Stage:
    """One ordered phase of the journey."""

    id: str
    label: dict[str, str]
    backstage: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Touchpoint:
    """A place where customer and brand meet."""

    id: str
    label: dict[str, str]
    stage: str
    channel: str
    owner: str | None = None
    visibility: str = "frontstage"
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class Channel:
    """The medium of a touchpoint (web, app, store, ...)."""

    id: str
    label: dict[str, str]


@dataclass
class JourneyFramework:
    """Stages in order, touchpoints, channels and the backstage lanes of each stage.

    Examples
    --------
    >>> fw = JourneyFramework.load("default")
    >>> fw.stages
    ['awareness', 'consideration', 'decision', 'retention', 'advocacy']
    >>> fw.touchpoint("checkout").stage
    'decision'
    >>> fw.stage_of_event("payment_failed")
    'decision'
    """

    name: str
    stage_list: list[Stage]
    touchpoints: dict[str, Touchpoint]
    channels: dict[str, Channel]
    path: Path | None = None
    version: int | str | None = None

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, source: str | Path) -> "JourneyFramework":
        """Load a framework from a YAML path or a built-in name (``default``, ``omnichannel``)."""
        if isinstance(source, str) and source in BUILTIN:
            ref = resources.files("cjm_research.core") / "frameworks" / f"{source}.yml"
            with resources.as_file(ref) as path:
                return cls.from_yaml(path)
        return cls.from_yaml(source)

    @classmethod
    def from_yaml(cls, path: str | Path) -> "JourneyFramework":
        """Read and validate a framework file; every problem names the file and the key."""
        path = Path(path)
        data = read_yaml(path)
        stages = cls._parse_stages(require(data, "stages", path, kind=list), path)
        channels = cls._parse_channels(data.get("channels") or [], path)
        touchpoints = cls._parse_touchpoints(require(data, "touchpoints", path, kind=list), path,
                                             [s.id for s in stages], channels)
        return cls(name=str(data.get("name", path.stem)), stage_list=stages, touchpoints=touchpoints,
                   channels=channels, path=path, version=data.get("version"))

    @staticmethod
    def _parse_stages(raw: list, path: Path) -> list[Stage]:
        stages, seen = [], set()
        for i, item in enumerate(raw):
            item = {"id": item} if isinstance(item, str) else item
            if not isinstance(item, dict) or "id" not in item:
                raise ConfigError(f"{path}: key 'stages[{i}]' must be a mapping with an 'id'.")
            sid = str(item["id"])
            if sid in seen:
                raise ConfigError(f"{path}: key 'stages[{i}].id': stage {sid!r} is listed twice.")
            seen.add(sid)
            backstage = item.get("backstage") or {}
            unknown = sorted(set(backstage) - set(BACKSTAGE_LANES))
            if unknown:
                raise ConfigError(f"{path}: key 'stages[{i}].backstage' has unknown lane(s) {preview(unknown)}; "
                                  f"expected some of {list(BACKSTAGE_LANES)}.")
            lanes = {lane: [str(v) for v in (backstage.get(lane) or [])] for lane in BACKSTAGE_LANES}
            stages.append(Stage(sid, _label(item.get("label"), sid), lanes))
        if not stages:
            raise ConfigError(f"{path}: key 'stages' is empty; a journey needs at least one stage.")
        return stages

    @staticmethod
    def _parse_channels(raw: list, path: Path) -> dict[str, Channel]:
        channels = {}
        for i, item in enumerate(raw):
            item = {"id": item} if isinstance(item, str) else item
            if not isinstance(item, dict) or "id" not in item:
                raise ConfigError(f"{path}: key 'channels[{i}]' must be a mapping with an 'id'.")
            channels[str(item["id"])] = Channel(str(item["id"]), _label(item.get("label"), str(item["id"])))
        return channels

    @staticmethod
    def _parse_touchpoints(raw: list, path: Path, stage_ids: list[str],
                           channels: dict[str, Channel]) -> dict[str, Touchpoint]:
        touchpoints: dict[str, Touchpoint] = {}
        owner_of_event: dict[str, str] = {}
        for i, item in enumerate(raw):
            if not isinstance(item, dict) or "id" not in item:
                raise ConfigError(f"{path}: key 'touchpoints[{i}]' must be a mapping with an 'id'.")
            tid = str(item["id"])
            ctx = f"touchpoints[{i}] ({tid})"
            if tid in touchpoints:
                raise ConfigError(f"{path}: key '{ctx}.id': touchpoint {tid!r} is listed twice.")
            stage = str(require(item, "stage", path, ctx))
            if stage not in stage_ids:
                raise ConfigError(f"{path}: key '{ctx}.stage': unknown stage {stage!r}; "
                                  f"expected one of {stage_ids}.")
            channel = str(require(item, "channel", path, ctx))
            if channels and channel not in channels:
                raise ConfigError(f"{path}: key '{ctx}.channel': unknown channel {channel!r}; "
                                  f"expected one of {list(channels)}.")
            visibility = str(item.get("visibility", "frontstage"))
            if visibility not in VISIBILITIES:
                raise ConfigError(f"{path}: key '{ctx}.visibility': {visibility!r} is not one of "
                                  f"{list(VISIBILITIES)}.")
            events = tuple(str(e) for e in (item.get("events") or []))
            for ev in events:
                if ev in owner_of_event:
                    raise ConfigError(f"{path}: key '{ctx}.events': event {ev!r} already belongs to "
                                      f"touchpoint {owner_of_event[ev]!r}.")
                owner_of_event[ev] = tid
            touchpoints[tid] = Touchpoint(tid, _label(item.get("label"), tid), stage, channel,
                                          item.get("owner"), visibility, events)
        if not channels:  # channels may be implied by the touchpoints
            for tp in touchpoints.values():
                channels.setdefault(tp.channel, Channel(tp.channel, _label(None, tp.channel)))
        return touchpoints

    # ----------------------------------------------------------------- lookups
    @property
    def stages(self) -> list[str]:
        """Stage ids in journey order."""
        return [s.id for s in self.stage_list]

    def stage(self, stage_id: str) -> Stage:
        """The :class:`Stage` with this id (a :class:`ConfigError` names the framework otherwise)."""
        for s in self.stage_list:
            if s.id == stage_id:
                return s
        raise ConfigError(f"{self._where()}: unknown stage {stage_id!r}; expected one of {self.stages}.")

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        """The :class:`Touchpoint` with this id."""
        try:
            return self.touchpoints[touchpoint_id]
        except KeyError:
            raise ConfigError(f"{self._where()}: unknown touchpoint {touchpoint_id!r}; "
                              f"expected one of {list(self.touchpoints)}.") from None

    def touchpoints_in(self, stage_id: str, visibility: str | None = None) -> list[Touchpoint]:
        """Touchpoints of one stage, in file order, optionally only those of one visibility."""
        self.stage(stage_id)
        return [t for t in self.touchpoints.values()
                if t.stage == stage_id and (visibility is None or t.visibility == visibility)]

    def event_map(self) -> dict[str, str]:
        """Event name -> touchpoint id. A touchpoint with no ``events`` maps its own id."""
        mapping = {}
        for tp in self.touchpoints.values():
            for ev in tp.events or (tp.id,):
                mapping[ev] = tp.id
        return mapping

    def touchpoint_of_event(self, event: str) -> str | None:
        """The touchpoint an event name belongs to, or None when the framework does not know it."""
        return self.event_map().get(event)

    def stage_of_event(self, event: str) -> str | None:
        """The stage an event name belongs to, or None."""
        tid = self.touchpoint_of_event(event)
        return self.touchpoints[tid].stage if tid else None

    def stage_order(self) -> dict[str, int]:
        """Stage id -> position (0-based), for sorting."""
        return {s: i for i, s in enumerate(self.stages)}

    def label(self, item_id: str, language: str = "en") -> str:
        """Display label of a stage, touchpoint or channel in ``en`` or ``id``."""
        for pool in (self.stage_list, self.touchpoints.values(), self.channels.values()):
            for obj in pool:
                if obj.id == item_id:
                    return obj.label.get(language, obj.label["en"])
        return item_id.replace("_", " ")

    def check_names(self, names, *, kind: str, source: str) -> None:
        """Raise when any of ``names`` is not a known stage or touchpoint.

        ``source`` names the file and key that mentioned them, so the message points at the
        place the user has to edit.
        """
        known = self.stages if kind == "stage" else list(self.touchpoints)
        unknown = sorted({str(n) for n in names if str(n) not in known})
        if unknown:
            raise ConfigError(f"{source}: unknown {kind}(s) {preview(unknown)}; expected one of {known}.")

    def _where(self) -> str:
        return str(self.path) if self.path else f"framework {self.name!r}"

    def __repr__(self) -> str:
        return (f"JourneyFramework({self.name!r}, stages={self.stages}, "
                f"touchpoints={len(self.touchpoints)}, channels={list(self.channels)})")
