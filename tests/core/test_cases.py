import numpy as np

from cxsim.core.cases import PROBLEM, TOUCHPOINT, CaseBatch, new_cases
from cxsim.core.streams import Streams

N = 20000
STAGE_CDF = np.array([[0.5, 1.0], [0.5, 1.0], [0.5, 1.0]])
OWNER = np.array([0, 1])
PARTNER_CDF = np.array([[0.0, 1.0], [1.0, 1.0]])


def generate(capability=(0.0, 0.0), share=0.7, seed=1, active=None, week=0):
    return new_cases(
        streams=Streams(seed),
        week=week,
        active=np.ones(N, bool) if active is None else active,
        slot_id=np.arange(N),
        phase=np.ones(N, dtype=np.int64),
        stage_cdf=STAGE_CDF,
        stage_owner=OWNER,
        touchpoint_rate=0.2,
        problem_rate=0.1,
        capability=np.asarray(capability, float),
        cross_functional_share=share,
        partner_cdf=PARTNER_CDF,
    )


def test_rates_match_the_parameters():
    cases = generate()
    assert abs((cases.kind == TOUCHPOINT).sum() / N - 0.2) < 0.01
    assert abs((cases.kind == PROBLEM).sum() / N - 0.1) < 0.008


def test_prevention_removes_problems_of_the_capable_department_only():
    base, prevented = generate(), generate(capability=(0.5, 0.0))
    problems = lambda c, d: ((c.kind == PROBLEM) & (c.department == d)).sum()  # noqa: E731
    assert abs(problems(prevented, 0) / problems(base, 0) - 0.5) < 0.08
    assert problems(prevented, 1) == problems(base, 1)
    # common random numbers: prevented problems are a subset of the baseline's
    assert set(prevented.case_id) <= set(base.case_id)


def test_most_problems_need_another_department_never_the_owner():
    cases = generate()
    problems = cases.kind == PROBLEM
    share = (cases.partner[problems] >= 0).mean()
    assert abs(share - 0.7) < 0.03
    needs = cases.partner >= 0
    assert np.all(cases.partner[needs] != cases.department[needs])
    assert np.all(cases.partner[cases.kind == TOUCHPOINT] == -1)


def test_inactive_customers_bring_no_cases():
    active = np.zeros(N, bool)
    active[:100] = True
    assert generate(active=active).customer.max() < 100


def test_batches_concatenate_and_select():
    a = generate(week=1)
    b = a.take(a.kind == PROBLEM)
    both = CaseBatch.concat(a, b)
    assert len(both) == len(a) + len(b)
    assert len(CaseBatch.empty()) == 0


def test_dropping_the_rows_of_customers_who_left_changes_no_case():
    """Cases are keyed by slot number, so the rows a customer sits in do not matter."""
    rng = np.random.default_rng(4)
    active = rng.random(N) < 0.45
    every_row = generate(active=active, week=3)
    here = np.flatnonzero(active)
    compacted = new_cases(
        streams=Streams(1),
        week=3,
        active=np.ones(len(here), bool),
        slot_id=here,
        phase=np.ones(len(here), dtype=np.int64),
        stage_cdf=STAGE_CDF,
        stage_owner=OWNER,
        touchpoint_rate=0.2,
        problem_rate=0.1,
        capability=np.zeros(2),
        cross_functional_share=0.7,
        partner_cdf=PARTNER_CDF,
    )
    assert len(compacted) > 1000
    assert np.array_equal(here[compacted.customer], every_row.customer)
    for name in ("case_id", "kind", "department", "partner"):
        assert np.array_equal(getattr(compacted, name), getattr(every_row, name))
