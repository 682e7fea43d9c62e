"""read_excerpts: the standard coded-excerpt frame from CSV/Excel exports, and its errors."""

from __future__ import annotations

import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.core.errors import DataError, ParameterError
from cjm_research.io import EXCERPT_COLUMNS

CSV = """Quote ID,Respondent,Stage,Touchpoint,Quote,Pain Point,Emotion,Sentiment,Coder
E1,P01,decision,payment,"Payment failed, twice.",payment_failure,frustrated,-0.8,ana
E2,P02,awareness,ad,Saw the ad on Instagram,,curious,0.3,ana
E3,P01,decision,checkout,  ,,,,budi
"""


def test_none_gives_empty_standard_frame():
    df = cjm.read_excerpts(None)
    assert list(df.columns) == EXCERPT_COLUMNS and len(df) == 0
    assert df["emotion_score"].dtype == "float64"


def test_aliases_mapping_and_missing_optional_columns(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(CSV, encoding="utf-8")
    df = cjm.read_excerpts(path, columns={"excerpt_id": "Quote ID"})
    assert list(df.columns) == EXCERPT_COLUMNS
    assert df["excerpt_id"].tolist() == ["E1", "E2", "E3"]
    assert df["participant"].tolist() == ["P01", "P02", "P01"]
    assert df["text"].tolist()[:2] == ["Payment failed, twice.", "Saw the ad on Instagram"]
    assert df["text"].isna().tolist() == [False, False, True]
    assert df["pain_point"].isna().tolist() == [False, True, True]
    assert df["emotion_score"].tolist()[:2] == [-0.8, 0.3] and pd.isna(df["emotion_score"].iloc[2])
    assert df[["customer_id", "channel", "language", "gain"]].isna().all().all()
    assert df.attrs["ignored_columns"] == ["Coder"]


def test_excel_export_with_explicit_mapping(tmp_path):
    path = tmp_path / "codes.xlsx"
    pd.DataFrame({"Document": ["P1", "P2"], "Segment text": ["ok", "slow app"],
                  "cust": ["1234567890123456789", "42"]}).to_excel(path, index=False)
    df = cjm.read_excerpts(path, columns={"participant": "Document", "text": "Segment text",
                                          "customer_id": "cust"})
    assert df["customer_id"].tolist() == ["1234567890123456789", "42"]
    assert df["text"].tolist() == ["ok", "slow app"]


def test_score_out_of_range_names_rows(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("participant,text,emotion_score\nP1,a,0.5\nP2,b,3\nP3,c,-2\n")
    with pytest.raises(DataError, match=r"codes\.csv, column 'emotion_score'.*3\.0, -2\.0 at file rows 3, 4"):
        cjm.read_excerpts(path)


def test_score_not_a_number(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("participant,text,emotion_score\nP1,a,high\nP2,b,0.1\n")
    with pytest.raises(DataError, match=r"'high' at file rows 2"):
        cjm.read_excerpts(path)


def test_missing_text_column_names_file_and_columns(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("participant,stage\nP1,decision\n")
    with pytest.raises(DataError, match=r"codes\.csv: .*\['text'\].*\['participant', 'stage'\]"):
        cjm.read_excerpts(path)


def test_mapped_column_absent_and_unknown_key(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("participant,text\nP1,a\n")
    with pytest.raises(DataError, match="'Speaker' not found"):
        cjm.read_excerpts(path, columns={"participant": "Speaker"})
    with pytest.raises(ParameterError, match="standard excerpt columns"):
        cjm.read_excerpts(path, columns={"quote": "text"})


@pytest.mark.parametrize("name, content, message", [
    ("e.csv", b"", "empty"), ("e.csv", b"participant,text\n", "no data rows"),
    ("e.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"), ("e.pdf", b"%PDF", "unsupported"),
])
def test_bad_excerpt_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        cjm.read_excerpts(path)
