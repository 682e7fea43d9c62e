"""Small study shapes written to a folder, for tests that must not lean on the demo's shape.

``make_study(tmp_path, survey=True, interviews=False, events=False, ...)`` writes a framework, a
``study.yml`` and one or two quarters of data with custom stage and touchpoint names, so a test
can run the whole path (load -> personas -> current_state -> compare_quarters -> report) on a
survey-only, interviews-only, events-only or mixed study, with or without NPS, CSAT, CES, an
overall outcome, panel (customer) ids and a future state. Everything is seeded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

STAGES = ["booking", "check_in", "boarding", "in_flight", "arrival"]
# Long, question-like labels on purpose: maps must wrap them, never cut them.
TOUCHPOINTS = [
    ("online_booking", "booking", "web", "Ease of online booking: finding and paying for a flight"),
    ("schedule", "booking", "web", "Departure/arrival time convenient: schedule fits my plans"),
    ("gate_location", "booking", "app", "Gate location shown in advance"),
    ("online_check_in", "check_in", "web", "Online check-in service"),
    ("baggage", "check_in", "counter", "Baggage handling at the counter"),
    ("checkin_service", "check_in", "counter", "Check-in service staff"),
    ("boarding_process", "boarding", "gate", "Boarding process and queueing"),
    ("seat_comfort", "in_flight", "cabin", "Seat comfort"),
    ("food", "in_flight", "cabin", "Food and drink"),
    ("wifi", "in_flight", "cabin", "Inflight wifi service"),
    ("entertainment", "in_flight", "cabin", "Inflight entertainment"),
    ("legroom", "in_flight", "cabin", "Leg room service"),
    ("cleanliness", "in_flight", "cabin", "Cleanliness of the cabin"),
    ("onboard_service", "arrival", "cabin", "On-board service and arrival information"),
]
# True importance of each touchpoint for the outcome (the strongest are wifi and boarding).
WEIGHTS = {"wifi": 1.2, "boarding_process": 0.9, "online_booking": 0.7, "seat_comfort": 0.6,
           "entertainment": 0.5}


def framework_dict(*, n_stages: int = 5, n_touchpoints: int = 14, events: bool = False) -> dict:
    stages = STAGES[:n_stages]
    tps = [t for t in TOUCHPOINTS if t[1] in stages][:n_touchpoints]
    return {
        "name": "Passenger journey",
        "stages": [{"id": s, "label": s.replace("_", "-").capitalize(),
                    "backstage": {"internal_actors": [f"{s.replace('_', ' ')} team"]}} for s in stages],
        "touchpoints": [{"id": i, "label": label, "stage": st, "channel": ch, "visibility": "frontstage",
                         **({"events": [f"{i}_done"]} if events else {})} for i, st, ch, label in tps],
    }


def survey_frame(n: int, rng, touchpoints, *, nps=False, csat_stages=(), ces_stages=(), outcome=None,
                 panel=False, shift=0.0, na_share=0.3) -> pd.DataFrame:
    latent = rng.normal(size=n)
    df = pd.DataFrame({"respondent_id": [f"r{i:05d}" for i in range(n)],
                       "age": rng.integers(7, 80, n), "travel_type": rng.choice(["business", "personal"], n),
                       "class": rng.choice(["eco", "business", "eco plus"], n),
                       "flight_distance": rng.gamma(2, 600, n).round()})
    if panel:
        df["customer_id"] = [f"c{i:05d}" for i in range(n)]
    drive = np.zeros(n)
    for tp in touchpoints:
        quality = latent * 0.6 + rng.normal(size=n) + shift
        rating = np.clip(np.round(3 + quality), 1, 5).astype(int)
        used = rng.random(n) > na_share
        df[f"q_{tp}"] = np.where(used, rating, 0)   # 0 = not applicable
        drive += WEIGHTS.get(tp, 0.1) * np.where(used, rating - 3, 0)
    score = drive + rng.normal(size=n)
    if nps:
        df["nps"] = np.clip(np.round(7 + score), 0, 10).astype(int)
    for s in csat_stages:
        df[f"csat_{s}"] = np.clip(np.round(3.4 + 0.5 * latent + rng.normal(size=n) * 0.8), 1, 5).astype(int)
    for s in ces_stages:
        df[f"ces_{s}"] = np.clip(np.round(3.5 - 0.5 * latent + rng.normal(size=n)), 1, 7).astype(int)
    if outcome == "text":
        df["satisfaction"] = np.where(score > 0, "satisfied", "neutral or dissatisfied")
    elif outcome == "binary":
        df["satisfaction"] = (score > 0).astype(int)
    elif outcome == "scale":
        df["satisfaction"] = np.clip(np.round(3 + score / 2), 1, 5).astype(int)
    return df


def interview_frame(rng, stages, touchpoints, *, n_excerpts=30, customer_ids=None) -> pd.DataFrame:
    texts = {"neg": ["The queue was slow and nobody helped.", "The wifi kept dropping, it was terrible."],
             "pos": ["Staff were friendly and quick.", "Great seat, very comfortable."]}
    rows = []
    for i in range(n_excerpts):
        stage = stages[i % len(stages)]
        tps = [t for t, s in touchpoints if s == stage]
        neg = rng.random() < 0.6
        rows.append({"excerpt_id": f"e{i}", "participant": f"P{i % 6}",
                     "customer_id": customer_ids[i % len(customer_ids)] if customer_ids is not None else f"c{i % 6}",
                     "stage": stage, "touchpoint": tps[0] if tps else None,
                     "text": texts["neg" if neg else "pos"][i % 2],
                     "pain_point": f"{stage}_delay" if neg else None,
                     "emotion_score": -0.6 if neg else 0.5})
    return pd.DataFrame(rows)


def event_frame(rng, touchpoints, customers, *, start="2026-07-01") -> pd.DataFrame:
    rows = []
    t0 = pd.Timestamp(start, tz="UTC")
    for c in customers:
        t = t0 + pd.Timedelta(minutes=int(rng.integers(0, 80000)))
        for tp, _ in touchpoints:
            if rng.random() < 0.7:
                rows.append({"customer_id": c, "timestamp": t, "event": f"{tp}_done", "channel": "web"})
                t += pd.Timedelta(minutes=int(rng.integers(1, 600)))
    return pd.DataFrame(rows)


def make_study(folder, *, survey=True, interviews=False, events=False, nps=False, csat=False, ces=False,
               outcome=None, panel=False, future=False, n=300, n_stages=5, n_touchpoints=14,
               quarters=("2026Q2", "2026Q3"), shift=(0.0, 0.0), seed=0, n_excerpts=30,
               min_cell_size=5, n_rated=None) -> Path:
    """Write a study of the requested shape; returns the path of ``study.yml``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    fw = framework_dict(n_stages=n_stages, n_touchpoints=n_touchpoints, events=events)
    stages = [s["id"] for s in fw["stages"]]
    tps = [(t["id"], t["stage"]) for t in fw["touchpoints"]]
    (folder / "framework.yml").write_text(yaml.safe_dump(fw, sort_keys=False), encoding="utf-8")
    csat_stages = stages if csat else []
    ces_stages = stages[:2] if ces else []
    study = {"name": "Shape study", "framework": "framework.yml", "min_cell_size": min_cell_size,
             "quarters": {}}
    if survey:
        cols = {"respondent_id": "respondent_id",
                "persona_features": {"numeric": ["age", "flight_distance"],
                                     "categorical": ["travel_type", "class"]},
                "touchpoint_ratings": {tp: f"q_{tp}" for tp, _ in tps[:n_rated]}, "not_applicable": [0]}
        if panel:
            cols["customer_id"] = "customer_id"
        if nps:
            cols["nps"] = "nps"
        if csat_stages:
            cols["csat"] = {s: f"csat_{s}" for s in csat_stages}
        if ces_stages:
            cols["ces"] = {s: f"ces_{s}" for s in ces_stages}
        study["survey"] = cols
    if events:
        study["events"] = {"customer": "customer_id", "timestamp": "timestamp", "event": "event",
                           "channel": "channel"}
    for q, s in zip(quarters, shift):
        (folder / q).mkdir(exist_ok=True)
        files = {}
        ids = [f"c{i:05d}" for i in range(n)]
        if survey:
            frame = survey_frame(n, rng, [t for t, _ in tps], nps=nps, csat_stages=csat_stages,
                                 ces_stages=ces_stages, outcome=outcome, panel=panel or events, shift=s)
            frame.to_csv(folder / q / "survey.csv", index=False)
            files["survey"] = f"{q}/survey.csv"
        if interviews:
            interview_frame(rng, stages, tps, n_excerpts=n_excerpts,
                            customer_ids=ids if (panel and survey) else None).to_csv(
                folder / q / "interviews.csv", index=False)
            files["interviews"] = f"{q}/interviews.csv"
        if events:
            event_frame(rng, tps, ids[: max(20, n // 3)]).to_parquet(folder / q / "events.parquet")
            files["events"] = f"{q}/events.parquet"
        study["quarters"][q] = files
    if survey and (panel or events) and "customer_id" not in study["survey"]:
        study["survey"]["customer_id"] = "customer_id"
    if future:
        plan = {"name": "Future passenger journey", "framework": "framework.yml",
                "stages": {stages[-1]: {"emotion": 0.4}},
                "opportunities": [{"title": "Faster boarding", "stage": stages[min(2, len(stages) - 1)],
                                   "impact": 4, "effort": 2}]}
        if csat_stages:
            plan["stages"][stages[0]] = {"targets": {"csat": 80}}
        (folder / "future_state.yml").write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
        study["future_state"] = "future_state.yml"
    path = folder / "study.yml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    return path
