"""Top paths through fingerprints must equal writing every path out, even when fingerprints collide."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjm_research.events import paths
from cjm_research.events.log import read_events


@pytest.fixture(scope="module")
def log():
    # 600 customers, 1-5 events from 3 names: many repeated short paths and a long tail of
    # unique ones, with ties in the counts (the awkward case for a cut-off).
    rng = np.random.default_rng(7)
    rows = []
    for c in range(600):
        for i in range(rng.integers(1, 6)):
            rows.append((f"c{c}", rng.choice(["view", "cart", "buy"], p=[0.5, 0.3, 0.2]), i))
    frame = pd.DataFrame(rows, columns=["customer", "event", "minute"])
    frame["time"] = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(frame["minute"], unit="min")
    return read_events(frame, customer="customer", timestamp="time", event="event")


def _pandas_ranking(log, top):
    frame = log.to_pandas()
    counts = frame.groupby("customer")["event"].agg(" > ".join).value_counts()
    ranked = counts.rename_axis("path").reset_index(name="customers").sort_values(
        ["customers", "path"], ascending=[False, True])
    return ranked.head(top).reset_index(drop=True)


@pytest.mark.parametrize("top", [1, 5, 20, 60])
def test_top_paths_equal_an_independent_pandas_ranking(log, top):
    got = log.paths(top=top)
    expected = _pandas_ranking(log, top)
    assert got["path"].tolist() == expected["path"].tolist()
    assert got["customers"].tolist() == expected["customers"].tolist()
    assert got["share"].tolist() == pytest.approx((expected["customers"] / 600).tolist())
    assert got["length"].tolist() == [p.count(" > ") + 1 for p in expected["path"]]


def _order_blind(t, key):
    # Permutations of one path share this fingerprint.
    return (t[key].hash() % 2**43).sum()


def _head_merge(t, key):
    # Paths starting with buy share the fingerprint of the same path starting with cart.
    import ibis

    step = ibis.ifelse((t.pos == 0) & (t[key] == "buy"), "cart", t[key])
    return (ibis.struct({"pos": t.pos, "step": step}).hash() % 2**43).sum()


def _constant(t, key):
    # Every journey of a length shares this fingerprint.
    return t.pos.min()


@pytest.mark.parametrize("fingerprint", [_order_blind, _head_merge, _constant])
def test_colliding_fingerprints_still_give_the_exact_ranking(log, monkeypatch, fingerprint):
    expected = {top: log.paths(top=top) for top in (3, 8, 20)}
    monkeypatch.setattr(paths, "journey_fingerprint", fingerprint)
    for top, frame in expected.items():
        pd.testing.assert_frame_equal(log.paths(top=top), frame)


def test_both_routes_of_the_check_are_taken(log, monkeypatch):
    written = []
    exact = paths.exact_counts
    monkeypatch.setattr(paths, "exact_counts", lambda t, key, sep: written.append(1) or exact(t, key, sep))
    monkeypatch.setattr(paths, "journey_fingerprint", _head_merge)
    log.paths(top=8)  # buy... and cart... merged, both still in the top 8: the candidates suffice
    assert len(written) == 1
    monkeypatch.setattr(paths, "journey_fingerprint", _constant)
    written.clear()
    log.paths(top=3)  # the merged counts prove nothing: every path is written out
    assert len(written) == 2


def test_all_paths_and_other_keys_are_written_out(log):
    every = log.paths(top=None)
    assert every["customers"].sum() == 600 and every["share"].sum() == pytest.approx(1)
    assert every.head(20).equals(log.paths(top=20))


def test_top_paths_leave_no_stored_tables_behind(log):
    # The per-customer fingerprints are stored for one call only, not for the connection's life.
    def stored():
        return int(log.backend.raw_sql("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0])

    before = stored()
    for top in (3, 10):
        log.paths(top=top)
    assert stored() == before
