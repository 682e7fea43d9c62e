"""Assisted coding of interview transcripts: suggestions, decisions and the excerpts they make.

:func:`suggest_codes` proposes codes for each participant turn of a transcript from two kinds of
evidence, both offline and bilingual (English, Indonesian):

* keywords: a code's keywords (phrases) found in the turn, matched on stems (Sastrawi for
  Indonesian, light suffix stripping for English), so "pembayarannya gagal" matches "gagal bayar"
  stems and "labelled" matches "labelling";
* similarity: TF-IDF cosine between the turn and the code's profile (its examples, keywords,
  labels and description), fitted on the turns and the profiles together.

A researcher then accepts, rejects, changes or adds codes and splits turns (the notebook's
:class:`~cjm_research.widgets.coding.CodingView`). Each decision is one JSON line of a log;
:class:`CodingSession` replays a log onto the same turns and rebuilds the same coded excerpts,
which is what makes the coding auditable and repeatable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from tqdm.auto import tqdm

from ...core.errors import DataError, ParameterError, check_choice, preview
from .codebook import Codebook
from .language import detect_language
from .themes import stem_en, stem_id, stop_words

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
SUGGESTION_COLUMNS = ["participant", "turn", "rank", "code", "label", "kind", "stage", "touchpoint",
                      "pain_point", "gain", "score", "keyword_score", "similarity", "triggers",
                      "language"]
ACTIONS = ("accept", "reject", "change", "add", "split")
CODED_COLUMNS = ["code", "turn", "start", "end"]


# ============================================================================ tokens

def _stem(token: str, language: str) -> str:
    if language == "id":
        return stem_id(token)
    stem = stem_en(token)
    # labelling -> labell -> label, planned -> plann -> plan: one stem for the doubled consonant
    if len(stem) > 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
        stem = stem[:-1]
    elif len(stem) > 5 and stem.endswith("ll"):
        stem = stem[:-1]
    return stem


def word_stems(text: str, language: str) -> list[tuple[str, str]]:
    """(stem, written form) of every word of ``text``, stop words included (phrases need them).

    Examples
    --------
    >>> [s for s, _ in word_stems("Labelled data drifted", "en")]
    ['label', 'data', 'drift']
    """
    return [(_stem(t, language), t) for t in WORD.findall(str(text).lower())]


def _content(pairs) -> list[str]:
    stops = stop_words()
    return [s for s, t in pairs if t not in stops and len(t) > 2 and not t.isdigit()]


def _find_phrase(stems: list[str], phrase: list[str]) -> int:
    """Index where ``phrase`` (a stem list) starts in ``stems``, or -1."""
    n = len(phrase)
    if n == 0:
        return -1
    for i in range(len(stems) - n + 1):
        if stems[i:i + n] == phrase:
            return i
    return -1


# ============================================================================ turns

def read_transcripts(paths, *, pattern: str = "*", interviewers=None) -> pd.DataFrame:
    """Read many transcripts into one turns frame with a ``participant`` column (the file name).

    Parameters
    ----------
    paths : str, Path or list
        A folder (its ``.txt``, ``.md`` and ``.vtt`` files matching ``pattern``) or a list of files.
    pattern : str
        Glob for the files of a folder.
    interviewers : list of str, optional
        Passed to :func:`cjm_research.io.read_transcript`.

    Returns
    -------
    DataFrame
        ``participant``, ``source`` (file name), then the turn columns of
        :func:`~cjm_research.io.read_transcript` (``speaker, role, turn, text``).

    Examples
    --------
    >>> turns = read_transcripts("interviews/")                         # doctest: +SKIP
    """
    from ...io import read_transcript

    files = _transcript_files(paths, pattern)
    parts = []
    for path in tqdm(files, desc="transcripts", disable=len(files) < 20):
        turns = read_transcript(path, interviewers=interviewers)
        parts.append(turns.assign(participant=path.stem, source=path.name))
    frame = pd.concat(parts, ignore_index=True)
    return frame[["participant", "source", *[c for c in frame.columns if c not in ("participant", "source")]]]


def _transcript_files(paths, pattern) -> list[Path]:
    if isinstance(paths, (str, Path)) and Path(paths).is_dir():
        folder = Path(paths)
        files = sorted((p for p in folder.glob(pattern) if p.suffix.lower() in (".txt", ".md", ".vtt")),
                       key=lambda p: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p.name)])
        if not files:
            raise DataError(f"{folder}: no transcripts (.txt, .md, .vtt) matching {pattern!r}.")
        return files
    files = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise DataError(f"transcript file(s) not found: {preview(missing)}.")
    return files


def _participant_turns(turns: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(turns, pd.DataFrame):
        raise ParameterError(f"`turns` must be a DataFrame of speaker turns (cjm.read_transcript), "
                             f"but a {type(turns).__name__} was passed.")
    missing = [c for c in ("turn", "text") if c not in turns.columns]
    if missing:
        raise DataError(f"turns need column(s) {missing} (as cjm.read_transcript gives); the frame "
                        f"has {list(turns.columns)}.")
    frame = turns.copy()
    if "participant" not in frame.columns:
        source = frame.attrs.get("source")
        frame["participant"] = Path(source).stem if source else "participant"
    if "role" in frame.columns:
        frame = frame[frame["role"].astype(str) != "interviewer"]
    frame = frame[frame["text"].map(lambda t: isinstance(t, str) and bool(t.strip())).astype(bool)]
    dup = frame.duplicated(["participant", "turn"])
    if dup.any():
        raise DataError(f"turns: participant and turn must identify a turn, but "
                        f"{preview(frame.loc[dup, ['participant', 'turn']].astype(str).agg(' turn '.join, axis=1))}"
                        " occur twice; give each transcript its own participant.")
    return frame


# ============================================================================ suggestions

@dataclass
class _Matcher:
    """The codebook's keywords and the framework's touchpoint names as stem sequences, per language."""

    book: Codebook
    framework: object | None
    keywords: dict = field(default_factory=dict)     # (code, language) -> [(keyword, stems)]
    places: list = field(default_factory=list)       # (touchpoint id, language, stems)

    def __post_init__(self):
        for code in self.book:
            for lang in ("en", "id"):
                self.keywords[(code.id, lang)] = [(k, [s for s, _ in word_stems(k, lang)])
                                                  for k in code.keywords]
        if self.framework is not None:
            for tp in self.framework.touchpoints.values():
                names = {tp.id.replace("_", " "), *tp.label.values()}
                for lang in ("en", "id"):
                    self.places += [(tp.id, lang, [s for s, _ in word_stems(n, lang)]) for n in names]

    def keyword_hits(self, code_id: str, pairs, language: str) -> list[str]:
        stems = [s for s, _ in pairs]
        hits = []
        for keyword, phrase in self.keywords[(code_id, language)]:
            at = _find_phrase(stems, phrase)
            if at >= 0:
                hits.append(" ".join(t for _, t in pairs[at:at + len(phrase)]))
        return list(dict.fromkeys(hits))

    def touchpoint_in(self, pairs, language: str, stage: str | None) -> str | None:
        stems = [s for s, _ in pairs]
        for tp_id, lang, phrase in self.places:
            if lang == language and _find_phrase(stems, phrase) >= 0 and \
                    (stage is None or self.framework.touchpoint(tp_id).stage == stage):
                return tp_id
        return None


def _profile(code) -> str:
    return " \n".join([*code.examples, *code.keywords, *code.label.values(), code.description])


def suggest_codes(turns, codebook, framework=None, *, top: int = 3, min_score: float = 0.3,
                  language: str = "auto", default_language: str = "en", similarity: bool = True,
                  progress: bool = True) -> pd.DataFrame:
    """Suggested codes, stage and touchpoint for each participant turn, with why.

    Parameters
    ----------
    turns : DataFrame
        Speaker turns (:func:`cjm_research.io.read_transcript`, or :func:`read_transcripts` for a
        folder). Interviewer turns are left out. Without a ``participant`` column the file name
        of the transcript is the participant.
    codebook : Codebook
        The codes, their keywords and examples.
    framework : JourneyFramework, optional
        Checks the codebook's stages and touchpoints, and lets a turn that names a touchpoint
        ("checkout", "kurir") give the touchpoint to a code that has none. Default: the
        framework the codebook was validated with.
    top : int
        At most this many codes per turn.
    min_score : float
        Suggest a code when its score (0..1) reaches this. One keyword gives 0.5.
    language : {"auto", "en", "id"}
        Stemming language; "auto" detects it per turn.
    default_language : {"en", "id"}
        Used by detection when a turn gives no evidence either way.
    similarity : bool
        Use the TF-IDF similarity to the examples; False scores keywords alone.
    progress : bool
        Show a progress bar on long transcripts.

    Returns
    -------
    DataFrame
        One row per suggestion, best first within a turn: ``participant, turn, rank, code,
        label, kind, stage, touchpoint, pain_point, gain, score, keyword_score, similarity,
        triggers, language``. ``score`` = 1 - (1 - keyword_score)(1 - similarity), where
        keyword_score = 1 - 0.5^(keywords found) and similarity is the TF-IDF cosine to the
        code's profile. ``triggers`` names the words behind the score. A turn without any
        suggestion has one row with a missing ``code``, so every turn is reviewed.

    Examples
    --------
    >>> import cjm_research as cjm
    >>> turns = pd.DataFrame({"role": ["interviewer", "participant", "participant"], "turn": [1, 2, 3],
    ...     "text": ["How was the delivery?", "The courier was a week late.",
    ...              "Pembayaran saya gagal terus."], "participant": "P1"})
    >>> out = cjm.suggest_codes(turns, cjm.Codebook.example())
    >>> out.query("rank == 1")[["turn", "code", "stage", "language"]].to_string(index=False)
    ' turn           code     stage language\\n    2  late_delivery retention       en\\n    3 payment_failed  decision       id'
    """
    check_choice("language", language, ["auto", "en", "id"])
    if not isinstance(codebook, Codebook):
        raise ParameterError(f"`codebook` must be a cjm.Codebook, but a {type(codebook).__name__} was passed.")
    if not isinstance(top, (int, np.integer)) or top < 1:
        raise ParameterError(f"The value for `top` must be an integer of at least 1, but {top!r} was passed.")
    if not 0 <= float(min_score) <= 1:
        raise ParameterError(f"The value for `min_score` must be within 0..1, but {min_score!r} was passed.")
    book = codebook.validate(framework) if framework is not None else codebook
    frame = _participant_turns(turns)
    matcher = _Matcher(book, book.framework)
    langs = [detect_language(t, default=default_language) if language == "auto" else language
             for t in frame["text"]]
    pairs = [word_stems(t, lang) for t, lang in zip(frame["text"], langs)]
    similarity = _similarity(book, [_content(p) for p in pairs]) if similarity else \
        np.zeros((len(pairs), len(book)))
    rows = []
    iterator = tqdm(range(len(frame)), desc="suggesting codes", disable=not progress or len(frame) < 500)
    for i in iterator:
        key = {"participant": frame["participant"].iloc[i], "turn": frame["turn"].iloc[i], "language": langs[i]}
        found = _turn_suggestions(book, matcher, pairs[i], langs[i], similarity[i], min_score, top)
        rows += [{**key, **s} for s in found] or [{**key, "rank": 0}]
    out = pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)
    out["rank"] = out["rank"].astype(int)
    for col in ("code", "label", "kind", "stage", "touchpoint", "pain_point", "gain", "triggers"):
        out[col] = out[col].astype("string")
    for col in ("score", "keyword_score", "similarity"):
        out[col] = out[col].astype(float)
    return out


def _similarity(book: Codebook, docs: list[list[str]]) -> np.ndarray:
    """Cosine of each turn to each code's profile (turns x codes)."""
    profiles = []
    for code in book:
        text = _profile(code)
        lang = detect_language(text)
        profiles.append(_content(word_stems(text, lang)) + _content(word_stems(text, "id" if lang == "en" else "en")))
    if not any(docs) or not any(profiles):
        return np.zeros((len(docs), len(book)))
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, min_df=1)
    X = vectorizer.fit_transform(docs + profiles)
    turns, codes = X[:len(docs)], X[len(docs):]
    return (turns @ codes.T).toarray()  # rows are L2-normalised, so the product is the cosine


def _turn_suggestions(book, matcher, pairs, language, sims, min_score, top) -> list[dict]:
    content = set(_content(pairs))
    surface = {}
    for s, t in pairs:
        surface.setdefault(s, t)
    found = []
    for j, code in enumerate(book):
        hits = matcher.keyword_hits(code.id, pairs, language)
        kw = 1 - 0.5 ** len(hits)
        sim = float(sims[j])
        score = 1 - (1 - kw) * (1 - sim)
        if score < min_score:
            continue
        shared = [surface[s] for s in dict.fromkeys(_content(word_stems(_profile(code), language)))
                  if s in content and surface.get(s) not in hits][:3]
        touchpoint = code.touchpoint or matcher.touchpoint_in(pairs, language, code.stage)
        stage = code.stage or (book.framework.touchpoint(touchpoint).stage if touchpoint else None)
        triggers = "; ".join(part for part in (
            f"keywords: {', '.join(hits)}" if hits else "",
            f"similar: {', '.join(shared)}" if shared and sim > 0 else "",
            f"touchpoint named: {touchpoint}" if touchpoint and not code.touchpoint else "") if part)
        found.append({"code": code.id, "label": code.label.get(language) or code.label["en"],
                      "kind": code.kind, "stage": stage, "touchpoint": touchpoint,
                      "pain_point": code.pain_point, "gain": code.gain, "score": round(score, 4),
                      "keyword_score": round(kw, 4), "similarity": round(sim, 4), "triggers": triggers})
    found.sort(key=lambda s: (-s["score"], s["code"]))
    return [{**s, "rank": r} for r, s in enumerate(found[:top], start=1)]


def keyword_baseline(turns, codebook, *, top: int = 3) -> pd.DataFrame:
    """The plain baseline: a code is suggested when one of its keywords occurs in the turn as
    written (case-insensitive substring, no stemming, no similarity); used by the benchmark.

    Examples
    --------
    >>> turns = pd.DataFrame({"turn": [1], "text": ["the courier was late"], "participant": "P"})
    >>> keyword_baseline(turns, Codebook.example())["code"].tolist()
    ['late_delivery']
    """
    frame = _participant_turns(turns)
    rows = []
    for participant, turn, text in zip(frame["participant"], frame["turn"], frame["text"]):
        low = text.lower()
        hits = [(sum(k.lower() in low for k in c.keywords), c.id) for c in codebook]
        hits = sorted((h for h in hits if h[0] > 0), key=lambda h: (-h[0], h[1]))[:top]
        rows += [{"participant": participant, "turn": turn, "rank": r, "code": code}
                 for r, (_, code) in enumerate(hits, start=1)]
    return pd.DataFrame(rows, columns=["participant", "turn", "rank", "code"])


# ============================================================================ decisions

@dataclass
class CodedSpan:
    """A stretch of one turn (character offsets in the turn's text) and the codes it carries."""

    start: int
    end: int
    codes: dict = field(default_factory=dict)   # code id -> {"stage": ..., "touchpoint": ...}


class CodingSession:
    """The researcher's decisions on suggested codes, and the coded excerpts they make.

    Every decision is appended to a JSON-lines log (when ``log`` is given) as it is made, and the
    excerpts are rebuilt from the decisions alone, so :meth:`replay` of a log on the same turns
    gives the same excerpts.

    Parameters
    ----------
    turns : DataFrame
        The turns that were coded (participant turns are used, as in :func:`suggest_codes`).
    codebook : Codebook
    log : str or Path, optional
        JSON-lines file the decisions are appended to.
    customer_ids : dict, optional
        Participant -> customer id, so the excerpts link to survey respondents (and their
        personas) on the map; participants without one are internal (staff) interviews.

    Examples
    --------
    >>> import cjm_research as cjm
    >>> turns = pd.DataFrame({"turn": [1], "text": ["The courier was late. Staff were nice."],
    ...                       "participant": "P1"})
    >>> s = CodingSession(turns, cjm.Codebook.example())
    >>> s.accept("P1", 1, "late_delivery")
    >>> s.split("P1", 1, at=22)
    >>> s.change("P1", 1, "late_delivery", "friendly_staff", start=22)
    >>> s.excerpts()[["text", "code", "stage"]].values.tolist()
    [['The courier was late.', 'late_delivery', 'retention'], ['Staff were nice.', 'friendly_staff', 'consideration']]
    """

    def __init__(self, turns, codebook: Codebook, *, log=None, customer_ids: dict | None = None):
        self.turns = _participant_turns(turns)
        self.all_turns = turns if "participant" in turns.columns else turns.assign(
            participant=self.turns["participant"].iloc[0] if len(self.turns) else "participant")
        self.codebook = codebook
        self.log = Path(log) if log is not None else None
        self.customer_ids = dict(customer_ids or {})
        self.decisions: list[dict] = []
        self._text = {(p, int(t)): x for p, t, x in zip(self.turns["participant"], self.turns["turn"],
                                                       self.turns["text"])}
        self.segments: dict = {}

    # ----------------------------------------------------------------- decisions
    def accept(self, participant, turn, code, *, start=0, stage=None, touchpoint=None) -> None:
        """Accept a suggested code for the segment that starts at ``start`` (the whole turn)."""
        self.record({"action": "accept", "participant": participant, "turn": int(turn), "start": int(start),
                     "code": code, "stage": stage, "touchpoint": touchpoint})

    def reject(self, participant, turn, code, *, start=0) -> None:
        """Reject a suggested code (or remove an accepted one)."""
        self.record({"action": "reject", "participant": participant, "turn": int(turn), "start": int(start),
                     "code": code})

    def change(self, participant, turn, code, to, *, start=0) -> None:
        """Replace a suggested or accepted code by another code of the codebook."""
        self.record({"action": "change", "participant": participant, "turn": int(turn), "start": int(start),
                     "code": code, "to": to})

    def add(self, participant, turn, code, *, start=0, stage=None, touchpoint=None) -> None:
        """Add a code nobody suggested."""
        self.record({"action": "add", "participant": participant, "turn": int(turn), "start": int(start),
                     "code": code, "stage": stage, "touchpoint": touchpoint})

    def split(self, participant, turn, *, at: int) -> None:
        """Split the segment holding character ``at`` of the turn in two; both keep its codes."""
        self.record({"action": "split", "participant": participant, "turn": int(turn), "at": int(at)})

    def record(self, decision: dict) -> None:
        """Apply one decision (a dict as written in the log) and append it to the log."""
        decision = {k: v for k, v in decision.items() if v is not None}
        self._apply(decision, where=f"decision {len(self.decisions) + 1}")
        decision.setdefault("time", datetime.now(timezone.utc).isoformat(timespec="seconds"))
        self.decisions.append(decision)
        if self.log is not None:
            with self.log.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(decision, ensure_ascii=False, default=str) + "\n")

    def _apply(self, d: dict, where: str) -> None:
        check_choice("action", d.get("action"), ACTIONS)
        key = (d.get("participant"), int(d.get("turn", -1)))
        if key not in self._text:
            raise DataError(f"{where}: participant {key[0]!r} has no participant turn {key[1]}.")
        segments = self.segments.setdefault(key, [CodedSpan(0, len(self._text[key]))])
        if d["action"] == "split":
            self._split(segments, int(d["at"]), where)
            return
        seg = next((s for s in segments if s.start == int(d.get("start", 0))), None)
        if seg is None:
            raise DataError(f"{where}: turn {key[1]} of {key[0]!r} has no segment starting at "
                            f"{d.get('start')}; segments start at {[s.start for s in segments]}.")
        for name in [d.get("code")] + ([d["to"]] if d["action"] == "change" else []):
            if name not in self.codebook.ids:
                raise DataError(f"{where}: code {name!r} is not in the codebook "
                                f"({preview(self.codebook.ids, limit=8)}).")
        if d["action"] in ("reject", "change"):
            seg.codes.pop(d["code"], None)
        if d["action"] in ("accept", "add"):
            seg.codes[d["code"]] = {"stage": d.get("stage"), "touchpoint": d.get("touchpoint")}
        elif d["action"] == "change":
            seg.codes[d["to"]] = {}

    @staticmethod
    def _split(segments: list, at: int, where: str) -> None:
        seg = next((s for s in segments if s.start < at < s.end), None)
        if seg is None:
            raise DataError(f"{where}: cannot split at character {at}: it must fall inside a segment "
                            f"(segments {[(s.start, s.end) for s in segments]}).")
        segments.insert(segments.index(seg) + 1, CodedSpan(at, seg.end, dict(seg.codes)))
        seg.end = at

    def segments_of(self, participant, turn) -> list[CodedSpan]:
        """The segments of one turn (one segment until the turn is split)."""
        key = (participant, int(turn))
        return self.segments.get(key) or [CodedSpan(0, len(self._text.get(key, "")))]

    def text_of(self, participant, turn) -> str:
        return self._text[(participant, int(turn))]

    # ----------------------------------------------------------------- results
    def excerpts(self) -> pd.DataFrame:
        """Coded excerpts (``EXCERPT_COLUMNS`` plus ``code, turn, start, end``), one per segment
        and code, in transcript order."""
        from ...io import EXCERPT_COLUMNS

        fw = self.codebook.framework
        rows = []
        order = {k: i for i, k in enumerate(self._text)}
        for key in sorted(self.segments, key=order.get):
            participant, turn = key
            for seg in self.segments[key]:
                raw = self._text[key][seg.start:seg.end]
                start = seg.start + len(raw) - len(raw.lstrip())
                text = raw.strip()
                for code_id, chosen in seg.codes.items():
                    code = self.codebook.code(code_id)
                    tp = chosen.get("touchpoint") or code.touchpoint
                    stage = chosen.get("stage") or code.stage or \
                        (fw.touchpoint(tp).stage if tp and fw is not None else None)
                    rows.append({"excerpt_id": f"{participant}:t{turn}:{start}:{code_id}",
                                 "participant": participant, "customer_id": self.customer_ids.get(participant),
                                 "stage": stage, "touchpoint": tp,
                                 "channel": fw.touchpoint(tp).channel if tp and fw is not None else None,
                                 "language": detect_language(text), "text": text,
                                 "pain_point": code.pain_point, "gain": code.gain, "emotion": None,
                                 "emotion_score": np.nan, "code": code_id, "turn": turn, "start": start,
                                 "end": start + len(text)})
        out = pd.DataFrame(rows, columns=[*EXCERPT_COLUMNS, *CODED_COLUMNS])
        for col in [*EXCERPT_COLUMNS[:-1], "code"]:
            out[col] = out[col].astype("string")
        out["emotion_score"] = out["emotion_score"].astype(float)
        for col in ("turn", "start", "end"):
            out[col] = out[col].astype("Int64")
        return out

    def save_excerpts(self, path) -> Path:
        """Write the coded excerpts as CSV (the file a study's ``interviews:`` points to)."""
        path = Path(path)
        self.excerpts().to_csv(path, index=False, lineterminator="\n")
        return path

    def transcripts(self) -> tuple[dict, pd.DataFrame]:
        """Each participant's whole transcript (``speaker: text`` per turn, interviewer turns
        included) and the excerpts with ``start``/``end`` moved to offsets in it."""
        sources, shift = {}, {}
        for participant, group in self.all_turns.groupby("participant", sort=False):
            parts, pos = [], 0
            for turn, speaker, text in zip(group["turn"], group.get("speaker", group["turn"]), group["text"]):
                prefix = f"{speaker}: "
                shift[(participant, int(turn))] = pos + len(prefix)
                line = f"{prefix}{text}"
                parts.append(line)
                pos += len(line) + 1
            sources[participant] = "\n".join(parts)
        ex = self.excerpts()
        offsets = [shift[(p, int(t))] for p, t in zip(ex["participant"], ex["turn"])]
        return sources, ex.assign(start=ex["start"] + offsets, end=ex["end"] + offsets)

    def to_qdpx(self, path) -> Path:
        """Write the coding as a REFI-QDA project: whole transcripts with the coded selections."""
        from ...io import write_qdpx

        sources, ex = self.transcripts()
        return write_qdpx(ex, path, sources=sources)

    @classmethod
    def replay(cls, log, turns, codebook: Codebook, *, customer_ids=None) -> "CodingSession":
        """Apply every decision of a JSON-lines log to ``turns``, in order, without logging again.

        A decision that does not fit the turns or the codebook is a :class:`DataError` naming the
        log and its line.
        """
        log = Path(log)
        if not log.exists():
            raise DataError(f"{log}: decision log not found.")
        session = cls(turns, codebook, customer_ids=customer_ids)
        for n, line in enumerate(log.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                decision = json.loads(line)
            except json.JSONDecodeError:
                raise DataError(f"{log}, line {n}: not a JSON object.") from None
            session._apply(decision, where=f"{log}, line {n}")
            session.decisions.append(decision)
        return session
