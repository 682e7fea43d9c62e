"""Interview transcripts (txt, md, vtt) split into speaker turns with normalised roles.

Speaker labels come in many spellings: ``Interviewer:``, ``interviewer:``, ``Interviewer 1:``,
``Interviewer1 :``, ``I:``, ``P:``, ``Participant 3:``, ``**Anna:**``, a label alone on its line
(``Unknown Speaker``), or a WebVTT voice tag (``<v Anna>``). Each turn keeps the original label in
``speaker`` and gets a ``role``: labels that name the role (interviewer, moderator, I, Q; interviewee,
participant, respondent, P, R, A) decide it; other speakers (names, ``Speaker 2``) are participants,
except that when no label names the interviewer, the speaker who asks the most questions is taken
as the interviewer. Pass ``interviewers=[...]`` to name them explicitly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..core.errors import DataError
from .tables import check_extension, decode_text, open_bytes, sniff_content

ROLE_WORDS = {
    "interviewer": "interviewer", "interviewers": "interviewer", "moderator": "interviewer",
    "facilitator": "interviewer", "researcher": "interviewer", "i": "interviewer", "q": "interviewer",
    "question": "interviewer", "int": "interviewer", "intervieweur": "interviewer",
    "enquêteur": "interviewer", "enquêtrice": "interviewer", "intervieweuse": "interviewer",
    "interviewee": "participant", "participant": "participant", "respondent": "participant",
    "p": "participant", "r": "participant", "a": "participant", "answer": "participant",
    "customer": "participant", "client": "participant", "répondant": "participant",
    "speaker": None, "unknown speaker": None, "unknown": None,
}
# capitalised words that start sentences or header fields, never speaker names
NOT_NAMES = {"note", "notes", "yeah", "yes", "no", "ok", "okay", "so", "well", "example", "date",
             "time", "location", "title", "subject", "duration", "source", "edit", "update", "ps"}
TIME = r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?"
LABEL = r"(?P<label>[^\W\d_][\w'’.\-() ]{0,40}?)"
LABELLED_LINE = re.compile(rf"^\s*(?:{TIME}\s*)?{LABEL}\s*(?:{TIME})?\s*:\s*(?P<text>.*)$")
LABEL_ALONE = re.compile(rf"^\s*{LABEL}\s*(?P<time>{TIME})?\s*$")
CUE_TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})")
VOICE = re.compile(r"<v(?:\.[\w.\-]+)?\s+([^>]+)>")
EXTENSIONS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".vtt": "vtt"}


@dataclass
class Segment:
    """One stretch of speech: a label, its lines and (for vtt) its times in seconds."""

    speaker: str
    lines: list = field(default_factory=list)
    start: float | None = None
    end: float | None = None


def read_transcript(path, *, interviewers=None) -> pd.DataFrame:
    """Read an interview transcript (.txt, .md or .vtt) as one row per speaker turn.

    Lines without a speaker label continue the previous turn; consecutive paragraphs of the same
    speaker are one turn.

    Parameters
    ----------
    path : str or Path
    interviewers : list of str, optional
        Speaker labels to treat as interviewers (for transcripts labelled with names only).

    Returns
    -------
    DataFrame
        ``speaker`` (the label as written), ``role`` (interviewer or participant), ``turn``
        (1..n), ``text``; for .vtt also ``start`` and ``end`` in seconds.

    Examples
    --------
    >>> import cjm_research as cjm
    >>> turns = cjm.read_transcript("Interview 5.txt")                  # doctest: +SKIP
    >>> turns.groupby("role").size()                                     # doctest: +SKIP
    """
    path, data = open_bytes(path, what="transcript (.txt, .md or .vtt)")
    kind = check_extension(path, EXTENSIONS, reader="read_transcript")
    if (content := sniff_content(data)) != "text":
        raise DataError(f"{path}: the file is {content}, not a text transcript.")
    text, _ = decode_text(data, path)
    notes: list = []
    segments = vtt_segments(text, path) if kind == "vtt" else text_segments(text, kind, notes)
    if not segments:
        raise DataError(f"{path}: no speaker turns found; expected lines such as 'Interviewer: ...', "
                        "'P3: ...' or 'Anna: ...' (or <v Anna> voice tags in a .vtt file).")
    frame = turns_frame(merge_turns(segments), interviewers or [], timed=kind == "vtt")
    frame.attrs.update(source=str(path), reader="transcript", reader_notes=notes)
    return frame


def role_of(label: str) -> str | None:
    """The role a label names, or None when it does not name one (a person's name, 'Speaker 2').

    Examples
    --------
    >>> role_of("Interviewer1 "), role_of("Participant A"), role_of("Interviewer (Anna)"), role_of("Anna")
    ('interviewer', 'participant', 'interviewer', None)
    """
    return ROLE_WORDS.get(_base(label))


def _base(label: str) -> str:
    # "Interviewer (Anna)", "Participant A", "Interviewer2 2", "P3" -> the role word alone
    text = re.sub(r"\(.*?\)", "", label).strip()
    return re.sub(r"(?:\s+[A-Z]|[\s#.]*\d+)*[\s.]*$", "", text).lower()


def _is_keyword(label: str) -> bool:
    return _base(label) in ROLE_WORDS


def _is_name(label: str) -> bool:
    words = re.sub(r"\(.*?\)", "", label).split()
    return (1 <= len(words) <= 3 and all(w[0].isupper() for w in words)
            and label.strip().lower() not in NOT_NAMES)


def _clean_markdown(line: str) -> str | None:
    if re.match(r"^\s*(#|---+\s*$|\*\*\*+\s*$)", line):
        return None  # headings and rules are not speech
    return re.sub(r"^\s*(?:>\s?|[-+*]\s+)", "", line).replace("**", "").replace("__", "")


def text_segments(text: str, kind: str, notes: list) -> list[Segment]:
    """Split plain-text or markdown lines into labelled segments (see the module docstring)."""
    lines = [_clean_markdown(l) if kind == "markdown" else l for l in text.split("\n")]
    lines = [l for l in lines if l is not None]
    labels = _accepted_labels(lines)
    segments: list[Segment] = []
    skipped = 0
    for line in lines:
        label, rest = _split_label(line, labels)
        if label is not None:
            segments.append(Segment(label, [rest] if rest else []))
        elif line.strip() and segments:
            segments[-1].lines.append(line.strip())
        elif line.strip():
            skipped += 1
    if skipped:
        notes.append(f"ignored {skipped} line(s) before the first speaker label")
    return segments


def _accepted_labels(lines: list[str]) -> set[str]:
    # A name counts as a speaker only if it labels at least two lines: one "Date:" is a header.
    counts: dict[str, int] = {}
    for line in lines:
        m = LABELLED_LINE.match(line) or LABEL_ALONE.match(line)
        if m:
            label = m.group("label").strip()
            counts[label] = counts.get(label, 0) + 1
    return {l for l, n in counts.items() if _is_keyword(l) or (_is_name(l) and n >= 2)}


def _split_label(line: str, labels: set[str]) -> tuple[str | None, str]:
    m = LABELLED_LINE.match(line)
    if m and m.group("label").strip() in labels:
        return m.group("label").strip(), m.group("text").strip()
    m = LABEL_ALONE.match(line)
    # a label alone on its line ("Unknown Speaker", Otter's "Anna  0:03") starts a turn below it
    if m and m.group("label").strip() in labels and (_is_keyword(m.group("label")) or m.group("time")):
        return m.group("label").strip(), ""
    return None, ""


def vtt_segments(text: str, path) -> list[Segment]:
    """One segment per WebVTT cue; a cue without a voice tag or label continues the last speaker."""
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise DataError(f"{path}: not a WebVTT file (the first line must be 'WEBVTT').")
    segments: list[Segment] = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip().split("\n")
        timing = next((i for i, l in enumerate(lines) if CUE_TIMING.match(l)), None)
        if timing is None:
            continue  # header, NOTE, STYLE and REGION blocks
        start, end = (_seconds(t) for t in CUE_TIMING.match(lines[timing]).groups())
        speaker, words = _cue_speaker(" ".join(lines[timing + 1:]))
        if speaker is None and not segments:
            raise DataError(f"{path}: the first cue at {lines[timing].strip()} names no speaker "
                            "(expected a <v Name> voice tag or a 'Name:' label).")
        segments.append(Segment(speaker or segments[-1].speaker, [words] if words else [], start, end))
    return segments


def _cue_speaker(cue: str) -> tuple[str | None, str]:
    voice = VOICE.search(cue)
    words = re.sub(r"<[^>]+>", "", cue).strip()
    if voice:
        return voice.group(1).strip(), words
    m = LABELLED_LINE.match(words)
    if m and (_is_keyword(m.group("label")) or _is_name(m.group("label"))):
        return m.group("label").strip(), m.group("text").strip()
    return None, words


def _seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.replace(",", ".").split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


def merge_turns(segments: list[Segment]) -> list[Segment]:
    """Join consecutive segments of the same speaker into one turn; drop segments without words."""
    turns: list[Segment] = []
    for seg in segments:
        if turns and _same(turns[-1].speaker, seg.speaker):
            turns[-1].lines += seg.lines
            turns[-1].end = seg.end if seg.end is not None else turns[-1].end
        else:
            turns.append(Segment(seg.speaker, list(seg.lines), seg.start, seg.end))
    turns = [t for t in turns if any(l.strip() for l in t.lines)]
    # dropping empty turns can leave two turns of one speaker side by side
    return turns if not any(_same(a.speaker, b.speaker) for a, b in zip(turns, turns[1:])) else merge_turns(turns)


def _same(a: str, b: str) -> bool:
    # "Interviewer1" and "Interviewer 1" in one file are one person typed two ways
    return re.sub(r"\s+", "", a).lower() == re.sub(r"\s+", "", b).lower()


def assign_roles(frame: pd.DataFrame, interviewers) -> pd.Series:
    """Role per turn: from the label, else participant, except the most questioning speaker when no
    label names an interviewer (see the module docstring)."""
    roles = {s: ("interviewer" if s in interviewers else role_of(s)) for s in frame["speaker"].unique()}
    unknown = [s for s, r in roles.items() if r is None]
    if unknown and "interviewer" not in roles.values() and len(roles) > 1:
        asks = frame.assign(q=frame["text"].str.contains("?", regex=False)).groupby("speaker")["q"].mean()
        roles[max(unknown, key=lambda s: (asks[s], -unknown.index(s)))] = "interviewer"
    return frame["speaker"].map({s: r or "participant" for s, r in roles.items()})


def turns_frame(turns: list[Segment], interviewers, *, timed: bool) -> pd.DataFrame:
    """The transcript frame: speaker, role, turn, text (and start, end for timed transcripts)."""
    frame = pd.DataFrame({"speaker": [t.speaker for t in turns],
                          "text": ["\n".join(l for l in t.lines if l.strip()) for t in turns]})
    frame.insert(1, "role", assign_roles(frame, set(interviewers)))
    frame.insert(2, "turn", range(1, len(frame) + 1))
    if timed:
        frame["start"] = [t.start for t in turns]
        frame["end"] = [t.end for t in turns]
    return frame
