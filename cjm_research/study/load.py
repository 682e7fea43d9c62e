"""A study: the framework, the files of each quarter and the column mappings.

One study file is the single input of a quarterly report::

    name: Demo retail CX tracker
    framework: default                # a built-in name or a path relative to this file
    language: en                      # report language: en or id
    timezone: Asia/Jakarta            # local time of the customers, for hour-of-day views
    redact_names: [Rina Kusuma]       # names hidden from every published quote (with e-mails, phones...)
    min_cell_size: 5
    survey:
      respondent_id: respondent_id
      customer_id: customer_id        # links respondents to event logs and interviews
      persona_features:
        numeric: [age, orders_12m, avg_order_value, online_share]
        ordinal: [digital_savvy, price_sensitivity]
        categorical: [gender, city, preferred_channel]
      nps: nps
      csat: {awareness: csat_awareness, decision: csat_decision}   # stage -> column, 1..5
      ces: {decision: ces_decision}                                 # stage -> column, 1..7
      touchpoint_ratings: {checkout: tp_checkout}                   # touchpoint -> column, 1..5
      free_text: [feedback]
      language: language              # optional column with en / id per respondent
      not_applicable: [0]             # rating codes that mean "not applicable"
      scales: {touchpoint: [1, 5]}    # rating scales by kind (nps, csat, ces, touchpoint)
      weights: weight                 # optional survey weights column (numbers >= 0)
    weighting:                        # optional: rake respondents to population margins instead
      rake_to:                        # (evidence/weights.py; shares sum to 1 or to 100)
        channel: {app: 0.5, web: 0.3, store: 0.2}
        age_band: {18-34: 0.4, 35-54: 0.4, 55+: 0.2}
    outcome:                          # optional overall outcome (see study/outcome.py)
      column: satisfaction
      kind: labels                    # binary | labels | scale
      positive: [satisfied]
      negative: [neutral or dissatisfied]
      label: Satisfied
    quality:                          # optional data-quality rules (core/quality.py QualityRules)
      age_range: [0, 120]
    interviews:
      participant: participant
      customer_id: customer_id
    events:
      customer: customer_id
      timestamp: timestamp
      event: event
      channel: channel
      value: value
    quarters:
      2026Q3:
        survey: 2026Q3/survey.csv
        interviews: 2026Q3/interviews.csv
        events: 2026Q3/events.parquet
    future_state: future_state.yml

Examples
--------
>>> import cjm_research as cjm                                  # doctest: +SKIP
>>> study = cjm.load_study("data/demo/study.yml", quarter="2026Q3")   # doctest: +SKIP
>>> study.framework.stages                                     # doctest: +SKIP
['awareness', 'consideration', 'decision', 'retention', 'advocacy']
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..core.errors import ConfigError, preview
from ..core.framework import BUILTIN, JourneyFramework
from ..core.quality import SCALES, QualityRules
from ..core.yamlio import check_keys, read_yaml, require
from .outcome import Outcome, OutcomeSpec, outcome_values, parse_outcome

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
FILL_IN = "FILL IN"  # what `cjm init` writes where it could not guess; never a valid value


def parse_quarter(value) -> str:
    """Normalise a quarter label to ``YYYYQn``.

    Examples
    --------
    >>> parse_quarter("2026q3")
    '2026Q3'
    """
    text = str(value).strip().upper()
    if not QUARTER_RE.match(text):
        raise ConfigError(f"quarter {value!r} is not of the form YYYYQn (for example 2026Q3).")
    return text


def previous_quarter(quarter: str) -> str:
    """The quarter before ``quarter``.

    Examples
    --------
    >>> previous_quarter("2026Q1")
    '2025Q4'
    """
    year, q = QUARTER_RE.match(parse_quarter(quarter)).groups()
    year, q = int(year), int(q)
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def quarter_end(quarter: str) -> pd.Timestamp:
    """The first instant after ``quarter`` ends (UTC), to tell completed quarters.

    Examples
    --------
    >>> quarter_end("2026Q3")
    Timestamp('2026-10-01 00:00:00+0000', tz='UTC')
    """
    year, q = (int(x) for x in QUARTER_RE.match(parse_quarter(quarter)).groups())
    return pd.Timestamp(year=year + (q == 4), month=1 if q == 4 else 3 * q + 1, day=1, tz="UTC")


@dataclass
class SurveyColumns:
    """Where each survey item lives in the survey file."""

    respondent_id: str = "respondent_id"
    customer_id: str | None = None
    persona_features: dict[str, list[str]] = field(default_factory=dict)
    nps: str | None = None
    csat: dict[str, str] = field(default_factory=dict)
    ces: dict[str, str] = field(default_factory=dict)
    touchpoint_ratings: dict[str, str] = field(default_factory=dict)
    free_text: list[str] = field(default_factory=list)
    language: str | None = None
    not_applicable: list = field(default_factory=lambda: [0])
    scales: dict[str, list] = field(default_factory=dict)
    weights: str | None = None

    def scale(self, kind: str) -> tuple:
        """The (low, high) scale of a rating kind: ``nps``, ``csat``, ``ces`` or ``touchpoint``.

        Examples
        --------
        >>> SurveyColumns(scales={"touchpoint": [0, 10]}).scale("touchpoint")
        (0, 10)
        """
        return tuple(self.scales.get(kind, SCALES[kind]))

    @property
    def feature_list(self) -> list[str]:
        """All persona feature columns, numeric then ordinal then categorical."""
        return [c for kind in ("numeric", "ordinal", "categorical")
                for c in self.persona_features.get(kind, [])]

    def feature_kind(self, column: str) -> str | None:
        """``numeric``, ``ordinal`` or ``categorical`` for a persona feature column."""
        for kind, cols in self.persona_features.items():
            if column in cols:
                return kind
        return None


@dataclass
class StudyConfig:
    """The parsed study file, before any data is read."""

    path: Path
    name: str
    framework: JourneyFramework
    survey: SurveyColumns
    interviews: dict[str, str]
    events: dict[str, str]
    quarters: dict[str, dict[str, Path]]
    future_state: Path | None = None
    truth: Path | None = None
    language: str = "en"
    min_cell_size: int = 5
    timezone: str = "UTC"
    redact_names: list[str] = field(default_factory=list)
    outcome: OutcomeSpec | None = None
    quality: QualityRules = field(default_factory=QualityRules)
    rake_to: dict[str, dict[str, float]] | None = None  # population margins (key 'weighting')

    @property
    def root(self) -> Path:
        return self.path.parent

    def quarter_files(self, quarter: str) -> dict[str, Path]:
        """The files of one quarter; an unknown quarter names the study file and the ones it has."""
        q = parse_quarter(quarter)
        if q not in self.quarters:
            raise ConfigError(f"{self.path}: key 'quarters' has no quarter {q!r}; "
                              f"the study has {sorted(self.quarters)}.")
        return self.quarters[q]

    @property
    def latest_quarter(self) -> str:
        return sorted(self.quarters)[-1]


def read_study_config(path: str | Path) -> StudyConfig:
    """Parse and check a study file without reading the data files."""
    path = Path(path)
    data = read_yaml(path)
    _check_filled_in(data, path)
    fw_ref = require(data, "framework", path)
    fw_path = fw_ref if str(fw_ref) in BUILTIN else path.parent / str(fw_ref)
    framework = JourneyFramework.load(fw_path)
    survey = _survey_columns(data.get("survey") or {}, path, framework)
    quality = QualityRules.from_mapping(data.get("quality"), path)
    if quality.not_applicable is not None:  # the quality block may hold the not-applicable codes too
        survey.not_applicable = list(quality.not_applicable)
    quarters = {}
    for q, files in (require(data, "quarters", path, kind=dict)).items():
        qn = _quarter_key(q, path)
        if not isinstance(files, dict):
            raise ConfigError(f"{path}: key 'quarters.{q}' must map survey/interviews/events to files.")
        check_keys(files, ["survey", "interviews", "events"], path, f"quarters.{q}")
        quarters[qn] = {k: path.parent / str(v) for k, v in files.items() if v}
    language = str(data.get("language", "en"))
    if language not in ("en", "id"):
        raise ConfigError(f"{path}: key 'language' must be 'en' or 'id', got {language!r}.")
    timezone = str(data.get("timezone", "UTC"))
    try:
        pd.Timestamp("2026-01-01", tz=timezone)
    except Exception:
        raise ConfigError(f"{path}: key 'timezone' must be an IANA time zone such as "
                          f"'Asia/Jakarta', got {timezone!r}.") from None
    outcome = parse_outcome(data.get("outcome"), path)
    if outcome is not None and outcome.column in survey.feature_list:
        # personas cut on the outcome make every per-persona driver and outcome share circular
        raise ConfigError(f"{path}: the outcome column {outcome.column!r} is also listed under "
                          "'survey.persona_features'; remove it there (personas describe who the "
                          "customers are, the outcome is what happened to them).")
    return StudyConfig(
        path=path, name=str(data.get("name", path.stem)), framework=framework, survey=survey,
        interviews=dict(data.get("interviews") or {}), events=_events(data.get("events"), framework, path),
        quarters=dict(sorted(quarters.items())),
        future_state=path.parent / data["future_state"] if data.get("future_state") else None,
        truth=path.parent / data["truth"] if data.get("truth") else None,
        language=language, min_cell_size=int(data.get("min_cell_size", 5)), timezone=timezone,
        redact_names=_name_list(data.get("redact_names"), path),
        outcome=outcome, quality=quality,
        rake_to=_rake_to(data.get("weighting"), survey, path))


EVENT_KEYS = ("customer", "timestamp", "event", "channel", "value", "conversion", "repurchase")


def _events(raw, framework: JourneyFramework, path: Path) -> dict:
    """The ``events:`` mapping: columns of the log, and the events conversion and repurchase count.

    ``conversion`` (an event name, default ``purchase``) is what a converted customer did;
    ``repurchase`` (one event name or a list, default ``[purchase, repeat_purchase]``) what a
    buying customer did again. Both must be events the framework maps, so a misspelt name is
    an error here rather than a conversion rate that is silently not measured.
    """
    events = dict(raw or {})
    check_keys(events, list(EVENT_KEYS), path, "events")
    known = framework.event_map()
    for key in ("conversion", "repurchase"):
        if key not in events:
            continue
        value = events[key]
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise ConfigError(f"{path}: key 'events.{key}' must be an event name or a list of event names.")
        unknown = [n for n in names if n not in known]
        if unknown:
            close = difflib.get_close_matches(unknown[0], list(known), n=3)
            hint = f"; closest: {close}" if close else f"; the framework's events are {preview(sorted(known))}"
            raise ConfigError(f"{path}: key 'events.{key}' names {unknown} that the framework does not "
                              f"map to a touchpoint{hint}.")
    return events


def _rake_to(raw, survey: SurveyColumns, path: Path) -> dict | None:
    """The population margins of key 'weighting.rake_to', checked (see evidence/weights.py)."""
    from ..evidence.weights import check_margins

    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"rake_to"}:
        raise ConfigError(f"{path}: key 'weighting' must hold one entry 'rake_to' (variable -> "
                          f"level -> population share), got {raw!r}.")
    if survey.weights is not None:
        raise ConfigError(f"{path}: declare either 'survey.weights' (a column of ready-made "
                          "weights) or 'weighting.rake_to' (margins to rake to), not both.")
    return check_margins(raw["rake_to"], source=str(path))


def _check_filled_in(data, path: Path, key: str = "") -> None:
    """Name every key that still holds the ``FILL IN`` placeholder of `cjm init`."""
    if isinstance(data, dict):
        for k, v in data.items():
            _check_filled_in(v, path, f"{key}.{k}" if key else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _check_filled_in(v, path, f"{key}[{i}]")
    elif isinstance(data, str) and data.strip().upper() == FILL_IN:
        raise ConfigError(f"{path}: key {key!r} still says {FILL_IN!r}; replace it with the value "
                          "(the comment beside it says what `cjm init` found).")


def _name_list(raw, path: Path) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(n, str) and n.strip() for n in raw):
        raise ConfigError(f"{path}: key 'redact_names' must be a list of names (text), got {raw!r}.")
    return [n.strip() for n in raw]


def _quarter_key(q, path: Path) -> str:
    try:
        return parse_quarter(q)
    except ConfigError:
        raise ConfigError(f"{path}: key 'quarters.{q}' is not a quarter of the form YYYYQn.") from None


def _survey_columns(raw: dict, path: Path, framework: JourneyFramework) -> SurveyColumns:
    known = set(SurveyColumns.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{path}: key 'survey' has unknown entries {preview(unknown)}; expected some of {sorted(known)}.")
    cols = SurveyColumns(**raw)
    cols.scales = _scales(cols.scales, path)
    if cols.weights is not None and not isinstance(cols.weights, str):
        raise ConfigError(f"{path}: key 'survey.weights' must name one survey column, got {cols.weights!r}.")
    if not isinstance(cols.not_applicable, list):
        cols.not_applicable = [cols.not_applicable]
    # Stages and touchpoints named in the mappings must exist in the framework.
    framework.check_names(cols.csat, kind="stage", source=f"{path}, key 'survey.csat'")
    framework.check_names(cols.ces, kind="stage", source=f"{path}, key 'survey.ces'")
    framework.check_names(cols.touchpoint_ratings, kind="touchpoint",
                          source=f"{path}, key 'survey.touchpoint_ratings'")
    bad_kinds = sorted(set(cols.persona_features) - {"numeric", "ordinal", "categorical"})
    if bad_kinds:
        raise ConfigError(f"{path}: key 'survey.persona_features' has {preview(bad_kinds)}; "
                          "expected numeric, ordinal and categorical lists.")
    return cols


def _scales(raw, path: Path) -> dict[str, tuple]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: key 'survey.scales' must map rating kinds to [low, high], got {raw!r}.")
    out = {}
    for kind, value in raw.items():
        if kind not in SCALES:
            raise ConfigError(f"{path}: key 'survey.scales' has unknown kind {kind!r}; expected some of {list(SCALES)}.")
        ok = (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                                  for v in value) and value[0] < value[1])
        if not ok:
            raise ConfigError(f"{path}: key 'survey.scales.{kind}' must be [low, high] whole numbers with "
                              f"low < high, got {value!r}.")
        out[kind] = (value[0], value[1])
    return out


class Study:
    """One quarter of a study: validated survey, interviews and events.

    Frames are read on first use, so a notebook that only needs the survey does not pay for the
    event log. Use :func:`load_study` to make one.
    """

    def __init__(self, config: StudyConfig, quarter: str | None = None):
        self.config = config
        self.quarter = parse_quarter(quarter) if quarter else config.latest_quarter
        self.files = config.quarter_files(self.quarter)
        self._issues: list[dict] = []

    # Convenience views of the config
    @property
    def framework(self) -> JourneyFramework:
        return self.config.framework

    @property
    def path(self) -> Path:
        return self.config.path

    @property
    def quarters(self) -> list[str]:
        return list(self.config.quarters)

    @property
    def columns(self) -> SurveyColumns:
        return self.config.survey

    def for_quarter(self, quarter: str) -> "Study":
        """The same study at another quarter."""
        return Study(self.config, quarter)

    @property
    def previous(self) -> "Study | None":
        """The study at the previous quarter, if the study has it."""
        prev = previous_quarter(self.quarter)
        return self.for_quarter(prev) if prev in self.config.quarters else None

    # Data, read lazily and validated on first access
    @cached_property
    def survey(self) -> pd.DataFrame:
        from ..core.quality import clean_survey
        from ..io import read_survey

        path = self._file("survey")
        raw = read_survey(path, id_columns=[c for c in (self.columns.respondent_id, self.columns.customer_id) if c])
        frame, issues = clean_survey(raw, self.config, source=path, year=quarter_end(self.quarter).year)
        self._issues.extend(issues)
        if self.config.outcome is not None:  # checked with the survey, so `cjm validate` reports it
            self._outcome = outcome_values(frame, self.config.outcome, source=path)
            self._issues.extend(self._outcome.findings)
        self.survey_descriptions = dict(raw.attrs.get("descriptions") or {})  # question texts
        if self.config.rake_to is not None:  # raked once per quarter, kept as a survey column
            from ..evidence.weights import rake

            self._raked_column = "raked_weight" if "weight" in frame.columns else "weight"
            frame[self._raked_column] = rake(frame, self.config.rake_to, source=str(path))
        return frame

    @property
    def outcome(self) -> Outcome | None:
        """The study's overall outcome for this quarter, or None when the study declares none.

        ``outcome.values`` is a float Series aligned with :attr:`survey` (0/1 for binary and
        labelled outcomes, the rating for a scale); ``outcome.spec`` is its definition.
        """
        if self.config.outcome is None:
            return None
        self.survey  # reading the survey computes and checks the outcome once
        return self._outcome

    @property
    def weights(self):
        """The survey weights (a float Series aligned with :attr:`survey`), or None without ``survey.weights``."""
        column = self.weight_column
        return None if column is None else self.survey[column]

    @property
    def weight_column(self) -> str | None:
        """The :attr:`survey` column every metric weights by (``weights=``), or None unweighted.

        The declared ``survey.weights`` column, or ``weight`` (``raked_weight`` when the survey
        already has a ``weight`` column) holding the weights raked to ``weighting.rake_to``.
        """
        if self.config.rake_to is None:
            return self.columns.weights
        _ = self.survey  # raking happens when the survey is read
        return self._raked_column

    def weighting(self) -> dict | None:
        """What the weights are and what they cost: source, margins, n, n_eff, efficiency, design
        effect, and (when raked) the target, unweighted and weighted share of every margin level.
        None for an unweighted study."""
        from ..evidence.weights import check_weights, margin_table, summarise_weights

        column = self.weight_column
        if column is None:
            return None
        w = check_weights(self.survey, column)
        raked = self.config.rake_to is not None
        summary = summarise_weights(w, source="raking" if raked else column,
                                    margins=self.config.rake_to)
        summary["margins_table"] = (margin_table(self.survey, w, self.config.rake_to) if raked
                                    else None)
        return summary

    @property
    def sources(self) -> list[str]:
        """The kinds of data this quarter has: some of ``survey``, ``interviews``, ``events``."""
        return [k for k in ("survey", "interviews", "events") if k in self.files]

    @cached_property
    def interviews(self) -> pd.DataFrame:
        from ..core.quality import check_interviews
        from ..io import read_excerpts

        path = self.files.get("interviews")
        if path is None:
            return read_excerpts(None)
        frame, issues = check_interviews(read_excerpts(path, columns=self.config.interviews),
                                         self.framework, source=path)
        self._issues.extend(issues)
        return frame

    @cached_property
    def events(self):
        from ..events.log import read_events

        path = self._file("events")
        m = {"customer": "customer_id", "timestamp": "timestamp", "event": "event", **self.config.events}
        return read_events(path, customer=m["customer"], timestamp=m["timestamp"], event=m["event"],
                           channel=m.get("channel"), value=m.get("value"), framework=self.framework)

    @property
    def issues(self) -> list[dict]:
        """Findings of the files read so far (each a dict; :meth:`quality` reads every file first)."""
        return list(self._issues)

    def quality(self) -> pd.DataFrame:
        """The data-quality summary of this quarter: one row per finding (reads every file)."""
        from ..core.quality import quality_summary

        return quality_summary(self)

    def _file(self, kind: str) -> Path:
        if kind not in self.files:
            has = ", ".join(sorted(self.files)) or "no files"
            raise ConfigError(f"{self.path}: quarter {self.quarter} has no {kind} file (key "
                              f"'quarters.{self.quarter}.{kind}' is missing; it has {has}); check "
                              f"'{kind}' in study.files before reading study.{kind}.")
        return self.files[kind]

    def __repr__(self) -> str:
        return f"Study({self.config.name!r}, quarter={self.quarter!r}, quarters={self.quarters})"


def load_study(path: str | Path, quarter: str | None = None) -> Study:
    """Load a study file and select a quarter (default: the latest the study lists).

    Parameters
    ----------
    path : str or Path
        The study YAML.
    quarter : str, optional
        ``YYYYQn``. A quarter the study does not have is a :class:`~cjm_research.core.errors.ConfigError`.

    Examples
    --------
    >>> study = load_study("data/demo/study.yml", quarter="2026Q2")   # doctest: +SKIP
    >>> study.survey.shape                                             # doctest: +SKIP
    (2000, 48)
    """
    return Study(read_study_config(path), quarter)
