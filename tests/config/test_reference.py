from cxsim.config.reference import model_tables, refreshed
from tests.conftest import ROOT


def test_odd_holds_the_current_parameter_tables():
    """Regenerate with: python -m cxsim.config.reference docs/ODD.md"""
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert refreshed(text) == text


def test_every_parameter_has_a_unit_or_meaning_and_a_source_in_the_tables():
    rows = [line for line in model_tables().splitlines() if line.startswith("| `")]
    assert len(rows) > 80
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        name, default, unit, valid, meaning, source = cells
        assert meaning, f"{name} has no meaning"
        assert source, f"{name} has no source"


def test_regenerating_the_tables_in_a_fresh_process_changes_nothing(tmp_path):
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "ODD.md"
    shutil.copy(ROOT / "docs" / "ODD.md", copy)
    subprocess.run([sys.executable, "-m", "cxsim.config.reference", str(copy)], check=True)
    assert copy.read_text(encoding="utf-8") == (ROOT / "docs" / "ODD.md").read_text("utf-8")
