"""Headings, labels and captions of the quarterly report in English and Bahasa Indonesia.

The report notebook never writes a heading or a caption itself: it asks :func:`t` for the text in
the report's language, so switching ``language="id"`` translates the whole report. Captions can
hold ``{placeholders}`` filled from keyword arguments.

Examples
--------
>>> t("personas", "id")
'Persona'
>>> t("caption_kpi", "en", min_cell_size=5)[:22]
'Estimates with 95% con'
"""

from __future__ import annotations

from .errors import ParameterError, check_choice, preview

LANGUAGES = ("en", "id")

LABELS: dict[str, dict[str, str]] = {
    # report and section headings
    "report_title": {"en": "Quarterly customer journey report: {study}, {quarter}",
                     "id": "Laporan perjalanan pelanggan triwulanan: {study}, {quarter}"},
    "executive_summary": {"en": "Executive summary", "id": "Ringkasan eksekutif"},
    "personas": {"en": "Personas", "id": "Persona"},
    "current_state": {"en": "Current-state journey map", "id": "Peta perjalanan kondisi saat ini"},
    "blueprint": {"en": "Service blueprint", "id": "Cetak biru layanan"},
    "kpis": {"en": "Key metrics", "id": "Metrik utama"},
    "pain_points": {"en": "Top pain points", "id": "Titik masalah utama"},
    "future_state": {"en": "Future-state gap and priorities", "id": "Kesenjangan kondisi masa depan dan prioritas"},
    "day_in_the_life": {"en": "A day in the life", "id": "Sehari dalam kehidupan"},
    "funnel": {"en": "Funnel and abandonment", "id": "Corong dan pengabaian"},
    "data_quality": {"en": "Appendix: data quality", "id": "Lampiran: kualitas data"},
    "methods": {"en": "Appendix: methods and metric definitions", "id": "Lampiran: metode dan definisi metrik"},
    "persona_heading": {"en": "Persona: {persona}", "id": "Persona: {persona}"},
    # captions
    "caption_summary": {
        "en": "Changes from {previous} to {quarter} that are significant after adjustment for multiple "
              "tests (adjusted p < {alpha}); everything else held steady.",
        "id": "Perubahan dari {previous} ke {quarter} yang signifikan setelah penyesuaian untuk uji "
              "berganda (p disesuaikan < {alpha}); selebihnya stabil."},
    "no_changes": {"en": "No significant change from {previous} to {quarter}.",
                   "id": "Tidak ada perubahan signifikan dari {previous} ke {quarter}."},
    "no_previous": {"en": "No previous quarter to compare with.",
                    "id": "Tidak ada triwulan sebelumnya untuk dibandingkan."},
    "caption_personas": {
        "en": "Personas found by clustering {n} survey respondents; size is the share of respondents, "
              "stability the mean Jaccard similarity of each persona across bootstrap refits (0..1).",
        "id": "Persona ditemukan dengan pengelompokan {n} responden survei; ukuran adalah porsi "
              "responden, stabilitas adalah rata-rata kemiripan Jaccard tiap persona pada pemasangan "
              "ulang bootstrap (0..1)."},
    "caption_kpi": {
        "en": "Estimates with 95% confidence intervals and n; cells with fewer than {min_cell_size} "
              "respondents are masked.",
        "id": "Estimasi dengan interval kepercayaan 95% dan n; sel dengan kurang dari {min_cell_size} "
              "responden disembunyikan."},
    "caption_qoq": {
        "en": "Quarter-over-quarter change from {previous} to {quarter}; p-values adjusted for multiple "
              "tests (Holm).",
        "id": "Perubahan antar triwulan dari {previous} ke {quarter}; nilai p disesuaikan untuk uji "
              "berganda (Holm)."},
    "caption_pain_points": {
        "en": "Pain points ranked by how many interview excerpts and low ratings mention them; quotes "
              "are redacted (e-mail addresses, phone numbers, card numbers and names removed).",
        "id": "Titik masalah diurutkan menurut banyaknya kutipan wawancara dan nilai rendah yang "
              "menyebutnya; kutipan disamarkan (alamat e-mail, nomor telepon, nomor kartu dan nama "
              "dihapus)."},
    "caption_map": {
        "en": "Current-state map of {persona}: each number carries its n and 95% interval; cells under "
              "{min_cell_size} respondents are masked.",
        "id": "Peta kondisi saat ini untuk {persona}: tiap angka disertai n dan interval 95%; sel di "
              "bawah {min_cell_size} responden disembunyikan."},
    "caption_future": {"en": "Gap between the current state and the targets of {name}, by stage.",
                       "id": "Kesenjangan antara kondisi saat ini dan target {name}, per tahap."},
    "caption_emotion": {"en": "Emotion per stage now (-1..1, 95% band) against the future-state targets (dashed).",
                        "id": "Emosi per tahap saat ini (-1..1, pita 95%) dibandingkan target kondisi masa depan (putus-putus)."},
    "caption_priority": {"en": "Opportunities by impact and effort (1..5): high impact, low effort first.",
                         "id": "Peluang menurut dampak dan upaya (1..5): dampak tinggi, upaya rendah lebih dulu."},
    "caption_funnel": {"en": "Customers reaching each step in order, with the share lost at each step.",
                       "id": "Pelanggan yang mencapai tiap langkah secara berurutan, dengan porsi yang hilang di tiap langkah."},
    "caption_day": {"en": "When and through which channels each persona meets the brand across a day.",
                    "id": "Kapan dan melalui kanal apa tiap persona bertemu merek sepanjang hari."},
    "caption_quality": {"en": "Findings handled by the documented data rules, per file and column.",
                        "id": "Temuan yang ditangani oleh aturan data terdokumentasi, per berkas dan kolom."},
    "caption_methods": {"en": "Every metric in this report and its definition.",
                        "id": "Setiap metrik dalam laporan ini beserta definisinya."},
    "not_available": {"en": "Not available for this study: {reason}",
                      "id": "Tidak tersedia untuk studi ini: {reason}"},
    "generated": {"en": "Generated {when} from {study}, quarter {quarter}.",
                  "id": "Dibuat {when} dari {study}, triwulan {quarter}."},
    # words inside sentences and cells
    "improved": {"en": "improved", "id": "membaik"},
    "worsened": {"en": "worsened", "id": "memburuk"},
    "adjusted_p": {"en": "adjusted p", "id": "p disesuaikan"},
    "whole_journey": {"en": "Whole journey", "id": "Seluruh perjalanan"},
    "stable": {"en": "stable", "id": "stabil"},
    "doubtful": {"en": "doubtful", "id": "meragukan"},
    "dissolved": {"en": "dissolved", "id": "larut"},
    "met": {"en": "met", "id": "tercapai"},
    "within reach": {"en": "within reach", "id": "dalam jangkauan"},
    "gap": {"en": "gap", "id": "kesenjangan"},
    "no data": {"en": "no data", "id": "tidak ada data"},
    # table column labels
    "col_quarter": {"en": "Quarter", "id": "Triwulan"},
    "col_persona": {"en": "Persona", "id": "Persona"},
    "col_stage": {"en": "Stage", "id": "Tahap"},
    "col_metric": {"en": "Metric", "id": "Metrik"},
    "col_estimate": {"en": "Estimate [95% interval]", "id": "Estimasi [interval 95%]"},
    "col_interval": {"en": "95% interval", "id": "Interval 95%"},
    "col_n": {"en": "n", "id": "n"},
    "col_change": {"en": "Change", "id": "Perubahan"},
    "col_p_adj": {"en": "Adjusted p", "id": "p disesuaikan"},
    "col_definition": {"en": "Definition", "id": "Definisi"},
    "col_size": {"en": "Size", "id": "Ukuran"},
    "col_share": {"en": "Share", "id": "Porsi"},
    "col_stability": {"en": "Stability", "id": "Stabilitas"},
    "col_pain_point": {"en": "Pain point", "id": "Titik masalah"},
    "col_mentions": {"en": "Mentions", "id": "Sebutan"},
    "col_quote": {"en": "Quote", "id": "Kutipan"},
    "col_status": {"en": "Status", "id": "Status"},
    "col_target": {"en": "Target", "id": "Target"},
    "col_gap": {"en": "Gap", "id": "Kesenjangan"},
    "col_score": {"en": "Evidence (0..100)", "id": "Bukti (0..100)"},
    "col_share_pct": {"en": "Share %", "id": "Porsi %"},
    "col_share_previous_pct": {"en": "Share % previous quarter", "id": "Porsi % triwulan sebelumnya"},
    "col_reading": {"en": "Reading", "id": "Tafsiran"},
    "col_distinguishing": {"en": "Distinguishing features", "id": "Ciri pembeda"},
    "col_rank": {"en": "Rank", "id": "Peringkat"},
    "col_title": {"en": "Opportunity", "id": "Peluang"},
    "col_owner": {"en": "Owner", "id": "Penanggung jawab"},
    "col_impact": {"en": "Impact", "id": "Dampak"},
    "col_effort": {"en": "Effort", "id": "Upaya"},
    "col_evidence": {"en": "Evidence", "id": "Bukti"},
    "col_priority": {"en": "Priority", "id": "Prioritas"},
    "col_position": {"en": "Step no.", "id": "No. langkah"},
    "col_step": {"en": "Step", "id": "Langkah"},
    "col_customers": {"en": "Customers", "id": "Pelanggan"},
    "col_conversion_from_start": {"en": "% of first step", "id": "% dari langkah pertama"},
    "col_drop_off": {"en": "Lost at this step", "id": "Hilang di langkah ini"},
    "col_file": {"en": "File", "id": "Berkas"},
    "col_column": {"en": "Column", "id": "Kolom"},
    "col_check": {"en": "Check", "id": "Pemeriksaan"},
    "col_count": {"en": "Count", "id": "Jumlah"},
    "col_action": {"en": "Action", "id": "Tindakan"},
    "col_detail": {"en": "Detail", "id": "Rincian"},
    "masked": {"en": "masked (n < {min_cell_size})", "id": "disembunyikan (n < {min_cell_size})"},
    # text inside the figures of cjm_research.viz.maps
    "plot_na": {"en": "n/a", "id": "t/a"},
    "plot_lane_touchpoints": {"en": "Touchpoints\n(% use, % satisfied)", "id": "Titik sentuh\n(% pakai, % puas)"},
    "plot_lane_channels": {"en": "Channels\n(% of customers)", "id": "Kanal\n(% pelanggan)"},
    "plot_lane_process": {"en": "Process\n(top paths)", "id": "Proses\n(jalur teratas)"},
    "plot_lane_emotion": {"en": "Emotion\n(-1..1, 95% CI)", "id": "Emosi\n(-1..1, IK 95%)"},
    "plot_lane_pain_points": {"en": "Pain points\n(evidence 0-100)", "id": "Titik masalah\n(bukti 0-100)"},
    "plot_lane_metrics": {"en": "Metrics\n(95% CI)", "id": "Metrik\n(IK 95%)"},
    "plot_lane_opportunities": {"en": "Opportunities", "id": "Peluang"},
    "plot_lane_internal_actors": {"en": "Internal actors", "id": "Aktor internal"},
    "plot_lane_internal_channels": {"en": "Internal channels", "id": "Kanal internal"},
    "plot_lane_internal_process": {"en": "Internal process", "id": "Proses internal"},
    "plot_lane_internal_pain_points": {"en": "Internal pain points", "id": "Titik masalah\ninternal"},
    "plot_metric_nps": {"en": "NPS", "id": "NPS"},
    "plot_metric_csat": {"en": "CSAT", "id": "CSAT"},
    "plot_metric_ces": {"en": "CES", "id": "CES"},
    "plot_metric_conversion_rate": {"en": "Conversion", "id": "Konversi"},
    "plot_metric_repurchase_rate": {"en": "Repurchase", "id": "Pembelian ulang"},
    "plot_metric_emotion": {"en": "Emotion", "id": "Emosi"},
    "plot_map_title": {"en": "Current-state journey map: {persona}",
                       "id": "Peta perjalanan kondisi saat ini: {persona}"},
    "plot_emotion_neutral": {"en": "0 neutral", "id": "0 netral"},
    "plot_source_satisfaction": {"en": "{persona}: satisfaction source", "id": "{persona}: sumber kepuasan"},
    "plot_source_sentiment": {"en": "{persona}: sentiment source", "id": "{persona}: sumber sentimen"},
    "plot_emotion_legend": {
        "en": "Emotion (pooled) by persona, bold: the persona of this map; hollow markers: its two sources; "
              "red triangles: top pain point",
        "id": "Emosi (gabungan) per persona, tebal: persona peta ini; penanda berongga: kedua sumbernya; "
              "segitiga merah: titik masalah utama"},
    "plot_bp_customer_actions": {"en": "Customer actions", "id": "Tindakan pelanggan"},
    "plot_bp_frontstage": {"en": "Frontstage\n(touchpoints, channel)", "id": "Panggung depan\n(titik sentuh, kanal)"},
    "plot_bp_backstage": {"en": "Backstage\n(actors, steps)", "id": "Panggung belakang\n(aktor, langkah)"},
    "plot_bp_support": {"en": "Support processes\n(systems, tools)", "id": "Proses pendukung\n(sistem, alat)"},
    "plot_bp_internal_pain_points": {"en": "Internal pain points", "id": "Titik masalah\ninternal"},
    "plot_bp_line_interaction": {"en": "line of interaction", "id": "garis interaksi"},
    "plot_bp_line_visibility": {"en": "line of visibility", "id": "garis visibilitas"},
    "plot_bp_line_internal_interaction": {"en": "line of internal interaction", "id": "garis interaksi internal"},
    "plot_bp_more": {"en": "(+{extra} more)", "id": "(+{extra} lainnya)"},
    "plot_bp_title": {"en": "Service blueprint", "id": "Cetak biru layanan"},
    "plot_day_share": {"en": "% of the persona's events", "id": "% dari kejadian persona"},
    "plot_day_events": {"en": "events", "id": "kejadian"},
    "plot_day_hour": {"en": "hour of day", "id": "jam dalam sehari"},
    "plot_day_title": {"en": "Day in the life: when and where each persona meets the brand",
                       "id": "Sehari dalam kehidupan: kapan dan di mana tiap persona bertemu merek"},
    "plot_gap_target": {"en": "target", "id": "target"},
    "plot_gap_axis": {"en": "position on the metric's range (0 = worst end, 1 = best end; for CES, lower is better)",
                      "id": "posisi pada rentang metrik (0 = ujung terburuk, 1 = ujung terbaik; untuk CES, "
                            "makin rendah makin baik)"},
    "plot_gap_title": {"en": "Future-state gaps: today (95% CI) vs target",
                       "id": "Kesenjangan kondisi masa depan: saat ini (IK 95%) vs target"},
    "plot_quick_wins": {"en": "quick wins", "id": "kemenangan cepat"},
    "plot_major_projects": {"en": "major projects", "id": "proyek besar"},
    "plot_fill_ins": {"en": "fill-ins", "id": "tugas pengisi"},
    "plot_thankless_tasks": {"en": "thankless tasks", "id": "tugas tak sepadan"},
    "plot_effort_axis": {"en": "effort (1 = low, 5 = high)", "id": "upaya (1 = rendah, 5 = tinggi)"},
    "plot_impact_axis": {"en": "impact (1 = low, 5 = high)", "id": "dampak (1 = rendah, 5 = tinggi)"},
    "plot_priority_title": {"en": "Opportunity priority matrix (bubble size = evidence)",
                            "id": "Matriks prioritas peluang (ukuran gelembung = bukti)"},
    "plot_as_is": {"en": "as-is: {persona}", "id": "saat ini: {persona}"},
    "plot_to_be_target": {"en": "to-be target", "id": "target masa depan"},
    "plot_emotion_axis": {"en": "emotion (-1..1)", "id": "emosi (-1..1)"},
    "plot_emotion_title": {"en": "Emotion: as-is (95% band) and to-be",
                           "id": "Emosi: kondisi saat ini (pita 95%) dan masa depan"},
}


def t(key: str, language: str = "en", **values) -> str:
    """The text of ``key`` in ``language`` (``en`` or ``id``), with ``{placeholders}`` filled.

    Parameters
    ----------
    key : str
        A key of :data:`LABELS`.
    language : {"en", "id"}
        English or Bahasa Indonesia.
    **values
        Values for the placeholders of the text.

    Examples
    --------
    >>> t("kpis", "en"), t("kpis", "id")
    ('Key metrics', 'Metrik utama')
    >>> t("no_changes", "en", previous="2026Q2", quarter="2026Q3")
    'No significant change from 2026Q2 to 2026Q3.'
    """
    check_choice("language", language, LANGUAGES)
    if key not in LABELS:
        raise ParameterError(f"The label {key!r} is not defined; known labels include "
                             f"{preview(sorted(LABELS), limit=8)}.")
    text = LABELS[key][language]
    try:
        return text.format(**values) if values or "{" in text else text
    except KeyError as exc:
        raise ParameterError(f"The label {key!r} needs a value for {exc.args[0]!r}.") from None
