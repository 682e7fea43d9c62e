"""Qualtrics exports: header rows, question text, previews, repeated ids, multi-select answers."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.io import split_multiselect

IDS = ["StartDate", "Status", "ResponseId", "DistributionChannel", "Q3", "Q4", "Q5", "Q5"]
TEXTS = ["Start Date", "Response Type", "Response ID", "Distribution Channel",
         "Which channels do you use?\nSelect all that apply.", "Pick your stores", "How easy was it?",
         "How easy was it (again)?"]
IMPORT = ['{"ImportId":"%s"}' % i for i in ["startDate", "status", "_recordId", "distributionChannel",
                                            "QID3", "QID4", "QID5", "QID6"]]
RESPONSES = [
    ["2024-01-01 10:00:00", "IP Address", "R_1", "anonymous", "Email,Phone", "1,3", "5", "4"],
    ["2024-01-01 11:00:00", "Survey Preview", "R_2", "preview", "Email", "2", "1", "1"],
    ["2024-01-02 09:00:00", "IP Address", "R_3", "anonymous", "", "2", "4", "4"],
    ["2024-01-02 09:30:00", "IP Address", "R_4", "preview", "App, Email", "1", "3", "2"],
    ["2024-01-03 12:00:00", "IP Address", "R_5", "anonymous", "Phone", "", "2", "5"],
]


@pytest.fixture()
def export(tmp_path):
    path = tmp_path / "qualtrics.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows([IDS, TEXTS, IMPORT, *RESPONSES])
    return path


def test_three_header_rows_and_previews_dropped(export):
    df = cjm.read_survey(export)
    assert df.attrs["reader"] == "qualtrics"
    kept = [r[2] for r in RESPONSES if r[1] != "Survey Preview" and r[3] != "preview"]
    assert df["ResponseId"].tolist() == kept == ["R_1", "R_3", "R_5"]
    assert "dropped 2 preview/test response(s)" in df.attrs["reader_notes"]
    assert df["StartDate"].dtype.kind == "M"


def test_multiline_question_text_kept_as_descriptions(export):
    d = cjm.read_survey(export).attrs["descriptions"]
    assert d["Q3"] == "Which channels do you use?\nSelect all that apply."
    assert d["Q5_2"] == "How easy was it (again)?"


def test_repeated_column_id_reported_and_made_unique(export):
    df = cjm.read_survey(export)
    assert "repeated column id 'Q5' renamed Q5_2" in df.attrs["reader_notes"]
    assert df["Q5"].tolist() == [5, 4, 2] and df["Q5_2"].tolist() == [4, 4, 5]


def test_multiselect_answers_split(export):
    df = cjm.read_survey(export)
    assert df.attrs["multiselect"] == {"Q3": ["Q3_Email", "Q3_Phone"], "Q4": ["Q4_1", "Q4_2", "Q4_3"]}
    assert df["Q3_Email"].tolist() == [True, pd.NA, False]
    assert df["Q3_Phone"].tolist() == [True, pd.NA, True]
    assert df["Q4_1"].tolist() == [True, False, pd.NA] and df["Q4_3"].tolist() == [True, False, pd.NA]
    assert df["Q3"].tolist()[0] == "Email,Phone"  # the raw answer stays
    assert df.attrs["descriptions"]["Q4_2"] == "Pick your stores - 2"


def test_legacy_two_row_export_with_trailing_commas(tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_text("V1,V2,V3,Q1,\nResponseID,ResponseSet,Status,Age?,\nR_1,Default,0,31,\n"
                    "R_2,Default,1,40,\nR_3,Default,0,25,\n", encoding="utf-8-sig")
    df = cjm.read_survey(path)
    assert list(df.columns) == ["ResponseID", "ResponseSet", "Status", "Q1"]
    assert df["ResponseID"].tolist() == ["R_1", "R_3"]  # Status 1 = Survey Preview
    assert df.attrs["descriptions"]["Q1"] == "Age?"


def test_plain_csv_is_not_taken_for_qualtrics(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("ResponseId,Q1\nR_1,5\nR_2,4\n")
    assert cjm.read_survey(path).attrs["reader"] == "csv"
    with pytest.raises(cjm.DataError, match="not those of a Qualtrics export"):
        cjm.read_survey(path, qualtrics=True)


def test_split_multiselect_matches_hand_made_one_hot():
    s = pd.Series(["web; app", "store", None, "app"], name="ch")
    got = split_multiselect(s, sep=";")
    assert list(got.columns) == ["ch_app", "ch_store", "ch_web"]
    assert got.astype("string").fillna("NA").values.tolist() == [
        ["True", "False", "True"], ["False", "True", "False"], ["NA", "NA", "NA"],
        ["True", "False", "False"]]
