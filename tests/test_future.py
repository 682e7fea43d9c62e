"""FutureState.from_yaml: the documented format, and one clear message per kind of bad input."""

import textwrap

import pytest

import cjm_research as cjm
from cjm_research.core.errors import ConfigError

GOOD = """\
name: Future state 2027
baseline_quarter: 2026Q3
stages:
  decision:
    targets: {csat: 80, ces: 3.0, nps: 30, conversion_rate: 40}
    emotion: 0.5
    touchpoints:
      added: [{id: one_click_payment, label: One-click payment, channel: app}]
      removed: []
      changed: [payment]
  retention:
    targets: {repurchase_rate: 45}
opportunities:
  - title: Retry failed payments automatically
    stage: decision
    pain_points: [payment_failure]
    owner: Payments partner
    impact: 5
    effort: 2
    expected_lift: {metric: csat, value: 10}
  - title: Proactive delivery updates
    stage: retention
    impact: 3
    effort: 3
"""


def _write(tmp_path, text, name="future_state.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_reads_targets_touchpoints_and_opportunities(tmp_path):
    fs = cjm.FutureState.from_yaml(_write(tmp_path, GOOD))
    assert fs.name == "Future state 2027" and fs.baseline_quarter == "2026Q3"
    targets = fs.targets()
    # journey order (decision before retention) and emotion as its own metric
    assert targets["stage"].tolist()[0] == "decision" and targets["stage"].tolist()[-1] == "retention"
    got = dict(zip(zip(targets["stage"], targets["metric"]), targets["target"]))
    assert got[("decision", "csat")] == 80 and got[("decision", "ces")] == 3.0
    assert got[("decision", "emotion")] == 0.5 and got[("retention", "repurchase_rate")] == 45
    changes = fs.touchpoint_changes()
    assert set(zip(changes["touchpoint"], changes["change"])) == {("one_click_payment", "added"),
                                                                  ("payment", "changed")}
    opps = fs.opportunity_table()
    assert opps.loc[0, "pain_points"] == ("payment_failure",)
    assert (opps.loc[0, "impact"], opps.loc[0, "effort"], opps.loc[0, "lift_value"]) == (5, 2, 10)
    assert fs.opportunities[1].owner is None and fs.opportunities[1].impact == 3


@pytest.mark.parametrize("old, new, key", [
    ("  decision:\n    targets", "  decisionn:\n    targets", "stages.decisionn"),
    ("csat: 80,", "sat: 80,", "stages.decision.targets.sat"),
    ("nps: 30", "nps: 130", "stages.decision.targets.nps"),
    ("csat: 80,", "csat: -1,", "stages.decision.targets.csat"),
    ("ces: 3.0", "ces: 0.5", "stages.decision.targets.ces"),
    ("conversion_rate: 40", "conversion_rate: 101", "stages.decision.targets.conversion_rate"),
    ("repurchase_rate: 45", "repurchase_rate: 200", "stages.retention.targets.repurchase_rate"),
    ("emotion: 0.5", "emotion: 1.5", "stages.decision.emotion"),
    ("impact: 5", "impact: 6", "opportunities[0].impact"),
    ("effort: 2", "effort: 0", "opportunities[0].effort"),
    ("changed: [payment]", "changed: [paymnt]", "stages.decision.touchpoints.changed"),
    ("channel: app}", "channel: fax}", "stages.decision.touchpoints.added[0].channel"),
    ("    stage: retention", "    stage: loyalty", "opportunities[1].stage"),
    ("{metric: csat, value: 10}", "{metric: happiness, value: 10}", "opportunities[0].expected_lift.metric"),
    ("csat: 80,", "csat: high,", "stages.decision.targets.csat"),
])
def test_bad_future_state_names_file_and_key(tmp_path, old, new, key):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as err:
        cjm.FutureState.from_yaml(path)
    message = str(err.value)
    assert str(path) in message and key in message


def test_missing_title_and_invalid_yaml(tmp_path):
    path = _write(tmp_path, GOOD.replace("  - title: Proactive delivery updates\n", "  - owner: x\n"))
    with pytest.raises(ConfigError, match=r"opportunities\[1\]\.title"):
        cjm.FutureState.from_yaml(path)
    path = _write(tmp_path, "stages: [unclosed", name="broken.yml")
    with pytest.raises(ConfigError, match="invalid YAML"):
        cjm.FutureState.from_yaml(path)


def test_uses_framework_next_to_the_file(tmp_path):
    # a study carries its own framework: stages of the omnichannel frame are valid there
    omni = cjm.JourneyFramework.load("omnichannel")
    (tmp_path / "framework.yml").write_text(omni.path.read_text(encoding="utf-8"), encoding="utf-8")
    path = _write(tmp_path, "stages:\n  onboarding_engagement:\n    targets: {csat: 70}\n")
    fs = cjm.FutureState.from_yaml(path)
    assert fs.targets()["stage"].tolist() == ["onboarding_engagement"]
    with pytest.raises(ConfigError, match="onboarding_engagement"):
        cjm.FutureState.from_yaml(path, framework="default")
