"""Scenarios: TOML in, validated dataclasses out, dotted overrides, and back to TOML.

A scenario names the horizon, the departments, one structure and one incentive scheme,
and any model constants it changes from their defaults::

    [scenario]
    name = "siloed-baseline"
    description = "Six departments, individual throughput targets."
    weeks = 104

    [customers]
    count = 20000

    [[departments]]
    name = "support"
    headcount = 80
    stages = ["support"]

    [structure]
    type = "silo"

    [incentives]
    type = "individual_throughput"

Every key is checked: unknown keys, wrong types, out-of-range values and unknown
component names raise :class:`~cxsim.validation.errors.InputError` naming the file, the dotted
path and what was expected.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxsim.components import incentives as _incentives  # noqa: F401  (registers the built-ins)
from cxsim.components import interventions as _interventions  # noqa: F401
from cxsim.components import structures as _structures  # noqa: F401
from cxsim.components.incentives import IncentiveScheme
from cxsim.components.interventions import Intervention, Restructure
from cxsim.components.registry import (
    build_component,
    build_named,
    component_code,
    component_table,
    resolve,
)
from cxsim.components.structures import Structure
from cxsim.config.dotted import set_value, value_at
from cxsim.config.files import parse_toml, read_toml
from cxsim.config.uncertainty import read_uncertainty
from cxsim.core.employees import Department
from cxsim.core.parameters import STAGES, ModelParameters, WarmUpParameters
from cxsim.validation.declare import build, param, to_plain
from cxsim.validation.errors import InputError
from cxsim.validation.limits import MAX_DEPARTMENTS, MAX_EMPLOYEES, check_fits

__all__ = [
    "DEFAULT_DEPARTMENTS",
    "Scenario",
    "apply_override",
    "load_entry",
    "parse_override",
]

DEFAULT_DEPARTMENTS: tuple[dict[str, Any], ...] = (
    {"name": "marketing", "headcount": 15, "stages": ["awareness"]},
    {"name": "sales", "headcount": 22, "stages": ["purchase", "renewal"]},
    {"name": "onboarding", "headcount": 8, "stages": ["onboarding"]},
    {"name": "product", "headcount": 53, "stages": ["usage"]},
    {"name": "support", "headcount": 60, "stages": ["support"]},
    {"name": "billing", "headcount": 34, "stages": ["billing"]},
)
"""Six departments, 192 employees, owning the seven journey stages.

Each is sized to the work it has in the settled siloed baseline at the planning target
(docs/ODD.md 9, departments sized to their work).
"""

MAX_WEEKS = 5200
"""The longest horizon a scenario may have (a century of weeks)."""

_PARAMETER_GROUPS = tuple(f.name for f in dataclasses.fields(ModelParameters))
_TOP_LEVEL = (
    "scenario",
    "departments",
    "structure",
    "incentives",
    "interventions",
    "uncertainty",
    *_PARAMETER_GROUPS,
)


@dataclass(kw_only=True)
class ScenarioHeader:
    """The ``[scenario]`` table."""

    name: str = param("unnamed", help="short name, used in results")
    description: str = param("", help="what the scenario represents")
    weeks: int = param(104, ge=1, le=MAX_WEEKS, unit="weeks", help="horizon")


@dataclass
class Scenario:
    """A validated scenario.

    Attributes:
        name: Short name, used in results.
        description: What the scenario represents.
        weeks: Horizon in weeks.
        departments: The departments, their headcounts and the stages they own.
        structure: The organization structure component.
        incentives: The incentive scheme component.
        interventions: Timed interventions, each with a ``[start, stop)`` window.
        parameters: Every model constant.
        source: The file the scenario was read from, if any.
        given: The tables the file (and any overrides) set; the rest are defaults.
        warm_up_structure: The structure the organization settles under before week 0
            (``[warm_up] structure``), when it is not the scenario's own: the
            organization as it was before the change the scenario describes.
        warm_up_incentives: Likewise, the incentive scheme (``[warm_up] incentives``).
        uncertainty: The ``[uncertainty]`` table as given (validated), or None: what a
            comparison with uncertainty draws (:mod:`cxsim.config.uncertainty`). It does
            not change a single run.
    """

    name: str
    description: str
    weeks: int
    departments: list[Department]
    structure: Structure
    incentives: IncentiveScheme
    parameters: ModelParameters
    interventions: list[Intervention] = field(default_factory=list)
    source: str | None = None
    given: tuple[str, ...] = ()
    warm_up_structure: Structure | None = None
    warm_up_incentives: IncentiveScheme | None = None
    uncertainty: dict[str, Any] | None = None

    # -- reading -------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
        """Read and validate a scenario file.

        Args:
            path: The TOML file.
            overrides: Values to change, by dotted path (``{"customers.count": 5000}``).

        Returns:
            The scenario.

        Raises:
            InputError: When the file is missing, is not TOML, or does not validate.
        """
        data = read_toml(path, "scenario")
        scenario = cls.from_dict(data, overrides=overrides, source=str(path))
        header = data.get("scenario", {})
        if not header.get("name") and "scenario.name" not in (overrides or {}):
            raise InputError(
                "scenario.name",
                'the scenario\'s name: a scenario file names itself ([scenario] name = "...")',
                file=str(path),
            )
        return scenario

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        overrides: Mapping[str, Any] | None = None,
        source: str | None = None,
    ) -> Scenario:
        """Validate a scenario given as nested dicts (as read from TOML).

        Args:
            data: The scenario tables.
            overrides: Values to change, by dotted path.
            source: Where the data came from, for error messages.

        Returns:
            The scenario.

        Raises:
            InputError: For any invalid key or value.
        """
        data = copy.deepcopy(dict(data))
        overridden = []
        for path, value in dict(overrides or {}).items():
            try:
                overridden.append(apply_override(data, path, value))
            except InputError as exc:
                raise exc.in_file(_via_set(source)) from None
        try:
            return cls._validate(data, source)
        except InputError as exc:
            by_set = any(exc.path == p or exc.path.startswith(p + ".") for p in overridden)
            # a shorter horizon set from the command line is what puts windows past it
            by_set |= "scenario.weeks" in overridden and exc.path.startswith("interventions")
            where = _via_set(source) if by_set else source
            raise (exc.in_file(where) if where else exc) from None

    @classmethod
    def _validate(cls, data: dict[str, Any], source: str | None) -> Scenario:
        unknown = sorted(set(data) - set(_TOP_LEVEL))
        if unknown:
            raise InputError(unknown[0], "one of the known tables (" + ", ".join(_TOP_LEVEL) + ")")
        header = _build_header(data.get("scenario", {}))
        departments = _build_departments(data.get("departments", list(DEFAULT_DEPARTMENTS)))
        structure = build_component(Structure, data.get("structure", {"type": "silo"}), "structure")
        incentives = build_component(
            IncentiveScheme,
            data.get("incentives", {"type": "individual_throughput"}),
            "incentives",
        )
        groups = {k: v for k, v in data.items() if k in _PARAMETER_GROUPS}
        starting, groups = _starting_setup(groups)
        parameters = build(ModelParameters, groups)
        _check_journey(parameters)
        employees = sum(d.headcount for d in departments)
        if employees > MAX_EMPLOYEES:
            raise InputError(
                "departments", f"at most {MAX_EMPLOYEES:,} employees in all", employees
            )
        staffing = parameters.staffing
        most = int(employees * staffing.ceiling) if staffing.plan else employees
        check_fits(
            parameters.customers.count,
            employees,
            len(departments),
            header.weeks,
            most_employees=most,
        )
        interventions = _build_interventions(data.get("interventions", []), header.weeks)
        _check_restructures(interventions, structure, incentives)
        uncertainty = data.get("uncertainty")
        if uncertainty is not None:
            read_uncertainty(uncertainty)
        scenario = cls(
            name=header.name,
            description=header.description,
            weeks=header.weeks,
            departments=departments,
            structure=structure,
            incentives=incentives,
            parameters=parameters,
            interventions=interventions,
            source=source,
            given=tuple(sorted(data)),
            warm_up_structure=starting.get("structure"),
            warm_up_incentives=starting.get("incentives"),
            uncertainty=uncertainty,
        )
        if uncertainty is not None:
            read_uncertainty(uncertainty, scenario)
        return scenario

    # -- writing -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the whole scenario, defaults included, as TOML-ready nested dicts."""
        return (
            {
                "scenario": {
                    "name": self.name,
                    "description": self.description,
                    "weeks": self.weeks,
                },
                "departments": [to_plain(d) for d in self.departments],
                "structure": component_table(self.structure),
                "incentives": component_table(self.incentives),
                "interventions": [component_table(i) for i in self.interventions],
                **to_plain(self.parameters),
            }
            | self._warm_up_table()
            | self._uncertainty_table()
        )

    def _uncertainty_table(self) -> dict[str, Any]:
        return {} if self.uncertainty is None else {"uncertainty": self.uncertainty}

    def _warm_up_table(self) -> dict[str, Any]:
        table = to_plain(self.parameters.warm_up)
        for kind in ("structure", "incentives"):
            component = getattr(self, f"warm_up_{kind}")
            if component is not None:
                table[kind] = component_table(component)
        return {"warm_up": table}

    def hash(self) -> str:
        """Return a short stable hash of the scenario's full contents."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def model_hash(self) -> str:
        """Hash of what the model sees: the contents without name and description.

        Runs are stored under it, so renaming a scenario or rewording its description
        keeps its stored runs. A component of the user's own (named by import path or
        entry point) adds a hash of its module's source, so that editing it never
        reuses runs the old code made; cxsim's own code is in every run's key already.
        """
        data = self.to_dict()
        data["scenario"] = {"weeks": self.weeks}
        data.pop("uncertainty", None)  # what a comparison draws, not what a run sees
        own = {type(c) for c in (*self.components_in_play(), *self.interventions)}
        code = sorted(filter(None, (component_code(cls) for cls in own)))
        if code:
            data["component_code"] = code
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def components_in_play(self) -> list[Structure | IncentiveScheme]:
        """The structures and incentive schemes a run of this scenario uses.

        Its own, the ones it settles under (``[warm_up] structure`` / ``incentives``)
        and the ones its restructures switch to.
        """
        found: list[Structure | IncentiveScheme] = [self.structure, self.incentives]
        found += [c for c in (self.warm_up_structure, self.warm_up_incentives) if c is not None]
        for intervention in self.interventions:
            if isinstance(intervention, Restructure):
                found += list(intervention.targets().values())
        return found

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """Return a copy with values changed by dotted path (validated).

        A path that switches a structure, incentive scheme or intervention to another
        type (``structure.type``, ``interventions.training.type``) starts it from the new
        type's defaults: of the old type's parameters, only those set away from that
        type's defaults are kept, and an intervention's automatic name goes with its type.
        """
        data = self.to_dict()
        try:  # entries by position, since a switched intervention loses its automatic name
            probe = copy.deepcopy(data)
            overrides = {set_value(probe, path, value): value for path, value in overrides.items()}
        except InputError:
            pass  # reported, with the scenario's source, as the overrides are applied below
        for path, value in overrides.items():
            head, _, leaf = path.rpartition(".")
            if leaf == "type" and head:
                _keep_given(data, head, value)
        changed = Scenario.from_dict(data, overrides=overrides, source=self.source)
        changed.given = tuple(sorted({*self.given, *(p.split(".")[0] for p in overrides)}))
        return changed

    @property
    def headcount(self) -> int:
        """Total employees."""
        return sum(d.headcount for d in self.departments)


def load_entry(name: Any, base_dir: Path, path: str) -> Scenario:
    """A scenario file another file refers to (an experiment's or a calibration's).

    The entry must name a scenario file, ``*.toml`` (a relative path is taken from the
    referring file's folder); nothing else is read, so an entry can never make cxsim
    read ``/etc/passwd`` or ``/dev/zero``. Any problem with the entry, or in the file it
    names, is reported at the entry.

    Args:
        name: The entry as written.
        base_dir: Folder of the referring file.
        path: Dotted path of the entry (``experiment.scenarios.0``).

    Raises:
        InputError: Naming the entry, and the scenario file's own problem if it has one.
    """
    if not isinstance(name, str) or not name.endswith(".toml"):
        raise InputError(path, "a scenario file (*.toml)", name)
    target = Path(os.path.normpath(base_dir / name))
    if not target.is_file():
        raise InputError(path, f"an existing scenario file ({target} is not one)", name)
    try:
        return Scenario.load(target)
    except InputError as exc:
        raise InputError(path, f"a valid scenario file ({exc})") from None


_COMPONENT_TABLES = {
    "structure": Structure,
    "incentives": IncentiveScheme,
    "warm_up.structure": Structure,
    "warm_up.incentives": IncentiveScheme,
}


def _keep_given(data: dict[str, Any], path: str, new_type: Any) -> None:
    """Drop from the component table at ``path`` what its old type set by default.

    Before the table switches to ``new_type``: the old type's parameters at their
    defaults, and an intervention's automatic name.
    """
    table = value_at(data, path, default=None)
    if not isinstance(table, dict) or table.get("type") == new_type:
        return
    parts = path.split(".")
    is_intervention = len(parts) == 2 and parts[0] == "interventions"
    base = Intervention if is_intervention else _COMPONENT_TABLES.get(path)
    if base is None:
        return
    try:
        old = resolve(base, table.get("type"), f"{path}.type")
    except InputError:
        return  # the old table is reported when the scenario is built
    defaults = {spec.name: spec.default for spec in old.parameters()}
    for name, value in list(table.items()):
        if name != "type" and name in defaults and defaults[name] == value:
            del table[name]
    if is_intervention and _is_automatic_name(table.get("name"), str(table.get("type"))):
        del table["name"]


def _automatic_name(type_name: str, count: int) -> str:
    """The name an unnamed intervention gets: its type, numbered when the type repeats."""
    return type_name if count == 1 else f"{type_name} ({count})"


def _is_automatic_name(name: Any, type_name: str) -> bool:
    """Whether ``name`` is one :func:`_automatic_name` gives an intervention of the type."""
    numbered = re.fullmatch(rf"{re.escape(type_name)} \((\d+)\)", str(name))
    return name == type_name or (numbered is not None and int(numbered.group(1)) > 1)


def _via_set(source: str | None) -> str:
    return f"{source} (via --set)" if source else "--set"


def _build_header(values: Any) -> ScenarioHeader:
    header = build(ScenarioHeader, values, "scenario")
    if not header.name.isprintable() or len(header.name) > 200:
        raise InputError(
            "scenario.name", "one line of at most 200 printable characters", header.name
        )
    if any(not (c.isprintable() or c in "\n\t") for c in header.description):
        raise InputError("scenario.description", "text without control characters")
    return header


def _build_departments(values: Any) -> list[Department]:
    if not isinstance(values, list) or not values:
        raise InputError("departments", "a non-empty list of [[departments]] tables", values)
    if len(values) > MAX_DEPARTMENTS:
        raise InputError(
            "departments", f"at most {MAX_DEPARTMENTS} departments", f"{len(values):,} of them"
        )
    departments = [build(Department, v, f"departments.{i}") for i, v in enumerate(values)]
    seen: dict[str, int] = {}
    owner: dict[str, str] = {}
    for i, d in enumerate(departments):
        if not d.name or not d.name.isprintable():
            raise InputError(
                f"departments.{i}.name", "a department name of printable characters", d.name
            )
        if d.name in seen:
            raise InputError(f"departments.{i}.name", "a name no other department has", d.name)
        seen[d.name] = i
        for stage in d.stages:
            if stage not in STAGES:
                raise InputError(
                    f"departments.{i}.stages", "journey stages among " + ", ".join(STAGES), stage
                )
            if stage in owner:
                raise InputError(
                    f"departments.{i}.stages",
                    f"each stage owned by one department ({stage!r} is {owner[stage]}'s)",
                    stage,
                )
            owner[stage] = d.name
    missing = [s for s in STAGES if s not in owner]
    if missing:
        raise InputError(
            "departments",
            "every journey stage owned by a department (" + ", ".join(missing) + " has no owner)",
        )
    return departments


def _build_interventions(values: Any, weeks: int) -> list[Intervention]:
    """Build the ``[[interventions]]`` and check their windows against each other."""
    if not isinstance(values, list):
        raise InputError("interventions", "a list of [[interventions]] tables", values)
    built: list[Intervention] = []
    names: dict[str, int] = {}
    for i, spec in enumerate(values):
        path = f"interventions.{i}"
        intervention = build_component(Intervention, spec, path)
        start, stop = intervention.start, intervention.stop
        if start >= weeks:
            raise InputError(f"{path}.start", f"a week before the horizon ({weeks})", start)
        if stop is not None and stop <= start:
            raise InputError(f"{path}.stop", f"a week after start ({start})", stop)
        if stop is not None and stop > weeks:
            raise InputError(f"{path}.stop", f"a week within the horizon (at most {weeks})", stop)
        end = weeks if stop is None else stop
        for j, earlier in enumerate(built):
            earlier_end = weeks if earlier.stop is None else earlier.stop
            same_kind = type(earlier) is type(intervention)
            if same_kind and start < earlier_end and earlier.start < end:
                raise InputError(
                    f"{path}.start",
                    f"a window that does not overlap interventions.{j} "
                    f"({earlier.name}, weeks {earlier.start}-{earlier_end})",
                    start,
                )
        if not intervention.name:  # unnamed: the type, numbered when it repeats
            base, count = intervention.type_name(), 1
            intervention.name = _automatic_name(base, count)
            while intervention.name in names:
                count += 1
                intervention.name = _automatic_name(base, count)
        elif intervention.name in names:
            other = names[intervention.name]
            raise InputError(
                f"{path}.name",
                f"a name no other intervention has (interventions.{other} is "
                f"{intervention.name!r})",
            )
        names[intervention.name] = i
        if isinstance(intervention, Restructure):
            _check_restructure(intervention, path)
            if stop is None:
                raise InputError(f"{path}.stop", "the week the disruption of restructuring ends")
        built.append(intervention)
    return built


def _starting_setup(groups: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Take ``structure`` and ``incentives`` out of ``[warm_up]`` and build them.

    Each is a component name or a table with its type and parameters, as a restructure
    takes. Returns the built components by kind and the groups without them.
    """
    table = groups.get("warm_up")
    if not isinstance(table, Mapping):
        return {}, groups
    table = dict(table)
    kinds = {"structure": Structure, "incentives": IncentiveScheme}
    known = [f.name for f in dataclasses.fields(WarmUpParameters)] + list(kinds)
    for key in table:
        if key not in known:
            raise InputError(f"warm_up.{key}", f"one of the known keys ({', '.join(known)})")
    built = {
        kind: build_named(base, table.pop(kind), f"warm_up.{kind}")
        for kind, base in kinds.items()
        if kind in table
    }
    return built, {**groups, "warm_up": table}


def _check_restructure(restructure: Restructure, path: str) -> None:
    if not restructure.structure and not restructure.incentives:
        raise InputError(path, "a structure or incentives to switch to")
    restructure.targets(path)  # each names a component, with valid parameters


def _check_restructures(
    interventions: list[Intervention], structure: Structure, incentives: IncentiveScheme
) -> None:
    """Each restructure must switch to something other than what is then in force."""
    in_force = {"structure": component_table(structure), "incentives": component_table(incentives)}
    restructures = [(i, r) for i, r in enumerate(interventions) if isinstance(r, Restructure)]
    for i, restructure in sorted(restructures, key=lambda pair: pair[1].start):
        for kind, target in restructure.targets(f"interventions.{i}").items():
            table = component_table(target)
            if table == in_force[kind]:
                raise InputError(
                    f"interventions.{i}.{kind}",
                    f"a {kind} other than the one in force in week {restructure.start}",
                    getattr(restructure, kind),
                )
            in_force[kind] = table


def _check_journey(parameters: ModelParameters) -> None:
    for name in ("onboarding_mix", "usage_mix", "renewal_mix"):
        mix = getattr(parameters.journey, name)
        for stage in mix:
            if stage not in STAGES:
                raise InputError(f"journey.{name}.{stage}", "a stage among " + ", ".join(STAGES))
        if sum(mix.values()) <= 0:
            raise InputError(f"journey.{name}", "at least one stage with a positive weight")


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``dotted.path=value`` from the command line; the value is read as TOML.

    Values that are not valid TOML (``structure.type=cross_functional``) are strings.

    Raises:
        InputError: When there is no ``=`` or no path.
    """
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise InputError("--set", "dotted.path=value", text)
    try:
        value = parse_toml(f"value = {raw.strip()}", path="--set")["value"]
    except InputError as exc:
        if "nested" in exc.expected:
            raise
        value = raw.strip()
    return path, value


def apply_override(data: dict[str, Any], path: str, value: Any) -> str:
    """Set ``value`` at a dotted path in nested scenario dicts, creating tables as needed.

    A list (``departments``) is indexed by position or by the ``name`` of its entries:
    ``departments.support.headcount`` or ``departments.4.headcount``. A scenario that
    gives no departments has the default ones, so a path into them starts from those.

    Returns:
        The path with list entries given by position (``departments.4.headcount``).

    Raises:
        InputError: When the path runs through something that is not a table or list.
    """
    parts = path.split(".")
    if parts[0] == "departments" and all(parts) and "departments" not in data:
        data["departments"] = copy.deepcopy(list(DEFAULT_DEPARTMENTS))
    return set_value(data, path, value)
