"""The same event queries on a local PySpark session give the same answers as DuckDB."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from cjm_research.events.log import read_events
from test_events import SHOP, make_log

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark_backend():
    if shutil.which("java") is None and not os.environ.get("CI"):
        pytest.skip("Java is not installed (set CI=1 to make this a failure)")
    pytest.importorskip("pyspark") if not os.environ.get("CI") else None
    import ibis
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("cjm-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    yield ibis.pyspark.connect(session)
    session.stop()


def _same(a: pd.DataFrame, b: pd.DataFrame, keys):
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False)


def test_small_log_same_on_spark(spark_backend):
    duck = make_log(SHOP)
    spark = make_log(SHOP, backend=spark_backend)
    assert spark.backend.name == "pyspark"
    _same(duck.funnel(["view", "cart", "buy"]), spark.funnel(["view", "cart", "buy"]), ["position"])
    _same(duck.funnel(["view", "buy"], within="1D", by="channel"),
          spark.funnel(["view", "buy"], within="1D", by="channel"), ["channel", "position"])
    _same(duck.funnel(["view", "buy"], by="channel"), spark.funnel(["view", "buy"], by="channel"),
          ["channel", "position"])
    _same(duck.paths(), spark.paths(), ["path"])
    _same(duck.transitions(), spark.transitions(), ["source", "target"])
    _same(duck.sessions("1h"), spark.sessions("1h"), ["customer", "session"])
    _same(duck.cart_abandonment("cart", "buy", within="1D", by="channel"),
          spark.cart_abandonment("cart", "buy", within="1D", by="channel"), ["channel"])
    _same(duck.attribution("buy"), spark.attribution("buy"), ["state"])

@pytest.mark.realdata
def test_receipt_log_same_on_spark(spark_backend, shared_data):
    path = shared_data / "event_logs" / "receipt.csv"
    cols = dict(customer="case:concept:name", timestamp="time:timestamp", event="concept:name",
                channel="case:channel", lifecycle="complete")
    duck, spark = read_events(path, **cols), read_events(path, **cols, backend=spark_backend)
    assert len(spark) == 8577
    steps = ["Confirmation of receipt", "T02 Check confirmation of receipt",
             "T04 Determine confirmation of receipt", "T05 Print and send confirmation of receipt"]
    _same(duck.funnel(steps, within="7D"), spark.funnel(steps, within="7D"), ["position"])
    _same(duck.transitions(), spark.transitions(), ["source", "target"])
    _same(duck.paths(top=10), spark.paths(top=10), ["path"])


def test_ties_keep_the_source_order_on_spark(spark_backend, tmp_path):
    # Equal timestamps in every customer's journey, names against the alphabet, rows shuffled.
    from test_events_ties import COLS, stable_order, tied_frame, transitions_of, variants_of

    frame = tied_frame(n_customers=60)
    path = tmp_path / "ties.csv"
    frame.to_csv(path, index=False)
    ref = stable_order(frame)
    for source in (frame, path):
        duck, spark = read_events(source, **COLS), read_events(source, **COLS, backend=spark_backend)
        assert spark.transitions().set_index(["source", "target"])["count"].to_dict() == transitions_of(ref)
        assert spark.paths(top=None).set_index("path")["customers"].to_dict() == variants_of(ref).to_dict()
        _same(duck.next_steps("cart"), spark.next_steps("cart"), ["next"])
        _same(duck.funnel(["view", "buy"], by="channel"), spark.funnel(["view", "buy"], by="channel"),
              ["channel", "position"])


def test_conformance_and_xes_on_spark(spark_backend, shared_data):
    duck, spark = make_log(SHOP), make_log(SHOP, backend=spark_backend)
    path = ["view", "cart", "buy"]
    _same(duck.conformance(path, by="channel").summary, spark.conformance(path, by="channel").summary,
          ["channel"])
    _same(duck.conformance(path).deviations, spark.conformance(path).deviations, ["deviation", "step"])
    xes = shared_data / "event_logs" / "running-example.xes"
    cols = ["customer", "timestamp", "event"]
    pd.testing.assert_frame_equal(read_events(xes).to_pandas()[cols],
                                  read_events(xes, backend=spark_backend).to_pandas()[cols])
