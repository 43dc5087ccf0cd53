"""cxsim: agent-based simulation of silo versus collaborative organizations.

Load a scenario, run it with a seed, read the weekly metrics::

    from cxsim import Scenario, run

    scenario = Scenario.load("scenarios/siloed.toml", overrides={"customers.count": 5000})
    result = run(scenario, seed=1)
    print(result.metrics[["trust", "retention", "morale"]].tail())
"""

from cxsim.components import Component, register, registered
from cxsim.declare import param
from cxsim.errors import InputError
from cxsim.incentives import IncentiveScheme
from cxsim.interventions import Intervention
from cxsim.metrics import METRICS, metric_names
from cxsim.model import OrganizationModel
from cxsim.scenario import Scenario
from cxsim.simulation import RunResult, run
from cxsim.structures import Structure

__all__ = [
    "METRICS",
    "Component",
    "IncentiveScheme",
    "InputError",
    "Intervention",
    "OrganizationModel",
    "RunResult",
    "Scenario",
    "Structure",
    "metric_names",
    "param",
    "register",
    "registered",
    "run",
]
