"""suggest_codes (stemmed keywords + TF-IDF similarity) and the replayable coding session."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.core.errors import DataError, ParameterError
from cjm_research.evidence.text.codebook import Code, Codebook
from cjm_research.evidence.text.coding import CodingSession, keyword_baseline, read_transcripts
from cjm_research.io import EXCERPT_COLUMNS, read_excerpts

BOOK = cjm.Codebook.example()


def turns_of(*texts, participant="P1", interviewer_first=True):
    rows = []
    for i, text in enumerate(texts, start=1):
        rows.append({"speaker": "Interviewer" if interviewer_first and i % 2 else "Rina",
                     "role": "interviewer" if interviewer_first and i % 2 else "participant",
                     "turn": i, "text": text})
    return pd.DataFrame(rows).assign(participant=participant)


def top_codes(out):
    return out[out["rank"] == 1].set_index("turn")["code"].to_dict()


def test_english_and_indonesian_keywords_match_on_stems():
    turns = turns_of("What happened at the till?", "Both payments failed at the checkout.",
                     "Dan waktu bayar?", "Saya gagal membayar dua kali, saldonya cukup.")
    out = cjm.suggest_codes(turns, BOOK)
    assert set(out["turn"]) == {2, 4}  # interviewer turns are not coded
    assert top_codes(out) == {2: "payment_failed", 4: "payment_failed"}
    first = out[(out["turn"] == 2) & (out["rank"] == 1)].iloc[0]
    assert first["language"] == "en" and first["stage"] == "decision" and first["touchpoint"] == "payment"
    assert "payments failed" in first["triggers"] and first["keyword_score"] >= 0.5
    indonesian = out[(out["turn"] == 4) & (out["rank"] == 1)].iloc[0]
    assert indonesian["language"] == "id" and "gagal membayar" in indonesian["triggers"]
    assert indonesian["label"] == "Pembayaran gagal"  # the label in the turn's language
    # the plain substring baseline finds neither: "payment failed" / "gagal bayar" are not written
    assert "payment_failed" not in set(keyword_baseline(turns, BOOK)["code"])


def test_similarity_alone_suggests_a_code_and_says_which_words():
    book = Codebook([Code("printer_jam", {"en": "Printer jams", "id": "Printer macet"}, kind="pain_point",
                          keywords=("zzqx",), examples=("The office printer jams every single morning.",)),
                     Code("coffee", {"en": "Coffee", "id": "Kopi"}, keywords=("espresso",),
                          examples=("The coffee machine makes great espresso.",))])
    turns = turns_of("And the printer?", "Our printer jams almost every morning.", "Anything else?",
                     "No, nothing else to add today.")
    out = cjm.suggest_codes(turns, book)
    hit = out[out["turn"] == 2].iloc[0]
    assert hit["code"] == "printer_jam" and hit["keyword_score"] == 0 and hit["similarity"] >= 0.3
    assert "similar:" in hit["triggers"] and "printer" in hit["triggers"]
    none = out[out["turn"] == 4]
    assert len(none) == 1 and pd.isna(none["code"].iloc[0]) and none["rank"].iloc[0] == 0


def test_a_named_touchpoint_completes_a_code_without_one():
    out = cjm.suggest_codes(turns_of("Q?", "It was sold out on the product page again."), BOOK)
    row = out[out["code"] == "out_of_stock"].iloc[0]
    assert row["stage"] == "consideration" and row["touchpoint"] == "product_page"
    assert "touchpoint named: product_page" in row["triggers"]


def test_top_and_min_score_limit_suggestions():
    text = "The courier was late, the parcel tracking was wrong and my refund complaint went nowhere."
    turns = turns_of("Q?", text)
    many = cjm.suggest_codes(turns, BOOK, top=5)
    assert many["rank"].tolist() == list(range(1, len(many) + 1)) and len(many) >= 2
    assert many["score"].is_monotonic_decreasing
    assert len(cjm.suggest_codes(turns, BOOK, top=1)) == 1
    assert cjm.suggest_codes(turns, BOOK, min_score=1.0)["code"].isna().all()


def test_bad_arguments_are_named():
    turns = turns_of("Q?", "late")
    with pytest.raises(ParameterError, match="`top` must be an integer of at least 1"):
        cjm.suggest_codes(turns, BOOK, top=0)
    with pytest.raises(ParameterError, match="`language` must be one of"):
        cjm.suggest_codes(turns, BOOK, language="fr")
    with pytest.raises(ParameterError, match="`codebook` must be a cjm.Codebook"):
        cjm.suggest_codes(turns, {"late": ["late"]})
    with pytest.raises(DataError, match=r"turns need column\(s\) \['text'\]"):
        cjm.suggest_codes(turns.drop(columns="text"), BOOK)
    twice = pd.concat([turns, turns])
    with pytest.raises(DataError, match="occur twice"):
        cjm.suggest_codes(twice, BOOK)


def test_read_transcripts_of_a_folder(tmp_path):
    (tmp_path / "Anna.txt").write_text("Interviewer: How was delivery?\nAnna: The courier was late.\n"
                                       "Interviewer: And then?\nAnna: I called support.\n")
    (tmp_path / "Budi.txt").write_text("I: Bagaimana pengirimannya?\nP: Kurirnya telat sekali.\n")
    (tmp_path / "notes.csv").write_text("ignored")
    turns = read_transcripts(tmp_path)
    assert turns["participant"].tolist() == ["Anna"] * 4 + ["Budi"] * 2
    assert turns["source"].iloc[-1] == "Budi.txt"
    out = cjm.suggest_codes(turns, BOOK)
    assert top_codes(out.set_index("participant").loc[["Budi"]].reset_index()) == {2: "late_delivery"}
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no transcripts"):
        read_transcripts(tmp_path / "empty")


# ----------------------------------------------------------------------------- decisions

def session_turns():
    return turns_of("How was the order?", "The courier was late. The staff in the store were friendly.",
                    "And paying?", "Pembayaran saya gagal terus.", participant="P7")


def test_decisions_make_excerpts(tmp_path):
    s = CodingSession(session_turns(), BOOK, customer_ids={"P7": "C0042"})
    s.accept("P7", 2, "late_delivery")
    s.split("P7", 2, at=len("The courier was late."))
    s.change("P7", 2, "late_delivery", "friendly_staff", start=len("The courier was late."))
    s.accept("P7", 4, "payment_failed")
    s.add("P7", 4, "checkout_complicated")
    s.reject("P7", 4, "checkout_complicated")
    ex = s.excerpts()
    assert list(ex.columns[:len(EXCERPT_COLUMNS)]) == EXCERPT_COLUMNS
    assert ex["text"].tolist() == ["The courier was late.", "The staff in the store were friendly.",
                                   "Pembayaran saya gagal terus."]
    assert ex["pain_point"].tolist()[::2] == ["late_delivery", "payment_failed"]
    assert ex["gain"].iloc[1] == "friendly_staff"
    assert ex["stage"].tolist() == ["retention", "consideration", "decision"]
    assert ex["channel"].tolist() == ["app", "store", "web"] and (ex["customer_id"] == "C0042").all()
    assert ex["language"].tolist() == ["en", "en", "id"]
    turn2 = s.text_of("P7", 2)
    assert all(turn2[a:b] == t for a, b, t in zip(ex["start"][:2], ex["end"][:2], ex["text"][:2]))


def test_the_log_replays_to_the_same_excerpts(tmp_path):
    log = tmp_path / "decisions.jsonl"
    s = CodingSession(session_turns(), BOOK, log=log)
    s.accept("P7", 2, "late_delivery", touchpoint="order_tracking")
    s.split("P7", 2, at=22)
    s.reject("P7", 2, "late_delivery", start=22)
    s.add("P7", 2, "friendly_staff", start=22)
    s.accept("P7", 4, "payment_failed")
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [d["action"] for d in lines] == ["accept", "split", "reject", "add", "accept"]
    replayed = CodingSession.replay(log, session_turns(), BOOK)
    pd.testing.assert_frame_equal(replayed.excerpts(), s.excerpts())
    # the excerpt file is what read_excerpts (and so a study) reads
    path = s.save_excerpts(tmp_path / "interviews.csv")
    back = read_excerpts(path)
    pd.testing.assert_frame_equal(back[EXCERPT_COLUMNS], s.excerpts()[EXCERPT_COLUMNS], check_dtype=False)


def test_bad_decisions_name_the_log_line(tmp_path):
    log = tmp_path / "bad.jsonl"
    log.write_text(json.dumps({"action": "accept", "participant": "P7", "turn": 2, "code": "late_delivery"})
                   + "\n" + json.dumps({"action": "accept", "participant": "P7", "turn": 2, "code": "nope"}) + "\n")
    with pytest.raises(DataError, match=r"bad.jsonl, line 2: code 'nope' is not in the codebook"):
        CodingSession.replay(log, session_turns(), BOOK)
    log.write_text("{not json\n")
    with pytest.raises(DataError, match="line 1: not a JSON object"):
        CodingSession.replay(log, session_turns(), BOOK)
    s = CodingSession(session_turns(), BOOK)
    with pytest.raises(DataError, match="has no participant turn 1"):
        s.accept("P7", 1, "late_delivery")  # turn 1 is the interviewer's
    with pytest.raises(DataError, match="cannot split at character 500"):
        s.split("P7", 2, at=500)
    with pytest.raises(DataError, match="no segment starting at 5"):
        s.accept("P7", 2, "late_delivery", start=5)


def test_session_writes_whole_transcripts_to_qdpx(tmp_path):
    s = CodingSession(session_turns(), BOOK)
    s.accept("P7", 4, "payment_failed")
    sources, ex = s.transcripts()
    assert sources["P7"].startswith("Interviewer: How was the order?\nRina: The courier")
    assert sources["P7"][ex["start"].iloc[0]:ex["end"].iloc[0]] == "Pembayaran saya gagal terus."
    s.accept("P7", 2, "ad_irrelevant")  # any code, even one QDA tools see only by name
    back = cjm.read_qdpx(s.to_qdpx(tmp_path / "coded.qdpx"), code_map=BOOK.code_map())
    back = back[back["text"] == "Pembayaran saya gagal terus."]
    assert back["pain_point"].tolist() == ["payment_failed"] and "payment_failed" in back["codes"].iloc[0]
    assert back[["start", "end"]].values.tolist() == ex[["start", "end"]].values.tolist()


def test_real_transcripts_get_one_review_row_per_participant_turn(shared_data):
    folder = shared_data / "interview_transcripts" / "practitioner_interviews"
    turns = read_transcripts(folder)
    book = cjm.Codebook.from_yaml(
        __import__("pathlib").Path(__file__).parents[1] / "benchmarks" / "coding" / "practitioner_codebook.yml")
    sample = turns[turns["participant"].isin(["Interview 3", "Interview 43"])]
    out = cjm.suggest_codes(sample, book, progress=False)
    participant = sample[sample["role"] == "participant"]
    assert set(zip(out["participant"], out["turn"])) == set(zip(participant["participant"], participant["turn"]))
    assert out["code"].notna().mean() > 0.2 and out["score"].dropna().between(0, 1).all()
    # the benchmark's references point at participant turns of these files
    ref = pd.read_csv(__import__("pathlib").Path(__file__).parents[1] / "benchmarks" / "coding"
                      / "coding_reference.csv", comment="#", keep_default_na=False)
    keyed = set(zip(turns.loc[turns["role"] == "participant", "source"], turns.loc[turns["role"] == "participant", "turn"]))
    assert len(ref) >= 150 and all((f, t) in keyed for f, t in zip(ref["file"], ref["turn"]))


# ----------------------------------------------------------------------------- mixed-methods tables

def coded_frame():
    return pd.DataFrame({
        "participant": ["A", "A", "A", "B", "B", "C"],
        "persona": ["P1", "P1", "P1", "P2", "P2", "P1"],
        "stage": ["decision", "decision", "retention", "decision", "retention", "advocacy"],
        "turn": [1, 1, 2, 1, 3, 1],
        "pain_point": ["payment_failed", "hidden_costs", "late_delivery", "payment_failed", "late_delivery", None],
        "gain": [None, None, None, None, None, "would_recommend"]})


def test_case_code_matrix_counts_and_zeros():
    from cjm_research.evidence.text.matrices import case_code_matrix

    m = case_code_matrix(coded_frame())
    wide = m.pivot(index="case", columns="code", values="count")
    assert wide.loc["A"].tolist() == [1, 1, 1] and wide.loc["B"].tolist() == [0, 1, 1]
    assert wide.loc["C"].tolist() == [0, 0, 0]  # interviewed, never coded with a pain point
    assert set(m["present"]) == {0, 1} and (m["present"] == (m["count"] > 0)).all()
    both = case_code_matrix(coded_frame(), code=["pain_point", "gain"], by="persona")
    p1 = both[both["persona"] == "P1"]
    assert sorted(p1["case"].unique()) == ["A", "C"]
    assert p1.query("case == 'C' and code == 'would_recommend'")["count"].item() == 1
    by_stage = case_code_matrix(coded_frame(), by=["persona", "stage"])
    cell = by_stage.query("persona == 'P1' and stage == 'decision' and case == 'A'")
    assert cell.set_index("code")["count"].to_dict() == {"hidden_costs": 1, "late_delivery": 0, "payment_failed": 1}


def test_code_cooccurrence_by_case_and_by_turn():
    from cjm_research.evidence.text.matrices import code_cooccurrence

    by_case = code_cooccurrence(coded_frame()).set_index(["code_a", "code_b"])
    assert by_case.loc[("late_delivery", "payment_failed"), "count"] == 2        # A and B
    assert by_case.loc[("hidden_costs", "late_delivery"), "jaccard"] == 0.5      # A of {A, B}
    assert by_case.loc[("payment_failed", "payment_failed"), "count"] == 2
    assert (by_case["units"] == 3).all()                                          # C counts as a unit
    by_turn = code_cooccurrence(coded_frame(), unit=["participant", "turn"]).set_index(["code_a", "code_b"])
    assert by_turn.loc[("hidden_costs", "payment_failed"), "count"] == 1
    assert by_turn.loc[("late_delivery", "payment_failed"), "count"] == 0
    grouped = code_cooccurrence(coded_frame(), by="persona")
    assert set(grouped["persona"]) == {"P1", "P2"}
    assert grouped.query("persona == 'P2'")["units"].iloc[0] == 1


def test_matrices_name_missing_columns():
    from cjm_research.evidence.text.matrices import case_code_matrix, code_cooccurrence

    with pytest.raises(DataError, match="'persona' not found"):
        case_code_matrix(coded_frame().drop(columns="persona"), by="persona")
    with pytest.raises(ParameterError, match="`unit` must be a column name"):
        code_cooccurrence(coded_frame(), unit=3)


def test_matrix_figures():
    import matplotlib.pyplot as plt

    from cjm_research.evidence.text.matrices import case_code_matrix, code_cooccurrence
    from cjm_research.viz.interviews import plot_case_code, plot_cooccurrence

    fig, (a, b) = plt.subplots(1, 2)
    assert plot_case_code(case_code_matrix(coded_frame()), value="present", ax=a) is a
    assert [t.get_text() for t in a.get_yticklabels()] == ["A", "B", "C"]
    assert plot_cooccurrence(code_cooccurrence(coded_frame()), value="jaccard", ax=b) is b
    assert len(b.images[0].get_array()) == 3  # 3 x 3 codes, symmetric
    with pytest.raises(DataError, match="several groups"):
        plot_case_code(case_code_matrix(coded_frame(), by="persona"))
    with pytest.raises(ParameterError, match="`value` must be one of"):
        plot_cooccurrence(code_cooccurrence(coded_frame()), value="share")
    plt.close(fig)
