"""Touchpoint event logs: read CSV, Parquet, XES or a DataFrame into one normalised Ibis table.

Every event log, whatever its source, becomes a table with the standard columns of
docs/data-model.md: ``customer`` (string, so 19-digit ids stay exact), ``timestamp`` (UTC),
``event`` (string), ``channel`` (string or null) and ``value`` (float or null), plus
``touchpoint`` and ``stage`` when a journey framework is given. XES logs (see
:mod:`cjm_research.io.xes`) need no column names and keep their other attributes as columns
(``lifecycle:transition`` as ``lifecycle``, ``org:resource`` as ``resource``).

Events are stored once in journey order: ``pos`` numbers each customer's events by time, and
events with equal timestamps keep the order of their source (the file row, or the row of the
frame), as process-mining tools do; ``order_ties_by=`` orders them by another column first (a
sequence number, the lifecycle transition). The source row is numbered once at load, while the
file is scanned, so keeping this order costs one integer comparison per tie.

Files are read straight into the query engine (DuckDB by default, or any Ibis connection) rather
than through pandas, so a log larger than memory can still be analysed. Timestamps may carry mixed
UTC offsets (daylight saving changes inside one log) or be epoch seconds; naive timestamps are
taken as UTC. Bad logs raise one :class:`~cjm_research.core.errors.DataError` that names the file, the
column and the offending rows.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import DataError, ParameterError, preview
from . import xes

STANDARD = ("customer", "timestamp", "event", "channel", "value")
INTERNAL = ("pos", "next_event")  # stored with the events for the journey queries, never shown
LIFECYCLE_COLUMNS = ("lifecycle:transition", "lifecycle")
# The XES lifecycle model, in the order its transitions happen (``order_ties_by`` a lifecycle column).
LIFECYCLE_ORDER = ("schedule", "assign", "reassign", "start", "suspend", "resume", "autoskip",
                   "manualskip", "withdraw", "ate_abort", "pi_abort", "complete")
XES_COLUMNS = {"customer": "case:concept:name", "timestamp": "time:timestamp", "event": "concept:name"}
XES_RENAMES = {"lifecycle:transition": "lifecycle", "org:resource": "resource"}
ROW = "cjm_source_row"  # the source row (0-based), numbered once at load; never stored
_EPOCH = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"


def connect(backend=None):
    """The Ibis connection queries run on: ``backend`` itself, or a new in-process DuckDB.

    Examples
    --------
    >>> connect().name
    'duckdb'
    """
    import ibis

    if backend is None or backend == "duckdb":
        return ibis.duckdb.connect()
    if isinstance(backend, ibis.BaseBackend):
        return backend
    raise ParameterError(
        f"The value for `backend` must be None, 'duckdb' or an Ibis connection (e.g. "
        f"ibis.pyspark.connect(spark)), but {backend!r} was passed.")


def describe_source(source) -> str:
    """How error messages and reprs name an event source: its path, or "event DataFrame".

    Examples
    --------
    >>> describe_source("logs/q3.csv"), describe_source(pd.DataFrame())
    ('logs/q3.csv', 'event DataFrame')
    """
    return str(source) if isinstance(source, (str, Path)) else "event DataFrame"


def is_xes_source(source) -> bool:
    """True when ``source`` is the path of an XES log (``.xes`` or ``.xes.gz``)."""
    return isinstance(source, (str, Path)) and xes.is_xes(source)


def _raw_table(source, con):
    """Register ``source`` with ``con`` without converting anything yet (strings stay strings).

    The table gets :data:`ROW`, the 0-based row of each event in its source.
    """
    import ibis

    if isinstance(source, pd.DataFrame):
        return ibis.memtable(source.assign(**{ROW: np.arange(len(source), dtype="int64")}))
    if not isinstance(source, (str, Path)):
        raise DataError(f"Events must be a CSV, Parquet or XES path or a pandas DataFrame, "
                        f"but a {type(source).__name__} was passed.")
    path = Path(source)
    if not path.exists():
        raise DataError(f"{path}: event log not found.")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the event log is empty (0 bytes); expected a header and events.")
    if xes.is_xes(path):
        import pyarrow as pa

        events = xes.read_xes(path)
        return ibis.memtable(events.append_column(ROW, pa.array(np.arange(events.num_rows, dtype="int64"))))
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            if con.name == "duckdb":  # the reader numbers the rows itself, in parallel
                table = con.read_parquet(str(path), file_row_number=True)
                return table.rename({ROW: "file_row_number"}).mutate(**{ROW: ibis._[ROW].cast("int64")})
            return _numbered(con.read_parquet(str(path)), con)
        if suffix in (".csv", ".tsv", ".txt"):
            return _read_csv(path, con)
    except DataError:
        raise
    except Exception as exc:  # the engine's own message is long; keep its first line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot be read as an event log ({first}).") from None
    raise DataError(f"{path}: unknown event-log format {suffix!r}; expected .csv, .tsv, .parquet, "
                    f".xes or .xes.gz.")


def _numbered(table, con):
    """``table`` (a file scan) with :data:`ROW`, its rows numbered in the order they are read.

    DuckDB keeps the order of a scan (``preserve_insertion_order``, on by default), so a row
    number over the unordered scan is the file row; it is written in SQL because Ibis adds a
    window frame to ``row_number().over()``, which stops DuckDB from numbering while it streams.
    Spark's ``monotonically_increasing_id`` increases with the file offset within and across the
    partitions of one file.
    """
    import ibis

    if con.name == "pyspark":
        return table.mutate(**{ROW: _spark_row_id()})
    if con.name != "duckdb":
        return table.mutate(**{ROW: ibis.row_number().over()})
    # (A view through raw_sql: Ibis 12's con.sql cannot read a query's schema from DuckDB 2.)
    name = f"cjm_numbered_{uuid.uuid4().hex}"
    con.raw_sql(f'CREATE TEMP VIEW "{name}" AS SELECT *, row_number() OVER () - 1 AS "{ROW}" '
                f'FROM "{table.get_name()}"')
    return con.table(name)


def _spark_row_id():
    import ibis

    @ibis.udf.scalar.builtin(name="monotonically_increasing_id", signature=((), "int64"))
    def monotonically_increasing_id():
        ...

    return monotonically_increasing_id()


def _read_csv(path: Path, con):
    import ibis

    # Every column is read as text: ids must never pass through integers or floats, and
    # timestamps are parsed below with one rule for every engine.
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    if con.name == "duckdb":
        return _numbered(con.read_csv(str(path), all_varchar=True, delim=sep, header=True), con)
    if con.name == "pyspark":
        return _numbered(con.read_csv(str(path), inferSchema=False, sep=sep), con)
    frame = pd.read_csv(path, dtype=str, sep=sep, keep_default_na=False, na_values=[""])
    return ibis.memtable(frame.assign(**{ROW: np.arange(len(frame), dtype="int64")}))


def _check_columns(table, mapping: dict, where: str) -> None:
    missing = [col for col in mapping.values() if col is not None and col not in table.columns]
    if missing:
        raise DataError(f"{where}: missing column(s) {preview(missing)} in the event log; "
                        f"the columns are {preview([c for c in table.columns if c != ROW], limit=20)}.")


def _timestamp_expr(col):
    """Parse a timestamp column of any common type into a UTC timestamp (null when unparseable)."""
    import ibis

    dtype = col.type()
    if dtype.is_timestamp():
        return col if dtype.timezone else col.cast("timestamp('UTC')")
    if dtype.is_date():
        return col.cast("timestamp('UTC')")
    if dtype.is_numeric():
        return _from_epoch(col)
    text = col.cast("string").strip()
    is_epoch = text.re_search(_EPOCH)
    return ibis.ifelse(is_epoch, _from_epoch(text.try_cast("float64")),
                       text.try_cast("timestamp('UTC')"))


def _from_epoch(col):
    # Epoch seconds; milliseconds are kept for fractional values. Integer arithmetic avoids
    # engine-specific float-to-timestamp rules.
    # (Spark only converts whole seconds, so the milliseconds are added as an interval.)
    ms = (col.cast("float64") * 1000).round().cast("int64")
    return (ms // 1000).as_timestamp("s").cast("timestamp('UTC')") + (ms % 1000).as_interval("ms")


def _find_rows(raw, con, column: str, bad_values: list) -> list[int]:
    """1-based data rows holding ``bad_values`` (only runs when a log is already known to be bad)."""
    values = raw[column].cast("string")
    wanted = [str(v) for v in bad_values if v is not None]
    mask = values.isin(wanted) if wanted else None
    if None in bad_values:
        mask = values.isnull() if mask is None else (mask | values.isnull())
    rows = con.execute(raw.filter(mask).select(ROW).order_by(ROW).limit(5))[ROW]
    return [int(r) + 1 for r in rows]


def _check_parsed(table, raw, con, source, timestamp: str, customer: str, event: str, lifecycle) -> None:
    """Raise one DataError for an empty log or rows whose customer, event or timestamp is unusable."""
    where = describe_source(source)
    # One pass over the (already stored) events for every check.
    stats = con.execute(table.agg(n=table.count(), customer=table.customer.isnull().sum(),
                                  event=table.event.isnull().sum(),
                                  timestamp=table.timestamp.isnull().sum())).iloc[0]
    if int(stats["n"]) == 0:
        kept = f" after keeping lifecycle {lifecycle!r}" if lifecycle is not None else ""
        raise DataError(f"{where}: the event log has no events{kept}; expected at least one row.")
    for std, col in (("customer", customer), ("event", event)):
        if int(stats[std] or 0):
            rows = _find_rows(raw, con, col, [None])
            raise DataError(f"{where}, column {col!r}: {int(stats[std])} event(s) have no {std} "
                            f"(data rows {preview(rows)}); every event needs one.")
    n_bad = int(stats["timestamp"] or 0)
    if n_bad:
        parsed = raw.select(raw=raw[timestamp].cast("string"), ts=_timestamp_expr(raw[timestamp]))
        values = con.execute(parsed.filter(parsed.ts.isnull()).limit(5))["raw"].tolist()
        values = [None if pd.isna(v) else v for v in values]
        rows = _find_rows(raw, con, timestamp, values)
        raise DataError(
            f"{where}, column {timestamp!r}: {n_bad} timestamp(s) cannot be parsed, e.g. "
            f"{preview(values)} in data rows {preview(rows)}; expected ISO 8601 date-times "
            f"(with or without a UTC offset such as +02:00) or epoch seconds.")


def _lifecycle_filter(table, lifecycle, lifecycle_column):
    if lifecycle is None:
        return table
    column = lifecycle_column or next((c for c in LIFECYCLE_COLUMNS if c in table.columns), None)
    if column is None:  # logs without start/complete pairs record each event once
        return table
    keep = [lifecycle] if isinstance(lifecycle, str) else list(lifecycle)
    return table.filter(table[column].cast("string").lower().isin([k.lower() for k in keep]))


def event_table(source, *, customer: str | None = None, timestamp: str | None = None,
                event: str | None = None, channel: str | None = None, value: str | None = None,
                lifecycle=None, lifecycle_column: str | None = None, order_ties_by=None,
                framework=None, con=None):
    """Read an event log into a normalised Ibis table on ``con``, stored in journey order.

    ``customer``, ``timestamp`` and ``event`` name columns of ``source``; for an XES log they
    default to its standard keys and every other attribute is kept as a column. ``order_ties_by``
    (a column or list of columns) orders events with equal timestamps before the source order
    does (see :func:`cjm_research.events.log.read_events`).

    Returns
    -------
    (table, unknown_events)
        The table with the standard columns and, with a framework, the event names it does not
        know (they keep a null touchpoint and stage).
    """
    import ibis

    con = connect(con)
    where = describe_source(source)
    from_xes = is_xes_source(source)
    mapping = _mapping(dict(customer=customer, timestamp=timestamp, event=event, channel=channel,
                            value=value), from_xes)
    raw = _raw_table(source, con)
    ties = [order_ties_by] if isinstance(order_ties_by, str) else list(order_ties_by or [])
    _check_columns(raw, {**mapping, "lifecycle": lifecycle_column,
                         **{f"order_ties_by[{i}]": c for i, c in enumerate(ties)}}, where)
    raw = _lifecycle_filter(raw, lifecycle, lifecycle_column)
    extra = _xes_extras(raw, mapping) if from_xes else {}
    tie_keys = {f"cjm_tie_{i}": key for i, key in enumerate(
        k for c in ties for k in _tie_keys(raw[c], lifecycle=c in LIFECYCLE_COLUMNS or c == lifecycle_column))}
    table = raw.select(**_standard_columns(raw, mapping), **extra, **tie_keys, **{ROW: raw[ROW]})
    unknown: list[str] = []
    if framework is not None:
        table = _with_framework(table, framework)
    # Events are stored once, in journey order (pos = 0, 1, ... per customer by time; ties in
    # the order of the source, after ``order_ties_by``), with the customer's next event: every
    # check and every journey query then starts from the stored table instead of parsing the
    # file and sorting again. The next event comes from the same sort as pos, so it is almost
    # free here, while transitions would otherwise sort every event again.
    ties_first = [ibis.asc(table[k], nulls_first=False) for k in tie_keys]
    order = ibis.window(group_by="customer", order_by=["timestamp", *ties_first, ROW])
    table = table.mutate(pos=ibis.row_number().over(order), next_event=table.event.lead().over(order))
    # A column the log does not have (no value, no channel and no framework to fill it) is all
    # null: it is added back on top of the stored events rather than sorted and stored with them.
    absent = [c for c in ("channel", "value") if mapping[c] is None and not (c == "channel" and framework)]
    columns = table.columns
    stored = materialise(table.drop(ROW, *tie_keys, *absent), con)
    table = stored.select(*[stored[c] if c not in absent else ibis.null(table[c].type()).name(c)
                            for c in columns if c not in (ROW, *tie_keys)])
    _check_parsed(table, raw, con, source, mapping["timestamp"], mapping["customer"], mapping["event"],
                  lifecycle)
    if framework is not None:
        names = con.execute(table.select("event").distinct())["event"].dropna().tolist()
        unknown = sorted(n for n in names if n not in framework.event_map())
    return table, unknown


def _mapping(given: dict, from_xes: bool) -> dict:
    """Column names of the standard columns; XES logs have defaults for the required three."""
    mapping = dict(given)
    for std in ("customer", "timestamp", "event"):
        if mapping[std] is None:
            if not from_xes:
                raise ParameterError(f"The value for `{std}` must name a column of the event log "
                                     f"(only XES logs have default columns), but None was passed.")
            mapping[std] = XES_COLUMNS[std]
    return mapping


def _xes_extras(raw, mapping: dict) -> dict:
    """The XES attributes that are not standard columns, kept as they are (a few renamed)."""
    used = {c for c in mapping.values() if c is not None} | {ROW}
    # Engines compare column names without case (DuckDB): "Resource" and "resource" would clash.
    taken = {c.lower() for c in (*STANDARD, *INTERNAL, "touchpoint", "stage", "persona")}
    taken |= {c.lower() for c in raw.columns if c not in XES_RENAMES}
    extra = {}
    for col in raw.columns:
        if col in used:
            continue
        name = XES_RENAMES.get(col, col)
        if name != col and name.lower() in taken:
            name = col  # keep the XES key when the short name is taken
        elif name == col and name.lower() in {c.lower() for c in STANDARD}:
            continue  # e.g. an attribute called "value": the standard column wins
        if name.lower() not in {e.lower() for e in extra}:
            extra[name] = raw[col]
    return extra


def _tie_keys(col, *, lifecycle: bool) -> list:
    """Sort keys for ``order_ties_by``: numbers by value (also when stored as text), lifecycle
    transitions in the XES lifecycle order, other text alphabetically."""
    import ibis

    dtype = col.type()
    if dtype.is_numeric() or dtype.is_temporal() or dtype.is_boolean():
        return [col]
    text = col.cast("string")
    keys = [text.strip().try_cast("float64")]
    if lifecycle:
        keys.append(ibis.cases(*[(text.lower() == name, i) for i, name in enumerate(LIFECYCLE_ORDER)],
                               else_=ibis.null("int64")))
    return keys + [text]


def materialise(table, con, name: str | None = None):
    """Compute ``table`` once and keep it in the engine (temp table in DuckDB, cached view in Spark).

    DuckDB keeps temporary tables compressed and spills them to disk when memory runs short, so
    logs larger than memory still work; other engines get the query itself back. Only public
    Ibis API: ``create_table(temp=True)`` registers the in-memory frames the query refers to, as
    ``create_view`` does on Spark, where ``CACHE TABLE`` then stores the view's rows.
    """
    name = name or f"cjm_events_{uuid.uuid4().hex}"
    if con.name == "duckdb":
        return con.create_table(name, table, temp=True)
    if con.name == "pyspark":
        con.create_view(f"{name}_query", table)
        con.raw_sql(f"CACHE TABLE `{name}` AS SELECT * FROM `{name}_query`")
        return con.table(name)
    return table


def release(name: str, con) -> None:
    """Drop the table :func:`materialise` kept under ``name`` (and, on Spark, its cached rows)."""
    # Raw SQL: Ibis 12's drop_table emits DDL that DuckDB 2 rejects ("DROP TABLE IF EXISTS" with
    # no name), so the statement is written here, with the public raw_sql.
    if con.name == "duckdb":
        con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
    elif con.name == "pyspark":
        con.raw_sql(f"UNCACHE TABLE IF EXISTS `{name}`")
        con.raw_sql(f"DROP VIEW IF EXISTS `{name}`")
        con.raw_sql(f"DROP VIEW IF EXISTS `{name}_query`")


@contextmanager
def temporary(table, con):
    """:func:`materialise` for the length of a ``with`` block: the stored copy is dropped after it.

    For intermediate results of one query (the per-customer fingerprints of ``paths``), which
    would otherwise stay in the engine for as long as the connection lives.
    """
    name = f"cjm_temporary_{uuid.uuid4().hex}"
    stored = materialise(table, con, name)
    try:
        yield stored
    finally:
        if stored is not table:
            release(name, con)


def _standard_columns(raw, mapping: dict) -> dict:
    import ibis

    cust = raw[mapping["customer"]]
    if cust.type().is_floating():  # ids that went through floats: drop the spurious ".0"
        cust = cust.cast("int64")
    cols = {
        "customer": cust.cast("string"),
        "timestamp": _timestamp_expr(raw[mapping["timestamp"]]),
        "event": raw[mapping["event"]].cast("string"),
        "channel": (raw[mapping["channel"]].cast("string") if mapping["channel"]
                    else ibis.null("string")),
        "value": (raw[mapping["value"]].try_cast("float64") if mapping["value"]
                  else ibis.null("float64")),
    }
    return cols


def _with_framework(table, framework):
    """Add ``touchpoint`` and ``stage`` from the framework; fill missing channels from it."""
    import ibis

    emap = framework.event_map()
    lookup = ibis.memtable(pd.DataFrame({
        "__event": list(emap),
        "touchpoint": list(emap.values()),
        "stage": [framework.touchpoints[t].stage for t in emap.values()],
        "__fw_channel": [framework.touchpoints[t].channel for t in emap.values()],
    }))
    joined = table.left_join(lookup, table.event == lookup["__event"])
    joined = joined.mutate(channel=joined.channel.fill_null(joined["__fw_channel"]))
    return joined.drop("__event", "__fw_channel")


def to_frame(table, con) -> pd.DataFrame:
    """Execute ``table`` and give the standard pandas dtypes of docs/data-model.md."""
    if "pos" in table.columns:  # journey order: customer, then time
        table = table.order_by(["customer", "pos"])
    table = table.drop(*[c for c in INTERNAL if c in table.columns])
    frame = con.to_pandas(table)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True).astype("datetime64[ns, UTC]")
    for col in ("customer", "event", "channel", "touchpoint", "stage"):
        if col in frame:
            frame[col] = frame[col].astype("string")
    frame["value"] = frame["value"].astype("float64")
    return frame


def load_event_frame(source, *, customer: str | None = None, timestamp: str | None = None,
                     event: str | None = None, channel: str | None = None, value: str | None = None,
                     lifecycle=None, framework=None, lifecycle_column: str | None = None,
                     order_ties_by=None) -> pd.DataFrame:
    """Read an event log into the normalised pandas frame of docs/data-model.md.

    Parameters
    ----------
    source : str, Path or DataFrame
        A CSV/TSV, Parquet or XES (``.xes``, ``.xes.gz``) file, or a frame.
    customer, timestamp, event, channel, value : str
        Column names in ``source`` (an XES log needs none of them).
    lifecycle : str or list of str, optional
        Keep only events with this lifecycle transition (e.g. ``"complete"``) when the log has a
        lifecycle column (``lifecycle:transition`` or ``lifecycle``, or ``lifecycle_column``).
    framework : JourneyFramework, optional
        Adds ``touchpoint`` and ``stage``; fills a missing channel with the touchpoint's channel.
    order_ties_by : str or list of str, optional
        Orders events with equal timestamps before the source order does.

    Returns
    -------
    DataFrame
        Ordered by customer, then journey position (time; ties in source order).

    Examples
    --------
    >>> frame = pd.DataFrame({"id": [1, 1], "t": ["2026-01-01T10:00+07:00", "1767243600"],
    ...                       "ev": ["search", "purchase"]})
    >>> load_event_frame(frame, customer="id", timestamp="t", event="ev")["timestamp"].tolist()
    [Timestamp('2026-01-01 03:00:00+0000', tz='UTC'), Timestamp('2026-01-01 05:00:00+0000', tz='UTC')]
    """
    con = connect(None)
    table, _ = event_table(source, customer=customer, timestamp=timestamp, event=event,
                           channel=channel, value=value, lifecycle=lifecycle,
                           lifecycle_column=lifecycle_column, order_ties_by=order_ties_by,
                           framework=framework, con=con)
    return to_frame(table, con)


def ibis_interval(delta: pd.Timedelta):
    """An Ibis interval for a time window or gap, in whole milliseconds (every engine has them)."""
    import ibis

    return ibis.interval(milliseconds=int(delta / pd.Timedelta(milliseconds=1)))
