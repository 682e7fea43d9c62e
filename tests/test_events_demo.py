"""The demo study's planted story is recovered from its event logs."""

from __future__ import annotations

import cjm_research as cjm


def _events(demo_study_path, quarter, truth):
    log = cjm.load_study(demo_study_path, quarter=quarter).events
    return log.with_personas(truth["customers"])


def test_p2_cart_abandonment_falls_after_the_payment_fix(demo_study_path, truth):
    persona = truth["pain_point"]["persona"]
    before = _events(demo_study_path, "2026Q1", truth).cart_abandonment(by="persona").set_index("persona")
    after = _events(demo_study_path, "2026Q3", truth).cart_abandonment(by="persona").set_index("persona")
    # Clearly higher: the 95% intervals do not even overlap.
    assert before.loc[persona, "ci_low"] > after.loc[persona, "ci_high"]
    assert before.loc[persona, "estimate"] == before["estimate"].max()


def test_demo_events_carry_framework_stages(demo_study_path, truth):
    log = _events(demo_study_path, "2026Q1", truth)
    assert log.unknown_events == []
    failures = log.next_steps("payment_failed", on="event")
    assert failures["count"].sum() > 0
    steps = ["add_to_cart", "checkout", "payment", "purchase"]
    by_persona = log.funnel(steps, by="persona")
    paid = by_persona[by_persona["step"] == "purchase"].set_index("persona")["conversion_from_previous"]
    # The planted pain point: payment -> purchase is where the pain-point persona is lost.
    assert paid.idxmin() == truth["pain_point"]["persona"]
    assert paid.drop(paid.idxmin()).min() - paid.min() > 5
