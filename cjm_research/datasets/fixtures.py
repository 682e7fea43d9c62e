"""Fixture studies of many shapes: a deterministic generator and three committed examples.

The demo study has one shape (NPS, CSAT and CES per stage, every touchpoint rated, many excerpts,
panel ids, the default stage names). Real studies come in others, and every feature must work on
them. :class:`StudyShape` describes a shape (which sources exist, stage and touchpoint names,
rating scale and not-applicable code, which metrics are asked, an overall outcome, weights, panel
ids, a future state) and :func:`write_study` writes a valid study folder of that shape that
:func:`cjm_research.load_study` accepts: a framework YAML, ``study.yml`` and the files of each
quarter (at least two).

Three shapes are committed as small studies under ``cjm_research/datasets/fixture_studies/``
(open them with :func:`fixture_path`), modelled on the real files in ``../shared/data`` and on a
real passenger survey:

``omnichannel``
    The built-in omnichannel stages and touchpoints with an event vocabulary of its own (not the
    demo's names), a survey with NPS, stage CSAT, touchpoint ratings 1..7, a binary outcome
    (``returned_90d``), survey weights and panel ids, a semicolon-separated export with decimal
    commas; events linked by customer id; a future-state file.
``passenger_survey``
    Survey only: five custom stages booking -> check-in -> boarding -> in-flight -> arrival, 14
    touchpoint ratings 0..5 where 0 means "not applicable", a text outcome ``satisfied`` /
    ``neutral or dissatisfied``, no NPS, CSAT or CES, ages from 7 (children travel too) and
    ``Customer Type`` values ``Loyal Customer`` / ``disloyal Customer``.
``sparse_interviews``
    Interviews only, in Indonesian stage names (a permit service), few excerpts per cell and some
    cells with a single excerpt.

Regenerating gives byte-identical files (``make_fixture(name, out)`` with the default seed), which
a test checks against the committed copies.

Examples
--------
>>> import cjm_research as cjm
>>> from cjm_research.datasets.fixtures import fixture_path
>>> study = cjm.load_study(fixture_path("passenger_survey"))
>>> study.framework.stages
['booking', 'check-in', 'boarding', 'in-flight', 'arrival']
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..core.errors import ParameterError
from ..core.framework import JourneyFramework

SOURCES = ("survey", "interviews", "events")
OUTCOMES = ("binary", "labels", "scale")
CHANNELS = ("web", "app", "store", "call_centre", "email", "whatsapp")
FIXTURES = ("omnichannel", "passenger_survey", "sparse_interviews")


@dataclass(frozen=True)
class StudyShape:
    """The shape of a fixture study; every field has a small, valid default.

    Parameters
    ----------
    stages : tuple of str
        Stage ids in journey order (any text, non-English too).
    touchpoints : tuple of int or tuple of tuple of str
        Touchpoints per stage: a count per stage (ids made from the stage) or the ids themselves.
    sources : tuple of str
        Any non-empty mix of ``survey``, ``interviews``, ``events``.
    scale : (int, int)
        The touchpoint rating scale, e.g. (1, 5), (1, 7), (0, 10).
    not_applicable : int, optional
        A code outside ``scale`` that means "not applicable" (0 on a 1..5 scale); about one
        rating in ten is written as this code.
    nps, csat, ces : bool
        Whether the survey asks NPS (0..10), CSAT per stage (1..5) and CES per stage (1..7).
    outcome : {None, 'binary', 'labels', 'scale'}
        An overall outcome: 0/1, two text labels (``outcome_labels``, positive first) or 1..5.
    weights, panel, future_state : bool
        A survey weights column; respondent ids that recur across quarters; a future-state file.
    """

    name: str = "Fixture study"
    stages: tuple = ("discover", "choose", "use")
    touchpoints: tuple = (2, 2, 2)
    labels: dict = field(default_factory=dict)
    sources: tuple = ("survey",)
    scale: tuple = (1, 5)
    not_applicable: int | None = None
    nps: bool = False
    csat: bool = False
    ces: bool = False
    outcome: str | None = None
    outcome_labels: tuple = ("satisfied", "dissatisfied")
    weights: bool = False
    panel: bool = False
    future_state: bool = False
    respondents: int = 60
    quarters: tuple = ("2026Q1", "2026Q2")
    participants: int = 4
    excerpts: int = 12
    ages: tuple = (18, 80)
    language: str = "en"
    # optional realism: the file's own column names and extra columns
    columns: dict = field(default_factory=dict)         # touchpoint id, age, ... -> survey column
    tenure_scale: int = 1                               # the second numeric feature, times this
    categories: dict = field(default_factory=dict)      # column -> (values, shares)
    events: dict = field(default_factory=dict)          # touchpoint id -> event names
    framework: str | None = None                        # copy a built-in framework's stages
    delimiter: str = ","
    quality: dict = field(default_factory=dict)         # the study's quality: block, if any

    def touchpoint_ids(self) -> list[list[str]]:
        """Touchpoint ids of each stage, in stage order."""
        if self.framework:
            fw = JourneyFramework.load(self.framework)
            return [[t.id for t in fw.touchpoints_in(s)] for s in fw.stages]
        return [list(t) if isinstance(t, (tuple, list)) else [f"{_slug(s)}_tp{j + 1}" for j in range(t)]
                for s, t in zip(self.stages, self.touchpoints)]


def check_shape(shape: StudyShape) -> StudyShape:
    """Raise a :class:`ParameterError` for a shape no valid study can have; return it otherwise.

    Examples
    --------
    >>> check_shape(StudyShape(sources=()))
    Traceback (most recent call last):
    ...
    cjm_research.core.errors.ParameterError: The value for `sources` must be a non-empty mix of ('survey', 'interviews', 'events'), but () was passed.
    """
    if not shape.sources or set(shape.sources) - set(SOURCES):
        raise ParameterError(f"The value for `sources` must be a non-empty mix of {SOURCES}, "
                             f"but {shape.sources!r} was passed.")
    if shape.outcome not in (None, *OUTCOMES):
        raise ParameterError(f"The value for `outcome` must be one of {[None, *OUTCOMES]}, "
                             f"but {shape.outcome!r} was passed.")
    if not shape.framework and (len(shape.stages) < 1 or len(shape.touchpoints) != len(shape.stages)):
        raise ParameterError("The value for `touchpoints` must give one entry per stage, but "
                             f"{len(shape.touchpoints)} were passed for {len(shape.stages)} stages.")
    if len(shape.quarters) < 2 or shape.respondents < 20:
        raise ParameterError("A fixture study needs at least two quarters and 20 respondents, but "
                             f"{len(shape.quarters)} quarter(s) and {shape.respondents} were passed.")
    return shape


# ============================================================================ public API
def write_study(shape: StudyShape, out, *, seed: int = 0) -> Path:
    """Write a study folder of ``shape`` to ``out`` and return its ``study.yml``.

    Same shape and seed, same bytes. Files: ``framework.yml``, ``study.yml``, ``<quarter>/survey.csv``,
    ``<quarter>/interviews.csv``, ``<quarter>/events.csv`` (as the sources say) and
    ``future_state.yml``.

    Examples
    --------
    >>> import tempfile, cjm_research as cjm
    >>> shape = StudyShape(stages=("lihat", "beli"), touchpoints=(1, 3), outcome="labels")
    >>> study = cjm.load_study(write_study(shape, tempfile.mkdtemp()))
    >>> study.survey.shape[0] > 0, study.framework.stages
    (True, ['lihat', 'beli'])
    """
    shape = check_shape(shape)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fw = _write_framework(shape, out)
    people = _people(shape, _rng(seed, "people"))
    for q in shape.quarters:
        (out / q).mkdir(exist_ok=True)
        rng = _rng(seed, q)
        sample = _sample(shape, people, rng)  # the same people answer the survey and leave events
        if "survey" in shape.sources:
            _write_table(_survey(shape, fw, sample, q, rng), out / q / "survey.csv", shape.delimiter)
        if "interviews" in shape.sources:
            _write_table(_interviews(shape, fw, q, rng), out / q / "interviews.csv", ",")
        if "events" in shape.sources:
            _write_table(_events(fw, sample, q, rng), out / q / "events.csv", ",")
    if shape.future_state:
        _write_yaml(out / "future_state.yml", _future_state(shape, fw))
    _write_yaml(out / "study.yml", study_mapping(shape, fw))
    return out / "study.yml"


def fixture_shape(name: str) -> StudyShape:
    """The shape of one committed fixture study (``omnichannel``, ``passenger_survey``, ``sparse_interviews``)."""
    if name not in FIXTURES:
        raise ParameterError(f"The value for `name` must be one of {list(FIXTURES)}, but {name!r} was passed.")
    return {"omnichannel": _omnichannel, "passenger_survey": _passenger,
            "sparse_interviews": _sparse}[name]()


def make_fixture(name: str, out, *, seed: int = 0) -> Path:
    """Write one named fixture study to ``out`` (the committed copy is ``make_fixture(name, ..., seed=0)``)."""
    return write_study(fixture_shape(name), out, seed=seed)


def fixture_path(name: str) -> Path:
    """The ``study.yml`` of a committed fixture study inside the installed package.

    Examples
    --------
    >>> fixture_path("omnichannel").name
    'study.yml'
    """
    fixture_shape(name)  # checks the name
    return Path(str(resources.files("cjm_research.datasets") / "fixture_studies" / name / "study.yml"))


# ============================================================================ the three fixtures
PASSENGER_TOUCHPOINTS = {  # stage -> (touchpoint id, survey column as in the real export)
    "booking": [("online_booking", "Ease of Online booking"),
                ("schedule", "Departure/Arrival time convenient")],
    "check-in": [("checkin_service", "Checkin service"), ("online_boarding", "Online boarding")],
    "boarding": [("gate_location", "Gate location")],
    "in-flight": [("wifi", "Inflight wifi service"), ("food_drink", "Food and drink"),
                  ("seat_comfort", "Seat comfort"), ("entertainment", "Inflight entertainment"),
                  ("onboard_service", "On-board service"), ("leg_room", "Leg room service"),
                  ("inflight_service", "Inflight service"), ("cleanliness", "Cleanliness")],
    "arrival": [("baggage", "Baggage handling")],
}


def _passenger() -> StudyShape:
    tps = [[t for t, _ in v] for v in PASSENGER_TOUCHPOINTS.values()]
    ratings = {t: c for v in PASSENGER_TOUCHPOINTS.values() for t, c in v}
    return StudyShape(
        name="Passenger satisfaction survey", stages=tuple(PASSENGER_TOUCHPOINTS),
        touchpoints=tuple(tuple(t) for t in tps), sources=("survey",), scale=(1, 5), not_applicable=0,
        outcome="labels", outcome_labels=("satisfied", "neutral or dissatisfied"), respondents=240,
        ages=(7, 85), tenure_scale=50,
        columns={**ratings, "respondent_id": "id", "age": "Age", "outcome": "satisfaction", "tenure_months": "Flight Distance"},
        labels={"check-in": "Check-in", "in-flight": "In-flight", **ratings},
        categories={"Gender": (("Female", "Male"), (0.5, 0.5)),"Customer Type": (("Loyal Customer", "disloyal Customer"), (0.8, 0.2)),
                    "Type of Travel": (("Business travel", "Personal Travel"), (0.65, 0.35)),
                    "Class": (("Business", "Eco", "Eco Plus"), (0.45, 0.45, 0.10))})


OMNI_EVENTS = {  # touchpoint -> event names of this retailer's log (none is a demo event name)
    "social_ad": ("promo_impression", "promo_tap"), "website_visit": ("site_session", "catalogue_search"),
    "store_visit": ("store_footfall",), "account_signup": ("member_registered",),
    "first_purchase": ("basket_add", "order_submitted", "order_paid"), "whatsapp_chat": ("wa_message",),
    "delivery": ("parcel_scan",), "support_call": ("helpline_call",), "returns": ("return_request",),
    "loyalty_email": ("newsletter_open", "voucher_redeemed"),
}


def _omnichannel() -> StudyShape:
    return StudyShape(
        name="Omnichannel retailer tracker", framework="omnichannel", sources=("survey", "events"),
        scale=(1, 7), nps=True, csat=True, outcome="binary", weights=True, panel=True,
        future_state=True, respondents=150, ages=(18, 75), events=OMNI_EVENTS, delimiter=";",
        columns={"outcome": "returned_90d"}, quality={"age_range": [18, 99]},
        categories={"region": (("Java", "Sumatra", "Kalimantan", "Sulawesi"), (0.55, 0.2, 0.15, 0.1)),
                    "member_tier": (("basic", "silver", "gold"), (0.6, 0.3, 0.1))})


def _sparse() -> StudyShape:
    return StudyShape(
        name="Layanan izin usaha (interviews)", stages=("pengajuan", "verifikasi", "keputusan", "pengambilan"),
        touchpoints=(("formulir_online", "loket"), ("cek_dokumen",), ("surat_keputusan",), ("ambil_izin",)),
        labels={"pengajuan": "Pengajuan", "verifikasi": "Verifikasi", "keputusan": "Keputusan",
                "pengambilan": "Pengambilan izin", "formulir_online": "Formulir online",
                "loket": "Loket layanan", "cek_dokumen": "Cek dokumen",
                "surat_keputusan": "Surat keputusan", "ambil_izin": "Ambil izin"},
        sources=("interviews",), participants=5, excerpts=14, language="id")


# ============================================================================ framework and study
def _write_framework(shape: StudyShape, out: Path) -> JourneyFramework:
    if shape.framework:
        base = yaml.safe_load((resources.files("cjm_research.core") / "frameworks"
                               / f"{shape.framework}.yml").read_text(encoding="utf-8"))
        for tp in base["touchpoints"]:  # the stages and touchpoints of the built-in, this log's names
            tp["events"] = list(shape.events.get(tp["id"], (f"{tp['id']}_event",)))
        base["name"] = f"{base['name']} ({shape.name})"
    else:
        base = {"name": f"{shape.name} journey", "version": 1, "stages": [], "channels": list(CHANNELS),
                "touchpoints": []}
        for i, (stage, tps) in enumerate(zip(shape.stages, shape.touchpoint_ids())):
            base["stages"].append({"id": stage, "label": shape.labels.get(stage, stage.capitalize()),
                                   "backstage": {"internal_actors": [f"Team {i + 1}"]}})
            for j, tp in enumerate(tps):
                base["touchpoints"].append({
                    "id": tp, "label": shape.labels.get(tp, tp.replace("_", " ").capitalize()),
                    "stage": stage, "channel": CHANNELS[(i + j) % len(CHANNELS)], "owner": f"Team {i + 1}",
                    "visibility": "frontstage", "events": list(shape.events.get(tp, (f"{tp}_done",)))})
    _write_yaml(out / "framework.yml", base)
    return JourneyFramework.load(out / "framework.yml")


def rating_column(shape: StudyShape, touchpoint: str) -> str:
    """The survey column of a touchpoint rating (the shape's own name, else ``tp_<id>``)."""
    return shape.columns.get(touchpoint, f"tp_{touchpoint}")


def column(shape: StudyShape, key: str) -> str:
    """The survey column of ``respondent_id``, ``age`` or ``tenure_months`` in this shape."""
    return shape.columns.get(key, key)


def study_mapping(shape: StudyShape, fw: JourneyFramework) -> dict:
    """The ``study.yml`` content of a shape."""
    files = {"survey": "survey.csv", "interviews": "interviews.csv", "events": "events.csv"}
    data = {"name": shape.name, "framework": "framework.yml", "language": shape.language,
            "min_cell_size": 5}
    if "survey" in shape.sources:
        data["survey"] = _survey_mapping(shape, fw)
        if shape.outcome:
            data["outcome"] = _outcome_mapping(shape)
        if shape.quality:
            data["quality"] = dict(shape.quality)
    if "interviews" in shape.sources:
        data["interviews"] = {"participant": "participant"}
    if "events" in shape.sources:
        data["events"] = {"customer": "customer_id", "timestamp": "timestamp", "event": "event",
                          "channel": "channel"}
    data["quarters"] = {q: {k: f"{q}/{f}" for k, f in files.items() if k in shape.sources}
                        for q in shape.quarters}
    if shape.future_state:
        data["future_state"] = "future_state.yml"
    return data


def _survey_mapping(shape: StudyShape, fw: JourneyFramework) -> dict:
    m = {"respondent_id": column(shape, "respondent_id")}
    if "events" in shape.sources:
        m["customer_id"] = "customer_id"
    m["persona_features"] = {"numeric": [column(shape, "age"), column(shape, "tenure_months")],
                             "categorical": list(shape.categories)}
    if shape.nps:
        m["nps"] = "nps"
    if shape.csat:
        m["csat"] = {s: f"csat_{_slug(s)}" for s in fw.stages}
    if shape.ces:
        m["ces"] = {s: f"ces_{_slug(s)}" for s in fw.stages}
    m["touchpoint_ratings"] = {t: rating_column(shape, t) for t in fw.touchpoints}
    m["scales"] = {"touchpoint": list(shape.scale)}
    m["not_applicable"] = [] if shape.not_applicable is None else [shape.not_applicable]
    m["free_text"] = ["comment"]
    if shape.weights:
        m["weights"] = "weight"
    return m


def _outcome_mapping(shape: StudyShape) -> dict:
    name = column(shape, "outcome")
    if shape.outcome == "binary":
        return {"column": name, "kind": "binary", "label": "Returned within 90 days"}
    if shape.outcome == "labels":
        return {"column": name, "kind": "labels", "positive": [shape.outcome_labels[0]],
                "negative": list(shape.outcome_labels[1:]), "label": shape.outcome_labels[0].capitalize()}
    return {"column": name, "kind": "scale", "scale": [1, 5], "positive": [4, 5],
            "label": "Intent to return"}


def _future_state(shape: StudyShape, fw: JourneyFramework) -> dict:
    first = fw.stages[0]
    tp = fw.touchpoints_in(first)[0].id
    targets = {"csat": 80} if shape.csat else {}
    return {"name": "Future state", "baseline_quarter": shape.quarters[-1],
            "stages": {first: {"targets": targets, "emotion": 0.5,
                               "touchpoints": {"added": [], "removed": [], "changed": [tp]}}},
            "opportunities": [{"title": f"Simplify {fw.label(tp).lower()}", "stage": first,
                               "pain_points": [f"{tp}_pain"], "owner": fw.touchpoint(tp).owner or "CX team",
                               "impact": 4, "effort": 2}]}


# ============================================================================ data
def _rng(seed: int, part: str) -> np.random.Generator:
    # crc32, not hash(): Python salts str hashes per process, and the files must not change
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(part.encode())]))


def _people(shape: StudyShape, rng: np.random.Generator) -> pd.DataFrame:
    """The population respondents are drawn from: ids, a latent mood, age, tenure, categories."""
    n = shape.respondents * 3
    frame = pd.DataFrame({"person": np.arange(n), "mood": rng.normal(0, 1, n),
                          "age": rng.integers(shape.ages[0], shape.ages[1] + 1, n),
                          "tenure_months": rng.poisson(24, n)})
    for name, (values, shares) in shape.categories.items():
        frame[name] = rng.choice(values, size=n, p=np.asarray(shares) / sum(shares))
    return frame


def _sample(shape: StudyShape, people: pd.DataFrame, rng) -> pd.DataFrame:
    if shape.panel:  # a fixed panel answers every quarter, with a little churn
        chosen = people.iloc[: shape.respondents + shape.respondents // 5]
        chosen = chosen.sample(n=shape.respondents, random_state=rng.integers(2**31)).sort_values("person")
    else:
        chosen = people.sample(n=shape.respondents, random_state=rng.integers(2**31)).sort_values("person")
    return chosen.reset_index(drop=True)


def _rating(latent: np.ndarray, scale: tuple) -> np.ndarray:
    lo, hi = scale
    mid, spread = (lo + hi) / 2, (hi - lo) / 4
    return np.clip(np.rint(mid + spread * latent), lo, hi).astype(int)


def _survey(shape: StudyShape, fw: JourneyFramework, s: pd.DataFrame, q: str, rng) -> pd.DataFrame:
    n = len(s)
    out = pd.DataFrame({column(shape, "respondent_id"): [f"R{p:05d}" if shape.panel else f"{q}-{i + 1:04d}"
                                          for i, p in zip(range(n), s["person"])]})
    if "events" in shape.sources:
        out["customer_id"] = [f"C{p:06d}" for p in s["person"]]
    out[column(shape, "age")] = s["age"].to_numpy()
    out[column(shape, "tenure_months")] = s["tenure_months"].to_numpy() * shape.tenure_scale
    for name in shape.categories:
        out[name] = s[name].to_numpy()
    mood = s["mood"].to_numpy()
    stage_shift = {st: rng.normal(0, 0.4) for st in fw.stages}
    touchpoint_means = []
    for tp in fw.touchpoints.values():
        latent = mood + stage_shift[tp.stage] + rng.normal(0, 0.8, n)
        touchpoint_means.append(latent)
        values = _rating(latent, shape.scale).astype(object)
        if shape.not_applicable is not None:
            values[rng.random(n) < 0.1] = shape.not_applicable
        values[rng.random(n) < 0.03] = None  # skipped questions
        out[rating_column(shape, tp.id)] = values
    if shape.csat:
        for st in fw.stages:
            out[f"csat_{_slug(st)}"] = _rating(mood + stage_shift[st] + rng.normal(0, 0.7, n), (1, 5))
    if shape.ces:
        for st in fw.stages:  # effort: lower is better, so it falls as the mood rises
            out[f"ces_{_slug(st)}"] = _rating(-mood + rng.normal(0, 0.8, n), (1, 7))
    if shape.nps:
        out["nps"] = _rating(mood * 1.2 + 0.6 + rng.normal(0, 0.6, n), (0, 10))
    if shape.outcome:
        out[column(shape, "outcome")] = _outcome(shape, np.mean(touchpoint_means, axis=0), rng)
    if shape.weights:
        out["weight"] = np.round(rng.uniform(0.5, 2.0, n), 2)
    out["comment"] = _comments(mood, rng, shape.language)
    if shape.delimiter == ";":  # a European spreadsheet export writes decimal commas
        out = out.apply(lambda c: c.map(lambda v: f"{v:.2f}".replace(".", ",")) if c.dtype == float else c)
    return out


def _outcome(shape: StudyShape, drive: np.ndarray, rng) -> np.ndarray:
    p = 1 / (1 + np.exp(-(1.5 * drive + rng.normal(0, 0.5, len(drive)))))
    hit = rng.random(len(drive)) < p
    if shape.outcome == "binary":
        return hit.astype(int)
    if shape.outcome == "labels":
        return np.where(hit, shape.outcome_labels[0], shape.outcome_labels[-1])
    return _rating(drive, (1, 5))


COMMENTS = {
    "en": (("It took far too long.", "Nobody answered my question.", "Confusing and slow."),
           ("It was fine.", "Nothing special.", ""),
           ("Quick and friendly, thank you!", "Very easy this time.", "Great service.")),
    "id": (("Terlalu lama menunggu.", "Tidak ada yang menjawab.", "Membingungkan dan lambat."),
           ("Biasa saja.", "Cukup.", ""),
           ("Cepat dan ramah, terima kasih!", "Sangat mudah kali ini.", "Pelayanan bagus.")),
}


def _comments(mood: np.ndarray, rng, language: str) -> list[str]:
    pools = COMMENTS.get(language, COMMENTS["en"])
    tone = np.digitize(mood, [-0.5, 0.5])
    return [pools[t][rng.integers(3)] if rng.random() < 0.5 else "" for t in tone]


EXCERPTS = {
    "en": {"pain": ("The {tp} step was slow and I had to ask twice.", "I gave up at the {tp} at first."),
           "gain": ("The {tp} was easier than I expected.", "Staff at the {tp} really helped.")},
    "id": {"pain": ("Di {tp} saya harus menunggu lama sekali.", "Proses {tp} membingungkan."),
           "gain": ("{tp} ternyata mudah.", "Petugas di {tp} sangat membantu.")},
}


def _interviews(shape: StudyShape, fw: JourneyFramework, q: str, rng) -> pd.DataFrame:
    """Coded excerpts: few per cell; a cell is (stage, touchpoint), many hold one excerpt only."""
    tps = list(fw.touchpoints.values())
    rows = []
    for i in range(shape.excerpts):
        # one excerpt for each touchpoint first, then a few cells get the rest: real coding is lumpy
        tp = tps[i] if i < len(tps) else tps[min(int(rng.exponential(len(tps) / 4)), len(tps) - 1)]
        kind = "pain" if rng.random() < 0.55 else "gain"
        text = EXCERPTS.get(shape.language, EXCERPTS["en"])[kind][rng.integers(2)]
        score = round(float(np.clip(rng.normal(-0.5 if kind == "pain" else 0.5, 0.25), -1, 1)), 2)
        rows.append({"excerpt_id": f"{q}-E{i + 1:03d}", "participant": f"P{rng.integers(shape.participants) + 1:02d}",
                     "stage": tp.stage, "touchpoint": tp.id if i < len(tps) or rng.random() < 0.85 else "",
                     "channel": tp.channel, "text": text.format(tp=fw.label(tp.id, shape.language).lower()),
                     "pain_point": f"{tp.id}_pain" if kind == "pain" else "",
                     "gain": f"{tp.id}_gain" if kind == "gain" else "",
                     "emotion": "frustrated" if kind == "pain" else "relieved", "emotion_score": score})
    return pd.DataFrame(rows)


def _events(fw: JourneyFramework, s: pd.DataFrame, q: str, rng) -> pd.DataFrame:
    """Each customer walks the stages in order, dropping out on the way; times in local +07:00."""
    start = pd.Timestamp(f"{q[:4]}-{3 * int(q[-1]) - 2:02d}-01", tz="Asia/Jakarta")
    rows = []
    for person in s["person"]:
        t = start + pd.Timedelta(minutes=int(rng.integers(0, 80 * 24 * 60)))
        for stage in fw.stages:
            for tp in fw.touchpoints_in(stage):
                if rng.random() < 0.6:
                    t += pd.Timedelta(minutes=int(rng.integers(1, 600)))
                    rows.append({"customer_id": f"C{person:06d}", "timestamp": t.isoformat(),
                                 "event": tp.events[rng.integers(len(tp.events))] if tp.events else tp.id,
                                 "channel": tp.channel})
            if rng.random() < 0.3:
                break
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "event", "channel"])


# ============================================================================ files
def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in str(text).lower()).strip("_") or "x"


def _write_table(frame: pd.DataFrame, path: Path, delimiter: str) -> None:
    frame.to_csv(path, index=False, sep=delimiter, lineterminator="\n", encoding="utf-8")


def _write_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")


def regenerate(root=None) -> list[Path]:
    """Rewrite every committed fixture study (run after changing this module)."""
    root = Path(root) if root else Path(__file__).parent / "fixture_studies"
    return [make_fixture(name, root / name) for name in FIXTURES]


__all__ = ["StudyShape", "check_shape", "write_study", "make_fixture", "fixture_path", "fixture_shape",
           "column", "study_mapping", "rating_column", "regenerate", "FIXTURES", "SOURCES", "OUTCOMES"]
