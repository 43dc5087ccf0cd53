"""Scenarios and the files they come from.

Reading TOML files safely, declaring and validating a scenario, and the reference
tables of every constant.

May import: :mod:`cxsim.components`, :mod:`cxsim.core`, :mod:`cxsim.validation`.
"""
