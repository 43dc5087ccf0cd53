"""Collaborative overload, tested statistically (Cross, Rebele & Grant 2016).

In most organizations 20-35% of value-added collaboration comes from 3-5% of employees,
and those people pay for it in strain. Each replication runs the siloed baseline (a
typical functional organization) at full size for a year on seeds never used to explore
or tune the model, counting the help requests each employee receives.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from cxsim import OrganizationModel, Scenario
from cxsim.analysis.stats import mean_interval
from tests.conftest import SCENARIOS

pytestmark = pytest.mark.slow

HELD_OUT = tuple(range(9200, 9208))  # never used to explore or tune the model
WEEKS = 52
TOP = 0.05


def _year_of_help(seed: int) -> tuple[float, float]:
    """Share of help requests the top 5% receive, and their strain less everyone else's.

    Requests are counted by position (``slot_key``), among the positions still held at
    the end of the year: a new hire inherits a leaver's position, and a position that
    closed (its leaver not replaced) leaves the count.
    """
    model = OrganizationModel(Scenario.load(SCENARIOS / "siloed.toml"), seed=seed)
    asked: dict[int, float] = {}
    for _ in range(WEEKS):
        positions = model.slot_key.copy()  # the week's slots, before any position closes
        model.step()
        work = model.observation.work
        for position, requests in zip(positions, work.help_given + work.help_failed, strict=True):
            asked[int(position)] = asked.get(int(position), 0.0) + float(requests)
    # among the positions still held at the end of the year (one opened in its last week
    # by workforce planning has been asked nothing yet)
    strain = np.array([e.strain for e in model.employees])
    requests = np.array([asked.get(int(position), 0.0) for position in model.slot_key])
    top = np.argsort(requests)[::-1][: max(1, round(TOP * len(requests)))]
    others = np.ones(len(requests), dtype=bool)
    others[top] = False
    share = requests[top].sum() / requests.sum()
    return float(share), float(strain[top].mean() - strain[others].mean())


@pytest.fixture(scope="module")
def help_by_seed() -> np.ndarray:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1), mp_context=context) as pool:
        return np.array(list(pool.map(_year_of_help, HELD_OUT)))


def test_a_few_people_receive_a_large_share_of_the_requests_for_help(help_by_seed):
    share = mean_interval(help_by_seed[:, 0])
    assert 0.20 <= share.low and share.high <= 0.35, share


def test_the_most_sought_after_helpers_carry_more_strain(help_by_seed):
    difference = mean_interval(help_by_seed[:, 1])
    assert difference.low > 0, difference
