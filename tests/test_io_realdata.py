"""The readers on the real third-party files in ../shared/data, checked against independent counts.

The SmSA TSVs (indonesian_sentiment/) are sentiment data, not surveys, and the event logs belong
to the events reader, so neither is read here.
"""

from __future__ import annotations

import csv
import datetime as dt
import re

import pandas as pd
import pyreadstat
import pytest

import cjm_research as cjm

pytestmark = pytest.mark.realdata


def test_marketing_campaign_tab_separated(shared_data):
    path = shared_data / "marketing_campaign" / "marketing_campaign.csv"
    lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    header, rows = lines[0].split("\t"), [l.split("\t") for l in lines[1:]]
    df = cjm.read_survey(path, id_columns=None)
    assert df.shape == (len(rows), len(header)) == (2240, 29)
    assert df.attrs["delimiter"] == "\t" and list(df.columns) == header
    assert df["ID"].astype(str).tolist() == [r[0] for r in rows]
    assert df["Income"].isna().sum() == sum(r[4] == "" for r in rows)
    expected = [dt.datetime.strptime(r[7], "%d-%m-%Y") for r in rows]
    assert df["Dt_Customer"].tolist() == expected
    assert "parsed 'Dt_Customer' as dd-mm-yyyy" in df.attrs["reader_notes"]


def test_marketing_campaign_ids_as_text_when_named(shared_data):
    df = cjm.read_survey(shared_data / "marketing_campaign" / "marketing_campaign.csv", id_columns=["ID"])
    assert df["ID"].iloc[:3].tolist() == ["5524", "2174", "4141"]


def raw_qualtrics(path):
    """Independent count: header rows, column ids and non-preview responses, with the csv module."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    n_header = 3 if rows[2][0].startswith('{"ImportId"') else 2
    names = rows[1] if n_header == 2 else rows[0]  # legacy ids are V1..Vn; row 2 names them
    status = names.index("Status")
    channel = names.index("DistributionChannel") if "DistributionChannel" in names else None
    kept = [r for r in rows[n_header:]
            if r[status] not in ("Survey Preview", "1") and (channel is None or r[channel] != "preview")]
    return rows, n_header, [n for n in names if n], kept


@pytest.mark.parametrize("name", ["qualtRics_sample.csv", "qualtRics_sample_legacy.csv",
                                  "impressive_climate_qualtrics.csv"])
def test_qualtrics_exports(shared_data, name):
    path = shared_data / "qualtrics" / name
    rows, n_header, names, kept = raw_qualtrics(path)
    df = cjm.read_survey(path)
    assert df.attrs["reader"] == "qualtrics"
    assert df.shape == (len(kept), len(names))
    id_col = "ResponseId" if "ResponseId" in df.columns else "ResponseID"
    assert df[id_col].tolist() == [r[names.index(id_col)] for r in kept]
    texts = rows[1]
    assert all(df.attrs["descriptions"][c] == texts[i].strip() for i, c in enumerate(df.columns) if texts[i].strip())


def test_impressive_climate_multiline_question_text(shared_data):
    df = cjm.read_survey(shared_data / "qualtrics" / "impressive_climate_qualtrics.csv")
    assert len(df) == 452
    consent = df.attrs["descriptions"]["Consent"]
    assert consent.startswith("We invite you to participate") and consent.count("\n") >= 10
    assert df["Competence_1"].dtype == "int64"


def test_legacy_export_bom_and_trailing_commas(shared_data):
    df = cjm.read_survey(shared_data / "qualtrics" / "qualtRics_sample_legacy.csv")
    assert df.columns[0] == "ResponseID" and not any(c.startswith(("\ufeff", "column_")) for c in df.columns)
    assert any("trailing delimiters" in n for n in df.attrs["reader_notes"])


def test_pallant_spss_value_labels(shared_data):
    path = shared_data / "spss" / "pallant_survey.sav"
    codes, meta = pyreadstat.read_sav(str(path))
    df = cjm.read_survey(path)
    assert df.shape == codes.shape == (439, 135)
    labels = meta.variable_value_labels
    for col in ("sex", "marital", "educ", "agegp3"):
        assert isinstance(df[col].dtype, pd.CategoricalDtype)
        assert df[col].astype(object).where(df[col].notna(), None).tolist() == \
            [labels[col].get(v) for v in codes[col]]
    assert df.attrs["value_labels"]["sex"] == {1.0: "MALES", 2.0: "FEMALES"}
    assert df.attrs["descriptions"]["op1"] == "In uncertain times I usually expect the best"


LABEL = re.compile(r"^\s*(interview\w*(?:\s*\d)*|unknown speaker)\s*:?", re.IGNORECASE)


def independent_turns(path):
    """Speaker changes counted from lines that start with an interview label, written differently
    from the reader: no markdown, names or roles, only the label text with spaces removed."""
    labels = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = LABEL.match(line)
        if m and (":" in line[:40] or line.strip() == m.group(0).strip()):
            labels.append(re.sub(r"\s+", "", m.group(1)).lower())
    return sum(1 for i, lab in enumerate(labels) if i == 0 or lab != labels[i - 1])


def transcripts(shared_data):
    return sorted((shared_data / "interview_transcripts" / "practitioner_interviews").glob("*.txt"))


def test_all_36_practitioner_transcripts(shared_data):
    files = transcripts(shared_data)
    assert len(files) == 36
    for path in files:
        df = cjm.read_transcript(path)
        assert set(df["role"]) == {"interviewer", "participant"}, path.name
        assert df["turn"].tolist() == list(range(1, len(df) + 1))
        expected = independent_turns(path)
        assert abs(len(df) - expected) <= max(2, 0.03 * expected), (path.name, len(df), expected)
        assert df["text"].str.len().gt(0).all()


def test_transcripts_keep_nearly_all_words(shared_data):
    # continuation lines must join the previous turn, not vanish
    for path in transcripts(shared_data):
        raw = path.read_text(encoding="utf-8")
        labels = re.compile(LABEL.pattern, re.IGNORECASE | re.MULTILINE).finditer(raw)
        words = len(re.findall(r"\w+", raw)) - sum(len(re.findall(r"\w+", m.group(0))) for m in labels)
        got = cjm.read_transcript(path)["text"].str.count(r"\w+").sum()
        assert got >= 0.99 * words - 5, (path.name, got, words)


def test_french_transcript(shared_data):
    df = cjm.read_transcript(shared_data / "interview_transcripts" / "practitioner_interviews" / "Interview 2.txt")
    assert df["text"].str.contains("é").any()
    assert df.loc[df["role"] == "participant", "text"].iloc[0].startswith("Oui")
