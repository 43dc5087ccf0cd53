"""Levers: the values the week's mechanisms read, set by structure and programmes.

A structure sets :class:`StructureLevers`; a restructure blends the old structure's
levers into the new one's as the change is adopted, and lasting programme effects
(shared information, a helping culture) shift them. Interventions write the
:class:`WeekLevers`, which reset every week; what lasts is kept as agent state or as
a change level (:mod:`cxsim.core.change`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields

__all__ = ["StructureLevers", "WeekLevers"]


@dataclass(frozen=True)
class StructureLevers:
    """What a structure decides, as numbers that can be blended during a change.

    Attributes:
        handoff_friction: Multiplier on handoff failure between departments.
        pod_friction: Multiplier when owner and partner share a pod.
        structured: Weight of structured handoffs, 0-1 (1: a shared checklist).
        information: Share of the customer's history an employee can see.
        coordination: Share of working time coordination takes.
        prevention_multiplier: Effectiveness of prevent effort.
        help_norm: Allocation weight of helping other departments as part of the job.
        team_support: Social support the structure gives.
        handoff_relief: Share of handoff failures shared information prevents.
        borrowing: Share of other units' spare capacity a unit's overflow can use.
        specialization_loss: Skill lost on cases when one person covers a department's
            whole case mix.
        queue_ownership: How much faster a person serves a queue their unit owns than a
            department's shared one.
    """

    handoff_friction: float
    pod_friction: float
    structured: float
    information: float
    coordination: float
    prevention_multiplier: float
    help_norm: float
    team_support: float
    handoff_relief: float = 0.0
    borrowing: float = 1.0
    specialization_loss: float = 0.0
    queue_ownership: float = 0.0

    @classmethod
    def of(cls, structure) -> StructureLevers:
        """Read the levers of a structure component."""
        return cls(
            handoff_friction=structure.handoff_friction,
            pod_friction=structure.pod_friction(),
            structured=float(structure.structured_handoffs),
            information=structure.information,
            coordination=structure.coordination_share(),
            prevention_multiplier=structure.prevention_multiplier,
            help_norm=structure.help_norm,
            team_support=structure.team_support,
            borrowing=structure.borrowing,
            specialization_loss=structure.specialization_loss,
            queue_ownership=structure.queue_ownership,
        )

    def blend(self, toward: StructureLevers, adoption: float) -> StructureLevers:
        """Return the levers part of the way (``adoption``, 0-1) toward another set."""
        return StructureLevers(
            **{
                f.name: getattr(self, f.name)
                + adoption * (getattr(toward, f.name) - getattr(self, f.name))
                for f in fields(self)
            }
        )

    def shifted(self, **shifts: float) -> StructureLevers:
        """Return the levers with some values raised, shares kept within 0-1."""
        values = {name: getattr(self, name) + amount for name, amount in shifts.items()}
        for name in ("information", "structured", "team_support", "handoff_relief"):
            if name in values:
                values[name] = min(1.0, max(0.0, values[name]))
        return dataclasses.replace(self, **values)


@dataclass
class WeekLevers:
    """Per-week levers that interventions set; a fresh set each week.

    Attributes:
        buy_in: Multiplier leadership puts on the other interventions' effects.
        sustained: Whether leadership holds changes against drifting back this week.
        time_away: Share of working time spent in programmes (training, restructuring).
        change_strain: Strain the running changes add to every employee.
        strain_relief: Share of the change strain communication removes.
        engagement: Engagement added this week (gamification, recognition).
        hiring_orientation: Shift of new hires' mean service orientation (recruiting).
    """

    buy_in: float = 1.0
    sustained: bool = False
    time_away: float = 0.0
    change_strain: float = 0.0
    strain_relief: float = 0.0
    engagement: float = 0.0
    hiring_orientation: float = 0.0

    @property
    def strain(self) -> float:
        """The change strain employees feel, after communication's relief."""
        return self.change_strain * (1.0 - min(1.0, self.strain_relief))
