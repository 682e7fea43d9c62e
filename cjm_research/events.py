"""Event-log analytics: funnels, transitions, paths and sessions over touchpoint events.

:class:`EventLog` wraps one normalised Ibis table (see :mod:`cjm_research.io.events`). Every query
is written once as an Ibis expression and runs where the data is: in-process DuckDB by default,
or any Ibis connection passed as ``backend=`` (a local or remote PySpark session, for instance).
Only small results come back, as pandas frames.

Events of one customer are ordered by time; events with the same timestamp are ordered by event
name, so every engine gives the same transitions and paths.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"customer": ["a", "a", "b"], "event": ["view", "buy", "view"],
...                       "time": ["2026-01-01 10:00", "2026-01-01 11:00", "2026-01-02 09:00"]})
>>> log = read_events(frame, customer="customer", timestamp="time", event="event")
>>> log.funnel(["view", "buy"])[["step", "customers"]]
   step  customers
0  view          2
1   buy          1
"""

from __future__ import annotations

import pandas as pd

from .errors import ParameterError, check_choice
from .io import events as io_events

END = "(end)"


def read_events(source, *, customer: str, timestamp: str, event: str, channel: str | None = None,
                value: str | None = None, framework=None, lifecycle=None,
                lifecycle_column: str | None = None, backend=None) -> "EventLog":
    """Read an event log (CSV, Parquet or DataFrame) into an :class:`EventLog`.

    Parameters
    ----------
    source : str, Path or DataFrame
        The log. Files are read by the query engine itself, not through pandas.
    customer, timestamp, event, channel, value : str
        Column names. Timestamps may carry UTC offsets (mixed offsets are fine) or be epoch
        seconds; naive timestamps are taken as UTC.
    framework : JourneyFramework, optional
        Adds ``touchpoint`` and ``stage`` columns; unknown event names are listed in
        ``EventLog.unknown_events``.
    lifecycle : str, optional
        Keep only this lifecycle transition (e.g. ``"complete"``) when the log has a lifecycle
        column (``lifecycle:transition``, ``lifecycle`` or ``lifecycle_column``).
    backend : Ibis connection, optional
        Where queries run; default an in-process DuckDB.

    Examples
    --------
    >>> log = read_events("events.parquet", customer="customer_id", timestamp="timestamp",
    ...                   event="event", channel="channel")  # doctest: +SKIP
    """
    con = io_events.connect(backend)
    table, unknown = io_events.event_table(
        source, customer=customer, timestamp=timestamp, event=event, channel=channel, value=value,
        lifecycle=lifecycle, lifecycle_column=lifecycle_column, framework=framework, con=con)
    if con.name == "duckdb" and str(source).lower().endswith((".csv", ".tsv", ".txt")):
        table = _materialise(table, con)
    return EventLog(table, con, framework=framework, source=source, unknown_events=unknown)


def _materialise(table, con):
    """Store ``table`` in a DuckDB temporary table (CSV text is then parsed once, not per query)."""
    import uuid

    # Raw SQL because Ibis 12's own temp-table helpers emit DDL that DuckDB 2 rejects.
    name = f"cjm_events_{uuid.uuid4().hex}"
    con.raw_sql(f'CREATE TEMP TABLE "{name}" AS {con.compile(table)}')
    return con.table(name)


def _timedelta(value, name: str) -> pd.Timedelta | None:
    if value is None:
        return None
    try:
        delta = pd.Timedelta(value)
    except (ValueError, TypeError):
        raise ParameterError(f"The value for `{name}` must be a duration such as '7D', '30min' or "
                             f"a pandas Timedelta, but {value!r} was passed.") from None
    if delta <= pd.Timedelta(0):
        raise ParameterError(f"The value for `{name}` must be a positive duration, but {value!r} "
                             f"was passed.")
    return delta


def _interval(delta: pd.Timedelta):
    import ibis

    # Whole milliseconds: every engine supports millisecond intervals.
    return ibis.interval(milliseconds=int(delta / pd.Timedelta(milliseconds=1)))


class EventLog:
    """Touchpoint events of many customers, queried where they are stored.

    Build one with :func:`read_events`. Columns: ``customer``, ``timestamp`` (UTC), ``event``,
    ``channel``, ``value``, plus ``touchpoint`` and ``stage`` with a framework and ``persona``
    after :meth:`with_personas`.

    Attributes
    ----------
    framework : JourneyFramework or None
    unknown_events : list of str
        Event names the framework does not know (their touchpoint and stage are missing).
    backend : Ibis connection
    """

    def __init__(self, table, backend, *, framework=None, source=None, unknown_events=()):
        self._table = table
        self.backend = backend
        self.framework = framework
        self.source = source
        self.unknown_events = list(unknown_events)

    # ------------------------------------------------------------------ basics
    @property
    def table(self):
        """The normalised Ibis table (build your own queries on it)."""
        return self._table

    @property
    def columns(self) -> list[str]:
        return list(self._table.columns)

    def _run(self, expr) -> pd.DataFrame:
        return self.backend.to_pandas(expr)

    def _scalar(self, expr):
        return self.backend.execute(expr)

    def _derive(self, table) -> "EventLog":
        return EventLog(table, self.backend, framework=self.framework, source=self.source,
                        unknown_events=self.unknown_events)

    def to_pandas(self) -> pd.DataFrame:
        """All events as a pandas frame, ordered by customer and time."""
        ordered = self._table.order_by(["customer", "timestamp", "event"])
        return io_events.to_frame(ordered, self.backend).reset_index(drop=True)

    def __len__(self) -> int:
        return int(self._scalar(self._table.count()))

    @property
    def customers(self) -> pd.Index:
        """The distinct customer ids (sorted)."""
        ids = self._run(self._table.select("customer").distinct())["customer"]
        return pd.Index(sorted(ids.astype(str)), name="customer")

    @property
    def n_customers(self) -> int:
        return int(self._scalar(self._table.customer.nunique()))

    def __repr__(self) -> str:
        unknown = f", unknown_events={self.unknown_events}" if self.unknown_events else ""
        return f"EventLog(source={io_events._describe(self.source)!r}, backend={self.backend.name!r}{unknown})"

    # ------------------------------------------------------------------ helpers
    def _window(self, key: str = "customer"):
        import ibis

        return ibis.window(group_by=key, order_by=["timestamp", "event"])

    def _ordered(self):
        """Events with ``pos``: 0-based position in the customer's time-ordered journey."""
        import ibis

        return self._table.mutate(pos=ibis.row_number().over(self._window()))

    def _column(self, name: str, what: str) -> str:
        if name not in self._table.columns:
            hint = " (call .with_personas first)" if name == "persona" else ""
            raise ParameterError(f"The value for `{what}` must be a column of the event log "
                                 f"{self.columns}, but {name!r} was passed{hint}.")
        return name

    def _by(self, by) -> list[str]:
        if by is None:
            return []
        names = [by] if isinstance(by, str) else list(by)
        return [self._column(b, "by") for b in names]

    # ------------------------------------------------------------------ funnels
    def funnel(self, steps, *, within=None, by=None, on: str = "event") -> pd.DataFrame:
        """Ordered funnel: how many customers reach each step in order.

        A customer reaches step k when steps 1..k occur in that order, each at or after the
        previous one's time (a repeated step needs another event), and, with ``within``, all
        within that duration of step 1 (any occurrence of step 1 may start the funnel).

        Parameters
        ----------
        steps : list of str
            Event names (or touchpoints/stages with ``on=``), in funnel order.
        within : str or Timedelta, optional
            e.g. ``"7D"``.
        by : str, optional
            ``"channel"``, ``"persona"`` (after :meth:`with_personas`) or another column; the value
            at the customer's step-1 event is used.
        on : {"event", "touchpoint", "stage"}
            The column ``steps`` name.

        Returns
        -------
        DataFrame
            A row per step (per group): ``position``, ``step``, ``customers``,
            ``conversion_from_start`` and ``conversion_from_previous`` (percent), ``drop_off``
            (customers lost since the previous step).

        Examples
        --------
        >>> log.funnel(["product_view", "add_to_cart", "purchase"], within="7D")  # doctest: +SKIP
        """
        from .funnel import funnel_counts

        steps = self._steps(steps)
        key = self._column(on, "on")
        by_cols = self._by(by)
        counts = self._run(funnel_counts(self._ordered(), steps, key=key, by=by_cols,
                                         within=_timedelta(within, "within")))
        return _funnel_frame(counts, steps, by_cols)

    @staticmethod
    def _steps(steps) -> list[str]:
        if isinstance(steps, str) or not len(steps):
            raise ParameterError(f"The value for `steps` must be a non-empty list of event names, "
                                 f"but {steps!r} was passed.")
        return [str(s) for s in steps]

    # ------------------------------------------------------------------ flows
    def transitions(self, *, on: str = "event", by=None) -> pd.DataFrame:
        """Directly-follows counts: how often ``target`` comes right after ``source``.

        Returns ``source``, ``target``, ``count`` and ``probability`` (share of the transitions
        out of ``source``), most frequent first within each source.

        Examples
        --------
        >>> log.transitions().head()  # doctest: +SKIP
        """
        key = self._column(on, "on")
        by_cols = self._by(by)
        t = self._table
        t = t.mutate(source=t[key], target=t[key].lead().over(self._window()))
        pairs = t.filter(t.target.notnull() & t.source.notnull())
        counts = self._run(pairs.group_by([*by_cols, "source", "target"]).agg(count=pairs.count()))
        return _with_probability(counts, [*by_cols, "source"])

    def paths(self, top: int | None = 20, *, on: str = "event", sep: str = " > ") -> pd.DataFrame:
        """The most frequent journey variants (whole ordered sequences per customer).

        Returns ``path`` (steps joined by ``sep``), ``length``, ``customers`` and ``share``
        (of all customers, 0..1), most frequent first.

        Examples
        --------
        >>> log.paths(top=5)  # doctest: +SKIP
        """
        import ibis

        key = self._column(on, "on")
        t = self._ordered()
        # Position first so that sorting the collected structs sorts by time: a portable
        # stand-in for an ordered collect (which not every engine supports).
        per = t.group_by("customer").agg(steps=ibis.struct({"pos": t.pos, "step": t[key]}).collect())
        per = per.mutate(path=per.steps.sort().map(lambda s: s.step).join(sep),
                         length=per.steps.length())
        counts = per.group_by(["path", "length"]).agg(customers=per.count())
        total = int(self._scalar(self._table.customer.nunique()))
        result = counts.order_by([ibis.desc("customers"), "path"])
        result = self._run(result.limit(top) if top else result)
        result["share"] = result["customers"] / total
        return result.reset_index(drop=True)

    def sessions(self, gap="30min") -> pd.DataFrame:
        """Split each journey into sessions at inactivity gaps longer than ``gap``.

        Returns a row per session: ``customer``, ``session`` (1, 2, ... per customer), ``start``,
        ``end``, ``duration``, ``events``, ``channels`` (distinct), ``first_event``, ``last_event``.

        Examples
        --------
        >>> log.sessions(gap="30min").head()  # doctest: +SKIP
        """
        t = self._sessionised(_timedelta(gap, "gap"))
        summary = t.group_by(["customer", "session"]).agg(
            start=t.timestamp.min(), end=t.timestamp.max(), events=t.count(),
            channels=t.channel.nunique(),
            first_event=t.event.argmin(t.pos), last_event=t.event.argmax(t.pos))
        frame = self._run(summary.order_by(["customer", "session"]))
        frame["duration"] = frame["end"] - frame["start"]
        cols = ["customer", "session", "start", "end", "duration", "events", "channels",
                "first_event", "last_event"]
        return frame[cols]

    def _sessionised(self, gap: pd.Timedelta):
        import ibis

        t = self._ordered()
        prev = t.timestamp.lag().over(self._window())
        t = t.mutate(new=ibis.ifelse(prev.isnull() | (t.timestamp > prev + _interval(gap)), 1, 0))
        running = ibis.cumulative_window(group_by="customer", order_by=["timestamp", "event"])
        return t.mutate(session=t.new.sum().over(running)).drop("new")


def _with_probability(counts: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    counts = counts.sort_values([*group, "count", "target"], ascending=[True] * len(group) + [False, True])
    counts["count"] = counts["count"].astype("int64")
    counts["probability"] = counts["count"] / counts.groupby(group)["count"].transform("sum")
    return counts.reset_index(drop=True)


def _funnel_frame(counts: pd.DataFrame, steps: list[str], by: list[str]) -> pd.DataFrame:
    """Complete the per-step counts (missing steps reached by nobody) and add the rates."""
    index = pd.DataFrame({"position": range(1, len(steps) + 1), "step": steps})
    groups = counts[by].drop_duplicates() if by else pd.DataFrame(index=[0])
    grid = groups.merge(index, how="cross")
    frame = grid.merge(counts, on=[*by, "position"], how="left")
    frame["customers"] = frame["customers"].fillna(0).astype("int64")
    grouped = frame.groupby(by, sort=False)["customers"] if by else None
    first = grouped.transform("first") if by else frame["customers"].iloc[0]
    previous = (grouped.shift(1) if by else frame["customers"].shift(1)).fillna(frame["customers"])
    frame["conversion_from_start"] = 100 * frame["customers"] / first
    frame["conversion_from_previous"] = 100 * frame["customers"] / previous.where(previous > 0)
    frame["drop_off"] = (previous - frame["customers"]).astype("int64")
    frame = frame.sort_values([*by, "position"]).reset_index(drop=True)
    return frame[[*by, "position", "step", "customers", "conversion_from_start",
                  "conversion_from_previous", "drop_off"]]
