"""PersonaExplorer driven like a user would: set widget values, click buttons, check the state."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

import cjm_research as cjm
from test_personas import FEATURES, blobs

PNG = b"\x89PNG"


@pytest.fixture()
def explorer(tmp_path):
    df, y = blobs(n=600)
    ex = cjm.PersonaExplorer(df, features=FEATURES, k_range=(2, 6), spec_path=tmp_path / "personas.yml", n_boot=4,
                             background=False)
    ex.truth = y
    return ex


def test_initial_fit_and_plots(explorer):
    assert explorer.model.k_ == 4 and adjusted_rand_score(explorer.truth, explorer.model.labels_) > 0.95
    for name in ("criteria", "projection", "profile"):
        assert bytes(explorer.images[name].value).startswith(PNG)
    assert bytes(explorer.images["stability"].value) == b""
    assert "4 personas from 600 respondents" in explorer.status.value
    assert [label for label, _ in explorer.persona.options][0].startswith("0: ")
    assert "<table" in explorer.table.value and explorer.model.names_[0] in explorer.table.value


def test_heavy_controls_do_not_update_continuously(explorer):
    assert explorer.seed.continuous_update is False and explorer.new_name.continuous_update is False


def test_changing_k_method_and_seed_refits(explorer):
    explorer.k.value = 3
    assert explorer.model.k_ == 3 and explorer.model.n_clusters_ == 3
    expected = cjm.PersonaModel(explorer.model.feature_spec_, k=3, progress=False).fit(explorer.data)
    assert (explorer.model.labels_ == expected.labels_).all()
    explorer.method.value = "ward"
    assert explorer.model.method == "ward" and explorer.model.k_ == 3
    explorer.k.value = "auto"
    assert explorer.model.k_ == 4
    explorer.seed.value = 5
    assert explorer.model.random_state == 5 and explorer.model.k_ == 4


def test_switching_k_keeps_the_criteria_plot_and_redraws_the_rest(explorer):
    criteria, projection = bytes(explorer.images["criteria"].value), bytes(explorer.images["projection"].value)
    explorer.k.value = 3
    assert bytes(explorer.images["criteria"].value) == criteria      # every k is on it already
    assert bytes(explorer.images["projection"].value) != projection  # colours follow the new personas
    explorer.method.value = "ward"
    assert bytes(explorer.images["criteria"].value) != criteria      # a new method has new criteria


def test_feature_choice_applies_on_fit_button(explorer):
    explorer.features.value = ("age", "spend")
    assert explorer.model.feature_spec_["categorical"] == ["channel"]  # not refitted yet
    explorer.fit_button.click()
    assert explorer.model.feature_spec_ == {"numeric": ["age", "spend"], "ordinal": [], "categorical": []}


def test_stability_button(explorer):
    explorer.stability_button.click()
    assert bytes(explorer.images["stability"].value).startswith(PNG)
    stab = explorer.model.stability(n_boot=4)
    assert (stab["jaccard"] > 0.9).all() and "overall ARI" in explorer.status.value


def test_rename_merge_and_export(explorer, tmp_path):
    explorer.persona.value = 1
    explorer.new_name.value = "Value seekers"
    explorer.rename_button.click()
    assert explorer.model.names_[1] == "Value seekers" and "Value seekers" in explorer.table.value
    before = explorer.model.labels_.copy()
    explorer.merge_select.value = (2, 3)
    explorer.merge_button.click()
    assert explorer.model.k_ == 3 and len(explorer.persona.options) == 3
    assert ((explorer.model.labels_ == 2) == np.isin(before, [2, 3])).all()
    explorer.export_button.click()
    path = tmp_path / "personas.yml"
    assert path.exists() and (tmp_path / "personas.joblib").exists()
    again = cjm.PersonaModel.load(path, fitted=False).fit(explorer.data)
    assert again.names_ == explorer.model.names_ and (again.labels_ == explorer.model.labels_).all()


def test_bad_actions_show_a_message_instead_of_failing(explorer):
    explorer.merge_select.value = (1,)
    explorer.merge_button.click()
    assert "merge needs at least two different personas" in explorer.status.value
    explorer.new_name.value = "  "
    explorer.rename_button.click()
    assert "type a new name" in explorer.status.value
    explorer.features.value = ()
    explorer.fit_button.click()
    assert "no persona features" in explorer.status.value


def _pixels(png: bytes):
    from io import BytesIO

    from PIL import Image

    return np.asarray(Image.open(BytesIO(bytes(png))).convert("RGB"))


def test_partial_redraws_match_a_fresh_explorer(explorer):
    # Updates redraw only the changing artists over kept pixels: nothing of the previous state may
    # remain, so k=3 reached through k=5 looks exactly like k=3 drawn from scratch.
    explorer.k.value = 3
    images = {n: bytes(explorer.images[n].value) for n in ("projection", "profile")}
    explorer.k.value = 5
    assert all(bytes(explorer.images[n].value) != images[n] for n in images)
    explorer.k.value = 3
    assert all(bytes(explorer.images[n].value) == images[n] for n in images)
    fresh = cjm.PersonaExplorer(explorer.data, features=FEATURES, k_range=(2, 6), k=3, background=False)
    for name in images:
        assert (_pixels(fresh.images[name].value) == _pixels(images[name])).all(), name


def test_heatmap_keeps_its_columns_while_k_changes_and_names_follow(explorer):
    from cjm_research.viz.personas import profile_grid

    columns = tuple(profile_grid(explorer.model).columns)
    explorer.k.value = 2
    assert explorer._profile.layout == columns  # same columns, so k=2 and k=4 compare cell by cell
    profile = _pixels(explorer.images["profile"].value)
    explorer.persona.value = 0
    explorer.new_name.value = "Renamed"
    explorer.rename_button.click()
    changed = (_pixels(explorer.images["profile"].value) != profile).any(axis=2)
    width = changed.shape[1]
    assert changed.any() and not changed[:, width // 3:].any()  # only the name column on the left moved


def test_background_refit_keeps_the_controls_live_and_shows_progress(tmp_path):
    df, y = blobs(n=600)
    ex = cjm.PersonaExplorer(df, features=FEATURES, k_range=(2, 6), spec_path=tmp_path / "p.yml")
    assert ex.background and ex.model.method == "kmeans"
    seen = []
    ex.progress.observe(lambda change: seen.append(change["new"]), names="value")
    ex.method.value = "gmm"            # a new clustering: starts in a thread, returns at once
    assert "in the background" in ex.status.value
    ex.seed.value = 5                  # changed while the refit runs: applied when it ends
    ex.k.value = 3
    model = ex.wait(timeout=120)
    assert model.method == "gmm" and model.random_state == 5 and model.k_ == 3
    assert adjusted_rand_score(y, cjm.PersonaModel(FEATURES, k=3, method="gmm", random_state=5,
                                                   progress=False).fit(df).labels_) == pytest.approx(
        adjusted_rand_score(y, model.labels_))
    assert ex.progress.max == 5 and 5 in seen and ex.progress.layout.visibility == "hidden"
    assert "3 personas from 600 respondents" in ex.status.value
    ex.export_button.click()  # the progress callback is not stored with the model
    assert cjm.PersonaModel.load(tmp_path / "p.yml").get_params()["progress"] is False
