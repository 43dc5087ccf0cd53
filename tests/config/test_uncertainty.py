"""The [uncertainty] table: which constants are uncertain, and seeded draws of them."""

import numpy as np
import pytest
from scipy import stats

from cxsim.config.scenario import Scenario
from cxsim.config.uncertainty import read_uncertainty
from cxsim.core.parameters import plausible_constants
from cxsim.validation.errors import InputError
from tests.conftest import SCENARIOS


def test_by_default_every_declared_constant_is_uncertain():
    uncertainty = read_uncertainty(None)
    assert uncertainty.distributions == plausible_constants()
    assert uncertainty.fixed == {}


def test_the_table_narrows_fixes_and_adds_by_dotted_path():
    table = {
        "cases.cross_functional_share": {"distribution": "uniform", "low": 0.05, "high": 0.9},
        "trust.loss": {"fixed": 0.18},
        "trust.gain": {"distribution": "uniform", "low": 0.05, "high": 0.1},
    }
    uncertainty = read_uncertainty(table, Scenario.load(SCENARIOS / "siloed.toml"))
    assert uncertainty.distributions["cases.cross_functional_share"].low == 0.05
    assert "trust.loss" not in uncertainty.distributions and uncertainty.fixed == {
        "trust.loss": 0.18
    }
    assert "trust.gain" in uncertainty.distributions  # added
    assert "handoffs.base_failure" in uncertainty.distributions  # still declared
    only = read_uncertainty({"default": "none", **table})
    assert only.paths == ["cases.cross_functional_share", "trust.gain"]
    assert read_uncertainty(only.to_table()) == only


def test_draws_are_seeded_stratified_and_follow_each_distribution():
    uncertainty = read_uncertainty(
        {
            "default": "none",
            "a.x": {"distribution": "uniform", "low": 0.0, "high": 1.0},
            "a.y": {"distribution": "triangular", "low": 0.25, "mode": 0.4, "high": 0.55},
        }
    )
    draws = uncertainty.draws(400, seed=3)
    assert list(draws.columns) == ["a.x", "a.y"] and len(draws) == 400
    assert draws.equals(uncertainty.draws(400, seed=3))
    assert not draws.equals(uncertainty.draws(400, seed=4))
    # a Latin hypercube puts exactly one draw in each of the 400 equal-probability strata
    strata = np.floor(draws["a.x"] * 400).astype(int)
    assert sorted(strata) == list(range(400))
    assert stats.kstest(draws["a.y"], stats.triang(0.5, 0.25, 0.3).cdf).pvalue > 0.5
    sobol = uncertainty.draws(256, seed=3, design="sobol")
    assert abs(sobol["a.x"].mean() - 0.5) < 0.01
    row = draws.iloc[0]
    assert read_uncertainty({"default": "none", "t.z": {"fixed": 2}}).overrides(row) == {
        "t.z": 2.0,
        "a.x": row["a.x"],
        "a.y": row["a.y"],
    }


@pytest.mark.parametrize(
    "table, message",
    [
        ({"default": "all"}, '[uncertainty].default: expected "declared" or "none", got \'all\''),
        (
            {"trust.loss": {"distribution": "uniform", "low": 0.5, "high": 0.2}},
            '[uncertainty] "trust.loss".high: expected a number above low (0.5), got 0.2',
        ),
        (
            {"trust.nothing": {"distribution": "uniform", "low": 0.1, "high": 0.2}},
            '[uncertainty] "trust.nothing": expected a constant of the scenario that takes 0.1',
        ),
        (
            {"trust.loss": {"distribution": "uniform", "low": 0.1, "high": 2.0}},
            '[uncertainty] "trust.loss": expected a constant of the scenario that takes 2',
        ),
        (
            {"cross_functional.coordination_cost": {"fixed": 0.9}},
            '[uncertainty] "cross_functional.coordination_cost": expected a constant of '
            "cross_functional that takes 0.9 (a finite number between 0 and 0.5)",
        ),
        (
            {"cross_functional.meetings": {"fixed": 0.1}},
            '[uncertainty] "cross_functional.meetings": expected a constant of cross_functional',
        ),
        (
            {"nowhere.meetings": {"fixed": 0.1}},
            '[uncertainty] "nowhere.meetings": expected a dotted path of the scenario, or a '
            "structure's or scheme's type.parameter",
        ),
    ],
)
def test_a_bad_entry_gets_a_one_line_error(table, message):
    with pytest.raises(InputError) as caught:
        read_uncertainty(table, Scenario.load(SCENARIOS / "siloed.toml"))
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_scenario_file_carries_its_uncertainty_table_without_changing_its_runs(tmp_path):
    text = (SCENARIOS / "siloed.toml").read_text()
    plain = tmp_path / "plain.toml"
    plain.write_text(text)
    with_table = tmp_path / "uncertain.toml"
    with_table.write_text(
        text + '\n[uncertainty]\ndefault = "none"\n"trust.loss" = { fixed = 0.2 }\n'
    )
    scenario = Scenario.load(with_table)
    assert read_uncertainty(scenario.uncertainty, scenario).fixed == {"trust.loss": 0.2}
    assert scenario.model_hash() == Scenario.load(plain).model_hash()
    assert scenario.hash() != Scenario.load(plain).hash()
    assert Scenario.from_dict(scenario.to_dict()).uncertainty == scenario.uncertainty
    bad = tmp_path / "bad.toml"
    bad.write_text(text + '\n[uncertainty]\n"trust.loss" = { fixed = 3 }\n')
    with pytest.raises(InputError, match=r'bad.toml: \[uncertainty\] "trust.loss": expected'):
        Scenario.load(bad)


def _shipped(*names: str) -> list[Scenario]:
    return [Scenario.load(SCENARIOS / f"{name}.toml") for name in names]


def test_the_costs_of_collaboration_are_uncertain_where_pods_are_in_play():
    costs = {
        "cross_functional.coordination_cost",
        "cross_functional.borrowing",
        "cross_functional.specialization_loss",
        "cross_functional.in_pod_friction",
        "cross_functional.queue_ownership",
    }
    assert not costs & set(read_uncertainty(None, _shipped("siloed")).paths)
    compared = read_uncertainty(None, _shipped("siloed", "collaborative"))
    assert costs <= set(compared.paths)
    # a restructure into pods brings them into play too
    assert costs <= set(read_uncertainty(None, _shipped("siloed", "transformation")).paths)


def test_a_draw_sets_a_components_constant_only_where_that_component_is():
    siloed, collaborative, transformation = _shipped("siloed", "collaborative", "transformation")
    uncertainty = read_uncertainty(
        {
            "default": "none",
            "cross_functional.coordination_cost": {
                "distribution": "uniform",
                "low": 0.1,
                "high": 0.2,
            },
            "trust.loss": {"distribution": "uniform", "low": 0.1, "high": 0.3},
        },
        [siloed, collaborative],
    )
    draw = {"cross_functional.coordination_cost": 0.15, "trust.loss": 0.25}
    silo = uncertainty.apply(siloed, draw)
    assert silo.structure == siloed.structure  # the silo does not pay the pods' meetings
    assert silo.parameters.trust.loss == 0.25
    pods = uncertainty.apply(collaborative, draw)
    assert pods.structure.coordination_cost == 0.15 and pods.parameters.trust.loss == 0.25
    assert pods.warm_up_structure == collaborative.warm_up_structure  # settles as the silo
    changed = uncertainty.apply(transformation, draw)
    (restructure,) = [i for i in changed.interventions if i.type_name() == "restructure"]
    assert restructure.targets()["structure"].coordination_cost == 0.15
    assert changed.structure == transformation.structure
    held = uncertainty.without(["trust.loss"])
    assert held.paths == ["cross_functional.coordination_cost"]
