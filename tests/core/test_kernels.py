"""The compiled kernels give exactly what their whole-array NumPy formulations give.

Each reference below is the NumPy code the kernel replaced; results must be equal bit
for bit (``array_equal``, not ``allclose``), so that runs are unchanged by compiling.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.core import kernels

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix_reference(keys: np.ndarray, stream: np.uint64) -> np.ndarray:
    x = keys.astype(np.uint64) * _GOLDEN + stream
    x ^= x >> np.uint64(30)
    x *= _MIX1
    x ^= x >> np.uint64(27)
    x *= _MIX2
    x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / float(1 << 53))


def test_keyed_uniform_is_splitmix64_bit_for_bit():
    keys = np.concatenate([np.arange(1000), [2**62 - 1, 2**40 + 7]]).astype(np.int64)
    for stream in (np.uint64(0), np.uint64(2**64 - 1), np.uint64(0x1234567890ABCDEF)):
        assert np.array_equal(
            kernels.keyed_uniform(keys, stream), _splitmix_reference(keys, stream)
        )
    assert len(kernels.keyed_uniform(np.zeros(0, dtype=np.int64), np.uint64(1))) == 0


def _details_reference(
    customer,
    opportunity,
    phase,
    stage_cdf,
    owner,
    kinds,
    touchpoint,
    problem,
    capability,
    share,
    partner_cdf,
    streams,
    slot_id,
):
    case_id = slot_id[customer] * len(kinds) + opportunity
    cdf = stage_cdf[phase[customer]]
    stage = (_splitmix_reference(case_id, streams[0])[:, None] > cdf).sum(axis=1)
    department = owner[np.minimum(stage, stage_cdf.shape[1] - 1)]
    kind = kinds[opportunity]
    prevented = _splitmix_reference(case_id, streams[1])
    keep = (kind == touchpoint) | (prevented >= capability[department])
    customer, case_id, kind, department = (
        customer[keep],
        case_id[keep],
        kind[keep],
        department[keep],
    )
    partner = np.full(len(customer), -1, dtype=np.int64)
    n = partner_cdf.shape[0]
    if n > 1:
        draw = _splitmix_reference(case_id, streams[2])
        needs = (kind == problem) & (draw < share)
        pick = draw / max(share, 1e-12)
        chosen = (pick[:, None] > partner_cdf[department]).sum(axis=1)
        partner = np.where(needs, np.minimum(chosen, n - 1), -1)
    return customer, case_id, kind, department, partner


@pytest.mark.parametrize("departments", [1, 6])
@pytest.mark.parametrize("share", [0.0, 0.1, 0.8, 1.0])
def test_case_details_match_the_whole_array_formulation(departments, share):
    rng = np.random.default_rng(departments)
    n = 5000
    customer = np.sort(rng.integers(0, 2000, n))
    opportunity = rng.integers(0, 4, n)
    phase = rng.integers(0, 3, 2000)
    stage_cdf = np.cumsum(rng.dirichlet(np.ones(7), size=3), axis=1)
    stage_cdf[:, -1] = 1.0
    owner = rng.integers(0, departments, 7)
    kinds = np.array([0, 0, 1, 1])
    capability = rng.random(departments) * 0.5
    weights = rng.random((departments, departments))
    np.fill_diagonal(weights, 0.0)
    partner_cdf = np.cumsum(weights, axis=1) / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    streams = np.array([11, 22, 33], dtype=np.uint64)
    slot_id = np.sort(rng.choice(6000, 2000, replace=False))
    args = (
        customer,
        opportunity,
        phase,
        stage_cdf,
        owner,
        kinds,
        0,  # touchpoint
        1,  # problem
        capability,
        share,
        partner_cdf,
        streams,
        slot_id,
    )
    got, expected = kernels.case_details(*args), _details_reference(*args)
    for a, b in zip(got, expected, strict=True):
        assert np.array_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 400),
    groups=st.integers(1, 30),
    oldest=st.integers(0, 40),
    ties=st.booleans(),
    seed=st.integers(0, 2**31),
)
def test_serving_order_is_lexsort_by_group_age_and_priority(n, groups, oldest, ties, seed):
    rng = np.random.default_rng(seed)
    group = rng.integers(0, groups, n)
    age = rng.integers(0, oldest + 1, n)
    priority = rng.random(n)
    if ties and n:
        priority = np.round(priority, 1)  # many exact ties, kept in their given order
        priority[0] = 0.0
    if seed % 3 == 0:
        priority = priority * 3.0  # beyond [0, 1): sorted on every bit
    expected = np.lexsort((priority, -age, group))
    assert np.array_equal(kernels.serving_order(group, age, priority, groups), expected)


def _allocate_reference(group, age, priority, capacity, order, starts, stops):
    queue = np.lexsort((priority, -age, group))
    sorted_groups = group[queue]
    n = len(queue)
    run = (
        np.flatnonzero(np.concatenate(([True], sorted_groups[1:] != sorted_groups[:-1])))
        if n
        else []
    )
    rank = np.empty(n, dtype=np.int64)
    if n:
        rank[queue] = np.arange(n) - np.repeat(run, np.diff(run, append=n))
    cum = np.concatenate(([0.0], np.cumsum(capacity[order])))
    group_capacity = cum[stops] - cum[starts]
    demand = np.bincount(group, minlength=len(starts)).astype(float)
    spacing = np.maximum(1.0, group_capacity / np.maximum(demand, 1.0))
    served = rank + 0.5 < group_capacity[group]
    position = cum[starts[group]] + (rank + 0.5) * spacing[group]
    index = np.clip(
        np.searchsorted(cum, position, side="right") - 1, starts[group], stops[group] - 1
    )
    return served, np.where(served, order[index], -1)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 600), units=st.integers(1, 12), seed=st.integers(0, 2**31))
def test_allocate_serves_the_same_cases_with_the_same_people(n, units, seed):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 8, units)
    stops = np.cumsum(sizes)
    starts = stops - sizes
    order = rng.permutation(int(stops[-1]))
    capacity = rng.random(len(order)) * 40 * (rng.random(len(order)) < 0.9)
    group = rng.integers(0, units, n)
    age = rng.integers(0, 5, n) * 7
    priority = rng.random(n)
    queue = kernels.serving_order(group, age, priority, units)
    served, owner = kernels.allocate(group, queue, capacity, order, starts, stops)
    expected_served, expected_owner = _allocate_reference(
        group, age, priority, capacity, order, starts, stops
    )
    assert np.array_equal(served, expected_served)
    assert np.array_equal(owner, expected_owner)


def _tally_reference(
    owner, helper, customer, department, pair, flags, weights, n_staff, n_customers, n_dept, n_pairs
):
    (
        handled,
        problem,
        first,
        resolved,
        failed,
        cross,
        cross_failed,
        surveyed,
        seen,
        recovered,
        satisfied,
        abandoned,
        waiting,
        fresh,
    ) = flags
    score, performance, effort, joint = weights

    def count(mask, who, n, w=None):
        return np.bincount(who[mask], weights=None if w is None else w[mask], minlength=n)

    staff = [
        count(handled, owner, n_staff),
        count(handled & problem, owner, n_staff),
        count(resolved, owner, n_staff),
        count(resolved & first, owner, n_staff),
        count(failed, owner, n_staff),
        count(cross, owner, n_staff),
        count(cross_failed, owner, n_staff),
        count(cross & ~cross_failed, helper, n_staff),
        count(cross_failed, helper, n_staff),
        count(surveyed, owner, n_staff, score),
        count(surveyed, owner, n_staff),
    ]
    customers = [
        count(seen, customer, n_customers, performance),
        count(seen, customer, n_customers),
        count(recovered, customer, n_customers),
        count(np.ones(len(owner), dtype=bool), customer, n_customers, effort),
    ]
    totals = [
        handled.sum(),
        (problem & first & fresh).sum(),
        (handled & problem & first).sum(),
        (resolved & first).sum(),
        cross.sum(),
        cross_failed.sum(),
        surveyed.sum(),
        satisfied.sum(),
        abandoned.sum(),
        waiting.sum(),
    ]
    everyone = np.ones(len(owner), dtype=bool)
    return (
        np.array(staff, dtype=float),
        np.array(customers, dtype=float),
        # (NumPy gives integers for no cases at all, even with weights)
        count(cross & ~cross_failed, pair, n_pairs, joint).astype(float),
        np.array([count(cross_failed, pair, n_pairs), count(cross, pair, n_pairs)]),
        np.array(totals, dtype=np.int64),
        np.array([count(everyone, department, n_dept), count(waiting, department, n_dept)], float),
    )


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 400), seed=st.integers(0, 2**32 - 1))
def test_tally_counts_as_bincount_does(n, seed):
    rng = np.random.default_rng(seed)
    n_staff, n_customers, n_dept = 17, 60, 3
    handled = rng.random(n) < 0.8
    problem = rng.random(n) < 0.5
    resolved = handled & problem & (rng.random(n) < 0.7)
    cross = handled & problem & (rng.random(n) < 0.4)
    cross_failed = cross & (rng.random(n) < 0.3)
    surveyed = handled & problem & (rng.random(n) < 0.2)
    failed = handled & problem & ~resolved
    abandoned = (failed | ~handled) & (rng.random(n) < 0.2)
    flags = np.stack(
        [
            handled,
            problem,
            rng.random(n) < 0.6,
            resolved,
            failed,
            cross,
            cross_failed,
            surveyed,
            handled | abandoned,
            resolved & (rng.random(n) < 0.3),
            surveyed & (rng.random(n) < 0.5),
            abandoned,
            ~handled & ~abandoned,
            rng.random(n) < 0.7,
        ]
    ).reshape(len(kernels.TALLY_FLAGS), n)
    weights = rng.random((4, n))
    args = (
        np.where(handled, rng.integers(0, n_staff, n), -1),
        rng.integers(0, n_staff, n),
        rng.integers(0, n_customers, n),
        rng.integers(0, n_dept, n),
        rng.integers(0, n_dept * n_dept, n),
        flags,
        weights,
        n_staff,
        n_customers,
        n_dept,
        n_dept * n_dept,
    )
    for got, expected in zip(kernels.tally_cases(*args), _tally_reference(*args), strict=True):
        assert got.dtype == expected.dtype
        assert np.array_equal(got, expected)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.sampled_from([0.0, 0.25, 1.0, -3.5, 7.0]) | st.floats(-1e6, 1e6), max_size=60
    )
)
def test_average_ranks_are_scipys_rankdata(values):
    from scipy.stats import rankdata

    values = np.array(values, dtype=float)
    got = kernels.average_ranks(values)
    assert np.array_equal(got, rankdata(values, method="average").astype(float))


_finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(_finite | st.sampled_from([1e16, -1e16, 1.0, 0.5, 2**-60]), max_size=12))
def test_exact_sum_is_math_fsum(values):
    import math

    assert kernels.exact_sum(np.array(values, dtype=float)) == math.fsum(values)


def test_exact_sum_rounds_half_way_cases_to_even_as_fsum_does():
    import math

    for values in ([1e16, 1.0, 1e-16], [1e16, -1.0, -1e-16], [2**53, 1.0, 2**-80], [0.1] * 10):
        assert kernels.exact_sum(np.array(values)) == math.fsum(values)
