"""SPSS ``.sav`` / ``.zsav`` files through pyreadstat, with value labels and variable labels.

Value labels turn coded columns (1 = MALES, 2 = FEMALES) into categorical columns; the codes stay
available in ``attrs["value_labels"]``. Variable labels (often the full item wording of a Likert
question) become the column descriptions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import DataError, ParameterError, preview


def read_spss(path: Path, *, notes: list, **options) -> pd.DataFrame:
    """Read a ``.sav``/``.zsav`` file with value labels applied and variable labels as descriptions.

    Examples
    --------
    >>> import cjm_research as cjm
    >>> df = cjm.read_survey("pallant_survey.sav")          # doctest: +SKIP
    >>> df["sex"].cat.categories.tolist()                   # doctest: +SKIP
    ['MALES', 'FEMALES']
    """
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), **options)
    except TypeError as exc:
        raise ParameterError(f"invalid reader option for {path}: {exc}.") from None
    except Exception as exc:  # pyreadstat raises its own ReadstatError/PyreadstatError and OSError
        raise DataError(f"{path}: pyreadstat cannot read this SPSS file: {exc}.") from None
    if frame.empty:
        raise DataError(f"{path}: the SPSS file has no cases.")
    frame = apply_value_labels(frame, meta.variable_value_labels, notes)
    frame.attrs["descriptions"] = {c: t for c, t in meta.column_names_to_labels.items() if t}
    frame.attrs["reader"] = "spss"
    return frame


def apply_value_labels(frame: pd.DataFrame, labels: dict, notes: list) -> pd.DataFrame:
    """Replace codes by their labels where every observed code has one; keep codes in attrs.

    A column with an unlabelled code (for example a Likert item labelled only at its ends) keeps
    its numbers, since mapping would turn the unlabelled answers into missing values.

    Examples
    --------
    >>> df = pd.DataFrame({"sex": [1.0, 2.0, 1.0]})
    >>> apply_value_labels(df, {"sex": {1.0: "M", 2.0: "F"}}, [])["sex"].tolist()
    ['M', 'F', 'M']
    """
    out, applied = frame.copy(), []
    for col, mapping in labels.items():
        unlabelled = sorted(set(out[col].dropna().unique()) - set(mapping))
        if unlabelled:
            notes.append(f"kept {col!r} as codes: values {preview(unlabelled)} have no value label")
            continue
        categories = list(dict.fromkeys(mapping[k] for k in sorted(mapping)))
        out[col] = pd.Categorical(out[col].map(mapping), categories=categories)
        applied.append(col)
    if applied:
        notes.append(f"applied SPSS value labels to {len(applied)} column(s)")
    out.attrs["value_labels"] = {col: dict(mapping) for col, mapping in labels.items()}
    return out
