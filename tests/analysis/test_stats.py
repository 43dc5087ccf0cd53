import numpy as np
import pytest

from cxsim.analysis.stats import mean_interval, paired_difference, ratio_interval


def test_interval_covers_the_mean_at_the_stated_rate():
    rng = np.random.default_rng(0)
    inside = 0
    for _ in range(2000):
        i = mean_interval(rng.normal(1.0, 2.0, 10))
        inside += i.low < 1.0 < i.high
    assert abs(inside / 2000 - 0.95) < 0.015


def test_paired_difference_cancels_shared_noise():
    rng = np.random.default_rng(1)
    shared = rng.normal(0, 5, 20)
    base = shared + rng.normal(0, 0.1, 20)
    treated = shared + 1.0 + rng.normal(0, 0.1, 20)
    d = paired_difference(treated, base)
    assert d.low > 0.9 and d.high < 1.1 and d.half_width < 0.1


def test_ratio_interval_covers_the_ratio_at_the_stated_rate():
    # correlated numerator and denominator, as paired costs and revenues are
    rng = np.random.default_rng(2)
    inside = 0
    for _ in range(2000):
        shared = rng.normal(0.0, 1.0, 8)
        denominator = 10.0 + 2.0 * shared + rng.normal(0.0, 1.0, 8)
        numerator = 15.0 + 3.5 * shared + rng.normal(0.0, 1.5, 8)
        r = ratio_interval(numerator, denominator)
        inside += r.low < 1.5 < r.high
    assert abs(inside / 2000 - 0.95) < 0.015


def test_ratio_interval_is_unbounded_when_the_denominator_may_be_zero():
    rng = np.random.default_rng(3)
    r = ratio_interval(rng.normal(5.0, 1.0, 6), rng.normal(0.0, 1.0, 6))
    assert r.low == -np.inf and r.high == np.inf
    exact = ratio_interval([20.0, 22.0, 24.0], [10.0, 11.0, 12.0])  # every pair at ratio 2
    assert exact.mean == pytest.approx(2.0) and exact.low == pytest.approx(2.0)
    assert exact.high == pytest.approx(2.0)


def test_one_replication_has_no_interval():
    with pytest.raises(ValueError):
        mean_interval([1.0])


def test_mser_cuts_a_transient_and_refuses_a_trend():
    from cxsim.analysis.stats import mser_truncation

    rng = np.random.default_rng(4)
    weeks = np.arange(400)
    transient = 2.0 * np.exp(-weeks / 12.0) + rng.normal(0, 0.1, 400)
    cut = mser_truncation(transient)
    assert cut is not None and 25 <= cut <= 90
    assert mser_truncation(rng.normal(0, 0.1, 400)) <= 40
    assert mser_truncation(0.01 * weeks + rng.normal(0, 0.1, 400)) is None
