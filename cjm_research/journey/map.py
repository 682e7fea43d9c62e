"""Journey maps: the current state, day in the life, blueprint, future state and comparisons.

A :class:`JourneyMap` is one tidy table (``persona, stage, lane, item, value, n, ci_low, ci_high``
plus ``source``, ``detail``, ``quote``, ``rank`` and ``masked``) with views on it: ``wide()`` for
reading, ``plot()`` for the map figure, ``to_csv()`` and ``to_mermaid()`` for export. The lanes are
the elements of the CJM practice (DESIGN.md section 1): the frontstage lanes come from the survey,
the interviews and the event log; the backstage lanes from the framework and internal interviews.

This module is the public face of the maps: ``blueprint``, ``FutureState``, ``compare`` and
``compare_quarters`` live in their own modules and are re-exported here.

Examples
--------
>>> import cjm_research as cjm                                   # doctest: +SKIP
>>> study = cjm.load_study("data/demo/study.yml")                # doctest: +SKIP
>>> jm = cjm.current_state(study)                                # doctest: +SKIP
>>> jm.table().query("lane == 'pain_points'").head()             # doctest: +SKIP
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..core.errors import ParameterError, check_choice

LANES = ("touchpoints", "channels", "process", "emotion", "pain_points", "metrics", "opportunities",
         "internal_actors", "internal_channels", "internal_process", "internal_pain_points")
FRONTSTAGE_LANES = LANES[:7]
BACKSTAGE_LANES = LANES[7:]
COLUMNS = ["persona", "stage", "lane", "item", "value", "n", "ci_low", "ci_high",
           "source", "detail", "quote", "rank", "masked"]


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a lane frame the map's columns and dtypes (missing optional columns become NA)."""
    out = frame.reindex(columns=COLUMNS).copy()
    for col in ("value", "n", "ci_low", "ci_high", "rank"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Float64")
    for col in ("persona", "stage", "lane", "item", "source", "detail", "quote"):
        out[col] = out[col].astype("string")
    out["masked"] = out["masked"].astype("boolean").fillna(False).astype(bool)
    return out


def mask_small_cells(frame: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """Blank the numbers (and quotes) of rows whose ``n`` is below ``min_cell_size``.

    Small cells are hidden for privacy and because their estimates are too noisy to read; the row
    stays, flagged ``masked``, so a reader sees that evidence exists but is too thin to show.

    Examples
    --------
    >>> t = conform(pd.DataFrame({"persona": ["a", "a"], "stage": ["s", "s"], "lane": ["metrics"] * 2,
    ...                           "item": ["csat", "ces"], "value": [80.0, 3.1], "n": [40, 3]}))
    >>> mask_small_cells(t, 5)["masked"].tolist()
    [False, True]
    """
    out = frame.copy()
    small = (out["n"].notna() & (out["n"] < min_cell_size)).fillna(False).astype(bool)
    out["masked"] = out["masked"] | small
    out.loc[small, ["value", "ci_low", "ci_high"]] = pd.NA
    out.loc[small, "quote"] = pd.NA
    return out


class JourneyMap:
    """A current-state journey map: evidence per persona, stage and lane, as one tidy table.

    Made by :func:`current_state`; construct it directly only from a table that already has the
    map's columns (for example one read back from CSV).

    Parameters
    ----------
    data : DataFrame
        Tidy rows with at least ``persona, stage, lane, item, value, n``.
    framework : JourneyFramework
        Gives the stage order and labels.
    min_cell_size : int, default 5
        Rows with ``n`` below it are masked.
    quarter : str, optional
    study : Study, optional
        Kept so comparisons can go back to respondent-level data.
    assignment : Series, optional
        Persona per respondent id, as used to build the map.
    definitions : dict, optional
        Metric name -> definition text, for captions.
    confidence : float, default 0.95
        The level of every interval on the map; captions and ``table().attrs["confidence"]`` say it.
    drivers : DataFrame, optional
        Key drivers of the outcome (see :meth:`drivers`).
    outcome : str, optional
        What the drivers explain, in words.
    sources : list of str, optional
        The kinds of evidence the map was built from (survey, interviews, events).
    """

    def __init__(self, data: pd.DataFrame, *, framework, min_cell_size: int = 5, quarter=None,
                 study=None, assignment: pd.Series | None = None, definitions: dict | None = None,
                 confidence: float = 0.95, drivers: pd.DataFrame | None = None, outcome: str | None = None,
                 sources=None, low_ratings: tuple = (1, 2)):
        from ..evidence.intervals import check_confidence

        self.framework = framework
        self.min_cell_size = int(min_cell_size)
        self.quarter = quarter
        self.study = study
        self.assignment = assignment
        self.definitions = dict(definitions or {})
        self.confidence = check_confidence(confidence)
        self.outcome = outcome
        # (lowest rating, highest rating that counts as low) of the touchpoint scale, for captions
        self.low_ratings = tuple(low_ratings)
        self.sources = list(sources) if sources is not None else sorted(set(_kinds(data)))
        self._drivers = drivers
        self._data = mask_small_cells(conform(data), self.min_cell_size)
        self._data = self._sorted(self._data)

    @classmethod
    def from_csv(cls, path, *, framework, min_cell_size: int = 5) -> "JourneyMap":
        """Read a map's tidy table back from CSV (as written by :meth:`to_csv`), e.g. to redraw it.

        Examples
        --------
        >>> jm2 = JourneyMap.from_csv("current_state.csv", framework=study.framework)   # doctest: +SKIP
        """
        from ..core.errors import DataError, preview

        frame = pd.read_csv(path, dtype={"persona": "string", "stage": "string", "item": "string"})
        missing = [c for c in ("persona", "stage", "lane", "item", "value", "n") if c not in frame.columns]
        if missing:
            raise DataError(f"{path}: column(s) {preview(missing)} missing; a journey-map table needs "
                            f"{COLUMNS[:8]}.")
        unknown = sorted(set(frame["stage"].dropna()) - set(framework.stages))
        if unknown:
            raise DataError(f"{path}, column 'stage': unknown stage(s) {preview(unknown)}; expected one of "
                            f"{framework.stages}.")
        return cls(frame, framework=framework, min_cell_size=min_cell_size)

    def _sorted(self, frame: pd.DataFrame) -> pd.DataFrame:
        stage_pos = frame["stage"].map(self.framework.stage_order())
        lane_pos = frame["lane"].map({lane: i for i, lane in enumerate(LANES)})
        keys = pd.DataFrame({"p": frame["persona"], "s": stage_pos, "l": lane_pos,
                             "r": frame["rank"].fillna(np.inf)})
        return frame.loc[keys.sort_values(["p", "s", "l", "r"], kind="stable").index].reset_index(drop=True)

    # ------------------------------------------------------------------ views
    @property
    def personas(self) -> list[str]:
        """Persona names on the map, in table order."""
        return list(dict.fromkeys(self._data["persona"].dropna()))

    @property
    def stages(self) -> list[str]:
        """Stage ids in journey order."""
        return self.framework.stages

    def table(self, *, persona=None, lane=None, stage=None) -> pd.DataFrame:
        """The tidy table (a copy), optionally filtered to personas, lanes or stages.

        Examples
        --------
        >>> jm.table(lane="metrics", persona="all")        # doctest: +SKIP
        """
        frame = self._data
        for col, want in (("persona", persona), ("lane", lane), ("stage", stage)):
            if want is None:
                continue
            want = [want] if isinstance(want, str) else list(want)
            known = sorted(set(frame[col].dropna())) if col != "lane" else list(LANES)
            bad = [w for w in want if w not in known]
            if bad:
                raise ParameterError(f"The value for `{col}` must be among {known!r}, but {bad[0]!r} was passed.")
            frame = frame[frame[col].isin(want)]
        out = frame.reset_index(drop=True).copy()
        out.attrs.update(confidence=self.confidence, min_cell_size=self.min_cell_size)
        return out

    def drivers(self, *, persona=None, level: str | None = None) -> pd.DataFrame:
        """Key drivers of the study's outcome: touchpoints and stages ranked by their share of R².

        ``persona, level (touchpoint | stage), stage, driver, importance (% of R²), ci_low, ci_high
        (bootstrap interval at the map's confidence), rank, n, r2, performance (0..100), quadrant,
        outcome``. Empty when the study has no outcome (nor NPS or CSAT to stand in for one);
        :meth:`not_measured` then names it.

        Examples
        --------
        >>> jm.drivers(level="touchpoint").head(3)        # doctest: +SKIP
        """
        from .lanes import DRIVER_COLUMNS

        frame = self._drivers if self._drivers is not None else pd.DataFrame(columns=DRIVER_COLUMNS)
        if level is not None:
            check_choice("level", level, ["touchpoint", "stage"])
            frame = frame[frame["level"] == level]
        if persona is not None:
            check_choice("persona", persona, self.personas)
            frame = frame[frame["persona"] == persona]
        out = frame.sort_values(["persona", "level", "rank"], kind="stable").reset_index(drop=True)
        out.attrs.update(confidence=self.confidence, outcome=self.outcome)
        return out

    def focus_persona(self) -> str:
        """The persona whose journey feels worst: the lowest mean pooled emotion (else the first).

        Examples
        --------
        >>> jm.plot(persona=jm.focus_persona())            # doctest: +SKIP
        """
        emo = self.emotion().dropna(subset=["value"])
        if emo.empty:
            return self.personas[0]
        return str(emo.groupby("persona")["value"].mean().idxmin())

    def not_measured(self) -> list[str]:
        """What this map cannot show because the study does not measure it, e.g. ``['CES', 'interviews']``.

        Examples
        --------
        >>> jm.not_measured()                             # doctest: +SKIP
        ['NPS', 'CES', 'interviews', 'events']
        """
        have = set(self._data.loc[self._data["lane"] == "metrics", "item"].dropna())
        missing = [name for key, name in (("nps", "NPS"), ("csat", "CSAT"), ("ces", "CES")) if key not in have]
        if self._drivers is None or not len(self._drivers):
            # with an outcome, what the drivers lack is the ratings that would explain it
            missing.append("ratings" if self.outcome else "outcome")
        missing += [kind for kind in ("survey", "interviews", "events") if kind not in self.sources]
        return missing

    def pain_points(self, *, persona=None, stage=None, top: int | None = None) -> pd.DataFrame:
        """Ranked pain points (rank 1 = strongest evidence) with their evidence and a redacted quote."""
        frame = self.table(persona=persona, stage=stage, lane="pain_points")
        frame = frame.sort_values(["persona", "stage", "rank"], kind="stable")
        if top is not None:
            frame = frame[frame["rank"] <= top]
        return frame.reset_index(drop=True)

    def emotion(self, *, source: str = "combined") -> pd.DataFrame:
        """The emotion curve (-1..1) per persona and stage from one source.

        ``source`` is ``combined`` (both sources pooled), ``satisfaction`` (stage ratings) or
        ``sentiment`` (interview quotes).
        """
        check_choice("source", source, ["combined", "satisfaction", "sentiment"])
        frame = self.table(lane="emotion")
        frame = frame[frame["item"] == source]
        return frame[["persona", "stage", "value", "ci_low", "ci_high", "n", "masked"]].reset_index(drop=True)

    def metric(self, name: str) -> pd.DataFrame:
        """One metric (``nps``, ``csat``, ``ces``, ``conversion_rate``, ``repurchase_rate``) per persona and stage."""
        check_choice("name", name, ["nps", "csat", "ces", "outcome", "importance", "conversion_rate",
                                    "repurchase_rate"])
        frame = self.table(lane="metrics")
        return frame[frame["item"] == name].reset_index(drop=True)

    def wide(self, *, persona=None, top: int = 3, width: int = 40) -> pd.DataFrame:
        """A stage x lane view for reading: each cell lists the top items with their values.

        Rows are stages (with a persona level when the map has several personas), columns the lanes.
        Masked values show as ``n<5``.
        """
        frame = self.table(persona=persona)
        cells = (frame.groupby(["persona", "stage", "lane"], sort=False)
                 .apply(lambda g: _cell_text(g.assign(lane=g.name[2]), top, width, self.min_cell_size),
                        include_groups=False)
                 .rename("text").reset_index())
        wide = cells.pivot(index=["persona", "stage"], columns="lane", values="text")
        wide = wide.reindex(columns=[lane for lane in LANES if lane in wide.columns])
        order = pd.MultiIndex.from_tuples(sorted(wide.index, key=lambda k: (self.personas.index(k[0]),
                                                                          self.framework.stage_order()[k[1]])))
        wide = wide.reindex(order)
        wide.index.names = ["persona", "stage"]
        wide.columns.name = None
        return wide.droplevel("persona") if wide.index.get_level_values("persona").nunique() == 1 else wide

    # ---------------------------------------------------------------- outputs
    def plot(self, ax=None, *, persona=None, **kwargs):
        """Draw the journey map (see :func:`cjm_research.viz.maps.journey_map`); returns the Axes."""
        from ..viz.maps import journey_map

        kwargs.setdefault("min_cell_size", self.min_cell_size)
        return journey_map(self, ax=ax, persona=persona, **kwargs)

    def to_csv(self, path, **kwargs):
        """Write the tidy table as CSV (see :func:`cjm_research.journey.export.table_csv`)."""
        from .export import table_csv

        return table_csv(self, path, **kwargs)

    def to_mermaid(self, *, persona=None, title=None) -> str:
        """A Mermaid ``journey`` diagram of one persona (see :func:`cjm_research.journey.export.mermaid_journey`)."""
        from .export import mermaid_journey

        return mermaid_journey(self, persona=persona, title=title)

    def __repr__(self) -> str:
        return (f"JourneyMap(quarter={self.quarter!r}, personas={self.personas}, "
                f"stages={len(self.stages)}, rows={len(self._data)})")

    def _repr_html_(self):
        return self.wide()._repr_html_()


def _kinds(data: pd.DataFrame) -> list[str]:
    """The evidence kinds behind a table's rows, from their ``source`` texts."""
    text = " ".join(map(str, data.get("source", pd.Series(dtype=str)).dropna().unique())).lower()
    return [kind for kind, words in (("survey", ("survey", "rating", "usage", "csat", "nps")),
                                     ("interviews", ("interview", "excerpt")), ("events", ("events",)))
            if any(w in text for w in words)]


def _cell_text(group: pd.DataFrame, top: int, width: int, min_cell_size: int) -> str:
    rows = group.sort_values("rank", kind="stable").head(top)
    parts = []
    for row in rows.itertuples():
        # touchpoints carry two rows per item (usage and rating): the source tells them apart
        name = f"{row.item} {row.source}" if row.lane == "touchpoints" else str(row.item)
        if row.masked:
            parts.append(f"{name} (n<{min_cell_size})")
        elif pd.isna(row.value):
            parts.append(name)
        else:
            parts.append(f"{name} ({row.value:.3g})")
    return "\n".join(textwrap.fill(p, width) for p in parts)


def current_state(study, personas=None, *, min_cell_size: int | None = None, top: int = 3,
                  low_rating: int = 2, n_boot: int = 200, confidence: float = 0.95, outcome: str | None = None,
                  progress: bool = True) -> JourneyMap:
    """Build the current-state journey map of one study quarter.

    Joins the survey (ratings, CSAT, CES, NPS, the overall outcome), the coded interviews (pain
    points, quotes, sentiment, negative themes) and the event log (channels, process, drop-offs,
    conversion) per persona and stage, with whatever of these the study has: a lane without
    evidence is empty and :meth:`JourneyMap.not_measured` names what is missing. Opportunities
    come from the "fix first" quadrant of the importance-performance analysis of the key drivers
    of the outcome, then from the strongest pain points.

    Parameters
    ----------
    study : Study
        From :func:`cjm_research.load_study`.
    personas : PersonaModel, Series or None
        A fitted :class:`~cjm_research.PersonaModel` (respondents are assigned with ``predict``), a
        Series of persona per respondent id, or None for all respondents as one persona ``"all"``.
    min_cell_size : int, optional
        Cells with fewer respondents are masked. Default: the study's ``min_cell_size`` (5).
    top : int, default 3
        How many paths and opportunities to keep per stage and persona.
    low_rating : int, default 2
        How many bottom boxes of the touchpoint scale count as a low rating (pain-point evidence):
        2 is 1-2 on 1..5, 1-2 on 1..7, 0-1 on 0..10.
    n_boot : int, default 200
        Bootstrap resamples for the intervals of the key drivers of the outcome; 0 for none.
    confidence : float, default 0.95
        Level of every interval on the map (Wilson, t, adjusted-Wald, bootstrap percentiles).
    outcome : str, optional
        Survey column of the overall outcome the key drivers explain. Default: the study's
        ``outcome``, else the NPS item, else overall CSAT (mean of the stage items); without any,
        no drivers (and the map says the outcome is not measured).
    progress : bool, default True
        Show a tqdm bar over the lanes.

    Returns
    -------
    JourneyMap

    Examples
    --------
    >>> jm = current_state(study)                                  # doctest: +SKIP
    >>> sorted(jm.table()["lane"].unique()) == sorted(LANES)       # doctest: +SKIP
    True
    """
    from . import lanes

    from ..evidence.intervals import check_confidence

    size = study.config.min_cell_size if min_cell_size is None else int(min_cell_size)
    evidence = lanes.Evidence.collect(study, personas, low_rating=low_rating, top=top, min_cell_size=size,
                                      n_boot=n_boot, confidence=check_confidence(confidence), outcome=outcome,
                                      progress=progress)
    frames = [builder(evidence) for builder in tqdm(lanes.BUILDERS, desc="journey lanes",
                                                    disable=not progress, leave=False)]
    sources = [kind for kind in ("survey", "interviews", "events") if kind in study.files]
    return JourneyMap(pd.concat([conform(f) for f in frames], ignore_index=True),
                      framework=study.framework, min_cell_size=size, quarter=study.quarter,
                      study=study, assignment=evidence.assignment, definitions=evidence.definitions,
                      confidence=evidence.confidence, drivers=lanes.key_driver_table(evidence),
                      outcome=evidence.outcome.name if evidence.outcome is not None else None, sources=sources,
                      low_ratings=(evidence.scale("touchpoint")[0], evidence.low_threshold()))


def day_in_the_life(study, personas=None, *, timezone: str | None = None) -> pd.DataFrame:
    """When and through which channels each persona meets the brand across a day.

    Parameters
    ----------
    study : Study
    personas : PersonaModel, Series or None
        As in :func:`current_state`.
    timezone : str, optional
        Local time zone for the hour of day (IANA name, for example ``"Asia/Jakarta"``); default
        the study's ``timezone`` key (UTC when the study does not set one).

    Returns
    -------
    DataFrame
        ``persona, hour, channel, events, share`` where ``share`` is the persona's events in that
        hour and channel as a share of all the persona's events (so personas of different size
        compare). Draw it with :func:`cjm_research.viz.maps.day_in_the_life_chart`.

    Examples
    --------
    >>> dil = day_in_the_life(study, personas=model)               # doctest: +SKIP
    >>> cjm.plots.day_in_the_life_chart(dil, persona="P2")                # doctest: +SKIP
    """
    from ..core.labels import t
    from . import lanes

    if "events" not in study.files:  # no event log: nothing to place in a day, said in words
        empty = pd.DataFrame(columns=["persona", "hour", "channel", "events", "share"])
        empty.attrs["not_measured"] = t("not_measured", "en", what=t("measure_events", "en"))
        return empty
    evidence = lanes.Evidence.collect(study, personas if "survey" in study.files else None, need=("events",))
    return lanes.hourly_intensity(evidence, timezone=timezone or study.config.timezone)


__all__ = ["JourneyMap", "current_state", "day_in_the_life", "LANES"]
