"""Lint and format are part of the test command (ruff, configured in pyproject.toml)."""

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff(args):
    assert importlib.util.find_spec("ruff"), "ruff is in the test extra: pip install -e '.[test]'"
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
