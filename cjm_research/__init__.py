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
    "CJMError": "errors", "DataError": "errors", "ConfigError": "errors", "ParameterError": "errors",
    "JourneyFramework": "framework",
    "Study": "study", "load_study": "study",
    "read_survey": "io", "read_transcript": "io", "read_excerpts": "io", "split_multiselect": "io",
    "read_events": "events", "EventLog": "events",
    "PersonaModel": "personas",
    "PersonaExplorer": "widgets",
    "sentiment": "text", "redact": "text", "themes": "text", "detect_language": "text",
    "redact_series": "text",
    "current_state": "journey", "JourneyMap": "journey", "blueprint": "journey",
    "day_in_the_life": "journey", "FutureState": "journey", "compare": "journey",
    "compare_quarters": "journey",
    "make_demo": "demo",
    "make_report": "reports", "ReportError": "reports",
}
_MODULES = {"metrics", "plots", "io", "text", "events", "personas", "journey", "reports", "schedule",
            "demo", "quality", "framework", "study", "errors", "drivers", "widgets", "export", "labels", "report_content"}

__all__ = sorted(_EXPORTS) + sorted(_MODULES)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'cjm_research' has no attribute {name!r}")


def __dir__():
    return __all__
