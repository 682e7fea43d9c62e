"""Persona features: which columns, of which kind, and how they are cleaned and encoded.

Three kinds of feature enter a persona model:

- ``numeric``: continuous measures (age, order value). Standardised.
- ``ordinal``: Likert-type items with a few integer levels (1..5, 1..7). Standardised, so a step on
  the scale counts like a standard deviation of a numeric feature.
- ``categorical``: nominal answers (city, channel). One-hot encoded.

Cleaning rules (documented here, applied by :func:`clean_features` and reported row by row in
``PersonaModel.quality_``):

1. A feature with a single distinct value carries no information and is dropped.
2. Numeric values beyond Tukey's far-out fences (``Q1 - 3 IQR``, ``Q3 + 3 IQR``) are implausible
   (a birth year of 1893, an income of 666,666 among ordinary ones) and become missing. For a
   non-negative, right-skewed feature (Kelly's percentile skewness > 0.2, typical of money
   amounts) the fences are taken on
   the ``log(1 + x)`` scale, so the long but genuine tail of big spenders is kept.
3. Categories held by less than ``min_category_share`` of respondents (default 1 %) are junk or too
   rare to describe a persona (``YOLO``, ``Absurd``) and are pooled as ``"(other)"``.
4. Missing values are imputed inside the model: numeric by the median, categorical by the most
   frequent category.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ..core.errors import DataError, ParameterError, preview

KINDS = ("numeric", "ordinal", "categorical")
OTHER = "(other)"


def infer_kind(series: pd.Series) -> str:
    """Guess the kind of a feature column.

    Integer columns with at most 7 levels, all within 0..10, are ordinal (Likert items); other
    numbers are numeric; everything else is categorical.

    Examples
    --------
    >>> infer_kind(pd.Series([1, 2, 5, 4]))
    'ordinal'
    >>> infer_kind(pd.Series(["a", "b"]))
    'categorical'
    """
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return "categorical"
    values = pd.Series(series).dropna()
    levels = values.unique()
    integral = bool(len(values)) and bool(np.all(np.mod(values.to_numpy(dtype=float), 1) == 0))
    if integral and len(levels) <= 7 and values.min() >= 0 and values.max() <= 10:
        return "ordinal"
    return "numeric"


def resolve_features(features, df: pd.DataFrame, *, source: str = "data") -> dict[str, list[str]]:
    """Turn the ``features`` argument into ``{numeric: [...], ordinal: [...], categorical: [...]}``.

    ``None`` uses ``df.attrs["persona_features"]`` (set on a study's validated survey) or, failing
    that, every column whose kind can be inferred except id-like ones; a list infers kinds; a dict
    gives them explicitly.

    Examples
    --------
    >>> df = pd.DataFrame({"age": [20.5, 30.1], "city": ["a", "b"]})
    >>> resolve_features(["age", "city"], df)
    {'numeric': ['age'], 'ordinal': [], 'categorical': ['city']}
    """
    if features is None:
        features = df.attrs.get("persona_features") or _default_columns(df)
    if isinstance(features, str):
        features = [features]
    if isinstance(features, dict):
        unknown = sorted(set(features) - set(KINDS))
        if unknown:
            raise ParameterError(f"`features` has kinds {preview(unknown)}; expected some of {list(KINDS)}.")
        spec = {kind: [str(c) for c in features.get(kind) or []] for kind in KINDS}
    else:
        spec = {kind: [] for kind in KINDS}
        for col in features:
            check_columns([col], df, source)
            spec[infer_kind(df[col])].append(str(col))
    check_columns([c for kind in KINDS for c in spec[kind]], df, source)
    if not any(spec.values()):
        raise ParameterError(f"{source}: no persona features given or found; pass `features=`.")
    return spec


def _default_columns(df: pd.DataFrame) -> list[str]:
    # Id-like columns (unique per row) would make every respondent a persona of one, and free text
    # (many distinct answers) describes nobody: keep numbers and categories of at most 30 levels.
    def usable(s: pd.Series) -> bool:
        if pd.api.types.is_numeric_dtype(s):
            return pd.api.types.is_float_dtype(s) or s.nunique(dropna=True) < len(s)
        return s.nunique(dropna=True) <= 30
    return [c for c in df.columns if usable(df[c])]


def check_columns(columns, df: pd.DataFrame, source: str) -> None:
    """Raise a :class:`DataError` naming the persona feature columns missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{source}: persona feature column(s) {preview(missing)} not found; "
                        f"the data has {preview(list(df.columns), 12)}.")


def learn_rules(df: pd.DataFrame, spec: dict, *, min_category_share: float, fence: float | None,
                source: str = "data") -> tuple[dict, dict, list[dict]]:
    """Learn the cleaning rules from the fitting data: kept features, fences, kept categories.

    Returns the spec without constant columns, the rules and the quality findings.
    """
    spec = {kind: list(cols) for kind, cols in spec.items()}
    rules, findings = {"fences": {}, "categories": {}}, []
    for kind in KINDS:
        for col in list(spec[kind]):
            values = _as_kind(df[col], kind, source)
            if values.nunique(dropna=True) <= 1:
                spec[kind].remove(col)
                findings.append(_finding(col, "constant column dropped", len(df), values.dropna().unique()[:1]))
            elif kind == "categorical":
                rules["categories"][col] = _kept_categories(values, min_category_share, findings, col)
            elif kind == "numeric" and fence is not None:
                rules["fences"][col] = _fences(values, fence)
    if not any(spec.values()):
        raise DataError(f"{source}: every persona feature is constant; nothing to cluster on.")
    return spec, rules, findings


def _kept_categories(values: pd.Series, min_share: float, findings: list, col: str) -> list[str]:
    shares = values.value_counts(normalize=True, dropna=True)
    rare = shares[shares < min_share]
    if len(rare):
        n = int(values.isin(rare.index).sum())
        findings.append(_finding(col, f"rare categories (< {min_share:.0%}) pooled as {OTHER!r}", n, rare.index))
    return sorted(str(v) for v in shares.index if v not in rare.index)


def _fences(values: pd.Series, k: float) -> tuple[float, float]:
    values = values.dropna()
    skewed = bool(len(values)) and values.min() >= 0 and _kelly_skew(values) > 0.2
    scale = np.log1p(values) if skewed else values
    q1, q3 = scale.quantile([0.25, 0.75])
    iqr = q3 - q1
    if iqr == 0:  # a spike of identical values: use the full range so nothing is flagged
        return float(values.min()), float(values.max())
    low, high = q1 - k * iqr, q3 + k * iqr
    return (float(np.expm1(low)), float(np.expm1(high))) if skewed else (float(low), float(high))


def _kelly_skew(values: pd.Series) -> float:
    # Percentile (Kelly) skewness: unlike the moment skewness, one wild value cannot make it large.
    p10, p50, p90 = values.quantile([0.1, 0.5, 0.9])
    return float((p90 + p10 - 2 * p50) / (p90 - p10)) if p90 > p10 else 0.0


def clean_features(df: pd.DataFrame, spec: dict, rules: dict, *, source: str = "data"
                   ) -> tuple[pd.DataFrame, list[dict]]:
    """Apply learned rules: implausible numbers to missing, rare or unseen categories to ``(other)``.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [1960., 1970, 1980, 1893], "m": ["a", "a", "a", "YOLO"]})
    >>> spec = {"numeric": ["year"], "ordinal": [], "categorical": ["m"]}
    >>> rules = {"fences": {"year": (1900., 2010.)}, "categories": {"m": ["a"]}}
    >>> clean_features(df, spec, rules)[0]["m"].tolist()
    ['a', 'a', 'a', '(other)']
    """
    out, findings = pd.DataFrame(index=df.index), []
    for kind in KINDS:
        for col in spec[kind]:
            values = _as_kind(df[col], kind, source)
            if col in rules["fences"]:
                low, high = rules["fences"][col]
                bad = values.notna() & ~values.between(low, high)
                if bad.any():
                    findings.append(_finding(col, f"implausible values outside [{low:g}, {high:g}] set to missing",
                                             int(bad.sum()), values[bad].unique()))
                    values = values.mask(bad)
            if col in rules["categories"]:
                keep = set(rules["categories"][col])
                values = values.where(values.isna() | values.isin(keep), OTHER)
            if values.isna().any():
                findings.append(_finding(col, "missing values imputed (median / most frequent)",
                                         int(values.isna().sum()), []))
            out[col] = values
    return out, findings


def _as_kind(series: pd.Series, kind: str, source: str) -> pd.Series:
    if kind == "categorical":
        return series.astype(str).astype(object).where(series.notna(), np.nan)
    converted = pd.to_numeric(series, errors="coerce")
    bad = series.notna() & converted.isna()
    if bad.any():
        raise DataError(f"{source}, column {series.name!r}: {kind} feature has non-numeric values "
                        f"{preview(series[bad].unique())} in rows {preview(list(series.index[bad]))}; "
                        "expected numbers (or declare the column categorical).")
    return converted.astype(float)


def _finding(column: str, rule: str, n: int, examples) -> dict:
    plain = [v.item() if isinstance(v, np.generic) else v for v in examples]
    return {"column": column, "rule": rule, "n": n, "examples": preview(plain) if plain else ""}


def make_preprocessor(spec: dict) -> ColumnTransformer:
    """The scikit-learn transformer that scales, imputes and one-hot encodes persona features.

    Examples
    --------
    >>> pre = make_preprocessor({"numeric": ["a"], "ordinal": [], "categorical": ["c"]})
    >>> pre.fit_transform(pd.DataFrame({"a": [1., 3.], "c": ["x", "y"]})).shape
    (2, 3)
    """
    scaled = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    # Unseen categories at predict time (a new city) encode as all zeros rather than failing.
    onehot = Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                       ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))])
    parts = [(kind, scaled, spec[kind]) for kind in ("numeric", "ordinal") if spec[kind]]
    if spec["categorical"]:
        parts.append(("categorical", onehot, spec["categorical"]))
    return ColumnTransformer(parts, verbose_feature_names_out=False)
