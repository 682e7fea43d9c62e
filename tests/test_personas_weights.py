"""PersonaModel.profile(weights=): weighted persona shares and means, equal weights change nothing."""

import numpy as np
import pandas as pd
import pytest

import cjm_research as cjm
from cjm_research.core.errors import DataError

DATA = pd.read_csv(__file__.replace("test_personas_weights.py", "data/legacy_spec/respondents.csv"))


@pytest.fixture(scope="module")
def model():
    return cjm.PersonaModel(["age", "monthly_orders", "channel"], k=2, random_state=0).fit(DATA)


def test_equal_weights_give_the_unweighted_profile(model):
    plain = model.profile()
    weighted = model.profile(weights=np.full(len(DATA), 2.5))
    pd.testing.assert_frame_equal(weighted.drop(columns="n_eff"), plain, check_dtype=False)
    assert (weighted["n_eff"] == len(DATA)).all()


def test_weights_move_the_shares_and_means_as_by_hand(model):
    w = np.where(model.labels_ == 0, 3.0, 1.0) * np.where(DATA["age"] > 50, 2.0, 1.0)
    out = model.profile(weights=w).set_index("persona")
    for p in (0, 1):
        mine = model.labels_ == p
        assert out.loc[p, "share"] == pytest.approx(w[mine].sum() / w.sum())
        assert out.loc[p, "age"] == pytest.approx(np.average(DATA["age"][mine], weights=w[mine]))
        assert out.loc[p, "n"] == mine.sum()


def test_confidence_narrows_the_profile_intervals(model):
    wide, narrow = model.profile(), model.profile(confidence=0.9)
    assert (narrow["age_ci_high"] - narrow["age_ci_low"] < wide["age_ci_high"] - wide["age_ci_low"]).all()
    assert (narrow["age"] == wide["age"]).all()


@pytest.mark.parametrize("bad", [np.ones(3), -np.ones(len(DATA)), np.zeros(len(DATA))])
def test_bad_weights_are_one_clear_error(model, bad):
    with pytest.raises(DataError, match="`weights` must hold one non-negative number per respondent"):
        model.profile(weights=bad)
