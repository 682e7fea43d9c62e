"""The quarterly report end to end on the demo study (one run, shared by every assertion).

The report is built for 2026Q2, the quarter of the planted intervention: the executive summary
must show the decision-stage improvement for the value seekers and nothing for the stages the
demo leaves unchanged. Numbers are checked against counts computed here from the raw files.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from cjm_research.core.labels import t
from cjm_research.reports.runner import make_report

pytestmark = pytest.mark.slow
QUARTER = "2026Q2"
SECTIONS = ["executive_summary", "personas", "current_state", "kpis", "pain_points", "future_state",
            "day_in_the_life", "funnel", "data_quality", "methods"]


def build_demo_report(tmp_path_factory, demo_study_path):
    # A fixed folder under the session's temp dir: a second module calling this gets "skipped".
    out = tmp_path_factory.getbasetemp() / "demo_reports"
    return make_report(demo_study_path, QUARTER, out=out, progress=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory, demo_study_path):
    result = build_demo_report(tmp_path_factory, demo_study_path)
    html = result.html.read_text(encoding="utf-8")
    return {"result": result, "html": html, "folder": result.folder}


def test_report_published(report):
    folder = report["folder"]
    assert report["result"].status in ("built", "skipped")
    assert {"report.html", "report.ipynb", "manifest.json"} <= {p.name for p in folder.iterdir()}
    tables = {p.stem for p in (folder / "tables").glob("*.csv")}
    assert {"kpis", "personas", "pain_points", "funnel", "data_quality", "methods", "future_state_gap"} <= tables
    figures = list((folder / "figures").glob("*.png"))
    assert len(figures) >= 6 and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in figures)
    assert {"future_state_gap", "emotion_as_is_to_be", "priority_matrix", "day_in_the_life"} <= {
        p.stem for p in figures}
    index = (folder.parent / "index.html").read_text()
    assert f'href="{QUARTER}/report.html"' in index


def test_html_sections_in_order_without_code(report):
    html = report["html"]
    positions = [html.find(t(key, "en")) for key in SECTIONS]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    assert "QuarterlyReport" not in html and "rep." not in html
    images = re.findall(r'<img[^>]*src="([^"]*)"', html)
    assert len(images) >= 6 and all(src.startswith("data:image/png;base64,") for src in images)
    alts = re.findall(r'<img[^>]*alt="([^"]*)"', html)
    assert len(alts) == len(images) and sum(a.startswith("Current-state map of") for a in alts) >= 4


def test_no_pii_in_html_or_tables(report, truth):
    pii = truth["pii"]
    texts = [report["html"]] + [p.read_text(encoding="utf-8") for p in (report["folder"] / "tables").glob("*.csv")]
    for value in pii["emails"] + pii["phones"]:
        assert all(value not in text for text in texts), value
    quotes = " ".join(pd.read_csv(report["folder"] / "tables" / "pain_points.csv")["quote"].fillna(""))
    assert quotes.strip()  # there are quotes to check
    assert not any(re.search(rf"\b{re.escape(name)}\b", quotes) for name in pii["names"])


def test_executive_summary_finds_the_planted_intervention(report, truth):
    html = report["html"]
    start, end = html.find(t("executive_summary", "en")), html.find(t("personas", "en"))
    summary = html[start:end]
    bullets = re.findall(r"<li>(.*?)</li>", summary, flags=re.S)
    assert bullets, "no significant change listed"
    decision = [b for b in bullets if "Decision" in b]
    assert any("CSAT" in b and "improved" in b for b in decision)
    assert any("CES" in b and "improved" in b for b in decision)
    unchanged = [s.capitalize() for s in truth["unchanged_stages"]]
    assert not any(f"<strong>{s}</strong>" in b for b in bullets for s in unchanged)


def test_kpi_table_matches_raw_counts(report, demo_dir):
    kpis = pd.read_csv(report["folder"] / "tables" / "kpis.csv")
    raw = pd.read_csv(demo_dir / QUARTER / "survey.csv")
    answered = raw["csat_decision"].between(1, 5).sum()  # 0 means "not applicable"
    decision = kpis[(kpis["stage"] == "decision") & (kpis["metric"] == "csat")]
    assert decision["n"].sum() == answered
    shown = kpis.dropna(subset=["estimate"])
    assert (shown["ci_low"] <= shown["estimate"]).all() and (shown["estimate"] <= shown["ci_high"]).all()
    assert kpis.loc[kpis["masked"], "estimate"].isna().all()
    assert {"change", "p_unc", "p_adj", "significant"} <= set(kpis.columns) and "p_value" not in kpis.columns


def test_funnel_matches_events(report, demo_dir, demo_study_path):
    # The funnel's steps are the framework's stages (never event names of one study).
    import cjm_research as cjm

    funnel = pd.read_csv(report["folder"] / "tables" / "funnel.csv")
    events = pd.read_parquet(demo_dir / QUARTER / "events.parquet")
    fw = cjm.load_study(demo_study_path).framework
    first = events["event"].map(fw.stage_of_event) == fw.stages[0]
    assert len(funnel) == len(fw.stages) and funnel["step"].iloc[0] == fw.label(fw.stages[0])
    assert funnel["customers"].iloc[0] == events.loc[first, "customer_id"].nunique()
    assert funnel["customers"].is_monotonic_decreasing


def test_manifest_of_demo_report(report, demo_dir):
    manifest = json.loads((report["folder"] / "manifest.json").read_text())
    roles = set(manifest["inputs"])
    assert {"study", "framework", "notebook", "future_state", f"{QUARTER}.survey", f"{QUARTER}.interviews",
            f"{QUARTER}.events", "2026Q1.survey"} <= roles
    assert manifest["parameters"]["previous_quarter"] == "2026Q1"
    assert manifest["parameters"]["future_state"] == str((demo_dir / "future_state.yml").resolve())


def test_methods_print_every_definition(report):
    methods = pd.read_csv(report["folder"] / "tables" / "methods.csv")
    text = " ".join(methods["definition"])
    assert {"nps", "csat", "ces"} <= set(methods["metric"])
    assert "9-10" in text and "0-6" in text and "top-2-box" in text.lower()
