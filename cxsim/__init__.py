"""cxsim: agent-based simulation of silo versus collaborative organizations.

Load a scenario, run it with a seed, read the weekly metrics::

    from cxsim import Scenario, run

    scenario = Scenario.load("scenarios/siloed.toml", overrides={"customers.count": 5000})
    result = run(scenario, seed=1)
    print(result.metrics[["trust", "retention", "morale"]].tail())

The public names load on first use (PEP 562), so importing any part of cxsim (the
command line, the validation layer) does not load the model, Mesa and their
dependencies with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_SOURCES = {
    "IncentiveScheme": "cxsim.components.incentives",
    "Intervention": "cxsim.components.interventions",
    "Component": "cxsim.components.registry",
    "register": "cxsim.components.registry",
    "registered": "cxsim.components.registry",
    "Structure": "cxsim.components.structures",
    "Scenario": "cxsim.config.scenario",
    "METRICS": "cxsim.core.metrics",
    "metric_names": "cxsim.core.metrics",
    "OrganizationModel": "cxsim.core.model",
    "RunResult": "cxsim.core.simulation",
    "run": "cxsim.core.simulation",
    "param": "cxsim.validation.declare",
    "InputError": "cxsim.validation.errors",
}
"""The module each public name comes from."""


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use, and keep it.

    Args:
        name: The attribute asked for.

    Returns:
        The public object of that name.

    Raises:
        AttributeError: When cxsim has no public name ``name``.
    """
    try:
        source = _SOURCES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the public ones not yet loaded included."""
    return sorted(set(globals()) | set(__all__))
