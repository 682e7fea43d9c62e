"""XES event logs (IEEE 1849, the exchange format of process-mining tools), read as a stream.

:func:`read_xes` turns a ``.xes`` or ``.xes.gz`` file into a pyarrow table with one row per event,
in document order. The file is parsed with :func:`xml.etree.ElementTree.iterparse` and every trace
is cleared once its events are written out, so memory holds one trace at a time plus the columns
built so far (as Arrow arrays, in batches): a 100 MB log needs a fraction of that, not ten times.

Columns follow the naming pm4py uses, so an XES file and its CSV export have the same columns:
event attributes keep their key (``concept:name``, ``time:timestamp``, ``lifecycle:transition``,
``org:resource``, ``amount``...), trace attributes get a ``case:`` prefix (``case:concept:name``).
``int`` and ``float`` attributes become numbers and ``boolean`` ones booleans; dates and strings
stay text (timestamps are parsed by :mod:`cjm_research.io.events`, with one rule for every format).
Log-level attributes, ``global`` defaults, classifiers and nested attribute values are not events
and are left out.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.xes"
>>> _ = path.write_text('<log><trace><string key="concept:name" value="c1"/>'
...     '<event><string key="concept:name" value="register"/>'
...     '<date key="time:timestamp" value="2026-01-01T10:00:00+07:00"/><int key="cost" value="5"/></event>'
...     '</trace></log>')
>>> read_xes(path).to_pylist()
[{'case:concept:name': 'c1', 'concept:name': 'register', 'time:timestamp': '2026-01-01T10:00:00+07:00', 'cost': 5}]
"""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

from ..core.errors import DataError

ATTRIBUTE_TYPES = {"string": "string", "date": "string", "id": "string", "int": "int64",
                   "float": "float64", "boolean": "bool"}
BATCH = 100_000  # events per Arrow batch: Python objects never hold more than this many rows


def is_xes(path) -> bool:
    """True for ``.xes`` and ``.xes.gz`` paths.

    Examples
    --------
    >>> is_xes("log.XES.gz"), is_xes("log.csv")
    (True, False)
    """
    name = Path(path).name.lower()
    return name.endswith(".xes") or name.endswith(".xes.gz")


def read_xes(path):
    """Events of an XES file as a pyarrow table (one row per event, in the file's order).

    Raises
    ------
    DataError
        The file is not well-formed XML, its root is not ``<log>``, or it holds no event.
    """
    import pyarrow as pa

    path = Path(path)
    batches, types, rows = [], {}, []
    try:
        with (gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")) as stream:
            for event in _events(stream, path, types):
                rows.append(event)
                if len(rows) >= BATCH:
                    batches.append(_batch(rows, types))
                    rows = []
    except ParseError as exc:
        raise DataError(f"{path}: not a readable XES event log ({exc}); expected well-formed XML "
                        f"with a <log> of <trace> and <event> elements.") from None
    except (OSError, EOFError) as exc:  # a truncated or non-gzip .gz
        raise DataError(f"{path}: cannot be read as an XES event log ({exc}).") from None
    if rows:
        batches.append(_batch(rows, types))
    if not batches:
        raise DataError(f"{path}: the XES log has no <event> inside a <trace>; expected at least one.")
    table = pa.concat_tables(batches, promote_options="default")
    return pa.table({name: _typed(table[name], types.get(name, "string")) for name in table.column_names})


def _events(stream, path: Path, types: dict):
    """Yield one dict per event (trace attributes prefixed ``case:``), trace by trace."""
    root, depth, events = None, 0, []
    for kind, elem in iterparse(stream, events=("start", "end")):
        tag = elem.tag.rsplit("}", 1)[-1]  # XES files may declare the xes-standard namespace
        if kind == "start":
            if root is None:
                if tag != "log":
                    raise DataError(f"{path}: not an XES event log; the root element is <{tag}>, "
                                    f"expected <log>.")
                root = elem
            depth += 1
            continue
        depth -= 1
        if tag == "event" and depth == 2:
            events.append(_attributes(elem, types))
            elem.clear()
        elif tag == "trace" and depth == 1:
            case = {f"case:{k}": v for k, v in _attributes(elem, types, prefix="case:").items()}
            for event in events:
                yield {**case, **event}
            events = []
            root.clear()  # drops the finished trace: memory holds one trace at a time


def _attributes(elem, types: dict, prefix: str = "") -> dict:
    """The element's own attributes (key -> value); nested values and events are skipped."""
    values = {}
    for child in elem:
        kind = child.tag.rsplit("}", 1)[-1]
        key = child.get("key")
        if kind not in ATTRIBUTE_TYPES or key is None:
            continue
        column = prefix + key
        wanted = ATTRIBUTE_TYPES[kind]
        # One column, one type: a key written as int in one event and string in another is text.
        types[column] = wanted if types.get(column, wanted) == wanted else "string"
        values[key] = child.get("value")
    return values


def _batch(rows: list[dict], types: dict):
    import pyarrow as pa

    names = list(dict.fromkeys(k for row in rows for k in row))
    return pa.table({name: pa.array([row.get(name) for row in rows], type=pa.string()) for name in names})


def _typed(column, kind: str):
    """The text column cast to its XES type; a value that does not fit keeps the column as text."""
    import pyarrow as pa

    if kind == "string":
        return column
    try:
        return column.cast({"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}[kind])
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return column
