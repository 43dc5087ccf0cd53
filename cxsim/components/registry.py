"""Pluggable components: the parameter contract, the registry, and build-by-name.

A component is a small dataclass whose fields are its parameters (declared with
:func:`cxsim.validation.declare.param`) and whose runtime state ends in ``_``. Built-ins register by
name; a scenario may also name a user's class by import path (``package.module:Class``)
or by a name a package registers in the ``cxsim.components`` entry-point group.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import hashlib
import importlib
import importlib.util
import inspect
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from cxsim.validation.declare import ParamSpec, build, describe, to_plain
from cxsim.validation.errors import InputError, shown

__all__ = [
    "ENTRY_POINT_GROUP",
    "Component",
    "build_component",
    "register",
    "registered",
    "resolve",
]

ENTRY_POINT_GROUP = "cxsim.components"

_REGISTRY: dict[str, dict[str, type[Component]]] = {}

C = TypeVar("C", bound="type[Component]")


@dataclass(kw_only=True)
class Component:
    """Base of structures, incentive schemes and interventions.

    Fields are parameters, stored unchanged; state learned during a run ends in ``_``.
    Subclasses set the class variable ``kind`` and override :meth:`setup` when they need
    to prepare state for a model.
    """

    kind: ClassVar[str] = "component"

    def setup(self, model: Any) -> None:
        """Prepare runtime state for ``model``; called once before the first week."""

    def get_params(self) -> dict[str, Any]:
        """Return the parameters as a plain dict."""
        return to_plain(self)

    def set_params(self, **params: Any) -> Component:
        """Return a copy with some parameters changed (validated)."""
        values = {**self.get_params(), **params}
        return build(type(self), values)

    def clone(self) -> Component:
        """Return an unfitted copy with the same parameters."""
        return copy.deepcopy(type(self)(**self.get_params()))

    @classmethod
    def parameters(cls) -> list[ParamSpec]:
        """Describe the declared parameters of this component."""
        return describe(cls)

    def type_name(self) -> str:
        """Return the name a scenario uses for this component: registered or import path."""
        cls = type(self)
        name = getattr(cls, "registered_name", None)
        if name is None or registered(cls.kind).get(name) is not cls:
            return f"{cls.__module__}:{cls.__qualname__}"
        return name

    @classmethod
    def summary(cls) -> str:
        """Return the first line of the class docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


def register(name: str):
    """Register a built-in component class under ``name`` for its kind.

    Args:
        name: The name scenarios use in ``type = "..."``.

    Returns:
        A class decorator.
    """

    def decorate(cls: C) -> C:
        _REGISTRY.setdefault(cls.kind, {})[name] = cls
        cls.registered_name = name
        return cls

    return decorate


#: The modules of cxsim's own components; each registers its classes when imported.
BUILT_IN_MODULES = (
    "cxsim.components.structures",
    "cxsim.components.incentives",
    "cxsim.components.interventions",
)


@functools.cache
def _register_built_ins() -> None:
    """Import the built-in components once, so that they are registered by name."""
    for module in BUILT_IN_MODULES:
        importlib.import_module(module)


def _entry_points() -> dict[str, dict[str, type[Component]]]:
    """Components that installed packages register, scanned once per module path."""
    return _scan_entry_points(tuple(sys.path))


@functools.lru_cache(maxsize=4)
def _scan_entry_points(path: tuple[str, ...]) -> dict[str, dict[str, type[Component]]]:
    """Load the ``cxsim.components`` entry points visible on ``path``.

    ``path`` is the cache key: a folder added to ``sys.path`` makes a new scan.
    """
    found: dict[str, dict[str, type[Component]]] = {}
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = entry.load()
        except Exception as exc:  # a broken plugin must not break cxsim: skip it, say why
            warnings.warn(
                f"cxsim: skipping the {ENTRY_POINT_GROUP} entry point {entry.name!r} "
                f"({entry.value}): {type(exc).__name__}: {exc}",
                stacklevel=2,
            )
            continue
        if isinstance(cls, type) and issubclass(cls, Component):
            found.setdefault(cls.kind, {})[entry.name] = cls
    return found


def registered(kind: str) -> dict[str, type[Component]]:
    """Return every component of a kind: built-ins and entry points, by name.

    Entry points are scanned once per process (and again when ``sys.path`` changes): a
    package installed while a process runs is found by the next one.
    """
    _register_built_ins()
    names = dict(_REGISTRY.get(kind, {}))
    for name, cls in _entry_points().get(kind, {}).items():
        names.setdefault(name, cls)
    return dict(sorted(names.items()))


def _import_path(type_name: str, base: type[Component], path: str) -> type[Component]:
    """The class a scenario names by ``package.module:Class``.

    The module is imported only here, when a scenario names it: a module of the
    standard library is refused before anything is imported (it holds no cxsim
    component), a module that cannot be found is refused without running code, and
    anything the module prints while importing goes to stderr, never into output a
    script reads (``--json``).
    """
    module_name, _, attribute = type_name.partition(":")
    if (
        not module_name
        or not attribute
        or not all(part.isidentifier() for part in (*module_name.split("."), *attribute.split(".")))
    ):
        raise InputError(path, "an import path of the form package.module:Class", type_name)
    top = module_name.partition(".")[0]
    if module_name.split(".")[-1] == "__main__":
        raise InputError(path, "a module of components, not a program's __main__", type_name)
    if top in sys.stdlib_module_names:
        raise InputError(
            path,
            f"a {base.__name__} in a module of your own or of an installed package "
            f"({top} is part of Python's standard library)",
            type_name,
        )
    try:
        found = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise InputError(
            path,
            f"an importable module for {shown(type_name)} (no module named {top!r} on the "
            "Python path; install the package or add its folder to PYTHONPATH)",
        )
    try:
        with contextlib.redirect_stdout(sys.stderr):
            module = importlib.import_module(module_name)
    except (Exception, SystemExit) as exc:  # a user's module may fail in any way on import
        raise InputError(
            path,
            f"an importable module for {shown(type_name)} ({type(exc).__name__}: {str(exc)[:200]})",
        ) from None
    cls: Any = module
    for part in attribute.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise InputError(path, f"a {base.__name__} subclass at {shown(type_name)}", cls)
    return cls


def resolve(base: type[Component], type_name: Any, path: str) -> type[Component]:
    """Find a component class by registered name or ``package.module:Class`` path.

    Args:
        base: The base class the component must derive from (its ``kind`` is looked up).
        type_name: The name or import path given in the scenario.
        path: Dotted path of the ``type`` field, for error messages.

    Returns:
        The component class.

    Raises:
        InputError: When the name is unknown or the path does not give a subclass of base.
    """
    if not isinstance(type_name, str) or not type_name:
        raise InputError(path, f"the name of a {base.kind} component", type_name)
    if ":" in type_name:
        return _import_path(type_name, base, path)
    known = registered(base.kind)
    if type_name not in known:
        names = ", ".join(known) or "none"
        raise InputError(path, f"one of {names} (or package.module:Class)", type_name)
    return known[type_name]


def build_component(base: type[Component], spec: Any, path: str) -> Component:
    """Build a component from its scenario table ``{type = "...", param = value, ...}``.

    Args:
        base: The base class of the kind wanted.
        spec: The table from the scenario.
        path: Dotted path of the table, for error messages.

    Returns:
        The component, with validated parameters.

    Raises:
        InputError: For an unknown type, unknown parameters or invalid values.
    """
    if not isinstance(spec, Mapping):
        raise InputError(path, "a table with a 'type' key", spec)
    if "type" not in spec:
        raise InputError(f"{path}.type", f"the name of a {base.kind} component")
    cls = resolve(base, spec["type"], f"{path}.type")
    values = {k: v for k, v in spec.items() if k != "type"}
    if not dataclasses.is_dataclass(cls):
        raise InputError(f"{path}.type", "a dataclass component", cls)
    return build(cls, values, path)


def build_named(base: type[Component], spec: Any, path: str) -> Component:
    """Build a component given by name, or by a table with its type and parameters.

    Args:
        base: The base class of the kind wanted.
        spec: A registered name or import path (default parameters), or a table.
        path: Dotted path of the value, for error messages.

    Raises:
        InputError: For an empty or unknown name, unknown parameters or invalid values.
    """
    if isinstance(spec, str):
        if not spec:
            raise InputError(path, f"the name of a {base.kind} component", spec)
        return build(resolve(base, spec, path), {}, path)
    return build_component(base, spec, path)


@functools.cache
def component_code(cls: type) -> str | None:
    """A hash of the source of the module defining a component that is not cxsim's own.

    None for cxsim's built-ins (the code fingerprint of every run covers them) and for a
    class whose source file cannot be read.
    """
    module = sys.modules.get(cls.__module__)
    if cls.__module__.partition(".")[0] == "cxsim" or module is None:
        return None
    try:
        source = Path(inspect.getsourcefile(module) or "").read_bytes()
    except (OSError, TypeError):
        return None
    digest = hashlib.sha256(source).hexdigest()[:16]
    return f"{cls.__module__}:{cls.__qualname__}:{digest}"


def component_table(component: Component) -> dict[str, Any]:
    """Return a component as its scenario table, the inverse of :func:`build_component`."""
    return {"type": component.type_name(), **component.get_params()}
