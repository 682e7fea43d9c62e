"""The whole path on study shapes that are not the demo: the committed fixture studies.

validate -> PersonaModel -> current_state -> compare_quarters -> notebooks 01-04 -> the report,
asserting properties rather than numbers: every shown number has n and (when an estimate) an
interval that contains it, pooled emotion lies between its sources, masked cells show no value,
and what a study cannot measure is named in the report. Kernel-starting steps are marked slow.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.cli import main as cjm_main
from cjm_research.datasets.fixtures import fixture_path

FIXTURES = ["omnichannel", "passenger_survey", "sparse_interviews"]
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
BACKSTAGE = {"internal_actors", "internal_channels", "internal_process", "internal_pain_points"}
# lanes whose value is a count or a share of something other than respondents: no interval expected
NO_INTERVAL = BACKSTAGE | {"channels", "process", "emotion"}


@pytest.fixture(scope="module", params=FIXTURES)
def shape(request, tmp_path_factory):
    """A copy of one fixture study (reports and notebooks write next to it), its map and model."""
    folder = tmp_path_factory.mktemp(request.param)
    shutil.copytree(fixture_path(request.param).parent, folder / "study")
    path = folder / "study" / "study.yml"
    study = cjm.load_study(path)
    model = None
    if "survey" in study.files and study.columns.feature_list:
        model = cjm.PersonaModel(k=2, random_state=0, progress=False).fit(study.survey)
    jm = cjm.current_state(study, model, progress=False, n_boot=30)
    return request.param, path, study, model, jm


def test_validate_passes(shape, capsys):
    _, path, *_ = shape
    assert cjm_main(["validate", str(path)]) == 0


def test_every_shown_number_has_n_and_an_interval_that_contains_it(shape):
    name, _, study, _, jm = shape
    table = jm.table()
    shown = table[table["value"].notna() & ~table["masked"] & ~table["lane"].isin(BACKSTAGE)]
    assert len(shown), name
    measured = shown[~shown["lane"].isin({"process"}) | shown["n"].notna()]
    assert measured["n"].notna().all(), measured[measured["n"].isna()][["lane", "item", "source"]]
    estimates = shown[~shown["lane"].isin(NO_INTERVAL) & (shown["source"] != "importance")]
    assert estimates["ci_low"].notna().all(), estimates[estimates["ci_low"].isna()][["lane", "item", "source"]]
    eps = 1e-9
    assert ((estimates["ci_low"] <= estimates["value"] + eps) & (estimates["value"] <= estimates["ci_high"] + eps)).all()
    # integers stay integers: n is a whole number of people (or customers, steps)
    assert np.allclose(shown["n"].dropna().astype(float) % 1, 0)


def test_masked_cells_show_no_value(shape):
    _, _, study, _, jm = shape
    table = jm.table()
    masked = table[table["masked"]]
    assert masked[["value", "ci_low", "ci_high", "quote"]].isna().all().all()
    small = table[table["n"].notna() & (table["n"] < jm.min_cell_size)]
    assert small["masked"].all()


def test_pooled_emotion_lies_between_its_sources(shape):
    _, _, _, _, jm = shape
    emo = jm.table(lane="emotion")
    for (persona, stage), g in emo.groupby(["persona", "stage"]):
        g = g.set_index("item")
        if "combined" not in g.index or pd.isna(g.loc["combined", "value"]):
            continue
        sources = g.loc[[i for i in ("satisfaction", "sentiment") if i in g.index]]
        sources = sources[~sources["masked"] & sources["value"].notna()]
        low, high = sources["value"].min(), sources["value"].max()
        assert low - 1e-9 <= g.loc["combined", "value"] <= high + 1e-9, (persona, stage)


def test_what_is_not_measured_is_named(shape):
    name, _, study, _, jm = shape
    missing = jm.not_measured()
    for kind in ("survey", "interviews", "events"):
        assert (kind in missing) == (kind not in study.files), (name, kind)
    if not study.columns.ces:
        assert "CES" in missing and jm.metric("ces").empty


def test_compare_quarters_tests_every_measured_cell(shape):
    name, _, study, model, _ = shape
    if "survey" not in study.files:
        pytest.skip(f"{name} has no survey: nothing to test quarter over quarter")
    earlier = study.previous
    changes = cjm.compare_quarters(earlier, study, personas=model, progress=False)
    rated = set(study.columns.touchpoint_ratings)
    assert rated <= set(changes.loc[changes["metric"] == "touchpoint_rating", "item"])
    assert changes.attrs["cells_tested"] == changes["p_unc"].notna().sum() and "p_value" not in changes
    assert (changes["p_adj"] >= changes["p_unc"] - 1e-12).all()
    if study.config.outcome is not None:
        assert "outcome" in set(changes["metric"])


def test_key_drivers_when_the_study_has_an_outcome(shape):
    name, _, study, _, jm = shape
    drivers = jm.drivers(level="touchpoint")
    if study.config.outcome is None and not study.columns.nps and not study.columns.csat:
        assert drivers.empty and "outcome" in jm.not_measured()
    else:
        assert len(drivers) and drivers["n"].gt(0).all() and drivers["ci_low"].notna().all()


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["01_explore", "02_personas", "03_current_state", "04_future_state"])
def test_walkthrough_notebooks_run_on_the_shape(shape, notebook, tmp_path):
    import papermill as pm

    name, path, *_ = shape
    parameters = {"study_path": str(path)}
    if notebook == "03_current_state":
        parameters["out_dir"] = str(tmp_path / "exports")
    if notebook == "02_personas":
        parameters.update(spec_path=str(tmp_path / "personas.yml"), n_boot=5)
    nb = pm.execute_notebook(str(NOTEBOOKS / f"{notebook}.ipynb"), str(tmp_path / f"{notebook}.ipynb"),
                             parameters=parameters, kernel_name="cjm-research", cwd=str(NOTEBOOKS),
                             progress_bar=False)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, (name, errors[:1])
    if notebook == "02_personas" and "survey" not in shape[2].sources:
        printed = " ".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
        assert "Not measured in this study: personas" in printed


@pytest.mark.slow
def test_report_names_what_the_study_cannot_measure(shape, tmp_path):
    from cjm_research.reports import make_report

    name, path, study, _, jm = shape
    result = make_report(path, study.quarter, out=tmp_path / "reports", progress=False)
    html = result.html.read_text(encoding="utf-8")
    assert "Traceback" not in html and "Error" not in html.split("<body")[-1][:200]
    from cjm_research.core.labels import t

    lang = study.config.language  # the report speaks the study's language
    assert t("not_measured", lang, what="").split(":")[0] in html
    for kind in ("survey", "interviews", "events"):
        if kind not in study.files:
            assert t(f"measure_{kind}", lang) in html, (name, kind)
    if not study.columns.ces:
        assert "CES" in html
    assert ".0 n=" not in html and "n/a%" not in html
