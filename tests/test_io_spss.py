"""SPSS .sav files: value labels applied, codes kept, variable labels as descriptions."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

import cjm_research as cjm


@pytest.fixture()
def sav(tmp_path):
    df = pd.DataFrame({"id": [1.0, 2.0, 3.0], "sex": [1.0, 2.0, 1.0], "q1": [1.0, 3.0, 5.0]})
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(df, str(path), column_labels=["respondent", "sex", "I like the app"],
                         variable_value_labels={"sex": {1: "male", 2: "female", 3: "other"},
                                                "q1": {1: "disagree", 5: "agree"}})
    return path


def test_value_labels_applied_and_codes_kept(sav):
    df = cjm.read_survey(sav)
    assert df.attrs["reader"] == "spss"
    assert df["sex"].tolist() == ["male", "female", "male"]
    assert df["sex"].cat.categories.tolist() == ["male", "female", "other"]
    assert df.attrs["value_labels"]["sex"] == {1.0: "male", 2.0: "female", 3.0: "other"}


def test_partly_labelled_item_keeps_its_codes(sav):
    df = cjm.read_survey(sav)
    assert df["q1"].tolist() == [1.0, 3.0, 5.0]
    assert any("'q1'" in n and "no value label" in n for n in df.attrs["reader_notes"])


def test_variable_labels_become_descriptions_and_ids_text(sav):
    df = cjm.read_survey(sav, id_columns=["id"])
    assert df.attrs["descriptions"]["q1"] == "I like the app"
    assert df["id"].tolist() == ["1", "2", "3"]
