"""The report's personas follow the study's id mapping, and say how sure they are (en and id)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from cjm_research.datasets.demo import make_demo
from cjm_research.reports import content as rc


@pytest.fixture(scope="module")
def renamed_study(tmp_path_factory):
    # The demo with its id columns renamed, as a real survey export would name them.
    out = tmp_path_factory.mktemp("renamed")
    make_demo(out, respondents=400)
    for survey in out.glob("*/survey.csv"):
        frame = pd.read_csv(survey, dtype=str)
        frame.rename(columns={"customer_id": "Member No", "respondent_id": "Resp ID"}).to_csv(survey, index=False)
    config = yaml.safe_load((out / "study.yml").read_text())
    config["survey"]["customer_id"], config["survey"]["respondent_id"] = "Member No", "Resp ID"
    (out / "study.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return out / "study.yml"


def test_drift_and_cards_use_the_study_id_mapping(renamed_study, tmp_path):
    rep = rc.QuarterlyReport(renamed_study, "2026Q3", figures_dir=tmp_path / "f", tables_dir=tmp_path / "t")
    model = rep.personas
    assert model.id_column_ == "Member No" and model.get_params()["progress"] is False
    drift = model.drift(rep.previous.survey)
    panel = set(rep.study.survey["Member No"].astype(str)) & set(rep.previous.survey["Member No"].astype(str))
    assert drift.iloc[-1]["panel_n"] == len(panel) > 0
    table = rc.persona_table(model, rep.previous)
    assert table["share_previous_pct"].notna().all()
    reps = model.cards(representatives=2)["representatives"].explode()
    assert set(reps) <= set(rep.study.survey["Member No"].astype(str))


@pytest.mark.parametrize("language, words", [("en", ["Silhouette", "ARI", "Bootstrap Jaccard", "Kaufman"]),
                                             ("id", ["Silhouette", "ARI", "Jaccard bootstrap", "seed"])])
def test_structure_note_states_band_seeds_and_jaccard(renamed_study, tmp_path, language, words):
    rep = rc.QuarterlyReport(renamed_study, "2026Q3", language=language, figures_dir=tmp_path / "f",
                             tables_dir=tmp_path / "t")
    model = rep.personas
    note = rep.structure_note(model)
    info = model.structure(n_boot=rc.STABILITY_BOOTSTRAPS)
    assert all(w in note for w in words) and f"{info['seed_ari_min']:.2f}" in note
    assert rep.t(f"structure_{info['structure']}") in note
    stab = model.stability(n_boot=rc.STABILITY_BOOTSTRAPS)
    if info["structure"] in ("weak", "none"):  # a weak structure is never called stable
        assert "stable" not in set(stab["reading"]) and info["n_stable"] == 0
    assert f"{info['n_stable']} " in note
