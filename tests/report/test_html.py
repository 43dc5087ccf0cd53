import base64
import io
import os
import re
import sys

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from cxsim.analysis.economics import versus_baseline
from cxsim.analysis.experiment import describe_comparison, execute, replicate_seeds, specs_for
from cxsim.analysis.stats import mean_interval
from cxsim.analysis.store import Store
from cxsim.app.cli import main
from cxsim.config.scenario import Scenario
from cxsim.core.parameters import EconomicsParameters
from cxsim.report.html import build_report
from tests.conftest import SCENARIOS

SMALL = ["--set", "customers.count=600", "--set", "scenario.weeks=52", "--set", "warm_up.weeks=0"]
SECTIONS = (
    "The question",
    "Headline",
    "The scenarios and what differs between them",
    "Outcomes",
    "Differences against the baseline",
    "Money over the horizon",
    "Figures",
    "What the model cannot tell you",
    "Method",
    "Appendix: full tables",
    "Assumptions and parameters",
    "Provenance",
)


@pytest.fixture(scope="module")
def comparison_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("report") / "runs.db"
    args = ["compare", str(SCENARIOS / "siloed.toml"), str(SCENARIOS / "transformation.toml")]
    assert (
        main([*args, "--reps", "3", "--store", str(store), "--workers", "1", "--quiet", *SMALL])
        == 0
    )
    return store


def test_the_report_has_every_section_valid_figures_and_csv_tables(comparison_store, tmp_path):
    report = build_report(comparison_store, tmp_path)
    text = report.read_text()
    for section in SECTIONS:
        assert f">{section}<" in text, section
    # the body reads as people write numbers; p-values and raw tables wait in the appendix
    body = text[: text.index(">Appendix: full tables<")]
    assert "<th>p_value</th>" not in body
    words = re.sub(r'src="data:[^"]+"', "", body)
    assert not re.search(r"\de[-+]\d", words)  # no scientific notation
    assert "<th>p_value</th>" in text[text.index(">Appendix: full tables<") :]
    assert " points [" in body  # a share's difference in percentage points
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert len(images) >= 4
    for data in images:
        with Image.open(io.BytesIO(base64.b64decode(data))) as image:
            image.verify()
    assert "ROI" in text and "transformation" in text
    assert "sets no [economics] of its own" in text  # the shipped scenarios use defaults
    for name in ("outcomes.csv", "differences.csv", "economics.csv"):
        assert (tmp_path / name).exists()


def test_the_report_numbers_are_the_store_numbers(comparison_store, tmp_path):
    build_report(comparison_store, tmp_path)
    outcomes = pd.read_csv(tmp_path / "outcomes.csv")
    with Store(comparison_store, writable=False) as store:
        comparison = store.recall("comparison")
        seeds = replicate_seeds(comparison["seed"], comparison["reps"])
        base = comparison["scenarios"][0]
        finals = store.finals(base["model_hash"], seeds)
    row = outcomes[(outcomes.scenario == base["name"]) & (outcomes.metric == "retention")]
    assert row["mean"].iloc[0] == pytest.approx(finals["retention"].mean())


def test_cli_report_and_a_store_without_a_comparison(comparison_store, tmp_path, capsys):
    assert main(["report", str(comparison_store), "--out", str(tmp_path / "r")]) == 0
    assert "report.html" in capsys.readouterr().out
    empty = tmp_path / "empty.db"
    Store(empty).close()
    assert main(["report", str(empty), "--out", str(tmp_path / "e")]) == 2
    assert "it holds no comparison" in capsys.readouterr().err


def test_a_single_replication_report_says_it_has_no_interval(tmp_path):
    scenarios = [
        Scenario.load(
            SCENARIOS / "siloed.toml",
            overrides={"customers.count": 400, "scenario.weeks": 8, "warm_up.weeks": 0},
        ),
        Scenario.load(
            SCENARIOS / "collaborative.toml",
            overrides={"customers.count": 400, "scenario.weeks": 8, "warm_up.weeks": 0},
        ),
    ]
    store_path = tmp_path / "one.db"
    with Store(store_path) as store:
        execute(specs_for(scenarios, replicate_seeds(0, 1)), store, progress=False)
        store.remember("comparison", describe_comparison(scenarios, seed=0, reps=1))
    text = build_report(store_path, tmp_path / "out").read_text()
    assert "no interval can be estimated" in text


def test_the_roi_interval_covers_the_true_return_on_a_synthetic_case():
    """Known answer: the programme costs 100 a week for 10 weeks and gains 150 a week
    over 20 weeks, so ROI = (3000 - 1000) / 1000 = 2; shared noise cancels in pairs."""
    rng = np.random.default_rng(0)
    params = EconomicsParameters(discount_rate=0.0)
    weeks, covered, experiments = 20, 0, 200
    for _ in range(experiments):
        rois = []
        for _ in range(10):
            shared = rng.normal(1000, 200, weeks)
            cost = np.r_[np.full(10, 100.0), np.zeros(10)]
            gain = 150.0 + rng.normal(0, 30, weeks)
            base = {"profit": shared, "revenue": shared, "programme_cost": np.zeros(weeks)}
            treated = {"profit": shared + gain - cost, "revenue": shared, "programme_cost": cost}
            rois.append(versus_baseline(treated, base, params).roi)
        interval = mean_interval(rois)
        covered += interval.low <= 2.0 <= interval.high
    assert covered / experiments >= 0.9


@pytest.mark.slow
def test_the_demo_writes_a_report(tmp_path, capsys):
    assert main(["demo", "--reps", "2", "--out", str(tmp_path), "--workers", "1"]) == 0
    assert "report:" in capsys.readouterr().out
    text = (tmp_path / "report.html").read_text()
    assert "collaborative" in text and "transformation" in text


def test_an_experiment_report_has_its_points_and_sobol_bars(tmp_path, capsys):
    spec = tmp_path / "exp.toml"
    spec.write_text(
        f'[experiment]\nname = "tiny"\nscenarios = ["{SCENARIOS / "siloed.toml"}"]\n'
        'replications = 2\noutcomes = ["trust"]\n[design]\ntype = "sobol"\nsamples = 8\n'
        '[[parameters]]\npath = "trust.loss"\nrange = [0.1, 0.3]\n'
        '[[parameters]]\npath = "trust.gain"\nrange = [0.02, 0.1]\n'
        '[[parameters]]\npath = "customers.count"\nvalues = [300]\n'
        '[[parameters]]\npath = "scenario.weeks"\nvalues = [3]\n'
        '[[parameters]]\npath = "warm_up.weeks"\nvalues = [0]\n'
    )
    assert main(["report", str(spec), "--out", str(tmp_path / "early")]) == 2
    assert "run cxsim sweep first" in capsys.readouterr().err
    assert main(["sweep", str(spec), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["report", str(spec), "--out", str(tmp_path / "r")]) == 0
    text = (tmp_path / "r" / "report.html").read_text()
    assert ">Design points<" in text and ">Sensitivity<" in text
    assert (tmp_path / "r" / "points.csv").exists() and (
        tmp_path / "r" / "sensitivity.csv"
    ).exists()


WEEKS = 4


def stored_run(spec, profit, programme_cost=0.0, status="done"):
    """A run record made by hand: every metric 0.5, profit and programme cost as given."""
    from cxsim.core.metrics import metric_names

    weekly = {m: [0.5] * WEEKS for m in metric_names()}
    weekly["profit"] = [float(p) for p in profit]
    weekly["programme_cost"] = [programme_cost] * WEEKS
    if status == "failed":
        return spec.failed("RuntimeError: lost", 0.1)
    return spec.record(
        status="done",
        error=None,
        final={m: v[-1] for m, v in weekly.items()},
        weekly=weekly,
        provenance={"seed": spec.seed},
        seconds=0.1,
        network={
            "departments": ["a", "b"],
            "internal_trust": [[1.0, 0.5], [0.5, 1.0]],
            "handoffs": [[0.0, 8.0], [4.0, 0.0]],
            "weeks": WEEKS,
        },
    )


@pytest.fixture
def store_with_a_failed_baseline_run(tmp_path):
    """Baseline and programme over three replicates; the baseline's replicate 1 failed.

    Baseline profit per week: 100, 200, 300 in replicates 0, 1, 2. The programme earns
    104, 9999, 298 a week (replicate 1's figure would wreck any pairing by position)
    and costs 1 a week.
    """
    tables = {"scenario": {"name": "base", "weeks": WEEKS}, "customers": {"count": 300}}
    base = Scenario.from_dict(tables)
    programme = Scenario.from_dict({**tables, "scenario": {"name": "programme", "weeks": WEEKS}})
    programme = programme.with_overrides(
        {"economics.discount_rate": 0.0, "incentives.type": "team_recognition"}
    )
    base = base.with_overrides({"economics.discount_rate": 0.0})
    seeds = replicate_seeds(0, 3)
    specs = {(s.scenario_name, s.replicate): s for s in specs_for([base, programme], seeds)}
    path = tmp_path / "runs.db"
    with Store(path) as store:
        store.record(
            [
                stored_run(specs["base", 0], [100] * WEEKS),
                stored_run(specs["base", 1], [200] * WEEKS, status="failed"),
                stored_run(specs["base", 2], [300] * WEEKS),
                stored_run(specs["programme", 0], [104] * WEEKS, 1.0),
                stored_run(specs["programme", 1], [9999] * WEEKS, 1.0),
                stored_run(specs["programme", 2], [298] * WEEKS, 1.0),
            ]
        )
        store.remember("comparison", describe_comparison([base, programme], seed=0, reps=3))
    return path


def test_a_failed_run_removes_only_its_own_pair(store_with_a_failed_baseline_run, tmp_path):
    text = build_report(store_with_a_failed_baseline_run, tmp_path).read_text()
    money = pd.read_csv(tmp_path / "economics.csv")
    programme = money[money.scenario == "programme"].set_index("replicate")
    # by hand: replicate 0 gains 4 a week, replicate 2 loses 2 a week, over 4 weeks
    assert programme.loc[0, "incremental_profit"] == pytest.approx(16.0)
    assert programme.loc[2, "incremental_profit"] == pytest.approx(-8.0)
    assert np.isnan(programme.loc[1, "incremental_profit"])  # its baseline run failed
    assert programme.loc[1, "profit"] == pytest.approx(4 * 9999)  # its own money stands
    # ROI = (gain before the programme's cost - cost) / cost, cost 4: 16 / 4 and -8 / 4
    assert programme.loc[0, "roi"] == pytest.approx(4.0)
    assert programme.loc[2, "roi"] == pytest.approx(-2.0)
    differences = pd.read_csv(tmp_path / "differences.csv").set_index("metric")
    assert differences.loc["profit", "mean"] == pytest.approx((4 - 2) / 2)  # weekly, paired
    outcomes = pd.read_csv(tmp_path / "outcomes.csv")
    base_profit = outcomes[(outcomes.scenario == "base") & (outcomes.metric == "profit")]
    assert base_profit["mean"].iloc[0] == pytest.approx(200.0)  # (100 + 300) / 2
    assert "Each scenario was to run 3 replications (base is missing 1" in text
    assert "ROI 100 [" in text  # mean of 4 and -2, in percent
    assert "2 of 2 replications" not in text  # payback counts paired runs only


def test_the_collaboration_map_comes_from_the_stored_networks(
    store_with_a_failed_baseline_run, tmp_path
):
    text = build_report(store_with_a_failed_baseline_run, tmp_path).read_text()
    assert "Collaboration between departments" in text
    assert (tmp_path / "figures" / "collaboration_map.png").exists()


IMPORT_MARKER = """
import os, pathlib
pathlib.Path(os.environ["CXSIM_MARKER"]).write_text("imported")
from cxsim.components.structures import Silo

class Planted(Silo):
    pass
"""


def test_a_store_never_makes_the_report_import_or_open_anything(tmp_path, monkeypatch):
    """A store from someone else names a component module and a source file: the report
    reads neither."""
    module = tmp_path / "planted_policies.py"
    module.write_text(IMPORT_MARKER)
    marker = tmp_path / "imported"
    monkeypatch.setenv("CXSIM_MARKER", str(marker))
    monkeypatch.syspath_prepend(str(tmp_path))
    base = Scenario.from_dict({"scenario": {"name": "base", "weeks": WEEKS}})
    seeds = replicate_seeds(0, 2)
    path = tmp_path / "theirs.db"
    comparison = describe_comparison([base, base], seed=0, reps=2)
    other = comparison["scenarios"][1]
    other["name"] = "planted"
    other["model_hash"] = "planted-hash"
    other["scenario"]["structure"] = {"type": "planted_policies:Planted"}
    other["source"] = "/dev/zero"
    comparison["scenarios"][0]["source"] = "/dev/zero"
    from cxsim.analysis.experiment import RunSpec

    with Store(path) as store:
        records = []
        for r, seed in enumerate(seeds):
            records.append(stored_run(RunSpec({}, "base", base.model_hash(), r, seed), [10] * 4))
            records.append(stored_run(RunSpec({}, "planted", "planted-hash", r, seed), [11] * 4))
        store.record(records)
        store.remember("comparison", comparison)
    assert main(["report", str(path), "--out", str(tmp_path / "out")]) == 0
    assert not marker.exists()
    assert "planted_policies" not in sys.modules


def test_failures_on_both_sides_leave_only_the_shared_pairs(
    store_with_a_failed_baseline_run, tmp_path
):
    """Baseline replicate 1 and programme replicate 0 failed: only replicate 2 is a pair."""
    with Store(store_with_a_failed_baseline_run) as store:
        comparison = store.recall("comparison")
        programme = comparison["scenarios"][1]
        seed = replicate_seeds(0, 3)[0]
        from cxsim.analysis.experiment import RunSpec

        spec = RunSpec({}, "programme", programme["model_hash"], 0, seed)
        store.record([stored_run(spec, [0] * WEEKS, status="failed")])
    text = build_report(store_with_a_failed_baseline_run, tmp_path).read_text()
    money = pd.read_csv(tmp_path / "economics.csv")
    paired = money[(money.scenario == "programme") & money.incremental_profit.notna()]
    assert list(paired.replicate) == [2]
    assert paired.incremental_profit.iloc[0] == pytest.approx(-8.0)
    assert "no interval can be estimated" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(reps=10**10), "reps is not an integer between 0 and 1000000"),
        (lambda c: c.update(reps=-1), "reps is not an integer"),
        (lambda c: c.update(baseline="nobody"), "the baseline is not its first scenario"),
        (lambda c: c["scenarios"][1].update(name="base"), "two scenarios have the same name"),
        (lambda c: c["scenarios"][1].update(name="a\nb"), "not one line of text"),
        (lambda c: c["scenarios"][1].update(scenario=[1, 2]), "no name, hash or tables"),
        (
            lambda c: c["scenarios"][1]["scenario"].update(interventions=[3]),
            "interventions are not tables",
        ),
        (
            lambda c: c["scenarios"][1]["scenario"]["scenario"].update(weeks=9),
            "do not share one horizon",
        ),
        (
            lambda c: c["scenarios"][1]["scenario"].update(economics={"discount_rate": "x"}),
            "economics.discount_rate",
        ),
    ],
)
def test_a_store_edited_by_hand_is_refused_in_one_line(
    store_with_a_failed_baseline_run, tmp_path, capsys, change, message
):
    with Store(store_with_a_failed_baseline_run) as store:
        comparison = store.recall("comparison")
        change(comparison)
        store.remember("comparison", comparison)
    out = tmp_path / "out"
    assert main(["report", str(store_with_a_failed_baseline_run), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()  # refused before anything was written


def test_damaged_rows_and_meta_are_one_line(store_with_a_failed_baseline_run, tmp_path, capsys):
    import sqlite3

    db = sqlite3.connect(store_with_a_failed_baseline_run)
    with db:
        db.execute("update runs set weekly = '[1, 2' where replicate = 0")
    db.close()
    assert main(["report", str(store_with_a_failed_baseline_run), "--out", str(tmp_path)]) == 2
    assert "weekly is not JSON" in capsys.readouterr().err
    db = sqlite3.connect(store_with_a_failed_baseline_run)
    with db:
        db.execute("update meta set value = ? where key = 'comparison'", ("[" * 100000,))
    db.close()
    assert main(["report", str(store_with_a_failed_baseline_run), "--out", str(tmp_path)]) == 2
    assert "comparison is not JSON" in capsys.readouterr().err


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder this process cannot write in: a read-only bind mount for root (who
    writes anywhere else), a folder without write permission for anyone else."""
    import subprocess

    source, folder = tmp_path / "source", tmp_path / "read-only"
    source.mkdir()
    folder.mkdir()
    if os.geteuid() != 0:
        yield source, lambda: source.chmod(0o555)
        source.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "--bind", str(source), str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"root cannot make a read-only folder here: {mounted.stderr!r}")

    def protect() -> None:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)

    try:
        yield source, protect
    finally:
        # lazily: a handle the test left open (SQLite's) must not keep the mount alive
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


def test_a_store_in_a_read_only_folder_is_reported(
    store_with_a_failed_baseline_run, read_only_folder, tmp_path
):
    """SQLite cannot make its write-ahead-log files there: the store is read as it is."""
    import shutil

    source, protect = read_only_folder
    shutil.copy(store_with_a_failed_baseline_run, source / "runs.db")
    protect()
    readable = (tmp_path / "read-only" / "runs.db") if os.geteuid() == 0 else source / "runs.db"
    with pytest.raises(OSError):
        (readable.parent / "probe").write_text("x")
    assert main(["report", str(readable), "--out", str(tmp_path / "out")]) == 0
    assert main(["status", str(readable)]) == 0
    assert sorted(p.name for p in readable.parent.iterdir()) == ["runs.db"]
