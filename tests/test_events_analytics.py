"""Rates, abandonment, next steps, the conversion tree, attribution, personas and hours of day."""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from cjm_research.core.errors import DataError, ParameterError
from cjm_research.core.framework import JourneyFramework
from test_events import SHOP, make_log


@pytest.fixture(scope="module")
def shop():
    return make_log(SHOP)


def test_conversion_rate_with_wilson_interval(shop):
    got = shop.conversion_rate("buy", start="view")
    low, high = proportion_confint(2, 3, method="wilson")  # a and b of a, b, d
    assert got[["estimate", "n", "converted"]].values.tolist() == [[pytest.approx(200 / 3), 3, 2]]
    assert got["ci_low"].item() == pytest.approx(100 * low) and got["ci_high"].item() == pytest.approx(100 * high)
    assert "within 1D" in shop.conversion_rate("buy", start="view", within="1D")["definition"].item()
    # Within a day of the first view only b converts (a buys two days later).
    assert shop.conversion_rate("buy", start="view", within="1D")["converted"].item() == 1
    by = shop.conversion_rate("buy", by="channel").set_index("channel")
    assert by["n"].to_dict() == {"app": 1, "store": 1, "web": 2}  # channel of each first event
    assert by["estimate"].to_dict() == {"app": 100.0, "store": 0.0, "web": 100.0}


def test_repurchase_rate_counts_a_second_purchase():
    log = make_log([("a", "buy", 0, "web"), ("a", "buy", 10 * 1440, "web"), ("b", "buy", 0, "web"),
                    ("c", "buy", 0, "app"), ("c", "rebuy", 100, "app"), ("d", "view", 0, "web")])
    assert log.repurchase_rate("buy")[["estimate", "n"]].values.tolist() == [[50.0 / 1.5, 3]]
    assert log.repurchase_rate("buy", within="7D")["repurchased"].item() == 0
    assert log.repurchase_rate(["buy", "rebuy"], within="7D")["repurchased"].item() == 1


def test_cart_abandonment_and_follow_ups():
    log = make_log([("a", "cart", 0, "web"), ("a", "buy", 60, "web"),         # bought: kept
                    ("b", "cart", 0, "app"), ("b", "buy", 3 * 1440, "app"),   # bought too late
                    ("c", "cart", 0, "web"), ("c", "cart", 1440 * 5, "app"),  # two abandoned
                    ("d", "view", 0, "web")])
    got = log.cart_abandonment("cart", "buy", within="2D")
    assert got[["n", "abandoned"]].values.tolist() == [[4, 3]] and got["estimate"].item() == 75.0
    by = log.cart_abandonment("cart", "buy", within="2D", by="channel").set_index("channel")
    assert by["abandoned"].to_dict() == {"app": 2, "web": 1} and by["n"].to_dict() == {"app": 2, "web": 2}
    assert log.cart_abandonment("cart", "buy", within=None)["abandoned"].item() == 2
    follow = log.abandoned_carts("cart", "buy", within="2D")
    # b bought after the window, so only c needs a follow-up, about its latest (app) cart.
    assert follow["customer"].tolist() == ["c"] and follow["carts_abandoned"].item() == 2
    assert follow["channel"].item() == "app"


def test_next_steps_from_a_touchpoint(shop):
    got = shop.next_steps("cart").set_index("next")
    # a and b view after their cart (b's tied view and buy keep their row order), c buys.
    assert got["count"].to_dict() == {"view": 2, "buy": 1}
    assert shop.next_steps("buy").set_index("next")["count"].to_dict() == {"(end)": 3}
    with pytest.raises(ParameterError, match=r"'teleport' \(closest: none\) never occur"):
        shop.next_steps("teleport")
    with pytest.raises(ParameterError, match=r"'crat' \(closest: 'cart'\) never occur"):
        shop.next_steps("crat")


def test_next_steps_by_framework_touchpoint():
    fw = JourneyFramework.load("default")
    frame = pd.DataFrame({"c": ["1", "1", "2", "2"], "e": ["payment", "purchase", "payment_failed", "add_to_cart"],
                          "t": pd.date_range("2026-01-01", periods=4, freq="min", tz="UTC")})
    from cjm_research.events.log import read_events

    log = read_events(frame, customer="c", timestamp="t", event="e", framework=fw)
    got = log.next_steps("payment").set_index("next")["count"].to_dict()
    assert got == {"purchase": 1, "add_to_cart": 1}  # payment and payment_failed share a touchpoint
    # Funnels and transitions can name touchpoints or stages instead of raw events.
    assert log.funnel(["payment", "purchase"], on="touchpoint")["customers"].tolist() == [2, 1]
    assert log.funnel(["decision", "decision"], on="stage")["customers"].tolist() == [2, 2]
    assert log.transitions(on="touchpoint").set_index(["source", "target"])["count"].to_dict() == {
        ("payment", "purchase"): 1, ("payment", "add_to_cart"): 1}


def test_markov_attribution_hand_computed():
    # Journeys: A>conv, A>B>conv, B>(null).  P(conv)=2/3*3/4 + 1/3*1/2 = 2/3.
    # Without A: 1/3*1/2 = 1/6, effect 3/4.  Without B: 2/3*1/2 = 1/3, effect 1/2.
    log = make_log([("1", "ad", 0, "A"), ("1", "conv", 1, "web"), ("2", "ad", 0, "A"),
                    ("2", "mail", 1, "B"), ("2", "conv", 2, "web"), ("3", "mail", 0, "B")])
    got = log.attribution("conv").set_index("state")
    assert got.attrs["conversion_probability"] == pytest.approx(2 / 3)
    assert got["removal_effect"].to_dict() == pytest.approx({"A": 0.75, "B": 0.5})
    assert got["share"].to_dict() == pytest.approx({"A": 0.6, "B": 0.4})
    assert got["conversions"].sum() == pytest.approx(2)


def test_attribution_never_negative_and_ignores_after_conversion():
    # C only ever appears after the conversion, so it gets nothing; D only on a losing path.
    log = make_log([("1", "x", 0, "A"), ("1", "conv", 1, "web"), ("1", "x", 2, "C"),
                    ("2", "x", 0, "D"), ("3", "x", 0, "A"), ("3", "x", 1, "A"), ("3", "conv", 2, "web")])
    got = log.attribution("conv").set_index("state")
    assert set(got.index) == {"A", "D"}
    assert got.loc["A", "share"] == pytest.approx(1) and got.loc["D", "removal_effect"] == 0
    assert (got["removal_effect"] >= 0).all()
    with pytest.raises(DataError, match="No journey .* reaches the conversion"):
        log.attribution("never")


def test_conversion_tree_finds_the_planted_rule():
    # Customers with a payment failure never buy; everyone else does after a cart.
    rows = []
    for i in range(60):
        fails = i % 3 == 0
        rows += [(f"c{i}", "view", 0, "web"), (f"c{i}", "cart", 1, "web")]
        rows += [(f"c{i}", "view", 0.5, "app")] * (i % 4)  # journey length says nothing
        rows += [(f"c{i}", "payment_failed", 2, "web")] if fails else [(f"c{i}", "buy", 3, "web")]
    tree = make_log(rows).conversion_tree("buy", max_depth=2)
    assert tree.accuracy == 1.0 and tree.baseline_accuracy < 0.8
    top = tree.rules.set_index("prediction")
    assert "n_payment_failed > 0.5" in top.loc["does not convert", "rule"]
    assert "IF n_payment_failed" in str(tree)
    assert "n_buy" not in tree.features.columns  # the target itself is never a feature


def test_with_personas_through_respondents(shop):
    log = shop.with_personas({"a": "R1", "b": "R2", "c": "R3"}, respondents={"R1": "P1", "R2": "P2", "R3": "P2"})
    got = log.funnel(["view", "buy"], by="persona").set_index(["persona", "position"])["customers"]
    assert got[("P1", 2)] == 1 and got[("P2", 1)] == 1 and got[("P2", 2)] == 1
    assert log.to_pandas().set_index("customer")["persona"].isna().loc["d"]
    with pytest.raises(DataError, match=r"customer\(s\) 'a' map to more than one persona"):
        shop.with_personas(pd.DataFrame({"c": ["a", "a"], "p": ["P1", "P2"]}))


def test_hourly_in_local_time():
    log = make_log([("a", "view", "2026-01-01 01:30", "app"), ("a", "buy", "2026-01-01 01:45", "app"),
                    ("b", "view", "2026-01-01 17:10", "web")]).with_personas({"a": "P1", "b": "P2"})
    got = log.hourly(by="persona", timezone="Asia/Jakarta")  # UTC+7
    assert got[["persona", "hour", "channel", "events"]].values.tolist() == [["P1", 8, "app", 2], ["P2", 0, "web", 1]]
    assert log.hourly(by=None, timezone="Asia/Kolkata")["hour"].tolist() == [7, 22]  # +5:30: 01:30 -> 07:00
    with pytest.raises(ParameterError, match="`timezone` must be an IANA time zone"):
        log.hourly(by=None, timezone="Mars/Olympus")
    with pytest.warns(DeprecationWarning, match="`tz=` is deprecated"):  # the old name still works
        assert log.hourly(by=None, tz="Asia/Kolkata")["hour"].tolist() == [7, 22]


def test_stage_durations_and_channel_switching():
    fw = JourneyFramework.load("default")
    frame = pd.DataFrame({"c": ["1"] * 4 + ["2"] * 2,
                          "e": ["ad_view", "product_view", "purchase", "order_tracking", "ad_view", "app_browse"],
                          "ch": ["social", "web", "web", "app", "social", "app"],
                          "t": pd.to_datetime(["2026-01-01 00:00", "2026-01-01 02:00", "2026-01-01 05:00",
                                               "2026-01-03 05:00", "2026-01-01 00:00", "2026-01-01 04:00"], utc=True)})
    from cjm_research.events.log import read_events
    log = read_events(frame, customer="c", timestamp="t", event="e", channel="ch", framework=fw)
    got = log.stage_durations().set_index("from_stage")
    assert got.loc["awareness", "customers"] == 2 and got.loc["awareness", "median_hours"] == 3.0  # 2h and 4h
    assert got.loc["decision", "mean_hours"] == 48.0 and got.loc["retention", "customers"] == 0
    switches = log.channel_switching().set_index(["from_channel", "to_channel"])["count"].to_dict()
    assert switches == {("social", "web"): 1, ("web", "app"): 1, ("social", "app"): 1}
    assert log.channel_switching().attrs["multichannel_share"] == 1.0
    assert log.channel_switching(within="1h").empty  # every switch happens after an hour's pause
    with pytest.warns(DeprecationWarning, match="`gap=` is deprecated"):
        assert log.channel_switching(gap="1h").empty
    counts = log.touchpoint_counts().set_index("touchpoint")
    assert counts.loc["social_ad", "customers"] == 2 and list(counts.index[:2]) == ["social_ad", "product_page"]


def test_stage_queries_need_a_framework(shop):
    with pytest.raises(ParameterError, match="needs stages"):
        shop.stage_durations()


def test_hourly_defaults_to_utc_not_to_one_region():
    log = make_log([("a", "view", "2026-01-01 01:30", "app"), ("b", "view", "2026-01-01 17:10", "web")])
    assert log.hourly(by=None)["hour"].tolist() == [1, 17]
