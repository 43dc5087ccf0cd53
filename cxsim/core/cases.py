"""Cases: what customers bring in a week, as a batch of arrays.

A case is a routine journey touchpoint or a problem. Problems arise at a rate that the
owning department's prevention capability lowers, and most need a partner department.
Each customer slot has a fixed number of case *opportunities* per week, each decided by
its own uniform draw, so that a policy that changes the problem rate changes which
opportunities become problems and nothing else (common random numbers). What an
opportunity that occurs is about (stage, partner, whether prevention stopped it) is
drawn by the opportunity's identity, so it too is the same under every policy.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from cxsim.core import kernels, pcg
from cxsim.core.streams import Streams

__all__ = ["OPPORTUNITIES", "TOUCHPOINT", "PROBLEM", "CaseBatch", "new_cases"]

TOUCHPOINT = 0
PROBLEM = 1

OPPORTUNITIES = 4
"""Case opportunities per customer-week: two for touchpoints, two for problems."""


@dataclass
class CaseBatch:
    """Cases as parallel arrays, one row per case.

    Attributes:
        case_id: Identity for keyed draws: customer slot number * OPPORTUNITIES +
            opportunity.
        customer: Customer row (see :class:`~cxsim.core.customers.Customers`).
        kind: TOUCHPOINT or PROBLEM.
        department: Owning department.
        partner: Partner department a problem needs, or -1.
        attempts: Contacts already made about this case.
        waited: Weeks the case has waited for capacity.
        origin: Week the case arose.
    """

    case_id: np.ndarray
    customer: np.ndarray
    kind: np.ndarray
    department: np.ndarray
    partner: np.ndarray
    attempts: np.ndarray
    waited: np.ndarray
    origin: np.ndarray

    def __len__(self) -> int:
        return len(self.case_id)

    def draw_keys(self) -> np.ndarray:
        """Identity of each case for keyed draws: opportunity, week of origin and history.

        Two cases never share a key, so they never share luck; a repeat contact or a
        week of waiting gives the same case fresh luck.
        """
        key = (self.case_id << 12) | (self.origin & 0xFFF)
        return (key << 16) | (np.minimum(self.attempts, 255) << 8) | np.minimum(self.waited, 255)

    def take(self, mask_or_index: np.ndarray) -> CaseBatch:
        """Return the cases selected by a boolean mask or index array."""
        index = np.asarray(mask_or_index)
        if index.dtype == bool:
            index = np.flatnonzero(index)  # found once, not once per field
        return CaseBatch(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def concat(*batches: CaseBatch) -> CaseBatch:
        """Join batches, in order."""
        return CaseBatch(
            **{
                f.name: np.concatenate([getattr(b, f.name) for b in batches])
                for f in fields(CaseBatch)
            }
        )

    @staticmethod
    def empty() -> CaseBatch:
        """Return a batch with no cases."""
        return CaseBatch(**{f.name: np.zeros(0, dtype=np.int64) for f in fields(CaseBatch)})


def new_cases(
    *,
    streams: Streams,
    week: int,
    active: np.ndarray,
    slot_id: np.ndarray,
    phase: np.ndarray,
    stage_cdf: np.ndarray,
    stage_owner: np.ndarray,
    touchpoint_rate: float,
    problem_rate: float,
    capability: np.ndarray,
    cross_functional_share: float,
    partner_cdf: np.ndarray,
) -> CaseBatch:
    """Generate this week's new cases for the active customers.

    Args:
        streams: The run's random streams.
        week: The week.
        active: Boolean mask of active customers, one entry per customer row.
        slot_id: Slot number of each customer row (rows in slot order).
        phase: Journey phase of each row (row of ``stage_cdf``).
        stage_cdf: Cumulative stage mix, one row per phase.
        stage_owner: Department owning each stage.
        touchpoint_rate: Touchpoints per customer-week.
        problem_rate: Problems per customer-week before prevention.
        capability: Prevention capability of each department.
        cross_functional_share: Share of problems that need a partner department.
        partner_cdf: Cumulative chance of each partner department, one row per owner
            (zero weight on the owner itself).

    Returns:
        The new cases, ordered by customer and opportunity.
    """
    # one draw per slot number ever given and opportunity, in slot order, whether its
    # customer is still here or not, so that the k-th customer's luck never depends on who
    # else has left; the draws of slots nobody holds are jumped over, not made
    state = pcg.numpy_state(streams.generator("cases/occurrence", week))
    half = OPPORTUNITIES // 2
    kind = np.where(np.arange(OPPORTUNITIES) < half, TOUCHPOINT, PROBLEM)
    rate = np.where(kind == TOUCHPOINT, touchpoint_rate / half, problem_rate / half)
    row, opportunity = pcg.occurring(*state, active, rate, slot_id)  # by row, opportunity
    keys = [streams.stream_key(f"cases/{d}", week) for d in ("stage", "prevented", "partner")]
    customer, case_id, kind, department, partner = kernels.case_details(
        row,
        opportunity,
        phase,
        stage_cdf,
        stage_owner,
        kind,
        TOUCHPOINT,
        PROBLEM,
        capability,
        cross_functional_share,
        partner_cdf,
        np.array(keys, dtype=np.uint64),
        slot_id,
    )
    return CaseBatch(
        case_id=case_id,
        customer=customer,
        kind=kind,
        department=department,
        partner=partner,
        attempts=np.zeros(len(customer), dtype=np.int64),
        waited=np.zeros(len(customer), dtype=np.int64),
        origin=np.full(len(customer), week, dtype=np.int64),
    )
