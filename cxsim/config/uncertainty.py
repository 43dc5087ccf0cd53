"""What is uncertain in a comparison: the ``[uncertainty]`` table, and draws from it.

By default every constant that declares a plausible distribution
(:func:`cxsim.core.parameters.plausible_constants`) is uncertain. An ``[uncertainty]``
table in a scenario or experiment file changes that by dotted path::

    [uncertainty]
    default = "declared"   # or "none": only what this table lists is uncertain
    "cases.cross_functional_share" = { distribution = "uniform", low = 0.05, high = 0.9 }
    "handoffs.base_failure" = { distribution = "triangular", low = 0.25, mode = 0.4, high = 0.55 }
    "trust.loss" = { fixed = 0.18 }

An entry narrows or widens a declared distribution (it replaces it), adds one for a
constant that declares none, or fixes a constant at one value.

A constant of a structure or incentive scheme is named by the component's type and the
parameter, ``"cross_functional.coordination_cost"``: it is uncertain wherever that
component appears in a compared scenario (its structure or scheme, the setup it settles
under, a restructure's target) and untouched elsewhere, so the siloed baseline does not
pay the pods' coordination. The components in play declare their own distributions
(:func:`declared_components`). A path that starts with a table of the scenario
(``structure.coordination_cost``) sets that value in every scenario, as ``--set`` does.

Draws of the uncertain constants come from a seeded Latin hypercube or scrambled Sobol
design (``scipy.stats.qmc``) mapped through each distribution's quantile function; each
draw is one set of values, the same for every scenario of a comparison.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from cxsim.components.incentives import IncentiveScheme
from cxsim.components.registry import Component, build_named
from cxsim.components.structures import Structure
from cxsim.core.parameters import ModelParameters, plausible_constants
from cxsim.validation.declare import describe
from cxsim.validation.errors import InputError
from cxsim.validation.plausible import Fixed, Plausible, plausible_from_table

__all__ = ["DEFAULTS", "DESIGNS", "Uncertainty", "declared_components", "read_uncertainty"]

DEFAULTS = ("declared", "none")
DESIGNS = ("latin_hypercube", "sobol")
SCENARIO_TABLES = frozenset(
    {"scenario", "departments", "structure", "incentives", "interventions", "warm_up"}
    | {f.name for f in dataclasses.fields(ModelParameters)}
)
"""First parts of a path that name a table of the scenario (not a component type)."""
KINDS = (Structure, IncentiveScheme)
"""The kinds of component whose constants can be uncertain by type."""


@dataclass(frozen=True)
class Uncertainty:
    """The uncertain constants of a comparison and the constants it holds fixed.

    Attributes:
        distributions: Each uncertain constant's plausible distribution, by dotted path.
        fixed: Constants held at one value, by dotted path.
    """

    distributions: dict[str, Plausible] = field(default_factory=dict)
    fixed: dict[str, float] = field(default_factory=dict)

    @property
    def paths(self) -> list[str]:
        """The uncertain constants' dotted paths, in a stable order."""
        return sorted(self.distributions)

    def draws(self, n: int, seed: int, design: str = "latin_hypercube") -> pd.DataFrame:
        """Draw ``n`` vectors of the uncertain constants, one row per draw.

        Args:
            n: Number of draws.
            seed: Seed of the design; the same seed gives the same draws.
            design: ``latin_hypercube`` or ``sobol`` (scrambled; a power of two of draws
                keeps its balance).

        Returns:
            One column per uncertain constant (dotted path), indexed by draw from 0.
        """
        if design not in DESIGNS:
            raise InputError("design", "one of " + ", ".join(DESIGNS), design)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InputError("draws", "an integer >= 1", n)
        paths = self.paths
        if not paths:
            return pd.DataFrame(index=pd.RangeIndex(n, name="draw"))
        rng = np.random.default_rng(seed)
        sampler = (
            qmc.LatinHypercube(len(paths), rng=rng)
            if design == "latin_hypercube"
            else qmc.Sobol(len(paths), rng=rng)
        )
        unit = sampler.random(n)
        return pd.DataFrame(
            {path: self.distributions[path].ppf(unit[:, j]) for j, path in enumerate(paths)},
            index=pd.RangeIndex(n, name="draw"),
        )

    def overrides(self, draw: Mapping[str, float]) -> dict[str, float]:
        """The values of one draw: the fixed constants and the drawn ones, by path."""
        return {**self.fixed, **{path: float(value) for path, value in draw.items()}}

    def without(self, paths: Iterable[str]) -> Uncertainty:
        """The same, with ``paths`` neither drawn nor fixed (a value set for the run)."""
        held = set(paths)
        return Uncertainty(
            {p: d for p, d in self.distributions.items() if p not in held},
            {p: v for p, v in self.fixed.items() if p not in held},
        )

    def apply(self, scenario: Any, draw: Mapping[str, float]) -> Any:
        """The scenario with one draw's values, each where it applies.

        A scenario path is set as ``--set`` sets it; a component's constant
        (``cross_functional.coordination_cost``) is set in every table of that component
        the scenario has, and nowhere else.

        Args:
            scenario: A :class:`~cxsim.config.scenario.Scenario`.
            draw: The drawn values by path (one row of :meth:`draws`).
        """
        values = self.overrides(draw)
        if not values:
            return scenario
        data = scenario.to_dict()
        overrides = {}
        for path, value in values.items():
            target = component_path(path)
            if target is None:
                overrides[path] = value
                continue
            name, parameter = target
            for table in _component_tables(data, name):
                table[parameter] = value
        return type(scenario).from_dict(data, overrides=overrides, source=scenario.source)

    def to_table(self) -> dict[str, Any]:
        """The whole uncertainty as an ``[uncertainty]`` table with ``default = "none"``."""
        table: dict[str, Any] = {"default": "none"}
        table |= {path: self.distributions[path].to_table() for path in self.paths}
        table |= {path: {"fixed": value} for path, value in sorted(self.fixed.items())}
        return table


def read_uncertainty(table: Any, scenario: Any = None, where: str = "[uncertainty]") -> Uncertainty:
    """Read an ``[uncertainty]`` table (None: the declared distributions).

    Args:
        table: The table as read from TOML, or None.
        scenario: A :class:`~cxsim.config.scenario.Scenario`, or the scenarios compared
            (the baseline first). Every path is checked against the first: the constant
            must exist and accept both ends of its range (or its fixed value); a
            component's constant is checked against the component. The declared
            distributions include those of the components in play in any of them.
            (This module does not import scenarios, which read their ``[uncertainty]``
            table with it.)
        where: The table's name in messages (with the file, when known).

    Raises:
        InputError: Naming the entry and what was expected.
    """
    table = {} if table is None else table
    if not isinstance(table, Mapping):
        raise InputError(where, 'a table of dotted paths, with default = "declared" or "none"')
    default = table.get("default", "declared")
    if default not in DEFAULTS:
        raise InputError(f"{where}.default", '"declared" or "none"', default)
    compared = [] if scenario is None else _as_list(scenario)
    distributions = {}
    if default == "declared":
        distributions = plausible_constants() | declared_components(compared)
    fixed: dict[str, float] = {}
    for path, entry in table.items():
        if path == "default":
            continue
        spec = plausible_from_table(entry, f'{where} "{path}"')
        if isinstance(spec, Fixed):
            distributions.pop(path, None)
            fixed[path] = spec.value
        else:
            fixed.pop(path, None)
            distributions[path] = spec
    uncertainty = Uncertainty(distributions, fixed)
    for one in compared[:1]:
        _check_against(uncertainty, one, where)
    return uncertainty


def _check_against(uncertainty: Uncertainty, scenario: Any, where: str) -> None:
    """Every path must name a number of the scenario that takes the whole range."""
    ends = {path: (d.low, d.high) for path, d in uncertainty.distributions.items()}
    ends |= {path: (value, value) for path, value in uncertainty.fixed.items()}
    base = scenario.to_dict()
    base.pop("uncertainty", None)
    for path, (low, high) in sorted(ends.items()):
        if (target := component_path(path)) is not None:
            _check_component(*target, (low, high), f'{where} "{path}"')
            continue
        for value in (low, high):
            try:
                type(scenario).from_dict(base, overrides={path: value})
            except InputError as exc:
                raise InputError(
                    f'{where} "{path}"',
                    f"a constant of the scenario that takes {value:g} ({exc.expected})",
                ) from None


def component_path(path: str) -> tuple[str, str] | None:
    """The component type and parameter a path names, or None for a scenario path."""
    if path.split(".", 1)[0] in SCENARIO_TABLES or "." not in path:
        return None
    name, parameter = path.rsplit(".", 1)
    return name, parameter


def components_in_play(scenarios: Iterable[Any]) -> list[Component]:
    """The structures and schemes of scenarios: their own, settled-as and restructured-to."""
    return [c for scenario in scenarios for c in scenario.components_in_play()]


def declared_components(scenarios: Iterable[Any]) -> dict[str, Plausible]:
    """The plausible distributions the components in play declare, by ``type.parameter``."""
    declared = {}
    for component in components_in_play(scenarios):
        for spec in describe(type(component)):
            if spec.plausible is not None:
                declared[f"{component.type_name()}.{spec.name}"] = spec.plausible
    return declared


def _as_list(scenario: Any) -> list[Any]:
    return list(scenario) if isinstance(scenario, Sequence) else [scenario]


def _check_component(name: str, parameter: str, ends: tuple[float, float], where: str) -> None:
    """A component's constant must exist and take both ends of its range."""
    for base in KINDS:
        try:
            build_named(base, name, where)
        except InputError:
            continue
        for value in ends:
            try:
                build_named(base, {"type": name, parameter: value}, where)
            except InputError as exc:
                raise InputError(
                    where, f"a constant of {name} that takes {value:g} ({exc.expected})"
                ) from None
        return
    raise InputError(
        where, "a dotted path of the scenario, or a structure's or scheme's type.parameter"
    )


def _component_tables(data: dict[str, Any], name: str) -> Iterator[dict[str, Any]]:
    """Every table of component ``name`` in a scenario's dict (named ones made tables)."""
    holders: list[tuple[dict[str, Any], str]] = [(data, "structure"), (data, "incentives")]
    warm_up = data.get("warm_up", {})
    holders += [(warm_up, "structure"), (warm_up, "incentives")]
    for intervention in data.get("interventions", []):
        holders += [(intervention, "structure"), (intervention, "incentives")]
    for holder, key in holders:
        value = holder.get(key)
        if value == name:
            holder[key] = value = {"type": name}
        if isinstance(value, dict) and value.get("type") == name:
            yield value
