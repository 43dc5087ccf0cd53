import numpy as np

from cxsim.core.streams import Streams, decision_key


def uniform(streams: Streams, decision: str, week: int, size: int) -> np.ndarray:
    return streams.generator(decision, week).random(size)


def test_same_decision_and_week_give_the_same_draws():
    a = uniform(Streams(7), "cases/occurrence", 3, 100)
    b = uniform(Streams(7), "cases/occurrence", 3, 100)
    assert np.array_equal(a, b)


def test_decisions_weeks_and_seeds_are_independent_streams():
    s = Streams(7)
    base = uniform(s, "cases/occurrence", 3, 100)
    assert not np.array_equal(base, uniform(s, "cases/stage", 3, 100))
    assert not np.array_equal(base, uniform(s, "cases/occurrence", 4, 100))
    assert not np.array_equal(base, uniform(Streams(8), "cases/occurrence", 3, 100))


def test_a_longer_draw_starts_with_the_shorter_one():
    """Drawing for more slots (more customers) leaves earlier slots' luck unchanged."""
    s = Streams(1)
    assert np.array_equal(uniform(s, "x", 0, 50), uniform(s, "x", 0, 80)[:50])


def test_decision_key_is_stable_across_processes():
    assert decision_key("cases/occurrence") == 2581779048


def test_negative_seed_is_refused():
    import pytest

    with pytest.raises(ValueError):
        Streams(-1)


def test_keyed_draws_depend_only_on_the_key():
    s = Streams(3)
    keys = np.array([5, 17, 900, 2**40])
    alone = s.keyed_uniform("service/solve", 2, keys[2:3])
    together = s.keyed_uniform("service/solve", 2, keys)
    assert together[2] == alone[0]
    assert not np.array_equal(together, s.keyed_uniform("service/handoff", 2, keys))
    assert not np.array_equal(together, s.keyed_uniform("service/solve", 3, keys))


def test_keyed_draws_are_uniform_and_independent_across_decisions():
    from scipy import stats

    s = Streams(1)
    keys = np.arange(200_000)
    a = s.keyed_uniform("a", 0, keys)
    b = s.keyed_uniform("b", 0, keys)
    assert a.min() >= 0 and a.max() < 1
    assert stats.kstest(a, "uniform").pvalue > 0.001
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01
    assert abs(np.corrcoef(a[:-1], a[1:])[0, 1]) < 0.01


def test_streams_are_numpys_seed_sequence_bit_for_bit():
    """The compiled SeedSequence gives NumPy's state for any entropy, so draws are
    NumPy's ``Generator(PCG64(SeedSequence([seed, crc32(name), week, *keys])))``."""
    rng = np.random.default_rng(8)
    for trial in range(400):
        high = (2**20, 2**32, 2**63)[trial % 3]
        seed, week, *keys = (int(v) for v in rng.integers(0, high, 2 + trial % 3))
        if trial % 5 == 0:
            seed, week = 0, 0
        streams = Streams(seed)
        entropy = [seed, decision_key("cases/occurrence"), week, *keys]
        sequence = np.random.SeedSequence(entropy)
        expected = np.random.Generator(np.random.PCG64(sequence)).random(7)
        assert np.array_equal(
            streams.generator("cases/occurrence", week, *keys).random(7), expected
        )
        if not keys:
            assert (
                streams.stream_key("cases/occurrence", week)
                == (sequence.generate_state(1, dtype=np.uint64)[0])
            )
