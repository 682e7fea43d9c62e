"""Touchpoint event logs: read CSV, Parquet or a DataFrame into one normalised Ibis table.

Every event log, whatever its source, becomes a table with the standard columns of
docs/data-model.md: ``customer`` (string, so 19-digit ids stay exact), ``timestamp`` (UTC),
``event`` (string), ``channel`` (string or null) and ``value`` (float or null), plus
``touchpoint`` and ``stage`` when a journey framework is given.

Files are read straight into the query engine (DuckDB by default, or any Ibis connection) rather
than through pandas, so a log larger than memory can still be analysed. Timestamps may carry mixed
UTC offsets (daylight saving changes inside one log) or be epoch seconds; naive timestamps are
taken as UTC. Bad logs raise one :class:`~cjm_research.core.errors.DataError` that names the file, the
column and the offending rows.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ..core.errors import DataError, ParameterError, preview

STANDARD = ("customer", "timestamp", "event", "channel", "value")
INTERNAL = ("pos", "next_event")  # stored with the events for the journey queries, never shown
LIFECYCLE_COLUMNS = ("lifecycle:transition", "lifecycle")
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


def _describe(source) -> str:
    return str(source) if isinstance(source, (str, Path)) else "event DataFrame"


def _raw_table(source, con):
    """Register ``source`` with ``con`` without converting anything yet (strings stay strings)."""
    import ibis

    if isinstance(source, pd.DataFrame):
        return ibis.memtable(source)
    if not isinstance(source, (str, Path)):
        raise DataError(f"Events must be a CSV or Parquet path or a pandas DataFrame, "
                        f"but a {type(source).__name__} was passed.")
    path = Path(source)
    if not path.exists():
        raise DataError(f"{path}: event log not found.")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the event log is empty (0 bytes); expected a header and events.")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return con.read_parquet(str(path))
        if suffix in (".csv", ".tsv", ".txt"):
            return _read_csv(path, con)
    except DataError:
        raise
    except Exception as exc:  # the engine's own message is long; keep its first line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot be read as an event log ({first}).") from None
    raise DataError(f"{path}: unknown event-log format {suffix!r}; expected .csv, .tsv or .parquet.")


def _read_csv(path: Path, con):
    import ibis

    # Every column is read as text: ids must never pass through integers or floats, and
    # timestamps are parsed below with one rule for every engine.
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    if con.name == "duckdb":
        return con.read_csv(str(path), all_varchar=True, delim=sep, header=True)
    if con.name == "pyspark":
        return con.read_csv(str(path), inferSchema=False, sep=sep)
    return ibis.memtable(pd.read_csv(path, dtype=str, sep=sep, keep_default_na=False,
                                     na_values=[""]))


def _check_columns(table, mapping: dict, where: str) -> None:
    missing = [col for col in mapping.values() if col is not None and col not in table.columns]
    if missing:
        raise DataError(f"{where}: missing column(s) {preview(missing)} in the event log; "
                        f"the columns are {preview(table.columns, limit=20)}.")


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


def _find_rows(source, column: str, bad_values: list) -> list[int]:
    """1-based data rows holding ``bad_values`` (only runs when a log is already known to be bad)."""
    if isinstance(source, pd.DataFrame):
        values = source[column].astype("string")
    elif Path(source).suffix.lower() in (".parquet", ".pq"):
        values = pd.read_parquet(source, columns=[column])[column].astype("string")
    else:
        sep = "\t" if Path(source).suffix.lower() == ".tsv" else ","
        values = pd.read_csv(source, usecols=[column], dtype=str, sep=sep, keep_default_na=False,
                             na_values=[""])[column]
    wanted = {str(v) for v in bad_values if v is not None}
    mask = values.isin(wanted) | (values.isna() if None in bad_values else False)
    return [int(i) + 1 for i in mask.to_numpy().nonzero()[0][:5]]


def _check_parsed(table, raw, con, source, timestamp: str, customer: str, event: str, lifecycle) -> None:
    """Raise one DataError for an empty log or rows whose customer, event or timestamp is unusable."""
    where = _describe(source)
    # One pass over the (already stored) events for every check.
    stats = con.execute(table.agg(n=table.count(), customer=table.customer.isnull().sum(),
                                  event=table.event.isnull().sum(),
                                  timestamp=table.timestamp.isnull().sum())).iloc[0]
    if int(stats["n"]) == 0:
        kept = f" after keeping lifecycle {lifecycle!r}" if lifecycle is not None else ""
        raise DataError(f"{where}: the event log has no events{kept}; expected at least one row.")
    for std, col in (("customer", customer), ("event", event)):
        if int(stats[std] or 0):
            rows = _find_rows(source, col, [None])
            raise DataError(f"{where}, column {col!r}: {int(stats[std])} event(s) have no {std} "
                            f"(data rows {preview(rows)}); every event needs one.")
    n_bad = int(stats["timestamp"] or 0)
    if n_bad:
        parsed = raw.select(raw=raw[timestamp].cast("string"), ts=_timestamp_expr(raw[timestamp]))
        values = con.execute(parsed.filter(parsed.ts.isnull()).limit(5))["raw"].tolist()
        values = [None if pd.isna(v) else v for v in values]
        rows = _find_rows(source, timestamp, values)
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


def event_table(source, *, customer: str, timestamp: str, event: str, channel: str | None = None,
                value: str | None = None, lifecycle=None, lifecycle_column: str | None = None,
                framework=None, con=None):
    """Read an event log into a normalised Ibis table on ``con`` (validated, not yet executed).

    Returns
    -------
    (table, unknown_events)
        The table with the standard columns and, with a framework, the event names it does not
        know (they keep a null touchpoint and stage).
    """
    import ibis

    con = connect(con)
    where = _describe(source)
    raw = _raw_table(source, con)
    mapping = {"customer": customer, "timestamp": timestamp, "event": event, "channel": channel,
               "value": value}
    _check_columns(raw, {**mapping, "lifecycle": lifecycle_column}, where)
    raw = _lifecycle_filter(raw, lifecycle, lifecycle_column)
    table = raw.select(**_standard_columns(raw, mapping))
    unknown: list[str] = []
    if framework is not None:
        table = _with_framework(table, framework)
    # Events are stored once, in journey order (pos = 0, 1, ... per customer by time, ties by
    # event name), with the customer's next event: every check and every journey query then
    # starts from the stored table instead of parsing the file and sorting again. The next event
    # comes from the same sort as pos, so it is almost free here, while transitions would
    # otherwise sort every event again.
    order = ibis.window(group_by="customer", order_by=["timestamp", "event"])
    table = materialise(table.mutate(pos=ibis.row_number().over(order),
                                     next_event=table.event.lead().over(order)), con)
    _check_parsed(table, raw, con, source, timestamp, customer, event, lifecycle)
    if framework is not None:
        names = con.execute(table.select("event").distinct())["event"].dropna().tolist()
        unknown = sorted(n for n in names if n not in framework.event_map())
    return table, unknown


def materialise(table, con):
    """Compute ``table`` once and keep it in the engine (temp table in DuckDB, cached view in Spark).

    DuckDB keeps temporary tables compressed and spills them to disk when memory runs short, so
    logs larger than memory still work; other engines get the query itself back.
    """
    import uuid

    name = f"cjm_events_{uuid.uuid4().hex}"
    sql = con.compile(table)
    con._run_pre_execute_hooks(table)  # registers in-memory frames the SQL refers to
    # Raw SQL because Ibis 12's temp-table helpers emit DDL that DuckDB 2 rejects.
    if con.name == "duckdb":
        con.raw_sql(f'CREATE TEMP TABLE "{name}" AS {sql}')
        return con.table(name)
    if con.name == "pyspark":
        frame = con._session.sql(sql)
        frame.cache().createOrReplaceTempView(name)
        return con.table(name)
    return table


@contextmanager
def temporary(table, con):
    """:func:`materialise` for the length of a ``with`` block: the stored copy is dropped after it.

    For intermediate results of one query (the per-customer fingerprints of ``paths``), which
    would otherwise stay in the engine for as long as the connection lives.
    """
    stored = materialise(table, con)
    try:
        yield stored
    finally:
        if stored is not table:
            name = stored.get_name()
            if con.name == "duckdb":
                con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
            elif con.name == "pyspark":
                con._session.catalog.dropTempView(name)  # uncaches it too


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
    return joined.select(*STANDARD, "touchpoint", "stage")


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


def load_event_frame(source, *, customer: str, timestamp: str, event: str, channel: str | None = None,
                     value: str | None = None, lifecycle=None, framework=None,
                     lifecycle_column: str | None = None) -> pd.DataFrame:
    """Read an event log into the normalised pandas frame of docs/data-model.md.

    Parameters
    ----------
    source : str, Path or DataFrame
        A CSV/TSV or Parquet file, or a frame.
    customer, timestamp, event, channel, value : str
        Column names in ``source``.
    lifecycle : str or list of str, optional
        Keep only events with this lifecycle transition (e.g. ``"complete"``) when the log has a
        lifecycle column (``lifecycle:transition`` or ``lifecycle``, or ``lifecycle_column``).
    framework : JourneyFramework, optional
        Adds ``touchpoint`` and ``stage``; fills a missing channel with the touchpoint's channel.

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
                           lifecycle_column=lifecycle_column, framework=framework, con=con)
    return to_frame(table, con)


def interval(delta: pd.Timedelta):
    """An Ibis interval for a time window or gap, in whole milliseconds (every engine has them)."""
    import ibis

    return ibis.interval(milliseconds=int(delta / pd.Timedelta(milliseconds=1)))
