"""Event-log analytics: funnels, transitions, paths and sessions over touchpoint events.

:class:`EventLog` wraps one normalised Ibis table (see :mod:`cjm_research.io.events`). Every query
is written once as an Ibis expression and runs where the data is: in-process DuckDB by default,
or any Ibis connection passed as ``backend=`` (a local or remote PySpark session, for instance).
Only small results come back, as pandas frames.

Events of one customer are ordered by time; events with equal timestamps keep the order of their
source (the file row, or ``read_events(..., order_ties_by=COLUMN)`` first), as pm4py, ProM and
bupaR keep it, so every engine gives the same transitions and paths as those tools.

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

import difflib
import warnings

import pandas as pd

from ..core.errors import ParameterError, check_choice, preview
from ..io import events as io_events


def read_events(source, *, customer: str | None = None, timestamp: str | None = None,
                event: str | None = None, channel: str | None = None, value: str | None = None,
                framework=None, lifecycle=None, lifecycle_column: str | None = None,
                order_ties_by=None, backend=None) -> "EventLog":
    """Read an event log (CSV, Parquet, XES or DataFrame) into an :class:`EventLog`.

    Parameters
    ----------
    source : str, Path or DataFrame
        The log. CSV and Parquet files are read by the query engine itself, not through pandas;
        XES files (``.xes``, ``.xes.gz``) are parsed as a stream.
    customer, timestamp, event, channel, value : str
        Column names (required, except for XES logs: there ``customer`` is
        ``case:concept:name``, ``event`` is ``concept:name`` and ``timestamp`` is
        ``time:timestamp``, ``lifecycle:transition`` becomes ``lifecycle``, ``org:resource``
        becomes ``resource`` and every other attribute is kept as a column). Timestamps may
        carry UTC offsets (mixed offsets are fine) or be epoch seconds; naive timestamps are
        taken as UTC.
    framework : JourneyFramework, optional
        Adds ``touchpoint`` and ``stage`` columns; unknown event names are listed in
        ``EventLog.unknown_events``.
    lifecycle : str, optional
        Keep only this lifecycle transition (e.g. ``"complete"``) when the log has a lifecycle
        column (``lifecycle:transition``, ``lifecycle`` or ``lifecycle_column``).
    order_ties_by : str or list of str, optional
        Events of one customer with equal timestamps keep the order of the source (file row,
        frame row, XES document order). Name a column here (a sequence number, the lifecycle
        transition) to order such ties by it first: numbers by value (also when stored as
        text), lifecycle transitions in the XES lifecycle order (``start`` before
        ``complete``), other text alphabetically, missing values last; what is still tied keeps
        the source order.
    backend : Ibis connection, optional
        Where queries run; default an in-process DuckDB.

    Examples
    --------
    >>> log = read_events("events.parquet", customer="customer_id", timestamp="timestamp",
    ...                   event="event", channel="channel")  # doctest: +SKIP
    >>> log = read_events("BPI_Challenge_2012.xes.gz")  # doctest: +SKIP
    """
    con = io_events.connect(backend)
    table, unknown = io_events.event_table(
        source, customer=customer, timestamp=timestamp, event=event, channel=channel, value=value,
        lifecycle=lifecycle, lifecycle_column=lifecycle_column, order_ties_by=order_ties_by,
        framework=framework, con=con)
    return EventLog(table, con, framework=framework, source=source, unknown_events=unknown)


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
        self._ordered_table = None

    # ------------------------------------------------------------------ basics
    @property
    def table(self):
        """The normalised Ibis table (build your own queries on it)."""
        return self._table

    @property
    def columns(self) -> list[str]:
        """The event columns (the stored journey position and next event are internal)."""
        return [c for c in self._table.columns if c not in io_events.INTERNAL]

    def _run(self, expr) -> pd.DataFrame:
        return self.backend.to_pandas(expr)

    def _scalar(self, expr):
        return self.backend.execute(expr)

    def _derive(self, table) -> "EventLog":
        return EventLog(table, self.backend, framework=self.framework, source=self.source,
                        unknown_events=self.unknown_events)

    def to_pandas(self) -> pd.DataFrame:
        """The normalised events as a pandas frame, in journey order.

        Ordered by customer, then time, ties in the order of the source (or ``order_ties_by``),
        with the standard columns (``customer``, ``timestamp`` in UTC, ``event``, ``channel``,
        ``value``), ``touchpoint`` and ``stage`` with a framework, ``persona`` after
        :meth:`with_personas`, and an XES log's other attributes.

        Examples
        --------
        >>> log.to_pandas().head()  # doctest: +SKIP
        """
        return io_events.to_frame(self._ordered(), self.backend).reset_index(drop=True)

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
        return f"EventLog(source={io_events.describe_source(self.source)!r}, backend={self.backend.name!r}{unknown})"

    # ------------------------------------------------------------------ helpers
    def _window(self, key: str = "customer"):
        import ibis

        return ibis.window(group_by=key, order_by="pos")

    def _ordered(self):
        """Events with ``pos``: 0-based position in the customer's time-ordered journey.

        Computed once per log and kept in the engine: every journey query starts from it.
        """
        import ibis

        if "pos" in self._table.columns:  # stored in journey order by read_events
            return self._table
        if self._ordered_table is None:
            # A table built elsewhere has no source order to keep: ties go by event name.
            w = ibis.window(group_by="customer", order_by=["timestamp", "event"])
            ordered = self._table.mutate(pos=ibis.row_number().over(w))
            self._ordered_table = io_events.materialise(ordered, self.backend)
        return self._ordered_table

    def _declared(self, key: str) -> set[str]:
        """The values of ``key`` the framework declares (its stages, touchpoints or event names)."""
        if self.framework is None:
            return set()
        return {"stage": set(self.framework.stages), "touchpoint": set(self.framework.touchpoints),
                "event": set(self.framework.event_map())}.get(key, set())

    def _column(self, name: str, what: str) -> str:
        if name not in self.columns:
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

        Raises
        ------
        ParameterError
            A step that never occurs in the log and that the framework does not name either
            (a misspelt step): the message names the closest names, instead of a silent zero.

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
        counts["position"] = counts["position"].astype(int)
        reached = set(counts.loc[counts["customers"] > 0, "position"])
        if len(reached) < len(steps):
            # Only a funnel with an empty step pays for this check: a misspelt step is an
            # error that names the closest names, never a silent zero.
            self.require_values(steps, on=key, what="steps")
        return _funnel_frame(counts, steps, by_cols)

    def require_values(self, names, *, on: str = "event", what: str = "steps") -> None:
        """Raise a ParameterError naming the closest values when a name never occurs in ``on``.

        A name the journey framework knows (a stage, touchpoint or event name of it) is not an
        error even when this log has no event of it: nobody reached it, and zero is the answer.

        Examples
        --------
        >>> log.require_values(["purchse"])  # doctest: +SKIP
        ParameterError: The value for `steps` must name values of the log's 'event' column, but
        'purchse' never occurs (closest: 'purchase'). ...
        """
        key = self._column(on, "on")
        wanted = [str(n) for n in ([names] if isinstance(names, str) else names)]
        present = self._run(self._table.filter(self._table[key].cast("string").isin(wanted))
                            .select(value=self._table[key].cast("string")).distinct())["value"]
        declared = self._declared(key)
        missing = [n for n in dict.fromkeys(wanted) if n not in set(present) and n not in declared]
        if not missing:
            return
        known = self._run(self._table.select(value=self._table[key].cast("string")).distinct())["value"]
        known = sorted(str(v) for v in known.dropna())
        candidates = sorted(set(known) | declared)  # the framework's names are fine suggestions too
        hints = "; ".join(f"{n!r} (closest: {preview(difflib.get_close_matches(n, candidates, n=3, cutoff=0.5)) or 'none'})"
                          for n in missing)
        raise ParameterError(f"The value for `{what}` must name values of the log's {key!r} column, "
                             f"but {hints} never occur(s) in the log; its {key} names are "
                             f"{preview(known, limit=12)}.")

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
        import ibis

        key = self._column(on, "on")
        by_cols = self._by(by)
        t = self._ordered()
        if key == "event" and "next_event" in t.columns:  # stored by read_events: no sort needed
            t = t.mutate(source=t.event, target=t.next_event)
        else:
            w = ibis.window(group_by="customer", order_by="pos")
            t = t.mutate(source=t[key], target=t[key].lead().over(w))
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
        from .paths import path_counts

        return path_counts(self._ordered(), key=self._column(on, "on"), sep=sep, top=top, run=self._run,
                           temporary=lambda expr: io_events.temporary(expr, self.backend))

    def sessions(self, within="30min", *, gap=None) -> pd.DataFrame:
        """Split each journey into sessions: a session continues while each event comes ``within``
        the given time of the previous one (a longer pause starts a new session).

        ``gap=`` is the deprecated name of ``within=``.

        Returns a row per session: ``customer``, ``session`` (1, 2, ... per customer), ``start``,
        ``end``, ``duration``, ``events``, ``channels`` (distinct), ``first_event``, ``last_event``.

        Examples
        --------
        >>> log.sessions(within="30min").head()  # doctest: +SKIP
        """
        within = _renamed(within, gap, old="gap", new="within", default="30min")
        t = self._sessionised(_timedelta(within, "within"))
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
        t = t.mutate(new=ibis.ifelse(prev.isnull() | (t.timestamp > prev + io_events.ibis_interval(gap)), 1, 0))
        running = ibis.cumulative_window(group_by="customer", order_by="pos")
        return t.mutate(session=t.new.sum().over(running)).drop("new")

    # ------------------------------------------------------------------ personas and time of day
    def with_personas(self, mapping, *, respondents=None) -> "EventLog":
        """Attach a ``persona`` column to every event.

        Parameters
        ----------
        mapping : dict, Series or two-column DataFrame
            customer id -> persona, or, with ``respondents``, customer id -> respondent id.
        respondents : dict, Series or two-column DataFrame, optional
            respondent id -> persona (e.g. survey respondents labelled by a PersonaModel).

        Customers without a persona keep a missing ``persona``.

        Examples
        --------
        >>> log.with_personas({"1000000000000000001": "P2"}).funnel(["add_to_cart", "purchase"],
        ...                                                        by="persona")  # doctest: +SKIP
        """
        import ibis

        lookup = ibis.memtable(_personas_frame(mapping, respondents))
        t = self._table.drop("persona") if "persona" in self._table.columns else self._table
        joined = t.left_join(lookup, t.customer == lookup.p_customer).drop("p_customer")
        return self._derive(joined)

    def hourly(self, *, by="persona", timezone: str = "UTC", tz: str | None = None) -> pd.DataFrame:
        """Events per local hour of day and channel, for the day-in-the-life map.

        Returns ``by`` (when given and present), ``hour`` (0..23 in ``timezone``), ``channel``,
        ``events`` and ``share`` (of the group's events). ``timezone`` is the customers' IANA time
        zone; the default is UTC, since no zone is right for every study (a study file sets its
        own ``timezone:``, which the day-in-the-life map passes). ``tz=`` is the deprecated name of
        ``timezone=``.

        Examples
        --------
        >>> log.hourly(by=None, timezone="Asia/Jakarta").head()  # doctest: +SKIP
        """
        tz = _renamed(timezone, tz, old="tz", new="timezone", default="UTC")
        by_cols = self._by(by)
        t = self._table
        # Quarter-hour buckets in UTC come back small; the local hour is taken in pandas so that
        # any time zone (DST, half-hour offsets) works the same on every engine.
        bucket = (t.timestamp.epoch_seconds() / 900).floor().cast("int64")
        grouped = t.mutate(bucket=bucket, channel=t.channel.fill_null("(unknown)"))
        counts = self._run(grouped.group_by([*by_cols, "bucket", "channel"]).agg(events=grouped.count()))
        try:
            local = pd.to_datetime(counts["bucket"] * 900, unit="s", utc=True).dt.tz_convert(tz)
        except Exception:
            raise ParameterError(f"The value for `timezone` must be an IANA time zone such as "
                                 f"'Asia/Jakarta', but {tz!r} was passed.") from None
        counts["hour"] = local.dt.hour
        frame = counts.groupby([*by_cols, "hour", "channel"], as_index=False)["events"].sum()
        total = frame.groupby(by_cols)["events"].transform("sum") if by_cols else frame["events"].sum()
        frame["share"] = frame["events"] / total
        return frame.sort_values([*by_cols, "hour", "channel"]).reset_index(drop=True)

    # ------------------------------------------------------------------ stages and channels
    def _require_framework(self, what: str):
        if "stage" not in self._table.columns:
            raise ParameterError(f"`{what}` needs stages: read the log with "
                                 f"read_events(..., framework=...) first.")

    def touchpoint_counts(self, *, by=None) -> pd.DataFrame:
        """Events and customers per stage and touchpoint (framework order), optionally by group."""
        self._require_framework("touchpoint_counts")
        by_cols = self._by(by)
        t = self._table.filter(self._table.touchpoint.notnull())
        frame = self._run(t.group_by([*by_cols, "stage", "touchpoint"]).agg(
            events=t.count(), customers=t.customer.nunique()))
        order = {s: i for i, s in enumerate(self.framework.stages)}
        tps = {tp: i for i, tp in enumerate(self.framework.touchpoints)}
        frame = frame.sort_values([*by_cols, "stage", "touchpoint"],
                                  key=lambda c: c.map(order) if c.name == "stage" else
                                  c.map(tps) if c.name == "touchpoint" else c)
        return frame.reset_index(drop=True)

    def stage_durations(self) -> pd.DataFrame:
        """Time from entering one stage to entering the next (framework order).

        A customer's entry into a stage is its first event there; the next stage counts from its
        first event at or after that entry. Returns ``from_stage``, ``to_stage``, ``customers``
        and the ``median_hours``, ``mean_hours``, ``q25_hours``, ``q75_hours`` of the durations.
        """
        import ibis

        self._require_framework("stage_durations")
        t = self._table.filter(self._table.stage.notnull())
        entry = t.group_by(["customer", "stage"]).agg(entered=t.timestamp.min())
        parts = []
        for a, b in zip(self.framework.stages, self.framework.stages[1:]):
            first = entry.filter(entry.stage == a)
            nxt = t.filter(t.stage == b).select(n_customer=t.customer, n_ts=t.timestamp)
            j = first.join(nxt, [first.customer == nxt.n_customer, nxt.n_ts >= first.entered])
            j = j.group_by(["customer", "entered"]).agg(reached=j.n_ts.min())
            parts.append(j.select(from_stage=ibis.literal(a), to_stage=ibis.literal(b),
                                  hours=(j.reached.epoch_seconds() - j.entered.epoch_seconds()) / 3600))
        hours = self._run(ibis.union(*parts, distinct=False))
        stats = hours.groupby(["from_stage", "to_stage"], sort=False)["hours"].agg(
            customers="count", median_hours="median", mean_hours="mean",
            q25_hours=lambda h: h.quantile(0.25), q75_hours=lambda h: h.quantile(0.75))
        pairs = pd.DataFrame(zip(self.framework.stages, self.framework.stages[1:]),
                             columns=["from_stage", "to_stage"])
        frame = pairs.merge(stats.reset_index(), how="left")
        frame["customers"] = frame["customers"].fillna(0).astype("int64")
        return frame

    def channel_switching(self, *, within=None, gap=None) -> pd.DataFrame:
        """Omnichannel switches: consecutive events of a journey on different channels.

        With ``within`` (e.g. ``"30min"``) only switches inside one session (see
        :meth:`sessions`) count; ``gap=`` is its deprecated name. Returns
        ``from_channel``, ``to_channel``, ``count``, ``customers`` and ``share`` (of all steps out
        of ``from_channel``); ``attrs["multichannel_share"]`` is the share of customers who used
        more than one channel.
        """
        import ibis

        within = _renamed(within, gap, old="gap", new="within", default=None)
        t = self._sessionised(_timedelta(within, "within")) if within is not None else \
            self._ordered().mutate(session=ibis.literal(1))
        w = ibis.window(group_by=["customer", "session"], order_by="pos")
        t = t.mutate(from_channel=t.channel.lag().over(w), to_channel=t.channel)
        steps = t.filter(t.from_channel.notnull() & t.to_channel.notnull())
        counts = self._run(steps.group_by(["from_channel", "to_channel"]).agg(
            count=steps.count(), customers=steps.customer.nunique()))
        counts["share"] = counts["count"] / counts.groupby("from_channel")["count"].transform("sum")
        switches = counts[counts["from_channel"] != counts["to_channel"]]
        switches = switches.sort_values(["count", "from_channel", "to_channel"],
                                        ascending=[False, True, True]).reset_index(drop=True)
        per = self._table.group_by("customer").agg(k=self._table.channel.nunique())
        multi = self._run(per.agg(multi=(per.k > 1).cast("int64").sum(), n=per.count()))
        switches.attrs["multichannel_share"] = float(multi["multi"].iloc[0] / multi["n"].iloc[0])
        return switches

    # ------------------------------------------------------------------ rates
    def conversion_rate(self, target="purchase", *, start=None, within=None, by=None,
                        confidence: float = 0.95) -> pd.DataFrame:
        """Percentage of customers with a ``target`` event (at or after their first ``start``).

        ``start=None`` counts every customer from their first event. Returns ``estimate``,
        ``ci_low``, ``ci_high`` (Wilson, percent), ``n``, ``converted`` and ``definition``.

        Examples
        --------
        >>> log.conversion_rate("purchase", start="product_view", within="7D")  # doctest: +SKIP
        """
        from .conversion import conversion_counts, rate_frame

        window = _timedelta(within, "within")
        by_cols = self._by(by)
        counts = self._run(conversion_counts(self._ordered(), target=target, start=start, by=by_cols,
                                             window=io_events.ibis_interval(window) if window is not None else None))
        after = f" after {start}" if start else ""
        span = f" within {within}" if within else ""
        return rate_frame(counts, by_cols, hits="converted", n="n", confidence=confidence,
                          definition=f"Conversion rate = % of customers with {target}{after}{span}")

    def repurchase_rate(self, purchase="purchase", *, within=None, by=None,
                        confidence: float = 0.95) -> pd.DataFrame:
        """Percentage of buying customers who bought again (within ``within`` of the first purchase).

        ``purchase`` may list several event names (e.g. ``["purchase", "repeat_purchase"]``).
        """
        from .conversion import rate_frame, repurchase_counts

        window = _timedelta(within, "within")
        by_cols = self._by(by)
        counts = self._run(repurchase_counts(self._ordered(), purchase=purchase, by=by_cols,
                                             window=io_events.ibis_interval(window) if window is not None else None))
        span = f" within {within}" if within else ""
        return rate_frame(counts, by_cols, hits="repurchased", n="n", confidence=confidence,
                          definition=f"Repurchase rate = % of buyers with another purchase{span}")

    def cart_abandonment(self, cart="add_to_cart", purchase="purchase", *, within="2D", by=None,
                         confidence: float = 0.95) -> pd.DataFrame:
        """Share of carts with no purchase at or after them within ``within``.

        Every cart event is a cart; returns ``estimate``, ``ci_low``, ``ci_high`` (percent),
        ``n`` (carts), ``abandoned`` and ``definition``, per group of ``by`` (e.g. ``"channel"``,
        ``"persona"``) taken at the cart event.

        Examples
        --------
        >>> log.cart_abandonment(within="2D", by="persona")  # doctest: +SKIP
        """
        from .conversion import abandonment_counts, rate_frame

        window = _timedelta(within, "within")
        by_cols = self._by(by)
        counts = self._run(abandonment_counts(self._ordered(), cart=cart, purchase=purchase, by=by_cols,
                                              window=io_events.ibis_interval(window) if window is not None else None))
        span = f" within {within}" if within else ""
        return rate_frame(counts, by_cols, hits="abandoned", n="n", confidence=confidence,
                          definition=f"Cart abandonment = % of {cart} events without {purchase}{span}")

    def abandoned_carts(self, cart="add_to_cart", purchase="purchase", *, within="2D") -> pd.DataFrame:
        """The customers to follow up: their latest cart was abandoned and they have not bought since.

        Returns ``customer``, ``carts_abandoned``, ``last_cart`` (time), ``channel``, ``value`` and
        ``persona`` when known, most recent first.
        """
        from .conversion import follow_ups

        window = _timedelta(within, "within")
        extra = ["persona"] if "persona" in self._table.columns else []
        frame = self._run(follow_ups(self._ordered(), cart=cart, purchase=purchase, extra=extra,
                                     window=io_events.ibis_interval(window) if window is not None else None))
        return frame.sort_values(["last_cart", "customer"], ascending=[False, True]).reset_index(drop=True)

    # ------------------------------------------------------------------ designed journeys
    def conformance(self, path, *, by=None, on: str | None = None, repeats: str = "collapse"):
        """How many journeys follow a designed path, and where the others deviate.

        Each journey is projected onto the path's steps and aligned with it (see
        :mod:`cjm_research.events.conformance`): a journey follows the path when it passes every
        step once, in order; otherwise its deviations are skipped steps, steps out of order,
        loops (a step repeated) and steps not reached (it stopped early).

        Parameters
        ----------
        path : list of str
            The designed steps, e.g. ``FutureState.designed_paths()["journey"]``.
        by : str or list of str, optional
            ``"persona"`` (after :meth:`with_personas`), ``"channel"`` or another column, taken at
            the journey's first designed step.
        on : {"event", "touchpoint", "stage"}, optional
            The column the steps name; default ``touchpoint`` when every step is a touchpoint of
            the framework, else ``event``.
        repeats : {"collapse", "loop"}
            Consecutive events of one step (three product views in a row) pass it once
            (``"collapse"``, the default) or count as a loop (``"loop"``).

        Returns
        -------
        Conformance
            ``.summary`` (per group: ``customers``, ``follows``, ``share`` 0..1, ``fitness``,
            customers per deviation) and ``.deviations`` (per group, deviation and step:
            ``customers``, ``share`` and an ``example`` journey).

        Examples
        --------
        >>> result = log.conformance(["product_view", "add_to_cart", "checkout", "purchase"],
        ...                          by="channel")  # doctest: +SKIP
        >>> result.summary  # doctest: +SKIP
        """
        from .conformance import Conformance, conformance_frames, projected_variants

        steps = [str(s) for s in ([path] if isinstance(path, str) else path)]
        if len(steps) < 2 or len(set(steps)) < len(steps):
            raise ParameterError(f"The value for `path` must list at least two distinct steps, but "
                                 f"{path!r} was passed.")
        if on is None:
            on = "touchpoint" if (self.framework is not None and "touchpoint" in self.columns and
                                  all(s in self.framework.touchpoints for s in steps)) else "event"
        key = self._column(on, "on")
        check_choice("repeats", repeats, ["collapse", "loop"])
        self.require_values(steps, on=key, what="path")
        by_cols = self._by(by)
        variants = self._run(projected_variants(self._ordered(), steps=steps, on=key, by=by_cols,
                                                collapse=repeats == "collapse"))
        summary, deviations = conformance_frames(variants, steps, by_cols)
        return Conformance(steps, key, summary, deviations)

    # ------------------------------------------------------------------ forks and attribution
    def next_steps(self, touchpoint: str, *, on: str | None = None) -> pd.DataFrame:
        """Where customers go right after ``touchpoint`` (a touchpoint id or an event name).

        Returns ``next`` (``(end)`` when the journey stops there), ``count``, ``customers`` and
        ``share`` (of the times ``touchpoint`` occurred), most frequent first.
        """
        from .next_step import next_step_counts

        if on is None:
            on = "touchpoint" if ("touchpoint" in self._table.columns and self.framework is not None
                                  and touchpoint in self.framework.touchpoints) else "event"
        frame = self._run(next_step_counts(self._ordered(), step=touchpoint, on=self._column(on, "on")))
        if frame.empty:
            self.require_values([touchpoint], on=on, what="touchpoint")
        frame["share"] = frame["count"] / frame["count"].sum()
        return frame.sort_values(["count", "next"], ascending=[False, True]).reset_index(drop=True)

    def conversion_tree(self, target="purchase", *, max_depth: int = 3, on: str = "event",
                        test_size: float = 0.3, min_samples_leaf: int = 5, random_state: int = 0):
        """Fit a decision tree predicting conversion from journey features, as readable rules.

        Features per customer use only what happened before the first ``target`` event: counts
        of each step (``n_<step>``), channels used, number of steps and hours spanned.

        Returns
        -------
        ConversionTree
            ``.rules`` (if/then per leaf), ``.accuracy`` on held-out customers,
            ``.baseline_accuracy``, ``.model``, ``.features``; ``print(tree)`` shows the rules.

        Examples
        --------
        >>> print(log.conversion_tree("purchase", max_depth=2))  # doctest: +SKIP
        """
        from .next_step import feature_frame, fit_tree, journey_features

        counts, facts = journey_features(self._ordered(), target=_names(target), on=self._column(on, "on"))
        frame = feature_frame(self._run(counts), self._run(facts), on)
        return fit_tree(frame, max_depth=max_depth, test_size=test_size, random_state=random_state,
                        min_samples_leaf=min_samples_leaf)

    def attribution(self, conversion="purchase", *, on: str = "channel") -> pd.DataFrame:
        """Markov-chain attribution of conversions to channels (or touchpoints) by removal effect.

        Returns ``state``, ``removal_effect`` (0..1), ``share`` (sums to 1) and ``conversions``
        (the share of the converting customers); ``attrs["conversion_probability"]`` is the
        chain's conversion probability.

        Examples
        --------
        >>> log.attribution("purchase", on="channel")  # doctest: +SKIP
        """
        from .attribution import removal_effects, transition_counts

        counts = self._run(transition_counts(self._ordered(), conversion=_names(conversion),
                                             on=self._column(on, "on")))
        frame = removal_effects(counts)
        converted = self._table.filter(self._table.event.isin(_names(conversion))).customer.nunique()
        frame["conversions"] = frame["share"] * int(self._scalar(converted))
        return frame


def _renamed(value, old_value, *, old: str, new: str, default):
    """``value``, or the deprecated ``old`` keyword's value (with a warning) when only it was given."""
    if old_value is None:
        return value
    warnings.warn(f"`{old}=` is deprecated; use `{new}=`.", DeprecationWarning, stacklevel=3)
    if value != default and value != old_value:
        raise ParameterError(f"Pass `{new}` only (`{old}` is its deprecated name), but both were passed.")
    return old_value


def _names(value) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


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
    # dropna=False: customers without a persona (or channel) are a group of their own.
    grouped = frame.groupby(by, sort=False, dropna=False)["customers"] if by else None
    first = grouped.transform("first") if by else frame["customers"].iloc[0]
    previous = (grouped.shift(1) if by else frame["customers"].shift(1)).fillna(frame["customers"])
    frame["conversion_from_start"] = 100 * frame["customers"] / (first.where(first > 0) if by else (first or float("nan")))
    frame["conversion_from_previous"] = 100 * frame["customers"] / previous.where(previous > 0)
    frame["drop_off"] = (previous - frame["customers"]).astype("int64")
    frame = frame.sort_values([*by, "position"]).reset_index(drop=True)
    return frame[[*by, "position", "step", "customers", "conversion_from_start",
                  "conversion_from_previous", "drop_off"]]


def _personas_frame(mapping, respondents) -> pd.DataFrame:
    """customer -> persona as a two-column string frame (through respondents when given)."""
    def as_series(obj, what):
        if isinstance(obj, pd.DataFrame):
            if obj.shape[1] != 2:
                raise ParameterError(f"The {what} frame must have two columns (key, value), "
                                     f"but it has {list(obj.columns)}.")
            obj = obj.set_index(obj.columns[0])[obj.columns[1]]
        series = pd.Series(obj) if isinstance(obj, dict) else obj
        if not isinstance(series, pd.Series):
            raise ParameterError(f"The {what} must be a dict, Series or two-column DataFrame, "
                                 f"but a {type(obj).__name__} was passed.")
        series = series.dropna()
        return pd.Series(series.astype(str).to_numpy(), index=series.index.map(_id_text))

    persona = as_series(mapping, "persona mapping")
    if respondents is not None:
        by_respondent = as_series(respondents, "respondent mapping")
        persona = persona.map(by_respondent).dropna()
    clash = persona.groupby(level=0).nunique()
    if (clash > 1).any():
        from ..core.errors import DataError, preview
        raise DataError(f"Persona mapping: customer(s) {preview(clash[clash > 1].index)} map to more "
                        f"than one persona; expected one persona per customer.")
    persona = persona[~persona.index.duplicated()]
    return pd.DataFrame({"p_customer": persona.index.astype(str), "persona": persona.to_numpy()})


def _id_text(value) -> str:
    # Integer-valued ids (including floats like 1.0 from a CSV) are written without decimals.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
