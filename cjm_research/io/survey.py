"""``read_survey``: one row per respondent from CSV/TSV, Excel, SPSS or a Qualtrics export.

The kind of file is told by its extension and confirmed by its first bytes; the grid readers are in
:mod:`cjm_research.io.tables`, SPSS in :mod:`~cjm_research.io.spss` and the Qualtrics header rows
in :mod:`~cjm_research.io.qualtrics`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import DataError
from .tables import (check_extension, decode_text, frame_from_grid, infer_types, open_bytes,
                     read_excel_grid, read_grid, sniff_content, sniff_delimiter)


SURVEY_EXTENSIONS = {".csv": "text", ".tsv": "text", ".txt": "text", ".tab": "text", ".dat": "text",
                     ".xlsx": "excel", ".xlsm": "excel", ".sav": "spss", ".zsav": "spss"}
CONTENT_KINDS = {"zip": "excel", "spss": "spss", "text": "text"}


def read_survey(path, *, id_columns=None, sheet=None, delimiter=None, encoding=None, dayfirst=None,
                qualtrics=None, **options) -> pd.DataFrame:
    """Read a survey file (one row per respondent) from CSV/TSV, Excel, SPSS or a Qualtrics export.

    The format comes from the file's content and extension. Text files have their delimiter
    (comma, semicolon, tab, pipe) and encoding (UTF-8 with or without BOM, cp1252/Latin-1)
    sniffed; Qualtrics exports are detected by their header rows.

    Parameters
    ----------
    path : str or Path
    id_columns : list of str, optional
        Columns read as exact text (respondent and customer ids). Integer columns with leading
        zeros or values beyond 2**53 are always kept as text.
    sheet : str or int, optional
        Excel sheet (default: the first).
    delimiter, encoding : str, optional
        Override the sniffed values of a text file.
    dayfirst : bool, optional
        How to read ambiguous ``dd-mm-yyyy`` dates; by default a day above 12 decides, else day-first.
    qualtrics : bool, optional
        Force (True) or disable (False) the Qualtrics rules; by default they are detected.
    **options
        Passed to the underlying parser (``pandas.read_csv``, ``pandas.read_excel`` or
        ``pyreadstat.read_sav``).

    Returns
    -------
    DataFrame
        With ``attrs`` ``source``, ``reader`` (csv, excel, spss, qualtrics), ``descriptions``
        (column -> question text or variable label), ``reader_notes`` (what the reader decided) and,
        by reader, ``encoding``, ``delimiter``, ``value_labels`` or ``multiselect``.

    Examples
    --------
    >>> import cjm_research as cjm
    >>> df = cjm.read_survey("survey.csv", id_columns=["respondent_id"])   # doctest: +SKIP
    >>> df.attrs["reader_notes"]                                          # doctest: +SKIP
    ["parsed 'Dt_Customer' as dd-mm-yyyy"]
    """
    path, data = open_bytes(path, what="survey file")
    kind, notes = _survey_kind(path, data), []
    if kind == "spss":
        from .spss import read_spss

        frame = read_spss(path, notes=notes, **options)
    elif kind == "excel":
        frame = _table_frame(read_excel_grid(path, sheet, **options), path, notes, qualtrics, reader="excel")
    else:
        text, used = decode_text(data, path, encoding)
        delimiter = delimiter or sniff_delimiter(text)
        frame = _table_frame(read_grid(text, delimiter, path, **options), path, notes, qualtrics, reader="csv")
        frame.attrs.update(encoding=used, delimiter=delimiter)
    typed = infer_types(frame, id_columns=list(id_columns or []), dayfirst=dayfirst, notes=notes,
                        decimal_comma=frame.attrs.get("delimiter", ",") != ",", source=path)
    typed.attrs = {**frame.attrs, "source": str(path), "reader_notes": notes}
    typed.attrs.setdefault("descriptions", {})
    return typed


def _survey_kind(path: Path, data: bytes) -> str:
    by_name = check_extension(path, SURVEY_EXTENSIONS, reader="read_survey")
    content = sniff_content(data)
    if content not in CONTENT_KINDS:
        raise DataError(f"{path}: the file is {content}, not a survey table (expected {by_name} content).")
    by_content = CONTENT_KINDS[content]
    if by_name == "spss" or by_content == "spss":
        return "spss"  # pyreadstat gives the precise message when a .sav is damaged
    if by_name == "excel" and by_content == "text":
        raise DataError(f"{path}: is a text file, not an Excel workbook; rename it to .csv.")
    return by_content


def _table_frame(grid, path, notes, qualtrics, *, reader) -> pd.DataFrame:
    from .qualtrics import qualtrics_frame, qualtrics_header_rows

    rows = qualtrics_header_rows(grid) if qualtrics is not False else 0
    if qualtrics and not rows:
        raise DataError(f"{path}: qualtrics=True but the header rows are not those of a Qualtrics export.")
    if rows:
        frame = qualtrics_frame(grid, path, notes, header_rows=rows)
        frame.attrs["reader"] = "qualtrics"
        return frame
    frame = frame_from_grid(grid, path, notes)
    frame.attrs["reader"] = reader
    return frame
