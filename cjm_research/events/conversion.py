"""Conversion, repurchase and cart abandonment from events, with Wilson intervals.

The counts are computed by the query engine; only one row per group comes back, and the interval
is :func:`cjm_research.evidence.intervals.wilson` so that every rate in a report uses the same method.
A customer's group (``by``) is taken at the event that defines the denominator: the first
``start`` event for conversion, the first purchase for repurchase, the cart event for abandonment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..evidence.intervals import level_label, wilson


def _names(value) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


def rate_frame(counts: pd.DataFrame, by: list[str], *, hits: str, n: str, definition: str,
               confidence: float = 0.95) -> pd.DataFrame:
    """Percentages with Wilson intervals from per-group hit counts (``estimate``, ``ci_low``, ...)."""
    rows = []
    for record in counts.sort_values(by).to_dict("records") if by else counts.to_dict("records"):
        k, total = int(record[hits]), int(record[n])
        low, high = wilson(k, total, confidence=confidence)
        # n_missing is always 0 here (every customer or cart is observed); kept so that these
        # frames have the same columns as cjm_research.evidence.metrics.
        rows.append({**{b: record[b] for b in by}, "estimate": 100 * k / total if total else float("nan"),
                     "ci_low": float(np.clip(100 * low, 0, 100)),
                     "ci_high": float(np.clip(100 * high, 0, 100)), "n": total, "n_missing": 0, hits: k,
                     "definition": f"{definition}, n={total}, {level_label(confidence)} Wilson interval"})
    return pd.DataFrame(rows)


def _within(later, earlier, window):
    cond = later >= earlier
    return cond & (later <= earlier + window) if window is not None else cond


def conversion_counts(ordered, *, target, start, by: list[str], window):
    """Per group: ``n`` customers (with a start event, or all) and ``converted`` among them."""
    import ibis

    starts = ordered if start is None else ordered.filter(ordered.event.isin(_names(start)))
    first = ibis.window(group_by="customer", order_by="pos")
    starts = starts.filter(ibis.row_number().over(first) == 0)
    starts = starts.select("customer", *by, s_ts=starts.timestamp)
    hits = ordered.filter(ordered.event.isin(_names(target)))
    hits = hits.select(h_customer=hits.customer, h_ts=hits.timestamp)
    return _flag_counts(starts, starts.s_ts, hits, by=by, window=window, name="converted")


def repurchase_counts(ordered, *, purchase, by: list[str], window):
    """Per group: ``n`` buying customers and ``repurchased``: a later purchase within the window."""
    import ibis

    buys = ordered.filter(ordered.event.isin(_names(purchase)))
    first = ibis.window(group_by="customer", order_by="pos")
    buys = buys.mutate(k=ibis.row_number().over(first))
    firsts = buys.filter(buys.k == 0).select("customer", *by, f_ts=buys.timestamp)
    again = buys.filter(buys.k > 0).select(h_customer=buys.customer, h_ts=buys.timestamp)
    return _flag_counts(firsts, firsts.f_ts, again, by=by, window=window, name="repurchased")


def _flag_counts(starts, start_ts, hits, *, by: list[str], window, name: str):
    """Per group: ``n`` starting customers and ``name``, those with a hit (``h_customer``,
    ``h_ts``) at or after their start within the window. Shared by conversion and repurchase."""
    import ibis

    done = starts.semi_join(hits, [starts.customer == hits.h_customer, _within(hits.h_ts, start_ts, window)])
    done = done.select(d_customer=done.customer, **{name: ibis.literal(1)})
    flags = starts.left_join(done, starts.customer == done.d_customer)
    flags = flags.mutate(**{name: flags[name].fill_null(0)})
    totals = {"n": flags.count(), name: flags[name].sum()}
    return flags.group_by(by).agg(**totals) if by else flags.agg(**totals)


def abandoned(ordered, *, cart, purchase, window):
    """Cart events with no purchase at or after them within the window (an Ibis table)."""
    carts = ordered.filter(ordered.event.isin(_names(cart)))
    buys = ordered.filter(ordered.event.isin(_names(purchase)))
    buys = buys.select(b_customer=buys.customer, b_ts=buys.timestamp)
    return carts.anti_join(buys, [carts.customer == buys.b_customer,
                                  _within(buys.b_ts, carts.timestamp, window)])


def abandonment_counts(ordered, *, cart, purchase, by: list[str], window):
    """Per group: ``n`` carts and how many were ``abandoned``."""
    import ibis

    carts = ordered.filter(ordered.event.isin(_names(cart)))
    lost = abandoned(ordered, cart=cart, purchase=purchase, window=window)
    lost = lost.select(l_customer=lost.customer, l_pos=lost.pos, abandoned=ibis.literal(1))
    flags = carts.left_join(lost, [carts.customer == lost.l_customer, carts.pos == lost.l_pos])
    flags = flags.mutate(abandoned=flags.abandoned.fill_null(0))
    return flags.group_by(by).agg(n=flags.count(), abandoned=flags.abandoned.sum()) if by else \
        flags.agg(n=flags.count(), abandoned=flags.abandoned.sum())


def follow_ups(ordered, *, cart, purchase, window, extra: list[str]):
    """One row per customer whose latest abandoned cart has not been followed by any purchase."""
    import ibis

    lost = abandoned(ordered, cart=cart, purchase=purchase, window=window)
    latest = ibis.window(group_by="customer", order_by=ibis.desc("pos"))
    lost = lost.mutate(carts_abandoned=lost.count().over(ibis.window(group_by="customer")),
                       k=ibis.row_number().over(latest))
    last = lost.filter(lost.k == 0)
    buys = ordered.filter(ordered.event.isin(_names(purchase)))
    buys = buys.select(b_customer=buys.customer, b_ts=buys.timestamp)
    last = last.anti_join(buys, [last.customer == buys.b_customer, buys.b_ts >= last.timestamp])
    return last.select("customer", "carts_abandoned", last_cart=last.timestamp, channel=last.channel,
                       value=last.value, *extra)
