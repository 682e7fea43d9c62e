"""Reading YAML files with messages that name the file and the key."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import ConfigError


def read_yaml(path: str | Path) -> dict:
    """Read a YAML mapping, turning every parse or shape problem into a :class:`ConfigError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yml"
    >>> _ = p.write_text("a: 1")
    >>> read_yaml(p)
    {'a': 1}
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: file not found.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file (expected UTF-8 YAML).") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: invalid YAML{at}: {problem}.") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level, got {type(data).__name__}.")
    return data


def require(mapping: dict, key: str, path: str | Path, context: str = "", kind=None):
    """Return ``mapping[key]``, or raise a :class:`ConfigError` naming the file and key."""
    full = f"{context}.{key}" if context else key
    if key not in mapping or mapping[key] is None:
        raise ConfigError(f"{path}: missing required key {full!r}.")
    value = mapping[key]
    if kind is not None and not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{path}: key {full!r} must be a {names}, got {type(value).__name__}.")
    return value


def check_keys(mapping: dict, allowed, path: str | Path, key: str) -> None:
    """Raise a :class:`ConfigError` when ``mapping`` has entries outside ``allowed``.

    A misspelt key would otherwise be ignored silently and its setting lost.

    Examples
    --------
    >>> check_keys({"survey": "s.csv", "event": "e.csv"}, ["survey", "events"], "study.yml", "quarters.2026Q3")
    Traceback (most recent call last):
    ...
    cjm_research.core.errors.ConfigError: study.yml: key 'quarters.2026Q3' has unknown entries 'event'; expected survey, events.
    """
    from .errors import preview

    allowed = list(allowed)
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise ConfigError(f"{path}: key {key!r} has unknown entries {preview(unknown)}; "
                          f"expected {', '.join(allowed)}.")
