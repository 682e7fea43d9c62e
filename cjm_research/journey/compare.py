"""Comparisons of journey maps: current state against the future state, and quarter over quarter.

:func:`compare` says, per stage and metric, how far today's estimate (with its interval) is from
the future-state target and whether it is met, within reach or a gap; :func:`rank_opportunities`
orders the planned opportunities by impact, effort and the evidence behind the pain points they
address. :func:`compare_quarters` tests every measured cell of two quarters (stage metrics,
touchpoint ratings, NPS, the outcome, persona shares) with the comparison tests of
:mod:`cjm_research.evidence.metrics` and adjusts the p-values across all of them as one family, so
only changes that survive the adjustment are flagged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..evidence import metrics
from ..core.errors import ParameterError, check_choice
from ..evidence.metrics import METRIC_RANGES
from .lanes import JOURNEY

GAP_COLUMNS = ["persona", "stage", "metric", "current", "ci_low", "ci_high", "n", "target", "gap",
               "gap_ci_low", "gap_ci_high", "planned_lift", "status", "source"]


# --------------------------------------------------------------------------- future state

def _current_values(current, metric: str, stage: str) -> tuple[pd.DataFrame, str]:
    """Rows of the map for one metric at one stage (journey-level metrics from any stage)."""
    if metric == "emotion":
        emo = current.emotion().assign(source="emotion (combined)")
        return emo[emo["stage"] == stage], "stage"
    rows = current.metric(metric)
    at_stage = rows[rows["stage"] == stage]
    if len(at_stage):
        return at_stage, "stage"
    if len(rows):
        # NPS, conversion and repurchase are measured once per journey; a stage target compares to it.
        return rows.drop_duplicates("persona"), "journey-level"
    # No evidence for this metric at all: keep the target visible as "no data" rather than drop it.
    empty = pd.DataFrame({"persona": current.personas, "value": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                          "n": 0})
    return empty, "no data"


def _status(gap, best_bound_gap, lift) -> str:
    if pd.isna(gap):
        return "no data"
    if gap <= 0:
        return "met"
    if (not pd.isna(best_bound_gap) and best_bound_gap <= 0) or (lift > 0 and lift >= gap):
        return "within reach"
    return "gap"


def compare(current, future, *, persona=None) -> pd.DataFrame:
    """Gap to target per stage and metric, with its interval and a status.

    ``gap`` is the shortfall in the metric's good direction (target minus estimate; for CES,
    where lower is better, estimate minus target); ``gap_ci_low``/``gap_ci_high`` carry the
    estimate's interval over (at the map's confidence). Status: ``met`` (no shortfall), ``within reach`` (the interval
    reaches the target, or the planned opportunities' expected lift covers the gap), ``gap``, or
    ``no data`` when the map has no estimate for the metric (or its cell is masked).

    Parameters
    ----------
    current : JourneyMap
    future : FutureState or None
        None (a study without a future state) gives an empty frame.
    persona : str, optional
        Keep one persona.

    Returns
    -------
    DataFrame
        ``persona, stage, metric, current, ci_low, ci_high, n, target, gap, gap_ci_low,
        gap_ci_high, planned_lift, status, source``, stages in journey order.

    Examples
    --------
    >>> gaps = compare(jm, cjm.FutureState.from_yaml("data/demo/future_state.yml"))  # doctest: +SKIP
    >>> gaps.query("stage == 'decision' and metric == 'csat'")                       # doctest: +SKIP
    """
    if future is None:  # no future state: no targets to compare with (empty, said in words)
        out = pd.DataFrame(columns=GAP_COLUMNS)
        out.attrs.update(confidence=getattr(current, "confidence", 0.95), not_measured="future state")
        return out
    lifts = future.opportunity_table().groupby(["stage", "lift_metric"])["lift_value"].sum()
    rows = []
    for t in future.targets().itertuples():
        values, level = _current_values(current, t.metric, t.stage)
        _, _, higher = METRIC_RANGES[t.metric]
        sign = 1 if higher else -1
        lift = abs(float(lifts.get((t.stage, t.metric), 0.0)))
        for r in values.itertuples():
            gap = sign * (t.target - r.value) if not pd.isna(r.value) else np.nan
            best = r.ci_high if higher else r.ci_low
            worst = r.ci_low if higher else r.ci_high
            best_gap = sign * (t.target - best) if not pd.isna(best) else np.nan
            rows.append({"persona": r.persona, "stage": t.stage, "metric": t.metric, "current": r.value,
                         "ci_low": r.ci_low, "ci_high": r.ci_high, "n": r.n, "target": t.target, "gap": gap,
                         "gap_ci_low": best_gap, "gap_ci_high": sign * (t.target - worst) if not pd.isna(worst) else np.nan,
                         "planned_lift": lift, "status": _status(gap, best_gap, lift), "source": level})
    out = pd.DataFrame(rows, columns=GAP_COLUMNS)
    if persona is not None:
        check_choice("persona", persona, current.personas)
        out = out[out["persona"] == persona]
    for col in ("current", "ci_low", "ci_high", "n", "gap", "gap_ci_low", "gap_ci_high"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    out = out.reset_index(drop=True)
    out.attrs["confidence"] = getattr(current, "confidence", 0.95)
    return out


def rank_opportunities(current, future, *, persona=None) -> pd.DataFrame:
    """The future state's opportunities ranked by impact, effort and evidence.

    ``evidence`` is the strongest evidence score (0..100) on the current map of the pain points an
    opportunity addresses at its stage (its codes, or the touchpoints they are named after) (for ``persona``, or the most affected persona);
    ``priority = impact / effort * (1 + evidence / 100)``, so a cheap, high-impact fix of a
    well-evidenced pain point comes first.

    Examples
    --------
    >>> rank_opportunities(jm, fs)[["title", "priority", "rank"]]      # doctest: +SKIP
    """
    if future is None:
        return pd.DataFrame(columns=["title", "stage", "pain_points", "owner", "impact", "effort", "lift_metric",
                                     "lift_value", "evidence", "priority", "rank"])
    opps = future.opportunity_table()
    pains = current.pain_points(persona=persona)
    tps = set(current.framework.touchpoints)
    evidence = []
    for o in opps.itertuples():
        hit = pains[(pains["stage"] == o.stage) & pains["item"].map(lambda i: _addresses(i, o.pain_points, tps))]
        evidence.append(float(hit["value"].max()) if len(hit) and hit["value"].notna().any() else 0.0)
    opps["evidence"] = evidence
    opps["priority"] = opps["impact"] / opps["effort"] * (1 + opps["evidence"] / 100)
    opps = opps.sort_values(["priority", "impact"], ascending=False, kind="stable").reset_index(drop=True)
    opps["rank"] = np.arange(1, len(opps) + 1)
    return opps


def _addresses(item, pain_points, touchpoints) -> bool:
    """Whether a map pain point is one an opportunity addresses: the same code, or the touchpoint
    the code is named after (a survey-only map names a low-rated touchpoint, ``social_ad``, where
    the future state lists its code, ``social_ad_pain``)."""
    item = str(item)
    return item in pain_points or (item in touchpoints and any(str(p).startswith(item) for p in pain_points))


# --------------------------------------------------------------------------- quarter over quarter

QUARTER_COLUMNS = ["stage", "persona", "metric", "item", "earlier", "later", "change", "ci_low", "ci_high",
                   "p_unc", "p_adj", "mde", "n_earlier", "n_later", "n_eff_earlier", "n_eff_later",
                   "significant", "direction"]
_LOWER_IS_BETTER = {"ces"}
_OUTCOME = "_outcome"  # the outcome's values, added to the answers under a name no survey uses


class _Quarter:
    """What a quarter comparison needs: survey answers with a persona (and the outcome), the columns."""

    def __init__(self, source, personas):
        from .lanes import persona_assignment, resolve_outcome
        from .map import JourneyMap

        if isinstance(source, JourneyMap):
            if source.study is None or source.assignment is None:
                raise ParameterError("compare_quarters needs maps made by current_state (they keep the "
                                     "study to test respondent-level data); this JourneyMap has none.")
            study, assignment, self.min_cell_size = source.study, source.assignment, source.min_cell_size
        else:
            study, self.min_cell_size = source, source.config.min_cell_size
            # Only the survey is tested, so the full map (events, interviews) is not built here.
            survey = study.survey if "survey" in study.files else pd.DataFrame(columns=[study.columns.respondent_id])
            assignment = persona_assignment(survey, personas, id_column=study.columns.respondent_id)
        self.study, self.framework, self.columns = study, study.framework, study.columns
        self.weights = getattr(study, "weight_column", None)  # survey weights column, or None
        survey = study.survey if "survey" in study.files else pd.DataFrame(columns=[study.columns.respondent_id])
        self.answers = survey.assign(persona=assignment.to_numpy())
        outcome = resolve_outcome(study, self.answers) if len(self.answers) else None
        # NPS or overall CSAT standing in for the outcome are tested as themselves already.
        self.outcome = outcome if outcome is not None and outcome.column is not None else None
        if self.outcome is not None:
            self.answers[_OUTCOME] = self.outcome.values.to_numpy()


def quarter_cells(columns, framework, *, outcome=None) -> list[tuple[str, str, str, str]]:
    """Every measured cell of a map, as ``(metric, stage, item, survey column)``.

    CSAT and CES per stage, each touchpoint rating (``metric="touchpoint_rating"``, top-2-box %, at
    its stage), NPS and the outcome (journey-level, stage ``(journey)``). ``outcome`` is an
    :class:`~cjm_research.journey.lanes.DriverOutcome` whose values are in the ``_outcome`` column.
    """
    order = framework.stage_order()
    cells = [("csat", s, "csat", c) for s, c in columns.csat.items()]
    cells += [("ces", s, "ces", c) for s, c in columns.ces.items()]
    cells += [("touchpoint_rating", framework.touchpoint(tp).stage, tp, c)
              for tp, c in columns.touchpoint_ratings.items()]
    cells = sorted(cells, key=lambda c: (order[c[1]], c[0] != "csat", c[0] == "ces"))
    # NPS and the outcome ask about the whole journey: a change in them is not a change of one stage.
    if columns.nps:
        cells.append(("nps", JOURNEY, "nps", columns.nps))
    if outcome is not None:
        cells.append(("outcome", JOURNEY, outcome.name, _OUTCOME))
    return cells


def compare_quarters(earlier, later, *, personas=None, method: str = "holm", alpha: float = 0.05,
                     confidence: float = 0.95, progress: bool = True) -> pd.DataFrame:
    """Change of every measured cell of the map between two quarters, tested as one family.

    The cells are CSAT and CES per stage and persona, every touchpoint rating (top-2-box %), NPS
    and the study's outcome (journey-level, stage ``(journey)``) and, with several personas, each
    persona's share of respondents (``metric="persona_share"``, drift). Each is tested with
    :func:`cjm_research.evidence.metrics.compare_samples` (NPS: adjusted-Wald difference; shares:
    Newcombe; means: Welch), and the p-values of **all** cells are adjusted together (Holm by
    default), so the chance of flagging any change when nothing changed stays at ``alpha``
    however many cells the map has. Only a cell whose adjusted p-value is below ``alpha`` is
    ``significant``; ``direction`` then says ``improved`` or ``worsened`` (CES improves when it
    goes down; persona shares ``grew`` or ``shrank``). ``mde`` is the smallest change the two
    samples could detect, so "no change" can be read honestly. Masked cells (fewer than
    ``min_cell_size`` answers in either quarter) are neither shown nor tested.

    Parameters
    ----------
    earlier, later : JourneyMap or Study
        Maps from :func:`current_state`, or studies (personas assigned with ``personas``).
    personas : PersonaModel, Series or None
        Used when studies are given; a fitted model labels both quarters consistently.
    method : {"holm", "fdr_bh", "bonferroni"}
    alpha : float, default 0.05
    confidence : float, default 0.95
        Level of the intervals of the change.

    Returns
    -------
    DataFrame
        ``stage, persona, metric, item, earlier, later, change, ci_low, ci_high, p_unc``
        (unadjusted), ``p_adj`` (adjusted across the family), ``mde, n_earlier, n_later,
        n_eff_earlier, n_eff_later`` (Kish effective n; equal to n without weights), ``significant,
        direction``; ``attrs`` holds ``cells_tested``, ``method``, ``alpha`` and
        ``confidence``.

    Examples
    --------
    >>> q2, q1 = cjm.load_study(path, "2026Q2"), cjm.load_study(path, "2026Q1")   # doctest: +SKIP
    >>> changes = compare_quarters(q1, q2, personas=model)                          # doctest: +SKIP
    >>> changes.attrs["cells_tested"], changes.query("significant")                 # doctest: +SKIP
    """
    a, b = _Quarter(earlier, personas), _Quarter(later, personas)
    outcome = b.outcome if a.outcome is not None else None
    weights = b.weights if a.weights is not None and a.weights == b.weights else None
    return compare_answers(a.answers, b.answers, columns=b.columns, framework=b.framework, outcome=outcome,
                           min_cell_size=min(a.min_cell_size, b.min_cell_size), method=method, alpha=alpha,
                           confidence=confidence, progress=progress, weights=weights)


def compare_answers(earlier: pd.DataFrame, later: pd.DataFrame, *, columns, framework, outcome=None,
                    min_cell_size: int = 5, method: str = "holm", alpha: float = 0.05,
                    confidence: float = 0.95, progress: bool = False, weights: str | None = None) -> pd.DataFrame:
    """The tests of :func:`compare_quarters` on two survey frames (one row per respondent).

    ``weights`` names a survey-weights column of both frames: every cell is then compared with
    weighted estimates at each quarter's Kish effective n (:func:`cjm_research.evidence.metrics.compare_samples`).

    Both frames carry the study's columns and a ``persona`` column (missing: one persona
    ``"all"``); ``outcome`` (an :class:`~cjm_research.journey.lanes.DriverOutcome`) adds the outcome
    cell from the frames' ``_outcome`` column. Useful to compare any two groups of respondents
    with the same family-wise control, e.g. two halves of one survey.

    Examples
    --------
    >>> cells = compare_answers(first_half, second_half, columns=study.columns,
    ...                         framework=study.framework)                       # doctest: +SKIP
    """
    check_choice("method", method, ["holm", "fdr_bh", "bonferroni"])
    from .lanes import ALL

    a = earlier if "persona" in earlier.columns else earlier.assign(persona=ALL)
    b = later if "persona" in later.columns else later.assign(persona=ALL)
    personas_a = list(dict.fromkeys(a["persona"].dropna()))
    shared = [p for p in personas_a if p in set(b["persona"].dropna())]
    rows = []
    for metric, stage, item, col in tqdm(quarter_cells(columns, framework, outcome=outcome),
                                         desc="quarter comparison", disable=not progress, leave=False):
        if col in a.columns and col in b.columns:
            rows += [_test(a, b, p, metric, stage, item, col, min_cell_size, confidence, outcome, columns,
                           weights=weights) for p in shared]
    if len(shared) > 1:
        rows += _drift(a, b, shared, confidence, weights=weights)
    cells = _finish(pd.DataFrame([r for r in rows if r is not None]), method, alpha)
    cells = cells[QUARTER_COLUMNS]
    cells.attrs.update(cells_tested=int(cells["p_unc"].notna().sum()), method=method, alpha=alpha,
                       confidence=confidence)
    return cells


def _test(data_a, data_b, persona, metric, stage, item, col, min_n, confidence, outcome, columns, *,
          weights=None) -> dict | None:
    x_a = pd.to_numeric(data_a.loc[data_a["persona"] == persona, col], errors="coerce").dropna()
    x_b = pd.to_numeric(data_b.loc[data_b["persona"] == persona, col], errors="coerce").dropna()
    if len(x_a) < max(min_n, 2) or len(x_b) < max(min_n, 2):
        return None  # a masked cell is neither shown nor tested
    kind, options = _test_kind(metric, outcome, pd.concat([x_a, x_b]), columns)
    pair = None if weights is None else (data_a.loc[x_a.index, weights], data_b.loc[x_b.index, weights])
    res = metrics.compare_samples(x_a, x_b, metric=kind, confidence=confidence, weights=pair, **options).iloc[0]
    return {"stage": stage, "persona": persona, "metric": metric, "item": item, "earlier": res["estimate_a"],
            "later": res["estimate_b"], "change": res["difference"], "ci_low": res["ci_low"],
            "ci_high": res["ci_high"], "p_unc": res["p_unc"], "mde": res["mde"],
            "n_earlier": res["n_a"], "n_later": res["n_b"], "n_eff_earlier": res["n_eff_a"],
            "n_eff_later": res["n_eff_b"]}


def _test_kind(metric, outcome, values, columns) -> tuple[str, dict]:
    """The metrics.compare_samples test of a cell: touchpoint ratings as CSAT (top-2-box on the study's
    touchpoint scale), a binary outcome as a share, a scale outcome as a mean (Welch) on its
    observed range."""
    scale = getattr(columns, "scale", None)
    if metric == "touchpoint_rating":
        return "csat", {"scale": tuple(scale("touchpoint"))} if scale else {}
    if metric in ("csat", "ces"):
        return metric, {"scale": tuple(scale(metric))} if scale else {}
    if metric != "outcome":
        return metric, {}
    if outcome.kind == "binary":
        return "conversion_rate", {}
    return "ces", {"scale": (float(values.min()), float(values.max()))}


def _drift(data_a, data_b, personas, confidence, *, weights=None) -> list[dict]:
    """Persona shares of respondents in both quarters (weighted: of the population), compared as proportions."""
    rows = []
    pair = None if weights is None else (data_a[weights], data_b[weights])
    for persona in personas:
        res = metrics.compare_samples((data_a["persona"] == persona).astype(int), (data_b["persona"] == persona).astype(int),
                              metric="conversion_rate", confidence=confidence, weights=pair).iloc[0]
        rows.append({"stage": JOURNEY, "persona": persona, "metric": "persona_share", "item": persona,
                     "earlier": res["estimate_a"], "later": res["estimate_b"], "change": res["difference"],
                     "ci_low": res["ci_low"], "ci_high": res["ci_high"], "p_unc": res["p_unc"],
                     "mde": res["mde"], "n_earlier": res["n_a"], "n_later": res["n_b"],
                     "n_eff_earlier": res["n_eff_a"], "n_eff_later": res["n_eff_b"]})
    return rows


def _finish(frame: pd.DataFrame, method: str, alpha: float) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=QUARTER_COLUMNS)
    frame = frame.copy()
    frame["p_adj"] = metrics.adjust_pvalues(frame["p_unc"], method=method)
    frame["significant"] = (frame["p_adj"] < alpha).fillna(False).astype(bool)
    better = np.where(frame["metric"].isin(_LOWER_IS_BETTER), -frame["change"], frame["change"])
    label = np.where(frame["metric"] == "persona_share", np.where(frame["change"] > 0, "grew", "shrank"),
                     np.where(better > 0, "improved", "worsened"))
    frame["direction"] = np.where(frame["significant"], label, "")
    return frame
