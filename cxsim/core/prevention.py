"""Prevention capability: root-cause work lowers the rate at which problems arise.

Cap += eta * m * prevent * (1 - Cap) - delta * Cap, per department, where ``prevent`` is
the department's mean prevent share of effort and ``m`` the structure's
multiplier; problems of the department's stages arise at lambda0 * (1 - Cap). Capability
decays without upkeep, so an organization that rewards fire-fighting over prevention
sees its incidents rise over time (Repenning & Sterman 2001).
"""

from __future__ import annotations

import numpy as np

from cxsim.core.parameters import PreventionParameters

__all__ = ["PreventionCapability"]


class PreventionCapability:
    """Per-department prevention capability, 0 to the ceiling.

    Args:
        n_departments: Number of departments.
        params: Prevention parameters.
    """

    def __init__(self, n_departments: int, params: PreventionParameters) -> None:
        self.params = params
        self.level = np.full(n_departments, params.initial_capability)

    def update(self, prevent_effort: np.ndarray, multiplier: float) -> None:
        """Grow with prevent effort and decay.

        Args:
            prevent_effort: Mean prevent effort of each department, 0-1.
            multiplier: The structure's prevention multiplier.
        """
        p = self.params
        cap = self.level
        cap += p.growth * multiplier * prevent_effort * (1.0 - cap) - p.decay * cap
        np.clip(cap, 0.0, p.ceiling, out=cap)
