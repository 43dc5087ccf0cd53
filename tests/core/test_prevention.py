import numpy as np

from cxsim.core.parameters import PreventionParameters
from cxsim.core.prevention import PreventionCapability


def test_capability_grows_with_prevention_and_decays_without_it():
    p = PreventionParameters()
    cap = PreventionCapability(2, p)
    for _ in range(200):
        cap.update(np.array([0.3, 0.0]), multiplier=1.0)
    assert cap.level[0] > p.initial_capability > cap.level[1]
    eq = p.growth * 0.3 / (p.growth * 0.3 + p.decay)
    assert abs(cap.level[0] - eq) < 0.01


def test_structure_multiplier_speeds_capability():
    a, b = (
        PreventionCapability(1, PreventionParameters()),
        PreventionCapability(1, PreventionParameters()),
    )
    a.update(np.array([0.2]), 1.0)
    b.update(np.array([0.2]), 1.6)
    assert b.level[0] > a.level[0]
