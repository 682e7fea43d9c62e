"""Study loading, validation rules and the `cjm validate` bad-input messages."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.cli import main
from cjm_research.core.errors import ConfigError, DataError
from cjm_research.study.load import parse_quarter, previous_quarter, quarter_end

STUDY = """\
name: Tiny study
framework: default
survey:
  respondent_id: rid
  customer_id: cid
  persona_features: {numeric: [age], ordinal: [savvy], categorical: [city]}
  nps: nps
  csat: {decision: csat_decision, retention: csat_retention}
  ces: {decision: ces_decision}
  touchpoint_ratings: {checkout: tp_checkout}
  free_text: [feedback]
quarters:
  2026Q2: {survey: q2/survey.csv}
  2026Q3: {survey: q3/survey.csv, interviews: q3/interviews.csv}
"""

SURVEY = pd.DataFrame({
    "rid": [f"R{i:03d}" for i in range(1, 13)],
    "cid": ["9100000000000000001", "9100000000000000002"] + [f"91000000000000001{i:02d}" for i in range(10)],
    "age": [25, 31, 47, 52, 8, 38, 29, 61, 44, 35, 27, 150],
    "savvy": [5, 4, 2, 1, 3, 4, 5, 2, 3, 3, 4, 1],
    "city": ["Jakarta", "Bandung", "Jakarta", "YOLO", "Medan", "Jakarta", "Bandung", "Medan",
             "Jakarta", "Bandung", "Medan", "Jakarta"],
    "nps": [10, 9, 0, 3, 7, 8, 10, 6, 9, 5, 10, 2],
    "csat_decision": [5, 4, 0, 2, 3, 5, 4, 1, 5, 3, 4, 2],
    "csat_retention": [4, 4, 5, 3, 9, 5, 4, 2, 4, 3, 5, 1],
    "ces_decision": [2, 3, 6, 7, 4, 2, 1, 5, 3, 4, 2, 6],
    "tp_checkout": [5, 0, 0, 2, 3, 4, 5, 1, 4, 3, 5, 2],
    "feedback": ["ok", "", "pembayaran gagal", "", "", "great", "", "", "", "", "", "slow"],
})


@pytest.fixture()
def tiny(tmp_path):
    """A two-quarter study with planted recoverable oddities; returns (study path, folder)."""
    (tmp_path / "q2").mkdir()
    (tmp_path / "q3").mkdir()
    (tmp_path / "study.yml").write_text(STUDY, encoding="utf-8")
    SURVEY.to_csv(tmp_path / "q2" / "survey.csv", index=False)
    SURVEY.to_csv(tmp_path / "q3" / "survey.csv", index=False)
    pd.DataFrame({"participant": ["p1", "p1", "p2"], "stage": ["decision", "retention", "decision"],
                  "touchpoint": ["checkout", None, "payment"],
                  "text": ["Payment failed twice", "Courier was late", "Checkout is fine"]}
                 ).to_csv(tmp_path / "q3" / "interviews.csv", index=False)
    return tmp_path / "study.yml", tmp_path


def test_quarters_helpers():
    assert parse_quarter("2026q1") == "2026Q1"
    assert previous_quarter("2026Q1") == "2025Q4"
    assert quarter_end("2025Q4") == pd.Timestamp("2026-01-01", tz="UTC")
    with pytest.raises(ConfigError, match="YYYYQn"):
        parse_quarter("2026-3")


def test_load_study_defaults_to_latest_quarter_and_keeps_ids_exact(tiny):
    path, _ = tiny
    study = cjm.load_study(path)
    assert study.quarter == "2026Q3" and study.quarters == ["2026Q2", "2026Q3"]
    assert study.framework.stages[2] == "decision"
    assert study.previous.quarter == "2026Q2"
    assert study.survey["cid"].iloc[0] == "9100000000000000001"  # a float would round this id
    assert study.survey.attrs["persona_features"]["categorical"] == ["city"]


def test_recoverable_rules_are_applied_and_reported(tiny):
    path, _ = tiny
    study = cjm.load_study(path)
    survey = study.survey
    # 0 means "not applicable" on the 1..5 scales but is a valid NPS answer
    assert survey["csat_decision"].isna().sum() == 1 and survey["nps"].min() == 0
    assert survey["tp_checkout"].isna().sum() == 2
    assert pd.isna(survey.loc[4, "csat_retention"])          # 9 on a 1..5 scale
    assert survey.loc[4, "age"] == 8 and pd.isna(survey.loc[11, "age"])  # a child is kept; 150 is not
    assert pd.isna(survey.loc[3, "city"])                     # junk category
    summary = study.quality()
    checks = set(summary["check"])
    assert {"not applicable", "out of range", "implausible value", "junk category", "missing values",
            "young respondents", "rule"} <= checks
    row = summary[(summary["check"] == "not applicable") & (summary["column"] == "tp_checkout")]
    assert row["count"].item() == 2
    missing_tp = summary[(summary["check"] == "missing values") & (summary["column"] == "touchpoint")]
    assert missing_tp["count"].item() == 1 and missing_tp["file"].item().endswith("interviews.csv")


def test_unknown_quarter_names_the_study_file(tiny):
    path, _ = tiny
    with pytest.raises(ConfigError) as err:
        cjm.load_study(path, quarter="2024Q1")
    assert str(path) in str(err.value) and "2024Q1" in str(err.value) and "2026Q3" in str(err.value)


def _edit_survey(folder, **changes):
    frame = SURVEY.copy()
    for column, (row, value) in changes.items():
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
    frame.to_csv(folder / "q3" / "survey.csv", index=False)


def _validate(path, capsys, *extra):
    code = main(["validate", str(path), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_validate_prints_summary_and_exits_zero(tiny, capsys):
    path, _ = tiny
    code, out, err = _validate(path, capsys)
    assert code == 0 and err == ""
    assert "== 2026Q2 ==" in out and "not applicable" in out and "2 quarter(s) valid" in out


def test_text_in_numeric_rating(tiny, capsys):
    path, folder = tiny
    _edit_survey(folder, csat_decision=(6, "very good"))
    code, out, err = _validate(path, capsys, "--quarter", "2026Q3")
    assert code == 1 and "Traceback" not in err
    assert "survey.csv" in err and "'csat_decision'" in err and "'very good'" in err and "rows 7" in err
    assert len(err.strip().splitlines()) == 1


def test_duplicate_respondent_ids(tiny, capsys):
    path, folder = tiny
    _edit_survey(folder, rid=(5, "R001"))
    code, _, err = _validate(path, capsys, "--quarter", "2026Q3")
    assert code == 1 and "duplicate respondent ids 'R001'" in err and "rows 1, 6" in err


def test_missing_id_column(tiny, capsys):
    path, folder = tiny
    SURVEY.drop(columns="rid").to_csv(folder / "q3" / "survey.csv", index=False)
    code, _, err = _validate(path, capsys, "--quarter", "2026Q3")
    assert code == 1 and "survey.csv" in err and "'rid'" in err and "not found" in err


def test_missing_mapped_column_names_study_key(tiny, capsys):
    path, folder = tiny
    SURVEY.drop(columns="ces_decision").to_csv(folder / "q3" / "survey.csv", index=False)
    code, _, err = _validate(path, capsys, "--quarter", "2026Q3")
    assert code == 1 and "'ces_decision' (study key 'survey.ces.decision')" in err


def test_empty_and_binary_survey_files(tiny, capsys):
    path, folder = tiny
    (folder / "q3" / "survey.csv").write_bytes(b"")
    code, _, err = _validate(path, capsys, "--quarter", "2026Q3")
    assert code == 1 and "survey.csv" in err and "Traceback" not in err
    (folder / "q3" / "survey.csv").write_bytes(bytes(range(256)) * 20)
    code, _, err = _validate(path, capsys, "--quarter", "2026Q3")
    assert code == 1 and "survey.csv" in err and "Traceback" not in err


def test_header_only_survey(tiny, capsys):
    path, folder = tiny
    SURVEY.head(0).to_csv(folder / "q3" / "survey.csv", index=False)
    code, _, err = _validate(path, capsys, "--quarter", "2026Q3")
    assert code == 1 and "survey.csv" in err


def test_unknown_stage_in_study_yaml(tiny, capsys):
    path, _ = tiny
    path.write_text(STUDY.replace("csat: {decision:", "csat: {decison:"), encoding="utf-8")
    code, _, err = _validate(path, capsys)
    assert code == 1 and str(path) in err and "survey.csat" in err and "'decison'" in err


def test_unknown_touchpoint_in_study_yaml(tiny, capsys):
    path, _ = tiny
    path.write_text(STUDY.replace("{checkout: tp_checkout}", "{chekout: tp_checkout}"), encoding="utf-8")
    code, _, err = _validate(path, capsys)
    assert code == 1 and "survey.touchpoint_ratings" in err and "'chekout'" in err


def test_unknown_stage_in_interviews(tiny, capsys):
    path, folder = tiny
    pd.DataFrame({"participant": ["p1"], "stage": ["checkout-ish"], "touchpoint": ["checkout"],
                  "text": ["hm"]}).to_csv(folder / "q3" / "interviews.csv", index=False)
    code, _, err = _validate(path, capsys, "--quarter", "2026Q3")
    assert code == 1 and "interviews.csv" in err and "'stage'" in err and "'checkout-ish'" in err


def test_timezone_key(tiny):
    path, _ = tiny
    assert cjm.load_study(path).config.timezone == "UTC"
    path.write_text(STUDY + "timezone: Asia/Jakarta\n", encoding="utf-8")
    assert cjm.load_study(path).config.timezone == "Asia/Jakarta"
    path.write_text(STUDY + "timezone: Mars/Olympus\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="key 'timezone'.*'Mars/Olympus'"):
        cjm.load_study(path)


def test_redact_names_key(tiny):
    path, _ = tiny
    assert cjm.load_study(path).config.redact_names == []
    path.write_text(STUDY + "redact_names: [Rina Kusuma, ' Budi ']\n", encoding="utf-8")
    assert cjm.load_study(path).config.redact_names == ["Rina Kusuma", "Budi"]
    path.write_text(STUDY + "redact_names: Rina\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="key 'redact_names' must be a list"):
        cjm.load_study(path)


def test_unknown_quarter_on_the_command_line(tiny, capsys):
    path, _ = tiny
    code, _, err = _validate(path, capsys, "--quarter", "2027Q1")
    assert code == 1 and "no quarter '2027Q1'" in err


def test_missing_study_file(tmp_path, capsys):
    code, _, err = _validate(tmp_path / "nope.yml", capsys)
    assert code == 1 and "nope.yml: file not found" in err


def test_framework_file_with_unknown_stage(tmp_path, capsys):
    (tmp_path / "fw.yml").write_text(textwrap.dedent("""\
        stages: [awareness, decision]
        touchpoints:
          - {id: checkout, stage: purchase, channel: web}
        """), encoding="utf-8")
    (tmp_path / "study.yml").write_text("framework: fw.yml\nquarters: {2026Q3: {survey: s.csv}}\n")
    code, _, err = _validate(tmp_path / "study.yml", capsys)
    assert code == 1 and "fw.yml" in err and "touchpoints[0] (checkout).stage" in err


def test_survey_errors_are_data_errors(tiny):
    path, folder = tiny
    _edit_survey(folder, nps=(2, "ten"))
    with pytest.raises(DataError, match="'nps' must hold numbers on 0..10"):
        cjm.load_study(path).survey


def test_birth_years_are_judged_against_the_surveys_year_not_today():
    from cjm_research.core.quality import clean_survey
    from cjm_research.study.load import SurveyColumns

    from cjm_research.core.quality import QualityRules

    class Config:
        survey = SurveyColumns(persona_features={"numeric": ["birth_year"]})
        quality = QualityRules(age_range=(14, 100))   # a study of teenagers and adults

    raw = pd.DataFrame({"respondent_id": ["a", "b", "c"], "birth_year": [1980, 2010, 2020]})
    in_2026, found = clean_survey(raw, Config(), year=2026)
    assert in_2026["birth_year"].isna().tolist() == [False, False, True]  # 2020: six years old
    assert any("1926..2012" in f["detail"] for f in found)
    in_2020, _ = clean_survey(raw, Config(), year=2020)  # an old quarter re-run today
    assert in_2020["birth_year"].isna().tolist() == [False, True, True]
