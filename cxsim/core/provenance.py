"""Provenance: what a result needs to be reproduced (seed, scenario hash, versions)."""

from __future__ import annotations

import functools
import hashlib
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["DECIDING", "code_fingerprint", "fingerprinted_files", "package_versions", "provenance"]


@functools.cache  # installed versions do not change while a process runs
def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


#: The layers whose code decides results: the model and its mechanisms, the components,
#: and the input checking both use. Scenario reading, analysis, the report and the app
#: only hand values to the model or present what it returns, so changing them keeps
#: stored runs valid. The import contract (``.importlinter``) keeps these layers from
#: importing any other, so this list is closed under imports.
DECIDING = ("validation", "core", "components")


def fingerprinted_files() -> list[Path]:
    """The source files that decide results, in a stable order.

    Every module of the packages in :data:`DECIDING`, subpackages included.
    """
    root = Path(__file__).parents[1]
    return sorted(path for layer in DECIDING for path in (root / layer).rglob("*.py"))


@functools.cache
def code_fingerprint() -> str:
    """A hash of the source that decides results: it changes whenever the model does."""
    root = Path(__file__).parents[1]
    digest = hashlib.sha256()
    for path in fingerprinted_files():
        digest.update(path.relative_to(root).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def package_versions() -> dict[str, str]:
    """Versions of cxsim and of the libraries its results depend on."""
    return {
        "cxsim": _version("cxsim"),
        "mesa": _version("mesa"),
        "numpy": _version("numpy"),
        "scipy": _version("scipy"),
        "pandas": _version("pandas"),
        "python": platform.python_version(),
        "cxsim_code": code_fingerprint(),
    }


def provenance(scenario: Any, seed: int, weeks: int) -> dict[str, Any]:
    """Return the provenance record of one run."""
    return {
        "seed": seed,
        "weeks": weeks,
        "scenario_name": scenario.name,
        "scenario_hash": scenario.hash(),
        "scenario_file": scenario.source,
        "versions": package_versions(),
    }
