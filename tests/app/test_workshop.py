import gc
import weakref

import numpy as np
import pytest

from cxsim.app.workshop import Policy, ProgrammeStep, Workshop, WorkshopSetup, check_setting
from cxsim.core.model import OrganizationModel
from cxsim.validation.errors import InputError
from tests.conftest import SCENARIOS, small


def setup_of(scenario, **changes) -> WorkshopSetup:
    return WorkshopSetup.from_scenario(scenario, seed=5).with_changes(**changes)


def test_one_side_follows_the_scenario_bit_for_bit():
    scenario = small()
    workshop = Workshop(setup_of(scenario))
    for _ in range(6):
        workshop.step()
    alone = OrganizationModel(scenario, seed=5)
    alone.run(6)
    (frame,) = workshop.trends().values()
    assert frame.equals(alone.metrics_frame())
    assert workshop.week == workshop.steps == 6


def test_side_by_side_shares_the_seed_and_differs_only_by_policy():
    scenario = small()
    same = Workshop(setup_of(scenario, compare=Policy("silo", "individual_throughput")))
    other = Workshop(setup_of(scenario, compare=Policy("cross_functional", "team_recognition")))
    for _ in range(8):
        same.step()
        other.step()
    a, b = same.trends().values()
    assert len(same.organizations) == 2
    assert a.equals(b)  # same policy, same seed: identical sides, no noise
    a, b = other.trends().values()
    assert not np.allclose(a["trust"], b["trust"])
    assert list(other.trends()) == [
        "silo + individual_throughput",
        "cross_functional + team_recognition",
    ]


def test_stops_at_the_horizon():
    workshop = Workshop(setup_of(small(weeks=3)))
    for _ in range(5):
        workshop.step()
    assert workshop.week == 3
    assert not workshop.running


def test_settings_and_programme_reach_the_scenario():
    setup = setup_of(small(), settings={"customers.count": 1500, "scenario.weeks": 30})
    programme = [
        s if s.type != "training" else ProgrammeStep("training", start=4, stop=10)
        for s in setup.programme
    ]
    scenario = setup.with_changes(programme=tuple(programme)).scenario()
    assert scenario.parameters.customers.count == 1500
    assert scenario.weeks == 30
    assert [(type(i).__name__, i.start, i.stop) for i in scenario.interventions] == [
        ("Training", 4, 10)
    ]


def test_the_scenario_programme_starts_enabled_with_its_parameters():
    from cxsim.config.scenario import Scenario

    setup = WorkshopSetup.from_scenario(Scenario.load(SCENARIOS / "transformation.toml"))
    enabled = [s for s in setup.programme if s.enabled]
    assert [s.type for s in enabled][:2] == ["leadership_buy_in", "restructure"]
    assert enabled[1].table["structure"] == "cross_functional"
    assert setup.scenario().interventions[1].structure == "cross_functional"
    # every other built-in can be added, switched off
    assert {s.type for s in setup.programme if not s.enabled} >= {"gamification", "recruiting"}


def test_invalid_settings_say_what_was_expected():
    setup = setup_of(small())
    assert check_setting(setup, "customers.count", 800) is None
    refused = check_setting(setup, "customers.count", -5)
    assert refused == "expected an integer between 1 and 10,000,000, got -5"
    assert "between 0 and" in check_setting(setup, "handoffs.base_failure", 3.0)
    bad_window = tuple(
        ProgrammeStep(s.type, start=40, stop=10) if s.type == "training" else s
        for s in setup.programme
    )
    with pytest.raises(InputError, match="interventions"):
        Workshop(setup.with_changes(programme=bad_window))


def test_collaboration_matrices_and_layout():
    workshop = Workshop(setup_of(small()))
    for _ in range(4):
        workshop.step()
    (label,) = workshop.organizations
    trust, volume = workshop.collaboration(label)
    n = len(workshop.department_names)
    assert trust.shape == volume.shape == (n, n)
    assert volume.sum() > 0
    assert workshop.positions.shape == (n, 2)
    again = Workshop(setup_of(small()))
    assert np.array_equal(again.positions, workshop.positions)  # computed the same way once
    morale = workshop.department_morale()
    assert list(morale.index) == workshop.department_names
    assert morale[label].between(-1, 1).all()


def test_a_page_session_releases_the_workshop_it_replaces():
    current: list = []
    first = Workshop(setup_of(small()), current)
    (organization,) = first.organizations.values()
    replaced = weakref.ref(organization)
    second = Workshop(setup_of(small()), current)
    assert current == [second]
    del first, organization
    gc.collect()
    assert replaced() is None  # nothing (Mesa 3.3's Agent._ids included) keeps it alive
