"""Validation and the data-quality summary.

Two kinds of problems exist in survey and interview files:

* **Fatal** ones make the data unusable as it stands (no id column, duplicate respondent ids, text
  in a numeric rating, a stage the framework does not know). They raise one
  :class:`~cjm_research.core.errors.DataError` that names the file, the column, the offending values and
  rows, and what was expected. Checks are pandera schemas run lazily, so every failure of a file is
  reported at once rather than the first one.
* **Recoverable** oddities are fixed by the documented rules below and reported as findings in the
  data-quality summary, never silently:

  ===================  ===========================================================================
  rule                 action
  ===================  ===========================================================================
  not applicable       a rating equal to a ``not_applicable`` code (default 0) on a scale that does
                       not contain it (CSAT 1..5, CES 1..7, touchpoint 1..5) becomes missing
  out of range         a rating outside its scale becomes missing
  junk category        a categorical value on the junk list (``YOLO``, ``Absurd``, ``test``, ``?``,
                       ...) or seen fewer than 3 times in 1,000 rows becomes missing
  implausible value    an age outside 14..100, a birth year before 1900 or less than 14 years ago,
                       or a negative count or amount becomes missing
  missing values       counted per column
  ===================  ===========================================================================

Row numbers in messages are 1-based data rows (the header is not counted).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .errors import DataError, preview

SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "touchpoint": (1, 5)}
JUNK_VALUES = {"yolo", "absurd", "test", "asdf", "xxx", "?", "-", "n/a", "na", "none", "null", "unknown"}
RARE_SHARE = 0.003
AGE_RANGE = (14, 100)


def _finding(file, column, check, count, action, detail="") -> dict:
    return {"file": str(file), "column": column, "check": check, "count": int(count),
            "action": action, "detail": detail}


def rating_columns(cols) -> dict[str, tuple[str, tuple[int, int]]]:
    """Rating column -> (kind, scale) for every rating the study maps.

    Examples
    --------
    >>> from cjm_research.study.load import SurveyColumns
    >>> rating_columns(SurveyColumns(nps="q1", csat={"decision": "q2"}))
    {'q1': ('nps', (0, 10)), 'q2': ('csat', (1, 5))}
    """
    out = {}
    if cols.nps:
        out[cols.nps] = ("nps", SCALES["nps"])
    for kind, mapping in (("csat", cols.csat), ("ces", cols.ces), ("touchpoint", cols.touchpoint_ratings)):
        for column in mapping.values():
            out[column] = (kind, SCALES[kind])
    return out


# ------------------------------------------------------------------ fatal checks (pandera)
def _structure_schema(cols, numeric: list[str]) -> pa.DataFrameSchema:
    columns = {cols.respondent_id: pa.Column(str, nullable=False, unique=True, coerce=True)}
    for column in numeric:
        columns[column] = pa.Column(float, nullable=True, coerce=True)
    return pa.DataFrameSchema(columns, strict=False)


def _fatal_message(failures: pd.DataFrame, source, id_column: str, expected: dict[str, str]) -> str:
    parts = []
    for column, group in failures.groupby("column", sort=False):
        checks = " ".join(group["check"].astype(str))
        if "column_in_dataframe" in checks:
            continue
        rows = sorted({int(i) + 1 for i in group["index"].dropna()})
        values = list(dict.fromkeys(group["failure_case"].astype(str)))
        if "uniqueness" in checks:
            parts.append(f"column {column!r} has duplicate respondent ids {preview(values)} "
                         f"in rows {preview(rows)}; every respondent must appear once")
        elif "nullable" in checks or "not_nullable" in checks:
            parts.append(f"column {column!r} is empty in rows {preview(rows)}; every respondent needs an id")
        else:
            parts.append(f"column {column!r} must hold {expected.get(column, 'numbers')}, but has "
                         f"{preview(values)} in rows {preview(rows)}")
    return f"{source}: " + "; ".join(parts) + "."


def _check_structure(raw: pd.DataFrame, cols, numeric: list[str], source) -> pd.DataFrame:
    schema = _structure_schema(cols, numeric)
    expected = {c: f"numbers on {lo}..{hi}" for c, (_, (lo, hi)) in rating_columns(cols).items()}
    try:
        return schema.validate(raw, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(_fatal_message(exc.failure_cases, source, cols.respondent_id, expected)) from None


def _check_columns(raw: pd.DataFrame, cols, source) -> None:
    if raw.shape[0] == 0:
        raise DataError(f"{source}: the survey has a header but no respondents.")
    if cols.respondent_id not in raw.columns:
        raise DataError(f"{source}: missing the respondent id column {cols.respondent_id!r} "
                        f"(study key 'survey.respondent_id'); the file has {preview(raw.columns, 8)}.")
    wanted = {**{c: "survey.nps" for c in [cols.nps] if c},
              **{c: f"survey.csat.{s}" for s, c in cols.csat.items()},
              **{c: f"survey.ces.{s}" for s, c in cols.ces.items()},
              **{c: f"survey.touchpoint_ratings.{t}" for t, c in cols.touchpoint_ratings.items()},
              **{c: "survey.persona_features" for c in cols.feature_list},
              **{c: "survey.free_text" for c in cols.free_text}}
    missing = [f"{c!r} (study key '{k}')" for c, k in wanted.items() if c not in raw.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {', '.join(missing[:6])}"
                        f"{f' (+{len(missing) - 6} more)' if len(missing) > 6 else ''}; "
                        f"the file has {preview(raw.columns, 8)}.")


# ------------------------------------------------------------------ recoverable rules
def _recode_ratings(frame: pd.DataFrame, cols, source) -> list[dict]:
    findings = []
    na_codes = set(cols.not_applicable or [])
    for column, (kind, (lo, hi)) in rating_columns(cols).items():
        values = frame[column]
        codes = values.isin([c for c in na_codes if not lo <= c <= hi])
        if codes.any():
            findings.append(_finding(source, column, "not applicable", codes.sum(), "recoded to missing",
                                     f"codes {sorted(na_codes)} mean 'not applicable' on a {lo}..{hi} scale"))
        outside = ~codes & values.notna() & ((values < lo) | (values > hi) | (values % 1 != 0))
        if outside.any():
            findings.append(_finding(source, column, "out of range", outside.sum(), "set to missing",
                                     f"values {preview(sorted(values[outside].unique()))}; scale {lo}..{hi}"))
        frame[column] = values.mask(codes | outside).astype("Float64")
    return findings


def _clean_categories(frame: pd.DataFrame, columns: list[str], source) -> list[dict]:
    findings = []
    for column in columns:
        text = frame[column].astype("string").str.strip()
        counts = text.value_counts()
        rare = set(counts[counts < max(2, RARE_SHARE * len(frame))].index) if len(frame) >= 1000 else set()
        junk = {v for v in counts.index if v.lower() in JUNK_VALUES} | rare
        mask = text.isin(junk)
        if mask.any():
            findings.append(_finding(source, column, "junk category", mask.sum(), "set to missing",
                                     f"values {preview(sorted(junk))}"))
        frame[column] = text.mask(mask)
    return findings


def _implausible(frame: pd.DataFrame, columns: list[str], source, year: int | None = None) -> list[dict]:
    findings = []
    # The survey's own year, so re-running an old quarter cleans its data the same way next year.
    this_year = year or pd.Timestamp.now().year
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        name = column.lower()
        if "birth" in name or name.startswith("year"):
            bad = (values < 1900) | (values > this_year - AGE_RANGE[0])
            rule = f"birth year outside 1900..{this_year - AGE_RANGE[0]}"
        elif name == "age" or name.endswith("_age"):
            bad = (values < AGE_RANGE[0]) | (values > AGE_RANGE[1])
            rule = f"age outside {AGE_RANGE[0]}..{AGE_RANGE[1]}"
        else:
            bad = values < 0
            rule = "negative count or amount"
        if bad.any():
            findings.append(_finding(source, column, "implausible value", bad.sum(), "set to missing",
                                     f"{rule}: {preview(sorted(values[bad].unique()))}"))
            frame[column] = values.mask(bad)
    return findings


def _missing(frame: pd.DataFrame, columns: list[str], source) -> list[dict]:
    return [_finding(source, c, "missing values", n, "kept as missing", f"{n / len(frame):.1%} of rows")
            for c in columns if (n := int(frame[c].isna().sum()))]


# ------------------------------------------------------------------ public entry points
def clean_survey(raw: pd.DataFrame, config, *, source=None, year: int | None = None) -> tuple[pd.DataFrame, list[dict]]:
    """Validate a survey against the study's column mapping and apply the recoverable rules.

    Parameters
    ----------
    raw : DataFrame
        The survey as read by :func:`cjm_research.io.read_survey`.
    config : StudyConfig
        Supplies the column mapping (``config.survey``).
    source : str or Path, optional
        The file name used in messages and findings.
    year : int, optional
        The year the survey describes (a study passes its quarter's): birth years after
        ``year - 14`` are implausible. Default the current year.

    Returns
    -------
    frame, findings
        The cleaned copy (ratings as nullable floats, ids as strings, ``attrs`` carrying
        ``persona_features``, ``id_column`` and ``customer_column``) and a list of finding dicts.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjm_research.study.load import SurveyColumns
    >>> class Cfg: survey = SurveyColumns(csat={"decision": "c"})
    >>> frame, found = clean_survey(pd.DataFrame({"respondent_id": ["a", "b"], "c": [5, 0]}), Cfg())
    >>> frame["c"].tolist(), found[0]["check"]
    ([5.0, <NA>], 'not applicable')
    """
    cols = config.survey
    source = source or raw.attrs.get("source", "survey")
    _check_columns(raw, cols, source)
    numeric = list(rating_columns(cols)) + cols.persona_features.get("numeric", []) \
        + cols.persona_features.get("ordinal", [])
    frame = _check_structure(raw.copy(), cols, list(dict.fromkeys(numeric)), source)
    if cols.customer_id and cols.customer_id in frame:
        frame[cols.customer_id] = frame[cols.customer_id].astype("string")
    findings = [_finding(source, "", "reader", 0, "note", note) for note in raw.attrs.get("reader_notes", [])]
    # Count blanks before the rules run, so a recoded code is reported once, under its own rule.
    findings += _missing(frame, [c for c in list(rating_columns(cols)) + cols.feature_list], source)
    findings += _recode_ratings(frame, cols, source)
    findings += _clean_categories(frame, cols.persona_features.get("categorical", []), source)
    findings += _implausible(frame, cols.persona_features.get("numeric", []), source, year)
    # pandas deep-copies attrs on every operation, so the frame carries only small keys; the
    # reader's descriptions and the findings stay with the caller (Study keeps both).
    frame.attrs = {"source": str(source), "reader": raw.attrs.get("reader"),
                   "persona_features": cols.persona_features,
                   "id_column": cols.respondent_id, "customer_column": cols.customer_id}
    return frame, findings


def check_interviews(frame: pd.DataFrame, framework, *, source=None) -> tuple[pd.DataFrame, list[dict]]:
    """Check that coded excerpts name stages and touchpoints the framework knows.

    An unknown name is fatal (the map would silently lose evidence); missing codes are findings.
    """
    source = source or frame.attrs.get("source", "interviews")
    for column, known in (("stage", framework.stages), ("touchpoint", list(framework.touchpoints))):
        values = frame[column].dropna().astype(str)
        bad = values[~values.isin(known)]
        if len(bad):
            rows = [int(i) + 1 for i in bad.index]
            raise DataError(f"{source}: column {column!r} has unknown {column}(s) "
                            f"{preview(sorted(bad.unique()))} in rows {preview(rows)}; "
                            f"expected one of {known}.")
    findings = [_finding(source, c, "missing values", n, "kept as missing", f"{n / max(len(frame), 1):.1%} of excerpts")
                for c in ("stage", "touchpoint", "text") if (n := int(frame[c].isna().sum()))]
    return frame, findings


def event_findings(events: pd.DataFrame, source) -> list[dict]:
    """Findings for a normalised event frame: events the framework does not know, missing channels."""
    findings = []
    if "touchpoint" in events:
        unknown = events.loc[events["touchpoint"].isna(), "event"]
        if len(unknown):
            findings.append(_finding(source, "event", "unknown event", len(unknown), "kept without a stage",
                                     f"names {preview(sorted(unknown.astype(str).unique()))}"))
    if "channel" in events and (n := int(events["channel"].isna().sum())):
        findings.append(_finding(source, "channel", "missing values", n, "kept as missing"))
    return findings


def quality_summary(study) -> pd.DataFrame:
    """The data-quality summary of a study's quarter: one row per finding.

    Columns: ``quarter, file, column, check, count, action, detail``. Reading every file of the
    quarter also runs the fatal checks, so a study that returns a summary is usable.

    Examples
    --------
    >>> import cjm_research as cjm                               # doctest: +SKIP
    >>> cjm.load_study("data/demo/study.yml").quality().head()   # doctest: +SKIP
    """
    survey = study.survey
    rows = [f for f in study._issues if f.get("file") == str(study.files["survey"])]
    rows.append(_finding(study.files["survey"], "", "rows", len(survey), "read",
                         f"{survey.shape[1]} columns"))
    if "interviews" in study.files:
        interviews = study.interviews
        rows += [f for f in study._issues if f.get("file") == str(study.files["interviews"])]
        rows.append(_finding(study.files["interviews"], "", "rows", len(interviews), "read",
                             f"{interviews['participant'].nunique()} participants"))
    if "events" in study.files:
        events = study.events.to_pandas()
        rows += event_findings(events, study.files["events"])
        rows.append(_finding(study.files["events"], "", "rows", len(events), "read",
                             f"{events['customer'].nunique()} customers"))
    table = pd.DataFrame(rows, columns=["file", "column", "check", "count", "action", "detail"])
    table.insert(0, "quarter", study.quarter)
    return table


def format_summary(table: pd.DataFrame) -> str:
    """Plain-text rendering of :func:`quality_summary` for the command line."""
    if table.empty:
        return "No findings."
    shown = table.assign(file=table["file"].map(lambda p: Path(p).name))
    return shown.to_string(index=False, max_colwidth=70)


__all__ = ["clean_survey", "check_interviews", "quality_summary", "format_summary", "rating_columns",
           "event_findings", "SCALES", "JUNK_VALUES"]
