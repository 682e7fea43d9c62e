"""Omnichannel event logs: :class:`EventLog` (Ibis; DuckDB by default, Spark on request).

``log`` holds the class; each analysis is a short module of its own: ``funnel``, ``paths``,
``conversion`` (conversion, repurchase, cart abandonment), ``next_step`` (the fork and the
conversion tree) and ``attribution`` (Markov removal effects). Reading and normalising the events
is :mod:`cjm_research.io.events`.
"""

from .log import EventLog, read_events

__all__ = ["EventLog", "read_events"]
