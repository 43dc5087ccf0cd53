"""Stylized facts, tested statistically.

Each comparison runs the shipped scenarios at full size over their two-year horizon
with the same seeds (common random numbers) and asserts on a 95% confidence interval
of the paired difference, never on one run. Outcomes are averaged over the last
quarter (13 weeks) unless the fact is about the final state.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import cache

import numpy as np
import pytest

from cxsim import OrganizationModel, Scenario
from cxsim.analysis.stats import mean_interval, paired_difference
from cxsim.core.customers import recommendation_score
from tests.conftest import SCENARIOS
from tests.stylized.settled import replicate_together

pytestmark = pytest.mark.slow

SEEDS = tuple(range(8))
HELD_OUT = tuple(range(9100, 9108))  # never used to explore or tune the model
QUARTER = 13
# a scheme adopted at week 0 by the settled siloed baseline (docs/ODD.md 5)
SWITCHED = {"warm_up.incentives": "individual_throughput"}


def _scenario(spec: tuple[str, tuple[tuple[str, object], ...]]) -> Scenario:
    name, overrides = spec
    return Scenario.load(SCENARIOS / f"{name}.toml", overrides=dict(overrides))


def _summary(result) -> dict[str, float]:
    m = result.metrics
    last = m.iloc[-QUARTER:].mean()
    second_quarter = m.iloc[QUARTER : 2 * QUARTER].mean()
    second_year = result.departments[result.departments["week"] > 52]
    return {
        "churn": float(m["churn_rate"].iloc[-QUARTER:].mean()),
        # quits over the year's mean headcount (departments may hire as demand grows)
        "turnover": float(second_year["quits"].sum() / m["headcount"].iloc[52:].mean()),
        "first_contact_resolution": float(last["first_contact_resolution"]),
        "retention": float(m["retention"].iloc[-1]),
        "profit": float(m["profit"].sum()),
        "trust": float(last["trust"]),
        "csat": float(last["csat"]),
        "help": float(last["cross_dept_help_rate"]),
        "incidents_late": float(last["incidents_per_customer"]),
        "incidents_early": float(second_quarter["incidents_per_customer"]),
        "internal_trust": result.model.internal_trust.mean_between_departments(),
        # the mean over departments of their trust toward the others is the mean over pairs
        "first_internal_trust": float(
            result.departments.loc[
                result.departments["week"] == result.departments["week"].min(), "internal_trust"
            ].mean()
        ),
        "initial_internal_trust": result.model.params.internal_trust.initial,
        "recommendation_spread": _recommendation_spread(result.model),
    }


def _recommendation_spread(model: OrganizationModel) -> float:
    """Standard deviation of the active customers' likelihood to recommend, week 104."""
    c, rows = model.customers, model.customers.slots
    active = c.active[rows]
    score = recommendation_score(
        c.trust[rows][active],
        c.satisfaction[rows][active],
        model.params.acquisition,
        c.advocacy[rows][active],
    )
    return float(score.std())


def _spec(name: str, **overrides) -> tuple[str, tuple[tuple[str, object], ...]]:
    return name, tuple(sorted(overrides.items()))


LITTLE = {"cases.cross_functional_share": 0.1}
# every scenario the tests below compare, run together so that those settling alike share
# one warm-up a seed (tests/stylized/settled.py)
COMPARED = {
    SEEDS: (
        _spec("siloed"),
        _spec("collaborative"),
        _spec("survey_gaming"),
        _spec("siloed", **{"incentives.type": "resolution_bonus", **SWITCHED}),
        _spec("siloed", **{"incentives.type": "prevention_bonus", **SWITCHED}),
        _spec("siloed", **{"incentives.type": "team_recognition", **SWITCHED}),
    ),
    HELD_OUT: (
        _spec("siloed"),
        _spec("collaborative"),
        _spec("collaborative", **{"structure.pod_size": 40}),
        _spec("siloed", **LITTLE),
        _spec("collaborative", **LITTLE, **{"incentives.type": "individual_throughput"}),
        _spec("collaborative", **{"incentives.type": "individual_throughput"}),
        _spec("siloed", **{"handoffs.base_failure": 0.25}),
        _spec("siloed", **{"handoffs.base_failure": 0.55}),
    ),
}


@cache
def _compared(seeds: tuple[int, ...]) -> dict:
    return replicate_together(COMPARED.get(seeds, ()), seeds, _scenario, _summary)


@cache
def replicate(name: str, seeds: tuple[int, ...] = SEEDS, **overrides) -> dict[str, np.ndarray]:
    """Summaries of one scenario over ``seeds``, as arrays by outcome."""
    spec = _spec(name, **overrides)
    compared = _compared(seeds)
    if spec in compared:
        return compared[spec]
    return replicate_together((spec,), seeds, _scenario, _summary)[spec]


@pytest.mark.parametrize(
    ("outcome", "low", "high"),
    [
        ("churn", 0.10, 0.30),  # annual customer churn
        ("turnover", 0.10, 0.45),  # annual employee turnover, second year
        ("first_contact_resolution", 0.60, 0.80),
    ],
)
def test_the_siloed_baseline_lands_in_published_ranges(outcome, low, high):
    interval = mean_interval(replicate("siloed")[outcome])
    assert low <= interval.low and interval.high <= high, interval


def test_collaborative_beats_silo_on_two_year_retention_and_trust_at_equal_headcount():
    silo, collab = replicate("siloed"), replicate("collaborative")
    retention = paired_difference(collab["retention"], silo["retention"])
    trust = paired_difference(collab["trust"], silo["trust"])
    assert retention.low > 0, retention
    assert trust.low > 0, trust


def test_trust_falls_faster_after_a_failure_than_it_rises_after_a_success():
    differences = []
    for seed in SEEDS[:5]:
        model = OrganizationModel(Scenario.load(SCENARIOS / "siloed.toml"), seed=seed)
        model.run(20)
        gains, losses = [], []
        tolerance = model.params.trust.tolerance
        c = model.customers
        for _ in range(10):
            before = dict(zip(c.slot_id[c.slots].tolist(), c.trust[c.slots].tolist(), strict=True))
            model.step()
            # rows may be compacted during the step: match customers by slot number
            d = model.disconfirmation_  # one per row before this week's newcomers
            slots = c.slot_id[: len(d)]
            still = np.isin(slots, list(before))
            earlier = np.array([before[s] for s in slots[still].tolist()])
            change = c.trust[: len(d)][still] - earlier
            d = d[still]
            gains.append(change[d >= 0])
            losses.append(-change[d < -tolerance])
        differences.append(np.concatenate(losses).mean() - np.concatenate(gains).mean())
    asymmetry = mean_interval(differences)
    assert asymmetry.low > 0, asymmetry


def test_rewarding_resolution_over_prevention_raises_incidents_over_time():
    resolution = replicate("siloed", **{"incentives.type": "resolution_bonus", **SWITCHED})
    prevention = replicate("siloed", **{"incentives.type": "prevention_bonus", **SWITCHED})
    late = paired_difference(resolution["incidents_late"], prevention["incidents_late"])
    growth = paired_difference(
        resolution["incidents_late"] - prevention["incidents_late"],
        resolution["incidents_early"] - prevention["incidents_early"],
    )
    assert late.low > 0, late
    assert growth.low > 0, growth  # the gap widens: capability decays without upkeep


def test_a_survey_score_scheme_raises_measured_csat_without_raising_trust():
    silo, gaming = replicate("siloed"), replicate("survey_gaming")
    csat = paired_difference(gaming["csat"], silo["csat"])
    trust = paired_difference(gaming["trust"], silo["trust"])
    assert csat.low > 0, csat
    assert trust.high <= 0, trust


def test_team_recognition_raises_cross_department_help_over_individual_throughput():
    throughput = replicate("siloed")
    team = replicate("siloed", **{"incentives.type": "team_recognition", **SWITCHED})
    help_rate = paired_difference(team["help"], throughput["help"])
    assert help_rate.low > 0, help_rate


def test_internal_trust_erodes_in_a_silo_and_grows_in_a_collaborative_structure():
    """A silo ends below the trust organizations start from (`internal_trust.initial`,
    before the warm-up); pods, switched to at week 0 from the settled silo, raise it from
    where they found it, and end above the silo."""
    silo, collab = replicate("siloed"), replicate("collaborative")
    start = silo["initial_internal_trust"][0]
    eroded = mean_interval(silo["internal_trust"])
    assert eroded.high < start, eroded
    grown = paired_difference(collab["internal_trust"], collab["first_internal_trust"])
    assert grown.low > 0, grown
    above = paired_difference(collab["internal_trust"], silo["internal_trust"])
    assert above.low > 0, above


def test_oversized_pods_earn_less_than_pods_of_twelve():
    """Coordination grows with the colleagues each member keeps in step with (Brooks 1975;
    Jin & Levitt 1996): pods of 40 pay for it in two-year profit, on held-out seeds."""
    twelve = replicate("collaborative", HELD_OUT)
    forty = replicate("collaborative", HELD_OUT, **{"structure.pod_size": 40})
    profit = paired_difference(forty["profit"], twelve["profit"])
    assert profit.high < 0, profit


def test_pods_earn_less_than_the_silo_where_little_work_crosses_departments():
    """Contingency (Thompson 1967; Galbraith 1974): where only a tenth of problems need a
    partner department, pods pay their costs of collaboration (coordination, split queues,
    lost depth) for little gain. Same incentive scheme, so the structure alone differs;
    both start from the same settled silo. On held-out seeds."""
    silo = replicate("siloed", HELD_OUT, **LITTLE)
    pods = replicate(
        "collaborative", HELD_OUT, **LITTLE, **{"incentives.type": "individual_throughput"}
    )
    profit = paired_difference(pods["profit"], silo["profit"])
    assert profit.high < 0, profit


def test_pods_earn_more_than_the_silo_where_most_work_crosses_departments():
    """Contingency, the other side: as shipped, where seven in ten problems need a partner
    department, pods with team recognition earn more two-year profit than the silo with
    throughput targets. On held-out seeds. It rests on the pods owning their queues
    (docs/ODD.md 7.16, at the size measured in the field): without that, they lose."""
    shipped = paired_difference(
        replicate("collaborative", HELD_OUT)["profit"], replicate("siloed", HELD_OUT)["profit"]
    )
    assert shipped.low > 0, shipped


def _first_contact_resolution_gain():
    return paired_difference(
        replicate("collaborative", HELD_OUT)["first_contact_resolution"],
        replicate("siloed", HELD_OUT)["first_contact_resolution"],
    )


@pytest.mark.xfail(
    strict=True,
    reason="not met (docs/ODD.md 1 and 9): collaboration keeps about 8 more points of its "
    "customers, above the published band; the switch of incentive scheme carries some 40% of it",
)
def test_collaboration_gains_retention_of_the_size_the_evidence_shows():
    """Evidence on restructuring speaks of a few points: the two-year retention gain of
    pods with team recognition over the silo with throughput targets lies within 1-6
    points on a 95% paired interval. On held-out seeds."""
    gain = paired_difference(
        replicate("collaborative", HELD_OUT)["retention"],
        replicate("siloed", HELD_OUT)["retention"],
    )
    assert 0.01 <= gain.low and gain.high <= 0.06, gain


def test_the_structure_alone_gains_retention_and_resolution_of_the_size_the_evidence_shows():
    """Pods against the silo under the same scheme (throughput targets): the structure's
    own part of the collaborative advantage lies within the published bounds, 1-6 points
    of two-year retention and at most 12 of first-contact resolution (docs/ODD.md 9: the
    shipped comparison exceeds them by the switch of scheme). On held-out seeds."""
    silo = replicate("siloed", HELD_OUT)
    pods = replicate("collaborative", HELD_OUT, **{"incentives.type": "individual_throughput"})
    retention = paired_difference(pods["retention"], silo["retention"])
    assert 0.01 <= retention.low and retention.high <= 0.06, retention
    resolution = paired_difference(
        pods["first_contact_resolution"], silo["first_contact_resolution"]
    )
    assert 0 < resolution.low and resolution.high <= 0.12, resolution


def test_collaboration_gains_first_contact_resolution():
    """Pods resolve more problems at first contact than the silo. On held-out seeds."""
    gain = _first_contact_resolution_gain()
    assert 0 < gain.low, gain


@pytest.mark.xfail(
    strict=True,
    reason="not met (docs/ODD.md 1 and 9): collaboration gains about 14.5 points, above the "
    "published bound; the switch of incentive scheme carries some 40% of it",
)
def test_collaboration_gains_first_contact_resolution_of_the_size_the_evidence_shows():
    """SQM Group: average FCR is 67-70% and world class 80% and above, so a change of
    structure and incentives gains at most about 12 points. On held-out seeds."""
    gain = _first_contact_resolution_gain()
    assert gain.high <= 0.12, gain


def test_likelihood_to_recommend_spreads_across_customers_as_survey_answers_do():
    """Sauro & Lewis (MeasuringU), over 4,048 rating items: answers spread with a standard
    deviation about 25% of the scale's range, most items between 21% and 28%; on the 0-10
    question, 2.1-2.8 points. In the settled silo, on a 95% interval on held-out seeds."""
    spread = mean_interval(replicate("siloed", HELD_OUT)["recommendation_spread"])
    assert 2.1 <= spread.low and spread.high <= 2.8, spread


def test_csat_moves_with_first_contact_resolution_about_one_for_one():
    """SQM Group: across contact centres, a point of first-contact resolution brings about
    a point of CSAT. Organizations that differ only in how often a handoff fails; the
    slope within 0.5-2 on a 95% interval over paired replications. On held-out seeds."""
    smooth = replicate("siloed", HELD_OUT, **{"handoffs.base_failure": 0.25})
    rough = replicate("siloed", HELD_OUT, **{"handoffs.base_failure": 0.55})
    fcr = smooth["first_contact_resolution"] - rough["first_contact_resolution"]
    assert fcr.min() > 0.1, fcr  # the two settings differ enough to measure a slope
    slope = mean_interval((smooth["csat"] - rough["csat"]) / fcr)
    assert 0.5 <= slope.low and slope.high <= 2.0, slope


def _satisfied_by_contact(seed: int) -> np.ndarray:
    """Share of surveyed resolutions rated satisfied, by the contact that resolved them,
    over the reported weeks of one siloed run."""
    from cxsim.core import service

    settle, counts = service.settle, np.zeros((2, 3))

    def counting_settle(cases, *args):
        outcomes = settle(cases, *args)
        mask = outcomes.resolved & outcomes.surveyed
        counts[0] += np.bincount(cases.attempts[mask], minlength=3)[:3]
        counts[1] += np.bincount(cases.attempts[mask & outcomes.satisfied], minlength=3)[:3]
        return outcomes

    scenario = Scenario.load(SCENARIOS / "siloed.toml")
    model = OrganizationModel(scenario, seed=seed)
    service.settle = counting_settle
    try:
        # the reported weeks only: the warm-up ran in the constructor
        for _ in range(scenario.weeks):
            model.step()
    finally:
        service.settle = settle
    return counts[1] / counts[0]


def test_each_further_contact_on_a_problem_costs_about_fifteen_percent_of_satisfaction():
    """SQM Group: satisfaction falls about 15% with each further contact a customer makes
    on the same problem (8-25% accepted). The average cost per contact, from first-contact
    resolutions to those at the third contact, on held-out seeds."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1), mp_context=context) as pool:
        shares = np.array(list(pool.map(_satisfied_by_contact, HELD_OUT)))
    assert (np.diff(shares, axis=1) < 0).mean() > 0.5, shares  # it falls contact by contact
    cost = mean_interval(1.0 - np.sqrt(shares[:, 2] / shares[:, 0]))
    assert 0.08 <= cost.low and cost.high <= 0.25, cost
