"""What a study measures, and the walkthrough notebooks' steps that must work on any study shape.

The notebooks (01 explore, 03 current state, 04 future state) call these functions instead of
writing logic of their own, so a survey-only, interviews-only or events-only study runs through
them: what a study does not have gives an empty frame whose ``attrs["not_measured"]`` says so in
words, never an exception.

Examples
--------
>>> import cjm_research as cjm                                       # doctest: +SKIP
>>> from cjm_research.journey import overview                        # doctest: +SKIP
>>> overview.measures(study)                                         # doctest: +SKIP
>>> print(overview.not_measured_text(study))                         # doctest: +SKIP
Not measured in this study: NPS, CES, interviews.
"""

from __future__ import annotations

import pandas as pd

from ..core.labels import t

SOURCES = ("survey", "interviews", "events")


def _empty(columns, what: str, language: str = "en") -> pd.DataFrame:
    frame = pd.DataFrame(columns=columns)
    frame.attrs["not_measured"] = t("not_measured", language, what=what)
    return frame


def measures(study) -> pd.DataFrame:
    """One row per thing a map can show (sources, metrics, outcome, panel ids, future state):
    ``measure``, ``measured`` (bool) and ``detail`` (the file or column, or why not).

    Reads only the configuration, so it is instant even for a large survey.

    Examples
    --------
    >>> measures(study).query("not measured")["measure"].tolist()     # doctest: +SKIP
    ['ces', 'interviews', 'events']
    """
    cols, cfg = study.columns, study.config
    files = study.files
    rows = [{"measure": kind, "measured": kind in files, "detail": str(files.get(kind, "no file this quarter"))}
            for kind in SOURCES]
    survey = "survey" in files
    rows += [
        {"measure": "nps", "measured": survey and bool(cols.nps), "detail": cols.nps or "no NPS item"},
        {"measure": "csat", "measured": survey and bool(cols.csat), "detail": ", ".join(cols.csat.values()) or "no stage CSAT items"},
        {"measure": "ces", "measured": survey and bool(cols.ces), "detail": ", ".join(cols.ces.values()) or "no CES items"},
        {"measure": "touchpoint ratings", "measured": survey and bool(cols.touchpoint_ratings),
         "detail": f"{len(cols.touchpoint_ratings)} touchpoints rated"},
        {"measure": "outcome", "measured": survey and getattr(cfg, "outcome", None) is not None,
         "detail": getattr(getattr(cfg, "outcome", None), "column", None) or "no `outcome:` key"},
        {"measure": "panel ids", "measured": survey and bool(cols.customer_id),
         "detail": cols.customer_id or "respondents are not linked to customers"},
        {"measure": "future state", "measured": bool(cfg.future_state and cfg.future_state.is_file()),
         "detail": str(cfg.future_state or "no `future_state:` key")},
    ]
    return pd.DataFrame(rows)


NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES", "outcome": "outcome", "survey": "survey",
         "interviews": "interviews", "events": "events", "future state": "future_state"}


def not_measured_text(study, language: str = "en") -> str:
    """One sentence naming what the study does not measure (empty when it measures everything).

    Examples
    --------
    >>> not_measured_text(study)                                        # doctest: +SKIP
    'Not measured in this study: NPS, CES, interviews, an event log (channels, paths, funnel).'
    """
    table = measures(study)
    missing = [NAMES[m] for m in table.loc[~table["measured"], "measure"] if m in NAMES]
    if not missing:
        return ""
    return t("not_measured", language, what=", ".join(t(f"measure_{m.lower()}", language) for m in missing))


def headline_metrics(study, *, confidence: float = 0.95) -> pd.DataFrame:
    """Every survey metric of the quarter with its interval and n: NPS, CSAT and CES per stage,
    touchpoint ratings (top-2-box %) and the outcome; a row per metric and place.

    Examples
    --------
    >>> headline_metrics(study)[["metric", "stage", "item", "estimate", "ci_low", "ci_high", "n"]]  # doctest: +SKIP
    """
    from .map import current_state

    columns = ["metric", "stage", "item", "estimate", "ci_low", "ci_high", "n", "definition"]
    if "survey" not in study.files:
        return _empty(columns, "survey")
    jm = current_state(study, None, confidence=confidence, n_boot=0, progress=False)
    rows = jm.table()
    rows = rows[((rows["lane"] == "metrics") & (rows["item"] != "importance"))
                | ((rows["lane"] == "touchpoints") & (rows["source"] == "rating"))]
    out = pd.DataFrame({"metric": rows["item"].where(rows["lane"] == "metrics", "touchpoint rating"),
                        "stage": rows["stage"], "item": rows["item"].where(rows["lane"] != "metrics", ""),
                        "estimate": rows["value"], "ci_low": rows["ci_low"], "ci_high": rows["ci_high"],
                        "n": rows["n"].astype("Int64"), "definition": rows["detail"]}).reset_index(drop=True)
    out.attrs.update(confidence=jm.confidence, not_measured=not_measured_text(study))
    return out


def answers_long(study) -> pd.DataFrame:
    """The survey's rating answers in long form: ``kind`` (nps, csat, ces, touchpoint), ``item``
    (the stage or touchpoint), ``answer``; for distribution plots."""
    columns = ["kind", "item", "answer"]
    if "survey" not in study.files:
        return _empty(columns, "survey")
    cols, survey = study.columns, study.survey
    items = ([("nps", "nps", cols.nps)] if cols.nps else []) + \
        [("csat", s, c) for s, c in cols.csat.items()] + [("ces", s, c) for s, c in cols.ces.items()] + \
        [("touchpoint", tp, c) for tp, c in cols.touchpoint_ratings.items()]
    parts = [pd.DataFrame({"kind": kind, "item": item, "answer": pd.to_numeric(survey[col], errors="coerce")})
             for kind, item, col in items if col in survey.columns]
    out = pd.concat(parts, ignore_index=True).dropna(subset=["answer"]) if parts else pd.DataFrame(columns=columns)
    return out.reset_index(drop=True)


def excerpt_counts(study, *, top: int = 12) -> pd.DataFrame:
    """Coded excerpts per stage and pain-point code (most frequent first); empty, with the reason in
    ``attrs["not_measured"]``, for a study without interviews."""
    columns = ["stage", "pain_point", "excerpts"]
    if "interviews" not in study.files:
        return _empty(columns, "interviews")
    ex = study.interviews
    counts = ex.groupby(["stage", "pain_point"], dropna=False).size().rename("excerpts").reset_index()
    counts.attrs["excerpts"], counts.attrs["participants"] = len(ex), int(ex["participant"].nunique())
    return counts.sort_values("excerpts", ascending=False).head(top).reset_index(drop=True)


def event_counts(study) -> pd.DataFrame:
    """Events and customers per stage and touchpoint; empty (said why) for a study without events."""
    if "events" not in study.files:
        return _empty(["stage", "touchpoint", "events", "customers"], "events")
    return study.events.touchpoint_counts()


def fit_personas(study, *, k="auto", random_state: int = 0):
    """A fitted :class:`~cjm_research.PersonaModel` on the survey's persona features, or None when
    the study has no survey or no persona features (the maps then have one persona, "all")."""
    from ..personas.model import PersonaModel

    if "survey" not in study.files or not study.columns.feature_list:
        return None
    return PersonaModel(k=k, random_state=random_state, progress=False).fit(study.survey)


def future_state(study, path=None):
    """The study's future state (or the file at ``path``), or None when it has none."""
    from pathlib import Path

    from .future import FutureState

    path = path or study.config.future_state
    if not path or not Path(path).is_file():
        return None
    return FutureState.from_yaml(path, framework=study.framework)


def quarter_changes(study, personas=None, *, earlier=None, later=None, confidence: float = 0.95) -> pd.DataFrame:
    """:func:`compare_quarters` between ``earlier`` and ``later`` (default: the quarter before the
    study's and the study's); empty, with the reason, when there is no such pair or no survey."""
    from .compare import QUARTER_COLUMNS, compare_quarters

    later_q = later or study.quarter
    earlier_q = earlier or (sorted(q for q in study.quarters if q < later_q) or [None])[-1]
    if earlier_q is None or earlier_q not in study.quarters or later_q not in study.quarters:
        frame = pd.DataFrame(columns=QUARTER_COLUMNS)
        frame.attrs["not_measured"] = t("no_previous", "en")
        return frame
    a, b = study.for_quarter(earlier_q), study.for_quarter(later_q)
    if "survey" not in a.files or "survey" not in b.files:
        return _empty(QUARTER_COLUMNS, "survey")
    return compare_quarters(a, b, personas=personas, confidence=confidence, progress=False)


__all__ = ["measures", "not_measured_text", "headline_metrics", "answers_long", "excerpt_counts",
           "event_counts", "fit_personas", "future_state", "quarter_changes"]
