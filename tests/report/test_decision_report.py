"""The report of a comparison under uncertainty opens with the decision."""

import json

from cxsim.analysis.store import Store
from cxsim.app.cli import main
from tests.conftest import SCENARIOS

TINY = ["--set", "customers.count=600", "--set", "scenario.weeks=6"]
TINY += ["--set", "warm_up.weeks=0", "--quiet", "--workers", "1"]


def test_the_report_opens_with_the_decision_and_draws_its_figures(tmp_path, capsys):
    store = tmp_path / "runs.db"
    siloed, collaborative = str(SCENARIOS / "siloed.toml"), str(SCENARIOS / "collaborative.toml")
    args = ["compare", siloed, collaborative, "--reps", "3", "--store", str(store)]
    assert main([*args, "--uncertainty", "--draws", "12", *TINY]) == 0
    capsys.readouterr()
    assert main(["report", str(store), "--out", str(tmp_path / "report")]) == 0
    page = (tmp_path / "report" / "report.html").read_text()
    decision, question = page.index("<h2>The decision</h2>"), page.index("<h2>The question</h2>")
    assert decision < question  # the summary comes first
    assert "Chance it earns more two-year profit than siloed-baseline" in page[decision:question]
    assert "What to measure first" in page[decision:question]
    figures = tmp_path / "report" / "figures"
    assert (figures / "acceptability.png").stat().st_size > 0
    assert (figures / "value_of_information.png").stat().st_size > 0
    table = (tmp_path / "report" / "uncertainty.csv").read_text().splitlines()
    assert len(table) == 13 and "difference_profit_total" in table[0]
    assert "e-" not in page[decision:question] and "e+" not in page[decision:question]


def test_a_damaged_record_of_the_draws_leaves_the_decision_out_and_says_so(tmp_path, capsys):
    store = tmp_path / "runs.db"
    siloed, collaborative = str(SCENARIOS / "siloed.toml"), str(SCENARIOS / "collaborative.toml")
    args = ["compare", siloed, collaborative, "--reps", "2", "--store", str(store)]
    assert main([*args, "--uncertainty", "--draws", "2", *TINY]) == 0
    with Store(store) as kept:
        record = kept.recall("uncertainty")
        del record["runs"]
        kept.remember("uncertainty", json.loads(json.dumps(record)))
    assert main(["report", str(store), "--out", str(tmp_path / "report")]) == 0
    page = (tmp_path / "report" / "report.html").read_text()
    assert "draws of the uncertain constants cannot be read" in page
    assert "<h2>The decision</h2>" not in page
