"""Property tests: any valid scenario runs, metrics stay in range, customers are conserved."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxsim import Scenario, run
from cxsim.components.registry import registered
from cxsim.core.metrics import METRICS
from cxsim.core.parameters import STAGES


@st.composite
def scenarios(draw):
    n_departments = draw(st.integers(1, 7))
    owners = [draw(st.integers(0, n_departments - 1)) for _ in STAGES]
    departments = [
        {
            "name": f"d{i}",
            "headcount": draw(st.integers(1, 8)),
            "stages": [s for s, o in zip(STAGES, owners, strict=True) if o == i],
        }
        for i in range(n_departments)
    ]
    unit = st.floats(0, 1, allow_nan=False)
    data = {
        "scenario": {"name": "property", "weeks": draw(st.integers(1, 14))},
        "customers": {
            "count": draw(st.integers(1, 1500)),
            "renewal_weeks": draw(st.integers(1, 30)),
            "onboarding_weeks": draw(st.integers(0, 10)),
        },
        "departments": departments,
        "structure": {"type": draw(st.sampled_from(sorted(registered("structure"))))},
        "incentives": {"type": draw(st.sampled_from(sorted(registered("incentives"))))},
        "cases": {
            "touchpoint_rate": draw(st.floats(0, 2)),
            "problem_rate": draw(st.floats(0, 2)),
            "cross_functional_share": draw(unit),
            "max_attempts": draw(st.integers(1, 5)),
            "max_wait_weeks": draw(st.integers(0, 4)),
        },
        "trust": {"loss": draw(unit), "gain": draw(unit)},
        "turnover": {"base_quit": draw(st.floats(0, 0.5))},
        "employees": {"capacity": draw(st.floats(0.5, 80))},
        "allocation": {
            "serve_base": draw(st.sampled_from([0.0, 0.75])),
            "help_base": draw(st.sampled_from([0.0, 0.04])),
            "prevent_base": draw(st.sampled_from([0.0, 0.03])),
            "orientation_help": draw(st.sampled_from([0.0, 0.08])),
            "orientation_prevent": draw(st.sampled_from([0.0, 0.04])),
            "incentive_strength": draw(st.floats(0, 5)),
        },
        "staffing": {"shrink_by_attrition": draw(st.booleans())},
        "satisfaction": {"promise": draw(unit)},
        "acquisition": {"referral_rate": draw(st.floats(0, 0.05))},
    }
    if data["structure"]["type"] == "cross_functional":
        data["structure"]["pod_size"] = draw(st.integers(2, 20))
    return Scenario.from_dict(data), draw(st.integers(0, 2**32 - 1))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_any_valid_scenario_runs_with_metrics_in_range_and_customers_conserved(case):
    scenario, seed = case
    result = run(scenario, seed=seed)
    frame = result.metrics
    assert len(frame) == scenario.weeks
    assert np.isfinite(frame.to_numpy()).all()
    for metric in METRICS:
        values = frame[metric.name]
        assert (values >= metric.low - 1e-9).all(), metric.name
        assert (values <= metric.high + 1e-9).all(), metric.name
    customers = result.model.customers
    assert customers.active_count + customers.churned == customers.ever_acquired
    assert frame["active_customers"].iloc[-1] == customers.active_count
    # workforce planning grows departments within their budget; attrition may shrink
    # them, never to nobody
    model = result.model
    assert len(model.employees) == len(model.slot_department)
    assert [e.slot for e in model.employees] == list(range(len(model.employees)))
    # each agent's state is its slot's row, through hires, leavers and closed positions
    assert model.workforce.size == len(model.employees)
    assert [e.department for e in model.employees] == model.slot_department.tolist()
    assert np.array_equal(model.workforce.morale, [e.morale for e in model.employees])
    for d, department in enumerate(scenario.departments):
        hired = int((model.slot_department == d).sum())
        staffing = scenario.parameters.staffing
        fewest = 1 if staffing.shrink_by_attrition else department.headcount
        assert fewest <= hired <= department.headcount * staffing.ceiling
    shares = np.array([e.allocation for e in result.model.employees])
    assert np.allclose(shares.sum(axis=1), 1.0) and (shares >= 0).all()
