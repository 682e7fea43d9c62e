"""The lanes of a current-state journey map, each built from the evidence of one study quarter.

:class:`Evidence` gathers what every lane needs once (the survey with a persona per respondent, the
coded interviews with their persona and sentiment, the event log joined to personas, the study's
overall outcome); each lane builder turns it into tidy rows ``persona, stage, lane, item, value, n,
ci_low, ci_high`` (plus ``source``, ``detail``, ``quote``, ``rank``, ``masked``). The statistics
come from the evidence modules (:mod:`cjm_research.evidence.intervals`,
:mod:`cjm_research.evidence.metrics`, :mod:`cjm_research.evidence.text`,
:mod:`cjm_research.evidence.drivers`, :mod:`cjm_research.events.log`); this module only decides
what goes in which lane.

Every builder works on any study shape: a study without a survey, interviews or events, without
NPS, CSAT or CES, with any stage and event names. A builder whose evidence the study does not have
returns no rows, and :func:`measured` says in words what the study cannot measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import DataError, ParameterError, preview
from ..evidence import intervals, metrics
from ..evidence.weights import weighted_share, weighted_t_interval

ALL = "all"  # the persona of a map built without personas
LONG_SCALE = 11  # points; longer rating scales (sliders) count low ratings by fractions of the range
QUOTE_WORDS = 40  # a longer quote is trimmed around the words of its code
JOURNEY = "(journey)"  # the stage of journey-level numbers (NPS, the outcome, persona shares)
ROW_COLUMNS = ["persona", "stage", "lane", "item", "value", "n", "ci_low", "ci_high", "source",
               "detail", "quote", "rank", "masked"]
# Values of a text outcome read as the good end when the study does not say which one is.
POSITIVE = re.compile(r"^\s*(satisfied|very satisfied|yes|y|true|promoter|positive|good|likely|"
                      r"would return|return|recommend|puas|ya)\s*$", re.IGNORECASE)


def frame_of(parts, columns=ROW_COLUMNS) -> pd.DataFrame:
    """Concatenate lane parts; no parts (evidence the study lacks) give an empty lane, not an error."""
    parts = [p for p in parts if p is not None and len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


# ------------------------------------------------------------------------- personas

def persona_assignment(survey: pd.DataFrame, personas, *, id_column: str, source: str = "survey") -> pd.Series:
    """Persona per respondent id (string index) from a PersonaModel, a Series or None.

    A fitted model assigns with ``predict`` and names personas with ``names_``, so the same model
    labels every quarter consistently.
    """
    ids = survey[id_column].astype(str) if id_column in survey.columns else pd.Series([], dtype=str)
    if personas is None or not len(survey):
        return pd.Series(ALL, index=pd.Index(ids, name=id_column), name="persona", dtype="string")
    if hasattr(personas, "predict") and hasattr(personas, "names_"):
        names = np.asarray(personas.names_, dtype=object)[personas.predict(survey, source=source)]
        return pd.Series(names, index=pd.Index(ids, name=id_column), name="persona", dtype="string")
    if not isinstance(personas, pd.Series):
        raise DataError(f"`personas` must be a fitted PersonaModel, a Series of persona per respondent "
                        f"id or None, but a {type(personas).__name__} was passed.")
    series = personas.copy()
    if not series.index.astype(str).isin(ids).any() and len(series) == len(survey) \
            and series.index.equals(survey.index):
        series.index = survey.index  # aligned with the survey rows rather than keyed by id
        series = series.set_axis(ids.to_numpy())
    series.index = series.index.astype(str)
    missing = ids[~ids.isin(series.index)]
    if len(missing):
        raise DataError(f"{source}: {len(missing)} respondents in column {id_column!r} have no persona "
                        f"in `personas` ({preview(missing.tolist())}); give a persona for every respondent.")
    out = series[~series.index.duplicated()].reindex(ids).astype("string")
    return out.set_axis(pd.Index(ids, name=id_column)).rename("persona")


# ------------------------------------------------------------------------- the outcome

@dataclass(frozen=True)
class DriverOutcome:
    """What key drivers explain, as numbers per survey row (binary 0/1 or a scale).

    The study's declared outcome (:class:`cjm_research.study.outcome.Outcome`) when it has one,
    else NPS or overall CSAT standing in for it (see :func:`resolve_outcome`).

    ``name`` is what captions call it; ``definition`` how the values were made; ``column`` the
    survey column of a declared outcome (None when NPS or overall CSAT stand in for one, since
    they are on the map and in the quarter comparison already).
    """

    name: str
    kind: str
    values: pd.Series
    definition: str
    column: str | None = None


def resolve_outcome(study, survey: pd.DataFrame, outcome=None) -> DriverOutcome | None:
    """The outcome key drivers explain: ``outcome`` (a survey column), the study's ``outcome``,
    else the NPS item, else overall CSAT (the mean of the stage satisfaction items), else None.

    A text outcome with two values is binary; its good value is the study's ``positive`` value or
    one that reads as positive ("satisfied", "yes", ...), else a :class:`DataError` asks for it.

    Examples
    --------
    >>> s = pd.DataFrame({"sat": ["satisfied", "neutral or dissatisfied", "satisfied"]})
    >>> resolve_outcome(None, s, "sat").values.tolist()
    [1.0, 0.0, 1.0]
    """
    declared = _study_outcome(study, survey) if outcome is None else None
    if declared is not None:
        return declared
    column, positive = _declared_outcome(study) if outcome is None else (outcome, None)
    if column is not None:
        if column not in survey.columns:
            raise DataError(f"The outcome column {column!r} is not in the survey; the survey has "
                            f"{preview(survey.columns, limit=12)}.")
        return _outcome_from_column(survey[column], column, positive)
    cols = getattr(study, "columns", None)
    if cols is not None and cols.nps and cols.nps in survey.columns:
        return DriverOutcome("NPS answer (0..10)", "scale", pd.to_numeric(survey[cols.nps], errors="coerce"),
                       f"likelihood to recommend, column {cols.nps!r} (0..10)")
    csat = [c for c in (cols.csat.values() if cols is not None else []) if c in survey.columns]
    if csat:
        values = survey[csat].apply(pd.to_numeric, errors="coerce").mean(axis=1)
        low, high = cols.scale("csat")
        return DriverOutcome("overall CSAT", "scale", values,
                             f"mean of the stage satisfaction items {preview(csat)} ({low:g}..{high:g})")
    return None


def _study_outcome(study, survey: pd.DataFrame) -> DriverOutcome | None:
    """The study's ``outcome:`` key as read by :attr:`Study.outcome` (values aligned with the survey)."""
    config = getattr(study, "config", None)
    if getattr(config, "outcome", None) is None or "survey" not in getattr(study, "files", {}):
        return None
    found = study.outcome
    spec = found.spec
    values = pd.Series(found.values.to_numpy(dtype=float), index=survey.index)
    kind = "scale" if spec.kind == "scale" else "binary"
    return DriverOutcome(spec.label or spec.column, kind, values, spec.describe(), spec.column)


def _declared_outcome(study):
    """(column, positive value) of the study's ``outcome`` key, in whichever form it is given."""
    declared = None
    for owner in (getattr(study, "columns", None),):  # the study's own key is read by _study_outcome
        declared = getattr(owner, "outcome", None) if owner is not None else None
        if declared is not None:
            break
    if declared is None or isinstance(declared, DriverOutcome):
        return None, None
    if isinstance(declared, str):
        return declared, None
    if isinstance(declared, dict):
        return declared.get("column"), declared.get("positive")
    return getattr(declared, "column", None), getattr(declared, "positive", None)


def _outcome_from_column(raw: pd.Series, column: str, positive=None) -> DriverOutcome:
    numeric = pd.to_numeric(raw, errors="coerce")
    if numeric.notna().sum() == raw.notna().sum() and raw.notna().any():
        levels = sorted(numeric.dropna().unique())
        if len(levels) == 2 and positive is None:
            return DriverOutcome(f"{column} (share {levels[1]:g})", "binary", (numeric == levels[1]).astype(float)
                           .where(numeric.notna()), f"column {column!r}: {levels[1]:g} = 1, {levels[0]:g} = 0", column)
        if positive is not None:
            return DriverOutcome(f"{column} = {positive}", "binary", (numeric == float(positive)).astype(float)
                           .where(numeric.notna()), f"column {column!r}: {positive} = 1, other values = 0", column)
        return DriverOutcome(column, "scale", numeric, f"column {column!r} (mean, {levels[0]:g}..{levels[-1]:g})", column)
    text = raw.astype("string").str.strip()
    levels = sorted(text.dropna().unique())
    good = [positive] if positive is not None else [v for v in levels if POSITIVE.match(v)]
    if len(good) != 1:
        raise DataError(f"The outcome column {column!r} holds the text values {preview(levels)}; say which one "
                        f"is the good outcome with the study's `outcome: {{column: {column}, positive: ...}}`.")
    return DriverOutcome(f"{column} = {good[0]}", "binary", (text == good[0]).astype(float).where(text.notna()),
                   f"column {column!r}: share {good[0]!r} (other values: {preview([v for v in levels if v != good[0]])})",
                   column)


# ------------------------------------------------------------------------- evidence

@dataclass
class Evidence:
    """Everything the lanes need from one study quarter, joined to personas once."""

    study: object
    assignment: pd.Series
    survey: pd.DataFrame
    interviews: pd.DataFrame | None
    events: object | None
    low_rating: int = 2
    top: int = 3
    conversion: object = "purchase"
    repurchase: object = ("purchase", "repeat_purchase")
    min_cell_size: int = 5
    n_boot: int = 200
    progress: bool = False
    confidence: float = 0.95
    outcome: DriverOutcome | None = None
    definitions: dict = field(default_factory=dict)
    pain_evidence: pd.DataFrame | None = None
    drivers: pd.DataFrame | None = None
    _scored: pd.DataFrame | None = None
    _cache: dict = field(default_factory=dict)

    @classmethod
    def collect(cls, study, personas=None, *, need=("survey", "interviews", "events"), outcome=None,
                **options) -> "Evidence":
        """Read the quarter's frames and attach a persona to respondents, excerpts and events."""
        cols = study.columns
        survey = study.survey if "survey" in study.files else pd.DataFrame(columns=[cols.respondent_id])
        assignment = persona_assignment(survey, personas, id_column=cols.respondent_id,
                                        source=str(study.files.get("survey", "survey")))
        survey = survey.assign(persona=assignment.to_numpy())
        one = personas is None or not len(survey)  # everyone is the one persona "all"
        interviews = _with_persona(study.interviews, survey, cols, one) if "interviews" in need else None
        events = _events_with_personas(study, survey, cols, one) if "events" in need else None
        found = resolve_outcome(study, survey, outcome) if len(survey) else None
        # What counts as converting and buying again is the study's to say (events.conversion /
        # events.repurchase); "purchase" is only the common default.
        declared = getattr(study.config, "events", None) or {}
        for key in ("conversion", "repurchase"):
            if key in declared:
                options.setdefault(key, declared[key])
        return cls(study, assignment, survey, interviews, events, outcome=found, **options)

    @property
    def framework(self):
        return self.study.framework

    @property
    def weights(self) -> str | None:
        """The survey column of the study's weights (``weights=`` of every metric), or None."""
        column = getattr(self.study, "weight_column", None)
        if column is None or column not in self.survey.columns:
            return None
        if "weights_checked" not in self._cache:  # one clear error up front, not NaN cells later
            from ..evidence.weights import check_weights

            self._cache["weights_checked"] = check_weights(self.survey, column)
        return column

    @property
    def columns(self):
        return self.study.columns

    @property
    def personas(self) -> list[str]:
        names = list(dict.fromkeys(self.assignment.dropna()))
        return names or [ALL]

    def frontstage(self, stage: str):
        return self.framework.touchpoints_in(stage, visibility="frontstage")

    def scale(self, kind: str) -> tuple[float, float]:
        """The study's rating scale of ``kind`` (nps, csat, ces, touchpoint), default 1..5 / 1..7 / 0..10."""
        scale = getattr(self.columns, "scale", None)
        default = {"nps": (0, 10), "ces": (1, 7)}.get(kind, (1, 5))
        return tuple(scale(kind)) if scale is not None else default

    def to_emotion(self, values: pd.Series, kind: str) -> pd.Series:
        """Ratings rescaled to -1..1 (the scale's low end -1, its middle 0, its top +1)."""
        low, high = self.scale(kind)
        return (pd.to_numeric(values, errors="coerce") - (low + high) / 2) / ((high - low) / 2)

    def low_threshold(self) -> float:
        """Ratings at or below it are low: the bottom ``low_rating`` boxes of the touchpoint scale.

        On a long scale (more than :data:`LONG_SCALE` points, e.g. a 0..100 slider) two boxes
        would be almost nothing (0 and 1), so there the bottom ``low_rating`` fifths of the range
        count as low (0..40 of 0..100 for the default 2).
        """
        low, high = self.scale("touchpoint")
        if high - low + 1 > LONG_SCALE:
            return low + (high - low) * self.low_rating / 5
        return low + self.low_rating - 1

    @property
    def language(self) -> str:
        """The study's language (``en`` or ``id``): the words of evidence details."""
        return getattr(getattr(self.study, "config", None), "language", None) or "en"

    def ratings(self) -> dict[str, str]:
        """Touchpoint id -> survey column, for the rating items the survey has."""
        return {tp: col for tp, col in self.columns.touchpoint_ratings.items() if col in self.survey.columns}

    def _linked(self) -> bool:
        # A study that links no excerpt to a customer interviewed customers without panel ids:
        # then every excerpt is a customer's. With links, the unlinked ones are staff interviews.
        return bool(self.interviews["customer_id"].notna().any())

    def customer_excerpts(self) -> pd.DataFrame:
        """Excerpts of customers (linked to a customer id, or all of them when the study links
        none); staff interviews are internal."""
        if not self._linked():
            return self.interviews
        return self.interviews[self.interviews["customer_id"].notna()]

    def internal_excerpts(self) -> pd.DataFrame:
        """Excerpts without a customer id in a study that links the others: interviews with staff,
        the backstage evidence."""
        if not self._linked():
            return self.interviews.iloc[:0]
        return self.interviews[self.interviews["customer_id"].isna()]

    def participant_names(self) -> list[str]:
        """Names redacted from quotes with the rest of the PII: the study's ``redact_names`` and
        participant labels that look like personal names."""
        names = self.interviews["participant"].dropna().astype(str).unique()
        labels = [n for n in names if any(ch.isalpha() for ch in n) and " " in n.strip()]
        return list(dict.fromkeys(list(self.study.config.redact_names) + labels))

    def scored_excerpts(self) -> pd.DataFrame:
        """Customer excerpts with ``sentiment_score`` (-1..1) and ``sentiment_source``.

        The score is :func:`cjm_research.evidence.text.sentiment` of the excerpt text; when the
        text module offers no sentiment the researcher's coded ``emotion_score`` is used instead,
        and ``sentiment_source`` says which.
        """
        if self._scored is None:
            ex = self.customer_excerpts().copy()
            scores, labels, source = _sentiment_scores(ex)
            self._scored = ex.assign(sentiment_score=scores, sentiment_label=labels, sentiment_source=source)
        return self._scored

    def stage_customers(self) -> pd.DataFrame:
        """Customers with at least one event at each stage, per persona (``persona, stage, customers``)."""
        if "stage_customers" not in self._cache:
            parts = [_known(self.events.funnel([stage], on="stage", by="persona")).assign(stage=stage)
                     for stage in self.framework.stages]
            self._cache["stage_customers"] = frame_of(parts, ["persona", "stage", "customers"])[
                ["persona", "stage", "customers"]]
        return self._cache["stage_customers"]

    def touchpoint_customers(self) -> pd.DataFrame:
        """Customers with an event at each touchpoint, per persona (``persona, stage, touchpoint, customers``)."""
        if "touchpoint_customers" not in self._cache:
            self._cache["touchpoint_customers"] = _known(self.events.touchpoint_counts(by="persona"))
        return self._cache["touchpoint_customers"]


def _sentiment_scores(ex: pd.DataFrame) -> tuple[pd.Series, pd.Series, str]:
    from ..evidence import text

    if hasattr(text, "sentiment") and len(ex):
        result = text.sentiment(ex["text"].astype("object").where(ex["text"].notna(), None).tolist())
        return (pd.Series(result["score"].to_numpy(dtype=float), index=ex.index),
                pd.Series(result["label"].to_numpy(), index=ex.index), "sentiment of quotes")
    scores = pd.to_numeric(ex["emotion_score"], errors="coerce")
    labels = pd.cut(scores, [-1.01, -0.05, 0.05, 1.01], labels=["negative", "neutral", "positive"])
    return scores, labels.astype("object"), "coded emotion score"


def _customer_personas(survey: pd.DataFrame, cols) -> pd.Series:
    if not cols.customer_id or cols.customer_id not in survey.columns:
        return pd.Series(dtype="string")
    pairs = survey[[cols.customer_id, "persona"]].dropna()
    pairs = pairs.assign(**{cols.customer_id: pairs[cols.customer_id].astype(str)})
    return pairs.drop_duplicates(cols.customer_id).set_index(cols.customer_id)["persona"]


def _with_persona(interviews: pd.DataFrame, survey: pd.DataFrame, cols, one: bool) -> pd.DataFrame:
    frame = interviews.copy()
    if one:
        return frame.assign(persona=ALL)
    by_customer = _customer_personas(survey, cols)
    return frame.assign(persona=frame["customer_id"].astype("string").map(by_customer))


def _events_with_personas(study, survey: pd.DataFrame, cols, one: bool):
    if "events" not in study.files:
        return None
    log = study.events
    if one:  # without personas every customer of the log belongs to the one persona
        return log.with_personas(pd.Series(ALL, index=log.customers.astype(str)))
    # Only surveyed customers have a persona; other customers' events are left out of the lanes.
    return log.with_personas(_customer_personas(survey, cols))


def _known(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of an event query with a persona (customers outside the survey have none)."""
    return frame[frame["persona"].notna()] if "persona" in frame.columns else frame


# ------------------------------------------------------------------------- helpers

def _metric_rows(result: pd.DataFrame, *, stage: str, lane: str, item: str, source: str) -> pd.DataFrame:
    """A metrics result (by persona) as map rows."""
    return pd.DataFrame({"persona": result["persona"], "stage": stage, "lane": lane, "item": item,
                         "value": result["estimate"], "n": result["n"], "ci_low": result["ci_low"],
                         "ci_high": result["ci_high"], "source": source, "detail": result["definition"]})


def mean_interval(values, confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Mean with a t interval (for the -1..1 emotion scores), from :func:`intervals.t_interval`.

    Fewer than two values, or values that do not vary, give a zero-width interval at the mean:
    such a cell has no spread to estimate, and it is masked when it is small.
    """
    x = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(dtype=float)
    mean, low, high, n = intervals.t_interval(x, confidence=confidence)
    if n and (n < 2 or np.isnan(low)):
        return mean, mean, mean, n
    return mean, low, high, n


def _level(ev) -> str:
    return intervals.level_label(ev.confidence)


# ------------------------------------------------------------------------- frontstage lanes

def touchpoints(ev: Evidence) -> pd.DataFrame:
    """Usage, rating (top-2-box %) and key-driver importance of each frontstage touchpoint.

    A rating item's "not applicable / did not use" code is missing after validation, so usage is
    the share of respondents with a rating; touchpoints without a survey item take usage from the
    event log (share of the persona's customers active at the stage with one of its events). The
    ``importance`` rows are each touchpoint's share of the R² of the study's outcome
    (:func:`key_driver_table`), with bootstrap intervals.
    """
    parts = []
    ratings = ev.ratings()
    for stage in ev.framework.stages:
        for tp in ev.frontstage(stage):
            col = ratings.get(tp.id)
            if col is not None:
                parts.append(_usage_from_survey(ev, stage, tp.id, col))
                parts.append(_metric_rows(metrics.csat(ev.survey, col, by="persona", confidence=ev.confidence,
                                                       weights=ev.weights, scale=ev.scale("touchpoint")),
                                          stage=stage, lane="touchpoints", item=tp.id, source="rating"))
            elif ev.events is not None:
                parts.append(_usage_from_events(ev, stage, tp.id))
    parts.append(_importance_rows(ev))
    return frame_of(parts)


def _share_rows(counts: pd.DataFrame, confidence: float, **const) -> pd.DataFrame:
    """Rows with a percentage and its Wilson interval from ``k`` (hits) and ``n`` per persona."""
    k, n = counts["k"].to_numpy(dtype=float), counts["n"].to_numpy(dtype=float)
    low, high = intervals.wilson(k, n, confidence=confidence)
    shown = counts["respondents"].to_numpy(dtype=float) if "respondents" in counts else n  # weighted: n_eff in the interval
    return pd.DataFrame({"persona": counts["persona"].to_numpy(), **const,
                         "value": 100 * k / np.where(n > 0, n, np.nan), "n": shown,
                         "ci_low": 100 * np.asarray(low), "ci_high": 100 * np.asarray(high)})


def _usage_from_survey(ev: Evidence, stage: str, tp: str, col: str) -> pd.DataFrame:
    counts = (ev.survey.assign(used=ev.survey[col].notna()).groupby("persona", observed=True)["used"]
              .agg(k="sum", n="size").reset_index())
    if ev.weights:
        counts = _weighted_counts(ev.survey[col].notna(), ev, counts)
    return _share_rows(counts, ev.confidence, stage=stage, lane="touchpoints", item=tp, source="usage",
                       detail="% of respondents who rated it (did not use = not applicable)")


def _weighted_counts(hit: pd.Series, ev: Evidence, counts: pd.DataFrame, answered=None) -> pd.DataFrame:
    """Weighted ``k = p_w * n_eff`` out of ``n = n_eff`` per persona, keeping the respondents' n.

    The Wilson interval of :func:`_share_rows` then sits at the Kish effective n; ``n`` on the
    map stays the number of respondents (so masking is by people).
    """
    base = ev.survey if answered is None else ev.survey[answered.to_numpy()]
    w = base[ev.weights]
    shares = {p: weighted_share(hit[idx], w[idx]) for p, idx in base.groupby("persona", observed=True).groups.items()}
    share = counts["persona"].map(lambda p: shares.get(p, (np.nan, 0.0))[0])
    n_eff = counts["persona"].map(lambda p: shares.get(p, (np.nan, 0.0))[1])
    return counts.assign(k=share * n_eff, n=n_eff, respondents=counts["n"])


def _usage_from_events(ev: Evidence, stage: str, tp: str) -> pd.DataFrame:
    reached = ev.touchpoint_customers()
    reached = reached[reached["touchpoint"] == tp].set_index("persona")["customers"]
    active = ev.stage_customers()
    active = active[active["stage"] == stage].set_index("persona")["customers"]
    if active.empty:
        return None
    counts = pd.DataFrame({"k": reached.reindex(active.index, fill_value=0), "n": active})
    counts = counts.rename_axis("persona").reset_index()
    return _share_rows(counts, ev.confidence, stage=stage, lane="touchpoints", item=tp,
                       source="usage (events)",
                       detail="% of the persona's customers active at the stage with an event at this touchpoint")


def _importance_rows(ev: Evidence) -> pd.DataFrame | None:
    table = key_driver_table(ev)
    front = {tp.id for s in ev.framework.stages for tp in ev.frontstage(s)}
    # the lane lists frontstage touchpoints; a rated support touchpoint stays in the drivers table
    tps = table[(table["level"] == "touchpoint") & table["driver"].isin(front)] if len(table) else table
    if not len(tps):
        return None
    return pd.DataFrame({"persona": tps["persona"], "stage": tps["stage"], "lane": "touchpoints",
                         "item": tps["driver"], "value": tps["importance"], "ci_low": tps["ci_low"],
                         "ci_high": tps["ci_high"], "n": tps["n"], "rank": tps["rank"], "source": "importance",
                         "detail": [f"key driver #{int(r)} of {ev.outcome.name}: share of R² (relative weights, "
                                    f"{_level(ev)} bootstrap interval)" for r in tps["rank"]]})


def emotion(ev: Evidence) -> pd.DataFrame:
    """Emotion on -1..1 from two sources, pooled, and whether the sources agree.

    ``satisfaction`` rescales the stage CSAT item (1..5 -> -1..1; without a CSAT item, the mean of
    the stage's touchpoint ratings); ``sentiment`` is the mean sentiment score of the stage's
    interview excerpts; ``combined`` pools the sources that have at least ``min_cell_size``
    answers, weighting each answer once (so the pooled value lies between its sources and 400
    ratings outweigh one quote); ``agreement`` is ``1 - |satisfaction - sentiment| / 2``
    (1 = identical) with the detail saying whether their intervals overlap.
    """
    both = frame_of([_emotion_from_satisfaction(ev), _emotion_from_sentiment(ev)])
    if both.empty:
        return both
    pooled = [_pool(group, persona, stage, ev.min_cell_size, ev.confidence)
              for (persona, stage), group in both.groupby(["persona", "stage"], sort=False)]
    return pd.concat([both, pd.DataFrame([r for pair in pooled for r in pair])], ignore_index=True)


def _stage_satisfaction(ev: Evidence, stage: str) -> tuple[pd.Series, str, str] | None:
    """Per respondent satisfaction at a stage on -1..1, its column(s) and how it was made."""
    col = ev.columns.csat.get(stage)
    if col is not None and col in ev.survey.columns:
        low, high = ev.scale("csat")
        return ev.to_emotion(ev.survey[col], "csat"), col, f"{col} rescaled from {low:g}..{high:g} to -1..1"
    cols = [c for tp, c in ev.ratings().items() if ev.framework.touchpoint(tp).stage == stage]
    if not cols:
        return None
    values = ev.survey[cols].apply(lambda c: ev.to_emotion(c, "touchpoint")).mean(axis=1)
    low, high = ev.scale("touchpoint")
    return values, "touchpoint ratings", f"mean touchpoint rating of the stage rescaled from {low:g}..{high:g} to -1..1"


def _emotion_from_satisfaction(ev: Evidence) -> pd.DataFrame:
    rows = []
    for stage in ev.framework.stages:
        found = _stage_satisfaction(ev, stage)
        if found is None:
            continue
        values, col, how = found
        for persona, group in values.groupby(ev.survey["persona"], observed=True):
            mean, low, high, n = mean_interval(group, ev.confidence)
            if ev.weights:  # weighted mean and t interval at the Kish n_eff; n stays respondents
                mean, low, high, _ = weighted_t_interval(group, ev.survey.loc[group.index, ev.weights],
                                                         confidence=ev.confidence)
            rows.append({"persona": persona, "stage": stage, "item": "satisfaction", "value": mean,
                         "ci_low": low, "ci_high": high, "n": n,
                         "source": "survey" if col != "touchpoint ratings" else "survey (touchpoint ratings)",
                         "detail": f"{how}, mean with {_level(ev)} t interval"})
    return pd.DataFrame(rows, columns=["persona", "stage", "item", "value", "ci_low", "ci_high", "n",
                                       "source", "detail"]).assign(lane="emotion")


def _emotion_from_sentiment(ev: Evidence) -> pd.DataFrame:
    scored = ev.scored_excerpts()
    rows = []
    for (persona, stage), group in scored.dropna(subset=["persona", "stage"]).groupby(["persona", "stage"]):
        mean, low, high, n = mean_interval(group["sentiment_score"], ev.confidence)
        rows.append({"persona": persona, "stage": stage, "item": "sentiment", "value": mean, "ci_low": low,
                     "ci_high": high, "n": n, "source": "interviews",
                     "detail": f"mean sentiment score of interview excerpts, {_level(ev)} t interval"})
    return pd.DataFrame(rows, columns=["persona", "stage", "item", "value", "ci_low", "ci_high", "n",
                                       "source", "detail"]).assign(lane="emotion")


def pool_sources(g: pd.DataFrame, *, min_cell_size: int, confidence: float = 0.95) -> dict:
    """Pool per-source means (``value, ci_low, ci_high, n`` indexed by source) into one estimate.

    Only sources with at least ``min_cell_size`` answers take part: a thin source is masked on
    the map, so it must not move (or leak into) the pooled value. Each answer counts once
    (weights ``n``), so the pooled value is a weighted mean that lies between its sources; its
    interval combines the sources' standard errors with the same weights. With no source thick
    enough the pooled cell is empty and ``masked``.

    Examples
    --------
    >>> g = pd.DataFrame({"value": [0.5, -1.0], "ci_low": [0.45, -1.0], "ci_high": [0.55, -1.0],
    ...                   "n": [400, 1]}, index=["satisfaction", "sentiment"])
    >>> round(pool_sources(g, min_cell_size=5)["value"], 3)
    0.5
    """
    g = g.dropna(subset=["value"])
    used = g[g["n"] >= max(min_cell_size, 1)]
    n_all = float(g["n"].sum())
    if used.empty:
        return {"value": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": n_all, "masked": True, "used": []}
    z = intervals.z_value(confidence)
    w = used["n"].astype(float) / used["n"].sum()
    se = (used["ci_high"] - used["ci_low"]).astype(float) / (2 * z)
    value = float((w * used["value"]).sum())
    half = float(z * np.sqrt((w ** 2 * se ** 2).sum()))
    return {"value": value, "ci_low": value - half, "ci_high": value + half, "n": float(used["n"].sum()),
            "masked": False, "used": list(used.index)}


def _pool(group: pd.DataFrame, persona: str, stage: str, min_cell_size: int, confidence: float) -> list[dict]:
    """Combined emotion and the agreement of the two sources."""
    g = group.dropna(subset=["value"]).set_index("item")
    pooled = pool_sources(g, min_cell_size=min_cell_size, confidence=confidence)
    base = {"persona": persona, "stage": stage, "lane": "emotion"}
    used = pooled.pop("used")
    rows = [base | pooled | {"item": "combined", "source": "+".join(used) if used else "+".join(g.index),
                             "detail": "pooled " + " and ".join(used) + " (each answer weighted once)" if used
                             else f"every source has fewer than {min_cell_size} answers"}]
    if {"satisfaction", "sentiment"} <= set(used):
        a, b = g.loc["satisfaction"], g.loc["sentiment"]
        overlap = a["ci_low"] <= b["ci_high"] and b["ci_low"] <= a["ci_high"]
        rows.append(base | {"item": "agreement", "value": 1 - abs(a["value"] - b["value"]) / 2,
                            "n": float(min(a["n"], b["n"])), "source": "satisfaction vs sentiment",
                            "detail": "sources agree (intervals overlap)" if overlap
                            else "sources disagree (intervals do not overlap)"})
    return rows


def metrics_lane(ev: Evidence) -> pd.DataFrame:
    """CSAT and CES per stage; NPS and the outcome on the last stage; conversion and repurchase
    on the stage of their event; the importance of each stage for the outcome.

    NPS, the outcome, conversion and repurchase are journey-level numbers; they sit on one stage
    (where the behaviour they measure happens, else the last) rather than on every stage.
    """
    parts = []
    for name, fn in (("csat", metrics.csat), ("ces", metrics.ces)):
        for stage, col in getattr(ev.columns, name).items():
            if col in ev.survey.columns:
                result = fn(ev.survey, col, by="persona", confidence=ev.confidence, weights=ev.weights,
                            scale=ev.scale(name))
                ev.definitions.setdefault(name, result["definition"].iloc[0])
                parts.append(_metric_rows(result, stage=stage, lane="metrics", item=name, source=col))
    last = ev.framework.stages[-1]
    if ev.columns.nps and ev.columns.nps in ev.survey.columns:
        result = metrics.nps(ev.survey, ev.columns.nps, by="persona", confidence=ev.confidence,
                             weights=ev.weights)
        ev.definitions.setdefault("nps", result["definition"].iloc[0])
        parts.append(_metric_rows(result, stage=last, lane="metrics", item="nps", source=ev.columns.nps))
    parts.append(_outcome_rows(ev, last))
    parts.append(_stage_importance_rows(ev))
    parts += _event_rates(ev)
    return frame_of(parts)


def _outcome_rows(ev: Evidence, stage: str) -> pd.DataFrame | None:
    """The outcome per persona: a share (%) with its Wilson interval, or a mean with its t interval."""
    out = ev.outcome
    if out is None or out.column is None:
        return None  # NPS or overall CSAT stand in as the outcome; they are already on the map
    values = out.values.groupby(ev.survey["persona"], observed=True)
    if out.kind == "binary":
        counts = values.agg(k="sum", n="count").reset_index()
        if ev.weights:
            counts = _weighted_counts(out.values == 1, ev, counts, answered=out.values.notna())
        rows = _share_rows(counts, ev.confidence, stage=stage, lane="metrics", item="outcome",
                           source=out.column, detail=f"{out.name}: % of respondents ({out.definition})")
    else:
        rows = pd.DataFrame([{"persona": p, "stage": stage, "lane": "metrics", "item": "outcome",
                              **dict(zip(("value", "ci_low", "ci_high", "n"),
                                         _outcome_mean(v, ev))),
                              "source": out.column, "detail": f"{out.name}: mean ({out.definition})"}
                             for p, v in values])
    ev.definitions.setdefault("outcome", f"{out.name}: {out.definition}")
    return rows


def _outcome_mean(values: pd.Series, ev: Evidence) -> tuple:
    """Mean, interval and n of an outcome scale (weighted at the Kish n_eff when the study is)."""
    mean, low, high, n = mean_interval(values, ev.confidence)
    if ev.weights:
        mean, low, high, _ = weighted_t_interval(values, ev.survey.loc[values.index, ev.weights],
                                                 confidence=ev.confidence)
    return mean, low, high, n


def _stage_importance_rows(ev: Evidence) -> pd.DataFrame | None:
    table = key_driver_table(ev)
    st = table[table["level"] == "stage"] if len(table) else table
    if not len(st):
        return None
    return pd.DataFrame({"persona": st["persona"], "stage": st["stage"], "lane": "metrics", "item": "importance",
                         "value": st["importance"], "ci_low": st["ci_low"], "ci_high": st["ci_high"],
                         "n": st["n"], "rank": st["rank"], "source": "key drivers",
                         "detail": [f"stage #{int(r)} of {len(st[st['persona'] == p])} for {ev.outcome.name}: "
                                    f"share of R² of the stage's mean touchpoint rating"
                                    for r, p in zip(st["rank"], st["persona"])]})


def _event_rates(ev: Evidence) -> list[pd.DataFrame]:
    """Conversion and repurchase from the event log, on the stage of their target event.

    Computed only when the framework maps the target events and the log has them, so a study
    with other event names simply has no conversion row (and says so).
    """
    if ev.events is None:
        return []
    seen = set(ev.touchpoint_customers()["touchpoint"])
    parts = []
    fw = ev.framework
    for name, fn, target in (("conversion_rate", ev.events.conversion_rate, ev.conversion),
                             ("repurchase_rate", ev.events.repurchase_rate, ev.repurchase)):
        events = [target] if isinstance(target, str) else list(target)
        if not set(events) <= set(fw.event_map()) or not {fw.touchpoint_of_event(e) for e in events} & seen:
            continue
        result = _known(fn(target, by="persona"))
        if result.empty:
            continue
        ev.definitions.setdefault(name, result["definition"].iloc[0])
        stage = fw.stage_of_event(events[-1]) or fw.stages[-1]
        parts.append(_metric_rows(result, stage=stage, lane="metrics", item=name, source="events"))
    return parts


# ------------------------------------------------------------------------- key drivers

DRIVER_COLUMNS = ["persona", "level", "stage", "driver", "importance", "ci_low", "ci_high", "rank", "n",
                  "r2", "performance", "quadrant", "outcome"]


def key_driver_table(ev: Evidence) -> pd.DataFrame:
    """Key drivers of the study's outcome per persona: touchpoints (``level="touchpoint"``) and
    stages (``level="stage"``, the mean rating of the stage's touchpoints as one driver).

    ``importance`` is the driver's share (%) of the outcome's R² (Johnson's relative weights with a
    seeded bootstrap interval at the map's confidence), ``performance`` the mean rating on 0..100
    and ``quadrant`` the importance-performance quadrant ("fix first": important, under-performing).
    Empty when the study has no outcome, fewer than two rated touchpoints, or too few respondents.
    """
    if ev.drivers is not None:
        return ev.drivers
    ratings = ev.ratings()
    parts = []
    if ev.outcome is not None and len(ratings) >= 2:
        data = ev.survey.assign(_outcome=ev.outcome.values.to_numpy())
        for persona, group in data.groupby("persona", observed=True):
            parts += _persona_drivers(ev, group, ratings, persona)
    ev.drivers = frame_of(parts, DRIVER_COLUMNS)[DRIVER_COLUMNS] if parts else pd.DataFrame(columns=DRIVER_COLUMNS)
    if len(ev.drivers):
        ev.definitions.setdefault("key_drivers", f"share of the R² of {ev.outcome.name} carried by each touchpoint "
                                                 f"rating (Johnson's relative weights, pairwise-complete "
                                                 f"correlations, {ev.n_boot} bootstrap resamples, "
                                                 f"{_level(ev)} percentile intervals)")
    return ev.drivers


def _persona_drivers(ev: Evidence, group: pd.DataFrame, ratings: dict, persona: str) -> list[pd.DataFrame]:
    from ..evidence.drivers import importance_performance, key_drivers

    usable = _driver_columns(group.dropna(subset=["_outcome"]), list(ratings.values()))
    if len(usable) < 2 or group["_outcome"].notna().sum() < max(ev.min_cell_size, len(usable) + 2):
        return []  # too few respondents for a driver model; the cell would be masked anyway
    tp_of = {col: tp for tp, col in ratings.items()}
    options = {"missing": "pairwise", "n_boot": ev.n_boot, "confidence": ev.confidence, "weights": ev.weights,
               # a bootstrap on a large survey takes a while: show it (a small one would only flicker)
               "progress": ev.progress and len(group) >= 20_000}
    try:
        # Pairwise: respondents rate only the touchpoints they used, listwise would drop most of them.
        kd = key_drivers(group, usable, "_outcome", **options)
    except DataError:
        return []
    ipa = importance_performance(group, usable, "_outcome", importance=kd, weights=ev.weights,
                                 scale=ev.scale("touchpoint"))
    ranks = ipa["importance"].rank(ascending=False, method="first")
    tps = pd.DataFrame({"persona": persona, "level": "touchpoint", "driver": ipa["driver"].map(tp_of),
                        "stage": ipa["driver"].map(lambda c: ev.framework.touchpoint(tp_of[c]).stage),
                        # the map shows a driver's share of R² in %, like its other percentages
                        "importance": 100 * ipa["importance"], "ci_low": 100 * ipa["ci_low"],
                        "ci_high": 100 * ipa["ci_high"],
                        "rank": ranks, "n": ipa["n"], "performance": ipa["performance"],
                        "quadrant": ipa["quadrant"], "outcome": ev.outcome.name})
    out = [tps.assign(r2=float(kd["r2"].iloc[0]))]
    stage_cols, st = {}, None
    for stage in ev.framework.stages:
        cols = [c for c in usable if ev.framework.touchpoint(tp_of[c]).stage == stage]
        if cols:
            stage_cols[f"_stage_{stage}"] = group[cols].apply(pd.to_numeric, errors="coerce").mean(axis=1)
    if len(stage_cols) >= 2:
        composite = group.assign(**stage_cols)
        try:
            st = key_drivers(composite, list(stage_cols), "_outcome", **options)
        except DataError:
            st = None
    if st is not None:
        # a stage's performance is its mean touchpoint rating (0..100); its quadrant compares stages
        sipa = importance_performance(composite, list(stage_cols), "_outcome", importance=st, weights=ev.weights,
                                      scale=ev.scale("touchpoint")).set_index("driver")
        out.append(pd.DataFrame({"persona": persona, "level": "stage", "driver": st["driver"].str[7:],
                                 "stage": st["driver"].str[7:], "importance": 100 * st["share"],
                                 "ci_low": 100 * st["ci_low"], "ci_high": 100 * st["ci_high"], "rank": st["rank"],
                                 "n": st["n"], "r2": st["r2"],
                                 "performance": st["driver"].map(sipa["performance"]).to_numpy(),
                                 "quadrant": st["driver"].map(sipa["quadrant"]).to_numpy(),
                                 "outcome": ev.outcome.name}))
    return out


def _driver_columns(group: pd.DataFrame, columns: list[str], *, min_pairs: int = 10) -> list[str]:
    """Ratings usable in a pairwise driver model: every pair rated together by ``min_pairs`` people.

    Within a persona some touchpoints are hardly used (store loyalists rarely browse the app), and
    a pair never rated together has no correlation at all; such ratings are left out, the least
    co-rated first. Ratings that do not vary carry no information and are left out too.
    """
    numeric = group[columns].apply(pd.to_numeric, errors="coerce")
    rated = numeric.notna().astype(int)
    keep = [c for c in columns if rated[c].sum() >= min_pairs and numeric[c].nunique() > 1]
    while len(keep) > 1:
        pairs = rated[keep].T @ rated[keep]
        short = (pairs < min_pairs).sum()
        if not short.any():
            break
        keep.remove(short.idxmax())
    return keep


# ------------------------------------------------------------------------- event lanes

def channels(ev: Evidence) -> pd.DataFrame:
    """Channel mix per stage: % of the persona's events at the stage on each channel.

    ``n`` is the number of the persona's customers active at the stage (so masking is by people,
    not events). Without an event log, or with a log whose every channel is "unspecified", the
    lane has no rows and the map says "not measured": the framework's channel of a rated
    touchpoint says where the touchpoint is, not which channel customers used.
    """
    if ev.events is None:
        return frame_of([])
    counts = _known(ev.events.touchpoint_counts(by=["persona", "channel"]))
    known = set(counts["channel"].dropna().astype(str).str.strip().str.lower()) - {"", "unspecified"}
    if counts.empty or not known:  # a log whose channel is unknown everywhere measures no channel mix
        return frame_of([])
    mix = counts.groupby(["persona", "stage", "channel"], as_index=False)["events"].sum()
    mix["value"] = 100 * mix["events"] / mix.groupby(["persona", "stage"])["events"].transform("sum")
    mix = mix.merge(ev.stage_customers(), on=["persona", "stage"], how="left")
    mix["rank"] = mix.groupby(["persona", "stage"])["value"].rank(ascending=False, method="first")
    return pd.DataFrame({"persona": mix["persona"], "stage": mix["stage"], "lane": "channels",
                         "item": mix["channel"], "value": mix["value"], "n": mix["customers"],
                         "rank": mix["rank"], "source": "events",
                         "detail": mix["events"].map(lambda e: f"{int(e):,} events")})


def process(ev: Evidence) -> pd.DataFrame:
    """What customers do at each stage: the most frequent steps (directly-follows) that start there.

    ``value`` is the step's share (%) of all steps out of the stage's touchpoints for the persona;
    without events the designed frontstage steps of the framework are listed (no value: they are
    the design, not a measurement).
    """
    if ev.events is None:
        return pd.DataFrame([{"persona": p, "stage": s, "lane": "process", "item": tp.id, "rank": i + 1,
                              "source": "framework", "detail": "designed step (no event log)"}
                             for p in ev.personas for s in ev.framework.stages
                             for i, tp in enumerate(ev.frontstage(s))], columns=ROW_COLUMNS)
    steps = _known(ev.events.transitions(on="touchpoint", by=["persona", "stage"]))
    if steps.empty:
        return frame_of([])
    steps = steps.assign(value=100 * steps["count"] / steps.groupby(["persona", "stage"])["count"].transform("sum"))
    steps["rank"] = steps.groupby(["persona", "stage"])["count"].rank(ascending=False, method="first")
    steps = steps[steps["rank"] <= ev.top]
    label = ev.framework.label
    return pd.DataFrame({"persona": steps["persona"], "stage": steps["stage"], "lane": "process",
                         "item": [f"{label(a)} > {label(b)}" for a, b in zip(steps["source"], steps["target"])],
                         "value": steps["value"], "n": steps["count"], "rank": steps["rank"],
                         "source": "events (directly-follows)",
                         "detail": [f"{int(c):,} steps" for c in steps["count"]]})


def designed_path(ev: Evidence) -> pd.DataFrame:
    """How many journeys follow the future state's designed path(s): process-lane rows per persona.

    Only when the study's future-state file declares a path and the quarter has events (the
    report's conformance section gives the deviations). ``value`` is the % of journeys that pass
    every designed step once and in order, with a Wilson interval on the journeys; a stage's path
    sits on that stage, the whole journey's on the stage of its last step.
    """
    path = getattr(ev.study.config, "future_state", None)
    if ev.events is None or path is None or not Path(path).is_file():
        return frame_of([])
    from .future import FutureState

    future = FutureState.from_yaml(path, framework=ev.framework)
    rows = []
    for name, steps in future.designed_paths().items():
        on = future.path_column(steps)
        try:
            summary = _known(ev.events.conformance(list(steps), by="persona", on=on).summary)
        except (ParameterError, DataError):
            continue  # a designed step nobody reached this quarter: the report says so in words
        stage = name if name in ev.framework.stages else (
            ev.framework.touchpoint(steps[-1]).stage if on == "touchpoint" else ev.framework.stage_of_event(steps[-1]))
        low, high = intervals.wilson(summary["follows"].to_numpy(float), summary["journeys"].to_numpy(float),
                                     confidence=ev.confidence)
        label = ev.framework.label if on == "touchpoint" else str
        for r, lo, hi in zip(summary.itertuples(), np.atleast_1d(low), np.atleast_1d(high)):
            rows.append({"persona": r.persona, "stage": stage or ev.framework.stages[-1], "lane": "process",
                         "item": "designed path: " + " > ".join(label(s) for s in steps),
                         "value": 100 * r.share, "n": int(r.journeys), "ci_low": 100 * lo, "ci_high": 100 * hi,
                         "source": "events (conformance to the future state)",
                         "detail": f"{int(r.follows):,} of {int(r.journeys):,} journeys follow it"})
    return frame_of([pd.DataFrame(rows)])

def _dropoff_evidence(ev: Evidence) -> pd.DataFrame:
    """Customers who reached a touchpoint but not the next step of the stage's sequence.

    Only consecutive frontstage touchpoints where the next one is the most frequent successor in
    the log count as a sequence (add to cart > checkout > payment > purchase), so alternatives
    (app or store at consideration) are not mistaken for drop-offs.
    """
    if ev.events is None:
        return _evidence_frame([], "drop_offs")
    flows = ev.events.transitions(on="touchpoint")
    if flows.empty:
        return _evidence_frame([], "drop_offs")
    successor = flows.sort_values("count", ascending=False).drop_duplicates("source").set_index("source")["target"]
    codes = _code_of_touchpoint(ev)
    rows = []
    for stage in ev.framework.stages:
        tps = [tp.id for tp in ev.frontstage(stage)]
        chain = _sequence(tps, successor)
        if len(chain) < 2:
            continue
        funnel = _known(ev.events.funnel(chain, on="touchpoint", by="persona"))
        for persona, f in funnel.groupby("persona"):
            f = f.sort_values("position")
            for left, (reached, lost) in zip(chain[:-1], zip(f["customers"].iloc[:-1], f["drop_off"].iloc[1:])):
                rows.append({"persona": persona, "stage": stage, "item": codes.get(left, left),
                             "touchpoint": left, "count": int(lost), "base": int(reached)})
    return _evidence_frame(rows, "drop_offs")


def _sequence(tps: list[str], successor: pd.Series) -> list[str]:
    """The longest run of consecutive touchpoints where each is the next one's usual predecessor."""
    best, run = [], tps[:1]
    for a, b in zip(tps, tps[1:]):
        run = run + [b] if successor.get(a) == b else [b]
        best = run if len(run) > len(best) else best
    return best


def hourly_intensity(ev: Evidence, *, timezone: str | None = None) -> pd.DataFrame:
    """Events per persona, local hour of day and channel (from :meth:`EventLog.hourly`)."""
    options = {"timezone": timezone} if timezone else {}
    return _known(ev.events.hourly(by="persona", **options)).reset_index(drop=True)


# ------------------------------------------------------------------------- backstage lanes

def backstage(ev: Evidence) -> pd.DataFrame:
    """The four backstage lanes from the framework, with mentions in internal interviews.

    ``value`` is the number of internal-interview excerpts at the stage that mention the item (0
    when only the framework names it); internal pain points coded in those interviews are added.
    """
    internal = ev.internal_excerpts()
    rows = []
    for stage in ev.framework.stages:
        texts = internal.loc[internal["stage"] == stage, "text"].fillna("").str.lower()
        for lane, items in ev.framework.stage(stage).backstage.items():
            for item in items:
                mentions = int(texts.str.contains(item.lower(), regex=False).sum())
                rows.append({"stage": stage, "lane": lane, "item": item, "value": mentions,
                             "source": "framework" + (" + internal interviews" if mentions else "")})
        coded = internal.loc[internal["stage"] == stage, "pain_point"].dropna().value_counts()
        rows += [{"stage": stage, "lane": "internal_pain_points", "item": code, "value": int(count),
                  "source": "internal interviews"} for code, count in coded.items()]
    frame = pd.DataFrame(rows, columns=["stage", "lane", "item", "value", "source"])
    # Backstage lanes serve every persona: repeat them so each persona's map is complete.
    return frame_of([frame.assign(persona=p) for p in ev.personas])


# ------------------------------------------------------------------------- pain points

EVIDENCE_KINDS = ("low_ratings", "excerpts", "negative_themes", "drop_offs")


def pain_points(ev: Evidence) -> pd.DataFrame:
    """Pain points per persona and stage, with evidence a researcher can read.

    Each source gives a count and a base: low touchpoint ratings (of the ratings), coded interview
    excerpts (of the persona's excerpts at the stage), excerpts in negative text themes (of the
    excerpts) and event drop-offs at the touchpoint (of the customers who reached it). A pain
    point's ``value`` is the share (%) of its strongest evidence, e.g. "44% rated 1-2", with its
    Wilson interval and ``n`` = that evidence's base; ``detail`` lists every source. The rank
    within a stage adds the lower interval bounds of all its sources, so corroborated,
    well-sampled evidence ranks first and a handful of mentions cannot top a stage. Touchpoint
    evidence joins the pain-point code that interviews most often attach to that touchpoint;
    without one the pain point is the touchpoint itself.
    """
    evidence = frame_of([_coded_evidence(ev), _rating_evidence(ev), _theme_evidence(ev), _dropoff_evidence(ev)],
                        EVIDENCE_COLUMNS)
    table = _score(evidence, ev.confidence, ev.low_threshold(), language=ev.language)
    ev.pain_evidence = table
    if table.empty:
        return frame_of([])
    quotes = _quotes(ev) | ev._cache.get("theme_quotes", {})
    rows = table.assign(lane="pain_points", source=table["sources"])
    rows["quote"] = [quotes.get((p, s, i)) for p, s, i in zip(rows["persona"], rows["stage"], rows["item"])]
    return rows[[c for c in ROW_COLUMNS if c in rows.columns] + ["touchpoint"]]


EVIDENCE_COLUMNS = ["persona", "stage", "item", "touchpoint", "kind", "count", "base", "scale_low", "excerpts"]


def _evidence_frame(rows, kind: str) -> pd.DataFrame:
    cols = EVIDENCE_COLUMNS
    return pd.DataFrame(rows, columns=cols).assign(kind=kind) if len(rows) else pd.DataFrame(columns=cols)


def participants_of(excerpts: pd.DataFrame) -> pd.Series:
    """Who said each excerpt: the participant, else the excerpt itself (its own unit).

    Interview evidence counts people, not turns: 211 turns of 36 people are 36 independent
    answers at most, so shares and Wilson intervals are on participants.
    """
    who = excerpts["participant"].astype("string") if "participant" in excerpts.columns \
        else pd.Series(pd.NA, index=excerpts.index, dtype="string")
    return who.fillna(pd.Series("excerpt " + excerpts.index.astype(str), index=excerpts.index))


def _code_of_touchpoint(ev: Evidence) -> dict[str, str]:
    coded = ev.scored_excerpts().dropna(subset=["touchpoint", "pain_point"])
    return coded.groupby("touchpoint")["pain_point"].agg(lambda s: s.value_counts().index[0]).to_dict()


def _coded_evidence(ev: Evidence) -> pd.DataFrame:
    """Participants who raised each coded pain point, out of the persona's participants.

    The base is every interviewed participant of the persona, not the excerpts coded with the
    code (which would make every share 100% by construction).
    """
    ex = ev.scored_excerpts().dropna(subset=["persona", "stage"])
    who = participants_of(ex)
    base = who.groupby(ex["persona"]).nunique()
    coded = ex.dropna(subset=["pain_point"])
    rows = [{"persona": p, "stage": s, "item": code, "count": int(who[g.index].nunique()), "base": int(base[p]),
             "excerpts": len(g),
             "touchpoint": g["touchpoint"].mode().iloc[0] if g["touchpoint"].notna().any() else None}
            for (p, s, code), g in coded.groupby(["persona", "stage", "pain_point"])]
    return _evidence_frame(rows, "excerpts")


def _rating_evidence(ev: Evidence) -> pd.DataFrame:
    codes = _code_of_touchpoint(ev)
    rows = []
    for tp_id, col in ev.ratings().items():
        tp = ev.framework.touchpoint(tp_id)
        ratings = pd.to_numeric(ev.survey[col], errors="coerce")
        low = ev.scale("touchpoint")[0]
        for persona, values in ratings.groupby(ev.survey["persona"], observed=True):
            rows.append({"persona": persona, "stage": tp.stage, "item": codes.get(tp_id, tp_id),
                         "touchpoint": tp_id, "count": int((values <= ev.low_threshold()).sum()),
                         "base": int(values.notna().sum()), "scale_low": low})
    return _evidence_frame(rows, "low_ratings")


def _theme_evidence(ev: Evidence) -> pd.DataFrame:
    """Negative excerpts that fall in a text theme, attached to the theme's dominant pain-point code."""
    from ..evidence import text

    ex = ev.scored_excerpts().dropna(subset=["persona", "stage", "text"])
    negative = ex[ex["sentiment_label"] == "negative"]
    if not hasattr(text, "themes") or len(negative) < 3:
        return _evidence_frame([], "negative_themes")
    try:
        found = text.themes(negative, text="text", by=["persona", "stage"], names=ev.participant_names())
    except DataError:
        return _evidence_frame([], "negative_themes")  # too few words to find themes in
    if found.empty:
        return _evidence_frame([], "negative_themes")
    member = negative.assign(theme=found.attrs["assignments"].reindex(negative.index).fillna(0).astype(int))
    member = member[member["theme"] > 0]
    labels = found.drop_duplicates("theme").set_index("theme")["label"]
    # At each stage a theme stands for the pain-point code most of its excerpts there carry (or for
    # its own label): one theme may span stages, a code belongs to the stage it was coded at.
    from ..core.labels import t

    item = member.groupby(["theme", "stage"]).apply(
        lambda g: g["pain_point"].mode().iloc[0] if g["pain_point"].notna().any()
        else t("theme_item", ev.language, label=labels.get(g.name[0], g.name[0])), include_groups=False).rename("item")
    member = member.join(item, on=["theme", "stage"])
    who = participants_of(ex)
    base = who.groupby(ex["persona"]).nunique()
    rows = [{"persona": p, "stage": s, "item": i, "count": int(who[g.index].nunique()), "base": int(base[p]),
             "excerpts": len(g),
             "touchpoint": g["touchpoint"].mode().iloc[0] if g["touchpoint"].notna().any() else None}
            for (p, s, i), g in member.groupby(["persona", "stage", "item"])]
    # a theme that stands for no code has no coded quote: its most negative excerpt speaks for it
    names = ev.participant_names()
    ev._cache["theme_quotes"] = {
        (p, s, i): clean_quote(g.sort_values("sentiment_score", kind="stable")["text"].iloc[0],
                               keywords=str(i).split(": ", 1)[-1].split(", "), names=names)
        for (p, s, i), g in member.groupby(["persona", "stage", "item"])}
    return _evidence_frame(rows, "negative_themes")


def describe_evidence(kind: str, count: int, base: int, *, low_rating: float = 2, scale_low=1,
                      excerpts=None, language: str = "en") -> str:
    """One source of a pain point in words, e.g. ``'44% rated 1-2 (412 of 936)'``, in ``language``.

    Interview evidence counts participants (``count`` of ``base``) and says how many excerpts
    they gave.

    Examples
    --------
    >>> describe_evidence("low_ratings", 412, 936)
    '44% rated 1-2 (412 of 936)'
    >>> describe_evidence("excerpts", 3, 12, excerpts=5)
    '3 of 12 participants raised it (5 excerpts)'
    >>> describe_evidence("excerpts", 3, 12, excerpts=5, language="id")
    '3 dari 12 partisipan menyebutnya (5 kutipan)'
    """
    from ..core.labels import t

    pct = f"{100 * count / base:.0f}%" if base else "n/a"
    low = 1 if scale_low is None or pd.isna(scale_low) else scale_low
    n_excerpts = count if excerpts is None or pd.isna(excerpts) else int(excerpts)
    return t(f"evidence_{kind}", language, pct=pct, low=f"{low:g}", high=f"{low_rating:g}", count=f"{count:,}",
             base=f"{base:,}", excerpts=f"{n_excerpts:,}")


def _score(evidence: pd.DataFrame, confidence: float, low_rating: float, *, language: str = "en") -> pd.DataFrame:
    evidence = evidence[evidence["base"].astype(float) > 0].copy()
    if evidence.empty:
        return pd.DataFrame(columns=["persona", "stage", "item", "value", "ci_low", "ci_high", "n", "rank",
                                     "sources", "detail", "touchpoint", "score"])
    evidence = evidence.groupby(["persona", "stage", "item", "kind"], as_index=False).agg(
        count=("count", "sum"), base=("base", "sum"), touchpoint=("touchpoint", "first"),
        scale_low=("scale_low", "first"), excerpts=("excerpts", "sum"))
    k, n = evidence["count"].to_numpy(float), evidence["base"].to_numpy(float)
    low, high = intervals.wilson(k, n, confidence=confidence)
    evidence = evidence.assign(share=k / n, low=np.asarray(low), high=np.asarray(high))
    rows = []
    for (persona, stage, item), g in evidence.groupby(["persona", "stage", "item"], sort=False):
        g = g.sort_values("low", ascending=False)
        if g["count"].sum() <= 0:
            continue
        top = g.iloc[0]
        rows.append({"persona": persona, "stage": stage, "item": item, "value": 100 * top["share"],
                     "ci_low": 100 * top["low"], "ci_high": 100 * top["high"], "n": top["base"],
                     "score": float(g["low"].sum()), "sources": ", ".join(g.loc[g["count"] > 0, "kind"]),
                     "touchpoint": g["touchpoint"].dropna().iloc[0] if g["touchpoint"].notna().any() else None,
                     "detail": "; ".join(describe_evidence(r.kind, int(r.count), int(r.base), low_rating=low_rating,
                                                           scale_low=r.scale_low, excerpts=r.excerpts,
                                                           language=language) for r in g.itertuples())})
    out = pd.DataFrame(rows)
    if out.empty:
        return _score(evidence.iloc[:0], confidence, low_rating, language=language)
    out["rank"] = out.groupby(["persona", "stage"])["score"].rank(ascending=False, method="first")
    return out.sort_values(["persona", "stage", "rank"]).reset_index(drop=True)


def _quotes(ev: Evidence) -> dict:
    """The most negative coded excerpt of each persona, stage and pain point, redacted."""
    from ..evidence.text import redact

    ex = ev.scored_excerpts().dropna(subset=["persona", "stage", "pain_point", "text"])
    ex = ex.sort_values("sentiment_score", kind="stable")
    first = ex.drop_duplicates(["persona", "stage", "pain_point"])
    names = ev.participant_names()
    label = ev.framework.label
    return {(r.persona, r.stage, r.pain_point): clean_quote(
        r.text, keywords=[str(r.pain_point), label(str(r.pain_point))]
        + ([label(str(r.touchpoint))] if pd.notna(r.touchpoint) else []), names=names) for r in first.itertuples()}


def clean_quote(text, *, keywords=(), names=None, words: int = QUOTE_WORDS) -> str:
    """A quote for a table cell: redacted, newlines (real or written as ``\\n``) as spaces, and a
    long turn trimmed to about ``words`` words around the first word of ``keywords``, with "...".

    Examples
    --------
    >>> clean_quote("Well.\\nThe data was never enough for us.")
    'Well. The data was never enough for us.'
    >>> clean_quote(" ".join(["so"] * 60 + ["missing data"] + ["and"] * 60), keywords=["data_availability"], words=6)
    '... so missing data and and and ...'
    """
    from ..evidence.text import redact

    flat = re.sub(r"\s+", " ", str(text).replace("\\n", " ")).strip()
    flat = redact(flat, names=names)
    tokens = flat.split(" ")
    if len(tokens) <= words:
        return flat
    stems = {w.lower()[:5] for k in keywords for w in re.split(r"[\s_,;:]+", str(k)) if len(w) >= 4}
    hit = next((i for i, tok in enumerate(tokens) if re.sub(r"\W", "", tok.lower())[:5] in stems), 0)
    start = max(0, min(hit - words // 3, len(tokens) - words))
    end = start + words
    return ("... " if start > 0 else "") + " ".join(tokens[start:end]) + (" ..." if end < len(tokens) else "")


# ------------------------------------------------------------------------- opportunities

def pain_point_label(framework, item, touchpoint=None, language: str = "en") -> str:
    """A pain point in the study's words: the framework's label of its id, else the label of the
    touchpoint it is named after (``formulir_online_pain`` -> "Formulir online"), else its id in
    words with a capital.

    Examples
    --------
    >>> from cjm_research.core.framework import JourneyFramework
    >>> fw = JourneyFramework.load("default")
    >>> tp = next(iter(fw.touchpoints))
    >>> pain_point_label(fw, tp + "_pain") == fw.label(tp), pain_point_label(fw, "data_availability")
    (True, 'Data availability')
    """
    item = str(item)
    label = framework.label(item, language)
    if label != item.replace("_", " "):
        return label
    tps = [tp for tp in ([touchpoint] if isinstance(touchpoint, str) else []) + list(framework.touchpoints)
           if tp in framework.touchpoints and item.startswith(tp)]
    if tps:
        return framework.label(max(tps, key=len), language)
    return label[:1].upper() + label[1:]


def opportunities(ev: Evidence) -> pd.DataFrame:
    """Opportunities per stage, in the study's labels: first the "fix first" touchpoints of the
    importance-performance analysis of the key drivers of the outcome (important, performing below
    the average), then the strongest pain points not already covered, ``top`` per stage."""
    def label(item):
        return pain_point_label(ev.framework, item, language=ev.language)

    parts = []
    drivers = key_driver_table(ev)
    fix = drivers[(drivers["level"] == "touchpoint") & (drivers["quadrant"] == "fix first")] \
        if len(drivers) else drivers
    if len(fix):
        fix = fix.assign(rank=fix.groupby(["persona", "stage"])["importance"].rank(ascending=False, method="first"))
        parts.append(pd.DataFrame({
            "persona": fix["persona"], "stage": fix["stage"], "lane": "opportunities",
            "item": "Improve: " + fix["driver"].map(label), "value": fix["importance"], "ci_low": fix["ci_low"],
            "ci_high": fix["ci_high"], "n": fix["n"], "rank": fix["rank"], "source": "key drivers: fix first",
            "detail": [f"key driver of {ev.outcome.name}: {i:.0f}% of R², performance {p:.0f}/100"
                       for i, p in zip(fix["importance"], fix["performance"])]}))
    pains = ev.pain_evidence
    if pains is not None and len(pains):
        # a pain point too thin to show (masked) is no basis for an opportunity either
        pains = pains[pains["n"].astype(float) >= ev.min_cell_size]
        covered = set(zip(fix["persona"], fix["driver"])) if len(fix) else set()
        keep = pains[np.array([(p, t) not in covered for p, t in zip(pains["persona"], pains["touchpoint"])],
                              dtype=bool)].copy()
        offset = fix.groupby(["persona", "stage"]).size() if len(fix) else pd.Series(dtype=float)
        keep["rank"] = keep["rank"] + [offset.get((p, s), 0) for p, s in zip(keep["persona"], keep["stage"])]
        parts.append(pd.DataFrame({
            "persona": keep["persona"], "stage": keep["stage"], "lane": "opportunities",
            "item": "Fix: " + keep["item"].map(label), "value": keep["value"], "ci_low": keep["ci_low"],
            "ci_high": keep["ci_high"], "n": keep["n"], "rank": keep["rank"], "source": "pain point",
            "detail": keep["detail"]}))
    out = frame_of(parts)
    return out[out["rank"] <= ev.top] if len(out) else out


# Order matters: opportunities read the pain-point evidence that pain_points leaves behind.
BUILDERS = (touchpoints, channels, process, designed_path, emotion, pain_points, metrics_lane, opportunities, backstage)
