"""Exceptions for user errors.

Every problem with a user's input is raised as a :class:`CJMError` subclass whose message names the
file, the column or key, the offending values and what was expected. The command line prints the
message alone (no traceback) and exits 1; notebooks show it as one readable line.
"""

from __future__ import annotations

from pathlib import Path


class CJMError(Exception):
    """Base class of every error the user can fix by changing an input."""


class DataError(CJMError):
    """A data file (survey, interviews, events) cannot be used as it is."""


class ConfigError(CJMError):
    """A YAML file (framework, study, future state, persona spec) is invalid."""


class ParameterError(CJMError, ValueError):
    """A function was called with an argument outside its allowed values."""


def where(path: str | Path | None, column: str | None = None, key: str | None = None) -> str:
    """Format the location part of an error message.

    Examples
    --------
    >>> where("survey.csv", column="nps")
    "survey.csv, column 'nps'"
    """
    parts = [str(path)] if path is not None else []
    if column is not None:
        parts.append(f"column {column!r}")
    if key is not None:
        parts.append(f"key {key!r}")
    return ", ".join(parts) if parts else "input"


def check_choice(name: str, value, allowed) -> None:
    """Raise the seaborn-style message when ``value`` is not one of ``allowed``.

    Examples
    --------
    >>> check_choice("method", "kmeans", ["kmeans", "gmm"])
    >>> check_choice("method", "kmean", ["kmeans", "gmm"])
    Traceback (most recent call last):
    ...
    cjm_research.core.errors.ParameterError: The value for `method` must be one of ['kmeans', 'gmm'], but 'kmean' was passed.
    """
    allowed = list(allowed)
    if value not in allowed:
        raise ParameterError(
            f"The value for `{name}` must be one of {allowed!r}, but {value!r} was passed."
        )


def preview(values, limit: int = 5) -> str:
    """Show at most ``limit`` offending values, with a count of the rest.

    Examples
    --------
    >>> preview(["a", "b", "c"], limit=2)
    "'a', 'b' (+1 more)"
    """
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    rest = len(values) - limit
    return shown + (f" (+{rest} more)" if rest > 0 else "")
