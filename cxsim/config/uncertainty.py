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
constant that declares none, or fixes a constant at one value. Draws of the uncertain
constants come from a seeded Latin hypercube or scrambled Sobol design
(``scipy.stats.qmc``) mapped through each distribution's quantile function; each draw is
then one set of overrides, the same for every scenario of a comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from cxsim.core.parameters import plausible_constants
from cxsim.validation.errors import InputError
from cxsim.validation.plausible import Fixed, Plausible, plausible_from_table

__all__ = ["DEFAULTS", "DESIGNS", "Uncertainty", "read_uncertainty"]

DEFAULTS = ("declared", "none")
DESIGNS = ("latin_hypercube", "sobol")


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
        """The scenario overrides of one draw: the fixed constants and the drawn ones."""
        return {**self.fixed, **{path: float(value) for path, value in draw.items()}}

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
        scenario: A :class:`~cxsim.config.scenario.Scenario`; when given, every path is
            checked against it: the constant must exist and accept both ends of its
            range (or its fixed value). (This module does not import scenarios, which
            read their ``[uncertainty]`` table with it.)
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
    distributions = dict(plausible_constants()) if default == "declared" else {}
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
    if scenario is not None:
        _check_against(uncertainty, scenario, where)
    return uncertainty


def _check_against(uncertainty: Uncertainty, scenario: Any, where: str) -> None:
    """Every path must name a number of the scenario that takes the whole range."""
    ends = {path: (d.low, d.high) for path, d in uncertainty.distributions.items()}
    ends |= {path: (value, value) for path, value in uncertainty.fixed.items()}
    base = scenario.to_dict()
    base.pop("uncertainty", None)
    for path, (low, high) in sorted(ends.items()):
        for value in (low, high):
            try:
                type(scenario).from_dict(base, overrides={path: value})
            except InputError as exc:
                raise InputError(
                    f'{where} "{path}"',
                    f"a constant of the scenario that takes {value:g} ({exc.expected})",
                ) from None
