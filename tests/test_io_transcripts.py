"""read_transcript on synthetic txt, md and vtt transcripts, and on bad input."""

from __future__ import annotations

import pytest

import cjm_research as cjm
from cjm_research.core.errors import DataError

TXT = """Interview with participant 3, 12 March

I: Thanks for joining. How did you first hear about us?
P: From an Instagram ad.
I saw it twice, then searched the brand.

interviewer 1 : And the checkout?
Interviewer1 : Was that on the app?
Participant 3: The payment failed two times.
Interviewer 2: Sorry, one more question: which bank?
P: BCA, on the app.
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_txt_labels_roles_turns_and_continuations(tmp_path):
    df = cjm.read_transcript(write(tmp_path, "t.txt", TXT))
    assert list(df.columns) == ["speaker", "role", "turn", "text"]
    assert df["speaker"].tolist() == ["I", "P", "interviewer 1", "Participant 3", "Interviewer 2", "P"]
    assert df["role"].tolist() == ["interviewer", "participant", "interviewer", "participant",
                                   "interviewer", "participant"]
    assert df["turn"].tolist() == list(range(1, 7))
    assert df.loc[1, "text"] == "From an Instagram ad.\nI saw it twice, then searched the brand."
    # "interviewer 1" and "Interviewer1" are one speaker: consecutive lines are one turn
    assert df.loc[2, "text"] == "And the checkout?\nWas that on the app?"
    assert df.loc[4, "text"] == "Sorry, one more question: which bank?"
    assert df.attrs["reader_notes"] == ["ignored 1 line(s) before the first speaker label"]


MD = """# Interview 7: Budi

**Interviewer:** Can you walk me through your last order?

**Budi:** I ordered on the app. It was *fine*.

> **Interviewer:** And the delivery?

**Budi**: Late by two days.
Support did not call back.
"""


def test_markdown_bold_names_and_headings(tmp_path):
    df = cjm.read_transcript(write(tmp_path, "t.md", MD))
    assert df["speaker"].tolist() == ["Interviewer", "Budi", "Interviewer", "Budi"]
    assert df["role"].tolist() == ["interviewer", "participant"] * 2
    assert df.loc[3, "text"] == "Late by two days.\nSupport did not call back."


def test_names_only_the_questioner_is_the_interviewer(tmp_path):
    text = "Sarah: What do you buy?\nTom: Groceries.\nSarah: Why online?\nTom: It saves time.\n"
    df = cjm.read_transcript(write(tmp_path, "names.txt", text))
    assert df.set_index("speaker")["role"].to_dict() == {"Sarah": "interviewer", "Tom": "participant"}
    forced = cjm.read_transcript(tmp_path / "names.txt", interviewers=["Tom"])
    assert forced.set_index("speaker")["role"].to_dict() == {"Sarah": "participant", "Tom": "interviewer"}


def test_bracketed_times_parenthesised_names_and_bullets(tmp_path):
    text = ("- [00:00:05] Interviewer (Anna): What went wrong?\n"
            "* Participant A (00:00:09): The courier never came.\n"
            "+ **Moderator:** Thanks.\n")
    df = cjm.read_transcript(write(tmp_path, "b.md", text))
    assert df["speaker"].tolist() == ["Interviewer (Anna)", "Participant A", "Moderator"]
    assert df["role"].tolist() == ["interviewer", "participant", "interviewer"]
    assert df["text"].tolist() == ["What went wrong?", "The courier never came.", "Thanks."]


def test_a_single_date_line_is_not_a_speaker(tmp_path):
    text = "Date: 2024-05-01\nInterviewer: Hello?\nRespondent: Hi.\n"
    df = cjm.read_transcript(write(tmp_path, "d.txt", text))
    assert df["speaker"].tolist() == ["Interviewer", "Respondent"]


VTT = """WEBVTT

NOTE recorded on Zoom

1
00:00:01.000 --> 00:00:04.500
<v Interviewer>How was onboarding?</v>

2
00:00:05.000 --> 00:00:07.250
<v Rina>Confusing at first.</v>

3
00:00:07.250 --> 00:00:09.000
The app asked for my ID twice.

4
00:01:10.000 --> 00:01:12.000
Interviewer: Why twice?
"""


def test_vtt_voice_tags_times_and_continued_cues(tmp_path):
    df = cjm.read_transcript(write(tmp_path, "t.vtt", VTT))
    assert list(df.columns) == ["speaker", "role", "turn", "text", "start", "end"]
    assert df["speaker"].tolist() == ["Interviewer", "Rina", "Interviewer"]
    assert df["role"].tolist() == ["interviewer", "participant", "interviewer"]
    assert df.loc[1, "text"] == "Confusing at first.\nThe app asked for my ID twice."
    assert df[["start", "end"]].values.tolist() == [[1.0, 4.5], [5.0, 9.0], [70.0, 72.0]]


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "empty"),
    ("nolabels.txt", b"just some notes\nwithout speakers\n", "no speaker turns found"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
    ("junk.md", bytes(range(256)) * 8, "binary"),
    ("t.docx", b"PK\x03\x04", "unsupported file extension '.docx'"),
    ("t.vtt", b"00:00:01.000 --> 00:00:02.000\nhi\n", "not a WebVTT file"),
    ("anon.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello there\n", "names no speaker"),
])
def test_bad_transcripts(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as info:
        cjm.read_transcript(path)
    assert str(path) in str(info.value)


def test_missing_transcript(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        cjm.read_transcript(tmp_path / "none.txt")
