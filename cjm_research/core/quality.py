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
                       ...) becomes missing
  rare category        on surveys of ``quality.min_category_rows`` (1,000) rows or more, a category
                       under ``quality.min_category_share`` (0.3%) of rows becomes missing, reported
                       apart from junk (``Alone`` is a real answer; set the share to 0 to keep it)
  implausible value    an age outside ``quality.age_range`` (default 0..120), a birth year outside
                       ``quality.birth_year_range`` (default: the survey year minus the age range),
                       or a negative count or amount becomes missing
  young respondents    ages under 14 are kept and counted, so a study of adults can see them and
                       set ``quality.age_range`` (children travel, shop and answer surveys too)
  weights              ``survey.weights`` must be numbers >= 0 with one above 0 (else fatal); blank
                       weights stay missing and are counted
  missing values       counted per column
  ===================  ===========================================================================

Each rule a study can set lives in its ``quality:`` block (:class:`QualityRules`); every rule that
ran is listed in the summary as a ``rule`` row, with its settings in plain numbers, so a reader
sees what was done even when nothing matched.

Row numbers in messages are 1-based data rows (the header is not counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .errors import ConfigError, DataError, preview

SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "touchpoint": (1, 5)}
JUNK_VALUES = {"yolo", "absurd", "test", "asdf", "xxx", "?", "-", "n/a", "na", "none", "null", "unknown"}
RARE_SHARE = 0.003
AGE_RANGE = (0, 120)   # only impossible ages; a study of adults says so with quality.age_range
YOUNG = 14             # ages below are kept but counted, so they are never dropped or kept unseen


def plain(value):
    """A value as a reader writes it: numpy scalars as Python numbers, whole floats as integers.

    Examples
    --------
    >>> import numpy as np
    >>> plain(np.int64(3)), plain(np.float64(9227.0)), plain(2.5), plain("x")
    (3, 9227, 2.5, 'x')
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def shown(values, limit: int = 5) -> str:
    """:func:`~cjm_research.core.errors.preview` of plain values (``3``, not ``np.int64(3)``).

    Examples
    --------
    >>> import numpy as np
    >>> shown([np.float64(150.0), np.int64(-2)])
    '150, -2'
    """
    return preview([plain(v) for v in values], limit)


@dataclass(frozen=True)
class QualityRules:
    """The data-quality rules a study can set in its ``quality:`` block.

    Parameters
    ----------
    age_range : (int, int), default (0, 120)
        Plausible ages; others become missing. The default drops only impossible ages: children
        answer surveys too (passengers aged 7-13, pupils, young shoppers), so dropping them must be
        the study's decision, e.g. ``age_range: [18, 99]`` for a panel of adults.
    birth_year_range : (int, int), optional
        Plausible birth years; default from the survey year and ``age_range``.
    age_columns, birth_year_columns : list of str, optional
        Which numeric features are ages and birth years; default: columns named ``age`` or
        ``*_age``, and columns whose name has ``birth`` or starts with ``year``.
    not_applicable : list, optional
        Rating codes that mean "not applicable" (also settable as ``survey.not_applicable``).
    junk_values : list of str, optional
        Category values that mean "no answer" (case-insensitive); the study's list replaces the
        default ``JUNK_VALUES``, so a real category called "none" can be kept.
    min_category_share : float, default 0.003
        A category seen in a smaller share of rows is junk, on surveys of ``min_category_rows``
        (default 1000) rows or more; 0 turns the rule off.
    non_negative : bool, default True
        Negative counts and amounts (the other numeric features) become missing.

    Examples
    --------
    >>> QualityRules.from_mapping({"age_range": [18, 99]}, "study.yml").age_range
    (18, 99)
    """

    age_range: tuple = AGE_RANGE
    birth_year_range: tuple | None = None
    age_columns: tuple | None = None
    birth_year_columns: tuple | None = None
    not_applicable: tuple | None = None
    junk_values: tuple = tuple(sorted(JUNK_VALUES))
    min_category_share: float = RARE_SHARE
    min_category_rows: int = 1000
    non_negative: bool = True

    KEYS = ("age_range", "birth_year_range", "age_columns", "birth_year_columns", "not_applicable",
            "junk_values", "min_category_share", "min_category_rows", "non_negative")

    @classmethod
    def from_mapping(cls, raw, path) -> "QualityRules":
        """Parse the ``quality:`` block of a study file; each bad value names the key."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: key 'quality' must be a mapping of rules, got {raw!r}.")
        unknown = sorted(set(raw) - set(cls.KEYS))
        if unknown:
            raise ConfigError(f"{path}: key 'quality' has unknown entries {preview(unknown)}; "
                              f"expected some of {list(cls.KEYS)}.")
        out = {}
        for key in ("age_range", "birth_year_range"):
            if raw.get(key) is not None:
                out[key] = _range(raw[key], path, f"quality.{key}")
        for key in ("age_columns", "birth_year_columns", "junk_values", "not_applicable"):
            if raw.get(key) is not None:
                value = raw[key] if isinstance(raw[key], list) else [raw[key]]
                out[key] = tuple(str(v).lower() if key == "junk_values" else v for v in value)
        if raw.get("min_category_share") is not None:
            share = raw["min_category_share"]
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share < 1:
                raise ConfigError(f"{path}: key 'quality.min_category_share' must be a fraction in 0..1, got {share!r}.")
            out["min_category_share"] = float(share)
        if raw.get("min_category_rows") is not None:
            rows = raw["min_category_rows"]
            if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
                raise ConfigError(f"{path}: key 'quality.min_category_rows' must be a whole number >= 0, got {rows!r}.")
            out["min_category_rows"] = rows
        if raw.get("non_negative") is not None:
            if not isinstance(raw["non_negative"], bool):
                raise ConfigError(f"{path}: key 'quality.non_negative' must be true or false, got {raw['non_negative']!r}.")
            out["non_negative"] = raw["non_negative"]
        return cls(**out)

    def birth_years(self, year: int) -> tuple:
        """Plausible birth years in a survey of ``year``."""
        return self.birth_year_range or (year - self.age_range[1], year - self.age_range[0])

    def is_age(self, column: str) -> bool:
        if self.age_columns is not None:
            return column in self.age_columns
        name = column.lower()
        return name == "age" or name.endswith("_age") or name.endswith(" age")

    def is_birth_year(self, column: str) -> bool:
        if self.birth_year_columns is not None:
            return column in self.birth_year_columns
        name = column.lower()
        return "birth" in name or name.startswith("year")


def _range(value, path, key) -> tuple:
    ok = (isinstance(value, list) and len(value) == 2
          and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) and value[0] <= value[1])
    if not ok:
        raise ConfigError(f"{path}: key {key!r} must be [low, high] numbers with low <= high, got {value!r}.")
    return (plain(value[0]), plain(value[1]))


def study_rules(config) -> QualityRules:
    """The study's :class:`QualityRules` (defaults for a config without a ``quality`` block)."""
    return getattr(config, "quality", None) or QualityRules()


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
    scales = {**SCALES, **{k: tuple(v) for k, v in (getattr(cols, "scales", None) or {}).items()}}
    out = {}
    if cols.nps:
        out[cols.nps] = ("nps", scales["nps"])
    for kind, mapping in (("csat", cols.csat), ("ces", cols.ces), ("touchpoint", cols.touchpoint_ratings)):
        for column in mapping.values():
            out[column] = (kind, scales[kind])
    return out


# ------------------------------------------------------------------ fatal checks (pandera)
def _structure_schema(cols, numeric: list[str]) -> pa.DataFrameSchema:
    columns = {cols.respondent_id: pa.Column(str, nullable=False, unique=True, coerce=True)}
    for column in numeric:
        if column != cols.respondent_id:  # a schema entry per column: the id's uniqueness check must stay
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
              **{c: "survey.free_text" for c in cols.free_text},
              **{c: "survey.weights" for c in [getattr(cols, "weights", None)] if c}}
    missing = [f"{c!r} (study key '{k}')" for c, k in wanted.items() if c not in raw.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {', '.join(missing[:6])}"
                        f"{f' (+{len(missing) - 6} more)' if len(missing) > 6 else ''}; "
                        f"the file has {preview(raw.columns, 8)}.")


# ------------------------------------------------------------------ recoverable rules
def _rule(source, columns, name, count, detail) -> dict:
    # A row for a rule that ran, matched or not: the summary shows what was checked, with its settings.
    return _finding(source, ", ".join(columns), "rule", count, "applied", f"{name}: {detail}")


def _recode_ratings(frame: pd.DataFrame, cols, source, rules=None) -> list[dict]:
    findings, recoded = [], 0
    na_codes = set(cols.not_applicable or [])
    ratings = rating_columns(cols)
    for column, (kind, (lo, hi)) in ratings.items():
        values = frame[column]
        codes = values.isin([c for c in na_codes if not lo <= c <= hi])
        if codes.any():
            findings.append(_finding(source, column, "not applicable", codes.sum(), "recoded to missing",
                                     f"codes {shown(sorted(na_codes))} mean 'not applicable' on a {lo}..{hi} scale"))
        outside = ~codes & values.notna() & ((values < lo) | (values > hi) | (values % 1 != 0))
        if outside.any():
            findings.append(_finding(source, column, "out of range", outside.sum(), "set to missing",
                                     f"values {shown(sorted(values[outside].unique()))}; scale {lo}..{hi}"))
        recoded += int(codes.sum() + outside.sum())
        frame[column] = values.mask(codes | outside).astype("Float64")
    if ratings:
        scales = sorted({f"{kind} {lo}..{hi}" for kind, (lo, hi) in ratings.values()})
        na = f"codes {shown(sorted(na_codes))} mean 'not applicable'" if na_codes else "no not-applicable codes"
        findings.append(_rule(source, [], "ratings", recoded,
                              f"scales {', '.join(scales)}; {na}; values off the scale become missing"))
    return findings


def _clean_categories(frame: pd.DataFrame, columns: list[str], source, rules=None) -> list[dict]:
    rules = rules or QualityRules()
    findings, total = [], 0
    junk_list = set(rules.junk_values)
    applies = rules.min_category_share > 0 and len(frame) >= rules.min_category_rows
    for column in columns:
        text = frame[column].astype("string").str.strip()
        counts = text.value_counts()
        junk = {v for v in counts.index if v.lower() in junk_list}
        rare = set(counts[counts < max(2, rules.min_category_share * len(frame))].index) - junk if applies else set()
        mask = text.isin(junk | rare)
        if junk:
            findings.append(_finding(source, column, "junk category", text.isin(junk).sum(), "set to missing",
                                     f"values {shown(sorted(junk))}"))
        if rare:  # a real but rare answer ('Alone'): said apart from junk, with how to keep it
            rows = ", ".join(f"{v!r} ({int(counts[v])})" for v in sorted(rare)[:5]) + (
                f" (+{len(rare) - 5} more)" if len(rare) > 5 else "")
            findings.append(_finding(source, column, "rare category", text.isin(rare).sum(), "set to missing",
                                     f"values {rows} are under {rules.min_category_share:.1%} of rows; "
                                     "set quality.min_category_share: 0 to keep them"))
        total += int(mask.sum())
        frame[column] = text.mask(mask)
    if columns:
        share = (f"so do categories under {rules.min_category_share:.1%} of rows" if applies else
                 f"rare categories are kept (that rule needs {rules.min_category_rows} rows and "
                 "min_category_share > 0)")
        findings.append(_rule(source, columns, "junk categories", total,
                              f"values {shown(sorted(junk_list), 4)} become missing; {share}"))
    return findings


def _implausible(frame: pd.DataFrame, columns: list[str], source, year: int | None = None,
                 rules=None) -> list[dict]:
    rules = rules or QualityRules()
    findings, applied = [], {}
    # The survey's own year, so re-running an old quarter cleans its data the same way next year.
    this_year = year or pd.Timestamp.now().year
    lo_age, hi_age = rules.age_range
    lo_year, hi_year = rules.birth_years(this_year)
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        if rules.is_birth_year(column):
            bad, rule = (values < lo_year) | (values > hi_year), f"birth year outside {lo_year}..{hi_year}"
        elif rules.is_age(column):
            bad, rule = (values < lo_age) | (values > hi_age), f"age outside {plain(lo_age)}..{plain(hi_age)}"
            young = ~bad & (values < YOUNG)
            if young.any():
                findings.append(_finding(source, column, "young respondents", young.sum(), "kept",
                                         f"ages {shown(sorted(values[young].unique()))} are under {YOUNG}; "
                                         "set quality.age_range to exclude them"))
        elif rules.non_negative:
            bad, rule = values < 0, "negative count or amount"
        else:
            continue
        applied.setdefault(rule, [[], 0])
        applied[rule][0].append(column)
        applied[rule][1] += int(bad.sum())
        if bad.any():
            findings.append(_finding(source, column, "implausible value", bad.sum(), "set to missing",
                                     f"{rule}: {shown(sorted(values[bad].unique()))}"))
            frame[column] = values.mask(bad)
    findings += [_rule(source, cols, "plausible values", n, f"{rule} becomes missing")
                 for rule, (cols, n) in applied.items()]
    return findings


def _weights(frame: pd.DataFrame, cols, source) -> list[dict]:
    """Survey weights must be numbers >= 0 with some above 0; blanks are reported, not guessed."""
    column = getattr(cols, "weights", None)
    if not column:
        return []
    values = frame[column]
    negative = values < 0
    if negative.any():
        rows = [int(i) + 1 for i in values.index[negative.fillna(False)]]
        raise DataError(f"{source}: column {column!r} (study key 'survey.weights') must hold weights >= 0, "
                        f"but has {shown(sorted(values[negative].unique()))} in rows {preview(rows)}.")
    if not (values > 0).any():
        raise DataError(f"{source}: column {column!r} (study key 'survey.weights') has no weight above 0.")
    frame[column] = values.astype("float64")
    return [_rule(source, [column], "weights", int(values.isna().sum()),
                  f"weights from {plain(values.min())} to {plain(values.max())}; blank weights stay missing")]


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
        ``year - quality.age_range[0]`` are implausible. Default the current year.

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
        + cols.persona_features.get("ordinal", []) + [c for c in [getattr(cols, "weights", None)] if c]
    frame = _check_structure(raw.copy(), cols, list(dict.fromkeys(numeric)), source)
    if cols.customer_id and cols.customer_id in frame:
        frame[cols.customer_id] = frame[cols.customer_id].astype("string")
    findings = [_finding(source, "", "reader", 0, "note", note) for note in raw.attrs.get("reader_notes", [])]
    # Count blanks before the rules run, so a recoded code is reported once, under its own rule.
    findings += _missing(frame, [c for c in list(rating_columns(cols)) + cols.feature_list], source)
    rules = study_rules(config)
    findings += _recode_ratings(frame, cols, source, rules)
    findings += _clean_categories(frame, cols.persona_features.get("categorical", []), source, rules)
    findings += _implausible(frame, cols.persona_features.get("numeric", []), source, year, rules)
    findings += _weights(frame, cols, source)
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
    rows = []
    if "survey" in study.files:  # interviews-only and events-only studies have no survey
        survey = study.survey
        rows += [f for f in study.issues if f.get("file") == str(study.files["survey"])]
        rows.append(_finding(study.files["survey"], "", "rows", len(survey), "read",
                             f"{survey.shape[1]} columns"))
    if "interviews" in study.files:
        interviews = study.interviews
        rows += [f for f in study.issues if f.get("file") == str(study.files["interviews"])]
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


def format_summary(table: pd.DataFrame, *, width: int = 100) -> str:
    """Plain-text rendering of :func:`quality_summary` for the command line.

    One block per file: what was read, then one line per finding (column, check, count, action,
    detail) and one per rule that ran, wrapped at ``width`` characters so that long details stay
    readable in a terminal (a wide table cuts them at the edge).

    Examples
    --------
    >>> table = pd.DataFrame([
    ...     {"file": "d/survey.csv", "column": "", "check": "rows", "count": 240, "action": "read",
    ...      "detail": "23 columns"},
    ...     {"file": "d/survey.csv", "column": "Age", "check": "young respondents", "count": 23,
    ...      "action": "kept", "detail": "ages 7, 8 are under 14"}])
    >>> print(format_summary(table))
    survey.csv: 240 rows read (23 columns)
      - Age: young respondents, 23 kept: ages 7, 8 are under 14
    """
    import textwrap

    if table.empty:
        return "No findings."
    lines = []
    for file, rows in table.groupby(table["file"].map(lambda p: Path(str(p)).name), sort=False):
        read = rows[rows["check"] == "rows"]
        head = (f"{file}: {int(read['count'].iloc[0])} rows read ({read['detail'].iloc[0]})"
                if len(read) else f"{file}:")
        lines.append(head)
        for _, row in rows[rows["check"] != "rows"].iterrows():
            column = f"{row['column']}: " if str(row["column"]).strip() else ""
            if row["check"] == "rule":
                text = f"- rule on {column}{row['detail']} ({int(row['count'])} value(s) changed)"
            elif row["action"] == "note":
                text = f"- note: {column}{row['detail']}"
            else:
                text = f"- {column}{row['check']}, {int(row['count'])} {row['action']}: {row['detail']}"
            lines += textwrap.wrap(text, width=width, initial_indent="  ", subsequent_indent="    ",
                                   break_on_hyphens=False)
    return "\n".join(lines)


__all__ = ["QualityRules", "plain", "shown", "study_rules", "clean_survey", "check_interviews", "quality_summary", "format_summary", "rating_columns",
           "event_findings", "SCALES", "JUNK_VALUES"]
