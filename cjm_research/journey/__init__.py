"""Journey maps: current state and its lanes, service blueprint, day in the life, future state,
the gap to it, the quarter comparison and the exports.

``map`` (:class:`JourneyMap`, :func:`current_state`, :func:`day_in_the_life`), ``lanes`` (one
builder per lane from a quarter's evidence), ``blueprint``, ``future`` (:class:`FutureState`),
``compare`` (:func:`compare`, :func:`compare_quarters`, :func:`rank_opportunities`), ``export``
(CSV, Mermaid) and ``overview`` (what a study measures; the walkthrough notebooks' steps, which
work on any study shape).
"""

from .blueprint import blueprint
from .compare import compare, compare_quarters, rank_opportunities
from .future import FutureState
from .map import LANES, JourneyMap, current_state, day_in_the_life

__all__ = ["JourneyMap", "current_state", "day_in_the_life", "blueprint", "FutureState", "compare",
           "compare_quarters", "rank_opportunities", "LANES"]
