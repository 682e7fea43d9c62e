"""Interactive notebook views (ipywidgets): :class:`PersonaExplorer` and :class:`CodingView`.

Widgets sit above the analysis rooms: every control maps to a model parameter or method, and
their figures are drawn by :mod:`cjm_research.viz`.
"""

from .coding import CodingView
from .explorer import PersonaExplorer

__all__ = ["CodingView", "PersonaExplorer"]
