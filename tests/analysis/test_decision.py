"""Known-answer tests of the decision measures (probabilistic sensitivity analysis)."""

import numpy as np
import pytest
from scipy.stats import norm

from cxsim.analysis.decision import (
    acceptability,
    conditional_mean,
    evpi,
    evppi,
    probability_best,
)


def _normal_evpi(mean: float, sd: float) -> float:
    """EVPI of choosing between 0 and Normal(mean, sd): E[max(0, X)] - max(0, mean)."""
    z = mean / sd
    return mean * norm.cdf(z) + sd * norm.pdf(z) - max(0.0, mean)


@pytest.mark.parametrize("mean, sd", [(1.0, 2.0), (-0.5, 1.0), (0.0, 3.0)])
def test_evpi_matches_its_closed_form_for_a_normal_net_benefit(mean, sd):
    rng = np.random.default_rng(1)
    draws = mean + sd * rng.standard_normal(400_000)
    net_benefit = np.column_stack([np.zeros_like(draws), draws])
    expected = _normal_evpi(mean, sd)
    # the estimator's own spread at this many draws is about sd / sqrt(n) ~ 0.005 sd
    assert evpi(net_benefit) == pytest.approx(expected, abs=0.02 * sd)


def test_evppi_of_each_constant_matches_its_closed_form():
    """NB(B) - NB(A) = theta1 + theta2 + noise: knowing theta1 is worth the EVPI of a
    normal with theta2's mean and theta1's spread; an unrelated constant is worth nothing;
    the simulation's noise is not information."""
    rng = np.random.default_rng(2)
    n = 20_000
    theta1 = rng.normal(0.5, 2.0, n)
    theta2 = rng.normal(-0.2, 1.0, n)
    unrelated = rng.uniform(0, 1, n)
    noise = rng.normal(0, 1.5, n)
    net_benefit = np.column_stack([np.zeros(n), theta1 + theta2 + noise])
    assert evppi(net_benefit, theta1) == pytest.approx(_normal_evpi(0.3, 2.0), abs=0.05)
    assert evppi(net_benefit, theta2) == pytest.approx(_normal_evpi(0.3, 1.0), abs=0.05)
    assert evppi(net_benefit, unrelated) < 0.03
    # perfect information on everything but the noise
    assert evpi(net_benefit) > evppi(net_benefit, theta1) > evppi(net_benefit, theta2)


def test_evppi_handles_a_discrete_constant_and_more_than_two_options():
    rng = np.random.default_rng(3)
    n = 6000
    level = rng.integers(0, 3, n).astype(float)  # three values: discrete
    net_benefit = np.column_stack(
        [np.zeros(n), (level == 1) * 1.0 + rng.normal(0, 0.5, n), (level == 2) * 2.0]
    )
    # with the level known, the best option earns 0, 1 or 2: mean 1; without, option 2: 2/3
    assert evppi(net_benefit, level) == pytest.approx(1.0 - 2.0 / 3.0, abs=0.03)


def test_the_conditional_mean_follows_a_smooth_curve():
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 1, 5000)
    y = np.sin(3 * x) + rng.normal(0, 0.3, 5000)
    fitted = conditional_mean(x, y)
    assert np.abs(fitted - np.sin(3 * x)).max() < 0.08


def test_the_acceptability_curve_of_a_known_distribution():
    rng = np.random.default_rng(5)
    roi = rng.normal(1.5, 0.8, 100_000)
    thresholds = np.linspace(-1, 4, 11)
    curve = acceptability(roi, thresholds)
    assert np.allclose(curve, norm.sf(thresholds, 1.5, 0.8), atol=0.006)
    assert (np.diff(curve) <= 0).all()
    exact = acceptability([1.0, 2.0, 3.0], [0.0, 1.0, 2.5, 3.0])
    assert np.allclose(exact, [1.0, 2 / 3, 1 / 3, 0.0], rtol=0, atol=1e-12)


def test_the_probability_each_option_is_best():
    net_benefit = np.array([[1.0, 2.0, 0.0], [3.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 5.0, 0.0]])
    assert probability_best(net_benefit).tolist() == [0.375, 0.625, 0.0]


@pytest.mark.parametrize("bad", [np.zeros(5), np.zeros((1, 2)), np.full((3, 2), np.nan)])
def test_a_malformed_net_benefit_is_refused(bad):
    with pytest.raises(ValueError, match="net benefit"):
        evpi(bad)
