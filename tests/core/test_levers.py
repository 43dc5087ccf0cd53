import pytest

from cxsim.components.structures import CrossFunctional, Silo
from cxsim.core.levers import StructureLevers, WeekLevers


def test_levers_read_from_a_structure_and_blend():
    silo, pods = StructureLevers.of(Silo()), StructureLevers.of(CrossFunctional())
    assert pods.pod_friction == CrossFunctional().in_pod_friction
    half = silo.blend(pods, 0.5)
    assert half.information == pytest.approx((silo.information + pods.information) / 2)
    assert silo.blend(pods, 0.0) == silo and silo.blend(pods, 1.0) == pods


def test_shifts_keep_shares_in_range():
    silo = StructureLevers.of(Silo())
    shifted = silo.shifted(information=0.9, help_norm=0.1, handoff_relief=0.3)
    assert shifted.information == 1.0 and shifted.help_norm == 0.1
    assert shifted.handoff_relief == 0.3


def test_communication_relieves_the_strain_of_change():
    levers = WeekLevers(change_strain=0.2, strain_relief=0.6)
    assert levers.strain == pytest.approx(0.08)
    assert WeekLevers(change_strain=0.2, strain_relief=1.7).strain == 0
