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
