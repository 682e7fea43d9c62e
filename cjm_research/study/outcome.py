"""The study's overall outcome: satisfaction, NPS, intent to return... as one survey column.

Declared in the study file at the top level::

    outcome:
      column: satisfaction          # the survey column
      kind: labels                  # binary | labels | scale
      positive: [satisfied]         # labels: the values that count as the good outcome
      negative: [neutral or dissatisfied]   # labels: every other value the column may hold
      label: Satisfied              # how reports name it (default: the column name)

``kind`` decides how the column becomes numbers (:func:`outcome_values`):

* ``binary``: 0/1 (also ``true``/``false``, ``yes``/``no``); 1 is the good outcome unless
  ``positive: [0]`` says otherwise.
* ``labels``: text values, each listed in ``positive`` or ``negative``; positive becomes 1,
  negative 0. A value in neither list is an error naming the values and rows, because guessing
  would silently move respondents between outcomes.
* ``scale``: numbers on ``scale: [low, high]`` (default 1..5), kept as they are; ``positive``
  (optional) lists the top-box values, for a share. Values off the scale become missing and are
  reported in the data-quality summary. Coded labels (``'4 - Very impressive'``, as Qualtrics
  exports a labelled scale) are read as their code when every answer has one.

Key-driver analysis uses :attr:`Outcome.values`: a float Series aligned with the survey.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import ConfigError, DataError, preview
from ..core.yamlio import check_keys

KINDS = ("binary", "labels", "scale")
TRUE_WORDS = {"1": 1.0, "true": 1.0, "yes": 1.0, "y": 1.0, "0": 0.0, "false": 0.0, "no": 0.0, "n": 0.0}


@dataclass(frozen=True)
class OutcomeSpec:
    """How the study defines its overall outcome (the parsed ``outcome:`` key)."""

    column: str
    kind: str
    positive: tuple = ()
    negative: tuple = ()
    scale: tuple | None = None
    label: str = ""

    def describe(self) -> str:
        """The definition in words, for captions (reports put the label in front of it).

        Examples
        --------
        >>> OutcomeSpec("sat", "labels", ("satisfied",), ("dissatisfied",), label="Satisfied").describe()
        "1 = 'satisfied', 0 = 'dissatisfied' (column 'sat')"
        >>> OutcomeSpec("Response", "binary", (1,)).describe()
        "1 when column 'Response' is 1, else 0"
        """
        if self.kind == "labels":
            pos = ", ".join(repr(v) for v in self.positive)
            neg = ", ".join(repr(v) for v in self.negative)
            return f"1 = {pos}, 0 = {neg} (column {self.column!r})"
        if self.kind == "binary":
            return f"1 when column {self.column!r} is {' or '.join(str(v) for v in self.positive)}, else 0"
        top = f", top box {', '.join(str(v) for v in self.positive)}" if self.positive else ""
        return f"scale {self.scale[0]}..{self.scale[1]}{top} (column {self.column!r})"


@dataclass
class Outcome:
    """The outcome of one quarter: numbers aligned with the survey and their definition.

    ``values`` is 0/1 for binary and labelled outcomes, the rating itself for a scale; missing
    answers stay missing. ``positive`` is the 0/1 "good outcome" indicator (for a scale, top box
    when ``positive`` is given, else None).
    """

    values: pd.Series
    spec: OutcomeSpec
    findings: list = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def positive(self) -> pd.Series | None:
        if self.kind != "scale":
            return self.values
        if not self.spec.positive:
            return None
        return self.values.isin([float(v) for v in self.spec.positive]).astype("float64").where(self.values.notna())

    def __repr__(self) -> str:
        return f"Outcome({self.label}: {self.spec.describe()}, n={int(self.values.notna().sum())})"


def parse_outcome(raw, path: Path) -> OutcomeSpec | None:
    """Read and check the ``outcome:`` key of a study file.

    Examples
    --------
    >>> parse_outcome({"column": "sat", "kind": "labels", "positive": ["yes"]}, "study.yml")
    Traceback (most recent call last):
    ...
    cjm_research.core.errors.ConfigError: study.yml: key 'outcome.negative' must list the other values of a 'labels' outcome (every value of column 'sat' that is not positive).
    """
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = {"column": raw, "kind": "binary"}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: key 'outcome' must be a mapping with column and kind, got {raw!r}.")
    check_keys(raw, ["column", "kind", "positive", "negative", "scale", "label"], path, "outcome")
    if not raw.get("column"):
        raise ConfigError(f"{path}: key 'outcome.column' is missing; name the survey column of the outcome.")
    kind = str(raw.get("kind", ""))
    if kind not in KINDS:
        raise ConfigError(f"{path}: the value for key 'outcome.kind' must be one of {list(KINDS)}, "
                          f"but {raw.get('kind')!r} was given.")
    column = str(raw["column"])
    positive, negative = _values(raw, "positive", path), _values(raw, "negative", path)
    scale = None
    if kind == "labels":
        if not positive:
            raise ConfigError(f"{path}: key 'outcome.positive' must list the value(s) of column "
                              f"{column!r} that count as the good outcome.")
        if not negative:
            raise ConfigError(f"{path}: key 'outcome.negative' must list the other values of a 'labels' "
                              f"outcome (every value of column {column!r} that is not positive).")
        both = sorted(set(positive) & set(negative), key=str)
        if both:
            raise ConfigError(f"{path}: key 'outcome': {preview(both)} listed as both positive and negative.")
        positive, negative = tuple(str(v) for v in positive), tuple(str(v) for v in negative)
    elif kind == "binary":
        positive = positive or (1,)
        if len(positive) != 1 or str(positive[0]).lower() not in TRUE_WORDS:
            raise ConfigError(f"{path}: key 'outcome.positive' of a binary outcome must be [1] or [0], "
                              f"got {list(positive)}.")
    else:
        scale = _scale(raw.get("scale", [1, 5]), path)
        off = [v for v in positive if not (isinstance(v, (int, float)) and scale[0] <= v <= scale[1])]
        if off:
            raise ConfigError(f"{path}: key 'outcome.positive' has {preview(off)} outside the scale "
                              f"{scale[0]}..{scale[1]}.")
    return OutcomeSpec(column, kind, positive, negative, scale, str(raw.get("label") or column))


def _values(raw: dict, key: str, path) -> tuple:
    value = raw.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    return tuple(value)


def _scale(value, path) -> tuple:
    ok = (isinstance(value, list) and len(value) == 2
          and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) and value[0] < value[1])
    if not ok:
        raise ConfigError(f"{path}: key 'outcome.scale' must be [low, high] numbers with low < high, got {value!r}.")
    return (value[0], value[1])


def outcome_values(survey: pd.DataFrame, spec: OutcomeSpec, *, source="survey") -> Outcome:
    """Turn the outcome column of a (cleaned) survey into numbers, checking every value.

    Examples
    --------
    >>> survey = pd.DataFrame({"sat": ["satisfied", "neutral or dissatisfied", None]})
    >>> spec = OutcomeSpec("sat", "labels", ("satisfied",), ("neutral or dissatisfied",))
    >>> outcome_values(survey, spec).values.tolist()
    [1.0, 0.0, nan]
    """
    if spec.column not in survey.columns:
        raise DataError(f"{source}: missing the outcome column {spec.column!r} (study key 'outcome.column'); "
                        f"the file has {preview(survey.columns, 8)}.")
    raw = survey[spec.column]
    convert = {"binary": _binary, "labels": _labels, "scale": _on_scale}[spec.kind]
    values, findings = convert(raw, spec, source)
    return Outcome(values.rename(spec.column), spec, findings)


def _text(raw: pd.Series) -> pd.Series:
    text = raw.astype("string").str.strip()
    return text.mask(text == "")


def _unknown(source, spec, text: pd.Series, bad: pd.Series, expected) -> DataError:
    rows = [int(i) + 1 for i in bad[bad].index] if isinstance(text.index, pd.RangeIndex) else list(bad[bad].index)
    return DataError(f"{source}: outcome column {spec.column!r} ({spec.kind}) has unknown value(s) "
                     f"{preview(sorted(text[bad].unique()))} in rows {preview(rows)}; expected "
                     f"{expected} (study key 'outcome').")


def _binary(raw: pd.Series, spec: OutcomeSpec, source):
    text = _text(raw).str.lower().str.replace(r"\.0$", "", regex=True)
    values = text.map(TRUE_WORDS).astype("float64")
    bad = text.notna() & values.isna()
    if bad.any():
        raise _unknown(source, spec, text, bad, "0/1, true/false or yes/no")
    if TRUE_WORDS[str(spec.positive[0]).lower()] == 0.0:
        values = 1.0 - values
    return values, []


def _labels(raw: pd.Series, spec: OutcomeSpec, source):
    text = _text(raw)
    mapping = {**{v: 0.0 for v in spec.negative}, **{v: 1.0 for v in spec.positive}}
    values = text.map(mapping).astype("float64")
    bad = text.notna() & values.isna()
    if bad.any():
        raise _unknown(source, spec, text, bad, f"one of {list(mapping)}")
    return values, []


CODED_LABEL = r"^\s*(-?\d+(?:\.\d+)?)\s*(?:[-=:.)]|\u2013)\s*\S"


def scale_codes(raw: pd.Series) -> pd.Series:
    """Numbers of a scale column, reading the code of coded labels such as ``'4 - Very impressive'``.

    Qualtrics and SPSS exports often write a scale as its labels with the code in front; when every
    answer has that form, the code is the answer. Other text stays unreadable (missing).

    Examples
    --------
    >>> scale_codes(pd.Series(["4 - Very impressive", "1 - Not very impressive", None])).tolist()
    [4.0, 1.0, nan]
    >>> scale_codes(pd.Series(["5", "3"])).tolist()
    [5.0, 3.0]
    """
    values = pd.to_numeric(raw, errors="coerce").astype("float64")
    text = _text(raw)
    if text.notna().any() and values[text.notna()].isna().all():
        codes = text.str.extract(CODED_LABEL)[0]
        if codes[text.notna()].notna().all():
            return pd.to_numeric(codes, errors="coerce").astype("float64")
    return values


def _on_scale(raw: pd.Series, spec: OutcomeSpec, source):
    values = scale_codes(raw)
    text = _text(raw)
    bad = text.notna() & values.isna()
    if bad.any():
        raise _unknown(source, spec, text, bad, f"numbers on {spec.scale[0]}..{spec.scale[1]}")
    lo, hi = spec.scale
    off = values.notna() & ((values < lo) | (values > hi))
    findings = []
    if off.any():
        shown = preview(sorted({_plain(v) for v in values[off]}))
        findings.append({"file": str(source), "column": spec.column, "check": "out of range",
                         "count": int(off.sum()), "action": "set to missing",
                         "detail": f"outcome values {shown}; scale {_plain(lo)}..{_plain(hi)}"})
    return values.mask(off), findings


def _plain(value):
    number = float(value)
    return int(number) if number.is_integer() else number


__all__ = ["OutcomeSpec", "Outcome", "parse_outcome", "outcome_values", "scale_codes", "KINDS"]
