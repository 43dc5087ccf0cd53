"""Internal trust: the department-by-department matrix that joint work builds.

Joint work that succeeds builds trust between two departments; failed handoffs erode
it, faster than success builds it. Trust in turn lowers the failure of the next
handoff, so silos reinforce themselves and collaboration does too (Carley 1991).
"""

from __future__ import annotations

import numpy as np

from cxsim.core.parameters import InternalTrustParameters

__all__ = ["InternalTrust"]


class InternalTrust:
    """Trust between departments, symmetric, 0-1, with a diagonal of ones.

    Args:
        n_departments: Number of departments.
        params: Internal trust parameters.
    """

    def __init__(self, n_departments: int, params: InternalTrustParameters) -> None:
        self.params = params
        self.matrix = np.full((n_departments, n_departments), params.initial)
        np.fill_diagonal(self.matrix, 1.0)

    def update(self, joint_success: np.ndarray, failure: np.ndarray, handoffs: np.ndarray):
        """Build trust with joint successes and erode it with failed handoffs.

        Each pair moves by an amount that grows with its handoff volume n and saturates
        at ``volume_scale`` handoffs a week: T += w (build s (1 - T) - erode f T), where
        w = n / (n + scale), f is the share of the n handoffs that failed and s the share
        that succeeded as joint work.

        Args:
            joint_success: Successful handoffs weighted by the help the partner gave,
                owner department x partner department.
            failure: Failed handoffs, owner x partner.
            handoffs: All handoffs, owner x partner.
        """
        p = self.params
        s = joint_success + joint_success.T
        f = failure + failure.T
        n = (handoffs + handoffs.T).astype(float)
        weight = n / (n + p.volume_scale)
        share_s = np.divide(s, n, out=np.zeros_like(n, dtype=float), where=n > 0)
        share_f = np.divide(f, n, out=np.zeros_like(n, dtype=float), where=n > 0)
        t = self.matrix
        t += weight * (p.build * share_s * (1.0 - t) - p.erode * share_f * t)
        np.clip(t, 0.0, 1.0, out=t)
        np.fill_diagonal(t, 1.0)

    def toward_others(self) -> np.ndarray:
        """Each department's mean trust toward the other departments."""
        n = len(self.matrix)
        if n < 2:
            return np.ones(n)
        return (self.matrix.sum(axis=1) - 1.0) / (n - 1)

    def mean_between_departments(self) -> float:
        """Mean trust over distinct department pairs."""
        n = len(self.matrix)
        if n < 2:
            return 1.0
        return float((self.matrix.sum() - n) / (n * n - n))
