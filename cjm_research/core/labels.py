"""Headings, labels and captions of the quarterly report in English and Bahasa Indonesia.

The report notebook never writes a heading or a caption itself: it asks :func:`t` for the text in
the report's language, so switching ``language="id"`` translates the whole report. Captions can
hold ``{placeholders}`` filled from keyword arguments.

Examples
--------
>>> t("personas", "id")
'Persona'
>>> t("caption_kpi", "en", min_cell_size=5, level="90%")[:22]
'Estimates with 90% con'
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
        "en": "Changes from {previous} to {quarter} that are significant after adjusting the {n_tested} "
              "cells tested (touchpoint ratings, stage metrics, outcome, persona shares) as one family "
              "({method}, adjusted p < {alpha}); no other tested cell changed detectably.",
        "id": "Perubahan dari {previous} ke {quarter} yang signifikan setelah penyesuaian atas {n_tested} "
              "sel yang diuji (nilai titik sentuh, metrik tahap, hasil, porsi persona) sebagai satu "
              "keluarga ({method}, p disesuaikan < {alpha}); sel lain yang diuji tidak berubah secara "
              "terdeteksi."},
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
        "en": "Estimates with {level} confidence intervals and n; cells with fewer than {min_cell_size} "
              "respondents are masked.",
        "id": "Estimasi dengan interval kepercayaan {level} dan n; sel dengan kurang dari {min_cell_size} "
              "responden disembunyikan."},
    "caption_qoq": {
        "en": "Quarter-over-quarter change from {previous} to {quarter}; p-values adjusted for multiple "
              "tests ({method}) over the {n_tested} cells tested.",
        "id": "Perubahan antar triwulan dari {previous} ke {quarter}; nilai p disesuaikan untuk uji "
              "berganda ({method}) atas {n_tested} sel yang diuji."},
    "caption_pain_points": {
        "en": "Pain points ranked by their evidence from {sources}. The value is the share of its "
              "strongest evidence, with n and its {level} interval.",
        "id": "Titik masalah diurutkan menurut buktinya dari {sources}. Nilainya adalah porsi bukti "
              "terkuatnya, dengan n dan interval {level}."},
    "caption_pain_ratings": {"en": "For ratings the share is the % who rated the touchpoint {low}-{high}.",
                             "id": "Untuk nilai, porsinya adalah % yang menilai titik sentuh {low}-{high}."},
    "no_survey_to_compare": {"en": "Quarter over quarter: not measured in this study (the comparison tests survey answers).",
                             "id": "Antar triwulan: tidak diukur dalam studi ini (perbandingan menguji jawaban survei)."},
    "caption_quotes_redacted": {
        "en": "Quotes are redacted (e-mail addresses, phone numbers, card numbers and names removed).",
        "id": "Kutipan disamarkan (alamat e-mail, nomor telepon, nomor kartu dan nama dihapus)."},
    "source_low_ratings": {"en": "low touchpoint ratings", "id": "nilai titik sentuh rendah"},
    "source_excerpts": {"en": "coded interview excerpts", "id": "kutipan wawancara berkode"},
    "source_negative_themes": {"en": "negative text themes", "id": "tema teks negatif"},
    "source_drop_offs": {"en": "event drop-offs", "id": "pelanggan yang berhenti di log kejadian"},
    "not_measured": {"en": "Not measured in this study: {what}.", "id": "Tidak diukur dalam studi ini: {what}."},
    "measure_nps": {"en": "NPS", "id": "NPS"},
    "measure_csat": {"en": "CSAT", "id": "CSAT"},
    "measure_ces": {"en": "CES", "id": "CES"},
    "measure_outcome": {"en": "an overall outcome (key drivers)", "id": "hasil keseluruhan (pendorong utama)"},
    "measure_survey": {"en": "a survey", "id": "survei"},
    "measure_interviews": {"en": "interviews", "id": "wawancara"},
    "measure_events": {"en": "an event log (channels, paths, funnel)", "id": "log kejadian (kanal, jalur, corong)"},
    "measure_future_state": {"en": "a future state", "id": "kondisi masa depan"},
    "key_drivers": {"en": "Key drivers of {outcome}", "id": "Pendorong utama {outcome}"},
    "key_drivers_heading": {"en": "Key drivers", "id": "Pendorong utama"},
    "caption_drivers": {
        "en": "Share of the R² of {outcome} carried by each touchpoint rating (Johnson's relative weights) "
              "and by each stage (the mean rating of its touchpoints), with {level} bootstrap intervals "
              "and n. Fix first: above-average importance, below-average performance.",
        "id": "Porsi R² {outcome} yang dibawa tiap nilai titik sentuh (bobot relatif Johnson) dan tiap "
              "tahap (rata-rata nilai titik sentuhnya), dengan interval bootstrap {level} dan n. "
              "Perbaiki dulu: kepentingan di atas rata-rata, kinerja di bawah rata-rata."},
    "col_driver": {"en": "Driver", "id": "Pendorong"},
    "col_level": {"en": "Level", "id": "Tingkat"},
    "col_importance": {"en": "% of R² [interval]", "id": "% dari R² [interval]"},
    "col_performance": {"en": "Performance (0..100)", "id": "Kinerja (0..100)"},
    "col_quadrant": {"en": "Quadrant", "id": "Kuadran"},
    "fix first": {"en": "fix first", "id": "perbaiki dulu"},
    "keep up the good work": {"en": "keep up the good work", "id": "pertahankan"},
    "low priority": {"en": "low priority", "id": "prioritas rendah"},
    "possible overkill": {"en": "possible overkill", "id": "mungkin berlebihan"},
    "caption_map": {
        "en": "Current-state map of {persona} from {sources}: each number carries its n and {level} "
              "interval; cells under {min_cell_size} {unit} are masked.",
        "id": "Peta kondisi saat ini untuk {persona} dari {sources}: tiap angka disertai n dan interval "
              "{level}; sel di bawah {min_cell_size} {unit} disembunyikan."},
    "caption_future": {"en": "Gap between the current state and the targets of {name}, by stage.",
                       "id": "Kesenjangan antara kondisi saat ini dan target {name}, per tahap."},
    # conformance to the future state's designed path (reports/content.py conformance_section)
    "caption_conformance": {
        "en": "Journeys against the designed path {path} ({where}): the share of journeys, per persona and "
              "per channel (taken at the first designed step), that pass every step once and in order (a "
              "customer's new pass through the path is a new journey). Each journey is projected onto the "
              "designed steps and aligned with the path; groups under {min_cell_size} customers are masked.",
        "id": "Perjalanan dibandingkan jalur yang dirancang {path} ({where}): porsi perjalanan, per persona dan "
              "per kanal (pada langkah rancangan pertama), yang melewati setiap langkah sekali dan "
              "berurutan (lintasan baru seorang pelanggan adalah perjalanan baru). Tiap perjalanan diproyeksikan ke langkah rancangan lalu diselaraskan dengan jalur; "
              "kelompok di bawah {min_cell_size} pelanggan disembunyikan."},
    "caption_conformance_deviations": {
        "en": "Where journeys leave the designed path: skipped steps, steps out of order, loops (a step "
              "repeated) and steps not reached, with the most frequent example journey.",
        "id": "Di mana perjalanan keluar dari jalur yang dirancang: langkah dilewati, langkah tidak berurutan, "
              "pengulangan langkah dan langkah tidak tercapai, dengan contoh perjalanan yang paling sering."},
    "conformance_not_measured": {"en": "Conformance to a designed path is not measured in this study: {reason}.",
                                 "id": "Kesesuaian dengan jalur yang dirancang tidak diukur dalam studi ini: {reason}."},
    "conformance_no_path": {"en": "the future state declares no path (add `path:` to the future-state file)",
                            "id": "kondisi masa depan tidak menyatakan jalur (tambahkan `path:` ke berkas kondisi masa depan)"},
    "conformance_no_events": {"en": "the study has no event log", "id": "studi ini tidak memiliki log peristiwa"},
    "conformance_no_journeys": {"en": "no customer in this quarter's events reaches a step of the designed path {path}",
                                "id": "tidak ada pelanggan dalam peristiwa triwulan ini yang mencapai langkah jalur rancangan {path}"},
    "skipped": {"en": "skipped", "id": "dilewati"},
    "out_of_order": {"en": "out of order", "id": "tidak berurutan"},
    "loop": {"en": "loop (step repeated)", "id": "berulang"},
    "not_reached": {"en": "not reached", "id": "tidak tercapai"},
    "col_group": {"en": "Persona or channel", "id": "Persona atau kanal"},
    "col_journeys": {"en": "Journeys", "id": "Perjalanan"},
    "col_follows": {"en": "Follow the path [n]", "id": "Mengikuti jalur [n]"},
    "col_fitness": {"en": "Fitness (0..1)", "id": "Kecocokan (0..1)"},
    "col_deviation": {"en": "Deviation", "id": "Penyimpangan"},
    "col_example": {"en": "Example journey", "id": "Contoh perjalanan"},
    "caption_emotion": {"en": "Emotion per stage now (-1..1, {level} band) against the future-state targets (dashed).",
                        "id": "Emosi per tahap saat ini (-1..1, pita {level}) dibandingkan target kondisi masa depan (putus-putus)."},
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
    # weighting statement and methods appendix (reports/content.py methods_appendix)
    "weighting": {"en": "Weighting", "id": "Pembobotan"},
    "methods_appendix": {"en": "Appendix: how each number was computed",
                         "id": "Lampiran: cara setiap angka dihitung"},
    "caption_methods_appendix": {
        "en": "What a reviewer needs to check each number: definition, interval and test.",
        "id": "Yang diperlukan peninjau untuk memeriksa setiap angka: definisi, interval dan uji."},
    "caption_margins": {
        "en": "Population margins the respondents were raked to: target, unweighted and weighted share.",
        "id": "Marjin populasi tujuan rake responden: porsi target, tanpa bobot dan berbobot."},
    "weighting_none": {
        "en": "Estimates are unweighted: every respondent counts once (the study declares no survey weights).",
        "id": "Estimasi tanpa bobot: setiap responden dihitung sekali (studi tidak menyatakan bobot survei)."},
    "weighting_column": {
        "en": "Estimates are weighted with the survey weights in column '{column}'. {n} respondents, "
              "effective n {n_eff:.1f} (Kish), weighting efficiency {efficiency:.1%}, design effect "
              "{design_effect:.2f}; every interval uses the effective n.",
        "id": "Estimasi diberi bobot survei dari kolom '{column}'. {n} responden, n efektif {n_eff:.1f} "
              "(Kish), efisiensi pembobotan {efficiency:.1%}, efek desain {design_effect:.2f}; setiap "
              "interval memakai n efektif."},
    "weighting_raked": {
        "en": "Estimates are weighted to the population margins of {variables} by raking (iterative "
              "proportional fitting, weightipy). {n} respondents, effective n {n_eff:.1f} (Kish), "
              "weighting efficiency {efficiency:.1%}, design effect {design_effect:.2f}; every interval "
              "uses the effective n.",
        "id": "Estimasi diberi bobot ke marjin populasi {variables} dengan raking (iterative proportional "
              "fitting, weightipy). {n} responden, n efektif {n_eff:.1f} (Kish), efisiensi pembobotan "
              "{efficiency:.1%}, efek desain {design_effect:.2f}; setiap interval memakai n efektif."},
    "appx_not_measured": {"en": "not measured in this study", "id": "tidak diukur dalam studi ini"},
    "appx_nps": {"en": "NPS", "id": "NPS"},
    "appx_nps_def": {
        "en": "% promoters (answers {p_lo}-{p_hi}) minus % detractors ({d_lo}-{d_hi}) on the 0..10 "
              "likelihood-to-recommend question; -100..100",
        "id": "% promotor (jawaban {p_lo}-{p_hi}) dikurangi % detraktor ({d_lo}-{d_hi}) pada pertanyaan "
              "kemungkinan merekomendasikan 0..10; -100..100"},
    "appx_csat": {"en": "CSAT", "id": "CSAT"},
    "appx_csat_def": {
        "en": "% answering the top 2 boxes ({first}-{high}) of the {low}..{high} satisfaction scale, per stage",
        "id": "% yang menjawab 2 kotak teratas ({first}-{high}) pada skala kepuasan {low}..{high}, per tahap"},
    "appx_ces": {"en": "CES", "id": "CES"},
    "appx_ces_def": {"en": "mean effort answer on {low}..{high} (lower is easier), per stage",
                     "id": "rata-rata jawaban upaya pada {low}..{high} (makin rendah makin mudah), per tahap"},
    "appx_conversion": {"en": "Conversion rate", "id": "Tingkat konversi"},
    "appx_conversion_def": {"en": "% of customers in the event log whose events reach the purchase",
                            "id": "% pelanggan di log kejadian yang kejadiannya mencapai pembelian"},
    "appx_repurchase": {"en": "Repurchase rate", "id": "Tingkat pembelian ulang"},
    "appx_repurchase_def": {"en": "% of buying customers in the event log who buy again",
                            "id": "% pelanggan pembeli di log kejadian yang membeli lagi"},
    "appx_interval_nps": {"en": "{level} adjusted-Wald interval (Rocks 2016)",
                          "id": "interval adjusted-Wald {level} (Rocks 2016)"},
    "appx_interval_wilson": {"en": "{level} Wilson score interval", "id": "interval skor Wilson {level}"},
    "appx_interval_t": {"en": "{level} Student t interval", "id": "interval t Student {level}"},
    "appx_interval_weighted": {"en": " at the Kish effective n", "id": " pada n efektif Kish"},
    "appx_test_nps": {"en": "adjusted-Wald z test of the difference",
                      "id": "uji z adjusted-Wald atas selisih"},
    "appx_test_share": {"en": "Newcombe hybrid-score interval of the difference, two-proportion z test",
                        "id": "interval hybrid-score Newcombe atas selisih, uji z dua proporsi"},
    "appx_test_ces": {"en": "Welch t test (unequal variances)", "id": "uji t Welch (varians tak sama)"},
    "appx_multiplicity": {"en": "Multiple tests", "id": "Uji berganda"},
    "appx_multiplicity_def": {
        "en": "p-values of every tested cell of the quarter comparison (stage metrics, touchpoint ratings, "
              "NPS, the outcome and persona shares, per persona) are adjusted together by Holm's step-down "
              "method (family-wise error); a change is significant when adjusted p < {alpha}",
        "id": "nilai p setiap sel yang diuji dalam perbandingan triwulan (metrik tahap, nilai titik sentuh, "
              "NPS, hasil dan porsi persona, per persona) disesuaikan bersama dengan metode step-down Holm "
              "(galat keluarga); perubahan signifikan bila p disesuaikan < {alpha}"},
    "appx_drivers": {"en": "Key drivers", "id": "Pendorong utama"},
    "appx_drivers_def": {
        "en": "relative importance of each touchpoint rating for the outcome: Johnson's relative weights "
              "(share of R²) from pairwise-complete Pearson correlations, weighted when the survey is",
        "id": "kepentingan relatif tiap nilai titik sentuh terhadap hasil: bobot relatif Johnson (porsi R²) "
              "dari korelasi Pearson pairwise-complete, berbobot bila survei berbobot"},
    "appx_interval_bootstrap": {"en": "{level} seeded bootstrap percentile interval",
                                "id": "interval persentil bootstrap {level} dengan seed"},
    "appx_personas": {"en": "Personas", "id": "Persona"},
    "appx_personas_def": {
        "en": "{method} clustering of {n} respondents into {k} personas, random_state={seed}. "
              "How k was chosen: {choice}",
        "id": "pengelompokan {method} atas {n} responden menjadi {k} persona, random_state={seed}. "
              "Cara k dipilih: {choice}"},
    "appx_validity": {"en": "Persona validity", "id": "Validitas persona"},
    "appx_validity_def": {
        "en": "silhouette {silhouette} ({structure}); mean bootstrap Jaccard {jaccard} over {n_boot} "
              "refits (>= 0.75 stable, <= 0.5 dissolving); agreement between seeds ARI {ari}",
        "id": "silhouette {silhouette} ({structure}); rata-rata Jaccard bootstrap {jaccard} atas {n_boot} "
              "pemasangan ulang (>= 0,75 stabil, <= 0,5 larut); kesepakatan antar seed ARI {ari}"},
    "appx_weighting": {"en": "Weighting", "id": "Pembobotan"},
    "appx_cells": {"en": "Small cells", "id": "Sel kecil"},
    "appx_cells_def": {"en": "cells with fewer than {min_cell_size} {unit} are masked",
                       "id": "sel dengan kurang dari {min_cell_size} {unit} disembunyikan"},
    "structure_strong": {"en": "strong structure", "id": "struktur kuat"},
    "structure_reasonable": {"en": "reasonable structure", "id": "struktur cukup"},
    "structure_weak": {"en": "weak structure, possibly artificial", "id": "struktur lemah, mungkin semu"},
    "structure_none": {"en": "no substantial structure", "id": "tidak ada struktur berarti"},
    "structure_unknown": {"en": "structure not measured", "id": "struktur tidak diukur"},
    "col_item": {"en": "Item", "id": "Butir"},
    "col_test": {"en": "Comparison test", "id": "Uji perbandingan"},
    "col_interval_method": {"en": "Interval", "id": "Interval"},
    "col_variable": {"en": "Variable", "id": "Variabel"},
    "col_share_unweighted": {"en": "Unweighted share", "id": "Porsi tanpa bobot"},
    # words inside sentences and cells
    "improved": {"en": "improved", "id": "membaik"},
    "worsened": {"en": "worsened", "id": "memburuk"},
    "adjusted_p": {"en": "adjusted p", "id": "p disesuaikan"},
    "whole_journey": {"en": "Whole journey", "id": "Seluruh perjalanan"},
    "stable": {"en": "stable", "id": "stabil"},
    "doubtful": {"en": "doubtful", "id": "meragukan"},
    "dissolved": {"en": "dissolved", "id": "larut"},
    "repeatable_weak": {"en": "repeatable, weak structure", "id": "berulang, struktur lemah"},
    "seed_sensitive": {"en": "repeatable, seed-sensitive", "id": "berulang, peka terhadap seed"},
    "caption_structure": {
        "en": "How sure the {k} personas are. Silhouette {silhouette}: {band} (Kaufman & Rousseeuw: under "
              "0.25 no substantial structure, 0.25-0.50 weak, 0.50-0.70 reasonable, over 0.70 strong). "
              "Seed sensitivity: ARI between fits with {n_seeds} seeds, mean {ari_mean}, min {ari_min}. "
              "Bootstrap Jaccard {jaccard_min}-{jaccard_max}. {n_stable} of {k} personas read as stable "
              "(Jaccard >= 0.75, at least a reasonable structure and seeds agreeing at ARI >= 0.80).",
        "id": "Seberapa yakin {k} persona ini. Silhouette {silhouette}: {band} (Kaufman & Rousseeuw: "
              "di bawah 0,25 tidak ada struktur berarti, 0,25-0,50 lemah, 0,50-0,70 cukup, di atas 0,70 kuat). "
              "Kepekaan terhadap seed: ARI antar pemasangan dengan {n_seeds} seed, rata-rata {ari_mean}, "
              "minimum {ari_min}. Jaccard bootstrap {jaccard_min}-{jaccard_max}. {n_stable} dari {k} persona "
              "terbaca stabil (Jaccard >= 0,75, struktur setidaknya cukup dan seed sepakat pada ARI >= 0,80)."},
    "met": {"en": "met", "id": "tercapai"},
    "within reach": {"en": "within reach", "id": "dalam jangkauan"},
    "gap": {"en": "gap", "id": "kesenjangan"},
    "no data": {"en": "no data", "id": "tidak ada data"},
    # table column labels
    "col_quarter": {"en": "Quarter", "id": "Triwulan"},
    "col_persona": {"en": "Persona", "id": "Persona"},
    "col_stage": {"en": "Stage", "id": "Tahap"},
    "col_metric": {"en": "Metric", "id": "Metrik"},
    "col_estimate": {"en": "Estimate [{level} interval]", "id": "Estimasi [interval {level}]"},
    "col_interval": {"en": "{level} interval", "id": "Interval {level}"},
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
    "col_score": {"en": "Evidence (% of base)", "id": "Bukti (% dari basis)"},
    "col_share_pct": {"en": "Share %", "id": "Porsi %"},
    "col_share_previous_pct": {"en": "Share % previous quarter", "id": "Porsi % triwulan sebelumnya"},
    "col_share_weighted_pct": {"en": "Weighted share %", "id": "Porsi berbobot %"},
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
    "plot_lane_emotion": {"en": "Emotion\n(-1..1, {level} CI)", "id": "Emosi\n(-1..1, IK {level})"},
    "plot_lane_pain_points": {"en": "Pain points\n(% of evidence, n)", "id": "Titik masalah\n(% bukti, n)"},
    "plot_lane_metrics": {"en": "Metrics\n({level} CI)", "id": "Metrik\n(IK {level})"},
    "plot_not_measured": {"en": "not measured", "id": "tidak diukur"},
    "plot_tp_use": {"en": "use", "id": "pakai"},
    "plot_opp_fix": {"en": "Fix", "id": "Perbaiki"},
    "plot_opp_improve": {"en": "Improve", "id": "Tingkatkan"},
    "plot_answer_axis": {"en": "answer", "id": "jawaban"},
    "plot_answers_count": {"en": "respondents", "id": "responden"},
    "plot_tp_satisfied": {"en": "satisfied", "id": "puas"},
    "plot_metric_outcome": {"en": "Outcome", "id": "Hasil"},
    "plot_metric_importance": {"en": "Driver", "id": "Pendorong"},
    "plot_no_evidence": {"en": "no evidence", "id": "tidak ada bukti"},
    "plot_designed": {"en": "(designed steps)", "id": "(langkah rancangan)"},
    "plot_driver_rank": {"en": "driver #{rank}", "id": "pendorong #{rank}"},
    "plot_pain_low_ratings": {"en": "rated {low}-{high}", "id": "menilai {low}-{high}"},
    "plot_pain_excerpts": {"en": "of excerpts", "id": "dari kutipan"},
    "plot_pain_negative_themes": {"en": "negative theme", "id": "tema negatif"},
    "plot_pain_drop_offs": {"en": "drop off", "id": "berhenti"},
    "plot_map_footer": {"en": "Not measured in this study: {what}", "id": "Tidak diukur dalam studi ini: {what}"},
    "plot_drivers_title": {"en": "Key drivers of {outcome} ({level} bootstrap intervals)",
                           "id": "Pendorong utama {outcome} (interval bootstrap {level})"},
    "plot_drivers_title_persona": {"en": "Key drivers of {outcome}: {persona} ({level} bootstrap intervals)",
                                   "id": "Pendorong utama {outcome}: {persona} (interval bootstrap {level})"},
    "plot_lane_channels_framework": {"en": "Channels\n(of the rated touch-\npoints, framework)",
                                     "id": "Kanal\n(dari titik sentuh\nyang dinilai, kerangka)"},
    "plot_channels_unknown": {"en": "not measured (channel unknown)", "id": "tidak diukur (kanal tidak diketahui)"},
    "plot_emotion_too_few": {"en": "too few answers ({min_n})", "id": "terlalu sedikit jawaban ({min_n})"},
    "plot_overall_outcome": {"en": "Overall outcome (all stages): {text}",
                             "id": "Hasil keseluruhan (semua tahap): {text}"},
    "plot_bp_not_described": {"en": "not described in the framework", "id": "tidak dijelaskan dalam kerangka"},
    "plot_lane_touchpoints_use": {"en": "Touchpoints\n(% use)", "id": "Titik sentuh\n(% pakai)"},
    "plot_lane_touchpoints_rating": {"en": "Touchpoints\n(% satisfied)", "id": "Titik sentuh\n(% puas)"},
    "plot_drivers_axis": {"en": "share of R² (%)", "id": "porsi R² (%)"},
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
        "en": "Emotion (pooled) by persona, bold: the persona of this map; hollow markers: its sources (ratings, quotes); "
              "red triangles: top pain point",
        "id": "Emosi (gabungan) per persona, tebal: persona peta ini; penanda berongga: sumbernya (nilai, kutipan); "
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
    "plot_gap_title": {"en": "Future-state gaps: today ({level} CI) vs target",
                       "id": "Kesenjangan kondisi masa depan: saat ini (IK {level}) vs target"},
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
    "plot_emotion_title": {"en": "Emotion: as-is ({level} band) and to-be",
                           "id": "Emosi: kondisi saat ini (pita {level}) dan masa depan"},
    # issue 13, trial findings: evidence in the study's words (journey/lanes.py, reports/content.py)
    "theme_item": {"en": "theme: {label}", "id": "tema: {label}"},
    "evidence_low_ratings": {"en": "{pct} rated {low}-{high} ({count} of {base})",
                             "id": "{pct} menilai {low}-{high} ({count} dari {base})"},
    "evidence_excerpts": {"en": "{count} of {base} participants raised it ({excerpts} excerpts)",
                          "id": "{count} dari {base} partisipan menyebutnya ({excerpts} kutipan)"},
    "evidence_negative_themes": {
        "en": "{count} of {base} participants in a negative theme ({excerpts} excerpts)",
        "id": "{count} dari {base} partisipan dalam tema negatif ({excerpts} kutipan)"},
    "evidence_drop_offs": {"en": "{pct} dropped off after it ({count} of {base} customers)",
                           "id": "{pct} berhenti setelahnya ({count} dari {base} pelanggan)"},
    "caption_pain_scale": {"en": "(on the {low}..{high} scale)", "id": "(pada skala {low}..{high})"},
    "caption_pain_participants": {
        "en": "For interviews the share is the % of the persona's interviewed participants who raised it: "
              "n and the interval count participants, not excerpts.",
        "id": "Untuk wawancara, porsinya adalah % partisipan persona yang diwawancarai yang menyebutnya: "
              "n dan interval menghitung partisipan, bukan kutipan."},
    "pain_points_none": {
        "en": "Top pain points: not measured in this study: there are no touchpoint ratings, coded interviews "
              "or events to rank pain points from.",
        "id": "Titik masalah utama: tidak diukur dalam studi ini: tidak ada nilai titik sentuh, wawancara "
              "berkode atau kejadian untuk mengurutkan titik masalah."},
    "pain_points_masked": {
        "en": "Top pain points: each one found rests on fewer than {min_cell_size} {unit}, too few to show "
              "(the map lists them as masked).",
        "id": "Titik masalah utama: setiap titik masalah yang ditemukan didukung kurang dari {min_cell_size} "
              "{unit}, terlalu sedikit untuk ditampilkan (peta menandainya disembunyikan)."},
    "caption_drivers_persona": {"en": "Key drivers of {outcome}: {persona}.", "id": "Pendorong utama {outcome}: {persona}."},
    "measure_ratings": {"en": "touchpoint ratings (key drivers need them; the outcome {outcome} is measured)",
                        "id": "nilai titik sentuh (diperlukan pendorong utama; hasil {outcome} diukur)"},
    "drivers_need_ratings": {
        "en": "Key drivers: not measured in this study: touchpoint ratings (the outcome {outcome} is measured, "
              "but key drivers need at least two rated touchpoints to explain it).",
        "id": "Pendorong utama: tidak diukur dalam studi ini: nilai titik sentuh (hasil {outcome} diukur, "
              "tetapi pendorong utama memerlukan minimal dua titik sentuh yang dinilai)."},
    "blueprint_none": {
        "en": "Service blueprint: not described in the framework (it has no touchpoints).",
        "id": "Cetak biru layanan: tidak dijelaskan dalam kerangka (tidak ada titik sentuh)."},
    "metric_touchpoint_rating": {"en": "% satisfied ({low}-{high})", "id": "% puas ({low}-{high})"},
    "metric_outcome_share": {"en": "{name} (% of respondents)", "id": "{name} (% responden)"},
    "metric_outcome_mean": {"en": "{name} (mean)", "id": "{name} (rata-rata)"},
    "metric_percent": {"en": "{name} (%)", "id": "{name} (%)"},
    "driver_stage_quadrant": {"en": "stage: see its touchpoints", "id": "tahap: lihat titik sentuhnya"},
    "unit_respondents": {"en": "respondents", "id": "responden"},
    "unit_customers": {"en": "customers", "id": "pelanggan"},
    "unit_participants": {"en": "participants", "id": "partisipan"},
    "weighting_no_survey": {"en": "a survey (there is nothing to weight)",
                            "id": "survei (tidak ada yang diberi bobot)"},
    "methods_qoq": {
        "en": "every measured cell ({cells}) tested as one family: NPS adjusted-Wald difference, shares "
              "Newcombe interval, means Welch test; p-values Holm-adjusted across the family; significant "
              "when p < {alpha}",
        "id": "setiap sel yang diukur ({cells}) diuji sebagai satu keluarga: selisih adjusted-Wald untuk NPS, "
              "interval Newcombe untuk porsi, uji Welch untuk rata-rata; nilai p disesuaikan Holm atas "
              "keluarga; signifikan bila p < {alpha}"},
    "methods_confidence": {"en": "every interval is a {level} interval", "id": "setiap interval adalah interval {level}"},
    "methods_cells": {"en": "cells with fewer than {min_cell_size} {unit} are masked",
                      "id": "sel dengan kurang dari {min_cell_size} {unit} disembunyikan"},
    "cell_touchpoint_ratings": {"en": "touchpoint ratings", "id": "nilai titik sentuh"},
    "cell_stage_metrics": {"en": "stage CSAT and CES", "id": "CSAT dan CES tahap"},
    "cell_nps": {"en": "NPS", "id": "NPS"},
    "cell_outcome": {"en": "the outcome", "id": "hasil"},
    "cell_persona_shares": {"en": "persona shares", "id": "porsi persona"},
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
