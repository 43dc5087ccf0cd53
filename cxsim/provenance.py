"""Provenance: what a result needs to be reproduced (seed, scenario hash, versions)."""

from __future__ import annotations

import functools
import hashlib
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["code_fingerprint", "package_versions", "provenance"]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


@functools.cache
def code_fingerprint() -> str:
    """A hash of cxsim's own source files: it changes whenever the model's code does."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode("utf-8"))
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
