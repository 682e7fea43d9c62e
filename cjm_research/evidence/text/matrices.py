"""Mixed-methods tables of coded interviews: case x code matrices and code co-occurrence.

Both are tidy frames (one row per cell), computed per group (``by="persona"``, ``by="stage"`` or
both), so they join survey results by persona or stage and draw with
:mod:`cjm_research.viz.interviews`. A zero in the case x code matrix is measured: the participant
was interviewed and never coded with that code.
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import pandas as pd

from ...core.errors import DataError, ParameterError, preview


def _columns(value, name: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ParameterError(f"`{name}` must be a column name or a list of column names, but "
                             f"{value!r} was passed.")
    return list(value)


def _long_codes(data: pd.DataFrame, code, keys: list[str]) -> pd.DataFrame:
    """One row per (keys..., code): codes from one or several columns (pain_point, gain, ...)."""
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"`data` must be a DataFrame of coded excerpts, but a "
                             f"{type(data).__name__} was passed.")
    codes = _columns(code, "code")
    if not codes:
        raise ParameterError("`code` must name at least one column of codes.")
    missing = [c for c in [*codes, *keys] if c not in data.columns]
    if missing:
        raise DataError(f"coded excerpts: column(s) {preview(missing)} not found; the frame has "
                        f"{preview(data.columns, limit=14)}.")
    parts = [data[keys].assign(code=data[c]) for c in codes]
    long = pd.concat(parts, ignore_index=True).dropna(subset=["code"])
    long["code"] = long["code"].astype(str)
    return long


def case_code_matrix(data: pd.DataFrame, *, code="pain_point", case: str = "participant",
                     by=None) -> pd.DataFrame:
    """Participants x codes: how often each case was coded with each code, and whether at all.

    Parameters
    ----------
    data : DataFrame
        Coded excerpts (``study.interviews``, a coding session's excerpts, ``cjm.read_qdpx``).
    code : str or list of str
        Column(s) holding the codes: ``pain_point`` (default), ``gain``, ``code``, or several.
    case : str
        The case column (default ``participant``).
    by : str or list of str, optional
        Group columns (``persona``, ``stage``): one matrix per group.

    Returns
    -------
    DataFrame
        by-columns, ``case``, ``code``, ``count`` (excerpts) and ``present`` (0/1), one row for
        every case of the group and every code of the data (zeros included).

    Examples
    --------
    >>> ex = pd.DataFrame({"participant": ["A", "A", "B"], "stage": ["decision"] * 3,
    ...                    "pain_point": ["payment_failed", "payment_failed", "hidden_costs"]})
    >>> m = case_code_matrix(ex)
    >>> m.pivot(index="case", columns="code", values="count").values.tolist()
    [[0, 2], [1, 0]]
    >>> m["present"].tolist()
    [0, 1, 1, 0]
    """
    groups = _columns(by, "by")
    long = _long_codes(data, code, [*groups, case]).dropna(subset=[case])
    cases = data[[*groups, case]].dropna().drop_duplicates().reset_index(drop=True)
    codes = sorted(long["code"].unique())
    counts = long.groupby([*groups, case, "code"]).size()
    grid = cases.merge(pd.DataFrame({"code": codes}), how="cross")
    grid["count"] = [int(counts.get(tuple(k), 0)) for k in grid[[*groups, case, "code"]].itertuples(index=False)]
    grid["present"] = (grid["count"] > 0).astype(int)
    grid = grid.rename(columns={case: "case"})
    return grid.sort_values([*groups, "case", "code"]).reset_index(drop=True)


def code_cooccurrence(data: pd.DataFrame, *, code="pain_point", unit="participant",
                      by=None) -> pd.DataFrame:
    """How often two codes are found in the same unit (participant, or one turn), per group.

    Parameters
    ----------
    data : DataFrame
        Coded excerpts.
    code : str or list of str
        Column(s) holding the codes.
    unit : str or list of str
        What "together" means: the same ``participant`` (default) or e.g.
        ``["participant", "turn"]`` for the same turn of a coding session.
    by : str or list of str, optional
        Group columns (``persona``, ``stage``).

    Returns
    -------
    DataFrame
        by-columns, ``code_a``, ``code_b`` (each pair once, ``code_a <= code_b``; the diagonal is
        the number of units with the code), ``count`` (units with both), ``units`` (units in the
        group) and ``jaccard`` (count / units with either, 0..1).

    Examples
    --------
    >>> ex = pd.DataFrame({"participant": ["A", "A", "B", "B"],
    ...                    "pain_point": ["late", "refund", "late", "late"]})
    >>> code_cooccurrence(ex)[["code_a", "code_b", "count", "jaccard"]].values.tolist()
    [['late', 'late', 2, 1.0], ['late', 'refund', 1, 0.5], ['refund', 'refund', 1, 1.0]]
    """
    groups, units = _columns(by, "by"), _columns(unit, "unit")
    long = _long_codes(data, code, [*groups, *units]).dropna(subset=units)
    codes = sorted(long["code"].unique())
    rows = []
    for key, part in (long.groupby(groups, sort=True) if groups else [((), long)]):
        key = key if isinstance(key, tuple) else (key,)
        sets = part.groupby(units)["code"].agg(lambda s: frozenset(s))
        n_units = int(data[[*groups, *units]].dropna().pipe(
            lambda d: d[(d[groups] == pd.Series(key, index=groups)).all(axis=1)] if groups else d)
            .drop_duplicates().shape[0])
        for a, b in combinations_with_replacement(codes, 2):
            both = sum(1 for s in sets if a in s and b in s)
            either = sum(1 for s in sets if a in s or b in s)
            rows.append({**dict(zip(groups, key)), "code_a": a, "code_b": b, "count": both,
                         "units": n_units, "jaccard": both / either if either else 0.0})
    return pd.DataFrame(rows, columns=[*groups, "code_a", "code_b", "count", "units", "jaccard"])
