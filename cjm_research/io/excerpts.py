"""Coded interview excerpts: the CSV or Excel export of a qualitative coding tool.

The result always has exactly the standard columns of ``docs/data-model.md``, strings with NA for
missing codes and ``emotion_score`` as a float in -1..1. Stage and touchpoint names are not checked
here: the study's quality step checks them against the journey framework.
"""

from __future__ import annotations

import re

import pandas as pd

from ..core.errors import DataError, ParameterError, preview
from .tables import (decode_text, frame_from_grid, open_bytes, read_excel_grid, read_grid,
                     sniff_content, sniff_delimiter, check_extension)

EXCERPT_COLUMNS = ["excerpt_id", "participant", "customer_id", "stage", "touchpoint", "channel",
                   "language", "text", "pain_point", "gain", "emotion", "emotion_score"]
REQUIRED = ["participant", "text"]
EXTENSIONS = {".csv": "text", ".tsv": "text", ".txt": "text", ".xlsx": "excel", ".xlsm": "excel"}
# Other spellings coding tools use for the standard columns (compared after _key())
ALIASES = {"text": ["excerpt", "quote", "segment", "codedsegment", "content"],
           "participant": ["respondent", "interviewee", "participantid", "documentname", "document"],
           "excerpt_id": ["id", "quoteid", "segmentid"], "emotion_score": ["sentiment", "valence"],
           "pain_point": ["painpoint", "pain"], "customer_id": ["customer"]}


def read_excerpts(path=None, *, columns: dict | None = None, sheet=None) -> pd.DataFrame:
    """Read coded excerpts into the standard excerpt frame.

    Parameters
    ----------
    path : str, Path or None
        A CSV/TSV or Excel export; None gives an empty frame with the standard columns.
    columns : dict, optional
        Standard name -> the file's column name (the study file's ``interviews:`` mapping).
        Unmapped standard names are matched ignoring case, spaces and underscores, and a few
        common spellings (``Quote`` for ``text``, ``Respondent`` for ``participant``).
    sheet : str or int, optional
        Excel sheet (default: the first).

    Returns
    -------
    DataFrame
        Columns ``excerpt_id, participant, customer_id, stage, touchpoint, channel, language, text,
        pain_point, gain, emotion, emotion_score``.

    Examples
    --------
    >>> read_excerpts(None).shape
    (0, 12)
    """
    mapping = _check_mapping(columns)
    if path is None:
        return _standardise(pd.DataFrame(index=range(0)), {}, None)
    raw = _read_raw(path, sheet)
    source = raw.attrs["source"]
    found = _match_columns(raw, mapping, source)
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise DataError(f"{source}: coded excerpts need column(s) {missing}; the file has columns "
                        f"{list(raw.columns)} (map them with columns={{standard name: file column}}).")
    return _standardise(raw, found, source)


def _check_mapping(columns) -> dict:
    mapping = dict(columns or {})
    unknown = [k for k in mapping if k not in EXCERPT_COLUMNS]
    if unknown:
        raise ParameterError(f"The keys of `columns` must be standard excerpt columns {EXCERPT_COLUMNS}, "
                             f"but {unknown} were passed.")
    return {k: v for k, v in mapping.items() if v}


def _read_raw(path, sheet) -> pd.DataFrame:
    path, data = open_bytes(path, what="coded-excerpt table")
    kind = check_extension(path, EXTENSIONS, reader="read_excerpts")
    content = sniff_content(data)
    if content not in ("text", "zip") or (content == "zip") != (kind == "excel"):
        raise DataError(f"{path}: the file is {content if content != 'zip' else 'a zip/Excel file'}, "
                        f"not a {kind} coded-excerpt table.")
    if kind == "excel":
        grid = read_excel_grid(path, sheet)
    else:
        text, _ = decode_text(data, path)
        grid = read_grid(text, sniff_delimiter(text), path)
    frame = frame_from_grid(grid, path, notes := [])
    frame.attrs.update(source=str(path), reader_notes=notes)
    return frame


def _key(name) -> str:
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def _match_columns(raw: pd.DataFrame, mapping: dict, source) -> dict:
    """Standard name -> file column, from the explicit mapping first, then by spelling."""
    absent = {std: col for std, col in mapping.items() if col not in raw.columns}
    if absent:
        raise DataError(f"{source}: mapped column(s) {preview(absent.values())} not found (for "
                        f"{list(absent)}); the file has columns {list(raw.columns)}.")
    found = dict(mapping)
    by_key = {_key(c): c for c in raw.columns}
    for std in EXCERPT_COLUMNS:
        for spelling in [std, *ALIASES.get(std, [])]:
            col = by_key.get(_key(spelling))
            if std not in found and col is not None and col not in found.values():
                found[std] = col
    return found


def _standardise(raw: pd.DataFrame, found: dict, source) -> pd.DataFrame:
    out = pd.DataFrame(index=raw.index)
    for std in EXCERPT_COLUMNS[:-1]:
        values = raw[found[std]] if std in found else pd.Series(pd.NA, index=raw.index)
        text = values.astype("string").str.strip()
        out[std] = text.mask(text == "")
    score = raw[found["emotion_score"]] if "emotion_score" in found else pd.Series(pd.NA, index=raw.index)
    out["emotion_score"] = _scores(score, source, found.get("emotion_score"))
    out.attrs.update(source=None if source is None else str(source), reader="excerpts",
                     reader_notes=raw.attrs.get("reader_notes", []),
                     ignored_columns=[c for c in raw.columns if c not in found.values()])
    return out


def _scores(values: pd.Series, source, column) -> pd.Series:
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    text = text.mask(text == "")
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = text.notna() & numbers.isna()
    if bad.any():
        raise DataError(f"{source}, column {column!r}: emotion scores must be numbers in -1..1; "
                        f"{preview(text[bad].unique())} at file rows {_rows(bad)}.")
    out = numbers.notna() & ~numbers.between(-1, 1)
    if out.any():
        raise DataError(f"{source}, column {column!r}: emotion scores must be within -1..1; "
                        f"{preview(numbers[out].tolist())} at file rows {_rows(out)}.")
    return numbers


def _rows(mask: pd.Series) -> str:
    return preview((mask[mask].index + 2).tolist())  # file rows count the header as row 1
