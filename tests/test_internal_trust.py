import numpy as np
import pytest

from cxsim.internal_trust import InternalTrust
from cxsim.parameters import InternalTrustParameters


def test_joint_success_builds_and_failed_handoffs_erode():
    trust = InternalTrust(3, InternalTrustParameters())
    success = np.zeros((3, 3))
    failure = np.zeros((3, 3))
    success[0, 1] = 50
    failure[0, 2] = 50
    trust.update(success, failure)
    m = trust.matrix
    assert m[0, 1] > 0.5 and m[1, 0] == m[0, 1]
    assert m[0, 2] < 0.5 and m[1, 2] == 0.5
    assert np.all(np.diag(m) == 1)


def test_failures_erode_faster_than_successes_build():
    up, down = (
        InternalTrust(2, InternalTrustParameters()),
        InternalTrust(2, InternalTrustParameters()),
    )
    volume = np.array([[0.0, 30.0], [0.0, 0.0]])
    up.update(volume, np.zeros((2, 2)))
    down.update(np.zeros((2, 2)), volume)
    assert 0.5 - down.matrix[0, 1] > up.matrix[0, 1] - 0.5


def test_more_handoffs_move_trust_more():
    a, b = InternalTrust(2, InternalTrustParameters()), InternalTrust(2, InternalTrustParameters())
    a.update(np.array([[0.0, 2.0], [0, 0]]), np.zeros((2, 2)))
    b.update(np.array([[0.0, 200.0], [0, 0]]), np.zeros((2, 2)))
    assert b.matrix[0, 1] > a.matrix[0, 1]
    assert b.toward_others()[0] == pytest.approx(b.matrix[0, 1])
