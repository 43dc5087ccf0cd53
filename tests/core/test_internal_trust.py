import numpy as np
import pytest

from cxsim.core.internal_trust import InternalTrust
from cxsim.core.parameters import InternalTrustParameters


def test_joint_success_builds_and_failed_handoffs_erode():
    trust = InternalTrust(3, InternalTrustParameters())
    success = np.zeros((3, 3))
    failure = np.zeros((3, 3))
    success[0, 1] = 50
    failure[0, 2] = 50
    trust.update(success, failure, success + failure)
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
    up.update(volume, np.zeros((2, 2)), volume)
    down.update(np.zeros((2, 2)), volume, volume)
    assert 0.5 - down.matrix[0, 1] > up.matrix[0, 1] - 0.5


def test_more_handoffs_move_trust_more():
    a, b = InternalTrust(2, InternalTrustParameters()), InternalTrust(2, InternalTrustParameters())
    few, many = np.array([[0.0, 2.0], [0, 0]]), np.array([[0.0, 200.0], [0, 0]])
    a.update(few, np.zeros((2, 2)), few)
    b.update(many, np.zeros((2, 2)), many)
    assert b.matrix[0, 1] > a.matrix[0, 1]
    assert b.toward_others()[0] == pytest.approx(b.matrix[0, 1])


def test_successes_without_help_are_not_joint_work():
    helped, unhelped = (InternalTrust(2, InternalTrustParameters()) for _ in range(2))
    volume = np.array([[0.0, 40.0], [0.0, 0.0]])
    helped.update(volume, np.zeros((2, 2)), volume)
    unhelped.update(0.2 * volume, np.zeros((2, 2)), volume)
    assert helped.matrix[0, 1] > unhelped.matrix[0, 1] > 0.5
