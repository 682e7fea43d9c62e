"""The designed path of the future state shows on the map, next to what customers do (issue 15.3)."""

import pytest

import cjm_research as cjm
import cjm_research.datasets.fixtures  # noqa: F401  (cjm.datasets.fixtures)
from cjm_research.journey import lanes


@pytest.fixture(scope="module")
def demo_ev(demo_dir):
    study = cjm.load_study(demo_dir / "study.yml", quarter="2026Q3")
    return study, lanes.Evidence.collect(study, None)


def test_the_map_shows_the_share_of_journeys_that_follow_the_designed_path(demo_ev):
    study, ev = demo_ev
    rows = lanes.designed_path(ev)
    assert len(rows) == 1 and rows["lane"].iloc[0] == "process"
    row = rows.iloc[0]
    future = cjm.FutureState.from_yaml(study.config.future_state, framework=study.framework)
    steps = future.designed_paths()["journey"]
    by_hand = ev.events.conformance(list(steps), on=future.path_column(steps)).summary.iloc[0]
    assert row["value"] == pytest.approx(100 * by_hand["share"]) and row["n"] == by_hand["journeys"]
    assert row["ci_low"] < row["value"] < row["ci_high"]
    assert row["item"].startswith("designed path: ") and row["stage"] in study.framework.stages


def test_no_rows_without_events_or_without_a_designed_path(demo_ev):
    study, _ = demo_ev
    assert lanes.designed_path(lanes.Evidence.collect(study, None, need=())).empty   # no event log
    passenger = cjm.load_study(cjm.datasets.fixtures.fixture_path("passenger_survey"))
    assert lanes.designed_path(lanes.Evidence.collect(passenger, None)).empty      # no future state
