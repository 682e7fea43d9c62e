"""read_survey on synthetic CSV/TSV/Excel files: encodings, delimiters, exact ids, dates, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.core.errors import DataError
from cjm_research.io.tables import sniff_delimiter


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_utf8_bom_is_not_part_of_first_column(tmp_path):
    path = write(tmp_path, "bom.csv", "\ufeffid,name\n1,Zoë\n2,Ana\n")
    df = cjm.read_survey(path)
    assert list(df.columns) == ["id", "name"]
    assert df["name"].tolist() == ["Zoë", "Ana"]
    assert df.attrs["encoding"] == "utf-8-sig" and df.attrs["reader"] == "csv"


def test_latin1_accented_names_with_semicolons(tmp_path):
    names = ["José", "François", "Müller", "Ångström"]
    text = "name;city\n" + "".join(f"{n};Málaga\n" for n in names)
    df = cjm.read_survey(write(tmp_path, "latin.csv", text, "latin-1"))
    assert df["name"].tolist() == names
    assert set(df["city"]) == {"Málaga"}
    assert df.attrs["delimiter"] == ";" and df.attrs["encoding"] in ("cp1252", "latin-1")


def test_crlf_line_endings_leave_no_carriage_returns(tmp_path):
    df = cjm.read_survey(write(tmp_path, "crlf.csv", "a,b\r\n1,x\r\n2,y\r\n"))
    assert df["b"].tolist() == ["x", "y"]
    assert df["a"].tolist() == [1, 2]


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delim):
    rows = [["id", "q1", "comment"], ["1", "5", "good"], ["2", "3", "slow, but fine"]]
    text = "\n".join(delim.join(f'"{c}"' if "," in c else c for c in r) for r in rows) + "\n"
    df = cjm.read_survey(write(tmp_path, "d.txt", text))
    assert df.shape == (2, 3)
    assert df.loc[1, "comment"] == "slow, but fine"


def test_sniffer_ignores_delimiters_inside_quotes():
    assert sniff_delimiter('a,b\n"x;y;z",1\n"p;q;r",2\n') == ","


def test_decimal_commas_in_semicolon_file(tmp_path):
    df = cjm.read_survey(write(tmp_path, "dec.csv", "score;w\n3,5;1\n4;2\n"))
    assert df["score"].tolist() == [3.5, 4.0]
    assert any("decimal commas" in n for n in df.attrs["reader_notes"])


def test_19_digit_ids_stay_exact_without_being_named(tmp_path):
    ids = ["1234567890123456789", "9223372036854775807", "9007199254740993"]
    text = "customer_id,n\n" + "".join(f"{i},{k}\n" for k, i in enumerate(ids))
    df = cjm.read_survey(write(tmp_path, "ids.csv", text))
    assert df["customer_id"].tolist() == ids
    assert pd.api.types.is_string_dtype(df["customer_id"])
    assert df["n"].dtype == np.int64
    assert any("2**53" in n for n in df.attrs["reader_notes"])


def test_named_id_columns_and_leading_zeros_stay_text(tmp_path):
    text = "respondent_id,zip,age\n7,01234,30\n8,20500,\n"
    df = cjm.read_survey(write(tmp_path, "z.csv", text), id_columns=["respondent_id"])
    assert df["respondent_id"].tolist() == ["7", "8"]
    assert df["zip"].tolist() == ["01234", "20500"]
    assert str(df["age"].dtype) == "Int64" and df["age"].isna().tolist() == [False, True]


def test_missing_id_column_names_file_and_columns(tmp_path):
    path = write(tmp_path, "s.csv", "a,b\n1,2\n")
    with pytest.raises(DataError, match=r"s\.csv.*'respondent_id'.*\['a', 'b'\]"):
        cjm.read_survey(path, id_columns=["respondent_id"])


def test_day_first_dates_detected_and_iso_dates_parsed(tmp_path):
    text = "d,iso,amb\n04-09-2012,2024-01-31,01-02-2020\n21-08-2013,2024-02-01 10:30:00,03-04-2021\n"
    df = cjm.read_survey(write(tmp_path, "dates.csv", text))
    assert df["d"].tolist() == [pd.Timestamp(2012, 9, 4), pd.Timestamp(2013, 8, 21)]
    assert df["iso"].tolist() == [pd.Timestamp(2024, 1, 31), pd.Timestamp(2024, 2, 1, 10, 30)]
    assert df["amb"].tolist() == [pd.Timestamp(2020, 2, 1), pd.Timestamp(2021, 4, 3)]
    notes = df.attrs["reader_notes"]
    assert "parsed 'd' as dd-mm-yyyy" in notes and any("ambiguous" in n for n in notes)


def test_dayfirst_false_and_month_first_detection(tmp_path):
    path = write(tmp_path, "us.csv", "amb,us\n01/02/2020,12/31/2020\n03/04/2021,01/15/2021\n")
    df = cjm.read_survey(path, dayfirst=False)
    assert df["amb"].tolist() == [pd.Timestamp(2020, 1, 2), pd.Timestamp(2021, 3, 4)]
    assert df["us"].tolist() == [pd.Timestamp(2020, 12, 31), pd.Timestamp(2021, 1, 15)]


def test_mixed_utc_offsets_become_utc(tmp_path):
    path = write(tmp_path, "tz.csv", "t\n2024-03-01T10:00:00+01:00\n2024-07-01T10:00:00+02:00\n")
    df = cjm.read_survey(path)
    assert df["t"].dt.tz is not None
    assert df["t"].dt.hour.tolist() == [9, 8]


def test_trailing_delimiters_in_data_rows_only(tmp_path):
    df = cjm.read_survey(write(tmp_path, "t.csv", "a;b\n1;x;\n2;y;;\n"))
    assert df.shape == (2, 2) and df["b"].tolist() == ["x", "y"]
    assert any("trailing delimiters" in n for n in df.attrs["reader_notes"])


def test_unknown_reader_option_is_a_parameter_error(tmp_path):
    with pytest.raises(cjm.ParameterError, match="invalid reader option"):
        cjm.read_survey(write(tmp_path, "o.csv", "a\n1\n"), bogus=1)


def test_repeated_column_ids_renamed_and_reported(tmp_path):
    df = cjm.read_survey(write(tmp_path, "dup.csv", "Q5,Q5,Q6\n1,2,3\n"))
    assert list(df.columns) == ["Q5", "Q5_2", "Q6"]
    assert "repeated column id 'Q5' renamed Q5_2" in df.attrs["reader_notes"]


def make_workbook(path):
    df = pd.DataFrame({"customer_id": ["1234567890123456789", "0000000000000000042"],
                       "joined": pd.to_datetime(["2024-01-02", "2024-02-03"]),
                       "nps": [9, 3], "spend": [10.5, None]})
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"x": [1]}).to_excel(xl, sheet_name="notes", index=False)
        df.to_excel(xl, sheet_name="responses", index=False)
    return df


def test_excel_sheet_types_and_exact_ids(tmp_path):
    path = tmp_path / "s.xlsx"
    expected = make_workbook(path)
    df = cjm.read_survey(path, sheet="responses")
    assert df.attrs["reader"] == "excel"
    assert df["customer_id"].tolist() == expected["customer_id"].tolist()
    assert df["joined"].tolist() == expected["joined"].tolist()
    assert df["nps"].tolist() == [9, 3] and df["spend"].isna().tolist() == [False, True]
    assert cjm.read_survey(path).columns.tolist() == ["x"]  # first sheet by default
    assert cjm.read_survey(path, sheet=1).shape == (2, 4)


@pytest.mark.parametrize("sheet", ["missing", 5])
def test_excel_sheet_that_does_not_exist(tmp_path, sheet):
    path = tmp_path / "s.xlsx"
    make_workbook(path)
    with pytest.raises(DataError, match=r"s\.xlsx: no sheet .*\['notes', 'responses'\]"):
        cjm.read_survey(path, sheet=sheet)


def test_workbook_renamed_csv_is_read_by_content(tmp_path):
    make_workbook(tmp_path / "s.xlsx")
    (tmp_path / "s.csv").write_bytes((tmp_path / "s.xlsx").read_bytes())
    assert cjm.read_survey(tmp_path / "s.csv").attrs["reader"] == "excel"


BAD_FILES = {
    "empty.csv": (b"", "empty"),
    "blank.csv": (b"\n\n  \n", "empty"),
    "header.csv": (b"id,nps\n", "no data rows"),
    "junk.csv": (np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes(), "binary"),
    "image.csv": (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
    "survey.json": (b'{"a": 1}', "unsupported file extension '.json'"),
    "text.xlsx": (b"a,b\n1,2\n", "not an Excel workbook"),
    "broken.xlsx": (b"PK\x03\x04garbage", "not a readable Excel"),
    "broken.sav": (b"$FL2" + bytes(300), "pyreadstat cannot read"),
    "text.sav": (b"a,b\n1,2\n", "pyreadstat cannot read"),
    "ragged.csv": (b"a,b\n1,2\n3,4,5,6\n", "line.s. 3 have more cells than the 2 column names"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_gives_one_data_error_naming_the_file(tmp_path, name):
    content, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as info:
        cjm.read_survey(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_file_not_found(tmp_path):
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        cjm.read_survey(tmp_path / "nope.csv")


def test_utf16_text_with_bom(tmp_path):
    df = cjm.read_survey(write(tmp_path, "u16.txt", "name\tscore\nZoë\t4\n", "utf-16"))
    assert df["name"].tolist() == ["Zoë"] and df["score"].tolist() == [4]


def test_excel_header_only_is_an_error(tmp_path):
    path = tmp_path / "h.xlsx"
    pd.DataFrame(columns=["id", "nps"]).to_excel(path, index=False)
    with pytest.raises(DataError, match=r"h\.xlsx: has header row\(s\) but no data rows"):
        cjm.read_survey(path)


def test_zsav_compressed_spss(tmp_path):
    import pyreadstat

    path = tmp_path / "s.zsav"
    pyreadstat.write_sav(pd.DataFrame({"sex": [1.0, 2.0]}), str(path), compress=True,
                         variable_value_labels={"sex": {1: "m", 2: "f"}})
    assert cjm.read_survey(path)["sex"].tolist() == ["m", "f"]


def test_load_event_frame_is_exported_lazily():
    from cjm_research import io

    raw = pd.DataFrame({"c": ["1"], "t": ["2024-01-01T00:00:00Z"], "e": ["purchase"]})
    frame = io.load_event_frame(raw, customer="c", timestamp="t", event="e")
    assert frame["customer"].tolist() == ["1"] and str(frame["timestamp"].dt.tz) == "UTC"


def test_thousands_separators_in_a_tsv_are_not_decimal_commas(tmp_path):
    # A TSV export of amounts: "1,250" is one thousand two hundred and fifty, not 1.25
    text = "id\tspend\tincome\n1\t1,250\t58,138\n2\t980\t46,344\n3\t12,500\t71,613\n4\t3,400\t1,026,000\n"
    df = cjm.read_survey(write(tmp_path, "amounts.tsv", text))
    assert df["spend"].tolist() == [1250, 980, 12500, 3400]
    assert df["income"].tolist() == [58138, 46344, 71613, 1026000]
    assert any("thousands separators" in n and "'spend'" in n for n in df.attrs["reader_notes"])


def test_comma_groups_with_a_dot_decimal_are_thousands(tmp_path):
    text = "id;amount\n1;1,250.50\n2;980.25\n3;2,000.00\n"
    df = cjm.read_survey(write(tmp_path, "dots.csv", text))
    assert df["amount"].tolist() == [1250.5, 980.25, 2000.0]


def test_decimal_commas_stay_decimal_when_the_values_say_so(tmp_path):
    # "2,5" has one digit after the comma: a decimal comma; so is "1,250" in the same column
    text = "id\tscore\n1\t2,5\n2\t1,250\n3\t3,75\n"
    df = cjm.read_survey(write(tmp_path, "scores.tsv", text))
    assert df["score"].tolist() == [2.5, 1.25, 3.75]
    # values below 1 written "0,873" are decimal too (a thousands group never starts a number with 0)
    df = cjm.read_survey(write(tmp_path, "w.tsv", "id\tw\n1\t0,873\n2\t1,125\n"))
    assert df["w"].tolist() == [0.873, 1.125]


def test_quoted_thousands_in_a_comma_csv_become_numbers(tmp_path):
    text = 'id,income\n1,"58,138"\n2,"1,250"\n3,"980"\n'
    df = cjm.read_survey(write(tmp_path, "quoted.csv", text))
    assert df["income"].tolist() == [58138, 1250, 980]
