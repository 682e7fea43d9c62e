"""Hypothesis strategies that draw study shapes, for tests that must hold on ANY valid study.

Use :func:`study_shapes` with ``@given`` and write the drawn shape with
:func:`cjm_research.datasets.fixtures.write_study`::

    from hypothesis import given, settings
    from strategies import study_shapes

    @settings(max_examples=20, deadline=None)
    @given(shape=study_shapes())
    def test_something(shape, tmp_path_factory):
        path = write_study(shape, tmp_path_factory.mktemp("s"))
        ...

Shapes vary in everything a real study varies in: which sources exist (any non-empty mix of
survey, interviews, events), 2..7 stages with any names (non-English ones too), 1..4
touchpoints a stage, rating scales 1..5 / 1..7 / 0..10 / 1..5 with 0 = not applicable, with or
without NPS, CSAT, CES, an outcome (binary, text-labelled, scale), weights, panel ids and a future
state. Sizes stay small so a test over many shapes stays fast.
"""

from __future__ import annotations

from hypothesis import strategies as st

from cjm_research.datasets.fixtures import SOURCES, StudyShape

# Stage names as researchers write them: English, Indonesian, French, German, Japanese, with
# spaces, hyphens and accents; ids are what the framework file holds.
STAGE_NAMES = ("awareness", "pencarian", "pendaftaran", "pembayaran", "check-in", "in-flight",
               "découverte", "achat", "Nachbetreuung", "予約", "onboarding", "decision", "renewal",
               "pengambilan izin", "support", "retention")

# The scale of touchpoint ratings and the code (if any) that means "not applicable"
SCALES = (((1, 5), None), ((1, 7), None), ((0, 10), None), ((1, 5), 0))


@st.composite
def study_shapes(draw, *, sources=None, max_stages: int = 7) -> StudyShape:
    """Draw a :class:`~cjm_research.datasets.fixtures.StudyShape` (keyword ``sources`` fixes the mix)."""
    if sources is None:
        sources = draw(st.sets(st.sampled_from(SOURCES), min_size=1))
    stages = draw(st.lists(st.sampled_from(STAGE_NAMES), min_size=2, max_size=max_stages, unique=True))
    touchpoints = tuple(draw(st.lists(st.integers(1, 4), min_size=len(stages), max_size=len(stages))))
    scale, not_applicable = draw(st.sampled_from(SCALES))
    survey = "survey" in sources
    flag = st.booleans() if survey else st.just(False)
    return StudyShape(
        name="Drawn study", stages=tuple(stages), touchpoints=touchpoints,
        sources=tuple(s for s in SOURCES if s in sources), scale=scale, not_applicable=not_applicable,
        nps=draw(flag), csat=draw(flag), ces=draw(flag),
        outcome=draw(st.sampled_from([None, "binary", "labels", "scale"]) if survey else st.just(None)),
        outcome_labels=draw(st.sampled_from([("satisfied", "neutral or dissatisfied"), ("ya", "tidak"),
                                             ("would return", "would not return", "not sure")])),
        weights=draw(flag), panel=draw(st.booleans()), future_state=draw(st.booleans()),
        respondents=draw(st.integers(20, 80)), participants=draw(st.integers(1, 5)),
        excerpts=draw(st.integers(1, 15)), ages=draw(st.sampled_from([(18, 80), (7, 85), (14, 99)])),
        language=draw(st.sampled_from(["en", "id"])))
