"""Fixture studies: the committed shapes load, regenerate byte for byte, and any drawn shape loads."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

import cjm_research as cjm
from cjm_research.core.errors import ParameterError
from cjm_research.datasets.fixtures import (FIXTURES, StudyShape, fixture_path, make_fixture,
                                            write_study)
from strategies import study_shapes


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", FIXTURES)
def test_regenerating_a_fixture_gives_the_committed_files(name, tmp_path):
    committed = fixture_path(name).parent
    make_fixture(name, tmp_path)
    assert _files(tmp_path) == _files(committed)
    _, mismatch, errors = filecmp.cmpfiles(committed, tmp_path, _files(committed), shallow=False)
    assert not mismatch and not errors


@pytest.mark.parametrize("name", FIXTURES)
def test_fixtures_are_small_and_have_two_quarters(name):
    root = fixture_path(name).parent
    assert sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) < 400_000
    assert len(cjm.load_study(fixture_path(name)).quarters) >= 2


def test_omnichannel_fixture_uses_the_builtin_stages_and_its_own_event_names():
    from cjm_research.datasets.demo import EVENTS

    study = cjm.load_study(fixture_path("omnichannel"))
    assert study.framework.stages == cjm.JourneyFramework.load("omnichannel").stages
    events = study.events.to_pandas()
    assert not set(events["event"]) & set(EVENTS)          # none of the demo's names
    assert events["stage"].notna().all()                   # every event maps to a stage
    survey = study.survey
    assert set(survey["customer_id"]) >= set(events["customer"])
    assert study.weights.between(0.5, 2.0).all()           # decimal commas read as decimals
    assert set(study.outcome.values.unique()) == {0.0, 1.0}
    assert survey["tp_social_ad"].max() > 5                # a 1..7 touchpoint scale is kept whole
    earlier = study.for_quarter("2026Q1").survey["respondent_id"]
    assert len(set(earlier) & set(survey["respondent_id"])) > 100   # a panel


def test_passenger_fixture_is_survey_only_with_text_outcome_and_children():
    study = cjm.load_study(fixture_path("passenger_survey"))
    assert study.framework.stages == ["booking", "check-in", "boarding", "in-flight", "arrival"]
    assert study.sources == ["survey"]
    cols = study.columns
    assert cols.nps is None and not cols.csat and not cols.ces
    assert len(cols.touchpoint_ratings) == 14
    survey = study.survey
    assert survey["Age"].between(7, 13).sum() > 10         # children kept by the default rule
    assert set(survey["Customer Type"].dropna()) == {"Loyal Customer", "disloyal Customer"}
    raw = pd.read_csv(study.files["survey"])
    assert (raw["Inflight wifi service"] == 0).any()       # 0 = not applicable in the file...
    assert survey["Inflight wifi service"].min() >= 1      # ...is missing after cleaning
    outcome = study.outcome
    assert outcome.kind == "labels" and outcome.values.index.equals(survey.index)
    assert outcome.values.isin([0.0, 1.0]).all()
    assert (outcome.values == 1).sum() == (raw["satisfaction"] == "satisfied").sum()


def test_sparse_interviews_fixture_has_cells_with_one_excerpt():
    study = cjm.load_study(fixture_path("sparse_interviews"))
    assert study.sources == ["interviews"]
    for quarter in study.quarters:
        excerpts = study.for_quarter(quarter).interviews
        per_cell = excerpts.groupby(["stage", "touchpoint"]).size()
        assert len(per_cell) == len(study.framework.touchpoints)   # every touchpoint has evidence
        assert per_cell.max() <= 8 and (per_cell == 1).any()
    summary = study.quality()  # an interviews-only study has a summary too
    assert set(summary["check"]) >= {"rows"}


def test_impossible_shapes_are_refused():
    with pytest.raises(ParameterError, match="sources"):
        write_study(StudyShape(sources=("survey", "diary")), "unused")
    with pytest.raises(ParameterError, match="one entry per stage"):
        write_study(StudyShape(stages=("a", "b"), touchpoints=(1,)), "unused")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=study_shapes())
def test_any_drawn_shape_writes_a_study_that_loads(shape, tmp_path_factory):
    path = write_study(shape, tmp_path_factory.mktemp("shape"), seed=1)
    study = cjm.load_study(path)
    assert study.framework.stages == list(shape.stages)
    assert sorted(study.sources) == sorted(shape.sources)
    summary = study.quality()   # reads every file of the quarter and runs the fatal checks
    assert (summary["check"] == "rows").sum() == len(shape.sources)
    if "survey" in shape.sources:
        survey = study.survey
        lo, hi = shape.scale
        for column in study.columns.touchpoint_ratings.values():
            assert survey[column].dropna().between(lo, hi).all()
        assert (study.outcome is None) == (shape.outcome is None)
        if study.outcome is not None:
            assert len(study.outcome.values) == len(survey)
        assert (study.weights is None) == (not shape.weights)
    if shape.future_state:
        plan = cjm.FutureState.from_yaml(study.config.future_state)
        assert list(plan.stages) == [shape.stages[0]] and plan.opportunities
