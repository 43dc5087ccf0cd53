"""A workshop session: one organization, or two under the same seed, stepped week by week.

The dashboard (:mod:`cxsim.app.dashboard`) drives a :class:`Workshop`; nothing here needs a
browser. A :class:`WorkshopSetup` holds what the controls set: the scenario as read, the
seed, the structure and incentive scheme, a few main parameters, the interventions with
their weeks, and optionally a second policy to run side by side. Both sides share the
seed, so their random streams are common and the difference a workshop sees is the
policy's, not noise.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import mesa
import numpy as np
import pandas as pd

from cxsim.components.registry import registered
from cxsim.config.scenario import Scenario
from cxsim.core.model import OrganizationModel
from cxsim.core.simulation import release
from cxsim.validation.errors import InputError, shown

__all__ = [
    "MAIN_PARAMETERS",
    "TREND_METRICS",
    "Policy",
    "ProgrammeStep",
    "Workshop",
    "WorkshopSetup",
    "check_setting",
]

#: The parameters a workshop changes most, by dotted path, with their labels.
MAIN_PARAMETERS: dict[str, str] = {
    "scenario.weeks": "Weeks to simulate",
    "customers.count": "Customers",
    "cases.problem_rate": "Problems per touchpoint",
    "handoffs.base_failure": "Handoff failure (base)",
    "allocation.incentive_strength": "Incentive strength",
    "turnover.base_quit": "Base quit rate (per week)",
    "economics.margin_per_customer_week": "Margin per customer-week",
}

#: The outcomes plotted live, with their labels.
TREND_METRICS: dict[str, str] = {
    "trust": "Customer trust",
    "repurchase_rate": "Repurchase rate",
    "morale": "Employee morale",
    "churn_rate": "Churn (annualised)",
    "profit": "Profit per week",
}


@dataclass(frozen=True)
class Policy:
    """A structure and an incentive scheme, by registered name."""

    structure: str
    incentives: str

    @property
    def label(self) -> str:
        """Short label for legends: ``structure + scheme``."""
        return f"{self.structure} + {self.incentives}"


@dataclass(frozen=True)
class ProgrammeStep:
    """One intervention of the change programme as the controls show it.

    Attributes:
        type: The intervention's registered name.
        start: First week it runs.
        stop: Week it stops (``None``: runs to the horizon).
        enabled: Whether it is part of the programme.
        table: Its other parameters, as in the scenario (empty for defaults).
    """

    type: str
    start: int
    stop: int | None = None
    enabled: bool = True
    table: Mapping[str, Any] = field(default_factory=dict)

    def to_table(self) -> dict[str, Any]:
        """Return the step as a scenario ``[[interventions]]`` table."""
        out = {k: v for k, v in self.table.items() if k not in ("type", "start", "stop")}
        out = {"type": self.type, **out, "start": self.start}
        if self.stop is not None:
            out["stop"] = self.stop
        return out


#: Interventions the controls do not offer to add: they need more than weeks to be set
#: (a restructure needs the structure to move to). A scenario's own are still listed.
NOT_ADDABLE = ("restructure",)


@dataclass(frozen=True)
class WorkshopSetup:
    """What the dashboard's controls set.

    Attributes:
        tables: The scenario's tables as read from its file.
        source: Where the tables came from, for error messages.
        seed: The seed both sides share.
        policy: Structure and scheme of the first side.
        settings: Main parameters changed, by dotted path.
        programme: The interventions, with their weeks.
        compare: A second policy to run beside the first under the same seed, or ``None``.
    """

    tables: Mapping[str, Any]
    source: str | None
    seed: int
    policy: Policy
    settings: Mapping[str, Any] = field(default_factory=dict)
    programme: tuple[ProgrammeStep, ...] = ()
    compare: Policy | None = None

    @classmethod
    def from_scenario(cls, scenario: Scenario, seed: int = 0) -> WorkshopSetup:
        """Start from a validated scenario: its policy, its parameters, its programme.

        Every registered intervention the scenario does not use is listed, switched off,
        so the controls can add it.
        """
        tables = scenario.to_dict()
        used = [
            ProgrammeStep(
                type=t["type"], start=t["start"], stop=t.get("stop"), enabled=True, table=t
            )
            for t in tables["interventions"]
        ]
        present = {step.type for step in used}
        unused = [
            ProgrammeStep(type=name, start=13, stop=None, enabled=False)
            for name in registered("intervention")
            if name not in present and name not in NOT_ADDABLE
        ]
        return cls(
            tables=tables,
            source=scenario.source,
            seed=seed,
            policy=Policy(tables["structure"]["type"], tables["incentives"]["type"]),
            programme=tuple(used + unused),
        )

    def with_changes(self, **changes: Any) -> WorkshopSetup:
        """Return a copy with some attributes changed."""
        return replace(self, **changes)

    def scenario(self, policy: Policy | None = None) -> Scenario:
        """Build and validate the scenario of one side.

        Args:
            policy: The side's policy (the first side's by default).

        Raises:
            InputError: When a setting or the programme does not validate.
        """
        policy = policy or self.policy
        tables = copy.deepcopy(dict(self.tables))
        if policy.structure != tables.get("structure", {}).get("type"):
            tables["structure"] = {"type": policy.structure}
        if policy.incentives != tables.get("incentives", {}).get("type"):
            tables["incentives"] = {"type": policy.incentives}
        tables["interventions"] = [s.to_table() for s in self.programme if s.enabled]
        return Scenario.from_dict(tables, overrides=dict(self.settings), source=self.source)

    def sides(self) -> dict[str, Scenario]:
        """The scenario of each side by its label (one side, or two to compare)."""
        sides = {self.policy.label: self.scenario()}
        if self.compare is not None:
            label = self.compare.label
            if label == self.policy.label:
                label += " (B)"
            sides[label] = self.scenario(self.compare)
        return sides


def check_setting(setup: WorkshopSetup, path: str, value: Any) -> str | None:
    """Check one value a user typed for a main parameter.

    Returns:
        ``None`` when the value is valid, otherwise the message to show beside the control
        (what was expected), the same one ``cxsim validate`` gives.
    """
    tables = copy.deepcopy(dict(setup.tables))
    tables["interventions"] = []
    try:
        Scenario.from_dict(tables, overrides={path: value})
    except InputError as exc:
        return f"expected {exc.expected}" + ("" if exc.got is ... else f", got {shown(exc.got)}")
    return None


class Workshop(mesa.Model):
    """The organizations a workshop watches, stepped together one week at a time.

    Args:
        setup: What the controls set.
        session: A one-item list shared by the workshops of one page: the workshop it
            holds is released (Mesa 3.3 would keep it alive) and replaced by this one.

    Attributes:
        setup: The setup the sessions were built from.
        organizations: One :class:`~cxsim.core.model.OrganizationModel` per side, by label.
        horizon: Weeks the session runs.
        positions: Department positions of the collaboration map, computed once.

    Raises:
        InputError: When the setup does not validate.
    """

    def __init__(self, setup: WorkshopSetup, session: list[Workshop] | None = None) -> None:
        sides = setup.sides()
        super().__init__(rng=setup.seed)
        if session is not None:
            for previous in session:
                previous.release()
            session[:] = [self]
        self.setup = setup
        self.organizations = {
            label: OrganizationModel(scenario, seed=setup.seed) for label, scenario in sides.items()
        }
        first = next(iter(self.organizations.values()))
        self.horizon = first.horizon
        self.department_names = list(first.department_names)
        self.positions = collaboration_layout(first)

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return next(iter(self.organizations.values())).week

    def step(self) -> None:
        """Simulate one week on every side; stop at the horizon."""
        if self.week >= self.horizon:
            self.running = False
            return
        for organization in self.organizations.values():
            organization.step()
        self.running = self.week < self.horizon

    def trends(self) -> dict[str, pd.DataFrame]:
        """Weekly metrics so far, one frame per side."""
        return {label: org.metrics_frame() for label, org in self.organizations.items()}

    def latest(self) -> dict[str, dict[str, float]]:
        """This week's metrics per side (empty before the first week)."""
        return {label: org.latest_metrics() for label, org in self.organizations.items()}

    def department_morale(self) -> pd.DataFrame:
        """Mean morale per department (rows) and side (columns)."""
        columns = {}
        for label, org in self.organizations.items():
            morale = np.array([e.morale for e in org.employees])
            sums = np.bincount(
                org.slot_department, weights=morale, minlength=len(self.department_names)
            )
            columns[label] = sums / np.bincount(org.slot_department, minlength=len(sums))
        return pd.DataFrame(columns, index=pd.Index(self.department_names, name="department"))

    def collaboration(self, label: str) -> tuple[np.ndarray, np.ndarray]:
        """Internal trust and handoff volume so far between departments on one side.

        Returns:
            ``(trust, volume)``: department-by-department matrices.
        """
        org = self.organizations[label]
        return org.internal_trust.matrix.copy(), org.handoff_volume_.copy()

    def release(self) -> None:
        """Let the organizations go (Mesa 3.3 keeps every model alive otherwise)."""
        for organization in self.organizations.values():
            release(organization)


def collaboration_layout(model: OrganizationModel) -> np.ndarray:
    """Place departments for the collaboration map, once per session.

    Departments that own consecutive stages of the customer journey, and departments
    that are each other's likelier partners in a handoff, sit closer: a force-directed
    layout with a fixed seed, so the map does not move between resets.

    Returns:
        One ``(x, y)`` row per department.
    """
    import networkx as nx

    n = len(model.department_names)
    weight = np.diff(np.concatenate([np.zeros((n, 1)), model.partner_cdf], axis=1), axis=1)
    owners = model.stage_owner
    for a, b in zip(owners[:-1], owners[1:], strict=True):
        if a != b:
            weight[a, b] += 1.0
    weight = weight + weight.T
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(
        (a, b, float(weight[a, b])) for a in range(n) for b in range(a + 1, n) if weight[a, b] > 0
    )
    layout = nx.spring_layout(graph, weight="weight", seed=7)
    return np.array([layout[d] for d in range(n)])
