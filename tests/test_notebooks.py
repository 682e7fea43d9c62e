"""The walkthrough notebooks run top to bottom on the demo study, in JupyterLab order.

They are committed without outputs, so only running them shows that the calls they make still
exist and still fit together. Every output a notebook writes goes to tmp_path, never the repo.
"""

from __future__ import annotations

from pathlib import Path

import papermill as pm
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.slow
@pytest.mark.parametrize("name, extra", [
    ("01_explore", {}),
    ("02_personas", {"n_boot": 5}),
    ("03_current_state", {}),
    ("04_future_state", {}),
])
def test_walkthrough_notebook_runs(name, extra, demo_study_path, tmp_path):
    parameters = {"study_path": str(demo_study_path), **extra}
    if name == "02_personas":
        parameters["spec_path"] = str(tmp_path / "personas.yml")
    if name == "03_current_state":
        parameters["out_dir"] = str(tmp_path / "exports")
    out = tmp_path / f"{name}.ipynb"
    nb = pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=parameters,
                             kernel_name="cjm-research", cwd=str(NOTEBOOKS), progress_bar=False)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    if name == "02_personas":
        assert (tmp_path / "personas.yml").is_file()
    if name == "03_current_state":
        assert any((tmp_path / "exports").rglob("*.png")) and any((tmp_path / "exports").rglob("*.csv"))
