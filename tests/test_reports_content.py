"""Labels in both languages and the report's table logic (fast: no notebook run)."""

from __future__ import annotations

import pandas as pd
import pytest

from cjm_research.reports import content as rc
from cjm_research.core.errors import ParameterError
from cjm_research.core.labels import LABELS, t

SECTIONS = ["executive_summary", "personas", "current_state", "blueprint", "kpis", "pain_points",
            "future_state", "day_in_the_life", "funnel", "data_quality", "methods"]


def test_every_label_has_both_languages_and_the_same_placeholders():
    import string

    for key, texts in LABELS.items():
        assert set(texts) == {"en", "id"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("en", "id")]
        assert fields[0] == fields[1], key


def test_sections_differ_by_language():
    for key in SECTIONS:
        assert t(key, "en") and t(key, "id")
    assert t("kpis", "id") == "Metrik utama" and t("data_quality", "id").startswith("Lampiran")
    assert sum(t(k, "en") != t(k, "id") for k in SECTIONS) >= len(SECTIONS) - 1


def test_label_errors():
    with pytest.raises(ParameterError, match=r"`language` must be one of \['en', 'id'\], but 'fr'"):
        t("kpis", "fr")
    with pytest.raises(ParameterError, match="label 'kpi' is not defined"):
        t("kpi", "en")
    with pytest.raises(ParameterError, match="needs a value for 'min_cell_size'"):
        t("caption_kpi", "en", level="95%")
    with pytest.raises(ParameterError, match="needs a value for 'level'"):
        t("caption_kpi", "en", min_cell_size=5)   # the level is never assumed
    assert "n < 7" in t("masked", "id", min_cell_size=7)


CHANGES = pd.DataFrame({
    "stage": ["decision", "decision", "awareness"], "persona": ["Value", "Value", "Value"],
    "metric": ["csat", "ces", "csat"], "earlier": [40.0, 5.1, 60.0], "later": [72.0, 3.2, 61.0],
    "change": [32.0, -1.9, 1.0], "p_unc": [0.0001, 0.006, 0.9], "p_adj": [0.0004, 0.012, 0.9],
    "significant": [True, True, False],
    "direction": ["improved", "improved", ""]})


def test_summary_lists_only_significant_changes():
    lines = rc.summary_lines(CHANGES, label=str.capitalize)
    assert lines == ["- **Decision**, Value, CSAT: 40.0 → 72.0 (+32.0, improved; adjusted p < 0.001)",
                     "- **Decision**, Value, CES: 5.1 → 3.2 (-1.9, improved; adjusted p = 0.012)"]
    assert rc.summary_lines(CHANGES.assign(significant=False)) == []
    lines = rc.summary_lines(CHANGES, word=lambda w: t(w, "id") if w in LABELS else w)
    assert lines[0].endswith("(+32.0, membaik; p disesuaikan < 0.001)")


class FakeMap:
    def __init__(self, rows):
        self.rows = pd.DataFrame(rows)

    def table(self, *, lane=None):
        return self.rows[self.rows["lane"] == lane] if lane else self.rows


def test_kpi_table_masks_small_cells_and_joins_tests():
    jm = FakeMap({"persona": ["Value", "Value", "Value", "Tiny"], "stage": ["decision"] * 3 + ["awareness"],
                  "lane": ["metrics", "metrics", "emotion", "metrics"], "item": ["csat", "ces", "emotion", "csat"],
                  "value": [72.0, 3.2, 0.4, 90.0], "n": [120.0, 118.0, 50.0, 3.0], "ci_low": [64.0, 3.0, 0.3, 60.0],
                  "ci_high": [79.0, 3.4, 0.5, 99.0], "masked": [False, False, False, False]})
    out = rc.kpi_table(jm, CHANGES, min_cell_size=5)
    assert list(out["metric"]) == ["csat", "ces", "csat"]            # emotion is not a KPI
    tiny = out[out["persona"] == "Tiny"].iloc[0]
    assert tiny["masked"] and pd.isna(tiny["estimate"]) and pd.isna(tiny["ci_low"]) and tiny["n"] == 3
    value = out[(out["persona"] == "Value") & (out["metric"] == "csat")].iloc[0]
    assert value["change"] == 32.0 and value["p_adj"] == 0.0004 and value["estimate"] == 72.0
    assert "p_value" not in out.columns   # an adjusted value is never called p_value
    assert rc.kpi_table(jm, None, min_cell_size=5).columns.tolist()[-1] == "masked"


def test_kpi_table_joins_nps_changes_at_journey_level():
    jm = FakeMap({"persona": ["Value"], "stage": ["advocacy"], "lane": ["metrics"], "item": ["nps"],
                  "value": [18.0], "n": [300.0], "ci_low": [10.0], "ci_high": [26.0], "masked": [False]})
    changes = pd.DataFrame({"stage": ["(journey)"], "persona": ["Value"], "metric": ["nps"],
                            "earlier": [2.0], "change": [16.0], "p_unc": [0.004], "p_adj": [0.01],
                            "significant": [True]})
    row = rc.kpi_table(jm, changes, min_cell_size=5).iloc[0]
    assert row["stage"] == "(journey)" and row["change"] == 16.0 and row["significant"]


def test_interval_and_readable():
    s = rc.interval_text(pd.Series([58.64, None]), pd.Series([53.5, None]), pd.Series([63.51, None]))
    assert s.tolist() == ["58.6 [53.5, 63.5]", ""]
    shown = rc._readable(pd.DataFrame({"a": [1.234, None], "b": pd.array(["x", pd.NA], dtype="string")}))
    assert shown.to_dict("list") == {"a": ["1.2", ""], "b": ["x", ""]}


def test_top_pain_points_redacts_quotes():
    jm = type("M", (), {"pain_points": lambda self: pd.DataFrame({
        "persona": ["A", "B", "C"], "stage": ["decision"] * 3, "item": ["payment_failure", "x", "y"],
        "value": [40.0, 10.0, 30.0], "ci_low": [30.0, 1.0, 20.0], "ci_high": [50.0, 40.0, 40.0],
        "n": [50.0, 3.0, 20.0], "detail": ["e", "e", "e"],
        "quote": ["Email me at budi.s@example.com or +62 812-3456-7890", pd.NA, "ok"],
        "masked": [False, True, False]})})()
    out = rc.top_pain_points(jm, top=5)
    assert out["pain_point"].tolist() == ["payment_failure", "y"]   # masked row dropped, ranked by score
    assert "example.com" not in out["quote"][0] and "3456" not in out["quote"][0]
    assert "[EMAIL]" in out["quote"][0] and "[PHONE]" in out["quote"][0]


def test_sections_in_bahasa_indonesia(tmp_path, monkeypatch):
    from test_reports import make_study

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    rep = rc.QuarterlyReport(make_study(tmp_path / "s"), "2026Q3", language="id",
                             figures_dir=tmp_path / "f", tables_dir=tmp_path / "t")
    rep.heading("data_quality")
    rep.quality_section()
    text = [getattr(o, "data", "") for o in shown]
    assert text[0] == "## Lampiran: kualitas data"
    assert text[1] == "*" + t("caption_quality", "id") + "*"
    assert "<th>Berkas</th>" in text[2] and "<th>Kolom</th>" in text[2] and "survey.csv" in text[2]
    assert str(tmp_path) not in text[2]  # file names, not the machine's paths
    saved = pd.read_csv(tmp_path / "t" / "data_quality.csv")
    assert "csat_decision" in set(saved["column"])  # the 0 = not applicable recode is reported
    assert rep.previous.quarter == "2026Q2" and rep.min_cell_size == 5


def test_confidence_travels_into_the_report(tmp_path, monkeypatch):
    """confidence=0.9 changes the map's numbers, the captions and the column labels."""
    from shapes import make_study

    monkeypatch.setattr("IPython.display.display", lambda *objs: None)
    path = make_study(tmp_path / "s", csat=True, nps=True, n=120, quarters=("2026Q3",), shift=(0.0,))
    kw = {"figures_dir": tmp_path / "f", "tables_dir": tmp_path / "t"}
    rep90 = rc.QuarterlyReport(path, "2026Q3", confidence=0.9, **kw)
    rep95 = rc.QuarterlyReport(path, "2026Q3", **kw)
    assert "90%" in rep90.t("caption_kpi", min_cell_size=5) and "95%" not in rep90.t("caption_kpi", min_cell_size=5)
    assert rep90._column("estimate") == "Estimate [90% interval]"
    rep90.__dict__["personas"] = rep95.__dict__["personas"] = None   # one persona: no fitting needed
    a = rep95.current.metric("nps").iloc[0]
    b = rep90.current.metric("nps").iloc[0]
    assert rep90.current.confidence == 0.9 and a["value"] == b["value"]
    assert (b["ci_high"] - b["ci_low"]) < (a["ci_high"] - a["ci_low"])
    assert "90%" in " ".join(rep90.current.table()["detail"].dropna())


def test_counts_print_as_whole_numbers():
    shown = rc._readable(pd.DataFrame({"n": [9227.0, None], "estimate": [58.64, 1.0]}))
    assert shown["n"].tolist() == ["9,227", ""] and shown["estimate"].tolist() == ["58.6", "1.0"]
