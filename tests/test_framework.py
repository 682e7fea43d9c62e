import pytest

import cjm_research as cjm
from cjm_research.core.errors import ConfigError


def test_default_framework_has_five_stages_in_order():
    fw = cjm.JourneyFramework.load("default")
    assert fw.stages == ["awareness", "consideration", "decision", "retention", "advocacy"]
    assert fw.touchpoint("payment").stage == "decision"
    assert fw.stage_of_event("payment_failed") == "decision"
    assert set(fw.stage("decision").backstage) == {
        "internal_actors", "internal_channels", "internal_process", "internal_pain_points"}
    assert all(fw.stage(s).backstage["internal_actors"] for s in fw.stages)
    assert fw.label("decision", "id") == "Keputusan"


def test_omnichannel_framework():
    fw = cjm.JourneyFramework.load("omnichannel")
    assert fw.stages == ["awareness_acquisition", "onboarding_engagement", "post_purchase_support"]
    assert {t.visibility for t in fw.touchpoints.values()} <= {"frontstage", "backstage", "support"}


def _write(tmp_path, text):
    p = tmp_path / "fw.yml"
    p.write_text(text, encoding="utf-8")
    return p


def test_unknown_stage_in_touchpoint_names_file_and_key(tmp_path):
    p = _write(tmp_path, "stages: [a, b]\ntouchpoints:\n  - {id: t1, stage: c, channel: web}\n")
    with pytest.raises(ConfigError) as err:
        cjm.JourneyFramework.from_yaml(p)
    msg = str(err.value)
    assert str(p) in msg and "touchpoints[0] (t1).stage" in msg and "'c'" in msg


def test_bad_visibility_and_duplicate_ids(tmp_path):
    p = _write(tmp_path, "stages: [a]\ntouchpoints:\n  - {id: t1, stage: a, channel: web, visibility: front}\n")
    with pytest.raises(ConfigError, match="visibility"):
        cjm.JourneyFramework.from_yaml(p)
    p = _write(tmp_path, "stages: [a, a]\ntouchpoints: []\n")
    with pytest.raises(ConfigError, match="listed twice"):
        cjm.JourneyFramework.from_yaml(p)


def test_invalid_yaml_names_line(tmp_path):
    p = _write(tmp_path, "stages: [a\n")
    with pytest.raises(ConfigError, match=r"invalid YAML at line"):
        cjm.JourneyFramework.from_yaml(p)
