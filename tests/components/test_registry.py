import os
import sys
import textwrap

import pytest

from cxsim import IncentiveScheme, Scenario, Structure
from cxsim.components.registry import (
    ENTRY_POINT_GROUP,
    build_component,
    build_named,
    registered,
    resolve,
)
from cxsim.components.structures import CrossFunctional, Silo
from cxsim.validation.errors import InputError
from tests.conftest import ROOT, small

EXAMPLES = ROOT / "docs" / "examples"


def test_builtins_are_found_by_name():
    assert set(registered("structure")) >= {"silo", "cross_functional", "cx_council"}
    assert set(registered("incentives")) >= {
        "individual_throughput",
        "individual_csat",
        "resolution_bonus",
        "prevention_bonus",
        "team_recognition",
        "universal",
        "balanced_scorecard",
    }
    assert resolve(Structure, "silo", "structure.type") is Silo


def test_unknown_name_lists_what_exists():
    with pytest.raises(InputError) as error:
        resolve(Structure, "matrix", "structure.type")
    assert "cross_functional, cx_council, silo" in str(error.value)


def test_parameters_are_validated_and_defaults_declared():
    pods = build_component(Structure, {"type": "cross_functional", "pod_size": 8}, "structure")
    assert isinstance(pods, CrossFunctional) and pods.pod_size == 8
    assert {p.name for p in CrossFunctional.parameters()} >= {"pod_size", "in_pod_friction"}
    with pytest.raises(InputError) as error:
        build_component(Structure, {"type": "silo", "pod_size": 8}, "structure")
    assert error.value.path == "structure.pod_size"


def test_a_component_is_built_by_name_or_by_table():
    by_name = build_named(Structure, "cross_functional", "structure")
    by_table = build_named(Structure, {"type": "cross_functional", "pod_size": 8}, "structure")
    assert type(by_name) is type(by_table)
    assert (by_name.pod_size, by_table.pod_size) == (type(by_name)().pod_size, 8)
    with pytest.raises(InputError, match="the name of a structure component"):
        build_named(Structure, "", "warm_up.structure")


def test_params_contract_get_set_clone():
    pods = CrossFunctional(pod_size=9)
    assert pods.get_params()["pod_size"] == 9
    changed = pods.set_params(pod_size=6)
    assert changed.pod_size == 6 and pods.pod_size == 9
    assert pods.clone() == pods and pods.clone() is not pods


def test_user_classes_load_by_import_path(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    scenario = small(
        {
            "structure.type": "custom_policies:DailyHuddles",
            "structure.huddle_minutes": 20,
            "incentives.type": "custom_policies:RepeatFreeBonus",
        },
        weeks=3,
    )
    data = scenario.to_dict()
    data["interventions"] = [{"type": "custom_policies:MentoringCircles", "start": 1}]
    scenario = Scenario.from_dict(data)
    assert type(scenario.structure).__name__ == "DailyHuddles"
    assert scenario.structure.huddle_minutes == 20
    assert scenario.to_dict()["structure"]["type"] == "custom_policies:DailyHuddles"
    from cxsim import run

    result = run(scenario, seed=1)
    assert result.model.structure.coordination_share() == pytest.approx(20 * 5 / 60 / 40)
    assert len(result.metrics) == 3
    assert list(result.metrics["programme_cost"]) == [0.0, 200.0, 200.0]


def test_import_path_to_the_wrong_kind_is_refused(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    with pytest.raises(InputError) as error:
        resolve(Structure, "custom_policies:RepeatFreeBonus", "structure.type")
    assert "Structure subclass" in str(error.value)
    with pytest.raises(InputError):
        resolve(Structure, "no_such_module_here:Thing", "structure.type")
    with pytest.raises(InputError, match="package.module:Class"):
        resolve(Structure, ":Thing", "structure.type")


def test_a_module_that_fails_on_import_is_an_input_error(tmp_path, monkeypatch):
    (tmp_path / "broken_policies.py").write_text("raise RuntimeError('boom')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(InputError, match="RuntimeError: boom"):
        resolve(Structure, "broken_policies:Thing", "structure.type")


def install_entry_point(tmp_path, monkeypatch, distribution: str, entry: str) -> None:
    """Make an installed-looking distribution that registers one cxsim component."""
    info = tmp_path / f"{distribution}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution.replace('_', '-')}\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entry}\n")
    monkeypatch.syspath_prepend(str(tmp_path))


def test_a_broken_entry_point_is_skipped_with_a_warning(tmp_path, monkeypatch):
    install_entry_point(
        tmp_path, monkeypatch, "cxsim_broken_demo", "broken = cxsim_missing_module_xyz:Thing"
    )
    with pytest.warns(UserWarning, match="skipping"):
        names = registered("structure")
    assert "silo" in names and "broken" not in names


def test_entry_point_registers_a_short_name(tmp_path, monkeypatch):
    package = tmp_path / "cxsim_plugin_demo"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            '''
            from dataclasses import dataclass
            import numpy as np
            from cxsim import IncentiveScheme

            @dataclass(kw_only=True)
            class HelpfulnessAward(IncentiveScheme):
                """Rewards help given to other departments."""
                uses = (0.5, 0.5, 0.0, 0.0)

                def measure(self, performance):
                    return performance.work.help_given
            '''
        )
    )
    install_entry_point(
        tmp_path,
        monkeypatch,
        "cxsim_plugin_demo",
        "helpfulness_award = cxsim_plugin_demo:HelpfulnessAward",
    )
    assert "helpfulness_award" in registered("incentives")
    scheme = build_component(IncentiveScheme, {"type": "helpfulness_award"}, "incentives")
    assert type(scheme).__name__ == "HelpfulnessAward"
    sys.modules.pop("cxsim_plugin_demo", None)


RECORDING_MODULE = """
import os, pathlib
pathlib.Path(os.environ["CXSIM_IMPORTED"]).write_text(__name__)
from cxsim.components.structures import Silo

class Recorded(Silo):
    pass
"""


def test_an_import_path_is_imported_only_when_a_scenario_names_it(tmp_path, monkeypatch):
    (tmp_path / "recorded_policies.py").write_text(RECORDING_MODULE)
    marker = tmp_path / "imported"
    monkeypatch.setenv("CXSIM_IMPORTED", str(marker))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "recorded_policies", raising=False)
    small({"structure.type": "silo"}, weeks=2)
    assert registered("structure") and not marker.exists()
    assert "recorded_policies" not in sys.modules
    scenario = small({"structure.type": "recorded_policies:Recorded"}, weeks=2)
    assert marker.read_text() == "recorded_policies"
    assert scenario.structure.type_name() == "recorded_policies:Recorded"


def test_python_m_cxsim_does_not_import_from_the_current_folder(tmp_path):
    import subprocess

    (tmp_path / "stray_policies.py").write_text(RECORDING_MODULE)
    scenario = tmp_path / "s.toml"
    scenario.write_text('[scenario]\nname = "s"\n[structure]\ntype = "stray_policies:Recorded"\n')
    marker = tmp_path / "imported"
    done = subprocess.run(
        [sys.executable, "-m", "cxsim", "validate", str(scenario)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "CXSIM_IMPORTED": str(marker)},
    )
    assert done.returncode == 2 and "no module named 'stray_policies'" in done.stderr
    assert not marker.exists()


def test_runs_of_a_users_component_are_keyed_by_its_code(tmp_path, monkeypatch):
    import importlib

    from cxsim.components.registry import component_code

    module = tmp_path / "keyed_policies.py"
    module.write_text(
        "from cxsim.components.structures import Silo\n\nclass Keyed(Silo):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "keyed_policies", raising=False)
    own = {"structure.type": "keyed_policies:Keyed"}
    # settling under it counts as using it, though the scenario then runs as a silo
    settled = {"warm_up.weeks": 4, "warm_up.structure": "keyed_policies:Keyed"}
    before = small(own, weeks=2).model_hash()
    before_settled = small(settled, weeks=2).model_hash()
    assert before == small(own, weeks=2).model_hash()
    module.write_text(module.read_text() + "\nSTEPS = 2  # a changed model\n")
    importlib.reload(sys.modules["keyed_policies"])
    component_code.cache_clear()
    assert small(own, weeks=2).model_hash() != before
    assert small(settled, weeks=2).model_hash() != before_settled
    assert component_code(Silo) is None  # cxsim's own code is in every run's key already


def test_the_built_ins_are_registered_whatever_was_imported_first():
    import subprocess

    code = (
        "from cxsim.components.registry import registered; "
        "print(sorted(registered('structure')), 'training' in registered('intervention'))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert shown.strip() == "['cross_functional', 'cx_council', 'silo'] True"
