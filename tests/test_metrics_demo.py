"""Metrics and key drivers on the demo study: the planted decision-stage fix must show."""

from __future__ import annotations

import pandas as pd
import pytest

from cjm_research.evidence import drivers; from cjm_research.evidence import metrics


@pytest.fixture(scope="module")
def p2_survey(demo_dir, truth):
    frames = [pd.read_csv(demo_dir / q / "survey.csv").assign(q=q) for q in ("2026Q1", "2026Q2")]
    survey = pd.concat(frames, ignore_index=True)
    survey["persona"] = survey["respondent_id"].map(truth["respondents"])
    return survey[survey["persona"] == truth["pain_point"]["persona"]]


def test_planted_intervention_is_detected(p2_survey, truth):
    stage = truth["intervention"]["stage"]
    data = p2_survey.assign(csat=p2_survey[f"csat_{stage}"].where(lambda s: s > 0))
    out = metrics.compare_groups(data, "csat", group="q", metric="csat").iloc[0]
    assert out.difference > 0 and out.p_adj < 0.01
    assert abs(out.difference) > out.mde
    ces = metrics.compare_samples(data.loc[data.q == "2026Q1", f"ces_{stage}"],
                          data.loc[data.q == "2026Q2", f"ces_{stage}"], metric="ces").iloc[0]
    assert ces.difference < 0 and ces.p_unc < 0.01


def test_payment_is_a_fix_first_driver_before_the_fix(p2_survey, truth):
    before = p2_survey[p2_survey.q == "2026Q1"]
    outcome = f"csat_{truth['pain_point']['stage']}"
    rated = before.filter(like="tp_").where(lambda d: d > 0)
    # touchpoints most of this persona used, so pairwise correlations rest on many respondents
    tps = rated.columns[rated.notna().mean() > 0.4].tolist()
    data = rated[tps].assign(**{outcome: before[outcome].where(before[outcome] > 0)})
    table = drivers.importance_performance(data, tps, outcome, missing="pairwise", n_boot=50)
    row = table.set_index("driver").loc[f"tp_{truth['pain_point']['touchpoint']}"]
    assert row.quadrant == "fix first"
