"""Provenance: what a result needs to be reproduced (seed, scenario hash, versions)."""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Any

__all__ = ["package_versions", "provenance"]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def package_versions() -> dict[str, str]:
    """Versions of cxsim and of the libraries its results depend on."""
    return {
        "cxsim": _version("cxsim"),
        "mesa": _version("mesa"),
        "numpy": _version("numpy"),
        "scipy": _version("scipy"),
        "pandas": _version("pandas"),
        "python": platform.python_version(),
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
