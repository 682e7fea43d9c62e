"""`cjm init`: a commented study.yml and framework from a researcher's files, then `cjm validate`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

import cjm_research as cjm
from cjm_research.cli import main
from cjm_research.core.errors import ConfigError
from cjm_research.datasets.fixtures import fixture_path, write_study
from cjm_research.study.scaffold import propose_stages, rating_scale, scaffold_study
from strategies import study_shapes


def _raw(name: str) -> list[str]:
    root = fixture_path(name).parent
    return sorted(str(p) for p in root.glob("20*Q*/*.csv"))


def _init(files, out, capsys, *extra) -> tuple[int, str]:
    code = main(["init", *map(str, files), "--out", str(out), *extra])
    return code, capsys.readouterr().err


def _validate(path, capsys) -> tuple[int, str, str]:
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_passenger_survey_files_give_a_study_that_validates(tmp_path, capsys):
    code, err = _init(_raw("passenger_survey"), tmp_path / "s", capsys)
    assert code == 0 and err == ""
    study_yml = tmp_path / "s" / "study.yml"
    code, out, err = _validate(study_yml, capsys)
    assert code == 0 and "2 quarter(s) valid" in out
    data = yaml.safe_load(study_yml.read_text())
    survey = data["survey"]
    assert survey["respondent_id"] == "id"
    assert len(survey["touchpoint_ratings"]) == 14
    assert survey["scales"] == {"touchpoint": [1, 5]} and survey["not_applicable"] == [0]
    assert "nps" not in survey and "csat" not in survey and "ces" not in survey
    assert data["outcome"] == {"column": "satisfaction", "kind": "labels", "positive": ["satisfied"],
                               "negative": ["neutral or dissatisfied"], "label": "Satisfaction"}
    assert "Customer Type" in survey["persona_features"]["categorical"]
    assert {"Age", "Flight Distance"} <= set(survey["persona_features"]["numeric"])
    assert survey["free_text"] == ["comment"]
    study = cjm.load_study(study_yml)
    assert {"booking", "boarding", "inflight"} <= set(study.framework.stages)
    inflight = [t.id for t in study.framework.touchpoints_in("inflight")]
    assert {"inflight_wifi_service", "inflight_entertainment", "inflight_service"} <= set(inflight)
    assert study.survey["Age"].min() < 14          # children kept by the default quality rule


def test_every_guess_carries_a_comment(tmp_path, capsys):
    _init(_raw("passenger_survey"), tmp_path, capsys)
    study_lines = (tmp_path / "study.yml").read_text().splitlines()
    for key in ("respondent_id:", "outcome:", "scales:", '- "Age"', '- "Customer Type"'):
        line = next(l for l in study_lines if l.strip().startswith(key))
        assert "#" in line, line
    framework = (tmp_path / "framework.yml").read_text().splitlines()
    for i, line in enumerate(framework):
        if line.startswith("  - ") and i:
            assert framework[i - 1].strip().startswith("#"), line   # each stage and touchpoint says why


def test_omnichannel_survey_and_events_in_quarter_folders(tmp_path, capsys):
    code, _ = _init(_raw("omnichannel"), tmp_path, capsys)
    assert code == 0
    code, out, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 0, err
    data = yaml.safe_load((tmp_path / "study.yml").read_text())
    assert sorted(data["quarters"]) == ["2026Q1", "2026Q2"]
    assert set(data["quarters"]["2026Q1"]) == {"survey", "events"}
    survey = data["survey"]
    assert survey["customer_id"] == "customer_id" and survey["weights"] == "weight"
    assert survey["nps"] == "nps" and set(survey["csat"]) == {"awareness_acquisition", "onboarding_engagement",
                                                              "post_purchase_support"}
    assert survey["scales"] == {"touchpoint": [1, 7]}
    assert data["outcome"]["kind"] == "binary" and data["outcome"]["column"] == "returned_90d"
    assert data["events"] == {"customer": "customer_id", "timestamp": "timestamp", "event": "event",
                              "channel": "channel"}
    study = cjm.load_study(tmp_path / "study.yml")
    assert study.events.to_pandas()["stage"].notna().all()   # every event name is in the framework
    assert "first_purchase" in study.framework.touchpoints    # the shared tp_ prefix is no part of an id


def test_sparse_interviews_take_their_stages_from_the_excerpts(tmp_path, capsys):
    code, _ = _init(_raw("sparse_interviews"), tmp_path, capsys)
    assert code == 0
    code, out, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 0, err
    study = cjm.load_study(tmp_path / "study.yml")
    assert set(study.framework.stages) == {"pengajuan", "verifikasi", "keputusan", "pengambilan"}
    assert study.sources == ["interviews"]


def test_init_never_overwrites_without_force(tmp_path, capsys):
    files = _raw("passenger_survey")[:1]
    assert _init(files, tmp_path, capsys, "--quarter", "2026Q1")[0] == 0
    (tmp_path / "study.yml").write_text("# my edits\n" + (tmp_path / "study.yml").read_text())
    code, err = _init(files, tmp_path, capsys, "--quarter", "2026Q1")
    assert code == 1 and "already exists" in err and "--force" in err
    assert (tmp_path / "study.yml").read_text().startswith("# my edits")
    assert _init(files, tmp_path, capsys, "--quarter", "2026Q1", "--force")[0] == 0
    assert not (tmp_path / "study.yml").read_text().startswith("# my edits")


def test_files_without_a_quarter_folder_use_the_given_quarter(tmp_path, capsys):
    src = Path(_raw("passenger_survey")[0])
    flat = tmp_path / "export.csv"
    flat.write_bytes(src.read_bytes())
    scaffold_study([flat], tmp_path / "s", quarter="2025q4")
    assert list(yaml.safe_load((tmp_path / "s" / "study.yml").read_text())["quarters"]) == ["2025Q4"]
    with pytest.raises(Exception, match="second survey file"):
        scaffold_study([flat, flat], tmp_path / "t", quarter="2025Q4")


def test_rating_scales_and_stage_proposals():
    import pandas as pd

    assert rating_scale(pd.Series([1, 2, 5, 4])) == ((1, 5), None)
    assert rating_scale(pd.Series([0, 1, 2, 5, 3])) == ((1, 5), 0)
    assert rating_scale(pd.Series([0, 1, 2])) is None                 # a count of children, not a rating
    assert rating_scale(pd.Series([1, 3, 7])) == ((1, 7), None)
    assert rating_scale(pd.Series([0, 5, 10])) == ((0, 10), None)
    assert rating_scale(pd.Series([1.5, 2, 3])) is None
    stages = propose_stages(["Q5_1", "Q5_2", "Q7_1", "Q7_2"], {"Q5_1": "Checkout speed"})
    assert list(stages) == ["checkout", "q7"]
    stages = propose_stages(["op1", "op2", "mast1", "mast2"])
    assert {k: v[0] for k, v in stages.items()} == {"op": ["op1", "op2"], "mast": ["mast1", "mast2"]}


@pytest.mark.realdata
def test_real_marketing_campaign_tsv(shared_data, tmp_path, capsys):
    path = shared_data / "marketing_campaign" / "marketing_campaign.csv"
    code, _ = _init([path], tmp_path, capsys, "--quarter", "2014Q2")
    assert code == 0
    code, out, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 0, err
    data = yaml.safe_load((tmp_path / "study.yml").read_text())
    assert data["survey"]["respondent_id"] == "ID"
    assert data["outcome"] == {"column": "Response", "kind": "binary", "label": "Response"}
    assert {"Year_Birth", "Income"} <= set(data["survey"]["persona_features"]["numeric"])
    assert {"Education", "Marital_Status"} <= set(data["survey"]["persona_features"]["categorical"])
    text = (tmp_path / "study.yml").read_text()
    assert "'Z_CostContact': empty or constant" in text and "'Dt_Customer': a date" in text


@pytest.mark.realdata
def test_real_qualtrics_export(shared_data, tmp_path, capsys):
    path = shared_data / "qualtrics" / "impressive_climate_qualtrics.csv"
    assert _init([path], tmp_path, capsys, "--quarter", "2025Q4")[0] == 0
    code, out, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 0, err
    data = yaml.safe_load((tmp_path / "study.yml").read_text())
    assert data["survey"]["respondent_id"] == "ResponseId"
    assert "PROLIFIC_PID" not in str(data["survey"]["persona_features"])   # another id, not a trait
    assert "Attention" not in data["survey"]["persona_features"]["categorical"]   # an attention check
    assert "Duration (in seconds)" not in data["survey"]["persona_features"]["numeric"]   # Qualtrics metadata


@pytest.mark.realdata
def test_real_spss_file_with_a_repeated_id_says_what_to_fill_in(shared_data, tmp_path, capsys):
    path = shared_data / "spss" / "pallant_survey.sav"
    assert _init([path], tmp_path, capsys, "--quarter", "2026Q1")[0] == 0
    text = (tmp_path / "study.yml").read_text()
    assert 'respondent_id: "FILL IN"' in text and "'id' is named like an id but value(s) 242 repeat (2 rows)" in text
    code, _, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 1 and "key 'survey.respondent_id' still says 'FILL IN'" in err and "Traceback" not in err
    (tmp_path / "study.yml").write_text(text.replace('respondent_id: "FILL IN"', 'respondent_id: "id"'))
    code, _, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 1 and "duplicate respondent ids '242'" in err      # the reason the comment gave
    study = cjm.load_study(tmp_path / "study.yml")
    assert {"op", "mast", "pss"} <= set(study.framework.stages)     # item batteries become stages
    label = study.framework.touchpoint("op1").label["en"]
    assert label != "op1"                                            # the SPSS variable label


@pytest.mark.realdata
def test_real_event_log_alone(shared_data, tmp_path, capsys):
    path = shared_data / "event_logs" / "receipt.csv"
    assert _init([path], tmp_path, capsys, "--quarter", "2011Q4")[0] == 0
    code, out, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 0, err
    study = cjm.load_study(tmp_path / "study.yml")
    assert study.framework.stages == ["early", "middle", "late"]
    assert study.framework.stage_of_event("Confirmation of receipt") == "early"


@pytest.mark.realdata
def test_real_transcripts_become_an_excerpt_table(shared_data, tmp_path, capsys):
    files = sorted((shared_data / "interview_transcripts" / "practitioner_interviews").glob("*"))[:3]
    assert _init(files, tmp_path, capsys, "--quarter", "2026Q1")[0] == 0
    code, out, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 0, err
    excerpts = cjm.load_study(tmp_path / "study.yml").interviews
    assert excerpts["participant"].nunique() == 3 and excerpts["text"].notna().all()


def test_missing_file_is_one_clear_error(tmp_path, capsys):
    code, err = _init([tmp_path / "nope.csv"], tmp_path / "s", capsys)
    assert code == 1 and "nope.csv" in err and "not found" in err
    with pytest.raises(ConfigError):
        (tmp_path / "s").mkdir()
        (tmp_path / "s" / "framework.yml").write_text("x")
        scaffold_study(_raw("passenger_survey")[:1], tmp_path / "s")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=study_shapes())
def test_init_on_any_drawn_study_validates(shape, tmp_path_factory, capsys):
    root = tmp_path_factory.mktemp("drawn")
    write_study(shape, root / "files")
    files = sorted(str(p) for p in (root / "files").glob("20*Q*/*.csv"))
    code, err = _init(files, root / "study", capsys)
    assert code == 0, err
    code, out, err = _validate(root / "study" / "study.yml", capsys)
    assert code == 0, err


@pytest.mark.realdata
def test_real_spss_reverse_scored_copies_are_not_touchpoints(shared_data, tmp_path, capsys):
    # Pallant's file keeps op2 and its recoded copy Rop2: mapping both counts one answer twice
    assert _init([shared_data / "spss" / "pallant_survey.sav"], tmp_path, capsys, "--quarter", "2026Q1")[0] == 0
    data = yaml.safe_load((tmp_path / "study.yml").read_text())
    ratings = set(data["survey"]["touchpoint_ratings"].values())
    assert "op2" in ratings and "Rop2" not in ratings and not any(c.startswith("R") for c in ratings)
    assert "'Rop2': a reverse-scored copy of 'op2'" in (tmp_path / "study.yml").read_text()


@pytest.mark.realdata
def test_real_event_log_channel_offsets_and_absolute_path(shared_data, tmp_path, capsys):
    path = shared_data / "event_logs" / "receipt.csv"
    assert _init([path], tmp_path / "s", capsys, "--quarter", "2011Q4")[0] == 0
    text = (tmp_path / "s" / "study.yml").read_text()
    data = yaml.safe_load(text)
    assert data["events"]["channel"] == "case:channel"            # pm4py's case attribute
    assert "UTC offsets +01:00, +02:00" in text                   # daylight saving in the raw file
    # one channel per case is how a citizen applied, not a touchpoint's channel
    framework = yaml.safe_load((tmp_path / "s" / "framework.yml").read_text())
    assert {t["channel"] for t in framework["touchpoints"]} == {"unspecified"}
    # data outside any folder the study shares: an absolute path, so the study can move
    quarter_files = data["quarters"]["2011Q4"]
    if Path(tmp_path).resolve().parts[1] != path.resolve().parts[1]:
        assert quarter_files["events"] == path.resolve().as_posix()


@pytest.mark.realdata
def test_real_marketing_flags_are_named_as_possible_outcomes(shared_data, tmp_path, capsys):
    path = shared_data / "marketing_campaign" / "marketing_campaign.csv"
    assert _init([path], tmp_path, capsys, "--quarter", "2014Q2")[0] == 0
    text = (tmp_path / "study.yml").read_text()
    outcome_line = next(line for line in text.splitlines() if line.startswith("outcome:"))
    assert "other 0/1 columns that could be the outcome: 'AcceptedCmp3'" in outcome_line
    assert '"Complain"   # a 0/1 flag: keep it only if it describes who the customer is' in text


@pytest.mark.realdata
def test_real_rare_answer_is_reported_apart_from_junk(shared_data, tmp_path, capsys):
    # 'Alone' (3 of 2,240) is a real marital status: rare, not junk; 'YOLO' and 'Absurd' are junk
    path = shared_data / "marketing_campaign" / "marketing_campaign.csv"
    assert _init([path], tmp_path, capsys, "--quarter", "2014Q2")[0] == 0
    code, out, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 0, err
    assert "Marital_Status: junk category, 4 set to missing: values 'Absurd', 'YOLO'" in out
    assert "rare category, 3 set to missing: values 'Alone' (3)" in out
    assert "quality.min_category_share: 0" in out
    for line in out.splitlines():
        assert len(line) <= 100, line                     # readable in a terminal, nothing cut


@pytest.mark.realdata
def test_real_qualtrics_labelled_scale_is_an_outcome(shared_data, tmp_path, capsys):
    # Qualtrics exports the scale as '4 - Very impressive': the code is the answer
    path = shared_data / "qualtrics" / "impressive_climate_qualtrics.csv"
    assert _init([path], tmp_path, capsys, "--quarter", "2025Q4")[0] == 0
    data = yaml.safe_load((tmp_path / "study.yml").read_text())
    data["outcome"] = {"column": "Impressiveness", "kind": "scale", "scale": [1, 5], "positive": [4, 5]}
    data["survey"]["persona_features"]["categorical"].remove("Impressiveness")   # now the outcome
    (tmp_path / "study.yml").write_text(yaml.safe_dump(data, sort_keys=False))
    code, _, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 0, err
    outcome = cjm.load_study(tmp_path / "study.yml").outcome
    raw = cjm.read_survey(path)["Impressiveness"]
    assert outcome.values.notna().sum() == raw.notna().sum() == 452
    assert (outcome.values == 5).sum() == (raw == "5 - Extremely impressive").sum()
    assert outcome.positive.mean() == pytest.approx(raw.str[0].isin(["4", "5"]).mean())


@pytest.mark.realdata
def test_real_outcome_left_among_the_persona_features_is_named(shared_data, tmp_path, capsys):
    # a researcher picks Impressiveness as the outcome but forgets it is a generated feature
    path = shared_data / "qualtrics" / "impressive_climate_qualtrics.csv"
    assert _init([path], tmp_path, capsys, "--quarter", "2025Q4")[0] == 0
    data = yaml.safe_load((tmp_path / "study.yml").read_text())
    assert "Impressiveness" in data["survey"]["persona_features"]["categorical"]
    data["outcome"] = {"column": "Impressiveness", "kind": "scale", "scale": [1, 5]}
    (tmp_path / "study.yml").write_text(yaml.safe_dump(data, sort_keys=False))
    code, _, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 1 and "outcome column 'Impressiveness' is also listed under 'survey.persona_features'" in err


@pytest.mark.realdata
def test_real_xes_log_alone_validates(shared_data, tmp_path, capsys):
    # the study reads the XES file by its attribute names: init must write those names
    path = shared_data / "event_logs" / "roadtraffic100traces.xes"
    assert _init([path], tmp_path, capsys, "--quarter", "2026Q2")[0] == 0
    data = yaml.safe_load((tmp_path / "study.yml").read_text())
    assert data["events"] == {"customer": "case:concept:name", "timestamp": "time:timestamp", "event": "concept:name"}
    code, out, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 0, err
    assert "390 rows read (100 customers)" in out


@pytest.mark.realdata
def test_real_init_prints_what_to_fill_in(shared_data, tmp_path, capsys):
    code = main(["init", str(shared_data / "spss" / "pallant_survey.sav"), "--out", str(tmp_path),
                 "--quarter", "2026Q1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "to fill in: study.yml line" in out and "respondent_id" in out and "242 repeat" in out
    code = main(["init", str(shared_data / "event_logs" / "receipt.csv"), "--out", str(tmp_path / "e"),
                 "--quarter", "2011Q4"])
    assert code == 0 and "to fill in" not in capsys.readouterr().out     # nothing to fill in
