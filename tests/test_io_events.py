"""Event-log reader: real exports, time zones, exact ids and clear messages for bad logs."""

from __future__ import annotations

import pandas as pd
import pytest

from cjm_research.core.errors import DataError, ParameterError
from cjm_research.core.framework import JourneyFramework
from cjm_research.io.events import load_event_frame

RECEIPT = dict(customer="case:concept:name", timestamp="time:timestamp", event="concept:name",
               channel="case:channel")


@pytest.mark.realdata
def test_receipt_log_reads_with_mixed_offsets(shared_data):
    path = shared_data / "event_logs" / "receipt.csv"
    frame = load_event_frame(path, **RECEIPT, lifecycle="complete")
    raw = pd.read_csv(path, dtype=str)
    assert len(frame) == 8577 and frame["customer"].nunique() == 1434
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
    # Independent parse of the offsets (summer +02:00 and winter +01:00 rows both present).
    expected = pd.to_datetime(raw["time:timestamp"], utc=True, format="ISO8601")
    got = frame.set_index(frame.index)["timestamp"]
    assert got.sort_values().tolist() == expected.sort_values().tolist()
    assert raw["time:timestamp"].str.endswith("+02:00").any() and raw["time:timestamp"].str.endswith("+01:00").any()
    first = frame[(frame["customer"] == "case-10011")].sort_values("timestamp").iloc[0]
    assert first["timestamp"] == pd.Timestamp("2011-10-11 11:45:40.276", tz="UTC")
    assert set(frame["channel"].dropna()) == set(raw["case:channel"].dropna())


@pytest.mark.realdata
def test_running_example_keeps_values(shared_data):
    path = shared_data / "event_logs" / "running-example.csv"
    frame = load_event_frame(path, customer="case:concept:name", timestamp="time:timestamp",
                             event="concept:name", value="Costs")
    raw = pd.read_csv(path)
    assert frame.shape == (42, 5) and frame["customer"].nunique() == 6
    assert frame["value"].sum() == raw["Costs"].sum()
    assert frame["channel"].isna().all()


def test_long_ids_stay_exact_in_csv_and_parquet(tmp_path):
    ids = ["9223372036854775807", "1234567890123456789", "1000000000000000001"]
    frame = pd.DataFrame({"cid": ids, "ts": ["2026-01-01T00:00:00Z"] * 3, "ev": ["a", "b", "c"]})
    frame.to_csv(tmp_path / "e.csv", index=False)
    frame.assign(cid=frame["cid"].astype("int64")).to_parquet(tmp_path / "e.parquet")
    for name in ("e.csv", "e.parquet"):
        got = load_event_frame(tmp_path / name, customer="cid", timestamp="ts", event="ev")
        assert sorted(got["customer"]) == sorted(ids), name


def test_epoch_seconds_offsets_and_naive_times():
    frame = pd.DataFrame({"c": [1, 1, 1, 1],
                          "t": ["1767225600", "2026-01-01 07:00:00+07:00", "2026-01-01 00:00:00",
                                "1767225600.5"],
                          "e": ["a", "b", "c", "d"]})
    got = load_event_frame(frame, customer="c", timestamp="t", event="e")
    midnight = pd.Timestamp("2026-01-01", tz="UTC")
    assert got["timestamp"].tolist()[:3] == [midnight] * 3
    assert got["timestamp"].iloc[3] == midnight + pd.Timedelta(milliseconds=500)
    numeric = load_event_frame(pd.DataFrame({"c": ["x"], "t": [1767225600], "e": ["a"]}),
                               customer="c", timestamp="t", event="e")
    assert numeric["timestamp"].iloc[0] == midnight
    aware = pd.DataFrame({"c": ["x"], "t": pd.to_datetime(["2026-01-01 07:00"]).tz_localize("Asia/Jakarta"),
                          "e": ["a"]})
    assert load_event_frame(aware, customer="c", timestamp="t", event="e")["timestamp"].iloc[0] == midnight


def test_lifecycle_keeps_complete_events():
    frame = pd.DataFrame({"case": ["1"] * 4, "act": ["a", "a", "b", "b"],
                          "time": ["2026-01-01 10:00", "2026-01-01 10:05", "2026-01-01 11:00", "2026-01-01 11:30"],
                          "lifecycle:transition": ["start", "complete", "start", "COMPLETE"]})
    got = load_event_frame(frame, customer="case", timestamp="time", event="act", lifecycle="complete")
    assert got["timestamp"].dt.minute.tolist() == [5, 30]
    assert len(load_event_frame(frame, customer="case", timestamp="time", event="act")) == 4


def test_framework_adds_touchpoint_stage_and_channel():
    fw = JourneyFramework.load("default")
    frame = pd.DataFrame({"c": ["1", "1", "1"], "t": ["2026-01-01"] * 3,
                          "e": ["payment_failed", "add_to_cart", "teleport"], "ch": ["app", None, None]})
    got = load_event_frame(frame, customer="c", timestamp="t", event="e", channel="ch", framework=fw)
    got = got.set_index("event")
    assert got.loc["payment_failed", ["touchpoint", "stage", "channel"]].tolist() == ["payment", "decision", "app"]
    assert got.loc["add_to_cart", "channel"] == "web"  # filled from the framework
    assert pd.isna(got.loc["teleport", "stage"])


def test_unknown_events_are_reported():
    from cjm_research.events.log import read_events

    frame = pd.DataFrame({"c": ["1", "2"], "t": ["2026-01-01"] * 2, "e": ["search", "teleport"]})
    log = read_events(frame, customer="c", timestamp="t", event="e", framework=JourneyFramework.load("default"))
    assert log.unknown_events == ["teleport"]
    assert "teleport" in repr(log)


# ---------------------------------------------------------------------- bad logs

def test_missing_column_names_file_and_column(tmp_path):
    path = tmp_path / "log.csv"
    pd.DataFrame({"case": ["1"], "when": ["2026-01-01"], "what": ["a"]}).to_csv(path, index=False)
    with pytest.raises(DataError, match=r"log\.csv: missing column\(s\) 'timestamp'.*'when'"):
        load_event_frame(path, customer="case", timestamp="timestamp", event="what")


def test_unparseable_timestamps_name_the_rows(tmp_path):
    path = tmp_path / "log.csv"
    pd.DataFrame({"case": ["1", "1", "2", "2"],
                  "when": ["2026-01-01 10:00+07:00", "next tuesday", "2026-01-02", "31/02/2026"],
                  "what": ["a", "b", "a", "b"]}).to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        load_event_frame(path, customer="case", timestamp="when", event="what")
    message = str(err.value)
    assert "log.csv" in message and "'when'" in message and "2 timestamp(s)" in message
    assert "'next tuesday'" in message and "rows 2, 4" in message


def test_missing_timestamps_and_customers_are_errors():
    frame = pd.DataFrame({"c": ["1", None], "t": ["2026-01-01", "2026-01-02"], "e": ["a", "b"]})
    with pytest.raises(DataError, match=r"column 'c': 1 event\(s\) have no customer \(data rows 2\)"):
        load_event_frame(frame, customer="c", timestamp="t", event="e")
    frame = pd.DataFrame({"c": ["1", "2"], "t": ["2026-01-01", None], "e": ["a", "b"]})
    with pytest.raises(DataError, match=r"column 't': 1 timestamp.*rows 2"):
        load_event_frame(frame, customer="c", timestamp="t", event="e")


def test_empty_logs(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match=r"empty\.csv: the event log is empty"):
        load_event_frame(empty, customer="c", timestamp="t", event="e")
    header = tmp_path / "header.csv"
    header.write_text("c,t,e\n")
    with pytest.raises(DataError, match=r"header\.csv: the event log has no events"):
        load_event_frame(header, customer="c", timestamp="t", event="e")


def test_unknown_format_and_backend(tmp_path):
    path = tmp_path / "log.json"
    path.write_text("{}")
    with pytest.raises(DataError, match=r"log\.json: unknown event-log format '\.json'"):
        load_event_frame(path, customer="c", timestamp="t", event="e")
    from cjm_research.events.log import read_events

    frame = pd.DataFrame({"c": ["1"], "t": ["2026-01-01"], "e": ["a"]})
    with pytest.raises(ParameterError, match=r"`backend` must be None, 'duckdb' or an Ibis connection.*'postgres'"):
        read_events(frame, customer="c", timestamp="t", event="e", backend="postgres")


def test_csv_tsv_parquet_and_frame_agree(tmp_path):
    frame = pd.DataFrame({"cid": ["7", "7", "8"], "ts": ["2026-03-29 01:30:00+01:00", "2026-03-29 03:30:00+02:00",
                                                        "1767225600"],
                          "ev": ["a", "b", "c"], "ch": ["web", None, "app"], "val": ["1.5", None, "2"]})
    frame.to_csv(tmp_path / "e.csv", index=False)
    frame.to_csv(tmp_path / "e.tsv", index=False, sep="\t")
    frame.to_parquet(tmp_path / "e.parquet")
    cols = dict(customer="cid", timestamp="ts", event="ev", channel="ch", value="val")
    results = [load_event_frame(src, **cols) for src in
               (frame, tmp_path / "e.csv", tmp_path / "e.tsv", tmp_path / "e.parquet")]
    for got in results[1:]:
        pd.testing.assert_frame_equal(got.sort_values("event").reset_index(drop=True),
                                      results[0].sort_values("event").reset_index(drop=True))
    # Both sides of the spring-forward change are 00:30 UTC and 01:30 UTC.
    assert results[0]["timestamp"].dt.strftime("%H:%M").tolist()[:2] == ["00:30", "01:30"]
    assert results[0]["value"].tolist()[:1] == [1.5] and results[0]["channel"].isna().sum() == 1
