"""XES logs: read with no column arguments, the same events as their CSV twins, clear errors."""

from __future__ import annotations

import gzip
import shutil

import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.core.errors import DataError
from cjm_research.io.xes import read_xes

XES_CSV = dict(customer="case:concept:name", timestamp="time:timestamp", event="concept:name")

TINY = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <string key="concept:name" value="log-level attributes are not events"/>
  <global scope="event"><string key="concept:name" value="default"/></global>
  <trace>
    <string key="concept:name" value="c1"/>
    <int key="age" value="41"/>
    <event>
      <string key="concept:name" value="register"/>
      <string key="lifecycle:transition" value="complete"/>
      <string key="org:resource" value="Pete"/>
      <date key="time:timestamp" value="2026-01-01T10:00:00.000+07:00"/>
      <float key="cost" value="2.5"/><boolean key="urgent" value="true"/>
      <list key="items"><string key="item" value="nested values are skipped"/></list>
    </event>
    <event>
      <string key="concept:name" value="decide"/>
      <date key="time:timestamp" value="2026-01-01T10:00:00.000+07:00"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="c2"/>
    <event><string key="concept:name" value="register"/>
      <date key="time:timestamp" value="2026-01-02T00:00:00Z"/></event>
  </trace>
</log>
"""


def test_tiny_log_maps_the_standard_keys(tmp_path):
    path = tmp_path / "tiny.xes"
    path.write_text(TINY, encoding="utf-8")
    frame = cjm.read_events(path).to_pandas()
    assert frame[["customer", "event"]].values.tolist() == [["c1", "register"], ["c1", "decide"],
                                                            ["c2", "register"]]
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2026-01-01 03:00", tz="UTC")
    assert frame["lifecycle"].iloc[0] == "complete" and frame["resource"].iloc[0] == "Pete"
    assert frame["cost"].iloc[0] == 2.5 and frame["case:age"].iloc[0] == 41
    assert bool(frame["urgent"].iloc[0]) is True and "items" not in frame
    assert read_xes(path).num_rows == 3


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["running-example", "roadtraffic100traces"])
def test_xes_equals_its_csv_twin(shared_data, tmp_path, name):
    folder = shared_data / "event_logs"
    xes, csv = cjm.read_events(folder / f"{name}.xes"), cjm.read_events(folder / f"{name}.csv", **XES_CSV)
    got, twin = xes.to_pandas(), csv.to_pandas()
    cols = ["customer", "timestamp", "event"]
    pd.testing.assert_frame_equal(got[cols], twin[cols])  # same events, same order
    assert len(xes) == len(csv) and xes.n_customers == csv.n_customers
    assert xes.transitions().equals(csv.transitions())
    assert xes.paths(top=None).equals(csv.paths(top=None))
    raw = pd.read_csv(folder / f"{name}.csv")
    extra = [c for c in raw.columns if c not in XES_CSV.values() and not c.startswith("Unnamed")]
    for col in extra:  # every other attribute is kept (two are renamed)
        assert {"lifecycle:transition": "lifecycle", "org:resource": "resource"}.get(col, col) in got or col in got
    # A gzipped copy reads the same.
    gz = tmp_path / f"{name}.xes.gz"
    with open(folder / f"{name}.xes", "rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    pd.testing.assert_frame_equal(cjm.read_events(gz).to_pandas(), got)


@pytest.mark.realdata
def test_xes_numbers_and_lifecycle_filter(shared_data):
    path = shared_data / "event_logs" / "roadtraffic100traces.xes"
    frame = cjm.read_events(path, lifecycle="complete").to_pandas()
    raw = pd.read_csv(shared_data / "event_logs" / "roadtraffic100traces.csv")
    assert frame["amount"].sum() == pytest.approx(raw["amount"].sum())
    assert len(frame) == 390 and set(frame["lifecycle"]) == {"complete"}


@pytest.mark.parametrize("text, message", [
    ("<log><trace><event>", r"bad\.xes: not a readable XES event log \(.*line"),
    ("<html><body/></html>", r"bad\.xes: not an XES event log; the root element is <html>"),
    ("<log><trace><string key='concept:name' value='c'/></trace></log>", r"bad\.xes: the XES log has no <event>"),
])
def test_bad_xes_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.xes"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        cjm.read_events(path)


def test_bad_gzip_and_missing_names(tmp_path):
    path = tmp_path / "bad.xes.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(DataError, match=r"bad\.xes\.gz: cannot be read as an XES event log"):
        cjm.read_events(path)
    nameless = tmp_path / "nameless.xes"
    stamp = "<date key='time:timestamp' value='2026-01-01T00:00:00Z'/>"
    nameless.write_text(f"<log><trace><string key='concept:name' value='c'/><event>{stamp}"
                        f"<string key='concept:name' value='a'/></event><event>{stamp}</event></trace></log>")
    with pytest.raises(DataError, match=r"nameless\.xes, column 'concept:name': 1 event\(s\) have no "
                                        r"event \(data rows 2\)"):
        cjm.read_events(nameless)
    nameless.write_text(f"<log><trace><string key='concept:name' value='c'/><event>{stamp}</event></trace></log>")
    with pytest.raises(DataError, match=r"nameless\.xes: missing column\(s\) 'concept:name'.*"
                                        r"'case:concept:name', 'time:timestamp'\."):
        cjm.read_events(nameless)


def test_csv_still_needs_column_names(tmp_path):
    path = tmp_path / "e.csv"
    pd.DataFrame({"c": ["1"], "t": ["2026-01-01"], "e": ["a"]}).to_csv(path, index=False)
    with pytest.raises(cjm.ParameterError, match=r"`customer` must name a column.*only XES"):
        cjm.read_events(path, timestamp="t", event="e")
