"""Qualtrics CSV exports: header rows, preview responses, repeated ids and multi-select answers.

A current export has three header rows: the column ids (``Q1``, ``Q2_3``), the question text (which
may span several lines inside quotes) and an ``{"ImportId": ...}`` row. The legacy export has two:
``V1, V2, ..., Q1`` and then ``ResponseID, ResponseSet, ...`` with the question text. The question
text is kept as column descriptions; responses recorded in preview or test mode are dropped.
"""

from __future__ import annotations

import re

import pandas as pd

from .tables import frame_from_grid

# Qualtrics' numeric Status codes 1 and 2 are "Survey Preview" and "Survey Test"
PREVIEW_STATUS = {"survey preview", "survey test", "preview", "test", "1", "2"}
PREVIEW_CHANNELS = {"preview", "test"}
SELECT_ALL = re.compile(r"select all|all that apply|choose all|multiple answers", re.IGNORECASE)
CODE_LIST = r"\d{1,3}(?:,\d{1,3})*"
METADATA = {"StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
            "Finished", "RecordedDate", "ResponseId", "ResponseID", "DistributionChannel",
            "UserLanguage", "LocationLatitude", "LocationLongitude", "ExternalReference"}


def qualtrics_header_rows(grid: pd.DataFrame) -> int:
    """Number of Qualtrics header rows at the top of a grid of cells (0 when not a Qualtrics export).

    Examples
    --------
    >>> grid = pd.DataFrame([["ResponseId", "Q1"], ["Response ID", "Age?"],
    ...                      ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}'], ["R_1", "30"]])
    >>> qualtrics_header_rows(grid)
    3
    """
    if len(grid) > 2 and grid.iloc[2].dropna().astype(str).str.startswith('{"ImportId"').mean() > 0.5:
        return 3
    first = set(grid.iloc[0].dropna().astype(str))
    second = set(grid.iloc[1].dropna().astype(str)) if len(grid) > 1 else set()
    if {"ResponseID", "ResponseSet"} <= second:
        return 2  # legacy export: V1..Vn ids, then ResponseID, ResponseSet, question text
    if first & {"ResponseId", "ResponseID"} and second & {"Response ID", "ResponseID"}:
        return 2
    return 0


def qualtrics_frame(grid: pd.DataFrame, path, notes: list, *, header_rows: int) -> pd.DataFrame:
    """Responses of a Qualtrics export as a frame of text cells with question text as descriptions.

    The legacy ``V1``..``Vn`` ids are replaced by the names in the second row (``ResponseID``...);
    preview and test responses are dropped and multi-select answers split into indicator columns,
    each step reported in ``notes``.
    """
    ids, texts = list(grid.iloc[0]), list(grid.iloc[1])
    ids = [t if isinstance(i, str) and re.fullmatch(r"V\d+", i) and isinstance(t, str) else i
           for i, t in zip(ids, texts)]
    frame = frame_from_grid(grid, path, notes, header_rows=header_rows, names=ids, labels=texts)
    frame = drop_previews(frame, notes)
    return split_multiselect_columns(frame, notes)


def drop_previews(frame: pd.DataFrame, notes: list) -> pd.DataFrame:
    """Drop responses whose ``Status`` or ``DistributionChannel`` marks them as preview or test.

    Examples
    --------
    >>> df = pd.DataFrame({"Status": ["IP Address", "Survey Preview"], "Q1": ["1", "2"]})
    >>> notes = []
    >>> len(drop_previews(df, notes)), notes
    (1, ['dropped 1 preview/test response(s)'])
    """
    preview = pd.Series(False, index=frame.index)
    for col, values in (("Status", PREVIEW_STATUS), ("DistributionChannel", PREVIEW_CHANNELS)):
        if col in frame.columns:
            preview |= frame[col].astype("str").str.strip().str.lower().isin(values)
    if preview.any():
        notes.append(f"dropped {int(preview.sum())} preview/test response(s)")
    out = frame.loc[~preview].reset_index(drop=True)
    out.attrs = frame.attrs
    return out


def split_multiselect(series: pd.Series, sep: str = ",") -> pd.DataFrame:
    """One-hot frame of a multi-select answer: one boolean column per option, NA where unanswered.

    Parameters
    ----------
    series : Series
        Answers such as ``"Email,Phone"`` or Qualtrics' numeric ``"1,3"``.
    sep : str
        The separator between chosen options.

    Returns
    -------
    DataFrame
        Columns ``<name>_<option>`` (or the options alone when the series has no name), in the
        order of :func:`pandas.Series.str.get_dummies`, dtype ``boolean``.

    Examples
    --------
    >>> split_multiselect(pd.Series(["a,b", "b", None], name="Q3"))
        Q3_a  Q3_b
    0   True  True
    1  False  True
    2   <NA>  <NA>
    """
    text = series.astype("str")
    tidy = text.str.split(sep).map(lambda parts: sep.join(p.strip() for p in parts if p.strip()),
                                   na_action="ignore")
    dummies = tidy.str.get_dummies(sep=sep).astype("boolean")
    dummies[text.isna().to_numpy()] = pd.NA
    if series.name is not None:
        dummies.columns = [f"{series.name}_{opt}" for opt in dummies.columns]
    return dummies


def multiselect_columns(frame: pd.DataFrame, descriptions: dict) -> list[str]:
    """Columns holding multi-select answers.

    A column counts when its question text asks to select all that apply, or when its answers are
    Qualtrics' numeric choice codes with at least one comma-separated list (``"1,3"``).
    """
    found = []
    for col in frame.columns:
        values = frame[col].dropna().astype("str")
        if col in METADATA or values.empty:
            continue
        coded = values.str.fullmatch(CODE_LIST).all() and values.str.contains(",").any()
        asked = bool(SELECT_ALL.search(descriptions.get(col, ""))) and values.str.contains(",").any()
        if coded or asked:
            found.append(col)
    return found


def split_multiselect_columns(frame: pd.DataFrame, notes: list) -> pd.DataFrame:
    """Add indicator columns after each multi-select column (the original answer column is kept)."""
    descriptions = dict(frame.attrs.get("descriptions", {}))
    split = {}
    for col in multiselect_columns(frame, descriptions):
        dummies = split_multiselect(frame[col])
        at = frame.columns.get_loc(col) + 1
        frame = pd.concat([frame.iloc[:, :at], dummies, frame.iloc[:, at:]], axis=1)
        split[col] = list(dummies.columns)
        for new in dummies.columns:
            descriptions[new] = f"{descriptions.get(col, col)} - {new[len(col) + 1:]}"
        notes.append(f"split multi-select column {col!r} into {dummies.shape[1]} indicator columns")
    frame.attrs.update(descriptions=descriptions, multiselect=split)
    return frame
