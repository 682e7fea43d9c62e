"""The coding view: review suggested codes turn by turn in a notebook (ipywidgets).

A thin layer over :class:`~cjm_research.evidence.text.coding.CodingSession`: each button is one
decision of the session (accept, reject, change, add, split), appended to the JSON-lines log as it
is made, and the coded-excerpt file is rewritten after every decision, so closing the notebook
loses nothing and the study can point its ``interviews:`` file at the excerpts straight away.
Opening the view again with the same log resumes where the researcher stopped.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import ipywidgets as w
import pandas as pd

from ..core.errors import CJMError, ParameterError
from ..evidence.text.codebook import Codebook
from ..evidence.text.coding import CodingSession, suggest_codes

SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=\S)|\n+")


class CodingView:
    """Page through participant turns; accept, reject or change suggested codes, split, add.

    Parameters
    ----------
    turns : DataFrame
        Speaker turns (:func:`cjm_research.evidence.text.coding.read_transcripts` for a folder).
    codebook : Codebook
    suggestions : DataFrame, optional
        :func:`cjm_research.suggest_codes` output; computed when not given.
    framework : JourneyFramework, optional
        Passed to :func:`~cjm_research.suggest_codes`.
    excerpts_path : str or Path
        The coded-excerpt CSV written after every decision.
    log_path : str or Path
        The JSON-lines decision log; an existing log is replayed first (resume).
    customer_ids : dict, optional
        Participant -> customer id, linking the excerpts to survey respondents.

    Examples
    --------
    >>> import cjm_research as cjm
    >>> from cjm_research.evidence.text.coding import read_transcripts
    >>> view = CodingView(read_transcripts("interviews/"), cjm.Codebook.example())  # doctest: +SKIP
    >>> view                                                                      # doctest: +SKIP
    """

    def __init__(self, turns: pd.DataFrame, codebook: Codebook, suggestions=None, *, framework=None,
                 excerpts_path="coded_excerpts.csv", log_path="coding_log.jsonl", customer_ids=None):
        if not isinstance(codebook, Codebook):
            raise ParameterError(f"`codebook` must be a cjm.Codebook, but a {type(codebook).__name__} was passed.")
        self.codebook = codebook.validate(framework) if framework is not None else codebook
        self.suggestions = suggestions if suggestions is not None else \
            suggest_codes(turns, self.codebook, progress=False)
        self.excerpts_path, self.log_path = Path(excerpts_path), Path(log_path)
        if self.log_path.exists() and self.log_path.stat().st_size:
            self.session = CodingSession.replay(self.log_path, turns, self.codebook, customer_ids=customer_ids)
            self.session.log = self.log_path
        else:
            self.session = CodingSession(turns, self.codebook, log=self.log_path, customer_ids=customer_ids)
        self.keys = list(zip(self.session.turns["participant"], self.session.turns["turn"].astype(int)))
        self.position = 0
        self._build()
        self.show(self._first_open())

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        self.header = w.HTML()
        self.text = w.HTML(layout=w.Layout(max_height="260px", overflow="auto", border="1px solid #ddd",
                                           padding="6px"))
        self.segment = w.Dropdown(description="Segment", layout=w.Layout(width="60%"))
        self.suggestion = w.Dropdown(description="Suggestion", layout=w.Layout(width="95%"))
        self.suggestion_table = w.HTML()
        self.accept_button = w.Button(description="Accept", button_style="success", icon="check")
        self.reject_button = w.Button(description="Reject", button_style="danger", icon="times")
        options = [(f"{self.codebook.label(c.id)} ({c.id})", c.id) for c in self.codebook]
        self.code_picker = w.Dropdown(options=options, description="Code", layout=w.Layout(width="60%"))
        self.change_button = w.Button(description="Change to code", icon="exchange")
        self.add_button = w.Button(description="Add code", icon="plus")
        self.split_at = w.Dropdown(description="Split before", layout=w.Layout(width="60%"))
        self.split_button = w.Button(description="Split", icon="cut")
        self.prev_button = w.Button(description="Previous", icon="arrow-left")
        self.next_button = w.Button(description="Next", icon="arrow-right")
        self.next_open_button = w.Button(description="Next unreviewed", icon="forward")
        self.coded = w.HTML()
        self.status = w.HTML()
        for button, action in ((self.accept_button, self.on_accept), (self.reject_button, self.on_reject),
                               (self.change_button, self.on_change), (self.add_button, self.on_add),
                               (self.split_button, self.on_split),
                               (self.prev_button, lambda _: self.show(self.position - 1)),
                               (self.next_button, lambda _: self.show(self.position + 1)),
                               (self.next_open_button, lambda _: self.show(self._first_open(self.position + 1)))):
            button.on_click(action)
        self.segment.observe(lambda _: self._refresh_split(), names="value")
        self.widget = w.VBox([
            self.header, self.text,
            w.HBox([self.prev_button, self.next_button, self.next_open_button]),
            self.segment, self.suggestion_table, self.suggestion,
            w.HBox([self.accept_button, self.reject_button]),
            w.HBox([self.code_picker, self.change_button, self.add_button]),
            w.HBox([self.split_at, self.split_button]),
            self.coded, self.status])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------ navigation
    @property
    def current(self) -> tuple:
        """(participant, turn) on screen."""
        return self.keys[self.position]

    def reviewed(self) -> set:
        """The (participant, turn) pairs with at least one decision."""
        return {(d["participant"], int(d["turn"])) for d in self.session.decisions}

    def _first_open(self, start: int = 0) -> int:
        done = self.reviewed()
        for i in list(range(start, len(self.keys))) + list(range(0, start)):
            if self.keys[i] not in done:
                return i
        return min(start, len(self.keys) - 1)

    def show(self, position: int) -> None:
        """Show turn number ``position`` (0-based, clipped to the turns)."""
        if not self.keys:
            self.header.value = "<b>No participant turns to code.</b>"
            return
        before = (self.current, self.segment.value) if self.keys and self.segment.options else (None, None)
        self.position = max(0, min(int(position), len(self.keys) - 1))
        participant, turn = self.current
        self.header.value = (f"<b>{html.escape(str(participant))}</b>, turn {turn} "
                             f"({self.position + 1} of {len(self.keys)}; {len(self.reviewed())} reviewed)")
        segments = self.session.segments_of(participant, turn)
        text = self.session.text_of(participant, turn)
        self.text.value = "<hr style='margin:4px 0'>".join(
            f"<div>{html.escape(text[s.start:s.end]).replace(chr(10), '<br>')}</div>" for s in segments)
        self.segment.options = [(f"{s.start}: {text[s.start:s.end].strip()[:50]}…", s.start) for s in segments]
        starts = [seg.start for seg in segments]
        # after a decision on the same turn the researcher stays on the segment they were coding
        self.segment.value = before[1] if before[0] == self.current and before[1] in starts else starts[0]
        rows = self.suggestions[(self.suggestions["participant"] == participant)
                                & (self.suggestions["turn"] == turn)].dropna(subset=["code"])
        self.suggestion.options = [(f"{r.label} ({r.code}), score {r.score:.2f}", r.code) for r in rows.itertuples()]
        self.suggestion.value = rows["code"].iloc[0] if len(rows) else None  # the best one preselected
        self.suggestion_table.value = _suggestion_table(rows)
        self._refresh_split()
        self._refresh_coded()

    def _refresh_split(self) -> None:
        participant, turn = self.current
        text = self.session.text_of(participant, turn)
        seg = next((s for s in self.session.segments_of(participant, turn) if s.start == self.segment.value), None)
        if seg is None:
            self.split_at.options = []
            return
        starts = [seg.start + m.end() for m in SENTENCE.finditer(text[seg.start:seg.end])]
        self.split_at.options = [(text[a:a + 40].strip() + "…", a) for a in starts if seg.start < a < seg.end]
        self.split_at.value = self.split_at.options[0][1] if self.split_at.options else None

    def _refresh_coded(self) -> None:
        participant, turn = self.current
        parts = []
        for seg in self.session.segments_of(participant, turn):
            codes = ", ".join(self.codebook.label(c) for c in seg.codes) or "no codes"
            parts.append(f"segment {seg.start}: {html.escape(codes)}")
        self.coded.value = "<b>Coded:</b> " + "; ".join(parts)

    # ------------------------------------------------------------ decisions
    def _decide(self, method, *args, **kwargs) -> None:
        if not self.keys:
            self.status.value = "No participant turns to code."
            return
        participant, turn = self.current
        try:
            method(participant, turn, *args, **kwargs)
        except CJMError as exc:
            self.status.value = f"<span style='color:#c0392b'>{html.escape(str(exc))}</span>"
            return
        path = self.session.save_excerpts(self.excerpts_path)
        n = len(self.session.excerpts())
        self.status.value = (f"{len(self.session.decisions)} decisions in {html.escape(str(self.log_path))}; "
                             f"{n} coded excerpts saved to {html.escape(str(path))}")
        self.show(self.position)

    def _suggested_row(self, code):
        participant, turn = self.current
        rows = self.suggestions[(self.suggestions["participant"] == participant)
                                & (self.suggestions["turn"] == turn) & (self.suggestions["code"] == code)]
        return rows.iloc[0] if len(rows) else None

    def on_accept(self, _=None) -> None:
        """Accept the selected suggestion (with its stage and touchpoint) for the selected segment."""
        code = self.suggestion.value
        if code is None:
            self.status.value = "No suggestion to accept; pick a code and press Add code."
            return
        row = self._suggested_row(code)
        stage = None if row is None or pd.isna(row["stage"]) else str(row["stage"])
        touchpoint = None if row is None or pd.isna(row["touchpoint"]) else str(row["touchpoint"])
        self._decide(self.session.accept, code, start=self.segment.value, stage=stage, touchpoint=touchpoint)

    def on_reject(self, _=None) -> None:
        """Reject the selected suggestion for the selected segment."""
        if self.suggestion.value is None:
            self.status.value = "No suggestion to reject."
            return
        self._decide(self.session.reject, self.suggestion.value, start=self.segment.value)

    def on_change(self, _=None) -> None:
        """Replace the selected suggestion by the code in the code picker."""
        if self.suggestion.value is None:
            self.status.value = "No suggestion to change; use Add code."
            return
        self._decide(self.session.change, self.suggestion.value, self.code_picker.value, start=self.segment.value)

    def on_add(self, _=None) -> None:
        """Add the code in the code picker to the selected segment."""
        self._decide(self.session.add, self.code_picker.value, start=self.segment.value)

    def on_split(self, _=None) -> None:
        """Split the selected segment before the chosen sentence."""
        if self.split_at.value is None:
            self.status.value = "This segment has a single sentence; nothing to split."
            return
        self._decide(self.session.split, at=self.split_at.value)


def _suggestion_table(rows: pd.DataFrame) -> str:
    if rows.empty:
        return "<i>No suggestion for this turn: add a code or move on.</i>"
    def cell(value) -> str:
        return "" if pd.isna(value) else html.escape(str(value))

    body = "".join(
        f"<tr><td>{cell(r.label)}</td><td>{cell(r.stage)}</td><td>{cell(r.touchpoint)}</td>"
        f"<td>{r.score:.2f}</td><td>{cell(r.triggers)}</td></tr>" for r in rows.itertuples())
    return ("<table><tr><th>code</th><th>stage</th><th>touchpoint</th><th>score</th><th>why</th></tr>"
            f"{body}</table>")
