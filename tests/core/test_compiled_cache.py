"""The compiled kernels are cached in a directory keyed by every compiled module's source."""

import os

import numba

from cxsim.core import casework, compiled_cache, kernels


def test_kernels_cache_where_their_sources_say_and_leave_numba_as_it_was():
    directory = compiled_cache.cache_directory()
    if os.environ.get("NUMBA_CACHE_DIR"):  # the user's own choice is kept
        directory = os.environ["NUMBA_CACHE_DIR"]
        assert str(kernels.keyed_uniform._cache._cache_path).startswith(directory)
        return
    assert directory.parent.name == "__pycache__" and directory.name.startswith("numba-")
    for function in (kernels.keyed_uniform, casework.route_cases):
        assert str(function._cache._cache_path).startswith(str(directory))
    assert numba.config.CACHE_DIR in ("", None) or numba.config.CACHE_DIR != str(directory)


def test_a_change_to_any_compiled_module_moves_the_cache(monkeypatch):
    before = compiled_cache.cache_directory()
    # the digest covers every compiled module: one module fewer is another directory
    monkeypatch.setattr(compiled_cache, "COMPILED_MODULES", compiled_cache.COMPILED_MODULES[1:])
    assert compiled_cache.cache_directory() != before
