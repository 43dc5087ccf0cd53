import numpy as np

from cxsim.streams import Streams, decision_key


def test_same_decision_and_week_give_the_same_draws():
    a = Streams(7).uniform("cases/occurrence", 3, 100)
    b = Streams(7).uniform("cases/occurrence", 3, 100)
    assert np.array_equal(a, b)


def test_decisions_weeks_and_seeds_are_independent_streams():
    s = Streams(7)
    base = s.uniform("cases/occurrence", 3, 100)
    assert not np.array_equal(base, s.uniform("cases/stage", 3, 100))
    assert not np.array_equal(base, s.uniform("cases/occurrence", 4, 100))
    assert not np.array_equal(base, Streams(8).uniform("cases/occurrence", 3, 100))


def test_a_longer_draw_starts_with_the_shorter_one():
    """Drawing for more slots (more customers) leaves earlier slots' luck unchanged."""
    s = Streams(1)
    assert np.array_equal(s.uniform("x", 0, 50), s.uniform("x", 0, 80)[:50])


def test_decision_key_is_stable_across_processes():
    assert decision_key("cases/occurrence") == 2581779048


def test_negative_seed_is_refused():
    import pytest

    with pytest.raises(ValueError):
        Streams(-1)
