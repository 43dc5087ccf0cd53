"""cxsim: agent-based simulation of silo versus collaborative organizations.

Load a scenario, run it with a seed, read the weekly metrics::

    from cxsim import Scenario, run

    scenario = Scenario.load("scenarios/siloed.toml", overrides={"customers.count": 5000})
    result = run(scenario, seed=1)
    print(result.metrics[["trust", "retention", "morale"]].tail())
"""

from cxsim.components.incentives import IncentiveScheme
from cxsim.components.interventions import Intervention
from cxsim.components.registry import Component, register, registered
from cxsim.components.structures import Structure
from cxsim.config.scenario import Scenario
from cxsim.core.metrics import METRICS, metric_names
from cxsim.core.model import OrganizationModel
from cxsim.core.simulation import RunResult, run
from cxsim.validation.declare import param
from cxsim.validation.errors import InputError

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
