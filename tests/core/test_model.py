import numpy as np
import pandas as pd
import pytest

from cxsim import OrganizationModel, Scenario, run
from cxsim.core.cases import TOUCHPOINT
from cxsim.core.levers import StructureLevers
from cxsim.core.metrics import metric_names
from tests.conftest import SCENARIOS, SMALL_DEPARTMENTS, small


def test_a_run_collects_every_metric_every_week():
    result = run(small(weeks=12), seed=4)
    assert list(result.metrics.columns) == metric_names()
    assert list(result.metrics.index) == list(range(1, 13))
    assert not result.metrics.isna().any().any()
    assert len(result.departments) == 12 * 6
    assert set(result.departments.columns) >= {"department", "morale", "internal_trust"}


def test_one_seed_reproduces_a_run_bit_for_bit():
    a = run(small(weeks=15), seed=11)
    b = run(small(weeks=15), seed=11)
    pd.testing.assert_frame_equal(a.metrics, b.metrics, check_exact=True)
    pd.testing.assert_frame_equal(a.departments, b.departments, check_exact=True)
    c = run(small(weeks=15), seed=12)
    assert not a.metrics.equals(c.metrics)


def test_customers_are_conserved():
    model = run(small(weeks=30), seed=2).model
    c = model.customers
    assert c.active_count + c.churned == c.ever_acquired
    assert c.ever_acquired > 2000  # acquisition happened
    # every position is one agent; departments may shrink by attrition, never to nothing
    assert len(model.employees) == len(model.agents) == len(model.slot_department)
    assert [e.slot for e in model.employees] == list(range(len(model.employees)))
    assert np.bincount(model.slot_department, minlength=6).min() >= 1


def test_policies_share_every_draw_they_do_not_touch():
    """Common random numbers: the incentive scheme acts at the end of week 1, so week 1
    is identical, and later weeks' case draws agree for every customer active in both."""
    throughput = OrganizationModel(small({"incentives.type": "individual_throughput"}), seed=9)
    survey = OrganizationModel(small({"incentives.type": "individual_csat"}), seed=9)
    for model in (throughput, survey):
        model.step()
    a, b = throughput.latest_metrics(), survey.latest_metrics()
    for name in ("trust", "first_contact_resolution", "handoff_failure_rate", "retention", "csat"):
        assert a[name] == b[name]
    assert a["morale"] != b["morale"]

    for model in (throughput, survey):
        model.run(9)

    def here(model):
        c = model.customers
        return set(c.slot_id[c.slots][c.active[c.slots]])

    both = here(throughput) & here(survey)

    def touchpoints(model):
        cases = model.generate_cases(model.week)
        slot = model.customers.slot_id[cases.customer]
        keep = (cases.kind == TOUCHPOINT) & (cases.attempts == 0) & (cases.waited == 0)
        keep &= np.isin(slot, list(both))
        return set(cases.case_id[keep])

    shared = touchpoints(throughput)
    assert len(shared) > 100 and shared == touchpoints(survey)


@pytest.mark.parametrize("scenario", ["siloed", "collaborative"])
def test_dropping_the_rows_of_customers_who_left_changes_nothing(monkeypatch, scenario):
    """Rows are compacted now and then; a run compacting every week or never is the same."""
    from cxsim.core import customers

    loaded = Scenario.load(
        SCENARIOS / f"{scenario}.toml",
        overrides={"customers.count": 3000, "warm_up.weeks": 30, "scenario.weeks": 30},
    )
    monkeypatch.setattr(customers, "_COMPACT_SHARE", 10**9)  # any leaver: compact
    often = OrganizationModel(loaded, seed=4)
    often.run(30)
    assert often.customers.size < often.customers.ever_acquired  # rows were dropped
    monkeypatch.setattr(customers.Customers, "compact", lambda self: None)
    never = OrganizationModel(loaded, seed=4)
    never.run(30)
    assert never.customers.size == never.customers.ever_acquired
    pd.testing.assert_frame_equal(often.metrics_frame(), never.metrics_frame(), check_exact=True)
    pd.testing.assert_frame_equal(often.departments_frame(), never.departments_frame())


def test_structures_change_outcomes_under_the_same_seed():
    silo = run(small({"structure.type": "silo"}, weeks=10), seed=1).metrics
    pods = run(small({"structure.type": "cross_functional"}, weeks=10), seed=1).metrics
    assert pods["handoff_failure_rate"].mean() < silo["handoff_failure_rate"].mean()


def test_pod_members_serve_the_queue_their_pod_owns_faster():
    """Queue ownership (Wang & Zhou 2018): serving speed x (1 + ownership x breadth), in
    pods only; a department's shared queue (breadth 0) is served at its plain speed."""
    for ownership in (0.0, 0.1):
        pods = small({"structure.type": "cross_functional"}, weeks=2)
        pods = pods.with_overrides({"structure.queue_ownership": ownership})
        model = OrganizationModel(pods, seed=4)
        model.update_policies(0)
        staff, breadth = model.staff_snapshot(), model.routing.breadth
        assert breadth.min() > 0
        expected = staff.working * staff.allocation[:, 0] * (1.0 + ownership * breadth)
        np.testing.assert_allclose(staff.serve_capacity, expected)
        np.testing.assert_allclose(staff.ownership, 1.0 + ownership * breadth)
        np.testing.assert_allclose(staff.help_capacity, staff.working * staff.allocation[:, 1])
    silo = small({"structure.type": "silo", "structure.queue_ownership": 0.1}, weeks=2)
    silo = OrganizationModel(silo, seed=4)
    silo.update_policies(0)
    staff = silo.staff_snapshot()
    assert not silo.routing.breadth.any()
    np.testing.assert_allclose(staff.serve_capacity, staff.working * staff.allocation[:, 0])


def test_quitters_are_replaced_by_new_hires_who_learn():
    scenario = small({"turnover.base_quit": 0.2}, weeks=6)
    model = run(scenario, seed=3).model
    tenures = [e.tenure for e in model.employees]
    assert min(tenures) < 6  # some were hired during the run
    assert len(model.employees) == scenario.headcount
    new = [e for e in model.employees if e.tenure < 6]
    assert all(e.skill < model.params.employees.initial_skill for e in new)


@pytest.mark.parametrize("shrink", [False, True])
def test_the_roster_is_mesas_agents_in_slot_order_as_people_leave_and_join(shrink):
    """Hires, leavers replaced and positions closed keep the roster as Mesa's agents."""
    scenario = small(
        {
            "turnover.base_quit": 0.05,
            "staffing.shrink_by_attrition": shrink,
            "cases.problem_rate": 0.25,  # enough work that some departments grow
        },
        weeks=30,
    )
    model = OrganizationModel(scenario, seed=5)
    sizes = set()
    for _ in range(30):
        model.step()
        agents = sorted(model.agents, key=lambda e: e.slot)
        assert model.employees == agents
        assert [e.slot for e in model.employees] == list(range(len(agents)))
        sizes.add(len(agents))
    assert len(sizes) > 1  # the workforce changed size: positions opened or closed


@pytest.mark.parametrize("seed", [-1, 1.5, True])
def test_bad_seeds_are_refused(seed):
    from cxsim.validation.errors import InputError

    with pytest.raises(InputError):
        run(small(weeks=1), seed=seed)


def _python_calls_per_week(customers: int, headcount_factor: int = 1) -> float:
    import cProfile
    import pstats

    from tests.conftest import SMALL_DEPARTMENTS

    # at a fixed headcount: more customers would otherwise bring more employees
    overrides = {"turnover.base_quit": 0.0, "staffing.plan": False}
    for d in SMALL_DEPARTMENTS:
        overrides[f"departments.{d['name']}.headcount"] = d["headcount"] * headcount_factor
    model = OrganizationModel(small(overrides, customers=customers), seed=1)
    model.run(2)
    profile = cProfile.Profile()
    profile.runcall(model.run, 6)
    return pstats.Stats(profile).total_calls / 6


def test_per_week_python_work_grows_with_employees_never_with_customers():
    """Counted, not timed: Python function calls per week."""
    base = _python_calls_per_week(4000)
    assert _python_calls_per_week(32000) / base < 1.01
    # the employees' week is compiled (the exponentials of the chances of quitting are
    # mapped in C), so three times the employees cost at most one call for each extra one
    extra_employees = 2 * sum(d["headcount"] for d in SMALL_DEPARTMENTS)
    assert _python_calls_per_week(4000, headcount_factor=3) - base <= extra_employees


def test_changing_one_department_leaves_other_employees_luck_alone():
    base = OrganizationModel(small(weeks=1), seed=5)
    bigger = OrganizationModel(small({"departments.sales.headcount": 9}, weeks=1), seed=5)

    def by_key(m):
        return {
            int(k): (e.skill, e.orientation) for k, e in zip(m.slot_key, m.employees, strict=True)
        }

    a, b = by_key(base), by_key(bigger)
    shared = set(a) & set(b)
    assert len(shared) == len(a) and a == {k: b[k] for k in shared}


def test_new_customers_spend_onboarding_weeks_in_onboarding():
    model = OrganizationModel(small({"customers.onboarding_weeks": 1}, weeks=2), seed=1)
    model.step()
    c = model.customers
    new = np.flatnonzero(~c.initial[: c.size])
    assert len(new) > 0
    assert np.all(c.phase(model.week)[new] == 0)  # onboarding in their first week


def test_no_two_cases_share_their_draws():
    model = OrganizationModel(small({"employees.capacity": 3.0}, weeks=6), seed=2)
    model.run(5)
    cases = model.generate_cases(model.week)
    keys = cases.draw_keys()
    assert len(cases.take(cases.waited > 0)) > 0  # some cases waited
    assert len(np.unique(keys)) == len(keys)


def test_all_zero_allocation_weights_mean_serving_only():
    zero = {f"allocation.{n}": 0.0 for n in ("serve_base", "help_base", "prevent_base")}
    zero |= {"allocation.orientation_help": 0.0, "allocation.orientation_prevent": 0.0}
    zero["allocation.incentive_strength"] = 0.0
    result = run(small(zero, weeks=3), seed=1)
    assert all(e.allocation == (1.0, 0.0, 0.0, 0.0) for e in result.model.employees)


def test_numpy_integer_seeds_are_accepted():
    assert run(small(weeks=1), seed=np.int64(3)).seed == 3


def test_warm_up_weeks_are_run_but_neither_reported_nor_costed():
    scenario = small({"warm_up.weeks": 6})
    model = OrganizationModel(scenario, seed=4, horizon=5)
    assert model.elapsed == 6 and model.week == 0
    assert model.cases_seen_ == 0 and not model.handoff_volume_.any()
    c = model.customers
    assert c.initial[c.slots].sum() == c.active_count == model.starting_customers
    model.run()
    frame = model.metrics_frame()
    assert list(frame.index) == [1, 2, 3, 4, 5]
    assert sorted(model.departments_frame()["week"].unique()) == [1, 2, 3, 4, 5]
    assert model.week == 5 and model.elapsed == model.steps == 11
    assert 0.9 < frame["retention"].iloc[0] <= 1.0
    assert frame["repurchase_rate"].iloc[0] < 1.0  # the settled quarter's renewals count
    again = OrganizationModel(scenario, seed=4, horizon=5)
    again.run()
    assert again.metrics_frame().equals(frame)


def test_the_warm_up_settles_the_organization_at_the_book_its_scenario_names():
    scenario = small({"warm_up.weeks": 30, "acquisition.base_rate": 0.02})
    model = OrganizationModel(scenario, seed=5, horizon=10)
    c = model.customers
    assert c.churned > 0  # customers left during the warm-up, and each was replaced
    assert c.active_count == model.starting_customers == 2000
    model.run()
    # from week 0 paid acquisition decides: at 2% a week the book grows
    assert model.metrics_frame()["active_customers"].iloc[-1] > 2100


def test_a_change_starts_from_the_organization_settled_as_it_was():
    silo = small({"warm_up.weeks": 8})
    pods = small(
        {
            "warm_up.weeks": 8,
            "structure.type": "cross_functional",
            "structure.pod_size": 6,
            "incentives.type": "team_recognition",
            "warm_up.structure": "silo",
            "warm_up.incentives": "individual_throughput",
        }
    )
    before, after = OrganizationModel(silo, seed=2), OrganizationModel(pods, seed=2)
    # the same settled organization at week 0, bit for bit...
    c, d = before.customers, after.customers
    assert np.array_equal(c.trust[c.slots], d.trust[d.slots])
    assert np.array_equal(before.internal_trust.matrix, after.internal_trust.matrix)
    assert [e.morale for e in before.employees] == [e.morale for e in after.employees]
    # ...which then changes to the scenario's own setup, as a restructure does
    assert type(after.structure).__name__ == "CrossFunctional" and after.routing.pods > 1
    assert type(after.incentives).__name__ == "TeamRecognition"
    assert after.restructured and not before.restructured
    before.run(3)
    after.run(3)
    assert not after.metrics_frame().equals(before.metrics_frame())


def test_a_structure_switched_to_at_week_0_is_held_while_a_programme_slides_back():
    """The scenario's own structure is adopted and kept for the whole run; a restructure
    programme without leadership drifts back after its window (Kotter 1995)."""
    switched = small(
        {
            "warm_up.weeks": 4,
            "structure.type": "cross_functional",
            "structure.pod_size": 6,
            "warm_up.structure": "silo",
        },
        weeks=80,
    )
    model = OrganizationModel(switched, seed=3)
    model.run()
    assert model.changes.level["adoption"] > 0.99
    pods = StructureLevers.of(model.structure)
    assert model.structure_levers_.pod_friction == pytest.approx(pods.pod_friction, abs=0.01)

    data = small({"warm_up.weeks": 4}, weeks=80).to_dict()
    data["interventions"] = [
        {"type": "restructure", "start": 0, "stop": 10, "structure": "cross_functional"}
    ]
    programme = OrganizationModel(Scenario.from_dict(data, source="test.toml"), seed=3)
    programme.run()
    assert programme.changes.level["adoption"] < 0.3  # no leadership: it slid back


def test_a_scenario_settles_as_itself_unless_it_says_otherwise():
    pods = small({"warm_up.weeks": 3, "structure.type": "cross_functional"})
    model = OrganizationModel(pods, seed=1)
    assert not model.restructured and model.routing.pods > 1
    same = small({"warm_up.weeks": 3, "warm_up.structure": "silo"})
    assert not OrganizationModel(same, seed=1).restructured  # nothing to change to


def test_interventions_run_in_reported_weeks_after_the_warm_up():
    scenario = small({"warm_up.weeks": 4})
    data = scenario.to_dict()
    data["interventions"] = [{"type": "training", "start": 2, "stop": 3, "one_off_cost": 700.0}]
    trained = Scenario.from_dict(data, source="test.toml")
    cost = OrganizationModel(trained, seed=1, horizon=4)
    cost.run()
    assert list(cost.metrics_frame()["programme_cost"] > 0) == [False, False, True, False]


ODD_SCHEMES = '''
from dataclasses import dataclass
import numpy as np
from cxsim import IncentiveScheme

@dataclass(kw_only=True)
class ThreeNumbers(IncentiveScheme):
    """Measures three numbers whatever the workforce."""
    uses = (0.5, 0.5, 0.0, 0.0)

    def measure(self, performance):
        return np.ones(3)

@dataclass(kw_only=True)
class ShortPull(IncentiveScheme):
    """Pulls two rows of effort whatever the workforce."""
    uses = (0.5, 0.5, 0.0, 0.0)

    def measure(self, performance):
        return performance.work.help_given

    def pull(self, group, strength, free_riding_size):
        return np.zeros((2, 4))

@dataclass(kw_only=True)
class NanAchievement(IncentiveScheme):
    """Divides by zero for the first three employees."""
    uses = (0.5, 0.5, 0.0, 0.0)

    def measure(self, performance):
        return performance.work.help_given

    def achievement(self, performance):
        values = np.full(len(performance.work.help_given), 0.5)
        values[:3] = np.nan
        return values
'''


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        (
            "ThreeNumbers",
            "achievement: expected finite numbers, one per employee, shape (28,); got shape (3,)",
        ),
        (
            "ShortPull",
            "pull: expected finite numbers, a row of four per employee, shape (28, 4); "
            "got shape (2, 4)",
        ),
        (
            "NanAchievement",
            "achievement: expected finite numbers, one per employee, shape (28,); "
            "3 of them NaN or infinite",
        ),
    ],
)
def test_a_users_scheme_of_the_wrong_shape_or_with_nan_is_named_in_one_line(
    tmp_path, monkeypatch, scheme, message
):
    from cxsim.validation.errors import InputError

    (tmp_path / "odd_schemes.py").write_text(ODD_SCHEMES)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, "odd_schemes", raising=False)
    scenario = small({"incentives.type": f"odd_schemes:{scheme}"}, weeks=2)  # 28 employees
    with pytest.raises(InputError) as error:
        run(scenario, seed=1)
    assert str(error.value) == f"incentives (odd_schemes:{scheme}).{message}"
