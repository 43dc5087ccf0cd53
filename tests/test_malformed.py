"""Malformed inputs: one line on stderr, exit code 2, nothing written, little memory.

The cases are the files in ``tests/malformed/`` (each says how it is run and what it
must print) and those made here because they cannot be kept as files: nesting too deep
for a parser, a file too large, a device, a folder, bytes that are not text.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "malformed"
MEMORY_LIMIT = 3 * 2**30
"""Address space a refusal may use: cxsim's imports need about 1 GiB of it."""


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def refuse(args: list[str], out_dir: Path, expect: str, cwd: Path | None = None) -> str:
    """Run cxsim and check that it refuses as a user's mistake must be refused."""
    done = subprocess.run(
        [sys.executable, "-m", "cxsim", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
        cwd=cwd,
    )
    lines = done.stderr.splitlines()
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith("cxsim: error: "), lines[0]
    assert expect in lines[0], lines[0]
    assert done.stdout == "", done.stdout[:500]
    assert not any(out_dir.iterdir()), f"wrote {sorted(out_dir.iterdir())} before refusing"
    return lines[0]


def _file_cases() -> list[tuple[str, str, str]]:
    cases = []
    for path in sorted(CASES.glob("*.toml")):
        header = dict(
            re.match(r"# (\w+): (.*)", line).groups() for line in path.read_text().splitlines()[:2]
        )
        cases.append((path.name, header["run"], header["expect"]))
    return cases


FILE_CASES = _file_cases()


def test_the_corpus_has_its_cases():
    assert len(FILE_CASES) >= 18


@pytest.mark.parametrize(("name", "command", "expect"), FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_malformed_file(name, command, expect, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    args = command.format(file=CASES / name, dir=out_dir).split()
    refuse(args, out_dir, expect)


def test_a_component_module_prints_nothing_while_it_is_refused(tmp_path):
    # this:s would print the Zen of Python when imported: it is refused before import
    out = tmp_path / "out"
    out.mkdir()
    refuse(["validate", str(CASES / "component_this.toml")], out, "standard library")


def test_the_environment_never_appears_in_a_message(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    secret = "cxsim-test-secret-6f1c"
    os.environ["CXSIM_SECRET_FOR_TEST"] = secret
    try:
        line = refuse(["validate", str(CASES / "component_os_environ.toml")], out, "os:environ")
    finally:
        del os.environ["CXSIM_SECRET_FOR_TEST"]
    assert secret not in line and "PATH" not in line


NESTED = "[scenario]\nname = 'deep'\n[customers]\ncount = " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize(
    ("name", "content", "args", "expect"),
    [
        ("nested", NESTED, ["validate"], "nested at most 32 deep"),
        ("nested-shallow", "x = " + "[" * 40 + "]" * 40 + "\n", ["validate"], "at most 32 deep"),
        ("latin1", b"[scenario]\nname = '\xe9t\xe9'\n", ["validate"], "a UTF-8 encoded TOML"),
        ("not-toml", "[scenario\nname=", ["validate"], "expected valid TOML"),
    ],
)
def test_malformed_content(name, content, args, expect, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    path = tmp_path / f"{name}.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    refuse([*args, str(path)], out, expect)


def test_too_many_departments(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    path = tmp_path / "departments.toml"
    stages = '["awareness", "purchase", "onboarding", "usage", "support", "billing", "renewal"]'
    path.write_text(
        '[scenario]\nname = "a-department-each"\n'
        + f'[[departments]]\nname = "d0"\nheadcount = 1\nstages = {stages}\n'
        + "".join(
            f'[[departments]]\nname = "d{i}"\nheadcount = 1\nstages = []\n'
            for i in range(1, 30_000)
        )
    )
    refuse(["validate", str(path)], out, "departments: expected at most 100 departments")


def test_a_file_too_large_is_not_read(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:  # sparse: 11 MiB that take no disk
        handle.truncate(11 * 2**20)
    refuse(["validate", str(big)], out, "a scenario or experiment file of at most 10 MiB")


def test_devices_and_folders_are_not_read(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    refuse(["validate", "/dev/zero"], out, "(this is a device, pipe or socket)")
    refuse(["validate", str(tmp_path)], out, "a scenario or experiment file, not a directory")


def test_deep_nesting_in_an_override(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    deep = "trust.loss=" + "[" * 5000 + "]" * 5000
    refuse(
        ["validate", str(CASES.parent.parent / "scenarios" / "siloed.toml"), "--set", deep],
        out,
        "--set: expected tables and arrays nested at most 32 deep",
    )


def test_outputs_that_cannot_be_written_are_refused_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    taken = tmp_path / "taken"
    taken.write_text("a file, not a folder")
    refuse(
        ["report", str(out / "none.db"), "--out", str(taken)], out, "--out: expected a directory"
    )
    refuse(["demo", "--out", str(taken)], out, "--out: expected a directory (this is an existing")
    store = tmp_path / "runs.db"
    from cxsim.analysis.store import Store

    Store(store).close()
    refuse(
        ["status", str(store), "--export", str(out / "runs.xlsx")],
        out,
        "--export: expected a file ending in .csv or .parquet",
    )
    scenario = str(CASES.parent.parent / "scenarios" / "siloed.toml")
    refuse(["run", scenario, "--out", str(out / "missing" / "w.csv")], out, "existing directory")
    refuse(["run", scenario, "--departments", str(out)], out, "not a directory")


def test_usage_errors_are_one_line(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    refuse([], out, "the following arguments are required: COMMAND")
    refuse(["nonsense"], out, "invalid choice: 'nonsense'")
    refuse(["compare", "--reps", "x"], out, "argument --reps: expected at least 2 replications")
    refuse(
        ["app", "--port", "70000"], out, "--port: expected a port between 0 and 65535, got 70000"
    )
