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


# ---------------------------------------------------------------- outcome, weights, quality rules
def _with(folder, extra: str, survey: pd.DataFrame | None = None) -> None:
    (folder / "study.yml").write_text(STUDY + textwrap.dedent(extra), encoding="utf-8")
    if survey is not None:
        survey.to_csv(folder / "q3" / "survey.csv", index=False)


def _labelled(values):
    return SURVEY.assign(sat=values)


LABELS = ["satisfied", "neutral or dissatisfied"] * 6


def test_text_outcome_becomes_0_1_aligned_with_the_survey(tiny):
    path, folder = tiny
    _with(folder, """\
        outcome: {column: sat, kind: labels, positive: [satisfied],
                  negative: [neutral or dissatisfied], label: Satisfied}
        """, _labelled(LABELS[:11] + [None]))
    study = cjm.load_study(path)
    outcome = study.outcome
    assert outcome.values.index.equals(study.survey.index)
    assert outcome.values.tolist()[:4] == [1.0, 0.0, 1.0, 0.0] and pd.isna(outcome.values.iloc[-1])
    assert outcome.label == "Satisfied" and "1 = 'satisfied'" in outcome.spec.describe()


def test_unknown_text_outcome_value_names_the_values_and_rows(tiny, capsys):
    path, folder = tiny
    _with(folder, """\
        outcome: {column: sat, kind: labels, positive: [satisfied], negative: [neutral or dissatisfied]}
        """, _labelled(LABELS[:4] + ["Satisfied!"] + LABELS[5:9] + ["meh"] + LABELS[10:]))
    code, _, err = _validate(path, capsys, "--quarter", "2026Q3")
    assert code == 1 and "Traceback" not in err
    assert "'sat'" in err and "'Satisfied!'" in err and "'meh'" in err and "rows 5, 10" in err
    assert "'satisfied'" in err and "'neutral or dissatisfied'" in err  # the values it expected


def test_binary_and_scale_outcomes(tiny):
    path, folder = tiny
    _with(folder, "outcome: {column: back, kind: binary, positive: [0]}\n",
          SURVEY.assign(back=[1, 0] * 6))
    assert cjm.load_study(path).outcome.values.tolist()[:2] == [0.0, 1.0]   # positive: [0] flips
    _with(folder, "outcome: {column: intent, kind: scale, scale: [1, 5], positive: [4, 5]}\n",
          SURVEY.assign(intent=[5, 4, 3, 2, 1, 9] * 2))
    study = cjm.load_study(path)
    assert study.outcome.values.tolist()[:5] == [5, 4, 3, 2, 1] and pd.isna(study.outcome.values.iloc[5])
    assert study.outcome.positive.tolist()[:5] == [1.0, 1.0, 0.0, 0.0, 0.0]
    summary = study.quality()
    row = summary[(summary["column"] == "intent") & (summary["check"] == "out of range")]
    assert row["count"].item() == 2 and "9" in row["detail"].item() and "np." not in row["detail"].item()


@pytest.mark.parametrize("outcome, message", [
    ("{column: sat, kind: label}", "'outcome.kind' must be one of ['binary', 'labels', 'scale']"),
    ("{column: sat, kind: labels, positive: [satisfied]}", "'outcome.negative' must list"),
    ("{kind: binary}", "'outcome.column' is missing"),
    ("{column: s, kind: scale, scale: [5, 1]}", "'outcome.scale' must be [low, high]"),
    ("{column: s, kind: binary, colour: red}", "unknown entries 'colour'"),
])
def test_bad_outcome_keys_name_the_key(tiny, outcome, message):
    path, folder = tiny
    _with(folder, f"outcome: {outcome}\n")
    with pytest.raises(ConfigError) as err:
        cjm.load_study(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_missing_outcome_column_names_the_study_key(tiny):
    path, folder = tiny
    _with(folder, "outcome: {column: overall, kind: binary}\n")
    with pytest.raises(DataError, match="'overall' \\(study key 'outcome.column'\\)"):
        cjm.load_study(path).survey


def test_weights_are_parsed_and_checked(tiny):
    path, folder = tiny
    survey = SURVEY.assign(w=[1.5, 0.5] * 6)
    _with(folder, "", survey)
    text = (folder / "study.yml").read_text().replace("  free_text: [feedback]\n",
                                                       "  free_text: [feedback]\n  weights: w\n")
    (folder / "study.yml").write_text(text)
    study = cjm.load_study(path)
    assert study.weights.tolist() == [1.5, 0.5] * 6 and study.columns.weights == "w"
    survey.loc[3, "w"] = -1
    survey.to_csv(folder / "q3" / "survey.csv", index=False)
    with pytest.raises(DataError, match="'w' \\(study key 'survey.weights'\\) must hold weights >= 0.*rows 4"):
        cjm.load_study(path).survey


def test_quality_block_sets_the_age_range_and_every_rule_is_listed_plainly(tiny):
    path, folder = tiny
    study = cjm.load_study(path)          # default: 0..120, the child (8) is kept and counted
    summary = study.quality()
    young = summary[summary["check"] == "young respondents"]
    assert young["count"].item() == 1 and "8" in young["detail"].item()
    rules = summary[summary["check"] == "rule"]
    assert rules["detail"].str.contains("age outside 0..120").any()
    assert rules["detail"].str.contains("scales").any() and rules["detail"].str.contains("junk").any()
    assert not summary["detail"].str.contains("np\\.|\\.0\\b", regex=True).any()  # plain values only
    _with(folder, "quality: {age_range: [14, 99], junk_values: [Medan]}\n")
    study = cjm.load_study(path)
    assert pd.isna(study.survey.loc[4, "age"])
    city = study.survey["city"]   # the study's junk list replaces the default one
    assert city.isna().sum() == 3 and (city == "YOLO").sum() == 1
    assert study.quality()["detail"].str.contains("age outside 14..99").any()


@pytest.mark.parametrize("block, message", [
    ("{age_range: [99, 14]}", "'quality.age_range' must be [low, high]"),
    ("{age: [0, 99]}", "unknown entries 'age'"),
    ("{min_category_share: 5}", "'quality.min_category_share' must be a fraction"),
])
def test_bad_quality_rules_name_the_key(tiny, block, message):
    path, folder = tiny
    _with(folder, f"quality: {block}\n")
    with pytest.raises(ConfigError, match=message.replace("[", "\\[").replace("]", "\\]")):
        cjm.load_study(path)


def test_rating_scales_can_be_set_per_kind(tiny):
    path, folder = tiny
    text = (folder / "study.yml").read_text().replace("  free_text: [feedback]\n",
                                                       "  free_text: [feedback]\n  scales: {touchpoint: [0, 10]}\n")
    (folder / "study.yml").write_text(text)
    study = cjm.load_study(path)
    assert study.columns.scale("touchpoint") == (0, 10) and study.columns.scale("csat") == (1, 5)
    assert study.survey["tp_checkout"].isna().sum() == 0      # 0 is on a 0..10 scale: an answer
    (folder / "study.yml").write_text(text.replace("[0, 10]", "[10, 0]"))
    with pytest.raises(ConfigError, match="survey.scales.touchpoint"):
        cjm.load_study(path)


def test_not_applicable_codes_can_be_set_in_the_quality_block(tiny):
    path, folder = tiny
    _with(folder, "quality: {not_applicable: [9]}\n")
    study = cjm.load_study(path)
    assert study.columns.not_applicable == [9]
    survey = study.survey
    assert survey["csat_decision"].min() >= 1 and pd.isna(survey.loc[4, "csat_retention"])  # 9 = N/A
    assert (study.quality()["check"] == "not applicable").sum() == 1   # 0 is no longer an N/A code...
    assert survey["tp_checkout"].isna().sum() == 2                     # ...so it is off the 1..5 scale
