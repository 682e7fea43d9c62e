"""cjm-research: customer journey mapping research in Jupyter.

Data flows one way: files -> :class:`Study` (validated frames) -> :class:`PersonaModel` ->
journey maps -> figures and tables -> the quarterly report.

Names are imported lazily so that ``import cjm_research`` (and the ``cjm`` command) stays fast and
a notebook that only reads a survey does not import Spark, Ibis or ipywidgets.

Examples
--------
>>> import cjm_research as cjm
>>> cjm.JourneyFramework.load("default").stages
['awareness', 'consideration', 'decision', 'retention', 'advocacy']
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "CJMError": "core.errors", "DataError": "core.errors", "ConfigError": "core.errors",
    "ParameterError": "core.errors",
    "JourneyFramework": "core.framework",
    "Study": "study", "load_study": "study",
    "read_survey": "io", "read_transcript": "io", "read_excerpts": "io", "split_multiselect": "io",
    "read_events": "events", "EventLog": "events",
    "PersonaModel": "personas",
    "PersonaExplorer": "widgets", "CodingView": "widgets",
    "sentiment": "evidence.text", "redact": "evidence.text", "themes": "evidence.text",
    "detect_language": "evidence.text", "redact_series": "evidence.text",
    "Codebook": "evidence.text.codebook", "suggest_codes": "evidence.text.coding",
    "read_qdpx": "io.qdpx",
    "current_state": "journey", "JourneyMap": "journey", "blueprint": "journey",
    "day_in_the_life": "journey", "FutureState": "journey", "compare": "journey",
    "compare_quarters": "journey",
    "make_demo": "datasets",
    "make_report": "reports", "ReportError": "reports",
}
# attribute -> module: the rooms, and the short names the first version offered (cjm.metrics,
# cjm.plots, ...), which notebooks and users already write
_MODULES = {
    "core": "core", "io": "io", "study": "study", "evidence": "evidence", "events": "events",
    "personas": "personas", "viz": "viz", "journey": "journey", "widgets": "widgets",
    "reports": "reports", "datasets": "datasets",
    "metrics": "evidence.metrics", "drivers": "evidence.drivers", "text": "evidence.text",
    "plots": "viz.maps", "schedule": "reports.schedule", "demo": "datasets.demo",
    "quality": "core.quality", "framework": "core.framework", "errors": "core.errors",
    "export": "journey.export", "labels": "core.labels", "report_content": "reports.content",
}

__all__ = sorted(_EXPORTS) + sorted(_MODULES)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _MODULES:
        module = importlib.import_module(f".{_MODULES[name]}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'cjm_research' has no attribute {name!r}")


def __dir__():
    return __all__
