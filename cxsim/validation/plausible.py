"""Plausible distributions of uncertain constants: what we don't know, as data.

A constant that matters and is not known to a client's precision declares, next to its
default, the distribution of values it plausibly takes: uniform, triangular, beta or
log-normal, each within bounds. A scenario's or experiment's ``[uncertainty]`` table
narrows, widens, fixes or adds them by dotted path, in the same form::

    "cases.cross_functional_share" = { distribution = "uniform", low = 0.05, high = 0.9 }
    "handoffs.base_failure" = { distribution = "triangular", low = 0.25, mode = 0.4, high = 0.55 }
    "repurchase.trust_weight" = { distribution = "lognormal", median = 4, sd_log = 0.3,
                                  low = 2, high = 6 }
    "trust.loss" = { distribution = "beta", alpha = 2, beta = 5, low = 0.09, high = 0.36 }
    "internal_trust.erode" = { fixed = 0.08 }

A draw maps a point of the unit interval (from a Latin hypercube or Sobol design) to a
value through the distribution's quantile function; a log-normal is truncated to its
bounds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from cxsim.validation.errors import InputError

__all__ = ["KINDS", "Fixed", "Plausible", "plausible_from_table"]

KINDS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "beta": ("alpha", "beta", "low", "high"),
    "lognormal": ("median", "sd_log", "low", "high"),
}
"""Each distribution and the keys it takes (all required)."""


@dataclass(frozen=True)
class Plausible:
    """A constant's plausible distribution, within ``low`` and ``high``.

    Attributes:
        kind: One of :data:`KINDS`.
        low: Lowest plausible value.
        high: Highest plausible value.
        mode: Triangular: the most likely value.
        alpha: Beta: first shape parameter.
        beta: Beta: second shape parameter.
        median: Log-normal: the median before truncation.
        sd_log: Log-normal: standard deviation of the logarithm.
    """

    kind: str
    low: float
    high: float
    mode: float | None = None
    alpha: float | None = None
    beta: float | None = None
    median: float | None = None
    sd_log: float | None = None

    @classmethod
    def uniform(cls, low: float, high: float) -> Plausible:
        """Every value from ``low`` to ``high`` equally plausible."""
        return cls("uniform", low, high)

    @classmethod
    def triangular(cls, low: float, mode: float, high: float) -> Plausible:
        """Most plausible at ``mode``, falling to nothing at ``low`` and ``high``."""
        return cls("triangular", low, high, mode=mode)

    def _frozen(self) -> Any:
        width = self.high - self.low
        if self.kind == "uniform":
            return stats.uniform(self.low, width)
        if self.kind == "triangular":
            return stats.triang((self.mode - self.low) / width, self.low, width)
        if self.kind == "beta":
            return stats.beta(self.alpha, self.beta, self.low, width)
        return stats.lognorm(s=self.sd_log, scale=self.median)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Values at the quantiles ``u`` (points of the unit interval)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        frozen = self._frozen()
        if self.kind == "lognormal":  # truncated to its bounds
            lower, upper = frozen.cdf(self.low), frozen.cdf(self.high)
            u = lower + u * (upper - lower)
        return np.clip(frozen.ppf(u), self.low, self.high)

    def mean(self) -> float:
        """The distribution's mean (of the truncated distribution for a log-normal)."""
        if self.kind != "lognormal":
            return float(self._frozen().mean())
        return float(self._frozen().expect(lb=self.low, ub=self.high, conditional=True))

    def to_table(self) -> dict[str, Any]:
        """The distribution as an ``[uncertainty]`` entry."""
        return {"distribution": self.kind} | {key: getattr(self, key) for key in KINDS[self.kind]}

    def __str__(self) -> str:
        extra = ""
        if self.kind == "triangular":
            extra = f", most likely {self.mode:g}"
        elif self.kind == "beta":
            extra = f", shapes {self.alpha:g} and {self.beta:g}"
        elif self.kind == "lognormal":
            extra = f", median {self.median:g}, sd of log {self.sd_log:g}"
        return f"{self.kind} {self.low:g} to {self.high:g}{extra}"


@dataclass(frozen=True)
class Fixed:
    """A constant held at one value: not uncertain."""

    value: float

    def to_table(self) -> dict[str, Any]:
        """The entry as an ``[uncertainty]`` entry."""
        return {"fixed": self.value}

    def __str__(self) -> str:
        return f"fixed at {self.value:g}"


def _number(table: Mapping[str, Any], key: str, path: str) -> float:
    if key not in table:
        raise InputError(f"{path}.{key}", "a finite number (the distribution needs it)")
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{path}.{key}", "a finite number", value)
    return float(value)


def plausible_from_table(table: Any, path: str) -> Plausible | Fixed:
    """Read one ``[uncertainty]`` entry: a distribution with its bounds, or ``fixed``.

    Args:
        table: The entry as read from TOML.
        path: Where the entry is, for messages (``[uncertainty] "trust.loss"``).

    Raises:
        InputError: Naming the key and what was expected.
    """
    if not isinstance(table, Mapping):
        raise InputError(
            path, 'a table such as { distribution = "uniform", low = 0.1, high = 0.3 }', table
        )
    if "fixed" in table:
        if len(table) != 1:
            extra = sorted(set(table) - {"fixed"})
            raise InputError(f"{path}.{extra[0]}", "nothing beside fixed")
        return Fixed(_number(table, "fixed", path))
    kind = table.get("distribution")
    if kind not in KINDS:
        raise InputError(
            f"{path}.distribution", "one of " + ", ".join(KINDS) + " (or fixed = a value)", kind
        )
    keys = KINDS[kind]
    for key in table:
        if key != "distribution" and key not in keys:
            raise InputError(
                f"{path}.{key}", f"one of the keys of a {kind} distribution ({', '.join(keys)})"
            )
    values = {key: _number(table, key, path) for key in keys}
    low, high = values["low"], values["high"]
    if not low < high:
        raise InputError(f"{path}.high", f"a number above low ({low:g})", high)
    if kind == "triangular" and not low <= values["mode"] <= high:
        raise InputError(
            f"{path}.mode", f"a number from low to high ({low:g}-{high:g})", values["mode"]
        )
    for key in ("alpha", "beta", "sd_log", "median"):
        if key in values and values[key] <= 0:
            raise InputError(f"{path}.{key}", "a number > 0", values[key])
    return Plausible(kind, **values)
