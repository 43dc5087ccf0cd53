"""Where the compiled kernels are cached: a directory keyed by their source code.

Numba checks only a compiled function's own file when it reuses its cache, so after a
change to a kernel in one module a function in another module that calls it could keep
running the old code. The kernels' caches therefore live in a directory named after a
digest of every compiled module's source (under the package's ``__pycache__``): a change
to any of them starts a fresh cache. A ``NUMBA_CACHE_DIR`` the user sets is left alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import numba

__all__ = ["COMPILED_MODULES", "cache_directory", "keyed_cache"]

COMPILED_MODULES = ("kernels", "pcg", "casework", "customer_formulas", "employee_formulas")
"""The modules of :mod:`cxsim.core` whose functions are compiled and cached."""


def cache_directory() -> Path:
    """The cache directory of the compiled modules as their source stands now."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in COMPILED_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    return here / "__pycache__" / f"numba-{digest.hexdigest()[:16]}"


@contextlib.contextmanager
def keyed_cache() -> Iterator[None]:
    """Define compiled functions inside this block to cache them in :func:`cache_directory`.

    Numba picks a function's cache directory when the function is defined, so the
    setting is restored afterwards and other code's caches are not affected.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        yield
        return
    previous = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(cache_directory())
    try:
        yield
    finally:
        numba.config.CACHE_DIR = previous
