"""The compiled PCG64 draws what NumPy's ``Generator(PCG64(...)).random`` draws, bit for
bit, however many slot numbers it jumps over."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.core import pcg
from cxsim.core.streams import Streams


def _occurring_reference(generator, slots, active, rate, slot_id):
    """What case occurrence did before it jumped: every slot number's draws, then a mask."""
    draws = generator.random((slots, len(rate)))
    rows = np.flatnonzero(active)
    hits = np.flatnonzero(draws[slot_id[rows]] < rate)
    return rows[hits // len(rate)], hits % len(rate)


@pytest.mark.parametrize("share_active", [0.0, 0.4, 1.0])
@pytest.mark.parametrize("held", [1.0, 0.6, 0.02])
def test_occurring_draws_as_numpy_does_for_every_slot(share_active, held):
    rng = np.random.default_rng(1)
    slots = 30000
    slot_id = np.flatnonzero(rng.random(slots) < held)  # rows hold some slots, in order
    active = rng.random(len(slot_id)) < share_active
    rate = np.array([0.3, 0.3, 0.05, 0.05])
    streams = Streams(12)
    expected = _occurring_reference(streams.generator("occ", 5), slots, active, rate, slot_id)
    state = pcg.numpy_state(streams.generator("occ", 5))
    got = pcg.occurring(*state, active, rate, slot_id)
    assert len(got[0]) > 0 or share_active == 0.0
    for a, b in zip(got, expected, strict=True):
        assert np.array_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**63),
    slots=st.integers(1, 5000),
    held=st.floats(0.0, 1.0),
    width=st.integers(1, 6),
)
def test_occurring_matches_numpy_for_any_state_layout_and_width(seed, slots, held, width):
    rng = np.random.default_rng(seed % 2**32)
    slot_id = np.flatnonzero(rng.random(slots) < held)
    active = rng.random(len(slot_id)) < 0.8
    rate = rng.random(width)
    generator = np.random.Generator(np.random.PCG64(seed))
    state = pcg.numpy_state(np.random.Generator(np.random.PCG64(seed)))
    expected = _occurring_reference(generator, slots, active, rate, slot_id)
    for a, b in zip(pcg.occurring(*state, active, rate, slot_id), expected, strict=True):
        assert np.array_equal(a, b)


def test_only_a_pcg64_state_is_read():
    with pytest.raises(ValueError, match="PCG64"):
        pcg.numpy_state(np.random.Generator(np.random.MT19937(1)))
