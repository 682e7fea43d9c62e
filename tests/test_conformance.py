"""Conformance of journeys to a designed path: hand-aligned logs, the future-state key, errors."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from cjm_research.core.errors import ConfigError, ParameterError
from cjm_research.events.conformance import align
from cjm_research.events.log import read_events
from cjm_research.journey.future import FutureState

PATH = ["view", "cart", "buy"]
# a follows; b skips cart; c buys, carts, buys again (a loop of buy); d views twice (loop);
# e stops after cart (mail is not a designed step); f never enters the path; g carts before viewing.
ROWS = [("a", "view", 0, "web"), ("a", "cart", 1, "web"), ("a", "buy", 2, "web"),
        ("b", "view", 0, "app"), ("b", "buy", 1, "app"),
        ("c", "view", 0, "web"), ("c", "buy", 1, "web"), ("c", "cart", 2, "web"), ("c", "buy", 3, "web"),
        ("d", "view", 0, "app"), ("d", "view", 1, "web"), ("d", "cart", 2, "web"), ("d", "buy", 3, "web"),
        ("e", "view", 0, "web"), ("e", "mail", 1, "web"), ("e", "cart", 2, "web"),
        ("f", "mail", 0, "web"),
        ("g", "cart", 0, "web"), ("g", "view", 1, "web"), ("g", "buy", 2, "web")]


@pytest.fixture(scope="module")
def log():
    frame = pd.DataFrame(ROWS, columns=["customer", "event", "minute", "channel"])
    frame["time"] = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(frame["minute"], unit="min")
    return read_events(frame, customer="customer", timestamp="time", event="event", channel="channel")


def test_alignment_by_hand():
    assert align(PATH, PATH) == {"deviations": set(), "fitness": 1.0, "follows": True}
    assert align(["view", "buy"], PATH)["deviations"] == {("skipped", "cart")}
    assert align(["view", "cart"], PATH)["deviations"] == {("not_reached", "buy")}
    # cart happens, but before view: out of order, not skipped.
    assert align(["cart", "view", "buy"], PATH)["deviations"] == {("out_of_order", "cart")}
    got = align(["view", "view", "cart", "buy"], PATH)
    assert got["deviations"] == {("loop", "view")} and got["fitness"] == pytest.approx(1 - 1 / 7)


def test_summary_and_deviations(log):
    result = log.conformance(PATH, repeats="loop")
    row = result.summary.iloc[0]
    assert row["customers"] == 6  # f has no designed step
    assert row["follows"] == 1 and row["share"] == pytest.approx(1 / 6)
    assert (row["skipped"], row["loop"], row["not_reached"]) == (1, 2, 1)  # b / c, d / e
    assert row["out_of_order"] == 1  # g's cart
    devs = result.deviations.set_index(["deviation", "step"])
    assert devs.loc[("not_reached", "buy"), "example"] == "view > cart"
    assert devs.loc[("loop", "view"), "example"] == "view > view > cart > buy"
    assert devs["share"].max() <= 1 and "follows=16.7%" in repr(result)


def test_a_second_pass_through_the_path_is_a_second_journey():
    frame = pd.DataFrame({"customer": ["r"] * 5, "event": ["view", "cart", "buy", "view", "buy"],
                          "time": pd.date_range("2026-01-01", periods=5, freq="h", tz="UTC")})
    got = read_events(frame, customer="customer", timestamp="time", event="event").conformance(PATH)
    row = got.summary.iloc[0]
    assert (row["customers"], row["journeys"], row["follows"], row["skipped"], row["loop"]) == (1, 2, 1, 1, 0)
    assert got.deviations["example"].tolist() == ["view > buy"]


def test_consecutive_repeats_collapse_unless_asked(log):
    # d views twice in a row: one pass through "view" by default, a loop with repeats="loop".
    assert log.conformance(PATH).summary["follows"].item() == 2
    assert log.conformance(PATH, repeats="loop").summary["follows"].item() == 1
    with pytest.raises(ParameterError, match=r"`repeats` must be one of \['collapse', 'loop'\]"):
        log.conformance(PATH, repeats="ignore")


def test_by_channel_at_the_first_designed_step(log):
    got = log.conformance(PATH, by="channel", repeats="loop").summary.set_index("channel")
    # d starts on app, so app holds b and d; everyone else starts on web.
    assert got["customers"].to_dict() == {"app": 2, "web": 4}
    assert got.loc["web", "follows"] == 1 and got.loc["app", "follows"] == 0


def test_a_path_step_that_never_occurs_names_the_closest(log):
    with pytest.raises(ParameterError, match=r"`path`.*'bye' \(closest: 'buy'\) never occur"):
        log.conformance(["view", "bye"])
    with pytest.raises(ParameterError, match=r"at least two distinct steps"):
        log.conformance(["view", "view"])


# ---------------------------------------------------------------------- the future-state key

def _future(tmp_path, **extra):
    data = {"name": "FS", "stages": {"decision": {"targets": {"csat": 80}}}, **extra}
    path = tmp_path / "future_state.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_future_state_declares_paths(tmp_path):
    path = _future(tmp_path, path=["product_page", "add_to_cart", "checkout", "payment"])
    fs = FutureState.from_yaml(path)
    assert fs.designed_paths() == {"journey": ("product_page", "add_to_cart", "checkout", "payment")}
    assert fs.path_column(fs.journey_path) == "touchpoint"
    data = yaml.safe_load(path.read_text())
    data["stages"]["decision"]["path"] = ["add_to_cart", "payment_failed", "purchase"]
    path.write_text(yaml.safe_dump(data))
    fs = FutureState.from_yaml(path)
    assert fs.designed_paths()["decision"] == ("add_to_cart", "payment_failed", "purchase")
    assert fs.path_column(fs.stages["decision"].path) == "event"
    assert FutureState.from_yaml(_future(tmp_path)).designed_paths() == {}


@pytest.mark.parametrize("value, message", [
    (["product_page", "chekout"], r"key 'path': unknown touchpoint or event 'chekout' \(closest: \['checkout'"),
    (["product_page"], r"key 'path' must be a list of at least two"),
    (["cart_view", "cart_view"], r"key 'path' names \['cart_view'\] more than once"),
    (["product_page", "payment_failed"], r"key 'path' mixes touchpoints and event names"),
])
def test_bad_paths_name_file_and_key(tmp_path, value, message):
    with pytest.raises(ConfigError, match=r"future_state\.yml: " + message):
        FutureState.from_yaml(_future(tmp_path, path=value))


def test_demo_future_state_declares_a_journey_path(demo_dir):
    fs = FutureState.from_yaml(demo_dir / "future_state.yml")
    assert len(fs.designed_paths().get("journey", ())) >= 3


# ---------------------------------------------------------------------- the quarterly report

@pytest.mark.slow
def test_report_shows_conformance_next_to_the_gap(demo_study_path, tmp_path):
    from cjm_research.reports.content import QuarterlyReport

    rep = QuarterlyReport(demo_study_path, "2026Q3", figures_dir=tmp_path / "f", tables_dir=tmp_path / "t")
    notes = []
    rep.note = notes.append
    future = FutureState.from_yaml(rep.future_state, framework=rep.study.framework)
    rep.conformance_section(future)
    table = pd.read_csv(tmp_path / "t" / "conformance_journey.csv")
    assert set(table["by"]) == {"persona", "channel"} and table["share"].between(0, 1).all()
    assert (table["follows"] <= table["journeys"]).all() and (table["customers"] <= table["journeys"]).all()
    # The same numbers as asking the event log directly.
    channel = table[table["by"] == "channel"].set_index("group")["customers"].to_dict()
    direct = rep.study.events.conformance(future.journey_path, by="channel").summary
    assert channel == direct.set_index("channel")["customers"].to_dict()
    assert (tmp_path / "t" / "conformance_journey_deviations.csv").is_file()
    assert any("product_page > add_to_cart" in n for n in notes)
    # Without a declared path the report says so in words.
    notes.clear()
    rep.conformance_section(FutureState.from_yaml(_future(tmp_path)))
    assert notes == ["Conformance to a designed path is not measured in this study: the future state "
                     "declares no path (add `path:` to the future-state file)."]
