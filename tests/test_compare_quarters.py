"""compare_quarters on a small two-quarter study with one planted change, checked by hand."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

import cjm_research as cjm
from cjm_research.core.errors import ParameterError
from cjm_research.journey.map import JourneyMap

STUDY = """\
name: tiny
framework: default
survey:
  respondent_id: respondent_id
  csat: {awareness: csat_awareness, decision: csat_decision}
quarters:
  2026Q1: {survey: q1.csv}
  2026Q2: {survey: q2.csv}
"""


def _survey(quarter: str, rng, lift: bool) -> pd.DataFrame:
    n = 300
    persona = np.repeat(["A", "B"], n // 2)
    happy_decision = np.where((persona == "A") & lift, 0.8, 0.4)  # A's decision stage improves in Q2
    return pd.DataFrame({
        "respondent_id": [f"{quarter}-{i:04d}" for i in range(n)],
        "persona": persona,
        "csat_awareness": np.where(rng.random(n) < 0.6, 5, 2),
        "csat_decision": np.where(rng.random(n) < happy_decision, 4, 2),
    })


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    rng = np.random.default_rng(7)
    frames = {"q1": _survey("q1", rng, False), "q2": _survey("q2", rng, True)}
    for name, frame in frames.items():
        frame.drop(columns="persona").to_csv(root / f"{name}.csv", index=False)
    (root / "study.yml").write_text(STUDY, encoding="utf-8")
    personas = pd.concat(frames.values()).set_index("respondent_id")["persona"]
    return root / "study.yml", frames, personas


def test_only_the_planted_change_is_flagged(tiny):
    path, frames, personas = tiny
    q1, q2 = cjm.load_study(path, "2026Q1"), cjm.load_study(path, "2026Q2")
    result = cjm.compare_quarters(q1, q2, personas=personas, progress=False)
    cells = result[result["metric"] == "csat"].set_index(["stage", "persona"])
    assert cells.loc[("decision", "A"), "significant"] and cells.loc[("decision", "A"), "direction"] == "improved"
    assert cells["significant"].sum() == 1
    # raw p-values: two-proportion z tests on the top-2-box shares; adjusted with Holm over the whole
    # family (the 4 CSAT cells and the 2 persona shares)
    raw = []
    for stage, persona in cells.index:
        col = f"csat_{stage}"
        hits = [int((f.loc[f["persona"] == persona, col] >= 4).sum()) for f in (frames["q1"], frames["q2"])]
        raw.append(proportions_ztest(hits, [150, 150])[1])
    assert np.allclose(cells["p_unc"], raw)
    assert np.allclose(result["p_adj"], multipletests(result["p_unc"], method="holm")[1])
    assert result.attrs["cells_tested"] == len(result) == 6 and "p_value" not in result.columns
    expected_change = 100 * ((frames["q2"].query("persona == 'A'")["csat_decision"] >= 4).mean()
                             - (frames["q1"].query("persona == 'A'")["csat_decision"] >= 4).mean())
    assert cells.loc[("decision", "A"), "change"] == pytest.approx(expected_change)


def test_persona_drift_rows_and_options(tiny):
    path, _, personas = tiny
    q1, q2 = cjm.load_study(path, "2026Q1"), cjm.load_study(path, "2026Q2")
    result = cjm.compare_quarters(q1, q2, personas=personas, method="fdr_bh", progress=False)
    drift = result[result["metric"] == "persona_share"]
    assert set(drift["persona"]) == {"A", "B"} and np.allclose(drift["earlier"], 50)
    assert not drift["significant"].any()  # equal halves in both quarters
    with pytest.raises(ParameterError, match="method"):
        cjm.compare_quarters(q1, q2, personas=personas, method="sidak", progress=False)
    bare = JourneyMap(pd.DataFrame({"persona": ["all"], "stage": ["decision"], "lane": ["metrics"],
                                    "item": ["csat"], "value": [50.0], "n": [10]}), framework=q1.framework)
    with pytest.raises(ParameterError, match="current_state"):
        cjm.compare_quarters(bare, q2, progress=False)


# 1,600 metrics.compare calls take about 45 s of CPU (about 27 ms each, mostly its input
# validation), so the simulation runs with the slow tests rather than on every edit.
@pytest.mark.slow
def test_two_random_halves_of_one_survey_flag_changes_at_the_nominal_rate(tmp_path):
    """Family-wise false flags over 200 random splits of one survey stay at alpha (Holm).

    Six touchpoint ratings, the outcome and NPS: 8 cells per split. Unadjusted, some cell passes
    p < 0.05 in about a third of the splits; adjusted, the share of splits with any flag is at most alpha
    plus a one-sided 99% binomial margin for 200 draws.
    """
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from shapes import make_study
    from cjm_research.journey.compare import _OUTCOME, compare_answers
    from cjm_research.journey.lanes import resolve_outcome

    study = cjm.load_study(make_study(tmp_path / "one", nps=True, outcome="binary", n=300,
                                      n_touchpoints=6, quarters=("2026Q3",), shift=(0.0,)))
    survey = study.survey
    outcome = resolve_outcome(study, survey)
    survey = survey.assign(**{_OUTCOME: outcome.values.to_numpy()})
    rng = np.random.default_rng(11)
    runs, alpha = 200, 0.05
    any_adj = any_unc = 0
    for _ in range(runs):
        half = rng.permutation(len(survey)) < len(survey) // 2
        cells = compare_answers(survey[half], survey[~half], columns=study.columns,
                                framework=study.framework, outcome=outcome, alpha=alpha)
        assert cells.attrs["cells_tested"] == 8
        any_adj += bool(cells["significant"].any())
        any_unc += bool((cells["p_unc"] < alpha).any())
    margin = 2.326 * np.sqrt(alpha * (1 - alpha) / runs)
    assert any_adj / runs <= alpha + margin
    assert any_unc / runs > 2 * alpha   # without the adjustment the map would cry wolf
