"""Comparisons of journey maps: current state against the future state, and quarter over quarter.

:func:`compare` says, per stage and metric, how far today's estimate (with its interval) is from
the future-state target and whether it is met, within reach or a gap; :func:`rank_opportunities`
orders the planned opportunities by impact, effort and the evidence behind the pain points they
address. :func:`compare_quarters` tests every persona x stage x metric cell of two quarters with
the comparison tests of :mod:`cjm_research.evidence.metrics` and adjusts the p-values across the map, so
only changes that survive the adjustment are flagged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..evidence import metrics
from ..core.errors import ParameterError, check_choice
from ..evidence.metrics import METRIC_RANGES

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
    estimate's 95% interval over. Status: ``met`` (no shortfall), ``within reach`` (the interval
    reaches the target, or the planned opportunities' expected lift covers the gap), ``gap``, or
    ``no data`` when the map has no estimate for the metric (or its cell is masked).

    Parameters
    ----------
    current : JourneyMap
    future : FutureState
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
    return out.reset_index(drop=True)


def rank_opportunities(current, future, *, persona=None) -> pd.DataFrame:
    """The future state's opportunities ranked by impact, effort and evidence.

    ``evidence`` is the strongest evidence score (0..100) on the current map of the pain points an
    opportunity addresses at its stage (for ``persona``, or the most affected persona);
    ``priority = impact / effort * (1 + evidence / 100)``, so a cheap, high-impact fix of a
    well-evidenced pain point comes first.

    Examples
    --------
    >>> rank_opportunities(jm, fs)[["title", "priority", "rank"]]      # doctest: +SKIP
    """
    opps = future.opportunity_table()
    pains = current.pain_points(persona=persona)
    evidence = []
    for o in opps.itertuples():
        hit = pains[(pains["stage"] == o.stage) & pains["item"].isin(list(o.pain_points))]
        evidence.append(float(hit["value"].max()) if len(hit) and hit["value"].notna().any() else 0.0)
    opps["evidence"] = evidence
    opps["priority"] = opps["impact"] / opps["effort"] * (1 + opps["evidence"] / 100)
    opps = opps.sort_values(["priority", "impact"], ascending=False, kind="stable").reset_index(drop=True)
    opps["rank"] = np.arange(1, len(opps) + 1)
    return opps


# --------------------------------------------------------------------------- quarter over quarter

QUARTER_COLUMNS = ["stage", "persona", "metric", "earlier", "later", "change", "ci_low", "ci_high",
                   "p_value", "p_raw", "mde", "n_earlier", "n_later", "significant", "direction"]
_LOWER_IS_BETTER = {"ces"}
JOURNEY = "(journey)"  # the stage label of journey-level metrics and persona drift


class _Quarter:
    """What a quarter comparison needs: survey answers with a persona, the columns and framework."""

    def __init__(self, source, personas):
        from .map import JourneyMap
        from .lanes import persona_assignment

        if isinstance(source, JourneyMap):
            if source.study is None or source.assignment is None:
                raise ParameterError("compare_quarters needs maps made by current_state (they keep the "
                                     "study to test respondent-level data); this JourneyMap has none.")
            study, assignment, self.min_cell_size = source.study, source.assignment, source.min_cell_size
        else:
            study, self.min_cell_size = source, source.config.min_cell_size
            # Only the survey is tested, so the full map (events, interviews) is not built here.
            assignment = persona_assignment(study.survey, personas, id_column=study.columns.respondent_id)
        self.study, self.framework, self.columns = study, study.framework, study.columns
        self.answers = study.survey.assign(persona=assignment.to_numpy())
        self.personas = list(dict.fromkeys(assignment.dropna()))


def _cells(q: _Quarter) -> list[tuple[str, str, str]]:
    """(metric, stage, survey column) cells: CSAT and CES per stage, NPS for the whole journey."""
    cols = q.columns
    order = q.framework.stage_order()
    cells = [("csat", s, c) for s, c in cols.csat.items()] + [("ces", s, c) for s, c in cols.ces.items()]
    cells = sorted(cells, key=lambda c: (order[c[1]], c[0] == "ces"))
    # NPS asks about the brand, not a stage: a change in it is not a change of any one stage.
    return cells + ([("nps", JOURNEY, cols.nps)] if cols.nps else [])


def compare_quarters(earlier, later, *, personas=None, method: str = "holm", alpha: float = 0.05,
                     progress: bool = True) -> pd.DataFrame:
    """Change per stage, persona and metric between two quarters, with adjusted p-values.

    Each cell (CSAT and CES per stage; NPS, a journey-level metric, with stage ``(journey)``) is
    tested with
    :func:`cjm_research.evidence.metrics.compare` (NPS: adjusted-Wald difference; CSAT: Newcombe; CES:
    Welch). The p-values are adjusted across all cells of the map (Holm by default), and only a
    cell whose adjusted p-value is below ``alpha`` is ``significant``; ``direction`` then says
    ``improved`` or ``worsened`` (CES improves when it goes down). ``mde`` is the smallest change
    the two samples could detect, so "no change" can be read honestly.

    With several personas, persona drift is added: one row per persona with ``metric`` =
    ``persona_share`` (its share of respondents, %), tested the same way and adjusted as its own
    family.

    Parameters
    ----------
    earlier, later : JourneyMap or Study
        Maps from :func:`current_state`, or studies (maps are built with ``personas``).
    personas : PersonaModel, Series or None
        Used when studies are given; a fitted model labels both quarters consistently.
    method : {"holm", "fdr_bh", "bonferroni"}
    alpha : float, default 0.05

    Returns
    -------
    DataFrame
        ``stage, persona, metric, earlier, later, change, ci_low, ci_high, p_value`` (adjusted),
        ``p_raw, mde, n_earlier, n_later, significant, direction``.

    Examples
    --------
    >>> q2, q1 = cjm.load_study(path, "2026Q2"), cjm.load_study(path, "2026Q1")   # doctest: +SKIP
    >>> compare_quarters(q1, q2, personas=model).query("significant")              # doctest: +SKIP
    """
    check_choice("method", method, ["holm", "fdr_bh", "bonferroni"])
    a, b = _Quarter(earlier, personas), _Quarter(later, personas)
    shared = [p for p in a.personas if p in set(b.personas)]
    min_n = min(a.min_cell_size, b.min_cell_size)
    rows = []
    for metric, stage, col in tqdm(_cells(b), desc="quarter comparison", disable=not progress, leave=False):
        if col in a.answers.columns and col in b.answers.columns:
            rows += [_test(a.answers, b.answers, p, metric, stage, col, min_n) for p in shared]
    cells = _finish(pd.DataFrame([r for r in rows if r is not None]), method, alpha)
    if len(shared) > 1:
        cells = pd.concat([cells, _finish(_drift(a.answers, b.answers, shared), method, alpha)],
                          ignore_index=True)
    return cells[QUARTER_COLUMNS]


def _test(data_a, data_b, persona, metric, stage, col, min_n) -> dict | None:
    x_a = data_a.loc[data_a["persona"] == persona, col].dropna().astype(float)
    x_b = data_b.loc[data_b["persona"] == persona, col].dropna().astype(float)
    if len(x_a) < max(min_n, 2) or len(x_b) < max(min_n, 2):
        return None  # a masked cell is neither shown nor tested
    res = metrics.compare(x_a, x_b, metric=metric).iloc[0]
    return {"stage": stage, "persona": persona, "metric": metric, "earlier": res["estimate_a"],
            "later": res["estimate_b"], "change": res["difference"], "ci_low": res["ci_low"],
            "ci_high": res["ci_high"], "p_raw": res["p_value"], "mde": res["mde"],
            "n_earlier": res["n_a"], "n_later": res["n_b"]}


def _drift(data_a, data_b, personas) -> pd.DataFrame:
    """Persona shares of respondents in both quarters, compared as proportions."""
    rows = []
    for persona in personas:
        res = metrics.compare((data_a["persona"] == persona).astype(int), (data_b["persona"] == persona).astype(int),
                              metric="conversion_rate").iloc[0]
        rows.append({"stage": JOURNEY, "persona": persona, "metric": "persona_share",
                     "earlier": res["estimate_a"], "later": res["estimate_b"], "change": res["difference"],
                     "ci_low": res["ci_low"], "ci_high": res["ci_high"], "p_raw": res["p_value"],
                     "mde": res["mde"], "n_earlier": res["n_a"], "n_later": res["n_b"]})
    return pd.DataFrame(rows)


def _finish(frame: pd.DataFrame, method: str, alpha: float) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=QUARTER_COLUMNS)
    frame = frame.copy()
    frame["p_value"] = metrics.adjust_pvalues(frame["p_raw"], method=method)
    frame["significant"] = (frame["p_value"] < alpha).fillna(False).astype(bool)
    better = np.where(frame["metric"].isin(_LOWER_IS_BETTER), -frame["change"], frame["change"])
    label = np.where(frame["metric"] == "persona_share", np.where(frame["change"] > 0, "grew", "shrank"),
                     np.where(better > 0, "improved", "worsened"))
    frame["direction"] = np.where(frame["significant"], label, "")
    return frame
