"""The judge's feature hashing and scaling equal scikit-learn's, which the shipped model was trained with."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from bot.judge.features import N_FEATURES, column_of, unit_rows


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_a_token_hashes_to_scikit_learns_column(token: str) -> None:
    assert column_of(token) == int(murmurhash3_32(token, seed=0, positive=True)) % N_FEATURES


def test_rows_are_scaled_to_unit_length_as_scikit_learn_does() -> None:
    matrix = sparse.random(200, 500, density=0.02, format="lil", random_state=3)
    matrix[7, :] = 0  # an empty row stays empty
    rows = matrix.tocsr()
    assert abs(unit_rows(rows) - normalize(rows)).max() < 1e-12
    assert np.allclose(np.asarray(unit_rows(rows).multiply(unit_rows(rows)).sum(axis=1)).ravel()[[0, 1]], 1.0)
