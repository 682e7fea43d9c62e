"""Events with equal timestamps keep the order of their source, in every analysis.

The reference is plain pandas with a stable sort (``sort_values(kind="stable")``): what pm4py,
ProM and bupaR give on a log whose events share timestamps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjm_research.core.errors import ParameterError
from cjm_research.events.log import read_events

COLS = dict(customer="customer", timestamp="time", event="event", channel="channel")


def stable_order(frame: pd.DataFrame, *, ts="time") -> pd.DataFrame:
    """The stable reference: customer, then time, ties in row order."""
    return frame.assign(_ts=pd.to_datetime(frame[ts], utc=True, format="ISO8601")).sort_values(
        ["customer", "_ts"], kind="stable")


def transitions_of(ordered: pd.DataFrame) -> dict:
    nxt = ordered.groupby("customer", sort=False)["event"].shift(-1)
    pairs = pd.DataFrame({"source": ordered["event"], "target": nxt}).dropna()
    return pairs.groupby(["source", "target"]).size().to_dict()


def variants_of(ordered: pd.DataFrame) -> pd.Series:
    return ordered.groupby("customer", sort=False)["event"].agg(" > ".join).value_counts()


def got_transitions(log) -> dict:
    return log.transitions().set_index(["source", "target"])["count"].to_dict()


def tied_frame(n_customers=300, seed=3) -> pd.DataFrame:
    """Many ties: 1-6 events per customer on 3 time slots, rows shuffled, names against the alphabet."""
    rng = np.random.default_rng(seed)
    rows = [(f"c{c:03d}", str(rng.choice(["view", "cart", "buy", "ask"])), int(rng.integers(0, 3)),
             str(rng.choice(["web", "app"])))
            for c in range(n_customers) for _ in range(int(rng.integers(1, 7)))]
    frame = pd.DataFrame(rows, columns=["customer", "event", "slot", "channel"])
    frame = frame.sample(frac=1, random_state=seed).reset_index(drop=True)
    frame["time"] = (pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(frame["slot"], unit="h")).astype(str)
    return frame.drop(columns="slot")


def test_constructed_ties_keep_row_order():
    frame = pd.DataFrame({"customer": ["a"] * 4, "event": ["zeta", "alpha", "mid", "alpha"],
                          "time": ["2026-01-01 10:00"] * 3 + ["2026-01-01 09:00"], "channel": "web"})
    log = read_events(frame, **COLS)
    # 09:00 alpha first, then the three 10:00 events in row order (not alphabetical).
    assert log.to_pandas()["event"].tolist() == ["alpha", "zeta", "alpha", "mid"]
    assert log.paths()["path"].tolist() == ["alpha > zeta > alpha > mid"]
    assert log.next_steps("zeta")["next"].tolist() == ["alpha"]


@pytest.mark.parametrize("fmt", ["frame", "csv", "parquet"])
def test_every_analysis_equals_the_stable_reference(tmp_path, fmt):
    frame = tied_frame()
    source = frame
    if fmt == "csv":
        source = tmp_path / "ties.csv"
        frame.to_csv(source, index=False)
    elif fmt == "parquet":
        source = tmp_path / "ties.parquet"
        frame.to_parquet(source, row_group_size=97)  # many row groups: a parallel scan
    log = read_events(source, **COLS)
    ref = stable_order(frame)
    assert got_transitions(log) == transitions_of(ref)
    got = log.paths(top=None).set_index("path")["customers"]
    assert got.to_dict() == variants_of(ref).to_dict()
    assert log.to_pandas()[["customer", "event"]].values.tolist() == ref[["customer", "event"]].values.tolist()
    # Next step: the event right after each "cart" in the stable order.
    after = ref.groupby("customer", sort=False)["event"].shift(-1).fillna("(end)")[ref["event"] == "cart"]
    assert log.next_steps("cart").set_index("next")["count"].to_dict() == after.value_counts().to_dict()
    # Funnel by channel: a customer's group is the channel of its first "view" in the stable order.
    first_view = ref[ref["event"] == "view"].groupby("customer", sort=False)["channel"].first()
    got = log.funnel(["view", "buy"], by="channel").query("position == 1").set_index("channel")["customers"]
    assert got.to_dict() == first_view.value_counts().to_dict()


def test_attribution_and_sessions_follow_the_source_order():
    # Same time, two channels: the row order decides which channel the journey enters first.
    rows = {"customer": ["a", "a", "a", "b", "b"], "event": ["view", "view", "buy", "view", "view"],
            "time": ["2026-01-01 10:00", "2026-01-01 10:00", "2026-01-01 11:00"] + ["2026-01-01 10:00"] * 2,
            "channel": ["web", "app", "app", "app", "web"]}
    log = read_events(pd.DataFrame(rows), **COLS)
    first = log.sessions("1D").set_index("customer")["first_event"].to_dict()
    assert first == {"a": "view", "b": "view"}
    switches = log.channel_switching().set_index(["from_channel", "to_channel"])["count"].to_dict()
    assert switches == {("web", "app"): 1, ("app", "web"): 1}
    counts = log.transitions(on="channel").set_index(["source", "target"])["count"].to_dict()
    assert counts == {("web", "app"): 1, ("app", "app"): 1, ("app", "web"): 1}
    # Attribution walks the same order: a enters on web, b on app.
    from cjm_research.events.attribution import START, transition_counts

    walks = log.backend.to_pandas(transition_counts(log.table, conversion=["buy"], on="channel"))
    entries = walks[walks["source"] == START].set_index("target")["count"].to_dict()
    assert entries == {"web": 1, "app": 1}


def test_order_ties_by_a_sequence_or_lifecycle_column():
    frame = pd.DataFrame({"customer": ["a"] * 4, "event": ["pay", "order", "ship", "order"],
                          "time": ["2026-01-01 10:00"] * 4, "channel": "web",
                          "seq": ["10", "2", "11", "9"],
                          "lifecycle:transition": ["complete", "complete", "start", "start"]})
    by_seq = read_events(frame, **COLS, order_ties_by="seq")
    assert by_seq.to_pandas()["event"].tolist() == ["order", "order", "pay", "ship"]  # 2, 9, 10, 11 (numeric)
    by_life = read_events(frame, **COLS, order_ties_by="lifecycle:transition")
    # start before complete, then row order.
    assert by_life.to_pandas()["event"].tolist() == ["ship", "order", "pay", "order"]
    with pytest.raises(Exception, match=r"missing column\(s\) 'sequence'"):
        read_events(frame, **COLS, order_ties_by="sequence")


# ---------------------------------------------------------------------- real logs

@pytest.mark.realdata
def test_road_traffic_ties_equal_the_stable_reference(shared_data):
    # Day-precision timestamps: 20 of 390 events share their case's day with another event.
    path = shared_data / "event_logs" / "roadtraffic100traces.csv"
    raw = pd.read_csv(path, dtype=str).rename(columns={"case:concept:name": "customer",
                                                       "concept:name": "event"})
    log = read_events(path, customer="case:concept:name", timestamp="time:timestamp", event="concept:name")
    ref = stable_order(raw, ts="time:timestamp")
    assert ref.duplicated(["customer", "_ts"]).sum() > 0
    assert got_transitions(log) == transitions_of(ref)
    assert log.paths(top=None).set_index("path")["customers"].to_dict() == variants_of(ref).to_dict()


@pytest.mark.realdata
@pytest.mark.parametrize("precision", ["min", "D"])
def test_receipt_at_coarser_precision_equals_the_stable_reference(shared_data, tmp_path, precision):
    # The receipt log written with minute or day timestamps, as many exports do: thousands of ties.
    raw = pd.read_csv(shared_data / "event_logs" / "receipt.csv", dtype=str)
    ts = pd.to_datetime(raw["time:timestamp"], utc=True, format="ISO8601")
    frame = pd.DataFrame({"customer": raw["case:concept:name"], "event": raw["concept:name"],
                          "time": ts.dt.floor(precision).astype(str), "channel": raw["case:channel"]})
    path = tmp_path / "receipt_coarse.csv"
    frame.to_csv(path, index=False)
    log = read_events(path, **COLS)
    ref = stable_order(frame)
    assert ref.duplicated(["customer", "_ts"]).sum() > 1000
    assert got_transitions(log) == transitions_of(ref)
    variants = variants_of(ref)
    assert log.paths(top=None).set_index("path")["customers"].to_dict() == variants.to_dict()
    steps = ["Confirmation of receipt", "T02 Check confirmation of receipt",
             "T04 Determine confirmation of receipt"]
    first = ref[ref["event"] == steps[0]].groupby("customer", sort=False)["channel"].first()
    got = log.funnel(steps, by="channel").query("position == 1").set_index("channel")["customers"]
    assert got.to_dict() == first.value_counts().to_dict()


@pytest.mark.realdata
def test_a_misspelt_funnel_step_names_the_closest_events(shared_data):
    log = read_events(shared_data / "event_logs" / "receipt.csv", customer="case:concept:name",
                      timestamp="time:timestamp", event="concept:name")
    with pytest.raises(ParameterError, match=r"'T02 Check confirmation of reciept' \(closest: "
                                             r"'T02 Check confirmation of receipt'"):
        log.funnel(["Confirmation of receipt", "T02 Check confirmation of reciept"])


def test_a_step_the_framework_knows_but_nobody_reached_is_zero_not_an_error():
    from cjm_research.core.framework import JourneyFramework

    frame = pd.DataFrame({"customer": ["a", "a"], "event": ["product_view", "add_to_cart"],
                          "time": ["2026-01-01 10:00", "2026-01-01 11:00"], "channel": "web"})
    log = read_events(frame, **COLS, framework=JourneyFramework.load("default"))
    assert log.funnel(["product_view", "purchase"])["customers"].tolist() == [1, 0]
    assert log.funnel(["consideration", "advocacy"], on="stage")["customers"].tolist() == [1, 0]
    with pytest.raises(ParameterError, match=r"'purchse' \(closest: 'purchase'"):
        log.funnel(["product_view", "purchse"])
    with pytest.raises(ParameterError, match=r"'purchse' \(closest: 'purchase'"):  # with groups too
        log.funnel(["product_view", "add_to_cart", "purchse"], by="channel")
