"""``cjm init``: a first study file and framework from a researcher's own files.

A new study starts from files, not from YAML: a survey export (CSV/TSV, Excel, SPSS, Qualtrics),
coded interview excerpts or raw transcripts, event logs. :func:`scaffold_study` reads them and
writes ``DIR/study.yml`` and ``DIR/framework.yml`` in which every mapping is a guess with a
comment saying why it was made, so the researcher edits rather than writes:

* the file's kind (survey, coded excerpts, event log) from its columns;
* the quarter from a ``YYYYQn`` part of the path (else ``--quarter``, else today's);
* the respondent id: a column named like an id whose values are unique;
* rating scales: integer columns on 1..5, 1..7, 0..10, or 0..5 where 0 = not applicable;
  NPS from the name (``nps``, ``recommend``) on 0..10; ``csat_<stage>`` / ``ces_<stage>`` by name;
* an outcome: a 0/1 or two-valued text column named like one (satisfaction, response, churn...);
* persona features: numeric columns with many values, categorical text with a few values;
  free text: long or mostly distinct text; weights: a column named ``weight``;
* stages and touchpoints: rating columns that share a first word (``Inflight wifi``,
  ``Inflight service``) or a question prefix (Qualtrics ``Q5_1``, ``Q5_2``) form a stage, each
  column a touchpoint labelled with its question text; stages of coded excerpts come from their
  ``stage`` column; events with no stage are split into early / middle / late stages by where
  they fall in each customer's path.

What cannot be guessed is written as ``FILL IN``, so ``cjm validate`` names exactly that key.
The data files are not copied: the study refers to them by relative paths.

Examples
--------
>>> from cjm_research.study.scaffold import scaffold_study               # doctest: +SKIP
>>> scaffold_study(["survey.csv"], "my_study")                          # doctest: +SKIP
PosixPath('my_study/study.yml')
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import ConfigError, DataError
from .load import FILL_IN as FILL

TRANSCRIPTS = (".txt", ".md", ".markdown", ".vtt")
ID_NAMES = ("respondent_id", "respondentid", "responseid", "response_id", "id", "respid", "caseid",
            "case_id", "participant_id", "record", "uuid", "rid")
CUSTOMER_NAMES = ("customer_id", "customerid", "customer", "cust_id", "client_id", "user_id",
                  "userid", "case:concept:name", "case_id", "caseid", "case")
EVENT_NAMES = ("event", "event_name", "activity", "concept:name", "action", "touchpoint", "step")
TIME_NAMES = ("timestamp", "time:timestamp", "time", "datetime", "event_time", "date_time", "ts")
CHANNEL_NAMES = ("channel", "medium", "source_channel", "case:channel", "org:channel")
TEXT_NAMES = ("text", "quote", "excerpt", "segment", "coded_segment", "content")
PARTICIPANT_NAMES = ("participant", "respondent", "interviewee", "document", "document_name", "speaker")
OUTCOME_WORDS = ("satisf", "outcome", "response", "churn", "return", "recommend", "loyal", "convert",
                 "purchas", "renew", "target", "intent", "overall")
NEGATIVE_WORDS = ("not", "no", "dis", "un", "neutral", "never", "negative", "bad", "tidak", "less")
STAGE_WORDS = ("awareness", "consideration", "search", "discovery", "booking", "purchase", "checkout",
               "payment", "checkin", "check_in", "boarding", "inflight", "in_flight", "arrival",
               "delivery", "onboarding", "usage", "support", "retention", "advocacy",
               "renewal", "billing", "return", "returns")
CHANNEL_WORDS = {"web": ("web", "website", "online", "site"), "app": ("app", "mobile"),
                 "store": ("store", "shop", "branch", "counter"), "call_centre": ("call", "phone", "hotline"),
                 "email": ("email", "mail", "newsletter"), "whatsapp": ("whatsapp", "chat"),
                 "social": ("social", "facebook", "instagram", "tiktok")}
FLAG_WHY = "a 0/1 flag: keep it only if it describes who the customer is (a response or a complaint is an outcome)"
QUALTRICS_METADATA = {"duration_in_seconds", "duration", "progress", "finished", "status", "ipaddress",
                   "locationlatitude", "locationlongitude", "distributionchannel", "userlanguage",
                   "recipientlastname", "recipientfirstname", "recipientemail", "externalreference",
                   "startdate", "enddate", "recordeddate", "q_recaptchascore", "q_relevantidduplicate"}
CHECK_WORDS = {"attention", "attn", "consent", "captcha", "recaptcha", "bot", "screener"}
FREE_TEXT_WORDS = ("comment", "feedback", "verbatim", "open", "why", "reason", "remark", "suggest",
                   "describe", "text", "saran", "komentar")


@dataclass
class Guess:
    """One inferred value and the reason, written as a YAML comment."""

    value: object
    why: str


@dataclass
class Source:
    """One input file, its kind and its table (None for transcripts until merged)."""

    path: Path
    kind: str                # survey | excerpts | events | transcript
    quarter: str
    frame: pd.DataFrame | None = None
    columns: dict = field(default_factory=dict)   # standard name -> Guess (excerpts, events)


# ============================================================================ public entry point
def scaffold_study(files, out, *, quarter: str | None = None, force: bool = False,
                   name: str | None = None) -> Path:
    """Write ``out/study.yml`` and ``out/framework.yml`` guessed from ``files``; return the study path.

    Parameters
    ----------
    files : list of str or Path
        Survey exports, coded-excerpt tables, transcripts (txt, md, vtt) and event logs. Files whose
        path holds a quarter (``2026Q1/survey.csv``) go to that quarter.
    out : str or Path
        The study folder (created). Transcripts are merged into ``out/<quarter>/interviews.csv``.
    quarter : str, optional
        The quarter of files whose path names none (default: the current quarter).
    force : bool, default False
        Overwrite an existing ``study.yml`` / ``framework.yml``.
    name : str, optional
        The study's name (default: the folder's name).

    Examples
    --------
    >>> import tempfile
    >>> from cjm_research.datasets.fixtures import fixture_path
    >>> survey = fixture_path("passenger_survey").parent / "2026Q1" / "survey.csv"
    >>> path = scaffold_study([survey], tempfile.mkdtemp())
    >>> "Inflight wifi service" in path.read_text()
    True
    """
    from .load import parse_quarter

    out = Path(out)
    targets = [out / "study.yml", out / "framework.yml"]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise ConfigError(f"{existing[0]} already exists; cjm init never overwrites a study "
                          "(pass --force to replace it, or choose another --out folder).")
    if not files:
        raise DataError("cjm init needs at least one data file (survey, interviews or events).")
    default_q = parse_quarter(quarter) if quarter else _current_quarter()
    sources = [_classify(Path(f), default_q) for f in files]
    out.mkdir(parents=True, exist_ok=True)
    sources = _merge_transcripts(sources, out, force)
    plan = _plan(sources, out)
    (out / "framework.yml").write_text(_framework_yaml(plan), encoding="utf-8")
    (out / "study.yml").write_text(_study_yaml(plan, name or out.resolve().name, out), encoding="utf-8")
    return out / "study.yml"


def _current_quarter() -> str:
    today = pd.Timestamp.now(tz="UTC")
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


# ============================================================================ reading and classifying
def _key(name) -> str:
    return re.sub(r"[^0-9a-z:]+", "_", str(name).lower()).strip("_")


def _find(columns, names) -> str | None:
    keys = {_key(c): c for c in columns}
    for name in names:
        if name in keys:
            return keys[name]
    return None


def _quarter_of(path: Path, default: str) -> str:
    m = re.search(r"(\d{4})[Qq]([1-4])", str(path))
    return f"{m.group(1)}Q{m.group(2)}" if m else default


def _classify(path: Path, default_q: str) -> Source:
    quarter = _quarter_of(path, default_q)
    if not path.exists():
        raise DataError(f"{path}: file not found (cjm init reads survey, interview and event files).")
    if path.suffix.lower() in TRANSCRIPTS:
        from ..io import read_transcript

        return Source(path, "transcript", quarter, read_transcript(path))
    frame = _read_table(path)
    cols = frame.columns
    event, stamp, customer = _find(cols, EVENT_NAMES), _timestamp_column(frame), _find(cols, CUSTOMER_NAMES)
    if event and stamp and customer:  # a survey rarely has all three; a short log may have one row a customer
        found = {"customer": customer, "timestamp": stamp, "event": event,
                 "channel": _find(cols, CHANNEL_NAMES)}
        return Source(path, "events", quarter, frame, {k: v for k, v in found.items() if v})
    text, who = _find(cols, TEXT_NAMES), _find(cols, PARTICIPANT_NAMES)
    if text and who:
        return Source(path, "excerpts", quarter, frame, {"participant": who, "text": text})
    return Source(path, "survey", quarter, frame)


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several kinds for damaged files
            raise DataError(f"{path}: not a readable Parquet file: {exc}.") from None
    if suffix == ".xes":
        from ..events.log import read_events
        from ..io.events import XES_COLUMNS

        # the study reads the XES file itself, by its own attribute names: write those, not the
        # standard names the reader gives them (a log without channels has an empty 'channel')
        frame = read_events(path).to_pandas()
        frame = frame.drop(columns=[c for c in ("channel", "value") if c in frame and frame[c].isna().all()])
        return frame.rename(columns={std: key for std, key in XES_COLUMNS.items()})
    from ..io import read_survey

    return read_survey(path)


def _timestamp_column(frame: pd.DataFrame) -> str | None:
    named = _find(frame.columns, TIME_NAMES)
    if named:
        return named
    dated = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    return dated[0] if dated else None


def _merge_transcripts(sources: list[Source], out: Path, force: bool = False) -> list[Source]:
    """Transcripts become one excerpt table per quarter (participant turns, stage left to code)."""
    kept, turns = [], {}
    for src in sources:
        if src.kind != "transcript":
            kept.append(src)
            continue
        rows = src.frame[src.frame["role"] == "participant"]
        turns.setdefault(src.quarter, []).append(pd.DataFrame({
            "participant": src.path.stem, "stage": "", "touchpoint": "", "text": rows["text"].to_numpy()}))
    for quarter, parts in sorted(turns.items()):
        (out / quarter).mkdir(parents=True, exist_ok=True)
        path = out / quarter / "interviews.csv"
        if path.exists() and not force:  # it may hold the stages and touchpoints coded by hand
            raise ConfigError(f"{path} already exists; cjm init never overwrites it (pass --force).")
        table = pd.concat(parts, ignore_index=True)
        table.insert(0, "excerpt_id", [f"{quarter}-T{i + 1:04d}" for i in range(len(table))])
        table.to_csv(path, index=False, lineterminator="\n")
        kept.append(Source(path, "excerpts", quarter, table, {"participant": "participant", "text": "text"},))
        kept[-1].columns["_transcripts"] = len(parts)
    return kept


# ============================================================================ survey inference
@dataclass
class SurveyPlan:
    respondent_id: Guess
    customer_id: Guess | None = None
    ratings: dict = field(default_factory=dict)     # column -> (scale, na_code, why)
    nps: Guess | None = None
    csat: dict = field(default_factory=dict)        # stage -> Guess(column)
    ces: dict = field(default_factory=dict)
    outcome: dict | None = None
    outcome_why: str = ""
    numeric: list = field(default_factory=list)     # [(column, why)]
    ordinal: list = field(default_factory=list)
    categorical: list = field(default_factory=list)
    free_text: list = field(default_factory=list)
    weights: Guess | None = None
    skipped: list = field(default_factory=list)     # [(column, why)]
    descriptions: dict = field(default_factory=dict)
    qualtrics: bool = False                         # a Qualtrics export: its metadata columns are known


def _integers(s: pd.Series) -> pd.Series | None:
    values = pd.to_numeric(s, errors="coerce")
    if s.notna().sum() == 0 or values.notna().sum() < 0.95 * s.notna().sum():
        return None
    values = values.dropna()
    return values if (values % 1 == 0).all() else None


def rating_scale(s: pd.Series) -> tuple | None:
    """The rating scale a column is on, with its not-applicable code: ((low, high), code) or None.

    Examples
    --------
    >>> rating_scale(pd.Series([0, 1, 3, 5, 4, 2]))
    ((1, 5), 0)
    >>> rating_scale(pd.Series([1, 7, 4, 6])), rating_scale(pd.Series([0, 9, 10, 3]))
    (((1, 7), None), ((0, 10), None))
    """
    values = _integers(s)
    if values is None or values.nunique() < 3:
        return None
    lo, hi = int(values.min()), int(values.max())
    # the top of the scale must be used (or nearly): counts 0..2 (children at home) are no rating
    if lo >= 1 and hi in (4, 5):
        return (1, 5), None
    if lo == 0 and hi in (4, 5) and values[values > 0].nunique() >= 3:
        return (1, 5), 0        # 0 on a five-point item: "not applicable" in most exports
    if lo >= 1 and hi in (6, 7):
        return (1, 7), None
    if lo >= 0 and hi in (9, 10):
        return (0, 10), None
    return None


def _id_column(frame: pd.DataFrame) -> Guess:
    for col in frame.columns:
        if _key(col) in ID_NAMES and frame[col].notna().all() and frame[col].is_unique:
            return Guess(col, f"named like an id and its {len(frame)} values are unique" if len(frame) > 1
                         else "named like an id (the file holds one response)")
    first = frame.columns[0]
    if frame[first].notna().all() and frame[first].is_unique and not pd.api.types.is_float_dtype(frame[first]):
        return Guess(first, "the first column, and its values are unique")
    named = [c for c in frame.columns if _key(c) in ID_NAMES]
    if named:
        s = frame[named[0]]
        repeats = s[s.duplicated()].dropna().unique().tolist()
        rows = int(s.dropna().duplicated(keep=False).sum())
        return Guess(FILL, f"{named[0]!r} is named like an id but value(s) {_shown(repeats)} repeat "
                           f"({rows} rows) and {int(s.isna().sum())} are blank: fix the file or name the id column")
    return Guess(FILL, "no column has one unique value per respondent: name the id column")


def _shown(values) -> str:
    from ..core.quality import shown

    return shown(values, 3)


def _positive_label(values: list[str]) -> str:
    clean = [v for v in values if not any(re.search(rf"\b{w}", v.lower()) for w in NEGATIVE_WORDS)]
    return clean[0] if len(clean) == 1 else sorted(values)[0]


def _outcome(frame: pd.DataFrame, used: set) -> tuple[dict | None, str]:
    texts = dict(frame.attrs.get("descriptions") or {})
    named = [c for c in frame.columns if c not in used
             and any(w in f"{_key(c)} {_key(texts.get(c, ''))}" for w in OUTCOME_WORDS)]
    for col in named:  # only columns named like an outcome: Gender has two values too
        values = frame[col].dropna()
        distinct = sorted(values.astype(str).str.strip().unique())
        if len(distinct) != 2:
            continue
        if set(distinct) <= {"0", "1", "True", "False", "true", "false"}:
            if col in named:
                return ({"column": col, "kind": "binary", "label": str(col)},
                        f"{col!r} holds 0/1 and is named like an outcome")
            continue
        if pd.api.types.is_numeric_dtype(values):
            continue
        positive = _positive_label(distinct)
        negative = [v for v in distinct if v != positive]
        why = "named like an outcome"
        return ({"column": col, "kind": "labels", "positive": [positive], "negative": negative,
                 "label": str(col).capitalize()},
                f"{col!r} has two text values ({why}); {positive!r} taken as the good outcome: check it")
    return None, "no 0/1 or two-valued text column named like an outcome (satisfaction, response...)"


def _survey_plan(frame: pd.DataFrame, has_events: bool) -> SurveyPlan:
    plan = SurveyPlan(_id_column(frame), descriptions=dict(frame.attrs.get("descriptions") or {}),
                      qualtrics=frame.attrs.get("reader") == "qualtrics")
    used = {plan.respondent_id.value} | {c for c in frame.columns if _key(c) in ID_NAMES}
    customer = _find(frame.columns, CUSTOMER_NAMES[:7])
    if customer and customer not in used:
        plan.customer_id = Guess(customer, "named like a customer id" +
                                 ("; links respondents to the event log" if has_events else ""))
        used.add(customer)
    weight = next((c for c in frame.columns if _key(c) in ("weight", "weights", "wt", "survey_weight")), None)
    if weight:
        plan.weights = Guess(weight, "named like survey weights")
        used.add(weight)
    plan.outcome, plan.outcome_why = _outcome(frame, used)
    if plan.outcome:
        used.add(plan.outcome["column"])
    for col, original in reversed_copies(frame).items():
        plan.skipped.append((col, f"a reverse-scored copy of {original!r}"))
        used.add(col)
    for col in frame.columns:
        if col not in used:
            _place(col, frame[col], plan)
    flags = [c for c, why in plan.ordinal if why == FLAG_WHY]
    if flags:
        others = [c for c in flags if not plan.outcome or c != plan.outcome["column"]]
        plan.outcome_why += f"; other 0/1 columns that could be the outcome: {_shown(others)}"
    return plan


def reversed_copies(frame: pd.DataFrame) -> dict:
    """Reverse-scored copies (``Rop2`` of ``op2``, ``op2_r``): column -> original.

    SPSS teaching and research files keep both the item and its recoded copy; clustering or
    mapping both counts one answer twice. A copy is named like the original with an ``R`` / ``r_``
    in front or ``_r`` / ``_rev`` behind, and its values fall as the original's rise.

    Examples
    --------
    >>> d = pd.DataFrame({"op2": [1, 2, 3, 5, 4], "Rop2": [5, 4, 3, 1, 2], "op3": [1, 2, 2, 5, 4]})
    >>> reversed_copies(d)
    {'Rop2': 'op2'}
    """
    keys = {_key(c): c for c in frame.columns}
    found = {}
    for col in frame.columns:
        key = _key(col)
        for base in (key[1:], key[2:] if key.startswith("r_") else "", re.sub(r"_(r|rev|reversed)$", "", key)):
            original = keys.get(base)
            if not base or original is None or original == col:
                continue
            a = pd.to_numeric(frame[col], errors="coerce")
            b = pd.to_numeric(frame[original], errors="coerce")
            if a.notna().sum() >= 3 and a.corr(b) < -0.9:
                found[col] = original
                break
    return found


def _place(col, s: pd.Series, plan: SurveyPlan) -> None:
    key, values = _key(col), s.dropna()
    if plan.qualtrics and key in QUALTRICS_METADATA:  # the tool's own columns describe the session
        plan.skipped.append((col, "survey metadata (time taken, progress, location...), not a trait"))
        return
    if values.empty or values.astype(str).nunique() == 1:
        plan.skipped.append((col, "empty or constant"))
        return
    if pd.api.types.is_datetime64_any_dtype(s):
        plan.skipped.append((col, "a date"))
        return
    scale = rating_scale(s)
    if scale and ("nps" in key or "recommend" in key) and scale[0] == (0, 10):
        plan.nps = Guess(col, "named like NPS and on 0..10")
    elif scale and key.startswith(("csat_", "ces_")) and scale[0] != (0, 10):
        stage = key.split("_", 1)[1]
        (plan.csat if key.startswith("csat_") else plan.ces)[stage] = Guess(col, f"named {key.split('_')[0]}_<stage>")
    elif scale:
        plan.ratings[col] = scale
    elif pd.api.types.is_numeric_dtype(s) and set(values.unique()) <= {0, 1}:
        plan.ordinal.append((col, FLAG_WHY))
    elif pd.api.types.is_numeric_dtype(s):
        (plan.ordinal if values.nunique() <= 7 and _integers(s) is not None else plan.numeric).append(
            (col, f"{values.nunique()} distinct whole numbers" if values.nunique() <= 7 else "numbers with many values"))
    elif key.endswith(("_id", "pid", "uuid")) and values.is_unique:
        plan.skipped.append((col, "another id"))
    elif pd.api.types.is_bool_dtype(s):
        plan.categorical.append((col, "true/false"))
    elif set(_words(col)) & CHECK_WORDS:
        plan.skipped.append((col, "an attention, consent or bot check, not a trait (screen on it before)"))
    else:
        text = values.astype(str)
        if any(w in _words(col) for w in FREE_TEXT_WORDS):
            plan.free_text.append((col, "named like an open question"))
        elif text.str.len().mean() > 25 or text.nunique() > max(20, 0.5 * len(text)):
            plan.free_text.append((col, "long or mostly distinct text"))
        elif text.nunique() <= 20:
            plan.categorical.append((col, f"text with {text.nunique()} values"))
        else:
            plan.skipped.append((col, f"text with {text.nunique()} values: too many for a category"))


# ============================================================================ stages and touchpoints
def _words(text: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(text))
    return [w for w in re.split(r"[^0-9A-Za-z\u00C0-\uFFFF]+", spaced.lower()) if w]


def _slug(text: str) -> str:
    return "_".join(_words(text))[:40].strip("_") or "item"


def propose_stages(columns: list[str], descriptions: dict | None = None,
                   known: list[str] | None = None) -> dict[str, tuple[list, str]]:
    """Stage id -> (rating columns, why), in the order the columns come in the file.

    A column joins the stage of a journey word it contains (``booking``, ``checkout``, ...);
    else columns sharing their first word (or question prefix ``Q5`` of ``Q5_1``) form a stage;
    the rest form one stage ``journey`` to split by hand. Stages named by journey words come in
    their usual journey order, then the others in file order, ``journey`` last. ``known`` stages
    (from ``csat_<stage>`` columns) are tried first: a column sharing a word with one joins it.

    Examples
    --------
    >>> stages = propose_stages(["Inflight wifi", "Inflight food", "Booking ease", "Gate location"])
    >>> {k: v[0] for k, v in stages.items()}
    {'booking': ['Booking ease'], 'inflight': ['Inflight wifi', 'Inflight food'], 'journey': ['Gate location']}
    """
    descriptions = descriptions or {}
    words_of = {c: _words(c) for c in columns}
    firsts = Counter(w[0] for w in words_of.values() if w)
    if len(columns) > 1 and len(firsts) == 1 and not any(_question_prefix(c) for c in columns):
        words_of = {c: w[1:] or w for c, w in words_of.items()}  # a prefix all share (tp_) is no stage
        firsts = Counter(w[0] for w in words_of.values() if w)
    groups: dict[str, tuple[list, str]] = {s: ([], "") for s in known or []}
    def stage_word(col):
        return next((w for w in words_of[col] + _words(descriptions.get(col, "")) if w in STAGE_WORDS), None)

    # the columns of one question (Q5_1, Q5_2) stay together, named by a journey word any of them has
    by_prefix: dict[str, list] = {}
    for col in columns:
        if _question_prefix(col):
            by_prefix.setdefault(_question_prefix(col), []).append(col)
    for col in columns:
        words, prefix = words_of[col], _question_prefix(col)
        word = next((w for c in by_prefix.get(prefix, [col]) if (w := stage_word(c))), None)
        same = next((s for s in known or [] if set(_words(s)) & set(words)), None)
        if same:
            stage, why = same, f"shares a word with the stage {same!r}"
        elif known:
            stage, why = "journey", "no word shared with a stage: move these touchpoints to their stage"
        elif word:
            stage, why = word, f"the column name or question mentions {word!r}"
        elif prefix and len(by_prefix[prefix]) > 1:
            stage, why = _slug(prefix), f"columns of one question {prefix!r}"
        elif words and firsts[words[0]] >= 2:
            stage, why = words[0], f"columns that start with {words[0]!r}"
        else:
            stage, why = "journey", "no shared word: split these touchpoints into stages by hand"
        if not groups.setdefault(stage, ([], why))[1]:
            groups[stage] = (groups[stage][0], why)
        groups[stage][0].append(col)
    groups = {g: v for g, v in groups.items() if v[0]}
    if known:
        return {**{g: groups[g] for g in known if g in groups}, **{g: v for g, v in groups.items() if g not in known}}
    # journey words in their usual order, then the others as the file has them, the catch-all last
    rank = {w: i for i, w in enumerate(STAGE_WORDS)}
    order = sorted(groups, key=lambda g: (g == "journey", g not in rank, rank.get(g, 0)))
    return {g: groups[g] for g in order}


def _question_prefix(col: str) -> str | None:
    """``Q5`` of a Qualtrics matrix column ``Q5_1``, ``mast`` of an item battery column ``mast3``."""
    m = re.match(r"^(Q\d+)[_.\-]\d+$", str(col), flags=re.I) or re.match(r"^([A-Za-z]+)_?\d+$", str(col))
    return m.group(1) if m else None


def _is_question_prefix(col: str) -> bool:
    return _question_prefix(col) is not None


def _channel(text: str) -> tuple[str, str]:
    words = set(_words(text))
    for channel, hints in CHANNEL_WORDS.items():
        hit = words & set(hints)
        if hit:
            return channel, f"the name mentions {sorted(hit)[0]!r}"
    return "unspecified", "no channel word in the name: set web, app, store, call_centre..."


def _event_stages(events: pd.DataFrame, customer: str, event: str, stamp: str) -> dict[str, list]:
    """Split event names into early / middle / late by their median position in each customer's path."""
    frame = events[[customer, event, stamp]].dropna().sort_values([customer, stamp], kind="stable")
    pos = frame.groupby(customer).cumcount()
    length = frame.groupby(customer)[event].transform("size")
    rel = (pos / (length - 1).where(length > 1, 1)).groupby(frame[event]).median().sort_values()
    names = list(rel.index[:60])  # a framework lists touchpoints; thousands of names need grouping first
    bins = pd.cut(rel.loc[names], [-0.01, 1 / 3, 2 / 3, 1.01], labels=["early", "middle", "late"])
    return {label: [n for n in names if bins[n] == label] for label in ("early", "middle", "late")
            if (bins == label).any()}


# ============================================================================ the whole plan
@dataclass
class Plan:
    sources: list
    quarters: dict                      # quarter -> {kind: relative path}
    survey: SurveyPlan | None = None
    stages: dict = field(default_factory=dict)      # stage -> why
    touchpoints: list = field(default_factory=list)  # dicts: id, label, stage, channel, events, column, why
    excerpts: Source | None = None
    events: Source | None = None
    scale: tuple | None = None
    na_code: int | None = None
    notes: list = field(default_factory=list)


def _plan(sources: list[Source], out: Path) -> Plan:
    quarters: dict[str, dict] = {}
    for src in sources:
        kind = {"excerpts": "interviews"}.get(src.kind, src.kind)
        slot = quarters.setdefault(src.quarter, {})
        if kind in slot:
            raise DataError(f"{src.path}: a second {kind} file for {src.quarter} (the first is {slot[kind]}); "
                            "give one file per kind and quarter, or put quarters in YYYYQn folders.")
        slot[kind] = _study_path(src.path, out)
    first = {kind: next((s for s in sources if s.kind == kind), None) for kind in ("survey", "excerpts", "events")}
    plan = Plan(sources, dict(sorted(quarters.items())), excerpts=first["excerpts"], events=first["events"])
    if first["survey"] is not None:
        plan.survey = _survey_plan(first["survey"].frame, first["events"] is not None)
        rows = len(first["survey"].frame)
        if rows < 10:  # with a handful of rows every column looks constant or unique
            plan.notes.append(f"{first['survey'].path.name} holds {rows} response(s): the guesses need "
                              "more rows; run cjm init on the full export")
        _survey_touchpoints(plan)
    if plan.excerpts is not None:
        _excerpt_touchpoints(plan)
    if plan.events is not None:
        _event_touchpoints(plan)
    if not plan.stages:
        plan.stages["journey"] = "no stage found in the files: name the stages of your journey"
    return plan


def _study_path(path: Path, out: Path) -> str:
    """The file as the study refers to it: relative to the study folder when both share a folder
    below the root (the study moves with its data), else absolute (``../../../work/...`` breaks as
    soon as the study folder moves)."""
    path, out = path.resolve(), out.resolve()
    common = Path(os.path.commonpath([path, out]))
    if common == Path(common.anchor):
        return path.as_posix()
    return Path(os.path.relpath(path, out)).as_posix()


def _survey_touchpoints(plan: Plan) -> None:
    sp = plan.survey
    for kind in ("csat", "ces"):
        for stage, guess in getattr(sp, kind).items():
            plan.stages.setdefault(stage, f"named in the {kind} column {guess.value!r}")
    if not sp.ratings:
        return
    scales = Counter(scale for scale in sp.ratings.values())
    (plan.scale, plan.na_code), count = scales.most_common(1)[0]
    odd = [c for c, s in sp.ratings.items() if s != (plan.scale, plan.na_code)]
    for col in odd:  # one scale per study for touchpoints; the others stay features
        sp.ratings.pop(col)
        sp.ordinal.append((col, "a rating on another scale than the touchpoint ratings"))
    prefix = _shared_prefix(list(sp.ratings))
    for stage, (columns, why) in propose_stages(list(sp.ratings), sp.descriptions, list(plan.stages)).items():
        plan.stages.setdefault(stage, why)
        for col in columns:
            tid = _slug(col)[len(prefix):] or _slug(col)
            label = sp.descriptions.get(col) or (str(col) if " " in str(col) else tid.replace("_", " ").capitalize())
            channel, cwhy = _channel(f"{col} {label}")
            plan.touchpoints.append({"id": _unique_id(plan, tid), "label": label, "stage": stage,
                                     "channel": channel, "column": col,
                                     "why": f"column {col!r} is a rating on {plan.scale[0]}..{plan.scale[1]}; "
                                            f"channel: {cwhy}"})


def _shared_prefix(columns: list[str]) -> str:
    """``tp_`` when every rating column starts ``tp_``: a prefix is no part of a touchpoint's id."""
    slugs = [_slug(c) for c in columns]
    first = {s.split("_")[0] for s in slugs}
    if len(slugs) > 1 and len(first) == 1 and all("_" in s for s in slugs) and not _question_prefix(columns[0]):
        return first.pop() + "_"
    return ""


def _unique_id(plan: Plan, base: str) -> str:
    taken = {t["id"] for t in plan.touchpoints}
    new, k = base, 1
    while new in taken:
        k += 1
        new = f"{base}_{k}"
    return new


def _excerpt_touchpoints(plan: Plan) -> None:
    frame = plan.excerpts.frame
    stage_col, tp_col = _find(frame.columns, ("stage",)), _find(frame.columns, ("touchpoint",))
    if stage_col is None:
        return
    for stage in frame[stage_col].dropna().astype(str).str.strip().unique():
        if stage:
            plan.stages.setdefault(stage, f"named in the {stage_col!r} column of {plan.excerpts.path.name}")
    if tp_col is None:
        return
    known = {t["id"] for t in plan.touchpoints}
    pairs = frame[[stage_col, tp_col]].dropna().astype(str)
    for tp, group in pairs.groupby(tp_col, sort=False):
        if tp.strip() and tp not in known:
            stage = group[stage_col].mode().iloc[0]
            channel, cwhy = _channel(tp)
            plan.touchpoints.append({"id": tp, "label": tp.replace("_", " ").capitalize(), "stage": stage,
                                     "channel": channel, "why": f"coded in {plan.excerpts.path.name} "
                                                                 f"under stage {stage!r}; channel: {cwhy}"})


def _event_touchpoints(plan: Plan) -> None:
    src, cols = plan.events, plan.events.columns
    frame = src.frame
    names = frame[cols["event"]].dropna().astype(str)
    mapped = {t["id"] for t in plan.touchpoints}
    unknown = [n for n in names.unique() if n not in mapped]
    if not unknown:
        return
    if plan.stages and not set(plan.stages) <= {"journey"}:
        stage = list(plan.stages)[-1]
        groups = {stage: unknown[:60]}
        why = f"events not rated in the survey; put under {stage!r}: move each to its stage"
    else:
        groups = _event_stages(frame[frame[cols["event"]].isin(unknown)], cols["customer"], cols["event"],
                               cols["timestamp"])
        why = "events grouped by where they fall in each customer's path (median position): rename the stages"
    if len(unknown) > 60:
        plan.notes.append(f"{len(unknown) - 60} more event names are not in the framework "
                          "(they stay in the log without a stage)")
    channel_col = cols.get("channel")
    if channel_col and (frame.groupby(cols["customer"])[channel_col].nunique() <= 1).all():
        plan.notes.append(f"the log's channel column {channel_col!r} holds one value per customer (how they "
                          "came in), so touchpoints' channels are left 'unspecified': set them by hand")
        channel_col = None
    for stage, events in groups.items():
        plan.stages.setdefault(stage, why)
        for ev in events:
            channel = (frame.loc[frame[cols["event"]] == ev, channel_col].mode().astype(str).iloc[0]
                       if channel_col and frame.loc[frame[cols["event"]] == ev, channel_col].notna().any()
                       else _channel(ev)[0])
            plan.touchpoints.append({"id": _unique_id(plan, _slug(ev)), "label": ev, "stage": stage,
                                     "channel": channel, "events": [ev],
                                     "why": f"event {ev!r} ({int((names == ev).sum())} times in {src.path.name})"})


# ============================================================================ writing YAML with comments
def _q(value) -> str:
    """A YAML scalar or flow list (JSON is valid YAML, and quotes whatever needs quoting)."""
    return json.dumps(value, ensure_ascii=False)


def _framework_yaml(plan: Plan) -> str:
    lines = ["# Journey framework written by `cjm init`: every entry is a guess; edit stage ids, labels,",
             "# channels, owners and visibility (frontstage, backstage, support), then run `cjm validate`.",
             "name: " + _q("Journey framework"), "version: 1", "stages:"]
    for stage, why in plan.stages.items():
        lines += [f"  # {why}", f"  - id: {_q(stage)}",
                  f"    label: {_q(stage.replace('_', ' ').capitalize())}"]
    if not plan.touchpoints:  # nothing rated, coded or logged: the map has only stages to show
        lines += ["# no touchpoints found (no rating columns, coded touchpoints or events): list your",
                  "# journey's touchpoints, e.g. {id: web_shop, label: Web shop, stage: ..., channel: web};",
                  "# without ratings they show as designed steps, marked 'not measured'"]
    lines.append("touchpoints:" + ("" if plan.touchpoints else " []"))
    for tp in plan.touchpoints:
        lines.append(f"  # {tp['why']}")
        lines.append(f"  - {{id: {_q(tp['id'])}, label: {_q(tp['label'])}, stage: {_q(tp['stage'])}, "
                     f"channel: {_q(tp['channel'])}, visibility: frontstage"
                     + (f", events: {_q(tp['events'])}" if tp.get("events") else "") + "}")
    return "\n".join(lines) + "\n"


def _study_yaml(plan: Plan, name: str, out: Path) -> str:
    lines = ["# Study written by `cjm init` from your files. Every mapping is a guess with the reason",
             "# beside it: check each, fill in what says FILL IN, then run `cjm validate study.yml`.",
             f"name: {_q(name)}", "framework: framework.yml   # stages and touchpoints, also guessed",
             "language: en                # report language: en or id",
             _timezone_line(plan),
             "min_cell_size: 5            # cells with fewer respondents are masked in reports"]
    if plan.survey is not None:
        lines += _survey_lines(plan)
    if plan.excerpts is not None:
        lines += _excerpt_lines(plan.excerpts)
    if plan.events is not None:
        cols = plan.events.columns
        lines.append(f"events:                     # columns of {plan.events.path.name}")
        lines += [f"  {k}: {_q(v)}" for k, v in cols.items() if not k.startswith("_")]
    lines.append("quarters:                   # from YYYYQn in the paths, else --quarter / today")
    for quarter, files in plan.quarters.items():
        lines.append(f"  {quarter}:")
        lines += [f"    {kind}: {_q(path)}" for kind, path in files.items()]
    lines += [f"# note: {n}" for n in plan.notes]
    return "\n".join(lines) + "\n"


def _raw_column(src: Source, column: str, rows: int = 5000) -> pd.Series:
    """The first values of a column as the file writes them (the readers turn offsets into UTC)."""
    if src.path.suffix.lower() in (".csv", ".tsv", ".txt"):
        try:
            return pd.read_csv(src.path, usecols=[column], dtype=str, nrows=rows,
                               sep=src.frame.attrs.get("delimiter") or ",",
                               encoding=src.frame.attrs.get("encoding") or "utf-8")[column].dropna()
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
            pass
    # XES and Parquet timestamps arrive converted to UTC: their original offsets are not known here
    return pd.Series([], dtype="string")


def _timezone_line(plan: Plan) -> str:
    """``timezone:`` with what the event log's own timestamps say about it."""
    offsets = []
    if plan.events is not None:
        stamps = _raw_column(plan.events, plan.events.columns["timestamp"])
        found = stamps.astype(str).str.strip().str.extract(r"([+-]\d\d:?\d\d|Z)$")[0].dropna()
        offsets = sorted(set(found))
    if len(offsets) > 1:
        why = (f"the log's timestamps carry UTC offsets {', '.join(offsets)} (daylight saving?): set "
               "your customers' zone, an IANA name such as Europe/Paris, for hour-of-day views")
    elif offsets:
        why = f"the log's timestamps carry the offset {offsets[0]}: set your customers' zone (IANA name)"
    else:
        why = "customers' local time zone (IANA name), for hour-of-day views"
    return f"timezone: UTC               # {why}"


def _survey_lines(plan: Plan) -> list[str]:
    sp = plan.survey
    lines = ["survey:", f"  respondent_id: {_q(sp.respondent_id.value)}   # {sp.respondent_id.why}"]
    if sp.customer_id:
        lines.append(f"  customer_id: {_q(sp.customer_id.value)}   # {sp.customer_id.why}")
    lines.append("  persona_features:           # the traits personas are clustered on; drop what is not a trait")
    for kind in ("numeric", "ordinal", "categorical"):
        items = getattr(sp, kind)
        lines.append(f"    {kind}:" + ("" if items else " []"))
        lines += [f"      - {_q(c)}   # {why}" for c, why in items]
    if sp.nps:
        lines.append(f"  nps: {_q(sp.nps.value)}   # {sp.nps.why}")
    else:
        lines.append("  # nps: not found (a 0..10 column named like nps or recommend); add it if the survey asks it")
    for kind in ("csat", "ces"):
        mapping = getattr(sp, kind)
        if mapping:
            lines.append(f"  {kind}:")
            lines += [f"    {_q(stage)}: {_q(g.value)}   # {g.why}" for stage, g in mapping.items()]
    rated = [t for t in plan.touchpoints if t.get("column")]
    lines.append("  touchpoint_ratings:         # touchpoint id (framework.yml) -> survey column"
                 + ("" if rated else " (none found)"))
    if not rated:
        lines[-1] = "  touchpoint_ratings: {}      # no rating columns found"
    lines += [f"    {_q(t['id'])}: {_q(t['column'])}" for t in rated]
    if plan.scale:
        na = f"; {plan.na_code} also appears, taken as 'not applicable'" if plan.na_code is not None else ""
        lines.append(f"  scales: {{touchpoint: {_q(list(plan.scale))}}}   # the ratings' values{na}")
        lines.append(f"  not_applicable: {_q([] if plan.na_code is None else [plan.na_code])}")
    lines.append(f"  free_text: {_q([c for c, _ in sp.free_text])}"
                 + (f"   # {sp.free_text[0][1]}" if sp.free_text else ""))
    if sp.weights:
        lines.append(f"  weights: {_q(sp.weights.value)}   # {sp.weights.why}")
    if sp.skipped:  # one line each: a researcher scans these for a column that should be used
        lines.append("  # not used:")
        lines += [f"  #   {c!r}: {why}" for c, why in sp.skipped[:40]]
        if len(sp.skipped) > 40:
            lines.append(f"  #   and {len(sp.skipped) - 40} more")
    if sp.outcome:
        lines.append(f"outcome:                     # {plan.survey.outcome_why}")
        lines += [f"  {k}: {_q(v)}" for k, v in sp.outcome.items()]
    else:
        lines.append(f"# outcome: {{column: ..., kind: binary|labels|scale}}   # {plan.survey.outcome_why}")
    lines.append("quality:                     # data-quality rules; see docs/bring-your-own-study.md")
    lines.append("  age_range: [0, 120]        # default: keeps children; a study of adults sets [18, 99]")
    return lines


def _excerpt_lines(src: Source) -> list[str]:
    cols = src.columns
    how = (f"participant turns of {cols['_transcripts']} transcript(s); code stage and touchpoint"
           if "_transcripts" in cols else f"columns of {src.path.name}")
    lines = [f"interviews:                  # {how}"]
    lines += [f"  {k}: {_q(v)}" for k, v in cols.items() if not k.startswith("_")]
    return lines


__all__ = ["scaffold_study", "propose_stages", "rating_scale", "FILL"]
