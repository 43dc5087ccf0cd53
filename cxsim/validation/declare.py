"""Declared parameters: defaults, units, bounds and sources on dataclass fields.

Every model constant and every component parameter is a dataclass field made with
:func:`param`. The declaration carries what a user needs (default, unit, valid range,
source) and what validation needs, so one declaration serves the scenario loader, the
``cxsim components`` listing and the parameter tables of ``docs/ODD.md``. The tables of
scenario, experiment and calibration files are declared the same way and read with
:func:`build`.

A field's type says what it takes: ``bool``, ``str`` (with ``choices``), ``int`` and
``float`` (with bounds), ``X | None`` (``X``, or omitted), ``dict[str, float]`` (a table of
numbers >= 0), ``list[str]``, ``list[int]`` and ``list[float]`` (each number within the
bounds), ``list[Any]`` (any list), another declared dataclass (a table) or a list of them,
and ``str | dict[str, Any]`` (a component by name or as a table).
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cxsim.validation.errors import InputError
from cxsim.validation.plausible import Plausible

__all__ = ["ParamSpec", "build", "describe", "param", "redeclare", "to_plain"]

LARGEST = 10**12
"""The largest magnitude any number in a scenario may have, whatever its field: far above
every sensible value (salaries, customers, weeks), far below where arithmetic overflows
(a week count of 2**63 would wrap around in NumPy's integers)."""


def param(
    default: Any = dataclasses.MISSING,
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    unit: str = "",
    source: str = "",
    help: str = "",
    choices: tuple[str, ...] | None = None,
    expected: str | None = None,
    plausible: Plausible | None = None,
) -> Any:
    """Declare a parameter field.

    Args:
        default: The default value (lists and dicts are copied for each instance).
            Without one, the field is required: :func:`build` refuses a table that
            does not give it.
        ge: Inclusive lower bound for numbers (and for each number of a list).
        le: Inclusive upper bound for numbers (and for each number of a list). A bound
            above :data:`LARGEST` lifts that limit for this field.
        gt: Exclusive lower bound for numbers (and for each number of a list).
        unit: Unit of the value, in words.
        source: Where the default comes from.
        help: One line saying what the parameter does.
        choices: Allowed values for a string parameter.
        expected: What a valid value looks like, in the domain's words ("a dotted path
            such as trust.loss"), when the type and bounds do not say it well; messages
            and listings show it instead of the description made from the type.
        plausible: For an uncertain constant, the distribution of values it plausibly
            takes (:mod:`cxsim.validation.plausible`); its source is ``source``'s.

    Returns:
        A ``dataclasses.field`` carrying the declaration in its metadata.
    """
    metadata = {
        "ge": ge,
        "le": le,
        "gt": gt,
        "unit": unit,
        "source": source,
        "help": help,
        "choices": choices,
        "expected": expected,
        "plausible": plausible,
    }
    if default is dataclasses.MISSING:
        return field(metadata=metadata)
    if dataclasses.is_dataclass(default):
        return field(default_factory=type(default), metadata=metadata)
    if isinstance(default, list | dict):
        return field(default_factory=lambda: _copy(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def redeclare(base: type, name: str, default: Any, **changes: Any) -> Any:
    """Re-declare a parameter a subclass inherits, with a new default.

    The declaration (bounds, unit, help) is kept; ``changes`` replace parts of it, for
    example the ``source`` of the new default.
    """
    inherited = {f.name: f for f in dataclasses.fields(base)}[name]
    metadata = {**inherited.metadata, **changes}
    return param(default, **metadata)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@dataclass(frozen=True)
class ParamSpec:
    """What a user can know about one declared parameter."""

    name: str
    default: Any
    expected: str
    unit: str
    source: str
    help: str
    plausible: Plausible | None = None


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _expected(kind: Any, meta: Mapping[str, Any]) -> str:
    """Describe in words what a field accepts."""
    if meta.get("expected"):
        return meta["expected"]
    origin = typing.get_origin(kind)
    if kind is bool:
        return "true or false"
    if kind is str:
        choices = meta.get("choices")
        if choices:
            return "one of " + ", ".join(repr(c) for c in choices)
        return "a string"
    if origin is list:
        return _list_expected(typing.get_args(kind), meta)
    if origin is dict:
        return "a table of finite numbers >= 0"
    if kind in (int, float):
        noun = "an integer" if kind is int else "a finite number"
        return f"{noun} {_range(meta)}".rstrip()
    optional = _optional(kind)
    if optional is not None:
        return f"{_expected(optional, meta)}, or omitted"
    if _is_name_or_table(kind):
        return "a component name, or a table with its type and parameters"
    if dataclasses.is_dataclass(kind):
        return "a table"
    return str(kind)


def _list_expected(args: tuple[Any, ...], meta: Mapping[str, Any]) -> str:
    """Describe a list field: of strings, of numbers (with their bounds), of tables."""
    item = args[0] if args else Any
    if item is int:
        return f"a list of integers {_range(meta)}".rstrip()
    if item is float:
        return f"a list of finite numbers {_range(meta)}".rstrip()
    if item is Any:
        return "a list"
    if dataclasses.is_dataclass(item):
        return "a list of tables"
    if item is str:
        return "a list of strings"
    return f"a list of {item!r}"


def _range(meta: Mapping[str, Any]) -> str:
    """The bounds of a number in words (``between 0 and 1``, ``>= 1``), or nothing."""
    ge, le, gt = (_bound(meta.get(k)) for k in ("ge", "le", "gt"))
    if ge is not None and le is not None:
        return f"between {ge} and {le}"
    if gt is not None:
        return f"> {gt}"
    if ge is not None:
        return f">= {ge}"
    if le is not None:
        return f"<= {le}"
    return ""


def _bound(value: float | None) -> str | None:
    """A bound as a message shows it: 10,000,000 rather than 1e+07; 0.25 as it is."""
    if value is None:
        return None
    if float(value).is_integer() and abs(value) >= 10_000:
        return f"{int(value):,}"
    return f"{value:g}"


def _is_name_or_table(kind: Any) -> bool:
    """A field that takes a component by name or as a table (``str | dict[str, Any]``)."""
    args = typing.get_args(kind)
    return (
        typing.get_origin(kind) in (typing.Union, types.UnionType)
        and len(args) == 2
        and str in args
        and any(typing.get_origin(a) is dict for a in args)
    )


def _optional(kind: Any) -> Any:
    """The type ``X`` of a field declared ``X | None`` (omitted: None), else None."""
    args = typing.get_args(kind)
    if (
        typing.get_origin(kind) in (typing.Union, types.UnionType)
        and len(args) == 2
        and type(None) in args
    ):
        return next(a for a in args if a is not type(None))
    return None


def describe(cls: type) -> list[ParamSpec]:
    """List the declared parameters of a dataclass (nested groups are skipped).

    Args:
        cls: A dataclass whose fields were made with :func:`param`.

    Returns:
        One :class:`ParamSpec` per parameter, in declaration order.
    """
    hints = _hints(cls)
    specs = []
    for f in dataclasses.fields(cls):
        if f.name.endswith("_") or dataclasses.is_dataclass(hints[f.name]):
            continue
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:  # required: there is no default
            default = None
        meta = f.metadata
        specs.append(
            ParamSpec(
                name=f.name,
                default=default,
                expected=_expected(hints[f.name], meta),
                unit=meta.get("unit", ""),
                source=meta.get("source", ""),
                help=meta.get("help", ""),
                plausible=meta.get("plausible"),
            )
        )
    return specs


def _check(value: Any, kind: Any, meta: Mapping[str, Any], path: str) -> Any:
    """Return the value converted to the field's type, or raise :class:`InputError`."""
    expected = _expected(kind, meta)
    optional = _optional(kind)
    if optional is not None:
        if value is None:
            return None
        kind = optional
    origin = typing.get_origin(kind)
    if _is_name_or_table(kind):  # the component it names is checked where it is built
        if not isinstance(value, str | Mapping):
            raise InputError(path, expected, value)
        return _copy(dict(value)) if isinstance(value, Mapping) else value
    if dataclasses.is_dataclass(kind):
        return build(kind, value, path)
    if kind is bool:
        if not isinstance(value, bool):
            raise InputError(path, expected, value)
        return value
    if kind is str:
        if not isinstance(value, str):
            raise InputError(path, expected, value)
        choices = meta.get("choices")
        if choices and value not in choices:
            raise InputError(path, expected, value)
        return value
    if origin is list:
        return _check_list(value, typing.get_args(kind), expected, meta, path)
    if origin is dict:
        if not isinstance(value, Mapping):
            raise InputError(path, expected, value)
        out = {}
        for key, number in value.items():
            if (
                isinstance(number, bool)
                or not isinstance(number, int | float)
                or not 0 <= number <= LARGEST
            ):
                raise InputError(f"{path}.{key}", "a finite number >= 0", number)
            out[str(key)] = float(number)
        return out
    if kind in (int, float):
        return _check_number(value, kind, expected, meta, path)
    raise InputError(path, f"a parameter of a supported type (this one is declared {kind!r})")


def _check_number(
    value: Any, kind: type, expected: str, meta: Mapping[str, Any], path: str
) -> int | float:
    """An integer or finite number within the declared bounds and :data:`LARGEST` in size.

    A field whose upper bound ``le`` is above :data:`LARGEST` may take numbers up to it.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(path, expected, value)
    if kind is int and not isinstance(value, int):
        raise InputError(path, expected, value)
    ge, le, gt = meta.get("ge"), meta.get("le"), meta.get("gt")
    if abs(value) > (LARGEST if le is None else max(le, LARGEST)):  # infinity too
        # a declared upper bound already says how large it may be
        size = "" if le is not None else f", at most {LARGEST:,.0f} in size"
        raise InputError(path, f"{expected}{size}", value)
    if not math.isfinite(value):
        raise InputError(path, expected, value)
    if (
        (ge is not None and value < ge)
        or (le is not None and value > le)
        or (gt is not None and value <= gt)
    ):
        raise InputError(path, expected, value)
    return kind(value)


def _check_list(
    value: Any, args: tuple[Any, ...], expected: str, meta: Mapping[str, Any], path: str
) -> list[Any]:
    """A list, its entries checked by their declared type.

    Strings are checked together (the list's path names the error); numbers one by one,
    each against the field's bounds, and tables each built as the declared dataclass
    (``path.0``, ``path.1``, ... name an error). ``list[Any]`` takes any entries.
    """
    if not isinstance(value, list):
        raise InputError(path, expected, value)
    item = args[0] if args else Any
    if item is Any:
        return _copy(value)
    if item in (int, float) or dataclasses.is_dataclass(item):
        each = {k: v for k, v in meta.items() if k != "expected"}  # the entry's own words
        return [_check(v, item, each, f"{path}.{i}") for i, v in enumerate(value)]
    if item is str:
        if not all(isinstance(v, str) for v in value):
            raise InputError(path, expected, value)
        return list(value)
    raise InputError(path, f"a parameter of a supported type (this one is declared {item!r})")


def build(cls: type, values: Mapping[str, Any] | None, path: str = "") -> Any:
    """Build a declared dataclass from a mapping, validating every key and value.

    Nested dataclass fields are built from nested mappings (a list of them from a list
    of mappings). Keys that are not parameters of ``cls`` are errors that list the
    allowed names; a parameter declared without a default must be given.

    Args:
        cls: The dataclass to build.
        values: The values given (missing ones take their defaults).
        path: Dotted path of the mapping, for error messages.

    Returns:
        An instance of ``cls``.

    Raises:
        InputError: For an unknown key, a missing required key, a wrong type or a value
            out of range.
    """
    values = {} if values is None else values
    prefix = f"{path}." if path else ""
    if not isinstance(values, Mapping):
        raise InputError(path, "a table", values)
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init and not f.name.endswith("_")}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        allowed = ", ".join(sorted(fields)) or "none"
        raise InputError(f"{prefix}{unknown[0]}", f"one of the known keys ({allowed})")
    for name, f in fields.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required and name not in values:
            raise InputError(f"{prefix}{name}", _expected(hints[name], f.metadata))
    kwargs = {}
    for name, value in values.items():
        kind = hints[name]
        if dataclasses.is_dataclass(kind):
            kwargs[name] = build(kind, value, f"{prefix}{name}")
        else:
            kwargs[name] = _check(value, kind, fields[name].metadata, f"{prefix}{name}")
    return cls(**kwargs)


def to_plain(instance: Any) -> dict[str, Any]:
    """Return a declared dataclass as plain nested dicts (runtime state excluded)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(instance):
        if f.name.endswith("_") or not f.init:
            continue
        value = getattr(instance, f.name)
        out[f.name] = to_plain(value) if dataclasses.is_dataclass(value) else _copy(value)
    return out
