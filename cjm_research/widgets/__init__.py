"""Interactive notebook views (ipywidgets): :class:`PersonaExplorer`.

Widgets sit above the analysis rooms: every control maps to a model parameter or method, and
their figures are drawn by :mod:`cjm_research.viz`.
"""

from .explorer import PersonaExplorer

__all__ = ["PersonaExplorer"]
