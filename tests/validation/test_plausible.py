"""Plausible distributions of uncertain constants: reading, drawing, refusing."""

import numpy as np
import pytest
from scipy import stats

from cxsim.core.parameters import ModelParameters, plausible_constants
from cxsim.validation.errors import InputError
from cxsim.validation.plausible import Fixed, Plausible, plausible_from_table

PATH = '[uncertainty] "trust.loss"'


@pytest.mark.parametrize(
    "table, reference",
    [
        ({"distribution": "uniform", "low": 0.1, "high": 0.3}, stats.uniform(0.1, 0.2)),
        (
            {"distribution": "triangular", "low": 0.25, "mode": 0.4, "high": 0.55},
            stats.triang(0.5, 0.25, 0.3),
        ),
        (
            {"distribution": "beta", "alpha": 2, "beta": 5, "low": 0.09, "high": 0.36},
            stats.beta(2, 5, 0.09, 0.27),
        ),
    ],
)
def test_a_distribution_draws_through_its_quantile_function(table, reference):
    plausible = plausible_from_table(table, PATH)
    u = np.linspace(0.01, 0.99, 25)
    assert np.allclose(plausible.ppf(u), reference.ppf(u))
    assert plausible.mean() == pytest.approx(reference.mean())
    assert plausible_from_table(plausible.to_table(), PATH) == plausible


def test_a_lognormal_is_truncated_to_its_bounds():
    table = {"distribution": "lognormal", "median": 4, "sd_log": 0.5, "low": 3, "high": 6}
    plausible = plausible_from_table(table, PATH)
    values = plausible.ppf(np.random.default_rng(1).uniform(size=20_000))
    assert values.min() >= 3 and values.max() <= 6
    assert plausible.ppf(np.array([0.0, 1.0])).tolist() == pytest.approx([3.0, 6.0])
    # the truncated distribution's mean, checked against the draws
    assert values.mean() == pytest.approx(plausible.mean(), abs=0.02)
    assert np.median(values) < 4.2  # the median sits between the bounds' quantiles


def test_fixed_holds_a_constant_at_one_value():
    assert plausible_from_table({"fixed": 0.18}, PATH) == Fixed(0.18)
    assert str(Fixed(0.18)) == "fixed at 0.18"


@pytest.mark.parametrize(
    "table, where, expected",
    [
        ({"distribution": "gamma", "low": 0, "high": 1}, ".distribution", "one of uniform"),
        ({"distribution": "uniform", "low": 0.3}, ".high", "a finite number"),
        ({"distribution": "uniform", "low": 0.3, "high": 0.1}, ".high", "a number above low"),
        ({"distribution": "uniform", "low": 0, "high": 1, "mode": 0.5}, ".mode", "uniform"),
        (
            {"distribution": "triangular", "low": 0, "mode": 2, "high": 1},
            ".mode",
            "from low to high",
        ),
        ({"distribution": "beta", "alpha": 0, "beta": 1, "low": 0, "high": 1}, ".alpha", "> 0"),
        ({"distribution": "uniform", "low": "a", "high": 1}, ".low", "a finite number"),
        ({"distribution": "uniform", "low": float("nan"), "high": 1}, ".low", "finite"),
        ({"fixed": 0.2, "low": 0.1}, ".low", "nothing beside fixed"),
        ({"fixed": True}, ".fixed", "a finite number"),
        (0.2, "", "a table such as"),
    ],
)
def test_a_bad_distribution_gets_a_one_line_error_naming_its_key(table, where, expected):
    with pytest.raises(InputError) as caught:
        plausible_from_table(table, PATH)
    message = str(caught.value)
    assert message.startswith(PATH + where + ":"), message
    assert expected in message and "\n" not in message


def test_the_constants_that_matter_declare_their_plausible_ranges():
    declared = plausible_constants()
    # the constants the sensitivity experiment found to matter (experiments/sensitivity.md)
    assert {
        "handoffs.base_failure",
        "trust.loss",
        "cases.problem_rate",
        "repurchase.trust_weight",
        "cases.cross_functional_share",
    } <= set(declared)
    defaults = ModelParameters()
    for path, plausible in declared.items():
        group, name = path.split(".")
        default = getattr(getattr(defaults, group), name)
        assert isinstance(plausible, Plausible)
        assert plausible.low <= default <= plausible.high, path
