"""The lanes of a current-state journey map, each built from the evidence of one study quarter.

:class:`Evidence` gathers what every lane needs once (the survey with a persona per respondent, the
coded interviews with their persona and sentiment, the event log joined to personas); each lane
builder turns it into tidy rows ``persona, stage, lane, item, value, n, ci_low, ci_high`` (plus
``source``, ``detail``, ``quote``, ``rank``). The statistics come from the evidence modules
(:mod:`cjm_research.evidence.metrics`, :mod:`cjm_research.evidence.text`, :mod:`cjm_research.evidence.drivers`,
:mod:`cjm_research.events.log`); this module only decides what goes in which lane.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..evidence import intervals, metrics
from ..core.errors import DataError, preview

ALL = "all"  # the persona of a map built without personas


# ------------------------------------------------------------------------- personas

def persona_assignment(survey: pd.DataFrame, personas, *, id_column: str, source: str = "survey") -> pd.Series:
    """Persona per respondent id (string index) from a PersonaModel, a Series or None.

    A fitted model assigns with ``predict`` and names personas with ``names_``, so the same model
    labels every quarter consistently.
    """
    ids = survey[id_column].astype(str)
    if personas is None:
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
    definitions: dict = field(default_factory=dict)
    pain_evidence: pd.DataFrame | None = None
    _scored: pd.DataFrame | None = None

    @classmethod
    def collect(cls, study, personas=None, *, need=("survey", "interviews", "events"), **options) -> "Evidence":
        """Read the quarter's frames and attach a persona to respondents, excerpts and events."""
        cols = study.columns
        survey = study.survey
        assignment = persona_assignment(survey, personas, id_column=cols.respondent_id,
                                        source=str(study.files.get("survey", "survey")))
        survey = survey.assign(persona=assignment.to_numpy())
        interviews = _with_persona(study.interviews, survey, cols) if "interviews" in need else None
        events = _events_with_personas(study, survey, cols) if "events" in need else None
        return cls(study, assignment, survey, interviews, events, **options)

    @property
    def framework(self):
        return self.study.framework

    @property
    def columns(self):
        return self.study.columns

    @property
    def personas(self) -> list[str]:
        return list(dict.fromkeys(self.assignment.dropna()))

    def frontstage(self, stage: str):
        return self.framework.touchpoints_in(stage, visibility="frontstage")

    def customer_excerpts(self) -> pd.DataFrame:
        """Excerpts of customers (linked to a customer id); staff interviews are internal."""
        return self.interviews[self.interviews["customer_id"].notna()]

    def internal_excerpts(self) -> pd.DataFrame:
        """Excerpts without a customer id: interviews with staff, the backstage evidence."""
        return self.interviews[self.interviews["customer_id"].isna()]

    def participant_names(self) -> list[str]:
        """Names redacted from quotes with the rest of the PII: the study's ``redact_names`` and
        participant labels that look like personal names."""
        names = self.interviews["participant"].dropna().astype(str).unique()
        labels = [n for n in names if any(ch.isalpha() for ch in n) and " " in n.strip()]
        return list(dict.fromkeys(list(self.study.config.redact_names) + labels))

    def scored_excerpts(self) -> pd.DataFrame:
        """Customer excerpts with ``sentiment_score`` (-1..1) and ``sentiment_source``.

        The score is :func:`cjm_research.evidence.text.sentiment_model` of the excerpt text; when the text module
        offers no sentiment the researcher's coded ``emotion_score`` is used instead, and
        ``sentiment_source`` says which.
        """
        if self._scored is None:
            ex = self.customer_excerpts().copy()
            scores, labels, source = _sentiment_scores(ex)
            self._scored = ex.assign(sentiment_score=scores, sentiment_label=labels, sentiment_source=source)
        return self._scored


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


def _with_persona(interviews: pd.DataFrame, survey: pd.DataFrame, cols) -> pd.DataFrame:
    frame = interviews.copy()
    if survey["persona"].nunique() == 1 and survey["persona"].iloc[0] == ALL:
        return frame.assign(persona=ALL)
    by_customer = _customer_personas(survey, cols)
    return frame.assign(persona=frame["customer_id"].astype("string").map(by_customer))


def _events_with_personas(study, survey: pd.DataFrame, cols):
    if "events" not in study.files:
        return None
    # Only surveyed customers have a persona; other customers' events are left out of the lanes.
    return study.events.with_personas(_customer_personas(survey, cols))


# ------------------------------------------------------------------------- helpers

def _metric_rows(result: pd.DataFrame, *, stage: str, lane: str, item: str, source: str) -> pd.DataFrame:
    """A metrics result (by persona) as map rows."""
    return pd.DataFrame({"persona": result["persona"], "stage": stage, "lane": lane, "item": item,
                         "value": result["estimate"], "n": result["n"], "ci_low": result["ci_low"],
                         "ci_high": result["ci_high"], "source": source, "detail": result["definition"]})


def mean_interval(values, confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Mean with a t interval (for the -1..1 emotion scores), as ``(mean, low, high, n)``.

    The interval is :func:`cjm_research.evidence.intervals.t_interval`; with fewer than two
    values, or no spread, the bounds equal the mean.
    """
    x = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(dtype=float)
    mean, low, high, n = intervals.t_interval(x, confidence=confidence)
    if n and (n < 2 or x.std(ddof=1) == 0):
        return mean, mean, mean, n
    return mean, low, high, n


# ------------------------------------------------------------------------- frontstage lanes

def touchpoints(ev: Evidence) -> pd.DataFrame:
    """Usage (share of respondents who used it) and rating (top-2-box %) of each frontstage touchpoint.

    A rating item's "not applicable / did not use" code is missing after validation, so usage is
    the share of respondents with a rating; touchpoints without a survey item take usage from the
    event log (share of the persona's customers with one of its events).
    """
    parts = []
    for stage in ev.framework.stages:
        for tp in ev.frontstage(stage):
            col = ev.columns.touchpoint_ratings.get(tp.id)
            if col is not None and col in ev.survey.columns:
                parts.append(_usage_from_survey(ev, stage, tp.id, col))
                parts.append(_metric_rows(metrics.csat(ev.survey, col, by="persona"), stage=stage,
                                          lane="touchpoints", item=tp.id, source="rating"))
            elif ev.events is not None:
                parts.append(_usage_from_events(ev, stage, tp.id))
    return pd.concat(parts, ignore_index=True)


def _share_rows(counts: pd.DataFrame, **const) -> pd.DataFrame:
    """Rows with a percentage and its Wilson interval from ``k`` (hits) and ``n`` per persona."""
    ci = [intervals.wilson(int(k), int(n)) for k, n in zip(counts["k"], counts["n"])]
    return pd.DataFrame({"persona": counts["persona"].to_numpy(), **const,
                         "value": 100 * counts["k"].to_numpy() / counts["n"].replace(0, np.nan).to_numpy(),
                         "n": counts["n"].to_numpy(),
                         "ci_low": [100 * c[0] for c in ci], "ci_high": [100 * c[1] for c in ci]})


def _usage_from_survey(ev: Evidence, stage: str, tp: str, col: str) -> pd.DataFrame:
    counts = (ev.survey.assign(used=ev.survey[col].notna()).groupby("persona", observed=True)["used"]
              .agg(k="sum", n="size").reset_index())
    return _share_rows(counts, stage=stage, lane="touchpoints", item=tp, source="usage",
                       detail="% of respondents who rated it (did not use = not applicable)")


def _usage_from_events(ev: Evidence, stage: str, tp: str) -> pd.DataFrame:
    frame = ev.events.frame()
    reached = frame.loc[frame["touchpoint"] == tp].groupby("persona", observed=True)["customer"].nunique()
    active = frame.groupby("persona", observed=True)["customer"].nunique()
    counts = pd.DataFrame({"k": reached.reindex(active.index, fill_value=0), "n": active}).reset_index()
    return _share_rows(counts, stage=stage, lane="touchpoints", item=tp, source="usage (events)",
                       detail="% of the persona's customers with an event at this touchpoint")


def emotion(ev: Evidence) -> pd.DataFrame:
    """Emotion on -1..1 from two sources, pooled, and whether the sources agree.

    ``satisfaction`` rescales the stage CSAT item (1..5 -> -1..1); ``sentiment`` is the mean
    sentiment score of the stage's interview excerpts; ``combined`` pools both (the curve on the
    map); ``agreement`` is ``1 - |satisfaction - sentiment| / 2`` (1 = identical) with the
    detail saying whether their intervals overlap.
    """
    sat = _emotion_from_satisfaction(ev)
    sent = _emotion_from_sentiment(ev)
    both = pd.concat([sat, sent], ignore_index=True)
    pooled = [_pool(group, persona, stage) for (persona, stage), group
              in both.groupby(["persona", "stage"], sort=False)]
    return pd.concat([both, pd.DataFrame([r for pair in pooled for r in pair])], ignore_index=True)


def _emotion_from_satisfaction(ev: Evidence) -> pd.DataFrame:
    rows = []
    for stage, col in ev.columns.csat.items():
        if col not in ev.survey.columns:
            continue
        for persona, values in ev.survey.groupby("persona", observed=True)[col]:
            mean, low, high, n = mean_interval((pd.to_numeric(values, errors="coerce") - 3) / 2)
            rows.append({"persona": persona, "stage": stage, "item": "satisfaction", "value": mean,
                         "ci_low": low, "ci_high": high, "n": n, "source": "survey",
                         "detail": f"({col} - 3) / 2, mean with 95% t interval"})
    return pd.DataFrame(rows).assign(lane="emotion")


def _emotion_from_sentiment(ev: Evidence) -> pd.DataFrame:
    scored = ev.scored_excerpts()
    rows = []
    for (persona, stage), group in scored.dropna(subset=["persona", "stage"]).groupby(["persona", "stage"]):
        mean, low, high, n = mean_interval(group["sentiment_score"])
        rows.append({"persona": persona, "stage": stage, "item": "sentiment", "value": mean, "ci_low": low,
                     "ci_high": high, "n": n, "source": "interviews",
                     "detail": "mean sentiment score of interview excerpts, 95% t interval"})
    return pd.DataFrame(rows, columns=["persona", "stage", "item", "value", "ci_low", "ci_high", "n",
                                       "source", "detail"]).assign(lane="emotion")


def _pool(group: pd.DataFrame, persona: str, stage: str) -> list[dict]:
    """Combined emotion (inverse-variance weights) and the agreement of the two sources."""
    g = group.dropna(subset=["value"]).set_index("item")
    z = intervals.z_value(0.95)
    se = ((g["ci_high"] - g["ci_low"]) / (2 * z)).clip(lower=1e-3)
    w = 1 / se ** 2
    value = float((g["value"] * w).sum() / w.sum()) if len(g) else np.nan
    half = float(z / np.sqrt(w.sum())) if len(g) else np.nan
    base = {"persona": persona, "stage": stage, "lane": "emotion"}
    rows = [base | {"item": "combined", "value": value, "ci_low": value - half, "ci_high": value + half,
                    "n": float(group["n"].sum()), "source": "+".join(g.index),
                    "detail": "inverse-variance pooled satisfaction and sentiment"}]
    if {"satisfaction", "sentiment"} <= set(g.index):
        a, b = g.loc["satisfaction"], g.loc["sentiment"]
        overlap = a["ci_low"] <= b["ci_high"] and b["ci_low"] <= a["ci_high"]
        rows.append(base | {"item": "agreement", "value": 1 - abs(a["value"] - b["value"]) / 2,
                            "n": float(min(a["n"], b["n"])), "source": "satisfaction vs sentiment",
                            "detail": "sources agree (intervals overlap)" if overlap
                            else "sources disagree (intervals do not overlap)"})
    return rows


def metrics_lane(ev: Evidence) -> pd.DataFrame:
    """CSAT and CES per stage; NPS on advocacy; conversion on decision; repurchase on retention.

    NPS, conversion and repurchase are journey-level numbers; they sit on the stage where the
    behaviour they measure happens rather than being repeated on every stage.
    """
    parts = []
    for name, fn in (("csat", metrics.csat), ("ces", metrics.ces)):
        for stage, col in getattr(ev.columns, name).items():
            if col in ev.survey.columns:
                result = fn(ev.survey, col, by="persona")
                ev.definitions.setdefault(name, result["definition"].iloc[0])
                parts.append(_metric_rows(result, stage=stage, lane="metrics", item=name, source=col))
    if ev.columns.nps and ev.columns.nps in ev.survey.columns:
        result = metrics.nps(ev.survey, ev.columns.nps, by="persona")
        ev.definitions.setdefault("nps", result["definition"].iloc[0])
        parts.append(_metric_rows(result, stage=_last_stage(ev, "advocacy"), lane="metrics", item="nps",
                                  source=ev.columns.nps))
    parts += _event_rates(ev)
    return pd.concat(parts, ignore_index=True)


def _last_stage(ev: Evidence, preferred: str) -> str:
    stages = ev.framework.stages
    return preferred if preferred in stages else stages[-1]


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
    frame = pd.DataFrame(rows)
    # Backstage lanes serve every persona: repeat them so each persona's map is complete.
    return pd.concat([frame.assign(persona=p) for p in ev.personas], ignore_index=True)


# ------------------------------------------------------------------------- pain points

EVIDENCE_KINDS = ("excerpts", "low_ratings", "negative_themes", "drop_offs")


def pain_points(ev: Evidence) -> pd.DataFrame:
    """Pain points per persona and stage, ranked by evidence from four independent sources.

    Each source gives a count and a base: coded interview excerpts (of the persona's excerpts at
    the stage), low touchpoint ratings (of the ratings), excerpts in negative text themes (of the
    excerpts) and event drop-offs at the touchpoint (of the customers who reached it). The score
    (0..100) is the mean of the four shares (each its lower 95% Wilson bound, so thin evidence
    counts less), and a pain point seen in several kinds of evidence outranks one that is loud
    in a single source. Touchpoint evidence joins the pain-point code
    that interviews most often attach to that touchpoint.
    """
    evidence = pd.concat([_coded_evidence(ev), _rating_evidence(ev), _theme_evidence(ev),
                          _dropoff_evidence(ev)], ignore_index=True)
    table = _score(evidence)
    ev.pain_evidence = table
    quotes = _quotes(ev)
    rows = table.assign(lane="pain_points", value=table["score"], n=table["base"],
                        source=table["sources"], detail=table["detail"])
    rows["quote"] = [quotes.get((p, s, i)) for p, s, i in zip(rows["persona"], rows["stage"], rows["item"])]
    return rows


def _evidence_frame(rows, kind: str) -> pd.DataFrame:
    cols = ["persona", "stage", "item", "touchpoint", "kind", "count", "base"]
    return pd.DataFrame(rows, columns=cols).assign(kind=kind) if len(rows) else pd.DataFrame(columns=cols)


def _code_of_touchpoint(ev: Evidence) -> dict[str, str]:
    coded = ev.scored_excerpts().dropna(subset=["touchpoint", "pain_point"])
    return coded.groupby("touchpoint")["pain_point"].agg(lambda s: s.value_counts().index[0]).to_dict()


def _coded_evidence(ev: Evidence) -> pd.DataFrame:
    ex = ev.scored_excerpts().dropna(subset=["persona", "stage"])
    base = ex.groupby(["persona", "stage"]).size()
    coded = ex.dropna(subset=["pain_point"])
    rows = [{"persona": p, "stage": s, "item": code, "count": len(g), "base": base[(p, s)],
             "touchpoint": g["touchpoint"].mode().iloc[0] if g["touchpoint"].notna().any() else None}
            for (p, s, code), g in coded.groupby(["persona", "stage", "pain_point"])]
    return _evidence_frame(rows, "excerpts")


def _rating_evidence(ev: Evidence) -> pd.DataFrame:
    codes = _code_of_touchpoint(ev)
    rows = []
    for tp_id, col in ev.columns.touchpoint_ratings.items():
        if col not in ev.survey.columns:
            continue
        tp = ev.framework.touchpoint(tp_id)
        ratings = pd.to_numeric(ev.survey[col], errors="coerce")
        for persona, values in ratings.groupby(ev.survey["persona"], observed=True):
            rows.append({"persona": persona, "stage": tp.stage, "item": codes.get(tp_id, f"{tp_id} (low rating)"),
                         "touchpoint": tp_id, "count": int((values <= ev.low_rating).sum()),
                         "base": int(values.notna().sum())})
    return _evidence_frame(rows, "low_ratings")


def _theme_evidence(ev: Evidence) -> pd.DataFrame:
    """Negative excerpts that fall in a text theme, attached to the theme's dominant pain-point code.

    Uses :func:`cjm_research.evidence.text.themes`; until the text module offers it this source is empty
    and the score rests on the other three.
    """
    from ..evidence import text

    if not hasattr(text, "themes"):
        return _evidence_frame([], "negative_themes")
    ex = ev.scored_excerpts().dropna(subset=["persona", "stage", "text"])
    negative = ex[ex["sentiment_label"] == "negative"]
    if len(negative) < 3:
        return _evidence_frame([], "negative_themes")
    found = text.themes(negative, text="text", by=["persona", "stage"], names=ev.participant_names())
    member = negative.assign(theme=found.attrs["assignments"].reindex(negative.index).fillna(0).astype(int))
    member = member[member["theme"] > 0]
    labels = found.drop_duplicates("theme").set_index("theme")["label"]
    # At each stage a theme stands for the pain-point code most of its excerpts there carry (or for
    # its own label): one theme may span stages, a code belongs to the stage it was coded at.
    item = member.groupby(["theme", "stage"]).apply(
        lambda g: g["pain_point"].mode().iloc[0] if g["pain_point"].notna().any()
        else f"theme: {labels.get(g.name[0], g.name[0])}", include_groups=False).rename("item")
    member = member.join(item, on=["theme", "stage"])
    base = ex.groupby(["persona", "stage"]).size()
    rows = [{"persona": p, "stage": s, "item": i, "count": len(g), "base": int(base[(p, s)]),
             "touchpoint": g["touchpoint"].mode().iloc[0] if g["touchpoint"].notna().any() else None}
            for (p, s, i), g in member.groupby(["persona", "stage", "item"])]
    return _evidence_frame(rows, "negative_themes")


def _score(evidence: pd.DataFrame) -> pd.DataFrame:
    # The lower Wilson bound rather than the raw share: 2 of 10 excerpts is weaker evidence than
    # 60 of 300 ratings, and a pain point should not top a stage on a handful of mentions.
    evidence = evidence.assign(share=[intervals.wilson(int(k), int(n))[0] if n else 0.0
                                      for k, n in zip(evidence["count"], evidence["base"])])
    keys = ["persona", "stage", "item"]
    wide = evidence.pivot_table(index=keys, columns="kind", values=["count", "base", "share"],
                                aggfunc="sum", fill_value=0)
    out = pd.DataFrame(index=wide.index)
    for kind in EVIDENCE_KINDS:
        for what in ("count", "base", "share"):
            out[f"{kind}_{what}" if what != "count" else kind] = (
                wide[(what, kind)] if (what, kind) in wide.columns else 0)
    out["score"] = 100 * out[[f"{k}_share" for k in EVIDENCE_KINDS]].mean(axis=1)
    out["base"] = out[[f"{k}_base" for k in EVIDENCE_KINDS]].max(axis=1)
    out["sources"] = out.apply(lambda r: ", ".join(k for k in EVIDENCE_KINDS if r[k] > 0), axis=1)
    out["detail"] = out.apply(lambda r: "; ".join(f"{k.replace('_', ' ')} {int(r[k])}/{int(r[k + '_base'])}"
                                                  for k in EVIDENCE_KINDS if r[f"{k}_base"] > 0), axis=1)
    tps = evidence.dropna(subset=["touchpoint"]).groupby(keys)["touchpoint"].first()
    out = out.join(tps).reset_index()
    out = out[out[list(EVIDENCE_KINDS)].sum(axis=1) > 0]
    out["rank"] = out.groupby(["persona", "stage"])["score"].rank(ascending=False, method="first")
    return out.sort_values(["persona", "stage", "rank"]).reset_index(drop=True)


def _quotes(ev: Evidence) -> dict:
    """The most negative coded excerpt of each persona, stage and pain point, redacted."""
    from ..evidence.text import redact

    ex = ev.scored_excerpts().dropna(subset=["persona", "stage", "pain_point", "text"])
    ex = ex.sort_values("sentiment_score", kind="stable")
    first = ex.drop_duplicates(["persona", "stage", "pain_point"])
    names = ev.participant_names()
    return {(r.persona, r.stage, r.pain_point): redact(str(r.text), names=names) for r in first.itertuples()}


def opportunities(ev: Evidence) -> pd.DataFrame:
    """Opportunities: the top pain points of each stage, and "fix first" touchpoints of the
    importance-performance quadrant (important to NPS, performing below the average)."""
    pains = ev.pain_evidence
    top = pains[pains["rank"] <= ev.top]
    rows = pd.DataFrame({"persona": top["persona"], "stage": top["stage"], "lane": "opportunities",
                         "item": "Fix: " + top["item"].astype(str), "value": top["score"], "n": top["base"],
                         "source": "pain point", "rank": top["rank"],
                         "detail": "evidence score 0..100 of the pain point (" + top["detail"] + ")"})
    return pd.concat([rows, _quadrant_opportunities(ev)], ignore_index=True)


def _quadrant_opportunities(ev: Evidence) -> pd.DataFrame:
    """"Fix first" touchpoints (important, under-performing) from :mod:`cjm_research.evidence.drivers`."""
    from ..evidence.drivers import importance_performance

    ratings = {col: tp for tp, col in ev.columns.touchpoint_ratings.items() if col in ev.survey.columns}
    outcome = ev.columns.nps
    if len(ratings) < 2 or not outcome or outcome not in ev.survey.columns:
        return pd.DataFrame()
    parts = []
    for persona, group in ev.survey.groupby("persona", observed=True):
        if len(group) < max(ev.min_cell_size, len(ratings) + 2):
            continue  # too few respondents for a driver model; the cell would be masked anyway
        usable = _driver_columns(group, list(ratings))
        if len(usable) < 2:
            continue
        # Pairwise: respondents rate only the touchpoints they used, listwise would drop most of them.
        table = importance_performance(group, usable, outcome, missing="pairwise", n_boot=ev.n_boot)
        parts.append(table.assign(persona=persona))
    if not parts:
        return pd.DataFrame()
    ipa = pd.concat(parts, ignore_index=True)
    fix = ipa[ipa["quadrant"] == "fix first"].copy()
    fix["touchpoint"] = fix["driver"].map(ratings)
    fix["stage"] = fix["touchpoint"].map(lambda t: ev.framework.touchpoint(t).stage)
    fix["rank"] = ev.top + fix.groupby(["persona", "stage"])["importance"].rank(ascending=False, method="first")
    return pd.DataFrame({"persona": fix["persona"], "stage": fix["stage"], "lane": "opportunities",
                         "item": "Improve: " + fix["touchpoint"], "value": fix["importance"],
                         "ci_low": fix["ci_low"], "ci_high": fix["ci_high"], "n": fix["n"], "rank": fix["rank"],
                         "source": "importance-performance: fix first",
                         "detail": [f"{i:.1f}% of the NPS R2, performance {p:.0f}/100" for i, p in
                                    zip(fix["importance"], fix["performance"])]})



# ------------------------------------------------------------------------- event lanes

def _driver_columns(group: pd.DataFrame, columns: list[str], *, min_pairs: int = 10) -> list[str]:
    """Ratings usable in a pairwise driver model: every pair rated together by ``min_pairs`` people.

    Within a persona some touchpoints are hardly used (store loyalists rarely browse the app), and
    a pair never rated together has no correlation at all; such ratings are left out, the least
    co-rated first.
    """
    rated = group[columns].notna().astype(int)
    keep = [c for c in columns if rated[c].sum() >= min_pairs]
    while len(keep) > 1:
        pairs = rated[keep].T @ rated[keep]
        short = (pairs < min_pairs).sum()
        if not short.any():
            break
        keep.remove(short.idxmax())
    return keep


def _known(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of an event query with a persona (customers outside the survey have none)."""
    return frame[frame["persona"].notna()] if "persona" in frame.columns else frame


def _stage_customers(ev: Evidence) -> pd.DataFrame:
    """Customers with at least one event at each stage, per persona (``persona, stage, customers``)."""
    parts = [_known(ev.events.funnel([stage], on="stage", by="persona")).assign(stage=stage)
             for stage in ev.framework.stages]
    return pd.concat(parts, ignore_index=True)[["persona", "stage", "customers"]]


def channels(ev: Evidence) -> pd.DataFrame:
    """Channel mix per stage: % of the persona's events at the stage on each channel.

    ``n`` is the number of the persona's customers active at the stage (so masking is by people,
    not events); without an event log the mix comes from the framework channels of the stage's
    touchpoints, weighted by survey usage.
    """
    if ev.events is None:
        return _channels_from_usage(ev)
    counts = _known(ev.events.touchpoint_counts(by=["persona", "channel"]))
    mix = counts.groupby(["persona", "stage", "channel"], as_index=False)["events"].sum()
    mix["value"] = 100 * mix["events"] / mix.groupby(["persona", "stage"])["events"].transform("sum")
    mix = mix.merge(_stage_customers(ev), on=["persona", "stage"], how="left")
    mix["rank"] = mix.groupby(["persona", "stage"])["value"].rank(ascending=False, method="first")
    return pd.DataFrame({"persona": mix["persona"], "stage": mix["stage"], "lane": "channels",
                         "item": mix["channel"], "value": mix["value"], "n": mix["customers"],
                         "rank": mix["rank"], "source": "events",
                         "detail": mix["events"].map(lambda e: f"{e} events")})


def _channels_from_usage(ev: Evidence) -> pd.DataFrame:
    usage = touchpoints(ev)
    usage = usage[usage["source"] == "usage"].copy()
    usage["channel"] = usage["item"].map(lambda t: ev.framework.touchpoint(t).channel)
    mix = usage.groupby(["persona", "stage", "channel"], as_index=False).agg(value=("value", "sum"), n=("n", "max"))
    mix["value"] = 100 * mix["value"] / mix.groupby(["persona", "stage"])["value"].transform("sum")
    return mix.rename(columns={"channel": "item"}).assign(lane="channels", source="survey usage x framework")


def process(ev: Evidence) -> pd.DataFrame:
    """What customers do at each stage: the most frequent steps (directly-follows) that start there.

    ``value`` is the step's share (%) of all steps out of the stage's touchpoints for the persona;
    without events the designed frontstage steps of the framework are listed.
    """
    if ev.events is None:
        return pd.DataFrame([{"persona": p, "stage": tp.stage, "lane": "process", "item": tp.id,
                              "source": "framework"} for p in ev.personas for s in ev.framework.stages
                             for tp in ev.frontstage(s)])
    steps = _known(ev.events.transitions(on="touchpoint", by=["persona", "stage"]))
    steps = steps.assign(value=100 * steps["count"] / steps.groupby(["persona", "stage"])["count"].transform("sum"))
    steps["rank"] = steps.groupby(["persona", "stage"])["count"].rank(ascending=False, method="first")
    steps = steps[steps["rank"] <= ev.top]
    label = ev.framework.label
    return pd.DataFrame({"persona": steps["persona"], "stage": steps["stage"], "lane": "process",
                         "item": [f"{label(a)} > {label(b)}" for a, b in zip(steps["source"], steps["target"])],
                         "value": steps["value"], "n": steps["count"], "rank": steps["rank"],
                         "source": "events (directly-follows)",
                         "detail": [f"{c} steps" for c in steps["count"]]})


def _dropoff_evidence(ev: Evidence) -> pd.DataFrame:
    """Customers who reached a touchpoint but not the next step of the stage's sequence.

    Only consecutive frontstage touchpoints where the next one is the most frequent successor in
    the log count as a sequence (add to cart > checkout > payment > purchase), so alternatives
    (app or store at consideration) are not mistaken for drop-offs.
    """
    if ev.events is None:
        return _evidence_frame([], "drop_offs")
    flows = ev.events.transitions(on="touchpoint")
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
                rows.append({"persona": persona, "stage": stage, "item": codes.get(left, f"{left} (drop-off)"),
                             "touchpoint": left, "count": int(lost), "base": int(reached)})
    return _evidence_frame(rows, "drop_offs")


def _sequence(tps: list[str], successor: pd.Series) -> list[str]:
    """The longest run of consecutive touchpoints where each is the next one's usual predecessor."""
    best, run = [], tps[:1]
    for a, b in zip(tps, tps[1:]):
        run = run + [b] if successor.get(a) == b else [b]
        best = run if len(run) > len(best) else best
    return best


def _event_rates(ev: Evidence) -> list[pd.DataFrame]:
    """Conversion (decision stage) and repurchase (retention stage) from the event log."""
    if ev.events is None:
        return []
    seen = set(ev.events.touchpoint_counts()["touchpoint"])
    parts = []
    for name, stage, fn, target in (("conversion_rate", "decision", ev.events.conversion_rate, ev.conversion),
                                    ("repurchase_rate", "retention", ev.events.repurchase_rate, ev.repurchase)):
        events = [target] if isinstance(target, str) else list(target)
        if not set(events) & set(ev.framework.event_map()) or not {ev.framework.touchpoint_of_event(e) for e in events} & seen:
            continue
        result = _known(fn(target, by="persona"))
        ev.definitions.setdefault(name, result["definition"].iloc[0])
        parts.append(_metric_rows(result, stage=_last_stage(ev, stage), lane="metrics", item=name, source="events"))
    return parts


def hourly_intensity(ev: Evidence, *, timezone: str | None = None) -> pd.DataFrame:
    """Events per persona, local hour of day and channel (from :meth:`EventLog.hourly`)."""
    options = {"tz": timezone} if timezone else {}
    return _known(ev.events.hourly(by="persona", **options)).reset_index(drop=True)


# Order matters: opportunities read the pain-point evidence that pain_points leaves behind.
BUILDERS = (touchpoints, channels, process, emotion, pain_points, metrics_lane, opportunities, backstage)
