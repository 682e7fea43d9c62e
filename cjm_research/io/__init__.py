"""Readers: surveys (CSV/TSV, Excel, SPSS, Qualtrics), interview transcripts, coded excerpts, events.

Every reader raises :class:`~cjm_research.core.errors.DataError` with one message naming the file when
the input cannot be used, and records what it decided in ``DataFrame.attrs["reader_notes"]``.

Examples
--------
>>> from cjm_research.io import read_excerpts
>>> list(read_excerpts(None).columns)[:3]
['excerpt_id', 'participant', 'customer_id']
"""

from __future__ import annotations

from .excerpts import EXCERPT_COLUMNS, read_excerpts
from .qdpx import read_qdpx, write_qdpx
from .qualtrics import split_multiselect
from .survey import read_survey
from .transcripts import read_transcript

__all__ = ["read_survey", "read_transcript", "read_excerpts", "split_multiselect", "load_event_frame",
           "EXCERPT_COLUMNS", "read_qdpx", "write_qdpx"]


def load_event_frame(*args, **kwargs):
    """Normalised event frame; see :func:`cjm_research.io.events.load_event_frame`.

    Imported on first call so that this package imports (and stays light) without the events module.
    """
    from .events import load_event_frame as load

    return load(*args, **kwargs)
