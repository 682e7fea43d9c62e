"""What counts as converting is the study's to say (events.conversion), not the demo's 'purchase'."""

import shutil

import pytest
import yaml

import cjm_research as cjm
from cjm_research.core.errors import ConfigError
from cjm_research.datasets.fixtures import fixture_path


def _study(tmp_path, **events):
    folder = tmp_path / "omni"
    shutil.copytree(fixture_path("omnichannel").parent, folder)
    config = yaml.safe_load((folder / "study.yml").read_text())
    config["events"].update(events)
    (folder / "study.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return folder / "study.yml"


def _metrics(path):
    jm = cjm.current_state(cjm.load_study(path, quarter="2026Q2"))
    return set(jm.table().query("lane == 'metrics'")["item"])


def test_a_log_without_purchase_events_measures_conversion_once_the_study_names_its_event(tmp_path):
    assert "conversion_rate" not in _metrics(_study(tmp_path))            # no event called 'purchase'
    declared = _study(tmp_path / "b", conversion="order_paid", repurchase="order_paid")
    assert {"conversion_rate", "repurchase_rate"} <= _metrics(declared)


def test_a_misspelt_conversion_event_names_the_closest(tmp_path):
    with pytest.raises(ConfigError, match=r"events.conversion.*'order_payed'.*closest: \['order_paid'"):
        cjm.load_study(_study(tmp_path, conversion="order_payed"))
