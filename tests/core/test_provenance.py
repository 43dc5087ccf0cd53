from pathlib import Path

import grimp

from cxsim.core.provenance import DECIDING, code_fingerprint, fingerprinted_files

PACKAGE = Path(__file__).resolve().parents[2] / "cxsim"


def test_the_fingerprint_covers_exactly_the_core_and_components_and_what_they_import():
    covered = {path.resolve() for path in fingerprinted_files()}
    assert covered == {
        path.resolve() for layer in DECIDING for path in (PACKAGE / layer).rglob("*.py")
    }
    assert PACKAGE / "core" / "model.py" in covered
    assert PACKAGE / "components" / "incentives.py" in covered
    assert not {PACKAGE / "config" / "scenario.py", PACKAGE / "app" / "cli.py"} & covered
    graph = grimp.build_graph("cxsim", cache_dir=None)
    used = {"cxsim.core", "cxsim.components"}
    for package in ("cxsim.core", "cxsim.components"):
        used |= graph.find_upstream_modules(package, as_package=True)
        used |= graph.find_children(package) | graph.find_descendants(package)
    files = set()
    for module in used:
        relative = Path(*module.split(".")[1:])
        path = PACKAGE / relative / "__init__.py"
        files.add(path if path.exists() else PACKAGE / relative.with_suffix(".py"))
    assert {f.resolve() for f in files} <= covered  # all the code a run's results depend on


def test_the_fingerprint_is_a_stable_hash():
    assert code_fingerprint() == code_fingerprint()
    assert len(code_fingerprint()) == 16
