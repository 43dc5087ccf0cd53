"""The public API of ``import cxsim``: every documented name, loaded on first use."""

import subprocess
import sys

import pytest

import cxsim
from tests.conftest import ROOT

DOCUMENTED = (
    "Scenario",
    "run",
    "OrganizationModel",
    "Structure",
    "IncentiveScheme",
    "Intervention",
    "param",
    "register",
    "registered",
    "METRICS",
    "metric_names",
    "InputError",
    "RunResult",
    "Component",
)


def test_every_documented_name_is_public_and_listed():
    assert sorted(cxsim.__all__) == sorted(DOCUMENTED)
    assert set(DOCUMENTED) <= set(dir(cxsim))
    namespace: dict = {}
    exec("from cxsim import *", namespace)
    assert set(DOCUMENTED) <= set(namespace)


def test_each_name_is_the_object_of_its_module():
    from cxsim.config.scenario import Scenario
    from cxsim.core.model import OrganizationModel
    from cxsim.core.simulation import run

    assert cxsim.Scenario is Scenario
    assert cxsim.OrganizationModel is OrganizationModel
    assert cxsim.run is run


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        cxsim.nothing_here  # noqa: B018
    with pytest.raises(ImportError):
        from cxsim import nothing_here  # noqa: F401


def test_importing_cxsim_loads_no_model_until_a_name_is_used():
    code = (
        "import sys, cxsim\n"
        "assert 'mesa' not in sys.modules and 'cxsim.core.model' not in sys.modules\n"
        "from cxsim import Scenario, run\n"
        "assert 'cxsim.core.simulation' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
