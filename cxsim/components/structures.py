"""Organization structures: who works with whom, and at what friction.

A structure decides how cases reach employees (department queues or journey pods), how
likely a handoff between departments is to fail, what customer information employees
can see, what coordination costs in working time, and how much root-cause work pays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim.components.registry import Component, register
from cxsim.validation.declare import param, redeclare
from cxsim.validation.plausible import Plausible

__all__ = ["CrossFunctional", "CxCouncil", "Silo", "Structure"]

SPONSORED_SUCCESS = 0.76
"""Share of cross-functional teams with governance or a sponsor that succeed (Tabrizi 2015)."""
UNSPONSORED_SUCCESS = 0.19
"""Share of cross-functional teams without either that succeed (Tabrizi 2015)."""


@dataclass(kw_only=True)
class Structure(Component):
    """Base of structures. Fields are the levers every structure sets."""

    kind = "structure"

    handoff_friction: float = param(
        1.0,
        ge=0,
        le=2,
        unit="multiplier",
        source="Carley 1991",
        help="multiplier on the base handoff failure between departments",
    )
    structured_handoffs: bool = param(
        False,
        source="Starmer et al. 2014 (I-PASS)",
        help="handoffs follow a shared checklist",
    )
    information: float = param(
        0.4,
        ge=0,
        le=1,
        unit="0-1",
        source="Hunsaker: silos starve the interaction of information",
        help="share of the customer's history an employee can see",
    )
    coordination_cost: float = param(
        0.0, ge=0, le=0.5, unit="share of capacity", source="assumed", help="meetings, syncs"
    )
    prevention_multiplier: float = param(
        1.0,
        ge=0,
        unit="multiplier",
        source="Repenning & Sterman 2001",
        help="effectiveness of prevent effort (root-cause work)",
    )
    help_norm: float = param(
        0.0,
        ge=0,
        unit="allocation weight",
        source="assumed",
        help="weight helping other departments has as part of the job",
    )
    team_support: float = param(
        0.2,
        ge=0,
        le=1,
        unit="0-1",
        source="job demands-resources",
        help="social support the structure gives (a job resource)",
    )
    borrowing: float = param(
        1.0,
        ge=0,
        le=1,
        unit="share",
        source="queueing: pooled servers wait less (Whitt 1992)",
        help="share of other units' spare capacity a unit's overflow can use",
    )
    specialization_loss: float = param(
        0.0,
        ge=0,
        le=0.5,
        unit="skill",
        source="learning curve: depth comes from repetition (Staats & Gino 2012)",
        help="skill lost on cases when one person covers a department's whole case mix",
    )
    queue_ownership: float = param(
        0.0,
        ge=0,
        le=0.5,
        unit="share of serving speed",
        source="Wang & Zhou 2018; Song, Tucker & Murrell 2015",
        help="faster serving of a queue one's unit owns than of a department's shared queue",
    )

    def assign_pods(self, departments: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Return the pod of each employee slot, or -1 everywhere when there are no pods.

        Args:
            departments: Department index of each employee slot.
            rng: Generator for any random assignment.
        """
        return np.full(len(departments), -1, dtype=np.int64)

    def pod_friction(self) -> float:
        """Return the handoff friction when the partner sits in the same pod."""
        return self.handoff_friction

    def functioning_pods(self, pods: int, rng: np.random.Generator) -> np.ndarray:
        """Return whether each pod works as a team (all do in a structure without pods).

        Args:
            pods: Number of pods.
            rng: Generator for the draw.
        """
        return np.ones(pods, dtype=bool)

    def coordination_share(self) -> float:
        """Return the share of working time coordination takes (meetings, syncs)."""
        return self.coordination_cost


@register("silo")
@dataclass(kw_only=True)
class Silo(Structure):
    """Functional departments; partners reached through queued handoffs."""


@register("cross_functional")
@dataclass(kw_only=True)
class CrossFunctional(Structure):
    """Journey pods drawn from every department; coordination costs capacity."""

    pod_size: int = param(12, ge=2, unit="employees", source="assumed", help="target pod size")
    in_pod_friction: float = param(
        0.75,
        ge=0,
        le=2,
        unit="multiplier",
        source=(
            "team familiarity: Xiao et al. 2015 (readmissions at an odds ratio of 1.42 for "
            "inconsistent surgical teams, 0.70); Huckman & Staats 2013 (19% fewer defects, 0.81)"
        ),
        help="handoff friction when the partner sits in the same pod",
        plausible=Plausible.triangular(0.55, 0.75, 0.95),
    )
    information: float = redeclare(
        Structure, "information", 0.8, source="assumed: a pod shares its customers' history"
    )
    coordination_cost: float = redeclare(
        Structure,
        "coordination_cost",
        0.08,
        source=(
            "assumed: pod stand-ups and planning; below the Scrum Guide's (2020) timeboxes "
            "for a team of 10 or fewer, at most 12.5% of a month's working hours"
        ),
        plausible=Plausible.triangular(0.04, 0.08, 0.16),
    )
    coordination_reference_size: int = param(
        12,
        ge=2,
        unit="employees",
        source="the pod size coordination_cost was set for",
        help="pod size at which coordination takes coordination_cost",
    )
    help_norm: float = redeclare(
        Structure, "help_norm", 0.06, source="assumed: helping the pod is part of the job"
    )
    team_support: float = redeclare(
        Structure, "team_support", 0.5, source="job demands-resources: a stable team"
    )
    borrowing: float = redeclare(
        Structure,
        "borrowing",
        0.5,
        source="assumed: borrowing another pod's colleague takes a request and a hand-over",
        plausible=Plausible.uniform(0.25, 0.75),
    )
    sponsorship: float = param(
        1.0,
        ge=0,
        le=1,
        unit="0-1",
        source="Tabrizi 2015; the shipped scenarios assume a sponsor",
        help="governance and executive sponsorship of the pods (0: none, 1: both)",
    )
    specialization_loss: float = redeclare(
        Structure,
        "specialization_loss",
        0.1,
        source="assumed, a fifth of the learning curve from new hire to expert; "
        "direction from Staats & Gino 2012 and Narayanan et al. 2009",
        plausible=Plausible.triangular(0.05, 0.1, 0.2),
    )

    queue_ownership: float = redeclare(
        Structure,
        "queue_ownership",
        0.07,
        source=(
            "Wang & Zhou 2018: service 6.86% slower in shared than in dedicated queues "
            "(10.7% at equal queue length; social loafing); Song, Tucker & Murrell 2015: "
            "dedicated queues cut emergency stays 10-17% with no loss of quality"
        ),
        plausible=Plausible.triangular(0.0, 0.07, 0.12),
    )

    def coordination_share(self) -> float:
        """Coordination grows with the colleagues each member must keep in step with.

        A pod of n has n (n - 1) / 2 communication channels (Brooks 1975), n - 1 of them
        each member's: the share of working time coordination takes grows in proportion
        to n - 1, and is ``coordination_cost`` at ``coordination_reference_size``
        (Jin & Levitt 1996: coordination is hidden work that grows with team size).
        """
        return self.coordination_cost * (self.pod_size - 1) / (self.coordination_reference_size - 1)

    def assign_pods(self, departments: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Deal each department's employees round-robin into pods of about ``pod_size``."""
        pods = max(1, round(len(departments) / self.pod_size))
        assignment = np.empty(len(departments), dtype=np.int64)
        for department in np.unique(departments):
            members = np.flatnonzero(departments == department)
            assignment[members] = np.arange(len(members)) % pods
        return assignment

    def pod_friction(self) -> float:
        """Return the friction of a handoff inside a pod."""
        return self.in_pod_friction

    def functioning_pods(self, pods: int, rng: np.random.Generator) -> np.ndarray:
        """Draw which pods work as teams: 19% without sponsorship, 76% with it.

        Tabrizi (2015) found three in four cross-functional teams dysfunctional, and
        success in 76% of teams with governance or a committed executive sponsor against
        19% without. A pod works as a team with probability 0.19 + 0.57 ``sponsorship``.
        """
        chance = UNSPONSORED_SUCCESS + (SPONSORED_SUCCESS - UNSPONSORED_SUCCESS) * self.sponsorship
        return rng.random(pods) < chance


@register("cx_council")
@dataclass(kw_only=True)
class CxCouncil(Structure):
    """Departments stay; managers share data and run cross-functional root-cause workshops."""

    structured_handoffs: bool = redeclare(
        Structure, "structured_handoffs", True, source="Starmer et al. 2014 (I-PASS)"
    )
    information: float = redeclare(
        Structure, "information", 0.65, source="assumed: managers share customer data"
    )
    coordination_cost: float = redeclare(
        Structure, "coordination_cost", 0.03, source="assumed: council and workshops"
    )
    prevention_multiplier: float = redeclare(
        Structure,
        "prevention_multiplier",
        1.6,
        source="Hunsaker: five-whys workshops on the top comment themes",
    )
    help_norm: float = redeclare(Structure, "help_norm", 0.02, source="assumed")
    team_support: float = redeclare(Structure, "team_support", 0.3, source="JD-R")
