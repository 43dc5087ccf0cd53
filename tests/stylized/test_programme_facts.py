"""Stylized facts of change programmes, tested statistically.

Each programme scenario is compared with the siloed baseline it starts from, under the
same seeds (common random numbers); assertions are on 95% intervals of the paired
difference over a stretch of weeks, never on one run.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from cxsim import Scenario
from cxsim.analysis.stats import paired_difference
from tests.conftest import SCENARIOS
from tests.stylized.settled import replicate_together

pytestmark = pytest.mark.slow

SEEDS = tuple(range(6))
START = 13  # the shipped programmes start after a quarter of business as usual
VOICE_SEEDS = tuple(range(9400, 9406))  # never used to explore or tune the model


def _scenario(spec: tuple[str, tuple]) -> Scenario:
    name, frozen = spec
    scenario = Scenario.load(SCENARIOS / f"{name}.toml")
    if frozen:
        data = scenario.to_dict()
        data["interventions"] = [dict(i) for i in frozen]
        scenario = Scenario.from_dict(data)
    return scenario


def _weekly(result) -> dict[str, np.ndarray]:
    metrics = result.metrics
    return {column: metrics[column].to_numpy() for column in metrics.columns}


def _spec(name: str, interventions: tuple = ()) -> tuple[str, tuple]:
    return name, tuple(tuple(sorted(i.items())) for i in interventions)


NEUTRAL_VOICE = (
    {"type": "employee_voice", "start": 13, "stop": 52, "acted_on": True, "gain": 0.0},
)
# holding the changes without amplifying anything
HOLDING_ONLY = (
    {"type": "leadership_buy_in", "start": START, "multiplier": 1.0},
    *Scenario.load(SCENARIOS / "transformation_no_leadership.toml").to_dict()["interventions"],
)
TRAINING = ({"type": "training", "start": 10, "stop": 22},)
SHARING = ({"type": "knowledge_sharing", "start": START},)
# every programme the tests below compare; all settle as the siloed baseline, so they
# share one warm-up a seed (tests/stylized/settled.py)
COMPARED = (
    _spec("siloed"),
    _spec("gamification_only"),
    _spec("voice_ignored"),
    _spec("siloed", NEUTRAL_VOICE),
    _spec("transformation"),
    _spec("transformation_no_leadership"),
    _spec("siloed", HOLDING_ONLY),
    _spec("siloed", TRAINING),
    _spec("siloed", SHARING),
)


@cache
def _compared() -> dict:
    return replicate_together(COMPARED, SEEDS, _scenario, _weekly)


def weekly(name: str, interventions: tuple = ()) -> dict[str, np.ndarray]:
    """Weekly metrics over SEEDS: each value an array (seeds x weeks)."""
    spec = _spec(name, interventions)
    compared = _compared()
    if spec in compared:
        return compared[spec]
    return replicate_together((spec,), SEEDS, _scenario, _weekly)[spec]


def difference(treated, baseline, metric, first_week, last_week):
    """Paired interval of the mean difference over weeks [first_week, last_week]."""
    span = slice(first_week - 1, last_week)
    return paired_difference(
        treated[metric][:, span].mean(axis=1), baseline[metric][:, span].mean(axis=1)
    )


def test_gamification_without_restructuring_gives_a_bump_that_fades_within_months():
    base, game = weekly("siloed"), weekly("gamification_only")
    bump = difference(game, base, "morale", START + 2, START + 10)
    six_months_on = difference(game, base, "morale", START + 26, START + 30)
    long_run = difference(game, base, "morale", 91, 104)
    assert bump.low > 0, bump
    assert six_months_on.high < bump.mean / 2, six_months_on
    assert long_run.high < 0, long_run  # and it sours over long spans


def test_asking_for_input_and_ignoring_it_leaves_morale_below_not_asking():
    base, ignored = weekly("siloed"), weekly("voice_ignored")
    # the same group, with its strain and cost, whose input neither helps nor is ignored
    neutral = weekly("siloed", NEUTRAL_VOICE)
    below_not_asking = difference(ignored, base, "morale", 40, 52)
    below_a_neutral_group = difference(ignored, neutral, "morale", 40, 52)
    assert below_not_asking.high < 0, below_not_asking
    assert below_a_neutral_group.high < 0, below_a_neutral_group


def operating(runs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Add operating profit: profit before the programme's own costs."""
    return {**runs, "operating_profit": runs["profit"] + runs["programme_cost"]}


def test_a_transformation_shows_a_lag_before_its_gains():
    base, programme = weekly("siloed"), weekly("transformation")
    morale_first = difference(programme, base, "morale", START + 1, START + 4)
    retention_first_quarter = difference(programme, base, "retention", START + 13, START + 13)
    retention_end = difference(programme, base, "retention", 104, 104)
    assert morale_first.high < 0, morale_first  # the strain of change comes first
    assert retention_end.low > 0, retention_end  # the gains come months later
    assert retention_first_quarter.high < retention_end.mean / 4, retention_first_quarter


def test_a_transformations_operating_profit_gains_arrive_within_two_years():
    """The lag in money: operating profit (before the programme's own costs) gains little
    in the first quarter and more by the end of the second year.

    Met since the staffing plan stopped hiring for the time the programme takes while it
    runs (docs/ODD.md 7.19 and 9): before, those hires stayed and their salaries ate the
    gain.
    """
    base, programme = operating(weekly("siloed")), operating(weekly("transformation"))
    early = difference(programme, base, "operating_profit", START + 1, START + 12)
    late = difference(programme, base, "operating_profit", 91, 104)
    assert late.low > 0, late  # the gains come months later
    assert early.high < late.mean / 4, early  # and were small while it started


def test_leadership_buy_in_makes_a_transformation_last():
    led, unled = weekly("transformation"), weekly("transformation_no_leadership")
    trust = difference(led, unled, "trust", 91, 104)
    retention = difference(led, unled, "retention", 104, 104)
    assert trust.low > 0, trust
    assert retention.low > 0, retention
    # holding the changes matters on its own, without amplifying anything
    held = weekly("siloed", HOLDING_ONLY)
    trust_held = difference(held, unled, "trust", 91, 104)
    assert trust_held.low > 0, trust_held


def test_training_raises_first_contact_resolution_after_its_window():
    base, trained = weekly("siloed"), weekly("siloed", TRAINING)
    after = difference(trained, base, "first_contact_resolution", 23, 40)
    assert after.low > 0, after


def test_knowledge_sharing_lowers_handoff_failures():
    base, shared = weekly("siloed"), weekly("siloed", SHARING)
    failures = difference(shared, base, "handoff_failure_rate", START + 13, 104)
    assert failures.high < 0, failures


VOICE_GROUPS = ("not asked", "acted on", "ignored")


def _voice_scenario(voice: str) -> Scenario:
    scenario = Scenario.load(SCENARIOS / "siloed.toml")
    if voice == "not asked":
        return scenario
    data = scenario.to_dict()
    data["interventions"] = [
        {"type": "employee_voice", "start": START, "stop": 52, "acted_on": voice == "acted on"}
    ]
    return Scenario.from_dict(data)


def _engagement(result) -> dict[str, float]:
    """Employees' engagement when a year-long advisory group ends: its mean and spread."""
    engagement = np.array([employee.engagement for employee in result.model.employees])
    return {"mean": float(engagement.mean()), "spread": float(engagement.std())}


def test_voice_acted_on_and_ignored_move_engagement_by_blessingwhites_amounts():
    """BlessingWhite 2011: 47% of employees whose input was acted on are engaged, 27% of
    those never asked and 24% of those asked and ignored. Read on a normal scale of
    engagement across employees (probit), acting on input moves it +0.54 sd and ignoring
    it -0.10 sd. Accepted: an engaged share of 40-55% when acted on (+0.36 to +0.74 sd)
    and 20-27% when ignored (-0.23 sd to 0). On held-out seeds."""
    by_group = replicate_together(VOICE_GROUPS, VOICE_SEEDS, _voice_scenario, _engagement, 52)
    scale = by_group["not asked"]["spread"]

    def shift(voice: str):
        means, base = by_group[voice]["mean"], by_group["not asked"]["mean"]
        return paired_difference(means / scale, base / scale)

    acted, ignored = shift("acted on"), shift("ignored")
    assert 0.36 <= acted.low and acted.high <= 0.74, acted
    assert -0.23 <= ignored.low and ignored.high < 0, ignored
