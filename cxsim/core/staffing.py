"""Workforce planning: departments hire when their case work outgrows them.

A department plans its headcount so that the case work it faces fills
``staffing.target_occupancy`` of its case-work time. It follows a smoothed measure of
demand (a quarter's trend), opens positions for the gap, and new hires start
``staffing.lead_weeks`` later, at a new hire's skill. Recruiting opens at most
``staffing.hiring_rate`` of a department's headcount a week, and no department plans
beyond ``staffing.ceiling`` times its starting headcount. With
``staffing.shrink_by_attrition`` a department with more people than its plan needs
shrinks by attrition: a leaver's position stays unfilled, and nobody is laid off.
"""

from __future__ import annotations

import numpy as np

from cxsim.core.parameters import StaffingParameters

__all__ = ["StaffingPlan"]


class StaffingPlan:
    """Each department's demand trend and the positions it has open.

    Args:
        starting: Each department's starting headcount.
        params: The staffing parameters.
    """

    def __init__(self, starting: np.ndarray, params: StaffingParameters) -> None:
        self.params = params
        self.departments = len(starting)
        # the budget: no department plans beyond ceiling x its starting headcount
        self.ceiling = np.floor(np.asarray(starting) * params.ceiling + 1e-9).astype(int)
        self.demand: np.ndarray | None = None  # smoothed case work faced, in cases a week
        self.openings: list[tuple[int, int]] = []  # (first week, department) of each position
        self.needed: np.ndarray | None = None  # the headcount the last review planned

    def replaces(self, department: int, headcount: int) -> bool:
        """Whether a leaver of ``department`` is replaced.

        Args:
            department: The leaver's department.
            headcount: The department's headcount with the leaver still in it.

        Returns:
            True unless the plan shrinks by attrition and the department, without the
            leaver, still has at least the people its last review planned (and one).
        """
        p = self.params
        if not (p.plan and p.shrink_by_attrition) or self.needed is None:
            return True
        return headcount - 1 < max(1, int(self.needed[department]))

    def review(
        self,
        demand: np.ndarray,
        capacity: np.ndarray,
        headcount: np.ndarray,
        time: int,
        vacated: np.ndarray | None = None,
    ):
        """Follow this week's demand, open the positions the plan needs, start new hires.

        Args:
            demand: Case work each department faced this week, in cases: the cases it
                served and the help it gave, plus the cases left waiting.
            capacity: Each department's lasting case-work capacity (serve and help), in
                cases: without the time a programme takes for its window only.
            headcount: Each department's headcount this week.
            time: The week under way (:attr:`OrganizationModel.elapsed`).
            vacated: Positions each department left unfilled this week (default none).

        Returns:
            The number of new hires starting now, per department.
        """
        p = self.params
        demand = np.asarray(demand, dtype=float)
        if self.demand is None:
            self.demand = demand
        else:
            self.demand = self.demand + (demand - self.demand) / p.demand_weeks
        if p.plan:
            pending = np.bincount([d for _, d in self.openings], minlength=self.departments)
            per_head = capacity / np.maximum(headcount, 1)
            planned = self.demand / np.maximum(per_head * p.target_occupancy, 1e-9)
            needed = np.minimum(np.ceil(planned - 1e-9), self.ceiling).astype(int)
            self.needed = needed
            staying = headcount if vacated is None else headcount - vacated
            gap = np.maximum(0, needed - staying - pending)
            # recruiting opens at most hiring_rate of a department a week, at least one
            gap = np.minimum(gap, np.ceil(headcount * p.hiring_rate).astype(int).clip(1))
            start = time + p.lead_weeks
            self.openings.extend(
                (start, int(d)) for d in np.repeat(np.arange(self.departments), gap)
            )
        starting = [d for start, d in self.openings if start <= time]
        self.openings = [(start, d) for start, d in self.openings if start > time]
        return np.bincount(starting, minlength=self.departments).astype(int)
