"""Change takes time: lasting changes approach their target slowly and drift back.

A programme raises the *target* of a change (adoption of a new structure, a helping
culture, shared information, aligned promises, engagement from being heard); the change's
*level* follows with a lag of ``change.adoption_weeks``: x += (x* - x) / tau. Without
leadership the target itself drifts back toward the old baseline (0) by
``change.drift`` a week, so a change nobody sustains fades (Kotter 1995).
"""

from __future__ import annotations

from collections.abc import Collection

from cxsim.core.parameters import ChangeParameters

__all__ = ["CHANGES", "Changes"]

CHANGES: tuple[str, ...] = (
    "adoption",
    "engagement",
    "help",
    "information",
    "handoff_relief",
    "promise_alignment",
)
"""The lasting changes programmes can make."""


class Changes:
    """Levels and targets of the lasting changes, all starting at 0 (the old baseline).

    Args:
        params: Change parameters.
    """

    def __init__(self, params: ChangeParameters) -> None:
        self.params = params
        self.target = dict.fromkeys(CHANGES, 0.0)
        self.level = dict.fromkeys(CHANGES, 0.0)

    def aim(self, name: str, value: float) -> None:
        """Set a change's target to at least ``value`` (or at most, for a negative value)."""
        current = self.target[name]
        self.target[name] = max(current, value) if value >= 0 else min(current, value)

    def restart(self, name: str, target: float) -> None:
        """Start a change afresh: level 0, the given target (a new restructure)."""
        self.level[name] = 0.0
        self.target[name] = target

    def update(self, sustained: bool, held: Collection[str] = ()) -> None:
        """Move every level toward its target; unsustained targets drift back to 0.

        Changes named in ``held`` do not drift whatever leadership does: the
        organization's own design (a structure a scenario switches to), not a programme.
        """
        p = self.params
        for name in CHANGES:
            if not sustained and name not in held:
                self.target[name] -= p.drift * self.target[name]
            self.level[name] += (self.target[name] - self.level[name]) / p.adoption_weeks
