"""CodingView driven like a researcher: pick suggestions, click buttons, check the saved files."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.evidence.text.coding import CodingSession
from cjm_research.io import EXCERPT_COLUMNS, read_excerpts
from cjm_research.widgets.coding import CodingView

BOOK = cjm.Codebook.example()


def turns() -> pd.DataFrame:
    texts = [("Interviewer", "How did the order go?"),
             ("Rina", "The courier was a week late. But the staff in the store were friendly."),
             ("Interviewer", "And paying?"),
             ("Rina", "Pembayaran saya gagal dua kali."),
             ("Interviewer", "Anything else?"),
             ("Rina", "Not really, it was a normal day.")]
    return pd.DataFrame({"speaker": [s for s, _ in texts],
                         "role": ["interviewer" if s == "Interviewer" else "participant" for s, _ in texts],
                         "turn": range(1, 7), "text": [t for _, t in texts], "participant": "R01"})


@pytest.fixture()
def view(tmp_path):
    return CodingView(turns(), BOOK, excerpts_path=tmp_path / "excerpts.csv", log_path=tmp_path / "log.jsonl",
                      customer_ids={"R01": "C9"})


def test_pages_through_participant_turns_with_their_suggestions(view):
    assert view.keys == [("R01", 2), ("R01", 4), ("R01", 6)]
    assert "turn 2" in view.header.value and "courier was a week late" in view.text.value
    assert view.suggestion.value == "late_delivery" and "keywords" in view.suggestion_table.value
    view.next_button.click()
    assert view.current == ("R01", 4) and view.suggestion.value == "payment_failed"
    view.next_button.click()
    assert view.suggestion.options == () and "No suggestion" in view.suggestion_table.value
    view.next_button.click()  # stays on the last turn
    assert view.current == ("R01", 6)
    view.prev_button.click()
    assert view.current == ("R01", 4)


def test_clicks_save_excerpts_and_a_log_that_replays(view, tmp_path):
    view.accept_button.click()                       # turn 2: late delivery on the whole turn
    view.split_at.value = view.split_at.options[0][1]
    view.split_button.click()                        # split before "But the staff..."
    view.segment.value = view.segment.options[1][1]
    view.suggestion.value = "late_delivery"
    view.reject_button.click()                       # the second sentence is not about delivery
    view.code_picker.value = "friendly_staff"
    view.add_button.click()
    view.next_button.click()                         # turn 4
    view.code_picker.value = "checkout_complicated"
    view.change_button.click()                       # payment_failed -> checkout_complicated
    assert "segment 0: Complicated checkout" in view.coded.value
    saved = read_excerpts(tmp_path / "excerpts.csv")
    assert saved["text"].tolist() == ["The courier was a week late.", "But the staff in the store were friendly.",
                                      "Pembayaran saya gagal dua kali."]
    assert saved["pain_point"].tolist()[::2] == ["late_delivery", "checkout_complicated"]
    assert saved["gain"].iloc[1] == "friendly_staff" and (saved["customer_id"] == "C9").all()
    assert "5 decisions" in view.status.value and "3 coded excerpts" in view.status.value
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [d["action"] for d in log] == ["accept", "split", "reject", "add", "change"]
    replayed = CodingSession.replay(tmp_path / "log.jsonl", turns(), BOOK, customer_ids={"R01": "C9"})
    pd.testing.assert_frame_equal(replayed.excerpts()[EXCERPT_COLUMNS], saved, check_dtype=False)


def test_reopening_resumes_at_the_first_unreviewed_turn(view, tmp_path):
    view.accept_button.click()
    again = CodingView(turns(), BOOK, excerpts_path=tmp_path / "excerpts.csv", log_path=tmp_path / "log.jsonl")
    assert again.current == ("R01", 4) and len(again.session.decisions) == 1
    again.accept_button.click()
    assert len((tmp_path / "log.jsonl").read_text().splitlines()) == 2
    again.next_open_button.click()
    assert again.current == ("R01", 6)


def test_a_transcript_without_participant_turns(tmp_path):
    only_questions = turns().query("role == 'interviewer'")
    assert cjm.suggest_codes(only_questions, BOOK).empty
    empty = CodingView(only_questions, BOOK, excerpts_path=tmp_path / "e.csv", log_path=tmp_path / "l.jsonl")
    assert "No participant turns" in empty.header.value
    empty.add_button.click()
    assert "No participant turns" in empty.status.value and not (tmp_path / "l.jsonl").exists()


def test_buttons_without_a_target_explain_themselves(view):
    view.show(2)  # the turn without suggestions and with one sentence
    view.accept_button.click()
    assert "No suggestion to accept" in view.status.value
    view.split_button.click()
    assert "nothing to split" in view.status.value
    assert not (view.log_path.exists() and view.log_path.read_text())


def test_from_raw_transcripts_to_the_current_state_map(tmp_path):
    """transcripts -> suggest_codes -> accepted in the view -> excerpt file -> study -> map quotes."""
    import yaml

    from cjm_research.evidence.text.coding import read_transcripts

    complaints = ["The courier was a week late and nobody told me.",
                  "My parcel arrived late again, tracking said nothing.",
                  "Paketnya telat seminggu, kurirnya tidak bisa dihubungi.",
                  "Delivery was delayed twice, the courier never called.",
                  "The parcel came late and the tracking page was wrong.",
                  "Pengiriman terlambat terus, paket belum sampai."]
    folder = tmp_path / "transcripts"
    folder.mkdir()
    for i, text in enumerate(complaints, start=1):
        (folder / f"C{i:03d}.txt").write_text(f"Interviewer: How was the delivery?\nParticipant: {text}\n"
                                              "Interviewer: Anything else?\nParticipant: No, that's all.\n")
    ids = {f"C{i:03d}": f"C{i:03d}" for i in range(1, 7)}
    view = CodingView(read_transcripts(folder), BOOK, excerpts_path=tmp_path / "interviews.csv",
                      log_path=tmp_path / "log.jsonl", customer_ids=ids)
    for _ in view.keys:  # the researcher accepts the top suggestion where there is one
        if view.suggestion.value is not None:
            assert view.suggestion.value == "late_delivery"
            view.accept_button.click()
        view.next_button.click()
    pd.DataFrame({"respondent_id": [f"R{i}" for i in range(1, 7)], "customer_id": list(ids),
                  "nps": [3, 5, 8, 2, 9, 6]}).to_csv(tmp_path / "survey.csv", index=False)
    (tmp_path / "study.yml").write_text(yaml.safe_dump({
        "name": "coded from transcripts", "framework": "default",
        "survey": {"respondent_id": "respondent_id", "customer_id": "customer_id", "nps": "nps"},
        "quarters": {"2026Q4": {"survey": "survey.csv", "interviews": "interviews.csv"}}}))
    study = cjm.load_study(tmp_path / "study.yml")
    assert len(study.interviews) == 6
    pains = cjm.current_state(study, progress=False).table(lane="pain_points")
    row = pains[pains["item"] == "late_delivery"].iloc[0]
    assert row["stage"] == "retention" and row["n"] == 6 and not row["masked"]
    assert row["quote"] in complaints and "6 of 6 participants raised it" in row["detail"]


@pytest.mark.slow
def test_coding_notebook_runs(tmp_path):
    """notebooks/05_interview_coding.ipynb runs top to bottom on a folder of transcripts."""
    from pathlib import Path

    import papermill as pm

    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "R01.txt").write_text("Interviewer: How was it?\nRina: The courier was late again.\n"
                                    "Interviewer: And paying?\nRina: Pembayaran saya gagal.\n", encoding="utf-8")
    (tmp_path / "book.yml").write_text(open(Path(cjm.__file__).parent / "evidence" / "text" / "resources"
                                            / "codebook_example.yml", encoding="utf-8").read(), encoding="utf-8")
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    out = tmp_path / "coding"
    nb = pm.execute_notebook(str(notebooks / "05_interview_coding.ipynb"), str(tmp_path / "run.ipynb"),
                             parameters={"transcripts_dir": str(folder), "codebook_path": str(tmp_path / "book.yml"),
                                         "out_dir": str(out)},
                             kernel_name="cjm-research", cwd=str(notebooks), progress_bar=False)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert (out / "coded.qdpx").is_file() and (out / "codebook.qdc").is_file()
