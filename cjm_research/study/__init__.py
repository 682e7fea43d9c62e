"""A study: the framework, the files of each quarter and the column mappings, loaded and validated.

``files -> Study``: :func:`load_study` reads the study YAML, loads each quarter's survey,
interviews and events through :mod:`cjm_research.io` and validates them with the rules of
:mod:`cjm_research.core.quality`.
"""

from .load import Study, StudyConfig, SurveyColumns, load_study, read_study_config

__all__ = ["Study", "StudyConfig", "SurveyColumns", "load_study", "read_study_config"]
