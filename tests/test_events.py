"""EventLog funnels, transitions, paths and sessions: hand-computed logs and the real receipt log."""

from __future__ import annotations

import pandas as pd
import pytest

from cjm_research.core.errors import ParameterError
from cjm_research.events.log import read_events


def make_log(rows, **kwargs):
    """rows: (customer, event, 'YYYY-MM-DD HH:MM' or minutes from 2026-01-01, channel)."""
    frame = pd.DataFrame(rows, columns=["customer", "event", "time", "channel"])
    base = pd.Timestamp("2026-01-01", tz="UTC")
    frame["time"] = [base + pd.Timedelta(minutes=t) if isinstance(t, (int, float)) else pd.Timestamp(t, tz="UTC")
                     for t in frame["time"]]
    return read_events(frame, customer="customer", timestamp="time", event="event", channel="channel", **kwargs)


# Customer a: view, cart, view, buy two days later.  b: cart before view, buy and view tied.
# c: cart, buy.  d: view only.
SHOP = [("a", "view", 0, "web"), ("a", "cart", 5, "web"), ("a", "view", 6, "app"), ("a", "buy", 2 * 1440, "app"),
        ("b", "view", 60, "web"), ("b", "buy", 60, "app"), ("b", "cart", 0, "app"),
        ("c", "cart", 0, "web"), ("c", "buy", 60, "web"),
        ("d", "view", 30, "store")]


@pytest.fixture(scope="module")
def shop():
    return make_log(SHOP)


def test_funnel_order_ties_and_windows(shop):
    got = shop.funnel(["view", "cart", "buy"])
    # a reaches all three; b's cart precedes its view; d stops at view.
    assert got["customers"].tolist() == [3, 1, 1]
    assert got["conversion_from_start"].round(6).tolist() == [100.0, round(100 / 3, 6), round(100 / 3, 6)]
    assert got["conversion_from_previous"].round(6).tolist() == [100.0, round(100 / 3, 6), 100.0]
    assert got["drop_off"].tolist() == [0, 2, 0]
    # Within one day a's purchase (two days later) no longer counts.
    assert shop.funnel(["view", "cart", "buy"], within="1D")["customers"].tolist() == [3, 1, 0]
    # A tie counts as "at or after": b's buy has the same time as its view.
    assert shop.funnel(["view", "buy"])["customers"].tolist() == [3, 2]


def test_funnel_repeated_step_needs_another_event(shop):
    assert shop.funnel(["view", "view"])["customers"].tolist() == [3, 1]
    assert shop.funnel(["view", "view", "view"])["customers"].tolist() == [3, 1, 0]
    assert shop.funnel(["cart", "cart"])["customers"].tolist() == [3, 0]


def test_funnel_window_tries_every_start():
    # The first view is too early for the window; the second view starts a funnel that completes.
    log = make_log([("x", "view", 0, "web"), ("x", "view", 3000, "web"), ("x", "buy", 3010, "web"),
                    ("y", "view", 0, "web"), ("y", "buy", 3000, "web")])
    assert log.funnel(["view", "buy"], within="1h")["customers"].tolist() == [2, 1]
    assert log.funnel(["view", "buy"])["customers"].tolist() == [2, 2]


def test_funnel_by_channel_of_first_step(shop):
    got = shop.funnel(["view", "buy"], by="channel").set_index(["channel", "position"])["customers"]
    # Earliest views: a web, b web, d store; a and b buy.
    assert got.to_dict() == {("store", 1): 1, ("store", 2): 0, ("web", 1): 2, ("web", 2): 2}


def test_funnel_bad_arguments(shop):
    with pytest.raises(ParameterError, match="`steps` must be a non-empty list"):
        shop.funnel("view")
    with pytest.raises(ParameterError, match=r"`within` must be a duration.*'soon'"):
        shop.funnel(["view", "buy"], within="soon")
    with pytest.raises(ParameterError, match=r"`by` must be a column.*'persona'.*with_personas"):
        shop.funnel(["view", "buy"], by="persona")


def test_transitions_hand_computed(shop):
    got = shop.transitions().set_index(["source", "target"])
    # a: view>cart>view>buy, b: cart>view>buy (the tied view and buy keep their row order),
    # c: cart>buy, d: -
    expected = {("view", "cart"): 1, ("cart", "view"): 2, ("view", "buy"): 2, ("cart", "buy"): 1}
    assert got["count"].to_dict() == expected
    assert got.loc[("cart", "buy"), "probability"] == pytest.approx(1 / 3)
    assert got.groupby(level="source")["probability"].sum().round(12).eq(1).all()


def test_paths_and_shares(shop):
    got = shop.paths(top=10)
    assert got["path"].tolist() == sorted(got["path"])  # equal counts: alphabetical
    assert set(got["path"]) == {"view > cart > view > buy", "cart > view > buy", "cart > buy", "view"}
    assert got["customers"].tolist() == [1, 1, 1, 1] and got["share"].sum() == pytest.approx(1)
    assert got.loc[got["path"] == "view > cart > view > buy", "length"].item() == 4
    two = make_log([(c, e, t, "web") for c in "pqr" for e, t in (("a", 0), ("b", 1))] + [("s", "b", 0, "web")])
    top = two.paths(top=1)
    assert top[["path", "customers"]].values.tolist() == [["a > b", 3]] and top["share"].item() == 0.75


def test_sessions_split_at_gaps(shop):
    got = shop.sessions(within="1h")
    a = got[got["customer"] == "a"]
    assert a["session"].tolist() == [1, 2] and a["events"].tolist() == [3, 1]
    assert a["channels"].tolist() == [2, 1] and a["last_event"].tolist() == ["view", "buy"]
    # b's events are exactly one hour apart: not longer than the gap, so one session.
    assert got[got["customer"] == "b"]["events"].tolist() == [3]
    assert len(shop) == 10 and shop.customers.tolist() == ["a", "b", "c", "d"]


# ---------------------------------------------------------------------- the real receipt log

def _pandas_sorted(path):
    raw = pd.read_csv(path, dtype=str)
    frame = pd.DataFrame({"customer": raw["case:concept:name"], "event": raw["concept:name"],
                          "ts": pd.to_datetime(raw["time:timestamp"], utc=True, format="ISO8601")})
    # The stable reference: equal timestamps keep the file's row order.
    return frame.sort_values(["customer", "ts"], kind="stable")


def _pandas_funnel(frame, steps, within=None):
    """Independent funnel: try every start, match each step greedily to an unused later event."""
    reached = [0] * len(steps)
    for _, g in frame.groupby("customer", sort=False):
        events = list(zip(g["ts"], g["event"], range(len(g))))
        best = 0
        for ts0, ev0, i0 in events:
            if ev0 != steps[0]:
                continue
            used, last, depth = {i0}, ts0, 1
            for step in steps[1:]:
                nxt = [(t, i) for t, e, i in events if e == step and t >= last and i not in used
                       and (within is None or t <= ts0 + within)]
                if not nxt:
                    break
                last, i = min(nxt)
                used.add(i)
                depth += 1
            best = max(best, depth)
        for k in range(best):
            reached[k] += 1
    return reached


@pytest.fixture(scope="module")
def receipt(shared_data):
    path = shared_data / "event_logs" / "receipt.csv"
    log = read_events(path, customer="case:concept:name", timestamp="time:timestamp",
                      event="concept:name", channel="case:channel", lifecycle="complete")
    return path, log


@pytest.mark.realdata
def test_receipt_funnel_matches_pandas(receipt):
    path, log = receipt
    frame = _pandas_sorted(path)
    steps = ["Confirmation of receipt", "T02 Check confirmation of receipt",
             "T04 Determine confirmation of receipt", "T05 Print and send confirmation of receipt",
             "T06 Determine necessity of stop advice"]
    assert log.funnel(steps)["customers"].tolist() == _pandas_funnel(frame, steps)
    week = pd.Timedelta("7D")
    assert log.funnel(steps[:4], within="7D")["customers"].tolist() == _pandas_funnel(frame, steps[:4], week)


@pytest.mark.realdata
def test_receipt_transitions_match_pandas(receipt):
    path, log = receipt
    frame = _pandas_sorted(path)
    frame["target"] = frame.groupby("customer")["event"].shift(-1)
    expected = frame.dropna(subset=["target"]).groupby(["event", "target"]).size()
    got = log.transitions().set_index(["source", "target"])["count"]
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()
    assert len(log) == 8577 and log.n_customers == 1434


@pytest.mark.realdata
def test_receipt_paths_match_pandas(receipt):
    path, log = receipt
    frame = _pandas_sorted(path)
    variants = frame.groupby("customer")["event"].agg(" > ".join).value_counts()
    got = log.paths(top=5)
    assert got["customers"].tolist() == variants.head(5).tolist()
    assert set(got["path"]) <= set(variants[variants >= variants.iloc[4]].index)
