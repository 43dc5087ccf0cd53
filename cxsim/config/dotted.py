"""Dotted paths into scenario tables: ``customers.count``, ``departments.support.headcount``.

A dotted path names one value in the nested tables of a scenario, as TOML gives them or
as :meth:`~cxsim.config.scenario.Scenario.to_dict` returns them. Each part is a key of a
table, or an entry of a list: by its position (``departments.4``) or by the ``name`` of
the entry (``departments.support``). A position is tried first, so a path means the same
entry whether it is read or set. Overrides (``--set``), the parameters a sweep varies and
the free parameters of a calibration are all named this way, and read and set here.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from cxsim.validation.errors import InputError

__all__ = ["REQUIRED", "set_value", "value_at"]

REQUIRED: Any = object()
"""The default of :func:`value_at` that makes a missing value an error."""


def value_at(tables: Mapping[str, Any], path: str, default: Any = REQUIRED) -> Any:
    """Read the value at a dotted path.

    Args:
        tables: The scenario's nested tables.
        path: The dotted path (``departments.support.headcount``).
        default: What a path that leads nowhere gives; without one, such a path is an
            error.

    Returns:
        The value, or ``default`` when the tables have nothing at the path.

    Raises:
        InputError: When the path leads nowhere and no default is given; it names the
            path and the first part not found.
    """
    node: Any = tables
    for part in path.split("."):
        key = _key(node, part)
        if key is None:
            if default is REQUIRED:
                raise InputError(path, f"a path the scenario has ({part!r} not found)")
            return default
        node = node[key]
    return node


def set_value(tables: MutableMapping[str, Any], path: str, value: Any) -> str:
    """Set the value at a dotted path, making the tables it runs through as needed.

    A list is never extended: its entry must exist, by position or by name.

    Args:
        tables: The scenario's nested tables, changed in place.
        path: The dotted path (``departments.support.headcount``).
        value: The value to set.

    Returns:
        The path with list entries given by position (``departments.4.headcount``).

    Raises:
        InputError: For an empty part, a list entry that does not exist, or a path
            through something that is not a table or list.
    """
    parts = path.split(".")
    if not all(parts):
        raise InputError(path, "a dotted path such as customers.count")
    node: Any = tables
    normalised = list(parts)
    for depth, part in enumerate(parts):
        here = ".".join(parts[: depth + 1])
        if not isinstance(node, list | MutableMapping):
            raise InputError(here, "a table or list to set a value in", node)
        key = _key(node, part)
        if key is None and isinstance(node, list):
            names = [str(item.get("name")) for item in node if isinstance(item, Mapping)]
            raise InputError(here, "an index or a name among " + ", ".join(names), part)
        if isinstance(key, int):
            normalised[depth] = str(key)
        if depth == len(parts) - 1:
            node[part if key is None else key] = value
        elif key is None:  # a table gains the table the path runs through
            node = node.setdefault(part, {})
        else:
            node = node[key]
    return ".".join(normalised)


def _key(node: Any, part: str) -> str | int | None:
    """What ``part`` names in ``node``: a key of a table, a position in a list, or None.

    A list's entry is found by its position, else by the ``name`` it has.
    """
    if isinstance(node, Mapping):
        return part if part in node else None
    if not isinstance(node, list):
        return None
    # a run of more digits than any list has entries is no position (and int() may refuse it)
    if part.isdecimal() and len(part) < 20 and int(part) < len(node):
        return int(part)
    for position, item in enumerate(node):
        if isinstance(item, Mapping) and item.get("name") == part:
            return position
    return None
