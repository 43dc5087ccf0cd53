"""The README and docs say what works: their commands and examples run."""

import re
import subprocess
import sys

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str, language: str = "") -> list[str]:
    """Fenced blocks of one language ("" for blocks without one), in order."""
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M)
    return [body for lang, body in blocks if lang == language]


def section(text: str, heading: str) -> str:
    """The text under one ``## heading``, up to the next heading of that level."""
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_ci_runs_exactly_the_readme_test_command():
    setup = section(README, "Set-up: two commands")
    commands = [b.strip() for b in code_blocks(setup) if "pip install" in b]
    assert len(commands) == 2
    main_job, tests = commands
    assert "cxsim demo" in main_job
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_dashboard_command_names_its_extra():
    (command,) = [b.strip() for b in code_blocks(section(README, "The dashboard"))]
    assert command.startswith('python -m pip install -e ".[app]" && cxsim app ')


def test_readme_python_example_runs(monkeypatch):
    (example,) = code_blocks(README, "python")
    assert len(example.strip().splitlines()) <= 6
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    assert len(namespace["result"].metrics) == namespace["scenario"].weeks


def test_readme_command_lines_parse():
    for command in ("components", "parameters", "metrics"):
        result = subprocess.run(
            [sys.executable, "-m", "cxsim", command], capture_output=True, text=True, cwd=ROOT
        )
        assert result.returncode == 0, result.stderr
