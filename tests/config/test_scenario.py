import pytest

from cxsim import Scenario
from cxsim.config.scenario import apply_override, parse_override
from cxsim.validation.errors import InputError
from tests.conftest import SCENARIOS, small

SHIPPED = sorted(SCENARIOS.glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_scenario_validates_and_has_a_description(path):
    scenario = Scenario.load(path)
    assert scenario.description.strip()
    assert scenario.weeks == 104
    assert scenario.parameters.customers.count == 20000


def test_required_scenarios_are_shipped():
    names = {p.stem for p in SHIPPED}
    assert names >= {"siloed", "collaborative", "cx_council", "balanced_scorecard", "survey_gaming"}


def test_collaborative_has_the_siloed_headcount_and_budget():
    silo = Scenario.load(SCENARIOS / "siloed.toml")
    collab = Scenario.load(SCENARIOS / "collaborative.toml")
    assert [d.headcount for d in silo.departments] == [d.headcount for d in collab.departments]
    assert silo.parameters.economics == collab.parameters.economics
    assert (collab.structure.type_name(), collab.incentives.type_name()) == (
        "cross_functional",
        "team_recognition",
    )


def test_scripted_paths_exist():
    scenario = Scenario.load(
        SCENARIOS / "siloed.toml",
        overrides={
            "scenario.weeks": 10,
            "customers.count": 500,
            "departments.support.headcount": 9,
        },
    )
    assert scenario.weeks == 10 and scenario.parameters.customers.count == 500
    assert scenario.departments[4].headcount == 9


def test_round_trip_through_to_dict_keeps_the_hash():
    scenario = Scenario.load(SCENARIOS / "balanced_scorecard.toml")
    again = Scenario.from_dict(scenario.to_dict())
    assert again.hash() == scenario.hash()
    assert again.incentives == scenario.incentives


def test_hash_changes_with_any_value():
    scenario = small()
    assert scenario.with_overrides({"trust.loss": 0.2}).hash() != scenario.hash()


@pytest.mark.parametrize(
    ("data", "path", "expected"),
    [
        ({"scenari": {}}, "scenari", "one of the known tables"),
        ({"scenario": {"weeks": 0}}, "scenario.weeks", "an integer between 1 and 5200"),
        ({"scenario": {"weks": 3}}, "scenario.weks", "one of the known keys"),
        (
            {"customers": {"count": "many"}},
            "customers.count",
            "an integer between 1 and 10,000,000",
        ),
        ({"trust": {"loss": 1.5}}, "trust.loss", "a finite number between 0 and 1"),
        ({"structure": {"type": "matrix"}}, "structure.type", "one of cross_functional"),
        ({"structure": {"pod_size": 3}}, "structure.type", "the name of a structure"),
        ({"incentives": {"type": "bonus"}}, "incentives.type", "one of balanced_scorecard"),
        ({"departments": []}, "departments", "a non-empty list"),
        (
            {"departments": [{"name": "all", "headcount": 5, "stages": ["usage", "sky"]}]},
            "departments.0.stages",
            "journey stages among",
        ),
        (
            {"departments": [{"name": "all", "headcount": 5, "stages": ["usage"]}]},
            "departments",
            "every journey stage owned",
        ),
        ({"journey": {"usage_mix": {"moon": 1.0}}}, "journey.usage_mix.moon", "a stage among"),
        ({"warm_up": {"structure": "matrix"}}, "warm_up.structure", "one of cross_functional"),
        ({"warm_up": {"structure": ""}}, "warm_up.structure", "the name of a structure"),
        ({"warm_up": {"incentives": 3}}, "warm_up.incentives", "a table with a 'type' key"),
        ({"warm_up": {"weeks": -1}}, "warm_up.weeks", "an integer between 0 and 520"),
        ({"warm_up": {"structur": "silo"}}, "warm_up.structur", "(weeks, structure, incentives)"),
    ],
)
def test_invalid_scenarios_name_file_path_and_expectation(data, path, expected):
    with pytest.raises(InputError) as error:
        Scenario.from_dict(data, source="x.toml")
    assert error.value.path == path
    assert expected in error.value.expected
    assert str(error.value).startswith("x.toml: ")


def test_missing_file_and_broken_toml(tmp_path):
    with pytest.raises(InputError, match="an existing scenario file"):
        Scenario.load(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[scenario\nname = 1")
    with pytest.raises(InputError, match="valid TOML"):
        Scenario.load(broken)


def test_overrides_are_named_as_such():
    with pytest.raises(InputError) as error:
        Scenario.load(SCENARIOS / "siloed.toml", overrides={"customers.count": -3})
    assert str(error.value).startswith(str(SCENARIOS / "siloed.toml") + " (via --set): ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customers.count=5000", ("customers.count", 5000)),
        ("trust.loss=0.2", ("trust.loss", 0.2)),
        ("structure.type=cross_functional", ("structure.type", "cross_functional")),
        ('structure.type="silo"', ("structure.type", "silo")),
        ("structure.structured_handoffs=true", ("structure.structured_handoffs", True)),
    ],
)
def test_parse_override_reads_toml_values(text, expected):
    assert parse_override(text) == expected


def test_parse_override_needs_an_equals_sign():
    with pytest.raises(InputError):
        parse_override("customers.count")


def test_apply_override_creates_tables_and_finds_departments_by_name_or_index():
    data = {}
    assert apply_override(data, "cases.problem_rate", 0.1) == "cases.problem_rate"
    assert apply_override(data, "departments.billing.headcount", 7) == "departments.5.headcount"
    apply_override(data, "departments.0.headcount", 3)
    assert data["cases"] == {"problem_rate": 0.1}
    assert data["departments"][5]["headcount"] == 7 and data["departments"][0]["headcount"] == 3
    with pytest.raises(InputError):
        apply_override(data, "departments.legal.headcount", 3)


def test_a_scenario_names_the_organization_it_settles_as():
    changed = small({"structure.type": "cross_functional", "warm_up.structure": "silo"})
    assert type(changed.warm_up_structure).__name__ == "Silo"
    assert changed.warm_up_incentives is None
    again = Scenario.from_dict(changed.to_dict())
    assert again.hash() == changed.hash()
    assert type(again.warm_up_structure).__name__ == "Silo"
    assert small({"structure.type": "cross_functional"}).hash() != changed.hash()
    table = small({"warm_up.incentives": {"type": "team_recognition", "strength": 0.5}})
    assert table.warm_up_incentives.strength == 0.5


def test_switching_a_component_type_by_path_starts_from_the_new_types_defaults():
    """A sweep's ``structure.type`` point over the siloed baseline is the pods as the
    same path on the file gives them, not pods with the silo's levers."""
    silo = Scenario.load(SCENARIOS / "siloed.toml", overrides={"structure.handoff_friction": 1.2})
    switch = {"structure.type": "cross_functional"}
    from_file = Scenario.load(
        SCENARIOS / "siloed.toml", overrides={**switch, "structure.handoff_friction": 1.2}
    )
    switched = silo.with_overrides(switch)
    assert switched.structure == from_file.structure
    assert switched.structure.information == 0.8  # the pods' default, not the silo's 0.4
    assert switched.structure.handoff_friction == 1.2  # what the scenario gave is kept
    # the same type again changes nothing
    assert silo.with_overrides({"structure.type": "silo"}).structure == silo.structure


def test_switching_other_components_by_path():
    pods = Scenario.load(SCENARIOS / "collaborative.toml")
    # back to the silo: the pods' defaults go; a pod size the scenario set has no home
    assert (
        pods.with_overrides({"structure.type": "silo"}).structure
        == Scenario.load(SCENARIOS / "siloed.toml").structure
    )
    with pytest.raises(InputError, match="structure"):
        pods.with_overrides({"structure.pod_size": 40}).with_overrides({"structure.type": "silo"})
    scheme = pods.with_overrides({"incentives.strength": 0.5})
    assert scheme.with_overrides({"incentives.type": "universal"}).incentives.strength == 0.5
    # an intervention by name: its automatic name follows its type, a given one stays
    programme = small({"interventions": [{"type": "training", "start": 2}]})
    assert programme.interventions[0].name == "training"
    switched = programme.with_overrides({"interventions.training.type": "communication"})
    assert (switched.interventions[0].type_name(), switched.interventions[0].name) == (
        "communication",
        "communication",
    )
    assert switched.interventions[0].start == 2
    named = small({"interventions": [{"type": "training", "name": "academy"}]})
    kept = named.with_overrides({"interventions.academy.type": "communication"})
    assert kept.interventions[0].name == "academy"
