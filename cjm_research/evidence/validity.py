"""Bands for reading cluster-validity figures, in one place for the models, figures and reports.

Hennig (2007) reads a persona's mean bootstrap Jaccard as stable at 0.75 or more and as dissolved
at 0.5 or less; in between it is doubtful.

Examples
--------
>>> from cjm_research.evidence.validity import jaccard_verdict
>>> jaccard_verdict(0.8), jaccard_verdict(0.6), jaccard_verdict(0.4)
('stable', 'doubtful', 'dissolved')
"""

from __future__ import annotations

STABLE, DISSOLVED = 0.75, 0.5


def jaccard_verdict(jaccard: float) -> str:
    """Hennig's reading of a mean bootstrap Jaccard: ``stable``, ``doubtful`` or ``dissolved``."""
    return "stable" if jaccard >= STABLE else ("dissolved" if jaccard <= DISSOLVED else "doubtful")
