from dataclasses import dataclass

import numpy as np
import pytest

from cxsim import OrganizationModel, Scenario, run
from cxsim.app.cli import main
from cxsim.components.interventions import Gamification, Intervention
from cxsim.components.registry import registered
from cxsim.validation.declare import param
from cxsim.validation.errors import InputError
from tests.conftest import SCENARIOS, small

BUILT_INS = {
    "leadership_buy_in",
    "training",
    "communication",
    "recognition_program",
    "gamification",
    "employee_voice",
    "recruiting",
    "knowledge_sharing",
    "customer_advisory",
    "restructure",
}


@dataclass(kw_only=True)
class Recorder(Intervention):
    """Records when the scheduler calls it (a user-written intervention)."""

    label: str = param("x", help="a parameter of its own")

    def setup(self, model) -> None:
        self.calls_ = []

    def on_start(self, model) -> None:
        self.calls_.append(("start", model.week))

    def step(self, model, levers, elapsed) -> None:
        self.calls_.append(("step", model.week, elapsed))

    def on_stop(self, model) -> None:
        self.calls_.append(("stop", model.week))


def with_interventions(interventions, weeks=20, **kw):
    scenario = small(weeks=weeks, **kw)
    data = scenario.to_dict()
    data["interventions"] = interventions
    return Scenario.from_dict(data, source="test.toml")


def test_every_built_in_is_registered_with_declared_parameters():
    found = registered("intervention")
    assert set(found) >= BUILT_INS
    for cls in found.values():
        names = {p.name for p in cls.parameters()}
        assert {"name", "start", "stop", "cost_per_week", "one_off_cost"} <= names


def test_the_scheduler_calls_an_intervention_only_inside_its_window():
    recorder = {"type": "tests.components.test_interventions:Recorder", "start": 3, "stop": 6}
    model = OrganizationModel(with_interventions([recorder], weeks=10), seed=1)
    model.run(10)
    (intervention,) = model.interventions
    assert intervention.calls_ == [
        ("start", 3),
        ("step", 3, 0),
        ("step", 4, 1),
        ("step", 5, 2),
        ("stop", 6),
    ]


def test_an_open_window_runs_to_the_horizon_and_names_default_to_the_type():
    scenario = with_interventions(
        [{"type": "tests.components.test_interventions:Recorder", "start": 8}]
    )
    assert scenario.interventions[0].name == "tests.components.test_interventions:Recorder"
    model = OrganizationModel(scenario, seed=1)
    model.run()
    steps = [c for c in model.interventions[0].calls_ if c[0] == "step"]
    assert [c[1] for c in steps] == list(range(8, 20))


def test_costs_are_paid_one_off_at_start_and_weekly_in_the_window():
    scenario = with_interventions(
        [{"type": "training", "start": 2, "stop": 4, "one_off_cost": 900.0, "cost_per_week": 50.0}],
        weeks=6,
    )
    cost = run(scenario, seed=1).metrics["programme_cost"]
    assert list(cost) == [0.0, 0.0, 950.0, 50.0, 0.0, 0.0]


def test_training_raises_skill_and_leadership_multiplies_it():
    training = {"type": "training", "start": 0, "stop": 4}
    leader = {"type": "leadership_buy_in", "start": 0, "stop": 4, "multiplier": 2.0}
    skill = {}
    for name, interventions in (
        ("none", []),
        ("training", [training]),
        ("led", [leader, training]),
    ):
        model = run(with_interventions(interventions, weeks=4), seed=3).model
        skill[name] = np.mean([e.skill for e in model.employees])
    assert skill["led"] > skill["training"] > skill["none"]


def test_training_costs_working_hours():
    plain = run(with_interventions([], weeks=3), seed=2).model.staff_snapshot()
    model = OrganizationModel(
        with_interventions([{"type": "training", "start": 0, "hours_share": 0.2}], weeks=3), seed=2
    )
    model.update_policies(0)
    assert model.staff_snapshot().working.sum() < plain.working.sum()


def test_communication_relieves_the_strain_of_a_restructure():
    restructure = {"type": "restructure", "start": 0, "stop": 6, "structure": "cross_functional"}
    talk = {"type": "communication", "start": 0}
    strain = {}
    for name, interventions in (("bare", [restructure]), ("told", [restructure, talk])):
        model = run(with_interventions(interventions, weeks=6), seed=4).model
        strain[name] = np.mean([e.strain for e in model.employees])
    assert strain["told"] < strain["bare"]


def test_restructure_switches_structure_and_scheme_and_adopts_gradually():
    scenario = with_interventions(
        [
            {
                "type": "restructure",
                "start": 5,
                "stop": 8,
                "structure": "cross_functional",
                "incentives": "team_recognition",
            }
        ],
        weeks=12,
    )
    model = OrganizationModel(scenario, seed=2)
    model.run(5)
    assert model.structure.type_name() == "silo"
    model.step()
    assert model.structure.type_name() == "cross_functional"
    assert model.incentives.type_name() == "team_recognition"
    assert model.routing.pods > 1 and model.customers.pods == model.routing.pods
    adoption = model.changes.level["adoption"]
    assert 0 < adoption < 0.5
    model.run(6)
    assert model.changes.level["adoption"] > adoption
    assert model.restructured


def test_a_restructure_carries_the_new_structure_s_parameters():
    def pods_after(structure):
        move = {"type": "restructure", "start": 1, "stop": 3, "structure": structure}
        model = OrganizationModel(with_interventions([move], weeks=4), seed=2)
        model.run(2)
        return model.structure, model.routing.pods

    default, default_pods = pods_after("cross_functional")
    eight, eight_pods = pods_after({"type": "cross_functional", "pod_size": 8})
    assert default.pod_size == 12 and eight.pod_size == 8
    assert eight_pods > default_pods > 1
    scenario = with_interventions(
        [{"type": "restructure", "start": 1, "stop": 3, "structure": {"type": "cross_functional"}}]
    )
    assert scenario.to_dict()["interventions"][0]["structure"] == {"type": "cross_functional"}


def test_recruiting_shifts_new_hires_orientation():
    def new_hire_orientation(interventions):
        scenario = with_interventions(
            interventions, weeks=30, overrides={"turnover.base_quit": 0.1}
        )
        model = run(scenario, seed=5).model
        return np.mean([e.orientation for e in model.employees if e.tenure < 30])

    recruiting = {"type": "recruiting", "start": 0, "orientation_shift": 0.3}
    assert new_hire_orientation([recruiting]) > new_hire_orientation([]) + 0.1


def test_customer_advisory_aligns_promises_and_knowledge_sharing_informs():
    scenario = with_interventions(
        [{"type": "customer_advisory", "start": 0}, {"type": "knowledge_sharing", "start": 0}],
        weeks=15,
    )
    model = run(scenario, seed=1).model
    assert model.changes.level["promise_alignment"] > 0.3
    assert model.structure_levers_.information > model.structure.information
    assert model.structure_levers_.handoff_relief > 0.1


def test_recognition_and_voice_act_on_engagement_and_help():
    voice = {"type": "employee_voice", "start": 0, "acted_on": False}
    model = run(with_interventions([voice], weeks=15), seed=1).model
    assert model.changes.level["engagement"] < 0
    recognition = {"type": "recognition_program", "start": 0}
    model = run(with_interventions([recognition], weeks=15), seed=1).model
    assert model.structure_levers_.help_norm > model.structure.help_norm


def test_gamification_boost_fades_and_sours_without_restructuring():
    g = Gamification()
    assert g.effect(0, 1.0, False) > g.effect(6, 1.0, False) > 0
    assert g.effect(80, 1.0, False) < 0
    assert g.effect(80, 1.0, True) >= 0


@pytest.mark.parametrize(
    ("interventions", "path", "expected"),
    [
        ([{"type": "training", "start": 10, "stop": 5}], "interventions.0.stop", "a week after"),
        ([{"type": "training", "start": 10, "stop": 10}], "interventions.0.stop", "a week after"),
        ([{"type": "training", "start": 5, "stop": 30}], "interventions.0.stop", "within the"),
        ([{"type": "training", "start": 20}], "interventions.0.start", "before the horizon"),
        (
            [{"type": "training", "start": 2, "stop": 8}, {"type": "training", "start": 6}],
            "interventions.1.start",
            "does not overlap interventions.0",
        ),
        ([{"type": "coaching", "start": 2}], "interventions.0.type", "one of communication"),
        ([{"type": "training", "start": 2, "hours": 3}], "interventions.0.hours", "known keys"),
        ([{"type": "training", "start": -1}], "interventions.0.start", "an integer >= 0"),
        ([{"type": "restructure", "start": 2}], "interventions.0", "a structure or incentives"),
        (
            [{"type": "restructure", "start": 2, "stop": 4, "structure": "matrix"}],
            "interventions.0.structure",
            "one of cross_functional",
        ),
        (
            [
                {
                    "type": "restructure",
                    "start": 2,
                    "stop": 4,
                    "structure": {"type": "cross_functional", "pod_size": 1},
                }
            ],
            "interventions.0.structure.pod_size",
            "an integer >= 2",
        ),
        (
            [{"type": "restructure", "start": 2, "stop": 4, "structure": 5}],
            "interventions.0.structure",
            "a component name, or a table with its type and parameters",
        ),
        (
            [{"type": "restructure", "start": 2, "stop": 4, "structure": {"type": "silo"}}],
            "interventions.0.structure",
            "other than the one in force in week 2",
        ),
        (
            [{"type": "restructure", "start": 2, "structure": "cross_functional"}],
            "interventions.0.stop",
            "the week the disruption of restructuring ends",
        ),
        (
            [{"type": "restructure", "start": 2, "stop": 4, "structure": "silo"}],
            "interventions.0.structure",
            "other than the one in force in week 2",
        ),
        (
            [
                {"type": "restructure", "start": 2, "stop": 4, "incentives": "universal"},
                {"type": "restructure", "start": 9, "stop": 12, "incentives": "universal"},
            ],
            "interventions.1.incentives",
            "other than the one in force in week 9",
        ),
        (
            [{"type": "training", "start": 2, "name": "a"}, {"type": "gamification", "name": "a"}],
            "interventions.1.name",
            "a name no other intervention has",
        ),
    ],
)
def test_bad_windows_types_and_parameters_name_the_path(interventions, path, expected):
    with pytest.raises(InputError) as error:
        with_interventions(interventions)
    assert error.value.path == path
    assert expected in error.value.expected
    assert str(error.value).startswith("test.toml: ")


def test_windows_of_different_types_may_overlap_and_back_to_back_windows_are_fine():
    scenario = with_interventions(
        [
            {"type": "training", "start": 2, "stop": 8},
            {"type": "communication", "start": 2, "stop": 8},
            {"type": "training", "start": 8, "stop": 12},
        ]
    )
    names = [i.name for i in scenario.interventions]
    assert names == ["training", "communication", "training (2)"]


def test_cli_reports_bad_interventions_with_exit_code_2(tmp_path, capsys):
    text = (SCENARIOS / "siloed.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(text + '\n[[interventions]]\ntype = "training"\nstart = 50\nstop = 200\n')
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: interventions.0.stop: expected a week within the horizon" in err


def test_shipped_programme_scenarios_validate():
    for name in (
        "transformation",
        "transformation_no_leadership",
        "gamification_only",
        "voice_ignored",
    ):
        scenario = Scenario.load(SCENARIOS / f"{name}.toml")
        assert scenario.interventions and scenario.description
    led = Scenario.load(SCENARIOS / "transformation.toml").interventions
    unled = Scenario.load(SCENARIOS / "transformation_no_leadership.toml").interventions
    assert led[0].type_name() == "leadership_buy_in"
    assert [i.get_params() for i in led[1:]] == [i.get_params() for i in unled]


def test_programmes_add_per_week_work_that_grows_with_employees_not_customers():
    import cProfile
    import pstats

    programme = [
        {"type": "leadership_buy_in", "start": 0},
        {"type": "training", "start": 0},
        {"type": "recognition_program", "start": 0},
        {"type": "knowledge_sharing", "start": 0},
        {"type": "restructure", "start": 1, "stop": 4, "structure": "cross_functional"},
    ]

    def calls(customers):
        scenario = with_interventions(
            programme,
            weeks=10,
            customers=customers,
            # at a fixed headcount: more customers would otherwise bring more employees
            overrides={"turnover.base_quit": 0.0, "staffing.plan": False},
        )
        model = OrganizationModel(scenario, seed=1)
        model.run(2)
        profile = cProfile.Profile()
        profile.runcall(model.run, 6)
        return pstats.Stats(profile).total_calls

    assert calls(32000) / calls(4000) < 1.01


def test_without_leadership_changes_drift_back_after_the_programme_ends():
    sharing = {"type": "knowledge_sharing", "start": 0, "stop": 10}
    leader = {"type": "leadership_buy_in", "start": 0, "multiplier": 1.0}
    held = run(with_interventions([leader, sharing], weeks=60), seed=1).model
    faded = run(with_interventions([sharing], weeks=60), seed=1).model
    assert held.changes.level["information"] > 0.2
    assert faded.changes.level["information"] < 0.3 * held.changes.level["information"]
    assert faded.structure_levers_.information == pytest.approx(
        faded.structure.information + faded.changes.level["information"]
    )


def test_a_restructure_keeps_levers_continuous_while_changes_are_under_way():
    programme = [
        {"type": "knowledge_sharing", "start": 0},
        {"type": "restructure", "start": 8, "stop": 10, "structure": "cx_council"},
    ]
    model = OrganizationModel(with_interventions(programme, weeks=12), seed=1)
    model.run(8)
    before = model.structure_levers_
    model.step()
    after = model.structure_levers_
    assert abs(after.information - before.information) < 0.05
    assert abs(after.handoff_relief - before.handoff_relief) < 0.05


def test_gamification_does_not_sour_once_the_structure_changed():
    game = {"type": "gamification", "start": 0}
    restructure = {"type": "restructure", "start": 0, "stop": 4, "structure": "cross_functional"}
    alone = OrganizationModel(with_interventions([game], weeks=60), seed=1)
    changed = OrganizationModel(with_interventions([game, restructure], weeks=60), seed=1)
    for model in (alone, changed):
        model.run(60)
    assert alone.levers.engagement < 0 <= changed.levers.engagement


def test_open_windows_run_to_the_horizon_of_the_run():
    recorder = {"type": "tests.components.test_interventions:Recorder", "start": 3}
    scenario = with_interventions([recorder], weeks=10)
    result = run(scenario, seed=1, weeks=14)
    steps = [c[1] for c in result.model.interventions[0].calls_ if c[0] == "step"]
    assert steps == list(range(3, 14))
    assert result.to_json()["interventions"][0]["stop"] == 14
    shorter = run(scenario, seed=1, weeks=6)
    assert shorter.to_json()["interventions"][0]["stop"] == 6
